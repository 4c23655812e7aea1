package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"wuxing/internal/figures"
)

// Case tallies (table case_tallies) are the figures' counts per village or community and period
// — a month ("2026-03") or a year ("2026") in China time — so that the figures of a county or a
// province read one row per village instead of every case. They are a cache of the cases: every
// change of a case moves the tallies of its unit's month and year by what the change did to the
// case's counts (cases.Counted after minus before, both read from the case's row in the same
// transaction). RebuildTallies recounts them all from the cases with figureCond, the same
// definition in SQL; a test holds the two to each other.

// chinaZone is where the periods of figures are cut: days, months and years in China (UTC+8).
var chinaZone = time.FixedZone("CST", 8*3600)

// tallySQL holds the statements, built once from figureCond.
var tallySQL = func() (s struct {
	cols, add, rebuildYears string
	sums                    string
	sumArgs                 []any
}) {
	var cols, adds, sums, yearSums, marks []string
	for _, n := range figures.CountNames {
		c := string(n)
		cols = append(cols, c)
		adds = append(adds, c+" = case_tallies."+c+" + excluded."+c)
		yearSums = append(yearSums, "COALESCE(SUM("+c+"), 0)")
		marks = append(marks, "?")
		if n == figures.Received {
			sums = append(sums, "COUNT(c.id)")
			continue
		}
		cond, args, _ := figureCond(n)
		sums = append(sums, "COALESCE(SUM(CASE WHEN "+cond+" THEN 1 ELSE 0 END), 0)")
		s.sumArgs = append(s.sumArgs, args...)
	}
	s.cols = strings.Join(cols, ", ")
	s.sums = strings.Join(sums, ", ")
	// One statement adds a change to the month's row and the year's. Increments commute: on
	// PostgreSQL two transactions changing cases of the same unit and month wait for each other's
	// row lock and each adds its own difference to what the other committed, so nothing is lost
	// and nothing needs recounting. The rows are always taken month first, then year.
	row := "(?, ?, " + strings.Join(marks, ", ") + ")"
	s.add = "INSERT INTO case_tallies (unit_id, period, " + s.cols + ") VALUES " + row + ", " + row +
		" ON CONFLICT (unit_id, period) DO UPDATE SET " + strings.Join(adds, ", ")
	s.rebuildYears = "INSERT INTO case_tallies (unit_id, period, " + s.cols + ") SELECT unit_id, substr(period, 1, 4), " +
		strings.Join(yearSums, ", ") + " FROM case_tallies WHERE length(period) = 7 GROUP BY unit_id, substr(period, 1, 4)"
	return s
}()

// tallyMonth returns the month and the year a case submitted at t is tallied in.
func tallyMonth(t time.Time) (month, year string) {
	l := t.In(chinaZone)
	return l.Format("2006-01"), l.Format("2006")
}

// tally adds the difference a change made to a case's counts (after − before) to the tallies of
// the month and year in which the case of the unit was submitted. Every change of a case that may
// move it between counts calls it in the change's transaction; a change that moved nothing writes
// nothing.
func (t *Tx) tally(ctx context.Context, unitID int64, submitted time.Time, before, after figures.Counts) error {
	month, year := tallyMonth(submitted)
	diff := make([]any, len(figures.CountNames))
	moved := false
	for i, n := range figures.CountNames {
		d := after.Get(n) - before.Get(n)
		diff[i] = d
		moved = moved || d != 0
	}
	if !moved {
		return nil
	}
	args := make([]any, 0, 2*(2+len(diff)))
	args = append(append(args, unitID, month), diff...)
	args = append(append(args, unitID, year), diff...)
	if _, err := t.Exec(ctx, tallySQL.add, args...); err != nil {
		return fmt.Errorf("storage: tally: %w", err)
	}
	return nil
}

// monthExpr is the SQL for the China-time month ("2026-03") of a stored timestamp column.
func (d Dialect) monthExpr(col string) string {
	if d == Postgres {
		return "to_char((" + col + " AT TIME ZONE 'UTC') + INTERVAL '8 hours', 'YYYY-MM')"
	}
	// SQLite holds times as UTC text ("2026-03-01 08:00:00 +0000 UTC").
	return "strftime('%Y-%m', substr(" + col + ", 1, 19), '+8 hours')"
}

// Statement is one SQL statement with its arguments, already in the dialect's placeholders.
type Statement struct {
	SQL  string
	Args []any
}

// TallyRebuild returns the statements that recompute every tally from the cases: for a bulk
// loader that wrote the cases directly on a connection of its own (wuxing gen).
func (d Dialect) TallyRebuild() []Statement {
	m := d.monthExpr("c.submitted_at")
	return []Statement{
		{SQL: "DELETE FROM case_tallies"},
		{SQL: d.Rebind("INSERT INTO case_tallies (unit_id, period, " + tallySQL.cols + ") SELECT c.unit_id, " + m + ", " + tallySQL.sums +
			" FROM cases c WHERE 1=1 GROUP BY c.unit_id, " + m), Args: tallySQL.sumArgs},
		{SQL: tallySQL.rebuildYears},
	}
}

// RebuildTallies recomputes every tally from the cases, in one transaction: to repair a
// database by hand, and in tests.
func (db *DB) RebuildTallies(ctx context.Context) error {
	return db.update(ctx, func(t *Tx) error {
		for _, st := range t.d.TallyRebuild() {
			if _, err := t.tx.ExecContext(ctx, st.SQL, st.Args...); err != nil {
				return fmt.Errorf("storage: rebuild tallies: %w", err)
			}
		}
		return nil
	})
}

// tallyPlan splits a period [from, to) into what the tallies hold — whole years and whole months
// in China time — and the rest, which is counted from the cases.
type tallyPlan struct {
	periods []string       // tally periods ("2026", "2026-03")
	rest    [][2]time.Time // leftover [from, to) ranges, at most one before and one after the months
}

func planTallies(from, to time.Time) tallyPlan {
	var p tallyPlan
	cur, end := from.In(chinaZone), to.In(chinaZone)
	addRest := func(a, b time.Time) {
		if n := len(p.rest); n > 0 && p.rest[n-1][1].Equal(a) {
			p.rest[n-1][1] = b
			return
		}
		p.rest = append(p.rest, [2]time.Time{a, b})
	}
	for cur.Before(end) {
		midnight := cur.Hour() == 0 && cur.Minute() == 0 && cur.Second() == 0 && cur.Nanosecond() == 0
		if midnight && cur.Day() == 1 {
			if cur.Month() == time.January {
				if next := cur.AddDate(1, 0, 0); !next.After(end) {
					p.periods = append(p.periods, cur.Format("2006"))
					cur = next
					continue
				}
			}
			if next := cur.AddDate(0, 1, 0); !next.After(end) {
				p.periods = append(p.periods, cur.Format("2006-01"))
				cur = next
				continue
			}
		}
		// Up to the next month's start (or the end), counted from the cases.
		next := time.Date(cur.Year(), cur.Month()+1, 1, 0, 0, 0, 0, chinaZone)
		if next.After(end) {
			next = end
		}
		addRest(cur.UTC(), next.UTC())
		cur = next
	}
	return p
}
