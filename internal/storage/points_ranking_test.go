package storage_test

import (
	"context"
	"testing"
	"time"

	"wuxing/internal/people"
	"wuxing/internal/points"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// TestPointsRanking: the horse race reads each target's approved sum, current name, unit and X
// grade (all in one query), and a ranking seen from a village holds only that village's targets.
func TestPointsRanking(t *testing.T) {
	db, clk := storagetest.Open(t)
	ctx := context.Background()
	clk.Set(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC))
	w := buildPointsWorld(t, db)
	base := w.rule(t, db, points.PartyMember, "duty.base")
	day := points.Today(clk.Now())
	enter := func(p *people.Person, pts int64, approve bool) {
		t.Helper()
		e, err := db.EnterPoints(ctx, storage.System, storage.NewPointsEntry{TargetKind: points.PartyMember,
			TargetID: p.ID, RuleID: base.ID, Points: pts, OccurredOn: day, Note: "考核"})
		if err != nil {
			t.Fatalf("enter: %v", err)
		}
		if approve {
			if _, err := db.DecidePoints(ctx, storage.System, e.ID, true, "", e.Version); err != nil {
				t.Fatalf("approve: %v", err)
			}
		}
	}
	enter(w.member, 3000, true)
	enter(w.member, 1000, true)
	enter(w.member, 500, false) // pending: not counted
	enter(w.cadreB, 2000, true)
	span, err := points.SpanOf(points.Year, day)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetPointsX(ctx, storage.System, points.PartyMember, w.cadreB.ID, span.Key, "严重失职", true); err != nil {
		t.Fatal(err)
	}
	byID := func(a storage.Actor) map[int64]points.Standing {
		t.Helper()
		rk, err := db.PointsRanking(ctx, a, w.town.ID, points.PartyMember, span)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]points.Standing{}
		for _, s := range rk.Standings {
			out[s.ID] = s
		}
		return out
	}
	all := byID(storage.System)
	if len(all) != 2 {
		t.Fatalf("town ranking: %+v", all)
	}
	m, c := all[w.member.ID], all[w.cadreB.ID]
	if m.Total != 4000 || m.Entries != 2 || m.Name != w.member.Name || m.UnitPath != w.gridA.Path || m.UnitName != w.gridA.Name || m.XGraded {
		t.Errorf("member standing: %+v", m)
	}
	if c.Total != 2000 || !c.XGraded || c.XReason != "严重失职" || c.UnitName != w.gridB.Name {
		t.Errorf("graded standing: %+v", c)
	}
	if got := byID(w.sec); len(got) != 1 || got[w.member.ID].Total != 4000 {
		t.Errorf("a village's ranking holds another village's targets: %+v", got)
	}
}
