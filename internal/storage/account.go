package storage

import (
	"context"
	"fmt"

	"wuxing/internal/auth"
	"wuxing/internal/authz"
	"wuxing/internal/errs"
)

// CanManageUser reports whether p may act on account u as a whole (reset its password, enable
// or disable it, unlock it): p must be able to grant every role u holds, where u holds it. So a
// town administrator manages the accounts below the town but not a fellow town administrator,
// nor an account that also reaches another town.
func CanManageUser(p *authz.Principal, u *User) bool {
	if p.System {
		return true
	}
	if !p.Can(authz.ManageUsers) {
		return false
	}
	for _, b := range u.Bindings {
		if !p.CanGrantAt(b.Role, b.UnitPath) {
			return false
		}
	}
	return true
}

// userManaged reads an account the actor may act on as a whole: out of scope is not found,
// in scope but above the actor is forbidden.
func (t *Tx) userManaged(ctx context.Context, a Actor, id int64) (*User, error) {
	u, err := t.userIn(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if !CanManageUser(a.P, u) {
		return nil, errs.New(errs.EFORBIDDEN, "admin.user.manage_forbidden")
	}
	return u, nil
}

// CreateAccount creates an account and binds its first role at a unit, in one transaction: a
// role the actor may not grant there leaves nothing behind.
func (db *DB) CreateAccount(ctx context.Context, a Actor, nu NewUser, role authz.Role, unitID int64) (*User, error) {
	if !a.P.Can(authz.ManageUsers) {
		return nil, errs.Forbidden()
	}
	fe := checkNewUser(&nu)
	if !role.Valid() {
		fe = append(fe, errs.Field("role", "user.role.invalid"))
	}
	if unitID == 0 {
		fe = append(fe, errs.Field("unit_id", "validation.required"))
	}
	if len(fe) > 0 {
		return nil, errs.Invalid(fe...)
	}
	hash, err := auth.HashPassword(nu.Password)
	if err != nil {
		return nil, err
	}
	var u *User
	err = db.update(ctx, func(t *Tx) error {
		// The grant is checked before anything is written, so a refusal reads the same as for
		// an existing account.
		path, err := t.unitPathOf(ctx, unitID)
		if err != nil || !a.Scope(authz.ViewUnits).Contains(path) {
			return errs.Invalid(errs.Field("unit_id", "org.unit.not_found"))
		}
		if !a.P.CanGrantAt(role, path) {
			return errs.New(errs.EFORBIDDEN, "user.role.cannot_grant")
		}
		created, err := t.createUser(ctx, a, nu, hash)
		if err != nil {
			return err
		}
		// The account is the actor's own creation, not yet placed anywhere: bind without the
		// visibility check that an account with no role would fail.
		if err := t.bindRoleTo(ctx, a, created.ID, role, unitID); err != nil {
			return err
		}
		u, err = t.user(ctx, created.ID)
		return err
	})
	return u, err
}

// UnlockUser clears an account's failed logins and lock, so it can log in at once.
func (db *DB) UnlockUser(ctx context.Context, a Actor, userID int64) error {
	return db.update(ctx, func(t *Tx) error {
		u, err := t.userManaged(ctx, a, userID)
		if err != nil {
			return err
		}
		if _, err := t.Exec(ctx, "UPDATE users SET failed_logins = 0, locked_until = NULL, version = version + 1, updated_at = ? WHERE id = ?",
			t.db.clock.Now(), userID); err != nil {
			return fmt.Errorf("storage: unlock user: %w", err)
		}
		var lu any
		if !u.LockedUntil.IsZero() {
			lu = u.LockedUntil
		}
		return t.audit(ctx, a, "unlock", "user", userID, userPath(u),
			map[string]any{"failed_logins": u.FailedLogins, "locked_until": lu}, map[string]any{"failed_logins": 0, "locked_until": nil})
	})
}

// Account returns the actor's own account, whatever their roles.
func (db *DB) Account(ctx context.Context, a Actor) (*User, error) {
	if a.P == nil || a.P.System || a.P.UserID == 0 {
		return nil, errs.NotFound()
	}
	var u *User
	err := db.view(ctx, func(t *Tx) (err error) {
		u, err = t.user(ctx, a.P.UserID)
		return err
	})
	return u, err
}

// SetOwnLocale saves the actor's preferred language.
func (db *DB) SetOwnLocale(ctx context.Context, a Actor, lang string) error {
	if a.P == nil || a.P.System || a.P.UserID == 0 {
		return errs.NotFound()
	}
	if lang != "zh-CN" && lang != "en" {
		return errs.Invalid(errs.Field("locale", "user.locale.invalid"))
	}
	return db.update(ctx, func(t *Tx) error {
		u, err := t.user(ctx, a.P.UserID)
		if err != nil {
			return err
		}
		if u.Locale == lang {
			return nil
		}
		if _, err := t.Exec(ctx, "UPDATE users SET locale = ?, version = version + 1, updated_at = ? WHERE id = ?", lang, t.db.clock.Now(), u.ID); err != nil {
			return fmt.Errorf("storage: set locale: %w", err)
		}
		return t.audit(ctx, a, "set_locale", "user", u.ID, userPath(u), map[string]any{"locale": u.Locale}, map[string]any{"locale": lang})
	})
}

// ChangeOwnPassword changes the actor's own password after checking the current one. Every
// other session of the user ends; the session whose token is keepToken stays open. A wrong
// current password is recorded in the audit log and changes nothing.
func (db *DB) ChangeOwnPassword(ctx context.Context, a Actor, current, next, keepToken string) error {
	if a.P == nil || a.P.System || a.P.UserID == 0 {
		return errs.NotFound()
	}
	if current == "" {
		return errs.Invalid(errs.Field("current_password", "validation.required"))
	}
	var failure error
	err := db.update(ctx, func(t *Tx) error {
		u, err := t.user(ctx, a.P.UserID)
		if err != nil {
			return err
		}
		var hash string
		if err := t.QueryRow(ctx, "SELECT password_hash FROM users WHERE id = ?", u.ID).Scan(&hash); err != nil {
			return fmt.Errorf("storage: change password: %w", err)
		}
		if !auth.CheckPassword(hash, current) {
			failure = errs.Invalid(errs.Field("current_password", "account.password.wrong"))
			return t.audit(ctx, a, "change_password_failed", "user", u.ID, userPath(u), nil, nil)
		}
		if err := auth.CheckPolicy(next, u.Username); err != nil {
			failure = err
			return nil
		}
		if next == current {
			failure = errs.Invalid(errs.Field("password", "account.password.unchanged"))
			return nil
		}
		nh, err := auth.HashPassword(next)
		if err != nil {
			return err
		}
		if _, err := t.Exec(ctx, "UPDATE users SET password_hash = ?, version = version + 1, updated_at = ? WHERE id = ?",
			nh, t.db.clock.Now(), u.ID); err != nil {
			return fmt.Errorf("storage: change password: %w", err)
		}
		if _, err := t.Exec(ctx, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", u.ID, auth.HashToken(keepToken)); err != nil {
			return fmt.Errorf("storage: end other sessions: %w", err)
		}
		return t.audit(ctx, a, "change_password", "user", u.ID, userPath(u), nil, nil)
	})
	if err != nil {
		return err
	}
	return failure
}
