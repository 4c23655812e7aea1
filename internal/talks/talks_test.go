package talks

import (
	"slices"
	"testing"

	"wuxing/internal/errs"
	"wuxing/internal/evaluation"
	"wuxing/internal/org"
)

// seq builds a history from a compact form: a rate in percent (rated), -1 (absent from the
// round), -2 (too few ballots); round ids are 1, 2, 3 … in order, the unit is 10 unless moved.
func seq(rates ...int) []Result {
	out := make([]Result, len(rates))
	for i, r := range rates {
		out[i] = Result{RoundID: int64(i + 1), UnitID: 10}
		switch r {
		case -1:
			out[i].State = Absent
		case -2:
			out[i].State, out[i].Ballots = TooFew, 3
		default:
			out[i].State, out[i].Rate, out[i].Ballots = Rated, evaluation.Rate{Num: int64(r), Den: 100}, 40
		}
	}
	return out
}

func ids(rs []Result) []int64 {
	var out []int64
	for _, r := range rs {
		out = append(out, r.RoundID)
	}
	return out
}

// r7999 is 79.99%: just under.
var r7999 = evaluation.Rate{Num: 7999, Den: 10000}

// TestEvaluate runs the rule over histories with gaps, ties at exactly 80%, too few ballots and
// earlier talks.
func TestEvaluate(t *testing.T) {
	rule := DefaultRule()
	for _, tc := range []struct {
		name    string
		results []Result
		settled int64
		due     bool
		streak  int
		rounds  []int64
	}{
		{"ThreeUnder", seq(70, 75, 79), 0, true, 3, []int64{1, 2, 3}},
		{"TwoUnder", seq(90, 70, 75), 0, false, 2, nil},
		{"Empty", nil, 0, false, 0, nil},
		{"BrokenByGoodRound", seq(70, 70, 85, 70, 70), 0, false, 2, nil},
		{"FourUnderTakesTheLastThree", seq(70, 70, 70, 70), 0, true, 4, []int64{2, 3, 4}},
		{"ExactlyEightyIsNotUnder", seq(70, 80, 70, 70), 0, false, 2, nil},
		{"JustUnderEighty", []Result{{RoundID: 1, State: Rated, Rate: r7999}, {RoundID: 2, State: Rated, Rate: r7999}, {RoundID: 3, State: Rated, Rate: r7999}}, 0, true, 3, []int64{1, 2, 3}},
		// A round the member was not on is skipped: it neither breaks nor extends the streak.
		{"GapSkipped", seq(70, -1, 70, 70), 0, true, 3, []int64{1, 3, 4}},
		{"GapDoesNotExtend", seq(70, -1, -1, 70), 0, false, 2, nil},
		// Too few ballots: the round is skipped, even with a low rate recorded.
		{"TooFewSkipped", seq(70, -2, 70, 70), 0, true, 3, []int64{1, 3, 4}},
		{"TooFewDoesNotCount", seq(-2, -2, 70, 70), 0, false, 2, nil},
		{"TooFewAtTheEnd", seq(70, 70, 70, -2), 0, true, 3, []int64{1, 2, 3}},
		// A recorded talk settles its rounds: only rounds after it count.
		{"SettledByTalk", seq(70, 70, 70, 70, 70), 3, false, 2, nil},
		{"DueAgainAfterThreeMore", seq(70, 70, 70, 70, 70, 70), 3, true, 3, []int64{4, 5, 6}},
		{"TalkWorked", seq(70, 70, 70, 90, 70), 3, false, 1, nil},
		{"UnknownSettledCountsAll", seq(70, 70, 70), 99, true, 3, []int64{1, 2, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Evaluate(rule, tc.results, tc.settled)
			if v.Due != tc.due || v.Streak != tc.streak || !slices.Equal(ids(v.Rounds), tc.rounds) {
				t.Errorf("got due=%v streak=%d rounds=%v, want due=%v streak=%d rounds=%v", v.Due, v.Streak, ids(v.Rounds), tc.due, tc.streak, tc.rounds)
			}
		})
	}
}

// TestMovedMember: the streak follows the person across units; the verdict lists the rounds in
// the units they were rated in.
func TestMovedMember(t *testing.T) {
	rs := seq(70, 70, 70)
	rs[0].UnitID, rs[1].UnitID = 5, 5
	v := Evaluate(DefaultRule(), rs, 0)
	if !v.Due || v.Rounds[0].UnitID != 5 || v.Rounds[2].UnitID != 10 {
		t.Fatalf("moved member: %+v", v)
	}
}

func TestConfiguredRule(t *testing.T) {
	rule := Rule{Threshold: 90, Rounds: 2, ExcellentShare: DefaultExcellentShare}
	if v := Evaluate(rule, seq(85, 89), 0); !v.Due {
		t.Error("85% and 89% under a 90% threshold, 2 rounds: want due")
	}
	if v := Evaluate(rule, seq(85, 90), 0); v.Due {
		t.Error("90% at a 90% threshold is not under")
	}
	if err := (Rule{Threshold: 0, Rounds: 0, ExcellentShare: 20000}).Validate(); err == nil || len(errs.As(err).Fields) != 3 {
		t.Errorf("bad rule: %v", err)
	}
	if err := DefaultRule().Validate(); err != nil {
		t.Error(err)
	}
}

func TestAfter(t *testing.T) {
	rs := seq(70, 70, 70, 85, 90)
	if got := ids(After(rs, 3)); !slices.Equal(got, []int64{4, 5}) {
		t.Errorf("after 3: %v", got)
	}
	if got := After(rs, 42); got != nil {
		t.Errorf("after unknown: %v", got)
	}
}

func TestCommittee(t *testing.T) {
	county := org.Unit{ID: 2, Kind: org.County}
	town := org.Unit{ID: 3, Kind: org.Town}
	comm := org.Unit{ID: 4, Kind: org.Community}
	grid := org.Unit{ID: 5, Kind: org.Grid}
	if c, ok := Committee([]org.Unit{{ID: 1, Kind: org.City}, county, town, comm, grid}); !ok || c.ID != 3 {
		t.Errorf("grid: %v %v", c, ok)
	}
	if c, ok := Committee([]org.Unit{county}); !ok || c.ID != 2 {
		t.Errorf("county: %v %v", c, ok)
	}
	if _, ok := Committee([]org.Unit{{ID: 1, Kind: org.City}}); ok {
		t.Error("city has no committee above it")
	}
}

func TestTalkValidate(t *testing.T) {
	ok := Talk{Kind: Member, PersonID: 1, RoundIDs: []int64{1, 2, 3}, TalkedBy: "张书记", TalkedPost: "镇党委副书记",
		TalkedOn: "2026-03-01", Content: "谈话内容", Plan: "整改措施", Status: Rectifying}
	if err := ok.Validate("2026-03-02"); err != nil {
		t.Fatal(err)
	}
	bad := ok
	bad.TalkedOn, bad.Content, bad.RoundIDs, bad.Status = "2026-03-03", "", nil, "x"
	err := bad.Validate("2026-03-02")
	if fs := errs.As(err).Fields; len(fs) != 4 {
		t.Errorf("bad talk: %v", err)
	}
	f := FollowUp{On: "2026-02-01", Note: "回访"}
	if f.Validate(&ok, "2026-03-02") == nil {
		t.Error("a follow-up before the talk must be refused")
	}
	f.On = "2026-03-02"
	if err := f.Validate(&ok, "2026-03-02"); err != nil {
		t.Error(err)
	}
}

func TestMaxExcellent(t *testing.T) {
	for _, tc := range []struct{ n, share, want int }{
		{0, 3333, 0}, {1, 3333, 0}, {2, 3333, 0}, {3, 3333, 1}, {5, 3333, 1}, {6, 3333, 2},
		{30, 3333, 10}, {31, 3333, 10}, {300, 3333, 100}, {4, 2500, 1}, {3, 2500, 0}, {3, 5000, 1}, {10, 10000, 10},
	} {
		if got := MaxExcellent(tc.n, tc.share); got != tc.want {
			t.Errorf("MaxExcellent(%d, %d) = %d, want %d", tc.n, tc.share, got, tc.want)
		}
	}
}

func TestCheckExcellent(t *testing.T) {
	es := make([]Entry, 6)
	es[0].Grade, es[1].Grade, es[2].Grade = Excellent, Excellent, Qualified
	if err := CheckExcellent(es, DefaultExcellentShare); err != nil {
		t.Fatalf("2 of 6: %v", err)
	}
	es[3].Grade = Excellent
	err := CheckExcellent(es, DefaultExcellentShare)
	e := errs.As(err)
	if err == nil || e.Code != errs.EINVALID || len(e.Fields) != 1 || e.Fields[0].Key != "talks.error.excellent_over" || e.Fields[0].Args[0] != 2 {
		t.Fatalf("3 of 6: %v", err)
	}
	counts, undecided := Counts(es)
	if counts[Excellent] != 3 || counts[Qualified] != 1 || undecided != 2 {
		t.Errorf("counts %v %d", counts, undecided)
	}
}

func TestEntryValidate(t *testing.T) {
	e := Entry{MutualScore: 101, Poll: Poll{Excellent: -1}, Grade: "great"}
	if fs := errs.As(e.Validate()).Fields; len(fs) != 3 {
		t.Errorf("bad entry: %v", fs)
	}
	e = Entry{MutualScore: -1, Grade: ""}
	if err := e.Validate(); err != nil {
		t.Error(err)
	}
}
