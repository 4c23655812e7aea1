package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
)

// openStatuses are the statuses a case can become overdue in, as SQL arguments.
func openStatuses() (string, []any) {
	var args []any
	for _, s := range cases.Statuses {
		if s.Open() {
			args = append(args, string(s))
		}
	}
	return "(" + strings.TrimSuffix(strings.Repeat("?,", len(args)), ",") + ")", args
}

// needsUrge is the condition for a case the overdue job must urge: open, past its deadline, and
// not urged since that deadline. It reads urged_at rather than the overdue flag alone, because
// any step taken on a late case sets the flag (cases_act.go) without urging it; and an extended
// deadline that passes again is urged again.
const needsUrge = " AND c.deadline < ? AND (c.urged_at IS NULL OR c.urged_at < c.deadline)"

// UrgeOverdue urges (督办) up to limit open cases whose deadline has passed and that were not yet
// urged for it, as the system: each in its own transaction it marks the case overdue, records
// the urge on the timeline, notifies the assignee (the person, or the department's staff) and
// the supervisors (the branch secretary of the case's unit; for a case escalated to a
// department, also the town's administrators), and writes the audit entry. It is idempotent: a
// case is re-checked inside its transaction, and a case urged once is not urged again for the
// same deadline, so a crash, a rerun or a second instance never urges twice. It returns how many
// cases it urged; a case that fails does not stop the others.
func (db *DB) UrgeOverdue(ctx context.Context, limit int) (int, error) {
	ids, err := db.caseIDs(ctx, needsUrge, limit)
	if err != nil {
		return 0, err
	}
	n := 0
	var fails []error
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		urged := false
		err := db.update(ctx, func(t *Tx) (err error) {
			urged, err = t.urge(ctx, id)
			return err
		})
		switch {
		case err == nil:
			if urged {
				n++
			}
		case errs.Code(err) == errs.ECONFLICT:
			// Someone acted on the case at this very moment; the next run looks again.
		default:
			fails = append(fails, fmt.Errorf("case %d: %w", id, err))
		}
	}
	return n, errors.Join(fails...)
}

// caseIDs lists up to limit open cases matching cond (with "now" as its one argument), oldest
// deadline first.
func (db *DB) caseIDs(ctx context.Context, cond string, limit int, extra ...any) ([]int64, error) {
	in, args := openStatuses()
	args = append(args, db.clock.Now())
	args = append(args, extra...)
	var ids []int64
	err := db.view(ctx, func(t *Tx) error {
		rows, err := t.Query(ctx, "SELECT c.id FROM cases c WHERE c.status IN "+in+cond+" ORDER BY c.deadline, c.id LIMIT ?",
			append(args, clampLimit(limit))...)
		if err != nil {
			return fmt.Errorf("storage: overdue cases: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	return ids, err
}

// urge urges one case if it still needs it.
func (t *Tx) urge(ctx context.Context, id int64) (bool, error) {
	c, err := t.caseByID(ctx, id)
	if err != nil {
		return false, err
	}
	now := t.db.clock.Now()
	if !cases.IsOverdue(c.Status, c.Deadline, now) || (!c.UrgedAt.IsZero() && !c.UrgedAt.Before(c.Deadline)) {
		return false, nil // acted on, extended or urged meanwhile
	}
	if _, err := t.act(ctx, System, c, Capacity(System, c), cases.Urge, cases.Input{}, c.Version, System.P.Username); err != nil {
		return false, err
	}
	users, err := t.caseWatchers(ctx, c, true)
	if err != nil {
		return false, err
	}
	for _, uid := range users {
		if err := t.notifyUser(ctx, uid, "case_urged", c.ID, "ops.notify.urged", c.Number, c.Title); err != nil {
			return false, err
		}
	}
	return true, nil
}

// caseWatchers lists, once each, the active accounts to tell about a case: whoever has it (the
// assigned person's accounts, or the staff of the department it was escalated to) and, with
// supervisors, the branch secretaries of its unit and, once escalated, the town's
// administrators. A case nobody has yet goes to the branch secretaries in any case.
func (t *Tx) caseWatchers(ctx context.Context, c *cases.Case, supervisors bool) ([]int64, error) {
	set := map[int64]bool{}
	add := func(q string, args ...any) error {
		ids, err := t.idSet(ctx, q, args...)
		for id := range ids {
			set[id] = true
		}
		return err
	}
	role := func(r authz.Role, path string) error {
		return add(`SELECT u.id FROM users u JOIN role_bindings b ON b.user_id = u.id JOIN units un ON un.id = b.unit_id
			WHERE b.role = ? AND un.path = ? AND u.active = ?`, string(r), path, true)
	}
	escalated := c.HandlerPath != c.UnitPath
	switch c.AssigneeKind {
	case cases.ToPerson:
		if err := add("SELECT id FROM users WHERE person_id = ? AND active = ?", c.AssigneeID, true); err != nil {
			return nil, err
		}
	case cases.ToDepartment:
		if err := role(authz.Department, c.HandlerPath); err != nil {
			return nil, err
		}
	}
	if supervisors || len(set) == 0 {
		if err := role(authz.BranchSecretary, c.UnitPath); err != nil {
			return nil, err
		}
	}
	if supervisors && escalated {
		if town := parentPath(c.HandlerPath); town != "" {
			if err := role(authz.TownAdmin, town); err != nil {
				return nil, err
			}
		}
	}
	ids := make([]int64, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

// parentPath is the path of the unit above the one at path ("/1/2/3/" → "/1/2/"), "" for a root.
func parentPath(path string) string {
	trimmed := strings.TrimSuffix(path, "/")
	i := strings.LastIndexByte(trimmed, '/')
	if i <= 0 {
		return ""
	}
	return trimmed[:i+1]
}

// RemindDue reminds whoever has an open case due on the next working day (the day after
// today, China time, on the calendar in force: on a Friday, Monday's), once per deadline. It
// changes no case step, so it neither bumps the case's version nor writes the timeline. It
// returns how many cases it reminded about.
func (db *DB) RemindDue(ctx context.Context, limit int) (int, error) {
	cal, err := db.Calendar(ctx)
	if err != nil {
		return 0, err
	}
	now := db.clock.Now()
	today := cases.Local(now)
	from, to := cases.DueAt(today), cases.DueAt(cal.AddWorkdays(today, 1))
	// caseIDs passes now first: a case still due (deadline > now) on the next working day.
	ids, err := db.caseIDs(ctx, " AND c.deadline > ? AND c.deadline > ? AND c.deadline <= ? AND (c.reminded_deadline IS NULL OR c.reminded_deadline <> c.deadline)",
		limit, from, to)
	if err != nil {
		return 0, err
	}
	n := 0
	var fails []error
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		err := db.update(ctx, func(t *Tx) error {
			c, err := t.caseByID(ctx, id)
			if err != nil {
				return err
			}
			if !c.Status.Open() || !c.Deadline.After(from) || c.Deadline.After(to) {
				return nil
			}
			// Claim the reminder first: of two racing runs, the second updates no row.
			res, err := t.Exec(ctx, `UPDATE cases SET reminded_deadline = deadline WHERE id = ?
				AND (reminded_deadline IS NULL OR reminded_deadline <> deadline)`, id)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil
			}
			users, err := t.caseWatchers(ctx, c, false)
			if err != nil {
				return err
			}
			due := cases.Local(c.Deadline).Format(time.DateOnly)
			for _, uid := range users {
				if err := t.notifyUser(ctx, uid, "case_due", c.ID, "ops.notify.due", c.Number, due, c.Title); err != nil {
					return err
				}
			}
			n++
			return nil
		})
		if err != nil {
			fails = append(fails, fmt.Errorf("case %d: %w", id, err))
		}
	}
	return n, errors.Join(fails...)
}
