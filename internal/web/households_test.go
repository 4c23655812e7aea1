package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"wuxing/internal/people"
	"wuxing/internal/storage"
)

func pplStoredHousehold(t *testing.T, f *fixture, id int64) *people.Household {
	t.Helper()
	h, err := f.db.Household(context.Background(), storage.System, id)
	if err != nil {
		t.Fatalf("household %d: %v", id, err)
	}
	return h
}

func pplHousehold(t *testing.T, f *fixture, h *people.Household) *people.Household {
	t.Helper()
	if err := f.db.CreateHousehold(context.Background(), storage.System, h); err != nil {
		t.Fatalf("household %s: %v", h.Address, err)
	}
	return h
}

func TestHouseholdList(t *testing.T) {
	f := newFixture(t)
	pplHousehold(t, f, &people.Household{UnitID: f.zqGrid.ID, Address: "站前路14号平房"})
	c := f.login(t, "zhanqian")
	_, body := c.get("/households")
	if !strings.Contains(body, f.zqHousehold.Address) || !strings.Contains(body, "站前路14号平房") || !strings.Contains(body, f.zqHead.Name) {
		t.Fatal("list misses a household or its head")
	}
	pplNoLeak(t, f, "household list", body)
	_, body = c.get("/households?q=" + url.QueryEscape("14号"))
	if strings.Contains(body, f.zqHousehold.Address) || !strings.Contains(body, "站前路14号平房") {
		t.Fatal("address search")
	}
	_, body = c.get(fmt.Sprintf("/households?unit=%d", f.zqBuilding.ID))
	if !strings.Contains(body, f.zqHousehold.Address) || strings.Contains(body, "站前路14号平房") {
		t.Fatal("unit filter")
	}
	if st, _ := c.get(fmt.Sprintf("/households?unit=%d", f.kx.ID)); st != http.StatusNotFound {
		t.Fatalf("out-of-scope unit: %d", st)
	}
	a := f.apiLogin(t, "zhanqian")
	st, body := a.api("GET", fmt.Sprintf("/api/v1/households?unit=%d", f.zq.ID), nil)
	var res struct {
		Households []householdJSON
		Total      int
	}
	pplJSON(t, body, &res)
	if st != 200 || res.Total != 2 || len(res.Households) != 2 {
		t.Fatalf("API: %d %s", st, body)
	}
	pplNoLeak(t, f, "API households", body)
	if st, _ := a.api("GET", fmt.Sprintf("/api/v1/households?unit=%d", f.kx.ID), nil); st != http.StatusNotFound {
		t.Fatalf("API out-of-scope unit: %d", st)
	}
}

func TestHouseholdShowMembersAndLink(t *testing.T) {
	f := newFixture(t)
	// A child born later than the head, and a link from the cadre (a party member).
	pplPerson(t, f, &people.Person{UnitID: f.zqBuilding.ID, HouseholdID: f.zqHousehold.ID, Relation: "child", Name: "王小明", BirthDate: "2001-01-01"})
	pplPerson(t, f, &people.Person{UnitID: f.zqBuilding.ID, HouseholdID: f.zqHousehold.ID, Relation: "spouse", Name: "陈桂兰", BirthDate: "1965-01-01"})
	link := &people.Assignment{Kind: people.HouseholdLink, PersonID: f.zqCadre.ID, HouseholdID: f.zqHousehold.ID, StartsOn: "2026-01-05"}
	if err := f.db.CreateAssignment(context.Background(), storage.System, link); err != nil {
		t.Fatal(err)
	}
	c := f.login(t, "zhanqian")
	st, body := c.get(fmt.Sprintf("/households/%d", f.zqHousehold.ID))
	if st != 200 {
		t.Fatalf("%d", st)
	}
	members := body[strings.Index(body, "<h2>家庭成员"):]
	head, spouse, child := strings.Index(members, f.zqHead.Name), strings.Index(members, "陈桂兰"), strings.Index(members, "王小明")
	if head < 0 || spouse < 0 || child < 0 || head > spouse || spouse > child {
		t.Fatalf("members not shown head first: %d %d %d", head, spouse, child)
	}
	if !strings.Contains(body, "户主") || !strings.Contains(body, "配偶") || !strings.Contains(body, "子女") {
		t.Fatal("relations missing")
	}
	links := body[strings.Index(body, "联户党员"):]
	if !strings.Contains(links, f.zqCadre.Name) || strings.Contains(body, "该户尚无联户党员") {
		t.Fatal("the linked party member is not shown")
	}
	_, body = f.apiLogin(t, "zhanqian").api("GET", fmt.Sprintf("/api/v1/households/%d", f.zqHousehold.ID), nil)
	var res struct {
		Household householdJSON
		Links     []assignmentJSON
	}
	pplJSON(t, body, &res)
	if len(res.Household.Members) != 3 || res.Household.Members[0].Name != f.zqHead.Name || len(res.Links) != 1 || res.Links[0].PersonID != f.zqCadre.ID {
		t.Fatalf("API household: %s", body)
	}
}

func TestHouseholdCreateEditAddMember(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zhanqian")
	st, form := c.get(fmt.Sprintf("/households/new?unit=%d", f.zq.ID))
	if st != 200 || !strings.Contains(form, f.zqBuilding.Name) || !strings.Contains(form, f.zqCompound.Name) {
		t.Fatalf("new form: %d, unit or compound choice missing", st)
	}
	v := url.Values{"address": {"站前路20号3单元301"}, "unit_id": {strconv.FormatInt(f.zqBuilding.ID, 10)}, "compound_id": {strconv.FormatInt(f.zqCompound.ID, 10)}}
	st, body := c.post("/households", v)
	if st != http.StatusSeeOther {
		t.Fatalf("create: %d %s", st, pplFieldErrors(body))
	}
	_, list := c.get("/households?q=" + url.QueryEscape("20号"))
	m := regexp.MustCompile(`<a href="/households/(\d+)">站前路20号`).FindStringSubmatch(list)
	if m == nil {
		t.Fatal("new household not listed")
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	if h := pplStoredHousehold(t, f, id); h.CompoundID != f.zqCompound.ID || h.UnitID != f.zqBuilding.ID {
		t.Fatalf("stored: %+v", h)
	}

	t.Run("Edit", func(t *testing.T) {
		_, form := c.get(fmt.Sprintf("/households/%d/edit", id))
		ev := pplFormValues(form)
		if ev.Get("address") != "站前路20号3单元301" || ev.Get("version") != "1" {
			t.Fatalf("edit form values: %v", ev)
		}
		ev.Set("address", "站前路20号3单元302")
		if st, body := c.post(fmt.Sprintf("/households/%d", id), ev); st != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", st, pplFieldErrors(body))
		}
		// The same form again is stale.
		ev.Set("address", "站前路20号3单元303")
		if st, _ := c.post(fmt.Sprintf("/households/%d", id), ev); st != http.StatusConflict {
			t.Fatalf("stale edit: %d", st)
		}
		if h := pplStoredHousehold(t, f, id); h.Address != "站前路20号3单元302" || h.Version != 2 {
			t.Fatalf("stored: %q v%d", h.Address, h.Version)
		}
	})
	t.Run("AddMember", func(t *testing.T) {
		p := pplPerson(t, f, &people.Person{UnitID: f.zqBuilding.ID, Name: "吴搬来"})
		_, page := c.get(fmt.Sprintf("/households/%d", id))
		if !strings.Contains(page, "吴搬来") {
			t.Fatal("the person is not offered")
		}
		st, body := c.post(fmt.Sprintf("/households/%d/members", id), url.Values{"person_id": {strconv.FormatInt(p.ID, 10)}})
		if st != http.StatusUnprocessableEntity || pplFieldError(body, "relation") == "" {
			t.Fatalf("no relation: %d %q", st, pplFieldErrors(body))
		}
		st, body = c.post(fmt.Sprintf("/households/%d/members", id), url.Values{"person_id": {strconv.FormatInt(p.ID, 10)}, "relation": {"head"}})
		if st != http.StatusSeeOther {
			t.Fatalf("add: %d %s", st, pplFieldErrors(body))
		}
		got := pplStored(t, f, p.ID)
		if got.HouseholdID != id || got.Relation != "head" {
			t.Fatalf("member: %+v", got)
		}
		if _, page := c.get(fmt.Sprintf("/households/%d", id)); !strings.Contains(page, "吴搬来") {
			t.Fatal("member not shown")
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		_, before, _ := f.db.Households(context.Background(), storage.System, storage.HouseholdFilter{Limit: 1})
		st, body := c.post("/households", url.Values{"address": {""}, "unit_id": {strconv.FormatInt(f.zqBuilding.ID, 10)}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(pplFieldError(body, "address"), "此项必填") {
			t.Fatalf("no address: %d %q", st, pplFieldErrors(body))
		}
		st, body = c.post("/households", url.Values{"address": {"某处"}, "unit_id": {strconv.FormatInt(f.zq.ID, 10)}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(pplFieldError(body, "unit_id"), "户须归属网格或楼栋") {
			t.Fatalf("household in a community: %d %q", st, pplFieldErrors(body))
		}
		st, _ = f.apiLogin(t, "zhanqian").api("POST", "/api/v1/households", map[string]any{"address": "某处", "unit_id": f.zqGrid.ID, "compound_id": f.kxCompound.ID})
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("another community's compound: %d", st)
		}
		if _, after, _ := f.db.Households(context.Background(), storage.System, storage.HouseholdFilter{Limit: 1}); after != before {
			t.Fatalf("households: %d before, %d after", before, after)
		}
	})
}

func TestHouseholdScope(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zhanqian")
	a := f.apiLogin(t, "zhanqian")
	kx := f.kxHousehold.ID
	before := pplStoredHousehold(t, f, kx)
	for _, path := range []string{fmt.Sprintf("/households/%d", kx), fmt.Sprintf("/households/%d/edit", kx)} {
		if st, body := c.get(path); st != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, st)
		} else {
			pplNoLeak(t, f, path, body)
		}
	}
	v := url.Values{"address": {"被改了"}, "unit_id": {strconv.FormatInt(f.kxBuilding.ID, 10)}, "version": {"1"}, "active": {"0"},
		"person_id": {strconv.FormatInt(f.zqCadre.ID, 10)}, "relation": {"other"}}
	for _, path := range []string{fmt.Sprintf("/households/%d", kx), fmt.Sprintf("/households/%d/active", kx), fmt.Sprintf("/households/%d/members", kx)} {
		if st, _ := c.post(path, v); st != http.StatusNotFound {
			t.Errorf("POST %s: %d", path, st)
		}
	}
	if st, body := a.api("GET", fmt.Sprintf("/api/v1/households/%d", kx), nil); st != http.StatusNotFound {
		t.Errorf("API GET: %d", st)
	} else {
		pplNoLeak(t, f, "API GET", body)
	}
	if st, _ := a.api("PUT", fmt.Sprintf("/api/v1/households/%d", kx), map[string]any{"version": 1, "address": "被改了"}); st != http.StatusNotFound {
		t.Errorf("API PUT: %d", st)
	}
	if got := pplStoredHousehold(t, f, kx); got.Version != before.Version || got.Address != before.Address || !got.Active {
		t.Fatal("开西社区's household changed")
	}
	if got := pplStored(t, f, f.zqCadre.ID); got.HouseholdID != 0 {
		t.Fatal("a person joined 开西社区's household")
	}
	_, body := c.get("/households?inactive=1")
	pplNoLeak(t, f, "household list", body)
	_, body = a.api("GET", "/api/v1/households?inactive=1&limit=1000", nil)
	pplNoLeak(t, f, "API household list", body)
}
