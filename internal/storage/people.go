package storage

import (
	"context"
	"fmt"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/people"
)

const personCols = `p.id, p.unit_id, COALESCE(p.household_id, 0), p.relation, p.name, p.gender, p.birth_date, p.phone, p.id_number,
	p.party_member, p.joined_party_on, p.categories, p.active, p.version, p.updated_at, u.name, u.path, COALESCE(h.address, '')`

const personFrom = ` FROM people p JOIN units u ON u.id = p.unit_id LEFT JOIN households h ON h.id = p.household_id`

func scanPerson(sc interface{ Scan(...any) error }) (*people.Person, error) {
	var p people.Person
	var cats string
	err := sc.Scan(&p.ID, &p.UnitID, &p.HouseholdID, &p.Relation, &p.Name, &p.Gender, &p.BirthDate, &p.Phone, &p.IDNumber,
		&p.PartyMember, &p.JoinedPartyOn, &cats, &p.Active, &p.Version, &p.UpdatedAt, &p.UnitName, &p.UnitPath, &p.Household)
	p.Categories = splitCategories(cats)
	return &p, err
}

// Categories are stored as ",cadre,volunteer," so that one LIKE finds a category.
func joinCategories(cs []people.Category) string {
	if len(cs) == 0 {
		return ""
	}
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return "," + strings.Join(s, ",") + ","
}

func splitCategories(s string) []people.Category {
	var out []people.Category
	for _, x := range strings.Split(strings.Trim(s, ","), ",") {
		if x != "" {
			out = append(out, people.Category(x))
		}
	}
	return out
}

func (t *Tx) person(ctx context.Context, id int64) (*people.Person, error) {
	p, err := scanPerson(t.QueryRow(ctx, "SELECT "+personCols+personFrom+" WHERE p.id = ?", id))
	if err != nil {
		return nil, notFound(err)
	}
	return p, nil
}

// personIn reads a person and checks that perm reaches their unit.
func (t *Tx) personIn(ctx context.Context, a Actor, perm authz.Perm, id int64) (*people.Person, error) {
	p, err := t.person(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.Scope(perm).Contains(p.UnitPath) {
		if perm != authz.ViewPeople && a.Scope(authz.ViewPeople).Contains(p.UnitPath) {
			return nil, errs.Forbidden()
		}
		return nil, errs.NotFound()
	}
	return p, nil
}

// Person returns a person the actor may see.
func (db *DB) Person(ctx context.Context, a Actor, id int64) (*people.Person, error) {
	var p *people.Person
	err := db.view(ctx, func(t *Tx) (err error) {
		p, err = t.personIn(ctx, a, authz.ViewPeople, id)
		return err
	})
	return p, err
}

// PeopleFilter selects people.
type PeopleFilter struct {
	UnitID          int64 // in this unit's subtree
	HouseholdID     int64
	Query           string // name contains
	Phone           string // full phone number, exact
	PartyMember     *bool
	Category        people.Category
	IncludeInactive bool
	Limit           int
	Offset          int
}

// People returns the people the filter selects in the actor's view scope, and the total.
func (db *DB) People(ctx context.Context, a Actor, f PeopleFilter) ([]people.Person, int, error) {
	var out []people.Person
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
		if f.HouseholdID != 0 {
			where = append(where, "p.household_id = ?")
			args = append(args, f.HouseholdID)
		}
		if q := strings.TrimSpace(f.Query); q != "" {
			where = append(where, `p.name LIKE ? ESCAPE '\'`)
			args = append(args, "%"+likeEscape(q)+"%")
		}
		if ph := people.NormalizePhone(f.Phone); ph != "" {
			where = append(where, "p.phone = ?")
			args = append(args, ph)
		}
		if f.PartyMember != nil {
			where = append(where, "p.party_member = ?")
			args = append(args, *f.PartyMember)
		}
		if f.Category != "" {
			where = append(where, "p.categories LIKE ?")
			args = append(args, "%,"+likeEscape(string(f.Category))+",%")
		}
		if !f.IncludeInactive {
			where = append(where, "p.active = ?")
			args = append(args, true)
		}
		w := " WHERE " + strings.Join(where, " AND ")
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM people p JOIN units u ON u.id = p.unit_id"+w, args...).Scan(&total); err != nil {
			return fmt.Errorf("storage: count people: %w", err)
		}
		rows, err := t.Query(ctx, "SELECT "+personCols+personFrom+w+" ORDER BY u.path, p.name, p.id LIMIT ? OFFSET ?",
			append(args, clampLimit(f.Limit), max(f.Offset, 0))...)
		if err != nil {
			return fmt.Errorf("storage: people: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPerson(rows)
			if err != nil {
				return err
			}
			out = append(out, *p)
		}
		return rows.Err()
	})
	return out, total, err
}

// personAudit is what the audit log keeps of a person: personal numbers masked, so the log
// never holds them in full.
func personAudit(p *people.Person) map[string]any {
	return map[string]any{
		"unit_id": p.UnitID, "household_id": p.HouseholdID, "relation": p.Relation, "name": p.Name, "gender": p.Gender,
		"birth_date": p.BirthDate, "phone_set": p.Phone != "", "id_number_set": p.IDNumber != "", "party_member": p.PartyMember,
		"joined_party_on": p.JoinedPartyOn, "categories": p.Categories, "active": p.Active,
	}
}

// checkPersonPlace checks the unit and household a person is placed in: both within the
// actor's edit scope, the household active and under the unit.
func (t *Tx) checkPersonPlace(ctx context.Context, a Actor, p *people.Person) (string, error) {
	u, err := t.unitIn(ctx, a, authz.EditPeople, p.UnitID)
	if err != nil {
		return "", errs.Invalid(errs.Field("unit_id", "org.unit.not_found"))
	}
	if !u.Active {
		return "", errs.Invalid(errs.Field("unit_id", "org.unit.inactive"))
	}
	if p.HouseholdID != 0 {
		h, err := t.household(ctx, p.HouseholdID)
		if err != nil || !a.Scope(authz.EditPeople).Contains(h.unitPath) {
			return "", errs.Invalid(errs.Field("household_id", "people.household.not_found"))
		}
		// A person in a household belongs to the household's unit.
		p.UnitID = h.UnitID
		return h.unitPath, nil
	}
	return u.Path, nil
}

func (t *Tx) idNumberFree(ctx context.Context, idn string, except int64) error {
	if idn == "" {
		return nil
	}
	var n int
	// The id_number <> '' term lets SQLite use the partial unique index instead of scanning.
	if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM people WHERE id_number = ? AND id_number <> '' AND id <> ?", idn, except).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return errs.Invalid(errs.Field("id_number", "people.id_number.taken"))
	}
	return nil
}

// CreatePerson creates a person in a unit the actor may edit people in.
func (db *DB) CreatePerson(ctx context.Context, a Actor, p *people.Person) error {
	return db.update(ctx, func(t *Tx) error { return t.createPerson(ctx, a, p) })
}

func (t *Tx) createPerson(ctx context.Context, a Actor, p *people.Person) error {
	if err := p.Validate(t.db.clock.Now()); err != nil {
		return err
	}
	path, err := t.checkPersonPlace(ctx, a, p)
	if err != nil {
		return err
	}
	if err := t.idNumberFree(ctx, p.IDNumber, 0); err != nil {
		return err
	}
	now := t.db.clock.Now()
	id, err := t.insert(ctx, `INSERT INTO people (unit_id, household_id, relation, name, gender, birth_date, phone, id_number,
		party_member, joined_party_on, categories, active, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
		p.UnitID, nullID(p.HouseholdID), string(p.Relation), p.Name, p.Gender, p.BirthDate, p.Phone, p.IDNumber,
		p.PartyMember, p.JoinedPartyOn, joinCategories(p.Categories), true, now, now)
	if err != nil {
		if t.d.IsUniqueViolation(err) {
			return errs.Invalid(errs.Field("id_number", "people.id_number.taken"))
		}
		return fmt.Errorf("storage: create person: %w", err)
	}
	p.ID, p.Active, p.Version, p.UpdatedAt = id, true, 1, now
	return t.audit(ctx, a, "create", "person", id, path, nil, personAudit(p))
}

// UpdatePerson replaces a person's fields; p.Version must be the version read.
func (db *DB) UpdatePerson(ctx context.Context, a Actor, p *people.Person) error {
	return db.update(ctx, func(t *Tx) error {
		old, err := t.personIn(ctx, a, authz.EditPeople, p.ID)
		if err != nil {
			return err
		}
		if old.Version != p.Version {
			return errs.Conflict()
		}
		if err := p.Validate(t.db.clock.Now()); err != nil {
			return err
		}
		path, err := t.checkPersonPlace(ctx, a, p)
		if err != nil {
			return err
		}
		if err := t.idNumberFree(ctx, p.IDNumber, p.ID); err != nil {
			return err
		}
		now := t.db.clock.Now()
		err = checkVersion(t.Exec(ctx, `UPDATE people SET unit_id = ?, household_id = ?, relation = ?, name = ?, gender = ?, birth_date = ?,
			phone = ?, id_number = ?, party_member = ?, joined_party_on = ?, categories = ?, active = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`,
			p.UnitID, nullID(p.HouseholdID), string(p.Relation), p.Name, p.Gender, p.BirthDate, p.Phone, p.IDNumber,
			p.PartyMember, p.JoinedPartyOn, joinCategories(p.Categories), p.Active, now, p.ID, p.Version))
		if err != nil {
			if t.d.IsUniqueViolation(err) {
				return errs.Invalid(errs.Field("id_number", "people.id_number.taken"))
			}
			return err
		}
		p.Version, p.UpdatedAt = p.Version+1, now
		return t.audit(ctx, a, "update", "person", p.ID, path, personAudit(old), personAudit(p))
	})
}
