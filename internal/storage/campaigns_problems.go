package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"wuxing/internal/campaigns"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/org"
)

// Inspections and problems: each problem found is a rectification case of the area's unit, due
// by the next check, accepted and dispatched to the area's responsible officer through the case
// flow, so its timeline shows every step. The re-check drives the case to checked, or marks the
// problem late and sends the case back to work with a new due day.

// CampaignInspections lists the inspections of the areas the actor sees, latest day first.
func (db *DB) CampaignInspections(ctx context.Context, a Actor, campaignID int64) ([]campaigns.Inspection, error) {
	var out []campaigns.Inspection
	err := db.view(ctx, func(t *Tx) error {
		c, _, err := t.campaignIn(ctx, a, campaignID)
		if err != nil {
			return err
		}
		in, args := areaIn("i.area_id", c.Areas)
		rows, err := t.Query(ctx, `SELECT i.id, i.campaign_id, i.area_id, i.day, COALESCE(i.inspector_id, 0), i.notes, i.created_at,
			u.name, COALESCE(p.name, ''), (SELECT COUNT(*) FROM campaign_problems x WHERE x.inspection_id = i.id)
			FROM campaign_inspections i JOIN campaign_areas a ON a.id = i.area_id JOIN units u ON u.id = a.unit_id
			LEFT JOIN people p ON p.id = i.inspector_id
			WHERE i.campaign_id = ? AND `+in+` ORDER BY i.day DESC, a.position`, append([]any{campaignID}, args...)...)
		if err != nil {
			return fmt.Errorf("storage: inspections: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var x campaigns.Inspection
			if err := rows.Scan(&x.ID, &x.CampaignID, &x.AreaID, &x.Day, &x.InspectorID, &x.Notes, &x.CreatedAt,
				&x.UnitName, &x.InspectorName, &x.Problems); err != nil {
				return err
			}
			out = append(out, x)
		}
		return rows.Err()
	})
	return out, err
}

// RecordInspection records an area's inspection of a day. An area has one record a day.
func (db *DB) RecordInspection(ctx context.Context, a Actor, in *campaigns.Inspection) error {
	return db.update(ctx, func(t *Tx) error {
		c, _, err := t.campaignRun(ctx, a, in.CampaignID)
		if err != nil {
			return err
		}
		return t.recordInspection(ctx, a, c, in)
	})
}

func (t *Tx) recordInspection(ctx context.Context, a Actor, c *campaigns.Campaign, in *campaigns.Inspection) error {
	path := ""
	if in.InspectorID != 0 {
		err := t.QueryRow(ctx, "SELECT u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = ? AND p.active = ?",
			in.InspectorID, true).Scan(&path)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
	}
	if err := in.Validate(c, campaigns.Today(t.db.clock.Now()), path); err != nil {
		return err
	}
	var n int
	if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM campaign_inspections WHERE area_id = ? AND day = ?", in.AreaID, in.Day).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return errs.Invalid(errs.Field("day", "campaigns.inspection.exists"))
	}
	now := t.db.clock.Now()
	var by any
	if !a.P.System {
		by = a.P.UserID
	}
	id, err := t.insert(ctx, `INSERT INTO campaign_inspections (campaign_id, area_id, day, inspector_id, notes, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ID, in.AreaID, in.Day, nullID(in.InspectorID), in.Notes, by, now)
	if err != nil {
		if t.d.IsUniqueViolation(err) {
			return errs.Conflict()
		}
		return fmt.Errorf("storage: inspection: %w", err)
	}
	in.ID, in.CampaignID, in.CreatedAt = id, c.ID, now
	return t.audit(ctx, a, "create", "campaign_inspection", id, c.Area(in.AreaID).UnitPath, nil,
		map[string]any{"campaign_id": c.ID, "area_id": in.AreaID, "day": in.Day, "inspector_id": in.InspectorID, "notes": in.Notes})
}

// NewProblem is a problem an inspection found.
type NewProblem struct {
	AreaID      int64
	Day         string // the day it was found (the inspection's day)
	InspectorID int64  // for the day's inspection record, when this problem creates it
	CategoryID  int64  // 0: the campaign's usual category
	Urgency     cases.Urgency
	Title       string
	Description string
	Address     string
	// IdempotencyKey makes a resubmitted form return the first problem.
	IdempotencyKey string
}

const problemCols = `p.id, p.campaign_id, p.area_id, p.inspection_id, p.case_id, p.found_on, p.due_on, p.late, p.late_on, p.rectified,
	p.rectified_on, p.rechecks, p.checked_by, p.checked_at, p.version, k.number, k.title, k.address, k.status, k.resolved_at,
	a.unit_id, u.name, u.path, a.officer_id, o.name`

const problemFrom = ` FROM campaign_problems p JOIN cases k ON k.id = p.case_id JOIN campaign_areas a ON a.id = p.area_id
	JOIN units u ON u.id = a.unit_id JOIN people o ON o.id = a.officer_id`

func scanProblem(sc interface{ Scan(...any) error }) (*campaigns.Problem, error) {
	var p campaigns.Problem
	var checked, resolved sql.NullTime
	err := sc.Scan(&p.ID, &p.CampaignID, &p.AreaID, &p.InspectionID, &p.CaseID, &p.FoundOn, &p.DueOn, &p.Late, &p.LateOn, &p.Rectified,
		&p.RectifiedOn, &p.Rechecks, &p.CheckedBy, &checked, &p.Version, &p.CaseNumber, &p.Title, &p.Address, &p.Status, &resolved,
		&p.UnitID, &p.UnitName, &p.UnitPath, &p.OfficerID, &p.OfficerName)
	p.CheckedAt, p.ResolvedAt = checked.Time, resolved.Time
	return &p, err
}

func (t *Tx) problem(ctx context.Context, id int64) (*campaigns.Problem, error) {
	p, err := scanProblem(t.QueryRow(ctx, "SELECT "+problemCols+problemFrom+" WHERE p.id = ?", id))
	if err != nil {
		return nil, notFound(err)
	}
	return p, nil
}

// RecordProblem records a problem found in an area: the day's inspection record if there is none
// yet, a rectification case due by the next check, accepted and dispatched to the area's officer.
// With an idempotency key seen before, it returns the earlier problem and created = false.
func (db *DB) RecordProblem(ctx context.Context, a Actor, campaignID int64, np NewProblem) (p *campaigns.Problem, created bool, err error) {
	err = db.update(ctx, func(t *Tx) error {
		c, _, err := t.campaignRun(ctx, a, campaignID)
		if err != nil {
			return err
		}
		if p, err = t.problemByKey(ctx, c.ID, np.IdempotencyKey); p != nil || err != nil {
			return err
		}
		p, err = t.recordProblem(ctx, a, c, np)
		created = err == nil
		return err
	})
	return p, created, err
}

// problemByKey finds the problem a form with idempotency key made before (nil if none).
func (t *Tx) problemByKey(ctx context.Context, campaignID int64, key string) (*campaigns.Problem, error) {
	if key == "" {
		return nil, nil
	}
	var id int64
	err := t.QueryRow(ctx, `SELECT p.id FROM campaign_problems p JOIN cases k ON k.id = p.case_id
		WHERE k.idempotency_key = ? AND p.campaign_id = ?`, key, campaignID).Scan(&id)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return t.problem(ctx, id)
}

func (t *Tx) recordProblem(ctx context.Context, a Actor, c *campaigns.Campaign, np NewProblem) (*campaigns.Problem, error) {
	area := c.Area(np.AreaID)
	today := campaigns.Today(t.db.clock.Now())
	var fe []errs.FieldError
	if area == nil {
		fe = append(fe, errs.Field("area_id", "campaigns.area.unknown"))
	}
	np.Day = strings.TrimSpace(np.Day)
	if f := c.CheckFoundDay("day", np.Day, today); f != nil {
		fe = append(fe, *f)
	}
	if len(fe) > 0 {
		return nil, errs.Invalid(fe...)
	}
	var inspID int64
	err := t.QueryRow(ctx, "SELECT id FROM campaign_inspections WHERE area_id = ? AND day = ?", area.ID, np.Day).Scan(&inspID)
	switch {
	case err == sql.ErrNoRows:
		in := &campaigns.Inspection{AreaID: area.ID, Day: np.Day, InspectorID: np.InspectorID}
		if in.InspectorID == 0 && a.P.PersonID != 0 {
			// The recorder inspected, when they are of the town.
			var path string
			if t.QueryRow(ctx, "SELECT u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = ?", a.P.PersonID).Scan(&path) == nil &&
				org.Within(path, c.TownPath) {
				in.InspectorID = a.P.PersonID
			}
		}
		if err := t.recordInspection(ctx, a, c, in); err != nil {
			return nil, err
		}
		inspID = in.ID
	case err != nil:
		return nil, err
	}
	if np.CategoryID == 0 {
		np.CategoryID = c.CategoryID
	}
	if np.Urgency == "" {
		np.Urgency = cases.Normal
	}
	dueOn := campaigns.DueDay(np.Day, c.RecheckDays)
	k := &cases.Case{UnitID: area.UnitID, List: cases.Rectification, CategoryID: np.CategoryID, Urgency: np.Urgency,
		Channel: cases.Inspection, Title: np.Title, Description: np.Description, Address: np.Address, CampaignID: c.ID}
	created, err := t.createCase(ctx, a, k, NewCase{IdempotencyKey: np.IdempotencyKey, Due: campaigns.DueAt(dueOn)}, false)
	if err != nil {
		return nil, err
	}
	if !created {
		// The key made a case that is no problem of this campaign.
		return nil, errs.Conflict()
	}
	name := a.P.Username
	k, err = t.act(ctx, a, k, Capacity(a, k), cases.Accept, cases.Input{}, k.Version, name)
	if err != nil {
		return nil, err
	}
	k, err = t.act(ctx, a, k, Capacity(a, k), cases.Dispatch, cases.Input{AssigneeKind: cases.ToPerson, AssigneeID: area.OfficerID}, k.Version, name)
	if err != nil {
		return nil, err
	}
	now := t.db.clock.Now()
	id, err := t.insert(ctx, `INSERT INTO campaign_problems (campaign_id, area_id, inspection_id, case_id, found_on, due_on, late, late_on,
		rectified, rectified_on, rechecks, checked_by, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, '', 0, '', 1, ?, ?)`, c.ID, area.ID, inspID, k.ID, np.Day, dueOn, false, false, now, now)
	if err != nil {
		return nil, fmt.Errorf("storage: problem: %w", err)
	}
	if err := t.audit(ctx, a, "create", "campaign_problem", id, area.UnitPath, nil, map[string]any{"campaign_id": c.ID,
		"area_id": area.ID, "case_id": k.ID, "number": k.Number, "found_on": np.Day, "due_on": dueOn}); err != nil {
		return nil, err
	}
	return t.problem(ctx, id)
}

// ProblemFilter selects a campaign's problems.
type ProblemFilter struct {
	AreaID int64
	DueBy  string // not rectified and due on or before this day: the re-check list
	Late   bool
	Open   bool // not rectified yet
	Limit  int
	Offset int
}

// CampaignProblems lists the problems of the areas the actor sees, with their cases' status.
func (db *DB) CampaignProblems(ctx context.Context, a Actor, campaignID int64, f ProblemFilter) ([]campaigns.Problem, int, error) {
	var out []campaigns.Problem
	var total int
	err := db.view(ctx, func(t *Tx) error {
		c, _, err := t.campaignIn(ctx, a, campaignID)
		if err != nil {
			return err
		}
		out, total, err = t.problems(ctx, c, f)
		return err
	})
	return out, total, err
}

// problems lists c's problems in the areas c holds (what the actor sees).
func (t *Tx) problems(ctx context.Context, c *campaigns.Campaign, f ProblemFilter) ([]campaigns.Problem, int, error) {
	in, args := areaIn("p.area_id", c.Areas)
	where := " WHERE p.campaign_id = ? AND " + in
	args = append([]any{c.ID}, args...)
	if f.AreaID != 0 {
		where += " AND p.area_id = ?"
		args = append(args, f.AreaID)
	}
	if f.DueBy != "" {
		where += " AND p.rectified = ? AND p.due_on <= ?"
		args = append(args, false, f.DueBy)
	}
	if f.Late {
		where += " AND p.late = ?"
		args = append(args, true)
	}
	if f.Open {
		where += " AND p.rectified = ?"
		args = append(args, false)
	}
	var total int
	if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM campaign_problems p"+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("storage: count problems: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1 << 20
	}
	rows, err := t.Query(ctx, "SELECT "+problemCols+problemFrom+where+" ORDER BY p.found_on DESC, a.position, p.id LIMIT ? OFFSET ?",
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("storage: problems: %w", err)
	}
	defer rows.Close()
	var out []campaigns.Problem
	for rows.Next() {
		p, err := scanProblem(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *p)
	}
	return out, total, rows.Err()
}

// RecheckInput is one re-check of a problem.
type RecheckInput struct {
	Passed bool
	Note   string // the finding; required when it failed
	// Result is the case's result when the re-check has to resolve it for the officer
	// (the note when empty).
	Result  string
	Version int64 // the problem's version as read
}

// Recheck records the re-check of a problem by the actor, who must run its campaign. Passed:
// the case is driven to checked through the flow (resolved for the officer if they had not).
// Failed: the problem is late from now on, the case goes back to work (a failed look-back, or
// urged when it was never resolved) with a new due day, and the officer is told.
func (db *DB) Recheck(ctx context.Context, a Actor, problemID int64, in RecheckInput) (*campaigns.Problem, error) {
	var out *campaigns.Problem
	err := db.update(ctx, func(t *Tx) error {
		var err error
		out, err = t.recheck(ctx, a, problemID, in, true)
		return err
	})
	return out, err
}

func (t *Tx) recheck(ctx context.Context, a Actor, problemID int64, in RecheckInput, versioned bool) (*campaigns.Problem, error) {
	p, err := t.problem(ctx, problemID)
	if err != nil {
		return nil, err
	}
	c, s, err := t.campaignSeen(ctx, a, p.CampaignID, false)
	if err != nil {
		return nil, err
	}
	if !s.sees(p.AreaID) {
		return nil, errs.NotFound()
	}
	if !s.Run {
		return nil, errs.Forbidden()
	}
	if versioned && p.Version != in.Version {
		return nil, errs.Conflict()
	}
	in.Note, in.Result = strings.TrimSpace(in.Note), strings.TrimSpace(in.Result)
	if f := campaigns.ValidNote(in.Note, in.Passed); f != nil {
		return nil, errs.Invalid(*f)
	}
	k, err := t.caseByID(ctx, p.CaseID)
	if err != nil {
		return nil, err
	}
	resolvedOn := ""
	switch k.Status {
	case cases.Resolved, cases.Checked, cases.Rated, cases.Closed:
		resolvedOn = campaigns.DayOf(k.ResolvedAt)
	}
	now := t.db.clock.Now()
	today := campaigns.Today(now)
	o, err := campaigns.Recheck(p, today, in.Passed, resolvedOn, c.RecheckDays)
	if err != nil {
		return nil, err
	}
	name := a.P.Username
	step := func(act cases.Action, ci cases.Input) error {
		k, err = t.act(ctx, a, k, Capacity(a, k), act, ci, k.Version, name)
		return err
	}
	if in.Passed {
		result := in.Result
		if result == "" {
			result = in.Note
		}
		for done := false; !done; {
			switch k.Status {
			case cases.Submitted:
				err = step(cases.Accept, cases.Input{})
			case cases.Accepted:
				err = step(cases.Dispatch, cases.Input{AssigneeKind: cases.ToPerson, AssigneeID: p.OfficerID})
			case cases.Dispatched:
				err = step(cases.Start, cases.Input{})
			case cases.InProgress:
				if result == "" {
					return nil, errs.Invalid(errs.Field("note", "validation.required"))
				}
				err = step(cases.Resolve, cases.Input{Result: result, Method: cases.OtherMethod})
			case cases.Resolved:
				err = step(cases.CheckPass, cases.Input{Note: in.Note})
			case cases.Checked, cases.Rated, cases.Closed:
				done = true
			default:
				return nil, errs.New(errs.EUNPROCESSABLE, "campaigns.recheck.case_rejected")
			}
			if err != nil {
				return nil, err
			}
		}
	} else {
		switch {
		case k.Status == cases.Resolved:
			err = step(cases.CheckFail, cases.Input{Reason: in.Note})
		case k.Status.Open():
			err = step(cases.Urge, cases.Input{Note: in.Note})
		default:
			return nil, errs.New(errs.EUNPROCESSABLE, "campaigns.recheck.case_done")
		}
		if err != nil {
			return nil, err
		}
		// The rework is due by the next check, not by the category's time limit.
		due := campaigns.DueAt(o.DueOn)
		if _, err := t.Exec(ctx, "UPDATE cases SET deadline = ?, overdue = ?, version = version + 1, updated_at = ? WHERE id = ?",
			due, cases.IsOverdue(k.Status, due, now), now, k.ID); err != nil {
			return nil, fmt.Errorf("storage: problem due: %w", err)
		}
		// On time is counted against the deadline.
		moved, err := t.caseByID(ctx, k.ID)
		if err != nil {
			return nil, err
		}
		if err := t.tally(ctx, k.UnitID, k.SubmittedAt, cases.Counted(k), cases.Counted(moved)); err != nil {
			return nil, err
		}
		k = moved
		if err := t.notifyPerson(ctx, p.OfficerID, "campaign_late", k.ID, "campaigns.notify.late", k.Number, k.Title, o.DueOn); err != nil {
			return nil, err
		}
	}
	rectifiedOn := ""
	if o.Rectified {
		rectifiedOn = today
	}
	if err := checkVersion(t.Exec(ctx, `UPDATE campaign_problems SET late = ?, late_on = ?, rectified = ?, rectified_on = ?, due_on = ?,
		rechecks = rechecks + 1, checked_by = ?, checked_at = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		o.Late, o.LateOn, o.Rectified, rectifiedOn, o.DueOn, name, now, now, p.ID, p.Version)); err != nil {
		return nil, err
	}
	var uid any
	if !a.P.System {
		uid = a.P.UserID
	}
	if _, err := t.Exec(ctx, `INSERT INTO campaign_checks (problem_id, day, passed, late, user_id, actor_name, note, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, today, in.Passed, o.Late, uid, name, in.Note, now); err != nil {
		return nil, fmt.Errorf("storage: re-check: %w", err)
	}
	if err := t.audit(ctx, a, "recheck", "campaign_problem", p.ID, p.UnitPath,
		map[string]any{"late": p.Late, "rectified": p.Rectified, "due_on": p.DueOn},
		map[string]any{"passed": in.Passed, "late": o.Late, "rectified": o.Rectified, "due_on": o.DueOn, "case_status": k.Status}); err != nil {
		return nil, err
	}
	return t.problem(ctx, p.ID)
}

// ProblemCheck is one re-check of a problem.
type ProblemCheck struct {
	Day       string
	Passed    bool
	Late      bool
	ActorName string
	Note      string
	At        time.Time
}

// ProblemChecks returns a problem's re-checks, oldest first, if the actor sees its area.
func (db *DB) ProblemChecks(ctx context.Context, a Actor, problemID int64) ([]ProblemCheck, error) {
	var out []ProblemCheck
	err := db.view(ctx, func(t *Tx) error {
		p, err := t.problem(ctx, problemID)
		if err != nil {
			return err
		}
		_, s, err := t.campaignIn(ctx, a, p.CampaignID)
		if err != nil {
			return err
		}
		if !s.sees(p.AreaID) {
			return errs.NotFound()
		}
		rows, err := t.Query(ctx, "SELECT day, passed, late, actor_name, note, at FROM campaign_checks WHERE problem_id = ? ORDER BY id", problemID)
		if err != nil {
			return fmt.Errorf("storage: re-checks: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var x ProblemCheck
			if err := rows.Scan(&x.Day, &x.Passed, &x.Late, &x.ActorName, &x.Note, &x.At); err != nil {
				return err
			}
			out = append(out, x)
		}
		return rows.Err()
	})
	return out, err
}

// CampaignProblem returns a problem of an area the actor sees.
func (db *DB) CampaignProblem(ctx context.Context, a Actor, id int64) (*campaigns.Problem, error) {
	var out *campaigns.Problem
	err := db.view(ctx, func(t *Tx) error {
		p, err := t.problem(ctx, id)
		if err != nil {
			return err
		}
		_, s, err := t.campaignIn(ctx, a, p.CampaignID)
		if err != nil {
			return err
		}
		if !s.sees(p.AreaID) {
			return errs.NotFound()
		}
		out = p
		return nil
	})
	return out, err
}
