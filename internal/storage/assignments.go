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

const assignmentCols = `a.id, a.kind, a.person_id, a.unit_id, COALESCE(a.household_id, 0), COALESCE(a.member_id, 0), a.starts_on, a.ends_on,
	a.note, a.version, pp.name, u.name, COALESCE(h.address, m.name, '')`

const assignmentFrom = ` FROM assignments a JOIN people pp ON pp.id = a.person_id JOIN units u ON u.id = a.unit_id
	LEFT JOIN households h ON h.id = a.household_id LEFT JOIN people m ON m.id = a.member_id`

func scanAssignment(sc interface{ Scan(...any) error }) (*people.Assignment, error) {
	var x people.Assignment
	err := sc.Scan(&x.ID, &x.Kind, &x.PersonID, &x.UnitID, &x.HouseholdID, &x.MemberID, &x.StartsOn, &x.EndsOn,
		&x.Note, &x.Version, &x.PersonName, &x.UnitName, &x.TargetName)
	return &x, err
}

// AssignmentFilter selects assignments.
type AssignmentFilter struct {
	UnitID    int64 // in this unit's subtree
	Kind      people.AssignmentKind
	PersonID  int64  // the responsible person
	CurrentOn string // YYYY-MM-DD: only those in force that day
	Limit     int
	Offset    int
}

// Assignments returns the assignments the filter selects within the actor's view scope.
func (db *DB) Assignments(ctx context.Context, a Actor, f AssignmentFilter) ([]people.Assignment, int, error) {
	var out []people.Assignment
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
		if f.Kind != "" {
			where = append(where, "a.kind = ?")
			args = append(args, string(f.Kind))
		}
		if f.PersonID != 0 {
			where = append(where, "a.person_id = ?")
			args = append(args, f.PersonID)
		}
		if f.CurrentOn != "" {
			where = append(where, "a.starts_on <= ? AND (a.ends_on = '' OR a.ends_on >= ?)")
			args = append(args, f.CurrentOn, f.CurrentOn)
		}
		w := " WHERE " + strings.Join(where, " AND ")
		if err := t.QueryRow(ctx, "SELECT COUNT(*)"+assignmentFrom+w, args...).Scan(&total); err != nil {
			return fmt.Errorf("storage: count assignments: %w", err)
		}
		rows, err := t.Query(ctx, "SELECT "+assignmentCols+assignmentFrom+w+" ORDER BY a.kind, u.path, pp.name, a.id LIMIT ? OFFSET ?",
			append(args, clampLimit(f.Limit), max(f.Offset, 0))...)
		if err != nil {
			return fmt.Errorf("storage: assignments: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			x, err := scanAssignment(rows)
			if err != nil {
				return err
			}
			out = append(out, *x)
		}
		return rows.Err()
	})
	return out, total, err
}

// CreateAssignment records an assignment. The responsible person, the unit and the target must
// all lie in the actor's scope; first secretaries go to villages or communities, household links
// and member contacts need a party member and a cadre respectively.
func (db *DB) CreateAssignment(ctx context.Context, a Actor, x *people.Assignment) error {
	return db.update(ctx, func(t *Tx) error { return t.createAssignment(ctx, a, x) })
}

func (t *Tx) createAssignment(ctx context.Context, a Actor, x *people.Assignment) error {
	if err := x.Validate(); err != nil {
		return err
	}
	resp, err := t.personIn(ctx, a, authz.ViewPeople, x.PersonID)
	if err != nil {
		return errs.Invalid(errs.Field("person_id", "people.person.not_found"))
	}
	var path string
	switch x.Kind {
	case people.FirstSecretary, people.AreaLead:
		u, err := t.unitIn(ctx, a, authz.EditAssign, x.UnitID)
		if err != nil {
			return errs.Invalid(errs.Field("unit_id", "org.unit.not_found"))
		}
		if x.Kind == people.FirstSecretary && !u.Kind.IsBranch() {
			return errs.Invalid(errs.Field("unit_id", "assignment.first_secretary.unit_kind"))
		}
		if x.Kind == people.AreaLead && u.Kind != org.Town && !u.Kind.IsBranch() && u.Kind != org.Grid {
			return errs.Invalid(errs.Field("unit_id", "assignment.area_lead.unit_kind"))
		}
		if !resp.Has(people.Cadre) {
			return errs.Invalid(errs.Field("person_id", "assignment.needs_cadre"))
		}
		path = u.Path
	case people.HouseholdLink:
		h, err := t.householdIn(ctx, a, authz.EditAssign, x.HouseholdID)
		if err != nil {
			return errs.Invalid(errs.Field("household_id", "people.household.not_found"))
		}
		if !resp.PartyMember {
			return errs.Invalid(errs.Field("person_id", "assignment.needs_member"))
		}
		x.UnitID, path = h.UnitID, h.unitPath
	case people.MemberContact:
		m, err := t.personIn(ctx, a, authz.EditAssign, x.MemberID)
		if err != nil {
			return errs.Invalid(errs.Field("member_id", "people.person.not_found"))
		}
		if !m.PartyMember {
			return errs.Invalid(errs.Field("member_id", "assignment.needs_member"))
		}
		if !resp.Has(people.Cadre) {
			return errs.Invalid(errs.Field("person_id", "assignment.needs_cadre"))
		}
		x.UnitID, path = m.UnitID, m.UnitPath
	}
	now := t.db.clock.Now()
	id, err := t.insert(ctx, `INSERT INTO assignments (kind, person_id, unit_id, household_id, member_id, starts_on, ends_on, note, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`, string(x.Kind), x.PersonID, x.UnitID, nullID(x.HouseholdID), nullID(x.MemberID),
		x.StartsOn, x.EndsOn, strings.TrimSpace(x.Note), now, now)
	if err != nil {
		return fmt.Errorf("storage: create assignment: %w", err)
	}
	x.ID, x.Version = id, 1
	return t.audit(ctx, a, "create", "assignment", id, path, nil, x)
}

// EndAssignment ends an assignment on a day.
func (db *DB) EndAssignment(ctx context.Context, a Actor, id int64, endsOn string, version int64) error {
	return db.update(ctx, func(t *Tx) error {
		x, err := scanAssignment(t.QueryRow(ctx, "SELECT "+assignmentCols+assignmentFrom+" WHERE a.id = ?", id))
		if err != nil {
			return notFound(err)
		}
		path, err := t.unitPathOf(ctx, x.UnitID)
		if err != nil {
			return err
		}
		if !a.Scope(authz.EditAssign).Contains(path) {
			return errs.NotFound()
		}
		if x.Version != version {
			return errs.Conflict()
		}
		before := *x
		x.EndsOn = endsOn
		if err := x.Validate(); err != nil {
			return err
		}
		if err := checkVersion(t.Exec(ctx, "UPDATE assignments SET ends_on = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			endsOn, t.db.clock.Now(), id, version)); err != nil {
			return err
		}
		return t.audit(ctx, a, "end", "assignment", id, path, before, x)
	})
}

// Coverage runs the full-coverage check for a village or community on a day.
func (db *DB) Coverage(ctx context.Context, a Actor, unitID int64, day string) (*people.Coverage, error) {
	var cov people.Coverage
	err := db.view(ctx, func(t *Tx) error {
		u, err := t.unitIn(ctx, a, authz.ViewPeople, unitID)
		if err != nil {
			return err
		}
		cond, args := subtreeCond("u.path", u.Path)
		rows, err := t.Query(ctx, "SELECT "+householdCols+" FROM households h JOIN units u ON u.id = h.unit_id WHERE "+cond+" AND h.active = ? ORDER BY u.path, h.address",
			append(append([]any{true}, args...), true)...)
		if err != nil {
			return fmt.Errorf("storage: coverage households: %w", err)
		}
		var hs []people.Household
		for rows.Next() {
			h, err := scanHousehold(rows)
			if err != nil {
				rows.Close()
				return err
			}
			hs = append(hs, h.Household)
		}
		rows.Close()
		rows, err = t.Query(ctx, "SELECT "+personCols+personFrom+" WHERE "+cond+" AND p.active = ? AND p.party_member = ? ORDER BY u.path, p.name",
			append(args, true, true)...)
		if err != nil {
			return fmt.Errorf("storage: coverage members: %w", err)
		}
		var ms []people.Person
		for rows.Next() {
			p, err := scanPerson(rows)
			if err != nil {
				rows.Close()
				return err
			}
			ms = append(ms, *p)
		}
		rows.Close()
		linked, err := t.idSet(ctx, "SELECT a.household_id FROM assignments a JOIN units u ON u.id = a.unit_id WHERE "+cond+
			" AND a.kind = ? AND a.starts_on <= ? AND (a.ends_on = '' OR a.ends_on >= ?)", append(args, string(people.HouseholdLink), day, day)...)
		if err != nil {
			return err
		}
		contacted, err := t.idSet(ctx, "SELECT a.member_id FROM assignments a JOIN units u ON u.id = a.unit_id WHERE "+cond+
			" AND a.kind = ? AND a.starts_on <= ? AND (a.ends_on = '' OR a.ends_on >= ?)", append(args, string(people.MemberContact), day, day)...)
		if err != nil {
			return err
		}
		cov = people.ComputeCoverage(hs, ms, linked, contacted)
		return nil
	})
	return &cov, err
}

func (t *Tx) idSet(ctx context.Context, q string, args ...any) (map[int64]bool, error) {
	rows, err := t.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: ids: %w", err)
	}
	defer rows.Close()
	set := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		set[id] = true
	}
	return set, rows.Err()
}
