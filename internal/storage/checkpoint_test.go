package storage_test

import (
	"context"
	"testing"

	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// TestCheckpointsOffTheWriter checks that the writer never checkpoints inside a commit and that
// the checkpointer copies the log back: after cases are submitted the log holds their frames,
// and a checkpoint copies every one of them (no reader holds an older snapshot).
func TestCheckpointsOffTheWriter(t *testing.T) {
	db, _ := storagetest.Open(t)
	if db.Dialect() != storage.SQLite {
		t.Skip("SQLite's write-ahead log")
	}
	ctx := context.Background()
	var auto int
	if err := db.Raw().QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("the writer checkpoints every %d pages (%v)", auto, err)
	}
	w := buildCaseWorld(t, db)
	for range 20 {
		if _, err := db.CreateCase(ctx, w.sec, newLightCase(w), storage.NewCase{}); err != nil {
			t.Fatal(err)
		}
	}
	logFrames, copied, err := db.CheckpointNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if logFrames == 0 || copied != logFrames {
		t.Fatalf("the log holds %d frames, the checkpoint copied %d", logFrames, copied)
	}
}
