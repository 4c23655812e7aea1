package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"wuxing/internal/storage"
)

func TestAccountPage(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zhanqian")
	st, body := c.get("/account")
	if st != 200 || !strings.Contains(body, "zhanqian") || !strings.Contains(body, "支部书记") || !strings.Contains(body, "站前社区") {
		t.Fatalf("account page: %d", st)
	}
	if m := admContainsAny(body, f.kxMarkers()); m != "" {
		t.Errorf("account page shows %q", m)
	}
	if st, _ := f.anon(t).get("/account"); st != http.StatusSeeOther {
		t.Errorf("logged out: %d", st)
	}
}

func TestAccountPassword(t *testing.T) {
	f := newFixture(t)
	const next = "Nieuw@2026pass"
	c := f.login(t, "zqmember")
	other := f.login(t, "zqmember") // the same user on another device
	change := func(current, pw, confirm string) (int, string) {
		return c.post("/account/password", url.Values{"current_password": {current}, "password": {pw}, "password_confirm": {confirm}})
	}
	stillOld := func(t *testing.T) {
		t.Helper()
		if st, _ := f.anon(t).api("POST", "/api/v1/login", map[string]string{"username": "zqmember", "password": testPassword}); st != 200 {
			t.Fatalf("old password no longer works: %d", st)
		}
	}
	t.Run("CurrentPasswordRequired", func(t *testing.T) {
		st, body := change("", next, next)
		if st != 422 || !strings.Contains(body, "此项必填") {
			t.Errorf("no current password: %d", st)
		}
		st, body = change("Wrong@2026pass", next, next)
		if st != 422 || !strings.Contains(body, "当前密码不正确") {
			t.Errorf("wrong current password: %d", st)
		}
		stillOld(t)
		es, _ := f.db.Audit(context.Background(), admActor(t, f, "admin", "127.0.0.1"), storage.AuditFilter{Action: "change_password_failed", Username: "zqmember"})
		if len(es) == 0 {
			t.Error("failed change not in the audit log")
		}
	})
	t.Run("PolicyAndConfirmation", func(t *testing.T) {
		if st, body := change(testPassword, "short", "short"); st != 422 || !strings.Contains(body, "密码长度至少 10 位") {
			t.Errorf("weak: %d", st)
		}
		if st, body := change(testPassword, next, next+"x"); st != 422 || !strings.Contains(body, "两次输入的新密码不一致") {
			t.Errorf("mismatch: %d", st)
		}
		if st, _ := change(testPassword, testPassword, testPassword); st != 422 {
			t.Errorf("unchanged: %d", st)
		}
		stillOld(t)
	})
	t.Run("OK", func(t *testing.T) {
		if st, _ := change(testPassword, next, next); st != http.StatusSeeOther {
			t.Fatalf("change: %d", st)
		}
		if st, body := c.get("/account"); st != 200 || !strings.Contains(body, "zqmember") {
			t.Errorf("this session ended too: %d", st)
		}
		if st, _ := other.get("/"); st != http.StatusSeeOther {
			t.Errorf("the other session survived: %d", st)
		}
		if st, _ := f.anon(t).api("POST", "/api/v1/login", map[string]string{"username": "zqmember", "password": testPassword}); st != 401 {
			t.Errorf("old password still works: %d", st)
		}
		if st, _ := f.anon(t).api("POST", "/api/v1/login", map[string]string{"username": "zqmember", "password": next}); st != 200 {
			t.Errorf("new password: %d", st)
		}
	})
}

func TestAccountLocale(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zqgrid")
	if st, _ := c.post("/account/locale", url.Values{"locale": {"fr"}}); st != 422 {
		t.Errorf("unknown language: %d", st)
	}
	if st, _ := c.post("/account/locale", url.Values{"locale": {"en"}}); st != http.StatusSeeOther {
		t.Fatalf("save: %d", st)
	}
	if _, body := c.get("/account"); !strings.Contains(body, `lang="en"`) || !strings.Contains(body, "My account") {
		t.Error("this browser did not switch to English")
	}
	// The preference is the account's: a new session on another browser is in English too.
	if _, body := f.login(t, "zqgrid").get("/"); !strings.Contains(body, `lang="en"`) {
		t.Error("the saved preference did not apply to a new session")
	}
	// Someone else's language is unchanged.
	if _, body := f.login(t, "zhanqian").get("/"); !strings.Contains(body, `lang="zh-CN"`) {
		t.Error("another user's language changed")
	}
}
