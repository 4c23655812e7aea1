package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"wuxing/internal/people"
	"wuxing/internal/photo"
	"wuxing/internal/storage"
)

// TestScopeEveryRoute walks every route of the route table as one community's secretary with
// the other community's ids in the path, the query and the body, through pages and API, and
// fails on any leak: a read must answer 403/404 or show none of the other community's
// markers; a change must be refused and leave the audit log as it was. It runs both ways
// (zhanqian against 开西社区, kaixi against 站前社区). A route whose path parameter it cannot fill
// fails the test, so no new route escapes the walk.
func TestScopeEveryRoute(t *testing.T) {
	f := newFixture(t)
	zq, kx := scopeSides(t, f)
	t.Run("zhanqian→开西社区", func(t *testing.T) { walkScope(t, t, f, zq, kx) })
	t.Run("kaixi→站前社区", func(t *testing.T) { walkScope(t, t, f, kx, zq) })
}

// TestScopeWalkCatchesLeaks proves the walk can fail: routes that leak on purpose, added to a
// fixture's server, must each be reported, and so must a route the walk cannot fill.
func TestScopeWalkCatchesLeaks(t *testing.T) {
	f := newFixture(t)
	zq, kx := scopeSides(t, f)
	leaky := []route{
		{pattern: "GET /zz-leak/people/{id}", access: user, h: func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "<p>%s</p>", f.kxHead.Name) // no scope check at all
		}},
		{pattern: "POST /zz-leak/units/{id}", access: user, h: func(w http.ResponseWriter, r *http.Request) {
			h := &people.Household{UnitID: f.kxBuilding.ID, Address: "zz"}
			if err := f.db.CreateHousehold(r.Context(), storage.System, h); err != nil {
				t.Errorf("leaky route: %v", err)
			}
			http.Redirect(w, r, "/?flash=flash.zz", http.StatusSeeOther)
		}},
		{pattern: "GET /api/v1/zz-leak/widgets/{widget}", access: user, api: true, h: func(w http.ResponseWriter, r *http.Request) {}},
	}
	for _, rt := range leaky {
		f.srv.routes = append(f.srv.routes, rt)
		f.srv.mux.Handle(rt.pattern, f.srv.wrap(rt))
	}
	rec := &scopeRecorder{}
	walkScope(t, rec, f, zq, kx)
	for _, want := range []string{
		`LEAK: zhanqian GET /zz-leak/people/%d (200) shows "赵开西"`,
		`LEAK: zhanqian POST /zz-leak/units/%d (303) changed data`,
		`LEAK?: zhanqian POST /zz-leak/units/%d redirected to /?flash=`,
		`route "GET /api/v1/zz-leak/widgets/{widget}": path parameter {widget}`,
	} {
		if strings.Contains(want, "%d") {
			id := f.kxHead.ID
			if strings.Contains(want, "units") {
				id = f.kx.ID
			}
			want = fmt.Sprintf(want, id)
		}
		if !rec.has(want) {
			t.Errorf("the walk did not report %q; it reported:\n%s", want, strings.Join(rec.errs, "\n"))
		}
	}
	t.Logf("reported %d errors", len(rec.errs))
	if n := len(rec.errs); n == 0 || n > 40 {
		t.Errorf("the walk reported %d errors on 3 leaky routes:\n%s", n, strings.Join(rec.errs, "\n"))
	}
}

// scopeReporter is where the walk reports: the test itself, or a recorder when the walk is the
// thing under test.
type scopeReporter interface {
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
}

type scopeRecorder struct{ errs []string }

func (r *scopeRecorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *scopeRecorder) Logf(string, ...any) {}
func (r *scopeRecorder) has(prefix string) bool {
	for _, e := range r.errs {
		if strings.HasPrefix(e, prefix) {
			return true
		}
	}
	return false
}

// scopeSide is one community as the scope test sees it: its secretary, its objects' ids by kind
// and the strings only its records contain.
type scopeSide struct {
	community string
	user      string
	ids       map[string][]int64 // object kind → ids, first is the main one
	markers   []string
	phone     string              // a full phone number of one of its people: found by exact search
	fragment  string              // part of its names, for searches, that is no marker itself
	words     map[string][]string // path parameters that are codes, not ids: unit codes, tracking codes
	public    []string            // markers the residents' pages (publicReads) show by design
}

func scopeSides(t *testing.T, f *fixture) (zq, kx scopeSide) {
	bindings := func(user string) []int64 {
		u, err := f.db.User(context.Background(), storage.System, f.users[user])
		if err != nil {
			t.Fatalf("user %s: %v", user, err)
		}
		var ids []int64
		for _, b := range u.Bindings {
			ids = append(ids, b.ID)
		}
		return ids
	}
	zq = scopeSide{
		community: "站前社区", user: "zhanqian",
		ids: map[string][]int64{
			"unit":       {f.zq.ID, f.zqGrid.ID, f.zqBuilding.ID},
			"person":     {f.zqHead.ID, f.zqCadre.ID},
			"household":  {f.zqHousehold.ID},
			"assignment": {f.zqAssignment.ID},
			"compound":   {f.zqCompound.ID},
			"case":       {f.zqCase.ID},
			"photo":      {scopePhoto(t, f, f.zqCase.ID, photo.Report)}, // photos area
			"user":       {f.users["zhanqian"]},
			"binding":    bindings("zhanqian"),
			// ops: a notification of the secretary's, a group robot of the community.
			"notification": opsScopeNotifications(t, f, f.zq, "zhanqian"),
			"webhook":      opsScopeWebhooks(t, f, f.zq),
		},
		markers: []string{"站前社区", f.zqHead.Name, f.zqCadre.Name, f.zqHousehold.Address, f.zqCompound.Name, f.zqHead.Phone,
			f.zqCase.Title, f.zqCase.ReporterName},
		phone:    f.zqHead.Phone,
		fragment: "站前",
		words:    map[string][]string{"unitcode": {f.zq.Code, f.zqGrid.Code}, "tracking": {f.zqCase.TrackingCode}},
		public:   []string{"站前社区", f.zqCase.Title},
	}
	kx = scopeSide{
		community: "开西社区", user: "kaixi",
		ids: map[string][]int64{
			"unit":       {f.kx.ID, f.kxGrid.ID, f.kxBuilding.ID},
			"person":     {f.kxHead.ID, f.kxCadre.ID},
			"household":  {f.kxHousehold.ID},
			"assignment": {f.kxAssignment.ID},
			"compound":   {f.kxCompound.ID},
			"case":       {f.kxCase.ID},
			"photo":      {scopePhoto(t, f, f.kxCase.ID, photo.Report)}, // photos area
			"user":       {f.users["kaixi"]},
			"binding":    bindings("kaixi"),
			// ops: a notification of the secretary's, a group robot of the community.
			"notification": opsScopeNotifications(t, f, f.kx, "kaixi"),
			"webhook":      opsScopeWebhooks(t, f, f.kx),
		},
		markers:  f.kxMarkers(),
		phone:    f.kxHead.Phone,
		fragment: "开西",
		words:    map[string][]string{"unitcode": {f.kx.Code, f.kxGrid.Code}, "tracking": {f.kxCase.TrackingCode}},
		public:   []string{"开西社区", f.kxCase.Title},
	}
	cmpScopeSides(t, f, &zq, &kx)   // a campaign, late problem and published circular per community (campaigns_test.go)
	svcScopeSides(t, f, &zq, &kx)   // volunteer teams, activities, hours, certificates (service_scope_test.go)
	quotaScopeSides(t, f, &zq, &kx) // the service rules' records (quota_scope_test.go)
	livScopeSides(t, f, &zq, &kx)   // livelihood projects (livelihood_scope_test.go)
	ptsScopeSides(t, f, &zq, &kx)   // points rules, entries, ledgers (points_scope_test.go)
	evalScopeSides(t, f, &zq, &kx)  // evaluation rounds, ballots, tallies (evaluation_scope_test.go)
	talkScopeSides(t, f, &zq, &kx)  // talks and annual reviews (talks_scope_test.go)
	return zq, kx
}

// paramKinds says which kind of object a path parameter names: by the parameter's own name
// ({unit_id}, {person}) or, for a plain {id}, by the path segment before it (/units/{id}).
// A new kind of object in a path needs a line here (and ids in scopeSides).
var paramKinds = map[string]string{
	"unit": "unit", "units": "unit", "parent": "unit", "grid": "unit", "grids": "unit",
	"building": "unit", "buildings": "unit", "community": "unit", "town": "unit",
	"person": "person", "people": "person", "persons": "person", "member": "person",
	"members": "person", "cadre": "person", "cadres": "person",
	"household": "household", "households": "household",
	"assignment": "assignment", "assignments": "assignment",
	"compound": "compound", "compounds": "compound",
	"user": "user", "users": "user",
	"case": "case", "cases": "case",
	"photo":   "photo", // a photo of the victim's case (photos area)
	"binding": "binding", "bindings": "binding", "role": "binding", "roles": "binding",
	"inbox": "notification", "notifications": "notification", // ops: /inbox/{id}, /api/v1/notifications/{id}
	"webhooks": "webhook", // ops: /admin/webhooks/{id}

	// campaigns area: /campaigns/{id}, /circulars/{id}, /campaigns/problems/{problem}/recheck
	"campaign": "campaign", "campaigns": "campaign", "circular": "circular", "circulars": "circular",
	"problem": "campaign_problem",

	// volunteer service: /service/teams/{service_team}, /service/activities/{service_activity}…
	"service_team": "service_team", "service_activity": "service_activity", "service_participant": "service_participant",
	"service_correction": "service_correction", "service_certificate": "service_certificate",
	"service_photo": "service_photo", "service_project": "service_project",

	// evaluation area: /evaluation/rounds/{id}, …/targets/{target}, …/batches/{batch}, /evaluation/tallies/{tally}, /s/{unitcode}/{round}
	"rounds": "eval_round", "round": "eval_round", "target": "eval_target", "batch": "eval_batch", "tally": "eval_tally",

	// livelihood area: /livelihood/{id}, /livelihood/reports/{livreport}/correct, /livelihood/{id}/photos/{livphoto}
	"livelihood": "livelihood", "livreport": "livelihood_report", "livphoto": "livelihood_photo",

	// talks area: /evaluation/talks/{id}, /evaluation/talks/team/{talkteam}, /evaluation/reviews/entries/{reviewentry}
	"talks": "talk", "talkteam": "team", "reviewentry": "review_entry",

	// points area: /points/targets/{points_kind}/{points_target}, /points/entries/{points_entry}/decide, /admin/points/{points_catalogue}
	"points_target": "person", "points_entry": "points_entry", "points_catalogue": "points_catalogue",
}

// paramWords are path parameters that name no object, with the values to try.
var paramWords = map[string][]string{
	"kind": {"units.xlsx", "people.xlsx", "households.xlsx", "assignments.xlsx", "compounds.xlsx", "cases.xlsx"}, // import templates, exports
	// A case step: every action of the flow (cases area).
	"action": {"accept", "reject", "dispatch", "claim", "escalate", "return", "start", "resolve", "check_pass", "check_fail",
		"rate", "close", "request_extension", "approve_extension", "deny_extension", "urge", "comment"},
	"year":        {"2026"},                             // ops: the public calendar of a year
	"category":    {"1"},                                // ops: a case category (platform-wide configuration, no unit's data)
	"points_kind": {"party_member", "branch_secretary"}, // points area: the kinds of target whose ids are people
}

// publicChanges are changing routes anyone may call, which change nothing of a community's:
// the scope test does not hold them to "refused, nothing changed".
var publicChanges = map[string]string{
	"POST /login":        "logging in is public and writes its own audit entry",
	"POST /api/v1/login": "logging in is public and writes its own audit entry",
	"POST /lang":         "sets the caller's language cookie only",
	// The residents' side: anyone may report to any village or community, and whoever holds a
	// tracking code may rate that case (public_test.go covers both).
	"POST /r/{unitcode}":                          "a resident's report to a unit, public by design",
	"POST /api/v1/public/units/{unitcode}/cases":  "a resident's report to a unit, public by design",
	"POST /t/{tracking}/rating":                   "the rating of the case whose tracking code the caller holds",
	"POST /api/v1/public/track/{tracking}/rating": "the rating of the case whose tracking code the caller holds",
	// evaluation area: whoever holds a one-time ballot may cast it, once (evaluation_test.go).
	"POST /b":                             "turns a typed ballot code into the ballot's address; changes nothing",
	"POST /b/{token}":                     "the vote of the ballot whose token the caller holds, once",
	"POST /api/v1/public/ballots/{token}": "the vote of the ballot whose token the caller holds, once",
}

// publicReads are the residents' pages, which show any unit's public data by design: its name,
// and to the holder of a tracking code that case's title. The walk still fails them on any other
// marker (a person's name, phone or address); public_test.go proves they show no personal data.
var publicReads = map[string]string{
	"GET /r/{unitcode}":                   "a unit's report form: the unit's name",
	"GET /r/{unitcode}/qr.png":            "a QR code of the report form's address",
	"GET /r/{unitcode}/poster":            "a printable poster: the unit's name",
	"GET /board/{unitcode}":               "a unit's notice board: resolved cases, anonymized",
	"GET /t/{tracking}":                   "the case the tracking code opens, anonymized",
	"GET /api/v1/public/units/{unitcode}": "a unit's name and the categories residents choose from",
	"GET /api/v1/public/track/{tracking}": "the case the tracking code opens, anonymized",
	// volunteer service: a certificate checked by its number (rate-limited); the holder's name masked.
	"GET /verify/service-certificate":         "a service certificate checked by its number: the name masked, hours, content, issuer",
	"GET /api/v1/service/certificates/verify": "the same check for a verifier's system: the name masked, hours, content, issuer",
	// evaluation area: a ballot shows its unit's name and the names of the members and teams it
	// rates; the satisfaction list (满意清单) of a closed round is published with their names and rates.
	"GET /b":                              "the form to type a ballot code",
	"GET /b/{token}":                      "the ballot the token opens: its unit's targets by name",
	"GET /api/v1/public/ballots/{token}":  "the ballot the token opens: its unit's targets by name",
	"GET /s/{unitcode}/{round}":           "a unit's published satisfaction list: targets' names and rates",
	"GET /s/{unitcode}":                   "a unit's published satisfaction lists: the closed rounds' names and periods",
	"GET /s/{unitcode}/{round}/list.xlsx": "a published satisfaction list as .xlsx: the page's names and rates",
	// livelihood area: the public list of a unit's projects (民生实事公示) shows their titles,
	// figures and the leaders who claimed them, by name and post (officials, never a phone).
	"GET /l/{unitcode}": "a unit's livelihood projects: titles, figures, leaders' names and posts",
}

// selfChanges act on the caller's own session only.
var selfChanges = map[string]string{
	"POST /logout":         "ends the caller's own session",
	"POST /api/v1/logout":  "ends the caller's own session",
	"POST /account/locale": "sets the caller's own language",
	// ops: marks the caller's own notifications read; there is no id to aim elsewhere.
	"POST /inbox/read-all":                "marks the caller's own notifications read",
	"POST /api/v1/notifications/read-all": "marks the caller's own notifications read",
}

var paramRE = regexp.MustCompile(`\{([^}]*)\}`)

// scopePaths fills a route's path parameters with the victim's ids, every combination. It
// returns an error naming the parameter it cannot fill.
func scopePaths(path string, victim scopeSide) ([]string, error) {
	path = strings.ReplaceAll(path, "{$}", "")
	if strings.HasPrefix(path, "/static/") && !strings.Contains(path, "{") {
		path += "app.css"
	}
	out := []string{""}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i, seg := range segs {
		m := paramRE.FindStringSubmatch(seg)
		if m == nil {
			for j := range out {
				out[j] += "/" + seg
			}
			continue
		}
		name := strings.ToLower(strings.TrimSuffix(m[1], "..."))
		var values []string
		if words, ok := victim.words[name]; ok {
			values = words
		} else if words, ok := paramWords[name]; ok {
			values = words
		} else {
			key := strings.TrimSuffix(strings.TrimSuffix(name, "id"), "_")
			if name == "id" && i > 0 {
				key = segs[i-1]
			}
			kind, ok := paramKinds[key]
			if !ok {
				return nil, fmt.Errorf("path parameter {%s}: the scope test does not know what it names; add it to paramKinds or paramWords in scope_test.go", m[1])
			}
			for _, id := range victim.ids[kind] {
				values = append(values, strconv.FormatInt(id, 10))
			}
		}
		var next []string
		for _, p := range out {
			for _, v := range values {
				next = append(next, p+"/"+paramRE.ReplaceAllLiteralString(seg, v))
			}
		}
		out = next
	}
	return out, nil
}

// scopeResp is one answer, with an .xlsx (zip) body unpacked to its XML text.
type scopeResp struct {
	status   int
	location string
	body     string
}

// scopeDo sends one request as c: with its bearer token on API routes, its cookies and CSRF
// token elsewhere. body is url.Values (a form) or anything else (JSON), or nil.
func scopeDo(t *testing.T, c *client, api bool, method, path string, body any) scopeResp {
	t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if api {
		req.Header.Set("Authorization", "Bearer "+c.token)
	} else if method != http.MethodGet {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return scopeResp{status: res.StatusCode, location: res.Header.Get("Location"), body: unpackXLSX(b)}
}

// unpackXLSX returns the text of every part of a zip (an .xlsx export), so that markers in an
// export are found; any other body is returned as it is.
func unpackXLSX(b []byte) string {
	if !bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return string(b)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return string(b)
	}
	var sb strings.Builder
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			continue
		}
		io.Copy(&sb, io.LimitReader(rc, 50<<20))
		rc.Close()
	}
	return sb.String()
}

// lostSession reports whether an answer says the caller is not logged in, which means the
// walk itself went wrong.
func (r scopeResp) lostSession() bool {
	return r.status == http.StatusUnauthorized || (r.status/100 == 3 && strings.HasPrefix(r.location, "/login"))
}

// scopeForm is a form the owner was shown: where it posts and what it sends.
type scopeForm struct {
	action string
	values url.Values
}

var (
	formRE     = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	inputRE    = regexp.MustCompile(`(?is)<input\b([^>]*)>`)
	textareaRE = regexp.MustCompile(`(?is)<textarea\b([^>]*)>(.*?)</textarea>`)
	selectRE   = regexp.MustCompile(`(?is)<select\b([^>]*)>(.*?)</select>`)
	optionRE   = regexp.MustCompile(`(?is)<option\b([^>]*)>`)
	buttonRE   = regexp.MustCompile(`(?is)<button\b([^>]*)>`)
)

func attr(attrs, name string) (string, bool) {
	m := regexp.MustCompile(`(?is)\b` + name + `\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))`).FindStringSubmatch(attrs)
	if m == nil {
		return "", false
	}
	return html.UnescapeString(m[1] + m[2] + m[3]), true
}

func hasAttr(attrs, name string) bool {
	return regexp.MustCompile(`(?is)\b` + name + `\b`).MatchString(attrs)
}

// parseForms reads the POST forms of a page, one variant per named submit button.
func parseForms(page string) []scopeForm {
	var out []scopeForm
	for _, fm := range formRE.FindAllStringSubmatch(page, -1) {
		if m, _ := attr(fm[1], "method"); !strings.EqualFold(m, "post") {
			continue
		}
		action, _ := attr(fm[1], "action")
		if u, err := url.Parse(action); err == nil {
			action = u.Path
		}
		v := url.Values{}
		for _, in := range inputRE.FindAllStringSubmatch(fm[2], -1) {
			name, ok := attr(in[1], "name")
			if !ok {
				continue
			}
			typ, _ := attr(in[1], "type")
			typ = strings.ToLower(typ)
			if (typ == "checkbox" || typ == "radio") && !hasAttr(in[1], "checked") {
				continue
			}
			if typ == "submit" || typ == "file" {
				continue
			}
			val, _ := attr(in[1], "value")
			if typ == "checkbox" && val == "" {
				val = "on"
			}
			v.Add(name, val)
		}
		for _, ta := range textareaRE.FindAllStringSubmatch(fm[2], -1) {
			if name, ok := attr(ta[1], "name"); ok {
				v.Add(name, html.UnescapeString(ta[2]))
			}
		}
		for _, sel := range selectRE.FindAllStringSubmatch(fm[2], -1) {
			name, ok := attr(sel[1], "name")
			if !ok {
				continue
			}
			val, first := "", ""
			for i, op := range optionRE.FindAllStringSubmatch(sel[2], -1) {
				ov, _ := attr(op[1], "value")
				if i == 0 {
					first = ov
				}
				if hasAttr(op[1], "selected") {
					val = ov
				}
			}
			if val == "" {
				val = first
			}
			v.Add(name, val)
		}
		variants := 0
		for _, b := range buttonRE.FindAllStringSubmatch(fm[2], -1) {
			if name, ok := attr(b[1], "name"); ok {
				bv, _ := attr(b[1], "value")
				w := cloneValues(v)
				w.Set(name, bv)
				out = append(out, scopeForm{action: action, values: w})
				variants++
			}
		}
		if variants == 0 {
			out = append(out, scopeForm{action: action, values: v})
		}
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// sinkJSON is a plausible change aimed at the victim: every field a form or API of this
// platform might take, each reference pointing at the victim's objects.
func sinkJSON(victim scopeSide) map[string]any {
	id := func(kind string) int64 { return victim.ids[kind][0] }
	return map[string]any{
		"name": victim.fragment + "改名", "code": "410902003099", "kind": "grid", "version": 1,
		"unit_id": id("unit"), "parent_id": id("unit"), "new_parent_id": id("unit"),
		"person_id": id("person"), "member_id": id("person"), "cadre_id": id("person"),
		"household_id": id("household"), "assignment_id": id("assignment"),
		"compound_id": id("compound"), "user_id": id("user"),
		"address": victim.fragment + "路1号", "phone": "13700000000", "gender": "F",
		"birth_date": "1980-01-01", "relation": "spouse", "party_member": true,
		"joined_party_on": "2000-07-01", "categories": []string{"resident"},
		"starts_on": "2026-01-01", "ends_on": "2026-12-31",
		"three_without": true, "red_committee": true, "active": false, "reason": "scope test",
		"username": "leaktest", "password": "Leak@2026pass", "role": "branch_secretary",
	}
}

// sinkForm is sinkJSON as a form.
func sinkForm(victim scopeSide) url.Values {
	v := url.Values{}
	for k, x := range sinkJSON(victim) {
		switch x := x.(type) {
		case []string:
			v[k] = x
		case bool:
			if x {
				v.Set(k, "on")
			} else {
				v.Set(k, "false")
			}
		default:
			v.Set(k, fmt.Sprint(x))
		}
	}
	return v
}

// walkScope is one direction of TestScopeEveryRoute: attacker's secretary against victim.
func walkScope(t *testing.T, rep scopeReporter, f *fixture, attacker, victim scopeSide) {
	ctx := context.Background()
	owner, ownerAPI := f.login(t, victim.user), f.apiLogin(t, victim.user)
	web, api := f.login(t, attacker.user), f.apiLogin(t, attacker.user)
	clientFor := func(rt route, own bool) *client {
		switch {
		case own && rt.api:
			return ownerAPI
		case own:
			return owner
		case rt.api:
			return api
		}
		return web
	}
	type stats struct {
		routes, reads, changes, requests      int
		ownerPages, ownerOK, ownerWithMarkers int
		refusals                              map[int]int
		ownerNotOK                            []string
		formsReplayed, apiFieldsTaken         int
		skipped                               []string
	}
	st := stats{refusals: map[int]int{}}

	// 1. The owner walks every read: this proves the victim's pages exist and show its
	// markers, and collects the forms the owner is offered, to replay them as the attacker.
	forms := map[string][]url.Values{}
	ownerJSON := map[string]map[string]any{}
	paths := map[string][]string{}
	for _, rt := range f.srv.routes {
		method, path, _ := strings.Cut(rt.pattern, " ")
		ps, err := scopePaths(path, victim)
		if err != nil {
			rep.Errorf("route %q: %v", rt.pattern, err)
			continue
		}
		paths[rt.pattern] = ps
		if method != http.MethodGet {
			continue
		}
		for _, p := range ps {
			r := scopeDo(t, clientFor(rt, true), rt.api, "GET", p, nil)
			st.ownerPages++
			if r.status == http.StatusOK {
				st.ownerOK++
			} else {
				st.ownerNotOK = append(st.ownerNotOK, fmt.Sprintf("%s %d", p, r.status))
			}
			if containsAny(r.body, victim.markers) != "" {
				st.ownerWithMarkers++
			}
			if rt.api {
				var obj map[string]any
				if json.Unmarshal([]byte(r.body), &obj) == nil && r.status == http.StatusOK {
					ownerJSON[p] = obj
				}
				continue
			}
			for _, fm := range parseForms(r.body) {
				if len(forms[fm.action]) < 4 {
					forms[fm.action] = append(forms[fm.action], fm.values)
				}
			}
		}
	}
	if st.ownerWithMarkers == 0 {
		t.Fatalf("%s saw none of %s's markers on any page: the walk would prove nothing", victim.user, victim.community)
	}

	// 2. The attacker reads every route with the victim's ids, in the path and the query.
	for _, rt := range f.srv.routes {
		method, _, _ := strings.Cut(rt.pattern, " ")
		if method != http.MethodGet {
			continue
		}
		st.routes++
		st.reads++
		for _, p := range paths[rt.pattern] {
			queries := []struct{ q, echo string }{{"", ""}, {"unit=" + strconv.FormatInt(victim.ids["unit"][0], 10), ""},
				{"q=" + url.QueryEscape(victim.fragment), ""}, {"q=" + victim.phone, victim.phone}}
			for _, q := range queries {
				target := p
				if q.q != "" {
					target += "?" + q.q
				}
				r := scopeDo(t, clientFor(rt, false), rt.api, "GET", target, nil)
				st.requests++
				// Follow redirects on this site, as a browser would, to the page they lead to.
				for hops := 0; r.status/100 == 3 && strings.HasPrefix(r.location, "/") && !r.lostSession() && hops < 3; hops++ {
					if m := containsAny(r.location, victim.markers); m != "" {
						rep.Errorf("LEAK: %s GET %s redirects to a URL holding %q", attacker.user, target, m)
					}
					r = scopeDo(t, clientFor(rt, false), rt.api, "GET", r.location, nil)
					st.requests++
				}
				switch {
				case rt.access == user && r.lostSession():
					rep.Errorf("%s GET %s: %d: the attacker's session was lost, the walk proves nothing", attacker.user, target, r.status)
				case r.status == http.StatusForbidden || r.status == http.StatusNotFound:
				case r.status >= 500:
					rep.Errorf("%s GET %s: server error %d", attacker.user, target, r.status)
				default:
					markers := victim.markers
					if _, ok := publicReads[rt.pattern]; ok && rt.access == public {
						for _, m := range victim.public {
							markers = without(markers, m)
						}
					}
					if q.echo != "" {
						markers = without(markers, q.echo) // the search box shows what was searched
					}
					if m := containsAny(r.body, markers); m != "" {
						rep.Errorf("LEAK: %s GET %s (%d) shows %q of %s: …%s…", attacker.user, target, r.status, m, victim.community, excerpt(r.body, m))
					}
				}
			}
		}
	}

	// 3. The attacker sends every change at the victim's objects: each must be refused with a
	// client error and leave the audit log as it was.
	auditCount := func() int {
		n, err := f.db.AuditCount(ctx)
		if err != nil {
			t.Fatalf("audit count: %v", err)
		}
		return n
	}
	attempt := func(rt route, method, path string, body any) scopeResp {
		before := auditCount()
		r := scopeDo(t, clientFor(rt, false), rt.api, method, path, body)
		st.requests++
		after := auditCount()
		what := fmt.Sprintf("%s %s %s", attacker.user, method, path)
		if after != before {
			rep.Errorf("LEAK: %s (%d) changed data: the audit log grew by %d; body %v", what, r.status, after-before, body)
		}
		switch {
		case r.lostSession():
			rep.Errorf("%s: %d: the attacker's session was lost, the walk proves nothing", what, r.status)
		case r.status/100 == 2:
			rep.Errorf("LEAK: %s succeeded (%d); body %v", what, r.status, body)
		case r.status/100 == 3:
			rep.Errorf("LEAK?: %s redirected to %s, which is how a change reports success; body %v", what, r.location, body)
		case r.status >= 500:
			rep.Errorf("%s: server error %d", what, r.status)
		default:
			st.refusals[r.status]++
		}
		return r
	}
	for _, rt := range f.srv.routes {
		method, _, _ := strings.Cut(rt.pattern, " ")
		if method == http.MethodGet || method == http.MethodHead {
			continue
		}
		st.routes++
		if why, ok := publicChanges[rt.pattern]; ok && rt.access == public {
			st.skipped = append(st.skipped, rt.pattern+" ("+why+")")
			continue
		}
		if why, ok := selfChanges[rt.pattern]; ok {
			st.skipped = append(st.skipped, rt.pattern+" ("+why+")")
			continue
		}
		st.changes++
		for _, p := range paths[rt.pattern] {
			if !rt.api {
				bodies := forms[p]
				st.formsReplayed += len(bodies)
				if len(bodies) == 0 {
					bodies = []url.Values{nil}
				}
				for _, fv := range bodies {
					v := sinkForm(victim)
					for k, vs := range fv {
						if len(vs) > 0 && vs[0] != "" {
							v[k] = vs
						}
					}
					v.Set("csrf", web.csrf)
					attempt(rt, method, p, v)
				}
				continue
			}
			// The API refuses unknown fields, so find the fields this route takes: the object
			// the owner reads at this path (or at its first item), and each plausible field
			// alone; then send all the fields it took together.
			sink := sinkJSON(victim)
			var objs []map[string]any
			if o, ok := ownerJSON[p]; ok {
				objs = append(objs, o)
			}
			for _, ids := range victim.ids {
				if o, ok := ownerJSON[p+"/"+strconv.FormatInt(ids[0], 10)]; ok {
					objs = append(objs, o)
				}
			}
			fields := map[string]any{}
			for k, v := range sink {
				fields[k] = v
			}
			for _, o := range objs {
				for k, v := range o {
					fields[k] = v
				}
			}
			for _, o := range objs {
				attempt(rt, method, p, o)
			}
			taken := map[string]any{}
			for _, k := range sortedKeys(fields) {
				r := attempt(rt, method, p, map[string]any{k: fields[k]})
				if r.status != http.StatusBadRequest {
					taken[k] = fields[k]
				}
			}
			st.apiFieldsTaken += len(taken)
			if len(taken) > 0 {
				attempt(rt, method, p, taken)
			}
			attempt(rt, method, p, nil)
		}
	}
	rep.Logf("%s against %s: walked %d routes (%d reads, %d changes), %d requests; replayed %d of the owner's forms; the API took %d fields; refusals by status %v",
		attacker.user, victim.community, st.routes, st.reads, st.changes, st.requests, st.formsReplayed, st.apiFieldsTaken, st.refusals)
	rep.Logf("the owner %s got %d/%d reads with 200, %d showing its markers; not 200: %s",
		victim.user, st.ownerOK, st.ownerPages, st.ownerWithMarkers, strings.Join(st.ownerNotOK, ", "))
	rep.Logf("changes not held to refusal: %s", strings.Join(st.skipped, "; "))
}

func containsAny(s string, subs []string) string {
	for _, m := range subs {
		if m != "" && strings.Contains(s, m) {
			return m
		}
	}
	return ""
}

// excerpt is the text around the first m in s, to show where a leak is.
func excerpt(s, m string) string {
	i := strings.Index(s, m)
	if i < 0 {
		return ""
	}
	from, to := max(0, i-120), min(len(s), i+len(m)+120)
	for from > 0 && !utf8.RuneStart(s[from]) {
		from--
	}
	for to < len(s) && !utf8.RuneStart(s[to]) {
		to++
	}
	return s[from:to]
}

func without(list []string, drop string) []string {
	var out []string
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
