package storage

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/people"
)

// maxCaseChoices bounds the people or units a case form offers in one select.
const maxCaseChoices = 500

// CaseHandlers lists the people a case of the unit with unitID may be dispatched to: the active
// party members, cadres and grid workers of its subtree. The unit must be one where the actor
// manages cases; elsewhere it is not found.
func (db *DB) CaseHandlers(ctx context.Context, a Actor, unitID int64) ([]people.Person, error) {
	var out []people.Person
	err := db.view(ctx, func(t *Tx) error {
		u, err := t.unit(ctx, unitID)
		if err != nil {
			return err
		}
		if !a.Scope(authz.ManageCases).Contains(u.Path) {
			return errs.NotFound()
		}
		cond, args := subtreeCond("u.path", u.Path)
		args = append(args, true, true, "%,"+string(people.Cadre)+",%", "%,"+string(people.GridWorker)+",%", maxCaseChoices)
		rows, err := t.Query(ctx, "SELECT "+personCols+personFrom+" WHERE "+cond+
			" AND p.active = ? AND (p.party_member = ? OR p.categories LIKE ? OR p.categories LIKE ?) ORDER BY u.path, p.name, p.id LIMIT ?", args...)
		if err != nil {
			return fmt.Errorf("storage: case handlers: %w", err)
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
	return out, err
}

// CaseDepartments lists the active departments a case may be escalated to: those of the town its
// unit lies in. Only someone who manages the case may ask.
func (db *DB) CaseDepartments(ctx context.Context, a Actor, caseID int64) ([]org.Unit, error) {
	var out []org.Unit
	err := db.view(ctx, func(t *Tx) error {
		c, k, err := t.caseIn(ctx, a, caseID)
		if err != nil {
			return err
		}
		if !k.Manager {
			return errs.Forbidden()
		}
		var town int64
		ids := org.IDs(c.UnitPath)
		for i := len(ids) - 1; i >= 0 && town == 0; i-- {
			u, err := t.unit(ctx, ids[i])
			if err != nil {
				return err
			}
			if u.Kind == org.Town {
				town = u.ID
			}
		}
		if town == 0 {
			return nil
		}
		rows, err := t.Query(ctx, "SELECT "+unitCols+" FROM units u WHERE u.parent_id = ? AND u.kind = ? AND u.active = ? ORDER BY u.code LIMIT ?",
			town, string(org.Department), true, maxCaseChoices)
		if err != nil {
			return fmt.Errorf("storage: case departments: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanUnit(rows)
			if err != nil {
				return err
			}
			out = append(out, *u)
		}
		return rows.Err()
	})
	return out, err
}

// CaseReporters finds the registered people a case may be entered for, among those the actor may
// both see and report for, under the unit with unitID (0: anywhere in reach): by a whole phone
// number, a whole ID number, a record number, or part of the name. At most limit are returned.
func (db *DB) CaseReporters(ctx context.Context, a Actor, unitID int64, query string, limit int) ([]people.Person, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, nil
	}
	var out []people.Person
	err := db.view(ctx, func(t *Tx) error {
		c1, args := scopeCond("u.path", a.Scope(authz.ReportCases))
		c2, a2 := scopeCond("u.path", a.Scope(authz.ViewPeople))
		where := []string{c1, c2, "p.active = ?"}
		args = append(append(args, a2...), true)
		if unitID != 0 {
			c, ca, err := t.underUnit(ctx, "u.path", unitID)
			if err != nil {
				return err
			}
			where = append(where, c)
			args = append(args, ca...)
		}
		ph, idn := people.NormalizePhone(query), strings.ToUpper(query)
		switch {
		case people.ValidPhone(ph):
			where = append(where, "p.phone = ?")
			args = append(args, ph)
		case people.ValidIDNumber(idn):
			where = append(where, "p.id_number = ?")
			args = append(args, idn)
		default:
			if id, err := strconv.ParseInt(query, 10, 64); err == nil && id > 0 {
				where = append(where, "p.id = ?")
				args = append(args, id)
			} else {
				where = append(where, `p.name LIKE ? ESCAPE '\'`)
				args = append(args, "%"+likeEscape(query)+"%")
			}
		}
		rows, err := t.Query(ctx, "SELECT "+personCols+personFrom+" WHERE "+strings.Join(where, " AND ")+" ORDER BY u.path, p.name, p.id LIMIT ?",
			append(args, clampLimit(limit))...)
		if err != nil {
			return fmt.Errorf("storage: case reporters: %w", err)
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
	return out, err
}
