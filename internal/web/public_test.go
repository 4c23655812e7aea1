package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"rsc.io/qr"

	"wuxing/internal/cases"
	"wuxing/internal/org"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

var (
	pubCSRFRE     = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	pubIdemRE     = regexp.MustCompile(`name="idem" value="([^"]+)"`)
	pubTrackingRE = regexp.MustCompile(`id="tracking-code">([0-9A-Z]+)<`)
)

// resident is a browser with no account that opened a unit's report page: it holds the
// pre-login CSRF cookie and the form's token and idempotency key.
type resident struct {
	*client
	idem string
}

func pubOpen(t *testing.T, f *fixture, code string) *resident {
	t.Helper()
	c := f.anon(t)
	st, body := c.get("/r/" + code)
	if st != http.StatusOK {
		t.Fatalf("GET /r/%s: %d", code, st)
	}
	m, k := pubCSRFRE.FindStringSubmatch(body), pubIdemRE.FindStringSubmatch(body)
	if m == nil || k == nil {
		t.Fatalf("the report page has no CSRF token or idempotency key:\n%s", body)
	}
	c.csrf = m[1]
	return &resident{client: c, idem: k[1]}
}

// pubCategory is the id of a category residents may choose.
func pubCategory(t *testing.T, f *fixture, code string) int64 {
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

func (r *resident) report(code string, v url.Values) (int, string) {
	r.t.Helper()
	if v.Get("idem") == "" {
		v.Set("idem", r.idem)
	}
	return r.post("/r/"+code, v)
}

func pubForm(f *fixture, t *testing.T, title string) url.Values {
	return url.Values{"category_id": {strconv.FormatInt(pubCategory(t, f, "lighting"), 10)}, "title": {title},
		"description": {"晚上七点以后整条路都是黑的"}, "address": {"站前路东段"}, "reporter_name": {"孙秀英"}, "reporter_phone": {"13812345678"}}
}

// pubCases lists the cases of a unit's subtree, newest first.
func pubCases(t *testing.T, f *fixture, u *org.Unit) []cases.Case {
	t.Helper()
	list, _, err := f.db.Cases(context.Background(), storage.System, storage.CaseFilter{UnitID: u.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func pubTracking(t *testing.T, body string) string {
	t.Helper()
	m := pubTrackingRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no tracking code on the page:\n%s", body)
	}
	return m[1]
}

func TestPublicReportThroughThePage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	before := len(pubCases(t, f, f.zq))
	r := pubOpen(t, f, f.zq.Code)

	t.Run("OK", func(t *testing.T) {
		st, body := r.report(f.zq.Code, pubForm(f, t, "站前路路灯坏了"))
		if st != http.StatusOK {
			t.Fatalf("submit: %d\n%s", st, body)
		}
		code := pubTracking(t, body)
		if !strings.Contains(body, `href="/t/`+code+`"`) || !strings.Contains(body, "提交成功") {
			t.Fatalf("the thank-you page has no link to the tracking page:\n%s", body)
		}
		c, err := f.db.CaseByTracking(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if c.UnitID != f.zq.ID || c.Channel != cases.PublicForm || c.Status != cases.Submitted || c.ReporterPhone != "13812345678" ||
			c.ReporterName != "孙秀英" || c.List != cases.Appeal || c.Urgency != cases.Normal {
			t.Fatalf("case %+v", c)
		}
		if n := len(pubCases(t, f, f.zq)); n != before+1 {
			t.Fatalf("%d cases, want %d", n, before+1)
		}
	})

	t.Run("DoubleSubmitMakesOneCase", func(t *testing.T) {
		r := pubOpen(t, f, f.zq.Code)
		n0 := len(pubCases(t, f, f.zq))
		st1, body1 := r.report(f.zq.Code, pubForm(f, t, "垃圾桶满了没人清"))
		st2, body2 := r.report(f.zq.Code, pubForm(f, t, "垃圾桶满了没人清"))
		if st1 != http.StatusOK || st2 != http.StatusOK {
			t.Fatalf("statuses %d %d", st1, st2)
		}
		if a, b := pubTracking(t, body1), pubTracking(t, body2); a != b {
			t.Fatalf("the resubmitted form made another case: %s and %s", a, b)
		}
		if !strings.Contains(body2, "该问题已提交过") {
			t.Fatal("the second answer does not say the form was sent before")
		}
		if n := len(pubCases(t, f, f.zq)); n != n0+1 {
			t.Fatalf("double submit made %d cases", n-n0)
		}
	})

	t.Run("GridCodeFilesToItsCommunity", func(t *testing.T) {
		r := pubOpen(t, f, f.zqGrid.Code)
		st, body := r.report(f.zqGrid.Code, pubForm(f, t, "网格里的井盖松了"))
		if st != http.StatusOK {
			t.Fatalf("%d", st)
		}
		c, err := f.db.CaseByTracking(ctx, pubTracking(t, body))
		if err != nil {
			t.Fatal(err)
		}
		if c.UnitID != f.zq.ID || c.GridID != f.zqGrid.ID {
			t.Fatalf("unit %d grid %d", c.UnitID, c.GridID)
		}
	})

	t.Run("BadInputChangesNothing", func(t *testing.T) {
		r := pubOpen(t, f, f.zq.Code)
		n0 := len(pubCases(t, f, f.zq))
		v := pubForm(f, t, "")
		v.Set("reporter_phone", "12345")
		v.Set("description", "<script>alert(1)</script>")
		st, body := r.report(f.zq.Code, v)
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", st)
		}
		if !strings.Contains(body, "此项必填") || !strings.Contains(body, `name="idem" value="`+r.idem+`"`) {
			t.Fatalf("the form is not shown again with its errors and its key:\n%s", body)
		}
		if strings.Contains(body, "<script>alert(1)</script>") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Fatal("the description is not escaped on the redisplayed form")
		}
		v = pubForm(f, t, "类别是伪造的")
		v.Set("category_id", strconv.FormatInt(pubCategory(t, f, "safety"), 10)) // an inspection category
		if st, _ := r.report(f.zq.Code, v); st != http.StatusUnprocessableEntity {
			t.Fatalf("an inspection category: %d", st)
		}
		if n := len(pubCases(t, f, f.zq)); n != n0 {
			t.Fatalf("bad input made %d cases", n-n0)
		}
	})

	t.Run("CSRFRequired", func(t *testing.T) {
		n0 := len(pubCases(t, f, f.zq))
		c := f.anon(t) // never opened the page: no pre-login cookie
		if st, _ := c.post("/r/"+f.zq.Code, pubForm(f, t, "没有令牌")); st != http.StatusForbidden {
			t.Fatalf("no CSRF cookie: %d", st)
		}
		r := pubOpen(t, f, f.zq.Code)
		v := pubForm(f, t, "令牌是错的")
		v.Set("csrf", "x"+r.csrf)
		if st, _ := r.report(f.zq.Code, v); st != http.StatusForbidden {
			t.Fatalf("a wrong CSRF token: %d", st)
		}
		if n := len(pubCases(t, f, f.zq)); n != n0 {
			t.Fatalf("refused posts made %d cases", n-n0)
		}
	})

	t.Run("UnknownOrInactiveUnit", func(t *testing.T) {
		c := f.anon(t)
		for _, code := range []string{"999999999999", f.town.Code, f.dept.Code, f.zqBuilding.Code, "<x>"} {
			st, body := c.get("/r/" + url.PathEscape(code))
			if st != http.StatusNotFound || !strings.Contains(body, "没有找到这个村（社区）的问题反映页面") {
				t.Errorf("/r/%s: %d", code, st)
			}
		}
		u := &org.Unit{Kind: org.Community, ParentID: f.town.ID, Code: "410902003009", Name: "将停用社区"}
		if err := f.db.CreateUnit(ctx, storage.System, u); err != nil {
			t.Fatal(err)
		}
		r := pubOpen(t, f, u.Code)
		if _, err := f.db.SetUnitActive(ctx, storage.System, u.ID, false, u.Version); err != nil {
			t.Fatal(err)
		}
		if st, _ := c.get("/r/" + u.Code); st != http.StatusNotFound {
			t.Errorf("inactive unit's page: %d", st)
		}
		if st, _ := r.report(u.Code, pubForm(f, t, "停用的社区")); st != http.StatusNotFound {
			t.Errorf("report to an inactive unit: %d", st)
		}
		if n := len(pubCases(t, f, u)); n != 0 {
			t.Errorf("an inactive unit got %d cases", n)
		}
	})

	t.Run("English", func(t *testing.T) {
		c := f.anon(t)
		req, _ := http.NewRequest("GET", c.base+"/r/"+f.zq.Code, nil)
		req.Header.Set("Accept-Language", "en")
		_, body := c.do(req)
		if !strings.Contains(body, "Report a problem") || !strings.Contains(body, "Street lighting") || strings.Contains(body, "路灯照明") {
			t.Fatalf("the English page is not in English:\n%s", body)
		}
	})
}

// pubMultipart posts a multipart form with files in the "photos" field.
func (r *resident) multipart(path string, v url.Values, files map[string][]byte) (int, string) {
	r.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range v {
		for _, x := range vs {
			mw.WriteField(k, x)
		}
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile("photos", name)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", r.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return r.do(req)
}

func pubPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPublicReportPhotos(t *testing.T) {
	f := newFixture(t)
	r := pubOpen(t, f, f.zq.Code)
	n0 := len(pubCases(t, f, f.zq))
	v := pubForm(f, t, "照片是假的")
	v.Set("csrf", r.csrf)
	v.Set("idem", r.idem)
	st, body := r.multipart("/r/"+f.zq.Code, v, map[string][]byte{"light.jpg": []byte("this is not a picture at all, just text")})
	if st != http.StatusUnprocessableEntity && st != http.StatusBadRequest {
		t.Fatalf("a mislabeled photo: %d\n%s", st, body)
	}
	if n := len(pubCases(t, f, f.zq)); n != n0 {
		t.Fatalf("a report with a mislabeled photo made %d cases", n-n0)
	}

	v = pubForm(f, t, "路灯坏了，附照片")
	v.Set("csrf", r.csrf)
	v.Set("idem", r.idem)
	st, body = r.multipart("/r/"+f.zq.Code, v, map[string][]byte{"light.png": pubPNG(t)})
	if st != http.StatusOK {
		t.Fatalf("with a photo: %d\n%s", st, body)
	}
	code := pubTracking(t, body)
	if strings.Contains(body, "照片未能保存") {
		t.Fatalf("the photo was not kept:\n%s", body)
	}
	_, page := r.get("/t/" + code)
	if !strings.Contains(page, "/t/"+code+"/photos/") {
		t.Fatalf("the tracking page does not show the report's photo:\n%s", page)
	}
}

func TestPublicReportThroughTheAPI(t *testing.T) {
	f := newFixture(t)
	c := f.anon(t)
	cat := pubCategory(t, f, "road")
	send := func(code, key string, body any) (int, map[string]any) {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", c.base+"/api/v1/public/units/"+code+"/cases", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		st, res := c.do(req)
		var m map[string]any
		json.Unmarshal([]byte(res), &m)
		return st, m
	}
	in := map[string]any{"category_id": cat, "title": "人行道地砖翘起", "description": "老人容易绊倒", "reporter_phone": "13912345678"}
	n0 := len(pubCases(t, f, f.zq))

	st, res := send(f.zq.Code, "app-7f3a-0001", in)
	code, _ := res["tracking_code"].(string)
	if st != http.StatusCreated || len(code) != 12 {
		t.Fatalf("create: %d %v", st, res)
	}
	st, res = send(f.zq.Code, "app-7f3a-0001", in)
	if st != http.StatusOK || res["tracking_code"] != code {
		t.Fatalf("a retried request: %d %v, want 200 with %s", st, res, code)
	}
	// The same key with other content is a client's mistake: refused, not someone else's case.
	other := map[string]any{"category_id": cat, "title": "另一件事"}
	if st, res = send(f.zq.Code, "app-7f3a-0001", other); st != http.StatusConflict || res["tracking_code"] != nil {
		t.Fatalf("a key reused for other content: %d %v", st, res)
	}
	// The key belongs to the unit: the same key at another unit is another report.
	if st, res = send(f.kx.Code, "app-7f3a-0001", in); st != http.StatusCreated || res["tracking_code"] == code {
		t.Fatalf("the same key at another unit: %d %v", st, res)
	}
	if n := len(pubCases(t, f, f.zq)); n != n0+1 {
		t.Fatalf("%d cases made in 站前社区, want 1", n-n0)
	}

	for name, tc := range map[string]struct {
		code   string
		body   any
		status int
	}{
		"NoTitle":           {f.zq.Code, map[string]any{"category_id": cat}, http.StatusUnprocessableEntity},
		"BadCategory":       {f.zq.Code, map[string]any{"category_id": 999999, "title": "x"}, http.StatusUnprocessableEntity},
		"UnknownField":      {f.zq.Code, map[string]any{"category_id": cat, "title": "x", "unit_id": f.kx.ID}, http.StatusBadRequest},
		"UnknownUnit":       {"999999999999", in, http.StatusNotFound},
		"TownIsNoReport":    {f.town.Code, in, http.StatusNotFound},
		"BadPhone":          {f.zq.Code, map[string]any{"category_id": cat, "title": "x", "reporter_phone": "12"}, http.StatusUnprocessableEntity},
		"NotJSONAtAll":      {f.zq.Code, "title=x", http.StatusBadRequest},
		"ScriptIsPlainText": {f.zq.Code, map[string]any{"category_id": cat, "title": "<script>alert(1)</script>"}, http.StatusCreated},
	} {
		t.Run(name, func(t *testing.T) {
			st, res := send(tc.code, "", tc.body)
			if st != tc.status {
				t.Fatalf("%d %v, want %d", st, res, tc.status)
			}
			if st >= 400 {
				e, _ := res["error"].(map[string]any)
				if e == nil || e["message"] == "" {
					t.Fatalf("no clear error: %v", res)
				}
			}
		})
	}

	st, body := c.get("/api/v1/public/units/" + f.zq.Code)
	if st != http.StatusOK || !strings.Contains(body, `"name":"站前社区"`) || !strings.Contains(body, `"code":"lighting"`) || strings.Contains(body, `"code":"safety"`) {
		t.Fatalf("unit info: %d %s", st, body)
	}
}

func TestPublicRateLimits(t *testing.T) {
	f := newFixture(t)
	n0 := len(pubCases(t, f, f.zq))
	r := pubOpen(t, f, f.zq.Code)
	// A form refused for a mistake costs the resident nothing: only filed reports count.
	for i := range publicSubmitBurst + 2 {
		v := pubForm(f, t, "")
		v.Set("idem", fmt.Sprintf("typo-%d", i))
		if st, _ := r.report(f.zq.Code, v); st != http.StatusUnprocessableEntity {
			t.Fatalf("a form without a title: %d", st)
		}
	}
	for i := range publicSubmitBurst {
		v := pubForm(f, t, fmt.Sprintf("第%d件事", i+1))
		v.Set("idem", fmt.Sprintf("key-%d", i))
		if st, _ := r.report(f.zq.Code, v); st != http.StatusOK {
			t.Fatalf("report %d: %d", i+1, st)
		}
	}
	v := pubForm(f, t, "一件太多")
	v.Set("idem", "key-over")
	v.Set("csrf", r.csrf)
	req, _ := http.NewRequest("POST", r.base+"/r/"+f.zq.Code, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := r.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "120" || !strings.Contains(string(b), "请约 2 分钟后再试") {
		t.Fatalf("over the limit: %d Retry-After %q\n%s", res.StatusCode, res.Header.Get("Retry-After"), b)
	}
	// The API shares the limit of the address.
	st, body := r.api("POST", "/api/v1/public/units/"+f.zq.Code+"/cases", map[string]any{"category_id": pubCategory(t, f, "road"), "title": "x"})
	if st != http.StatusTooManyRequests || !strings.Contains(body, `"code":"too_many_requests"`) {
		t.Fatalf("API over the limit: %d %s", st, body)
	}
	if n := len(pubCases(t, f, f.zq)); n != n0+publicSubmitBurst {
		t.Fatalf("%d cases made, want %d", n-n0, publicSubmitBurst)
	}
	// One token comes back every two minutes.
	f.clock.Advance(2 * time.Minute)
	if st, _ := r.report(f.zq.Code, v); st != http.StatusOK {
		t.Fatalf("after two minutes: %d", st)
	}
	if st, _ := r.report(f.zq.Code, pubForm(f, t, "又一件")); st != http.StatusTooManyRequests {
		t.Fatalf("the refilled token was spent, yet: %d", st)
	}

	// Tracking lookups: the codes are secrets, so guesses are limited, right or wrong.
	code := f.zqCase.TrackingCode
	for i := range publicLookupBurst {
		path := "/t/" + code
		if i%2 == 1 {
			path = "/t/ZZZZZZZZZZZZ"
		}
		if st, _ := r.get(path); st == http.StatusTooManyRequests {
			t.Fatalf("lookup %d refused", i+1)
		}
	}
	if st, body := r.get("/t/" + code); st != http.StatusTooManyRequests || !strings.Contains(body, "过于频繁") {
		t.Fatalf("lookup over the limit: %d", st)
	}
	if st, _ := r.api("GET", "/api/v1/public/track/"+code, nil); st != http.StatusTooManyRequests {
		t.Fatalf("API lookup over the limit: %d", st)
	}
	// Another address is not affected.
	if publicRateKey("10.0.0.1") == publicRateKey("127.0.0.1") {
		t.Fatal("two addresses share a key")
	}
}

func TestPublicRateKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7":              "203.0.113.7",
		"::ffff:203.0.113.7":       "203.0.113.7",
		"2001:db8:1:2:3:4:5:6":     "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1":     "2001:db8:1:2::/64",
		"not an address":           "not an address",
		"2001:db8:1:3:3:4:5:6":     "2001:db8:1:3::/64",
		"fe80::1":                  "fe80::/64",
		"192.168.1.10":             "192.168.1.10",
		"::1":                      "::/64",
		"2001:0db8:0001:0002::abc": "2001:db8:1:2::/64",
	} {
		if got := publicRateKey(in); got != want {
			t.Errorf("publicRateKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPublicText(t *testing.T) {
	for in, want := range map[string]string{
		"电话13812345678请回电":        "电话138****5678请回电",
		"电话 138 1234 5678":        "电话 138 **** 5678",
		"打138-1234-5678找我":        "打138-****-5678找我",
		"座机0393-4412345":          "座机0393-***2345",
		"身份证410902197005011234":   "身份证**************1234",
		"全角１３８１２３４５６７８":           "全角１３８****５６７８",
		"3号楼2单元，共12户，2026年3月":     "3号楼2单元，共12户，2026年3月",
		"王建国说路灯修好了":               "王**说路灯修好了",
		"孙秀英反映":                   "孙**反映",
		"":                        "",
		"门牌 12-3 号":               "门牌 12-3 号",
		"1234567":                 "***4567",
		"2026-03-02 到 2026-03-09": "2026-03-02 到 2026-03-09",
	} {
		if got := publicText(in, "王建国", "孙秀英", "", "王"); got != want {
			t.Errorf("publicText(%q) = %q, want %q", in, got, want)
		}
	}
}

// pubFlow takes a case through the officials' steps as the community secretary, dispatching
// it to a named resident so that names exist to leak.
func pubFlow(t *testing.T, f *fixture, c *cases.Case, to cases.Status, result string) *cases.Case {
	t.Helper()
	ctx := context.Background()
	_, sess, err := f.db.Login(ctx, "zhanqian", testPassword, "api", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	a := storage.Actor{P: sess.Principal}
	steps := []struct {
		act cases.Action
		in  cases.Input
	}{
		{cases.Accept, cases.Input{}},
		{cases.Dispatch, cases.Input{AssigneeKind: cases.ToPerson, AssigneeID: f.zqHead.ID}},
		{cases.Start, cases.Input{}},
		{cases.Comment, cases.Input{Note: "内部备注：联系李书记 13800000011"}},
		{cases.Resolve, cases.Input{Method: cases.PairingHelp, Result: result}},
		{cases.CheckPass, cases.Input{}},
	}
	for _, s := range steps {
		if c.Status == to {
			break
		}
		if !cases.Allowed(s.act, c.Status) {
			continue
		}
		f.clock.Advance(time.Minute)
		x, err := f.db.Act(ctx, a, c.ID, s.act, s.in, c.Version)
		if err != nil {
			t.Fatalf("%s: %v", s.act, err)
		}
		c = x
	}
	return c
}

// pubPrivate are the strings a public page about the case may never show.
func pubPrivate(f *fixture) []string {
	return []string{"13812345678", "13800000011", "13800000001", "13800000099", f.zqHead.Name, "孙秀英", f.zqCadre.Name,
		"zhanqian", "内部备注", f.zqHead.Phone}
}

func TestPublicTrackingAndRating(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r := pubOpen(t, f, f.zq.Code)
	v := pubForm(f, t, "<script>alert(1)</script>路灯不亮，孙秀英反映")
	v.Set("description", "我的电话13812345678，<img src=x onerror=alert(2)>")
	st, body := r.report(f.zq.Code, v)
	if st != http.StatusOK {
		t.Fatalf("%d", st)
	}
	code := pubTracking(t, body)
	c, err := f.db.CaseByTracking(ctx, code)
	if err != nil {
		t.Fatal(err)
	}

	page := func() string {
		t.Helper()
		st, body := r.get("/t/" + code)
		if st != http.StatusOK {
			t.Fatalf("/t/%s: %d", code, st)
		}
		return body
	}
	noneOf := func(where, body string, private []string) {
		t.Helper()
		if m := containsAny(body, private); m != "" {
			t.Errorf("%s shows %q: …%s…", where, m, excerpt(body, m))
		}
		for _, raw := range []string{"<script>alert(1)", "<img src=x"} {
			if strings.Contains(body, raw) {
				t.Errorf("%s shows unescaped %q", where, raw)
			}
		}
	}

	t.Run("Submitted", func(t *testing.T) {
		body := page()
		if !strings.Contains(body, "待受理") || !strings.Contains(body, "&lt;script&gt;") || !strings.Contains(body, "138****5678") {
			t.Fatalf("tracking page:\n%s", body)
		}
		noneOf("the tracking page", body, pubPrivate(f))
		if strings.Contains(body, `id="public-rating-form"`) {
			t.Fatal("the rating form is open before the case was checked")
		}
	})

	t.Run("RatingBeforeCheckedRefused", func(t *testing.T) {
		c = pubFlow(t, f, c, cases.Resolved, "已由王建国更换灯泡，联系电话13800000001")
		st, body := r.post("/t/"+code+"/rating", url.Values{"rating": {"satisfied"}, "comment": {"好"}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "工单尚未办结回访，暂不能评价") {
			t.Fatalf("rating a resolved, unchecked case: %d\n%s", st, body)
		}
		st, res := r.api("POST", "/api/v1/public/track/"+code+"/rating", map[string]any{"rating": "satisfied"})
		if st != http.StatusUnprocessableEntity || !strings.Contains(res, "暂不能评价") {
			t.Fatalf("API: %d %s", st, res)
		}
		x, _ := f.db.CaseByTracking(ctx, code)
		if x.Status != cases.Resolved || x.Rating != "" || x.Version != c.Version {
			t.Fatalf("a refused rating changed the case: %+v", x)
		}
	})

	t.Run("TimelineIsAnonymous", func(t *testing.T) {
		c = pubFlow(t, f, c, cases.Checked, "")
		body := page()
		for _, want := range []string{"受理", "派单", "签收办理", "办结", "回访通过", "结对帮扶", "站前社区", "承办人员", "王**", "138****5678", `id="public-rating-form"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the tracking page lacks %q", want)
			}
		}
		noneOf("the tracking page", body, pubPrivate(f))
		st, res := r.api("GET", "/api/v1/public/track/"+code, nil)
		if st != http.StatusOK {
			t.Fatalf("API track: %d", st)
		}
		noneOf("the tracking API", res, pubPrivate(f))
		var tv publicTrackView
		if err := json.Unmarshal([]byte(res), &tv); err != nil {
			t.Fatal(err)
		}
		if !tv.CanRate || !tv.CanReopen || tv.Status != cases.Checked || len(tv.Timeline) != 6 {
			t.Fatalf("API view: %+v", tv)
		}
		if strings.Contains(res, "phone") || strings.Contains(res, "reporter") || strings.Contains(res, "assignee") {
			t.Fatalf("the API names personal fields: %s", res)
		}
	})

	t.Run("RateDissatisfiedReopensOnce", func(t *testing.T) {
		st, body := r.post("/t/"+code+"/rating", url.Values{"rating": {"bogus"}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择满意、基本满意或不满意") {
			t.Fatalf("a bogus rating: %d", st)
		}
		st, _ = r.post("/t/"+code+"/rating", url.Values{"rating": {"dissatisfied"}, "comment": {"灯还是不亮"}, "reopen": {"1"}})
		if st != http.StatusSeeOther {
			t.Fatalf("dissatisfied: %d", st)
		}
		x, _ := f.db.CaseByTracking(ctx, code)
		if x.Status != cases.InProgress || !x.Reopened || x.Rating != cases.Dissatisfied {
			t.Fatalf("after a dissatisfied rating with reopen: %s reopened=%v", x.Status, x.Reopened)
		}
		body = page()
		if !strings.Contains(body, "已申请重新办理") || strings.Contains(body, `id="public-rating-form"`) {
			t.Fatalf("tracking page after reopening:\n%s", body)
		}
		// Handled again and checked: the form opens once more, without the reopen choice.
		x = pubFlow(t, f, x, cases.Checked, "重新更换了整套灯具")
		body = page()
		if !strings.Contains(body, `id="public-rating-form"`) || strings.Contains(body, `name="reopen"`) {
			t.Fatal("the second rating form should offer no second reopening")
		}
		st, res := r.api("POST", "/api/v1/public/track/"+code+"/rating", map[string]any{"rating": "dissatisfied", "reopen": true})
		if st != http.StatusUnprocessableEntity || !strings.Contains(res, "不能再次退回") {
			t.Fatalf("a second reopening: %d %s", st, res)
		}
		st, res = r.api("POST", "/api/v1/public/track/"+code+"/rating", map[string]any{"rating": "basic_satisfied", "comment": "可以了"})
		if st != http.StatusOK || !strings.Contains(res, `"status":"rated"`) {
			t.Fatalf("API rating: %d %s", st, res)
		}
		y, _ := f.db.CaseByTracking(ctx, code)
		if y.Status != cases.Rated || y.Rating != cases.BasicSatisfied {
			t.Fatalf("after rating: %s %s", y.Status, y.Rating)
		}
	})

	t.Run("UnknownCode", func(t *testing.T) {
		for _, bad := range []string{"ZZZZZZZZZZZZ", "short", strings.Repeat("A", 40), "<script>"} {
			st, body := r.get("/t/" + url.PathEscape(bad))
			if st != http.StatusNotFound || !strings.Contains(body, "没有找到这个查询码") {
				t.Errorf("/t/%s: %d", bad, st)
			}
		}
		st, res := r.api("GET", "/api/v1/public/track/ZZZZZZZZZZZZ", nil)
		if st != http.StatusNotFound || !strings.Contains(res, "没有找到这个查询码") {
			t.Fatalf("API: %d %s", st, res)
		}
		if st, _ := r.post("/t/ZZZZZZZZZZZZ/rating", url.Values{"rating": {"satisfied"}}); st != http.StatusNotFound {
			t.Fatalf("rating an unknown code: %d", st)
		}
	})

	t.Run("CodeTypedWithSpaces", func(t *testing.T) {
		spaced := strings.ToLower(code[:4] + "-" + code[4:8] + " " + code[8:])
		if st, _ := r.get("/t/" + url.PathEscape(spaced)); st != http.StatusOK {
			t.Fatalf("/t/%s: %d", spaced, st)
		}
	})
}

func TestPublicNoticeBoard(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cat := pubCategory(t, f, "lighting")
	mk := func(u *org.Unit, title, name, phone string) *cases.Case {
		c := &cases.Case{UnitID: u.ID, List: cases.Appeal, CategoryID: cat, Urgency: cases.Normal, Channel: cases.Hotline,
			Title: title, Description: "描述里有电话 " + phone, ReporterName: name, ReporterPhone: phone}
		if _, err := f.db.CreateCase(ctx, storage.System, c, storage.NewCase{}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	done := pubFlow(t, f, mk(f.zqGrid, "孙秀英家门口路灯不亮，电话13812345678", "孙秀英", "13812345678"), cases.Checked,
		"王建国上门更换灯泡，已恢复照明 <script>alert(1)</script>")
	resolved := pubFlow(t, f, mk(f.zq, "楼道堆放杂物", "钱多多", "13700000007"), cases.Resolved, "已清理")
	open := pubFlow(t, f, mk(f.zq, "还没办的事", "赵还在", "13700000008"), cases.Dispatched, "")
	rejected := mk(f.zq, "被驳回的事", "李驳回", "13700000009")
	if _, err := f.db.Act(ctx, storage.System, rejected.ID, cases.Reject, cases.Input{Reason: "不属于本社区"}, rejected.Version); err != nil {
		t.Fatal(err)
	}
	kxSys := mk(f.kx, "开西社区的路灯", "周开西", "13900000077")
	for _, s := range []struct {
		act cases.Action
		in  cases.Input
	}{{cases.Accept, cases.Input{}}, {cases.Dispatch, cases.Input{AssigneeKind: cases.ToPerson, AssigneeID: f.kxHead.ID}},
		{cases.Start, cases.Input{}}, {cases.Resolve, cases.Input{Method: cases.VolunteerLabour, Result: "义务劳动修好了"}}} {
		x, err := f.db.Act(ctx, storage.System, kxSys.ID, s.act, s.in, kxSys.Version)
		if err != nil {
			t.Fatal(err)
		}
		kxSys = x
	}

	c := f.anon(t)
	st, body := c.get("/board/" + f.zq.Code)
	if st != http.StatusOK {
		t.Fatalf("board: %d", st)
	}
	for _, want := range []string{done.Number, resolved.Number, "孙**", "钱**", "138****5678", "王**上门更换灯泡", "结对帮扶", "data-print",
		"&lt;script&gt;", `href="/r/` + f.zq.Code + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the board lacks %q", want)
		}
	}
	for _, not := range append(pubPrivate(f), open.Number, rejected.Number, "还没办的事", "被驳回的事", "13700000007", "钱多多",
		"<script>alert", kxSys.Number, "开西社区的路灯", f.zqCase.Title) {
		if strings.Contains(body, not) {
			t.Errorf("the board shows %q: …%s…", not, excerpt(body, not))
		}
	}
	if i, j := strings.Index(body, resolved.Number), strings.Index(body, done.Number); i < 0 || j < 0 || i > j {
		t.Error("the board is not newest resolution first")
	}

	// The town's board shows its communities' resolved cases; a grid's, its own.
	_, body = c.get("/board/" + f.town.Code)
	if !strings.Contains(body, kxSys.Number) || !strings.Contains(body, done.Number) || strings.Contains(body, "周开西") {
		t.Error("the town's board does not hold both communities' resolved cases, anonymized")
	}
	if strings.Contains(body, `href="/r/`+f.town.Code+`"`) {
		t.Error("the town's board links to a report form the town does not have")
	}
	_, body = c.get("/board/" + f.zqGrid.Code)
	if !strings.Contains(body, done.Number) || strings.Contains(body, resolved.Number) {
		t.Error("the grid's board is not limited to the grid")
	}
	if st, body := c.get("/board/999999999999"); st != http.StatusNotFound || !strings.Contains(body, "没有找到") {
		t.Errorf("unknown board: %d", st)
	}

	// Paging: 25 more resolved cases make two pages of 20.
	for i := range 25 {
		pubFlow(t, f, mk(f.zq, fmt.Sprintf("第%02d盏路灯", i), "", ""), cases.Resolved, "修好了")
	}
	_, p1 := c.get("/board/" + f.zq.Code)
	_, p2 := c.get("/board/" + f.zq.Code + "?page=2")
	if !strings.Contains(p1, "第24盏路灯") || strings.Contains(p1, done.Number) || !strings.Contains(p2, done.Number) || strings.Contains(p2, "第24盏路灯") {
		t.Error("the board does not page newest first")
	}
	if !strings.Contains(p1, "1 / 2") {
		t.Error("the board has no pager")
	}
}

func TestPublicQRAndPoster(t *testing.T) {
	f := newFixture(t)
	c := f.anon(t)
	check := func(want string) {
		t.Helper()
		req, _ := http.NewRequest("GET", c.base+"/r/"+f.zq.Code+"/qr.png", nil)
		res, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("qr.png: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		img, err := png.Decode(res.Body)
		if err != nil {
			t.Fatalf("qr.png is no PNG: %v", err)
		}
		b := img.Bounds()
		if b.Dx() != b.Dy() || b.Dx() < 200 || b.Dx() > 1200 {
			t.Fatalf("qr.png is %dx%d", b.Dx(), b.Dy())
		}
		// The picture is the QR code of the report page's address, module by module.
		code, err := qr.Encode(want, qr.M)
		if err != nil {
			t.Fatal(err)
		}
		scale := b.Dx() / (code.Size + 8)
		if scale*(code.Size+8) != b.Dx() {
			t.Fatalf("qr.png is %d px, not a whole number of modules of a %d-module code", b.Dx(), code.Size)
		}
		for y := -4; y < code.Size+4; y++ {
			for x := -4; x < code.Size+4; x++ {
				r, _, _, _ := img.At((x+4)*scale+scale/2, (y+4)*scale+scale/2).RGBA()
				if black := r < 0x8000; black != code.Black(x, y) {
					t.Fatalf("qr.png does not encode %q: module (%d,%d)", want, x, y)
				}
			}
		}
	}
	check(f.ts.URL + "/r/" + f.zq.Code)
	f.srv.baseURL = "https://wx.example.cn/"
	check("https://wx.example.cn/r/" + f.zq.Code)

	st, body := c.get("/r/" + f.zq.Code + "/poster")
	if st != http.StatusOK || !strings.Contains(body, "站前社区") || !strings.Contains(body, `src="/r/`+f.zq.Code+`/qr.png"`) ||
		!strings.Contains(body, "data-print") || !strings.Contains(body, "https://wx.example.cn/r/"+f.zq.Code) {
		t.Fatalf("poster: %d\n%s", st, body)
	}
	for _, p := range []string{"/r/999999999999/qr.png", "/r/" + f.town.Code + "/qr.png", "/r/999999999999/poster"} {
		if st, _ := c.get(p); st != http.StatusNotFound {
			t.Errorf("%s: %d", p, st)
		}
	}
}

// TestPublicBrowserMobile is a resident on a 360 px phone in a real headless Chromium: open the
// report page, fill in and submit the form, read the tracking code, follow it; then the notice
// board and the poster. Every page must fit the screen and speak Chinese. Screenshots go to
// test-artifacts/. It runs where the other browser test runs (WUXING_TEST_CHROMIUM).
func TestPublicBrowserMobile(t *testing.T) {
	exe := os.Getenv(envChromium)
	if exe == "" {
		t.Skipf("browser test skipped: %s is not set", envChromium)
	}
	if _, err := os.Stat(exe); err != nil {
		t.Skipf("browser test skipped: %s=%s: %v", envChromium, exe, err)
	}
	f := newFixture(t)
	dir := artifactsDir(t)
	backend := "sqlite"
	if os.Getenv(storagetest.EnvPostgres) != "" {
		backend = "postgres"
	}
	ctx := newBrowser(t, exe)
	shot := func(name string) {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Errorf("screenshot %s: %v", name, err)
			return
		}
		p := filepath.Join(dir, fmt.Sprintf("public-%s-%s.png", backend, name))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Errorf("screenshot %s: %v", name, err)
		}
	}
	open := func(path string, wait string) shownPage {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(f.ts.URL+path), chromedp.WaitVisible(chromedp.CSS(wait))); err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		pg := readPage(t, ctx)
		pg.mustBeMobileChinese(t, path)
		return pg
	}

	pg := open("/r/"+f.zq.Code, "#public-report-form")
	if !strings.Contains(pg.text, "站前社区") || pg.status != http.StatusOK {
		t.Fatalf("report page: %d\n%s", pg.status, pg.text)
	}
	shot("01-report")
	cat := strconv.FormatInt(pubCategory(t, f, "lighting"), 10)
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("f-category_id"), cat),
		chromedp.SendKeys(chromedp.ID("f-title"), "站前路东段路灯不亮"),
		chromedp.SendKeys(chromedp.ID("f-description"), "晚上七点以后一片黑"),
		chromedp.SendKeys(chromedp.ID("f-reporter_phone"), "13812345678"),
		chromedp.Submit(chromedp.ID("public-report-form")),
		chromedp.WaitVisible(chromedp.ID("tracking-code")),
	); err != nil {
		t.Fatalf("submit the report: %v", err)
	}
	pg = readPage(t, ctx)
	pg.mustBeMobileChinese(t, "thank-you page")
	code, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("tracking-code")))
	if err != nil || len(strings.TrimSpace(code)) != 12 {
		t.Fatalf("tracking code %q: %v", code, err)
	}
	code = strings.TrimSpace(code)
	shot("02-thanks")

	c, err := f.db.CaseByTracking(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	pubFlow(t, f, c, cases.Checked, "已更换灯泡，王建国负责")
	pg = open("/t/"+code, "#public-rating-form")
	if !strings.Contains(pg.text, "已回访") || strings.Contains(pg.text, f.zqHead.Name) || strings.Contains(pg.text, "13812345678") {
		t.Errorf("tracking page:\n%s", pg.text)
	}
	shot("03-track")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[name=rating][value=satisfied]`)),
		chromedp.Submit(chromedp.ID("public-rating-form")),
		chromedp.WaitNotPresent(chromedp.ID("public-rating-form")),
	); err != nil {
		t.Fatalf("rate: %v", err)
	}
	pg = readPage(t, ctx)
	if !strings.Contains(pg.text, "感谢您的评价") {
		t.Errorf("after rating:\n%s", pg.text)
	}

	pg = open("/board/"+f.zq.Code, ".public-board")
	if !strings.Contains(pg.text, c.Number) || !strings.Contains(pg.text, "满意") || strings.Contains(pg.text, f.zqHead.Name) {
		t.Errorf("board:\n%s", pg.text)
	}
	shot("04-board")
	open("/r/"+f.zq.Code+"/poster", ".public-poster")
	shot("05-poster")
}
