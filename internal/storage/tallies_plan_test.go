package storage

import (
	"slices"
	"testing"
	"time"
)

func TestPlanTallies(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, chinaZone) }
	for _, tc := range []struct {
		name     string
		from, to time.Time
		periods  []string
		rest     int
	}{
		{"a calendar year", day(2026, 1, 1), day(2027, 1, 1), []string{"2026"}, 0},
		{"two years", day(2025, 1, 1), day(2027, 1, 1), []string{"2025", "2026"}, 0},
		{"a quarter", day(2026, 4, 1), day(2026, 7, 1), []string{"2026-04", "2026-05", "2026-06"}, 0},
		{"a month", day(2026, 2, 1), day(2026, 3, 1), []string{"2026-02"}, 0},
		{"months across a new year", day(2025, 11, 1), day(2026, 3, 1), []string{"2025-11", "2025-12", "2026-01", "2026-02"}, 0},
		{"a year and a month", day(2025, 12, 1), day(2027, 1, 1), []string{"2025-12", "2026"}, 0},
		{"days at both ends", day(2026, 1, 15), day(2026, 4, 10), []string{"2026-02", "2026-03"}, 2},
		{"days inside one month", day(2026, 3, 5), day(2026, 3, 9), nil, 1},
		{"not at midnight", day(2026, 1, 1).Add(time.Hour), day(2026, 3, 1), []string{"2026-02"}, 1},
		// Midnight UTC is 08:00 in China: not a month's start there.
		{"UTC months", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := planTallies(tc.from, tc.to)
			if !slices.Equal(p.periods, tc.periods) || len(p.rest) != tc.rest {
				t.Fatalf("periods %v rest %v, want %v and %d ranges", p.periods, p.rest, tc.periods, tc.rest)
			}
			// The pieces cover [from, to) exactly once.
			var covered time.Duration
			for _, r := range p.rest {
				covered += r[1].Sub(r[0])
			}
			for _, per := range p.periods {
				layout := "2006-01"
				if len(per) == 4 {
					layout = "2006"
				}
				a, _ := time.ParseInLocation(layout, per, chinaZone)
				b := a.AddDate(0, 1, 0)
				if len(per) == 4 {
					b = a.AddDate(1, 0, 0)
				}
				covered += b.Sub(a)
			}
			if covered != tc.to.Sub(tc.from) {
				t.Fatalf("the pieces cover %s of %s", covered, tc.to.Sub(tc.from))
			}
		})
	}
}
