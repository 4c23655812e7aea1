package web

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/org"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
	"wuxing/internal/webhook"
)

// opsActor is the store actor of a fixture account, enough to read its own inbox.
func opsActor(f *fixture, username string) storage.Actor {
	return storage.Actor{P: &authz.Principal{UserID: f.users[username], Username: username}}
}

// opsScopeNotifications gives the branch secretary of community u (account user) a notification
// by reporting a case there whose title names the community, and returns its ids: the scope
// test's victim-side notification ids.
func opsScopeNotifications(t *testing.T, f *fixture, u *org.Unit, user string) []int64 {
	t.Helper()
	ctx := context.Background()
	cats, err := f.db.Categories(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	c := &cases.Case{UnitID: u.ID, List: cases.Appeal, CategoryID: cats[0].ID, Urgency: cases.Normal, Channel: cases.Hotline,
		Title: u.Name + "楼道灯坏了", ReporterName: "热线来电"}
	if _, err := f.db.CreateCase(ctx, storage.System, c, storage.NewCase{}); err != nil {
		t.Fatalf("case in %s: %v", u.Name, err)
	}
	ns, _, err := f.db.Notifications(ctx, opsActor(f, user), storage.NotificationFilter{})
	if err != nil || len(ns) == 0 {
		t.Fatalf("%s has no notification: %v", user, err)
	}
	var ids []int64
	for _, n := range ns {
		ids = append(ids, n.ID)
	}
	return ids[:1]
}

// opsScopeWebhooks sets up a group robot for unit u and returns its id: the scope test's
// victim-side webhook.
func opsScopeWebhooks(t *testing.T, f *fixture, u *org.Unit) []int64 {
	t.Helper()
	w := &storage.Webhook{UnitID: u.ID, Kind: webhook.WeCom, Name: u.Name + "工作群", URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=scope-test"}
	if err := f.db.CreateWebhook(context.Background(), storage.System, w); err != nil {
		t.Fatalf("webhook for %s: %v", u.Name, err)
	}
	return []int64{w.ID}
}

// opsJSON decodes a JSON body or fails.
func opsJSON(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
}

func TestOpsAddWorkdaysAPI(t *testing.T) {
	f := newFixture(t)
	c := f.anon(t) // public: the official calendar is public data
	for _, tc := range []struct{ from, days, want string }{
		{"2026-02-13", "3", "2026-02-25"}, // make-up Saturday 02-14, Spring Festival 02-15..23
		{"2026-02-13", "0", "2026-02-13"},
		{"2026-09-30", "1", "2026-10-08"}, // National Day 10-01..07
		{"2026-09-30", "3", "2026-10-10"}, // the make-up Saturday counts
		{"2025-01-24", "2", "2025-01-27"}, // 2025: make-up Sunday 01-26, Spring Festival from 01-28
	} {
		st, body := c.get("/api/v1/calendar/add-workdays?from=" + tc.from + "&days=" + tc.days)
		var res map[string]string
		opsJSON(t, body, &res)
		if st != http.StatusOK || res["date"] != tc.want || len(res) != 1 {
			t.Errorf("%s + %s: %d %s, want %s", tc.from, tc.days, st, body, tc.want)
		}
	}
	for q, msg := range map[string]string{
		"from=2026-02-30&days=1":    "起始日期不正确",
		"from=2026/02/13&days=1":    "起始日期不正确",
		"days=1":                    "起始日期不正确",
		"from=1900-01-01&days=1":    "起始日期不正确",
		"from=2026-02-13&days=-1":   "工作日天数不正确",
		"from=2026-02-13&days=3651": "工作日天数不正确",
		"from=2026-02-13&days=x":    "工作日天数不正确",
		"from=2026-02-13":           "工作日天数不正确",
	} {
		st, body := c.get("/api/v1/calendar/add-workdays?" + q)
		if st != http.StatusBadRequest || !strings.Contains(body, msg) || !strings.Contains(body, `"code":"invalid"`) {
			t.Errorf("%s: %d %s", q, st, body)
		}
	}
	st, body := c.get("/api/v1/calendar/add-workdays?from=2026-02-13&days=3650")
	if st != http.StatusOK {
		t.Errorf("the largest N: %d %s", st, body)
	}

	t.Run("Year", func(t *testing.T) {
		st, body := c.get("/api/v1/calendar/2026")
		var y apiCalendarYearJSON
		opsJSON(t, body, &y)
		if st != 200 || y.Year != 2026 || !strings.Contains(y.Source, "2025年11月4日") || !slices.Contains(y.Workdays, "2026-02-14") ||
			!slices.Contains(y.Holidays, apiCalendarSpan{From: "2026-02-15", To: "2026-02-23", Name: "春节"}) {
			t.Fatalf("%d %+v", st, y)
		}
		for _, p := range []string{"/api/v1/calendar/2031", "/api/v1/calendar/abc"} {
			if st, _ := c.get(p); st != http.StatusNotFound {
				t.Errorf("%s: %d", p, st)
			}
		}
	})
}

// opsCalendar2027 is a plausible 2027 table for the tests (the real one is published in late 2026).
var opsCalendar2027 = url.Values{
	"year":     {"2027"},
	"source":   {"国务院办公厅关于2027年部分节假日安排的通知"},
	"holidays": {"2027-01-01 元旦\n2027-02-06 ~ 2027-02-13 春节\r\n2027/4/3 2027/4/5 清明节\n2027-05-01 2027-05-05 劳动节\n2027-10-01 2027-10-07 国庆节"},
	"workdays": {"2027-02-20，2027-02-21 2027-04-25\n2027-10-09"},
}

func TestOpsCalendarAdmin(t *testing.T) {
	f := newFixture(t)
	admin, town, zq := f.login(t, "admin"), f.login(t, "town"), f.login(t, "zhanqian")
	audits := func() int { return admAuditCount(t, f) }

	t.Run("Page", func(t *testing.T) {
		st, body := admin.get("/admin/calendar")
		if st != 200 || !strings.Contains(body, "2026-02-15") || !strings.Contains(body, `action="/admin/calendar"`) || strings.Contains(body, "ops-warning") {
			t.Fatalf("%d", st)
		}
		if _, body := admin.get("/admin/calendar?year=2026"); !strings.Contains(body, "2026-02-15 2026-02-23 春节") {
			t.Fatal("the replace form does not start from the 2026 table")
		}
		f.clock.Set(time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC))
		defer f.clock.Set(storagetest.Epoch)
		if _, body := f.login(t, "admin").get("/admin/calendar"); !strings.Contains(body, "系统还没有 2027 年的节假日安排") {
			t.Fatal("no warning in November that 2027 is missing")
		}
	})

	t.Run("NotAllowed", func(t *testing.T) {
		if st, _ := zq.get("/admin/calendar"); st != http.StatusForbidden {
			t.Errorf("secretary: %d", st)
		}
		st, body := town.get("/admin/calendar")
		if st != 200 || strings.Contains(body, `action="/admin/calendar"`) {
			t.Errorf("town admin: %d, or offered the form", st)
		}
		before := audits()
		for _, c := range []*client{zq, town} {
			if st, _ := c.post("/admin/calendar", cloneValues(opsCalendar2027)); st != http.StatusForbidden {
				t.Errorf("save: %d", st)
			}
		}
		if audits() != before {
			t.Error("a refused save wrote")
		}
	})

	t.Run("BadTables", func(t *testing.T) {
		before := audits()
		for name, tc := range map[string]struct {
			field, value, msg string
		}{
			"MakeUpDayOnAWeekday": {"workdays", "2027-02-10", "2027-02-10 不是周六或周日"},
			"MakeUpDayOff":        {"workdays", "2027-02-06", "2027-02-06 已在放假安排中"},
			"MakeUpDayOtherYear":  {"workdays", "2026-02-28", "2026-02-28 不在 2027 年内"},
			"NotADate":            {"workdays", "2027-02-31", "不是有效日期"},
			"LineWithoutDate":     {"holidays", "春节 2027-02-06", "第 1 行"},
			"LineWithoutName":     {"holidays", "2027-01-01\n2027-02-06 2027-02-13", "缺少节日名称"},
			"Reversed":            {"holidays", "2027-02-13 2027-02-06 春节", "结束日期早于开始日期"},
			"TooLong":             {"holidays", "2027-07-01 2027-08-01 暑假", "不能超过 15 天"},
			"OtherYear":           {"holidays", "2026-10-01 2026-10-07 国庆节", "不在 2027 年内"},
			"Empty":               {"holidays", "", "请至少填写一个节日"},
			"NoSource":            {"source", "", "必填"},
		} {
			v := cloneValues(opsCalendar2027)
			v.Set(tc.field, tc.value)
			st, body := admin.post("/admin/calendar", v)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, html.EscapeString(tc.msg)) {
				t.Errorf("%s: %d, want 422 with %q: %s", name, st, tc.msg, excerpt(body, `class="err"`))
			}
		}
		if audits() != before {
			t.Error("a bad table wrote")
		}
		if st, _ := f.anon(t).get("/api/v1/calendar/2027"); st != http.StatusNotFound {
			t.Error("a bad table was stored")
		}
	})

	t.Run("SaveAYear", func(t *testing.T) {
		st, _ := admin.post("/admin/calendar", cloneValues(opsCalendar2027))
		if st != http.StatusSeeOther {
			t.Fatalf("save: %d", st)
		}
		_, body := f.anon(t).get("/api/v1/calendar/2027")
		var y apiCalendarYearJSON
		opsJSON(t, body, &y)
		if !y.Stored || len(y.Holidays) != 5 || y.Holidays[1] != (apiCalendarSpan{From: "2027-02-06", To: "2027-02-13", Name: "春节"}) ||
			!slices.Equal(y.Workdays, []string{"2027-02-20", "2027-02-21", "2027-04-25", "2027-10-09"}) {
			t.Fatalf("stored %+v", y)
		}
		// Deadlines now count the 2027 table: Friday 02-05 + 1 working day skips the festival
		// (Saturday 02-06 to Saturday 02-13, then Sunday).
		_, body = f.anon(t).get("/api/v1/calendar/add-workdays?from=2027-02-05&days=1")
		if !strings.Contains(body, `"2027-02-15"`) {
			t.Fatalf("2027 deadline: %s", body)
		}
		if _, body := admin.get("/admin/calendar"); !strings.Contains(body, "管理员录入") || !strings.Contains(body, "2027-02-20 周六") {
			t.Fatal("the page does not show the stored year")
		}
	})
}

func TestOpsCategories(t *testing.T) {
	f := newFixture(t)
	admin, town, zq := f.login(t, "admin"), f.login(t, "town"), f.login(t, "zhanqian")
	st, body := admin.get("/admin/categories")
	if st != 200 || !strings.Contains(body, "路灯照明") || !strings.Contains(body, `action="/admin/categories"`) {
		t.Fatalf("list: %d", st)
	}
	if st, _ := zq.get("/admin/categories"); st != http.StatusForbidden {
		t.Errorf("secretary: %d", st)
	}
	if st, body := town.get("/admin/categories"); st != 200 || strings.Contains(body, `method="post" action="/admin/categories"`) {
		t.Errorf("town admin: %d or offered the form", st)
	}
	form := url.Values{"code": {"heating"}, "name": {"供暖问题"}, "list": {"appeal"}, "accept_days": {"1"}, "days_normal": {"5"},
		"days_urgent": {"3"}, "days_critical": {"1"}}
	if st, _ := town.post("/admin/categories", cloneValues(form)); st != http.StatusForbidden {
		t.Errorf("town admin creates: %d", st)
	}

	t.Run("BadInput", func(t *testing.T) {
		before := admAuditCount(t, f)
		for name, tc := range map[string]struct{ field, value, msg string }{
			"Order":   {"days_critical", "9", "不能长于一般时限"},
			"Taken":   {"code", "road", "已被使用"},
			"NoName":  {"name", "", "必填"},
			"NotANum": {"days_normal", "五", "数字"},
			"List":    {"list", "gossip", "清单"},
		} {
			v := cloneValues(form)
			v.Set(tc.field, tc.value)
			st, body := admin.post("/admin/categories", v)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, tc.msg) {
				t.Errorf("%s: %d, want 422 with %q: %s", name, st, tc.msg, excerpt(body, `class="err"`))
			}
		}
		if admAuditCount(t, f) != before {
			t.Error("bad input wrote")
		}
	})

	t.Run("CreateAndEdit", func(t *testing.T) {
		if st, _ := admin.post("/admin/categories", cloneValues(form)); st != http.StatusSeeOther {
			t.Fatalf("create: %d", st)
		}
		cats, _ := f.db.Categories(context.Background(), true)
		var heating, road *cases.Category
		for i := range cats {
			switch cats[i].Code {
			case "heating":
				heating = &cats[i]
			case "road":
				road = &cats[i]
			}
		}
		if heating == nil || heating.DaysNormal != 5 {
			t.Fatalf("not stored: %+v", cats)
		}
		if _, body := admin.get("/admin/categories"); !strings.Contains(body, "供暖问题") {
			t.Fatal("a stored name is not shown")
		}
		path := "/admin/categories/" + strconv.FormatInt(heating.ID, 10)
		st, body := admin.get(path)
		if st != 200 || !strings.Contains(body, `name="version" value="1"`) {
			t.Fatalf("edit form: %d", st)
		}
		v := cloneValues(form)
		v.Set("version", "1")
		v.Set("days_normal", "7")
		v.Set("active", "on")
		if st, _ := admin.post(path, v); st != http.StatusSeeOther {
			t.Fatalf("edit: %d", st)
		}
		v.Set("days_normal", "9") // the same form again: version 1 is stale now
		st, body = admin.post(path, v)
		if st != http.StatusConflict || !strings.Contains(body, "该记录已被他人修改") {
			t.Fatalf("stale edit: %d %s", st, excerpt(body, `class="alert"`))
		}
		cats, _ = f.db.Categories(context.Background(), true)
		for _, c := range cats {
			if c.ID == heating.ID && (c.DaysNormal != 7 || c.Version != 2) {
				t.Fatalf("after the stale edit: %+v", c)
			}
		}
		// A default category keeps its catalogue name on the page, in the reader's language.
		rp := "/admin/categories/" + strconv.FormatInt(road.ID, 10)
		rv := opsCategoryForm(road)
		rv.Set("name", "道路桥梁")
		if st, _ := admin.post(rp, rv); st != http.StatusSeeOther {
			t.Fatalf("rename road: %d", st)
		}
		if _, body := admin.get("/admin/categories"); !strings.Contains(body, "道路设施") {
			t.Fatal("the catalogue name of road is not shown")
		}
		// Retiring a category.
		v = opsCategoryForm(&cases.Category{Code: "heating", Name: "供暖问题", List: cases.Appeal, AcceptDays: 1, DaysNormal: 7, DaysUrgent: 3, DaysCritical: 1, Version: 2})
		if st, _ := admin.post(path, v); st != http.StatusSeeOther {
			t.Fatalf("retire: %d", st)
		}
		active, _ := f.db.Categories(context.Background(), false)
		for _, c := range active {
			if c.Code == "heating" {
				t.Fatal("the retired category is still offered")
			}
		}
	})
	if st, _ := admin.get("/admin/categories/99999"); st != http.StatusNotFound {
		t.Errorf("unknown category: %d", st)
	}
}

func TestOpsInbox(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	zqIDs := opsScopeNotifications(t, f, f.zq, "zhanqian")
	kxIDs := opsScopeNotifications(t, f, f.kx, "kaixi")
	zq, zqAPI, kx, kxAPI := f.login(t, "zhanqian"), f.apiLogin(t, "zhanqian"), f.login(t, "kaixi"), f.apiLogin(t, "kaixi")

	st, body := zq.get("/inbox")
	if st != 200 || !strings.Contains(body, "新工单") || !strings.Contains(body, "站前社区楼道灯坏了") || !strings.Contains(body, "未读 1 条") {
		t.Fatalf("inbox: %d", st)
	}
	if m := containsAny(body, f.kxMarkers()); m != "" {
		t.Fatalf("zhanqian's inbox shows %q", m)
	}
	var res struct {
		Unread        int               `json:"unread"`
		Notifications []apiNotification `json:"notifications"`
		NextBefore    int64             `json:"next_before"`
	}
	st, body = zqAPI.api("GET", "/api/v1/notifications", nil)
	opsJSON(t, body, &res)
	if st != 200 || res.Unread != 1 || len(res.Notifications) != 1 || res.Notifications[0].Key != "notify.case.new" ||
		!strings.HasPrefix(res.Notifications[0].Message, "新工单 410902003001-") || res.Notifications[0].Read {
		t.Fatalf("api: %d %s", st, body)
	}

	t.Run("OthersNotificationsAreNotFound", func(t *testing.T) {
		id := strconv.FormatInt(zqIDs[0], 10)
		if st, _ := kx.post("/inbox/"+id+"/read", url.Values{"open": {"1"}}); st != http.StatusNotFound {
			t.Errorf("page: %d", st)
		}
		if st, _ := kxAPI.api("POST", "/api/v1/notifications/"+id+"/read", nil); st != http.StatusNotFound {
			t.Errorf("api: %d", st)
		}
		if st, _ := kx.post("/inbox/read-all", nil); st != http.StatusSeeOther {
			t.Errorf("read-all: %d", st)
		}
		if n, _ := f.db.UnreadNotifications(ctx, opsActor(f, "zhanqian")); n != 1 {
			t.Fatalf("kaixi's reading changed zhanqian's inbox: %d unread", n)
		}
		if n, _ := f.db.UnreadNotifications(ctx, opsActor(f, "kaixi")); n != 0 {
			t.Fatalf("kaixi's read-all left %d unread", n)
		}
		_ = kxIDs
	})

	t.Run("OpenMarksReadAndGoes", func(t *testing.T) {
		st, loc := 0, ""
		req, _ := http.NewRequest("POST", zq.base+"/inbox/"+strconv.FormatInt(zqIDs[0], 10)+"/read",
			strings.NewReader(url.Values{"csrf": {zq.csrf}, "open": {"1"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := zq.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		st, loc = res.StatusCode, res.Header.Get("Location")
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/cases/") {
			t.Fatalf("open: %d %s", st, loc)
		}
		if n, _ := f.db.UnreadNotifications(ctx, opsActor(f, "zhanqian")); n != 0 {
			t.Fatalf("%d unread after opening", n)
		}
		if _, body := zq.get("/inbox"); strings.Contains(body, "ops-unread") {
			t.Fatal("the read notification is still marked")
		}
	})

	t.Run("PagedByID", func(t *testing.T) {
		for i := 0; i < 3; i++ {
			opsScopeNotifications(t, f, f.zq, "zhanqian")
		}
		var ids []int64
		before := int64(0)
		for page := 0; page < 10; page++ {
			q := "/api/v1/notifications?limit=2"
			if before != 0 {
				q += "&before=" + strconv.FormatInt(before, 10)
			}
			_, body := zqAPI.api("GET", q, nil)
			res.Notifications, res.NextBefore = nil, 0
			opsJSON(t, body, &res)
			for _, n := range res.Notifications {
				ids = append(ids, n.ID)
			}
			if before = res.NextBefore; before == 0 {
				break
			}
		}
		if len(ids) != 4 || !slices.IsSortedFunc(ids, func(a, b int64) int { return int(b - a) }) || res.Unread != 3 {
			t.Fatalf("pages gave %v, %d unread", ids, res.Unread)
		}
		if st, _ := zqAPI.api("GET", "/api/v1/notifications?limit=0", nil); st != http.StatusBadRequest {
			t.Errorf("limit 0: %d", st)
		}
		_, body := zqAPI.api("GET", "/api/v1/notifications?unread=1&lang=en", nil)
		res.Notifications = nil
		opsJSON(t, body, &res)
		if len(res.Notifications) != 3 || !strings.HasPrefix(res.Notifications[0].Message, "New case ") {
			t.Fatalf("unread in English: %s", body)
		}
		if st, body := zqAPI.api("POST", "/api/v1/notifications/read-all", nil); st != 200 || !strings.Contains(body, `"marked":3`) {
			t.Fatalf("read-all: %d %s", st, body)
		}
	})
}

// opsRobot is a local group-robot server recording what it receives; fail makes it answer 500.
type opsRobot struct {
	mu       sync.Mutex
	contents []string
	fail     bool
}

func (rb *opsRobot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var m struct {
		Text struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	json.NewDecoder(r.Body).Decode(&m)
	rb.mu.Lock()
	defer rb.mu.Unlock()
	if rb.fail {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	rb.contents = append(rb.contents, m.Text.Content)
	w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
}

func TestOpsWebhooks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	rb := &opsRobot{}
	srv := httptest.NewServer(rb)
	defer srv.Close()
	town, zq := f.login(t, "town"), f.login(t, "zhanqian")
	other := admSecondTown(t, f)
	hf := f.login(t, "hftown")
	page := "/admin/webhooks?unit=" + strconv.FormatInt(f.zq.ID, 10)
	add := url.Values{"unit_code": {f.zq.Code}, "kind": {"wecom"}, "name": {"站前两委群"}, "url": {srv.URL + "/cgi-bin/webhook/send?key=WECOMKEY42"}}

	if st, body := town.get(page); st != 200 || !strings.Contains(body, "还没有设置群机器人") {
		t.Fatalf("page: %d", st)
	}
	for name, c := range map[string]*client{"secretary": zq} {
		if st, _ := c.get(page); st != http.StatusForbidden {
			t.Errorf("%s reads: %d", name, st)
		}
	}
	if st, _ := hf.get(page); st != http.StatusNotFound {
		t.Errorf("another town reads: %d", st)
	}

	t.Run("BadInput", func(t *testing.T) {
		before := admAuditCount(t, f)
		for name, tc := range map[string]struct{ field, value, msg string }{
			"URL":         {"url", "ftp://example.com/x", "Webhook 地址不正确"},
			"Kind":        {"kind", "slack", "企业微信或钉钉"},
			"WeComSecret": {"secret", "SECabc", "不需要加签密钥"},
			"Unit":        {"unit_code", "410902099999", "单位"},
		} {
			v := cloneValues(add)
			v.Set(tc.field, tc.value)
			st, body := town.post("/admin/webhooks", v)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, tc.msg) || strings.Contains(body, "SECabc") {
				t.Errorf("%s: %d, want 422 with %q: %s", name, st, tc.msg, excerpt(body, `class="err"`))
			}
		}
		// Another town's administrator cannot set a robot for 站前社区.
		if st, _ := hf.post("/admin/webhooks", cloneValues(add)); st != http.StatusUnprocessableEntity {
			t.Errorf("another town adds: %d", st)
		}
		if st, _ := zq.post("/admin/webhooks", cloneValues(add)); st != http.StatusForbidden {
			t.Errorf("the secretary adds: %d", st)
		}
		if admAuditCount(t, f) != before {
			t.Error("refused input wrote")
		}
	})

	var id int64
	t.Run("AddTestDelete", func(t *testing.T) {
		if st, _ := town.post("/admin/webhooks", cloneValues(add)); st != http.StatusSeeOther {
			t.Fatalf("add: %d", st)
		}
		ding := url.Values{"unit_code": {f.zq.Code}, "kind": {"dingtalk"}, "url": {srv.URL + "/robot/send?access_token=DTTOKEN42"}, "secret": {"SECdingsecret42"}}
		if st, _ := town.post("/admin/webhooks", ding); st != http.StatusSeeOther {
			t.Fatalf("add dingtalk: %d", st)
		}
		_, body := town.get(page)
		for _, secret := range []string{"WECOMKEY42", "DTTOKEN42", "SECdingsecret42"} {
			if strings.Contains(body, secret) {
				t.Fatalf("the page shows %s", secret)
			}
		}
		if !strings.Contains(body, "key=***") || !strings.Contains(body, "已加签") {
			t.Fatal("the page does not show the redacted robots")
		}
		hooks, _ := f.db.Webhooks(ctx, storage.System, f.zq.ID)
		if len(hooks) != 2 {
			t.Fatalf("%d hooks", len(hooks))
		}
		id = hooks[0].ID
		path := "/admin/webhooks/" + strconv.FormatInt(id, 10)
		// The test message goes out at once.
		if st, _ := town.post(path+"/test", nil); st != http.StatusSeeOther {
			t.Fatalf("test: %d", st)
		}
		if len(rb.contents) != 1 || !strings.HasPrefix(rb.contents[0], "【站前社区】这是一条测试消息") {
			t.Fatalf("robot got %q", rb.contents)
		}
		rb.mu.Lock()
		rb.fail = true
		rb.mu.Unlock()
		st, body := town.post(path+"/test", nil)
		if st != http.StatusBadGateway || !strings.Contains(body, "测试消息发送失败：HTTP 500") {
			t.Fatalf("failed test: %d %s", st, excerpt(body, "alert"))
		}
		log, _ := f.db.Audit(ctx, storage.System, storage.AuditFilter{Entity: "webhook", Action: "test"})
		if len(log) != 2 || strings.Contains(log[0].After+log[1].After, "WECOMKEY42") {
			t.Fatalf("audit: %+v", log)
		}
		// A new case of the community is queued for both robots and listed on the page.
		opsScopeNotifications(t, f, f.zq, "zhanqian")
		if _, body := town.get(page); strings.Count(body, "待发送") != 2 {
			t.Fatal("the queued deliveries are not listed")
		}
		// Neither the secretary nor another town removes or tests it.
		for _, c := range []*client{zq, hf} {
			for _, act := range []string{"/delete", "/test"} {
				if st, _ := c.post(path+act, nil); st != http.StatusNotFound {
					t.Errorf("%s: %d", act, st)
				}
			}
		}
		if st, _ := town.post(path+"/delete", nil); st != http.StatusSeeOther {
			t.Fatalf("delete: %d", st)
		}
		if hooks, _ := f.db.Webhooks(ctx, storage.System, f.zq.ID); len(hooks) != 1 {
			t.Fatalf("%d hooks after the delete", len(hooks))
		}
	})
	_ = other
}

// TestOpsBrowserMobile opens this area's pages in headless Chromium at 360 px, as the platform
// administrator (the settings, with their forms) and as the town administrator (an inbox with an
// urge in it): each must fit the screen in Chinese. Screenshots go to test-artifacts/.
func TestOpsBrowserMobile(t *testing.T) {
	exe := os.Getenv(envChromium)
	if exe == "" {
		t.Skipf("browser test skipped: %s is not set", envChromium)
	}
	if _, err := os.Stat(exe); err != nil {
		t.Skipf("browser test skipped: %s=%s: %v", envChromium, exe, err)
	}
	f := newFixture(t)
	ctx := context.Background()
	opsScopeWebhooks(t, f, f.zq)
	// An escalated case of 站前社区 that runs late: the town administrator is told of the urge.
	c, _, err := f.db.Case(ctx, storage.System, f.zqCase.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c, err = f.db.Act(ctx, storage.System, c.ID, cases.Accept, cases.Input{}, c.Version); err != nil {
		t.Fatal(err)
	}
	if _, err = f.db.Act(ctx, storage.System, c.ID, cases.Escalate, cases.Input{DepartmentID: f.dept.ID, Reason: "需城建办维修"}, c.Version); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(storagetest.Epoch.AddDate(0, 1, 0))
	if n, err := f.db.UrgeOverdue(ctx, 10); err != nil || n != 2 { // both fixture cases
		t.Fatalf("urge: %d %v", n, err)
	}
	f.clock.Set(storagetest.Epoch)
	dir := artifactsDir(t)
	for _, who := range []struct {
		user  string
		pages []struct{ name, path, want string }
	}{
		{"admin", []struct{ name, path, want string }{
			{"calendar", "/admin/calendar", "调休上班日"},
			{"categories", "/admin/categories", "路灯照明"},
			{"category", "/admin/categories/1", "受理时限"},
			{"webhooks", "/admin/webhooks?unit=" + strconv.FormatInt(f.zq.ID, 10), "站前社区工作群"},
		}},
		{"town", []struct{ name, path, want string }{
			{"inbox", "/inbox", "督办"},
		}},
	} {
		bctx := newBrowser(t, exe)
		if err := chromedp.Do(bctx,
			chromedp.Navigate(f.ts.URL+"/login"),
			chromedp.WaitVisible(chromedp.ID("login-form")),
			chromedp.SendKeys(chromedp.ID("username"), who.user),
			chromedp.SendKeys(chromedp.ID("password"), testPassword),
			chromedp.Submit(chromedp.ID("login-form")),
			chromedp.WaitNotPresent(chromedp.ID("login-form")),
		); err != nil {
			t.Fatalf("log in %s: %v", who.user, err)
		}
		for _, pg := range who.pages {
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
			if err := os.WriteFile(filepath.Join(dir, "ops-"+pg.name+".png"), png, 0o644); err != nil {
				t.Error(err)
			}
		}
	}
}
