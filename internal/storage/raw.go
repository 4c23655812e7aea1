package storage

import "database/sql"

// Raw returns the write pool with its connection settings (on SQLite: the one writer connection,
// WAL, synchronous=FULL), for tools that measure the bare driver against the application
// (wuxing bench) or load data in bulk. The application itself never uses it: its writes go
// through the store's scoped, audited methods.
func (db *DB) Raw() *sql.DB { return db.write }
