package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/evaluation"
	"wuxing/internal/people"
	"wuxing/internal/photo"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

type evalWorld struct {
	tree
	round          *evaluation.Round
	memberA, membB *people.Person
	tA, tB         int64 // targets
}

func buildEvalWorld(t *testing.T, db *storage.DB) evalWorld {
	ctx := context.Background()
	w := evalWorld{tree: buildTree(t, db)}
	w.memberA = &people.Person{UnitID: w.gridA.ID, Name: "评议甲", Gender: "M", PartyMember: true}
	w.membB = &people.Person{UnitID: w.gridB.ID, Name: "评议乙", Gender: "F", PartyMember: true}
	for _, p := range []*people.Person{w.memberA, w.membB} {
		if err := db.CreatePerson(ctx, storage.System, p); err != nil {
			t.Fatal(err)
		}
	}
	w.round = &evaluation.Round{UnitID: w.town.ID, Name: "2026年上半年民主评议", PeriodLabel: "2026-H1", BasicWeight: 50, MinBallots: 2}
	if err := db.CreateEvalRound(ctx, storage.System, w.round); err != nil {
		t.Fatal(err)
	}
	r, err := db.AddEvalTargets(ctx, storage.System, w.round.ID, w.round.Version, []storage.NewEvalTarget{
		{Kind: evaluation.Member, PersonID: w.memberA.ID}, {Kind: evaluation.Member, PersonID: w.membB.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if r, err = db.OpenEvalRound(ctx, storage.System, r.ID, r.Version); err != nil {
		t.Fatal(err)
	}
	w.round = r
	xs, err := db.EvalTargets(ctx, storage.System, r.ID)
	if err != nil || len(xs) != 2 {
		t.Fatalf("targets %v %v", xs, err)
	}
	for _, x := range xs {
		if x.PersonID == w.memberA.ID {
			w.tA = x.ID
		} else {
			w.tB = x.ID
		}
	}
	return w
}

func allSatisfied(target int64, dims []string) evaluation.Ballot {
	var b evaluation.Ballot
	for _, d := range dims {
		b.Answers = append(b.Answers, evaluation.Answer{TargetID: target, Dimension: d, Rating: evaluation.Satisfied})
	}
	return b
}

func TestEvalBallots(t *testing.T) {
	db, clk := storagetest.Open(t)
	ctx := context.Background()
	w := buildEvalWorld(t, db)
	dims := w.round.Dimensions

	_, bs, err := db.IssueBallots(ctx, storage.System, w.round.ID, w.a.ID, 4)
	if err != nil || len(bs) != 4 {
		t.Fatal(err)
	}
	pb, err := db.PublicBallot(ctx, bs[0].Token)
	if err != nil || pb.State != storage.BallotUsable || len(pb.Targets) != 1 || pb.Targets[0].ID != w.tA {
		t.Fatalf("ballot of 站前 shows %+v, %v", pb, err)
	}
	// Another unit's target: refused, nothing counted.
	if err := db.SubmitBallot(ctx, bs[0].Token, allSatisfied(w.tB, dims)); errs.Code(err) != errs.EINVALID {
		t.Fatalf("another unit's target: %v", err)
	}
	bad := allSatisfied(w.tA, dims)
	bad.Answers[0].Rating = "excellent"
	if err := db.SubmitBallot(ctx, bs[0].Token, bad); errs.Code(err) != errs.EINVALID {
		t.Fatalf("rating off the scale: %v", err)
	}
	if err := db.SubmitBallot(ctx, "nosuchtoken", allSatisfied(w.tA, dims)); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("unknown token: %v", err)
	}
	// Concurrent submissions of one ballot: exactly one counts.
	var wg sync.WaitGroup
	results := make([]error, 8)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = db.SubmitBallot(ctx, bs[0].Token, allSatisfied(w.tA, dims))
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, err := range results {
		switch {
		case err == nil:
			ok++
		case errs.Code(err) != errs.ECONFLICT:
			t.Errorf("concurrent submit: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d submissions counted, want 1", ok)
	}
	// By short code, with the dash and in lower case, as typed.
	b2 := allSatisfied(w.tA, dims)
	b2.Answers[0].Rating = evaluation.Basic
	b2.Comments = map[int64]string{w.tA: "办事很快"}
	if err := db.SubmitBallot(ctx, " "+evaluation.FormatCode(bs[1].Code)+" ", b2); err != nil {
		t.Fatal(err)
	}
	if pb, _ := db.PublicBallot(ctx, bs[1].Token); pb.State != storage.BallotUsed || len(pb.Targets) != 0 {
		t.Fatalf("used ballot: %+v", pb)
	}
	_, res, err := db.EvalResults(ctx, storage.System, w.round.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range res {
		if x.Target.ID == w.tA {
			// 3 dims × 2 ballots: 5 satisfied, 1 basic at 50%: 5.5/6.
			if x.Ballots != 2 || x.Overall != (evaluation.Counts{Satisfied: 5, Basic: 1}) || !x.Counted() || len(x.Comments) != 1 {
				t.Fatalf("result %+v", x)
			}
		} else if x.Ballots != 0 || x.Counted() {
			t.Fatalf("乙 has no ballots: %+v", x)
		}
	}
	// Untraceable: the ballots used at different moments keep no trace of when.
	clk.Advance(time.Hour)
	if err := db.SubmitBallot(ctx, bs[3].Token, allSatisfied(w.tA, dims)); err != nil {
		t.Fatal(err)
	}
	var whens int
	if err := db.Raw().QueryRowContext(ctx, "SELECT COUNT(DISTINCT used_at) FROM eval_ballots WHERE used_at IS NOT NULL").Scan(&whens); err != nil || whens != 1 {
		t.Fatalf("used ballots keep %d moments (%v), want 1 mark", whens, err)
	}
	// Scope: 开西's secretary sees only 开西's target.
	secB := actor(authz.BranchSecretary, w.b)
	if _, res, err := db.EvalResults(ctx, secB, w.round.ID, 0); err != nil || len(res) != 1 || res[0].Target.ID != w.tB {
		t.Fatalf("开西 sees %v %v", res, err)
	}
	if _, err := db.EvalTarget(ctx, secB, w.tA); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("开西 reads 站前's target: %v", err)
	}
	if _, _, err := db.IssueBallots(ctx, secB, w.round.ID, w.b.ID, 1); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("a secretary issues ballots: %v", err)
	}
	// Closed: the last ballot is refused; the round cannot reopen.
	r, err := db.CloseEvalRound(ctx, storage.System, w.round.ID, w.round.Version)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SubmitBallot(ctx, bs[2].Token, allSatisfied(w.tA, dims)); errs.Code(err) != errs.EUNPROCESSABLE {
		t.Fatalf("ballot after closing: %v", err)
	}
	if _, err := db.OpenEvalRound(ctx, storage.System, r.ID, r.Version); errs.Code(err) != errs.EUNPROCESSABLE {
		t.Fatalf("reopen: %v", err)
	}
	if _, err := db.UpdateEvalRound(ctx, storage.System, r.ID, storage.EvalRoundUpdate{Name: "x", Version: r.Version}); errs.Code(err) != errs.EUNPROCESSABLE {
		t.Fatalf("edit closed: %v", err)
	}
	if _, err := db.CloseEvalRound(ctx, storage.System, r.ID, r.Version-1); errs.Code(err) != errs.ECONFLICT {
		t.Fatalf("stale: %v", err)
	}
	list, err := db.PublicSatisfactionList(ctx, w.a.Code, r.ID)
	if err != nil || len(list.Results) != 1 || list.Results[0].Comments != nil {
		t.Fatalf("list %+v %v", list, err)
	}
}

func tallyPhoto() *photo.Photo {
	return &photo.Photo{ContentType: photo.JPEG, Width: 1, Height: 1, Data: []byte{1}, Thumb: []byte{1}, ThumbWidth: 1, ThumbHeight: 1, SHA256: "x"}
}

func TestEvalTallies(t *testing.T) {
	db, _ := storagetest.Open(t)
	ctx := context.Background()
	w := buildEvalWorld(t, db)
	secA := actor(authz.BranchSecretary, w.a)
	secA2 := secA
	secA2.P = &authz.Principal{UserID: 100, Username: "other", Bindings: secA.P.Bindings}
	lines := []evaluation.TallyLine{{TargetID: w.tA, Dimension: "speed", Counts: evaluation.Counts{Satisfied: 8, Basic: 1, Dissatisfied: 1}}}
	// Exceeding the ballots issued, or another unit's target: refused, nothing stored.
	over := []evaluation.TallyLine{{TargetID: w.tA, Dimension: "speed", Counts: evaluation.Counts{Satisfied: 11}}}
	if _, err := db.EnterTally(ctx, secA, w.round.ID, w.a.ID, storage.NewTally{BallotsIssued: 10, Lines: over, Photo: tallyPhoto()}); errs.Code(err) != errs.EINVALID {
		t.Fatalf("over: %v", err)
	}
	other := []evaluation.TallyLine{{TargetID: w.tB, Dimension: "speed", Counts: evaluation.Counts{Satisfied: 1}}}
	if _, err := db.EnterTally(ctx, secA, w.round.ID, w.a.ID, storage.NewTally{BallotsIssued: 10, Lines: other, Photo: tallyPhoto()}); errs.Code(err) != errs.EINVALID {
		t.Fatalf("other: %v", err)
	}
	if _, err := db.EnterTally(ctx, secA, w.round.ID, w.a.ID, storage.NewTally{BallotsIssued: 10, Lines: lines}); errs.Code(err) != errs.EINVALID {
		t.Fatalf("no photo: %v", err)
	}
	if _, err := db.EnterTally(ctx, secA, w.round.ID, w.b.ID, storage.NewTally{BallotsIssued: 10, Lines: other, Photo: tallyPhoto()}); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("开西's tally by 站前: %v", err)
	}
	if ts, _ := db.EvalTallies(ctx, storage.System, w.round.ID); len(ts) != 0 {
		t.Fatalf("refused tallies stored: %v", ts)
	}
	x, err := db.EnterTally(ctx, secA, w.round.ID, w.a.ID, storage.NewTally{BallotsIssued: 10, Lines: lines, Photo: tallyPhoto()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ConfirmTally(ctx, secA, x.ID, x.Version); errs.Code(err) != errs.EUNPROCESSABLE {
		t.Fatalf("confirmed by its enterer: %v", err)
	}
	if _, err := db.CloseEvalRound(ctx, storage.System, w.round.ID, w.round.Version); errs.Code(err) != errs.EUNPROCESSABLE {
		t.Fatalf("closing with an unconfirmed tally: %v", err)
	}
	if _, _, err := db.EvalResults(ctx, storage.System, w.round.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ConfirmTally(ctx, secA2, x.ID, x.Version); err != nil {
		t.Fatal(err)
	}
	_, res, _ := db.EvalResults(ctx, storage.System, w.round.ID, w.a.ID)
	if len(res) != 1 || res[0].Ballots != 10 || res[0].Dimensions[0].Satisfied != 8 {
		t.Fatalf("%+v", res)
	}
	if _, err := db.EnterTally(ctx, secA, w.round.ID, w.a.ID, storage.NewTally{BallotsIssued: 10, Lines: lines, Version: x.Version + 1}); errs.Code(err) != errs.EUNPROCESSABLE {
		t.Fatalf("re-entering a confirmed tally: %v", err)
	}
	if p, err := db.EvalTallyPhoto(ctx, secA, x.ID, false); err != nil || len(p.Data) != 1 {
		t.Fatalf("photo %v", err)
	}
}

// A voided batch: its unused ballots are refused and change nothing; a ballot used before the
// voiding stays counted; only those who run the round may void.
func TestEvalBallotVoid(t *testing.T) {
	db, _ := storagetest.Open(t)
	ctx := context.Background()
	w := buildEvalWorld(t, db)
	dims := w.round.Dimensions
	batch, bs, err := db.IssueBallots(ctx, storage.System, w.round.ID, w.a.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SubmitBallot(ctx, bs[0].Token, allSatisfied(w.tA, dims)); err != nil {
		t.Fatal(err)
	}
	if err := db.VoidBallotBatch(ctx, actor(authz.BranchSecretary, w.a), w.round.ID, batch.ID); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("a secretary voids a batch: %v", err)
	}
	if err := db.VoidBallotBatch(ctx, storage.System, w.round.ID, batch.ID); err != nil {
		t.Fatal(err)
	}
	if pb, err := db.PublicBallot(ctx, bs[1].Token); err != nil || pb.State != storage.BallotVoid || len(pb.Targets) != 0 {
		t.Fatalf("voided ballot shows %+v, %v", pb, err)
	}
	if err := db.SubmitBallot(ctx, bs[1].Token, allSatisfied(w.tA, dims)); errs.Code(err) != errs.EUNPROCESSABLE {
		t.Fatalf("voided ballot submitted: %v", err)
	}
	if pb, _ := db.PublicBallot(ctx, bs[0].Token); pb.State != storage.BallotUsed {
		t.Fatalf("used ballot after voiding: %+v", pb)
	}
	_, res, err := db.EvalResults(ctx, storage.System, w.round.ID, w.a.ID)
	if err != nil || len(res) != 1 || res[0].Ballots != 1 {
		t.Fatalf("results after voiding %+v %v", res, err)
	}
	bb, err := db.EvalBatches(ctx, storage.System, w.round.ID)
	if err != nil || len(bb) != 1 || !bb[0].Voided || bb[0].Used != 1 {
		t.Fatalf("batches %+v %v", bb, err)
	}
}
