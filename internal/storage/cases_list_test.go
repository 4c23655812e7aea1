package storage_test

import (
	"context"
	"slices"
	"testing"

	"wuxing/internal/cases"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// TestTownListMergesItsVillages pages through a town's case list, which reads each village's
// newest cases and merges them: every page newest first, no case twice, none missing, filters
// and scope applied as on any list.
func TestTownListMergesItsVillages(t *testing.T) {
	db, _ := storagetest.Open(t)
	ctx := context.Background()
	w := buildCaseWorld(t, db)
	var all, accepted []int64
	for i := range 23 {
		c := newLightCase(w)
		a := w.sec
		if i%3 == 0 {
			c.UnitID, a = w.gridB.ID, w.secB
		}
		if _, err := db.CreateCase(ctx, a, c, storage.NewCase{}); err != nil {
			t.Fatal(err)
		}
		if i%4 == 0 {
			if _, err := db.Act(ctx, a, c.ID, cases.Accept, cases.Input{}, c.Version); err != nil {
				t.Fatal(err)
			}
			accepted = append(accepted, c.ID)
		}
		all = append(all, c.ID)
	}
	slices.Reverse(all)
	slices.Reverse(accepted)
	page := func(a storage.Actor, f storage.CaseFilter) []int64 {
		t.Helper()
		var got []int64
		for {
			list, next, err := db.Cases(ctx, a, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range list {
				got = append(got, c.ID)
			}
			if next == 0 {
				return got
			}
			f.BeforeID = next
		}
	}
	if got := page(storage.System, storage.CaseFilter{UnitID: w.town.ID, Limit: 5}); !slices.Equal(got, all) {
		t.Fatalf("the town's list %v, want %v", got, all)
	}
	if got := page(storage.System, storage.CaseFilter{UnitID: w.town.ID, Limit: 2, Statuses: []cases.Status{cases.Accepted}}); !slices.Equal(got, accepted) {
		t.Fatalf("the town's accepted %v, want %v", got, accepted)
	}
	// One community's secretary asking for the whole town sees only their own community's.
	var own []int64
	for _, id := range all {
		c, _, err := db.Case(ctx, storage.System, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.UnitID == w.a.ID {
			own = append(own, id)
		}
	}
	if got := page(w.sec, storage.CaseFilter{UnitID: w.town.ID, Limit: 4}); !slices.Equal(got, own) {
		t.Fatalf("the secretary's view of the town %v, want %v", got, own)
	}
}
