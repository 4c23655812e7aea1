package storage_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/people"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

func TestPeopleScopeAndEdits(t *testing.T) {
	db, _ := storagetest.Open(t)
	ctx := context.Background()
	tr := buildTree(t, db)
	hA := &people.Household{UnitID: tr.gridA.ID, Address: "站前路1号"}
	if err := db.CreateHousehold(ctx, storage.System, hA); err != nil {
		t.Fatal(err)
	}
	pA := &people.Person{UnitID: tr.gridA.ID, HouseholdID: hA.ID, Relation: "head", Name: "王建国", Gender: "M", Phone: "13800000001"}
	pB := &people.Person{UnitID: tr.gridB.ID, Name: "赵开西", Gender: "F", Phone: "13900000002"}
	for _, p := range []*people.Person{pA, pB} {
		if err := db.CreatePerson(ctx, storage.System, p); err != nil {
			t.Fatal(err)
		}
	}
	secA := actor(authz.BranchSecretary, tr.a)

	t.Run("ListIsScoped", func(t *testing.T) {
		ps, total, err := db.People(ctx, secA, storage.PeopleFilter{})
		if err != nil || total != 1 || ps[0].ID != pA.ID {
			t.Fatalf("got %d people (%v)", total, err)
		}
		// Finding by full phone works only inside the scope.
		ps, _, _ = db.People(ctx, secA, storage.PeopleFilter{Phone: "139 0000 0002"})
		if len(ps) != 0 {
			t.Fatal("found another community's person by phone")
		}
		ps, _, _ = db.People(ctx, storage.System, storage.PeopleFilter{Phone: "139 0000 0002"})
		if len(ps) != 1 {
			t.Fatal("full phone search does not find")
		}
	})
	t.Run("CannotReadOrChangeOther", func(t *testing.T) {
		if _, err := db.Person(ctx, secA, pB.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("read: %v", err)
		}
		x := *pB
		x.Name = "改了"
		if err := db.UpdatePerson(ctx, secA, &x); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("update: %v", err)
		}
		// Nor move one's own person into the other community.
		y, _ := db.Person(ctx, secA, pA.ID)
		y.UnitID, y.HouseholdID = tr.gridB.ID, 0
		if err := db.UpdatePerson(ctx, secA, y); errs.Code(err) != errs.EINVALID {
			t.Fatalf("move out: %v", err)
		}
		got, _ := db.Person(ctx, storage.System, pB.ID)
		if got.Name != "赵开西" {
			t.Fatal("changed")
		}
	})
	t.Run("TwoEditsAtOnceOneWins", func(t *testing.T) {
		p, _ := db.Person(ctx, secA, pA.ID)
		var wg sync.WaitGroup
		results := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				x := *p
				x.Name = []string{"王一", "王二"}[i]
				results[i] = db.UpdatePerson(ctx, secA, &x)
			}()
		}
		wg.Wait()
		ok, conflicts := 0, 0
		for _, err := range results {
			switch errs.Code(err) {
			case "":
				ok++
			case errs.ECONFLICT:
				conflicts++
			default:
				t.Fatalf("unexpected %v", err)
			}
		}
		if ok != 1 || conflicts != 1 {
			t.Fatalf("%d succeeded, %d conflicted", ok, conflicts)
		}
	})
	t.Run("BadInputChangesNothing", func(t *testing.T) {
		before, _, _ := db.People(ctx, storage.System, storage.PeopleFilter{IncludeInactive: true})
		bad := &people.Person{UnitID: tr.gridA.ID, Name: "张三", Gender: "M", IDNumber: "410902197005011230"}
		err := db.CreatePerson(ctx, secA, bad)
		if errs.Code(err) != errs.EINVALID {
			t.Fatalf("got %v", err)
		}
		now, _, _ := db.People(ctx, storage.System, storage.PeopleFilter{IncludeInactive: true})
		if len(now) != len(before) {
			t.Fatal("a refused person was written")
		}
	})
	t.Run("AuditNeverHoldsNumbers", func(t *testing.T) {
		es, err := db.Audit(ctx, storage.System, storage.AuditFilter{Entity: "person"})
		if err != nil || len(es) == 0 {
			t.Fatalf("%v", err)
		}
		for _, e := range es {
			if strings.Contains(e.Before+e.After, "13800000001") || strings.Contains(e.Before+e.After, "13900000002") {
				t.Fatalf("audit entry %d holds a phone number", e.ID)
			}
		}
	})
}

func TestLoginAndSessions(t *testing.T) {
	db, clk := storagetest.Open(t)
	ctx := context.Background()
	tr := buildTree(t, db)
	u, err := db.CreateUser(ctx, storage.System, storage.NewUser{Username: "ZhanQian", Password: "Wuxing@2026"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "zhanqian" {
		t.Fatalf("username not lower-cased: %s", u.Username)
	}
	if err := db.BindRole(ctx, storage.System, u.ID, authz.BranchSecretary, tr.a.ID); err != nil {
		t.Fatal(err)
	}
	tok, sess, err := db.Login(ctx, "zhanqian", "Wuxing@2026", "web", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if !sess.Principal.CanAt(authz.EditPeople, tr.gridA.Path) || sess.Principal.CanAt(authz.ViewPeople, tr.b.Path) {
		t.Fatal("principal's scope is wrong")
	}
	got, err := db.SessionByToken(ctx, tok)
	if err != nil || got.UserID != u.ID {
		t.Fatalf("session: %v", err)
	}
	clk.Advance(3 * 60 * 60 * 1e9) // idle past the timeout
	if _, err := db.SessionByToken(ctx, tok); errs.Code(err) != errs.EUNAUTHORIZED {
		t.Fatalf("idle session still open: %v", err)
	}
	// Removing the binding ends sessions at once.
	tok, _, _ = db.Login(ctx, "zhanqian", "Wuxing@2026", "web", "")
	got, _ = db.SessionByToken(ctx, tok)
	if err := db.UnbindRole(ctx, storage.System, u.ID, got.Principal.Bindings[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SessionByToken(ctx, tok); err == nil {
		t.Fatal("session survived losing its role")
	}
	// Logins, failed or not, are in the audit log.
	db.Login(ctx, "zhanqian", "nope", "web", "10.0.0.1")
	db.Login(ctx, "nobody", "nope", "web", "10.0.0.1")
	es, _ := db.Audit(ctx, storage.System, storage.AuditFilter{Action: "login_failed"})
	if len(es) != 2 {
		t.Fatalf("%d failed logins recorded, want 2", len(es))
	}
}
