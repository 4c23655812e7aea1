package storage

import (
	"context"
	"fmt"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
)

const compoundCols = `c.id, c.unit_id, c.name, c.address, c.three_without, c.red_committee, c.active, c.version, u.name, u.path`

func scanCompound(sc interface{ Scan(...any) error }) (*org.Compound, string, error) {
	var c org.Compound
	var path string
	err := sc.Scan(&c.ID, &c.UnitID, &c.Name, &c.Address, &c.ThreeWithout, &c.RedCommittee, &c.Active, &c.Version, &c.UnitName, &path)
	return &c, path, err
}

// CompoundFilter selects compounds.
type CompoundFilter struct {
	UnitID       int64
	ThreeWithout bool // only three-without compounds
	Limit        int
	Offset       int
}

// Compounds lists the compounds in the actor's view scope.
func (db *DB) Compounds(ctx context.Context, a Actor, f CompoundFilter) ([]org.Compound, error) {
	var out []org.Compound
	err := db.view(ctx, func(t *Tx) error {
		cond, args := scopeCond("u.path", a.Scope(authz.ViewUnits))
		if f.UnitID != 0 {
			c, ca, err := t.underUnit(ctx, "u.path", f.UnitID)
			if err != nil {
				return err
			}
			cond += " AND " + c
			args = append(args, ca...)
		}
		if f.ThreeWithout {
			cond += " AND c.three_without = ?"
			args = append(args, true)
		}
		rows, err := t.Query(ctx, "SELECT "+compoundCols+" FROM compounds c JOIN units u ON u.id = c.unit_id WHERE "+cond+
			" AND c.active = ? ORDER BY u.path, c.name LIMIT ? OFFSET ?", append(args, true, clampLimit(f.Limit), max(f.Offset, 0))...)
		if err != nil {
			return fmt.Errorf("storage: compounds: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			c, _, err := scanCompound(rows)
			if err != nil {
				return err
			}
			out = append(out, *c)
		}
		return rows.Err()
	})
	return out, err
}

// Compound returns one compound in the actor's view scope.
func (db *DB) Compound(ctx context.Context, a Actor, id int64) (*org.Compound, error) {
	var c *org.Compound
	err := db.view(ctx, func(t *Tx) error {
		x, path, err := scanCompound(t.QueryRow(ctx, "SELECT "+compoundCols+" FROM compounds c JOIN units u ON u.id = c.unit_id WHERE c.id = ?", id))
		if err != nil {
			return notFound(err)
		}
		if !a.Scope(authz.ViewUnits).Contains(path) {
			return errs.NotFound()
		}
		c = x
		return nil
	})
	return c, err
}

// SaveCompound creates a compound (ID 0) or updates one (Version must be the version read).
func (db *DB) SaveCompound(ctx context.Context, a Actor, c *org.Compound) error {
	return db.update(ctx, func(t *Tx) error { return t.saveCompound(ctx, a, c) })
}

func (t *Tx) saveCompound(ctx context.Context, a Actor, c *org.Compound) error {
	u, err := t.unitIn(ctx, a, authz.EditUnits, c.UnitID)
	if err != nil {
		return errs.Invalid(errs.Field("unit_id", "org.unit.not_found"))
	}
	if err := c.Validate(u); err != nil {
		return err
	}
	now := t.db.clock.Now()
	after := map[string]any{"unit_id": c.UnitID, "name": c.Name, "address": c.Address, "three_without": c.ThreeWithout, "red_committee": c.RedCommittee, "active": c.Active}
	if c.ID == 0 {
		id, err := t.insert(ctx, `INSERT INTO compounds (unit_id, name, address, three_without, red_committee, active, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`, c.UnitID, c.Name, c.Address, c.ThreeWithout, c.RedCommittee, true, now, now)
		if err != nil {
			return fmt.Errorf("storage: create compound: %w", err)
		}
		c.ID, c.Version, c.Active = id, 1, true
		return t.audit(ctx, a, "create", "compound", id, u.Path, nil, after)
	}
	old, oldPath, err := scanCompound(t.QueryRow(ctx, "SELECT "+compoundCols+" FROM compounds c JOIN units u ON u.id = c.unit_id WHERE c.id = ?", c.ID))
	if err != nil {
		return notFound(err)
	}
	if !a.Scope(authz.EditUnits).Contains(oldPath) {
		return errs.NotFound()
	}
	if err := checkVersion(t.Exec(ctx, `UPDATE compounds SET unit_id = ?, name = ?, address = ?, three_without = ?, red_committee = ?, active = ?,
		version = version + 1, updated_at = ? WHERE id = ? AND version = ?`, c.UnitID, c.Name, c.Address, c.ThreeWithout, c.RedCommittee, c.Active, now, c.ID, c.Version)); err != nil {
		return err
	}
	c.Version++
	return t.audit(ctx, a, "update", "compound", c.ID, u.Path,
		map[string]any{"unit_id": old.UnitID, "name": old.Name, "address": old.Address, "three_without": old.ThreeWithout, "red_committee": old.RedCommittee, "active": old.Active}, after)
}
