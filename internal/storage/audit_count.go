package storage

import (
	"context"
	"fmt"
)

// AuditCount returns how many entries the audit log holds. It returns no entry's content and so
// takes no actor: tests use it to prove that a refused request changed nothing, since every
// change writes an audit entry.
func (db *DB) AuditCount(ctx context.Context) (int, error) {
	var n int
	err := db.view(ctx, func(t *Tx) error {
		return t.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("storage: audit count: %w", err)
	}
	return n, nil
}
