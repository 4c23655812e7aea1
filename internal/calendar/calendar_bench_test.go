package calendar_test

import (
	"testing"
	"time"

	"wuxing/internal/calendar"
	"wuxing/internal/cases"
)

// The deadline of every new case and of every rework is computed with these; they run on each
// intake request.

func BenchmarkAddWorkdays(b *testing.B) {
	c := calendar.MustOfficial()
	// Across Spring Festival 2026 and its make-up working days: the slowest stretch of the year.
	from := time.Date(2026, 2, 12, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		c.AddWorkdays(from, 10)
	}
}

func BenchmarkCaseDeadline(b *testing.B) {
	c := calendar.MustOfficial()
	now := time.Date(2026, 9, 30, 7, 30, 0, 0, time.UTC) // before National Day
	for b.Loop() {
		cases.DueAt(c.AddWorkdays(cases.Local(now), 5))
	}
}

func BenchmarkWorkdaysBetween(b *testing.B) {
	c := calendar.MustOfficial()
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		c.WorkdaysBetween(from, to)
	}
}
