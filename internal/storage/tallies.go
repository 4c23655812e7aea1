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
// change of a case recomputes the tallies of its unit's month and year from the cases themselves,
// with the same conditions (figureCond) the case list's figure= filter uses, in the same
// transaction. RebuildTallies recomputes them all.

// chinaZone is where the periods of figures are cut: days, months and years in China (UTC+8).
var chinaZone = time.FixedZone("CST", 8*3600)

// tallySQL holds the statements, built once from figureCond.
var tallySQL = func() (s struct {
	cols, lock, month, year, rebuildYears string
	sums                                  string
	sumArgs                               []any
}) {
	var cols, excluded, sums, yearSums []string
	for _, n := range figures.CountNames {
		c := string(n)
		cols = append(cols, c)
		excluded = append(excluded, c+" = excluded."+c)
		yearSums = append(yearSums, "COALESCE(SUM("+c+"), 0)")
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
	upsert := " ON CONFLICT (unit_id, period) DO UPDATE SET " + strings.Join(excluded, ", ")
	// The lock: on PostgreSQL a concurrent transaction may be changing another case of the same
	// unit and month. Taking the tally row's lock first makes the recount below, a new statement
	// under READ COMMITTED, see that transaction's case once it has committed, so neither count
	// overwrites the other with a stale one. (SQLite has one writer: no lock needed.)
	s.lock = "INSERT INTO case_tallies (unit_id, period) VALUES (?, ?) ON CONFLICT (unit_id, period) DO UPDATE SET received = case_tallies.received"
	s.month = "INSERT INTO case_tallies (unit_id, period, " + s.cols + ") SELECT ?, ?, " + s.sums +
		" FROM cases c WHERE c.unit_id = ? AND c.submitted_at >= ? AND c.submitted_at < ?" + upsert
	// The year from its twelve months, named one by one: on SQLite the key is (period, unit).
	s.year = "INSERT INTO case_tallies (unit_id, period, " + s.cols + ") SELECT ?, ?, " + strings.Join(yearSums, ", ") +
		" FROM case_tallies WHERE unit_id = ? AND period IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" + upsert
	s.rebuildYears = "INSERT INTO case_tallies (unit_id, period, " + s.cols + ") SELECT unit_id, substr(period, 1, 4), " +
		strings.Join(yearSums, ", ") + " FROM case_tallies WHERE length(period) = 7 GROUP BY unit_id, substr(period, 1, 4)"
	return s
}()

// tallyMonth returns the month a case submitted at t is tallied in, its year, and the month's
// bounds.
func tallyMonth(t time.Time) (month, year string, from, to time.Time) {
	l := t.In(chinaZone)
	from = time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, chinaZone)
	to = from.AddDate(0, 1, 0)
	return from.Format("2006-01"), from.Format("2006"), from.UTC(), to.UTC()
}

// retally recounts the tallies of the month and year in which a case of the unit submitted at
// `at` lies. Every change of a case that may move it between counts calls it after the change.
func (t *Tx) retally(ctx context.Context, unitID int64, at time.Time) error {
	month, year, from, to := tallyMonth(at)
	if t.d == Postgres {
		if _, err := t.Exec(ctx, tallySQL.lock, unitID, month); err != nil {
			return fmt.Errorf("storage: tally lock: %w", err)
		}
	}
	args := make([]any, 0, len(tallySQL.sumArgs)+5)
	args = append(append(append(args, unitID, month), tallySQL.sumArgs...), unitID, from, to)
	if _, err := t.Exec(ctx, tallySQL.month, args...); err != nil {
		return fmt.Errorf("storage: tally month: %w", err)
	}
	if t.d == Postgres {
		if _, err := t.Exec(ctx, tallySQL.lock, unitID, year); err != nil {
			return fmt.Errorf("storage: tally lock: %w", err)
		}
	}
	yargs := []any{unitID, year, unitID}
	for m := 1; m <= 12; m++ {
		yargs = append(yargs, fmt.Sprintf("%s-%02d", year, m))
	}
	if _, err := t.Exec(ctx, tallySQL.year, yargs...); err != nil {
		return fmt.Errorf("storage: tally year: %w", err)
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
