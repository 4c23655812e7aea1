package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// admTown2 is a second town, 皇甫办, beside the fixture's 建设办: its own community, a resident,
// a town administrator and a secretary, all out of the 建设办 administrator's reach.
type admTown2 struct {
	town, community *org.Unit
	resident        *people.Person
	adminID, secID  int64
}

func admSecondTown(t *testing.T, f *fixture) *admTown2 {
	t.Helper()
	ctx := context.Background()
	sys := storage.System
	w := &admTown2{}
	w.town = &org.Unit{Kind: org.Town, Code: "410902004000", Name: "皇甫办", ParentID: f.county.ID}
	if err := f.db.CreateUnit(ctx, sys, w.town); err != nil {
		t.Fatal(err)
	}
	w.community = &org.Unit{Kind: org.Community, Code: "410902004001", Name: "皇甫新村社区", ParentID: w.town.ID}
	if err := f.db.CreateUnit(ctx, sys, w.community); err != nil {
		t.Fatal(err)
	}
	w.resident = &people.Person{UnitID: w.community.ID, Name: "孙甫田", Gender: "F", BirthDate: "1981-02-03", Phone: "13700000777", Categories: []people.Category{people.Resident}}
	if err := f.db.CreatePerson(ctx, sys, w.resident); err != nil {
		t.Fatal(err)
	}
	w.adminID = admAccount(t, f, "hftown", authz.TownAdmin, w.town)
	w.secID = admAccount(t, f, "hfsec", authz.BranchSecretary, w.community)
	return w
}

// admAccount creates an account with the fixture password and one role.
func admAccount(t *testing.T, f *fixture, name string, role authz.Role, u *org.Unit) int64 {
	t.Helper()
	ctx := context.Background()
	nu, err := f.db.CreateUser(ctx, storage.System, storage.NewUser{Username: name, Password: testPassword})
	if err != nil {
		t.Fatalf("user %s: %v", name, err)
	}
	if err := f.db.BindRole(ctx, storage.System, nu.ID, role, u.ID); err != nil {
		t.Fatalf("bind %s: %v", name, err)
	}
	return nu.ID
}

func admAuditCount(t *testing.T, f *fixture) int {
	t.Helper()
	n, err := f.db.AuditCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func admNoUser(t *testing.T, f *fixture, name string) {
	t.Helper()
	if _, err := f.db.UserIDByName(context.Background(), name); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("account %s exists after a refused creation (err %v)", name, err)
	}
}

func admUserPath(id int64) string { return fmt.Sprintf("/admin/users/%d", id) }

func TestAdminCreateUser(t *testing.T) {
	f := newFixture(t)
	town := f.login(t, "town")
	newUser := func(name, pw, role, unitCode string) url.Values {
		return url.Values{"username": {name}, "password": {pw}, "role": {role}, "unit_code": {unitCode}, "locale": {"zh-CN"}}
	}

	t.Run("WeakPasswordRefusedInChinese", func(t *testing.T) {
		before := admAuditCount(t, f)
		for pw, msg := range map[string]string{
			"Ab1!x":        "密码长度至少 10 位",
			"weakpassword": "至少三类",
			"Newsec@2026x": "不能包含用户名",
		} {
			st, body := town.post("/admin/users", newUser("newsec", pw, "branch_secretary", f.zq.Code))
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, msg) {
				t.Errorf("password %q: %d, want 422 with %q", pw, st, msg)
			}
		}
		api := f.apiLogin(t, "town")
		before++ // the API login
		st, body := api.api("POST", "/api/v1/users", map[string]any{"username": "newsec", "password": "short", "role": "branch_secretary", "unit_id": f.zq.ID})
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"password"`) || !strings.Contains(body, "密码长度至少 10 位") {
			t.Errorf("API: %d %s", st, body)
		}
		admNoUser(t, f, "newsec")
		if after := admAuditCount(t, f); after != before {
			t.Errorf("audit grew from %d to %d on refused creations", before, after)
		}
	})

	t.Run("UnknownUnitCode", func(t *testing.T) {
		st, body := town.post("/admin/users", newUser("newsec", testPassword, "branch_secretary", "999999999999"))
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "未找到该单位") {
			t.Errorf("unknown code: %d", st)
		}
		// A unit outside the town is as unknown as a missing one.
		st, _ = town.post("/admin/users", newUser("newsec", testPassword, "branch_secretary", f.county.Code))
		if st != http.StatusUnprocessableEntity {
			t.Errorf("unit above the town: %d", st)
		}
		admNoUser(t, f, "newsec")
	})

	t.Run("FormOffersOnlyGrantableRoles", func(t *testing.T) {
		st, body := town.get("/admin/users/new")
		if st != 200 || !strings.Contains(body, `value="branch_secretary"`) || !strings.Contains(body, f.zq.Code) {
			t.Fatalf("new-user form: %d", st)
		}
		for _, r := range []string{"admin", "county_admin", "town_admin"} {
			if strings.Contains(body, `<option value="`+r+`"`) {
				t.Errorf("town admin offered %s", r)
			}
		}
		if strings.Contains(body, f.county.Code) {
			t.Error("form suggests a unit above the town")
		}
	})

	t.Run("TownAdminCreatesSecretary", func(t *testing.T) {
		v := newUser("zqsec2", testPassword, "branch_secretary", f.zq.Code)
		v.Set("person_id", fmt.Sprint(f.zqCadre.ID))
		st, _ := town.post("/admin/users", v)
		if st != http.StatusSeeOther {
			t.Fatalf("create: %d", st)
		}
		id, err := f.db.UserIDByName(context.Background(), "zqsec2")
		if err != nil {
			t.Fatal(err)
		}
		st, body := town.get(admUserPath(id))
		if st != 200 || !strings.Contains(body, "站前社区") || !strings.Contains(body, f.zqCadre.Name) {
			t.Fatalf("new user's page: %d", st)
		}
		// The new secretary logs in and reaches 站前社区 and nothing of 开西社区.
		c := f.login(t, "zqsec2")
		_, home := c.get("/")
		if !strings.Contains(home, "站前社区") {
			t.Error("new secretary's home does not show 站前社区")
		}
		if m := admContainsAny(home, f.kxMarkers()); m != "" {
			t.Errorf("new secretary's home shows %q", m)
		}
		api := f.apiLogin(t, "zqsec2")
		_, me := api.api("GET", "/api/v1/me", nil)
		if !strings.Contains(me, `"branch_secretary"`) || !strings.Contains(me, "站前社区") || strings.Contains(me, "开西") {
			t.Errorf("me: %s", me)
		}
		_, sess, err := f.db.Login(context.Background(), "zqsec2", testPassword, "api", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		units, _, err := f.db.Units(context.Background(), storage.Actor{P: sess.Principal}, storage.UnitFilter{Limit: 1000})
		if err != nil || len(units) == 0 {
			t.Fatalf("units: %v %d", err, len(units))
		}
		for _, u := range units {
			if !org.Within(u.Path, f.zq.Path) {
				t.Errorf("new secretary reaches %s", u.Name)
			}
		}
	})

	t.Run("APICreate", func(t *testing.T) {
		api := f.apiLogin(t, "town")
		st, body := api.api("POST", "/api/v1/users", map[string]any{"username": "kxgrid2", "password": testPassword, "role": "grid_worker", "unit_id": f.kxGrid.ID})
		if st != http.StatusCreated {
			t.Fatalf("%d %s", st, body)
		}
		var u apiUserJSON
		json.Unmarshal([]byte(body), &u)
		if u.ID == 0 || len(u.Roles) != 1 || u.Roles[0].Role != authz.GridWorker || u.Roles[0].UnitID != f.kxGrid.ID {
			t.Errorf("created: %s", body)
		}
		if strings.Contains(body, "argon2") || strings.Contains(body, "password") {
			t.Error("API shows a password hash")
		}
		st, body = api.api("POST", "/api/v1/users", map[string]any{"username": "kxgrid2", "password": testPassword, "role": "grid_worker", "unit_id": f.kxGrid.ID})
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "已被使用") {
			t.Errorf("duplicate: %d %s", st, body)
		}
	})

	t.Run("TownAdminCannotGrantTownAdmin", func(t *testing.T) {
		before := admAuditCount(t, f)
		for _, role := range []string{"town_admin", "county_admin", "admin"} {
			st, body := town.post("/admin/users", newUser("deputy", testPassword, role, f.town.Code))
			if st != http.StatusForbidden || !strings.Contains(body, "无权在该单位授予此角色") {
				t.Errorf("create with %s: %d", role, st)
			}
		}
		admNoUser(t, f, "deputy")
		st, _ := town.post(admUserPath(f.users["zqgrid"])+"/roles", url.Values{"role": {"town_admin"}, "unit_code": {f.town.Code}})
		if st != http.StatusForbidden {
			t.Errorf("bind town_admin: %d", st)
		}
		api := f.apiLogin(t, "town")
		before++
		st, _ = api.api("POST", "/api/v1/users/"+fmt.Sprint(f.users["zqgrid"])+"/roles", map[string]any{"role": "county_admin", "unit_id": f.town.ID})
		if st != http.StatusForbidden {
			t.Errorf("API bind county_admin: %d", st)
		}
		st, _ = api.api("POST", "/api/v1/users", map[string]any{"username": "deputy", "password": testPassword, "role": "town_admin", "unit_id": f.town.ID})
		if st != http.StatusForbidden {
			t.Errorf("API create town_admin: %d", st)
		}
		admNoUser(t, f, "deputy")
		if after := admAuditCount(t, f); after != before {
			t.Errorf("audit grew from %d to %d on refused grants", before, after)
		}
	})
}

func TestAdminScope(t *testing.T) {
	f := newFixture(t)
	w := admSecondTown(t, f)
	kaixi := f.users["kaixi"]

	t.Run("BranchSecretaryHasNoUserManagement", func(t *testing.T) {
		c := f.login(t, "zhanqian")
		for path, want := range map[string]int{
			"/admin/users":                   403,
			"/admin/users/new":               403,
			admUserPath(kaixi):               404,
			admUserPath(f.users["zqgrid"]):   404,
			admUserPath(f.users["zhanqian"]): 404,
			admUserPath(f.users["zqmember"]): 404,
			admUserPath(f.users["admin"]):    404,
			admUserPath(999999):              404,
			"/admin/users/not-a-number":      404,
		} {
			if st, body := c.get(path); st != want {
				t.Errorf("GET %s: %d, want %d", path, st, want)
			} else if m := admContainsAny(body, []string{"kaixi", "开西"}); m != "" {
				t.Errorf("GET %s shows %q", path, m)
			}
		}
		if st, _ := c.post("/admin/users", url.Values{"username": {"sneaky"}, "password": {testPassword}, "role": {"member"}, "unit_code": {f.zq.Code}}); st != 403 {
			t.Errorf("POST /admin/users: %d", st)
		}
		admNoUser(t, f, "sneaky")
		for _, p := range []string{"/password", "/active", "/unlock", "/roles"} {
			v := url.Values{"password": {"Other@2026pass"}, "active": {"0"}, "role": {"member"}, "unit_code": {f.kx.Code}}
			if st, _ := c.post(admUserPath(kaixi)+p, v); st != 404 {
				t.Errorf("POST %s on kaixi: %d", p, st)
			}
		}
		api := f.apiLogin(t, "zhanqian")
		if st, _ := api.api("GET", "/api/v1/users", nil); st != 403 {
			t.Errorf("API list: %d", st)
		}
		if st, body := api.api("GET", "/api/v1/users/"+fmt.Sprint(kaixi), nil); st != 404 || strings.Contains(body, "kaixi") {
			t.Errorf("API kaixi: %d %s", st, body)
		}
		if st, _ := api.api("POST", "/api/v1/users/"+fmt.Sprint(kaixi)+"/roles", map[string]any{"role": "member", "unit_id": f.zq.ID}); st != 404 {
			t.Errorf("API bind on kaixi: %d", st)
		}
		if st, _ := api.api("DELETE", fmt.Sprintf("/api/v1/users/%d/roles/1", kaixi), nil); st != 404 {
			t.Errorf("API unbind on kaixi: %d", st)
		}
		// kaixi still logs in with the old password: nothing changed.
		f.apiLogin(t, "kaixi")
	})

	t.Run("TownAdminSeesOnlyTheTown", func(t *testing.T) {
		c := f.login(t, "town")
		st, body := c.get("/admin/users")
		if st != 200 || !strings.Contains(body, "zhanqian") || !strings.Contains(body, "kaixi") {
			t.Fatalf("list: %d", st)
		}
		for _, other := range []string{"hftown", "hfsec", ">admin<"} {
			if strings.Contains(body, other) {
				t.Errorf("town admin's list shows %s", other)
			}
		}
		for _, id := range []int64{w.secID, w.adminID, f.users["admin"]} {
			if st, _ := c.get(admUserPath(id)); st != 404 {
				t.Errorf("GET user %d: %d, want 404", id, st)
			}
			if st, _ := c.post(admUserPath(id)+"/password", url.Values{"password": {"Other@2026pass"}}); st != 404 {
				t.Errorf("reset password of user %d: %d, want 404", id, st)
			}
		}
		api := f.apiLogin(t, "town")
		_, list := api.api("GET", "/api/v1/users?q=hf", nil)
		if !strings.Contains(list, `"users":[]`) {
			t.Errorf("API search leaks: %s", list)
		}
		if st, _ := api.api("GET", "/api/v1/users/"+fmt.Sprint(w.secID), nil); st != 404 {
			t.Errorf("API other town's secretary: %d", st)
		}
		// Binding a role in the other town is refused as an unknown unit.
		if st, _ := c.post(admUserPath(f.users["zqgrid"])+"/roles", url.Values{"role": {"member"}, "unit_code": {w.community.Code}}); st != 422 {
			t.Errorf("bind in the other town: %d", st)
		}
	})

	t.Run("PeerTownAdminNotManaged", func(t *testing.T) {
		peer := admAccount(t, f, "town2", authz.TownAdmin, f.town)
		c := f.login(t, "town")
		st, body := c.get(admUserPath(peer))
		if st != 200 {
			t.Fatalf("peer's page: %d", st)
		}
		if strings.Contains(body, "/password\"") || strings.Contains(body, "/active\"") || strings.Contains(body, "/delete\"") {
			t.Error("page offers actions on a peer town admin")
		}
		if st, _ := c.post(admUserPath(peer)+"/password", url.Values{"password": {"Other@2026pass"}}); st != 403 {
			t.Errorf("reset peer's password: %d", st)
		}
		if st, _ := c.post(admUserPath(peer)+"/active", url.Values{"active": {"0"}}); st != 403 {
			t.Errorf("disable peer: %d", st)
		}
		f.login(t, "town2") // still active, same password
	})

	t.Run("AccountWithoutRoleStaysWithItsPerson", func(t *testing.T) {
		// An account whose roles were all removed is placed by its person; the other town's
		// administrator does not see it.
		ctx := context.Background()
		linked, err := f.db.CreateAccount(ctx, storage.System, storage.NewUser{Username: "kxlinked", Password: testPassword, PersonID: f.kxCadre.ID}, authz.Member, f.kx.ID)
		if err != nil {
			t.Fatal(err)
		}
		unlinked := admAccount(t, f, "kxunlinked", authz.Member, f.kx)
		for _, id := range []int64{linked.ID, unlinked} {
			u, _ := f.db.User(ctx, storage.System, id)
			if err := f.db.UnbindRole(ctx, storage.System, id, u.Bindings[0].ID); err != nil {
				t.Fatal(err)
			}
		}
		hf := f.login(t, "hftown")
		for _, id := range []int64{linked.ID, unlinked} {
			if st, _ := hf.get(admUserPath(id)); st != 404 {
				t.Errorf("other town sees account %d with no role: %d", id, st)
			}
		}
		if _, body := hf.get("/admin/users?q=kx"); strings.Contains(body, ">kxlinked<") || strings.Contains(body, ">kxunlinked<") {
			t.Error("other town lists an account with no role")
		}
		// 建设办 keeps the account whose person lives in 开西社区; one with no person is the
		// platform administrators'.
		c := f.login(t, "town")
		if st, _ := c.get(admUserPath(linked.ID)); st != 200 {
			t.Errorf("town, linked account: %d", st)
		}
		if _, body := c.get("/admin/users?q=kx"); !strings.Contains(body, ">kxlinked<") || strings.Contains(body, ">kxunlinked<") {
			t.Error("town's list of accounts with no role")
		}
		if st, _ := c.get(admUserPath(unlinked)); st != 404 {
			t.Errorf("town, unlinked account: %d", st)
		}
		admin := f.login(t, "admin")
		for _, id := range []int64{linked.ID, unlinked} {
			if st, _ := admin.get(admUserPath(id)); st != 200 {
				t.Errorf("admin, account %d: %d", id, st)
			}
		}
	})
}

func TestAdminManageAccount(t *testing.T) {
	f := newFixture(t)
	town := f.login(t, "town")
	grid := f.users["zqgrid"]

	t.Run("BindAndUnbind", func(t *testing.T) {
		member := f.login(t, "zqmember")
		st, _ := town.post(admUserPath(f.users["zqmember"])+"/roles", url.Values{"role": {"grid_worker"}, "unit_code": {f.zqGrid.Code}})
		if st != http.StatusSeeOther {
			t.Fatalf("bind: %d", st)
		}
		u, _ := f.db.User(context.Background(), storage.System, f.users["zqmember"])
		if len(u.Bindings) != 2 {
			t.Fatalf("bindings after bind: %v", u.Bindings)
		}
		st, body := town.post(admUserPath(f.users["zqmember"])+"/roles", url.Values{"role": {"grid_worker"}, "unit_code": {f.zqGrid.Code}})
		if st != 422 || !strings.Contains(body, "已在此单位拥有此角色") {
			t.Errorf("bind twice: %d", st)
		}
		st, _ = town.post(fmt.Sprintf("%s/roles/%d/delete", admUserPath(f.users["zqmember"]), u.Bindings[1].ID), nil)
		if st != http.StatusSeeOther {
			t.Fatalf("unbind: %d", st)
		}
		// Removing a role ends the user's sessions, so the change applies at once.
		if st, _ := member.get("/"); st != http.StatusSeeOther {
			t.Errorf("member's session survived a role change: %d", st)
		}
		api := f.apiLogin(t, "town")
		st, body = api.api("POST", fmt.Sprintf("/api/v1/users/%d/roles", f.users["zqmember"]), map[string]any{"role": "grid_worker", "unit_id": f.zqGrid.ID})
		if st != http.StatusCreated {
			t.Fatalf("API bind: %d %s", st, body)
		}
		var j apiUserJSON
		json.Unmarshal([]byte(body), &j)
		if len(j.Roles) != 2 {
			t.Fatalf("API bind answered %s", body)
		}
		if st, _ := api.api("DELETE", fmt.Sprintf("/api/v1/users/%d/roles/%d", f.users["zqmember"], j.Roles[1].ID), nil); st != http.StatusNoContent {
			t.Errorf("API unbind: %d", st)
		}
		if st, _ := api.api("DELETE", fmt.Sprintf("/api/v1/users/%d/roles/%d", f.users["zqmember"], j.Roles[1].ID), nil); st != http.StatusNotFound {
			t.Errorf("API unbind twice: %d", st)
		}
	})

	t.Run("DisableAndEnable", func(t *testing.T) {
		if st, _ := town.post(admUserPath(grid)+"/active", url.Values{"active": {"0"}}); st != http.StatusSeeOther {
			t.Fatalf("disable: %d", st)
		}
		_, list := town.get("/admin/users?q=zqgrid")
		if !strings.Contains(list, "已停用") {
			t.Error("list does not show the account disabled")
		}
		if st, _ := f.anon(t).api("POST", "/api/v1/login", map[string]string{"username": "zqgrid", "password": testPassword}); st != 401 {
			t.Errorf("disabled account logged in: %d", st)
		}
		if st, _ := town.post(admUserPath(grid)+"/active", url.Values{"active": {"1"}}); st != http.StatusSeeOther {
			t.Fatalf("enable: %d", st)
		}
		f.apiLogin(t, "zqgrid")
		if st, body := town.post(admUserPath(f.users["town"])+"/active", url.Values{"active": {"0"}}); st != 403 && st != 422 {
			t.Errorf("town admin disabled self: %d %s", st, body)
		}
	})

	t.Run("ResetPassword", func(t *testing.T) {
		st, body := town.post(admUserPath(grid)+"/password", url.Values{"password": {"short"}})
		if st != 422 || !strings.Contains(body, "密码长度至少 10 位") {
			t.Errorf("weak reset: %d", st)
		}
		if st, _ := town.post(admUserPath(grid)+"/password", url.Values{"password": {"Reset@2026pass"}}); st != http.StatusSeeOther {
			t.Fatalf("reset: %d", st)
		}
		if st, _ := f.anon(t).api("POST", "/api/v1/login", map[string]string{"username": "zqgrid", "password": testPassword}); st != 401 {
			t.Errorf("old password still works: %d", st)
		}
		if st, _ := f.anon(t).api("POST", "/api/v1/login", map[string]string{"username": "zqgrid", "password": "Reset@2026pass"}); st != 200 {
			t.Errorf("new password: %d", st)
		}
	})
}

func TestAdminUnlock(t *testing.T) {
	f := newFixture(t)
	anon := f.anon(t)
	for i := 0; i < 5; i++ {
		anon.api("POST", "/api/v1/login", map[string]string{"username": "kaixi", "password": "wrong-password"})
	}
	st, body := anon.api("POST", "/api/v1/login", map[string]string{"username": "kaixi", "password": testPassword})
	if st != 401 || !strings.Contains(body, `"locked"`) {
		t.Fatalf("after 5 failures: %d %s", st, body)
	}
	town := f.login(t, "town")
	_, list := town.get("/admin/users?q=kaixi")
	if !strings.Contains(list, "已锁定") {
		t.Error("list does not show the lock")
	}
	api := f.apiLogin(t, "town")
	_, j := api.api("GET", "/api/v1/users/"+fmt.Sprint(f.users["kaixi"]), nil)
	if !strings.Contains(j, `"locked":true`) || !strings.Contains(j, `"failed_logins":5`) {
		t.Errorf("API: %s", j)
	}
	_, page := town.get(admUserPath(f.users["kaixi"]))
	if !strings.Contains(page, "/unlock\"") {
		t.Error("page offers no unlock")
	}
	// A secretary cannot unlock.
	if st, _ := f.login(t, "zhanqian").post(admUserPath(f.users["kaixi"])+"/unlock", nil); st != 404 {
		t.Errorf("secretary unlock: %d", st)
	}
	if st, _ := anon.api("POST", "/api/v1/login", map[string]string{"username": "kaixi", "password": testPassword}); st != 401 {
		t.Fatalf("refused unlock unlocked: %d", st)
	}
	if st, _ := town.post(admUserPath(f.users["kaixi"])+"/unlock", nil); st != http.StatusSeeOther {
		t.Fatalf("unlock: %d", st)
	}
	// No waiting: the lock is gone and the count starts again.
	f.apiLogin(t, "kaixi")
	_, j = api.api("GET", "/api/v1/users/"+fmt.Sprint(f.users["kaixi"]), nil)
	if !strings.Contains(j, `"locked":false`) || !strings.Contains(j, `"failed_logins":0`) {
		t.Errorf("after unlock: %s", j)
	}
}

// admContainsAny returns the first of subs that s contains, or "".
func admContainsAny(s string, subs []string) string {
	for _, x := range subs {
		if x != "" && strings.Contains(s, x) {
			return x
		}
	}
	return ""
}

// TestAdminBrowserMobile opens the administration pages as the town administrator in headless
// Chromium at 360 px: each must fit the screen in Chinese. Screenshots go to test-artifacts/.
func TestAdminBrowserMobile(t *testing.T) {
	exe := os.Getenv(envChromium)
	if exe == "" {
		t.Skipf("browser test skipped: %s is not set", envChromium)
	}
	if _, err := os.Stat(exe); err != nil {
		t.Skipf("browser test skipped: %s=%s: %v", envChromium, exe, err)
	}
	f := newFixture(t)
	ctx := context.Background()
	// Something to show in the audit log: an edit with before and after, and a failed login.
	town := admActor(t, f, "town", "10.1.2.3")
	p, _ := f.db.Person(ctx, town, f.zqHead.ID)
	p.Name = "王建业"
	if err := f.db.UpdatePerson(ctx, town, p); err != nil {
		t.Fatal(err)
	}
	f.anon(t).api("POST", "/api/v1/login", map[string]string{"username": "kaixi", "password": "not-it"})

	bctx := newBrowser(t, exe)
	if err := chromedp.Do(bctx,
		chromedp.Navigate(f.ts.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login-form")),
		chromedp.SendKeys(chromedp.ID("username"), "town"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("login-form")),
		chromedp.WaitNotPresent(chromedp.ID("login-form")),
	); err != nil {
		t.Fatalf("log in: %v", err)
	}
	dir := artifactsDir(t)
	for _, pg := range []struct{ name, path, want string }{
		{"users", "/admin/users", "zhanqian"},
		{"user-new", "/admin/users/new", "初始密码"},
		{"user", admUserPath(f.users["zhanqian"]), "站前社区"},
		{"audit", "/audit", "王建业"},
		{"account", "/account", "修改密码"},
	} {
		if err := chromedp.Do(bctx, chromedp.Navigate(f.ts.URL+pg.path), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			t.Fatalf("open %s: %v", pg.path, err)
		}
		shown := readPage(t, bctx)
		if shown.status != 200 || !strings.Contains(shown.text, pg.want) {
			t.Errorf("%s: status %d, shows %q: %v", pg.path, shown.status, pg.want, strings.Contains(shown.text, pg.want))
		}
		shown.mustBeMobileChinese(t, pg.path)
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Errorf("screenshot %s: %v", pg.name, err)
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, "admin-"+pg.name+".png"), png, 0o644); err != nil {
			t.Error(err)
		}
	}
}
