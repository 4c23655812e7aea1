package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"wuxing/internal/people"
	"wuxing/internal/storage"
)

func pplStoredAssignment(t *testing.T, f *fixture, id int64) *people.Assignment {
	t.Helper()
	x, err := f.db.Assignment(context.Background(), storage.System, id)
	if err != nil {
		t.Fatalf("assignment %d: %v", id, err)
	}
	return x
}

func pplAssignmentCount(t *testing.T, f *fixture) int {
	t.Helper()
	_, n, err := f.db.Assignments(context.Background(), storage.System, storage.AssignmentFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAssignmentList(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zhanqian")
	st, body := c.get("/assignments")
	if st != 200 || !strings.Contains(body, f.zqCadre.Name) || !strings.Contains(body, f.zqHead.Name) || !strings.Contains(body, "村干部联系党员") {
		t.Fatalf("list: %d", st)
	}
	pplNoLeak(t, f, "assignment list", body)
	if _, body := c.get("/assignments?kind=household_link"); strings.Contains(body, f.zqCadre.Name) {
		t.Fatal("kind filter")
	}
	if st, _ := c.get(fmt.Sprintf("/assignments?unit=%d", f.kx.ID)); st != http.StatusNotFound {
		t.Fatalf("out-of-scope unit: %d", st)
	}
	a := f.apiLogin(t, "zhanqian")
	st, body = a.api("GET", fmt.Sprintf("/api/v1/assignments?unit=%d&kind=member_contact", f.zq.ID), nil)
	var res struct {
		Assignments []assignmentJSON
		Total       int
	}
	pplJSON(t, body, &res)
	if st != 200 || res.Total != 1 || res.Assignments[0].ID != f.zqAssignment.ID || !res.Assignments[0].Current || res.Assignments[0].TargetName != f.zqHead.Name {
		t.Fatalf("API: %d %s", st, body)
	}
	_, body = a.api("GET", "/api/v1/assignments?limit=1000", nil)
	pplNoLeak(t, f, "API assignment list", body)
	if st, _ := a.api("GET", "/api/v1/assignments?kind=bogus", nil); st != http.StatusUnprocessableEntity {
		t.Fatalf("bad kind: %d", st)
	}
}

func TestAssignmentCreate(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zhanqian")
	st, form := c.get(fmt.Sprintf("/assignments/new?kind=household_link&unit=%d", f.zq.ID))
	if st != 200 || !strings.Contains(form, f.zqHousehold.Address) || !strings.Contains(form, f.zqHead.Name) {
		t.Fatalf("form: %d, household or member choice missing", st)
	}
	pplNoLeak(t, f, "assignment form", form)
	v := pplFormValues(form)
	v.Set("person_id", strconv.FormatInt(f.zqHead.ID, 10))
	v.Set("household_id", strconv.FormatInt(f.zqHousehold.ID, 10))
	if st, body := c.post("/assignments", v); st != http.StatusSeeOther {
		t.Fatalf("create: %d %s", st, pplFieldErrors(body))
	}
	links, _, _ := f.db.Assignments(context.Background(), storage.System, storage.AssignmentFilter{Kind: people.HouseholdLink})
	if len(links) != 1 || links[0].PersonID != f.zqHead.ID || links[0].HouseholdID != f.zqHousehold.ID || links[0].StartsOn != "2026-03-02" {
		t.Fatalf("stored: %+v", links)
	}

	t.Run("NeedsPartyMember", func(t *testing.T) {
		p := pplPerson(t, f, &people.Person{UnitID: f.zq.ID, Name: "冯群众"})
		before := pplAssignmentCount(t, f)
		v.Set("person_id", strconv.FormatInt(p.ID, 10))
		st, body := c.post("/assignments", v)
		if st != http.StatusUnprocessableEntity || !strings.Contains(pplFieldError(body, "person_id"), "须为党员") {
			t.Fatalf("non-member: %d %q", st, pplFieldErrors(body))
		}
		if n := pplAssignmentCount(t, f); n != before {
			t.Fatal("written anyway")
		}
	})
	t.Run("FirstSecretaryForm", func(t *testing.T) {
		st, form := c.get(fmt.Sprintf("/assignments/new?kind=first_secretary&unit=%d", f.zq.ID))
		if st != 200 || !strings.Contains(form, f.zqCadre.Name) || strings.Contains(form, ">"+f.zqHead.Name+" ·") {
			t.Fatalf("first secretary form: %d (cadres only)", st)
		}
		v := pplFormValues(form)
		v.Set("person_id", strconv.FormatInt(f.zqCadre.ID, 10))
		v.Set("unit_id", strconv.FormatInt(f.zq.ID, 10))
		if st, body := c.post("/assignments", v); st != http.StatusSeeOther {
			t.Fatalf("create: %d %s", st, pplFieldErrors(body))
		}
	})
	t.Run("EndsBeforeStarts", func(t *testing.T) {
		before := pplAssignmentCount(t, f)
		st, body := f.apiLogin(t, "zhanqian").api("POST", "/api/v1/assignments", map[string]any{"kind": "member_contact",
			"person_id": f.zqCadre.ID, "member_id": f.zqHead.ID, "starts_on": "2026-03-01", "ends_on": "2026-02-01"})
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"ends_on"`) {
			t.Fatalf("%d %s", st, body)
		}
		if n := pplAssignmentCount(t, f); n != before {
			t.Fatal("written anyway")
		}
	})
	t.Run("API", func(t *testing.T) {
		st, body := f.apiLogin(t, "zhanqian").api("POST", "/api/v1/assignments", map[string]any{"kind": "member_contact",
			"person_id": f.zqCadre.ID, "member_id": f.zqCadre.ID, "starts_on": "2026-03-01"})
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "不能联系自己") {
			t.Fatalf("self contact: %d %s", st, body)
		}
		m := pplPerson(t, f, &people.Person{UnitID: f.zqGrid.ID, Name: "褚党员", BirthDate: "1980-01-01", PartyMember: true, JoinedPartyOn: "2005-07-01"})
		st, body = f.apiLogin(t, "zhanqian").api("POST", "/api/v1/assignments", map[string]any{"kind": "member_contact",
			"person_id": f.zqCadre.ID, "member_id": m.ID, "starts_on": "2026-03-01"})
		if st != http.StatusCreated || !strings.Contains(body, `"target_name":"褚党员"`) {
			t.Fatalf("create: %d %s", st, body)
		}
	})
}

func TestAssignmentEnd(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zhanqian")
	id := f.zqAssignment.ID
	st, form := c.get(fmt.Sprintf("/assignments/%d/end", id))
	if st != 200 {
		t.Fatalf("end form: %d", st)
	}
	v := pplFormValues(form)
	if v.Get("ends_on") != "2026-03-02" || v.Get("version") != "1" {
		t.Fatalf("end form values: %v", v)
	}
	bad := url.Values{"ends_on": {"2025-12-31"}, "version": {"1"}}
	st, body := c.post(fmt.Sprintf("/assignments/%d/end", id), bad)
	if st != http.StatusUnprocessableEntity || !strings.Contains(pplFieldError(body, "ends_on"), "结束日期不能早于开始日期") {
		t.Fatalf("end before start: %d %q", st, pplFieldErrors(body))
	}
	v.Set("ends_on", "2026-02-28")
	if st, body := c.post(fmt.Sprintf("/assignments/%d/end", id), v); st != http.StatusSeeOther {
		t.Fatalf("end: %d %s", st, pplFieldErrors(body))
	}
	if x := pplStoredAssignment(t, f, id); x.EndsOn != "2026-02-28" || x.Version != 2 {
		t.Fatalf("stored: %+v", x)
	}
	if st, _ := c.post(fmt.Sprintf("/assignments/%d/end", id), v); st != http.StatusConflict {
		t.Fatalf("stale end: %d", st)
	}
	a := f.apiLogin(t, "zhanqian")
	if st, _ := a.api("POST", fmt.Sprintf("/api/v1/assignments/%d/end", id), map[string]any{"ends_on": "2026-03-01", "version": 1}); st != http.StatusConflict {
		t.Fatalf("API stale end: %d", st)
	}
	st, body = a.api("POST", fmt.Sprintf("/api/v1/assignments/%d/end", id), map[string]any{"ends_on": "2026-03-01", "version": 2})
	if st != 200 || !strings.Contains(body, `"ends_on":"2026-03-01"`) {
		t.Fatalf("API end: %d %s", st, body)
	}
	// Ended: the member now lacks a contact.
	_, body = a.api("GET", fmt.Sprintf("/api/v1/units/%d/coverage", f.zq.ID), nil)
	if !strings.Contains(body, `"contacted_members":0`) {
		t.Fatalf("coverage after the end: %s", body)
	}
}

func TestAssignmentScope(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zhanqian")
	a := f.apiLogin(t, "zhanqian")
	kx := f.kxAssignment.ID
	before := pplStoredAssignment(t, f, kx)
	if st, body := c.get(fmt.Sprintf("/assignments/%d/end", kx)); st != http.StatusNotFound {
		t.Errorf("GET end form: %d", st)
	} else {
		pplNoLeak(t, f, "end form", body)
	}
	if st, _ := c.post(fmt.Sprintf("/assignments/%d/end", kx), url.Values{"ends_on": {"2026-03-01"}, "version": {"1"}}); st != http.StatusNotFound {
		t.Errorf("POST end: %d", st)
	}
	if st, _ := a.api("POST", fmt.Sprintf("/api/v1/assignments/%d/end", kx), map[string]any{"ends_on": "2026-03-01", "version": 1}); st != http.StatusNotFound {
		t.Errorf("API end: %d", st)
	}
	if got := pplStoredAssignment(t, f, kx); got.Version != before.Version || got.EndsOn != "" {
		t.Fatal("开西社区's assignment changed")
	}
	// No assignment may name 开西社区's people or households, by page or API.
	n := pplAssignmentCount(t, f)
	st, _ := c.post("/assignments", url.Values{"kind": {"household_link"}, "person_id": {strconv.FormatInt(f.zqHead.ID, 10)},
		"household_id": {strconv.FormatInt(f.kxHousehold.ID, 10)}, "starts_on": {"2026-03-01"}, "scope_unit": {strconv.FormatInt(f.zq.ID, 10)}})
	if st != http.StatusUnprocessableEntity {
		t.Errorf("link to 开西社区's household: %d", st)
	}
	for _, in := range []map[string]any{
		{"kind": "member_contact", "person_id": f.zqCadre.ID, "member_id": f.kxHead.ID, "starts_on": "2026-03-01"},
		{"kind": "member_contact", "person_id": f.kxCadre.ID, "member_id": f.zqHead.ID, "starts_on": "2026-03-01"},
		{"kind": "first_secretary", "person_id": f.zqCadre.ID, "unit_id": f.kx.ID, "starts_on": "2026-03-01"},
	} {
		if st, body := a.api("POST", "/api/v1/assignments", in); st != http.StatusUnprocessableEntity {
			t.Errorf("API create %v: %d %s", in, st, body)
		} else {
			pplNoLeak(t, f, "API create error", body)
		}
	}
	if got := pplAssignmentCount(t, f); got != n {
		t.Fatal("an assignment was written")
	}
	if st, body := c.get(fmt.Sprintf("/assignments/new?kind=member_contact&unit=%d", f.kx.ID)); st != http.StatusNotFound {
		t.Errorf("form for 开西社区: %d", st)
	} else {
		pplNoLeak(t, f, "assignment form", body)
	}
}

func TestCoverage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// 站前社区: the fixture's household plus one more; link only the first. Party members: the
	// head (contacted by the cadre) and the cadre (contacted by nobody).
	second := pplHousehold(t, f, &people.Household{UnitID: f.zqGrid.ID, Address: "站前路16号平房"})
	if err := f.db.CreateAssignment(ctx, storage.System, &people.Assignment{Kind: people.HouseholdLink, PersonID: f.zqHead.ID,
		HouseholdID: f.zqHousehold.ID, StartsOn: "2026-01-01"}); err != nil {
		t.Fatal(err)
	}
	// A link that ended does not count.
	if err := f.db.CreateAssignment(ctx, storage.System, &people.Assignment{Kind: people.HouseholdLink, PersonID: f.zqCadre.ID,
		HouseholdID: second.ID, StartsOn: "2025-01-01", EndsOn: "2025-12-31"}); err != nil {
		t.Fatal(err)
	}
	c := f.login(t, "zhanqian")
	st, body := c.get(fmt.Sprintf("/units/%d/coverage", f.zq.ID))
	if st != 200 {
		t.Fatalf("%d", st)
	}
	for _, want := range []string{"1 / 2", "50.0%", "站前路16号平房", f.zqCadre.Name, "data-print"} {
		if !strings.Contains(body, want) {
			t.Errorf("coverage page misses %q", want)
		}
	}
	unlinked := body[strings.Index(body, "尚无联户党员的户"):]
	unlinked = unlinked[:strings.Index(unlinked, "</section>")]
	if strings.Contains(unlinked, f.zqHousehold.Address) {
		t.Error("a linked household is listed as unlinked")
	}
	uncontacted := body[strings.Index(body, "尚无村干部联系的党员"):]
	if strings.Contains(uncontacted[:strings.Index(uncontacted, "</section>")], f.zqHead.Name) {
		t.Error("a contacted member is listed as uncontacted")
	}
	pplNoLeak(t, f, "coverage", body)

	a := f.apiLogin(t, "zhanqian")
	_, body = a.api("GET", fmt.Sprintf("/api/v1/units/%d/coverage", f.zq.ID), nil)
	var cov coverageJSON
	pplJSON(t, body, &cov)
	if cov.Households != 2 || cov.LinkedHouseholds != 1 || cov.HouseholdRate != 50 || cov.Members != 2 || cov.ContactedMembers != 1 ||
		cov.MemberRate != 50 || cov.Complete || len(cov.UnlinkedHouseholds) != 1 || cov.UnlinkedHouseholds[0].ID != second.ID ||
		len(cov.UncontactedMembers) != 1 || cov.UncontactedMembers[0].ID != f.zqCadre.ID {
		t.Fatalf("API coverage: %s", body)
	}
	// The town sees its two communities together.
	_, body = f.apiLogin(t, "town").api("GET", fmt.Sprintf("/api/v1/units/%d/coverage", f.town.ID), nil)
	pplJSON(t, body, &cov)
	if cov.Households != 3 || cov.LinkedHouseholds != 1 || cov.Members != 4 || cov.ContactedMembers != 2 {
		t.Fatalf("town coverage: %s", body)
	}

	t.Run("Scope", func(t *testing.T) {
		if st, body := c.get(fmt.Sprintf("/units/%d/coverage", f.kx.ID)); st != http.StatusNotFound {
			t.Errorf("page: %d", st)
		} else {
			pplNoLeak(t, f, "coverage", body)
		}
		if st, _ := a.api("GET", fmt.Sprintf("/api/v1/units/%d/coverage", f.kx.ID), nil); st != http.StatusNotFound {
			t.Errorf("API: %d", st)
		}
	})
}
