package storage

import (
	"context"
	"fmt"
	"strings"

	"wuxing/internal/errs"
	"wuxing/internal/evaluation"
	"wuxing/internal/org"
)

// EvalTarget is a party member or service team rated in a round, with the unit they belonged
// to when chosen.
type EvalTarget struct {
	ID       int64                 `json:"id"`
	RoundID  int64                 `json:"round_id"`
	Kind     evaluation.TargetKind `json:"kind"`
	PersonID int64                 `json:"person_id,omitempty"`
	TeamID   int64                 `json:"team_id,omitempty"`
	UnitID   int64                 `json:"unit_id"`
	UnitPath string                `json:"-"`
	UnitName string                `json:"unit_name"`
	Name     string                `json:"name"`
	Position int                   `json:"position"`
	Ballots  int                   `json:"-"` // online ballots that rated it
	// The village or community (the unit right below the round's) the target belongs to: its
	// ballots and tallies go there. The round's unit itself for a target placed there.
	BranchID   int64  `json:"branch_id"`
	BranchName string `json:"branch_name"`
	BranchPath string `json:"-"`
}

// fillBranches sets the branch of each target, below the round's unit at roundPath.
func (t *Tx) fillBranches(ctx context.Context, roundPath string, xs []EvalTarget) error {
	names := map[string]struct {
		id   int64
		name string
	}{}
	for i := range xs {
		x := &xs[i]
		rest := strings.TrimPrefix(x.UnitPath, roundPath)
		seg, _, _ := strings.Cut(rest, "/")
		x.BranchPath = roundPath
		if seg != "" && rest != x.UnitPath {
			x.BranchPath = roundPath + seg + "/"
		}
		if _, ok := names[x.BranchPath]; !ok {
			var id int64
			var name string
			if err := t.QueryRow(ctx, "SELECT id, name FROM units WHERE path = ?", x.BranchPath).Scan(&id, &name); err != nil {
				return fmt.Errorf("storage: target branch: %w", err)
			}
			names[x.BranchPath] = struct {
				id   int64
				name string
			}{id, name}
		}
		b := names[x.BranchPath]
		x.BranchID, x.BranchName = b.id, b.name
	}
	return nil
}

const evalTargetCols = `x.id, x.round_id, x.target_kind, COALESCE(x.person_id, 0), COALESCE(x.team_id, 0), x.unit_id, x.unit_path, u.name,
	x.name, x.position, x.ballots`

const evalTargetFrom = ` FROM eval_targets x JOIN units u ON u.id = x.unit_id`

func scanEvalTarget(sc interface{ Scan(...any) error }) (*EvalTarget, error) {
	var x EvalTarget
	err := sc.Scan(&x.ID, &x.RoundID, &x.Kind, &x.PersonID, &x.TeamID, &x.UnitID, &x.UnitPath, &x.UnitName, &x.Name, &x.Position, &x.Ballots)
	return &x, err
}

// evalTargets reads targets of a round, without scope, in the order of their units and
// positions; cond limits them further.
func (t *Tx) evalTargets(ctx context.Context, roundID int64, cond string, args ...any) ([]EvalTarget, error) {
	q := "SELECT " + evalTargetCols + evalTargetFrom + " WHERE x.round_id = ?"
	if cond != "" {
		q += " AND " + cond
	}
	rows, err := t.Query(ctx, q+" ORDER BY x.unit_path, x.position, x.id", append([]any{roundID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("storage: round targets: %w", err)
	}
	defer rows.Close()
	var out []EvalTarget
	for rows.Next() {
		x, err := scanEvalTarget(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *x)
	}
	return out, rows.Err()
}

// seenTargets keeps the targets whose unit the actor sees.
func (s evalSight) seenTargets(xs []EvalTarget) []EvalTarget {
	if s.All {
		return xs
	}
	var out []EvalTarget
	for _, x := range xs {
		if s.sees(x.UnitPath) {
			out = append(out, x)
		}
	}
	return out
}

// EvalTargets lists the targets of a round the actor sees (those of their units, or all).
func (db *DB) EvalTargets(ctx context.Context, a Actor, roundID int64) ([]EvalTarget, error) {
	var out []EvalTarget
	err := db.view(ctx, func(t *Tx) error {
		r, s, err := t.evalRoundIn(ctx, a, roundID)
		if err != nil {
			return err
		}
		xs, err := t.evalTargets(ctx, roundID, "")
		if err != nil {
			return err
		}
		out = s.seenTargets(xs)
		return t.fillBranches(ctx, r.UnitPath, out)
	})
	return out, err
}

// EvalTarget returns one target the actor sees.
func (db *DB) EvalTarget(ctx context.Context, a Actor, id int64) (*EvalTarget, error) {
	var out *EvalTarget
	err := db.view(ctx, func(t *Tx) error {
		x, err := scanEvalTarget(t.QueryRow(ctx, "SELECT "+evalTargetCols+evalTargetFrom+" WHERE x.id = ?", id))
		if err != nil {
			return notFound(err)
		}
		_, s, err := t.evalRoundIn(ctx, a, x.RoundID)
		if err != nil {
			return err
		}
		if !s.sees(x.UnitPath) {
			return errs.NotFound()
		}
		out = x
		return nil
	})
	return out, err
}

// EvalCandidate is a party member or team that may be added to a round.
type EvalCandidate struct {
	Kind     evaluation.TargetKind `json:"kind"`
	ID       int64                 `json:"id"` // the person's or team's id
	Name     string                `json:"name"`
	UnitName string                `json:"unit_name"`
	Chosen   bool                  `json:"chosen"` // already a target of the round
}

// EvalCandidates lists the active party members and service teams of a unit (and the units
// below it) inside the round's town, for the round's runner to choose from.
func (db *DB) EvalCandidates(ctx context.Context, a Actor, roundID, unitID int64) ([]EvalCandidate, error) {
	var out []EvalCandidate
	err := db.view(ctx, func(t *Tx) error {
		r, _, err := t.evalRoundRun(ctx, a, roundID)
		if err != nil {
			return err
		}
		u, err := t.unit(ctx, unitID)
		if err != nil || !org.Within(u.Path, r.UnitPath) {
			return errs.NotFound()
		}
		cond, args := subtreeCond("pu.path", u.Path)
		rows, err := t.Query(ctx, `SELECT p.id, p.name, pu.name, EXISTS (SELECT 1 FROM eval_targets x WHERE x.round_id = ? AND x.person_id = p.id)
			FROM people p JOIN units pu ON pu.id = p.unit_id WHERE p.party_member = ? AND p.active = ? AND `+cond+` ORDER BY pu.path, p.name, p.id LIMIT 2000`,
			append([]any{roundID, true, true}, args...)...)
		if err != nil {
			return fmt.Errorf("storage: candidates: %w", err)
		}
		for rows.Next() {
			c := EvalCandidate{Kind: evaluation.Member}
			if err := rows.Scan(&c.ID, &c.Name, &c.UnitName, &c.Chosen); err != nil {
				rows.Close()
				return err
			}
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		cond, args = subtreeCond("st.unit_path", u.Path)
		rows, err = t.Query(ctx, `SELECT st.id, st.name, tu.name, EXISTS (SELECT 1 FROM eval_targets x WHERE x.round_id = ? AND x.team_id = st.id)
			FROM service_teams st JOIN units tu ON tu.id = st.unit_id WHERE st.active = ? AND `+cond+` ORDER BY st.unit_path, st.name, st.id LIMIT 1000`,
			append([]any{roundID, true}, args...)...)
		if err != nil {
			return fmt.Errorf("storage: team candidates: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			c := EvalCandidate{Kind: evaluation.Team}
			if err := rows.Scan(&c.ID, &c.Name, &c.UnitName, &c.Chosen); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// NewEvalTarget names a member (PersonID) or a team (TeamID) to rate.
type NewEvalTarget struct {
	Kind     evaluation.TargetKind
	PersonID int64
	TeamID   int64
}

// AddEvalTargets adds members and teams to a draft round (those already in it are skipped).
// Each must be active, a party member for a member, and belong to the round's town; its unit
// at this moment is kept with it. version is the round's; the round's version moves.
func (db *DB) AddEvalTargets(ctx context.Context, a Actor, roundID, version int64, add []NewEvalTarget) (*evaluation.Round, error) {
	var out *evaluation.Round
	err := db.update(ctx, func(t *Tx) error {
		r, _, err := t.evalRoundRun(ctx, a, roundID)
		if err != nil {
			return err
		}
		if r.Version != version {
			return errs.Conflict()
		}
		if !r.Status.Editable() {
			return errs.New(errs.EUNPROCESSABLE, "evaluation.error.not_draft")
		}
		if err := t.addEvalTargets(ctx, r, add); err != nil {
			return err
		}
		if err := t.bumpEvalRound(ctx, r, version); err != nil {
			return err
		}
		if err := t.audit(ctx, a, "targets", "eval_round", roundID, r.UnitPath, nil, map[string]any{"added": len(add)}); err != nil {
			return err
		}
		out, err = t.evalRound(ctx, roundID)
		return err
	})
	return out, err
}

func (t *Tx) addEvalTargets(ctx context.Context, r *evaluation.Round, add []NewEvalTarget) error {
	var pos int
	if err := t.QueryRow(ctx, "SELECT COALESCE(MAX(position), 0) FROM eval_targets WHERE round_id = ?", r.ID).Scan(&pos); err != nil {
		return err
	}
	var n int
	if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM eval_targets WHERE round_id = ?", r.ID).Scan(&n); err != nil {
		return err
	}
	if n+len(add) > evaluation.MaxTargets {
		return errs.Invalid(errs.Field("targets", "evaluation.error.too_many_targets", evaluation.MaxTargets))
	}
	now := t.db.clock.Now()
	for _, nt := range add {
		var unitID int64
		var unitPath, name string
		var dup bool
		switch nt.Kind {
		case evaluation.Member:
			var party, active bool
			err := t.QueryRow(ctx, `SELECT p.unit_id, u.path, p.name, p.party_member, p.active,
				EXISTS (SELECT 1 FROM eval_targets x WHERE x.round_id = ? AND x.person_id = p.id)
				FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = ?`, r.ID, nt.PersonID).Scan(&unitID, &unitPath, &name, &party, &active, &dup)
			if err != nil || !org.Within(unitPath, r.UnitPath) || !party || !active {
				return errs.Invalid(errs.Field("targets", "evaluation.error.target"))
			}
			nt.TeamID = 0
		case evaluation.Team:
			var active bool
			err := t.QueryRow(ctx, `SELECT st.unit_id, st.unit_path, st.name, st.active,
				EXISTS (SELECT 1 FROM eval_targets x WHERE x.round_id = ? AND x.team_id = st.id)
				FROM service_teams st WHERE st.id = ?`, r.ID, nt.TeamID).Scan(&unitID, &unitPath, &name, &active, &dup)
			if err != nil || !org.Within(unitPath, r.UnitPath) || !active {
				return errs.Invalid(errs.Field("targets", "evaluation.error.target"))
			}
			nt.PersonID = 0
		default:
			return errs.Invalid(errs.Field("targets", "evaluation.error.target"))
		}
		if dup {
			continue
		}
		pos++
		if _, err := t.Exec(ctx, `INSERT INTO eval_targets (round_id, target_kind, person_id, team_id, unit_id, unit_path, name, position, ballots, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`, r.ID, string(nt.Kind), nullID(nt.PersonID), nullID(nt.TeamID), unitID, unitPath, name, pos, now); err != nil {
			return fmt.Errorf("storage: add target: %w", err)
		}
	}
	return nil
}

// RemoveEvalTarget takes a target out of a draft round.
func (db *DB) RemoveEvalTarget(ctx context.Context, a Actor, roundID, targetID, version int64) (*evaluation.Round, error) {
	var out *evaluation.Round
	err := db.update(ctx, func(t *Tx) error {
		r, _, err := t.evalRoundRun(ctx, a, roundID)
		if err != nil {
			return err
		}
		if r.Version != version {
			return errs.Conflict()
		}
		if !r.Status.Editable() {
			return errs.New(errs.EUNPROCESSABLE, "evaluation.error.not_draft")
		}
		res, err := t.Exec(ctx, "DELETE FROM eval_targets WHERE id = ? AND round_id = ?", targetID, roundID)
		if err != nil {
			return fmt.Errorf("storage: remove target: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound()
		}
		if err := t.bumpEvalRound(ctx, r, version); err != nil {
			return err
		}
		if err := t.audit(ctx, a, "untarget", "eval_round", roundID, r.UnitPath, map[string]any{"target": targetID}, nil); err != nil {
			return err
		}
		out, err = t.evalRound(ctx, roundID)
		return err
	})
	return out, err
}
