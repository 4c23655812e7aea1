package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/campaigns"
	"wuxing/internal/cases"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/points"
	"wuxing/internal/service"
)

// Automatic points entries: the platform scores events by the catalogues' automatic rules, as
// the system, approved at once. Each source is read from where the last run stopped (its mark in
// points_marks, moved in the same transaction as the entries it covers); each event makes at
// most one entry per rule and target (the unique index points_entries_source), so a rerun, a
// crash or a second instance never scores twice. An entry past its rule's cap is cut to what the
// cap leaves, or not made when nothing is left.
//
// The work is batched: one transaction reads up to limit events of a source, works out every
// entry in memory (what each target has used of a capped rule is read once per rule and period,
// then kept up to date as entries are made) and writes them with multi-row inserts. Entries
// under automatic rules are only ever written here (manual entry refuses automatic rules), and
// a run holds its source's mark row locked for the transaction, so the in-memory figures stay
// true even with two instances.

// pointsEvent is one event to score for one target.
type pointsEvent struct {
	source   points.Source
	kind     points.TargetKind
	targetID int64
	name     string
	unitID   int64
	unitPath string
	day      string
	srcKind  string // "case", "circular_item", "service_hours", "service_activity"
	srcID    int64
	label    string
	hours    int64 // centihours, for volunteer hours
}

// pointsUseKey names what one target has used of one rule in one period.
type pointsUseKey struct {
	rule   int64
	period string
	kind   points.TargetKind
	target int64
}

// pointsSrcKey names one automatic entry: the unique key points_entries_source.
type pointsSrcKey struct {
	rule    int64
	srcKind string
	srcID   int64
	kind    points.TargetKind
	target  int64
}

// pointsScan is one transaction's state: the catalogues, what targets have used of capped
// rules, and the entries waiting to be written.
type pointsScan struct {
	cats   []points.Catalogue
	used   map[pointsUseKey]int64
	loaded map[pointsUseKey]bool // keyed by rule and period only
	seen   map[pointsSrcKey]bool
	rows   [][]any
	made   int
}

func newPointsScan(cats []points.Catalogue) *pointsScan {
	return &pointsScan{cats: cats, used: map[pointsUseKey]int64{}, loaded: map[pointsUseKey]bool{}, seen: map[pointsSrcKey]bool{}}
}

// PointsBatchMax bounds how many events of a source one transaction of ScorePoints reads.
const PointsBatchMax = 5000

// ScorePoints makes the automatic entries for events since the last run, up to limit events per
// source and transaction (at most PointsBatchMax), and reports how many entries it made.
func (db *DB) ScorePoints(ctx context.Context, limit int) (int, error) {
	limit = min(max(limit, 1), PointsBatchMax)
	total := 0
	for _, step := range []struct {
		mark string
		fn   func(*Tx, context.Context, *pointsScan, int) (int, error)
	}{
		{"case_events", (*Tx).pointsFromCaseEvents}, {"circulars", (*Tx).pointsFromCirculars}, {"service_hours", (*Tx).pointsFromHours},
	} {
		for {
			n, made := 0, 0
			err := db.update(ctx, func(t *Tx) error {
				if err := t.lockPointsMark(ctx, step.mark); err != nil {
					return err
				}
				cats, err := t.pointsCatalogues(ctx, "1=1")
				if err != nil {
					return err
				}
				s := newPointsScan(cats)
				if n, err = step.fn(t, ctx, s, limit); err != nil {
					return err
				}
				if err := t.flushPoints(ctx, s); err != nil {
					return err
				}
				made = s.made
				if made > 0 {
					return t.audit(ctx, System, "points.auto", "points_entry", 0, "/", nil, map[string]any{"source": step.mark, "entries": made})
				}
				return nil
			})
			if err != nil {
				return total, err
			}
			total += made
			if n < limit || ctx.Err() != nil {
				break
			}
		}
	}
	return total, ctx.Err()
}

// lockPointsMark makes sure a source's mark exists and locks it for the transaction: a second
// run on the same source waits here until the first has committed, then reads past its work.
func (t *Tx) lockPointsMark(ctx context.Context, source string) error {
	now := t.db.clock.Now()
	if _, err := t.Exec(ctx, `INSERT INTO points_marks (source, last_id, updated_at) VALUES (?, 0, ?) ON CONFLICT (source) DO NOTHING`,
		source, now); err != nil {
		return fmt.Errorf("storage: points mark: %w", err)
	}
	_, err := t.Exec(ctx, "UPDATE points_marks SET updated_at = ? WHERE source = ?", now, source)
	return err
}

func (t *Tx) pointsMark(ctx context.Context, source string) (int64, time.Time, error) {
	var id int64
	var at sql.NullTime
	err := t.QueryRow(ctx, "SELECT last_id, last_at FROM points_marks WHERE source = ?", source).Scan(&id, &at)
	if err == errNoRows {
		return 0, time.Time{}, nil
	}
	return id, at.Time, err
}

func (t *Tx) setPointsMark(ctx context.Context, source string, id int64, at time.Time) error {
	var last any
	if !at.IsZero() {
		last = at
	}
	_, err := t.Exec(ctx, `INSERT INTO points_marks (source, last_id, last_at, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (source) DO UPDATE SET last_id = excluded.last_id, last_at = excluded.last_at, updated_at = excluded.updated_at`,
		source, id, last, t.db.clock.Now())
	return err
}

// usedOf is what a target has used of a rule in a period (its pending and approved entries),
// read for every target of the rule and period at once the first time it is asked.
func (t *Tx) usedOf(ctx context.Context, s *pointsScan, k pointsUseKey) (int64, error) {
	lk := pointsUseKey{rule: k.rule, period: k.period}
	if !s.loaded[lk] {
		rows, err := t.Query(ctx, `SELECT target_kind, target_id, COALESCE(SUM(points), 0) FROM points_entries WHERE rule_id = ? AND period_key = ?
			AND status <> ? GROUP BY target_kind, target_id`, k.rule, k.period, string(points.Rejected))
		if err != nil {
			return 0, fmt.Errorf("storage: points used: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			uk := pointsUseKey{rule: k.rule, period: k.period}
			var kind string
			var sum int64
			if err := rows.Scan(&kind, &uk.target, &sum); err != nil {
				return 0, err
			}
			uk.kind = points.TargetKind(kind)
			s.used[uk] = sum
		}
		if err := rows.Err(); err != nil {
			return 0, err
		}
		s.loaded[lk] = true
	}
	return s.used[k], nil
}

// score works out the entry for one event, if a catalogue applies with an enabled rule for it,
// and queues it. An event that may repeat on its source (a case resolved again, urged again)
// checks whether its entry exists: the source's first time is the one that counts.
func (t *Tx) score(ctx context.Context, s *pointsScan, ev pointsEvent, mayRepeat bool) error {
	c := catalogueFor(s.cats, ev.kind, ev.unitPath)
	if c == nil {
		return nil
	}
	rule := c.BySource(ev.source)
	if rule == nil {
		return nil
	}
	pts := rule.Occurrence()
	if ev.source == points.VolunteerHours {
		pts = rule.ForHours(ev.hours)
	}
	if pts == 0 {
		return nil
	}
	span, err := points.SpanOf(rule.Period, ev.day)
	if err != nil {
		return nil // a malformed day in a source record: nothing to score
	}
	sk := pointsSrcKey{rule: rule.ID, srcKind: ev.srcKind, srcID: ev.srcID, kind: ev.kind, target: ev.targetID}
	if s.seen[sk] {
		return nil
	}
	s.seen[sk] = true
	if mayRepeat {
		var n int
		if err := t.QueryRow(ctx, `SELECT COUNT(*) FROM points_entries WHERE rule_id = ? AND source_kind = ? AND source_id = ? AND target_kind = ?
			AND target_id = ? AND source_kind <> ''`, rule.ID, ev.srcKind, ev.srcID, string(ev.kind), ev.targetID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
	}
	uk := pointsUseKey{rule: rule.ID, period: span.Key, kind: ev.kind, target: ev.targetID}
	if rule.Cap > 0 && pts*rule.Sign() > 0 {
		used, err := t.usedOf(ctx, s, uk)
		if err != nil {
			return err
		}
		rem := rule.Remaining(used)
		if rem == 0 {
			return nil
		}
		if pts*rule.Sign() > rem {
			pts = rem * rule.Sign()
		}
	}
	if rule.Cap > 0 {
		if _, err := t.usedOf(ctx, s, uk); err != nil {
			return err
		}
		s.used[uk] += pts
	}
	now := t.db.clock.Now()
	s.rows = append(s.rows, []any{c.ID, rule.ID, rule.Version, string(ev.kind), ev.targetID, ev.name, ev.unitID, ev.unitPath, pts, ev.day,
		span.Key, "", string(points.Approved), ev.srcKind, ev.srcID, ev.label, System.P.Username, System.P.Username, now, 1, now})
	return nil
}

// pointsInsertCols are the columns an automatic entry sets, in the order score queues them.
const pointsInsertCols = `points_entries (catalogue_id, rule_id, rule_version, target_kind, target_id, target_name, unit_id, unit_path, points,
	occurred_on, period_key, note, status, source_kind, source_id, source_label, entered_name, approver_name, approved_at, version, created_at)`

// pointsChunk is how many entries one insert writes: a fixed size, so the statement is one
// prepared statement; the rest of a batch goes one by one.
const pointsChunk = 100

// flushPoints writes the queued entries, skipping any that exist already (the unique key), and
// counts what it made.
func (t *Tx) flushPoints(ctx context.Context, s *pointsScan) error {
	if len(s.rows) == 0 {
		return nil
	}
	n := len(s.rows[0])
	marks := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
	one := "INSERT INTO " + pointsInsertCols + " VALUES " + marks + " ON CONFLICT DO NOTHING"
	many := "INSERT INTO " + pointsInsertCols + " VALUES " + strings.TrimSuffix(strings.Repeat(marks+", ", pointsChunk), ", ") + " ON CONFLICT DO NOTHING"
	rows := s.rows
	for len(rows) > 0 {
		q, k := one, 1
		if len(rows) >= pointsChunk {
			q, k = many, pointsChunk
		}
		args := make([]any, 0, k*n)
		for _, r := range rows[:k] {
			args = append(args, r...)
		}
		res, err := t.Exec(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("storage: automatic points: %w", err)
		}
		if m, err := res.RowsAffected(); err == nil {
			s.made += int(m)
		}
		rows = rows[k:]
	}
	s.rows = nil
	return nil
}

// secretaries maps the paths of villages and communities to their branch secretaries' people
// (through their accounts).
func (t *Tx) secretaries(ctx context.Context) (map[string][]PointsTarget, error) {
	rows, err := t.Query(ctx, `SELECT DISTINCT p.id, p.name, p.unit_id, pu.path, un.path FROM role_bindings b JOIN users us ON us.id = b.user_id
		JOIN units un ON un.id = b.unit_id JOIN people p ON p.id = us.person_id JOIN units pu ON pu.id = p.unit_id
		WHERE b.role = ? AND us.active = ?`, string(authz.BranchSecretary), true)
	if err != nil {
		return nil, fmt.Errorf("storage: secretaries: %w", err)
	}
	defer rows.Close()
	out := map[string][]PointsTarget{}
	for rows.Next() {
		var pt PointsTarget
		var at string
		if err := rows.Scan(&pt.ID, &pt.Name, &pt.UnitID, &pt.UnitPath, &at); err != nil {
			return nil, err
		}
		pt.Kind = points.BranchSecretary
		out[at] = append(out[at], pt)
	}
	return out, rows.Err()
}

// secretaryOf is the branch secretaries of the nearest unit above (or at) path that has any.
func secretaryOf(secs map[string][]PointsTarget, path string) []PointsTarget {
	best := ""
	for p := range secs {
		if strings.HasPrefix(path, p) && len(p) > len(best) {
			best = p
		}
	}
	return secs[best]
}

// pointsFromCaseEvents scores cases resolved by their claimant, rated satisfied, and urged
// overdue, from the case timeline.
func (t *Tx) pointsFromCaseEvents(ctx context.Context, s *pointsScan, limit int) (int, error) {
	const mark = "case_events"
	last, _, err := t.pointsMark(ctx, mark)
	if err != nil {
		return 0, err
	}
	rows, err := t.Query(ctx, `SELECT e.id, e.action, e.at, c.id, c.number, c.unit_path, c.claimed, c.assignee_kind, c.assignee_id, c.rating, c.overdue,
		COALESCE(p.name, ''), COALESCE(p.unit_id, 0), COALESCE(pu.path, '')
		FROM case_events e JOIN cases c ON c.id = e.case_id
		LEFT JOIN people p ON p.id = c.assignee_id AND c.assignee_kind = ? LEFT JOIN units pu ON pu.id = p.unit_id
		WHERE e.id > ? AND e.action IN (?, ?, ?) ORDER BY e.id LIMIT ?`,
		string(cases.ToPerson), last, string(cases.Resolve), string(cases.Rate), string(cases.Urge), limit)
	if err != nil {
		return 0, fmt.Errorf("storage: points case events: %w", err)
	}
	type row struct {
		evID             int64
		action           string
		at               time.Time
		caseID           int64
		number, unitPath string
		claimed          bool
		assKind          string
		assID            int64
		rating           string
		overdue          bool
		pName            string
		pUnit            int64
		pPath            string
	}
	var rs []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.evID, &r.action, &r.at, &r.caseID, &r.number, &r.unitPath, &r.claimed, &r.assKind, &r.assID, &r.rating,
			&r.overdue, &r.pName, &r.pUnit, &r.pPath); err != nil {
			rows.Close()
			return 0, err
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var secs map[string][]PointsTarget
	for _, r := range rs {
		ev := pointsEvent{kind: points.PartyMember, targetID: r.assID, name: r.pName, unitID: r.pUnit, unitPath: r.pPath,
			day: points.Day(r.at), srcKind: "case", srcID: r.caseID, label: r.number}
		person := r.assKind == string(cases.ToPerson) && r.pPath != ""
		switch r.action {
		case string(cases.Resolve):
			if person && r.claimed {
				ev.source = points.CaseResolved
				if err := t.score(ctx, s, ev, true); err != nil {
					return 0, err
				}
			}
		case string(cases.Rate):
			if person && r.rating == string(cases.Satisfied) {
				ev.source = points.CaseRated
				if err := t.score(ctx, s, ev, true); err != nil {
					return 0, err
				}
			}
		case string(cases.Urge):
			if !r.overdue {
				break
			}
			if person {
				ev.source = points.CaseOverdue
				if err := t.score(ctx, s, ev, true); err != nil {
					return 0, err
				}
			}
			if secs == nil {
				if secs, err = t.secretaries(ctx); err != nil {
					return 0, err
				}
			}
			for _, sec := range secretaryOf(secs, r.unitPath) {
				sev := pointsEvent{source: points.CaseOverdue, kind: points.BranchSecretary, targetID: sec.ID, name: sec.Name, unitID: sec.UnitID,
					unitPath: sec.UnitPath, day: ev.day, srcKind: "case", srcID: r.caseID, label: r.number}
				if err := t.score(ctx, s, sev, true); err != nil {
					return 0, err
				}
			}
		}
	}
	if len(rs) > 0 {
		if err := t.setPointsMark(ctx, mark, rs[len(rs)-1].evID, time.Time{}); err != nil {
			return 0, err
		}
	}
	return len(rs), nil
}

// pointsFromCirculars scores circulars and commendations published since the last run: each
// entry names a village or community (the item's unit, or the village or community it lies in),
// and its branch secretary is scored, criticism a deduction, commendation a reward. The branch
// secretary is the person whose active account holds the branch_secretary role at that unit
// (the earliest such binding), or else the unit's first secretary in office on the day of
// publication (the earliest assignment). An entry whose unit has neither makes no points: the
// area's responsible officer is not scored in the secretary's place.
func (t *Tx) pointsFromCirculars(ctx context.Context, s *pointsScan, limit int) (int, error) {
	const mark = "circulars"
	lastID, lastAt, err := t.pointsMark(ctx, mark)
	if err != nil {
		return 0, err
	}
	rows, err := t.Query(ctx, `SELECT ci.id, ci.kind, ci.title, ci.published_at FROM circulars ci WHERE ci.status = ? AND
		(ci.published_at > ? OR (ci.published_at = ? AND ci.id > ?)) ORDER BY ci.published_at, ci.id LIMIT ?`,
		string(campaigns.Published), lastAt, lastAt, lastID, limit)
	if err != nil {
		return 0, fmt.Errorf("storage: points circulars: %w", err)
	}
	type circ struct {
		id          int64
		kind, title string
		at          time.Time
	}
	var cs []circ
	for rows.Next() {
		var c circ
		if err := rows.Scan(&c.id, &c.kind, &c.title, &c.at); err != nil {
			rows.Close()
			return 0, err
		}
		cs = append(cs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	type item struct {
		id   int64
		path string
	}
	secs := map[string]*PointsTarget{} // by branch id and day
	for _, c := range cs {
		src := points.CircularCriticism
		if c.kind == string(campaigns.Commendation) {
			src = points.CircularCommendation
		}
		day := points.Day(c.at)
		xs, err := t.Query(ctx, `SELECT x.id, u.path FROM circular_items x JOIN units u ON u.id = x.unit_id WHERE x.circular_id = ? ORDER BY x.id`, c.id)
		if err != nil {
			return 0, err
		}
		var items []item
		for xs.Next() {
			var x item
			if err := xs.Scan(&x.id, &x.path); err != nil {
				xs.Close()
				return 0, err
			}
			items = append(items, x)
		}
		xs.Close()
		if err := xs.Err(); err != nil {
			return 0, err
		}
		for _, x := range items {
			sec, err := t.branchSecretary(ctx, secs, x.path, day)
			if err != nil {
				return 0, err
			}
			if sec == nil {
				continue
			}
			ev := pointsEvent{source: src, kind: points.BranchSecretary, targetID: sec.ID, name: sec.Name, unitID: sec.UnitID, unitPath: sec.UnitPath,
				day: day, srcKind: "circular_item", srcID: x.id, label: c.title}
			if err := t.score(ctx, s, ev, false); err != nil {
				return 0, err
			}
		}
	}
	if len(cs) > 0 {
		l := cs[len(cs)-1]
		if err := t.setPointsMark(ctx, mark, l.id, l.at); err != nil {
			return 0, err
		}
	}
	return len(cs), nil
}

// branchSecretary is the branch secretary, on day, of the village or community at or above the
// unit with path (nil when the unit lies in none, or the branch has no secretary on record):
// the person of the earliest active account bound to the branch as branch_secretary, or else
// its earliest first secretary in office that day. Answers are kept in cache.
func (t *Tx) branchSecretary(ctx context.Context, cache map[string]*PointsTarget, path, day string) (*PointsTarget, error) {
	var ids []any
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var branch int64
	err := t.QueryRow(ctx, `SELECT id FROM units WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) AND kind IN (?, ?) ORDER BY depth DESC LIMIT 1`,
		append(ids, string(org.Village), string(org.Community))...).Scan(&branch)
	if err == errNoRows {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("storage: branch of circular item: %w", err)
	}
	key := strconv.FormatInt(branch, 10) + " " + day
	if sec, ok := cache[key]; ok {
		return sec, nil
	}
	sec := &PointsTarget{Kind: points.BranchSecretary}
	err = t.QueryRow(ctx, `SELECT p.id, p.name, p.unit_id, pu.path FROM role_bindings b JOIN users us ON us.id = b.user_id
		JOIN people p ON p.id = us.person_id JOIN units pu ON pu.id = p.unit_id
		WHERE b.role = ? AND b.unit_id = ? AND us.active = ? AND p.active = ? ORDER BY b.id LIMIT 1`,
		string(authz.BranchSecretary), branch, true, true).Scan(&sec.ID, &sec.Name, &sec.UnitID, &sec.UnitPath)
	if err == errNoRows {
		err = t.QueryRow(ctx, `SELECT p.id, p.name, p.unit_id, pu.path FROM assignments a JOIN people p ON p.id = a.person_id
			JOIN units pu ON pu.id = p.unit_id WHERE a.kind = ? AND a.unit_id = ? AND a.starts_on <= ? AND (a.ends_on = '' OR a.ends_on >= ?)
			AND p.active = ? ORDER BY a.starts_on, a.id LIMIT 1`,
			string(people.FirstSecretary), branch, day, day, true).Scan(&sec.ID, &sec.Name, &sec.UnitID, &sec.UnitPath)
	}
	if err == errNoRows {
		sec = nil
	} else if err != nil {
		return nil, fmt.Errorf("storage: branch secretary: %w", err)
	}
	cache[key] = sec
	return sec, nil
}

// pointsFromHours scores approved volunteer hours. A party member is scored per row of the
// ledger: each approval and each accepted correction (negative or positive) is one entry whose
// source is the row. A team is scored once per approved activity: the team's approved hours of
// that activity (the sum of its approval rows) make one entry whose source is the activity
// (source kind "service_activity"); an accepted correction, written later, makes a correcting
// entry for the team whose source is the correction row, so the team's total always follows
// the ledger. A run reads whole activities: a batch that would end inside an activity's approval
// rows is stretched to its last one. Should an activity's approval rows still be split between
// runs (ids interleaved by concurrent approvals), the rows past the first run are scored to the
// team one by one, with the row as source, so none is lost or counted twice.
func (t *Tx) pointsFromHours(ctx context.Context, s *pointsScan, limit int) (int, error) {
	const mark = "service_hours"
	last, _, err := t.pointsMark(ctx, mark)
	if err != nil {
		return 0, err
	}
	// The batch: the next limit rows, stretched to the end of the activity its last row approves.
	upper := int64(-1) // -1: every row after last
	var edge int64
	var edgeActivity int64
	var edgeKind string
	err = t.QueryRow(ctx, `SELECT id, activity_id, kind FROM service_hours WHERE id > ? ORDER BY id LIMIT 1 OFFSET ?`, last, limit-1).
		Scan(&edge, &edgeActivity, &edgeKind)
	switch {
	case err == errNoRows:
	case err != nil:
		return 0, fmt.Errorf("storage: points hours: %w", err)
	default:
		upper = edge
		if edgeKind == service.EntryApproval {
			if err := t.QueryRow(ctx, `SELECT MAX(id) FROM service_hours WHERE activity_id = ? AND kind = ?`, edgeActivity,
				service.EntryApproval).Scan(&upper); err != nil {
				return 0, fmt.Errorf("storage: points hours: %w", err)
			}
		}
	}
	q := `SELECT h.id, h.service_date, h.centihours, h.kind, h.activity_id, p.id, p.name, p.unit_id, pu.path, p.party_member,
		st.id, st.name, st.unit_id, st.unit_path, COALESCE(x.title, '') FROM service_hours h JOIN people p ON p.id = h.person_id
		JOIN units pu ON pu.id = p.unit_id JOIN service_teams st ON st.id = h.team_id LEFT JOIN service_activities x ON x.id = h.activity_id
		WHERE h.id > ?`
	args := []any{last}
	if upper >= 0 {
		q, args = q+" AND h.id <= ?", append(args, upper)
	}
	rows, err := t.Query(ctx, q+" ORDER BY h.id", args...)
	if err != nil {
		return 0, fmt.Errorf("storage: points hours: %w", err)
	}
	var evs []pointsEvent
	teamOf := map[int64]int{} // activity id → index of its team event in evs
	n, lastID := 0, last
	for rows.Next() {
		var id, centi, activity int64
		var day, kind, title string
		var member bool
		pe := pointsEvent{source: points.VolunteerHours, kind: points.PartyMember, srcKind: "service_hours"}
		te := pointsEvent{source: points.VolunteerHours, kind: points.ServiceTeam}
		if err := rows.Scan(&id, &day, &centi, &kind, &activity, &pe.targetID, &pe.name, &pe.unitID, &pe.unitPath, &member,
			&te.targetID, &te.name, &te.unitID, &te.unitPath, &title); err != nil {
			rows.Close()
			return 0, err
		}
		n, lastID = n+1, id
		pe.day, pe.srcID, pe.hours, pe.label = day, id, centi, day
		if member {
			evs = append(evs, pe)
		}
		te.day = day
		if kind == service.EntryApproval {
			if i, ok := teamOf[activity]; ok {
				evs[i].hours += centi
				continue
			}
			te.srcKind, te.srcID, te.hours, te.label = "service_activity", activity, centi, day+" "+title
			teamOf[activity] = len(evs)
		} else {
			te.srcKind, te.srcID, te.hours, te.label = "service_hours", id, centi, day+" "+pe.name
		}
		evs = append(evs, te)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(teamOf) > 0 {
		// Activities whose approval began before this batch: their rows here go to the team one by one.
		split, err := t.Query(ctx, `SELECT DISTINCT activity_id FROM service_hours WHERE kind = ? AND id <= ? AND activity_id IN
			(SELECT activity_id FROM service_hours WHERE kind = ? AND id > ? AND id <= ?)`, service.EntryApproval, last, service.EntryApproval, last, lastID)
		if err != nil {
			return 0, fmt.Errorf("storage: points hours: %w", err)
		}
		var earlier []int64
		for split.Next() {
			var a int64
			if err := split.Scan(&a); err != nil {
				split.Close()
				return 0, err
			}
			earlier = append(earlier, a)
		}
		split.Close()
		if err := split.Err(); err != nil {
			return 0, err
		}
		if len(earlier) > 0 {
			if evs, err = t.splitTeamHours(ctx, evs, teamOf, earlier, last, lastID); err != nil {
				return 0, err
			}
		}
	}
	for _, ev := range evs {
		if err := t.score(ctx, s, ev, false); err != nil {
			return 0, err
		}
	}
	if n > 0 {
		if err := t.setPointsMark(ctx, mark, lastID, time.Time{}); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// splitTeamHours replaces the team events of activities whose approval a previous run began
// with one event per approval row of this batch (last < id <= upper), the row as source.
func (t *Tx) splitTeamHours(ctx context.Context, evs []pointsEvent, teamOf map[int64]int, earlier []int64, last, upper int64) ([]pointsEvent, error) {
	drop := map[int]bool{}
	var more []pointsEvent
	for _, a := range earlier {
		i, ok := teamOf[a]
		if !ok {
			continue
		}
		drop[i] = true
		base := evs[i]
		rows, err := t.Query(ctx, `SELECT h.id, h.centihours, p.name FROM service_hours h JOIN people p ON p.id = h.person_id
			WHERE h.activity_id = ? AND h.kind = ? AND h.id > ? AND h.id <= ? ORDER BY h.id`, a, service.EntryApproval, last, upper)
		if err != nil {
			return nil, fmt.Errorf("storage: points hours: %w", err)
		}
		for rows.Next() {
			ev := base
			var name string
			if err := rows.Scan(&ev.srcID, &ev.hours, &name); err != nil {
				rows.Close()
				return nil, err
			}
			ev.srcKind, ev.label = "service_hours", ev.day+" "+name
			more = append(more, ev)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := make([]pointsEvent, 0, len(evs)+len(more))
	for i, ev := range evs {
		if !drop[i] {
			out = append(out, ev)
		}
	}
	return append(out, more...), nil
}
