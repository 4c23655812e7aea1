package storage_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"wuxing/internal/campaigns"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// TestTalliesFollowCampaignRechecks runs a rectification problem through a failed re-check (the
// case sent back with a new due day), then a passed one (the case driven to checked), and checks
// after each that the figures from the tallies equal the figures counted from the cases, and that
// a rebuild changes nothing: the re-check moves the tallies by what it did to the case.
func TestTalliesFollowCampaignRechecks(t *testing.T) {
	db, clk := storagetest.Open(t)
	ctx := context.Background()
	w := buildCaseWorld(t, db)
	today := campaigns.Today(clk.Now())
	c := &campaigns.Campaign{TownID: w.town.ID, Name: "站前环境整治", StartsOn: campaigns.AddDays(today, -3), EndsOn: campaigns.AddDays(today, 10),
		CategoryID: w.category, Areas: []campaigns.Area{{UnitID: w.gridA.ID, OfficerID: w.member.ID}}}
	if err := db.CreateCampaign(ctx, storage.System, c); err != nil {
		t.Fatal(err)
	}
	cst := time.FixedZone("CST", 8*3600)
	y := clk.Now().In(cst).Year()
	q := storage.FigureQuery{UnitID: w.town.ID, From: time.Date(y, 1, 1, 0, 0, 0, 0, cst), To: time.Date(y+1, 1, 1, 0, 0, 0, 0, cst)}
	compare := func(when string) {
		t.Helper()
		got, err := db.Figures(ctx, storage.System, q)
		if err != nil {
			t.Fatal(err)
		}
		want, err := db.FiguresFromCases(ctx, storage.System, q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Entries, want.Entries) {
			t.Fatalf("%s: the tallies say %+v, the cases %+v", when, got.Entries, want.Entries)
		}
	}
	p, _, err := db.RecordProblem(ctx, storage.System, c.ID, storage.NewProblem{AreaID: c.Areas[0].ID, Day: campaigns.AddDays(today, -1), Title: "垃圾满溢"})
	if err != nil {
		t.Fatal(err)
	}
	compare("recorded")
	if p, err = db.Recheck(ctx, storage.System, p.ID, storage.RecheckInput{Note: "未整改", Version: p.Version}); err != nil || !p.Late {
		t.Fatalf("failed re-check: late %v, %v", p != nil && p.Late, err)
	}
	compare("failed re-check")
	clk.Advance(24 * time.Hour)
	if p, err = db.Recheck(ctx, storage.System, p.ID, storage.RecheckInput{Passed: true, Note: "已清运", Version: p.Version}); err != nil || !p.Rectified {
		t.Fatalf("passed re-check: rectified %v, %v", p != nil && p.Rectified, err)
	}
	compare("passed re-check")
	got, err := db.Figures(ctx, storage.System, q)
	if err != nil {
		t.Fatal(err)
	}
	var resolved int
	for _, e := range got.Entries {
		resolved += e.Counts.Resolved
	}
	if resolved != 1 {
		t.Fatalf("the rectified problem's case is counted resolved %d times", resolved)
	}
	if err := db.RebuildTallies(ctx); err != nil {
		t.Fatal(err)
	}
	compare("rebuilt")
}
