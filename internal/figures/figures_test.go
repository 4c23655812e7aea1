package figures

import (
	"math"
	"slices"
	"testing"

	"wuxing/internal/errs"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// zhanqian is 站前社区 from the seed: 14 appeals, all resolved; here with ratings and a rework.
var zhanqian = Counts{Received: 14, Taken: 14, Responded: 13, Resolved: 14, OnTime: 12, Delivered: 14,
	Rated: 10, Satisfied: 7, BasicSatisfied: 2, Dissatisfied: 1, Reworked: 1}

func TestRatesFollowTheirDefinitions(t *testing.T) {
	s := Default()
	for _, tc := range []struct {
		rate     Rate
		num      float64
		den      int
		pct      float64
		textWant string
	}{
		{Response, 13, 14, 100 * 13.0 / 14, "92.9%"},
		{Resolution, 14, 14, 100, "100.0%"},
		{OnTimeRate, 12, 14, 100 * 12.0 / 14, "85.7%"},
		{Satisfaction, 9, 10, 90, "90.0%"}, // (7 + 1·2) / 10
		{Rework, 1, 14, 100 / 14.0, "7.1%"},
	} {
		v := RateOf(tc.rate, zhanqian, s)
		if !v.Defined || !near(v.Num, tc.num) || v.Den != tc.den || !near(v.Pct, tc.pct) || v.Text() != tc.textWant {
			t.Errorf("%s: got %+v %q, want %v/%d = %v %q", tc.rate, v, v.Text(), tc.num, tc.den, tc.pct, tc.textWant)
		}
	}
}

func TestBasicSatisfiedWeight(t *testing.T) {
	c := Counts{Received: 10, Rated: 10, Satisfied: 5, BasicSatisfied: 4, Dissatisfied: 1}
	for _, tc := range []struct {
		weight int
		pct    float64
		text   string
	}{
		{100, 90, "1"},  // 5 + 4
		{80, 82, "0.8"}, // 5 + 3.2
		{50, 70, "0.5"}, // 5 + 2
		{0, 50, "0"},    // 满意 only
		{85, 84, "0.85"},
	} {
		s := Default()
		s.BasicWeight = tc.weight
		if v := RateOf(Satisfaction, c, s); !near(v.Pct, tc.pct) {
			t.Errorf("basic weight %d: satisfaction %v, want %v", tc.weight, v.Pct, tc.pct)
		}
		if got := s.BasicWeightText(); got != tc.text {
			t.Errorf("basic weight %d shows as %q, want %q", tc.weight, got, tc.text)
		}
	}
	// The weight touches nothing but satisfaction.
	a, b := Default(), Default()
	b.BasicWeight = 0
	for _, r := range []Rate{Response, Resolution, OnTimeRate, Rework} {
		if RateOf(r, zhanqian, a) != RateOf(r, zhanqian, b) {
			t.Errorf("%s changed with the basic weight", r)
		}
	}
}

func TestZeroDenominators(t *testing.T) {
	f := Compute(Counts{}, Default())
	for _, v := range f.Values {
		if v.Defined || v.Pct != 0 || v.Text() != "—" {
			t.Errorf("%s of nothing: %+v %q", v.Rate, v, v.Text())
		}
	}
	if f.HasComposite || f.ScoreText() != "—" || f.Ranked() {
		t.Errorf("no cases: composite %v %v, ranked %v", f.HasComposite, f.ScoreText(), f.Ranked())
	}
	// Received but none resolved yet: on-time and rework have nothing to count, the others do.
	c := Counts{Received: 6, Taken: 6, Responded: 6}
	f = Compute(c, Default())
	for r, defined := range map[Rate]bool{Response: true, Resolution: true, OnTimeRate: false, Satisfaction: false, Rework: false} {
		if f.Value(r).Defined != defined {
			t.Errorf("%s defined = %v, want %v", r, f.Value(r).Defined, defined)
		}
	}
	// All rejected: nothing taken, so no resolution rate (not 0%).
	if v := RateOf(Resolution, Counts{Received: 3, Responded: 3}, Default()); v.Defined {
		t.Errorf("resolution of nothing taken: %+v", v)
	}
}

func TestCompositeWeighsTheRates(t *testing.T) {
	c := Counts{Received: 10, Taken: 10, Responded: 8, Resolved: 5, OnTime: 5, Delivered: 5, Rated: 4, Satisfied: 4, Reworked: 1}
	// Default: 30% × 80 + 35% × 50 + 35% × 100 = 24 + 17.5 + 35.
	if f := Compute(c, Default()); !f.HasComposite || !near(f.Composite, 76.5) || f.ScoreText() != "76.50" {
		t.Fatalf("default composite %v %q", f.Composite, f.ScoreText())
	}
	// Rework counts as 100% − 20% = 80.
	s := Settings{Rework: 100, BasicWeight: 100}
	if f := Compute(c, s); !near(f.Composite, 80) {
		t.Errorf("rework-only composite %v, want 80", f.Composite)
	}
	s = Settings{Response: 50, OnTime: 50, BasicWeight: 100}
	if f := Compute(c, s); !near(f.Composite, 90) { // (80 + 100) / 2
		t.Errorf("response+on-time composite %v, want 90", f.Composite)
	}
	// A weighted rate with nothing to count drops out and the others scale up: no ratings yet.
	c.Rated, c.Satisfied = 0, 0
	f := Compute(c, Default())
	want := (30*80 + 35*50) / 65.0
	if !f.HasComposite || !near(f.Composite, want) {
		t.Errorf("composite without ratings %v, want %v", f.Composite, want)
	}
	// Only unweighted rates defined: no composite.
	f = Compute(Counts{Received: 2, Taken: 2}, Settings{OnTime: 100, BasicWeight: 100})
	if f.HasComposite {
		t.Errorf("composite from nothing weighted: %v", f.Composite)
	}
}

func TestSettingsValidate(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("default settings refused: %v", err)
	}
	if Default().WeightSum() != 100 {
		t.Fatal("default weights do not sum to 100")
	}
	fieldsOf := func(err error) []string {
		var out []string
		for _, f := range errs.As(err).Fields {
			out = append(out, f.Field+":"+f.Key)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		s    Settings
		want []string
	}{
		{"OK all on rework", Settings{Rework: 100}, nil},
		{"OK five ways", Settings{Response: 20, Resolution: 20, OnTime: 20, Satisfaction: 20, Rework: 20, BasicWeight: 80, MinCases: 0}, nil},
		{"ErrSumUnder", Settings{Response: 30, Resolution: 35, Satisfaction: 30, BasicWeight: 100}, []string{"weights:figures.weights.sum"}},
		{"ErrSumOver", Settings{Response: 40, Resolution: 35, Satisfaction: 35, BasicWeight: 100}, []string{"weights:figures.weights.sum"}},
		{"ErrAllZero", Settings{BasicWeight: 100}, []string{"weights:figures.weights.sum"}},
		{"ErrNegative", Settings{Response: -10, Resolution: 75, Satisfaction: 35, BasicWeight: 100}, []string{"w_response:figures.weight.range"}},
		{"ErrOver100", Settings{Response: 130, Resolution: -30, BasicWeight: 100}, []string{"w_response:figures.weight.range", "w_resolution:figures.weight.range"}},
		{"ErrBasicWeight", Settings{Response: 100, BasicWeight: 120}, []string{"basic_weight:figures.basic_weight.range"}},
		{"ErrBasicWeightNegative", Settings{Response: 100, BasicWeight: -1}, []string{"basic_weight:figures.basic_weight.range"}},
		{"ErrMinCases", Settings{Response: 100, BasicWeight: 100, MinCases: -1}, []string{"min_cases:figures.min_cases.range"}},
		{"ErrMinCasesHuge", Settings{Response: 100, BasicWeight: 100, MinCases: MaxMinCases + 1}, []string{"min_cases:figures.min_cases.range"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if errs.Code(err) != errs.EINVALID {
				t.Fatalf("got %v, want invalid", err)
			}
			if got := fieldsOf(err); !slices.Equal(got, tc.want) {
				t.Fatalf("fields %v, want %v", got, tc.want)
			}
		})
	}
	// The sum message carries the sum, so the user sees how far off they are.
	e := errs.As(Settings{Response: 30, Resolution: 35, Satisfaction: 30, BasicWeight: 100}.Validate())
	if len(e.Fields) != 1 || len(e.Fields[0].Args) != 1 || e.Fields[0].Args[0] != 95 {
		t.Fatalf("sum error %+v", e.Fields)
	}
}

// entry builds counts whose default composite is exactly score: every rate at score%.
func entry(id int64, name string, received, score int) Entry {
	return Entry{ID: id, Name: name, Counts: Counts{Received: received, Taken: received,
		Responded: received * score / 100, Resolved: received * score / 100, Rated: received,
		Satisfied: received * score / 100}}
}

func TestRankingTiesShareARankAndTheNextSkips(t *testing.T) {
	s := Default()
	got := Rank([]Entry{
		entry(1, "甲村", 10, 80),
		entry(2, "乙村", 10, 90),
		entry(3, "丙村", 20, 90), // same score as 乙村, more cases: still a tie
		entry(4, "丁村", 10, 100),
		entry(5, "戊村", 10, 70),
	}, s)
	type row struct {
		name string
		rank int
	}
	var rows []row
	for _, g := range got {
		rows = append(rows, row{g.Name, g.Rank})
	}
	want := []row{{"丁村", 1}, {"丙村", 2}, {"乙村", 2}, {"甲村", 4}, {"戊村", 5}}
	if !slices.Equal(rows, want) {
		t.Fatalf("ranking %v, want %v", rows, want)
	}
	// Three-way tie at the top.
	got = Rank([]Entry{entry(1, "a", 10, 90), entry(2, "b", 10, 90), entry(3, "c", 10, 90), entry(4, "d", 10, 50)}, s)
	var ranks []int
	for _, g := range got {
		ranks = append(ranks, g.Rank)
	}
	if !slices.Equal(ranks, []int{1, 1, 1, 4}) {
		t.Fatalf("three-way tie ranks %v", ranks)
	}
}

func TestRankingTiesAreJudgedOnTheShownScore(t *testing.T) {
	// 2/3 and 6667/10000 differ by less than half a hundredth: both show 66.67 and tie.
	s := Settings{Response: 100, BasicWeight: 100}
	a := Entry{ID: 1, Name: "a", Counts: Counts{Received: 3, Responded: 2}}
	b := Entry{ID: 2, Name: "b", Counts: Counts{Received: 10000, Responded: 6667}}
	c := Entry{ID: 3, Name: "c", Counts: Counts{Received: 10000, Responded: 6666}} // 66.66
	got := Rank([]Entry{c, b, a}, s)
	if got[0].Rank != 1 || got[1].Rank != 1 || got[2].Rank != 3 || got[2].ID != 3 {
		t.Fatalf("ranks %d %d %d (ids %d %d %d)", got[0].Rank, got[1].Rank, got[2].Rank, got[0].ID, got[1].ID, got[2].ID)
	}
	if got[0].ScoreText() != "66.67" || got[2].ScoreText() != "66.66" {
		t.Fatalf("scores %s %s", got[0].ScoreText(), got[2].ScoreText())
	}
}

func TestFewCasesAreFlaggedNotRankedFirst(t *testing.T) {
	s := Default()
	s.MinCases = 5
	got := Rank([]Entry{
		entry(1, "大村", 40, 85),
		entry(2, "小村", 2, 100), // a perfect score from two cases: luck, not merit
		entry(3, "中村", 5, 100), // exactly the minimum: ranked
		{ID: 4, Name: "空村"},    // no cases at all
	}, s)
	byName := map[string]Standing{}
	for _, g := range got {
		byName[g.Name] = g
	}
	if g := byName["小村"]; !g.FewCases || g.Rank != 0 || !g.HasComposite {
		t.Errorf("小村: few %v rank %d composite %v", g.FewCases, g.Rank, g.HasComposite)
	}
	if g := byName["空村"]; !g.FewCases || g.Rank != 0 || g.HasComposite {
		t.Errorf("空村: few %v rank %d composite %v", g.FewCases, g.Rank, g.HasComposite)
	}
	if byName["中村"].Rank != 1 || byName["大村"].Rank != 2 || byName["中村"].FewCases {
		t.Errorf("ranked: 中村 %d, 大村 %d", byName["中村"].Rank, byName["大村"].Rank)
	}
	// The unranked come after the ranked, by name.
	var order []string
	for _, g := range got {
		order = append(order, g.Name)
	}
	if !slices.Equal(order, []string{"中村", "大村", "小村", "空村"}) {
		t.Errorf("order %v", order)
	}
	// With no minimum, the small village ranks first.
	s.MinCases = 0
	got = Rank([]Entry{entry(1, "大村", 40, 85), entry(2, "小村", 2, 100)}, s)
	if got[0].Name != "小村" || got[0].Rank != 1 {
		t.Errorf("no minimum: %s ranked %d", got[0].Name, got[0].Rank)
	}
	// A unit with enough cases but nothing weighted to score is not ranked either.
	got = Rank([]Entry{{ID: 9, Name: "x", Counts: Counts{Received: 9}}}, Settings{OnTime: 100, MinCases: 1})
	if got[0].Rank != 0 || got[0].FewCases {
		t.Errorf("unscored unit: rank %d few %v", got[0].Rank, got[0].FewCases)
	}
}

func TestRankEmptyAndTotal(t *testing.T) {
	if got := Rank(nil, Default()); len(got) != 0 {
		t.Fatalf("rank of nothing: %v", got)
	}
	e := []Entry{{Counts: zhanqian}, {Counts: Counts{Received: 1, Taken: 1, Reworked: 1}}}
	tot := Total(e)
	if tot.Received != 15 || tot.Taken != 15 || tot.Reworked != 2 || tot.Satisfied != 7 {
		t.Fatalf("total %+v", tot)
	}
	for _, n := range CountNames {
		if !n.Valid() || tot.Get(n) != zhanqian.Get(n)+e[1].Counts.Get(n) {
			t.Errorf("count %s: %d", n, tot.Get(n))
		}
	}
	if Count("bogus").Valid() || tot.Get("bogus") != 0 {
		t.Error("an unknown count is valid")
	}
	var c Counts
	for i, n := range CountNames {
		c.Set(n, i+1)
	}
	c.Set("bogus", 99)
	for i, n := range CountNames {
		if c.Get(n) != i+1 {
			t.Errorf("set %s to %d, got %d", n, i+1, c.Get(n))
		}
	}
}

func TestDefinitionsCoverEveryRate(t *testing.T) {
	if len(Definitions) != len(Rates) {
		t.Fatalf("%d definitions for %d rates", len(Definitions), len(Rates))
	}
	for i, r := range Rates {
		d := DefinitionOf(r)
		if d.Rate != r || Definitions[i].Rate != r || !d.Denominator.Valid() || len(d.Numerator) == 0 {
			t.Errorf("definition of %s: %+v", r, d)
		}
		for _, n := range d.Numerator {
			if !n.Valid() {
				t.Errorf("%s counts unknown %q", r, n)
			}
		}
	}
	if !DefinitionOf(Rework).LowerIsBetter || DefinitionOf(Response).LowerIsBetter {
		t.Error("only the rework rate is lower-is-better")
	}
}
