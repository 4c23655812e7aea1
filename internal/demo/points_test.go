package demo

import (
	"context"
	"testing"

	"wuxing/internal/org"
	"wuxing/internal/points"
	"wuxing/internal/storage"
)

// TestPointsLedgers checks the demo's points on one load: the horse races of 鲁河镇 and 建设办
// this quarter are populated and differentiated for each kind of target, every total is the sum
// of the target's approved entries, secretaries are graded 352 with 鲁河镇's one X set by hand,
// manual entries were approved by someone other than who entered them, and each town's queue
// holds the entries left waiting.
func TestPointsLedgers(t *testing.T) {
	ctx := context.Background()
	db := loadDemo(t)
	span, _ := points.SpanOf(points.Quarter, points.Today(db.Clock().Now()))
	towns, _, err := db.Units(ctx, storage.System, storage.UnitFilter{Kinds: []org.Kind{org.Town}, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, town := range towns {
		if town.Name != "鲁河镇" && town.Name != "建设办" {
			continue
		}
		found++
		for _, k := range points.TargetKinds {
			rk, err := db.PointsRanking(ctx, storage.System, town.ID, k, span)
			if err != nil {
				t.Fatalf("%s %s: %v", town.Name, k, err)
			}
			if len(rk.Standings) < 3 {
				t.Errorf("%s %s: %d in the race", town.Name, k, len(rk.Standings))
				continue
			}
			totals := map[int64]bool{}
			grades := map[points.Grade]int{}
			for i, st := range rk.Standings {
				totals[st.Total] = true
				grades[st.Grade]++
				if st.XGraded && st.XReason == "" {
					t.Errorf("%s: X without a reason", st.Name)
				}
				if i%7 != 0 && k != points.BranchSecretary {
					continue // a sample of members and teams keeps the test quick
				}
				es, n, err := db.PointsEntries(ctx, storage.System, storage.PointsEntryFilter{TargetKind: k, TargetID: st.ID,
					Status: points.Approved, From: span.From, To: span.To, Limit: 1000})
				if err != nil || n != len(es) {
					t.Fatalf("%s ledger: %v (%d of %d)", st.Name, err, len(es), n)
				}
				var sum int64
				for _, e := range es {
					sum += e.Points
					if e.SourceKind == "" && (e.EnteredName == "" || e.ApproverName == "" || e.EnteredName == e.ApproverName || e.Note == "") {
						t.Errorf("manual entry %d: entered by %q, approved by %q, evidence %q", e.ID, e.EnteredName, e.ApproverName, e.Note)
					}
				}
				if sum != st.Total || n != st.Entries {
					t.Errorf("%s %s: total %s from %d entries, ledger sums %s from %d", town.Name, st.Name, points.Format(st.Total), st.Entries,
						points.Format(sum), n)
				}
			}
			if len(totals) < 3 {
				t.Errorf("%s %s: totals not differentiated: %v", town.Name, k, totals)
			}
			if k == points.BranchSecretary {
				wantX := 0
				if town.Name == "鲁河镇" {
					wantX = 1
				}
				if grades[points.X] != wantX || grades[points.Excellent] == 0 || grades[points.Good] == 0 || grades[points.Fair] == 0 {
					t.Errorf("%s secretaries graded %v", town.Name, grades)
				}
			}
		}
		pending, n, err := db.PointsEntries(ctx, storage.System, storage.PointsEntryFilter{Status: points.Pending, UnitID: town.ID})
		if err != nil || n != 3 || len(pending) != 3 {
			t.Errorf("%s queue: %d waiting (%v)", town.Name, n, err)
		}
	}
	if found != 2 {
		t.Fatalf("found %d of the two towns", found)
	}
}
