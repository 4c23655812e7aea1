package storage

import (
	"context"
	"fmt"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/people"
)

// Assignment returns one assignment the actor may see.
func (db *DB) Assignment(ctx context.Context, a Actor, id int64) (*people.Assignment, error) {
	var out *people.Assignment
	err := db.view(ctx, func(t *Tx) error {
		x, err := scanAssignment(t.QueryRow(ctx, "SELECT "+assignmentCols+assignmentFrom+" WHERE a.id = ?", id))
		if err != nil {
			return notFound(err)
		}
		path, err := t.unitPathOf(ctx, x.UnitID)
		if err != nil {
			return err
		}
		if !a.Scope(authz.ViewPeople).Contains(path) {
			return errs.NotFound()
		}
		out = x
		return nil
	})
	return out, err
}

// AssignmentsTargeting returns the assignments whose target is the party member memberID (member
// contacts) or the household householdID (household links), either may be 0, within the actor's
// view scope: who is responsible for this person or household. Running ones come first.
func (db *DB) AssignmentsTargeting(ctx context.Context, a Actor, memberID, householdID int64) ([]people.Assignment, error) {
	var out []people.Assignment
	if memberID == 0 && householdID == 0 {
		return out, nil
	}
	err := db.view(ctx, func(t *Tx) error {
		cond, args := scopeCond("u.path", a.Scope(authz.ViewPeople))
		rows, err := t.Query(ctx, "SELECT "+assignmentCols+assignmentFrom+" WHERE "+cond+
			" AND (a.member_id = ? OR a.household_id = ?) ORDER BY a.ends_on <> '', a.starts_on DESC, a.id DESC LIMIT 200",
			append(args, memberID, householdID)...)
		if err != nil {
			return fmt.Errorf("storage: assignments targeting: %w", err)
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
	return out, err
}
