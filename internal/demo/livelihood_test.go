package demo

import (
	"context"
	"testing"
	"time"

	"wuxing/internal/livelihood"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// TestSeedLivelihood loads the world and the livelihood projects and reads them as the pages do:
// 鲁河镇's toilets 3884 of 2409 (161%), verges 42.6 of 40 km and 93.5 of 90 km, 建设办's 11 of 11
// old compounds, each a different compound; and every figure is the sum of its reports.
func TestSeedLivelihood(t *testing.T) {
	t.Parallel() // its own database, written alongside the shared demo's load
	ctx := context.Background()
	db, _ := storagetest.Open(t)
	w := build()
	if err := db.Batch(ctx, storage.System, w.write); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := loadLivelihood(ctx, db, w); err != nil {
		t.Fatalf("load: %v", err)
	}
	t.Logf("livelihood loaded on %s in %s", db.Dialect(), time.Since(start).Round(time.Millisecond))
	want := map[string]struct {
		unit          int64
		target, done  string
		pct, reports  int
		compoundsEach bool
	}{
		"农村户厕无害化改造": {w.luhe.u.ID, "2409", "3884", 161, len(seedToiletReports), false},
		"农村公路路肩清理":  {w.luhe.u.ID, "40", "42.6", 106, 7, false},
		"农村公路路肩修复":  {w.luhe.u.ID, "90", "93.5", 103, 7, false},
		"老旧小区改造提升":  {w.jianshe.u.ID, "11", "11", 100, 11, true},
	}
	list, total, err := db.LivelihoodProjects(ctx, storage.System, storage.LivelihoodFilter{})
	if err != nil || total != len(want) {
		t.Fatalf("projects: %d, %v", total, err)
	}
	for _, p := range list {
		wt, ok := want[p.Title]
		if !ok {
			t.Errorf("unexpected project %q", p.Title)
			continue
		}
		got, reports, _, err := db.LivelihoodProject(ctx, storage.System, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.UnitID != wt.unit || got.Target.String() != wt.target || got.Done.String() != wt.done || got.Percent() != wt.pct ||
			got.Status() != livelihood.Completed || len(got.Leaders) != 1 {
			t.Errorf("%s: unit %d target %s done %s (%d%%) %s, %d leaders", p.Title, got.UnitID, got.Target, got.Done, got.Percent(),
				got.Status(), len(got.Leaders))
		}
		if len(reports) != wt.reports || livelihood.Done(reports) != got.Done {
			t.Errorf("%s: %d reports adding up to %s, the project says %s", p.Title, len(reports), livelihood.Done(reports), got.Done)
		}
		seen := map[int64]bool{}
		for _, r := range reports {
			if r.ReporterName == "" || r.ReporterName == "system" || r.Day > livelihood.Today(db.Clock().Now()) {
				t.Errorf("%s: report %+v", p.Title, r)
			}
			if wt.compoundsEach {
				if r.CompoundID == 0 || seen[r.CompoundID] {
					t.Errorf("%s: report without its own compound: %+v", p.Title, r)
				}
				seen[r.CompoundID] = true
			}
		}
	}
}
