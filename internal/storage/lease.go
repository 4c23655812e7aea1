package storage

import (
	"context"
	"fmt"
	"time"
)

// TryLease takes or renews the named job lease for holder until ttl from now, and reports
// whether holder has it. A background job runs only while it holds its lease, so two instances
// of the platform on one database never run the same job at once; a crashed holder's lease
// simply runs out.
func (db *DB) TryLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := db.clock.Now()
	var got string
	err := db.update(ctx, func(t *Tx) error {
		err := t.QueryRow(ctx, `INSERT INTO job_leases (name, holder, until) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
			WHERE job_leases.until < ? OR job_leases.holder = ?
			RETURNING holder`, name, holder, now.Add(ttl), now, holder).Scan(&got)
		if err != nil && err != errNoRows {
			return fmt.Errorf("storage: lease %s: %w", name, err)
		}
		return nil
	})
	return got == holder, err
}

// ReleaseLease gives a lease up early (at shutdown), so another instance can take over at once.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := db.write.ExecContext(ctx, db.d.Rebind("DELETE FROM job_leases WHERE name = ? AND holder = ?"), name, holder)
	return err
}
