package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"wuxing/internal/auth"
	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/locale"
	"wuxing/internal/storage"
)

const (
	sessionCookie = "wx_session"
	preCSRFCookie = "wx_pre" // CSRF token for forms shown before login
	langCookie    = "wx_lang"
)

type ctxKey struct{}

// reqCtx is what the server knows about a request beyond net/http's: who and in which language.
type reqCtx struct {
	api     bool
	sess    *storage.Session
	sessErr error
	token   string
	lang    string
	ip      string
	cats    *caseCats // the case categories, once read in this request (caseCategories)
}

func ctxOf(r *http.Request) *reqCtx {
	rc, _ := r.Context().Value(ctxKey{}).(*reqCtx)
	if rc == nil {
		rc = &reqCtx{lang: locale.Default}
	}
	return rc
}

// actor is the store actor for a request.
func actor(r *http.Request) storage.Actor {
	rc := ctxOf(r)
	a := storage.Actor{P: &authz.Principal{}, IP: rc.ip}
	if rc.sess != nil {
		a.P = rc.sess.Principal
	}
	return a
}

// principal is the request's principal (empty when logged out).
func principal(r *http.Request) *authz.Principal { return actor(r).P }

func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// loadSession finds the request's session: a bearer token on API routes, the cookie elsewhere.
func (s *Server) loadSession(r *http.Request, rc *reqCtx) {
	rc.ip = clientIP(r)
	if rc.api {
		h := r.Header.Get("Authorization")
		if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
			rc.token = strings.TrimSpace(tok)
		}
	} else if c, err := r.Cookie(sessionCookie); err == nil {
		rc.token = c.Value
	}
	if rc.token == "" {
		return
	}
	sess, err := s.db.SessionByToken(r.Context(), rc.token)
	if err != nil {
		rc.sessErr = err
		if errs.Code(err) == errs.EINTERNAL {
			s.log.Error("session", "err", err)
		}
		return
	}
	if (sess.Kind == "api") != rc.api {
		rc.sessErr = errs.New(errs.EUNAUTHORIZED, "auth.required")
		return
	}
	rc.sess = sess
}

func (s *Server) langFor(r *http.Request, rc *reqCtx) string {
	if c, err := r.Cookie(langCookie); err == nil {
		for _, l := range locale.Languages {
			if c.Value == l {
				return l
			}
		}
	}
	if q := r.URL.Query().Get("lang"); rc.api && q != "" {
		return locale.Match(q)
	}
	if rc.sess != nil && rc.sess.Locale != "" {
		return rc.sess.Locale
	}
	return locale.Match(r.Header.Get("Accept-Language"))
}

// checkCSRF checks a web form's token against the session's (or, before login, the pre-login
// cookie's). It reads the form, so a body over the upload limit is reported here.
func (s *Server) checkCSRF(r *http.Request, rc *reqCtx) error {
	tok := r.Header.Get("X-CSRF-Token")
	if tok == "" {
		var err error
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			err = r.ParseMultipartForm(8 << 20)
		} else {
			err = r.ParseForm()
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge(mbe.Limit)
		}
		if err != nil {
			return errs.New(errs.EINVALID, "error.bad_request")
		}
		tok = r.PostFormValue("csrf")
	}
	if rc.sess != nil {
		if auth.EqualTokens(tok, rc.sess.CSRF) {
			return nil
		}
	} else if c, err := r.Cookie(preCSRFCookie); err == nil && auth.EqualTokens(tok, c.Value) {
		return nil
	}
	return errs.New(errs.EFORBIDDEN, "error.csrf")
}

func (s *Server) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure || r.TLS != nil}
}

// preCSRF returns the pre-login CSRF token, setting its cookie when missing.
func (s *Server) preCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preCSRFCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	tok := auth.NewToken()
	http.SetCookie(w, s.cookie(r, preCSRFCookie, tok, 0))
	return tok
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return url.QueryEscape(next)
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if ctxOf(r).sess != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", &Page{Title: "login.title", Data: loginData{Next: r.URL.Query().Get("next")}})
}

type loginData struct {
	Username string
	Next     string
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	d := loginData{Username: r.PostFormValue("username"), Next: r.PostFormValue("next")}
	token, sess, err := s.db.Login(r.Context(), d.Username, r.PostFormValue("password"), "web", clientIP(r))
	if err != nil {
		status := statusOf(err)
		if status == http.StatusInternalServerError {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, "login", &Page{Title: "login.title", Error: s.printer(r).T(errs.As(err).Key), Data: d})
		return
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, token, int(auth.MaxAge.Seconds())))
	http.SetCookie(w, s.cookie(r, preCSRFCookie, "", -1))
	_ = sess
	next := "/"
	if n, err := url.QueryUnescape(safeNext(d.Next)); err == nil && n != "" {
		next = n
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.db.Logout(r.Context(), ctxOf(r).token); err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("lang")
	ok := false
	for _, l := range locale.Languages {
		ok = ok || l == lang
	}
	if !ok {
		lang = locale.Default
	}
	c := s.cookie(r, langCookie, lang, 365*24*3600)
	c.HttpOnly = false
	http.SetCookie(w, c)
	back := r.PostFormValue("back")
	if n, err := url.QueryUnescape(safeNext(back)); err == nil && n != "" {
		back = n
	} else {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

type apiLoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) {
	var req apiLoginRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	token, sess, err := s.db.Login(r.Context(), req.Username, req.Password, "api", clientIP(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"token": token, "expires_at": sess.ExpiresAt})
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request) {
	if err := s.db.Logout(r.Context(), ctxOf(r).token); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type apiBinding struct {
	Role     authz.Role `json:"role"`
	UnitID   int64      `json:"unit_id"`
	UnitName string     `json:"unit_name"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	bs := []apiBinding{}
	for _, b := range p.Bindings {
		bs = append(bs, apiBinding{b.Role, b.UnitID, b.UnitName})
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": p.UserID, "username": p.Username, "person_id": p.PersonID, "roles": bs})
}
