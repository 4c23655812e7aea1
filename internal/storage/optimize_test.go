package storage_test

import (
	"context"
	"testing"

	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// TestOptimizeKeepsStat4 checks that keeping the planner's statistics current leaves SQLite's
// sqlite_stat4 samples of the cases in place: the fast plan for wide case lists rests on them,
// and a bounded ANALYZE would delete them. The samples no plan needs (other tables, unique
// indexes) are gone, and a case submitted with an idempotency key still finds its first case.
func TestOptimizeKeepsStat4(t *testing.T) {
	db, _ := storagetest.Open(t)
	if db.Dialect() != storage.SQLite {
		t.Skip("SQLite's statistics only; PostgreSQL keeps its own")
	}
	ctx := context.Background()
	w := buildCaseWorld(t, db)
	for range 40 {
		if _, err := db.CreateCase(ctx, w.sec, newLightCase(w), storage.NewCase{}); err != nil {
			t.Fatal(err)
		}
	}
	stat4 := func() int {
		var n int
		if err := db.Raw().QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_stat4 WHERE tbl = 'cases'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Never analyzed: optimize analyzes it.
	if err := db.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	if n := stat4(); n == 0 {
		t.Fatal("optimize left the cases without sqlite_stat4 samples")
	}
	// Grown tenfold: optimize analyzes it again, still with samples.
	for range 400 {
		if _, err := db.CreateCase(ctx, w.sec, newLightCase(w), storage.NewCase{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	if n := stat4(); n == 0 {
		t.Fatal("optimize after growth deleted the sqlite_stat4 samples of the cases")
	}
	var left int
	if err := db.Raw().QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_stat4 WHERE tbl <> 'cases'
		OR idx IN (SELECT name FROM pragma_index_list('cases') WHERE "unique" = 1)`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Fatalf("%d samples of other tables or unique indexes kept", left)
	}
	var path int
	if err := db.Raw().QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_stat4 WHERE idx = 'cases_unit_path_id'").Scan(&path); err != nil || path == 0 {
		t.Fatalf("the list's path index lost its samples (%d, %v)", path, err)
	}
	first := newLightCase(w)
	if _, err := db.CreateCase(ctx, w.sec, first, storage.NewCase{IdempotencyKey: "k-1"}); err != nil {
		t.Fatal(err)
	}
	again := newLightCase(w)
	if created, err := db.CreateCase(ctx, w.sec, again, storage.NewCase{IdempotencyKey: "k-1"}); err != nil || created || again.ID != first.ID {
		t.Fatalf("the same key again: created %v, case %d (first %d), %v", created, again.ID, first.ID, err)
	}
}
