// Package web serves wuxing over HTTP: the server-rendered pages (html/template, embedded,
// zh-CN by default) and the JSON API under /api/v1. Handlers parse input, call the store with
// the request's actor, and render; they hold no business rules and no SQL.
package web

import (
	"context"
	"embed"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"wuxing/internal/clock"
	"wuxing/internal/storage"
)

//go:embed templates static
var assets embed.FS

// Options configure a Server.
type Options struct {
	DB            *storage.DB
	Logger        *slog.Logger
	Clock         clock.Clock
	SecureCookies bool  // mark cookies Secure even when the request itself is not TLS
	MaxUpload     int64 // bytes; default 10 MB
	BaseURL       string
}

// Server is the HTTP side of the platform.
type Server struct {
	db        *storage.DB
	log       *slog.Logger
	clock     clock.Clock
	secure    bool
	maxUpload int64
	baseURL   string
	views     *views
	routes    []route
	mux       *http.ServeMux
	public    *publicState // the residents' side: rate limits per client address (routes_public.go)
}

// access says who may call a route.
type access int

const (
	public access = iota // anyone, no session
	user                 // a logged-in user (web cookie or API bearer token)
)

// route is one entry of the route table. The table is the single list of what the server
// answers, which the scope tests walk route by route.
type route struct {
	pattern string // "GET /people/{id}"
	access  access
	api     bool // JSON API: bearer tokens, JSON errors, no CSRF
	h       http.HandlerFunc
}

// New builds a server and checks its templates.
func New(o Options) (*Server, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	if o.MaxUpload <= 0 {
		o.MaxUpload = 10 << 20
	}
	v, err := loadViews()
	if err != nil {
		return nil, err
	}
	s := &Server{db: o.DB, log: o.Logger, clock: o.Clock, secure: o.SecureCookies, maxUpload: o.MaxUpload, baseURL: o.BaseURL, views: v}
	s.mux = http.NewServeMux()
	for _, group := range [][]route{
		s.coreRoutes(),
		s.unitRoutes(),
		s.peopleRoutes(),
		s.adminRoutes(),
		s.dataRoutes(),
		s.caseRoutes(),
		s.publicRoutes(),
		s.photoRoutes(),
		s.opsRoutes(),
		s.figureRoutes(),
		s.campaignRoutes(),
		s.serviceRoutes(),
		s.livelihoodRoutes(),
		s.pointsRoutes(),
		s.evaluationRoutes(),
	} {
		for _, rt := range group {
			s.routes = append(s.routes, rt)
			s.mux.Handle(rt.pattern, s.wrap(rt))
		}
	}
	return s, nil
}

// Routes lists the patterns the server answers, for tests and documentation.
func (s *Server) Routes() []string {
	out := make([]string, len(s.routes))
	for i, r := range s.routes {
		out[i] = r.pattern
	}
	return out
}

// Handler returns the server's root handler with logging, recovery and security headers.
func (s *Server) Handler() http.Handler {
	return s.logRequests(s.recoverPanics(securityHeaders(s.mux)))
}

// wrap adds what a route's access needs: the session and principal, CSRF checks on web forms.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := &reqCtx{api: rt.api}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, rc))
		s.loadSession(r, rc)
		rc.lang = s.langFor(r, rc)
		if rt.access == user && rc.sess == nil {
			if rt.api {
				s.fail(w, r, errUnauthorized(rc.sessErr))
				return
			}
			http.Redirect(w, r, "/login?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.maxUpload)
		}
		if !rt.api && r.Method == http.MethodPost {
			if err := s.checkCSRF(r, rc); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		// The server removes the temporary files of the multipart form it parsed on its own
		// request value only; this one is a copy, so clean up here.
		defer func() {
			if r.MultipartForm != nil {
				r.MultipartForm.RemoveAll()
			}
		}()
		rt.h(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request: method, route pattern, status, duration. Never the
// query string or body, which may hold phone numbers.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		pattern := r.Pattern
		if pattern == "" {
			pattern = r.Method + " (unmatched)"
		}
		s.log.Info("http", "route", pattern, "status", sw.status, "ms", time.Since(start).Milliseconds())
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "route", r.Pattern, "panic", v, "stack", string(debug.Stack()))
				http.Error(w, "Internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) coreRoutes() []route {
	static := http.StripPrefix("/", http.FileServerFS(assets))
	return []route{
		{pattern: "GET /healthz", access: public, h: s.healthz},
		{pattern: "GET /static/", access: public, h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "public, max-age=3600")
			static.ServeHTTP(w, r)
		}},
		{pattern: "GET /login", access: public, h: s.loginPage},
		{pattern: "POST /login", access: public, h: s.loginSubmit},
		{pattern: "POST /logout", access: user, h: s.logout},
		{pattern: "POST /lang", access: public, h: s.setLang},
		{pattern: "GET /{$}", access: user, h: s.home},
		{pattern: "POST /api/v1/login", access: public, api: true, h: s.apiLogin},
		{pattern: "POST /api/v1/logout", access: user, api: true, h: s.apiLogout},
		{pattern: "GET /api/v1/me", access: user, api: true, h: s.apiMe},
	}
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.log.Error("healthz", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}
