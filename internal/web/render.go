package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/locale"
	"wuxing/internal/privacy"
)

// views holds one parsed template set per page: the layout, the shared partials and the page.
type views struct {
	pages map[string]*template.Template
}

// baseFuncs are the template functions; the ones that depend on the request (t, phone, can…)
// are placeholders here and bound per request on a clone, as Miniflux does.
func baseFuncs() template.FuncMap {
	return template.FuncMap{
		"t":        func(key string, args ...any) string { return key },
		"phone":    func(phone, unitPath string) string { return phone },
		"idnumber": func(id, unitPath string) string { return id },
		"can":      func(perm string) bool { return false },
		"canAt":    func(perm, unitPath string) bool { return false },
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(cst).Format("2006-01-02")
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(cst).Format("2006-01-02 15:04")
		},
		"add":  func(a, b int) int { return a + b },
		"join": strings.Join,
		"str":  func(v any) string { return fmt.Sprint(v) },
		"pct": func(n, d int) string {
			if d == 0 {
				return "—"
			}
			return strconv.FormatFloat(100*float64(n)/float64(d), 'f', 1, 64) + "%"
		},
		"query": func(q url.Values, kv ...string) string {
			c := url.Values{}
			for k, v := range q {
				c[k] = v
			}
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i+1] == "" {
					c.Del(kv[i])
				} else {
					c.Set(kv[i], kv[i+1])
				}
			}
			return c.Encode()
		},
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
}

// cst is China Standard Time, in which dates are shown.
var cst = time.FixedZone("CST", 8*3600)

func loadViews() (*views, error) {
	v := &views{pages: map[string]*template.Template{}}
	pages, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	partials, _ := fs.Glob(assets, "templates/partials/*.html")
	for _, p := range pages {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		files := append([]string{"templates/layout.html"}, partials...)
		files = append(files, p)
		t, err := template.New("layout.html").Funcs(baseFuncs()).ParseFS(assets, files...)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// Page is what every page template receives.
type Page struct {
	Title  string // catalogue key
	Lang   string
	User   *authz.Principal
	CSRF   string
	Path   string
	Query  url.Values
	Flash  string            // a translated notice after a successful action
	Error  string            // a translated form-level error
	Errors map[string]string // field name → translated message
	Form   url.Values        // what the user entered, to redisplay after an error
	Data   any
}

// printer returns the request's translator.
func (s *Server) printer(r *http.Request) *locale.Printer { return locale.NewPrinter(ctxOf(r).lang) }

// render executes a page template with the request's language and principal.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	base, ok := s.views.pages[name]
	if !ok {
		s.fail(w, r, fmt.Errorf("web: no template %q", name))
		return
	}
	rc := ctxOf(r)
	pr := s.printer(r)
	pp := principal(r)
	p.Lang, p.User, p.Path, p.Query = pr.Lang, pp, r.URL.Path, r.URL.Query()
	if rc.sess != nil {
		p.CSRF = rc.sess.CSRF
	} else {
		p.CSRF = s.preCSRF(w, r)
	}
	if f := r.URL.Query().Get("flash"); f != "" && p.Flash == "" && strings.HasPrefix(f, "flash.") && pr.Has(f) {
		p.Flash = pr.T(f)
	}
	t, err := base.Clone()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t.Funcs(template.FuncMap{
		"t":        pr.T,
		"phone":    func(phone, unitPath string) string { return phoneFor(pp, phone, unitPath) },
		"idnumber": func(id, unitPath string) string { return idNumberFor(pp, id, unitPath) },
		"can":      func(perm string) bool { return pp.Can(authz.Perm(perm)) },
		"canAt":    func(perm, unitPath string) bool { return pp.CanAt(authz.Perm(perm), unitPath) },
	})
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.fail(w, r, fmt.Errorf("web: render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// formFail re-renders a form page with the error's messages next to their fields; errors that
// are not about input go to fail.
func (s *Server) formFail(w http.ResponseWriter, r *http.Request, name string, p *Page, err error) {
	e := errs.As(err)
	if e.Code != errs.EINVALID && e.Code != errs.EUNPROCESSABLE && e.Code != errs.ECONFLICT {
		s.fail(w, r, err)
		return
	}
	pr := s.printer(r)
	p.Errors = map[string]string{}
	for _, f := range e.Fields {
		if _, dup := p.Errors[f.Field]; !dup {
			p.Errors[f.Field] = pr.T(f.Key, f.Args...)
		}
	}
	p.Error = pr.T(e.Key, e.Args...)
	if p.Form == nil {
		p.Form = r.PostForm
	}
	s.render(w, r, statusOf(err), name, p)
}

// statusOf maps an error's code to an HTTP status.
func statusOf(err error) int {
	e := errs.As(err)
	switch e.Code {
	case errs.EINVALID:
		if len(e.Fields) > 0 {
			return http.StatusUnprocessableEntity
		}
		return http.StatusBadRequest
	case errs.EUNPROCESSABLE:
		return http.StatusUnprocessableEntity
	case errs.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case errs.ELOCKED:
		return http.StatusUnauthorized
	case errs.EFORBIDDEN:
		return http.StatusForbidden
	case errs.ENOTFOUND:
		return http.StatusNotFound
	case errs.ECONFLICT:
		return http.StatusConflict
	case errs.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

func errUnauthorized(cause error) error {
	if cause != nil && errs.Code(cause) == errs.EUNAUTHORIZED {
		return cause
	}
	return errs.New(errs.EUNAUTHORIZED, "auth.required")
}

func errTooLarge(limit int64) error {
	return errs.New(errs.ETOOLARGE, "error.too_large", limit>>20)
}

// fail answers a request with an error: JSON on the API, an error page elsewhere. Internal
// errors are logged with their detail and shown only as "internal error".
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = errTooLarge(mbe.Limit)
	}
	e := errs.As(err)
	status := statusOf(e)
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "route", r.Pattern, "err", err)
		e = errs.New(errs.EINTERNAL, "error.internal")
	}
	pr := s.printer(r)
	if ctxOf(r).api || strings.HasPrefix(r.URL.Path, "/api/") {
		body := apiError{Code: e.Code, Message: pr.T(e.Key, e.Args...)}
		for _, f := range e.Fields {
			body.Fields = append(body.Fields, apiFieldError{Field: f.Field, Message: pr.T(f.Key, f.Args...)})
		}
		writeJSON(w, status, map[string]any{"error": body})
		return
	}
	if status == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.render(w, r, status, "error", &Page{Title: "error.title", Error: pr.T(e.Key, e.Args...)})
}

type apiError struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Fields  []apiFieldError `json:"fields,omitempty"`
}

type apiFieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// decodeJSON reads a JSON body into v, refusing unknown fields and trailing data.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge(mbe.Limit)
		}
		return &errs.Error{Code: errs.EINVALID, Key: "error.bad_request", Err: err}
	}
	if dec.More() {
		return errs.New(errs.EINVALID, "error.bad_request")
	}
	return nil
}

// pathID reads a numeric path value; a malformed one is not found.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.NotFound()
	}
	return id, nil
}

// formInt reads an optional integer form or query value; malformed is an invalid field.
func formInt(v url.Values, name string) (int64, *errs.FieldError) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		f := errs.Field(name, "validation.number")
		return 0, &f
	}
	return n, nil
}

// Pager describes one page of a long list.
type Pager struct {
	Page, Per, Total int
	Query            url.Values
}

// perPage is the default page length of lists.
const perPage = 50

// pagerFrom reads ?page= from a request.
func pagerFrom(r *http.Request) Pager {
	p, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if p < 1 {
		p = 1
	}
	if p > 100000 {
		p = 100000
	}
	return Pager{Page: p, Per: perPage, Query: r.URL.Query()}
}

// Offset is the first row of the page.
func (p Pager) Offset() int { return (p.Page - 1) * p.Per }

// Pages is how many pages there are.
func (p Pager) Pages() int { return max(1, (p.Total+p.Per-1)/p.Per) }

// HasPrev and HasNext tell whether to show the links.
func (p Pager) HasPrev() bool { return p.Page > 1 }

// HasNext tells whether a later page exists.
func (p Pager) HasNext() bool { return p.Page < p.Pages() }

// URL is the query string of page n with the other filters kept.
func (p Pager) URL(n int) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	q.Set("page", strconv.Itoa(n))
	return "?" + q.Encode()
}

// redirectFlash redirects after a successful form with a notice key.
func redirectFlash(w http.ResponseWriter, r *http.Request, to, flashKey string) {
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	http.Redirect(w, r, to+sep+"flash="+url.QueryEscape(flashKey), http.StatusSeeOther)
}

// phoneFor is a phone number as the principal may see it: whole where their role needs it for
// the unit at unitPath, masked elsewhere. The API and exports use it as the templates do.
func phoneFor(p *authz.Principal, phone, unitPath string) string {
	if p.CanAt(authz.SeePhone, unitPath) {
		return phone
	}
	return privacy.MaskPhone(phone)
}

// idNumberFor is an ID number as the principal may see it.
func idNumberFor(p *authz.Principal, id, unitPath string) string {
	if p.CanAt(authz.SeeIDNumber, unitPath) {
		return id
	}
	return privacy.MaskIDNumber(id)
}
