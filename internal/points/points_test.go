package points

import (
	"fmt"
	"strings"
	"testing"

	"wuxing/internal/errs"
)

func fieldKey(err error) string {
	e := errs.As(err)
	if e == nil || len(e.Fields) == 0 {
		return ""
	}
	return e.Fields[0].Field + ":" + e.Fields[0].Key
}

func TestSpans(t *testing.T) {
	cases := []struct {
		p             Period
		day           string
		key, from, to string
	}{
		{Month, "2026-02-14", "2026-02", "2026-02-01", "2026-02-28"},
		{Month, "2024-02-29", "2024-02", "2024-02-01", "2024-02-29"},
		{Month, "2026-12-31", "2026-12", "2026-12-01", "2026-12-31"},
		{Quarter, "2026-01-01", "2026-Q1", "2026-01-01", "2026-03-31"},
		{Quarter, "2026-06-30", "2026-Q2", "2026-04-01", "2026-06-30"},
		{Quarter, "2026-11-05", "2026-Q4", "2026-10-01", "2026-12-31"},
		{HalfYear, "2026-06-30", "2026-H1", "2026-01-01", "2026-06-30"},
		{HalfYear, "2026-07-01", "2026-H2", "2026-07-01", "2026-12-31"},
		{Year, "2026-07-01", "2026", "2026-01-01", "2026-12-31"},
	}
	for _, c := range cases {
		s, err := SpanOf(c.p, c.day)
		if err != nil || s.Key != c.key || s.From != c.from || s.To != c.to {
			t.Errorf("SpanOf(%s, %s) = %+v, %v; want %s %s..%s", c.p, c.day, s, err, c.key, c.from, c.to)
		}
		back, err := ParseSpan(c.key)
		if err != nil || back != s {
			t.Errorf("ParseSpan(%s) = %+v, %v; want %+v", c.key, back, err, s)
		}
	}
	for _, bad := range []string{"", "2026-13", "2026-Q5", "2026-H3", "26", "2026-00", "abcd", "2026-Q", "1999"} {
		if _, err := ParseSpan(bad); fieldKey(err) != "period:points.period.invalid" {
			t.Errorf("ParseSpan(%q) = %v; want a period error", bad, err)
		}
	}
	if _, err := SpanOf("week", "2026-01-01"); err == nil {
		t.Error("a week is no period")
	}
	if _, err := SpanOf(Month, "2026-02-30"); err == nil {
		t.Error("no 30 February")
	}
	q, _ := ParseSpan("2026-Q1")
	if q.Prev().Key != "2025-Q4" || q.Next().Key != "2026-Q2" {
		t.Errorf("around 2026-Q1: %s, %s", q.Prev().Key, q.Next().Key)
	}
}

func TestFormatParse(t *testing.T) {
	for c, s := range map[int64]string{0: "0", 100: "1", 1250: "12.5", -25: "-0.25", 5: "0.05", 123456: "1234.56"} {
		if got := Format(c); got != s {
			t.Errorf("Format(%d) = %q; want %q", c, got, s)
		}
		if got, ok := Parse(s); !ok || got != c {
			t.Errorf("Parse(%q) = %d, %v; want %d", s, got, ok, c)
		}
	}
	for _, bad := range []string{"", "abc", "1.234", "1..2", "--1", "12345678", "1e3", "."} {
		if _, ok := Parse(bad); ok {
			t.Errorf("Parse(%q) should fail", bad)
		}
	}
}

func goodRule() Rule {
	return Rule{Code: "work.meeting", Name: "三会一课", Dimension: DimWork, Kind: Reward, Points: 300, Cap: 1200, Period: Quarter,
		Enabled: true, Weight: 100}
}

func TestRuleValidate(t *testing.T) {
	r := goodRule()
	if err := r.Validate(); err != nil {
		t.Fatalf("good rule: %v", err)
	}
	cases := map[string]func(r *Rule){
		"code:points.rule.code.invalid":           func(r *Rule) { r.Code = "有中文" },
		"name:points.rule.name.invalid":           func(r *Rule) { r.Name = "  " },
		"dimension:points.rule.dimension.invalid": func(r *Rule) { r.Dimension = "" },
		"kind:points.rule.kind.invalid":           func(r *Rule) { r.Kind = "bonus" },
		"points:points.rule.points.invalid":       func(r *Rule) { r.Points = 0 },
		"cap:points.rule.cap.invalid":             func(r *Rule) { r.Cap = -1 },
		"period:points.rule.period.invalid":       func(r *Rule) { r.Period = "week" },
		"source:points.rule.source.invalid":       func(r *Rule) { r.Source = "weather" },
		"kind:points.rule.kind.deduction":         func(r *Rule) { r.Source = CaseOverdue },
		"weight:points.rule.weight.invalid":       func(r *Rule) { r.Weight = 0 },
	}
	for want, mutate := range cases {
		r := goodRule()
		mutate(&r)
		if got := fieldKey(r.Validate()); got != want {
			t.Errorf("%s: got %q", want, got)
		}
	}
	for _, k := range TargetKinds {
		for _, r := range Defaults(k) {
			if err := r.Validate(); err != nil {
				t.Errorf("default rule %s/%s: %v", k, r.Code, err)
			}
		}
	}
	var dims []string
	for _, r := range Defaults(BranchSecretary) {
		if !strings.Contains(strings.Join(dims, ","), r.Dimension) {
			dims = append(dims, r.Dimension)
		}
	}
	if strings.Join(dims, ",") != "quality,work,highlight" {
		t.Errorf("secretaries' dimensions: %v", dims)
	}
}

func TestPointsArithmetic(t *testing.T) {
	r := goodRule()
	r.Weight = 150
	if got := r.Occurrence(); got != 450 {
		t.Errorf("weighted occurrence %d", got)
	}
	r.Kind = Deduction
	if got := r.Occurrence(); got != -450 {
		t.Errorf("deduction %d", got)
	}
	h := Rule{Kind: Reward, Points: 50, Weight: 100}
	if got := h.ForHours(250); got != 125 { // 2.5 h × 0.5
		t.Errorf("hours: %d", got)
	}
}

func TestCaps(t *testing.T) {
	r := goodRule() // 12 points a quarter
	if err := r.CheckEntry(0, 1200); err != nil {
		t.Errorf("up to the cap: %v", err)
	}
	if err := r.CheckEntry(900, 300); err != nil {
		t.Errorf("exactly to the cap: %v", err)
	}
	err := r.CheckEntry(1000, 300)
	if fieldKey(err) != "points:points.entry.cap" {
		t.Fatalf("past the cap: %v", err)
	}
	if args := errs.As(err).Fields[0].Args; fmt.Sprint(args) != "[12 2 quarter]" {
		t.Errorf("cap message args %v: it should say the cap and what remains", args)
	}
	if err := r.CheckEntry(1200, 1); fieldKey(err) != "points:points.entry.cap" {
		t.Errorf("nothing left: %v", err)
	}
	if fieldKey(r.CheckEntry(0, -100)) != "points:points.entry.points.sign" {
		t.Error("a reward cannot be negative")
	}
	if fieldKey(r.CheckEntry(0, 0)) != "points:points.entry.points.invalid" {
		t.Error("zero points")
	}
	if fieldKey(r.CheckEntry(0, MaxEntry+1)) != "points:points.entry.points.invalid" {
		t.Error("absurd points")
	}
	d := goodRule()
	d.Kind = Deduction
	if err := d.CheckEntry(-1000, -200); err != nil {
		t.Errorf("deduction within cap: %v", err)
	}
	if fieldKey(d.CheckEntry(-1000, -300)) != "points:points.entry.cap" {
		t.Error("a deduction's cap bounds its magnitude")
	}
	if fieldKey(d.CheckEntry(0, 100)) != "points:points.entry.points.sign" {
		t.Error("a deduction cannot be positive")
	}
	r.Cap = 0
	if err := r.CheckEntry(1_000_000, 100); err != nil || r.Remaining(5) != -1 {
		t.Errorf("no cap: %v", err)
	}
	r.Enabled = false
	if fieldKey(r.CheckEntry(0, 100)) != "rule:points.entry.rule_disabled" {
		t.Error("a disabled rule takes no entries")
	}
}

func TestRatios(t *testing.T) {
	rs, err := ParseRatios("excellent:30, good:50, fair:20")
	if err != nil || FormatRatios(rs) != "excellent:30,good:50,fair:20" || FormatRatios(DefaultRatios) != FormatRatios(rs) {
		t.Fatalf("352: %v %v", rs, err)
	}
	bad := map[string]string{
		"excellent:30,good:50,fair:10": "ratios:points.ratios.sum",
		"excellent:40,good:50,fair:20": "ratios:points.ratios.sum",
		"good:50,excellent:30,fair:20": "ratios:points.ratios.grades",
		"excellent:30,excellent:70":    "ratios:points.ratios.grades",
		"x:10,excellent:90":            "ratios:points.ratios.grades",
		"excellent:0,good:100":         "ratios:points.ratios.invalid",
		"excellent:30;good:70":         "ratios:points.ratios.invalid",
		"excellent:abc":                "ratios:points.ratios.invalid",
		"":                             "ratios:points.ratios.invalid",
	}
	for s, want := range bad {
		if _, err := ParseRatios(s); fieldKey(err) != want {
			t.Errorf("ParseRatios(%q) = %v; want %s", s, err, want)
		}
	}
	_, err = ParseRatios("excellent:30,good:50,fair:10")
	if args := errs.As(err).Fields[0].Args; fmt.Sprint(args) != "[90]" {
		t.Errorf("the sum error says the sum: %v", args)
	}
}

func standings(totals ...int64) []Standing {
	out := make([]Standing, len(totals))
	for i, t := range totals {
		out[i] = Standing{ID: int64(i + 1), Name: fmt.Sprintf("t%02d", i+1), Total: t}
	}
	return out
}

func summary(rows []Standing) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%d:%d:%s ", r.ID, r.Rank, r.Grade)
	}
	return strings.TrimSpace(b.String())
}

func TestRankTies(t *testing.T) {
	got := Rank(standings(50, 90, 70, 70), nil)
	if s := summary(got); s != "2:1: 3:2: 4:2: 1:4:" {
		t.Errorf("ranks 1,2,2,4: %s", s)
	}
}

func TestGrade352(t *testing.T) {
	// Ten targets, all different: 3 excellent, 5 good, 2 fair.
	got := Rank(standings(100, 90, 80, 70, 60, 50, 40, 30, 20, 10), DefaultRatios)
	want := "1:1:excellent 2:2:excellent 3:3:excellent 4:4:good 5:5:good 6:6:good 7:7:good 8:8:good 9:9:fair 10:10:fair"
	if s := summary(got); s != want {
		t.Errorf("352 over ten:\n got %s\nwant %s", s, want)
	}
	// A tie across the excellent/good boundary: the 3rd and 4th share rank 3, so both are excellent.
	got = Rank(standings(100, 90, 80, 80, 60, 50, 40, 30, 20, 10), DefaultRatios)
	if got[2].Grade != Excellent || got[3].Grade != Excellent || got[3].Rank != 3 || got[4].Grade != Good {
		t.Errorf("tie at the boundary: %s", summary(got))
	}
	// Everyone equal: everyone has rank 1 and the best grade.
	for _, r := range Rank(standings(5, 5, 5, 5), DefaultRatios) {
		if r.Rank != 1 || r.Grade != Excellent {
			t.Errorf("all equal: %s", summary(Rank(standings(5, 5, 5, 5), DefaultRatios)))
			break
		}
	}
	// X: out of the ratio count and ranked last without a rank.
	rows := standings(100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 200)
	rows[10].XGraded = true
	got = Rank(rows, DefaultRatios)
	if last := got[len(got)-1]; last.ID != 11 || last.Grade != X || last.Rank != 0 {
		t.Errorf("X target: %+v", last)
	}
	if s := summary(got[:10]); s != want {
		t.Errorf("X does not count in the ratios:\n got %s\nwant %s", s, want)
	}
	// Small counts: rounding still covers everyone with the last grade.
	if b := Bounds(3, DefaultRatios); fmt.Sprint(b) != "[1 2 3]" {
		t.Errorf("bounds of 3: %v", b)
	}
	if b := Bounds(0, DefaultRatios); fmt.Sprint(b) != "[0 0 0]" {
		t.Errorf("bounds of 0: %v", b)
	}
	got = Rank(standings(3, 2, 1), DefaultRatios)
	if s := summary(got); s != "1:1:excellent 2:2:good 3:3:fair" {
		t.Errorf("352 over three: %s", s)
	}
}
