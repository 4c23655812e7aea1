package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/clock"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// testPassword is every fixture account's password.
const testPassword = "Test@2026pass"

// fixture is a small world: 建设办 with two communities, 站前社区 and 开西社区, each with a grid,
// a building, a compound, a household of three and a cadre; and accounts for each role.
type fixture struct {
	db    *storage.DB
	clock *clock.Fixed
	srv   *Server
	ts    *httptest.Server

	city, county, town         *org.Unit
	zq, kx                     *org.Unit // 站前社区, 开西社区
	zqGrid, kxGrid             *org.Unit
	zqBuilding, kxBuilding     *org.Unit
	zqCompound, kxCompound     *org.Compound
	zqHousehold, kxHousehold   *people.Household
	zqHead, kxHead             *people.Person // party members, heads of household
	zqCadre, kxCadre           *people.Person
	zqAssignment, kxAssignment *people.Assignment
	dept                       *org.Unit        // 城建办, a department of 建设办
	zqCase, kxCase             *cases.Case      // one submitted case in each community
	users                      map[string]int64 // username → id
}

// kxMarkers are strings that only 开西社区's records contain: a page or response shown to a
// 站前社区 user must contain none of them.
func (f *fixture) kxMarkers() []string {
	return []string{"开西社区", f.kxHead.Name, f.kxCadre.Name, f.kxHousehold.Address, f.kxCompound.Name, f.kxHead.Phone,
		f.kxCase.Title, f.kxCase.ReporterName}
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, clk := storagetest.Open(t)
	ctx := context.Background()
	f := &fixture{db: db, clock: clk, users: map[string]int64{}}
	sys := storage.System
	unit := func(parent *org.Unit, kind org.Kind, code, name string) *org.Unit {
		u := &org.Unit{Kind: kind, Code: code, Name: name}
		if parent != nil {
			u.ParentID = parent.ID
		}
		if err := db.CreateUnit(ctx, sys, u); err != nil {
			t.Fatalf("unit %s: %v", name, err)
		}
		return u
	}
	f.city = unit(nil, org.City, "410900000000", "濮阳市")
	f.county = unit(f.city, org.County, "410902000000", "华龙区")
	f.town = unit(f.county, org.Town, "410902003000", "建设办")
	f.zq = unit(f.town, org.Community, "410902003001", "站前社区")
	f.kx = unit(f.town, org.Community, "410902003002", "开西社区")
	f.zqGrid = unit(f.zq, org.Grid, "410902003001001", "站前一网格")
	f.kxGrid = unit(f.kx, org.Grid, "410902003002001", "开西一网格")
	f.zqBuilding = unit(f.zqGrid, org.Building, "410902003001001001", "站前1号楼")
	f.kxBuilding = unit(f.kxGrid, org.Building, "410902003002001001", "开西1号楼")
	compound := func(u *org.Unit, name string) *org.Compound {
		c := &org.Compound{UnitID: u.ID, Name: name, ThreeWithout: true}
		if err := db.SaveCompound(ctx, sys, c); err != nil {
			t.Fatalf("compound: %v", err)
		}
		return c
	}
	f.zqCompound = compound(f.zq, "站前花园小区")
	f.kxCompound = compound(f.kx, "开西锦苑小区")
	household := func(u *org.Unit, addr string) *people.Household {
		h := &people.Household{UnitID: u.ID, Address: addr}
		if err := db.CreateHousehold(ctx, sys, h); err != nil {
			t.Fatalf("household: %v", err)
		}
		return h
	}
	f.zqHousehold = household(f.zqBuilding, "站前路12号1单元101")
	f.kxHousehold = household(f.kxBuilding, "开西街8号2单元202")
	person := func(u *org.Unit, h *people.Household, name, phone string, member bool, cats ...people.Category) *people.Person {
		p := &people.Person{UnitID: u.ID, Name: name, Gender: "M", BirthDate: "1970-05-01", Phone: phone, PartyMember: member, Categories: cats}
		if member {
			p.JoinedPartyOn = "1995-07-01"
		}
		if h != nil {
			p.HouseholdID, p.Relation = h.ID, "head"
		}
		if err := db.CreatePerson(ctx, sys, p); err != nil {
			t.Fatalf("person %s: %v", name, err)
		}
		return p
	}
	f.zqHead = person(f.zqBuilding, f.zqHousehold, "王建国", "13800000001", true, people.Resident)
	f.kxHead = person(f.kxBuilding, f.kxHousehold, "赵开西", "13900000002", true, people.Resident)
	f.zqCadre = person(f.zq, nil, "李书记", "13800000011", true, people.Cadre)
	f.kxCadre = person(f.kx, nil, "钱主任", "13900000022", true, people.Cadre)
	assign := func(cadre, member *people.Person) *people.Assignment {
		a := &people.Assignment{Kind: people.MemberContact, PersonID: cadre.ID, MemberID: member.ID, StartsOn: "2026-01-01"}
		if err := db.CreateAssignment(ctx, sys, a); err != nil {
			t.Fatalf("assignment: %v", err)
		}
		return a
	}
	f.zqAssignment = assign(f.zqCadre, f.zqHead)
	f.kxAssignment = assign(f.kxCadre, f.kxHead)
	f.dept = unit(f.town, org.Department, "410902003000101", "城建办")
	cats, err := db.Categories(ctx, false)
	if err != nil || len(cats) == 0 {
		t.Fatalf("categories: %v", err)
	}
	newCase := func(u *org.Unit, title, reporter, phone string) *cases.Case {
		c := &cases.Case{UnitID: u.ID, List: cases.Appeal, CategoryID: cats[0].ID, Urgency: cases.Normal, Channel: cases.GridReport,
			Title: title, Description: title, ReporterName: reporter, ReporterPhone: phone}
		if _, err := db.CreateCase(ctx, sys, c, storage.NewCase{}); err != nil {
			t.Fatalf("case %s: %v", title, err)
		}
		return c
	}
	f.zqCase = newCase(f.zqGrid, "站前路口路灯不亮", "孙大娘", "13800000099")
	f.kxCase = newCase(f.kxGrid, "开西街井盖破损", "周大爷", "13900000099")
	account := func(name string, role authz.Role, u *org.Unit) {
		nu, err := db.CreateUser(ctx, sys, storage.NewUser{Username: name, Password: testPassword})
		if err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
		if err := db.BindRole(ctx, sys, nu.ID, role, u.ID); err != nil {
			t.Fatalf("bind %s: %v", name, err)
		}
		f.users[name] = nu.ID
	}
	account("admin", authz.Admin, f.city)
	account("town", authz.TownAdmin, f.town)
	account("zhanqian", authz.BranchSecretary, f.zq)
	account("kaixi", authz.BranchSecretary, f.kx)
	account("zqgrid", authz.GridWorker, f.zqGrid)
	account("zqmember", authz.Member, f.zq)
	srv, err := New(Options{DB: db, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = srv
	f.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

// client is a browser-like session (cookies, CSRF token) or an API client (bearer token).
type client struct {
	t     *testing.T
	base  string
	http  *http.Client
	csrf  string
	token string
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (f *fixture) anon(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: f.ts.URL, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login logs a user in through the login form and returns their browser session.
func (f *fixture) login(t *testing.T, username string) *client {
	t.Helper()
	c := f.anon(t)
	_, body := c.get("/login")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("login page has no CSRF token")
	}
	c.csrf = m[1]
	st, _ := c.post("/login", url.Values{"username": {username}, "password": {testPassword}})
	if st != http.StatusSeeOther {
		t.Fatalf("login %s: status %d", username, st)
	}
	_, body = c.get("/")
	m = csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("home page of %s has no CSRF token", username)
	}
	c.csrf = m[1]
	return c
}

// apiLogin logs a user in through the API and returns a client holding the bearer token.
func (f *fixture) apiLogin(t *testing.T, username string) *client {
	t.Helper()
	c := f.anon(t)
	st, body := c.api("POST", "/api/v1/login", map[string]string{"username": username, "password": testPassword})
	if st != http.StatusOK {
		t.Fatalf("api login %s: %d %s", username, st, body)
	}
	var res struct{ Token string }
	json.Unmarshal([]byte(body), &res)
	c.token = res.Token
	return c
}

func (c *client) do(req *http.Request) (int, string) {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (c *client) get(path string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	return c.do(req)
}

// post submits a form with the session's CSRF token added.
func (c *client) post(path string, v url.Values) (int, string) {
	c.t.Helper()
	if v == nil {
		v = url.Values{}
	}
	if v.Get("csrf") == "" {
		v.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// api sends a JSON request with the bearer token.
func (c *client) api(method, path string, body any) (int, string) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return c.do(req)
}
