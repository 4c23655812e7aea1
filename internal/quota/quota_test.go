package quota

import (
	"testing"
	"time"

	"wuxing/internal/calendar"
	"wuxing/internal/errs"
	"wuxing/internal/org"
)

func d(s string) time.Time {
	t, ok := ParseDay(s)
	if !ok {
		panic(s)
	}
	return t
}

func TestQuarterBoundaries(t *testing.T) {
	for _, c := range []struct {
		day      string
		quarter  string
		from, to string
		days     int
	}{
		{"2026-01-01", "2026Q1", "2026-01-01", "2026-03-31", 90},
		{"2026-03-31", "2026Q1", "2026-01-01", "2026-03-31", 90},
		{"2026-04-01", "2026Q2", "2026-04-01", "2026-06-30", 91},
		{"2026-09-30", "2026Q3", "2026-07-01", "2026-09-30", 92},
		{"2026-12-31", "2026Q4", "2026-10-01", "2026-12-31", 92},
		{"2024-02-29", "2024Q1", "2024-01-01", "2024-03-31", 91}, // leap year
	} {
		q := QuarterOf(d(c.day))
		if q.String() != c.quarter || q.From() != c.from || q.To() != c.to || q.Days() != c.days {
			t.Errorf("%s: got %s %s–%s (%d days), want %s %s–%s (%d)", c.day, q, q.From(), q.To(), q.Days(), c.quarter, c.from, c.to, c.days)
		}
		if !q.Contains(d(c.day)) || q.Contains(q.Start().AddDate(0, 0, -1)) || q.Contains(q.End().AddDate(0, 0, 1)) {
			t.Errorf("%s: Contains wrong at the edges", c.quarter)
		}
	}
	if n := YearOf(d("2024-06-01")).Days(); n != 366 {
		t.Errorf("2024 has %d days", n)
	}
	if n := YearOf(d("2100-06-01")).Days(); n != 365 {
		t.Errorf("2100 has %d days (not a leap year)", n)
	}
	if n := MonthOf(d("2024-02-10")).Days(); n != 29 {
		t.Errorf("Feb 2024 has %d days", n)
	}
	if q := QuarterOf(d("2026-01-15")); q.Prev().String() != "2025Q4" || q.Next().String() != "2026Q2" {
		t.Errorf("prev/next of %s: %s %s", q, q.Prev(), q.Next())
	}
	if m := MonthOf(d("2026-12-15")); m.Next().String() != "2027-01" {
		t.Errorf("next of %s: %s", m, m.Next())
	}
}

func TestParsePeriod(t *testing.T) {
	for _, s := range []string{"2026", "2026Q3", "2026-03", "2024Q1", "2026-12"} {
		p, ok := ParsePeriod(s)
		if !ok || p.String() != s {
			t.Errorf("%q: %v %v", s, p, ok)
		}
	}
	if p, ok := ParsePeriod("2026-q2"); !ok || p.String() != "2026Q2" {
		t.Errorf("2026-q2: %v %v", p, ok)
	}
	for _, s := range []string{"", "26", "2026Q5", "2026Q0", "2026-13", "2026-00", "1999", "abcd", "2026Q12", "2026-1"} {
		if p, ok := ParsePeriod(s); ok {
			t.Errorf("%q parsed as %v", s, p)
		}
	}
}

func TestDaysLeft(t *testing.T) {
	q := QuarterOf(d("2026-03-31"))
	for _, c := range []struct {
		today         string
		left, elapsed int
	}{
		{"2025-12-31", 90, 0}, // before the quarter: all of it left
		{"2026-01-01", 90, 1}, // the first day is open, and passed by its end
		{"2026-02-15", 45, 46},
		{"2026-03-31", 1, 90}, // the last day still counts
		{"2026-04-01", 0, 90}, // over
	} {
		if got := q.DaysLeft(d(c.today)); got != c.left {
			t.Errorf("%s: %d days left, want %d", c.today, got, c.left)
		}
		if got := q.DaysElapsed(d(c.today)); got != c.elapsed {
			t.Errorf("%s: %d days elapsed, want %d", c.today, got, c.elapsed)
		}
	}
}

func TestThemedDays(t *testing.T) {
	cal := calendar.MustOfficial()
	r := Defaults(1)
	days := r.ThemedDays(d("2026-01-01"), d("2026-01-31"), cal)
	want := []string{"2026-01-01", "2026-01-08", "2026-01-15", "2026-01-22", "2026-01-29"}
	if len(days) != len(want) {
		t.Fatalf("January 2026: %d themed days, want %d", len(days), len(want))
	}
	for i, x := range days {
		if x.Day() != want[i] || x.Date.Weekday() != time.Thursday || !x.Held {
			t.Errorf("day %d: %+v", i, x)
		}
	}
	if days[0].Holiday != "元旦" || days[1].Holiday != "" {
		t.Errorf("holidays: %q %q", days[0].Holiday, days[1].Holiday)
	}
	// Skipping holidays: New Year's Day is shown but not held.
	r.SkipHolidays = true
	days = r.ThemedDays(d("2026-01-01"), d("2026-01-31"), cal)
	if days[0].Held || !days[1].Held || r.HeldThemedDays(d("2026-01-01"), d("2026-01-31"), cal) != 4 {
		t.Errorf("skip holidays: %+v", days)
	}
	if r.IsThemed(d("2026-01-01"), cal) || !r.IsThemed(d("2026-01-08"), cal) || r.IsThemed(d("2026-01-09"), cal) {
		t.Error("IsThemed wrong")
	}
	// Another weekday, a range starting on it and ending on it.
	r = Defaults(1)
	r.Weekday = time.Monday
	days = r.ThemedDays(d("2026-03-02"), d("2026-03-30"), nil)
	if len(days) != 5 || days[0].Day() != "2026-03-02" || days[4].Day() != "2026-03-30" {
		t.Errorf("Mondays of March 2026: %v", days)
	}
	if n := len(r.ThemedDays(d("2026-03-03"), d("2026-03-08"), nil)); n != 0 {
		t.Errorf("no Monday in 3–8 March, got %d", n)
	}
	// The themed days left of a quarter count today and none after the end.
	r = Defaults(1)
	q := QuarterOf(d("2026-03-26"))
	if n := r.ThemedLeft(q, d("2026-03-26"), cal); n != 1 { // 26 March is the last Thursday of Q1
		t.Errorf("themed left on the last Thursday: %d", n)
	}
	if n := r.ThemedLeft(q, d("2026-03-27"), cal); n != 0 {
		t.Errorf("themed left after the last Thursday: %d", n)
	}
	if n := r.ThemedLeft(q, d("2025-11-01"), cal); n != 13 {
		t.Errorf("themed days of 2026Q1 before it starts: %d", n)
	}
}

func TestTeamStanding(t *testing.T) {
	r := Defaults(1)
	q := QuarterOf(d("2026-03-31"))
	s := r.Team(10, q, d("2026-02-01"), nil)
	if !s.Met || s.Shortfall != 0 || !s.Reachable {
		t.Errorf("10 days served: %+v", s)
	}
	s = r.Team(12, q, d("2026-02-01"), nil)
	if !s.Met || s.Shortfall != 0 {
		t.Errorf("12 days served: %+v", s)
	}
	s = r.Team(7, q, d("2026-03-31"), nil)
	if s.Met || s.Shortfall != 3 || s.DaysLeft != 1 || s.Reachable {
		t.Errorf("7 days on the last day: %+v", s)
	}
	s = r.Team(9, q, d("2026-03-31"), nil)
	if s.Shortfall != 1 || !s.Reachable {
		t.Errorf("9 days on the last day: %+v", s)
	}
	s = r.Team(0, q, d("2026-04-01"), nil)
	if s.Shortfall != 10 || s.DaysLeft != 0 || s.Reachable {
		t.Errorf("past quarter: %+v", s)
	}
}

func TestPace(t *testing.T) {
	r := Defaults(1) // 80 hours = 8000 centihours
	for _, c := range []struct {
		name     string
		served   int64
		year     int
		today    string
		expected int64
		status   PaceStatus
	}{
		{"first day", 0, 2026, "2026-01-01", 8000 * 1 / 365, Behind},
		{"first day, an hour in", 100, 2026, "2026-01-01", 21, OnPace},
		{"mid year exactly on pace", 4010, 2026, "2026-07-02", 8000 * 183 / 365, OnPace},
		{"leap day", 1000, 2024, "2024-02-29", 8000 * 60 / 366, Behind},
		{"last day short", 7999, 2026, "2026-12-31", 8000, Behind},
		{"last day met", 8000, 2026, "2026-12-31", 8000, Met},
		{"leap year last day", 8000, 2024, "2024-12-31", 8000, Met},
		{"past year", 3000, 2025, "2026-03-01", 8000, Behind},
		{"future year", 0, 2027, "2026-03-01", 0, OnPace},
		{"over quota early", 9050, 2026, "2026-06-01", 8000 * 152 / 365, Met},
	} {
		p := r.Pace(c.served, c.year, d(c.today))
		if p.Expected != c.expected || p.Status != c.status {
			t.Errorf("%s: expected %d %s, got %d %s", c.name, c.expected, c.status, p.Expected, p.Status)
		}
		if p.Behind != max(0, p.Expected-c.served) || p.Remaining != max(0, 8000-c.served) || p.Over != max(0, c.served-8000) {
			t.Errorf("%s: behind %d remaining %d over %d", c.name, p.Behind, p.Remaining, p.Over)
		}
	}
	p := r.Pace(1000, 2026, d("2026-12-31"))
	if p.DaysLeft != 1 || p.PerWeek != 7000 {
		t.Errorf("last day: %+v", p)
	}
	p = r.Pace(1000, 2026, d("2026-12-25")) // 7 days left: one week
	if p.DaysLeft != 7 || p.PerWeek != 7000 {
		t.Errorf("last week: %+v", p)
	}
	p = r.Pace(1000, 2026, d("2026-12-24")) // 8 days: two weeks
	if p.PerWeek != 3500 {
		t.Errorf("last 8 days: %+v", p)
	}
	p = r.Pace(0, 2025, d("2026-01-05"))
	if p.DaysLeft != 0 || p.PerWeek != 8000 || p.Share() != 0 {
		t.Errorf("past year unmet: %+v", p)
	}
	if s := r.Pace(12000, 2026, d("2026-06-01")).Share(); s != 150 {
		t.Errorf("share %v", s)
	}
}

func TestOfficeMember(t *testing.T) {
	for _, c := range []struct {
		member bool
		kind   org.Kind
		want   bool
	}{
		{true, org.Town, true}, {true, org.Department, true},
		{false, org.Town, false}, {true, org.Village, false}, {true, org.Community, false},
		{true, org.Grid, false}, {true, org.County, false},
	} {
		if got := OfficeMember(c.member, c.kind); got != c.want {
			t.Errorf("%v %s: %v", c.member, c.kind, got)
		}
	}
}

func TestValidate(t *testing.T) {
	if err := Defaults(1).Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		field string
		edit  func(*Rules)
	}{
		{"weekday", func(r *Rules) { r.Weekday = 7 }},
		{"weekday", func(r *Rules) { r.Weekday = -1 }},
		{"team_days", func(r *Rules) { r.TeamDays = 0 }},
		{"team_days", func(r *Rules) { r.TeamDays = 93 }},
		{"member_hours", func(r *Rules) { r.MemberHours = 0 }},
		{"member_hours", func(r *Rules) { r.MemberHours = 2001 }},
	} {
		r := Defaults(1)
		c.edit(&r)
		e := errs.As(r.Validate())
		if e == nil || e.Code != errs.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != c.field {
			t.Errorf("%s: %v", c.field, e)
		}
	}
	r := Defaults(1)
	r.TeamDays, r.MemberHours = 92, 2000
	if err := r.Validate(); err != nil {
		t.Errorf("the largest settings refused: %v", err)
	}
}

func TestHoursAndRanks(t *testing.T) {
	for c, want := range map[int64]string{0: "0", 8000: "80", 1250: "12.5", 1205: "12.05", 5: "0.05", -150: "-1.5"} {
		if got := Hours(c); got != want {
			t.Errorf("Hours(%d) = %q, want %q", c, got, want)
		}
	}
	got := Ranks([]int64{50, 40, 40, 30, 30, 30, 10})
	want := []int{1, 2, 2, 4, 4, 4, 7}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Ranks: %v", got)
		}
	}
	if len(Ranks(nil)) != 0 {
		t.Error("Ranks(nil)")
	}
}

func TestToday(t *testing.T) {
	// 17:00 UTC on 31 March is 1 April in China.
	if got := Today(time.Date(2026, 3, 31, 17, 0, 0, 0, time.UTC)); got.Format(DateLayout) != "2026-04-01" {
		t.Errorf("Today: %s", got)
	}
}
