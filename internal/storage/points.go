package storage

import (
	"context"
	"fmt"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/points"
)

// Points catalogues (积分细则): one per town or county and kind of target, applying to the
// targets under that unit (the nearest catalogue wins, so a town's overrides its county's).
// Whoever sees points at the catalogue's unit or anywhere under it reads it; whoever configures
// points at its unit changes it.

const pointsCatalogueCols = `c.id, c.unit_id, c.unit_path, u.name, c.target_kind, c.name, c.ratios, c.version, c.updated_at`

const pointsRuleCols = `r.id, r.catalogue_id, r.code, r.name, r.dimension, r.kind, r.points, r.cap, r.period, r.source, r.enabled,
	r.weight, r.version`

func scanPointsCatalogue(sc interface{ Scan(...any) error }) (*points.Catalogue, error) {
	var c points.Catalogue
	var ratios string
	if err := sc.Scan(&c.ID, &c.UnitID, &c.UnitPath, &c.UnitName, &c.Kind, &c.Name, &ratios, &c.Version, &c.UpdatedAt); err != nil {
		return nil, err
	}
	c.Ratios, _ = points.ParseRatios(ratios)
	return &c, nil
}

func scanPointsRule(sc interface{ Scan(...any) error }) (points.Rule, error) {
	var r points.Rule
	err := sc.Scan(&r.ID, &r.CatalogueID, &r.Code, &r.Name, &r.Dimension, &r.Kind, &r.Points, &r.Cap, &r.Period, &r.Source, &r.Enabled,
		&r.Weight, &r.Version)
	return r, err
}

// pointsCatalogues reads catalogues matching cond, each with its rules, without scope.
func (t *Tx) pointsCatalogues(ctx context.Context, cond string, args ...any) ([]points.Catalogue, error) {
	rows, err := t.Query(ctx, "SELECT "+pointsCatalogueCols+" FROM points_catalogues c JOIN units u ON u.id = c.unit_id WHERE "+cond+
		" ORDER BY c.unit_path, c.target_kind", args...)
	if err != nil {
		return nil, fmt.Errorf("storage: points catalogues: %w", err)
	}
	var out []points.Catalogue
	for rows.Next() {
		c, err := scanPointsCatalogue(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, *c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	// Every rule of the catalogues read, in one query.
	byID := make(map[int64]*points.Catalogue, len(out))
	for i := range out {
		byID[out[i].ID] = &out[i]
	}
	rs, err := t.Query(ctx, "SELECT "+pointsRuleCols+" FROM points_rules r JOIN points_catalogues c ON c.id = r.catalogue_id JOIN units u ON u.id = c.unit_id WHERE "+
		cond+" ORDER BY r.catalogue_id, r.dimension, r.id", args...)
	if err != nil {
		return nil, fmt.Errorf("storage: points rules: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		r, err := scanPointsRule(rs)
		if err != nil {
			return nil, err
		}
		if c := byID[r.CatalogueID]; c != nil {
			c.Rules = append(c.Rules, r)
		}
	}
	if err := rs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// reaches reports whether a scope reaches path or anything under it: a village's viewers read
// the town's catalogue that applies to them.
func reaches(s authz.Scope, path string) bool {
	if s.Contains(path) {
		return true
	}
	for _, p := range s.Paths {
		if strings.HasPrefix(p, path) {
			return true
		}
	}
	return false
}

// PointsCatalogues lists the catalogues the actor reads: those at units they see points in, and
// those above them that apply to them.
func (db *DB) PointsCatalogues(ctx context.Context, a Actor) ([]points.Catalogue, error) {
	var out []points.Catalogue
	err := db.view(ctx, func(t *Tx) error {
		all, err := t.pointsCatalogues(ctx, "1=1")
		for _, c := range all {
			if reaches(a.Scope(authz.ViewPoints), c.UnitPath) {
				out = append(out, c)
			}
		}
		return err
	})
	return out, err
}

// PointsCatalogue returns a catalogue the actor reads, with its rules.
func (db *DB) PointsCatalogue(ctx context.Context, a Actor, id int64) (*points.Catalogue, error) {
	var c *points.Catalogue
	err := db.view(ctx, func(t *Tx) (err error) {
		c, err = t.pointsCatalogueIn(ctx, a, id, authz.ViewPoints)
		return err
	})
	return c, err
}

// pointsCatalogueIn reads a catalogue: not read is not found; read but perm missing at its unit
// is forbidden.
func (t *Tx) pointsCatalogueIn(ctx context.Context, a Actor, id int64, perm authz.Perm) (*points.Catalogue, error) {
	cs, err := t.pointsCatalogues(ctx, "c.id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 || !reaches(a.Scope(authz.ViewPoints), cs[0].UnitPath) && !a.P.CanAt(perm, cs[0].UnitPath) {
		return nil, errs.NotFound()
	}
	if perm != authz.ViewPoints && !a.P.CanAt(perm, cs[0].UnitPath) {
		return nil, errs.Forbidden()
	}
	return &cs[0], nil
}

// CreatePointsCatalogue creates the catalogue of a town or county for a kind of target, starting
// from the default rules (points.Defaults) and the 352 ratios.
func (db *DB) CreatePointsCatalogue(ctx context.Context, a Actor, unitID int64, kind points.TargetKind, name string) (*points.Catalogue, error) {
	var out *points.Catalogue
	err := db.update(ctx, func(t *Tx) error {
		var err error
		out, err = t.createPointsCatalogue(ctx, a, unitID, kind, name, points.Defaults(kind))
		return err
	})
	return out, err
}

func (t *Tx) createPointsCatalogue(ctx context.Context, a Actor, unitID int64, kind points.TargetKind, name string, rules []points.Rule) (*points.Catalogue, error) {
	var fe []errs.FieldError
	if !kind.Valid() {
		fe = append(fe, errs.Field("kind", "points.kind.invalid"))
	}
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 100 {
		fe = append(fe, errs.Field("name", "points.catalogue.name.invalid"))
	}
	if err := errs.FieldsOf(fe); err != nil {
		return nil, err
	}
	u, err := scanUnit(t.QueryRow(ctx, "SELECT "+unitCols+" FROM units u WHERE u.id = ?", unitID))
	if err != nil || !a.Scope(authz.ViewUnits).Contains(u.Path) {
		return nil, errs.NotFound()
	}
	if !a.P.CanAt(authz.ConfigurePoints, u.Path) {
		return nil, errs.Forbidden()
	}
	if u.Kind != org.Town && u.Kind != org.County {
		return nil, errs.Invalid(errs.Field("unit", "points.catalogue.unit.invalid"))
	}
	var n int
	if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM points_catalogues WHERE unit_id = ? AND target_kind = ?", unitID, string(kind)).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, errs.Invalid(errs.Field("kind", "points.catalogue.exists"))
	}
	now := t.db.clock.Now()
	id, err := t.insert(ctx, `INSERT INTO points_catalogues (unit_id, unit_path, target_kind, name, ratios, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 1, ?, ?)`, u.ID, u.Path, string(kind), name, points.FormatRatios(points.DefaultRatios), now, now)
	if err != nil {
		return nil, fmt.Errorf("storage: create points catalogue: %w", err)
	}
	for i := range rules {
		r := rules[i]
		r.CatalogueID = id
		if err := t.insertPointsRule(ctx, &r); err != nil {
			return nil, err
		}
	}
	if err := t.audit(ctx, a, "points.catalogue.create", "points_catalogue", id, u.Path, nil,
		map[string]any{"kind": kind, "name": name, "rules": len(rules)}); err != nil {
		return nil, err
	}
	cs, err := t.pointsCatalogues(ctx, "c.id = ?", id)
	if err != nil {
		return nil, err
	}
	return &cs[0], nil
}

func (t *Tx) insertPointsRule(ctx context.Context, r *points.Rule) error {
	if err := r.Validate(); err != nil {
		return err
	}
	var n int
	if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM points_rules WHERE catalogue_id = ? AND code = ?", r.CatalogueID, r.Code).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return errs.Invalid(errs.Field("code", "points.rule.code.taken"))
	}
	now := t.db.clock.Now()
	id, err := t.insert(ctx, `INSERT INTO points_rules (catalogue_id, code, name, dimension, kind, points, cap, period, source, enabled, weight,
		version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`, r.CatalogueID, r.Code, r.Name, r.Dimension,
		string(r.Kind), r.Points, r.Cap, string(r.Period), string(r.Source), r.Enabled, r.Weight, now, now)
	if err != nil {
		return fmt.Errorf("storage: points rule: %w", err)
	}
	r.ID, r.Version = id, 1
	return nil
}

// SavePointsRule adds a rule to a catalogue (r.ID 0) or changes one (at r.Version; a stale
// version is a conflict). A rule is never deleted, only switched off; entries made under its
// earlier versions keep the points they were given. The catalogue's version moves with it.
func (db *DB) SavePointsRule(ctx context.Context, a Actor, catalogueID int64, r *points.Rule) error {
	return db.update(ctx, func(t *Tx) error {
		c, err := t.pointsCatalogueIn(ctx, a, catalogueID, authz.ConfigurePoints)
		if err != nil {
			return err
		}
		r.CatalogueID = c.ID
		if r.ID == 0 {
			if err := t.insertPointsRule(ctx, r); err != nil {
				return err
			}
			if err := t.bumpPointsCatalogue(ctx, c.ID); err != nil {
				return err
			}
			return t.audit(ctx, a, "points.rule.create", "points_rule", r.ID, c.UnitPath, nil, r)
		}
		before := c.Rule(r.ID)
		if before == nil {
			return errs.NotFound()
		}
		if err := r.Validate(); err != nil {
			return err
		}
		if r.Code != before.Code {
			var n int
			if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM points_rules WHERE catalogue_id = ? AND code = ? AND id <> ?", c.ID, r.Code, r.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return errs.Invalid(errs.Field("code", "points.rule.code.taken"))
			}
		}
		err = checkVersion(t.Exec(ctx, `UPDATE points_rules SET code = ?, name = ?, dimension = ?, kind = ?, points = ?, cap = ?, period = ?,
			source = ?, enabled = ?, weight = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`, r.Code, r.Name, r.Dimension,
			string(r.Kind), r.Points, r.Cap, string(r.Period), string(r.Source), r.Enabled, r.Weight, t.db.clock.Now(), r.ID, r.Version))
		if err != nil {
			return err
		}
		r.Version++
		if err := t.bumpPointsCatalogue(ctx, c.ID); err != nil {
			return err
		}
		return t.audit(ctx, a, "points.rule.update", "points_rule", r.ID, c.UnitPath, before, r)
	})
}

func (t *Tx) bumpPointsCatalogue(ctx context.Context, id int64) error {
	_, err := t.Exec(ctx, "UPDATE points_catalogues SET version = version + 1, updated_at = ? WHERE id = ?", t.db.clock.Now(), id)
	return err
}

// SavePointsRatios sets a catalogue's grading ratios (e.g. "excellent:30,good:50,fair:20") at
// version; a set that does not add up to 100% is refused and nothing changes.
func (db *DB) SavePointsRatios(ctx context.Context, a Actor, catalogueID int64, ratios string, version int64) error {
	rs, err := points.ParseRatios(ratios)
	if err != nil {
		return err
	}
	return db.update(ctx, func(t *Tx) error {
		c, err := t.pointsCatalogueIn(ctx, a, catalogueID, authz.ConfigurePoints)
		if err != nil {
			return err
		}
		err = checkVersion(t.Exec(ctx, "UPDATE points_catalogues SET ratios = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			points.FormatRatios(rs), t.db.clock.Now(), c.ID, version))
		if err != nil {
			return err
		}
		return t.audit(ctx, a, "points.ratios", "points_catalogue", c.ID, c.UnitPath, points.FormatRatios(c.Ratios), points.FormatRatios(rs))
	})
}

// catalogueFor is the catalogue of kind k that applies to a target at unitPath: the one at its
// nearest town or county (the longest path that is a prefix of unitPath).
func catalogueFor(cs []points.Catalogue, k points.TargetKind, unitPath string) *points.Catalogue {
	var best *points.Catalogue
	for i := range cs {
		c := &cs[i]
		if c.Kind == k && strings.HasPrefix(unitPath, c.UnitPath) && (best == nil || len(c.UnitPath) > len(best.UnitPath)) {
			best = c
		}
	}
	return best
}

// PointsUnits lists the towns and counties whose horse race the actor sees (any part of),
// counties first.
func (db *DB) PointsUnits(ctx context.Context, a Actor) ([]org.Unit, error) {
	var out []org.Unit
	err := db.view(ctx, func(t *Tx) error {
		rows, err := t.Query(ctx, "SELECT "+unitCols+" FROM units u WHERE u.kind IN (?, ?) AND u.active = ? ORDER BY u.depth, u.path",
			string(org.County), string(org.Town), true)
		if err != nil {
			return fmt.Errorf("storage: points units: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanUnit(rows)
			if err != nil {
				return err
			}
			if reaches(a.Scope(authz.ViewPoints), u.Path) {
				out = append(out, *u)
			}
		}
		return rows.Err()
	})
	return out, err
}

// PointsTargets lists the targets of kind k the actor may enter points for: party members (for
// secretaries and members) or service teams, by name.
func (db *DB) PointsTargets(ctx context.Context, a Actor, k points.TargetKind) ([]PointsTarget, error) {
	var out []PointsTarget
	err := db.view(ctx, func(t *Tx) error {
		var q string
		var args []any
		switch {
		case k.Person():
			q, args = "SELECT p.id, p.name, p.unit_id, u.path, u.name FROM people p JOIN units u ON u.id = p.unit_id WHERE p.party_member = ? AND p.active = ?", []any{true, true}
			c, ca := scopeCond("u.path", a.Scope(authz.EnterPoints))
			q, args = q+" AND "+c+" ORDER BY u.path, p.name LIMIT 1000", append(args, ca...)
		case k == points.ServiceTeam:
			q, args = "SELECT s.id, s.name, s.unit_id, u.path, u.name FROM service_teams s JOIN units u ON u.id = s.unit_id WHERE s.active = ?", []any{true}
			c, ca := scopeCond("u.path", a.Scope(authz.EnterPoints))
			q, args = q+" AND "+c+" ORDER BY u.path, s.name LIMIT 1000", append(args, ca...)
		default:
			return errs.Invalid(errs.Field("kind", "points.kind.invalid"))
		}
		rows, err := t.Query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("storage: points targets: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			pt := PointsTarget{Kind: k}
			if err := rows.Scan(&pt.ID, &pt.Name, &pt.UnitID, &pt.UnitPath, &pt.UnitName); err != nil {
				return err
			}
			out = append(out, pt)
		}
		return rows.Err()
	})
	return out, err
}
