package storage_test

import (
	"context"
	"testing"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// TestCaseBatchReplaysHistory replays a case a week in the past: every stamp, the deadline and
// the timeline come from the step's time, a claim names its member, and a batch refuses the
// future, steps out of order and anyone but the system, leaving nothing behind.
func TestCaseBatchReplaysHistory(t *testing.T) {
	db, clk := storagetest.Open(t)
	ctx := context.Background()
	w := buildCaseWorld(t, db)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // Monday 17:00 in China
	clk.Set(now)
	day := func(d, h int) time.Time { return time.Date(2026, 2, d, h-8, 0, 0, 0, time.UTC) } // h o'clock China time
	member := storage.Actor{P: &authz.Principal{Username: "system", System: true, PersonID: w.member.ID}}
	c := newLightCase(w)
	err := db.CaseBatch(ctx, storage.System, func(b *storage.CaseBatch) error {
		if err := b.CreateCase(day(24, 9), c, storage.NewCase{ActorName: "网格员"}); err != nil {
			return err
		}
		steps := []struct {
			at  time.Time
			a   storage.Actor
			act cases.Action
			in  cases.Input
		}{
			{day(24, 10), storage.Actor{}, cases.Accept, cases.Input{}},
			{day(24, 11), member, cases.Claim, cases.Input{}},
			{day(25, 9), member, cases.Start, cases.Input{}},
			{day(26, 15), member, cases.Resolve, cases.Input{Result: "更换灯泡", Method: cases.VoluntaryClaim}},
			{day(27, 10), storage.Actor{}, cases.CheckPass, cases.Input{}},
		}
		for _, s := range steps {
			if _, err := b.Act(s.at, s.a, "党员甲", c.ID, s.act, s.in); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := db.Case(ctx, storage.System, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Number != "410902003001-2026-0001" || got.Status != cases.Checked || !got.Claimed || got.AssigneeID != w.member.ID {
		t.Fatalf("case %s %s claimed %v by %d", got.Number, got.Status, got.Claimed, got.AssigneeID)
	}
	if !got.SubmittedAt.Equal(day(24, 9)) || !got.ResolvedAt.Equal(day(26, 15)) || !got.CheckedAt.Equal(day(27, 10)) {
		t.Fatalf("stamps %s %s %s", got.SubmittedAt, got.ResolvedAt, got.CheckedAt)
	}
	// Lighting, 3 working days from Tuesday 2-24: 2-27.
	if d := got.Deadline.In(time.FixedZone("", 8*3600)).Format("2006-01-02"); d != "2026-02-27" {
		t.Fatalf("deadline %s", d)
	}
	evs, err := db.CaseEvents(ctx, storage.System, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 6 || !evs[0].At.Equal(day(24, 9)) || evs[0].ActorName != "网格员" || !evs[5].At.Equal(day(27, 10)) {
		t.Fatalf("timeline %+v", evs)
	}

	t.Run("RefusesTheFutureAndDisorder", func(t *testing.T) {
		for name, fn := range map[string]func(b *storage.CaseBatch) error{
			"future": func(b *storage.CaseBatch) error {
				return b.CreateCase(now.Add(time.Minute), newLightCase(w), storage.NewCase{})
			},
			"disorder": func(b *storage.CaseBatch) error {
				if err := b.CreateCase(day(27, 9), newLightCase(w), storage.NewCase{}); err != nil {
					return err
				}
				_, err := b.Act(day(26, 9), storage.Actor{}, "", c.ID, cases.Rate, cases.Input{Rating: cases.Satisfied})
				return err
			},
		} {
			if err := db.CaseBatch(ctx, storage.System, fn); err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
		if err := db.CaseBatch(ctx, w.sec, func(*storage.CaseBatch) error { return nil }); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("a branch secretary ran a batch: %v", err)
		}
		cs, _, err := db.Cases(ctx, storage.System, storage.CaseFilter{})
		if err != nil || len(cs) != 1 {
			t.Fatalf("%d cases after refused batches: %v", len(cs), err)
		}
	})
}
