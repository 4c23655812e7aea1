package storage

import (
	"context"
	"fmt"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/people"
)

type householdRow struct {
	people.Household
	unitPath string
}

const householdCols = `h.id, h.unit_id, COALESCE(h.compound_id, 0), h.address, h.active, h.version, u.name, u.path,
	COALESCE((SELECT p.name FROM people p WHERE p.household_id = h.id AND p.relation = 'head' ORDER BY p.id LIMIT 1), ''),
	(SELECT COUNT(*) FROM people p WHERE p.household_id = h.id AND p.active = ?)`

func scanHousehold(sc interface{ Scan(...any) error }) (*householdRow, error) {
	var h householdRow
	err := sc.Scan(&h.ID, &h.UnitID, &h.CompoundID, &h.Address, &h.Active, &h.Version, &h.UnitName, &h.unitPath, &h.HeadName, &h.Size)
	return &h, err
}

func (t *Tx) household(ctx context.Context, id int64) (*householdRow, error) {
	h, err := scanHousehold(t.QueryRow(ctx, "SELECT "+householdCols+" FROM households h JOIN units u ON u.id = h.unit_id WHERE h.id = ?", true, id))
	if err != nil {
		return nil, notFound(err)
	}
	return h, nil
}

func (t *Tx) householdIn(ctx context.Context, a Actor, perm authz.Perm, id int64) (*householdRow, error) {
	h, err := t.household(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.Scope(perm).Contains(h.unitPath) {
		if perm != authz.ViewPeople && a.Scope(authz.ViewPeople).Contains(h.unitPath) {
			return nil, errs.Forbidden()
		}
		return nil, errs.NotFound()
	}
	return h, nil
}

// Household returns a household with its members, if the actor may see it.
func (db *DB) Household(ctx context.Context, a Actor, id int64) (*people.Household, error) {
	var out *people.Household
	err := db.view(ctx, func(t *Tx) error {
		h, err := t.householdIn(ctx, a, authz.ViewPeople, id)
		if err != nil {
			return err
		}
		rows, err := t.Query(ctx, "SELECT "+personCols+personFrom+" WHERE p.household_id = ? AND p.active = ? ORDER BY p.relation <> 'head', p.birth_date, p.id", id, true)
		if err != nil {
			return fmt.Errorf("storage: household members: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPerson(rows)
			if err != nil {
				return err
			}
			h.Members = append(h.Members, *p)
		}
		out = &h.Household
		return rows.Err()
	})
	return out, err
}

// HouseholdFilter selects households.
type HouseholdFilter struct {
	UnitID          int64
	Query           string // address contains
	IncludeInactive bool
	Limit           int
	Offset          int
}

// Households returns the households the filter selects in the actor's view scope, and the total.
func (db *DB) Households(ctx context.Context, a Actor, f HouseholdFilter) ([]people.Household, int, error) {
	var out []people.Household
	var total int
	err := db.view(ctx, func(t *Tx) error {
		cond, args := scopeCond("u.path", a.Scope(authz.ViewPeople))
		where := []string{cond}
		if f.UnitID != 0 {
			c, ca, err := t.underUnit(ctx, "u.path", f.UnitID)
			if err != nil {
				return err
			}
			where = append(where, c)
			args = append(args, ca...)
		}
		if q := strings.TrimSpace(f.Query); q != "" {
			where = append(where, `h.address LIKE ? ESCAPE '\'`)
			args = append(args, "%"+likeEscape(q)+"%")
		}
		if !f.IncludeInactive {
			where = append(where, "h.active = ?")
			args = append(args, true)
		}
		w := " WHERE " + strings.Join(where, " AND ")
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.unit_id"+w, args...).Scan(&total); err != nil {
			return fmt.Errorf("storage: count households: %w", err)
		}
		rows, err := t.Query(ctx, "SELECT "+householdCols+" FROM households h JOIN units u ON u.id = h.unit_id"+w+" ORDER BY u.path, h.address, h.id LIMIT ? OFFSET ?",
			append(append([]any{true}, args...), clampLimit(f.Limit), max(f.Offset, 0))...)
		if err != nil {
			return fmt.Errorf("storage: households: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			h, err := scanHousehold(rows)
			if err != nil {
				return err
			}
			out = append(out, h.Household)
		}
		return rows.Err()
	})
	return out, total, err
}

func householdAudit(h *people.Household) map[string]any {
	return map[string]any{"unit_id": h.UnitID, "compound_id": h.CompoundID, "address": h.Address, "active": h.Active}
}

// checkHouseholdPlace checks a household's unit (a grid or building the actor may edit) and
// compound (one in the same village or community).
func (t *Tx) checkHouseholdPlace(ctx context.Context, a Actor, h *people.Household) (string, error) {
	u, err := t.unitIn(ctx, a, authz.EditPeople, h.UnitID)
	if err != nil {
		return "", errs.Invalid(errs.Field("unit_id", "org.unit.not_found"))
	}
	if u.Kind != org.Grid && u.Kind != org.Building {
		return "", errs.Invalid(errs.Field("unit_id", "people.household.unit_kind"))
	}
	if !u.Active {
		return "", errs.Invalid(errs.Field("unit_id", "org.unit.inactive"))
	}
	if h.CompoundID != 0 {
		var cpath string
		err := t.QueryRow(ctx, "SELECT un.path FROM compounds c JOIN units un ON un.id = c.unit_id WHERE c.id = ?", h.CompoundID).Scan(&cpath)
		if err != nil || !(org.Within(u.Path, cpath) || org.Within(cpath, u.Path)) {
			return "", errs.Invalid(errs.Field("compound_id", "people.household.compound_mismatch"))
		}
	}
	return u.Path, nil
}

// CreateHousehold creates a household in a grid or building.
func (db *DB) CreateHousehold(ctx context.Context, a Actor, h *people.Household) error {
	return db.update(ctx, func(t *Tx) error { return t.createHousehold(ctx, a, h) })
}

func (t *Tx) createHousehold(ctx context.Context, a Actor, h *people.Household) error {
	if err := h.Validate(); err != nil {
		return err
	}
	path, err := t.checkHouseholdPlace(ctx, a, h)
	if err != nil {
		return err
	}
	now := t.db.clock.Now()
	id, err := t.insert(ctx, "INSERT INTO households (unit_id, compound_id, address, active, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
		h.UnitID, nullID(h.CompoundID), h.Address, true, now, now)
	if err != nil {
		return fmt.Errorf("storage: create household: %w", err)
	}
	h.ID, h.Active, h.Version = id, true, 1
	return t.audit(ctx, a, "create", "household", id, path, nil, householdAudit(h))
}

// UpdateHousehold changes a household's address, place or compound; members move with it.
func (db *DB) UpdateHousehold(ctx context.Context, a Actor, h *people.Household) error {
	return db.update(ctx, func(t *Tx) error {
		old, err := t.householdIn(ctx, a, authz.EditPeople, h.ID)
		if err != nil {
			return err
		}
		if old.Version != h.Version {
			return errs.Conflict()
		}
		if err := h.Validate(); err != nil {
			return err
		}
		path, err := t.checkHouseholdPlace(ctx, a, h)
		if err != nil {
			return err
		}
		now := t.db.clock.Now()
		if err := checkVersion(t.Exec(ctx, "UPDATE households SET unit_id = ?, compound_id = ?, address = ?, active = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			h.UnitID, nullID(h.CompoundID), h.Address, h.Active, now, h.ID, h.Version)); err != nil {
			return err
		}
		if h.UnitID != old.UnitID {
			if _, err := t.Exec(ctx, "UPDATE people SET unit_id = ?, version = version + 1, updated_at = ? WHERE household_id = ?", h.UnitID, now, h.ID); err != nil {
				return err
			}
		}
		h.Version++
		return t.audit(ctx, a, "update", "household", h.ID, path, householdAudit(&old.Household), householdAudit(h))
	})
}
