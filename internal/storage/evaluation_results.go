package storage

import (
	"context"
	"fmt"

	"wuxing/internal/errs"
	"wuxing/internal/evaluation"
	"wuxing/internal/org"
)

// EvalResult is one target's outcome in a round: online ballots plus confirmed meeting
// tallies, per dimension and overall, by the round's formula.
type EvalResult struct {
	Target EvalTarget
	evaluation.Result
	Comments []string
}

// evalResults computes the results of the given targets of a round.
func (t *Tx) evalResults(ctx context.Context, r *evaluation.Round, xs []EvalTarget, comments bool) ([]EvalResult, error) {
	per := map[int64]map[string]evaluation.Counts{}
	add := func(id int64, d string, c evaluation.Counts) {
		if per[id] == nil {
			per[id] = map[string]evaluation.Counts{}
		}
		per[id][d] = per[id][d].Add(c)
	}
	rows, err := t.Query(ctx, "SELECT target_id, dimension, satisfied, basic, dissatisfied FROM eval_counts WHERE round_id = ?", r.ID)
	if err != nil {
		return nil, fmt.Errorf("storage: results: %w", err)
	}
	for rows.Next() {
		var id int64
		var d string
		var c evaluation.Counts
		if err := rows.Scan(&id, &d, &c.Satisfied, &c.Basic, &c.Dissatisfied); err != nil {
			rows.Close()
			return nil, err
		}
		add(id, d, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Confirmed tallies: their lines, and per tally and target the ballots that rated it.
	rows, err = t.Query(ctx, `SELECT l.tally_id, l.target_id, l.dimension, l.satisfied, l.basic, l.dissatisfied FROM eval_tally_lines l
		JOIN eval_tallies y ON y.id = l.tally_id WHERE y.round_id = ? AND y.status = ?`, r.ID, evalTallyConfirmed)
	if err != nil {
		return nil, fmt.Errorf("storage: tally results: %w", err)
	}
	type key struct{ tally, target int64 }
	tallied := map[key]int{}
	for rows.Next() {
		var k key
		var d string
		var c evaluation.Counts
		if err := rows.Scan(&k.tally, &k.target, &d, &c.Satisfied, &c.Basic, &c.Dissatisfied); err != nil {
			rows.Close()
			return nil, err
		}
		add(k.target, d, c)
		tallied[k] = max(tallied[k], c.Total())
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	extra := map[int64]int{}
	for k, n := range tallied {
		extra[k.target] += n
	}
	var notes map[int64][]string
	if comments {
		notes = map[int64][]string{}
		rows, err = t.Query(ctx, "SELECT target_id, body FROM eval_comments WHERE round_id = ? ORDER BY id", r.ID)
		if err != nil {
			return nil, fmt.Errorf("storage: comments: %w", err)
		}
		for rows.Next() {
			var id int64
			var b string
			if err := rows.Scan(&id, &b); err != nil {
				rows.Close()
				return nil, err
			}
			notes[id] = append(notes[id], b)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	f := r.Formula()
	out := make([]EvalResult, len(xs))
	for i, x := range xs {
		out[i] = EvalResult{Target: x, Result: f.Compute(r.Dimensions, per[x.ID], x.Ballots+extra[x.ID]), Comments: notes[x.ID]}
	}
	return out, nil
}

// EvalResults returns the results of a round over the targets the actor sees (of one unit and
// below when unitID is set), with the residents' comments.
func (db *DB) EvalResults(ctx context.Context, a Actor, roundID, unitID int64) (*evaluation.Round, []EvalResult, error) {
	var r *evaluation.Round
	var out []EvalResult
	err := db.view(ctx, func(t *Tx) error {
		var s evalSight
		var err error
		r, s, err = t.evalRoundIn(ctx, a, roundID)
		if err != nil {
			return err
		}
		cond, args := "", []any(nil)
		if unitID != 0 {
			u, err := t.unit(ctx, unitID)
			if err != nil {
				return errs.NotFound()
			}
			cond, args = subtreeCond("x.unit_path", u.Path)
		}
		xs, err := t.evalTargets(ctx, roundID, cond, args...)
		if err != nil {
			return err
		}
		xs = s.seenTargets(xs)
		if err := t.fillBranches(ctx, r.UnitPath, xs); err != nil {
			return err
		}
		out, err = t.evalResults(ctx, r, xs, true)
		return err
	})
	return r, out, err
}

// EvalTrendPoint is a target's result in one round.
type EvalTrendPoint struct {
	Round evaluation.Round
	EvalResult
}

// EvalTrend returns the results of the member or team of a target across every round (opened
// or closed) the actor sees them in, oldest period first.
func (db *DB) EvalTrend(ctx context.Context, a Actor, targetID int64) (*EvalTarget, []EvalTrendPoint, error) {
	var x *EvalTarget
	var out []EvalTrendPoint
	err := db.view(ctx, func(t *Tx) error {
		var err error
		x, err = scanEvalTarget(t.QueryRow(ctx, "SELECT "+evalTargetCols+evalTargetFrom+" WHERE x.id = ?", targetID))
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
		col, id := "x.person_id", x.PersonID
		if x.Kind == evaluation.Team {
			col, id = "x.team_id", x.TeamID
		}
		rows, err := t.Query(ctx, "SELECT "+evalTargetCols+evalTargetFrom+" JOIN eval_rounds r ON r.id = x.round_id WHERE "+col+
			" = ? AND r.status <> ? ORDER BY r.period_label, r.id", id, string(evaluation.Draft))
		if err != nil {
			return fmt.Errorf("storage: trend: %w", err)
		}
		var xs []EvalTarget
		for rows.Next() {
			y, err := scanEvalTarget(rows)
			if err != nil {
				rows.Close()
				return err
			}
			xs = append(xs, *y)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, y := range xs {
			r, s, err := t.evalRoundIn(ctx, a, y.RoundID)
			if errs.Code(err) == errs.ENOTFOUND || (err == nil && !s.sees(y.UnitPath)) {
				continue
			}
			if err != nil {
				return err
			}
			res, err := t.evalResults(ctx, r, []EvalTarget{y}, false)
			if err != nil {
				return err
			}
			out = append(out, EvalTrendPoint{Round: *r, EvalResult: res[0]})
		}
		return nil
	})
	return x, out, err
}

// PublicSatisfaction is a unit's satisfaction list (满意清单) of a closed round, as published.
type PublicSatisfaction struct {
	Round   evaluation.Round
	Unit    org.Unit
	Results []EvalResult // without comments
}

// PublicSatisfactionList returns the satisfaction list of a unit (by its code) in a closed
// round: names and rates only. Anything else — an open round, a unit outside it — is not found.
func (db *DB) PublicSatisfactionList(ctx context.Context, unitCode string, roundID int64) (*PublicSatisfaction, error) {
	u, err := db.PublicUnit(ctx, unitCode)
	if err != nil {
		return nil, err
	}
	var out *PublicSatisfaction
	err = db.view(ctx, func(t *Tx) error {
		r, err := t.evalRound(ctx, roundID)
		if err != nil {
			return err
		}
		if r.Status != evaluation.Closed || !org.Within(u.Path, r.UnitPath) {
			return errs.NotFound()
		}
		xs, err := t.ballotTargets(ctx, roundID, u.Path)
		if err != nil {
			return err
		}
		if len(xs) == 0 {
			return errs.NotFound()
		}
		res, err := t.evalResults(ctx, r, xs, false)
		out = &PublicSatisfaction{Round: *r, Unit: *u, Results: res}
		return err
	})
	return out, err
}

// PublicSatisfactionRounds lists the closed rounds with targets in a unit, newest first: the
// unit's published lists.
func (db *DB) PublicSatisfactionRounds(ctx context.Context, u *org.Unit) ([]evaluation.Round, error) {
	var out []evaluation.Round
	err := db.view(ctx, func(t *Tx) error {
		cond, args := subtreeCond("x.unit_path", u.Path)
		rows, err := t.Query(ctx, "SELECT "+evalRoundCols+evalRoundFrom+" WHERE r.status = ? AND EXISTS (SELECT 1 FROM eval_targets x WHERE x.round_id = r.id AND "+
			cond+") ORDER BY r.period_label DESC, r.id DESC LIMIT 50", append([]any{string(evaluation.Closed)}, args...)...)
		if err != nil {
			return fmt.Errorf("storage: published rounds: %w", err)
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
	return out, err
}
