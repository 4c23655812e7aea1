package storage

import (
	"context"
	"fmt"
)

// Optimize keeps the query planner's statistics current. SQLite chooses between walking a
// table's primary key and an index range by those statistics (sqlite_stat1/stat4): without them a
// province-wide case list sorted a whole table where it should have read fifty rows. PRAGMA
// optimize runs ANALYZE only where the data changed enough (a table ten times the size it had
// when last analyzed, or never analyzed), so it is cheap to call at start and every hour.
// PostgreSQL's autovacuum keeps its own statistics.
//
// The ANALYZE it runs is a full one, not one bounded by analysis_limit: a bounded ANALYZE writes
// sqlite_stat1 only and deletes the table's sqlite_stat4 samples, and it is those samples that
// let the planner see that a wide scope should walk the key (BENCHMARKS.md: 350 ms instead of
// 2.5 ms for the first page at 100k cases). A full one costs time in proportion to the table, but
// it only runs when the table has grown tenfold, so rarely and ever less often.
func (db *DB) Optimize(ctx context.Context) error {
	if db.d != SQLite {
		return nil
	}
	return db.update(ctx, func(t *Tx) error {
		// 0x10002: also analyze tables that have never been analyzed (a fresh or imported file).
		if _, err := t.Exec(ctx, "PRAGMA optimize=0x10002"); err != nil {
			return fmt.Errorf("storage: optimize: %w", err)
		}
		return nil
	})
}
