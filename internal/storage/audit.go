package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"wuxing/internal/authz"
)

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID       int64
	At       time.Time
	UserID   int64
	Username string
	Action   string
	Entity   string
	EntityID int64
	UnitPath string
	Before   string // JSON
	After    string // JSON
	IP       string
}

// AuditFilter selects audit entries; Before pages backwards by id (0 for the newest).
type AuditFilter struct {
	Username string
	Action   string
	Entity   string
	EntityID int64
	From, To time.Time
	BeforeID int64
	Limit    int
}

// Audit returns audit entries filed under units in the actor's audit scope, newest first.
// Entries filed at "/" (failed logins under unknown names, system work) reach only those whose
// scope is the whole platform.
func (db *DB) Audit(ctx context.Context, a Actor, f AuditFilter) ([]AuditEntry, error) {
	var out []AuditEntry
	err := db.view(ctx, func(t *Tx) error {
		s := a.Scope(authz.ViewAudit)
		cond, args := scopeCond("l.unit_path", s)
		if isAdmin(a.P) {
			cond, args = "1=1", nil
		}
		where := []string{cond}
		if f.Username != "" {
			where = append(where, "l.username = ?")
			args = append(args, strings.ToLower(f.Username))
		}
		if f.Action != "" {
			where = append(where, "l.action = ?")
			args = append(args, f.Action)
		}
		if f.Entity != "" {
			where = append(where, "l.entity = ?")
			args = append(args, f.Entity)
		}
		if f.EntityID != 0 {
			where = append(where, "l.entity_id = ?")
			args = append(args, f.EntityID)
		}
		if !f.From.IsZero() {
			where = append(where, "l.at >= ?")
			args = append(args, f.From)
		}
		if !f.To.IsZero() {
			where = append(where, "l.at < ?")
			args = append(args, f.To)
		}
		if f.BeforeID != 0 {
			where = append(where, "l.id < ?")
			args = append(args, f.BeforeID)
		}
		rows, err := t.Query(ctx, `SELECT l.id, l.at, COALESCE(l.user_id, 0), l.username, l.action, l.entity, l.entity_id, l.unit_path,
			l.before_data, l.after_data, l.ip FROM audit_log l WHERE `+strings.Join(where, " AND ")+" ORDER BY l.id DESC LIMIT ?",
			append(args, clampLimit(f.Limit))...)
		if err != nil {
			return fmt.Errorf("storage: audit: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e AuditEntry
			if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.Username, &e.Action, &e.Entity, &e.EntityID, &e.UnitPath, &e.Before, &e.After, &e.IP); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}

// isAdmin reports whether p is the system or holds the platform administrator role.
func isAdmin(p *authz.Principal) bool {
	if p.System {
		return true
	}
	for _, b := range p.Bindings {
		if b.Role == authz.Admin {
			return true
		}
	}
	return false
}
