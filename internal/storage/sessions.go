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

// Session is a logged-in session, from the web (cookie) or the API (bearer token).
type Session struct {
	UserID    int64
	Kind      string // "web" or "api"
	CSRF      string
	Locale    string
	CreatedAt time.Time
	ExpiresAt time.Time
	Principal *authz.Principal
}

// Login checks a username and password, applies the lockout rule, records the attempt in the
// audit log, and opens a session. It returns the session's token, shown once to the client.
func (db *DB) Login(ctx context.Context, username, password, kind, ip string) (string, *Session, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	now := db.clock.Now()
	var token string
	var sess *Session
	var failure error
	err := db.update(ctx, func(t *Tx) error {
		var id int64
		var hash string
		var active bool
		var failures int
		var locked sql.NullTime
		err := t.QueryRow(ctx, "SELECT id, password_hash, active, failed_logins, locked_until FROM users WHERE username = ?", username).
			Scan(&id, &hash, &active, &failures, &locked)
		if err == sql.ErrNoRows {
			auth.BurnTime(password)
			failure = errs.New(errs.EUNAUTHORIZED, "auth.login.failed")
			return t.audit(ctx, Actor{P: &authz.Principal{Username: truncate(username, 32)}, IP: ip}, "login_failed", "user", 0, "/", nil, nil)
		}
		if err != nil {
			return fmt.Errorf("storage: login: %w", err)
		}
		u, err := t.user(ctx, id)
		if err != nil {
			return err
		}
		actor := Actor{P: &authz.Principal{UserID: id, Username: username}, IP: ip}
		if auth.Locked(locked.Time, now) {
			failure = errs.New(errs.ELOCKED, "auth.login.locked")
			return t.audit(ctx, actor, "login_locked", "user", id, userPath(u), nil, nil)
		}
		if !auth.CheckPassword(hash, password) || !active {
			n, until := auth.AfterFailure(failures, locked.Time, now)
			var lu any
			if !until.IsZero() {
				lu = until
			}
			if _, err := t.Exec(ctx, "UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?", n, lu, id); err != nil {
				return err
			}
			failure = errs.New(errs.EUNAUTHORIZED, "auth.login.failed")
			if !until.IsZero() {
				failure = errs.New(errs.ELOCKED, "auth.login.locked")
			}
			return t.audit(ctx, actor, "login_failed", "user", id, userPath(u), nil, map[string]any{"failures": n})
		}
		if _, err := t.Exec(ctx, "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?", now, id); err != nil {
			return err
		}
		token = auth.NewToken()
		sess = &Session{UserID: id, Kind: kind, CSRF: auth.NewToken(), Locale: u.Locale, CreatedAt: now, ExpiresAt: now.Add(auth.MaxAge)}
		if _, err := t.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, kind, csrf, ip, created_at, last_seen_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, auth.HashToken(token), id, kind, sess.CSRF, ip, now, now, sess.ExpiresAt); err != nil {
			return fmt.Errorf("storage: create session: %w", err)
		}
		sess.Principal = &authz.Principal{UserID: id, Username: u.Username, PersonID: u.PersonID, Bindings: u.Bindings}
		return t.audit(ctx, actor, "login", "user", id, userPath(u), nil, map[string]any{"kind": kind})
	})
	if err != nil {
		return "", nil, err
	}
	if failure != nil {
		return "", nil, failure
	}
	return token, sess, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// SessionByToken returns the live session a token opens, with its principal, and extends its
// idle time. An unknown, expired or idle session is EUNAUTHORIZED.
func (db *DB) SessionByToken(ctx context.Context, token string) (*Session, error) {
	if token == "" {
		return nil, errs.New(errs.EUNAUTHORIZED, "auth.required")
	}
	now := db.clock.Now()
	h := auth.HashToken(token)
	var s Session
	var lastSeen time.Time
	// One read transaction, statements prepared: every request of a signed-in user comes here.
	err := db.view(ctx, func(t *Tx) error {
		var active bool
		p := &authz.Principal{}
		err := t.QueryRow(ctx, `SELECT s.user_id, s.kind, s.csrf, s.created_at, s.expires_at, s.last_seen_at, u.active, u.locale,
			u.username, COALESCE(u.person_id, 0)
			FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, h).
			Scan(&s.UserID, &s.Kind, &s.CSRF, &s.CreatedAt, &s.ExpiresAt, &lastSeen, &active, &s.Locale, &p.Username, &p.PersonID)
		if err != nil {
			if err == sql.ErrNoRows {
				return errs.New(errs.EUNAUTHORIZED, "auth.required")
			}
			return fmt.Errorf("storage: session: %w", err)
		}
		if !active || now.After(s.ExpiresAt) || now.Sub(lastSeen) > auth.IdleTimeout {
			return errs.New(errs.EUNAUTHORIZED, "auth.expired")
		}
		p.UserID = s.UserID
		p.Bindings, err = t.bindings(ctx, s.UserID)
		s.Principal = p
		return err
	})
	if err != nil {
		return nil, err
	}
	// Touch at most once a minute: reads stay reads.
	if now.Sub(lastSeen) > time.Minute {
		if _, err := db.write.ExecContext(ctx, db.d.Rebind("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?"), now, h); err != nil {
			return nil, fmt.Errorf("storage: touch session: %w", err)
		}
	}
	return &s, nil
}

// Logout ends the session a token opens.
func (db *DB) Logout(ctx context.Context, token string) error {
	_, err := db.write.ExecContext(ctx, db.d.Rebind("DELETE FROM sessions WHERE token_hash = ?"), auth.HashToken(token))
	return err
}

// PurgeSessions deletes sessions that have expired or gone idle.
func (db *DB) PurgeSessions(ctx context.Context) (int64, error) {
	now := db.clock.Now()
	res, err := db.write.ExecContext(ctx, db.d.Rebind("DELETE FROM sessions WHERE expires_at < ? OR last_seen_at < ?"), now, now.Add(-auth.IdleTimeout))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
