package web

import (
	"net/http"
	"strings"
	"time"

	"wuxing/internal/auth"
	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/storage"
)

// apiUserJSON is an account as the API shows it; never its password hash.
type apiUserJSON struct {
	ID           int64             `json:"id"`
	Username     string            `json:"username"`
	PersonID     int64             `json:"person_id,omitempty"`
	PersonName   string            `json:"person_name,omitempty"`
	Locale       string            `json:"locale"`
	Active       bool              `json:"active"`
	Locked       bool              `json:"locked"`
	LockedUntil  *time.Time        `json:"locked_until,omitempty"`
	FailedLogins int               `json:"failed_logins"`
	LastLoginAt  *time.Time        `json:"last_login_at,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
	Version      int64             `json:"version"`
	Roles        []apiUserRoleJSON `json:"roles"`
}

type apiUserRoleJSON struct {
	ID       int64      `json:"id"`
	Role     authz.Role `json:"role"`
	UnitID   int64      `json:"unit_id"`
	UnitName string     `json:"unit_name"`
}

func adminOptTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (s *Server) apiUserOf(u *storage.User) apiUserJSON {
	j := apiUserJSON{ID: u.ID, Username: u.Username, PersonID: u.PersonID, PersonName: u.PersonName, Locale: u.Locale,
		Active: u.Active, Locked: auth.Locked(u.LockedUntil, s.clock.Now()), LockedUntil: adminOptTime(u.LockedUntil),
		FailedLogins: u.FailedLogins, LastLoginAt: adminOptTime(u.LastLoginAt), CreatedAt: u.CreatedAt, Version: u.Version,
		Roles: []apiUserRoleJSON{}}
	for _, b := range u.Bindings {
		j.Roles = append(j.Roles, apiUserRoleJSON{ID: b.ID, Role: b.Role, UnitID: b.UnitID, UnitName: b.UnitName})
	}
	return j
}

// apiUsers lists the accounts the caller manages: ?q= searches usernames, ?page= pages.
func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	if !a.P.Can(authz.ManageUsers) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	pg := pagerFrom(r)
	us, total, err := s.db.Users(r.Context(), a, storage.UserFilter{Query: strings.TrimSpace(r.URL.Query().Get("q")), Limit: pg.Per, Offset: pg.Offset()})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []apiUserJSON{}
	for i := range us {
		out = append(out, s.apiUserOf(&us[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out, "total": total, "page": pg.Page, "per_page": pg.Per})
}

func (s *Server) apiUser(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.db.User(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.apiUserOf(u))
}

type apiUserCreateRequest struct {
	Username string     `json:"username"`
	Password string     `json:"password"`
	PersonID int64      `json:"person_id"`
	Locale   string     `json:"locale"`
	Role     authz.Role `json:"role"`
	UnitID   int64      `json:"unit_id"`
}

// apiUserCreate creates an account with its first role: {"username","password","person_id",
// "locale","role","unit_id"}.
func (s *Server) apiUserCreate(w http.ResponseWriter, r *http.Request) {
	var req apiUserCreateRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.db.CreateAccount(r.Context(), actor(r), storage.NewUser{Username: req.Username, Password: req.Password,
		PersonID: req.PersonID, Locale: req.Locale}, req.Role, req.UnitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.apiUserOf(u))
}

type apiUserBindRequest struct {
	Role   authz.Role `json:"role"`
	UnitID int64      `json:"unit_id"`
}

// apiUserBind binds a role at a unit: {"role","unit_id"}; it answers the account.
func (s *Server) apiUserBind(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req apiUserBindRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	a := actor(r)
	if err := s.db.BindRole(r.Context(), a, id, req.Role, req.UnitID); err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.db.User(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.apiUserOf(u))
}

func (s *Server) apiUserUnbind(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bid, err := pathID(r, "binding")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.UnbindRole(r.Context(), actor(r), id, bid); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
