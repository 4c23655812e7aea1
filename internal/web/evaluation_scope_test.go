package web

import (
	"context"
	"testing"

	"wuxing/internal/evaluation"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/photo"
	"wuxing/internal/storage"
)

// evalSide is one community's part of an evaluation world.
type evalSide struct {
	unit    *org.Unit
	member  *people.Person // a party member rated in both rounds
	member2 *people.Person // a second one
	target  int64          // member's target in the open round
	target2 int64
	closedT int64 // member's target in the closed round
	batch   int64 // a ballot batch of the open round
	tokens  []string
	codes   []string
	tally   int64 // the open round's tally (entered, not confirmed)
	done    int64 // the closed round's tally (confirmed)
}

// evalWorld is an open and a closed round of 建设办 over both communities, built by the store.
type evalWorld struct {
	open, closed *evaluation.Round
	zq, kx       evalSide
}

func evalTestPhoto() *photo.Photo {
	return &photo.Photo{ContentType: photo.JPEG, Width: 1, Height: 1, Data: []byte{0xff, 0xd8, 0xff}, Thumb: []byte{0xff, 0xd8, 0xff},
		ThumbWidth: 1, ThumbHeight: 1, SHA256: "test"}
}

func evalBuild(t *testing.T, f *fixture) *evalWorld {
	t.Helper()
	ctx := context.Background()
	sys := storage.System
	w := &evalWorld{zq: evalSide{unit: f.zq}, kx: evalSide{unit: f.kx}}
	for _, sd := range []struct {
		s    *evalSide
		grid *org.Unit
		a, b string
	}{{&w.zq, f.zqGrid, "鲍评议", "柴评议"}, {&w.kx, f.kxGrid, "邓评议", "范评议"}} {
		sd.s.member = &people.Person{UnitID: sd.grid.ID, Name: sd.a, Gender: "M", PartyMember: true}
		sd.s.member2 = &people.Person{UnitID: sd.grid.ID, Name: sd.b, Gender: "F", PartyMember: true}
		for _, p := range []*people.Person{sd.s.member, sd.s.member2} {
			if err := f.db.CreatePerson(ctx, sys, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	mk := func(label string) (*evaluation.Round, map[int64]int64) {
		r := &evaluation.Round{UnitID: f.town.ID, Name: label + "民主评议", PeriodLabel: label, MinBallots: 1, BasicWeight: 100}
		if err := f.db.CreateEvalRound(ctx, sys, r); err != nil {
			t.Fatal(err)
		}
		var add []storage.NewEvalTarget
		for _, p := range []*people.Person{w.zq.member, w.zq.member2, w.kx.member, w.kx.member2} {
			add = append(add, storage.NewEvalTarget{Kind: evaluation.Member, PersonID: p.ID})
		}
		r, err := f.db.AddEvalTargets(ctx, sys, r.ID, r.Version, add)
		if err != nil {
			t.Fatal(err)
		}
		if r, err = f.db.OpenEvalRound(ctx, sys, r.ID, r.Version); err != nil {
			t.Fatal(err)
		}
		xs, err := f.db.EvalTargets(ctx, sys, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[int64]int64{}
		for _, x := range xs {
			ids[x.PersonID] = x.ID
		}
		return r, ids
	}
	// The closed round: a ballot and a confirmed tally per community.
	closed, cids := mk("2025-H2")
	for _, s := range []*evalSide{&w.zq, &w.kx} {
		s.closedT = cids[s.member.ID]
		_, bs, err := f.db.IssueBallots(ctx, sys, closed.ID, s.unit.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.SubmitBallot(ctx, bs[0].Token, evalAll(s.closedT, closed.Dimensions, evaluation.Satisfied)); err != nil {
			t.Fatal(err)
		}
		x, err := f.db.EnterTally(ctx, sys, closed.ID, s.unit.ID, storage.NewTally{BallotsIssued: 5,
			Lines: []evaluation.TallyLine{{TargetID: s.closedT, Dimension: "speed", Counts: evaluation.Counts{Satisfied: 4, Dissatisfied: 1}}}, Photo: evalTestPhoto()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.ConfirmTally(ctx, sys, x.ID, x.Version); err != nil {
			t.Fatal(err)
		}
		s.done = x.ID
	}
	c, _, err := f.db.EvalRound(ctx, sys, closed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if w.closed, err = f.db.CloseEvalRound(ctx, sys, closed.ID, c.Version); err != nil {
		t.Fatal(err)
	}
	// The open round: unused ballots and an entered tally per community.
	var oids map[int64]int64
	w.open, oids = mk("2026-H1")
	for _, s := range []*evalSide{&w.zq, &w.kx} {
		s.target, s.target2 = oids[s.member.ID], oids[s.member2.ID]
		b, bs, err := f.db.IssueBallots(ctx, sys, w.open.ID, s.unit.ID, 4)
		if err != nil {
			t.Fatal(err)
		}
		s.batch = b.ID
		for _, x := range bs {
			s.tokens = append(s.tokens, x.Token)
			s.codes = append(s.codes, x.Code)
		}
		x, err := f.db.EnterTally(ctx, sys, w.open.ID, s.unit.ID, storage.NewTally{BallotsIssued: 3,
			Lines: []evaluation.TallyLine{{TargetID: s.target, Dimension: "result", Counts: evaluation.Counts{Satisfied: 3}}}, Photo: evalTestPhoto()})
		if err != nil {
			t.Fatal(err)
		}
		s.tally = x.ID
	}
	return w
}

// evalAll rates one target the same on every dimension.
func evalAll(target int64, dims []string, r evaluation.Rating) evaluation.Ballot {
	var b evaluation.Ballot
	for _, d := range dims {
		b.Answers = append(b.Answers, evaluation.Answer{TargetID: target, Dimension: d, Rating: r})
	}
	return b
}

// evalScopeSides adds this area's records to the scope walk: for each community, the ids of its
// objects by kind (zq.ids["kind"] = …), its markers, and the kinds' path parameters in paramKinds.
// Both communities share the town's rounds; each sees only its own targets, ballots and tallies
// in them. The rated members' names are on the ballots and the published lists by design.
func evalScopeSides(t *testing.T, f *fixture, zq, kx *scopeSide) {
	t.Helper()
	w := evalBuild(t, f)
	for _, sd := range []struct {
		side *scopeSide
		s    evalSide
	}{{zq, w.zq}, {kx, w.kx}} {
		sd.side.ids["eval_round"] = []int64{w.open.ID, w.closed.ID}
		sd.side.ids["eval_target"] = []int64{sd.s.target, sd.s.closedT}
		sd.side.ids["eval_batch"] = []int64{sd.s.batch}
		sd.side.ids["eval_tally"] = []int64{sd.s.tally, sd.s.done}
		sd.side.markers = append(sd.side.markers, sd.s.member.Name, sd.s.member2.Name)
		sd.side.public = append(sd.side.public, sd.s.member.Name, sd.s.member2.Name)
		sd.side.words["token"] = []string{sd.s.tokens[len(sd.s.tokens)-1]}
	}
}
