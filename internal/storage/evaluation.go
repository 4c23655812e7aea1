package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/evaluation"
	"wuxing/internal/org"
)

// Who sees an evaluation round: whoever views or runs evaluations over its town (or county)
// sees all of it; a village's or community's viewers (its secretary) see the round through their
// own units only: their targets, ballots, tallies and results. Only those who run evaluations
// at the round's unit change the round; tallies are entered and confirmed by those who hold
// EnterTallies at the tally's unit.

// EvalAccess is what the actor may do with a round.
type EvalAccess struct {
	All bool // sees every unit of the round
	Run bool // edits, opens and closes it, chooses targets, issues ballots
}

type evalSight struct {
	EvalAccess
	view  authz.Scope
	tally authz.Scope
}

// sees reports whether the actor sees the round's records of the unit at path.
func (s evalSight) sees(path string) bool { return s.All || s.view.Contains(path) }

// tallies reports whether the actor may enter or confirm the tally of the unit at path.
func (s evalSight) tallies(path string) bool { return s.tally.Contains(path) }

func evalSightOf(a Actor, r *evaluation.Round) evalSight {
	s := evalSight{view: a.Scope(authz.ViewEvaluations), tally: a.Scope(authz.EnterTallies)}
	s.Run = a.P.CanAt(authz.RunEvaluations, r.UnitPath)
	s.All = s.Run || s.view.Contains(r.UnitPath)
	return s
}

// visible: the whole round, or some units below it.
func (s evalSight) visible(r *evaluation.Round) bool {
	if s.All {
		return true
	}
	for _, p := range s.view.Paths {
		if org.Within(p, r.UnitPath) {
			return true
		}
	}
	return false
}

const evalRoundCols = `r.id, r.unit_id, r.unit_path, u.name, u.kind, r.name, r.period_kind, r.period_label, r.opens_at, r.closes_at,
	r.dimensions, r.basic_weight, r.min_ballots, r.status, r.opened_at, r.closed_at, r.notes, r.version, r.created_at, r.updated_at`

const evalRoundFrom = ` FROM eval_rounds r JOIN units u ON u.id = r.unit_id`

func scanEvalRound(sc interface{ Scan(...any) error }) (*evaluation.Round, error) {
	var r evaluation.Round
	var opens, closes, opened, closed sql.NullTime
	var dims string
	err := sc.Scan(&r.ID, &r.UnitID, &r.UnitPath, &r.UnitName, &r.UnitKind, &r.Name, &r.PeriodKind, &r.PeriodLabel, &opens, &closes,
		&dims, &r.BasicWeight, &r.MinBallots, &r.Status, &opened, &closed, &r.Notes, &r.Version, &r.CreatedAt, &r.UpdatedAt)
	if err != nil {
		return nil, err
	}
	r.OpensAt, r.ClosesAt, r.OpenedAt, r.ClosedAt = nullTime(opens), nullTime(closes), nullTime(opened), nullTime(closed)
	r.Dimensions = strings.Split(dims, ",")
	return &r, nil
}

func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}

func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// evalRound reads a round without scope; callers check it.
func (t *Tx) evalRound(ctx context.Context, id int64) (*evaluation.Round, error) {
	r, err := scanEvalRound(t.QueryRow(ctx, "SELECT "+evalRoundCols+evalRoundFrom+" WHERE r.id = ?", id))
	if err != nil {
		return nil, notFound(err)
	}
	return r, nil
}

// evalRoundIn reads a round the actor sees; anything else is not found.
func (t *Tx) evalRoundIn(ctx context.Context, a Actor, id int64) (*evaluation.Round, evalSight, error) {
	r, err := t.evalRound(ctx, id)
	if err != nil {
		return nil, evalSight{}, err
	}
	s := evalSightOf(a, r)
	if !s.visible(r) {
		return nil, s, errs.NotFound()
	}
	return r, s, nil
}

// evalRoundRun reads a round the actor runs: not seen is not found, seen but not run forbidden.
func (t *Tx) evalRoundRun(ctx context.Context, a Actor, id int64) (*evaluation.Round, evalSight, error) {
	r, s, err := t.evalRoundIn(ctx, a, id)
	if err != nil {
		return nil, s, err
	}
	if !s.Run {
		return nil, s, errs.Forbidden()
	}
	return r, s, nil
}

// EvalRoundFilter selects rounds.
type EvalRoundFilter struct {
	UnitID int64 // rounds of this town or county
	Status evaluation.Status
	Limit  int
	Offset int
}

// evalRoundsWhere limits rounds to those the actor sees: over a unit in their view scope, or
// above one.
func evalRoundsWhere(a Actor) (string, []any) {
	s := a.Scope(authz.ViewEvaluations)
	run := a.Scope(authz.RunEvaluations)
	c1, a1 := scopeCond("r.unit_path", s)
	c2, a2 := scopeCond("r.unit_path", run)
	where := "(" + c1 + " OR " + c2
	args := append(a1, a2...)
	for _, p := range s.Paths {
		where += " OR substr(?, 1, length(r.unit_path)) = r.unit_path"
		args = append(args, p)
	}
	return where + ")", args
}

// EvalRounds lists the rounds the actor sees, newest period first.
func (db *DB) EvalRounds(ctx context.Context, a Actor, f EvalRoundFilter) ([]evaluation.Round, int, error) {
	var out []evaluation.Round
	var total int
	err := db.view(ctx, func(t *Tx) error {
		where, args := evalRoundsWhere(a)
		if f.UnitID != 0 {
			where += " AND r.unit_id = ?"
			args = append(args, f.UnitID)
		}
		if f.Status != "" {
			where += " AND r.status = ?"
			args = append(args, string(f.Status))
		}
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM eval_rounds r WHERE "+where, args...).Scan(&total); err != nil {
			return fmt.Errorf("storage: count rounds: %w", err)
		}
		rows, err := t.Query(ctx, "SELECT "+evalRoundCols+evalRoundFrom+" WHERE "+where+" ORDER BY r.period_label DESC, r.id DESC LIMIT ? OFFSET ?",
			append(args, clampLimit(f.Limit), max(f.Offset, 0))...)
		if err != nil {
			return fmt.Errorf("storage: rounds: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanEvalRound(rows)
			if err != nil {
				return err
			}
			out = append(out, *r)
		}
		return rows.Err()
	})
	return out, total, err
}

// EvalRound returns a round the actor sees and what they may do with it.
func (db *DB) EvalRound(ctx context.Context, a Actor, id int64) (*evaluation.Round, EvalAccess, error) {
	var r *evaluation.Round
	var s evalSight
	err := db.view(ctx, func(t *Tx) (err error) {
		r, s, err = t.evalRoundIn(ctx, a, id)
		return err
	})
	return r, s.EvalAccess, err
}

func evalRoundAudit(r *evaluation.Round) map[string]any {
	return map[string]any{"name": r.Name, "unit_id": r.UnitID, "period_kind": r.PeriodKind, "period_label": r.PeriodLabel,
		"opens_at": r.OpensAt, "closes_at": r.ClosesAt, "dimensions": strings.Join(r.Dimensions, ","), "basic_weight": r.BasicWeight,
		"min_ballots": r.MinBallots, "status": r.Status}
}

// EvalTowns lists the towns and counties where the actor may run evaluations, by path.
func (db *DB) EvalTowns(ctx context.Context, a Actor) ([]org.Unit, error) {
	var out []org.Unit
	err := db.view(ctx, func(t *Tx) error {
		cond, args := scopeCond("u.path", a.Scope(authz.RunEvaluations))
		rows, err := t.Query(ctx, "SELECT "+unitCols+" FROM units u WHERE u.kind IN (?, ?) AND u.active = ? AND "+cond+" ORDER BY u.path LIMIT 1000",
			append([]any{string(org.Town), string(org.County), true}, args...)...)
		if err != nil {
			return fmt.Errorf("storage: evaluation towns: %w", err)
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

// CreateEvalRound creates a draft round over a town or county the actor runs evaluations in.
// Zero settings take the defaults: half-year, the three dimensions, the default weight and
// minimum.
func (db *DB) CreateEvalRound(ctx context.Context, a Actor, r *evaluation.Round) error {
	return db.update(ctx, func(t *Tx) error { return t.createEvalRound(ctx, a, r) })
}

func (t *Tx) createEvalRound(ctx context.Context, a Actor, r *evaluation.Round) error {
	if r.PeriodKind == "" {
		r.PeriodKind = evaluation.HalfYear
	}
	if len(r.Dimensions) == 0 {
		r.Dimensions = append([]string(nil), evaluation.DefaultDimensions...)
	}
	r.UnitPath, r.UnitKind, r.UnitName = "", "", ""
	if u, err := t.unit(ctx, r.UnitID); err == nil {
		if !a.P.CanAt(authz.RunEvaluations, u.Path) {
			if a.Scope(authz.ViewUnits).Contains(u.Path) {
				return errs.Forbidden()
			}
		} else {
			r.UnitPath, r.UnitKind, r.UnitName = u.Path, u.Kind, u.Name
		}
	}
	r.Status = evaluation.Draft
	if err := r.Validate(); err != nil {
		return err
	}
	now := t.db.clock.Now()
	var by any
	if !a.P.System {
		by = a.P.UserID
	}
	id, err := t.insert(ctx, `INSERT INTO eval_rounds (unit_id, unit_path, name, period_kind, period_label, opens_at, closes_at, dimensions,
		basic_weight, min_ballots, status, notes, created_by, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
		r.UnitID, r.UnitPath, r.Name, string(r.PeriodKind), r.PeriodLabel, timeArg(r.OpensAt), timeArg(r.ClosesAt),
		strings.Join(r.Dimensions, ","), r.BasicWeight, r.MinBallots, string(r.Status), r.Notes, by, now, now)
	if err != nil {
		return fmt.Errorf("storage: create round: %w", err)
	}
	r.ID, r.Version, r.CreatedAt, r.UpdatedAt = id, 1, now, now
	return t.audit(ctx, a, "create", "eval_round", id, r.UnitPath, nil, evalRoundAudit(r))
}

// EvalRoundUpdate is what may change on a draft round.
type EvalRoundUpdate struct {
	Name        string
	PeriodKind  evaluation.PeriodKind
	PeriodLabel string
	OpensAt     *time.Time
	ClosesAt    *time.Time
	Dimensions  []string
	BasicWeight int
	MinBallots  int
	Notes       string
	Version     int64
}

// UpdateEvalRound changes a draft round's settings. Once opened, a round's settings are fixed
// (ballots are printed and counted against them) — except its planned closing time, which
// may move while it is open.
func (db *DB) UpdateEvalRound(ctx context.Context, a Actor, id int64, up EvalRoundUpdate) (*evaluation.Round, error) {
	var out *evaluation.Round
	err := db.update(ctx, func(t *Tx) error {
		r, _, err := t.evalRoundRun(ctx, a, id)
		if err != nil {
			return err
		}
		if r.Version != up.Version {
			return errs.Conflict()
		}
		before := evalRoundAudit(r)
		switch r.Status {
		case evaluation.Draft:
			r.Name, r.PeriodKind, r.PeriodLabel, r.OpensAt, r.ClosesAt = up.Name, up.PeriodKind, up.PeriodLabel, up.OpensAt, up.ClosesAt
			r.Dimensions, r.BasicWeight, r.MinBallots, r.Notes = up.Dimensions, up.BasicWeight, up.MinBallots, up.Notes
		case evaluation.Open:
			r.ClosesAt, r.Notes = up.ClosesAt, up.Notes
		default:
			return errs.New(errs.EUNPROCESSABLE, "evaluation.error.closed")
		}
		if err := r.Validate(); err != nil {
			return err
		}
		now := t.db.clock.Now()
		if err := checkVersion(t.Exec(ctx, `UPDATE eval_rounds SET name = ?, period_kind = ?, period_label = ?, opens_at = ?, closes_at = ?,
			dimensions = ?, basic_weight = ?, min_ballots = ?, notes = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ? AND status = ?`,
			r.Name, string(r.PeriodKind), r.PeriodLabel, timeArg(r.OpensAt), timeArg(r.ClosesAt), strings.Join(r.Dimensions, ","),
			r.BasicWeight, r.MinBallots, r.Notes, now, id, up.Version, string(r.Status))); err != nil {
			return err
		}
		if err := t.audit(ctx, a, "update", "eval_round", id, r.UnitPath, before, evalRoundAudit(r)); err != nil {
			return err
		}
		out, err = t.evalRound(ctx, id)
		return err
	})
	return out, err
}

// OpenEvalRound opens a draft round for ballots: it needs targets; every target gets its
// counters for the round's dimensions.
func (db *DB) OpenEvalRound(ctx context.Context, a Actor, id, version int64) (*evaluation.Round, error) {
	return db.moveEvalRound(ctx, a, id, version, evaluation.Open)
}

// CloseEvalRound closes an open round: no ballot or tally is taken after, and nothing of it
// changes again. A tally entered but not yet confirmed stops the closing.
func (db *DB) CloseEvalRound(ctx context.Context, a Actor, id, version int64) (*evaluation.Round, error) {
	return db.moveEvalRound(ctx, a, id, version, evaluation.Closed)
}

func (db *DB) moveEvalRound(ctx context.Context, a Actor, id, version int64, to evaluation.Status) (*evaluation.Round, error) {
	var out *evaluation.Round
	err := db.update(ctx, func(t *Tx) error {
		r, _, err := t.evalRoundRun(ctx, a, id)
		if err != nil {
			return err
		}
		if r.Version != version {
			return errs.Conflict()
		}
		if !r.Status.CanMove(to) {
			return errs.New(errs.EUNPROCESSABLE, "evaluation.error.status")
		}
		now := t.db.clock.Now()
		col := "opened_at"
		switch to {
		case evaluation.Open:
			var n int
			if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM eval_targets WHERE round_id = ?", id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return errs.New(errs.EUNPROCESSABLE, "evaluation.error.no_targets")
			}
			for _, d := range r.Dimensions {
				if _, err := t.Exec(ctx, `INSERT INTO eval_counts (target_id, dimension, round_id, satisfied, basic, dissatisfied)
					SELECT id, ?, round_id, 0, 0, 0 FROM eval_targets WHERE round_id = ?`, d, id); err != nil {
					return fmt.Errorf("storage: open round: %w", err)
				}
			}
		case evaluation.Closed:
			col = "closed_at"
			var n int
			if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM eval_tallies WHERE round_id = ? AND status = ?", id, evalTallyEntered).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return errs.New(errs.EUNPROCESSABLE, "evaluation.error.unconfirmed", n)
			}
		}
		if err := checkVersion(t.Exec(ctx, "UPDATE eval_rounds SET status = ?, "+col+` = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ? AND status = ?`, string(to), now, now, id, version, string(r.Status))); err != nil {
			return err
		}
		if err := t.audit(ctx, a, string(to), "eval_round", id, r.UnitPath, map[string]any{"status": r.Status},
			map[string]any{"status": to}); err != nil {
			return err
		}
		out, err = t.evalRound(ctx, id)
		return err
	})
	return out, err
}

// bumpEvalRound marks a change to a draft round's targets: its version moves, so two editors of
// the same round's targets do not overwrite each other unseen.
func (t *Tx) bumpEvalRound(ctx context.Context, r *evaluation.Round, version int64) error {
	return checkVersion(t.Exec(ctx, "UPDATE eval_rounds SET version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND status = ?",
		t.db.clock.Now(), r.ID, version, string(evaluation.Draft)))
}
