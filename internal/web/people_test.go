package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"wuxing/internal/authz"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// pplAccount adds an account bound to a role at a unit, for roles the fixture has no user for.
func pplAccount(t *testing.T, f *fixture, name string, role authz.Role, u *org.Unit) {
	t.Helper()
	ctx := context.Background()
	nu, err := f.db.CreateUser(ctx, storage.System, storage.NewUser{Username: name, Password: testPassword})
	if err != nil {
		t.Fatalf("user %s: %v", name, err)
	}
	if err := f.db.BindRole(ctx, storage.System, nu.ID, role, u.ID); err != nil {
		t.Fatalf("bind %s: %v", name, err)
	}
}

// pplPerson adds a person through the store.
func pplPerson(t *testing.T, f *fixture, p *people.Person) *people.Person {
	t.Helper()
	if p.Gender == "" {
		p.Gender = "F"
	}
	if err := f.db.CreatePerson(context.Background(), storage.System, p); err != nil {
		t.Fatalf("person %s: %v", p.Name, err)
	}
	return p
}

// pplStored reads a person as stored, whatever the scope.
func pplStored(t *testing.T, f *fixture, id int64) *people.Person {
	t.Helper()
	p, err := f.db.Person(context.Background(), storage.System, id)
	if err != nil {
		t.Fatalf("person %d: %v", id, err)
	}
	return p
}

// pplCount counts people, inactive included, whatever the scope.
func pplCount(t *testing.T, f *fixture) int {
	t.Helper()
	_, n, err := f.db.People(context.Background(), storage.System, storage.PeopleFilter{IncludeInactive: true, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// pplNoLeak fails when body shows any of 开西社区's records.
func pplNoLeak(t *testing.T, f *fixture, what, body string) {
	t.Helper()
	for _, m := range f.kxMarkers() {
		if strings.Contains(body, m) {
			t.Errorf("%s shows 开西社区's %q", what, m)
		}
	}
}

// pplFieldError returns the error message shown in the form field holding the input or select
// named name ("" when there is none).
func pplFieldError(body, name string) string {
	i := strings.Index(body, `name="`+name+`"`)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(body[:i], `class="field`)
	if start < 0 {
		return ""
	}
	rest := body[start:]
	end := strings.Index(rest[len(`class="field`):], `class="field`)
	if end >= 0 {
		rest = rest[:end+len(`class="field`)]
	}
	m := regexp.MustCompile(`<small class="err">([^<]*)</small>`).FindStringSubmatch(rest)
	if m == nil {
		return ""
	}
	return m[1]
}

// pplIDNumber completes 17 digits into a valid ID number.
func pplIDNumber(first17 string) string { return first17 + string(people.IDCheckDigit(first17)) }

// pplBadIDNumber completes 17 digits with a wrong check digit.
func pplBadIDNumber(first17 string) string {
	if people.IDCheckDigit(first17) == '1' {
		return first17 + "2"
	}
	return first17 + "1"
}

func pplJSON(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("bad JSON %q: %v", body, err)
	}
}

func pplNames(ps []personJSON) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

type pplPeopleResp struct {
	People []personJSON `json:"people"`
	Total  int          `json:"total"`
}

func TestPeopleList(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zhanqian")
	has := func(t *testing.T, path string, want, notWant []string) {
		t.Helper()
		st, body := c.get(path)
		if st != http.StatusOK {
			t.Fatalf("GET %s: %d", path, st)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: %q missing", path, w)
			}
		}
		for _, w := range notWant {
			if strings.Contains(body, w) {
				t.Errorf("GET %s: %q shown", path, w)
			}
		}
		pplNoLeak(t, f, path, body)
	}
	zq, zqc := f.zqHead.Name, f.zqCadre.Name
	t.Run("All", func(t *testing.T) { has(t, "/people", []string{zq, zqc}, nil) })
	t.Run("ByName", func(t *testing.T) { has(t, "/people?q="+url.QueryEscape("建国"), []string{zq}, []string{zqc}) })
	t.Run("ByUnitSubtree", func(t *testing.T) {
		has(t, fmt.Sprintf("/people?unit=%d", f.zqGrid.ID), []string{zq}, []string{zqc})
	})
	t.Run("ByCategory", func(t *testing.T) { has(t, "/people?category=cadre", []string{zqc}, []string{zq}) })
	t.Run("NotPartyMembers", func(t *testing.T) {
		pplPerson(t, f, &people.Person{UnitID: f.zq.ID, Name: "孙群众", Categories: []people.Category{people.Resident}})
		has(t, "/people?party=0", []string{"孙群众"}, []string{zq, zqc})
		has(t, "/people?party=1", []string{zq, zqc}, []string{"孙群众"})
	})
	t.Run("OutOfScopeUnitIsNotFound", func(t *testing.T) {
		if st, _ := c.get(fmt.Sprintf("/people?unit=%d", f.kx.ID)); st != http.StatusNotFound {
			t.Fatalf("page: %d", st)
		}
		a := f.apiLogin(t, "zhanqian")
		if st, _ := a.api("GET", fmt.Sprintf("/api/v1/people?unit=%d", f.kx.ID), nil); st != http.StatusNotFound {
			t.Fatalf("API: %d", st)
		}
	})
	t.Run("API", func(t *testing.T) {
		a := f.apiLogin(t, "zhanqian")
		st, body := a.api("GET", "/api/v1/people?category=cadre", nil)
		if st != 200 {
			t.Fatalf("%d %s", st, body)
		}
		pplNoLeak(t, f, "API people", body)
		var res pplPeopleResp
		pplJSON(t, body, &res)
		if res.Total != 1 || len(res.People) != 1 || res.People[0].Name != zqc {
			t.Fatalf("cadres: %+v", res)
		}
		if st, _ := a.api("GET", "/api/v1/people?category=nonsense", nil); st != http.StatusUnprocessableEntity {
			t.Fatalf("bad category: %d", st)
		}
	})
	t.Run("TownSeesBothButMemberRoleNone", func(t *testing.T) {
		_, body := f.login(t, "town").get("/people")
		if !strings.Contains(body, f.kxHead.Name) || !strings.Contains(body, zq) {
			t.Fatal("the town administrator does not see both communities")
		}
		if st, _ := f.login(t, "zqmember").get("/people"); st != http.StatusForbidden {
			t.Fatalf("member role: %d", st)
		}
	})
}

func TestPeoplePagination(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < 57; i++ {
		pplPerson(t, f, &people.Person{UnitID: f.zqGrid.ID, Name: fmt.Sprintf("居民%02d", i)})
	}
	c := f.login(t, "zhanqian")
	rows := regexp.MustCompile(`<a href="/people/\d+">`)
	_, p1 := c.get(fmt.Sprintf("/people?unit=%d", f.zqGrid.ID))
	_, p2 := c.get(fmt.Sprintf("/people?unit=%d&page=2", f.zqGrid.ID))
	// 57 generated plus the head of household in the grid's building.
	if n := len(rows.FindAllString(p1, -1)); n != perPage {
		t.Errorf("page 1 has %d rows, want %d", n, perPage)
	}
	if n := len(rows.FindAllString(p2, -1)); n != 58-perPage {
		t.Errorf("page 2 has %d rows, want %d", n, 58-perPage)
	}
	if !strings.Contains(p1, "1 / 2 · 58") || !strings.Contains(p1, `rel="next"`) || !strings.Contains(p2, `rel="prev"`) {
		t.Error("pager links missing")
	}
	a := f.apiLogin(t, "zhanqian")
	_, body := a.api("GET", fmt.Sprintf("/api/v1/people?unit=%d&limit=10&offset=50", f.zqGrid.ID), nil)
	var res pplPeopleResp
	pplJSON(t, body, &res)
	if res.Total != 58 || len(res.People) != 8 {
		t.Fatalf("API page: total %d, %d rows", res.Total, len(res.People))
	}
}

func TestPeopleFindByPhone(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zhanqian")
	_, body := c.get("/people?q=" + f.zqHead.Phone)
	if !strings.Contains(body, f.zqHead.Name) || strings.Contains(body, f.zqCadre.Name) {
		t.Fatal("full phone number does not find exactly its owner")
	}
	_, body = c.get("/people?q=" + f.zqHead.Phone[:7])
	if strings.Contains(body, f.zqHead.Name) {
		t.Fatal("part of a phone number finds a person")
	}
	// Another community's number finds nobody.
	_, body = c.get("/people?q=" + f.kxHead.Phone)
	if strings.Contains(body, f.kxHead.Name) {
		t.Fatal("a phone number finds a person outside the user's scope")
	}
	a := f.apiLogin(t, "zhanqian")
	_, body = a.api("GET", "/api/v1/people?phone="+url.QueryEscape("+86 "+f.zqHead.Phone), nil)
	var res pplPeopleResp
	pplJSON(t, body, &res)
	if res.Total != 1 || res.People[0].ID != f.zqHead.ID {
		t.Fatalf("API phone search: %+v", res)
	}
}

func TestPeopleMasking(t *testing.T) {
	f := newFixture(t)
	pplAccount(t, f, "county", authz.CountyAdmin, f.county)
	idn := pplIDNumber("41090219700501001")
	withID := pplPerson(t, f, &people.Person{UnitID: f.zq.ID, Name: "周身份", Gender: "M", BirthDate: "1970-05-01", Phone: "13800000099", IDNumber: idn})
	masked, maskedID := "138****0001", idn[:4]+"**********"+idn[14:]
	county := f.login(t, "county")
	for _, path := range []string{"/people", fmt.Sprintf("/people/%d", f.zqHead.ID), fmt.Sprintf("/people/%d/edit", f.zqHead.ID),
		fmt.Sprintf("/households/%d", f.zqHousehold.ID), fmt.Sprintf("/units/%d/coverage", f.zq.ID)} {
		st, body := county.get(path)
		if st != 200 {
			t.Fatalf("county GET %s: %d", path, st)
		}
		for _, full := range []string{f.zqHead.Phone, f.zqCadre.Phone, withID.Phone, idn} {
			if strings.Contains(body, full) {
				t.Errorf("county GET %s shows the full number %s", path, full)
			}
		}
		want := masked
		if strings.Contains(path, "coverage") {
			want = "138****0011" // the cadre, a party member nobody contacts yet
		}
		if !strings.Contains(body, want) {
			t.Errorf("county GET %s does not show %s", path, want)
		}
	}
	_, body := county.get(fmt.Sprintf("/people/%d", withID.ID))
	if !strings.Contains(body, maskedID) || strings.Contains(body, idn) {
		t.Error("county sees the ID number unmasked or not at all")
	}
	ca := f.apiLogin(t, "county")
	for _, path := range []string{"/api/v1/people", fmt.Sprintf("/api/v1/people/%d", f.zqHead.ID), fmt.Sprintf("/api/v1/people/%d", withID.ID),
		fmt.Sprintf("/api/v1/households/%d", f.zqHousehold.ID), fmt.Sprintf("/api/v1/units/%d/coverage", f.zq.ID)} {
		_, body := ca.api("GET", path, nil)
		if strings.Contains(body, f.zqHead.Phone) || strings.Contains(body, idn) || strings.Contains(body, withID.Phone) {
			t.Errorf("county API %s shows a full number", path)
		}
	}
	_, body = ca.api("GET", fmt.Sprintf("/api/v1/people/%d", f.zqHead.ID), nil)
	if !strings.Contains(body, `"phone":"`+masked+`"`) {
		t.Errorf("API phone not masked as on screen: %s", body)
	}

	t.Run("SecretarySeesWhole", func(t *testing.T) {
		_, body := f.login(t, "zhanqian").get(fmt.Sprintf("/people/%d", withID.ID))
		if !strings.Contains(body, withID.Phone) || !strings.Contains(body, idn) {
			t.Fatal("the secretary does not see the numbers whole")
		}
		_, body = f.apiLogin(t, "zhanqian").api("GET", fmt.Sprintf("/api/v1/people/%d", withID.ID), nil)
		if !strings.Contains(body, `"phone":"`+withID.Phone+`"`) || !strings.Contains(body, `"id_number":"`+idn+`"`) {
			t.Fatalf("API for the secretary: %s", body)
		}
	})
	t.Run("TownSeesPhoneNotID", func(t *testing.T) {
		_, body := f.login(t, "town").get(fmt.Sprintf("/people/%d", withID.ID))
		if !strings.Contains(body, withID.Phone) || strings.Contains(body, idn) || !strings.Contains(body, maskedID) {
			t.Fatal("town administrator: phone should be whole, ID number masked")
		}
	})
	t.Run("MaskedFormKeepsNumbers", func(t *testing.T) {
		// The county administrator edits a name; the form sent back the masked numbers.
		_, form := county.get(fmt.Sprintf("/people/%d/edit", withID.ID))
		v := pplFormValues(form)
		v.Set("name", "周改名")
		st, body := county.post(fmt.Sprintf("/people/%d", withID.ID), v)
		if st != http.StatusSeeOther {
			t.Fatalf("save: %d %s", st, pplFieldErrors(body))
		}
		got := pplStored(t, f, withID.ID)
		if got.Name != "周改名" || got.Phone != withID.Phone || got.IDNumber != idn {
			t.Fatalf("after a masked edit: %q %q %q", got.Name, got.Phone, got.IDNumber)
		}
		// Through the API too.
		st, body = ca.api("PUT", fmt.Sprintf("/api/v1/people/%d", withID.ID), map[string]any{"version": got.Version, "phone": "138****0099", "name": "周再改"})
		if st != 200 {
			t.Fatalf("API put: %d %s", st, body)
		}
		if got := pplStored(t, f, withID.ID); got.Phone != withID.Phone || got.Name != "周再改" {
			t.Fatalf("after a masked API edit: %q %q", got.Name, got.Phone)
		}
	})
}

var pplInputRE = regexp.MustCompile(`<input[^>]*name="([^"]+)"[^>]*>`)
var pplValueRE = regexp.MustCompile(`value="([^"]*)"`)
var pplSelectRE = regexp.MustCompile(`(?s)<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>`)
var pplSelectedRE = regexp.MustCompile(`<option value="([^"]*)" selected>`)

// pplFormValues reads the values a browser would submit from the last POST form of a page.
func pplFormValues(body string) url.Values {
	if i := strings.LastIndex(body, `<form method="post"`); i >= 0 {
		body = body[i:]
	}
	if i := strings.Index(body, "</form>"); i >= 0 {
		body = body[:i]
	}
	v := url.Values{}
	for _, m := range pplInputRE.FindAllStringSubmatch(body, -1) {
		tag := m[0]
		if strings.Contains(tag, `type="checkbox"`) && !strings.Contains(tag, " checked") {
			continue
		}
		val := ""
		if vm := pplValueRE.FindStringSubmatch(tag); vm != nil {
			val = vm[1]
		}
		v.Add(m[1], htmlUnescape(val))
	}
	for _, m := range pplSelectRE.FindAllStringSubmatch(body, -1) {
		if sm := pplSelectedRE.FindStringSubmatch(m[2]); sm != nil {
			v.Set(m[1], sm[1])
		}
	}
	return v
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&#43;", "+", "&amp;", "&", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

// pplFieldErrors lists a page's field errors, for failure messages.
func pplFieldErrors(body string) string {
	var out []string
	for _, m := range regexp.MustCompile(`<small class="err">([^<]*)</small>`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return strings.Join(out, "; ")
}

func pplNewPersonForm(f *fixture) url.Values {
	return url.Values{"name": {"郑新人"}, "gender": {"F"}, "birth_date": {"1990-02-03"}, "phone": {"13700000123"},
		"unit_id": {strconv.FormatInt(f.zqGrid.ID, 10)}, "categories": {"volunteer", "resident"}}
}

func TestPersonCreateEditDeactivate(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zhanqian")
	if st, body := c.get(fmt.Sprintf("/people/new?unit=%d", f.zq.ID)); st != 200 || !strings.Contains(body, f.zqHousehold.Address) {
		t.Fatalf("new form: %d, household choice missing", st)
	}
	v := pplNewPersonForm(f)
	v.Set("household_id", strconv.FormatInt(f.zqHousehold.ID, 10))
	v.Set("relation", "spouse")
	st, body := c.post("/people", v)
	if st != http.StatusSeeOther {
		t.Fatalf("create: %d %s", st, pplFieldErrors(body))
	}
	_, list := c.get("/people?q=" + url.QueryEscape("郑新人"))
	m := regexp.MustCompile(`<a href="/people/(\d+)">郑新人</a>`).FindStringSubmatch(list)
	if m == nil {
		t.Fatal("new person not in the list")
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	p := pplStored(t, f, id)
	if p.HouseholdID != f.zqHousehold.ID || p.UnitID != f.zqBuilding.ID || p.Relation != "spouse" || !p.Has(people.Volunteer) {
		t.Fatalf("stored: %+v", p)
	}
	_, show := c.get(fmt.Sprintf("/people/%d", id))
	if !strings.Contains(show, f.zqHousehold.Address) || !strings.Contains(show, "配偶") || !strings.Contains(show, "志愿者") {
		t.Fatal("person page misses household, relation or category")
	}
	// Edit: the form comes back filled in.
	_, form := c.get(fmt.Sprintf("/people/%d/edit", id))
	ev := pplFormValues(form)
	if ev.Get("name") != "郑新人" || ev.Get("household_id") != strconv.FormatInt(f.zqHousehold.ID, 10) || len(ev["categories"]) != 2 {
		t.Fatalf("edit form values: %v", ev)
	}
	ev.Set("name", "郑改名")
	ev.Set("party_member", "1")
	ev.Set("joined_party_on", "2015-07-01")
	if st, body := c.post(fmt.Sprintf("/people/%d", id), ev); st != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", st, pplFieldErrors(body))
	}
	p = pplStored(t, f, id)
	if p.Name != "郑改名" || !p.PartyMember || p.Version != 2 {
		t.Fatalf("after edit: %+v", p)
	}
	// Deactivate: gone from the list, back with "include inactive", never deleted.
	if st, _ := c.post(fmt.Sprintf("/people/%d/active", id), url.Values{"active": {"0"}, "version": {"2"}}); st != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", st)
	}
	if _, body := c.get("/people"); strings.Contains(body, "郑改名") {
		t.Fatal("a deactivated person is listed")
	}
	if _, body := c.get("/people?inactive=1"); !strings.Contains(body, "郑改名") {
		t.Fatal("a deactivated person is not listed with inactive=1")
	}
	if pplStored(t, f, id).Active {
		t.Fatal("still active")
	}
}

func TestPersonBadInput(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zhanqian")
	a := f.apiLogin(t, "zhanqian")
	cases := []struct {
		name, field, value, message string
	}{
		{"BadIDNumber", "id_number", pplBadIDNumber("41090219900203002"), "身份证号不正确"},
		{"BadPhone", "phone", "1234567", "请填写正确的手机号"},
		{"FutureBirthDate", "birth_date", "2030-01-01", "日期超出合理范围"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := pplCount(t, f)
			v := pplNewPersonForm(f)
			v.Set(tc.field, tc.value)
			st, body := c.post("/people", v)
			if st != http.StatusUnprocessableEntity {
				t.Fatalf("page: %d", st)
			}
			if msg := pplFieldError(body, tc.field); !strings.Contains(msg, tc.message) {
				t.Fatalf("page: message next to %s is %q", tc.field, msg)
			}
			if !strings.Contains(body, `value="郑新人"`) {
				t.Error("the form lost what was entered")
			}
			in := map[string]any{"name": "郑新人", "gender": "F", "unit_id": f.zqGrid.ID, tc.field: tc.value}
			st, body = a.api("POST", "/api/v1/people", in)
			if st != http.StatusUnprocessableEntity {
				t.Fatalf("API: %d %s", st, body)
			}
			var res struct {
				Error struct {
					Code   string
					Fields []struct{ Field, Message string }
				}
			}
			pplJSON(t, body, &res)
			if len(res.Error.Fields) != 1 || res.Error.Fields[0].Field != tc.field || !strings.Contains(res.Error.Fields[0].Message, tc.message) {
				t.Fatalf("API error: %s", body)
			}
			// An edit with the same mistake changes nothing either.
			old := pplStored(t, f, f.zqCadre.ID)
			_, form := c.get(fmt.Sprintf("/people/%d/edit", f.zqCadre.ID))
			ev := pplFormValues(form)
			ev.Set(tc.field, tc.value)
			ev.Set("name", "改不了")
			if st, _ := c.post(fmt.Sprintf("/people/%d", f.zqCadre.ID), ev); st != http.StatusUnprocessableEntity {
				t.Fatalf("edit: %d", st)
			}
			if got := pplStored(t, f, f.zqCadre.ID); got.Version != old.Version || got.Name != old.Name {
				t.Fatal("a rejected edit changed the person")
			}
			if n := pplCount(t, f); n != before {
				t.Fatalf("people: %d before, %d after", before, n)
			}
		})
	}
	t.Run("UnknownJSONField", func(t *testing.T) {
		if st, _ := a.api("POST", "/api/v1/people", map[string]any{"name": "x", "nonsense": 1}); st != http.StatusBadRequest {
			t.Fatalf("got %d", st)
		}
	})
	t.Run("PutWithoutVersion", func(t *testing.T) {
		if st, _ := a.api("PUT", fmt.Sprintf("/api/v1/people/%d", f.zqCadre.ID), map[string]any{"name": "x"}); st != http.StatusUnprocessableEntity {
			t.Fatalf("got %d", st)
		}
	})
}

func TestPersonStaleVersion(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zhanqian")
	_, form := c.get(fmt.Sprintf("/people/%d/edit", f.zqCadre.ID))
	first, second := pplFormValues(form), pplFormValues(form)
	first.Set("name", "第一次")
	if st, _ := c.post(fmt.Sprintf("/people/%d", f.zqCadre.ID), first); st != http.StatusSeeOther {
		t.Fatalf("first edit: %d", st)
	}
	second.Set("name", "第二次")
	st, body := c.post(fmt.Sprintf("/people/%d", f.zqCadre.ID), second)
	if st != http.StatusConflict || !strings.Contains(body, "已被他人修改") {
		t.Fatalf("second edit: %d", st)
	}
	a := f.apiLogin(t, "zhanqian")
	st, _ = a.api("PUT", fmt.Sprintf("/api/v1/people/%d", f.zqCadre.ID), map[string]any{"version": 1, "name": "第三次"})
	if st != http.StatusConflict {
		t.Fatalf("API stale put: %d", st)
	}
	if st, _ := c.post(fmt.Sprintf("/people/%d/active", f.zqCadre.ID), url.Values{"active": {"0"}, "version": {"1"}}); st != http.StatusConflict {
		t.Fatalf("stale deactivate: %d", st)
	}
	if got := pplStored(t, f, f.zqCadre.ID); got.Name != "第一次" || got.Version != 2 || !got.Active {
		t.Fatalf("stored: %q v%d", got.Name, got.Version)
	}
	// The API answers a good version with the new record.
	st, body = a.api("PUT", fmt.Sprintf("/api/v1/people/%d", f.zqCadre.ID), map[string]any{"version": 2, "name": "第三次"})
	if st != 200 || !strings.Contains(body, `"version":3`) {
		t.Fatalf("API put: %d %s", st, body)
	}
}

func TestPeopleScope(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zhanqian")
	a := f.apiLogin(t, "zhanqian")
	kx := f.kxHead.ID
	before := pplStored(t, f, kx)
	for _, path := range []string{fmt.Sprintf("/people/%d", kx), fmt.Sprintf("/people/%d/edit", kx)} {
		if st, body := c.get(path); st != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, st)
		} else {
			pplNoLeak(t, f, path, body)
		}
	}
	_, form := f.login(t, "kaixi").get(fmt.Sprintf("/people/%d/edit", kx))
	v := pplFormValues(form)
	v.Set("name", "被改了")
	v.Del("csrf") // zhanqian's own token goes with the form
	for _, path := range []string{fmt.Sprintf("/people/%d", kx), fmt.Sprintf("/people/%d/active", kx)} {
		if st, _ := c.post(path, v); st != http.StatusNotFound {
			t.Errorf("POST %s: %d", path, st)
		}
	}
	if st, body := a.api("GET", fmt.Sprintf("/api/v1/people/%d", kx), nil); st != http.StatusNotFound {
		t.Errorf("API GET: %d", st)
	} else {
		pplNoLeak(t, f, "API GET", body)
	}
	if st, _ := a.api("PUT", fmt.Sprintf("/api/v1/people/%d", kx), map[string]any{"version": before.Version, "name": "被改了"}); st != http.StatusNotFound {
		t.Errorf("API PUT: %d", st)
	}
	// Nor can a person be created in 开西社区 or put in its household.
	nv := pplNewPersonForm(f)
	nv.Set("unit_id", strconv.FormatInt(f.kxGrid.ID, 10))
	if st, _ := c.post("/people", nv); st != http.StatusUnprocessableEntity {
		t.Errorf("create in 开西社区: %d", st)
	}
	if st, _ := a.api("PUT", fmt.Sprintf("/api/v1/people/%d", f.zqCadre.ID), map[string]any{"version": 1, "household_id": f.kxHousehold.ID, "relation": "other"}); st != http.StatusUnprocessableEntity {
		t.Errorf("move into 开西社区's household: %d", st)
	}
	if got := pplStored(t, f, kx); got.Version != before.Version || got.Name != before.Name {
		t.Fatal("开西社区's person changed")
	}
	if got := pplStored(t, f, f.zqCadre.ID); got.HouseholdID != 0 {
		t.Fatal("moved into 开西社区's household")
	}
	_, body := c.get("/people?inactive=1")
	pplNoLeak(t, f, "people list", body)
	_, body = a.api("GET", "/api/v1/people?inactive=1&limit=1000", nil)
	pplNoLeak(t, f, "API people list", body)
}
