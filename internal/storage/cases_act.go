package storage

import (
	"context"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/org"
)

// Act takes action on a case for the actor: it checks their capacity, the flow, the target
// (a person in the unit, a department of the town), then writes the new state, a timeline event,
// notifications and an audit entry in one transaction. version must be the version read; a case
// that changed meanwhile is a conflict, so of two people acting at once exactly one wins.
func (db *DB) Act(ctx context.Context, a Actor, id int64, act cases.Action, in cases.Input, version int64) (*cases.Case, error) {
	var out *cases.Case
	err := db.update(ctx, func(t *Tx) error {
		c, k, err := t.caseIn(ctx, a, id)
		if err != nil {
			return err
		}
		if act == cases.Claim {
			in.ClaimantID = a.P.PersonID
		}
		out, err = t.act(ctx, a, c, k, act, in, version, a.P.Username)
		return err
	})
	return out, err
}

// RatePublic records the reporter's rating through the tracking code.
func (db *DB) RatePublic(ctx context.Context, trackingCode string, rating cases.Rating, comment string, reopen bool, ip string) (*cases.Case, error) {
	code := strings.ToUpper(strings.TrimSpace(trackingCode))
	if !validTrackingCode(code) {
		return nil, errs.NotFound()
	}
	var out *cases.Case
	err := db.update(ctx, func(t *Tx) error {
		c, err := scanCase(t.QueryRow(ctx, "SELECT "+caseCols+caseFrom+" WHERE c.tracking_code = ?", code))
		if err != nil {
			return notFound(err)
		}
		if c.Status != cases.Checked {
			return errs.New(errs.EUNPROCESSABLE, "cases.rating.not_ready")
		}
		a := Actor{P: &authz.Principal{Username: "resident"}, IP: ip}
		out, err = t.act(ctx, a, c, cases.Capacity{Public: true}, cases.Rate, cases.Input{Rating: rating, Note: comment, Reopen: reopen}, c.Version, "")
		return err
	})
	return out, err
}

func (t *Tx) act(ctx context.Context, a Actor, c *cases.Case, k cases.Capacity, act cases.Action, in cases.Input, version int64, actorName string) (*cases.Case, error) {
	if !cases.Permitted(act, k) {
		if k.Viewer || k.Manager {
			return nil, errs.New(errs.EFORBIDDEN, "cases.action.forbidden")
		}
		return nil, errs.NotFound()
	}
	if c.Version != version {
		return nil, errs.Conflict()
	}
	next, err := cases.Apply(c.State, act, in)
	if err != nil {
		return nil, err
	}
	now := t.db.clock.Now()
	cal, err := t.calendar(ctx)
	if err != nil {
		return nil, err
	}
	cat, err := t.category(ctx, c.CategoryID)
	if err != nil {
		return nil, err
	}
	data := map[string]any{}
	set := map[string]any{}
	note := strings.TrimSpace(in.Note)
	switch act {
	case cases.Accept:
		set["accepted_at"] = now
	case cases.Reject:
		note = strings.TrimSpace(in.Reason)
		set["closed_at"] = now
	case cases.Dispatch, cases.Claim:
		p, err := t.person(ctx, next.AssigneeID)
		if err != nil || !org.Within(p.UnitPath, c.UnitPath) || !p.Active {
			// The handler must belong to the case's village or community.
			return nil, errs.Invalid(errs.Field("assignee_id", "cases.assignee.not_in_unit"))
		}
		if act == cases.Claim && !p.PartyMember {
			return nil, errs.Invalid(errs.Field("assignee_id", "cases.claim.members_only"))
		}
		set["dispatched_at"], set["claimed"] = now, act == cases.Claim
		data["assignee"], data["assignee_name"] = p.ID, p.Name
		if err := t.notifyPerson(ctx, p.ID, "case_assigned", c.ID, "notify.case.assigned", c.Number, c.Title); err != nil {
			return nil, err
		}
	case cases.Escalate:
		d, err := t.unit(ctx, in.DepartmentID)
		if err != nil || d.Kind != org.Department || !d.Active || !sameTown(d.Path, c.UnitPath) {
			return nil, errs.Invalid(errs.Field("department_id", "cases.escalate.department"))
		}
		note = strings.TrimSpace(in.Reason)
		set["handler_path"], set["dispatched_at"] = d.Path, now
		data["department"], data["department_name"] = d.ID, d.Name
		if err := t.notifyRole(ctx, authz.Department, d.Path, "case_escalated", c.ID, "notify.case.escalated", c.Number, c.Title); err != nil {
			return nil, err
		}
	case cases.Return:
		note = strings.TrimSpace(in.Reason)
		set["handler_path"] = c.UnitPath
		if err := t.notifyRole(ctx, authz.BranchSecretary, c.UnitPath, "case_returned", c.ID, "notify.case.returned", c.Number, c.Title); err != nil {
			return nil, err
		}
	case cases.Start:
		if c.SignedAt.IsZero() {
			set["signed_at"] = now
		}
	case cases.Resolve:
		set["resolved_at"], set["method"], set["result"] = now, string(in.Method), strings.TrimSpace(in.Result)
		data["method"] = in.Method
	case cases.CheckPass:
		set["checked_at"] = now
	case cases.CheckFail:
		note = strings.TrimSpace(in.Reason)
		// Rework gets a fresh time limit from today.
		next.Deadline = cases.DueAt(cal.AddWorkdays(cases.Local(now), cat.Days(c.Urgency)))
	case cases.Rate:
		set["rated_at"], set["rating"], set["rating_comment"] = now, string(in.Rating), strings.TrimSpace(in.Note)
		data["rating"] = in.Rating
		note = ""
		if next.Status == cases.InProgress { // a dissatisfied rating reopened it
			next.Deadline = cases.DueAt(cal.AddWorkdays(cases.Local(now), cat.Days(c.Urgency)))
			data["reopened"] = true
			if c.AssigneeKind == cases.ToPerson {
				if err := t.notifyPerson(ctx, c.AssigneeID, "case_reopened", c.ID, "notify.case.reopened", c.Number, c.Title); err != nil {
					return nil, err
				}
			}
		}
	case cases.Close:
		set["closed_at"] = now
	case cases.RequestExtension:
		note = strings.TrimSpace(in.Reason)
		data["days"] = in.Days
	case cases.ApproveExtension:
		next.Deadline = cases.DueAt(cal.AddWorkdays(cases.Local(c.Deadline), c.ExtensionAsk))
		data["days"], data["deadline"] = c.ExtensionAsk, next.Deadline
	case cases.DenyExtension:
		note = strings.TrimSpace(in.Reason)
	case cases.Urge:
		set["urged_at"] = now
	}
	overdue := cases.IsOverdue(next.Status, next.Deadline, now)
	cols := []string{"status = ?", "assignee_kind = ?", "assignee_id = ?", "handler_unit_id = ?", "reopened = ?", "reworks = ?",
		"escalations = ?", "extension_ask = ?", "deadline = ?", "overdue = ?", "version = version + 1", "updated_at = ?"}
	args := []any{string(next.Status), string(next.AssigneeKind), next.AssigneeID, next.HandlerUnit, next.Reopened, next.Reworks,
		next.Escalations, next.ExtensionAsk, next.Deadline, overdue, now}
	for col, v := range set {
		cols = append(cols, col+" = ?")
		args = append(args, v)
	}
	args = append(args, c.ID, version)
	if err := checkVersion(t.Exec(ctx, "UPDATE cases SET "+strings.Join(cols, ", ")+" WHERE id = ? AND version = ?", args...)); err != nil {
		return nil, err
	}
	if actorName == "" {
		actorName = "resident"
	}
	if err := t.caseEvent(ctx, a, actorName, c.ID, string(act), c.Status, next.Status, note, data); err != nil {
		return nil, err
	}
	if err := t.audit(ctx, a, string(act), "case", c.ID, c.UnitPath, map[string]any{"status": c.Status, "version": c.Version},
		map[string]any{"status": next.Status, "data": data}); err != nil {
		return nil, err
	}
	after, err := t.caseByID(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	return after, t.tally(ctx, c.UnitID, c.SubmittedAt, cases.Counted(c), cases.Counted(after))
}

// sameTown reports whether the unit at unitPath lies under the town that holds the department
// at deptPath (a department hangs directly under its town).
func sameTown(deptPath, unitPath string) bool {
	trimmed := strings.TrimSuffix(deptPath, "/")
	i := strings.LastIndexByte(trimmed, '/')
	if i <= 0 {
		return false
	}
	return org.Within(unitPath, trimmed[:i+1])
}
