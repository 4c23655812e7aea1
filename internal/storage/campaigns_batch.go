package storage

import (
	"time"

	"wuxing/internal/campaigns"
)

// Campaign steps in a CaseBatch: the demo replays a campaign that already happened, each step
// at its own time and otherwise exactly as the live step (the same checks, case flow, timeline,
// notifications and audit).

func (b *CaseBatch) actor(a Actor) Actor {
	if a.P == nil {
		return b.a
	}
	return a
}

// CreateCampaign creates a campaign at time at, as DB.CreateCampaign.
func (b *CaseBatch) CreateCampaign(at time.Time, a Actor, c *campaigns.Campaign) error {
	if err := b.stamp(at); err != nil {
		return err
	}
	return b.t.createCampaign(b.ctx, b.actor(a), c)
}

// RecordInspection records an inspection at time at, as DB.RecordInspection.
func (b *CaseBatch) RecordInspection(at time.Time, a Actor, in *campaigns.Inspection) error {
	if err := b.stamp(at); err != nil {
		return err
	}
	a = b.actor(a)
	c, _, err := b.t.campaignRun(b.ctx, a, in.CampaignID)
	if err != nil {
		return err
	}
	return b.t.recordInspection(b.ctx, a, c, in)
}

// RecordProblem records a problem at time at, as DB.RecordProblem.
func (b *CaseBatch) RecordProblem(at time.Time, a Actor, campaignID int64, np NewProblem) (*campaigns.Problem, error) {
	if err := b.stamp(at); err != nil {
		return nil, err
	}
	a = b.actor(a)
	c, _, err := b.t.campaignRun(b.ctx, a, campaignID)
	if err != nil {
		return nil, err
	}
	return b.t.recordProblem(b.ctx, a, c, np)
}

// Recheck re-checks a problem at time at, as DB.Recheck; the batch holds the only write, so it
// acts on the problem's current version.
func (b *CaseBatch) Recheck(at time.Time, a Actor, problemID int64, in RecheckInput) (*campaigns.Problem, error) {
	if err := b.stamp(at); err != nil {
		return nil, err
	}
	return b.t.recheck(b.ctx, b.actor(a), problemID, in, false)
}

// DraftCircular drafts a circular or commendation at time at, as DB.DraftCircular.
func (b *CaseBatch) DraftCircular(at time.Time, a Actor, campaignID int64, nc NewCircular) (*campaigns.Circular, error) {
	if err := b.stamp(at); err != nil {
		return nil, err
	}
	return b.t.draftCircular(b.ctx, b.actor(a), campaignID, nc)
}

// PublishCircular publishes a draft at time at, as DB.PublishCircular, at its current version.
func (b *CaseBatch) PublishCircular(at time.Time, a Actor, id int64) (*campaigns.Circular, error) {
	if err := b.stamp(at); err != nil {
		return nil, err
	}
	a = b.actor(a)
	c, _, err := b.t.circularIn(b.ctx, a, id)
	if err != nil {
		return nil, err
	}
	return b.t.publishCircular(b.ctx, a, id, c.Version)
}
