package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/webhook"
)

// Webhook is a unit's group robot (WeCom or DingTalk): notifications about the unit's cases are
// also posted to the group.
type Webhook struct {
	ID        int64
	UnitID    int64
	UnitPath  string
	UnitName  string
	Kind      webhook.Kind
	Name      string // what the group is, e.g. 村两委工作群
	URL       string // holds the robot's key: shown only redacted
	Secret    string // DingTalk signing secret; never shown back (lists leave it out)
	Signed    bool   // a secret is set
	Active    bool
	CreatedAt time.Time
}

// RedactedURL is the URL with its key hidden, for screens and the audit log.
func (w *Webhook) RedactedURL() string { return webhook.Redact(w.URL) }

// Hook is what the sender needs.
func (w *Webhook) Hook() webhook.Hook {
	return webhook.Hook{Kind: w.Kind, URL: w.URL, Secret: w.Secret}
}

// Delivery statuses.
const (
	DeliveryPending = "pending"
	DeliverySent    = "sent"
	DeliveryFailed  = "failed"  // gave up after the last attempt
	DeliveryExpired = "expired" // too old to be worth sending
)

// Delivery is one message queued for one webhook.
type Delivery struct {
	ID        int64
	WebhookID int64
	CaseID    int64
	Message   string // catalogue key
	Args      []any
	Link      string
	Status    string
	Attempts  int
	NextAt    time.Time
	LastError string
	SentAt    time.Time
	CreatedAt time.Time
	// Filled for the delivery job and the admin page.
	Hook     webhook.Hook
	UnitName string
	HookName string
}

// ConfiguresPlatform reports whether p may change platform-wide case settings (categories and
// their time limits, the working-day calendar): administrators and county administrators.
// Town administrators see the settings but cannot change them.
func ConfiguresPlatform(p *authz.Principal) bool { return p != nil && canConfigure(p) }

const webhookCols = `w.id, w.unit_id, w.unit_path, u.name, w.kind, w.name, w.url, w.secret, w.active, w.created_at`

func scanWebhook(sc interface{ Scan(...any) error }) (*Webhook, error) {
	var w Webhook
	err := sc.Scan(&w.ID, &w.UnitID, &w.UnitPath, &w.UnitName, &w.Kind, &w.Name, &w.URL, &w.Secret, &w.Active, &w.CreatedAt)
	w.Signed = w.Secret != ""
	return &w, err
}

// webhookIn reads a webhook in the actor's configure scope; anything else is not found.
func (t *Tx) webhookIn(ctx context.Context, a Actor, id int64) (*Webhook, error) {
	w, err := scanWebhook(t.QueryRow(ctx, "SELECT "+webhookCols+" FROM unit_webhooks w JOIN units u ON u.id = w.unit_id WHERE w.id = ?", id))
	if err != nil {
		return nil, notFound(err)
	}
	if !a.Scope(authz.ConfigureCases).Contains(w.UnitPath) {
		return nil, errs.NotFound()
	}
	return w, nil
}

// Webhooks lists the webhooks of the unit with unitID (0: of every unit) in the actor's
// configure scope (town administrators for their town, county and platform administrators).
func (db *DB) Webhooks(ctx context.Context, a Actor, unitID int64) ([]Webhook, error) {
	var out []Webhook
	err := db.view(ctx, func(t *Tx) error {
		cond, args := scopeCond("w.unit_path", a.Scope(authz.ConfigureCases))
		if unitID != 0 {
			u, err := t.unit(ctx, unitID)
			if err != nil || !a.Scope(authz.ConfigureCases).Contains(u.Path) {
				return errs.NotFound()
			}
			cond += " AND w.unit_id = ?"
			args = append(args, unitID)
		}
		rows, err := t.Query(ctx, "SELECT "+webhookCols+" FROM unit_webhooks w JOIN units u ON u.id = w.unit_id WHERE "+cond+
			" ORDER BY w.unit_path, w.id LIMIT 500", args...)
		if err != nil {
			return fmt.Errorf("storage: webhooks: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			w, err := scanWebhook(rows)
			if err != nil {
				return err
			}
			w.Secret = ""
			out = append(out, *w)
		}
		return rows.Err()
	})
	return out, err
}

// Webhook returns one webhook in the actor's configure scope.
func (db *DB) Webhook(ctx context.Context, a Actor, id int64) (*Webhook, error) {
	var w *Webhook
	err := db.view(ctx, func(t *Tx) (err error) {
		w, err = t.webhookIn(ctx, a, id)
		return err
	})
	return w, err
}

// webhookAudit is what the audit log keeps of a webhook: never its key or secret.
func webhookAudit(w *Webhook) map[string]any {
	return map[string]any{"unit_id": w.UnitID, "kind": w.Kind, "name": w.Name, "url": w.RedactedURL(), "signed": w.Secret != ""}
}

// CreateWebhook adds a group robot to a unit in the actor's configure scope.
func (db *DB) CreateWebhook(ctx context.Context, a Actor, w *Webhook) error {
	w.URL, w.Secret, w.Name = strings.TrimSpace(w.URL), strings.TrimSpace(w.Secret), strings.TrimSpace(w.Name)
	fe := []errs.FieldError{}
	if err := webhook.Validate(w.Hook()); err != nil {
		fe = append(fe, errs.As(err).Fields...)
	}
	if utf8.RuneCountInString(w.Name) > 40 {
		fe = append(fe, errs.Field("name", "validation.too_long", 40))
	}
	if w.UnitID == 0 {
		fe = append(fe, errs.Field("unit_id", "validation.required"))
	}
	if len(fe) > 0 {
		return errs.Invalid(fe...)
	}
	return db.update(ctx, func(t *Tx) error {
		u, err := t.unit(ctx, w.UnitID)
		if err != nil || !a.Scope(authz.ConfigureCases).Contains(u.Path) {
			return errs.Invalid(errs.Field("unit_id", "org.unit.not_found"))
		}
		if !u.Active {
			return errs.Invalid(errs.Field("unit_id", "org.unit.inactive"))
		}
		var n int
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM unit_webhooks WHERE unit_id = ?", u.ID).Scan(&n); err != nil {
			return err
		}
		if n >= 5 {
			return errs.Invalid(errs.Field("url", "ops.webhook.too_many", 5))
		}
		now := t.db.clock.Now()
		var by any
		if !a.P.System {
			by = a.P.UserID
		}
		id, err := t.insert(ctx, `INSERT INTO unit_webhooks (unit_id, unit_path, kind, name, url, secret, active, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.ID, u.Path, string(w.Kind), w.Name, w.URL, w.Secret, true, by, now, now)
		if err != nil {
			return fmt.Errorf("storage: create webhook: %w", err)
		}
		w.ID, w.UnitPath, w.UnitName, w.Active, w.CreatedAt = id, u.Path, u.Name, true, now
		return t.audit(ctx, a, "create", "webhook", id, u.Path, nil, webhookAudit(w))
	})
}

// DeleteWebhook removes a group robot and its queued deliveries.
func (db *DB) DeleteWebhook(ctx context.Context, a Actor, id int64) error {
	return db.update(ctx, func(t *Tx) error {
		w, err := t.webhookIn(ctx, a, id)
		if err != nil {
			return err
		}
		if _, err := t.Exec(ctx, "DELETE FROM webhook_deliveries WHERE webhook_id = ?", id); err != nil {
			return fmt.Errorf("storage: delete webhook deliveries: %w", err)
		}
		if _, err := t.Exec(ctx, "DELETE FROM unit_webhooks WHERE id = ?", id); err != nil {
			return fmt.Errorf("storage: delete webhook: %w", err)
		}
		return t.audit(ctx, a, "delete", "webhook", id, w.UnitPath, webhookAudit(w), nil)
	})
}

// RecordWebhookTest writes a test message's outcome to the audit log (result "ok" or the
// sender's error, which names no URL).
func (db *DB) RecordWebhookTest(ctx context.Context, a Actor, id int64, result string) error {
	return db.update(ctx, func(t *Tx) error {
		w, err := t.webhookIn(ctx, a, id)
		if err != nil {
			return err
		}
		return t.audit(ctx, a, "test", "webhook", id, w.UnitPath, nil, map[string]any{"result": result})
	})
}

// queueWebhooks queues a notification to userID about a case for the group robots it concerns:
// those of the case's unit and of the unit handling it, and those of the units where the
// recipient holds a role when that unit is above the case's unit (its town) or is a department
// of that town (a department learns of an escalation before the case row names it as the
// handler). A transaction that tells several people of one event (the secretaries of a
// community, a department's staff) queues it once per robot.
func (t *Tx) queueWebhooks(ctx context.Context, notificationID, userID, caseID int64, key, args, link string) error {
	if caseID == 0 {
		return nil
	}
	var unitPath, handlerPath string
	if err := t.QueryRow(ctx, "SELECT unit_path, handler_path FROM cases WHERE id = ?", caseID).Scan(&unitPath, &handlerPath); err != nil {
		return notFound(err)
	}
	rows, err := t.Query(ctx, `SELECT w.id, w.unit_path, u.kind, EXISTS (SELECT 1 FROM role_bindings b WHERE b.user_id = ? AND b.unit_id = w.unit_id)
		FROM unit_webhooks w JOIN units u ON u.id = w.unit_id
		WHERE w.active = ? AND (w.unit_path = ? OR w.unit_path = ? OR w.unit_id IN (SELECT b.unit_id FROM role_bindings b WHERE b.user_id = ?))`,
		userID, true, unitPath, handlerPath, userID)
	if err != nil {
		return fmt.Errorf("storage: webhooks of a case: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var path string
		var kind org.Kind
		var bound bool
		if err := rows.Scan(&id, &path, &kind, &bound); err != nil {
			rows.Close()
			return err
		}
		concerned := path == unitPath || path == handlerPath ||
			(bound && (org.Within(unitPath, path) || (kind == org.Department && org.Within(unitPath, parentPath(path)))))
		if concerned {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := t.db.clock.Now()
	for _, id := range ids {
		k := strconv.FormatInt(id, 10) + "|" + strconv.FormatInt(caseID, 10) + "|" + key + "|" + args
		if t.webhookSeen[k] {
			continue
		}
		if t.webhookSeen == nil {
			t.webhookSeen = map[string]bool{}
		}
		t.webhookSeen[k] = true
		if _, err := t.Exec(ctx, `INSERT INTO webhook_deliveries (webhook_id, notification_id, case_id, message, args, link, status, attempts, next_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`, id, nullID(notificationID), caseID, key, args, link, DeliveryPending, now, now); err != nil {
			return fmt.Errorf("storage: queue webhook: %w", err)
		}
	}
	return nil
}

const deliveryCols = `d.id, d.webhook_id, COALESCE(d.case_id, 0), d.message, d.args, d.link, d.status, d.attempts, d.next_at,
	d.last_error, d.sent_at, d.created_at, w.kind, w.url, w.secret, w.name, u.name`

const deliveryFrom = ` FROM webhook_deliveries d JOIN unit_webhooks w ON w.id = d.webhook_id JOIN units u ON u.id = w.unit_id`

func scanDelivery(sc interface{ Scan(...any) error }) (*Delivery, error) {
	var d Delivery
	var args string
	var sent sql.NullTime
	err := sc.Scan(&d.ID, &d.WebhookID, &d.CaseID, &d.Message, &args, &d.Link, &d.Status, &d.Attempts, &d.NextAt,
		&d.LastError, &sent, &d.CreatedAt, &d.Hook.Kind, &d.Hook.URL, &d.Hook.Secret, &d.HookName, &d.UnitName)
	if err != nil {
		return nil, err
	}
	d.SentAt = sent.Time
	if args != "" {
		json.Unmarshal([]byte(args), &d.Args)
	}
	return &d, nil
}

// DueDeliveries returns up to limit pending deliveries whose time has come, oldest first, with
// their robots, for the delivery job (which runs as the system).
func (db *DB) DueDeliveries(ctx context.Context, limit int) ([]Delivery, error) {
	var out []Delivery
	err := db.view(ctx, func(t *Tx) error {
		rows, err := t.Query(ctx, "SELECT "+deliveryCols+deliveryFrom+" WHERE d.status = ? AND d.next_at <= ? AND w.active = ? ORDER BY d.next_at, d.id LIMIT ?",
			DeliveryPending, t.db.clock.Now(), true, clampLimit(limit))
		if err != nil {
			return fmt.Errorf("storage: due deliveries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDelivery(rows)
			if err != nil {
				return err
			}
			out = append(out, *d)
		}
		return rows.Err()
	})
	return out, err
}

// FinishDelivery records a delivery's attempt: sent (errText empty), or failed with the
// sender's error (which names no URL) and retried at next, or given up (status failed or
// expired) when status says so.
func (db *DB) FinishDelivery(ctx context.Context, id int64, status, errText string, next time.Time) error {
	now := db.clock.Now()
	if len(errText) > 300 {
		errText = errText[:300]
	}
	return db.update(ctx, func(t *Tx) error {
		var err error
		switch status {
		case DeliverySent:
			_, err = t.Exec(ctx, "UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, sent_at = ?, last_error = '' WHERE id = ? AND status = ?",
				DeliverySent, now, id, DeliveryPending)
		case DeliveryPending, DeliveryFailed:
			_, err = t.Exec(ctx, "UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ? AND status = ?",
				status, next, errText, id, DeliveryPending)
		case DeliveryExpired:
			_, err = t.Exec(ctx, "UPDATE webhook_deliveries SET status = ?, last_error = ? WHERE id = ? AND status = ?",
				DeliveryExpired, errText, id, DeliveryPending)
		default:
			return fmt.Errorf("storage: delivery status %q", status)
		}
		if err != nil {
			return fmt.Errorf("storage: finish delivery: %w", err)
		}
		return nil
	})
}

// WebhookDeliveries returns the latest deliveries to the webhooks of a unit (0: every unit) in
// the actor's configure scope, newest first, for the admin page.
func (db *DB) WebhookDeliveries(ctx context.Context, a Actor, unitID int64, limit int) ([]Delivery, error) {
	var out []Delivery
	err := db.view(ctx, func(t *Tx) error {
		cond, args := scopeCond("w.unit_path", a.Scope(authz.ConfigureCases))
		if unitID != 0 {
			cond += " AND w.unit_id = ?"
			args = append(args, unitID)
		}
		rows, err := t.Query(ctx, "SELECT "+deliveryCols+deliveryFrom+" WHERE "+cond+" ORDER BY d.id DESC LIMIT ?", append(args, clampLimit(limit))...)
		if err != nil {
			return fmt.Errorf("storage: deliveries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDelivery(rows)
			if err != nil {
				return err
			}
			d.Hook.Secret = ""
			out = append(out, *d)
		}
		return rows.Err()
	})
	return out, err
}
