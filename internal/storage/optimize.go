package storage

import (
	"context"
	"database/sql"
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
	pruned := false
	err := db.update(ctx, func(t *Tx) error {
		// 0x10002: also analyze tables that have never been analyzed (a fresh or imported file).
		if _, err := t.Exec(ctx, "PRAGMA optimize=0x10002"); err != nil {
			return fmt.Errorf("storage: optimize: %w", err)
		}
		var n int
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sqlite_stat4'").Scan(&n); err != nil || n == 0 {
			return err
		}
		// Samples only where a plan depends on them (see keepStat4).
		res, err := t.Exec(ctx, "DELETE FROM sqlite_stat4 WHERE "+dropStat4)
		if err != nil {
			return fmt.Errorf("storage: optimize: %w", err)
		}
		if k, _ := res.RowsAffected(); k > 0 {
			pruned = true
			// Reload the statistics into this connection's schema.
			if _, err := t.Exec(ctx, "ANALYZE sqlite_schema"); err != nil {
				return fmt.Errorf("storage: optimize: %w", err)
			}
		}
		return nil
	})
	if err == nil && pruned {
		// The readers loaded the statistics when they opened: open them again.
		db.read.SetMaxIdleConns(0)
		db.read.SetMaxIdleConns(db.readConns)
		err = db.warmReaders(ctx)
	}
	return err
}

// warmReaders opens every SQLite reader and has it load the schema and the statistics (about
// 5 ms each with the whole schema), so that no request pays for it.
func (db *DB) warmReaders(ctx context.Context) error {
	conns := make([]*sql.Conn, 0, db.readConns)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range db.readConns {
		c, err := db.read.Conn(ctx)
		if err != nil {
			return fmt.Errorf("storage: open reader: %w", err)
		}
		conns = append(conns, c)
		var n int
		if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_schema").Scan(&n); err != nil {
			return fmt.Errorf("storage: open reader: %w", err)
		}
	}
	return nil
}

// dropStat4 selects the sqlite_stat4 samples no plan needs. The driver's SQLite is built with
// STAT4, and a statement whose plan could depend on a bound value's place among an index's
// samples is prepared again every time that value changes: with samples everywhere, most
// statements that look a row up by an indexed column (a session by its token, a case by its
// idempotency key) were re-planned on every run, defeating the prepared-statement cache. Only
// the case list chooses between walking the key and reading a path index by how much of the
// table a scope covers, so the samples of the cases' non-unique indexes stay; a unique index
// answers an equality with one row whatever the value.
const dropStat4 = `tbl <> 'cases' OR idx IN (SELECT name FROM pragma_index_list('cases') WHERE "unique" = 1)`
