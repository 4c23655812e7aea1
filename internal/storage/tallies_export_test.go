package storage

import "context"

// FiguresFromCases is Figures counted from the cases alone, without the tallies: what the
// tallies must always agree with.
func (db *DB) FiguresFromCases(ctx context.Context, a Actor, q FigureQuery) (*FigureReport, error) {
	return db.figures(ctx, a, q, false)
}
