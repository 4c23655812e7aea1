package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/talks"
)

const talkCols = `k.id, k.target_kind, COALESCE(k.person_id, 0), COALESCE(k.team_id, 0), k.unit_id, k.unit_path, u.name,
	k.committee_id, k.committee_path, cu.name, k.last_round_id, k.talked_by, k.talked_post, k.talked_on, k.content, k.plan, k.status,
	k.version, k.created_at, k.updated_at,
	COALESCE((SELECT p.name FROM people p WHERE p.id = k.person_id), (SELECT s.name FROM service_teams s WHERE s.id = k.team_id), '')`

const talkFrom = ` FROM talks k JOIN units u ON u.id = k.unit_id JOIN units cu ON cu.id = k.committee_id`

func scanTalk(sc interface{ Scan(...any) error }) (*talks.Talk, int64, error) {
	var k talks.Talk
	var last int64
	err := sc.Scan(&k.ID, &k.Kind, &k.PersonID, &k.TeamID, &k.UnitID, &k.UnitPath, &k.UnitName, &k.CommitteeID, &k.CommitteePath,
		&k.CommitteeName, &last, &k.TalkedBy, &k.TalkedPost, &k.TalkedOn, &k.Content, &k.Plan, &k.Status, &k.Version,
		&k.CreatedAt, &k.UpdatedAt, &k.TargetName)
	return &k, last, err
}

// talksWhere limits talks to those the actor sees: kept by their committee, or of their units.
func talksWhere(a Actor) (string, []any) {
	rec, ra := scopeCond("k.committee_path", a.Scope(authz.RecordTalks))
	view, va := scopeCond("k.unit_path", a.Scope(authz.ViewEvaluations))
	return "(" + rec + " OR " + view + ")", append(ra, va...)
}

// Talks lists the recorded talks the actor sees, latest first.
func (db *DB) Talks(ctx context.Context, a Actor, f TalkFilter) ([]talks.Talk, int, error) {
	var out []talks.Talk
	var total int
	err := db.view(ctx, func(t *Tx) error {
		where, args := talksWhere(a)
		if f.CommitteeID != 0 {
			where += " AND k.committee_id = ?"
			args = append(args, f.CommitteeID)
		}
		if f.Status != "" {
			where += " AND k.status = ?"
			args = append(args, string(f.Status))
		}
		if f.Year != 0 {
			where += " AND k.talked_on >= ? AND k.talked_on < ?"
			args = append(args, fmt.Sprintf("%04d-01-01", f.Year), fmt.Sprintf("%04d-01-01", f.Year+1))
		}
		if f.Kind != "" && f.TargetID != 0 {
			col := "k.person_id"
			if f.Kind == talks.Team {
				col = "k.team_id"
			}
			where += " AND " + col + " = ?"
			args = append(args, f.TargetID)
		}
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM talks k WHERE "+where, args...).Scan(&total); err != nil {
			return fmt.Errorf("storage: count talks: %w", err)
		}
		rows, err := t.Query(ctx, "SELECT "+talkCols+talkFrom+" WHERE "+where+" ORDER BY k.talked_on DESC, k.id DESC LIMIT ? OFFSET ?",
			append(args, clampLimit(f.Limit), max(f.Offset, 0))...)
		if err != nil {
			return fmt.Errorf("storage: talks: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			k, _, err := scanTalk(rows)
			if err != nil {
				return err
			}
			out = append(out, *k)
		}
		return rows.Err()
	})
	return out, total, err
}

// TalkAccess is what the actor may do with a talk.
type TalkAccess struct {
	Record bool       // add follow-ups, close it
	Rule   talks.Rule // the rule of the talk's committee, to judge the later rounds by
}

// talkIn reads a talk the actor sees, with its rounds, follow-ups and the target's later rounds.
func (t *Tx) talkIn(ctx context.Context, a Actor, id int64, full bool) (*talks.Talk, TalkAccess, error) {
	k, last, err := scanTalk(t.QueryRow(ctx, "SELECT "+talkCols+talkFrom+" WHERE k.id = ?", id))
	if err != nil {
		return nil, TalkAccess{}, notFound(err)
	}
	sees, record := talkSees(a, k.CommitteePath, k.UnitPath)
	if !sees {
		return nil, TalkAccess{}, errs.NotFound()
	}
	acc := TalkAccess{Record: record}
	rows, err := t.Query(ctx, "SELECT round_id FROM talk_rounds WHERE talk_id = ?", id)
	if err != nil {
		return nil, acc, fmt.Errorf("storage: talk rounds: %w", err)
	}
	for rows.Next() {
		var rid int64
		if err := rows.Scan(&rid); err != nil {
			rows.Close()
			return nil, acc, err
		}
		k.RoundIDs = append(k.RoundIDs, rid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, acc, err
	}
	if !full {
		return k, acc, nil
	}
	w, err := t.talkWorld(ctx)
	if err != nil {
		return nil, acc, err
	}
	acc.Rule = w.rule(k.CommitteePath)
	rows, err = t.Query(ctx, "SELECT id, on_date, note, actor_name, at FROM talk_followups WHERE talk_id = ? ORDER BY on_date, id", id)
	if err != nil {
		return nil, acc, fmt.Errorf("storage: talk follow-ups: %w", err)
	}
	for rows.Next() {
		var f talks.FollowUp
		if err := rows.Scan(&f.ID, &f.On, &f.Note, &f.By, &f.At); err != nil {
			rows.Close()
			return nil, acc, err
		}
		k.FollowUps = append(k.FollowUps, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, acc, err
	}
	key := TalkTarget{k.Kind, k.PersonID}
	cond := "et.person_id = ?"
	if k.Kind == talks.Team {
		key.ID, cond = k.TeamID, "et.team_id = ?"
	}
	hist, err := t.talkHistories(ctx, cond, []any{key.ID})
	if err != nil {
		return nil, acc, err
	}
	h := hist[key]
	for _, r := range h {
		for _, rid := range k.RoundIDs {
			if r.RoundID == rid {
				k.Rounds = append(k.Rounds, r)
			}
		}
	}
	k.Later = talks.After(h, last)
	return k, acc, nil
}

// Talk returns a talk the actor sees, with what they may do with it.
func (db *DB) Talk(ctx context.Context, a Actor, id int64) (*talks.Talk, TalkAccess, error) {
	var k *talks.Talk
	var acc TalkAccess
	err := db.view(ctx, func(t *Tx) (err error) {
		k, acc, err = t.talkIn(ctx, a, id, true)
		return err
	})
	return k, acc, err
}

type talkAudit struct {
	Kind      string  `json:"kind"`
	PersonID  int64   `json:"person_id,omitempty"`
	TeamID    int64   `json:"team_id,omitempty"`
	Committee int64   `json:"committee_id"`
	Rounds    []int64 `json:"rounds"`
	TalkedOn  string  `json:"talked_on"`
	Status    string  `json:"status"`
}

// RecordTalk records a talk with a target now due one: the committee above the target's current
// unit keeps it (RecordTalks there), and the rounds it settles are the ones that made it due,
// computed again here from the closed rounds. A target not due is refused.
func (db *DB) RecordTalk(ctx context.Context, a Actor, k *talks.Talk) error {
	return db.update(ctx, func(t *Tx) error { return t.recordTalk(ctx, a, k) })
}

func (t *Tx) recordTalk(ctx context.Context, a Actor, k *talks.Talk) error {
	if k.Kind != talks.Member && k.Kind != talks.Team {
		return errs.Invalid(errs.Field("kind", "talks.error.kind"))
	}
	target := TalkTarget{k.Kind, k.PersonID}
	if k.Kind == talks.Team {
		target.ID = k.TeamID
	}
	ds, err := t.talksDue(ctx, a, TalkFilter{Kind: k.Kind, TargetID: target.ID}, true)
	if err != nil {
		return err
	}
	if len(ds) == 0 {
		return errs.NotFound()
	}
	d := ds[0]
	if !d.CanRecord {
		return errs.Forbidden()
	}
	if !d.Verdict.Due {
		return errs.New(errs.EUNPROCESSABLE, "talks.error.not_due")
	}
	k.RoundIDs = nil
	for _, r := range d.Verdict.Rounds {
		k.RoundIDs = append(k.RoundIDs, r.RoundID)
	}
	if k.Status == "" {
		k.Status = talks.Rectifying
	}
	if err := k.Validate(talks.Today(t.db.clock.Now())); err != nil {
		return err
	}
	now := t.db.clock.Now()
	k.UnitID, k.UnitPath, k.UnitName = d.UnitID, d.UnitPath, d.UnitName
	k.CommitteeID, k.CommitteePath, k.CommitteeName = d.CommitteeID, d.CommitteePath, d.CommitteeName
	k.TargetName, k.Version, k.CreatedAt, k.UpdatedAt = d.Name, 1, now, now
	var pid, tid any
	if k.Kind == talks.Member {
		pid = k.PersonID
	} else {
		tid = k.TeamID
	}
	last := k.RoundIDs[len(k.RoundIDs)-1]
	id, err := t.insert(ctx, `INSERT INTO talks (target_kind, person_id, team_id, unit_id, unit_path, committee_id, committee_path, last_round_id,
		talked_by, talked_post, talked_on, content, plan, status, created_by, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
		string(k.Kind), pid, tid, k.UnitID, k.UnitPath, k.CommitteeID, k.CommitteePath, last, k.TalkedBy, k.TalkedPost, k.TalkedOn,
		k.Content, k.Plan, string(k.Status), a.user(), now, now)
	if err != nil {
		if t.d.IsUniqueViolation(err) {
			return errs.Conflict()
		}
		return fmt.Errorf("storage: record talk: %w", err)
	}
	k.ID = id
	for _, rid := range k.RoundIDs {
		if _, err := t.Exec(ctx, "INSERT INTO talk_rounds (talk_id, round_id) VALUES (?, ?)", id, rid); err != nil {
			return fmt.Errorf("storage: talk rounds: %w", err)
		}
	}
	return t.audit(ctx, a, "talk.record", "talk", id, k.UnitPath, nil,
		talkAudit{string(k.Kind), k.PersonID, k.TeamID, k.CommitteeID, k.RoundIDs, k.TalkedOn, string(k.Status)})
}

// AddTalkFollowUp appends a follow-up to a talk and, when closing is set, closes it (the
// rectification is done). The talk's version guards against a concurrent change.
func (db *DB) AddTalkFollowUp(ctx context.Context, a Actor, id, version int64, f *talks.FollowUp, closing bool) (*talks.Talk, error) {
	var k *talks.Talk
	err := db.update(ctx, func(t *Tx) error {
		var acc TalkAccess
		var err error
		k, acc, err = t.talkIn(ctx, a, id, false)
		if err != nil {
			return err
		}
		if !acc.Record {
			return errs.Forbidden()
		}
		if k.Status == talks.Closed {
			return errs.New(errs.EUNPROCESSABLE, "talks.error.closed")
		}
		if err := f.Validate(k, talks.Today(t.db.clock.Now())); err != nil {
			return err
		}
		now := t.db.clock.Now()
		status := k.Status
		if closing {
			status = talks.Closed
		}
		if err := checkVersion(t.Exec(ctx, "UPDATE talks SET status = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			string(status), now, id, version)); err != nil {
			return err
		}
		var uid any
		uid, f.By = actorRef(a)
		f.At = now
		fid, err := t.insert(ctx, "INSERT INTO talk_followups (talk_id, on_date, note, user_id, actor_name, at) VALUES (?, ?, ?, ?, ?, ?)",
			id, f.On, f.Note, uid, f.By, now)
		if err != nil {
			return fmt.Errorf("storage: talk follow-up: %w", err)
		}
		f.ID = fid
		before := map[string]any{"status": string(k.Status)}
		k.Status, k.Version, k.UpdatedAt = status, version+1, now
		return t.audit(ctx, a, "talk.followup", "talk", id, k.UnitPath, before, map[string]any{"status": string(status), "on": f.On})
	})
	return k, err
}

// TalkRule returns the rule that applies at a town or county (its own setting, else the one
// inherited from above, else the seed's) and the setting's version (0: not set here).
func (db *DB) TalkRule(ctx context.Context, a Actor, unitID int64) (talks.Rule, int64, error) {
	var r talks.Rule
	var version int64
	err := db.view(ctx, func(t *Tx) error {
		u, err := t.unitIn(ctx, a, authz.ViewEvaluations, unitID)
		if err != nil {
			return err
		}
		w, err := t.talkWorld(ctx)
		if err != nil {
			return err
		}
		r = w.rule(u.Path)
		err = t.QueryRow(ctx, "SELECT version FROM talk_rules WHERE unit_id = ?", unitID).Scan(&version)
		if err == sql.ErrNoRows {
			err = nil
		}
		return err
	})
	return r, version, err
}

// SaveTalkRule sets a town's or county's rule (RunEvaluations there). version is the setting's
// version, 0 when it is set for the first time.
func (db *DB) SaveTalkRule(ctx context.Context, a Actor, unitID int64, r talks.Rule, version int64) error {
	return db.update(ctx, func(t *Tx) error {
		u, err := t.unitIn(ctx, a, authz.RunEvaluations, unitID)
		if err != nil {
			return err
		}
		if u.Kind != org.Town && u.Kind != org.County {
			return errs.Invalid(errs.Field("unit_id", "talks.error.rule_unit"))
		}
		if err := r.Validate(); err != nil {
			return err
		}
		now := t.db.clock.Now()
		if version == 0 {
			_, err = t.Exec(ctx, `INSERT INTO talk_rules (unit_id, unit_path, threshold, rounds, excellent_share, version, updated_by, updated_at)
				VALUES (?, ?, ?, ?, ?, 1, ?, ?)`, u.ID, u.Path, r.Threshold, r.Rounds, r.ExcellentShare, a.user(), now)
			if t.d.IsUniqueViolation(err) {
				return errs.Conflict()
			}
		} else {
			err = checkVersion(t.Exec(ctx, `UPDATE talk_rules SET threshold = ?, rounds = ?, excellent_share = ?, version = version + 1,
				updated_by = ?, updated_at = ? WHERE unit_id = ? AND version = ?`, r.Threshold, r.Rounds, r.ExcellentShare, a.user(), now, u.ID, version))
		}
		if err != nil {
			return err
		}
		return t.audit(ctx, a, "talk.rule", "unit", u.ID, u.Path, nil, r)
	})
}

// talkIDsIn builds "col IN (?, …)" for ids ("1=0" for none).
func talkIDsIn(col string, ids []int64) (string, []any) {
	if len(ids) == 0 {
		return "1=0", nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")", args
}
