package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"wuxing/internal/errs"
)

// Notification is one message in a user's in-app inbox. Message is a catalogue key and Args its
// arguments (text: case numbers and titles), so each reader sees it in their language.
type Notification struct {
	ID        int64
	Kind      string // case_new, case_assigned, case_urged…
	CaseID    int64
	Message   string
	Args      []any
	Link      string
	CreatedAt time.Time
	ReadAt    time.Time
}

// Unread reports whether the notification is still unread.
func (n *Notification) Unread() bool { return n.ReadAt.IsZero() }

// NotificationFilter selects notifications: newest first, paged backwards by id.
type NotificationFilter struct {
	Unread   bool
	BeforeID int64
	Limit    int
}

// inboxOwner is the account whose inbox the actor reads: only their own. The system and
// anonymous callers have none.
func inboxOwner(a Actor) int64 {
	if a.P == nil || a.P.System {
		return 0
	}
	return a.P.UserID
}

// Notifications returns one page of the actor's own notifications, newest first, and the id to
// pass as BeforeID for the next page (0 at the end).
func (db *DB) Notifications(ctx context.Context, a Actor, f NotificationFilter) ([]Notification, int64, error) {
	uid := inboxOwner(a)
	if uid == 0 {
		return nil, 0, nil
	}
	limit := clampLimit(f.Limit)
	var out []Notification
	err := db.view(ctx, func(t *Tx) error {
		where := []string{"user_id = ?"}
		args := []any{uid}
		if f.Unread {
			where = append(where, "read_at IS NULL")
		}
		if f.BeforeID > 0 {
			where = append(where, "id < ?")
			args = append(args, f.BeforeID)
		}
		rows, err := t.Query(ctx, `SELECT id, kind, COALESCE(case_id, 0), message, args, link, created_at, read_at FROM notifications
			WHERE `+strings.Join(where, " AND ")+" ORDER BY id DESC LIMIT ?", append(args, limit+1)...)
		if err != nil {
			return fmt.Errorf("storage: notifications: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var n Notification
			var args string
			var read sql.NullTime
			if err := rows.Scan(&n.ID, &n.Kind, &n.CaseID, &n.Message, &args, &n.Link, &n.CreatedAt, &read); err != nil {
				return err
			}
			n.ReadAt = read.Time
			if args != "" {
				json.Unmarshal([]byte(args), &n.Args)
			}
			out = append(out, n)
		}
		return rows.Err()
	})
	var next int64
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, err
}

// UnreadNotifications counts the actor's unread notifications.
func (db *DB) UnreadNotifications(ctx context.Context, a Actor) (int, error) {
	uid := inboxOwner(a)
	if uid == 0 {
		return 0, nil
	}
	var n int
	err := db.view(ctx, func(t *Tx) error {
		return t.QueryRow(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", uid).Scan(&n)
	})
	return n, err
}

// Notification returns one of the actor's own notifications; anyone else's is not found.
func (db *DB) Notification(ctx context.Context, a Actor, id int64) (*Notification, error) {
	uid := inboxOwner(a)
	if uid == 0 {
		return nil, errs.NotFound()
	}
	var n Notification
	err := db.view(ctx, func(t *Tx) error {
		var args string
		var read sql.NullTime
		err := t.QueryRow(ctx, `SELECT id, kind, COALESCE(case_id, 0), message, args, link, created_at, read_at FROM notifications
			WHERE id = ? AND user_id = ?`, id, uid).Scan(&n.ID, &n.Kind, &n.CaseID, &n.Message, &args, &n.Link, &n.CreatedAt, &read)
		if err != nil {
			return notFound(err)
		}
		n.ReadAt = read.Time
		if args != "" {
			json.Unmarshal([]byte(args), &n.Args)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// MarkNotificationRead marks one of the actor's own notifications read (again is harmless);
// anyone else's is not found. Reading one's inbox changes nothing of anyone's records, so it is
// not audited.
func (db *DB) MarkNotificationRead(ctx context.Context, a Actor, id int64) error {
	uid := inboxOwner(a)
	if uid == 0 {
		return errs.NotFound()
	}
	return db.update(ctx, func(t *Tx) error {
		var read sql.NullTime
		if err := t.QueryRow(ctx, "SELECT read_at FROM notifications WHERE id = ? AND user_id = ?", id, uid).Scan(&read); err != nil {
			return notFound(err)
		}
		if read.Valid {
			return nil
		}
		_, err := t.Exec(ctx, "UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ?", t.db.clock.Now(), id, uid)
		return err
	})
}

// MarkAllNotificationsRead marks every unread notification of the actor's read and says how many.
func (db *DB) MarkAllNotificationsRead(ctx context.Context, a Actor) (int64, error) {
	uid := inboxOwner(a)
	if uid == 0 {
		return 0, nil
	}
	var n int64
	err := db.update(ctx, func(t *Tx) error {
		res, err := t.Exec(ctx, "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", t.db.clock.Now(), uid)
		if err != nil {
			return fmt.Errorf("storage: read notifications: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
