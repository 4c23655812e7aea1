package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// ErrBackupPostgres says that PostgreSQL is backed up with its own tools.
var ErrBackupPostgres = errors.New("storage: PostgreSQL databases are backed up with pg_dump (e.g. pg_dump -Fc -f wuxing.dump \"$WUXING_DATABASE_URL\"), restored with pg_restore")

// Backup writes a consistent copy of a live SQLite database to file with VACUUM INTO, which
// reads one snapshot while writers carry on. The file must not exist yet.
func (db *DB) Backup(ctx context.Context, file string) error {
	if db.d == Postgres {
		return ErrBackupPostgres
	}
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("storage: backup: %s already exists", file)
	}
	// A connection of its own: the read pool is query-only, and the writer must stay free for
	// the platform's writes while the copy is made.
	c, err := sql.Open("sqlite", "file:"+db.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "VACUUM INTO ?", file); err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	return nil
}
