package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"wuxing/internal/storage"
)

// admActor logs a user in at the store and returns them as an actor calling from ip.
func admActor(t *testing.T, f *fixture, username, ip string) storage.Actor {
	t.Helper()
	_, sess, err := f.db.Login(context.Background(), username, testPassword, "api", ip)
	if err != nil {
		t.Fatalf("login %s: %v", username, err)
	}
	return storage.Actor{P: sess.Principal, IP: ip}
}

type admAuditJSON struct {
	Entries []struct {
		ID       int64          `json:"id"`
		Username string         `json:"username"`
		Action   string         `json:"action"`
		Entity   string         `json:"entity"`
		EntityID int64          `json:"entity_id"`
		Before   map[string]any `json:"before"`
		After    map[string]any `json:"after"`
		IP       string         `json:"ip"`
	} `json:"entries"`
}

func TestAuditLog(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	w := admSecondTown(t, f)

	// The town administrator edits a person from 10.1.2.3: new name and a new phone number.
	town := admActor(t, f, "town", "10.1.2.3")
	p, err := f.db.Person(ctx, town, f.zqHead.ID)
	if err != nil {
		t.Fatal(err)
	}
	oldName := p.Name
	p.Name, p.Phone = "王建业", "13800000099"
	if err := f.db.UpdatePerson(ctx, town, p); err != nil {
		t.Fatal(err)
	}
	// A failed login for the 站前社区 secretary, and one in the other town.
	f.anon(t).api("POST", "/api/v1/login", map[string]string{"username": "zhanqian", "password": "not-it"})
	f.anon(t).api("POST", "/api/v1/login", map[string]string{"username": "hfsec", "password": "not-it"})
	// The other town's administrator edits their resident.
	hf := admActor(t, f, "hftown", "10.9.9.9")
	r, _ := f.db.Person(ctx, hf, w.resident.ID)
	r.Name = "孙甫园"
	if err := f.db.UpdatePerson(ctx, hf, r); err != nil {
		t.Fatal(err)
	}
	otherTown := []string{"孙甫田", "孙甫园", "hfsec", "hftown", "10.9.9.9", "皇甫"}

	c := f.login(t, "town")
	t.Run("PersonEditWithBeforeAndAfter", func(t *testing.T) {
		st, body := c.get(fmt.Sprintf("/audit?entity=person&entity_id=%d&action=update", f.zqHead.ID))
		if st != 200 {
			t.Fatalf("audit: %d", st)
		}
		for _, want := range []string{oldName, "王建业", "10.1.2.3", ">town<", "修改前", "修改后", "姓名"} {
			if !strings.Contains(body, want) {
				t.Errorf("audit page lacks %q", want)
			}
		}
		// Only the changed fields are listed for an edit, and never the numbers themselves.
		if strings.Contains(body, "出生日期") {
			t.Error("unchanged field listed")
		}
		for _, n := range []string{"13800000001", "13800000099"} {
			if strings.Contains(body, n) {
				t.Errorf("phone number %s in the audit log", n)
			}
		}
	})
	t.Run("FailedLogin", func(t *testing.T) {
		_, body := c.get("/audit?action=login_failed")
		if !strings.Contains(body, "登录失败") || !strings.Contains(body, "zhanqian") {
			t.Error("failed login not shown")
		}
		if strings.Contains(body, "王建业") {
			t.Error("action filter ignored")
		}
		_, body = c.get("/audit?username=zhanqian")
		if !strings.Contains(body, "登录失败") || strings.Contains(body, "王建业") {
			t.Error("username filter")
		}
	})
	t.Run("OtherTownNotShown", func(t *testing.T) {
		for _, q := range []string{"", "?action=login_failed", "?entity=person", fmt.Sprintf("?entity=person&entity_id=%d", w.resident.ID)} {
			_, body := c.get("/audit" + q)
			if m := admContainsAny(body, otherTown); m != "" {
				t.Errorf("/audit%s shows %q", q, m)
			}
		}
		if _, body := c.get("/audit?username=hftown"); !strings.Contains(body, "暂无记录") {
			t.Error("the other town's administrator's entries are shown")
		}
		api := f.apiLogin(t, "town")
		_, body := api.api("GET", "/api/v1/audit?limit=500", nil)
		if m := admContainsAny(body, otherTown); m != "" {
			t.Errorf("API shows %q", m)
		}
		// The entries exist: the platform administrator sees them.
		_, body = f.login(t, "admin").get("/audit?username=hftown")
		if !strings.Contains(body, "孙甫园") {
			t.Error("admin does not see the other town's edit")
		}
	})
	t.Run("API", func(t *testing.T) {
		api := f.apiLogin(t, "town")
		st, body := api.api("GET", fmt.Sprintf("/api/v1/audit?entity=person&entity_id=%d&action=update", f.zqHead.ID), nil)
		if st != 200 {
			t.Fatalf("%d %s", st, body)
		}
		var res admAuditJSON
		if err := json.Unmarshal([]byte(body), &res); err != nil || len(res.Entries) != 1 {
			t.Fatalf("entries: %v %s", err, body)
		}
		e := res.Entries[0]
		if e.Before["name"] != oldName || e.After["name"] != "王建业" || e.Username != "town" || e.IP != "10.1.2.3" {
			t.Errorf("entry: %+v", e)
		}
		if strings.Contains(body, "13800000001") || strings.Contains(body, "13800000099") {
			t.Error("phone number in the API audit")
		}
		if st, _ := api.api("GET", "/api/v1/audit?from=2026-02-30", nil); st != 422 {
			t.Errorf("bad date: %d", st)
		}
	})
	t.Run("DateRange", func(t *testing.T) {
		api := f.apiLogin(t, "town")
		// The test clock stands at 2026-03-02 17:00 China time.
		_, body := api.api("GET", "/api/v1/audit?from=2026-03-02&to=2026-03-02&action=update", nil)
		if !strings.Contains(body, "王建业") {
			t.Error("today's edit missing from today's range")
		}
		_, body = api.api("GET", "/api/v1/audit?from=2026-03-03", nil)
		if !strings.Contains(body, `"entries":[]`) {
			t.Errorf("tomorrow's range not empty: %s", body)
		}
		_, body = api.api("GET", "/api/v1/audit?to=2026-03-01", nil)
		if !strings.Contains(body, `"entries":[]`) {
			t.Errorf("yesterday's range not empty: %s", body)
		}
		if st, body := c.get("/audit?from=2026-13-01"); st != 422 || !strings.Contains(body, "请填写正确的日期") {
			t.Errorf("bad date on the page: %d", st)
		}
	})
	t.Run("PagedByID", func(t *testing.T) {
		// Enough entries in the town for more than one page.
		for i := 0; i < 30; i++ {
			lang := "en"
			if i%2 == 1 {
				lang = "zh-CN"
			}
			if err := f.db.SetOwnLocale(ctx, town, lang); err != nil {
				t.Fatal(err)
			}
		}
		api := f.apiLogin(t, "town")
		var seen []int64
		before := ""
		for page := 0; page < 3; page++ {
			_, body := api.api("GET", "/api/v1/audit?action=set_locale&limit=12"+before, nil)
			var res admAuditJSON
			json.Unmarshal([]byte(body), &res)
			for _, e := range res.Entries {
				if len(seen) > 0 && e.ID >= seen[len(seen)-1] {
					t.Fatalf("entry %d after %d: not newest first or repeated", e.ID, seen[len(seen)-1])
				}
				seen = append(seen, e.ID)
			}
			if len(res.Entries) > 0 {
				before = fmt.Sprintf("&before=%d", res.Entries[len(res.Entries)-1].ID)
			}
		}
		if len(seen) != 30 {
			t.Errorf("paged through %d entries, want 30", len(seen))
		}
		// The page links to older entries, keeping the filters.
		for i := 0; i < 26; i++ { // ending on zh-CN, the language the page is read in
			f.db.SetOwnLocale(ctx, town, []string{"en", "zh-CN"}[i%2])
		}
		_, body := c.get("/audit?action=set_locale")
		i := strings.Index(body, `rel="next"`)
		if i < 0 {
			t.Fatal("no link to older entries")
		}
		href := body[strings.LastIndex(body[:i], `href="`)+6:]
		href = strings.ReplaceAll(href[:strings.Index(href, `"`)], "&amp;", "&")
		u, _ := url.Parse(href)
		if u.Query().Get("action") != "set_locale" || u.Query().Get("before") == "" {
			t.Errorf("older link %q", href)
		}
		st, older := c.get(href)
		if st != 200 || !strings.Contains(older, "修改语言偏好") || strings.Contains(older, `rel="next"`) {
			t.Errorf("older page: %d %v %v", st, strings.Contains(older, "修改语言偏好"), strings.Contains(older, `rel="next"`))
		}
	})
	t.Run("OnlyWithAuditView", func(t *testing.T) {
		for _, name := range []string{"zhanqian", "zqgrid", "zqmember"} {
			if st, _ := f.login(t, name).get("/audit"); st != 403 {
				t.Errorf("%s /audit: %d", name, st)
			}
			if st, _ := f.apiLogin(t, name).api("GET", "/api/v1/audit", nil); st != 403 {
				t.Errorf("%s API: %d", name, st)
			}
		}
	})
}

func TestAuditValueMasking(t *testing.T) {
	// However an entry was written, a field naming a phone or ID number is shown masked.
	m := auditFields(`{"phone":"13812345678","id_number":"410902198001011234","name":"张三","n":12345678901234567}`)
	if m["phone"] != "138****5678" || m["id_number"] != "4109**********1234" || m["name"] != "张三" {
		t.Errorf("masked: %v", m)
	}
	if fmt.Sprint(m["n"]) != "12345678901234567" {
		t.Errorf("large number changed: %v", m["n"])
	}
	if auditFields("") != nil {
		t.Error("empty data is not nil")
	}
}
