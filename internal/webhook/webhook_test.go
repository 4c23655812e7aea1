package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"wuxing/internal/errs"
)

func TestBody(t *testing.T) {
	for _, k := range Kinds {
		b, err := Body(k, "【站前社区】新工单 A-1：路灯不亮 <b>&")
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"msgtype":"text","text":{"content":"【站前社区】新工单 A-1：路灯不亮 <b>&"}}`; string(b) != want {
			t.Errorf("%s: %s, want %s", k, b, want)
		}
	}
	if _, err := Body("slack", "x"); err == nil {
		t.Error("an unknown robot got a body")
	}
}

func TestContentMasksNumbersAndCuts(t *testing.T) {
	got := Content("张大妈13812345678反映，身份证410902198001011234，案号 410902003001-2026-0007")
	want := "张大妈138****5678反映，身份证4109**********1234，案号 410902003001-2026-0007"
	if got != want {
		t.Errorf("Content = %q, want %q", got, want)
	}
	long := Content(strings.Repeat("路灯", 600)) // 3600 bytes
	if len(long) > MaxContent || !strings.HasSuffix(long, "…") || !strings.HasPrefix(long, "路灯路灯") {
		t.Errorf("cut to %d bytes: …%q", len(long), long[len(long)-12:])
	}
}

// TestSignature checks DingTalk's signature against a value worked out by hand with the
// documented steps: HMAC-SHA256 keyed by the secret over "timestamp\nsecret", Base64, URL-encoded.
func TestSignature(t *testing.T) {
	const secret = "SEC000000000000000000000000000000000000000000000000000000000000000"
	ms := int64(1767225600000) // 2026-01-01 00:00:00 UTC
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("1767225600000\n" + secret))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if got := Sign(secret, ms); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
	target, err := Target(Hook{Kind: DingTalk, URL: "https://oapi.dingtalk.com/robot/send?access_token=abc", Secret: secret}, time.UnixMilli(ms))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(target)
	q := u.Query()
	if q.Get("access_token") != "abc" || q.Get("timestamp") != "1767225600000" || q.Get("sign") != want {
		t.Fatalf("target %s", target)
	}
	if strings.ContainsAny(u.RawQuery, "+/") && !strings.Contains(u.RawQuery, "%2") {
		t.Fatalf("the sign is not URL-encoded: %s", u.RawQuery)
	}
	// WeCom, and DingTalk without a secret (keyword security), post to the URL as it is.
	for _, h := range []Hook{{Kind: WeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}, {Kind: DingTalk, URL: "https://oapi.dingtalk.com/robot/send?access_token=abc"}} {
		if got, _ := Target(h, time.Now()); got != h.URL {
			t.Errorf("%s: %s", h.Kind, got)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := []Hook{
		{Kind: WeCom, URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6"},
		{Kind: DingTalk, URL: "https://oapi.dingtalk.com/robot/send?access_token=x", Secret: "SECabc"},
	}
	for _, h := range ok {
		if err := Validate(h); err != nil {
			t.Errorf("%+v: %v", h, err)
		}
	}
	bad := map[string]Hook{
		"kind":   {Kind: "slack", URL: "https://x.example/"},
		"url":    {Kind: WeCom, URL: "ftp://x.example/"},
		"secret": {Kind: WeCom, URL: "https://x.example/?key=1", Secret: "SECabc"},
	}
	for field, h := range bad {
		e := errs.As(Validate(h))
		if e.Code != errs.EINVALID || len(e.Fields) == 0 || e.Fields[0].Field != field {
			t.Errorf("%+v: %v, want a %s error", h, e, field)
		}
	}
	for _, u := range []string{"", "https://user:pw@x.example/", "https:///nohost", "javascript:alert(1)", "https://x.example/#frag"} {
		if Validate(Hook{Kind: WeCom, URL: u}) == nil {
			t.Errorf("%q accepted", u)
		}
	}
}

func TestRedact(t *testing.T) {
	got := Redact("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx&debug=1")
	if got != "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?debug=***&key=***" {
		t.Fatal(got)
	}
}

// TestSendErrorsNameNoKey: whatever goes wrong, the error holds neither the URL's key nor the
// secret, so it can be logged and stored.
func TestSendErrorsNameNoKey(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := "http://" + ln.Addr().String()
	ln.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(300 * time.Millisecond) }))
	defer slow.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://evil.example/?key=SECRETKEY", http.StatusFound)
	}))
	defer redirect.Close()
	refused := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"errcode":93000,"errmsg":"invalid webhook url, key=SECRETKEY"}`))
	}))
	defer refused.Close()
	s := NewSender(100 * time.Millisecond)
	for name, base := range map[string]string{"refused": closed, "slow": slow.URL, "redirect": redirect.URL, "errcode": refused.URL} {
		err := s.Send(context.Background(), Hook{Kind: DingTalk, URL: base + "/robot/send?access_token=SECRETKEY", Secret: "SECsecret"}, "测试")
		var we *Error
		if err == nil || !errors.As(err, &we) {
			t.Fatalf("%s: %v", name, err)
		}
		if strings.Contains(err.Error(), "SECRETKEY") || strings.Contains(err.Error(), "SECsecret") || strings.Contains(err.Error(), "?") {
			t.Errorf("%s: the error shows the key: %v", name, err)
		}
		t.Logf("%s: %v", name, err)
	}
}
