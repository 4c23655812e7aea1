// Package cases holds the rules of a case (工单): the one record for every item of work that
// comes from residents or inspections. Its flow is a state machine with no I/O: which action may
// follow which status, what each action needs, and what it changes.
package cases

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/errs"
)

// Status is where a case stands in its flow.
type Status string

// The statuses, in flow order.
const (
	Submitted  Status = "submitted"   // reported, not yet looked at
	Accepted   Status = "accepted"    // taken on by the unit, waiting for someone to handle it
	Rejected   Status = "rejected"    // not taken on, with a reason (terminal)
	Dispatched Status = "dispatched"  // handed to a person, team or department, or claimed by a member
	InProgress Status = "in_progress" // the handler has signed for it and is working on it
	Resolved   Status = "resolved"    // the handler reports it done, with result and method
	Checked    Status = "checked"     // the look-back (回头看) confirmed it
	Rated      Status = "rated"       // the resident rated the result
	Closed     Status = "closed"      // finished and published, anonymized (terminal)
)

// Statuses lists every status in flow order.
var Statuses = []Status{Submitted, Accepted, Rejected, Dispatched, InProgress, Resolved, Checked, Rated, Closed}

// Open reports whether work on a case in status s is still pending (it can become overdue).
func (s Status) Open() bool {
	switch s {
	case Submitted, Accepted, Dispatched, InProgress:
		return true
	}
	return false
}

// Action is one step a person takes on a case.
type Action string

// The actions.
const (
	Accept           Action = "accept"
	Reject           Action = "reject"
	Dispatch         Action = "dispatch"
	Claim            Action = "claim"
	Escalate         Action = "escalate" // 交办: hand to a department of the town
	Return           Action = "return"   // 退回: the handler gives it back, with a reason
	Start            Action = "start"    // sign for it (签收) and start
	Resolve          Action = "resolve"
	CheckPass        Action = "check_pass"
	CheckFail        Action = "check_fail" // the look-back failed: back to work (rework)
	Rate             Action = "rate"
	Close            Action = "close"
	RequestExtension Action = "request_extension"
	ApproveExtension Action = "approve_extension"
	DenyExtension    Action = "deny_extension"
	Urge             Action = "urge" // 督办: recorded by the overdue job or a supervisor
	Comment          Action = "comment"
)

// from says in which statuses each action may be taken.
var from = map[Action][]Status{
	Accept:           {Submitted},
	Reject:           {Submitted},
	Dispatch:         {Accepted},
	Claim:            {Accepted},
	Escalate:         {Accepted, Dispatched, InProgress},
	Return:           {Dispatched, InProgress},
	Start:            {Dispatched},
	Resolve:          {InProgress},
	CheckPass:        {Resolved},
	CheckFail:        {Resolved},
	Rate:             {Checked},
	Close:            {Rated, Checked},
	RequestExtension: {Dispatched, InProgress},
	ApproveExtension: {Dispatched, InProgress},
	DenyExtension:    {Dispatched, InProgress},
	Urge:             {Submitted, Accepted, Dispatched, InProgress},
	Comment:          {Submitted, Accepted, Dispatched, InProgress, Resolved, Checked, Rated},
}

// Allowed reports whether action a may be taken on a case in status s.
func Allowed(a Action, s Status) bool { return slices.Contains(from[a], s) }

// Actions lists the actions that status s allows, in a stable order.
func Actions(s Status) []Action {
	var out []Action
	for _, a := range []Action{Accept, Reject, Dispatch, Claim, Escalate, Return, Start, Resolve, CheckPass, CheckFail,
		Rate, Close, RequestExtension, ApproveExtension, DenyExtension, Urge, Comment} {
		if Allowed(a, s) {
			out = append(out, a)
		}
	}
	return out
}

// Method is how a case was resolved.
type Method string

// Resolution methods from the seed.
const (
	PairingHelp     Method = "pairing_help"     // 结对帮扶
	VoluntaryClaim  Method = "voluntary_claim"  // 爱心认领
	VolunteerLabour Method = "volunteer_labour" // 义务劳动
	DeptHandling    Method = "department"       // 部门办理
	OtherMethod     Method = "other"
)

// Methods lists every method.
var Methods = []Method{PairingHelp, VoluntaryClaim, VolunteerLabour, DeptHandling, OtherMethod}

// Rating is the resident's evaluation.
type Rating string

// The three ratings.
const (
	Satisfied      Rating = "satisfied"       // 满意
	BasicSatisfied Rating = "basic_satisfied" // 基本满意
	Dissatisfied   Rating = "dissatisfied"    // 不满意
)

// Ratings lists the ratings, best first.
var Ratings = []Rating{Satisfied, BasicSatisfied, Dissatisfied}

// AssigneeKind says who a dispatched case is with.
type AssigneeKind string

// Assignee kinds.
const (
	ToPerson     AssigneeKind = "person"
	ToTeam       AssigneeKind = "team"
	ToDepartment AssigneeKind = "department"
)

// State is what the flow needs to know of a case.
type State struct {
	Status       Status
	AssigneeKind AssigneeKind
	AssigneeID   int64
	Unit         int64 // the case's own unit (village, community, grid…)
	HandlerUnit  int64 // the unit handling it: the case's unit, or the department it was escalated to
	Reopened     bool  // a dissatisfied rating has reopened it once already
	Reworks      int   // failed look-backs and reopenings
	ExtensionAsk int   // working days asked for, pending approval; 0 when none pending
	Deadline     time.Time
	Escalations  int
}

// Input is what an action carries.
type Input struct {
	Note         string
	Reason       string // reject, return, check_fail, deny_extension
	AssigneeKind AssigneeKind
	AssigneeID   int64
	DepartmentID int64 // escalate
	ClaimantID   int64 // claim: the member claiming
	Result       string
	Method       Method
	Rating       Rating
	Reopen       bool // with a dissatisfied rating: ask for the case to be reopened
	Days         int  // request_extension: working days asked for
}

// MaxText bounds free text on a case step.
const MaxText = 2000

func text(field, s string, required bool) *errs.FieldError {
	s = strings.TrimSpace(s)
	switch {
	case required && s == "":
		f := errs.Field(field, "validation.required")
		return &f
	case utf8.RuneCountInString(s) > MaxText:
		f := errs.Field(field, "validation.too_long", MaxText)
		return &f
	}
	return nil
}

// Apply checks that action a may be taken on st with in, and returns the new state. It does not
// compute deadlines (the caller does, with the calendar) and changes nothing on error.
func Apply(st State, a Action, in Input) (State, error) {
	if !Allowed(a, st.Status) {
		return st, errs.New(errs.EUNPROCESSABLE, "cases.action.not_allowed")
	}
	var fe []errs.FieldError
	add := func(f *errs.FieldError) {
		if f != nil {
			fe = append(fe, *f)
		}
	}
	add(text("note", in.Note, false))
	next := st
	switch a {
	case Accept:
		next.Status = Accepted
	case Reject:
		add(text("reason", in.Reason, true))
		next.Status = Rejected
	case Dispatch:
		if in.AssigneeKind != ToPerson && in.AssigneeKind != ToTeam {
			fe = append(fe, errs.Field("assignee_kind", "cases.assignee.invalid"))
		}
		if in.AssigneeID == 0 {
			fe = append(fe, errs.Field("assignee_id", "validation.required"))
		}
		next.Status, next.AssigneeKind, next.AssigneeID = Dispatched, in.AssigneeKind, in.AssigneeID
	case Claim:
		if in.ClaimantID == 0 {
			fe = append(fe, errs.Field("assignee_id", "validation.required"))
		}
		next.Status, next.AssigneeKind, next.AssigneeID = Dispatched, ToPerson, in.ClaimantID
	case Escalate:
		add(text("reason", in.Reason, true))
		if in.DepartmentID == 0 {
			fe = append(fe, errs.Field("department_id", "validation.required"))
		} else if st.AssigneeKind == ToDepartment && st.AssigneeID == in.DepartmentID {
			fe = append(fe, errs.Field("department_id", "cases.escalate.same_department"))
		}
		next.Status, next.AssigneeKind, next.AssigneeID, next.HandlerUnit = Dispatched, ToDepartment, in.DepartmentID, in.DepartmentID
		next.Escalations++
		next.ExtensionAsk = 0
	case Return:
		add(text("reason", in.Reason, true))
		// Back to the case's own unit, which decides again.
		next.Status, next.AssigneeKind, next.AssigneeID, next.HandlerUnit = Accepted, "", 0, st.Unit
		next.ExtensionAsk = 0
	case Start:
		next.Status = InProgress
	case Resolve:
		add(text("result", in.Result, true))
		if !slices.Contains(Methods, in.Method) {
			fe = append(fe, errs.Field("method", "cases.method.invalid"))
		}
		next.Status = Resolved
		next.ExtensionAsk = 0
	case CheckPass:
		next.Status = Checked
	case CheckFail:
		add(text("reason", in.Reason, true))
		next.Status = InProgress
		next.Reworks++
	case Rate:
		if !slices.Contains(Ratings, in.Rating) {
			fe = append(fe, errs.Field("rating", "cases.rating.invalid"))
		}
		next.Status = Rated
		if in.Rating == Dissatisfied && in.Reopen {
			if st.Reopened {
				fe = append(fe, errs.Field("reopen", "cases.rating.reopened_once"))
			}
			next.Status, next.Reopened = InProgress, true
			next.Reworks++
		}
	case Close:
		next.Status = Closed
	case RequestExtension:
		if st.ExtensionAsk != 0 {
			return st, errs.New(errs.EUNPROCESSABLE, "cases.extension.pending")
		}
		if in.Days < 1 || in.Days > 30 {
			fe = append(fe, errs.Field("days", "cases.extension.days"))
		}
		add(text("reason", in.Reason, true))
		next.ExtensionAsk = in.Days
	case ApproveExtension, DenyExtension:
		if st.ExtensionAsk == 0 {
			return st, errs.New(errs.EUNPROCESSABLE, "cases.extension.none")
		}
		if a == DenyExtension {
			add(text("reason", in.Reason, true))
		}
		next.ExtensionAsk = 0
	case Urge, Comment:
		add(text("note", in.Note, a == Comment))
	}
	if len(fe) > 0 {
		return st, errs.Invalid(fe...)
	}
	return next, nil
}
