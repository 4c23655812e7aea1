package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// csAccount makes an account with one role, linked to a person when p is not nil.
func csAccount(t *testing.T, f *fixture, name string, role authz.Role, u *org.Unit, p *people.Person) {
	t.Helper()
	ctx := context.Background()
	nu := storage.NewUser{Username: name, Password: testPassword}
	if p != nil {
		nu.PersonID = p.ID
	}
	usr, err := f.db.CreateUser(ctx, storage.System, nu)
	if err != nil {
		t.Fatalf("user %s: %v", name, err)
	}
	if err := f.db.BindRole(ctx, storage.System, usr.ID, role, u.ID); err != nil {
		t.Fatalf("bind %s: %v", name, err)
	}
	f.users[name] = usr.ID
}

// csCase reads a case as the platform.
func csCase(t *testing.T, f *fixture, id int64) *cases.Case {
	t.Helper()
	c, _, err := f.db.Case(context.Background(), storage.System, id)
	if err != nil {
		t.Fatalf("case %d: %v", id, err)
	}
	return c
}

// csEvents lists a case's timeline actions.
func csEvents(t *testing.T, f *fixture, id int64) []string {
	t.Helper()
	evs, err := f.db.CaseEvents(context.Background(), storage.System, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Action)
	}
	return out
}

// csCategory is the id of a default category.
func csCategory(t *testing.T, f *fixture, code string) int64 {
	t.Helper()
	cats, err := f.db.Categories(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		if c.Code == code {
			return c.ID
		}
	}
	t.Fatalf("no category %s", code)
	return 0
}

// csNewCase files a case in a unit as the platform, and optionally takes steps on it.
func csNewCase(t *testing.T, f *fixture, u *org.Unit, title string, steps ...cases.Action) *cases.Case {
	t.Helper()
	ctx := context.Background()
	c := &cases.Case{UnitID: u.ID, List: cases.Appeal, CategoryID: csCategory(t, f, "road"), Urgency: cases.Normal,
		Channel: cases.Hotline, Title: title, ReporterName: "吴先生", ReporterPhone: "13700001111"}
	if _, err := f.db.CreateCase(ctx, storage.System, c, storage.NewCase{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		x, err := f.db.Act(ctx, storage.System, c.ID, s, cases.Input{}, c.Version)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		c = x
	}
	return c
}

// csPost submits a form and returns the status, the redirect target and the body.
func csPost(t *testing.T, c *client, path string, v url.Values) (int, string, string) {
	t.Helper()
	if v.Get("csrf") == "" {
		v.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return csSend(t, c, req)
}

func csSend(t *testing.T, c *client, req *http.Request) (int, string, string) {
	t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	return res.StatusCode, res.Header.Get("Location"), b.String()
}

// csStep takes an action through the case page's form with the case's current version, and
// expects the redirect that reports success.
func csStep(t *testing.T, f *fixture, c *client, id int64, act string, v url.Values) {
	t.Helper()
	if v == nil {
		v = url.Values{}
	}
	v.Set("version", strconv.FormatInt(csCase(t, f, id).Version, 10))
	st, loc, body := csPost(t, c, fmt.Sprintf("/cases/%d/%s", id, act), v)
	if st != http.StatusSeeOther || !strings.Contains(loc, "flash=flash.cases."+act) {
		t.Fatalf("%s: %d %s %s", act, st, loc, csAlert(body))
	}
}

var csAlertRE = regexp.MustCompile(`(?s)<p class="alert" role="alert">(.*?)</p>`)

// csAlert is the error a page shows at its top.
func csAlert(body string) string {
	if m := csAlertRE.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

var csKeyRE = regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`)

func TestCaseFlowThroughPages(t *testing.T) {
	f := newFixture(t)
	csAccount(t, f, "wangjg", authz.Member, f.zq, f.zqHead)
	sec := f.login(t, "zhanqian")

	st, form := sec.get(fmt.Sprintf("/cases/new?unit=%d", f.zqGrid.ID))
	if st != 200 || !strings.Contains(form, "站前一网格") || strings.Contains(form, "开西一网格") {
		t.Fatalf("new case form: %d", st)
	}
	if !strings.Contains(form, "路灯照明（群众诉求，时限：一般 3 / 紧急 2 / 特急 1 个工作日）") {
		t.Fatal("the category's time limits are not shown")
	}
	m := csKeyRE.FindStringSubmatch(form)
	if m == nil {
		t.Fatal("the form carries no idempotency key")
	}
	v := url.Values{"unit_id": {strconv.FormatInt(f.zqGrid.ID, 10)}, "category_id": {strconv.FormatInt(csCategory(t, f, "lighting"), 10)},
		"urgency": {"urgent"}, "channel": {"door_visit"}, "title": {"3号楼楼道灯不亮"},
		"description": {`<script>alert("x")</script> 晚上看不见`}, "address": {"站前路12号"},
		"reporter_name": {"钱阿姨"}, "reporter_phone": {"13812345678"}, "idempotency_key": {m[1]}}

	t.Run("DoubleSubmitMakesOneCase", func(t *testing.T) {
		st, loc, body := csPost(t, sec, "/cases", cloneValues(v))
		if st != http.StatusSeeOther || !strings.Contains(loc, "flash.cases.created") {
			t.Fatalf("create: %d %s %s", st, loc, csAlert(body))
		}
		st, loc2, _ := csPost(t, sec, "/cases", cloneValues(v))
		if st != http.StatusSeeOther || !strings.Contains(loc2, "flash.cases.duplicate") {
			t.Fatalf("second submit: %d %s", st, loc2)
		}
		if strings.Split(loc, "?")[0] != strings.Split(loc2, "?")[0] {
			t.Fatalf("second submit led to %s, the first to %s", loc2, loc)
		}
		list, _, err := f.db.Cases(context.Background(), storage.System, storage.CaseFilter{Query: "3号楼楼道灯不亮"})
		if err != nil || len(list) != 1 {
			t.Fatalf("%d cases after a double submit (%v)", len(list), err)
		}
	})
	list, _, _ := f.db.Cases(context.Background(), storage.System, storage.CaseFilter{Query: "3号楼楼道灯不亮"})
	if len(list) != 1 {
		t.FailNow()
	}
	id := list[0].ID
	page := fmt.Sprintf("/cases/%d", id)

	t.Run("ScriptIsEscaped", func(t *testing.T) {
		_, body := sec.get(page)
		if strings.Contains(body, `<script>alert("x")`) || !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
			t.Fatal("the description is not escaped on the page")
		}
		if !strings.Contains(body, list[0].TrackingCode) || !strings.Contains(body, "13812345678") {
			t.Fatal("the secretary is not shown the tracking code and the phone")
		}
		// Only what a submitted case allows: accept, reject, urge, comment.
		for _, act := range []string{"accept", "reject", "urge", "comment"} {
			if !strings.Contains(body, fmt.Sprintf(`action="/cases/%d/%s"`, id, act)) {
				t.Errorf("no %s form", act)
			}
		}
		for _, act := range []string{"dispatch", "resolve", "close", "check_pass", "rate"} {
			if strings.Contains(body, fmt.Sprintf(`action="/cases/%d/%s"`, id, act)) {
				t.Errorf("a %s form on a submitted case", act)
			}
		}
	})

	csStep(t, f, sec, id, "accept", nil)
	_, body := sec.get(page)
	if !strings.Contains(body, `<option value="`+strconv.FormatInt(f.zqHead.ID, 10)+`">王建国`) || strings.Contains(body, "赵开西") {
		t.Fatal("the dispatch form does not offer the community's party members only")
	}
	csStep(t, f, sec, id, "dispatch", url.Values{"assignee_kind": {"person"}, "assignee_id": {strconv.FormatInt(f.zqHead.ID, 10)}})

	member := f.login(t, "wangjg")
	if _, body := member.get("/cases/mine"); !strings.Contains(body, "3号楼楼道灯不亮") {
		t.Fatal("the handler's own list does not show the case")
	}
	_, body = member.get(page)
	if strings.Contains(body, "13812345678") || !strings.Contains(body, "138****5678") {
		t.Fatal("a member sees the reporter's phone unmasked")
	}
	if strings.Contains(body, list[0].TrackingCode) {
		t.Fatal("a member is shown the tracking code")
	}
	csStep(t, f, member, id, "start", nil)
	csStep(t, f, member, id, "resolve", url.Values{"result": {"更换了感应灯"}, "method": {"volunteer_labour"}})
	csStep(t, f, sec, id, "check_pass", url.Values{"note": {"上门查看，已亮"}})
	csStep(t, f, sec, id, "rate", url.Values{"rating": {"satisfied"}, "note": {"电话回访，很满意"}})
	csStep(t, f, sec, id, "close", nil)

	c := csCase(t, f, id)
	if c.Status != cases.Closed || c.Rating != cases.Satisfied || c.Method != cases.VolunteerLabour || c.AssigneeID != f.zqHead.ID {
		t.Fatalf("after the flow: %+v", c.State)
	}
	want := "submit accept dispatch start resolve check_pass rate close"
	if got := strings.Join(csEvents(t, f, id), " "); got != want {
		t.Fatalf("timeline %q, want %q", got, want)
	}
	_, body = sec.get(page)
	for _, s := range []string{"已归档公示", "承办人：王建国", "办理方式：义务劳动", "评价：满意", "电话回访，很满意", "wangjg"} {
		if !strings.Contains(body, s) {
			t.Errorf("the page does not show %q", s)
		}
	}
	if strings.Contains(body, `action="/cases/`+strconv.FormatInt(id, 10)+`/`) {
		t.Error("a closed case still offers steps")
	}
}

func TestCaseFlowThroughAPI(t *testing.T) {
	f := newFixture(t)
	csAccount(t, f, "wangjg", authz.Member, f.zq, f.zqHead)
	sec, member := f.apiLogin(t, "zhanqian"), f.apiLogin(t, "wangjg")
	type caseOut struct {
		Case struct {
			ID            int64  `json:"id"`
			Status        string `json:"status"`
			Version       int64  `json:"version"`
			ReporterPhone string `json:"reporter_phone"`
			TrackingCode  string `json:"tracking_code"`
			Capacity      struct {
				Manager bool     `json:"manager"`
				Actions []string `json:"actions"`
			} `json:"capacity"`
		} `json:"case"`
	}
	decode := func(body string) caseOut {
		var out caseOut
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		return out
	}
	create := func(key string) (int, string) {
		b, _ := json.Marshal(map[string]any{"unit_id": f.zq.ID, "category_id": csCategory(t, f, "sanitation"), "channel": "tea_room",
			"title": "垃圾清运不及时", "reporter_name": "刘大爷", "reporter_phone": "13855556666"})
		req, _ := http.NewRequest("POST", sec.base+"/api/v1/cases", bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+sec.token)
		req.Header.Set("Idempotency-Key", key)
		st, _, body := csSend(t, sec, req)
		return st, body
	}
	st, body := create("retry-1")
	if st != http.StatusCreated {
		t.Fatalf("create: %d %s", st, body)
	}
	c := decode(body).Case
	if c.Status != "submitted" || c.TrackingCode == "" || c.ReporterPhone != "13855556666" {
		t.Fatalf("created: %+v", c)
	}
	if st, body := create("retry-1"); st != http.StatusOK || decode(body).Case.ID != c.ID {
		t.Fatalf("a retried request: %d %s", st, body)
	}
	if n := len(csEvents(t, f, c.ID)); n != 1 {
		t.Fatalf("a retried request added %d events", n-1)
	}

	_, body = sec.api("GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), nil)
	got := decode(body).Case
	if !got.Capacity.Manager || strings.Join(got.Capacity.Actions, ",") != "accept,reject,urge,comment" {
		t.Fatalf("capacity: %+v", got.Capacity)
	}
	step := func(cl *client, act string, in map[string]any) {
		t.Helper()
		if in == nil {
			in = map[string]any{}
		}
		in["version"] = csCase(t, f, c.ID).Version
		st, body := cl.api("POST", fmt.Sprintf("/api/v1/cases/%d/%s", c.ID, act), in)
		if st != http.StatusOK {
			t.Fatalf("%s: %d %s", act, st, body)
		}
	}
	step(sec, "accept", nil)
	step(sec, "dispatch", map[string]any{"assignee_id": f.zqHead.ID})
	step(member, "start", map[string]any{"note": "已联系保洁"})
	step(member, "resolve", map[string]any{"result": "已清运", "method": "department"})
	step(sec, "check_pass", nil)
	step(sec, "rate", map[string]any{"rating": "basic_satisfied", "note": "电话回访"})
	step(sec, "close", nil)

	_, body = member.api("GET", fmt.Sprintf("/api/v1/cases/%d", c.ID), nil)
	if got := decode(body).Case; got.Status != "closed" || got.ReporterPhone != "138****6666" || got.TrackingCode != "" {
		t.Fatalf("a member reads %+v: the phone must be masked as on screen, no tracking code", got)
	}
	st, body = sec.api("GET", fmt.Sprintf("/api/v1/cases/%d/events", c.ID), nil)
	var evs struct {
		Events []struct {
			Action string `json:"action"`
			Actor  string `json:"actor"`
		} `json:"events"`
	}
	json.Unmarshal([]byte(body), &evs)
	var acts []string
	for _, e := range evs.Events {
		acts = append(acts, e.Action)
	}
	if st != 200 || strings.Join(acts, " ") != "submit accept dispatch start resolve check_pass rate close" {
		t.Fatalf("events: %d %v", st, acts)
	}

	t.Run("ListPagesByKeyset", func(t *testing.T) {
		var page struct {
			Cases []struct {
				ID            int64  `json:"id"`
				ReporterPhone string `json:"reporter_phone"`
			} `json:"cases"`
			NextBefore int64 `json:"next_before"`
		}
		var seen []int64
		before := int64(0)
		for i := 0; i < 5; i++ {
			st, body := member.api("GET", fmt.Sprintf("/api/v1/cases?unit=%d&limit=1&before=%d", f.zq.ID, before), nil)
			if st != 200 {
				t.Fatalf("%d %s", st, body)
			}
			page.Cases, page.NextBefore = nil, 0
			json.Unmarshal([]byte(body), &page)
			for _, x := range page.Cases {
				seen = append(seen, x.ID)
				if strings.Contains(x.ReporterPhone, "5555") {
					t.Fatal("a member's list shows an unmasked phone")
				}
			}
			if page.NextBefore == 0 {
				break
			}
			before = page.NextBefore
		}
		if len(seen) != 2 || seen[0] != c.ID || seen[1] != f.zqCase.ID {
			t.Fatalf("pages gave %v, want [%d %d]", seen, c.ID, f.zqCase.ID)
		}
		_, body := sec.api("GET", "/api/v1/cases?status=closed", nil)
		json.Unmarshal([]byte(body), &page)
		if len(page.Cases) != 1 || page.Cases[0].ID != c.ID {
			t.Fatalf("status filter: %s", body)
		}
		if st, _ := sec.api("GET", "/api/v1/cases?status=done", nil); st != http.StatusUnprocessableEntity {
			t.Fatalf("an unknown status: %d", st)
		}
	})
}

func TestCaseForgedStaleAndBadSteps(t *testing.T) {
	f := newFixture(t)
	sec, api := f.login(t, "zhanqian"), f.apiLogin(t, "zhanqian")
	id := f.zqCase.ID
	page := fmt.Sprintf("/cases/%d", id)
	unchanged := func(t *testing.T, version int64, events int) {
		t.Helper()
		c := csCase(t, f, id)
		if c.Version != version || len(csEvents(t, f, id)) != events {
			t.Fatalf("the case changed: version %d (was %d), %d events (were %d)", c.Version, version, len(csEvents(t, f, id)), events)
		}
	}

	t.Run("ForgedActionIsRefused", func(t *testing.T) {
		// A submitted case cannot be checked: the form is not offered, a forged post changes nothing.
		st, _, body := csPost(t, sec, page+"/check_pass", url.Values{"version": {"1"}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(csAlert(body), "当前状态下不能执行该操作") {
			t.Fatalf("page: %d %q", st, csAlert(body))
		}
		st, body = api.api("POST", "/api/v1"+page+"/close", map[string]any{"version": 1})
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "当前状态下不能执行该操作") {
			t.Fatalf("api: %d %s", st, body)
		}
		if st, _, _ := csPost(t, sec, page+"/fly", url.Values{"version": {"1"}}); st != http.StatusNotFound {
			t.Fatalf("an unknown action: %d", st)
		}
		unchanged(t, 1, 1)
	})
	t.Run("BadInputSaysWhere", func(t *testing.T) {
		st, _, body := csPost(t, sec, page+"/reject", url.Values{"version": {"1"}, "reason": {"  "}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, `<small class="err">此项必填。</small>`) {
			t.Fatalf("reject without a reason: %d", st)
		}
		st, body = api.api("POST", "/api/v1"+page+"/reject", map[string]any{"version": 1, "color": "red"})
		if st != http.StatusBadRequest {
			t.Fatalf("an unknown field: %d %s", st, body)
		}
		unchanged(t, 1, 1)
	})
	t.Run("StaleVersionIsAConflict", func(t *testing.T) {
		csStep(t, f, sec, id, "accept", nil) // version 2 now
		st, _, body := csPost(t, sec, page+"/comment", url.Values{"version": {"1"}, "note": {"晚了一步"}})
		if st != http.StatusConflict || !strings.Contains(csAlert(body), "该记录已被他人修改") {
			t.Fatalf("page: %d %q", st, csAlert(body))
		}
		// The page shown again carries the current version, so a retry can succeed.
		if !strings.Contains(body, `name="version" value="2"`) {
			t.Fatal("the conflict page does not carry the current version")
		}
		st, body = api.api("POST", "/api/v1"+page+"/comment", map[string]any{"version": 1, "note": "晚了一步"})
		if st != http.StatusConflict || !strings.Contains(body, `"code":"conflict"`) {
			t.Fatalf("api: %d %s", st, body)
		}
		unchanged(t, 2, 2)
	})
	t.Run("BadPhotoStopsTheStep", func(t *testing.T) {
		c := csNewCase(t, f, f.zq, "井盖松动", cases.Accept)
		for _, s := range []cases.Action{cases.Dispatch, cases.Start} {
			x, err := f.db.Act(context.Background(), storage.System, c.ID, s, cases.Input{AssigneeKind: cases.ToPerson, AssigneeID: f.zqCadre.ID}, c.Version)
			if err != nil {
				t.Fatal(err)
			}
			c = x
		}
		fields := map[string]string{"version": strconv.FormatInt(c.Version, 10), "result": "已固定", "method": "other"}
		st, body := csMultipart(t, sec, fmt.Sprintf("/cases/%d/resolve", c.ID), fields, "photos_before", "before.jpg", []byte("not an image at all"))
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "before.jpg") {
			t.Fatalf("a mislabeled photo: %d %q", st, csAlert(body))
		}
		if x := csCase(t, f, c.ID); x.Status != cases.InProgress || x.Version != c.Version {
			t.Fatalf("the step was taken despite the bad photo: %s", x.Status)
		}
		st, body = csMultipart(t, sec, fmt.Sprintf("/cases/%d/resolve", c.ID), fields, "photos_before", "before.png", csPNG(t), "photos", "after.png", csPNG(t))
		if st != http.StatusSeeOther {
			t.Fatalf("resolve with photos: %d %q", st, csAlert(body))
		}
		ps, err := f.db.CasePhotos(context.Background(), storage.System, c.ID)
		if err != nil || len(ps) != 2 || ps[0].Kind != "before" || ps[1].Kind != "after" {
			t.Fatalf("photos stored: %+v (%v)", ps, err)
		}
		_, body = sec.get(fmt.Sprintf("/cases/%d", c.ID))
		for _, want := range []string{"处理前 1 张", "处理后 1 张", fmt.Sprintf(`src="/cases/%d/photos/%d/thumb"`, c.ID, ps[0].ID)} {
			if !strings.Contains(body, want) {
				t.Errorf("the case page does not show %q", want)
			}
		}
	})
}

// csPNG is a small real image.
func csPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := 0; x < 32; x++ {
		img.Set(x, x%24, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// csMultipart posts a multipart form; files are (field, name, data) triples.
func csMultipart(t *testing.T, c *client, path string, fields map[string]string, files ...any) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", c.csrf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for i := 0; i+2 < len(files); i += 3 {
		w, _ := mw.CreateFormFile(files[i].(string), files[i+1].(string))
		w.Write(files[i+2].([]byte))
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	st, _, b := csSend(t, c, req)
	return st, b
}

func TestCaseScope(t *testing.T) {
	f := newFixture(t)
	sec, api := f.login(t, "zhanqian"), f.apiLogin(t, "zhanqian")
	kx := f.kxCase.ID
	for _, path := range []string{fmt.Sprintf("/cases/%d", kx)} {
		if st, body := sec.get(path); st != http.StatusNotFound || containsAny(body, f.kxMarkers()) != "" {
			t.Errorf("page %s: %d", path, st)
		}
	}
	for _, path := range []string{fmt.Sprintf("/api/v1/cases/%d", kx), fmt.Sprintf("/api/v1/cases/%d/events", kx)} {
		if st, body := api.api("GET", path, nil); st != http.StatusNotFound || containsAny(body, f.kxMarkers()) != "" {
			t.Errorf("api %s: %d", path, st)
		}
	}
	if st, _, _ := csPost(t, sec, fmt.Sprintf("/cases/%d/accept", kx), url.Values{"version": {"1"}}); st != http.StatusNotFound {
		t.Errorf("accepting the other community's case by page: %d", st)
	}
	if st, _ := api.api("POST", fmt.Sprintf("/api/v1/cases/%d/accept", kx), map[string]any{"version": 1}); st != http.StatusNotFound {
		t.Errorf("accepting the other community's case by API: %d", st)
	}
	if c := csCase(t, f, kx); c.Status != cases.Submitted || c.Version != 1 {
		t.Fatalf("the other community's case changed: %s", c.Status)
	}
	for _, path := range []string{"/cases", "/cases?q=开西", "/cases/claim", "/cases/mine", "/cases?status=submitted"} {
		st, body := sec.get(path)
		if st != 200 {
			t.Errorf("%s: %d", path, st)
		}
		if m := containsAny(body, f.kxMarkers()); m != "" {
			t.Errorf("%s shows %q", path, m)
		}
	}
	if _, body := sec.get("/cases"); !strings.Contains(body, f.zqCase.Title) {
		t.Error("the own community's case is not listed")
	}
	if st, body := api.api("GET", "/api/v1/cases", nil); st != 200 || containsAny(body, f.kxMarkers()) != "" || !strings.Contains(body, f.zqCase.Title) {
		t.Errorf("api list: %d", st)
	}
	for _, path := range []string{fmt.Sprintf("/cases?unit=%d", f.kx.ID), fmt.Sprintf("/export/cases.xlsx?unit=%d", f.kx.ID),
		fmt.Sprintf("/cases/new?unit=%d", f.kx.ID)} {
		if st, _ := sec.get(path); st != http.StatusNotFound {
			t.Errorf("%s: %d", path, st)
		}
	}
	if st, _ := api.api("GET", fmt.Sprintf("/api/v1/cases?unit=%d", f.kx.ID), nil); st != http.StatusNotFound {
		t.Errorf("api list of the other community: %d", st)
	}
	// Entering a case for the other community is refused, by page and API.
	v := url.Values{"unit_id": {strconv.FormatInt(f.kx.ID, 10)}, "category_id": {strconv.FormatInt(csCategory(t, f, "road"), 10)},
		"channel": {"hotline"}, "title": {"越权登记"}}
	if st, _, _ := csPost(t, sec, "/cases", v); st != http.StatusUnprocessableEntity {
		t.Errorf("entering a case for the other community: %d", st)
	}
	if st, _ := api.api("POST", "/api/v1/cases", map[string]any{"unit_id": f.kx.ID, "category_id": csCategory(t, f, "road"),
		"channel": "hotline", "title": "越权登记"}); st != http.StatusUnprocessableEntity {
		t.Errorf("entering a case for the other community by API: %d", st)
	}
	if list, _, _ := f.db.Cases(context.Background(), storage.System, storage.CaseFilter{Query: "越权登记"}); len(list) != 0 {
		t.Fatal("a case was entered out of scope")
	}
}

func TestCaseDepartmentInbox(t *testing.T) {
	f := newFixture(t)
	csAccount(t, f, "chengjian", authz.Department, f.dept, nil)
	sec, dept := f.login(t, "zhanqian"), f.login(t, "chengjian")
	id := f.zqCase.ID
	page := fmt.Sprintf("/cases/%d", id)
	csStep(t, f, sec, id, "accept", nil)
	_, body := sec.get(page)
	if !strings.Contains(body, `<option value="`+strconv.FormatInt(f.dept.ID, 10)+`">城建办</option>`) {
		t.Fatal("the escalation form does not offer the town's department")
	}
	if _, body := dept.get("/cases/inbox"); strings.Contains(body, f.zqCase.Title) {
		t.Fatal("the inbox shows a case not escalated yet")
	}
	csStep(t, f, sec, id, "escalate", url.Values{"department_id": {strconv.FormatInt(f.dept.ID, 10)}, "reason": {"需更换线路，村里解决不了"}})

	st, body := dept.get("/cases/inbox")
	if st != 200 || !strings.Contains(body, f.zqCase.Title) || containsAny(body, f.kxMarkers()) != "" {
		t.Fatalf("inbox: %d", st)
	}
	_, body = dept.get(page)
	if strings.Contains(body, f.zqCase.ReporterPhone) || !strings.Contains(body, "138****0099") {
		t.Fatal("the department sees the reporter's phone unmasked")
	}
	if !strings.Contains(body, fmt.Sprintf(`action="/cases/%d/start"`, id)) || strings.Contains(body, fmt.Sprintf(`action="/cases/%d/dispatch"`, id)) {
		t.Fatal("the department is not offered exactly its steps")
	}
	csStep(t, f, dept, id, "start", nil)
	if c := csCase(t, f, id); c.Status != cases.InProgress || c.SignedAt.IsZero() {
		t.Fatalf("after start: %s", c.Status)
	}
	v := url.Values{"reason": {"属供电公司管辖"}, "version": {strconv.FormatInt(csCase(t, f, id).Version, 10)}}
	st, loc, _ := csPost(t, dept, page+"/return", v)
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/cases/inbox") {
		t.Fatalf("return: %d %s", st, loc)
	}
	c := csCase(t, f, id)
	if c.Status != cases.Accepted || c.HandlerUnitID != f.zq.ID || c.AssigneeID != 0 {
		t.Fatalf("after return: %s handler %d", c.Status, c.HandlerUnitID)
	}
	if st, _ := dept.get(page); st != http.StatusNotFound {
		t.Fatalf("the department still sees the returned case: %d", st)
	}
	if want := "submit accept escalate start return"; strings.Join(csEvents(t, f, id), " ") != want {
		t.Fatalf("timeline %v", csEvents(t, f, id))
	}
}

func TestCaseClaimBoard(t *testing.T) {
	f := newFixture(t)
	csAccount(t, f, "wangjg", authz.Member, f.zq, f.zqHead)
	member := f.login(t, "wangjg")
	if _, body := member.get("/cases/claim"); strings.Contains(body, f.zqCase.Title) {
		t.Fatal("a submitted case is on the claim board")
	}
	if _, err := f.db.Act(context.Background(), storage.System, f.zqCase.ID, cases.Accept, cases.Input{}, 1); err != nil {
		t.Fatal(err)
	}
	st, body := member.get("/cases/claim")
	if st != 200 || !strings.Contains(body, f.zqCase.Title) || !strings.Contains(body, fmt.Sprintf(`action="/cases/%d/claim"`, f.zqCase.ID)) {
		t.Fatalf("claim board: %d", st)
	}
	if containsAny(body, f.kxMarkers()) != "" {
		t.Fatal("the claim board shows the other community")
	}
	st, loc, _ := csPost(t, member, fmt.Sprintf("/cases/%d/claim", f.zqCase.ID), url.Values{"version": {"2"}})
	if st != http.StatusSeeOther || !strings.Contains(loc, "flash.cases.claim") {
		t.Fatalf("claim: %d %s", st, loc)
	}
	c := csCase(t, f, f.zqCase.ID)
	if c.Status != cases.Dispatched || !c.Claimed || c.AssigneeID != f.zqHead.ID {
		t.Fatalf("after claim: %s claimed=%v assignee %d", c.Status, c.Claimed, c.AssigneeID)
	}
	if _, body := member.get("/cases/mine"); !strings.Contains(body, f.zqCase.Title) {
		t.Fatal("the claimed case is not in the member's own list")
	}
	if _, body := member.get("/cases/claim"); strings.Contains(body, f.zqCase.Title) {
		t.Fatal("a claimed case stays on the board")
	}
	// A second claim of the same form loses: the case moved on.
	if st, _, _ := csPost(t, member, fmt.Sprintf("/cases/%d/claim", f.zqCase.ID), url.Values{"version": {"2"}}); st != http.StatusConflict {
		t.Fatalf("a stale claim: %d", st)
	}
	// An account linked to no person is told why it cannot claim.
	if _, body := f.login(t, "zqmember").get("/cases/claim"); !strings.Contains(body, "尚未关联在册人员") {
		t.Fatal("no notice for an account without a person")
	}
}

func TestCaseBulkDispatch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sec := f.login(t, "zhanqian")
	a := csNewCase(t, f, f.zqGrid, "甲：路面坑洼", cases.Accept)
	b := csNewCase(t, f, f.zq, "乙：路沿破损", cases.Accept)
	stale := b.Version
	b, err := f.db.Act(ctx, storage.System, b.ID, cases.Comment, cases.Input{Note: "有人先动了"}, b.Version)
	if err != nil {
		t.Fatal(err)
	}
	c := csNewCase(t, f, f.zq, "丙：尚未受理")
	k := csNewCase(t, f, f.kx, "丁：开西的", cases.Accept)

	_, list := sec.get("/cases")
	if !strings.Contains(list, `action="/cases/dispatch"`) || !strings.Contains(list, fmt.Sprintf(`value="%d:%d" form="case-bulk"`, a.ID, a.Version)) {
		t.Fatal("the list offers no bulk dispatch of accepted cases")
	}
	if strings.Contains(list, fmt.Sprintf(`value="%d:`, c.ID)) {
		t.Fatal("a submitted case can be picked for dispatch")
	}
	v := url.Values{"assignee_id": {strconv.FormatInt(f.zqCadre.ID, 10)}, "case": {
		fmt.Sprintf("%d:%d", a.ID, a.Version), fmt.Sprintf("%d:%d", b.ID, stale), fmt.Sprintf("%d:%d", c.ID, c.Version), fmt.Sprintf("%d:%d", k.ID, k.Version)}}
	st, _, body := csPost(t, sec, "/cases/dispatch", v)
	if st != http.StatusOK {
		t.Fatalf("bulk: %d %s", st, csAlert(body))
	}
	for _, want := range []string{"case-outcome-dispatched", "case-outcome-conflict", "case-outcome-not_allowed", "case-outcome-failed", "已派出 1 张工单（共 4 张）"} {
		if !strings.Contains(body, want) {
			t.Errorf("the summary lacks %q", want)
		}
	}
	if strings.Contains(body, k.Title) {
		t.Error("the summary names the other community's case")
	}
	if x := csCase(t, f, a.ID); x.Status != cases.Dispatched || x.AssigneeID != f.zqCadre.ID {
		t.Errorf("甲 %s", x.Status)
	}
	for id, want := range map[int64]cases.Status{b.ID: cases.Accepted, c.ID: cases.Submitted, k.ID: cases.Accepted} {
		if x := csCase(t, f, id); x.Status != want || x.AssigneeID != 0 {
			t.Errorf("case %d became %s", id, x.Status)
		}
	}
	if st, _, _ := csPost(t, sec, "/cases/dispatch", url.Values{"assignee_id": {strconv.FormatInt(f.zqCadre.ID, 10)}}); st != http.StatusUnprocessableEntity {
		t.Errorf("nothing picked: %d", st)
	}
}

func TestCaseLedgerExport(t *testing.T) {
	f := newFixture(t)
	csAccount(t, f, "county", authz.CountyAdmin, f.county, nil)
	csNewCase(t, f, f.zq, "=HYPERLINK(\"http://x\",\"点我\")")
	st, data := f.login(t, "zhanqian").download("/export/cases.xlsx")
	if st != 200 {
		t.Fatalf("ledger: %d", st)
	}
	cells := flat(sheetCells(t, data))
	if !strings.Contains(cells, f.zqCase.Title) || !strings.Contains(cells, f.zqCase.ReporterPhone) {
		t.Fatal("the secretary's ledger lacks its case or the phone its role may see")
	}
	if m := containsAny(cells, f.kxMarkers()); m != "" {
		t.Fatalf("the secretary's ledger shows %q", m)
	}
	if !strings.Contains(cells, `'=HYPERLINK`) {
		t.Fatal("a formula in a title is not escaped")
	}
	if strings.Count(cells, "\n") != 3 {
		t.Fatalf("ledger rows:\n%s", cells)
	}
	// A county administrator exports the whole county with phones masked.
	st, data = f.login(t, "county").download("/export/cases.xlsx?status=submitted")
	cells = flat(sheetCells(t, data))
	if st != 200 || !strings.Contains(cells, f.kxCase.Title) || !strings.Contains(cells, f.zqCase.Title) {
		t.Fatalf("county ledger: %d", st)
	}
	if strings.Contains(cells, f.kxCase.ReporterPhone) || !strings.Contains(cells, "139****0099") {
		t.Fatal("the county ledger shows phones unmasked")
	}
	// The list's filters apply; a member may not export.
	_, data = f.login(t, "county").download(fmt.Sprintf("/export/cases.xlsx?unit=%d", f.kx.ID))
	if cells := flat(sheetCells(t, data)); strings.Contains(cells, f.zqCase.Title) || !strings.Contains(cells, f.kxCase.Title) {
		t.Fatal("the unit filter is not applied")
	}
	if st, _ := f.login(t, "zqmember").download("/export/cases.xlsx"); st != http.StatusForbidden {
		t.Fatalf("a member exports: %d", st)
	}
	if _, body := f.login(t, "zhanqian").get("/cases?list=appeal"); !strings.Contains(body, `href="/export/cases.xlsx?list=appeal"`) {
		t.Fatal("the list has no ledger link with its filters")
	}
}

// TestCaseBrowserMobile opens the case pages in a real headless Chromium at 360 px as 站前社区's
// secretary: the list, the entry form and a case with its step forms must fit the screen, speak
// Chinese and show nothing of 开西社区. Screenshots go to test-artifacts/.
func TestCaseBrowserMobile(t *testing.T) {
	exe := os.Getenv(envChromium)
	if exe == "" {
		t.Skipf("browser test skipped: %s is not set", envChromium)
	}
	if _, err := os.Stat(exe); err != nil {
		t.Skipf("browser test skipped: %s=%s: %v", envChromium, exe, err)
	}
	f := newFixture(t)
	c := csNewCase(t, f, f.zqGrid, "站前路3号楼前路面塌陷，雨天积水严重，老人出行不便", cases.Accept)
	dir := artifactsDir(t)
	ctx := newBrowser(t, exe)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.ts.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login-form")),
		chromedp.SendKeys(chromedp.ID("username"), "zhanqian"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("login-form")),
		chromedp.WaitNotPresent(chromedp.ID("login-form")),
	); err != nil {
		t.Fatalf("log in: %v", err)
	}
	for _, p := range []struct{ name, path, want string }{
		{"list", "/cases", c.Title},
		{"new", "/cases/new", "登记工单"},
		{"show", fmt.Sprintf("/cases/%d", c.ID), "派单"},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(f.ts.URL+p.path), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			t.Fatalf("open %s: %v", p.path, err)
		}
		if p.name == "show" {
			// Open every step form, as a user would tap them.
			chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("details").forEach(function (d) { d.open = true }), 0`))
		}
		pg := readPage(t, ctx)
		if pg.status != 200 || !strings.Contains(pg.text, p.want) {
			t.Errorf("%s: status %d, shows %q: %v", p.path, pg.status, p.want, strings.Contains(pg.text, p.want))
		}
		pg.mustBeMobileChinese(t, p.path)
		pg.mustNotShow(t, p.path, f.kxMarkers())
		if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(dir, "cases-"+p.name+".png"), png, 0o644)
		}
	}
}

// TestCasePagesInEnglish checks that every case page has its words in the English catalogue:
// no catalogue key shows through, and the Chinese labels are gone.
func TestCasePagesInEnglish(t *testing.T) {
	f := newFixture(t)
	c := csNewCase(t, f, f.zq, "路面塌陷", cases.Accept)
	sec := f.login(t, "zhanqian")
	if st, _ := sec.post("/lang", url.Values{"lang": {"en"}, "back": {"/cases"}}); st != http.StatusSeeOther {
		t.Fatalf("lang: %d", st)
	}
	keyRE := regexp.MustCompile(`\b(cases|flash|photos)\.[a-z_]+\.[a-z_.]+`)
	for _, path := range []string{"/cases", "/cases/claim", "/cases/mine", "/cases/new?rq=王", fmt.Sprintf("/cases/%d", c.ID),
		fmt.Sprintf("/cases/%d?flash=flash.cases.accept", c.ID)} {
		st, body := sec.get(path)
		if st != 200 {
			t.Errorf("%s: %d", path, st)
		}
		if m := keyRE.FindString(body); m != "" {
			t.Errorf("%s shows the key %q", path, m)
		}
		for _, zh := range []string{"工单编号", "办理记录", "登记工单", "请选择"} {
			if strings.Contains(body, zh) {
				t.Errorf("%s shows %q in English", path, zh)
			}
		}
	}
	_, body := sec.get(fmt.Sprintf("/cases/%d", c.ID))
	for _, en := range []string{"Dispatch", "Timeline", "Deadline", "Escalate"} {
		if !strings.Contains(body, en) {
			t.Errorf("the case page lacks %q", en)
		}
	}
}
