package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// TestConcurrentWritesFailAlone runs many writers at once, some of which fail after writing:
// on SQLite they share commits, and a failing one must take back only its own writes.
func TestConcurrentWritesFailAlone(t *testing.T) {
	db, _ := storagetest.Open(t)
	ctx := context.Background()
	tr := buildTree(t, db)
	boom := errors.New("boom")
	var wg sync.WaitGroup
	results := make([]error, 60)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = db.Batch(ctx, storage.System, func(b *storage.Batch) error {
				u := &org.Unit{ParentID: tr.a.ID, Kind: org.Grid, Code: fmt.Sprintf("410902003001%03d", i+100), Name: fmt.Sprintf("网格%d", i)}
				if err := b.CreateUnit(u); err != nil {
					return err
				}
				if i%3 == 0 {
					return boom // after its unit was written
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range results {
		if (i%3 == 0) != errors.Is(err, boom) {
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	for i := range results {
		_, err := db.UnitByCode(ctx, storage.System, fmt.Sprintf("410902003001%03d", i+100))
		switch {
		case i%3 == 0 && errs.Code(err) != errs.ENOTFOUND:
			t.Errorf("failed writer %d left its unit behind (%v)", i, err)
		case i%3 != 0 && err != nil:
			t.Errorf("writer %d's unit is missing: %v", i, err)
		}
	}
	// The audit log holds exactly the successful writers' entries.
	es, _ := db.Audit(ctx, storage.System, storage.AuditFilter{Entity: "unit", Limit: 1000})
	if want := 6 + 40; len(es) != want {
		t.Fatalf("%d unit audit entries, want %d", len(es), want)
	}
}
