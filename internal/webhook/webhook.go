// Package webhook formats messages for the group robots of WeCom (企业微信) and DingTalk (钉钉)
// and sends them. Formatting is pure; the sender posts with timeouts, never follows redirects,
// and never puts the webhook's URL (whose query holds the robot's key) in an error.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/errs"
	"wuxing/internal/privacy"
)

// Kind is a group robot's platform.
type Kind string

// The supported robots.
const (
	WeCom    Kind = "wecom"    // 企业微信群机器人
	DingTalk Kind = "dingtalk" // 钉钉自定义机器人
)

// Kinds lists the supported robots.
var Kinds = []Kind{WeCom, DingTalk}

// Hook is where a message goes: the robot's kind, its URL (with its key or access token) and,
// for DingTalk's "加签" security setting, the signing secret.
type Hook struct {
	Kind   Kind
	URL    string
	Secret string
}

// MaxContent is the longest message text sent, in bytes: WeCom refuses text over 2048 bytes.
const MaxContent = 2000

// maxURL bounds a webhook URL.
const maxURL = 500

// Validate checks a webhook as an administrator enters it; problems are field errors.
func Validate(h Hook) error {
	var fe []errs.FieldError
	if !slices.Contains(Kinds, h.Kind) {
		fe = append(fe, errs.Field("kind", "ops.webhook.kind_invalid"))
	}
	u, err := url.Parse(strings.TrimSpace(h.URL))
	switch {
	case strings.TrimSpace(h.URL) == "":
		fe = append(fe, errs.Field("url", "validation.required"))
	case len(h.URL) > maxURL || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "":
		fe = append(fe, errs.Field("url", "ops.webhook.url_invalid"))
	}
	if len(h.Secret) > 200 || strings.ContainsAny(h.Secret, " \t\r\n") {
		fe = append(fe, errs.Field("secret", "ops.webhook.secret_invalid"))
	}
	if h.Secret != "" && h.Kind == WeCom {
		fe = append(fe, errs.Field("secret", "ops.webhook.secret_wecom"))
	}
	return errs.FieldsOf(fe)
}

// Redact shows a webhook URL without its secrets: the scheme, host and path, and the names of
// its query parameters with their values hidden.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "***"
	}
	q := u.Query()
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	slices.Sort(names)
	s := u.Scheme + "://" + u.Host + u.Path
	for i, k := range names {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		s += sep + url.QueryEscape(k) + "=***"
	}
	return s
}

// numberRE finds runs of digits (an ID number may end in X).
var numberRE = regexp.MustCompile(`\d{17}[\dXx]|\d+`)

// Content prepares a message's text for a group chat: mobile and ID numbers anyone typed into
// a case's title are masked, and the text is cut to MaxContent bytes on a character boundary.
func Content(text string) string {
	text = numberRE.ReplaceAllStringFunc(text, func(n string) string {
		switch {
		case len(n) == 18 || (len(n) == 15 && n[0] != '0'):
			return privacy.MaskIDNumber(n)
		case len(n) == 11 && n[0] == '1':
			return privacy.MaskPhone(n)
		}
		return n
	})
	if len(text) <= MaxContent {
		return text
	}
	cut := MaxContent - len("…")
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + "…"
}

// textMessage is the text message both robots take: {"msgtype":"text","text":{"content":…}}.
type textMessage struct {
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
}

// Body returns the JSON body of a text message for the robot kind. WeCom and DingTalk share
// the shape of a text message.
func Body(kind Kind, content string) ([]byte, error) {
	if !slices.Contains(Kinds, kind) {
		return nil, fmt.Errorf("webhook: unknown kind %q", kind)
	}
	var m textMessage
	m.MsgType = "text"
	m.Text.Content = Content(content)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// Sign is DingTalk's signature for a timestamp in milliseconds: the Base64 of the HMAC-SHA256,
// keyed by the secret, of "timestamp\nsecret".
func Sign(secret string, millis int64) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(millis, 10) + "\n" + secret))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Target returns the URL to post to at now: for DingTalk with a secret, the URL with its
// timestamp and sign query parameters added (DingTalk accepts a timestamp within an hour).
func Target(h Hook, now time.Time) (string, error) {
	u, err := url.Parse(h.URL)
	if err != nil || u.Host == "" {
		return "", errors.New("webhook: malformed URL")
	}
	if h.Kind == DingTalk && h.Secret != "" {
		ms := now.UnixMilli()
		q := u.Query()
		q.Set("timestamp", strconv.FormatInt(ms, 10))
		q.Set("sign", Sign(h.Secret, ms))
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// Sender posts messages to robots.
type Sender struct {
	Client *http.Client
	Now    func() time.Time
}

// DefaultTimeout bounds one post.
const DefaultTimeout = 10 * time.Second

// NewSender returns a sender whose posts time out after timeout (DefaultTimeout if 0) and
// never follow redirects.
func NewSender(timeout time.Duration) *Sender {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Sender{
		Client: &http.Client{Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		Now:    time.Now,
	}
}

// Error is a failed send, described without the URL.
type Error struct {
	Status  int    // HTTP status, 0 when no answer came
	Code    int    // the robot's errcode, when it answered with one
	Message string // what went wrong, safe to store and show
}

func (e *Error) Error() string { return "webhook: " + e.Message }

// reply is both robots' answer: {"errcode":0,"errmsg":"ok"}.
type reply struct {
	ErrCode *int   `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// Send posts content to the hook as a text message. An error is an *Error that names no URL
// and no key.
func (s *Sender) Send(ctx context.Context, h Hook, content string) error {
	body, err := Body(h.Kind, content)
	if err != nil {
		return &Error{Message: err.Error()}
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	target, err := Target(h, now())
	if err != nil {
		return &Error{Message: "malformed URL"}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return &Error{Message: "malformed URL"}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	client := s.Client
	if client == nil {
		client = NewSender(0).Client
	}
	res, err := client.Do(req)
	if err != nil {
		return &Error{Message: cleanErr(err)}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode/100 != 2 {
		return &Error{Status: res.StatusCode, Message: "HTTP " + strconv.Itoa(res.StatusCode)}
	}
	var rp reply
	if err := json.Unmarshal(b, &rp); err != nil || rp.ErrCode == nil {
		return &Error{Status: res.StatusCode, Message: "unexpected answer"}
	}
	if *rp.ErrCode != 0 {
		return &Error{Status: res.StatusCode, Code: *rp.ErrCode, Message: fmt.Sprintf("errcode %d: %s", *rp.ErrCode, scrub(rp.ErrMsg, h))}
	}
	return nil
}

// scrub makes a robot's error message safe to store: the hook's key, token and secret are
// hidden wherever the robot echoed them, and a URL it points to is cut off at its query.
func scrub(msg string, h Hook) string {
	secrets := []string{h.Secret}
	if u, err := url.Parse(h.URL); err == nil {
		for _, vs := range u.Query() {
			secrets = append(secrets, vs...)
		}
	}
	for _, x := range secrets {
		if len(x) >= 4 {
			msg = strings.ReplaceAll(msg, x, "***")
		}
	}
	if i := strings.Index(msg, "?"); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) > 200 {
		msg = msg[:200]
		for len(msg) > 0 && !utf8.ValidString(msg) {
			msg = msg[:len(msg)-1]
		}
	}
	return Content(msg)
}

// cleanErr describes a transport error without its URL: *url.Error carries the whole URL,
// query and key included.
func cleanErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return "timed out"
	}
	msg := err.Error()
	if i := strings.Index(msg, "?"); i >= 0 { // never a query string, whatever the error says
		msg = msg[:i]
	}
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return msg
}
