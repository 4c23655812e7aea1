package storage

import (
	"context"
	"fmt"
	"slices"
	"time"

	"wuxing/internal/calendar"
)

// CalendarYear is one year's table in force and where it comes from.
type CalendarYear struct {
	Table  calendar.Year
	Stored bool // entered by an administrator (else shipped with the platform)
}

// CalendarYears lists the years' tables in force, in order: those an administrator saved and,
// for the other years, the shipped official ones. Days off come back as spans of consecutive
// days with the same name (the database keeps one row per day). Everyone may read them: it is
// the published official calendar.
func (db *DB) CalendarYears(ctx context.Context) ([]CalendarYear, error) {
	years := map[int]*CalendarYear{}
	err := db.view(ctx, func(t *Tx) error {
		rows, err := t.Query(ctx, "SELECT day, year, kind, name, source FROM calendar_days ORDER BY day")
		if err != nil {
			return fmt.Errorf("storage: calendar years: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var day, kind, name, source string
			var y int
			if err := rows.Scan(&day, &y, &kind, &name, &source); err != nil {
				return err
			}
			cy := years[y]
			if cy == nil {
				cy = &CalendarYear{Table: calendar.Year{Year: y, Source: source}, Stored: true}
				years[y] = cy
			}
			switch kind {
			case "holiday":
				hs := cy.Table.Holidays
				if n := len(hs); n > 0 && hs[n-1].Name == name && nextDay(hs[n-1].To) == day {
					hs[n-1].To = day
				} else {
					cy.Table.Holidays = append(hs, calendar.Span{From: day, To: day, Name: name})
				}
			case "workday":
				cy.Table.Workdays = append(cy.Table.Workdays, day)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	for _, off := range calendar.Official() {
		if _, ok := years[off.Year]; !ok {
			years[off.Year] = &CalendarYear{Table: off}
		}
	}
	out := make([]CalendarYear, 0, len(years))
	for _, y := range years {
		out = append(out, *y)
	}
	slices.SortFunc(out, func(a, b CalendarYear) int { return a.Table.Year - b.Table.Year })
	return out, nil
}

// nextDay is the date after day (both YYYY-MM-DD).
func nextDay(day string) string {
	d, err := time.Parse(calendar.Layout, day)
	if err != nil {
		return ""
	}
	return d.AddDate(0, 0, 1).Format(calendar.Layout)
}
