package storage_test

import (
	"context"
	"testing"
	"time"

	"wuxing/internal/cases"
	"wuxing/internal/figures"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// TestEveryFigureTracesToItsCases proves that each count on the figures page equals the number of
// cases the case list shows when filtered by that count: a figure can always be opened into the
// records it comes from.
func TestEveryFigureTracesToItsCases(t *testing.T) {
	db, clk := storagetest.Open(t)
	ctx := context.Background()
	w := buildCaseWorld(t, db)
	start := clk.Now()
	// Cases in several states: submitted, rejected, resolved late, rated satisfied, reopened.
	mk := func() *cases.Case {
		c := newLightCase(w)
		if _, err := db.CreateCase(ctx, w.sec, c, storage.NewCase{}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	step := func(c *cases.Case, a storage.Actor, act cases.Action, in cases.Input) {
		t.Helper()
		got, err := db.Act(ctx, a, c.ID, act, in, c.Version)
		if err != nil {
			t.Fatalf("%s: %v", act, err)
		}
		*c = *got
	}
	mk()
	r := mk()
	step(r, w.sec, cases.Reject, cases.Input{Reason: "重复提交"})
	for i := range 3 {
		c := mk()
		step(c, w.sec, cases.Accept, cases.Input{})
		step(c, w.sec, cases.Dispatch, cases.Input{AssigneeKind: cases.ToPerson, AssigneeID: w.member.ID})
		step(c, w.memberActor, cases.Start, cases.Input{})
		if i == 0 {
			clk.Advance(30 * 24 * time.Hour) // late
		}
		step(c, w.memberActor, cases.Resolve, cases.Input{Result: "修好了", Method: cases.VolunteerLabour})
		step(c, w.sec, cases.CheckPass, cases.Input{})
		rating := []cases.Rating{cases.Satisfied, cases.BasicSatisfied, cases.Dissatisfied}[i]
		if _, err := db.RatePublic(ctx, c.TrackingCode, rating, "", i == 2, ""); err != nil {
			t.Fatal(err)
		}
	}
	q := storage.FigureQuery{UnitID: w.town.ID, From: start.Add(-time.Hour), To: clk.Now().Add(time.Hour)}
	rep, err := db.Figures(ctx, storage.System, q)
	if err != nil {
		t.Fatal(err)
	}
	var counts figures.Counts
	for _, e := range rep.Entries {
		if e.ID == w.a.ID {
			counts = e.Counts
		}
	}
	if counts.Received != 5 {
		t.Fatalf("received %d, want 5", counts.Received)
	}
	for _, n := range figures.CountNames {
		list, _, err := db.Cases(ctx, storage.System, storage.CaseFilter{UnitID: w.a.ID, Figure: n, From: q.From, To: q.To, Limit: 1000})
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if len(list) != counts.Get(n) {
			t.Errorf("%s: the figure counts %d, the list shows %d", n, counts.Get(n), len(list))
		}
	}
}
