package cli

import (
	"context"
	"log/slog"
	"time"

	"wuxing/internal/config"

	"wuxing/internal/jobs"
	"wuxing/internal/storage"
	"wuxing/internal/webhook"
)

// reminderEvery is how often the due-tomorrow reminders are looked for.
const reminderEvery = 10 * time.Minute

// startJobs starts the background jobs (overdue urging, due reminders, webhook deliveries),
// each under its lease, and returns a function that stops them and waits until they have
// released their leases; serve defers it so it runs before the database closes.
func startJobs(ctx context.Context, db *storage.DB, log *slog.Logger, cfg *config.Config) (stop func()) {
	if !cfg.Jobs {
		log.Info("background jobs are off in this instance (WUXING_JOBS=off)")
		return func() {}
	}
	r := &jobs.Runner{Leases: db, Holder: jobs.NewHolder(), Log: log}
	return r.Start(ctx,
		jobs.Overdue(db, cfg.OverdueEvery, log),
		jobs.Reminders(db, reminderEvery, log),
		jobs.Deliveries(db, webhook.NewSender(webhook.DefaultTimeout), cfg.BaseURL, cfg.WebhookEvery, log),
		jobs.Points(db, jobs.PointsEvery, log), // automatic points entries (积分制)
		// Planner statistics: without them SQLite picks slow plans for wide case lists.
		jobs.Job{Name: "optimize", Every: time.Hour, Run: db.Optimize},
	)
}
