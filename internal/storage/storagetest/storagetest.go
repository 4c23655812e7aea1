// Package storagetest opens a fresh, migrated database for a test: a temporary SQLite file by
// default, or a new PostgreSQL database when WUXING_TEST_POSTGRES names a server
// (postgres://user:pass@host/db). A PostgreSQL database is dropped when its test passes and
// kept, with its name logged, when it fails.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"wuxing/internal/clock"
	"wuxing/internal/storage"
)

// EnvPostgres names the environment variable that switches tests to PostgreSQL.
const EnvPostgres = "WUXING_TEST_POSTGRES"

// Epoch is the time a test clock starts at unless a test sets it: a Monday.
var Epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// URL returns the URL of a fresh, empty database for tb, removed when tb ends.
func URL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		return "sqlite:" + filepath.Join(tb.TempDir(), "test.db")
	}
	u, name, err := createPostgres(base)
	if err != nil {
		tb.Fatalf("storagetest: %v", err)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("storagetest: kept database %s for inspection", name)
			return
		}
		dropPostgres(base, name)
	})
	return u
}

// createPostgres creates a new database on the server base names and returns its URL and name.
func createPostgres(base string) (string, string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", EnvPostgres, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "wuxing_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", "", err
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		return "", "", fmt.Errorf("create database: %w", err)
	}
	u.Path = "/" + name
	return u.String(), name, nil
}

func dropPostgres(base, name string) {
	a, err := sql.Open("pgx", base)
	if err != nil {
		return
	}
	defer a.Close()
	a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
}

// OpenShared returns a migrated database on a fresh backend that outlives any one test, for
// the tests of a package to share (opened once, from a sync.Once or TestMain), and a function
// to call when the package's tests are done: it closes the database and removes it, or with
// keep (some test failed) keeps a PostgreSQL database and prints its name for inspection.
func OpenShared(ctx context.Context) (*storage.DB, *clock.Fixed, func(keep bool), error) {
	var dbURL string
	var remove func(keep bool)
	if base := os.Getenv(EnvPostgres); base != "" {
		u, name, err := createPostgres(base)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("storagetest: %w", err)
		}
		dbURL = u
		remove = func(keep bool) {
			if keep {
				fmt.Fprintf(os.Stderr, "storagetest: kept database %s for inspection\n", name)
				return
			}
			dropPostgres(base, name)
		}
	} else {
		dir, err := os.MkdirTemp("", "wuxing-test-")
		if err != nil {
			return nil, nil, nil, fmt.Errorf("storagetest: %w", err)
		}
		dbURL = "sqlite:" + filepath.Join(dir, "test.db")
		remove = func(bool) { os.RemoveAll(dir) }
	}
	clk := clock.NewFixed(Epoch)
	db, err := storage.Open(ctx, dbURL, storage.Options{Clock: clk})
	if err != nil {
		remove(false)
		return nil, nil, nil, fmt.Errorf("storagetest: open: %w", err)
	}
	done := func(keep bool) {
		db.Close()
		remove(keep)
	}
	if _, err := db.Migrate(ctx); err != nil {
		done(false)
		return nil, nil, nil, fmt.Errorf("storagetest: migrate: %w", err)
	}
	return db, clk, done, nil
}

// Open returns a migrated database on a fresh backend and a clock the test can set.
func Open(tb testing.TB) (*storage.DB, *clock.Fixed) {
	tb.Helper()
	clk := clock.NewFixed(Epoch)
	ctx := context.Background()
	db, err := storage.Open(ctx, URL(tb), storage.Options{Clock: clk})
	if err != nil {
		tb.Fatalf("storagetest: open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("storagetest: migrate: %v", err)
	}
	return db, clk
}
