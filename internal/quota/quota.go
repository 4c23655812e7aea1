// Package quota holds the seed's service rules and what follows from them: every week's themed
// party day / volunteer day (主题党日, 党员志愿服务日; Thursday by default), the days a team must
// serve each quarter (10 by default) and the hours each office party member (机关党员) must log
// each year (80 by default). The rules are a town's configuration; this package computes the
// themed days, the days left, a team's shortfall and a member's pace. No I/O.
package quota

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"wuxing/internal/calendar"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/service"
)

// DateLayout is how days are written in storage, forms and the API.
const DateLayout = "2006-01-02"

// The seed's defaults.
const (
	DefaultWeekday     = time.Thursday
	DefaultTeamDays    = 10
	DefaultMemberHours = 80
)

// Limits of the settings: a quarter has at most 92 days, a year at most 366 × 24 hours, and
// anything near that is a typing error, not a rule.
const (
	MaxTeamDays    = 92
	MaxMemberHours = 2000
)

// Rules are one town's service rules.
type Rules struct {
	TownID int64
	// Weekday is the themed party day / volunteer day of every week.
	Weekday time.Weekday
	// SkipHolidays: a themed day falling in a statutory holiday is not held (it is still shown,
	// marked with the holiday). Off by default: the seed says "every Thursday".
	SkipHolidays bool
	// TeamDays is the least number of distinct days a team must serve in a quarter.
	TeamDays int
	// MemberHours is the least number of hours an office party member must log in a year.
	MemberHours int
	// Version is 0 while the town runs on the defaults (nothing saved yet).
	Version   int64
	UpdatedAt time.Time
	UpdatedBy string
}

// Defaults are the seed's rules, for a town that has saved none.
func Defaults(townID int64) Rules {
	return Rules{TownID: townID, Weekday: DefaultWeekday, TeamDays: DefaultTeamDays, MemberHours: DefaultMemberHours}
}

// Saved reports whether the town has saved its own rules.
func (r Rules) Saved() bool { return r.Version > 0 }

// RequiredCentihours is the yearly quota in the ledger's unit (hours × 100).
func (r Rules) RequiredCentihours() int64 { return int64(r.MemberHours) * 100 }

// Validate checks the settings, naming each bad field.
func (r Rules) Validate() error {
	var fs []errs.FieldError
	if r.Weekday < time.Sunday || r.Weekday > time.Saturday {
		fs = append(fs, errs.Field("weekday", "quota.rules.weekday_invalid"))
	}
	if r.TeamDays < 1 || r.TeamDays > MaxTeamDays {
		fs = append(fs, errs.Field("team_days", "quota.rules.team_days_range", MaxTeamDays))
	}
	if r.MemberHours < 1 || r.MemberHours > MaxMemberHours {
		fs = append(fs, errs.Field("member_hours", "quota.rules.member_hours_range", MaxMemberHours))
	}
	return errs.FieldsOf(fs)
}

// OfficeMember reports whether a person is an office party member (机关党员), whom the yearly
// hours quota binds: a party member whose own unit is a town (乡镇, 街道办事处) or one of its
// departments and stations (镇直部门, 站所) — the town's cadres and staff. Members whose unit is
// a village, a community or below are the branches' members, served by their teams and not held
// to the office quota; county organs have their own rules, outside a town's.
func OfficeMember(partyMember bool, unitKind org.Kind) bool {
	return partyMember && slices.Contains(OfficeUnitKinds, unitKind)
}

// OfficeUnitKinds are the kinds of unit whose party members are office party members: the
// store's compliance query selects members by them.
var OfficeUnitKinds = []org.Kind{org.Town, org.Department}

var cst = time.FixedZone("CST", 8*3600)

// Today is the China-time calendar day of now, as a date at midnight UTC (the form every
// function here takes).
func Today(now time.Time) time.Time {
	n := now.In(cst)
	return Date(n.Year(), n.Month(), n.Day())
}

// Date is a calendar day at midnight UTC.
func Date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// ParseDay parses a YYYY-MM-DD day.
func ParseDay(s string) (time.Time, bool) {
	d, err := time.Parse(DateLayout, strings.TrimSpace(s))
	return d, err == nil
}

// day drops the time of day of d, keeping its calendar date.
func day(d time.Time) time.Time { return Date(d.Year(), d.Month(), d.Day()) }

// daysBetween counts the calendar days from a to b, both inclusive (0 when b is before a).
func daysBetween(a, b time.Time) int {
	a, b = day(a), day(b)
	if b.Before(a) {
		return 0
	}
	return int(b.Sub(a).Hours()/24+0.5) + 1
}

// PeriodKind is the length of a period.
type PeriodKind string

// The periods the compliance views and the honour roll use.
const (
	Year    PeriodKind = "year"
	Quarter PeriodKind = "quarter"
	Month   PeriodKind = "month"
)

// Period is a calendar year, quarter or month.
type Period struct {
	Kind PeriodKind
	Year int
	N    int // the quarter (1–4) or month (1–12); 0 for a year
}

// YearOf is the year of d.
func YearOf(d time.Time) Period { return Period{Kind: Year, Year: d.Year()} }

// QuarterOf is the quarter d falls in.
func QuarterOf(d time.Time) Period {
	return Period{Kind: Quarter, Year: d.Year(), N: (int(d.Month())-1)/3 + 1}
}

// MonthOf is the month d falls in.
func MonthOf(d time.Time) Period { return Period{Kind: Month, Year: d.Year(), N: int(d.Month())} }

// ParsePeriod reads "2026", "2026Q1" (or "2026-Q1") and "2026-03".
func ParsePeriod(s string) (Period, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	year := func(x string) (int, bool) {
		y, err := strconv.Atoi(x)
		return y, err == nil && len(x) == 4 && y >= 2000 && y <= 2100
	}
	switch {
	case len(s) == 4:
		if y, ok := year(s); ok {
			return Period{Kind: Year, Year: y}, true
		}
	case strings.Contains(s, "Q"):
		ys, qs, _ := strings.Cut(s, "Q")
		ys = strings.TrimSuffix(ys, "-")
		y, ok := year(ys)
		q, err := strconv.Atoi(qs)
		if ok && err == nil && len(qs) == 1 && q >= 1 && q <= 4 {
			return Period{Kind: Quarter, Year: y, N: q}, true
		}
	case len(s) == 7 && s[4] == '-':
		y, ok := year(s[:4])
		m, err := strconv.Atoi(s[5:])
		if ok && err == nil && m >= 1 && m <= 12 {
			return Period{Kind: Month, Year: y, N: m}, true
		}
	}
	return Period{}, false
}

// String writes the period as ParsePeriod reads it.
func (p Period) String() string {
	switch p.Kind {
	case Quarter:
		return fmt.Sprintf("%dQ%d", p.Year, p.N)
	case Month:
		return fmt.Sprintf("%d-%02d", p.Year, p.N)
	}
	return strconv.Itoa(p.Year)
}

// Start is the period's first day.
func (p Period) Start() time.Time {
	switch p.Kind {
	case Quarter:
		return Date(p.Year, time.Month(3*(p.N-1)+1), 1)
	case Month:
		return Date(p.Year, time.Month(p.N), 1)
	}
	return Date(p.Year, 1, 1)
}

// End is the period's last day.
func (p Period) End() time.Time {
	switch p.Kind {
	case Quarter:
		return p.Start().AddDate(0, 3, -1)
	case Month:
		return p.Start().AddDate(0, 1, -1)
	}
	return Date(p.Year, 12, 31)
}

// From and To are the first and last days as stored ('YYYY-MM-DD'), for range queries.
func (p Period) From() string { return p.Start().Format(DateLayout) }

// To is the period's last day as stored.
func (p Period) To() string { return p.End().Format(DateLayout) }

// Days is the number of days in the period.
func (p Period) Days() int { return daysBetween(p.Start(), p.End()) }

// Contains reports whether d falls in the period.
func (p Period) Contains(d time.Time) bool {
	d = day(d)
	return !d.Before(p.Start()) && !d.After(p.End())
}

// Prev and Next are the periods of the same kind before and after.
func (p Period) Prev() Period { return p.shift(-1) }

// Next is the period after p.
func (p Period) Next() Period { return p.shift(1) }

func (p Period) shift(n int) Period {
	switch p.Kind {
	case Quarter:
		return QuarterOf(p.Start().AddDate(0, 3*n, 0))
	case Month:
		return MonthOf(p.Start().AddDate(0, n, 0))
	}
	return Period{Kind: Year, Year: p.Year + n}
}

// DaysLeft counts the days of the period still open on today, today included: the whole period
// before it starts, none after it ends.
func (p Period) DaysLeft(today time.Time) int {
	today = day(today)
	switch {
	case today.After(p.End()):
		return 0
	case today.Before(p.Start()):
		return p.Days()
	}
	return daysBetween(today, p.End())
}

// DaysElapsed counts the days of the period passed by the end of today, today included.
func (p Period) DaysElapsed(today time.Time) int {
	return p.Days() - p.DaysLeft(today.AddDate(0, 0, 1))
}

// ThemedDay is one themed party day / volunteer day.
type ThemedDay struct {
	Date    time.Time
	Holiday string // the statutory holiday it falls in, or ""
	Held    bool   // false when the rules skip themed days on holidays and this is one
}

// Day is the date as stored.
func (d ThemedDay) Day() string { return d.Date.Format(DateLayout) }

// ThemedDays lists the themed days from a to b inclusive, each marked with the holiday it falls
// in on the official calendar (cal may be nil: no holidays known).
func (r Rules) ThemedDays(a, b time.Time, cal *calendar.Calendar) []ThemedDay {
	a, b = day(a), day(b)
	var out []ThemedDay
	d := a.AddDate(0, 0, (int(r.Weekday)-int(a.Weekday())+7)%7)
	for ; !d.After(b); d = d.AddDate(0, 0, 7) {
		td := ThemedDay{Date: d, Held: true}
		if cal != nil {
			td.Holiday = cal.Holiday(d)
		}
		if td.Holiday != "" && r.SkipHolidays {
			td.Held = false
		}
		out = append(out, td)
	}
	return out
}

// IsThemed reports whether d is a themed day the rules hold.
func (r Rules) IsThemed(d time.Time, cal *calendar.Calendar) bool {
	if d.Weekday() != r.Weekday {
		return false
	}
	return !r.SkipHolidays || cal == nil || cal.Holiday(d) == ""
}

// HeldThemedDays counts the held themed days from a to b inclusive.
func (r Rules) HeldThemedDays(a, b time.Time, cal *calendar.Calendar) int {
	n := 0
	for _, d := range r.ThemedDays(a, b, cal) {
		if d.Held {
			n++
		}
	}
	return n
}

// ThemedLeft counts the held themed days of period p still to come on today, today included.
func (r Rules) ThemedLeft(p Period, today time.Time, cal *calendar.Calendar) int {
	today = day(today)
	if today.After(p.End()) {
		return 0
	}
	from := p.Start()
	if today.After(from) {
		from = today
	}
	return r.HeldThemedDays(from, p.End(), cal)
}

// TeamStanding is where a team stands against the quarterly days quota.
type TeamStanding struct {
	Served     int // distinct days with approved service in the quarter
	Required   int
	Shortfall  int  // days still needed (0 once met)
	DaysLeft   int  // days of the quarter still open, today included
	ThemedLeft int  // themed days among them
	Met        bool // served at least the required days
	// Reachable: the shortfall still fits in the days left (a past quarter's shortfall is final).
	Reachable bool
}

// Team computes a team's standing in quarter q from its distinct served days, on today.
func (r Rules) Team(served int, q Period, today time.Time, cal *calendar.Calendar) TeamStanding {
	s := TeamStanding{Served: served, Required: r.TeamDays, DaysLeft: q.DaysLeft(today), ThemedLeft: r.ThemedLeft(q, today, cal)}
	s.Shortfall = max(0, r.TeamDays-served)
	s.Met = s.Shortfall == 0
	s.Reachable = s.Shortfall <= s.DaysLeft
	return s
}

// PaceStatus sums up a member's pace.
type PaceStatus string

// The states of a member's pace.
const (
	OnPace PaceStatus = "on_pace" // at or above the hours expected by today
	Behind PaceStatus = "behind"  // below them
	Met    PaceStatus = "met"     // the year's quota is logged
)

// Pace is where an office party member stands against the yearly hours quota. Hours are in
// centihours (hours × 100), the ledger's unit.
type Pace struct {
	Year      int
	Served    int64
	Required  int64
	Expected  int64 // required × the elapsed share of the year, by the end of today
	Behind    int64 // how far below Expected (0 when on pace)
	Remaining int64 // hours still to log this year (0 once met)
	Over      int64 // hours logged above the quota
	DaysLeft  int   // days of the year still open, today included
	// PerWeek is the hours a week needed from today to meet the quota by the year's end.
	PerWeek int64
	Status  PaceStatus
}

// Pace computes a member's pace in year from their approved centihours in that year, on today.
// Expected hours grow day by day: on 1 January 1/365 of the quota is due, on 31 December all of
// it (1/366 and all of it in a leap year). A past year expects everything, a future one nothing.
func (r Rules) Pace(served int64, year int, today time.Time) Pace {
	y := Period{Kind: Year, Year: year}
	p := Pace{Year: year, Served: served, Required: r.RequiredCentihours(), DaysLeft: y.DaysLeft(today)}
	elapsed := int64(y.DaysElapsed(today))
	p.Expected = p.Required * elapsed / int64(y.Days())
	p.Behind = max(0, p.Expected-served)
	p.Remaining = max(0, p.Required-served)
	p.Over = max(0, served-p.Required)
	if p.Remaining > 0 && p.DaysLeft > 0 {
		// Weeks left, rounded up so a last partial week counts as one.
		weeks := int64((p.DaysLeft + 6) / 7)
		p.PerWeek = (p.Remaining + weeks - 1) / weeks
	} else if p.Remaining > 0 {
		p.PerWeek = p.Remaining
	}
	switch {
	case p.Remaining == 0:
		p.Status = Met
	case p.Behind > 0:
		p.Status = Behind
	default:
		p.Status = OnPace
	}
	return p
}

// Share is the served share of the yearly quota in percent (may exceed 100).
func (p Pace) Share() float64 {
	if p.Required == 0 {
		return 0
	}
	return float64(p.Served) * 100 / float64(p.Required)
}

// Hours writes centihours as hours with up to two decimals: 1250 → "12.5", 8000 → "80" (the
// service ledger's own formatting).
func Hours(centi int64) string { return service.FormatHours(int(centi)) }

// Ranks gives competition ranks ("1224") to values already sorted from best to worst: equal
// values share a rank, and the next rank skips the tied places.
func Ranks(values []int64) []int {
	out := make([]int, len(values))
	for i, v := range values {
		if i > 0 && v == values[i-1] {
			out[i] = out[i-1]
		} else {
			out[i] = i + 1
		}
	}
	return out
}
