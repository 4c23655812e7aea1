package storage

import (
	"context"

	"wuxing/internal/authz"
	"wuxing/internal/org"
	"wuxing/internal/people"
)

// Batch makes many records in one transaction, with the same checks, scope and audit entries
// as the single-record methods: imports and the demo loader use it, so a batch lands whole or
// not at all.
type Batch struct {
	ctx context.Context
	t   *Tx
	a   Actor
}

// Batch runs fn in one write transaction; any error from fn rolls the whole batch back.
func (db *DB) Batch(ctx context.Context, a Actor, fn func(*Batch) error) error {
	return db.update(ctx, func(t *Tx) error { return fn(&Batch{ctx: ctx, t: t, a: a}) })
}

// CreateUnit creates a unit, as DB.CreateUnit.
func (b *Batch) CreateUnit(u *org.Unit) error { return b.t.createUnit(b.ctx, b.a, u) }

// SaveCompound creates or updates a compound, as DB.SaveCompound.
func (b *Batch) SaveCompound(c *org.Compound) error { return b.t.saveCompound(b.ctx, b.a, c) }

// CreateHousehold creates a household, as DB.CreateHousehold.
func (b *Batch) CreateHousehold(h *people.Household) error { return b.t.createHousehold(b.ctx, b.a, h) }

// CreatePerson creates a person, as DB.CreatePerson.
func (b *Batch) CreatePerson(p *people.Person) error { return b.t.createPerson(b.ctx, b.a, p) }

// CreateAssignment creates an assignment, as DB.CreateAssignment.
func (b *Batch) CreateAssignment(x *people.Assignment) error {
	return b.t.createAssignment(b.ctx, b.a, x)
}

// UnitByCode finds a unit by code within the batch (seeing the batch's own new units), if the
// actor may see it.
func (b *Batch) UnitByCode(code string) (*org.Unit, error) {
	u, err := scanUnit(b.t.QueryRow(b.ctx, "SELECT "+unitCols+" FROM units u WHERE u.code = ?", code))
	if err != nil {
		return nil, notFound(err)
	}
	if !b.a.Scope(authz.ViewUnits).Contains(u.Path) {
		return nil, notFound(errNoRows)
	}
	return u, nil
}
