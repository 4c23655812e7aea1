package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"wuxing/internal/auth"
	"wuxing/internal/authz"
	"wuxing/internal/errs"
)

// User is an account; it may be linked to a person.
type User struct {
	ID           int64
	Username     string
	PersonID     int64
	PersonName   string
	Locale       string
	Active       bool
	FailedLogins int
	LockedUntil  time.Time
	LastLoginAt  time.Time
	Version      int64
	CreatedAt    time.Time
	Bindings     []authz.Binding

	personPath string // the linked person's unit, which places an account with no role
}

// NewUser is what creating an account takes.
type NewUser struct {
	Username string
	Password string
	PersonID int64
	Locale   string
}

func validUsername(s string) bool {
	if len(s) < 3 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// CreateUser creates an account. Creating accounts needs the user-management permission
// somewhere; the new account reaches nothing until a role is bound to it.
func (db *DB) CreateUser(ctx context.Context, a Actor, nu NewUser) (*User, error) {
	if !a.P.Can(authz.ManageUsers) {
		return nil, errs.Forbidden()
	}
	if fe := checkNewUser(&nu); len(fe) > 0 {
		return nil, errs.Invalid(fe...)
	}
	hash, err := auth.HashPassword(nu.Password)
	if err != nil {
		return nil, err
	}
	var u *User
	err = db.update(ctx, func(t *Tx) (err error) {
		u, err = t.createUser(ctx, a, nu, hash)
		return err
	})
	return u, err
}

// checkNewUser normalizes a new account's fields and lists what is wrong with them.
func checkNewUser(nu *NewUser) []errs.FieldError {
	nu.Username = strings.ToLower(strings.TrimSpace(nu.Username))
	var fe []errs.FieldError
	if !validUsername(nu.Username) {
		fe = append(fe, errs.Field("username", "user.username.invalid"))
	}
	if err := auth.CheckPolicy(nu.Password, nu.Username); err != nil {
		fe = append(fe, errs.As(err).Fields...)
	}
	if nu.Locale == "" {
		nu.Locale = "zh-CN"
	}
	if nu.Locale != "zh-CN" && nu.Locale != "en" {
		fe = append(fe, errs.Field("locale", "user.locale.invalid"))
	}
	return fe
}

// createUser inserts a checked account with its password hash.
func (t *Tx) createUser(ctx context.Context, a Actor, nu NewUser, hash string) (*User, error) {
	path := "/"
	if nu.PersonID != 0 {
		p, err := t.personIn(ctx, a, authz.ViewPeople, nu.PersonID)
		if err != nil {
			return nil, errs.Invalid(errs.Field("person_id", "user.person.not_found"))
		}
		path = p.UnitPath
	}
	var n int
	if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM users WHERE username = ?", nu.Username).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, errs.Invalid(errs.Field("username", "user.username.taken"))
	}
	now := t.db.clock.Now()
	id, err := t.insert(ctx, `INSERT INTO users (username, person_id, password_hash, locale, active, failed_logins, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 0, 1, ?, ?)`, nu.Username, nullID(nu.PersonID), hash, nu.Locale, true, now, now)
	if err != nil {
		if t.d.IsUniqueViolation(err) {
			return nil, errs.Invalid(errs.Field("username", "user.username.taken"))
		}
		return nil, fmt.Errorf("storage: create user: %w", err)
	}
	u := &User{ID: id, Username: nu.Username, PersonID: nu.PersonID, Locale: nu.Locale, Active: true, Version: 1, CreatedAt: now}
	return u, t.audit(ctx, a, "create", "user", id, path, nil, map[string]any{"username": nu.Username, "person_id": nu.PersonID})
}

// userIn reads an account the actor may manage: the system always; others when the account
// has a role binding in their user-management scope (or, with no role yet, its person does).
func (t *Tx) userIn(ctx context.Context, a Actor, id int64) (*User, error) {
	u, err := t.user(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.P.System {
		return u, nil
	}
	s := a.Scope(authz.ManageUsers)
	if s.Empty() {
		return nil, errs.NotFound()
	}
	if len(u.Bindings) == 0 {
		// An account with no role yet belongs where its person lives; with no person, to the
		// platform administrators only.
		if isAdmin(a.P) || u.PersonID != 0 && s.Contains(u.personPath) {
			return u, nil
		}
		return nil, errs.NotFound()
	}
	for _, b := range u.Bindings {
		if s.Contains(b.UnitPath) {
			return u, nil
		}
	}
	return nil, errs.NotFound()
}

func (t *Tx) user(ctx context.Context, id int64) (*User, error) {
	var u User
	var locked, last sql.NullTime
	err := t.QueryRow(ctx, `SELECT u.id, u.username, COALESCE(u.person_id, 0), COALESCE(p.name, ''), COALESCE(pu.path, ''), u.locale, u.active,
		u.failed_logins, u.locked_until, u.last_login_at, u.version, u.created_at
		FROM users u LEFT JOIN people p ON p.id = u.person_id LEFT JOIN units pu ON pu.id = p.unit_id WHERE u.id = ?`, id).Scan(
		&u.ID, &u.Username, &u.PersonID, &u.PersonName, &u.personPath, &u.Locale, &u.Active, &u.FailedLogins, &locked, &last, &u.Version, &u.CreatedAt)
	if err != nil {
		return nil, notFound(err)
	}
	u.LockedUntil, u.LastLoginAt = locked.Time, last.Time
	u.Bindings, err = t.bindings(ctx, id)
	return &u, err
}

func (t *Tx) bindings(ctx context.Context, userID int64) ([]authz.Binding, error) {
	rows, err := t.Query(ctx, `SELECT b.id, b.role, b.unit_id, u.path, u.name FROM role_bindings b JOIN units u ON u.id = b.unit_id
		WHERE b.user_id = ? ORDER BY b.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("storage: bindings: %w", err)
	}
	defer rows.Close()
	var out []authz.Binding
	for rows.Next() {
		var b authz.Binding
		if err := rows.Scan(&b.ID, &b.Role, &b.UnitID, &b.UnitPath, &b.UnitName); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// User returns an account the actor may manage.
func (db *DB) User(ctx context.Context, a Actor, id int64) (*User, error) {
	var u *User
	err := db.view(ctx, func(t *Tx) (err error) {
		u, err = t.userIn(ctx, a, id)
		return err
	})
	return u, err
}

// UserFilter selects accounts.
type UserFilter struct {
	Query  string
	Limit  int
	Offset int
}

// Users lists the accounts the actor may manage (see userIn).
func (db *DB) Users(ctx context.Context, a Actor, f UserFilter) ([]User, int, error) {
	var out []User
	var total int
	err := db.view(ctx, func(t *Tx) error {
		s := a.Scope(authz.ManageUsers)
		if s.Empty() {
			return nil
		}
		cond, args := scopeCond("un.path", s)
		pcond, pargs := scopeCond("pu.path", s)
		// Accounts with no role yet: see userIn.
		where := "(EXISTS (SELECT 1 FROM role_bindings b JOIN units un ON un.id = b.unit_id WHERE b.user_id = u.id AND " + cond + ")" +
			" OR NOT EXISTS (SELECT 1 FROM role_bindings b WHERE b.user_id = u.id) AND (? OR EXISTS (SELECT 1 FROM people pp" +
			" JOIN units pu ON pu.id = pp.unit_id WHERE pp.id = u.person_id AND " + pcond + ")))"
		args = append(append(args, isAdmin(a.P)), pargs...)
		if q := strings.TrimSpace(f.Query); q != "" {
			where += ` AND u.username LIKE ? ESCAPE '\'`
			args = append(args, "%"+likeEscape(strings.ToLower(q))+"%")
		}
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM users u WHERE "+where, args...).Scan(&total); err != nil {
			return fmt.Errorf("storage: count users: %w", err)
		}
		rows, err := t.Query(ctx, "SELECT u.id FROM users u WHERE "+where+" ORDER BY u.username LIMIT ? OFFSET ?",
			append(args, clampLimit(f.Limit), max(f.Offset, 0))...)
		if err != nil {
			return fmt.Errorf("storage: users: %w", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			u, err := t.user(ctx, id)
			if err != nil {
				return err
			}
			out = append(out, *u)
		}
		return rows.Err()
	})
	return out, total, err
}

// BindRole binds role at unitID to a user. The actor must be allowed to grant that role there.
func (db *DB) BindRole(ctx context.Context, a Actor, userID int64, role authz.Role, unitID int64) error {
	if !role.Valid() {
		return errs.Invalid(errs.Field("role", "user.role.invalid"))
	}
	return db.update(ctx, func(t *Tx) error { return t.bindRole(ctx, a, userID, role, unitID) })
}

func (t *Tx) bindRole(ctx context.Context, a Actor, userID int64, role authz.Role, unitID int64) error {
	if _, err := t.userIn(ctx, a, userID); err != nil {
		return err
	}
	return t.bindRoleTo(ctx, a, userID, role, unitID)
}

// bindRoleTo binds a role to an account the caller has already checked the actor may manage.
func (t *Tx) bindRoleTo(ctx context.Context, a Actor, userID int64, role authz.Role, unitID int64) error {
	if !role.Valid() {
		return errs.Invalid(errs.Field("role", "user.role.invalid"))
	}
	path, err := t.unitPathOf(ctx, unitID)
	if err != nil || !a.Scope(authz.ViewUnits).Contains(path) {
		return errs.Invalid(errs.Field("unit_id", "org.unit.not_found"))
	}
	if !a.P.CanGrantAt(role, path) {
		return errs.New(errs.EFORBIDDEN, "user.role.cannot_grant")
	}
	var n int
	if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM role_bindings WHERE user_id = ? AND role = ? AND unit_id = ?", userID, string(role), unitID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return errs.Invalid(errs.Field("role", "user.role.already_bound"))
	}
	id, err := t.insert(ctx, "INSERT INTO role_bindings (user_id, role, unit_id, created_at) VALUES (?, ?, ?, ?)",
		userID, string(role), unitID, t.db.clock.Now())
	if err != nil {
		return fmt.Errorf("storage: bind role: %w", err)
	}
	return t.audit(ctx, a, "bind_role", "user", userID, path, nil, map[string]any{"binding_id": id, "role": role, "unit_id": unitID})
}

// UnbindRole removes one of a user's role bindings.
func (db *DB) UnbindRole(ctx context.Context, a Actor, userID, bindingID int64) error {
	return db.update(ctx, func(t *Tx) error {
		u, err := t.userIn(ctx, a, userID)
		if err != nil {
			return err
		}
		for _, b := range u.Bindings {
			if b.ID != bindingID {
				continue
			}
			if !a.P.CanGrantAt(b.Role, b.UnitPath) {
				return errs.New(errs.EFORBIDDEN, "user.role.cannot_grant")
			}
			if _, err := t.Exec(ctx, "DELETE FROM role_bindings WHERE id = ?", bindingID); err != nil {
				return fmt.Errorf("storage: unbind role: %w", err)
			}
			// A removed binding ends the user's sessions, so the change takes effect now.
			if _, err := t.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
				return err
			}
			return t.audit(ctx, a, "unbind_role", "user", userID, b.UnitPath, map[string]any{"role": b.Role, "unit_id": b.UnitID}, nil)
		}
		return errs.NotFound()
	})
}

// SetPassword sets a user's password (a reset by an administrator, or the user's own change),
// clears any lock and ends the user's other sessions.
func (db *DB) SetPassword(ctx context.Context, a Actor, userID int64, pw string) error {
	return db.update(ctx, func(t *Tx) error {
		var u *User
		var err error
		if !a.P.System && a.P.UserID == userID {
			u, err = t.user(ctx, userID)
		} else {
			u, err = t.userManaged(ctx, a, userID)
		}
		if err != nil {
			return err
		}
		if err := auth.CheckPolicy(pw, u.Username); err != nil {
			return err
		}
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		if _, err := t.Exec(ctx, "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL, version = version + 1, updated_at = ? WHERE id = ?",
			hash, t.db.clock.Now(), userID); err != nil {
			return fmt.Errorf("storage: set password: %w", err)
		}
		if _, err := t.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
			return err
		}
		return t.audit(ctx, a, "set_password", "user", userID, userPath(u), nil, nil)
	})
}

// SetUserActive enables or disables an account; disabling ends its sessions.
func (db *DB) SetUserActive(ctx context.Context, a Actor, userID int64, active bool) error {
	return db.update(ctx, func(t *Tx) error {
		u, err := t.userManaged(ctx, a, userID)
		if err != nil {
			return err
		}
		if !a.P.System && a.P.UserID == userID {
			return errs.Invalid(errs.Field("active", "user.cannot_disable_self"))
		}
		if _, err := t.Exec(ctx, "UPDATE users SET active = ?, version = version + 1, updated_at = ? WHERE id = ?", active, t.db.clock.Now(), userID); err != nil {
			return err
		}
		if !active {
			if _, err := t.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
				return err
			}
		}
		return t.audit(ctx, a, "set_active", "user", userID, userPath(u), map[string]any{"active": u.Active}, map[string]any{"active": active})
	})
}

// userPath is where a user's audit entries are filed: their first binding's unit.
func userPath(u *User) string {
	if len(u.Bindings) > 0 {
		return u.Bindings[0].UnitPath
	}
	return "/"
}

// UserIDByName returns the id of the account with a username (for the command line).
func (db *DB) UserIDByName(ctx context.Context, username string) (int64, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, db.d.Rebind("SELECT id FROM users WHERE username = ?"), strings.ToLower(username)).Scan(&id)
	return id, notFound(err)
}
