package demo

import (
	"context"

	"wuxing/internal/storage"
)

// loadPoints loads the points catalogues and ledgers of secretaries, members and teams, and a horse race.
func loadPoints(ctx context.Context, db *storage.DB, w *world) error {
	return nil
}
