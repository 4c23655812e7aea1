package jobs

import (
	"context"
	"log/slog"
	"time"

	"wuxing/internal/storage"
)

// PointsEvery is how often the automatic points entries are made.
const PointsEvery = 10 * time.Minute

// pointsLease is the automatic points job's lease name.
const pointsLease = "points"

// Points is the job that makes the automatic points entries from cases, circulars and volunteer
// hours since its last run (storage.ScorePoints).
func Points(db *storage.DB, every time.Duration, log *slog.Logger) Job {
	return Job{Name: pointsLease, Every: every, Run: func(ctx context.Context) error {
		n, err := db.ScorePoints(ctx, batch)
		if n > 0 && log != nil {
			log.Info("automatic points entries made", "entries", n)
		}
		return err
	}}
}

// ScorePointsNow runs the automatic points job once, on demand (the demo, an administrator's
// button), under the job's lease so it never runs beside the background job; ran is false when
// another holder has the lease right now (its run does the same work).
func ScorePointsNow(ctx context.Context, db *storage.DB) (made int, ran bool, err error) {
	holder := NewHolder()
	ok, err := db.TryLease(ctx, pointsLease, holder, leaseTTL(PointsEvery))
	if err != nil || !ok {
		return 0, false, err
	}
	defer db.ReleaseLease(context.WithoutCancel(ctx), pointsLease, holder)
	// Large batches: a run on demand has a backlog to catch up on (the demo's year of records).
	made, err = db.ScorePoints(ctx, storage.PointsBatchMax)
	return made, true, err
}
