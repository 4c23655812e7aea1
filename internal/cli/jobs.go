package cli

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"time"

	"wuxing/internal/jobs"
	"wuxing/internal/storage"
	"wuxing/internal/webhook"
)

// Background job settings, from the environment (read here until they earn a place in
// config.Config):
//
//	WUXING_JOBS=off            run no background jobs in this instance
//	WUXING_OVERDUE_EVERY=1m    how often the overdue job looks for late cases (≥ 10s)
//	WUXING_WEBHOOK_EVERY=30s   how often queued group-robot messages are sent (≥ 5s)
//	WUXING_BASE_URL            the platform's public address, for links in group messages
const (
	defaultOverdueEvery = time.Minute
	defaultWebhookEvery = 30 * time.Second
	reminderEvery       = 10 * time.Minute
)

// startJobs starts the background jobs (overdue urging, due reminders, webhook deliveries),
// each under its lease, and returns a function that stops them and waits until they have
// released their leases; serve defers it so it runs before the database closes.
func startJobs(ctx context.Context, db *storage.DB, log *slog.Logger) (stop func()) {
	if strings.EqualFold(os.Getenv("WUXING_JOBS"), "off") {
		log.Info("background jobs are off in this instance (WUXING_JOBS=off)")
		return func() {}
	}
	every := func(name string, def, least time.Duration) time.Duration {
		v := os.Getenv(name)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d < least {
			log.Error("ignoring a bad job interval", "setting", name, "value", v, "least", least.String(), "using", def.String())
			return def
		}
		return d
	}
	r := &jobs.Runner{Leases: db, Holder: jobs.NewHolder(), Log: log}
	return r.Start(ctx,
		jobs.Overdue(db, every("WUXING_OVERDUE_EVERY", defaultOverdueEvery, 10*time.Second), log),
		jobs.Reminders(db, reminderEvery, log),
		jobs.Deliveries(db, webhook.NewSender(webhook.DefaultTimeout), os.Getenv("WUXING_BASE_URL"),
			every("WUXING_WEBHOOK_EVERY", defaultWebhookEvery, 5*time.Second), log),
	)
}
