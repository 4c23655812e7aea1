package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestLogin(t *testing.T) {
	f := newFixture(t)
	t.Run("OK", func(t *testing.T) {
		c := f.login(t, "zhanqian")
		st, body := c.get("/")
		if st != 200 || !strings.Contains(body, "站前社区") {
			t.Fatalf("home: %d", st)
		}
	})
	t.Run("WrongPasswordSaysSoInChinese", func(t *testing.T) {
		c := f.anon(t)
		_, body := c.get("/login")
		c.csrf = csrfRE.FindStringSubmatch(body)[1]
		st, body := c.post("/login", url.Values{"username": {"kaixi"}, "password": {"wrong"}})
		if st != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码错误") {
			t.Fatalf("got %d", st)
		}
	})
	t.Run("FormWithoutCSRFRefused", func(t *testing.T) {
		c := f.anon(t)
		st, _ := c.post("/login", url.Values{"username": {"kaixi"}, "password": {testPassword}, "csrf": {"forged"}})
		if st != http.StatusForbidden {
			t.Fatalf("got %d, want 403", st)
		}
	})
	t.Run("FiveFailuresLock", func(t *testing.T) {
		c := f.anon(t)
		for i := 0; i < 5; i++ {
			c.api("POST", "/api/v1/login", map[string]string{"username": "zqgrid", "password": "nope"})
		}
		st, body := c.api("POST", "/api/v1/login", map[string]string{"username": "zqgrid", "password": testPassword})
		if st != http.StatusUnauthorized || !strings.Contains(body, `"locked"`) {
			t.Fatalf("right password during lock: %d %s", st, body)
		}
		f.clock.Advance(16 * 60 * 1e9)
		st, _ = c.api("POST", "/api/v1/login", map[string]string{"username": "zqgrid", "password": testPassword})
		if st != http.StatusOK {
			t.Fatalf("after the lock ran out: %d", st)
		}
	})
	t.Run("LoggedOutRedirects", func(t *testing.T) {
		st, _ := f.anon(t).get("/")
		if st != http.StatusSeeOther {
			t.Fatalf("got %d", st)
		}
	})
}

func TestAPIErrors(t *testing.T) {
	f := newFixture(t)
	c := f.anon(t)
	st, body := c.api("GET", "/api/v1/me", nil)
	if st != 401 || !strings.Contains(body, `"code":"unauthorized"`) {
		t.Fatalf("no token: %d %s", st, body)
	}
	st, _ = c.api("POST", "/api/v1/login", "not an object")
	if st != 400 {
		t.Fatalf("malformed login: %d", st)
	}
	a := f.apiLogin(t, "kaixi")
	st, body = a.api("GET", "/api/v1/me", nil)
	if st != 200 || !strings.Contains(body, `"branch_secretary"`) {
		t.Fatalf("me: %d %s", st, body)
	}
	// A web session cookie is no API token, and an API token opens no page.
	web := f.login(t, "kaixi")
	if st, _ := web.api("GET", "/api/v1/me", nil); st != 401 {
		t.Fatalf("cookie on API: %d", st)
	}
}

func TestHealthz(t *testing.T) {
	f := newFixture(t)
	if st, body := f.anon(t).get("/healthz"); st != 200 || body != "ok\n" {
		t.Fatalf("%d %q", st, body)
	}
}

func TestEnglishCatalogue(t *testing.T) {
	f := newFixture(t)
	c := f.anon(t)
	req, _ := http.NewRequest("GET", c.base+"/login", nil)
	req.Header.Set("Accept-Language", "en-US")
	_, body := c.do(req)
	if !strings.Contains(body, "Log in") {
		t.Fatal("English login page not in English")
	}
}
