package storage

import (
	"context"
	"fmt"

	"wuxing/internal/authz"
)

// UnitCount is what a unit's subtree holds: active units below it and, when the actor may see
// people there, active households, people and party members.
type UnitCount struct {
	Units      int
	People     bool // the people counts below are filled: the actor's people scope covers the unit
	Households int
	Persons    int
	Members    int
}

// UnitCounts returns the subtree counts of each of ids that the actor may see; ids out of the
// actor's view scope are left out of the map. People and households are counted only for a
// unit wholly inside the actor's people scope, so a count never reveals records beyond it.
func (db *DB) UnitCounts(ctx context.Context, a Actor, ids []int64) (map[int64]UnitCount, error) {
	out := make(map[int64]UnitCount, len(ids))
	err := db.view(ctx, func(t *Tx) error {
		view, ppl := a.Scope(authz.ViewUnits), a.Scope(authz.ViewPeople)
		for _, id := range ids {
			path, err := t.unitPathOf(ctx, id)
			if err != nil || !view.Contains(path) {
				continue
			}
			var c UnitCount
			end := pathEnd(path)
			if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM units u WHERE u.path > ? AND u.path < ? AND u.active = ?",
				path, end, true).Scan(&c.Units); err != nil {
				return fmt.Errorf("storage: count subtree units: %w", err)
			}
			if ppl.Contains(path) {
				c.People = true
				if err := t.QueryRow(ctx, `SELECT
					(SELECT COUNT(*) FROM households h JOIN units u ON u.id = h.unit_id WHERE u.path >= ? AND u.path < ? AND h.active = ?),
					(SELECT COUNT(*) FROM people p JOIN units u ON u.id = p.unit_id WHERE u.path >= ? AND u.path < ? AND p.active = ?),
					(SELECT COUNT(*) FROM people p JOIN units u ON u.id = p.unit_id WHERE u.path >= ? AND u.path < ? AND p.active = ? AND p.party_member = ?)`,
					path, end, true, path, end, true, path, end, true, true).Scan(&c.Households, &c.Persons, &c.Members); err != nil {
					return fmt.Errorf("storage: count subtree people: %w", err)
				}
			}
			out[id] = c
		}
		return nil
	})
	return out, err
}
