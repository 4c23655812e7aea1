package evaluation

import (
	"testing"
	"time"

	"wuxing/internal/errs"
	"wuxing/internal/org"
)

func fields(err error) map[string]string {
	out := map[string]string{}
	if e := errs.As(err); e != nil {
		for _, f := range e.Fields {
			out[f.Field] = f.Key
		}
	}
	return out
}

func TestStatusMachine(t *testing.T) {
	cases := []struct {
		from, to Status
		ok       bool
	}{{Draft, Open, true}, {Open, Closed, true}, {Draft, Closed, false}, {Closed, Open, false}, {Open, Draft, false}, {Closed, Draft, false}, {Closed, Closed, false}}
	for _, c := range cases {
		if got := c.from.CanMove(c.to); got != c.ok {
			t.Errorf("%s → %s: %v, want %v", c.from, c.to, got, c.ok)
		}
	}
	if !Draft.Editable() || Open.Editable() || Closed.Editable() {
		t.Error("only drafts are editable")
	}
}

func TestRateExactThreshold(t *testing.T) {
	f := Formula{BasicWeight: 50, MinBallots: 5}
	// 6 satisfied + 0.5×4 basic of 10 = 80% exactly: not below 80.
	r := f.Rate(Counts{Satisfied: 6, Basic: 4})
	if r.Below(80) || !r.Below(81) || r.Percent() != 80 {
		t.Fatalf("rate %v: %.4f", r, r.Percent())
	}
	if r2 := f.Rate(Counts{Satisfied: 6, Basic: 3, Dissatisfied: 1}); !r2.Below(80) || r2.Percent() != 75 {
		t.Fatalf("rate %.4f", r2.Percent())
	}
	if (Formula{BasicWeight: 100}).Rate(Counts{Satisfied: 1, Basic: 2}).Percent() != 100 {
		t.Fatal("full weight")
	}
	if (Formula{}).Rate(Counts{}).Known() {
		t.Fatal("nothing counted has no rate")
	}
	// A third is exact: 1/3 compared to 33 and 34.
	third := (Formula{}).Rate(Counts{Satisfied: 1, Dissatisfied: 2})
	if third.Below(33) || !third.Below(34) {
		t.Fatal("a third")
	}
	if third.Cmp((Formula{}).Rate(Counts{Satisfied: 2, Dissatisfied: 4})) != 0 || third.Cmp(r) >= 0 {
		t.Fatal("cmp")
	}
}

func TestCompute(t *testing.T) {
	f := Formula{BasicWeight: 100, MinBallots: 3}
	dims := []string{"speed", "process", "result"}
	per := map[string]Counts{"speed": {3, 0, 0}, "process": {2, 1, 0}, "result": {1, 0, 2}}
	res := f.Compute(dims, per, 3)
	if !res.Enough || !res.Counted() || len(res.Dimensions) != 3 {
		t.Fatalf("%+v", res)
	}
	if res.Overall != (Counts{6, 1, 2}) || res.Rate.Percent() < 77.77 || res.Rate.Percent() > 77.78 {
		t.Fatalf("%+v %.3f", res.Overall, res.Rate.Percent())
	}
	if res.Dimensions[2].Rate.Percent() < 33.3 || res.Dimensions[2].Rate.Percent() > 33.4 {
		t.Fatalf("result dimension %.3f", res.Dimensions[2].Rate.Percent())
	}
	if f.Compute(dims, per, 2).Counted() {
		t.Fatal("below the minimum must not count")
	}
	if f.Compute(dims, nil, 0).Counted() {
		t.Fatal("no ballots")
	}
}

func TestValidateTally(t *testing.T) {
	dims := []string{"speed", "result"}
	if err := ValidateTally(10, dims, []int64{1, 2}, []TallyLine{{1, "speed", Counts{5, 3, 2}}, {2, "result", Counts{1, 0, 0}}}); err != nil {
		t.Fatal(err)
	}
	err := ValidateTally(10, dims, []int64{1, 2}, []TallyLine{{1, "speed", Counts{5, 3, 3}}, {2, "speed", Counts{-1, 0, 0}}, {3, "speed", Counts{}}, {1, "process", Counts{}}})
	fs := fields(err)
	if fs["c_1_speed"] != "evaluation.error.tally_exceeds" || fs["c_2_speed"] != "evaluation.error.tally_negative" ||
		fs["c_3_speed"] != "evaluation.error.tally_target" || fs["c_1_process"] != "evaluation.error.tally_target" {
		t.Fatalf("%v", fs)
	}
	if fields(ValidateTally(0, dims, nil, nil))["ballots_issued"] == "" {
		t.Fatal("no ballots issued")
	}
	if n := TallyBallots([]TallyLine{{1, "speed", Counts{5, 3, 2}}, {1, "result", Counts{4, 0, 0}}, {2, "speed", Counts{9, 0, 0}}}, 1); n != 10 {
		t.Fatalf("ballots %d", n)
	}
}

func TestValidateBallot(t *testing.T) {
	dims := []string{"speed", "result"}
	ok := Ballot{Answers: []Answer{{1, "speed", Satisfied}, {1, "result", Basic}}}
	rated, err := ValidateBallot(ok, dims, []int64{1, 2})
	if err != nil || len(rated) != 1 || rated[0] != 1 {
		t.Fatalf("%v %v", rated, err)
	}
	bad := Ballot{Answers: []Answer{{1, "speed", "great"}, {1, "result", Basic}, {2, "speed", Satisfied}, {9, "speed", Satisfied}},
		Comments: map[int64]string{9: "x"}}
	fs := fields(func() error { _, err := ValidateBallot(bad, dims, []int64{1, 2}); return err }())
	if fs["r_1_speed"] != "evaluation.error.rating" || fs["r_2_result"] != "evaluation.error.rating_missing" ||
		fs["r_9_speed"] != "evaluation.error.ballot_target" || fs["comment_9"] != "evaluation.error.ballot_target" {
		t.Fatalf("%v", fs)
	}
	if _, err := ValidateBallot(Ballot{}, dims, []int64{1}); fields(err)["ballot"] == "" {
		t.Fatal("an empty ballot must be refused")
	}
}

func TestRoundValidate(t *testing.T) {
	r := &Round{UnitKind: org.Town, Name: " 2026年上半年 ", PeriodKind: HalfYear, PeriodLabel: "2026-H1", Dimensions: DefaultDimensions,
		BasicWeight: 60, MinBallots: 10}
	if err := r.Validate(); err != nil || r.Name != "2026年上半年" {
		t.Fatal(err)
	}
	bad := &Round{UnitKind: org.Village, PeriodKind: HalfYear, PeriodLabel: "2026-H3", Dimensions: []string{"mood"}, BasicWeight: 150}
	fs := fields(bad.Validate())
	for _, k := range []string{"unit_id", "name", "period_label", "dimensions", "basic_weight", "min_ballots"} {
		if fs[k] == "" {
			t.Errorf("no error on %s: %v", k, fs)
		}
	}
	if PeriodLabel(HalfYear, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)) != "2026-H2" || PeriodLabel(Quarter, time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)) != "2026-Q2" {
		t.Fatal("labels")
	}
	if d, err := ParseDimensions("result, speed,speed"); err != nil || len(d) != 2 || d[0] != "speed" {
		t.Fatal(d, err)
	}
	if _, err := ParseDimensions("speed,mood"); err == nil {
		t.Fatal("unknown dimension")
	}
}

func TestAccepting(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	later := now.Add(time.Hour)
	r := &Round{Status: Open, ClosesAt: &later}
	if !r.Accepting(now) || r.Accepting(later) {
		t.Fatal("closing time")
	}
	r.Status = Closed
	if r.Accepting(now) {
		t.Fatal("closed")
	}
	if NormalizeCode(" abcde-fghjk ") != "ABCDEFGHJK" || FormatCode("ABCDEFGHJK") != "ABCDE-FGHJK" {
		t.Fatal("codes")
	}
}
