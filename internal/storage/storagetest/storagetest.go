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
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("storagetest: %s: %v", EnvPostgres, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "wuxing_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("storagetest: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatalf("storagetest: create database: %v", err)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("storagetest: kept database %s for inspection", name)
			return
		}
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u.Path = "/" + name
	return u.String()
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
