package storage

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/evaluation"
	"wuxing/internal/org"
	"wuxing/internal/talks"
)

// The admonitory-talk list (约谈) is computed, never stored: whenever it is read, the closed
// rounds' results of each member and team are run through talks.Evaluate with the rule of the
// committee above them. Closing a round therefore updates the list at once, and nothing can go
// stale. What is stored is what people record: talks and their follow-ups.
//
// Who sees what: the committee above a target (its town's, else its county's) keeps the list and
// records talks: RecordTalks over the committee's unit. A branch's own viewers (ViewEvaluations
// over the target's unit) see their members' entries and talks, read-only.

// TalkTarget identifies a member or a team.
type TalkTarget struct {
	Kind talks.TargetKind
	ID   int64 // person id or team id
}

// TalkDue is one target on the talk list, with its whole history of closed rounds.
type TalkDue struct {
	Target        TalkTarget
	Name          string
	UnitID        int64 // the target's current unit
	UnitName      string
	UnitPath      string
	CommitteeID   int64
	CommitteeName string
	CommitteePath string
	Rule          talks.Rule
	Verdict       talks.Verdict
	History       []talks.Result
	CanRecord     bool
}

// TalkFilter selects talks and due entries.
type TalkFilter struct {
	CommitteeID int64        // only this committee's
	Status      talks.Status // recorded talks with this status
	Year        int          // recorded talks held this year
	Kind        talks.TargetKind
	TargetID    int64 // with Kind: only this target
	Limit       int
	Offset      int
}

// talkWorld is what the rule needs around the targets: the towns and counties (committees)
// and the rules set for them.
type talkWorld struct {
	committees map[int64]org.Unit
	rules      map[int64]talks.Rule
}

func (t *Tx) talkWorld(ctx context.Context) (*talkWorld, error) {
	w := &talkWorld{committees: map[int64]org.Unit{}, rules: map[int64]talks.Rule{}}
	rows, err := t.Query(ctx, "SELECT id, kind, name, path FROM units WHERE kind IN (?, ?)", string(org.Town), string(org.County))
	if err != nil {
		return nil, fmt.Errorf("storage: talk committees: %w", err)
	}
	for rows.Next() {
		var u org.Unit
		if err := rows.Scan(&u.ID, &u.Kind, &u.Name, &u.Path); err != nil {
			rows.Close()
			return nil, err
		}
		w.committees[u.ID] = u
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = t.Query(ctx, "SELECT unit_id, threshold, rounds, excellent_share FROM talk_rules")
	if err != nil {
		return nil, fmt.Errorf("storage: talk rules: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r talks.Rule
		if err := rows.Scan(&id, &r.Threshold, &r.Rounds, &r.ExcellentShare); err != nil {
			return nil, err
		}
		w.rules[id] = r
	}
	return w, rows.Err()
}

// committee is the unit whose committee holds talks for someone in the unit at path.
func (w *talkWorld) committee(path string) (org.Unit, bool) {
	var anc []org.Unit
	for _, id := range org.IDs(path) {
		if u, ok := w.committees[id]; ok {
			anc = append(anc, u)
		}
	}
	return talks.Committee(anc)
}

// rule is the rule for units at path: the nearest town's or county's setting, else the seed's.
func (w *talkWorld) rule(path string) talks.Rule {
	ids := org.IDs(path)
	for i := len(ids) - 1; i >= 0; i-- {
		if r, ok := w.rules[ids[i]]; ok {
			return r
		}
	}
	return talks.DefaultRule()
}

// talkHistories reads the closed rounds' results of the targets an SQL condition on et (the
// eval_targets row) selects, each target's in round order (the order the rounds closed).
func (t *Tx) talkHistories(ctx context.Context, where string, args []any) (map[TalkTarget][]talks.Result, error) {
	from := ` FROM eval_targets et JOIN eval_rounds r ON r.id = et.round_id WHERE r.status = ? AND (` + where + `)`
	fargs := append([]any{string(evaluation.Closed)}, args...)
	type row struct {
		key     TalkTarget
		res     talks.Result
		closed  time.Time
		formula evaluation.Formula
		dims    []string
		per     map[string]evaluation.Counts
		ballots int
	}
	byID := map[int64]*row{}
	var order []*row
	rows, err := t.Query(ctx, `SELECT et.id, et.target_kind, COALESCE(et.person_id, 0), COALESCE(et.team_id, 0), et.unit_id, u.name, et.ballots,
		r.id, r.name, r.basic_weight, r.min_ballots, r.dimensions, r.closed_at
		FROM eval_targets et JOIN eval_rounds r ON r.id = et.round_id JOIN units u ON u.id = et.unit_id
		WHERE r.status = ? AND (`+where+`)`, fargs...)
	if err != nil {
		return nil, fmt.Errorf("storage: talk histories: %w", err)
	}
	for rows.Next() {
		var x row
		var id, pid, tid int64
		var kind, dims string
		var closed *time.Time
		if err := rows.Scan(&id, &kind, &pid, &tid, &x.res.UnitID, &x.res.UnitName, &x.ballots, &x.res.RoundID, &x.res.Round,
			&x.formula.BasicWeight, &x.formula.MinBallots, &dims, &closed); err != nil {
			rows.Close()
			return nil, err
		}
		x.key = TalkTarget{talks.TargetKind(kind), pid}
		if kind == string(talks.Team) {
			x.key.ID = tid
		}
		if closed != nil {
			x.closed = *closed
		}
		x.dims, _ = evaluation.ParseDimensions(dims)
		x.per = map[string]evaluation.Counts{}
		byID[id] = &x
		order = append(order, &x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(order) == 0 {
		return map[TalkTarget][]talks.Result{}, nil
	}
	// Online ballots, as counters.
	rows, err = t.Query(ctx, "SELECT c.target_id, c.dimension, c.satisfied, c.basic, c.dissatisfied FROM eval_counts c JOIN eval_targets et ON et.id = c.target_id"+
		strings.TrimPrefix(from, " FROM eval_targets et"), fargs...)
	if err != nil {
		return nil, fmt.Errorf("storage: talk counts: %w", err)
	}
	for rows.Next() {
		var id int64
		var d string
		var c evaluation.Counts
		if err := rows.Scan(&id, &d, &c.Satisfied, &c.Basic, &c.Dissatisfied); err != nil {
			rows.Close()
			return nil, err
		}
		if x := byID[id]; x != nil {
			x.per[d] = x.per[d].Add(c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Confirmed meeting tallies: their answers, and as ballots the most answers on any dimension.
	rows, err = t.Query(ctx, `SELECT l.tally_id, l.target_id, l.dimension, l.satisfied, l.basic, l.dissatisfied
		FROM eval_tally_lines l JOIN eval_tallies ta ON ta.id = l.tally_id JOIN eval_targets et ON et.id = l.target_id
		JOIN eval_rounds r ON r.id = et.round_id WHERE ta.status = ? AND r.status = ? AND (`+where+`)`,
		append([]any{evalTallyConfirmed}, fargs...)...)
	if err != nil {
		return nil, fmt.Errorf("storage: talk tallies: %w", err)
	}
	type tk struct{ tally, target int64 }
	most := map[tk]int{}
	for rows.Next() {
		var tally, id int64
		var l evaluation.TallyLine
		if err := rows.Scan(&tally, &id, &l.Dimension, &l.Satisfied, &l.Basic, &l.Dissatisfied); err != nil {
			rows.Close()
			return nil, err
		}
		if x := byID[id]; x != nil {
			x.per[l.Dimension] = x.per[l.Dimension].Add(l.Counts)
			if n := l.Total(); n > most[tk{tally, id}] {
				most[tk{tally, id}] = n
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for k, n := range most {
		byID[k.target].ballots += n
	}
	sort.SliceStable(order, func(i, j int) bool {
		if !order[i].closed.Equal(order[j].closed) {
			return order[i].closed.Before(order[j].closed)
		}
		return order[i].res.RoundID < order[j].res.RoundID
	})
	out := map[TalkTarget][]talks.Result{}
	for _, x := range order {
		res := x.formula.Compute(x.dims, x.per, x.ballots)
		x.res.Ballots, x.res.Rate = res.Ballots, res.Rate
		x.res.State = talks.TooFew
		if res.Counted() {
			x.res.State = talks.Rated
		}
		out[x.key] = append(out[x.key], x.res)
	}
	return out, nil
}

// talkSettled returns, per target, the last rounds of its recorded talks.
func (t *Tx) talkSettled(ctx context.Context, where string, args []any) (map[TalkTarget][]int64, error) {
	rows, err := t.Query(ctx, "SELECT target_kind, COALESCE(person_id, 0), COALESCE(team_id, 0), last_round_id FROM talks k WHERE "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: talks settled: %w", err)
	}
	defer rows.Close()
	out := map[TalkTarget][]int64{}
	for rows.Next() {
		var kind string
		var pid, tid, rid int64
		if err := rows.Scan(&kind, &pid, &tid, &rid); err != nil {
			return nil, err
		}
		k := TalkTarget{talks.TargetKind(kind), pid}
		if kind == string(talks.Team) {
			k.ID = tid
		}
		out[k] = append(out[k], rid)
	}
	return out, rows.Err()
}

// settledIn is the latest (in round order) of a target's talks' last rounds in its history.
func settledIn(history []talks.Result, lasts []int64) int64 {
	var s int64
	for _, r := range history {
		for _, id := range lasts {
			if r.RoundID == id {
				s = id
			}
		}
	}
	return s
}

// talkCurrent is a target as it is now: name and unit.
type talkCurrent struct {
	key      TalkTarget
	name     string
	unitID   int64
	unitName string
	unitPath string
}

// talkCurrents reads the current name and unit of the targets (members and teams) rated in any
// closed round whose current unit satisfies cond (a condition on the column "cu.path").
func (t *Tx) talkCurrents(ctx context.Context, cond string, args []any) ([]talkCurrent, error) {
	q := `SELECT 'member', p.id, p.name, cu.id, cu.name, cu.path FROM people p JOIN units cu ON cu.id = p.unit_id
		WHERE ` + cond + ` AND EXISTS (SELECT 1 FROM eval_targets et JOIN eval_rounds r ON r.id = et.round_id WHERE et.person_id = p.id AND r.status = ?)
		UNION ALL
		SELECT 'team', s.id, s.name, cu.id, cu.name, cu.path FROM service_teams s JOIN units cu ON cu.id = s.unit_id
		WHERE ` + cond + ` AND EXISTS (SELECT 1 FROM eval_targets et JOIN eval_rounds r ON r.id = et.round_id WHERE et.team_id = s.id AND r.status = ?)`
	all := append(append(append(append([]any{}, args...), string(evaluation.Closed)), args...), string(evaluation.Closed))
	rows, err := t.Query(ctx, q, all...)
	if err != nil {
		return nil, fmt.Errorf("storage: talk targets: %w", err)
	}
	defer rows.Close()
	var out []talkCurrent
	for rows.Next() {
		var c talkCurrent
		var kind string
		if err := rows.Scan(&kind, &c.key.ID, &c.name, &c.unitID, &c.unitName, &c.unitPath); err != nil {
			return nil, err
		}
		c.key.Kind = talks.TargetKind(kind)
		out = append(out, c)
	}
	return out, rows.Err()
}

// talkSees reports whether the actor sees a target (or talk) of a committee and unit, and
// whether they keep its talks.
func talkSees(a Actor, committeePath, unitPath string) (sees, record bool) {
	record = committeePath != "" && a.P.CanAt(authz.RecordTalks, committeePath)
	return record || a.P.CanAt(authz.ViewEvaluations, unitPath), record
}

// TalksDue computes the talk list the actor sees: every member and team whose closed rounds,
// under the rule of the committee above them, call for a talk not yet recorded.
func (db *DB) TalksDue(ctx context.Context, a Actor, f TalkFilter) ([]TalkDue, error) {
	var out []TalkDue
	err := db.view(ctx, func(t *Tx) (err error) {
		out, err = t.talksDue(ctx, a, f, false)
		return err
	})
	return out, err
}

// talksDue is TalksDue; all keeps the targets that are not due too (for one target's history).
func (t *Tx) talksDue(ctx context.Context, a Actor, f TalkFilter, all bool) ([]TalkDue, error) {
	var out []TalkDue
	rec, ra := scopeCond("cu.path", a.Scope(authz.RecordTalks))
	view, va := scopeCond("cu.path", a.Scope(authz.ViewEvaluations))
	cond := "(" + rec + " OR " + view + ")"
	args := append(ra, va...)
	if f.CommitteeID != 0 {
		p, err := t.unitPathOf(ctx, f.CommitteeID)
		if err != nil {
			return nil, err
		}
		c, ca := subtreeCond("cu.path", p)
		cond += " AND " + c
		args = append(args, ca...)
	}
	currents, err := t.talkCurrents(ctx, cond, args)
	if err != nil || len(currents) == 0 {
		return nil, err
	}
	w, err := t.talkWorld(ctx)
	if err != nil {
		return nil, err
	}
	// The histories and talks of the targets seen: members and teams by current unit, as above.
	// on names the table holding person_id and team_id (et: eval_targets, k: talks).
	targetCond := func(on string) (string, []any) {
		c := "(" + on + ".person_id IN (SELECT p.id FROM people p JOIN units cu ON cu.id = p.unit_id WHERE " + cond + ") OR " +
			on + ".team_id IN (SELECT s.id FROM service_teams s JOIN units cu ON cu.id = s.unit_id WHERE " + cond + "))"
		a := append(append([]any{}, args...), args...)
		if f.Kind != "" && f.TargetID != 0 {
			col := ".person_id"
			if f.Kind == talks.Team {
				col = ".team_id"
			}
			c += " AND " + on + col + " = ?"
			a = append(a, f.TargetID)
		}
		return c, a
	}
	hcond, hargs := targetCond("et")
	hist, err := t.talkHistories(ctx, hcond, hargs)
	if err != nil {
		return nil, err
	}
	scond, sargs := targetCond("k")
	settled, err := t.talkSettled(ctx, scond, sargs)
	if err != nil {
		return nil, err
	}
	for _, c := range currents {
		if f.Kind != "" && f.TargetID != 0 && c.key != (TalkTarget{f.Kind, f.TargetID}) {
			continue
		}
		cm, _ := w.committee(c.unitPath)
		sees, record := talkSees(a, cm.Path, c.unitPath)
		if !sees {
			continue
		}
		h := hist[c.key]
		rule := w.rule(c.unitPath)
		v := talks.Evaluate(rule, h, settledIn(h, settled[c.key]))
		if !v.Due && !all {
			continue
		}
		out = append(out, TalkDue{Target: c.key, Name: c.name, UnitID: c.unitID, UnitName: c.unitName, UnitPath: c.unitPath,
			CommitteeID: cm.ID, CommitteeName: cm.Name, CommitteePath: cm.Path, Rule: rule, Verdict: v, History: h,
			CanRecord: record && cm.ID != 0})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].UnitPath != out[j].UnitPath {
			return out[i].UnitPath < out[j].UnitPath
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// TalkDueFor returns one target's entry (due or not) with its history, if the actor sees it.
func (db *DB) TalkDueFor(ctx context.Context, a Actor, target TalkTarget) (*TalkDue, error) {
	var out *TalkDue
	err := db.view(ctx, func(t *Tx) error {
		ds, err := t.talksDue(ctx, a, TalkFilter{Kind: target.Kind, TargetID: target.ID}, true)
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			return errs.NotFound()
		}
		out = &ds[0]
		return nil
	})
	return out, err
}
