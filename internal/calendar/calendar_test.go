package calendar

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	d, err := time.Parse(Layout, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestAddWorkdays(t *testing.T) {
	c := MustOfficial()
	cases := []struct {
		from string
		n    int
		want string
		why  string
	}{
		{"2026-03-02", 0, "2026-03-02", "zero days is the day itself"},
		{"2026-03-02", 1, "2026-03-03", "plain Monday → Tuesday"},
		{"2026-03-06", 1, "2026-03-09", "Friday → Monday over a weekend"},
		// Spring Festival 2026: 2-15…2-23 off, 2-14 (Sat) and 2-28 (Sat) worked.
		{"2026-02-13", 1, "2026-02-14", "the make-up Saturday before Spring Festival counts"},
		{"2026-02-14", 1, "2026-02-24", "nine days of Spring Festival are skipped"},
		{"2026-02-27", 1, "2026-02-28", "the make-up Saturday after Spring Festival counts"},
		{"2026-02-12", 5, "2026-02-26", "12th → 13, 14, 24, 25, 26"},
		// National Day 2026: 10-01…10-07 off, 9-20 (Sun) and 10-10 (Sat) worked; 9-25…27 Mid-Autumn.
		{"2026-09-18", 1, "2026-09-20", "make-up Sunday before National Day"},
		{"2026-09-24", 1, "2026-09-28", "Mid-Autumn Friday skipped"},
		{"2026-09-30", 1, "2026-10-08", "National Day week skipped"},
		{"2026-10-09", 1, "2026-10-10", "make-up Saturday after National Day"},
		{"2026-09-29", 3, "2026-10-09", "29 → 30, 8, 9"},
		// 2025: Spring Festival 1-28…2-04, worked 1-26 (Sun) and 2-08 (Sat).
		{"2025-01-24", 1, "2025-01-26", "make-up Sunday 2025"},
		{"2025-01-27", 1, "2025-02-05", "Spring Festival 2025 skipped"},
		{"2025-09-30", 2, "2025-10-10", "National Day + Mid-Autumn 2025: 9-30 → 10-09, 10-10"},
		{"2025-12-31", 1, "2026-01-04", "New Year 2026: 1-01…1-03 off, the make-up Sunday 1-04 worked"},
	}
	for _, tc := range cases {
		got := c.AddWorkdays(day(tc.from), tc.n).Format(Layout)
		if got != tc.want {
			t.Errorf("%s + %d: got %s, want %s (%s)", tc.from, tc.n, got, tc.want, tc.why)
		}
	}
}

func TestIsWorkday(t *testing.T) {
	c := MustOfficial()
	for d, want := range map[string]bool{
		"2026-02-14": true, "2026-02-15": false, "2026-02-23": false, "2026-02-24": true,
		"2026-10-10": true, "2026-10-11": false, "2026-05-09": true, "2026-06-19": false,
		"2027-02-06": false, // a Saturday in a year with no table: weekends only
		"2027-02-08": true,
	} {
		if got := c.IsWorkday(day(d)); got != want {
			t.Errorf("%s: got %v", d, got)
		}
	}
	if c.Holiday(day("2026-02-17")) != "春节" {
		t.Error("holiday name")
	}
	if !c.Covers(2026) || c.Covers(2027) {
		t.Error("covers")
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := MustOfficial()
	if n := c.WorkdaysBetween(day("2026-02-13"), day("2026-02-27")); n != 5 {
		t.Fatalf("got %d: 14, 24, 25, 26, 27", n)
	}
	for _, from := range []string{"2026-01-01", "2026-02-10", "2026-09-28"} {
		for n := 0; n < 20; n++ {
			d := c.AddWorkdays(day(from), n)
			if got := c.WorkdaysBetween(day(from), d); got != n {
				t.Fatalf("%s+%d=%s counts back %d", from, n, d.Format(Layout), got)
			}
		}
	}
}

func TestBadTablesRefused(t *testing.T) {
	bad := []Year{
		{Year: 2030, Workdays: []string{"2030-01-02"}},                                                      // a Wednesday
		{Year: 2030, Holidays: []Span{{"2030-02-10", "2030-02-01", "x"}}},                                   // backwards
		{Year: 2030, Holidays: []Span{{"2030-10-05", "2030-10-06", "x"}}, Workdays: []string{"2030-10-05"}}, // both
		{Year: 2030, Workdays: []string{"2031-01-04"}},                                                      // other year
	}
	for i, y := range bad {
		if _, err := New(y); err == nil {
			t.Errorf("table %d accepted", i)
		}
	}
	if _, err := New(Official()[0], Official()[0]); err == nil {
		t.Error("a year twice accepted")
	}
}
