// Package storage keeps wuxing's records in SQLite (the embedded default) or PostgreSQL (the
// server backend) through one set of SQL in the subset both share. It is the one place where
// queries are scoped: every public method that reads or changes records takes the acting
// principal and limits itself to the units that principal may reach.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // SQLite driver "sqlite"

	"wuxing/internal/calendar"
	"wuxing/internal/clock"
)

//go:embed migrations
var migrations embed.FS

// DB is an open database: a pool for writes and one for reads (the same pool on PostgreSQL;
// on SQLite exactly one writer connection, so writers queue in Go instead of failing busy).
type DB struct {
	d     Dialect
	write *sql.DB
	read  *sql.DB
	clock clock.Clock
	log   *slog.Logger
	path  string        // SQLite file
	gc    *groupCommit  // SQLite: groups concurrent write transactions into one commit
	ckpt  *checkpointer // SQLite: copies the write-ahead log back, off the writer's path

	cals *calendarCache // shared by copies of the DB (CaseBatch)
	cats *categoryCache // likewise
	// readConns is the SQLite read pool's size.
	readConns int
	// SQLite: the prepared statements of the write and read pools (nil on PostgreSQL).
	wstmts, rstmts *stmtCache
}

// stmts returns the statement cache of a pool.
func (db *DB) stmts(pool *sql.DB) *stmtCache {
	switch pool {
	case nil:
		return nil
	case db.write:
		return db.wstmts
	case db.read:
		return db.rstmts
	}
	return nil
}

// calendarCache keeps the working-day calendar while key still matches the table.
type calendarCache struct {
	mu  sync.Mutex
	cal *calendar.Calendar
	key string
}

// Options configure Open.
type Options struct {
	Clock  clock.Clock
	Logger *slog.Logger
	// ReadConns is the size of the SQLite read pool (default 4).
	ReadConns int
}

// ParseURL tells which database a URL names: "postgres://…" or "postgresql://…" for PostgreSQL,
// "sqlite:PATH" or a plain file path for SQLite.
func ParseURL(u string) (Dialect, string, error) {
	switch {
	case u == "":
		return "", "", errors.New("storage: empty database URL")
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		if _, err := url.Parse(u); err != nil {
			return "", "", fmt.Errorf("storage: bad PostgreSQL URL: %w", err)
		}
		return Postgres, u, nil
	case strings.HasPrefix(u, "sqlite:"):
		u = strings.TrimPrefix(strings.TrimPrefix(u, "sqlite:"), "//")
	case strings.Contains(u, "://"):
		return "", "", fmt.Errorf("storage: unsupported database URL scheme in %q", redactURL(u))
	}
	if u == "" {
		return "", "", errors.New("storage: empty SQLite path")
	}
	return SQLite, u, nil
}

// redactURL drops a password from a URL for messages.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return s
}

// Open opens (and for SQLite, creates) the database that dbURL names. It does not migrate.
func Open(ctx context.Context, dbURL string, opt Options) (*DB, error) {
	d, target, err := ParseURL(dbURL)
	if err != nil {
		return nil, err
	}
	if opt.Clock == nil {
		opt.Clock = clock.System{}
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.ReadConns <= 0 {
		opt.ReadConns = 4
	}
	db := &DB{d: d, clock: opt.Clock, log: opt.Logger, cals: &calendarCache{}, cats: &categoryCache{}}
	switch d {
	case Postgres:
		p, err := sql.Open("pgx", target)
		if err != nil {
			return nil, fmt.Errorf("storage: open postgres: %w", err)
		}
		p.SetMaxOpenConns(20)
		p.SetMaxIdleConns(20)
		p.SetConnMaxIdleTime(5 * time.Minute)
		db.write, db.read = p, p
	case SQLite:
		if dir := filepath.Dir(target); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("storage: create database folder: %w", err)
			}
		}
		db.path = target
		// busy_timeout first, so the other pragmas wait rather than fail; FULL sync so an
		// acknowledged write survives a power loss.
		pragmas := sqlitePragmas
		// The writer keeps its temporary files in memory: group commit runs every request in a
		// savepoint, and SQLite keeps the pages a savepoint changes in a sub-journal, which would
		// otherwise spill to a temporary file (a seventh of the writer's time went to writing it).
		// It leaves checkpoints to the checkpointer (see checkpoint.go).
		w, err := sql.Open("sqlite", "file:"+target+"?"+pragmas+"&_pragma=temp_store(2)&_pragma=wal_autocheckpoint(0)"+
			"&_pragma=journal_size_limit(67108864)&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("storage: open sqlite: %w", err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		// The writer must exist first: it switches the file to WAL before readers open it.
		if err := w.PingContext(ctx); err != nil {
			w.Close()
			return nil, fmt.Errorf("storage: open sqlite %s: %w", target, err)
		}
		r, err := sql.Open("sqlite", "file:"+target+"?"+pragmas+"&_pragma=query_only(1)")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("storage: open sqlite readers: %w", err)
		}
		r.SetMaxOpenConns(opt.ReadConns)
		r.SetMaxIdleConns(opt.ReadConns)
		db.readConns = opt.ReadConns
		db.write, db.read = w, r
		db.wstmts, db.rstmts = newStmtCache(w), newStmtCache(r)
		db.gc = newGroupCommit(w)
		ck, err := sql.Open("sqlite", "file:"+target+"?"+pragmas)
		if err != nil {
			db.gc.close()
			w.Close()
			r.Close()
			return nil, fmt.Errorf("storage: open sqlite checkpointer: %w", err)
		}
		ck.SetMaxOpenConns(1)
		ck.SetMaxIdleConns(1)
		db.ckpt = newCheckpointer(ck)
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if d == SQLite {
		if err := db.warmReaders(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// sqlitePragmas are every SQLite connection's settings. busy_timeout first, so the other
// pragmas wait rather than fail; FULL sync so an acknowledged write survives a power loss.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"

// Dialect tells which database this is.
func (db *DB) Dialect() Dialect { return db.d }

// Clock returns the clock the store stamps records with.
func (db *DB) Clock() clock.Clock { return db.clock }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("storage: ping: %w", err)
	}
	if db.write != db.read {
		if err := db.write.PingContext(ctx); err != nil {
			return fmt.Errorf("storage: ping writer: %w", err)
		}
	}
	return nil
}

// Close closes both pools.
func (db *DB) Close() error {
	if db.gc != nil {
		db.gc.close()
	}
	if db.ckpt != nil {
		db.ckpt.close()
	}
	db.wstmts.close()
	db.rstmts.close()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// provider returns a goose migration provider over this dialect's folder.
func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.d))
	if err != nil {
		return nil, err
	}
	gd := goose.DialectSQLite3
	if db.d == Postgres {
		gd = goose.DialectPostgres
	}
	return goose.NewProvider(gd, db.write, sub)
}

// Migrate applies every migration not yet applied, each in its own transaction, and reports
// which it applied.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	p, err := db.provider()
	if err != nil {
		return nil, fmt.Errorf("storage: migrations: %w", err)
	}
	res, err := p.Up(ctx)
	var names []string
	for _, r := range res {
		names = append(names, r.Source.Path)
	}
	if err != nil {
		return names, fmt.Errorf("storage: migrate: %w", err)
	}
	return names, nil
}

// MigrationNames lists the embedded migration files of a dialect, in order.
func MigrationNames(d Dialect) ([]string, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+string(d))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, nil
}

// Empty reports whether the database holds no units yet (a fresh install).
func (db *DB) Empty(ctx context.Context) (bool, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM units").Scan(&n); err != nil {
		return false, fmt.Errorf("storage: count units: %w", err)
	}
	return n == 0, nil
}
