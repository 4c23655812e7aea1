package cases

import (
	"testing"

	"wuxing/internal/errs"
)

// goodInput gives each action an input that satisfies it, so the tests below probe the statuses.
func goodInput(Action) Input {
	return Input{Note: "备注", Reason: "原因", AssigneeKind: ToPerson, AssigneeID: 7, DepartmentID: 9, ClaimantID: 8,
		Result: "已修复路灯", Method: VolunteerLabour, Rating: Satisfied, Days: 3}
}

// TestEveryTransition tries every action in every status: the legal ones succeed and land in
// the expected status, the illegal ones fail with not_allowed and change nothing.
func TestEveryTransition(t *testing.T) {
	want := map[Action]map[Status]Status{
		Accept:    {Submitted: Accepted},
		Reject:    {Submitted: Rejected},
		Dispatch:  {Accepted: Dispatched},
		Claim:     {Accepted: Dispatched},
		Escalate:  {Accepted: Dispatched, Dispatched: Dispatched, InProgress: Dispatched},
		Return:    {Dispatched: Accepted, InProgress: Accepted},
		Start:     {Dispatched: InProgress},
		Resolve:   {InProgress: Resolved},
		CheckPass: {Resolved: Checked},
		CheckFail: {Resolved: InProgress},
		Rate:      {Checked: Rated},
		Close:     {Rated: Closed, Checked: Closed},
	}
	for a, legal := range want {
		for _, s := range Statuses {
			st := State{Status: s}
			got, err := Apply(st, a, goodInput(a))
			if to, ok := legal[s]; ok {
				if err != nil {
					t.Errorf("%s from %s: %v", a, s, err)
				} else if got.Status != to {
					t.Errorf("%s from %s: landed in %s, want %s", a, s, got.Status, to)
				}
				continue
			}
			if err == nil {
				t.Errorf("%s from %s: allowed", a, s)
			} else if errs.As(err).Key != "cases.action.not_allowed" || got != st {
				t.Errorf("%s from %s: %v, state changed: %v", a, s, err, got != st)
			}
		}
	}
}

func TestTerminalStatuses(t *testing.T) {
	for _, s := range []Status{Rejected, Closed} {
		if len(Actions(s)) != 0 {
			t.Errorf("%s allows %v", s, Actions(s))
		}
	}
}

func TestRequiredInputs(t *testing.T) {
	cases := []struct {
		name  string
		st    Status
		a     Action
		in    Input
		field string
	}{
		{"RejectNeedsReason", Submitted, Reject, Input{}, "reason"},
		{"ReturnNeedsReason", Dispatched, Return, Input{}, "reason"},
		{"DispatchNeedsAssignee", Accepted, Dispatch, Input{AssigneeKind: ToPerson}, "assignee_id"},
		{"DispatchNotToDepartment", Accepted, Dispatch, Input{AssigneeKind: ToDepartment, AssigneeID: 3}, "assignee_kind"},
		{"ResolveNeedsResult", InProgress, Resolve, Input{Method: PairingHelp}, "result"},
		{"ResolveNeedsMethod", InProgress, Resolve, Input{Result: "好了", Method: "magic"}, "method"},
		{"RatingOnScale", Checked, Rate, Input{Rating: "meh"}, "rating"},
		{"ExtensionDays", InProgress, RequestExtension, Input{Days: 0, Reason: "雨天"}, "days"},
		{"EscalateNeedsDepartment", Accepted, Escalate, Input{Reason: "村里解决不了"}, "department_id"},
		{"CommentNeedsText", InProgress, Comment, Input{}, "note"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := State{Status: c.st}
			got, err := Apply(st, c.a, c.in)
			e := errs.As(err)
			if e.Code != errs.EINVALID || len(e.Fields) == 0 || e.Fields[0].Field != c.field {
				t.Fatalf("got %v", err)
			}
			if got != st {
				t.Fatal("state changed on error")
			}
		})
	}
}

func TestDissatisfiedReopensOnce(t *testing.T) {
	st := State{Status: Checked}
	st, err := Apply(st, Rate, Input{Rating: Dissatisfied, Reopen: true})
	if err != nil || st.Status != InProgress || !st.Reopened || st.Reworks != 1 {
		t.Fatalf("first reopen: %+v %v", st, err)
	}
	st.Status = Checked
	if _, err := Apply(st, Rate, Input{Rating: Dissatisfied, Reopen: true}); err == nil {
		t.Fatal("reopened twice")
	}
	// Without asking to reopen, a dissatisfied rating is recorded and the case is rated.
	got, err := Apply(st, Rate, Input{Rating: Dissatisfied})
	if err != nil || got.Status != Rated {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestExtension(t *testing.T) {
	st := State{Status: InProgress}
	if _, err := Apply(st, ApproveExtension, Input{}); errs.As(err).Key != "cases.extension.none" {
		t.Fatalf("approved nothing: %v", err)
	}
	st, err := Apply(st, RequestExtension, Input{Days: 3, Reason: "需采购配件"})
	if err != nil || st.ExtensionAsk != 3 {
		t.Fatal(err)
	}
	if _, err := Apply(st, RequestExtension, Input{Days: 2, Reason: "再延"}); errs.As(err).Key != "cases.extension.pending" {
		t.Fatalf("second request while pending: %v", err)
	}
	st, err = Apply(st, ApproveExtension, Input{})
	if err != nil || st.ExtensionAsk != 0 || st.Status != InProgress {
		t.Fatalf("%+v %v", st, err)
	}
}

func TestEscalation(t *testing.T) {
	st := State{Status: Accepted, Unit: 4, HandlerUnit: 4}
	st, err := Apply(st, Escalate, Input{Reason: "需要城建部门", DepartmentID: 9})
	if err != nil || st.HandlerUnit != 9 || st.AssigneeKind != ToDepartment || st.Escalations != 1 {
		t.Fatalf("%+v %v", st, err)
	}
	if _, err := Apply(st, Escalate, Input{Reason: "again", DepartmentID: 9}); err == nil {
		t.Fatal("escalated to the department that has it")
	}
	// The department runs the same loop: it starts and may return it with a reason.
	st, _ = Apply(st, Start, Input{})
	st, err = Apply(st, Return, Input{Reason: "不属于本部门职责"})
	if err != nil || st.Status != Accepted || st.AssigneeID != 0 || st.HandlerUnit != 4 {
		t.Fatalf("%+v %v", st, err)
	}
}
