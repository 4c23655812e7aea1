package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

type caseWorld struct {
	tree
	dept           *org.Unit
	member, cadreB *people.Person
	sec, secB      storage.Actor
	memberActor    storage.Actor
	deptActor      storage.Actor
	category       int64
}

func buildCaseWorld(t *testing.T, db *storage.DB) caseWorld {
	ctx := context.Background()
	w := caseWorld{tree: buildTree(t, db)}
	w.dept = mustUnit(t, db, w.town, org.Department, "410902003000101", "城建办")
	w.member = &people.Person{UnitID: w.gridA.ID, Name: "党员甲", Gender: "M", PartyMember: true}
	w.cadreB = &people.Person{UnitID: w.gridB.ID, Name: "开西干部", Gender: "F", PartyMember: true, Categories: []people.Category{people.Cadre}}
	for _, p := range []*people.Person{w.member, w.cadreB} {
		if err := db.CreatePerson(ctx, storage.System, p); err != nil {
			t.Fatal(err)
		}
	}
	w.sec = actor(authz.BranchSecretary, w.a)
	w.secB = actor(authz.BranchSecretary, w.b)
	w.memberActor = actor(authz.Member, w.a)
	w.memberActor.P.PersonID = w.member.ID
	w.deptActor = actor(authz.Department, w.dept)
	cats, err := db.Categories(ctx, false)
	if err != nil || len(cats) == 0 {
		t.Fatalf("no default categories: %v", err)
	}
	for _, c := range cats {
		if c.Code == "lighting" {
			w.category = c.ID
		}
	}
	return w
}

func newLightCase(w caseWorld) *cases.Case {
	return &cases.Case{UnitID: w.gridA.ID, List: cases.Appeal, CategoryID: w.category, Urgency: cases.Normal,
		Channel: cases.GridReport, Title: "3号楼路灯不亮", Description: "晚上漆黑", ReporterName: "张大妈", ReporterPhone: "13800000009"}
}

func TestCaseFlowToTheEnd(t *testing.T) {
	db, clk := storagetest.Open(t)
	ctx := context.Background()
	clk.Set(time.Date(2026, 2, 12, 2, 0, 0, 0, time.UTC)) // Thursday before Spring Festival, 10:00 in China
	w := buildCaseWorld(t, db)
	c := newLightCase(w)
	created, err := db.CreateCase(ctx, w.sec, c, storage.NewCase{})
	if err != nil || !created {
		t.Fatal(err)
	}
	if c.UnitID != w.a.ID || c.GridID != w.gridA.ID {
		t.Fatalf("case filed under %d grid %d", c.UnitID, c.GridID)
	}
	if c.Number != "410902003001-2026-0001" || len(c.TrackingCode) != 12 {
		t.Fatalf("number %s code %s", c.Number, c.TrackingCode)
	}
	// Lighting: 3 working days from 2-12 → 13, 14 (make-up Saturday), 24.
	if got := c.Deadline.In(time.FixedZone("", 8*3600)).Format("2006-01-02"); got != "2026-02-24" {
		t.Fatalf("deadline %s", got)
	}
	step := func(a storage.Actor, act cases.Action, in cases.Input) {
		t.Helper()
		got, err := db.Act(ctx, a, c.ID, act, in, c.Version)
		if err != nil {
			t.Fatalf("%s: %v", act, err)
		}
		c = got
	}
	step(w.sec, cases.Accept, cases.Input{})
	step(w.memberActor, cases.Claim, cases.Input{})
	if c.AssigneeID != w.member.ID || !c.Claimed {
		t.Fatalf("claimed by %d", c.AssigneeID)
	}
	step(w.memberActor, cases.Start, cases.Input{})
	step(w.memberActor, cases.Resolve, cases.Input{Result: "更换灯泡", Method: cases.VolunteerLabour})
	step(w.sec, cases.CheckPass, cases.Input{})
	rated, err := db.RatePublic(ctx, c.TrackingCode, cases.Satisfied, "很快", false, "1.2.3.4")
	if err != nil || rated.Status != cases.Rated || rated.Rating != cases.Satisfied {
		t.Fatalf("rate: %v", err)
	}
	c = rated
	step(w.sec, cases.Close, cases.Input{})
	evs, err := db.CaseEvents(ctx, w.sec, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, e := range evs {
		acts = append(acts, e.Action)
	}
	want := []string{"submit", "accept", "claim", "start", "resolve", "check_pass", "rate", "close"}
	if len(acts) != len(want) {
		t.Fatalf("timeline %v", acts)
	}
	for i := range want {
		if acts[i] != want[i] {
			t.Fatalf("timeline %v", acts)
		}
	}
	for _, ts := range []time.Time{c.AcceptedAt, c.DispatchedAt, c.SignedAt, c.ResolvedAt, c.CheckedAt, c.RatedAt, c.ClosedAt} {
		if ts.IsZero() {
			t.Fatal("a flow timestamp was not kept")
		}
	}
}

func TestCaseScopeAndRules(t *testing.T) {
	db, _ := storagetest.Open(t)
	ctx := context.Background()
	w := buildCaseWorld(t, db)
	c := newLightCase(w)
	if _, err := db.CreateCase(ctx, w.sec, c, storage.NewCase{}); err != nil {
		t.Fatal(err)
	}
	t.Run("OtherCommunityCannotSeeOrAct", func(t *testing.T) {
		if _, _, err := db.Case(ctx, w.secB, c.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("read: %v", err)
		}
		if _, err := db.Act(ctx, w.secB, c.ID, cases.Accept, cases.Input{}, c.Version); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("act: %v", err)
		}
		list, _, _ := db.Cases(ctx, w.secB, storage.CaseFilter{})
		if len(list) != 0 {
			t.Fatal("listed another community's case")
		}
	})
	t.Run("ForgedActionRefused", func(t *testing.T) {
		_, err := db.Act(ctx, w.sec, c.ID, cases.Resolve, cases.Input{Result: "x", Method: cases.OtherMethod}, c.Version)
		if errs.Code(err) != errs.EUNPROCESSABLE {
			t.Fatalf("resolve a submitted case: %v", err)
		}
		if _, err := db.RatePublic(ctx, c.TrackingCode, cases.Satisfied, "", false, ""); errs.Code(err) != errs.EUNPROCESSABLE {
			t.Fatalf("rating an unresolved case: %v", err)
		}
		if _, err := db.RatePublic(ctx, "ZZZZZZZZZZZZ", cases.Satisfied, "", false, ""); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("unknown code: %v", err)
		}
	})
	t.Run("DispatchOnlyWithinUnit", func(t *testing.T) {
		x, err := db.Act(ctx, w.sec, c.ID, cases.Accept, cases.Input{}, c.Version)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.Act(ctx, w.sec, c.ID, cases.Dispatch, cases.Input{AssigneeKind: cases.ToPerson, AssigneeID: w.cadreB.ID}, x.Version)
		if errs.Code(err) != errs.EINVALID {
			t.Fatalf("dispatched to 开西's cadre: %v", err)
		}
		*c = *x
	})
	t.Run("TwoAtOnceOneWins", func(t *testing.T) {
		var wg sync.WaitGroup
		errsOut := make([]error, 2)
		for i, a := range []storage.Actor{w.sec, w.memberActor} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i == 0 {
					_, errsOut[i] = db.Act(ctx, a, c.ID, cases.Dispatch, cases.Input{AssigneeKind: cases.ToPerson, AssigneeID: w.member.ID}, c.Version)
				} else {
					_, errsOut[i] = db.Act(ctx, a, c.ID, cases.Claim, cases.Input{}, c.Version)
				}
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errsOut {
			if err == nil {
				ok++
			} else if errs.Code(err) != errs.ECONFLICT {
				t.Fatalf("loser got %v, want conflict", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d won", ok)
		}
		evs, _ := db.CaseEvents(ctx, w.sec, c.ID)
		if len(evs) != 3 {
			t.Fatalf("%d events after one dispatch", len(evs))
		}
	})
	t.Run("EscalateToDepartmentAndReturn", func(t *testing.T) {
		cur, _, _ := db.Case(ctx, w.sec, c.ID)
		if _, err := db.Act(ctx, w.deptActor, c.ID, cases.Start, cases.Input{}, cur.Version); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("department acted before escalation: %v", err)
		}
		cur, err := db.Act(ctx, w.sec, c.ID, cases.Escalate, cases.Input{Reason: "需城建办更换线路", DepartmentID: w.dept.ID}, cur.Version)
		if err != nil {
			t.Fatal(err)
		}
		inbox, _, _ := db.Cases(ctx, w.deptActor, storage.CaseFilter{Inbox: true})
		if len(inbox) != 1 {
			t.Fatalf("department inbox holds %d", len(inbox))
		}
		cur, err = db.Act(ctx, w.deptActor, c.ID, cases.Start, cases.Input{}, cur.Version)
		if err != nil {
			t.Fatal(err)
		}
		cur, err = db.Act(ctx, w.deptActor, c.ID, cases.Return, cases.Input{Reason: "属物业维修范围"}, cur.Version)
		if err != nil || cur.Status != cases.Accepted || cur.HandlerUnitID != w.a.ID {
			t.Fatalf("return: %v %+v", err, cur)
		}
		if _, _, err := db.Case(ctx, w.deptActor, c.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Fatal("department still sees a returned case")
		}
	})
}

func TestPublicSubmissionIsIdempotent(t *testing.T) {
	db, _ := storagetest.Open(t)
	ctx := context.Background()
	w := buildCaseWorld(t, db)
	mk := func() *cases.Case {
		return &cases.Case{List: cases.Appeal, CategoryID: w.category, Urgency: cases.Normal, Title: "路灯坏了"}
	}
	c1 := mk()
	created, err := db.SubmitPublic(ctx, w.a.Code, c1, storage.NewCase{IdempotencyKey: "form-123"}, "1.1.1.1")
	if err != nil || !created {
		t.Fatal(err)
	}
	c2 := mk()
	created, err = db.SubmitPublic(ctx, w.a.Code, c2, storage.NewCase{IdempotencyKey: "form-123"}, "1.1.1.1")
	if err != nil || created || c2.TrackingCode != c1.TrackingCode {
		t.Fatalf("second submit: created=%v %v", created, err)
	}
	list, _, _ := db.Cases(ctx, w.sec, storage.CaseFilter{})
	if len(list) != 1 {
		t.Fatalf("%d cases after a double submit", len(list))
	}
	if _, err := db.SubmitPublic(ctx, "000000000000", mk(), storage.NewCase{}, ""); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("unknown unit: %v", err)
	}
	got, err := db.CaseByTracking(ctx, c1.TrackingCode)
	if err != nil || got.ID != c1.ID {
		t.Fatal(err)
	}
}

func TestJobLease(t *testing.T) {
	db, clk := storagetest.Open(t)
	ctx := context.Background()
	ok, err := db.TryLease(ctx, "overdue", "a", time.Minute)
	if err != nil || !ok {
		t.Fatalf("first: %v %v", ok, err)
	}
	if ok, _ := db.TryLease(ctx, "overdue", "b", time.Minute); ok {
		t.Fatal("two holders")
	}
	if ok, _ := db.TryLease(ctx, "overdue", "a", time.Minute); !ok {
		t.Fatal("holder cannot renew")
	}
	clk.Advance(2 * time.Minute)
	if ok, _ := db.TryLease(ctx, "overdue", "b", time.Minute); !ok {
		t.Fatal("expired lease not taken over")
	}
}
