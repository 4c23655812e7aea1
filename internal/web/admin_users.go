package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/auth"
	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/storage"
)

// adminUserRow is one account in the list, with whether it is locked now.
type adminUserRow struct {
	storage.User
	Locked bool
}

type adminUsersData struct {
	Query string
	Users []adminUserRow
	Pager Pager
}

// adminUsers lists the accounts the actor manages, with their roles and status.
func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	if !a.P.Can(authz.ManageUsers) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	pg := pagerFrom(r)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	us, total, err := s.db.Users(r.Context(), a, storage.UserFilter{Query: q, Limit: pg.Per, Offset: pg.Offset()})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg.Total = total
	now := s.clock.Now()
	d := adminUsersData{Query: q, Pager: pg}
	for _, u := range us {
		d.Users = append(d.Users, adminUserRow{User: u, Locked: auth.Locked(u.LockedUntil, now)})
	}
	s.render(w, r, http.StatusOK, "admin_users", &Page{Title: "admin.users.title", Data: d})
}

// adminGrantableRoles lists the roles p may grant somewhere; the server still checks each grant at
// its unit.
func adminGrantableRoles(p *authz.Principal) []authz.Role {
	var out []authz.Role
	for _, role := range authz.Roles {
		for _, b := range p.Bindings {
			if b.Role.Has(authz.ManageUsers) && b.Role.CanGrant(role) {
				out = append(out, role)
				break
			}
		}
	}
	return out
}

// adminBindableKinds are the kinds of unit a role may be bound to (all but buildings).
var adminBindableKinds = []org.Kind{org.Province, org.City, org.County, org.Town, org.Village, org.Community, org.Grid, org.Department}

// adminGrantUnits lists the units the actor may bind roles at, to suggest in the unit-code field.
func (s *Server) adminGrantUnits(ctx context.Context, a storage.Actor) ([]org.Unit, error) {
	us, _, err := s.db.Units(ctx, a, storage.UnitFilter{Kinds: adminBindableKinds, Limit: 1000})
	if err != nil {
		return nil, err
	}
	out := us[:0]
	for _, u := range us {
		if a.Scope(authz.ManageUsers).Contains(u.Path) {
			out = append(out, u)
		}
	}
	return out, nil
}

// adminUnitIDByCode finds the unit a form names by code; an unknown or unreachable code is an error
// on the form's field.
func (s *Server) adminUnitIDByCode(ctx context.Context, a storage.Actor, field, code string) (int64, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return 0, errs.Invalid(errs.Field(field, "validation.required"))
	}
	u, err := s.db.UnitByCode(ctx, a, code)
	if err != nil {
		if errs.Code(err) == errs.ENOTFOUND {
			return 0, errs.Invalid(errs.Field(field, "org.unit.not_found"))
		}
		return 0, err
	}
	return u.ID, nil
}

// adminRenameField reports a store's field error under the name the form uses.
func adminRenameField(err error, from, to string) error {
	e := errs.As(err)
	if len(e.Fields) == 0 {
		return err
	}
	c := *e
	c.Fields = make([]errs.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if f.Field == from {
			f.Field = to
		}
		c.Fields[i] = f
	}
	return &c
}

// adminFormRetry redisplays a form after an error: field errors beside their fields, and a refusal
// that names its reason (a role the actor may not grant) on the form with a 403, so the user can
// choose again. Anything else is an error page.
func (s *Server) adminFormRetry(w http.ResponseWriter, r *http.Request, name string, p *Page, field string, err error) {
	e := errs.As(err)
	if e.Code == errs.EFORBIDDEN && e.Key != "error.forbidden" && e.Key != "error.csrf" {
		pr := s.printer(r)
		p.Errors = map[string]string{field: pr.T(e.Key, e.Args...)}
		p.Error = pr.T(e.Key, e.Args...)
		if p.Form == nil {
			p.Form = r.PostForm
		}
		s.render(w, r, http.StatusForbidden, name, p)
		return
	}
	s.formFail(w, r, name, p, err)
}

type adminUserNewData struct {
	Roles []authz.Role
	Units []org.Unit
}

func (s *Server) adminUserNewData(r *http.Request) (*adminUserNewData, error) {
	a := actor(r)
	units, err := s.adminGrantUnits(r.Context(), a)
	if err != nil {
		return nil, err
	}
	return &adminUserNewData{Roles: adminGrantableRoles(a.P), Units: units}, nil
}

// adminUserNew shows the form for a new account and its first role.
func (s *Server) adminUserNew(w http.ResponseWriter, r *http.Request) {
	if !principal(r).Can(authz.ManageUsers) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	d, err := s.adminUserNewData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_user_new", &Page{Title: "admin.user.new_title", Data: d, Form: url.Values{"locale": {"zh-CN"}}})
}

// adminUserCreate creates an account and binds its first role, all or nothing.
func (s *Server) adminUserCreate(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	if !a.P.Can(authz.ManageUsers) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	d, err := s.adminUserNewData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &Page{Title: "admin.user.new_title", Data: d}
	f := r.PostForm
	nu := storage.NewUser{Username: f.Get("username"), Password: f.Get("password"), Locale: f.Get("locale")}
	pid, fe := formInt(f, "person_id")
	if fe != nil {
		s.formFail(w, r, "admin_user_new", p, errs.Invalid(*fe))
		return
	}
	nu.PersonID = pid
	unitID, err := s.adminUnitIDByCode(r.Context(), a, "unit_code", f.Get("unit_code"))
	if err != nil {
		s.formFail(w, r, "admin_user_new", p, err)
		return
	}
	u, err := s.db.CreateAccount(r.Context(), a, nu, authz.Role(f.Get("role")), unitID)
	if err != nil {
		s.adminFormRetry(w, r, "admin_user_new", p, "role", adminRenameField(err, "unit_id", "unit_code"))
		return
	}
	redirectFlash(w, r, adminUserURL(u.ID), "flash.admin.user_created")
}

// adminBindingRow is one of an account's role bindings and whether the actor may remove it.
type adminBindingRow struct {
	authz.Binding
	CanRemove bool
}

type adminUserData struct {
	U        *storage.User
	Locked   bool
	Self     bool
	Manage   bool // may reset the password, enable or disable, unlock
	Bindings []adminBindingRow
	Roles    []authz.Role
	Units    []org.Unit
}

func (s *Server) adminUserData(r *http.Request, id int64) (*adminUserData, error) {
	a := actor(r)
	u, err := s.db.User(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	d := &adminUserData{U: u, Locked: auth.Locked(u.LockedUntil, s.clock.Now()), Self: u.ID == a.P.UserID,
		Manage: storage.CanManageUser(a.P, u), Roles: adminGrantableRoles(a.P)}
	for _, b := range u.Bindings {
		d.Bindings = append(d.Bindings, adminBindingRow{Binding: b, CanRemove: a.P.CanGrantAt(b.Role, b.UnitPath)})
	}
	if len(d.Roles) > 0 {
		if d.Units, err = s.adminGrantUnits(r.Context(), a); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// adminUserShow shows an account: its roles and the forms to change them and the account.
func (s *Server) adminUserShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.adminUserData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_user", &Page{Title: "admin.user.title", Data: d})
}

// adminUserAction runs one change to an account from its page: success goes back to the page
// with a notice, bad input redisplays it with the errors beside the form's fields.
func (s *Server) adminUserAction(w http.ResponseWriter, r *http.Request, flash, field string, do func(a storage.Actor, id int64) error) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := do(actor(r), id); err != nil {
		d, derr := s.adminUserData(r, id)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.adminFormRetry(w, r, "admin_user", &Page{Title: "admin.user.title", Data: d}, field, err)
		return
	}
	redirectFlash(w, r, adminUserURL(id), flash)
}

func (s *Server) adminUserBind(w http.ResponseWriter, r *http.Request) {
	s.adminUserAction(w, r, "flash.admin.role_bound", "role", func(a storage.Actor, id int64) error {
		unitID, err := s.adminUnitIDByCode(r.Context(), a, "unit_code", r.PostFormValue("unit_code"))
		if err != nil {
			return err
		}
		return adminRenameField(s.db.BindRole(r.Context(), a, id, authz.Role(r.PostFormValue("role")), unitID), "unit_id", "unit_code")
	})
}

func (s *Server) adminUserUnbind(w http.ResponseWriter, r *http.Request) {
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
	redirectFlash(w, r, adminUserURL(id), "flash.admin.role_removed")
}

func (s *Server) adminUserPassword(w http.ResponseWriter, r *http.Request) {
	s.adminUserAction(w, r, "flash.admin.password_reset", "password", func(a storage.Actor, id int64) error {
		if a.P.UserID == id {
			// One's own password changes on the account page, with the current password.
			return errs.Invalid(errs.Field("password", "admin.user.own_password"))
		}
		return s.db.SetPassword(r.Context(), a, id, r.PostFormValue("password"))
	})
}

func (s *Server) adminUserActive(w http.ResponseWriter, r *http.Request) {
	active := r.PostFormValue("active") == "1"
	flash := "flash.admin.user_disabled"
	if active {
		flash = "flash.admin.user_enabled"
	}
	s.adminUserAction(w, r, flash, "active", func(a storage.Actor, id int64) error {
		return s.db.SetUserActive(r.Context(), a, id, active)
	})
}

func (s *Server) adminUserUnlock(w http.ResponseWriter, r *http.Request) {
	s.adminUserAction(w, r, "flash.admin.user_unlocked", "unlock", func(a storage.Actor, id int64) error {
		return s.db.UnlockUser(r.Context(), a, id)
	})
}

// adminUserURL is the page of an account.
func adminUserURL(id int64) string { return "/admin/users/" + strconv.FormatInt(id, 10) }
