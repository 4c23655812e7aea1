package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"wuxing/internal/org"
	"wuxing/internal/storage"
)

// unitNow reads a unit as it stands in the database, unscoped.
func (f *fixture) unitNow(t *testing.T, id int64) *org.Unit {
	t.Helper()
	u, err := f.db.Unit(context.Background(), storage.System, id)
	if err != nil {
		t.Fatalf("unit %d: %v", id, err)
	}
	return u
}

func (f *fixture) unitCount(t *testing.T) int {
	t.Helper()
	_, n, err := f.db.Units(context.Background(), storage.System, storage.UnitFilter{IncludeInactive: true, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func unitsID(id int64) string { return fmt.Sprint(id) }

func unitsHas(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

func unitsHasNot(t *testing.T, what, body string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(body, n) {
			t.Errorf("%s: contains %q", what, n)
		}
	}
}

func TestUnitTreePage(t *testing.T) {
	f := newFixture(t)
	for _, who := range []string{"town", "admin"} {
		t.Run(who, func(t *testing.T) {
			c := f.login(t, who)
			st, body := c.get("/units")
			if st != 200 {
				t.Fatalf("tree: %d", st)
			}
			if who == "admin" {
				// The admin's top unit is the city; the tree opens one level below it.
				unitsHas(t, "admin tree", body, "濮阳市", "华龙区")
				unitsHasNot(t, "admin tree, closed nodes", body, "站前社区")
			} else {
				unitsHas(t, "town tree", body, "建设办", `href="/units/`+unitsID(f.town.ID)+`"`, "站前社区", "开西社区")
				unitsHasNot(t, "town tree, closed nodes", body, "站前一网格")
			}
			// Opening 站前社区 shows its grid, and the path above it stays open.
			st, body = c.get("/units?open=" + unitsID(f.zq.ID))
			if st != 200 {
				t.Fatalf("open: %d", st)
			}
			unitsHas(t, "open 站前社区", body, "站前社区", "站前一网格", "开西社区", "?open="+unitsID(f.kx.ID))
			unitsHasNot(t, "open 站前社区", body, "开西一网格", "站前1号楼")
		})
	}
	c := f.login(t, "town")
	t.Run("Search", func(t *testing.T) {
		_, body := c.get("/units?q=" + url.QueryEscape("开西"))
		unitsHas(t, "search 开西", body, "开西社区", "开西一网格", "开西1号楼", "建设办")
		unitsHasNot(t, "search 开西", body, "站前社区")
		_, body = c.get("/units?q=410902003001")
		unitsHas(t, "search by code", body, "站前社区", "站前一网格")
		unitsHasNot(t, "search by code", body, "开西社区")
	})
	t.Run("KindFilter", func(t *testing.T) {
		_, body := c.get("/units?kind=grid")
		unitsHas(t, "grids", body, "站前一网格", "开西一网格")
		unitsHasNot(t, "grids", body, "站前1号楼", `href="/units/`+unitsID(f.zq.ID)+`"`)
	})
}

func TestUnitDetailPage(t *testing.T) {
	f := newFixture(t)
	zq := unitsID(f.zq.ID)
	t.Run("Town", func(t *testing.T) {
		c := f.login(t, "town")
		st, body := c.get("/units/" + zq)
		if st != 200 {
			t.Fatalf("detail: %d", st)
		}
		unitsHas(t, "detail", body,
			`href="/units/`+unitsID(f.town.ID)+`">建设办`, "410902003001", "站前一网格", "站前花园小区", "三无小区",
			"/people?unit="+zq, "/households?unit="+zq, "/assignments?unit="+zq, "/units/"+zq+"/coverage",
			`action="/units/`+zq+`"`, `action="/units/`+zq+`/move"`, `action="/units/`+zq+`/active"`, "data-confirm=",
			`action="/compounds"`, `name="version" value="1"`, `<option value="grid">`)
		unitsHasNot(t, "detail", body, "开西", `<option value="building">`)
		// The town page counts what each community holds: one household, two people, both members.
		_, body = c.get("/units/" + unitsID(f.town.ID))
		unitsHas(t, "town children", body, `data-label="户数">1<`, `data-label="人数">2<`, `data-label="党员数">2<`)
		// A grid's page offers buildings only, and no coverage check.
		_, body = c.get("/units/" + unitsID(f.zqGrid.ID))
		unitsHas(t, "grid", body, `<option value="building">`)
		unitsHasNot(t, "grid", body, "/coverage", `<option value="grid">`)
	})
	t.Run("SecretarySeesNoForms", func(t *testing.T) {
		c := f.login(t, "zhanqian")
		st, body := c.get("/units/" + zq)
		if st != 200 {
			t.Fatalf("detail: %d", st)
		}
		unitsHas(t, "secretary", body, "站前一网格", "站前花园小区", "/people?unit="+zq)
		unitsHasNot(t, "secretary", body, "/move", "/active", `action="/compounds"`, `action="/units"`)
		unitsHasNot(t, "secretary", body, f.kxMarkers()...)
	})
	t.Run("MemberSeesNoPeopleLinks", func(t *testing.T) {
		c := f.login(t, "zqmember")
		_, body := c.get("/units/" + zq)
		unitsHas(t, "member", body, "站前一网格")
		unitsHasNot(t, "member", body, "/people?unit=", "data-label=\"人数\">2")
	})
	t.Run("Compound", func(t *testing.T) {
		c := f.login(t, "town")
		st, body := c.get("/compounds/" + unitsID(f.zqCompound.ID))
		if st != 200 {
			t.Fatalf("compound: %d", st)
		}
		unitsHas(t, "compound", body, "站前花园小区", "三无小区", `name="three_without" value="1" checked`, `action="/compounds/`+unitsID(f.zqCompound.ID)+`"`)
	})
}

func TestUnitScope(t *testing.T) {
	f := newFixture(t)
	web := f.login(t, "zhanqian")
	api := f.apiLogin(t, "zhanqian")
	kx, kxGrid, kxc := unitsID(f.kx.ID), unitsID(f.kxGrid.ID), unitsID(f.kxCompound.ID)
	t.Run("OtherCommunityNotFound", func(t *testing.T) {
		for _, p := range []string{"/units/" + kx, "/units/" + kxGrid, "/units/" + unitsID(f.kxBuilding.ID), "/compounds/" + kxc,
			"/units/new?parent=" + kx, "/units/new?parent=" + kxGrid} {
			if st, body := web.get(p); st != http.StatusNotFound {
				t.Errorf("GET %s: %d", p, st)
			} else {
				unitsHasNot(t, p, body, f.kxMarkers()...)
			}
		}
		for _, p := range []string{"/api/v1/units/" + kx, "/api/v1/units/" + kxGrid, "/api/v1/units/" + kx + "/compounds",
			"/api/v1/compounds/" + kxc, "/api/v1/units?parent=" + kx, "/api/v1/units?under=" + unitsID(f.town.ID)} {
			if st, body := api.api("GET", p, nil); st != http.StatusNotFound {
				t.Errorf("API GET %s: %d", p, st)
			} else {
				unitsHasNot(t, p, body, f.kxMarkers()...)
			}
		}
	})
	t.Run("ListsHoldNothingOfKaixi", func(t *testing.T) {
		for _, p := range []string{"/units", "/units?inactive=1", "/units?q=" + url.QueryEscape("开西"), "/units?kind=grid",
			"/units?kind=community&inactive=1", "/units?open=" + kx, "/units?open=" + unitsID(f.zqGrid.ID), "/units/" + unitsID(f.zq.ID),
			"/units/new?parent=" + unitsID(f.zq.ID), "/compounds/" + unitsID(f.zqCompound.ID)} {
			st, body := web.get(p)
			if st != 200 && st != http.StatusForbidden {
				t.Errorf("GET %s: %d", p, st)
			}
			unitsHasNot(t, p, body, f.kxMarkers()...)
		}
		for _, p := range []string{"/api/v1/units", "/api/v1/units?inactive=1", "/api/v1/units?q=" + url.QueryEscape("开西"),
			"/api/v1/units?kind=grid,building", "/api/v1/units?parent=" + unitsID(f.zq.ID), "/api/v1/units/" + unitsID(f.zq.ID) + "/compounds"} {
			st, body := api.api("GET", p, nil)
			if st != 200 {
				t.Errorf("API GET %s: %d", p, st)
			}
			unitsHasNot(t, p, body, f.kxMarkers()...)
		}
		_, body := api.api("GET", "/api/v1/units", nil)
		var list apiUnitList
		if err := json.Unmarshal([]byte(body), &list); err != nil {
			t.Fatal(err)
		}
		if list.Total != 3 || len(list.Units) != 3 {
			t.Fatalf("站前社区 sees %d units (total %d), want itself, its grid and its building", len(list.Units), list.Total)
		}
	})
	t.Run("CannotChangeKaixi", func(t *testing.T) {
		v := unitsID(f.kx.Version)
		posts := map[string]url.Values{
			"/units/" + kx:               {"name": {"改名"}, "code": {f.kx.Code}, "version": {v}},
			"/units/" + kxGrid + "/move": {"parent_code": {f.zq.Code}, "version": {unitsID(f.kxGrid.Version)}},
			"/units/" + kx + "/active":   {"active": {"0"}, "version": {v}},
			"/units":                     {"parent_id": {kx}, "kind": {"grid"}, "name": {"二网格"}, "code": {"410902003002002"}},
			"/compounds":                 {"unit_id": {kx}, "name": {"新小区"}},
			"/compounds/" + kxc:          {"name": {"改名小区"}, "version": {"1"}},
		}
		for p, form := range posts {
			if st, body := web.post(p, form); st != http.StatusNotFound {
				t.Errorf("POST %s: %d", p, st)
			} else {
				unitsHasNot(t, p, body, f.kxMarkers()...)
			}
		}
		calls := []struct {
			method, path string
			body         any
		}{
			{"PATCH", "/api/v1/units/" + kx, map[string]any{"name": "改名", "version": f.kx.Version}},
			{"POST", "/api/v1/units/" + kx + "/deactivate", map[string]any{"version": f.kx.Version}},
			{"POST", "/api/v1/units/" + kxGrid + "/move", map[string]any{"parent_id": f.zq.ID, "version": f.kxGrid.Version}},
			{"POST", "/api/v1/units", map[string]any{"parent_id": f.kx.ID, "kind": "grid", "name": "二网格", "code": "410902003002002"}},
			{"POST", "/api/v1/compounds", map[string]any{"unit_id": f.kx.ID, "name": "新小区"}},
			{"PUT", "/api/v1/compounds/" + kxc, map[string]any{"name": "改名小区", "version": 1}},
		}
		for _, c := range calls {
			if st, body := api.api(c.method, c.path, c.body); st != http.StatusNotFound {
				t.Errorf("%s %s: %d %s", c.method, c.path, st, body)
			}
		}
		now := f.unitNow(t, f.kx.ID)
		if now.Name != "开西社区" || now.Version != f.kx.Version || !now.Active || now.Children != 1 {
			t.Fatalf("开西社区 changed: %+v", now)
		}
		if g := f.unitNow(t, f.kxGrid.ID); g.ParentID != f.kx.ID {
			t.Fatal("开西一网格 moved")
		}
		c, _ := f.db.Compound(context.Background(), storage.System, f.kxCompound.ID)
		if c.Name != f.kxCompound.Name || c.Version != 1 {
			t.Fatalf("compound changed: %+v", c)
		}
	})
}

func TestSecretaryCannotEditUnits(t *testing.T) {
	f := newFixture(t)
	web := f.login(t, "zhanqian")
	api := f.apiLogin(t, "zhanqian")
	zq, v := unitsID(f.zq.ID), unitsID(f.zq.Version)
	before := f.unitCount(t)
	if st, _ := web.get("/units/new?parent=" + zq); st != http.StatusForbidden {
		t.Errorf("new unit form: %d", st)
	}
	for p, form := range map[string]url.Values{
		"/units/" + zq: {"name": {"改名"}, "code": {f.zq.Code}, "version": {v}},
		"/units/" + unitsID(f.zqGrid.ID) + "/move": {"parent_code": {f.kx.Code}, "version": {unitsID(f.zqGrid.Version)}},
		"/units/" + zq + "/active":                 {"active": {"0"}, "version": {v}},
		"/units":                                   {"parent_id": {zq}, "kind": {"grid"}, "name": {"二网格"}, "code": {"410902003001002"}},
		"/compounds":                               {"unit_id": {zq}, "name": {"新小区"}},
		"/compounds/" + unitsID(f.zqCompound.ID):   {"name": {"改名小区"}, "version": {"1"}},
	} {
		if st, _ := web.post(p, form); st != http.StatusForbidden {
			t.Errorf("POST %s: %d, want 403", p, st)
		}
	}
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"PATCH", "/api/v1/units/" + zq, map[string]any{"name": "改名", "version": f.zq.Version}},
		{"POST", "/api/v1/units/" + zq + "/deactivate", map[string]any{"version": f.zq.Version}},
		{"POST", "/api/v1/units", map[string]any{"parent_id": f.zq.ID, "kind": "grid", "name": "二网格", "code": "410902003001002"}},
		{"PUT", "/api/v1/compounds/" + unitsID(f.zqCompound.ID), map[string]any{"name": "改名小区", "version": 1}},
	} {
		if st, body := api.api(c.method, c.path, c.body); st != http.StatusForbidden || !strings.Contains(body, `"forbidden"`) {
			t.Errorf("%s %s: %d %s", c.method, c.path, st, body)
		}
	}
	now := f.unitNow(t, f.zq.ID)
	if now.Name != "站前社区" || now.Version != f.zq.Version || !now.Active {
		t.Fatalf("站前社区 changed: %+v", now)
	}
	if f.unitCount(t) != before {
		t.Fatal("a unit was created")
	}
	cs, _ := f.db.Compounds(context.Background(), storage.System, storage.CompoundFilter{UnitID: f.zq.ID})
	if len(cs) != 1 || cs[0].Name != f.zqCompound.Name {
		t.Fatalf("compounds changed: %+v", cs)
	}
}

func TestMoveUnitPages(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "town")
	api := f.apiLogin(t, "town")
	zq := unitsID(f.zq.ID)
	t.Run("IntoOwnSubtree", func(t *testing.T) {
		st, body := c.post("/units/"+zq+"/move", url.Values{"parent_code": {f.zqGrid.Code}, "version": {unitsID(f.zq.Version)}})
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("got %d", st)
		}
		unitsHas(t, "own subtree", body, "不能把单位移到它自己的下级中", `value="`+f.zqGrid.Code+`"`)
		st, body = api.api("POST", "/api/v1/units/"+zq+"/move", map[string]any{"parent_id": f.zqBuilding.ID, "version": f.zq.Version})
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "不能把单位移到它自己的下级中") || !strings.Contains(body, `"field":"parent_id"`) {
			t.Fatalf("API: %d %s", st, body)
		}
		if now := f.unitNow(t, f.zq.ID); now.Path != f.zq.Path || now.Version != f.zq.Version {
			t.Fatalf("unit changed: %+v", now)
		}
	})
	t.Run("KindDoesNotFit", func(t *testing.T) {
		st, body := c.post("/units/"+unitsID(f.zqGrid.ID)+"/move", url.Values{"parent_code": {f.town.Code}, "version": {unitsID(f.zqGrid.Version)}})
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("got %d", st)
		}
		unitsHas(t, "kind", body, "该类型的单位不能放在所选上级之下")
	})
	t.Run("UnknownParentCode", func(t *testing.T) {
		for _, code := range []string{"", "999999999999", f.county.Code} {
			st, body := c.post("/units/"+unitsID(f.zqGrid.ID)+"/move", url.Values{"parent_code": {code}, "version": {unitsID(f.zqGrid.Version)}})
			if st != http.StatusUnprocessableEntity {
				t.Fatalf("%q: got %d", code, st)
			}
			if code != "" {
				unitsHas(t, code, body, "未找到上级单位，或您无权管理")
			}
		}
		if now := f.unitNow(t, f.zqGrid.ID); now.ParentID != f.zq.ID {
			t.Fatal("grid moved")
		}
	})
	t.Run("GridBetweenCommunities", func(t *testing.T) {
		st, _ := c.post("/units/"+unitsID(f.zqGrid.ID)+"/move", url.Values{"parent_code": {f.kx.Code}, "version": {unitsID(f.zqGrid.Version)}})
		if st != http.StatusSeeOther {
			t.Fatalf("move: %d", st)
		}
		g := f.unitNow(t, f.zqGrid.ID)
		b := f.unitNow(t, f.zqBuilding.ID)
		if g.ParentID != f.kx.ID || !org.Within(g.Path, f.kx.Path) || !org.Within(b.Path, g.Path) || b.Depth != g.Depth+1 {
			t.Fatalf("subtree did not follow: grid %s, building %s", g.Path, b.Path)
		}
		// 开西社区's page now lists the grid and counts its household.
		_, body := c.get("/units/" + unitsID(f.kx.ID))
		unitsHas(t, "kx after move", body, "站前一网格", `data-label="户数">1<`)
		_, body = c.get("/units/" + unitsID(f.zqGrid.ID))
		unitsHas(t, "grid breadcrumbs", body, `href="/units/`+unitsID(f.kx.ID)+`">开西社区`)
		// And back through the API.
		st, body = api.api("POST", "/api/v1/units/"+unitsID(g.ID)+"/move", map[string]any{"parent_id": f.zq.ID, "version": g.Version})
		if st != 200 {
			t.Fatalf("API move: %d %s", st, body)
		}
		var u apiUnit
		json.Unmarshal([]byte(body), &u)
		if u.ParentID == nil || *u.ParentID != f.zq.ID || u.ParentName != "站前社区" || u.Version != g.Version+1 {
			t.Fatalf("API move answered %+v", u)
		}
		if b := f.unitNow(t, f.zqBuilding.ID); !org.Within(b.Path, f.zq.Path) {
			t.Fatalf("building did not come back: %s", b.Path)
		}
	})
}

func TestUnitStaleVersion(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "town")
	api := f.apiLogin(t, "town")
	zq := "/units/" + unitsID(f.zq.ID)
	v := unitsID(f.zq.Version)
	if st, _ := c.post(zq, url.Values{"name": {"站前街社区"}, "code": {f.zq.Code}, "version": {v}}); st != http.StatusSeeOther {
		t.Fatalf("first edit: %d", st)
	}
	st, body := c.post(zq, url.Values{"name": {"另一个名字"}, "code": {f.zq.Code}, "version": {v}})
	if st != http.StatusConflict {
		t.Fatalf("second edit with the same version: %d", st)
	}
	// The page comes back with the conflict message, what was typed, and the current version.
	unitsHas(t, "conflict page", body, "该记录已被他人修改", `value="另一个名字"`, `name="version" value="2"`)
	if st, _ := c.post(zq+"/move", url.Values{"parent_code": {f.town.Code}, "version": {v}}); st != http.StatusConflict {
		t.Errorf("stale move: %d", st)
	}
	if st, _ := c.post(zq+"/active", url.Values{"active": {"0"}, "version": {v}}); st != http.StatusConflict {
		t.Errorf("stale deactivate: %d", st)
	}
	st, body = api.api("PATCH", "/api/v1"+zq, map[string]any{"name": "又一个名字", "version": f.zq.Version})
	if st != http.StatusConflict || !strings.Contains(body, `"code":"conflict"`) {
		t.Fatalf("API stale: %d %s", st, body)
	}
	if st, body := api.api("PATCH", "/api/v1"+zq, map[string]any{"name": "又一个名字"}); st != http.StatusUnprocessableEntity {
		t.Errorf("API without version: %d %s", st, body)
	}
	if now := f.unitNow(t, f.zq.ID); now.Name != "站前街社区" || now.Version != 2 || !now.Active {
		t.Fatalf("after the conflicts: %+v", now)
	}
	// Compounds too.
	cp := "/compounds/" + unitsID(f.zqCompound.ID)
	if st, _ := c.post(cp, url.Values{"name": {"站前花园"}, "version": {"1"}}); st != http.StatusSeeOther {
		t.Fatalf("compound edit: %d", st)
	}
	st, body = c.post(cp, url.Values{"name": {"站前新苑"}, "version": {"1"}})
	if st != http.StatusConflict {
		t.Fatalf("stale compound: %d", st)
	}
	unitsHas(t, "compound conflict", body, "该记录已被他人修改", `value="站前新苑"`, `name="version" value="2"`)
	st, body = api.api("PUT", "/api/v1"+cp, map[string]any{"name": "站前新苑", "version": 1})
	if st != http.StatusConflict {
		t.Fatalf("API stale compound: %d %s", st, body)
	}
}

func TestUnitBadInput(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "town")
	api := f.apiLogin(t, "town")
	before := f.unitCount(t)
	zq, town := unitsID(f.zq.ID), unitsID(f.town.ID)
	cases := []struct {
		name string
		form url.Values
		want string
	}{
		{"GridCodeMustExtendParent", url.Values{"parent_id": {zq}, "kind": {"grid"}, "name": {"二网格"}, "code": {"123"}}, "网格、楼栋、部门编码应为上级编码后加 3 位数字"},
		{"CommunityNeedsTwelveDigits", url.Values{"parent_id": {town}, "kind": {"community"}, "name": {"新社区"}, "code": {"41090200300"}}, "12 位统计用区划代码"},
		{"CommunityCodeUnderItsTown", url.Values{"parent_id": {town}, "kind": {"community"}, "name": {"新社区"}, "code": {"410902004001"}}, "编码应以上级单位的编码开头"},
		{"CodeTaken", url.Values{"parent_id": {town}, "kind": {"community"}, "name": {"新社区"}, "code": {f.kx.Code}}, "该编码已被使用"},
		{"NameRequired", url.Values{"parent_id": {zq}, "kind": {"grid"}, "name": {" "}, "code": {"410902003001002"}}, "此项必填"},
		{"KindMustFit", url.Values{"parent_id": {zq}, "kind": {"building"}, "name": {"楼"}, "code": {"410902003001002"}}, "该类型的单位不能放在所选上级之下"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, body := c.post("/units", tc.form)
			if st != http.StatusUnprocessableEntity {
				t.Fatalf("got %d", st)
			}
			unitsHas(t, tc.name, body, tc.want, `value="`+tc.form.Get("code")+`"`)
		})
	}
	t.Run("API", func(t *testing.T) {
		st, body := api.api("POST", "/api/v1/units", map[string]any{"parent_id": f.zq.ID, "kind": "grid", "name": "二网格", "code": "4109"})
		var e struct {
			Error apiError `json:"error"`
		}
		json.Unmarshal([]byte(body), &e)
		if st != http.StatusUnprocessableEntity || len(e.Error.Fields) != 1 || e.Error.Fields[0].Field != "code" ||
			!strings.Contains(e.Error.Fields[0].Message, "上级编码后加 3 位数字") {
			t.Fatalf("bad code: %d %s", st, body)
		}
		if st, _ := api.api("PATCH", "/api/v1/units/"+zq, map[string]any{"code": "12", "version": f.zq.Version}); st != http.StatusUnprocessableEntity {
			t.Errorf("PATCH bad code: %d", st)
		}
		if st, _ := api.api("PATCH", "/api/v1/units/"+zq, map[string]any{"name": "x", "colour": "red", "version": f.zq.Version}); st != http.StatusBadRequest {
			t.Errorf("unknown field: %d", st)
		}
		if st, _ := api.api("GET", "/api/v1/units?kind=planet", nil); st != http.StatusUnprocessableEntity {
			t.Errorf("unknown kind: %d", st)
		}
		if st, _ := api.api("GET", "/api/v1/units?limit=ten", nil); st != http.StatusUnprocessableEntity {
			t.Errorf("bad limit: %d", st)
		}
	})
	t.Run("EditBadCode", func(t *testing.T) {
		st, body := c.post("/units/"+zq, url.Values{"name": {"站前社区"}, "code": {"4109020030019"}, "version": {unitsID(f.zq.Version)}})
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("got %d", st)
		}
		unitsHas(t, "edit", body, "12 位统计用区划代码", `value="4109020030019"`)
	})
	if f.unitCount(t) != before {
		t.Fatal("a unit was created from bad input")
	}
	if now := f.unitNow(t, f.zq.ID); now.Code != f.zq.Code || now.Version != f.zq.Version {
		t.Fatalf("站前社区 changed: %+v", now)
	}
	t.Run("CreateOK", func(t *testing.T) {
		st, _ := c.post("/units", url.Values{"parent_id": {zq}, "kind": {"grid"}, "name": {"站前二网格"}, "code": {"410902003001002"}})
		if st != http.StatusSeeOther {
			t.Fatalf("web create: %d", st)
		}
		u, err := f.db.UnitByCode(context.Background(), storage.System, "410902003001002")
		if err != nil || u.ParentID != f.zq.ID || u.Kind != org.Grid || u.Name != "站前二网格" {
			t.Fatalf("created: %+v %v", u, err)
		}
		st, body := api.api("POST", "/api/v1/units", map[string]any{"parent_id": u.ID, "kind": "building", "name": "2号楼", "code": "410902003001002001"})
		var got apiUnit
		json.Unmarshal([]byte(body), &got)
		if st != http.StatusCreated || got.ID == 0 || got.ParentName != "站前二网格" || got.Version != 1 || !got.Active {
			t.Fatalf("API create: %d %s", st, body)
		}
	})
}

func TestDeactivateUnitCascades(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "town")
	api := f.apiLogin(t, "town")
	st, _ := c.post("/units/"+unitsID(f.zq.ID)+"/active", url.Values{"active": {"0"}, "version": {unitsID(f.zq.Version)}})
	if st != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", st)
	}
	for _, u := range []*org.Unit{f.zq, f.zqGrid, f.zqBuilding} {
		if f.unitNow(t, u.ID).Active {
			t.Errorf("%s still active", u.Name)
		}
	}
	if !f.unitNow(t, f.kx.ID).Active {
		t.Fatal("开西社区 deactivated too")
	}
	_, body := c.get("/units")
	unitsHasNot(t, "tree without inactive", body, "站前社区")
	unitsHas(t, "tree without inactive", body, "开西社区")
	_, body = c.get("/units?inactive=1")
	unitsHas(t, "tree with inactive", body, "站前社区", "开西社区")
	_, body = c.get("/units/" + unitsID(f.zq.ID))
	unitsHas(t, "inactive unit page", body, "重新启用本单位")
	unitsHasNot(t, "inactive unit page", body, `action="/compounds"`, `action="/units"`)
	// The grid cannot come back while its community is inactive.
	g := f.unitNow(t, f.zqGrid.ID)
	st, body = api.api("POST", "/api/v1/units/"+unitsID(g.ID)+"/activate", map[string]any{"version": g.Version})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "上级单位已停用") {
		t.Fatalf("activate under inactive parent: %d %s", st, body)
	}
	st, body = c.post("/units/"+unitsID(g.ID)+"/active", url.Values{"active": {"1"}, "version": {unitsID(g.Version)}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "上级单位已停用") {
		t.Fatalf("web activate under inactive parent: %d", st)
	}
	z := f.unitNow(t, f.zq.ID)
	st, body = api.api("POST", "/api/v1/units/"+unitsID(z.ID)+"/activate", map[string]any{"version": z.Version})
	if st != 200 || !strings.Contains(body, `"active":true`) {
		t.Fatalf("reactivate: %d %s", st, body)
	}
}

func TestCompoundForms(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "town")
	api := f.apiLogin(t, "town")
	ctx := context.Background()
	st, _ := c.post("/compounds", url.Values{"unit_id": {unitsID(f.zqGrid.ID)}, "name": {"铁路小区"}, "address": {"站前路1号"}, "red_committee": {"1"}})
	if st != http.StatusSeeOther {
		t.Fatalf("create: %d", st)
	}
	cs, _ := f.db.Compounds(ctx, storage.System, storage.CompoundFilter{UnitID: f.zqGrid.ID})
	if len(cs) != 1 || !cs[0].RedCommittee || cs[0].ThreeWithout || cs[0].Address != "站前路1号" {
		t.Fatalf("created: %+v", cs)
	}
	_, body := c.get("/units/" + unitsID(f.zq.ID))
	unitsHas(t, "community lists its grid's compound", body, "铁路小区", "红色业委会", "站前花园小区", "三无小区")
	// Edit: clear 三无, set 红色业委会.
	st, _ = c.post("/compounds/"+unitsID(f.zqCompound.ID), url.Values{"name": {"站前花园小区"}, "red_committee": {"1"}, "version": {"1"}})
	if st != http.StatusSeeOther {
		t.Fatalf("edit: %d", st)
	}
	got, _ := f.db.Compound(ctx, storage.System, f.zqCompound.ID)
	if got.ThreeWithout || !got.RedCommittee || got.Version != 2 || !got.Active {
		t.Fatalf("edited: %+v", got)
	}
	// A compound cannot hang on a building, and needs a name.
	st, body = c.post("/compounds", url.Values{"unit_id": {unitsID(f.zqBuilding.ID)}, "name": {"楼里小区"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "小区须归属村、社区或网格") {
		t.Fatalf("compound on a building: %d", st)
	}
	st, body = c.post("/compounds/"+unitsID(f.zqCompound.ID), url.Values{"name": {""}, "version": {"2"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "此项必填") {
		t.Fatalf("empty name: %d", st)
	}
	// API.
	st, body = api.api("POST", "/api/v1/compounds", map[string]any{"unit_id": f.kx.ID, "name": "开西新苑", "three_without": true})
	var nc apiCompound
	json.Unmarshal([]byte(body), &nc)
	if st != http.StatusCreated || nc.ID == 0 || !nc.ThreeWithout || nc.UnitName != "开西社区" || nc.Version != 1 {
		t.Fatalf("API create: %d %s", st, body)
	}
	st, body = api.api("PUT", "/api/v1/compounds/"+unitsID(nc.ID), map[string]any{"name": "开西新苑", "three_without": false, "red_committee": true, "version": 1})
	if st != 200 || !strings.Contains(body, `"red_committee":true`) || !strings.Contains(body, `"three_without":false`) {
		t.Fatalf("API update: %d %s", st, body)
	}
	st, body = api.api("GET", "/api/v1/units/"+unitsID(f.kx.ID)+"/compounds", nil)
	var list apiCompoundList
	json.Unmarshal([]byte(body), &list)
	if st != 200 || len(list.Compounds) != 2 {
		t.Fatalf("API list: %d %s", st, body)
	}
}

func TestUnitPagesInEnglish(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "town")
	if st, _ := c.post("/lang", url.Values{"lang": {"en"}, "back": {"/units"}}); st != http.StatusSeeOther {
		t.Fatalf("lang: %d", st)
	}
	_, body := c.get("/units")
	unitsHas(t, "English tree", body, "Organization", "Name or code", "站前社区")
	unitsHasNot(t, "English tree", body, "组织架构", "名称或编码")
	_, body = c.get("/units/" + unitsID(f.zq.ID))
	unitsHas(t, "English detail", body, "Units below", "Three-without compound", "Move to another parent")
	unitsHasNot(t, "English detail", body, "下级单位", "三无小区")
	st, body := c.post("/units/"+unitsID(f.zq.ID)+"/move", url.Values{"parent_code": {f.zqGrid.Code}, "version": {unitsID(f.zq.Version)}})
	if st != http.StatusUnprocessableEntity || strings.Contains(body, "不能把单位移到它自己的下级中") {
		t.Fatalf("English error: %d", st)
	}
}
