package storage_test

import (
	"context"
	"path/filepath"
	"testing"

	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

func TestBackupRestores(t *testing.T) {
	db, _ := storagetest.Open(t)
	if db.Dialect() != storage.SQLite {
		if err := db.Backup(context.Background(), filepath.Join(t.TempDir(), "x.db")); err != storage.ErrBackupPostgres {
			t.Fatalf("got %v, want the pg_dump advice", err)
		}
		return
	}
	ctx := context.Background()
	tr := buildTree(t, db)
	file := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, file); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, file); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	// A change after the backup must not be in it.
	mustUnit(t, db, tr.a, "grid", "410902003001002", "第二网格")

	restored, err := storage.Open(ctx, "sqlite:"+file, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if _, err := restored.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want, _, _ := db.Units(ctx, storage.System, storage.UnitFilter{IncludeInactive: true, Limit: 1000})
	got, _, err := restored.Units(ctx, storage.System, storage.UnitFilter{IncludeInactive: true, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want)-1 {
		t.Fatalf("restored %d units, want %d (all but the one made after the backup)", len(got), len(want)-1)
	}
	byID := map[int64]string{}
	for _, u := range want {
		byID[u.ID] = u.Code + u.Name + u.Path
	}
	for _, u := range got {
		if byID[u.ID] != u.Code+u.Name+u.Path {
			t.Errorf("unit %d differs after restore", u.ID)
		}
	}
}
