package storage

import (
	"fmt"

	"wuxing/internal/authz"
	"wuxing/internal/org"
	"wuxing/internal/people"
)

// Reads and steps the spreadsheet import needs inside its batch: they see the batch's own new
// records and keep to the actor's scope like every other read.

// Try runs fn inside a savepoint: when fn fails, what it wrote is undone and the batch goes on
// (PostgreSQL would otherwise refuse every later statement of the transaction), so an import can
// check every row and still report them all.
func (b *Batch) Try(fn func() error) error {
	if _, err := b.t.Exec(b.ctx, "SAVEPOINT batch_row"); err != nil {
		return fmt.Errorf("storage: savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rerr := b.t.Exec(b.ctx, "ROLLBACK TO SAVEPOINT batch_row"); rerr != nil {
			return fmt.Errorf("storage: rollback to savepoint: %w (after %w)", rerr, err)
		}
		if _, rerr := b.t.Exec(b.ctx, "RELEASE SAVEPOINT batch_row"); rerr != nil {
			return fmt.Errorf("storage: release savepoint: %w", rerr)
		}
		return err
	}
	if _, err := b.t.Exec(b.ctx, "RELEASE SAVEPOINT batch_row"); err != nil {
		return fmt.Errorf("storage: release savepoint: %w", err)
	}
	return nil
}

// HouseholdsAt returns the active households with exactly this address in the subtree of the
// unit at unitPath, within the actor's view scope.
func (b *Batch) HouseholdsAt(unitPath, address string) ([]people.Household, error) {
	cond, args := scopeCond("u.path", b.a.Scope(authz.ViewPeople))
	sub, sargs := subtreeCond("u.path", unitPath)
	q := "SELECT " + householdCols + " FROM households h JOIN units u ON u.id = h.unit_id WHERE " + cond + " AND " + sub +
		" AND h.address = ? AND h.active = ? ORDER BY h.id LIMIT 10"
	all := append(append(append([]any{true}, args...), sargs...), address, true)
	rows, err := b.t.Query(b.ctx, q, all...)
	if err != nil {
		return nil, fmt.Errorf("storage: households at: %w", err)
	}
	defer rows.Close()
	var out []people.Household
	for rows.Next() {
		h, err := scanHousehold(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h.Household)
	}
	return out, rows.Err()
}

// CompoundByName finds the active compound called name that can hold households of the unit at
// unitPath: one whose unit lies above or below it. It is not found when none, or more than one,
// fits, or it lies outside the actor's view scope.
func (b *Batch) CompoundByName(name, unitPath string) (*org.Compound, error) {
	cond, args := scopeCond("u.path", b.a.Scope(authz.ViewUnits))
	rows, err := b.t.Query(b.ctx, "SELECT "+compoundCols+" FROM compounds c JOIN units u ON u.id = c.unit_id WHERE "+cond+
		" AND c.name = ? AND c.active = ? ORDER BY c.id LIMIT 50", append(args, name, true)...)
	if err != nil {
		return nil, fmt.Errorf("storage: compound by name: %w", err)
	}
	defer rows.Close()
	var found *org.Compound
	n := 0
	for rows.Next() {
		c, path, err := scanCompound(rows)
		if err != nil {
			return nil, err
		}
		if org.Within(unitPath, path) || org.Within(path, unitPath) {
			found = c
			n++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if n != 1 {
		return nil, notFound(errNoRows)
	}
	return found, nil
}

// PersonExists reports whether the person an import is about to create seems to be there
// already: an active person of the same name in the same household, or in the same unit with
// the same phone number or birth date. A person with none of these to compare is never a match.
func (b *Batch) PersonExists(p *people.Person) (bool, error) {
	var n int
	var err error
	switch {
	case p.HouseholdID != 0:
		err = b.t.QueryRow(b.ctx, "SELECT COUNT(*) FROM people WHERE household_id = ? AND name = ? AND active = ?",
			p.HouseholdID, p.Name, true).Scan(&n)
	case p.Phone != "" || p.BirthDate != "":
		err = b.t.QueryRow(b.ctx, "SELECT COUNT(*) FROM people WHERE unit_id = ? AND name = ? AND active = ? AND ((phone <> '' AND phone = ?) OR (birth_date <> '' AND birth_date = ?))",
			p.UnitID, p.Name, true, p.Phone, p.BirthDate).Scan(&n)
	default:
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("storage: person exists: %w", err)
	}
	return n > 0, nil
}
