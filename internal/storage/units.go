package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
)

// UnitFilter selects units. Zero values select nothing in particular.
type UnitFilter struct {
	ParentID        int64 // direct children of this unit
	Under           int64 // anywhere below this unit (itself excluded)
	Kinds           []org.Kind
	Query           string // name or code contains
	IncludeInactive bool
	Limit           int // default 100, at most 1000
	Offset          int
}

const unitCols = `u.id, COALESCE(u.parent_id, 0), u.kind, u.code, u.name, u.path, u.depth, u.active, u.version, u.created_at, u.updated_at,
	COALESCE((SELECT p.name FROM units p WHERE p.id = u.parent_id), ''),
	(SELECT COUNT(*) FROM units c WHERE c.parent_id = u.id)`

// unitOwnCols are unitCols without the parent's name and the count of children (left empty), for
// a write that needs the unit alone (submitting a case reads one for every case).
const unitOwnCols = `u.id, COALESCE(u.parent_id, 0), u.kind, u.code, u.name, u.path, u.depth, u.active, u.version, u.created_at, u.updated_at,
	'', 0`

func scanUnit(sc interface{ Scan(...any) error }) (*org.Unit, error) {
	var u org.Unit
	err := sc.Scan(&u.ID, &u.ParentID, &u.Kind, &u.Code, &u.Name, &u.Path, &u.Depth, &u.Active, &u.Version,
		&u.CreatedAt, &u.UpdatedAt, &u.ParentName, &u.Children)
	return &u, err
}

// unitTx reads a unit by id inside a transaction, without scope; callers check scope.
func (t *Tx) unit(ctx context.Context, id int64) (*org.Unit, error) {
	u, err := scanUnit(t.QueryRow(ctx, "SELECT "+unitCols+" FROM units u WHERE u.id = ?", id))
	if err != nil {
		return nil, notFound(err)
	}
	return u, nil
}

// unitOwn reads a unit's own row: no parent name, no count of children.
func (t *Tx) unitOwn(ctx context.Context, id int64) (*org.Unit, error) {
	u, err := scanUnit(t.QueryRow(ctx, "SELECT "+unitOwnCols+" FROM units u WHERE u.id = ?", id))
	if err != nil {
		return nil, notFound(err)
	}
	return u, nil
}

// unitIn reads a unit and checks that perm reaches it; a unit out of reach is not found.
func (t *Tx) unitIn(ctx context.Context, a Actor, perm authz.Perm, id int64) (*org.Unit, error) {
	u, err := t.unit(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := checkReach(a, authz.ViewUnits, perm, u.Path); err != nil {
		return nil, err
	}
	return u, nil
}

// checkReach tells whether perm reaches a record at path for the actor: forbidden when the
// actor sees it (view reaches it) but may not do this, not found when they do not see it at all.
func checkReach(a Actor, view, perm authz.Perm, path string) error {
	if a.P.CanAt(perm, path) {
		return nil
	}
	if a.P.CanAt(view, path) {
		return errs.Forbidden()
	}
	return errs.NotFound()
}

// Unit returns the unit with id if the actor may see it.
func (db *DB) Unit(ctx context.Context, a Actor, id int64) (*org.Unit, error) {
	var u *org.Unit
	err := db.view(ctx, func(t *Tx) (err error) {
		u, err = t.unitIn(ctx, a, authz.ViewUnits, id)
		return err
	})
	return u, err
}

// UnitByCode returns the unit with code if the actor may see it.
func (db *DB) UnitByCode(ctx context.Context, a Actor, code string) (*org.Unit, error) {
	var u *org.Unit
	err := db.view(ctx, func(t *Tx) error {
		var err error
		u, err = scanUnit(t.QueryRow(ctx, "SELECT "+unitCols+" FROM units u WHERE u.code = ?", code))
		if err != nil {
			return notFound(err)
		}
		if !a.Scope(authz.ViewUnits).Contains(u.Path) {
			return errs.NotFound()
		}
		return nil
	})
	return u, err
}

// Units returns the units the filter selects within the actor's view scope, and how many
// there are in all.
func (db *DB) Units(ctx context.Context, a Actor, f UnitFilter) ([]org.Unit, int, error) {
	var out []org.Unit
	var total int
	err := db.view(ctx, func(t *Tx) error {
		cond, args := scopeCond("u.path", a.Scope(authz.ViewUnits))
		where := []string{cond}
		if f.ParentID != 0 {
			where = append(where, "u.parent_id = ?")
			args = append(args, f.ParentID)
		}
		if f.Under != 0 {
			p, err := t.unit(ctx, f.Under)
			if err != nil {
				return err
			}
			c, ca := subtreeCond("u.path", p.Path)
			where = append(where, c, "u.id <> ?")
			args = append(append(args, ca...), p.ID)
		}
		if len(f.Kinds) > 0 {
			where = append(where, "u.kind IN ("+strings.TrimSuffix(strings.Repeat("?,", len(f.Kinds)), ",")+")")
			for _, k := range f.Kinds {
				args = append(args, string(k))
			}
		}
		if q := strings.TrimSpace(f.Query); q != "" {
			where = append(where, `(u.name LIKE ? ESCAPE '\' OR u.code LIKE ? ESCAPE '\')`)
			args = append(args, "%"+likeEscape(q)+"%", likeEscape(q)+"%")
		}
		if !f.IncludeInactive {
			where = append(where, "u.active = ?")
			args = append(args, true)
		}
		w := " WHERE " + strings.Join(where, " AND ")
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM units u"+w, args...).Scan(&total); err != nil {
			return fmt.Errorf("storage: count units: %w", err)
		}
		limit := clampLimit(f.Limit)
		rows, err := t.Query(ctx, "SELECT "+unitCols+" FROM units u"+w+" ORDER BY u.depth, u.code LIMIT ? OFFSET ?",
			append(args, limit, max(f.Offset, 0))...)
		if err != nil {
			return fmt.Errorf("storage: units: %w", err)
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
	return out, total, err
}

func clampLimit(n int) int {
	switch {
	case n <= 0:
		return 100
	case n > 1000:
		return 1000
	}
	return n
}

// TopUnits returns the roots of the actor's view scope: the units their bindings name.
func (db *DB) TopUnits(ctx context.Context, a Actor) ([]org.Unit, error) {
	var out []org.Unit
	err := db.view(ctx, func(t *Tx) error {
		s := a.Scope(authz.ViewUnits)
		q := "SELECT " + unitCols + " FROM units u WHERE u.parent_id IS NULL ORDER BY u.code"
		var args []any
		if !s.All {
			if len(s.Paths) == 0 {
				return nil
			}
			var ids []string
			for _, p := range s.Paths {
				x := org.IDs(p)
				ids = append(ids, fmt.Sprint(x[len(x)-1]))
			}
			q = "SELECT " + unitCols + " FROM units u WHERE u.id IN (" + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + ") ORDER BY u.code"
			for _, id := range ids {
				args = append(args, id)
			}
		}
		rows, err := t.Query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("storage: top units: %w", err)
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

// Ancestors returns the units above id, root first, that the actor may see (for breadcrumbs).
func (db *DB) Ancestors(ctx context.Context, a Actor, id int64) ([]org.Unit, error) {
	var out []org.Unit
	err := db.view(ctx, func(t *Tx) error {
		u, err := t.unitIn(ctx, a, authz.ViewUnits, id)
		if err != nil {
			return err
		}
		s := a.Scope(authz.ViewUnits)
		for _, aid := range org.IDs(u.Path) {
			if aid == u.ID {
				break
			}
			p, err := t.unit(ctx, aid)
			if err != nil {
				return err
			}
			if s.Contains(p.Path) {
				out = append(out, *p)
			}
		}
		return nil
	})
	return out, err
}

// unitAudit is what the audit log keeps of a unit.
type unitAudit struct {
	ParentID int64  `json:"parent_id"`
	Kind     string `json:"kind"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	Path     string `json:"path"`
	Active   bool   `json:"active"`
}

func auditUnit(u *org.Unit) unitAudit {
	return unitAudit{u.ParentID, string(u.Kind), u.Code, u.Name, u.Path, u.Active}
}

// CreateUnit creates u under u.ParentID (0 for a root, which only the system may create) and
// fills its id, path and version.
func (db *DB) CreateUnit(ctx context.Context, a Actor, u *org.Unit) error {
	return db.update(ctx, func(t *Tx) error { return t.createUnit(ctx, a, u) })
}

func (t *Tx) createUnit(ctx context.Context, a Actor, u *org.Unit) error {
	var parent *org.Unit
	if u.ParentID != 0 {
		p, err := t.unitIn(ctx, a, authz.EditUnits, u.ParentID)
		if err != nil {
			if errs.Code(err) == errs.ENOTFOUND {
				return errs.Invalid(errs.Field("parent_id", "org.parent.not_found"))
			}
			return err
		}
		parent = p
	} else if !a.Scope(authz.EditUnits).All {
		return errs.Forbidden()
	}
	if err := u.Validate(parent); err != nil {
		return err
	}
	if err := t.codeFree(ctx, u.Code, 0); err != nil {
		return err
	}
	now := t.db.clock.Now()
	id, err := t.insert(ctx, `INSERT INTO units (parent_id, kind, code, name, path, depth, active, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, '', 0, ?, 1, ?, ?)`, nullID(u.ParentID), string(u.Kind), u.Code, u.Name, true, now, now)
	if err != nil {
		if t.d.IsUniqueViolation(err) {
			return errs.Invalid(errs.Field("code", "org.code.taken"))
		}
		return fmt.Errorf("storage: create unit: %w", err)
	}
	pp := ""
	if parent != nil {
		pp = parent.Path
	}
	u.ID, u.Path, u.Active, u.Version, u.CreatedAt, u.UpdatedAt = id, org.PathOf(pp, id), true, 1, now, now
	u.Depth = org.DepthOf(u.Path)
	if _, err := t.Exec(ctx, "UPDATE units SET path = ?, depth = ? WHERE id = ?", u.Path, u.Depth, id); err != nil {
		return fmt.Errorf("storage: set unit path: %w", err)
	}
	return t.audit(ctx, a, "create", "unit", id, u.Path, nil, auditUnit(u))
}

func (t *Tx) codeFree(ctx context.Context, code string, except int64) error {
	var n int
	if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM units WHERE code = ? AND id <> ?", code, except).Scan(&n); err != nil {
		return fmt.Errorf("storage: unit code: %w", err)
	}
	if n > 0 {
		return errs.Invalid(errs.Field("code", "org.code.taken"))
	}
	return nil
}

// UnitUpdate is a change to a unit's name or code; Version must be the version read.
type UnitUpdate struct {
	Name    string
	Code    string
	Version int64
}

// UpdateUnit renames a unit or changes its code.
func (db *DB) UpdateUnit(ctx context.Context, a Actor, id int64, up UnitUpdate) (*org.Unit, error) {
	var u *org.Unit
	err := db.update(ctx, func(t *Tx) error {
		old, err := t.unitIn(ctx, a, authz.EditUnits, id)
		if err != nil {
			return err
		}
		if old.Version != up.Version {
			return errs.Conflict()
		}
		var parent *org.Unit
		if old.ParentID != 0 {
			if parent, err = t.unit(ctx, old.ParentID); err != nil {
				return err
			}
		}
		nu := *old
		nu.Name, nu.Code = up.Name, up.Code
		if err := nu.Validate(parent); err != nil {
			return err
		}
		if nu.Code != old.Code && old.Children > 0 {
			// Children's codes extend or share this one; changing it would orphan theirs.
			return errs.Invalid(errs.Field("code", "org.code.has_children"))
		}
		if err := t.codeFree(ctx, nu.Code, id); err != nil {
			return err
		}
		now := t.db.clock.Now()
		if err := checkVersion(t.Exec(ctx, "UPDATE units SET name = ?, code = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			nu.Name, nu.Code, now, id, up.Version)); err != nil {
			return err
		}
		nu.Version, nu.UpdatedAt = old.Version+1, now
		u = &nu
		return t.audit(ctx, a, "update", "unit", id, old.Path, auditUnit(old), auditUnit(&nu))
	})
	return u, err
}

// MoveUnit moves a unit and its whole subtree under newParentID in one transaction. The actor
// must be allowed to edit both the unit and the new parent.
func (db *DB) MoveUnit(ctx context.Context, a Actor, id, newParentID, version int64) (*org.Unit, error) {
	var moved *org.Unit
	err := db.update(ctx, func(t *Tx) error {
		u, err := t.unitIn(ctx, a, authz.EditUnits, id)
		if err != nil {
			return err
		}
		if u.Version != version {
			return errs.Conflict()
		}
		np, err := t.unitIn(ctx, a, authz.EditUnits, newParentID)
		if err != nil {
			if errs.Code(err) == errs.ENOTFOUND {
				return errs.Invalid(errs.Field("parent_id", "org.parent.not_found"))
			}
			return err
		}
		if np.ID == u.ParentID {
			moved = u
			return nil
		}
		if err := org.CheckMove(u, np); err != nil {
			return err
		}
		if np.Kind.Administrative() && u.Kind.Administrative() {
			// A statistical code names its parent; a moved unit keeps its code only if it fits.
			if f := org.CheckCode(u.Kind, u.Code, np); f != nil {
				return errs.Invalid(errs.Field("parent_id", "org.move.code_mismatch"))
			}
		}
		newPath := org.PathOf(np.Path, u.ID)
		delta := org.DepthOf(newPath) - u.Depth
		cond, cargs := subtreeCond("path", u.Path)
		now := t.db.clock.Now()
		if _, err := t.Exec(ctx, "UPDATE units SET path = CAST(? AS TEXT) || substr(path, ?), depth = depth + ?, updated_at = ? WHERE "+cond,
			append([]any{newPath, len(u.Path) + 1, delta, now}, cargs...)...); err != nil {
			return fmt.Errorf("storage: move subtree: %w", err)
		}
		// Records that carry their unit's path for fast scoped lists follow the subtree.
		for _, col := range []string{"unit_path", "handler_path"} {
			c, ca := subtreeCond(col, u.Path)
			if _, err := t.Exec(ctx, "UPDATE cases SET "+col+" = CAST(? AS TEXT) || substr("+col+", ?) WHERE "+c,
				append([]any{newPath, len(u.Path) + 1}, ca...)...); err != nil {
				return fmt.Errorf("storage: move cases: %w", err)
			}
		}
		if err := checkVersion(t.Exec(ctx, "UPDATE units SET parent_id = ?, version = version + 1 WHERE id = ? AND version = ?",
			np.ID, u.ID, version)); err != nil {
			return err
		}
		before := auditUnit(u)
		u.ParentID, u.Path, u.Depth, u.Version, u.ParentName, u.UpdatedAt = np.ID, newPath, u.Depth+delta, version+1, np.Name, now
		moved = u
		return t.audit(ctx, a, "move", "unit", u.ID, newPath, before, auditUnit(u))
	})
	return moved, err
}

// SetUnitActive deactivates a unit with its whole subtree, or reactivates a unit whose parent
// is active. Units are never deleted once they hold records.
func (db *DB) SetUnitActive(ctx context.Context, a Actor, id int64, active bool, version int64) (*org.Unit, error) {
	var out *org.Unit
	err := db.update(ctx, func(t *Tx) error {
		u, err := t.unitIn(ctx, a, authz.EditUnits, id)
		if err != nil {
			return err
		}
		if u.Version != version {
			return errs.Conflict()
		}
		if u.Active == active {
			out = u
			return nil
		}
		now := t.db.clock.Now()
		if active {
			if u.ParentID != 0 {
				p, err := t.unit(ctx, u.ParentID)
				if err != nil {
					return err
				}
				if !p.Active {
					return errs.Invalid(errs.Field("active", "org.parent.inactive"))
				}
			}
			if _, err := t.Exec(ctx, "UPDATE units SET active = ?, updated_at = ? WHERE id = ?", true, now, id); err != nil {
				return err
			}
		} else {
			cond, cargs := subtreeCond("path", u.Path)
			if _, err := t.Exec(ctx, "UPDATE units SET active = ?, updated_at = ? WHERE "+cond, append([]any{false, now}, cargs...)...); err != nil {
				return fmt.Errorf("storage: deactivate subtree: %w", err)
			}
		}
		if err := checkVersion(t.Exec(ctx, "UPDATE units SET version = version + 1 WHERE id = ? AND version = ?", id, version)); err != nil {
			return err
		}
		before := auditUnit(u)
		u.Active, u.Version, u.UpdatedAt = active, version+1, now
		out = u
		action := "deactivate"
		if active {
			action = "activate"
		}
		return t.audit(ctx, a, action, "unit", id, u.Path, before, auditUnit(u))
	})
	return out, err
}

// unitPathOf returns the path of a unit id, for scoping records that hang on it.
func (t *Tx) unitPathOf(ctx context.Context, id int64) (string, error) {
	var p string
	err := t.QueryRow(ctx, "SELECT path FROM units WHERE id = ?", id).Scan(&p)
	if err == sql.ErrNoRows {
		return "", errs.NotFound()
	}
	return p, err
}

// underUnit limits the path column col to the subtree of the unit with id, for list filters.
// It narrows a scoped query; it never widens one.
func (t *Tx) underUnit(ctx context.Context, col string, id int64) (string, []any, error) {
	path, err := t.unitPathOf(ctx, id)
	if err != nil {
		return "", nil, err
	}
	c, args := subtreeCond(col, path)
	return c, args, nil
}
