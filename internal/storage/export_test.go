package storage

import "context"

// FiguresFromCases is Figures counted from the cases alone, without the tallies: what the
// tallies must always agree with.
func (db *DB) FiguresFromCases(ctx context.Context, a Actor, q FigureQuery) (*FigureReport, error) {
	return db.figures(ctx, a, q, false)
}

// CheckpointNow runs the checkpointer once (SQLite): how many frames the log holds and how many
// it copied back.
func (db *DB) CheckpointNow(ctx context.Context) (logFrames, copied int, err error) {
	return db.ckpt.run(ctx)
}
