// Package points holds the rules of the points system (积分制) and the horse race (赛马): rule
// catalogues per kind of target, the periods points count in, caps, and the ranking and grading
// of targets by their totals. Points are kept in centipoints (points × 100) so that a weight per
// volunteer hour can be a fraction without floating point. No I/O.
package points

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/errs"
	"wuxing/internal/fixed"
)

// TargetKind is the kind of thing that earns points.
type TargetKind string

// The kinds of target.
const (
	BranchSecretary TargetKind = "branch_secretary" // a village's or community's party secretary (a person)
	PartyMember     TargetKind = "party_member"     // a party member (a person)
	ServiceTeam     TargetKind = "service_team"     // a volunteer or vanguard service team (service_teams)
)

// TargetKinds lists the kinds of target.
var TargetKinds = []TargetKind{BranchSecretary, PartyMember, ServiceTeam}

// Valid reports whether k is a known kind.
func (k TargetKind) Valid() bool { return slices.Contains(TargetKinds, k) }

// Person reports whether targets of kind k are people (else teams).
func (k TargetKind) Person() bool { return k == BranchSecretary || k == PartyMember }

// RuleKind says whether a rule gives base points, a reward or a deduction.
type RuleKind string

// The kinds of rule.
const (
	Base      RuleKind = "base"
	Reward    RuleKind = "reward"
	Deduction RuleKind = "deduction"
)

// RuleKinds lists the kinds of rule.
var RuleKinds = []RuleKind{Base, Reward, Deduction}

// Period is the length of time a rule's cap and a ranking count over.
type Period string

// The periods.
const (
	Month    Period = "month"
	Quarter  Period = "quarter"
	HalfYear Period = "half_year"
	Year     Period = "year"
)

// Periods lists the periods, shortest first.
var Periods = []Period{Month, Quarter, HalfYear, Year}

// Source is the event an automatic rule scores; "" is a manual rule.
type Source string

// The sources of automatic entries.
const (
	Manual               Source = ""
	CaseResolved         Source = "case_resolved"         // a case resolved by the member who claimed it
	CaseRated            Source = "case_rated"            // a case rated satisfied (to whoever handled it)
	CaseOverdue          Source = "case_overdue"          // a case marked overdue (deduction: handler and secretary)
	CircularCriticism    Source = "circular_criticism"    // a village or community named in a published circular (通报批评): its branch secretary
	CircularCommendation Source = "circular_commendation" // a village or community named in a published commendation (表扬): its branch secretary
	VolunteerHours       Source = "service_hours"         // approved volunteer hours, points per hour: members per ledger row, teams per activity
)

// Sources lists the automatic sources.
var Sources = []Source{CaseResolved, CaseRated, CaseOverdue, CircularCriticism, CircularCommendation, VolunteerHours}

// Grade is a grade of the horse race.
type Grade string

// The grades, best first; X is set by hand for a serious failure.
const (
	Excellent Grade = "excellent" // 优秀
	Good      Grade = "good"      // 良好
	Fair      Grade = "fair"      // 一般
	Poor      Grade = "poor"      // 较差
	X         Grade = "x"         // X: a serious failure, graded by hand
)

// Grades lists the grades a ratio set may use, best first.
var Grades = []Grade{Excellent, Good, Fair, Poor}

// Secretaries' dimensions (书记积分的三个维度).
const (
	DimQuality   = "quality"   // 综合素质
	DimWork      = "work"      // 工作开展情况
	DimHighlight = "highlight" // 亮点特色项目
)

// Dimensions lists the dimensions offered per kind; a catalogue may use others.
var Dimensions = map[TargetKind][]string{
	BranchSecretary: {DimQuality, DimWork, DimHighlight},
	PartyMember:     {"duty", "service", "discipline"},
	ServiceTeam:     {"activity", "effect", "discipline"},
}

// Rule is one line of a catalogue (积分细则).
type Rule struct {
	ID          int64
	CatalogueID int64
	Code        string // unique in its catalogue, e.g. "work.case_resolved"
	Name        string
	Dimension   string
	Kind        RuleKind
	Points      int64 // centipoints per occurrence (per hour for volunteer hours), positive
	Cap         int64 // centipoints a target may earn (or lose) by this rule in one period; 0: no cap
	Period      Period
	Source      Source
	Enabled     bool
	Weight      int // percent applied to Points (100: as written)
	Version     int64
}

// Sign is +1 for base points and rewards, -1 for deductions.
func (r *Rule) Sign() int64 {
	if r.Kind == Deduction {
		return -1
	}
	return 1
}

// Occurrence is the signed centipoints one occurrence earns, weighted.
func (r *Rule) Occurrence() int64 { return r.Sign() * r.Points * int64(r.Weight) / 100 }

// ForHours is the signed centipoints for centihours of volunteer service, weighted.
func (r *Rule) ForHours(centihours int64) int64 {
	return r.Sign() * r.Points * int64(r.Weight) * centihours / 100 / 100
}

// Limits on a rule, so that a typing slip cannot make an absurd rule.
const (
	MaxPoints = 100_000 // 1000 points per occurrence
	MaxCap    = 1_000_000
	MaxWeight = 1000
)

var codeOK = func(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// Validate checks a rule and tidies its text.
func (r *Rule) Validate() error {
	var fe []errs.FieldError
	r.Code = strings.TrimSpace(r.Code)
	r.Name = strings.TrimSpace(r.Name)
	r.Dimension = strings.TrimSpace(r.Dimension)
	if !codeOK(r.Code) {
		fe = append(fe, errs.Field("code", "points.rule.code.invalid"))
	}
	if r.Name == "" || utf8.RuneCountInString(r.Name) > 100 {
		fe = append(fe, errs.Field("name", "points.rule.name.invalid"))
	}
	if r.Dimension == "" || !codeOK(r.Dimension) {
		fe = append(fe, errs.Field("dimension", "points.rule.dimension.invalid"))
	}
	if !slices.Contains(RuleKinds, r.Kind) {
		fe = append(fe, errs.Field("kind", "points.rule.kind.invalid"))
	}
	if r.Points <= 0 || r.Points > MaxPoints {
		fe = append(fe, errs.Field("points", "points.rule.points.invalid"))
	}
	if r.Cap < 0 || r.Cap > MaxCap {
		fe = append(fe, errs.Field("cap", "points.rule.cap.invalid"))
	}
	if !slices.Contains(Periods, r.Period) {
		fe = append(fe, errs.Field("period", "points.rule.period.invalid"))
	}
	if r.Source != Manual && !slices.Contains(Sources, r.Source) {
		fe = append(fe, errs.Field("source", "points.rule.source.invalid"))
	}
	if r.Source == CaseOverdue || r.Source == CircularCriticism {
		if r.Kind != Deduction {
			fe = append(fe, errs.Field("kind", "points.rule.kind.deduction"))
		}
	}
	if r.Weight <= 0 || r.Weight > MaxWeight {
		fe = append(fe, errs.Field("weight", "points.rule.weight.invalid"))
	}
	return errs.FieldsOf(fe)
}

// Remaining is how many centipoints (in magnitude) a target may still get by rule r in a period
// where it has used already (signed sum of its pending and approved entries); -1 when r has no
// cap.
func (r *Rule) Remaining(used int64) int64 {
	if r.Cap == 0 {
		return -1
	}
	if used < 0 {
		used = -used
	}
	return max(r.Cap-used, 0)
}

// CheckCap refuses an entry of signed centipoints that would take a target past its rule's cap
// for the period, given what it has used already.
func (r *Rule) CheckCap(used, points int64) error {
	rem := r.Remaining(used)
	if rem < 0 {
		return nil
	}
	mag := points
	if mag < 0 {
		mag = -mag
	}
	if mag > rem {
		return errs.Invalid(errs.Field("points", "points.entry.cap", Format(r.Cap), Format(rem), string(r.Period)))
	}
	return nil
}

// MaxEntry bounds a manual entry's magnitude (1000 points).
const MaxEntry = 100_000

// CheckEntry checks a manual entry's centipoints against its rule: the right sign for the kind
// of rule, a sensible size, and within the cap.
func (r *Rule) CheckEntry(used, points int64) error {
	switch {
	case !r.Enabled:
		return errs.Invalid(errs.Field("rule", "points.entry.rule_disabled"))
	case points == 0 || points > MaxEntry || points < -MaxEntry:
		return errs.Invalid(errs.Field("points", "points.entry.points.invalid"))
	case r.Kind == Deduction && points > 0, r.Kind != Deduction && points < 0:
		return errs.Invalid(errs.Field("points", "points.entry.points.sign"))
	}
	return r.CheckCap(used, points)
}

// Format shows centipoints as points: "12", "12.5", "-0.25".
func Format(c int64) string { return fixed.Format(c) }

// Parse reads points ("12", "12.5", "-3.25") as centipoints.
func Parse(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > 2 || len(whole) > 7 {
		return 0, false
	}
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 {
		return 0, false
	}
	var f int64
	if frac != "" {
		for len(frac) < 2 {
			frac += "0"
		}
		f, err = strconv.ParseInt(frac, 10, 64)
		if err != nil || f < 0 {
			return 0, false
		}
	}
	c := w*100 + f
	if neg {
		c = -c
	}
	return c, true
}

// DateLayout is the layout of days.
const DateLayout = "2006-01-02"

var cst = time.FixedZone("CST", 8*3600)

// Today is today's day in China.
func Today(now time.Time) string { return now.In(cst).Format(DateLayout) }

// Day is the China-time day of t.
func Day(t time.Time) string { return t.In(cst).Format(DateLayout) }

// Span is one period: its key ("2026-03", "2026-Q1", "2026-H1", "2026") and its first and last day.
type Span struct {
	Period   Period
	Key      string
	From, To string // inclusive, YYYY-MM-DD
}

// SpanOf is the period of length p containing day.
func SpanOf(p Period, day string) (Span, error) {
	d, err := time.Parse(DateLayout, day)
	if err != nil {
		return Span{}, errs.Invalid(errs.Field("day", "validation.date"))
	}
	y, m := d.Year(), int(d.Month())
	var first, months int
	var key string
	switch p {
	case Month:
		first, months, key = m, 1, d.Format("2006-01")
	case Quarter:
		q := (m-1)/3 + 1
		first, months, key = (q-1)*3+1, 3, strconv.Itoa(y)+"-Q"+strconv.Itoa(q)
	case HalfYear:
		h := (m-1)/6 + 1
		first, months, key = (h-1)*6+1, 6, strconv.Itoa(y)+"-H"+strconv.Itoa(h)
	case Year:
		first, months, key = 1, 12, strconv.Itoa(y)
	default:
		return Span{}, errs.Invalid(errs.Field("period", "points.rule.period.invalid"))
	}
	from := time.Date(y, time.Month(first), 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, months, -1)
	return Span{Period: p, Key: key, From: from.Format(DateLayout), To: to.Format(DateLayout)}, nil
}

// ParseSpan reads a period key back into its span.
func ParseSpan(key string) (Span, error) {
	bad := errs.Invalid(errs.Field("period", "points.period.invalid"))
	y, rest, _ := strings.Cut(key, "-")
	year, err := strconv.Atoi(y)
	if err != nil || len(y) != 4 || year < 2000 || year > 2100 {
		return Span{}, bad
	}
	var p Period
	day := ""
	switch {
	case rest == "":
		p, day = Year, y+"-01-01"
	case len(rest) == 2 && rest[0] == 'Q' && rest[1] >= '1' && rest[1] <= '4':
		p, day = Quarter, y+"-"+[]string{"01", "04", "07", "10"}[rest[1]-'1']+"-01"
	case len(rest) == 2 && rest[0] == 'H' && (rest[1] == '1' || rest[1] == '2'):
		p, day = HalfYear, y+"-"+[]string{"01", "07"}[rest[1]-'1']+"-01"
	case len(rest) == 2:
		m, err := strconv.Atoi(rest)
		if err != nil || m < 1 || m > 12 {
			return Span{}, bad
		}
		p, day = Month, y+"-"+rest+"-01"
	default:
		return Span{}, bad
	}
	return SpanOf(p, day)
}

// Prev is the period before s.
func (s Span) Prev() Span {
	d, _ := time.Parse(DateLayout, s.From)
	p, _ := SpanOf(s.Period, d.AddDate(0, 0, -1).Format(DateLayout))
	return p
}

// Next is the period after s.
func (s Span) Next() Span {
	d, _ := time.Parse(DateLayout, s.To)
	p, _ := SpanOf(s.Period, d.AddDate(0, 0, 1).Format(DateLayout))
	return p
}
