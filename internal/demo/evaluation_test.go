package demo

import (
	"context"
	"testing"

	"wuxing/internal/evaluation"
	"wuxing/internal/org"
	"wuxing/internal/storage"
	"wuxing/internal/talks"
)

// TestEvaluationFigures loads the demo and checks the seed's evaluation figures come out of the
// records: 鲁河镇's 57 teams rated in two rounds, 50 of them above 90% (from the tallies, by the
// round's formula); a talk list computed from the rounds, with members three rounds under 80%;
// talks recorded; one branch's annual review within the third.
func TestEvaluationFigures(t *testing.T) {
	t.Parallel() // the loads run alongside each other; the demo is loaded once and shared
	db := loadDemo(t)
	ctx, sys := context.Background(), storage.System
	var luhe org.Unit
	for _, u := range allUnits(t, db) {
		if u.Kind == org.Town && u.Name == "鲁河镇" {
			luhe = u
		}
	}
	rounds, _, err := db.EvalRounds(ctx, sys, storage.EvalRoundFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	teamRounds := 0
	inLuhe := map[int64]bool{}
	for _, r := range rounds {
		if r.UnitID != luhe.ID || r.Status != evaluation.Closed {
			continue
		}
		inLuhe[r.ID] = true
		_, res, err := db.EvalResults(ctx, sys, r.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		teams, above := 0, 0
		for _, x := range res {
			if x.Target.Kind != evaluation.Team {
				continue
			}
			teams++
			if x.Counted() && x.Rate.Num*100 > 90*x.Rate.Den {
				above++
			}
		}
		if teams == 0 {
			continue
		}
		teamRounds++
		if teams != luheTeams || above != luheTeamsAbove90 {
			t.Errorf("round %s: %d teams, %d above 90%%; the seed says %d and %d", r.PeriodLabel, teams, above, luheTeams, luheTeamsAbove90)
		}
	}
	if teamRounds != 2 {
		t.Errorf("鲁河镇's teams were rated in %d rounds, want 2", teamRounds)
	}
	due, err := db.TalksDue(ctx, sys, storage.TalkFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(due) == 0 {
		t.Fatal("the talk list is empty")
	}
	for _, d := range due {
		if d.CommitteeID != luhe.ID || len(d.Verdict.Rounds) != talks.DefaultRounds {
			t.Errorf("%s: committee %d, rounds %d", d.Name, d.CommitteeID, len(d.Verdict.Rounds))
		}
		for _, r := range d.Verdict.Rounds {
			if !inLuhe[r.RoundID] || !r.Rate.Below(talks.DefaultThreshold) {
				t.Errorf("%s: round %d at %.1f%% makes the talk due", d.Name, r.RoundID, r.Rate.Percent())
			}
		}
	}
	recorded, n, err := db.Talks(ctx, sys, storage.TalkFilter{})
	if err != nil || n != 2 {
		t.Fatalf("talks recorded: %d %v", n, err)
	}
	for _, k := range recorded {
		for _, d := range due {
			if d.Target.ID == k.PersonID {
				t.Errorf("%s is still due after the talk", d.Name)
			}
		}
	}
	reviews, err := db.Reviews(ctx, sys, talks.YearOf(db.Clock().Now()))
	if err != nil || len(reviews) != 1 {
		t.Fatalf("reviews: %d %v", len(reviews), err)
	}
	sheet, err := db.ReviewSheet(ctx, sys, reviews[0].UnitID, reviews[0].Year)
	if err != nil {
		t.Fatal(err)
	}
	counts, open := talks.Counts(sheet.Review.Entries)
	if open != 0 || counts[talks.Excellent] == 0 || counts[talks.Excellent] > talks.MaxExcellent(len(sheet.Review.Entries), sheet.Review.ExcellentShare) {
		t.Errorf("review grades: %v, %d undecided", counts, open)
	}
	if len(sheet.Talks) == 0 || len(sheet.Results) == 0 {
		t.Error("the review shows no talks or results beside it")
	}
}
