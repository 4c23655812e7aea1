package storage

import (
	"database/sql"
	"fmt"
)

// Raw returns the write pool with its connection settings (on SQLite: the one writer connection,
// WAL, synchronous=FULL), for tools that measure the bare driver against the application
// (wuxing bench) or load data in bulk. The application itself never uses it: its writes go
// through the store's scoped, audited methods.
func (db *DB) Raw() *sql.DB { return db.write }

// Bare returns a write pool with the store's durability settings and the driver's defaults
// otherwise, and how to close it: the physical reference wuxing bench measures the application
// against. On SQLite that is one connection of its own (WAL, synchronous=FULL, SQLite's own
// checkpoints inside the commits), without the store's tuning of its writer; on PostgreSQL it is
// the write pool.
func (db *DB) Bare() (*sql.DB, func() error, error) {
	if db.d != SQLite {
		return db.write, func() error { return nil }, nil
	}
	p, err := sql.Open("sqlite", "file:"+db.path+"?"+sqlitePragmas+"&_txlock=immediate")
	if err != nil {
		return nil, nil, fmt.Errorf("storage: open bare sqlite: %w", err)
	}
	p.SetMaxOpenConns(1)
	p.SetMaxIdleConns(1)
	return p, p.Close, nil
}
