package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"wuxing/internal/cases"
	"wuxing/internal/clock"
	"wuxing/internal/errs"
)

// CaseBatch replays casework that already happened, in one transaction: each step is stamped
// at the time the caller gives instead of the store's clock, and otherwise runs exactly as a live
// step does (createCase and act: checks, flow, deadlines on the calendar, timeline, notifications,
// audit). The demo loader uses it to lay down a year of cases whose every figure is computed from
// the records. Steps must come in time order, none after the store's clock: a batch writes
// history, never the future.
type CaseBatch struct {
	ctx  context.Context
	t    *Tx
	a    Actor
	clk  *clock.Fixed
	now  time.Time // the store's clock when the batch began
	last time.Time // the previous step's stamp
}

// CaseBatch runs fn in one write transaction whose steps are stamped by the batch; any error
// from fn rolls the whole batch back. Replaying history is the platform's own work: a must be
// the system actor.
func (db *DB) CaseBatch(ctx context.Context, a Actor, fn func(*CaseBatch) error) error {
	if a.P == nil || !a.P.System {
		return errs.Forbidden()
	}
	now := db.clock.Now()
	clk := clock.NewFixed(now)
	// The same pools and dialect with a clock the batch sets: every t.db.clock.Now() inside the
	// transaction then reads the step's stamp, so no stamping logic is duplicated.
	stamped := *db
	stamped.clock = clk
	return stamped.update(ctx, func(t *Tx) error {
		return fn(&CaseBatch{ctx: ctx, t: t, a: a, clk: clk, now: now})
	})
}

// stamp sets the batch's clock to at, refusing a time after the store's clock or before the
// previous step.
func (b *CaseBatch) stamp(at time.Time) error {
	switch {
	case at.IsZero():
		return errors.New("storage: case batch: step without a time")
	case at.After(b.now):
		return fmt.Errorf("storage: case batch: step at %s is in the future", at.Format(time.RFC3339))
	case at.Before(b.last):
		return fmt.Errorf("storage: case batch: step at %s comes before the previous one (%s)",
			at.Format(time.RFC3339), b.last.Format(time.RFC3339))
	}
	b.last = at
	b.clk.Set(at)
	return nil
}

// CreateCase submits a case at time at, as DB.CreateCase does at the store's clock.
func (b *CaseBatch) CreateCase(at time.Time, c *cases.Case, nc NewCase) error {
	if err := b.stamp(at); err != nil {
		return err
	}
	_, err := b.t.createCase(b.ctx, b.a, c, nc, false)
	return err
}

// Act takes action on case id at time at, as DB.Act does, for actor a (the batch's actor if a.P
// is nil), with name shown on the timeline (empty: the resident). A system actor carrying a
// PersonID acts on that person's behalf: that is how a replayed claim names its member. The
// batch holds the only write, so it acts on the case's current version.
func (b *CaseBatch) Act(at time.Time, a Actor, name string, id int64, act cases.Action, in cases.Input) (*cases.Case, error) {
	if err := b.stamp(at); err != nil {
		return nil, err
	}
	if a.P == nil {
		a = b.a
	}
	c, k, err := b.t.caseIn(b.ctx, a, id)
	if err != nil {
		return nil, err
	}
	if act == cases.Claim {
		in.ClaimantID = a.P.PersonID
		if a.P.System {
			// The system replays the member's claim for them; act still checks that the
			// claimant is an active party member of the case's unit.
			k.Claimer = a.P.PersonID != 0
		}
	}
	return b.t.act(b.ctx, a, c, k, act, in, c.Version, name)
}
