package jobs

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"wuxing/internal/locale"
	"wuxing/internal/storage"
	"wuxing/internal/webhook"
)

// batch bounds the cases or deliveries one run handles; the next run takes the rest.
const batch = 500

// Overdue is the overdue job: it urges (督办) open cases past their deadline (storage.UrgeOverdue).
func Overdue(db *storage.DB, every time.Duration, log *slog.Logger) Job {
	return Job{Name: "overdue", Every: every, Run: func(ctx context.Context) error {
		n, err := db.UrgeOverdue(ctx, batch)
		if n > 0 && log != nil {
			log.Info("overdue cases urged", "cases", n)
		}
		return err
	}}
}

// ReminderHour is the hour (China time) from which the day's reminders go out, so nobody's
// phone buzzes with them at night.
const ReminderHour = 8

// Reminders is the job that reminds whoever has a case due on the next working day, once per
// deadline, from ReminderHour on (storage.RemindDue).
func Reminders(db *storage.DB, every time.Duration, log *slog.Logger) Job {
	return Job{Name: "due_reminders", Every: every, Run: func(ctx context.Context) error {
		if db.Clock().Now().In(cst).Hour() < ReminderHour {
			return nil
		}
		n, err := db.RemindDue(ctx, batch)
		if n > 0 && log != nil {
			log.Info("due reminders sent", "cases", n)
		}
		return err
	}}
}

var cst = time.FixedZone("CST", 8*3600)

// Delivery policy: retries back off from a minute, doubling up to an hour, for MaxAttempts in
// all (about two hours); a message still unsent after MaxAge is dropped as stale.
const (
	MaxAttempts = 8
	MaxAge      = 24 * time.Hour
)

// Backoff is the wait before the next try after attempt (1, 2, …) failed.
func Backoff(attempt int) time.Duration {
	d := time.Minute
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// Deliveries is the job that posts queued notifications to the units' group robots, in the
// platform's default language, with a link when the platform's public address is known.
func Deliveries(db *storage.DB, sender *webhook.Sender, baseURL string, every time.Duration, log *slog.Logger) Job {
	return Job{Name: "webhooks", Every: every, Run: func(ctx context.Context) error {
		_, err := Deliver(ctx, db, sender, baseURL, log)
		return err
	}}
}

// Deliver sends the deliveries due now and records each outcome; it returns how many were sent.
// Logs name the delivery and the webhook by id, never the URL (it holds the robot's key) nor
// the text (it may hold names).
func Deliver(ctx context.Context, db *storage.DB, sender *webhook.Sender, baseURL string, log *slog.Logger) (int, error) {
	ds, err := db.DueDeliveries(ctx, 100)
	if err != nil {
		return 0, err
	}
	pr := locale.NewPrinter(locale.Default)
	sent := 0
	for _, d := range ds {
		if ctx.Err() != nil {
			return sent, ctx.Err()
		}
		now := db.Clock().Now()
		if now.Sub(d.CreatedAt) > MaxAge {
			if err := db.FinishDelivery(ctx, d.ID, storage.DeliveryExpired, "expired", time.Time{}); err != nil {
				return sent, err
			}
			continue
		}
		text := pr.T("ops.webhook.format", d.UnitName, pr.T(d.Message, d.Args...))
		if baseURL != "" && strings.HasPrefix(d.Link, "/") {
			text += "\n" + strings.TrimRight(baseURL, "/") + d.Link
		}
		serr := sender.Send(ctx, d.Hook, text)
		if serr == nil {
			sent++
			if err := db.FinishDelivery(ctx, d.ID, storage.DeliverySent, "", time.Time{}); err != nil {
				return sent, err
			}
			continue
		}
		if ctx.Err() != nil {
			return sent, ctx.Err() // shutting down: the delivery stays due, unchanged
		}
		attempt := d.Attempts + 1
		status := storage.DeliveryPending
		if attempt >= MaxAttempts {
			status = storage.DeliveryFailed
		}
		if log != nil {
			log.Warn("webhook delivery failed", "delivery", d.ID, "webhook", d.WebhookID, "attempt", attempt, "err", serr)
		}
		if err := db.FinishDelivery(ctx, d.ID, status, serr.Error(), now.Add(Backoff(attempt))); err != nil {
			return sent, err
		}
	}
	return sent, nil
}
