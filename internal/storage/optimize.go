package storage

import (
	"context"
	"fmt"
)

// Optimize keeps the query planner's statistics current. SQLite chooses between walking a
// table's primary key and an index range by those statistics (sqlite_stat1/stat4): without them a
// province-wide case list sorted a whole table where it should have read fifty rows. PRAGMA
// optimize runs ANALYZE only where the data changed enough, within a bounded effort, so it is
// cheap to call at start and every hour. PostgreSQL's autovacuum keeps its own statistics.
func (db *DB) Optimize(ctx context.Context) error {
	if db.d != SQLite {
		return nil
	}
	return db.update(ctx, func(t *Tx) error {
		if _, err := t.Exec(ctx, "PRAGMA analysis_limit=1000"); err != nil {
			return fmt.Errorf("storage: optimize: %w", err)
		}
		// 0x10002: also analyze tables that have never been analyzed (a fresh or imported file).
		if _, err := t.Exec(ctx, "PRAGMA optimize=0x10002"); err != nil {
			return fmt.Errorf("storage: optimize: %w", err)
		}
		return nil
	})
}
