package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/figures"
	"wuxing/internal/org"
)

// figureCond returns the condition that puts a case row "c" in count n, with its arguments. The
// figures aggregate sums these conditions and a case list filtered by the same condition shows
// exactly the cases a count counts, so every figure can be traced to its records.
func figureCond(n figures.Count) (string, []any, bool) {
	resolved := "c.status IN (?, ?, ?, ?)"
	resolvedArgs := []any{string(cases.Resolved), string(cases.Checked), string(cases.Rated), string(cases.Closed)}
	switch n {
	case figures.Received:
		return "1=1", nil, true
	case figures.Taken:
		return "c.status <> ?", []any{string(cases.Rejected)}, true
	case figures.Responded:
		// Accepted, or rejected with a reason, by the acceptance deadline. A case stored before
		// deadlines for acceptance were kept has none: any decision counts.
		return "((c.accepted_at IS NOT NULL AND (c.accept_due IS NULL OR c.accepted_at <= c.accept_due))" +
			" OR (c.status = ? AND c.closed_at IS NOT NULL AND (c.accept_due IS NULL OR c.closed_at <= c.accept_due)))", []any{string(cases.Rejected)}, true
	case figures.Resolved:
		return resolved, resolvedArgs, true
	case figures.OnTime:
		return resolved + " AND c.resolved_at <= c.deadline", resolvedArgs, true
	case figures.Delivered:
		return "c.resolved_at IS NOT NULL", nil, true
	case figures.Rated:
		return "c.rating IN (?, ?, ?)", []any{string(cases.Satisfied), string(cases.BasicSatisfied), string(cases.Dissatisfied)}, true
	case figures.Satisfied:
		return "c.rating = ?", []any{string(cases.Satisfied)}, true
	case figures.BasicSatisfied:
		return "c.rating = ?", []any{string(cases.BasicSatisfied)}, true
	case figures.Dissatisfied:
		return "c.rating = ?", []any{string(cases.Dissatisfied)}, true
	case figures.Reworked:
		return "c.reworks > ?", []any{0}, true
	}
	return "", nil, false
}

// FigureSettings are the figure settings in force for a unit and where they come from.
type FigureSettings struct {
	figures.Settings
	UnitID   int64  // the unit whose row is in force; 0 for the built-in defaults
	UnitName string // its name
	UnitPath string // its path
	Version  int64  // that row's version
}

// figureUnitKinds are the units that may hold figure settings: a county or town sets the
// weights its villages are ranked by (a province or city may set a default for its counties).
var figureUnitKinds = []org.Kind{org.Province, org.City, org.County, org.Town}

// FigureSettingsUnit reports whether units of kind k may hold figure settings.
func FigureSettingsUnit(k org.Kind) bool {
	for _, x := range figureUnitKinds {
		if x == k {
			return true
		}
	}
	return false
}

// figureSettings returns the settings in force at the unit with path: the row of the nearest
// unit on the path (the unit itself included), or the built-in defaults.
func (t *Tx) figureSettings(ctx context.Context, path string) (FigureSettings, error) {
	ids := org.IDs(path)
	out := FigureSettings{Settings: figures.Default()}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := t.Query(ctx, `SELECT f.unit_id, u.name, u.path, u.depth, f.w_response, f.w_resolution, f.w_on_time, f.w_satisfaction, f.w_rework,
		f.basic_weight, f.min_cases, f.version FROM figure_settings f JOIN units u ON u.id = f.unit_id
		WHERE f.unit_id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+`) ORDER BY u.depth DESC`, args...)
	if err != nil {
		return out, fmt.Errorf("storage: figure settings: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		var depth int
		s := &out.Settings
		if err := rows.Scan(&out.UnitID, &out.UnitName, &out.UnitPath, &depth, &s.Response, &s.Resolution, &s.OnTime, &s.Satisfaction, &s.Rework,
			&s.BasicWeight, &s.MinCases, &out.Version); err != nil {
			return out, err
		}
	}
	return out, rows.Err()
}

// FigureSettingsAt returns the settings in force at a unit the actor may see.
func (db *DB) FigureSettingsAt(ctx context.Context, a Actor, unitID int64) (*org.Unit, FigureSettings, error) {
	var u *org.Unit
	var fs FigureSettings
	err := db.view(ctx, func(t *Tx) (err error) {
		if u, err = t.unitIn(ctx, a, authz.ViewUnits, unitID); err != nil {
			return err
		}
		fs, err = t.figureSettings(ctx, u.Path)
		return err
	})
	return u, fs, err
}

// configurableFigureUnit reads a unit whose figure settings the actor is about to change.
func (t *Tx) configurableFigureUnit(ctx context.Context, a Actor, unitID int64) (*org.Unit, error) {
	u, err := t.unitIn(ctx, a, authz.ConfigureCases, unitID)
	if err != nil {
		return nil, err
	}
	if !FigureSettingsUnit(u.Kind) {
		return nil, errs.Invalid(errs.Field("unit", "figures.settings.unit_kind"))
	}
	return u, nil
}

func figureSettingsAudit(s figures.Settings) map[string]any {
	return map[string]any{"w_response": s.Response, "w_resolution": s.Resolution, "w_on_time": s.OnTime,
		"w_satisfaction": s.Satisfaction, "w_rework": s.Rework, "basic_weight": s.BasicWeight, "min_cases": s.MinCases}
}

// SaveFigureSettings sets a unit's own figure settings. version is that of the unit's own row as
// read, 0 when it had none; a row changed or added meanwhile is a conflict. Settings whose
// weights do not sum to 100% are refused and nothing changes.
func (db *DB) SaveFigureSettings(ctx context.Context, a Actor, unitID int64, s figures.Settings, version int64) error {
	return db.update(ctx, func(t *Tx) error {
		u, err := t.configurableFigureUnit(ctx, a, unitID)
		if err != nil {
			return err
		}
		if err := s.Validate(); err != nil {
			return err
		}
		cur, err := t.figureSettings(ctx, u.Path)
		if err != nil {
			return err
		}
		var uid any
		if !a.P.System {
			uid = a.P.UserID
		}
		now := t.db.clock.Now()
		var before any
		if version == 0 {
			if cur.UnitID == u.ID {
				return errs.Conflict()
			}
			_, err = t.Exec(ctx, `INSERT INTO figure_settings (unit_id, w_response, w_resolution, w_on_time, w_satisfaction, w_rework,
				basic_weight, min_cases, version, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
				u.ID, s.Response, s.Resolution, s.OnTime, s.Satisfaction, s.Rework, s.BasicWeight, s.MinCases, uid, now)
			if t.d.IsUniqueViolation(err) {
				return errs.Conflict()
			}
			if err != nil {
				return fmt.Errorf("storage: save figure settings: %w", err)
			}
		} else {
			if cur.UnitID == u.ID {
				before = figureSettingsAudit(cur.Settings)
			}
			if err := checkVersion(t.Exec(ctx, `UPDATE figure_settings SET w_response = ?, w_resolution = ?, w_on_time = ?, w_satisfaction = ?,
				w_rework = ?, basic_weight = ?, min_cases = ?, version = version + 1, updated_by = ?, updated_at = ? WHERE unit_id = ? AND version = ?`,
				s.Response, s.Resolution, s.OnTime, s.Satisfaction, s.Rework, s.BasicWeight, s.MinCases, uid, now, u.ID, version)); err != nil {
				return err
			}
		}
		return t.audit(ctx, a, "update", "figure_settings", u.ID, u.Path, before, figureSettingsAudit(s))
	})
}

// ResetFigureSettings removes a unit's own figure settings, so that it uses those of the unit
// above it (or the built-in defaults). version is that of the row as read.
func (db *DB) ResetFigureSettings(ctx context.Context, a Actor, unitID int64, version int64) error {
	return db.update(ctx, func(t *Tx) error {
		u, err := t.configurableFigureUnit(ctx, a, unitID)
		if err != nil {
			return err
		}
		cur, err := t.figureSettings(ctx, u.Path)
		if err != nil {
			return err
		}
		if cur.UnitID != u.ID {
			return errs.Conflict()
		}
		if err := checkVersion(t.Exec(ctx, "DELETE FROM figure_settings WHERE unit_id = ? AND version = ?", u.ID, version)); err != nil {
			return err
		}
		return t.audit(ctx, a, "delete", "figure_settings", u.ID, u.Path, figureSettingsAudit(cur.Settings), nil)
	})
}

// FigureQuery selects the cases figures are computed over: those of the unit's subtree
// submitted in [From, To).
type FigureQuery struct {
	UnitID   int64
	From, To time.Time
}

// FigureReport is a unit's figures: the settings in force there and, for every village and
// community of its subtree within the actor's case scope, its counts.
type FigureReport struct {
	Unit     *org.Unit
	Settings FigureSettings
	Entries  []figures.Entry // by path: one per village or community
}

// FigureUnit reports whether figures may be asked for a unit of kind k: the villages and
// communities that cases belong to, and the units above them.
func FigureUnit(k org.Kind) bool {
	return k.IsBranch() || FigureSettingsUnit(k)
}

// Figures counts the cases of every village and community under a unit that the actor may see,
// submitted in the query's period. Whole years and months come from the tallies (tallies.go),
// the rest of the period from the cases themselves. A village with no cases in the period is
// listed with zeros (an inactive one only when it has cases). The unit must be in the actor's
// case scope.
func (db *DB) Figures(ctx context.Context, a Actor, q FigureQuery) (*FigureReport, error) {
	return db.figures(ctx, a, q, true)
}

// figures is Figures, from the tallies where they cover the period or from the cases alone.
func (db *DB) figures(ctx context.Context, a Actor, q FigureQuery, useTallies bool) (*FigureReport, error) {
	if q.From.IsZero() || q.To.IsZero() || !q.From.Before(q.To) {
		return nil, errs.Invalid(errs.Field("to", "figures.period.invalid"))
	}
	plan := tallyPlan{rest: [][2]time.Time{{q.From.UTC(), q.To.UTC()}}}
	if useTallies {
		plan = planTallies(q.From, q.To)
	}
	var rep FigureReport
	err := db.view(ctx, func(t *Tx) error {
		u, err := t.unitIn(ctx, a, authz.ViewCases, q.UnitID)
		if err != nil {
			return err
		}
		if !FigureUnit(u.Kind) {
			return errs.Invalid(errs.Field("unit", "figures.unit.kind"))
		}
		rep.Unit = u
		if rep.Settings, err = t.figureSettings(ctx, u.Path); err != nil {
			return err
		}
		// The unit is in the actor's scope (unitIn), and a scope is a union of whole subtrees, so
		// its subtree is too: one path range, which the planner cannot mistake for a wider one
		// (with the scope's range beside it and no samples to tell them apart, SQLite read every
		// village of the province for a town: 7 ms instead of 0.1).
		sub, suba := subtreeCond("u.path", u.Path)
		where := sub + " AND u.kind IN (?, ?)"
		wargs := append(suba, string(org.Village), string(org.Community))

		// The villages and communities, with what the tallies hold for them: one tally row each
		// for a whole year or month (the usual periods), a sum over the rows otherwise. Sorted
		// by path here, not by the database: the branch list index reads the villages kind by
		// kind.
		type row struct {
			e      figures.Entry
			path   string
			active bool
		}
		var out []*row
		byID := map[int64]*row{}
		scan := func(rows *sql.Rows, withName bool) error {
			var id int64
			var name, path string
			var active bool
			n := make([]int, len(figures.CountNames))
			dest := []any{&id}
			if withName {
				dest = append(dest, &name, &path, &active)
			}
			for i := range n {
				dest = append(dest, &n[i])
			}
			for rows.Next() {
				if err := rows.Scan(dest...); err != nil {
					return fmt.Errorf("storage: figures: %w", err)
				}
				r := byID[id]
				if r == nil {
					r = &row{e: figures.Entry{ID: id, Name: name}, path: path, active: active}
					byID[id] = r
					out = append(out, r)
				}
				var c figures.Counts
				for i, name := range figures.CountNames {
					c.Set(name, n[i])
				}
				r.e.Counts = r.e.Counts.Add(c)
			}
			return rows.Err()
		}
		var cols []string
		var q string
		var qargs []any
		switch len(plan.periods) {
		case 0:
			for range figures.CountNames {
				cols = append(cols, "0")
			}
			q = "SELECT u.id, u.name, u.path, u.active, " + strings.Join(cols, ", ") + " FROM units u WHERE " + where
			qargs = wargs
		case 1:
			for _, n := range figures.CountNames {
				cols = append(cols, "COALESCE(t."+string(n)+", 0)")
			}
			q = "SELECT u.id, u.name, u.path, u.active, " + strings.Join(cols, ", ") +
				" FROM units u LEFT JOIN case_tallies t ON t.unit_id = u.id AND t.period = ? WHERE " + where
			qargs = append([]any{plan.periods[0]}, wargs...)
		default:
			for _, n := range figures.CountNames {
				cols = append(cols, "COALESCE(SUM(t."+string(n)+"), 0)")
			}
			q = "SELECT u.id, u.name, u.path, u.active, " + strings.Join(cols, ", ") +
				" FROM units u LEFT JOIN case_tallies t ON t.unit_id = u.id AND t.period IN (" +
				strings.TrimSuffix(strings.Repeat("?,", len(plan.periods)), ",") + ") WHERE " + where +
				" GROUP BY u.id, u.name, u.path, u.active"
			for _, p := range plan.periods {
				qargs = append(qargs, p)
			}
			qargs = append(qargs, wargs...)
		}
		rows, err := t.Query(ctx, q, qargs...)
		if err != nil {
			return fmt.Errorf("storage: figures: %w", err)
		}
		err = scan(rows, true)
		rows.Close()
		if err != nil {
			return err
		}
		slices.SortFunc(out, func(a, b *row) int { return strings.Compare(a.path, b.path) })
		// The rest of the period, from the cases.
		for _, r := range plan.rest {
			args := append(append([]any{}, tallySQL.sumArgs...), r[0], r[1])
			rows, err := t.Query(ctx, "SELECT u.id, "+tallySQL.sums+
				" FROM units u JOIN cases c ON c.unit_path = u.path AND c.submitted_at >= ? AND c.submitted_at < ?"+
				" WHERE "+where+" GROUP BY u.id", append(args, wargs...)...)
			if err != nil {
				return fmt.Errorf("storage: figures: %w", err)
			}
			err = scan(rows, false)
			rows.Close()
			if err != nil {
				return err
			}
		}
		for _, r := range out {
			if r.active || r.e.Counts.Get(figures.Received) > 0 {
				rep.Entries = append(rep.Entries, r.e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &rep, nil
}
