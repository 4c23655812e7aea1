package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/points"
)

// Points entries: the ledger. One person enters an entry with its evidence, another approves
// or rejects it; an approved entry never changes (a correction is a new entry naming it).
// Every total is a sum of approved entries, computed when read. Scope: an entry belongs to its
// target's unit.

// PointsTarget is a target of the points system as the ledger shows it.
type PointsTarget struct {
	Kind     points.TargetKind
	ID       int64
	Name     string
	UnitID   int64
	UnitPath string
	UnitName string
}

// pointsTarget reads a target (a person or a service team), without scope.
func (t *Tx) pointsTarget(ctx context.Context, k points.TargetKind, id int64) (*PointsTarget, error) {
	pt := &PointsTarget{Kind: k, ID: id}
	table := pointsTargetTable(k)
	if table == "" {
		return nil, errs.NotFound()
	}
	q := "SELECT x.name, x.unit_id, u.path, u.name FROM " + table + " x JOIN units u ON u.id = x.unit_id WHERE x.id = ?"
	if err := t.QueryRow(ctx, q, id).Scan(&pt.Name, &pt.UnitID, &pt.UnitPath, &pt.UnitName); err != nil {
		return nil, notFound(err)
	}
	return pt, nil
}

// pointsTargetTable is the table whose rows are the targets of kind k ("" for no valid kind).
func pointsTargetTable(k points.TargetKind) string {
	switch {
	case k.Person():
		return "people"
	case k == points.ServiceTeam:
		return "service_teams"
	}
	return ""
}

// pointsTargetIn reads a target perm reaches; a target the actor sees points of but may not act
// on is forbidden, anything else not found.
func (t *Tx) pointsTargetIn(ctx context.Context, a Actor, k points.TargetKind, id int64, perm authz.Perm) (*PointsTarget, error) {
	pt, err := t.pointsTarget(ctx, k, id)
	if err != nil {
		return nil, err
	}
	if !a.P.CanAt(perm, pt.UnitPath) {
		if perm != authz.ViewPoints && a.P.CanAt(authz.ViewPoints, pt.UnitPath) {
			return nil, errs.Forbidden()
		}
		return nil, errs.NotFound()
	}
	return pt, nil
}

// PointsTargetOf returns a target whose points the actor sees.
func (db *DB) PointsTargetOf(ctx context.Context, a Actor, k points.TargetKind, id int64) (*PointsTarget, error) {
	var pt *PointsTarget
	err := db.view(ctx, func(t *Tx) (err error) {
		pt, err = t.pointsTargetIn(ctx, a, k, id, authz.ViewPoints)
		return err
	})
	return pt, err
}

// PointsCatalogueFor returns the catalogue that applies to a target the actor sees (not found
// when none does yet).
func (db *DB) PointsCatalogueFor(ctx context.Context, a Actor, k points.TargetKind, id int64) (*points.Catalogue, error) {
	var c *points.Catalogue
	err := db.view(ctx, func(t *Tx) error {
		pt, err := t.pointsTargetIn(ctx, a, k, id, authz.ViewPoints)
		if err != nil {
			return err
		}
		cs, err := t.pointsCatalogues(ctx, "c.target_kind = ?", string(k))
		if err != nil {
			return err
		}
		if c = catalogueFor(cs, k, pt.UnitPath); c == nil {
			return errs.Invalid(errs.Field("rule", "points.catalogue.none"))
		}
		return nil
	})
	return c, err
}

const pointsEntryCols = `e.id, e.catalogue_id, e.rule_id, e.rule_version, r.code, r.name, r.dimension, e.target_kind, e.target_id, e.target_name,
	e.unit_id, e.unit_path, u.name, e.points, e.occurred_on, e.period_key, e.note, e.status, COALESCE(e.corrects_id, 0), e.source_kind,
	e.source_id, e.source_label, COALESCE(e.entered_by, 0), e.entered_name, COALESCE(e.approved_by, 0), e.approver_name, e.approved_at,
	e.decision_note, e.version, e.created_at`

const pointsEntryFrom = ` FROM points_entries e JOIN points_rules r ON r.id = e.rule_id JOIN units u ON u.id = e.unit_id`

func scanPointsEntry(sc interface{ Scan(...any) error }) (*points.Entry, error) {
	var e points.Entry
	var at sql.NullTime
	err := sc.Scan(&e.ID, &e.CatalogueID, &e.RuleID, &e.RuleVersion, &e.RuleCode, &e.RuleName, &e.Dimension, &e.TargetKind, &e.TargetID,
		&e.TargetName, &e.UnitID, &e.UnitPath, &e.UnitName, &e.Points, &e.OccurredOn, &e.PeriodKey, &e.Note, &e.Status, &e.CorrectsID,
		&e.SourceKind, &e.SourceID, &e.SourceLabel, &e.EnteredBy, &e.EnteredName, &e.ApprovedBy, &e.ApproverName, &at, &e.DecisionNote,
		&e.Version, &e.CreatedAt)
	e.ApprovedAt = at.Time
	return &e, err
}

func (t *Tx) pointsEntry(ctx context.Context, id int64) (*points.Entry, error) {
	e, err := scanPointsEntry(t.QueryRow(ctx, "SELECT "+pointsEntryCols+pointsEntryFrom+" WHERE e.id = ?", id))
	return e, notFound(err)
}

// PointsEntry returns an entry the actor sees.
func (db *DB) PointsEntry(ctx context.Context, a Actor, id int64) (*points.Entry, error) {
	var e *points.Entry
	err := db.view(ctx, func(t *Tx) (err error) {
		if e, err = t.pointsEntry(ctx, id); err != nil {
			return err
		}
		if !a.P.CanAt(authz.ViewPoints, e.UnitPath) {
			return errs.NotFound()
		}
		return nil
	})
	return e, err
}

// NewPointsEntry is a manual entry: who, by which rule, how many points (signed centipoints;
// a deduction is negative), when, and the evidence. CorrectsID names the approved entry a
// correction corrects.
type NewPointsEntry struct {
	TargetKind points.TargetKind
	TargetID   int64
	RuleID     int64
	Points     int64
	OccurredOn string
	Note       string
	CorrectsID int64
}

// pointsUsed is what a target has used of a rule in a period: its pending and approved entries.
func (t *Tx) pointsUsed(ctx context.Context, ruleID int64, k points.TargetKind, targetID int64, period string) (int64, error) {
	var used int64
	err := t.QueryRow(ctx, `SELECT COALESCE(SUM(points), 0) FROM points_entries WHERE rule_id = ? AND target_kind = ? AND target_id = ?
		AND period_key = ? AND status <> ?`, ruleID, string(k), targetID, period, string(points.Rejected)).Scan(&used)
	return used, err
}

// EnterPoints records a manual entry, pending approval by someone else. The rule must be an
// enabled rule of the catalogue that applies to the target, and the entry must fit in what the
// rule's cap leaves the target in the period (pending entries count, so two entries cannot
// together pass it). A correction names an approved entry of the same target and rule and may
// take back any part of it.
func (db *DB) EnterPoints(ctx context.Context, a Actor, in NewPointsEntry) (*points.Entry, error) {
	var out *points.Entry
	err := db.update(ctx, func(t *Tx) (err error) {
		out, err = t.enterPoints(ctx, a, in)
		return err
	})
	return out, err
}

// EnterPoints records a manual entry within the batch, as DB.EnterPoints.
func (b *Batch) EnterPoints(in NewPointsEntry) (*points.Entry, error) {
	return b.t.enterPoints(b.ctx, b.a, in)
}

func (t *Tx) enterPoints(ctx context.Context, a Actor, in NewPointsEntry) (out *points.Entry, err error) {
	err = func() error {
		if !in.TargetKind.Valid() {
			return errs.Invalid(errs.Field("target_kind", "points.kind.invalid"))
		}
		pt, err := t.pointsTargetIn(ctx, a, in.TargetKind, in.TargetID, authz.EnterPoints)
		if err != nil {
			return err
		}
		cs, err := t.pointsCatalogues(ctx, "c.target_kind = ?", string(in.TargetKind))
		if err != nil {
			return err
		}
		c := catalogueFor(cs, in.TargetKind, pt.UnitPath)
		if c == nil {
			return errs.Invalid(errs.Field("rule", "points.catalogue.none"))
		}
		rule := c.Rule(in.RuleID)
		if rule == nil {
			return errs.Invalid(errs.Field("rule", "points.entry.rule.invalid"))
		}
		if rule.Source != points.Manual {
			return errs.Invalid(errs.Field("rule", "points.entry.rule.automatic"))
		}
		note, err := points.CheckNote(in.Note, true)
		if err != nil {
			return err
		}
		today := points.Today(t.db.clock.Now())
		span, err := points.SpanOf(rule.Period, in.OccurredOn)
		if err != nil || in.OccurredOn > today || in.OccurredOn < "2000-01-01" {
			return errs.Invalid(errs.Field("occurred_on", "validation.date_range"))
		}
		// Serialize entries under one rule, so the cap holds with concurrent enterers.
		if _, err := t.Exec(ctx, "UPDATE points_rules SET version = version WHERE id = ?", rule.ID); err != nil {
			return err
		}
		used, err := t.pointsUsed(ctx, rule.ID, in.TargetKind, in.TargetID, span.Key)
		if err != nil {
			return err
		}
		if in.CorrectsID != 0 {
			orig, err := t.pointsEntry(ctx, in.CorrectsID)
			if err != nil || orig.TargetKind != in.TargetKind || orig.TargetID != in.TargetID || orig.RuleID != rule.ID || orig.Status != points.Approved {
				return errs.Invalid(errs.Field("corrects", "points.entry.corrects.invalid"))
			}
			// A correction may take back all that is left of its entry (after earlier corrections) or
			// add to it within the cap.
			var net int64
			if err := t.QueryRow(ctx, "SELECT COALESCE(SUM(points), 0) FROM points_entries WHERE (id = ? OR corrects_id = ?) AND status <> ?",
				orig.ID, orig.ID, string(points.Rejected)).Scan(&net); err != nil {
				return err
			}
			net += in.Points
			if in.Points == 0 || net*rule.Sign() < 0 {
				return errs.Invalid(errs.Field("points", "points.entry.corrects.points", points.Format(orig.Points)))
			}
			if in.Points*rule.Sign() > 0 {
				if err := rule.CheckCap(used, in.Points); err != nil {
					return err
				}
			}
			if span.Key != orig.PeriodKey {
				span, _ = points.ParseSpan(orig.PeriodKey)
				in.OccurredOn = orig.OccurredOn
			}
		} else if err := rule.CheckEntry(used, in.Points); err != nil {
			return err
		}
		now := t.db.clock.Now()
		id, err := t.insert(ctx, `INSERT INTO points_entries (catalogue_id, rule_id, rule_version, target_kind, target_id, target_name, unit_id,
			unit_path, points, occurred_on, period_key, note, status, corrects_id, entered_by, entered_name, version, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`, c.ID, rule.ID, rule.Version, string(pt.Kind), pt.ID, pt.Name,
			pt.UnitID, pt.UnitPath, in.Points, in.OccurredOn, span.Key, note, string(points.Pending), nullID(in.CorrectsID),
			nullID(a.P.UserID), a.P.Username, now)
		if err != nil {
			return fmt.Errorf("storage: enter points: %w", err)
		}
		if out, err = t.pointsEntry(ctx, id); err != nil {
			return err
		}
		action := "points.enter"
		if in.CorrectsID != 0 {
			action = "points.correct"
		}
		return t.audit(ctx, a, action, "points_entry", id, pt.UnitPath, nil, pointsAudit(out))
	}()
	return out, err
}

// pointsAudit is what the audit log keeps of an entry.
func pointsAudit(e *points.Entry) map[string]any {
	m := map[string]any{"target_kind": e.TargetKind, "target_id": e.TargetID, "rule": e.RuleCode, "rule_version": e.RuleVersion,
		"points": points.Format(e.Points), "occurred_on": e.OccurredOn, "period": e.PeriodKey, "status": e.Status, "note": e.Note}
	if e.CorrectsID != 0 {
		m["corrects"] = e.CorrectsID
	}
	if e.SourceKind != "" {
		m["source"] = e.SourceKind + ":" + fmt.Sprint(e.SourceID)
	}
	return m
}

// DecidePoints approves or rejects a pending entry at version. The approver needs the approval
// permission at the target's unit and must not be the one who entered it; a decided entry is
// never decided again (a second approver racing the first gets a conflict).
func (db *DB) DecidePoints(ctx context.Context, a Actor, id int64, approve bool, note string, version int64) (*points.Entry, error) {
	var out *points.Entry
	err := db.update(ctx, func(t *Tx) (err error) {
		out, err = t.decidePoints(ctx, a, id, approve, note, version)
		return err
	})
	return out, err
}

// DecidePoints approves or rejects a pending entry within the batch, as DB.DecidePoints.
func (b *Batch) DecidePoints(id int64, approve bool, note string, version int64) (*points.Entry, error) {
	return b.t.decidePoints(b.ctx, b.a, id, approve, note, version)
}

func (t *Tx) decidePoints(ctx context.Context, a Actor, id int64, approve bool, note string, version int64) (out *points.Entry, err error) {
	err = func() error {
		e, err := t.pointsEntry(ctx, id)
		if err != nil {
			return err
		}
		if !a.P.CanAt(authz.ApprovePoints, e.UnitPath) {
			if a.P.CanAt(authz.ViewPoints, e.UnitPath) {
				return errs.Forbidden()
			}
			return errs.NotFound()
		}
		if e.Status != points.Pending || e.Version != version {
			return errs.Conflict()
		}
		if e.EnteredBy != 0 && e.EnteredBy == a.P.UserID {
			return errs.New(errs.EUNPROCESSABLE, "points.entry.approve_own")
		}
		if note, err = points.CheckNote(note, !approve); err != nil {
			return err
		}
		status := points.Rejected
		if approve {
			status = points.Approved
		}
		err = checkVersion(t.Exec(ctx, `UPDATE points_entries SET status = ?, approved_by = ?, approver_name = ?, approved_at = ?, decision_note = ?,
			version = version + 1 WHERE id = ? AND status = ? AND version = ?`, string(status), nullID(a.P.UserID), a.P.Username,
			t.db.clock.Now(), note, id, string(points.Pending), version))
		if err != nil {
			return err
		}
		if out, err = t.pointsEntry(ctx, id); err != nil {
			return err
		}
		return t.audit(ctx, a, "points."+map[bool]string{true: "approve", false: "reject"}[approve], "points_entry", id, e.UnitPath,
			pointsAudit(e), pointsAudit(out))
	}()
	return out, err
}

// PointsEntryFilter selects entries.
type PointsEntryFilter struct {
	Status     points.Status
	TargetKind points.TargetKind
	TargetID   int64
	UnitID     int64 // entries of targets under this unit
	From, To   string
	Limit      int
	Offset     int
}

// PointsEntries lists entries the actor sees, newest first, with how many match.
func (db *DB) PointsEntries(ctx context.Context, a Actor, f PointsEntryFilter) ([]points.Entry, int, error) {
	var out []points.Entry
	var total int
	err := db.view(ctx, func(t *Tx) error {
		where, args := scopeCond("e.unit_path", a.Scope(authz.ViewPoints))
		if f.Status != "" {
			where += " AND e.status = ?"
			args = append(args, string(f.Status))
		}
		if f.TargetKind != "" {
			where += " AND e.target_kind = ?"
			args = append(args, string(f.TargetKind))
		}
		if f.TargetID != 0 {
			where += " AND e.target_id = ?"
			args = append(args, f.TargetID)
		}
		if f.UnitID != 0 {
			var path string
			if err := t.QueryRow(ctx, "SELECT path FROM units WHERE id = ?", f.UnitID).Scan(&path); err != nil {
				return notFound(err)
			}
			c, ca := subtreeCond("e.unit_path", path)
			where += " AND " + c
			args = append(args, ca...)
		}
		if f.From != "" {
			where += " AND e.occurred_on >= ?"
			args = append(args, f.From)
		}
		if f.To != "" {
			where += " AND e.occurred_on <= ?"
			args = append(args, f.To)
		}
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM points_entries e WHERE "+where, args...).Scan(&total); err != nil {
			return fmt.Errorf("storage: count points entries: %w", err)
		}
		rows, err := t.Query(ctx, "SELECT "+pointsEntryCols+pointsEntryFrom+" WHERE "+where+" ORDER BY e.occurred_on DESC, e.id DESC LIMIT ? OFFSET ?",
			append(args, clampLimit(f.Limit), max(f.Offset, 0))...)
		if err != nil {
			return fmt.Errorf("storage: points entries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanPointsEntry(rows)
			if err != nil {
				return err
			}
			out = append(out, *e)
		}
		return rows.Err()
	})
	return out, total, err
}

// PointsTotal is a target's total over [from, to]: the sum of its approved entries, never a
// stored figure.
func (db *DB) PointsTotal(ctx context.Context, a Actor, k points.TargetKind, id int64, from, to string) (int64, error) {
	var total int64
	err := db.view(ctx, func(t *Tx) error {
		if _, err := t.pointsTargetIn(ctx, a, k, id, authz.ViewPoints); err != nil {
			return err
		}
		where, args := scopeCond("unit_path", a.Scope(authz.ViewPoints))
		return t.QueryRow(ctx, `SELECT COALESCE(SUM(points), 0) FROM points_entries WHERE target_kind = ? AND target_id = ? AND status = ?
			AND occurred_on >= ? AND occurred_on <= ? AND `+where, append([]any{string(k), id, string(points.Approved), from, to}, args...)...).Scan(&total)
	})
	return total, err
}

// PointsRanking is a horse race: the targets of a kind under a town or county in a period.
type PointsRanking struct {
	UnitID    int64
	UnitName  string
	UnitPath  string
	Kind      points.TargetKind
	Span      points.Span
	Ratios    []points.Ratio
	Standings []points.Standing
	CanGrade  bool // the actor may set the X grade here
}

// PointsRanking ranks the targets of kind k under unit (a town or county the actor sees) by
// their approved points in span, within the actor's scope, graded by the catalogue that
// applies at the unit (352 when there is none) and the X grades set for the period.
func (db *DB) PointsRanking(ctx context.Context, a Actor, unitID int64, k points.TargetKind, span points.Span) (*PointsRanking, error) {
	var out *PointsRanking
	err := db.view(ctx, func(t *Tx) error {
		if !k.Valid() {
			return errs.Invalid(errs.Field("kind", "points.kind.invalid"))
		}
		u, err := scanUnit(t.QueryRow(ctx, "SELECT "+unitCols+" FROM units u WHERE u.id = ?", unitID))
		if err != nil || !reaches(a.Scope(authz.ViewPoints), u.Path) {
			return errs.NotFound()
		}
		out = &PointsRanking{UnitID: u.ID, UnitName: u.Name, UnitPath: u.Path, Kind: k, Span: span, Ratios: points.DefaultRatios,
			CanGrade: a.P.CanAt(authz.ApprovePoints, u.Path)}
		cs, err := t.pointsCatalogues(ctx, "c.target_kind = ?", string(k))
		if err != nil {
			return err
		}
		if c := catalogueFor(cs, k, u.Path); c != nil && len(c.Ratios) > 0 {
			out.Ratios = c.Ratios
		}
		// One query: each target's approved sum in span (scoped), its current name and unit (the
		// entry's copy when the target is gone), and its X grade for the period.
		sub, sa := subtreeCond("e.unit_path", u.Path)
		sc, sca := scopeCond("e.unit_path", a.Scope(authz.ViewPoints))
		rows, err := t.Query(ctx, `SELECT s.target_id, COALESCE(x.name, s.name), COALESCE(xu.path, s.path), COALESCE(xu.name, ''),
				s.total, s.n, g.reason
			FROM (SELECT e.target_id, MAX(e.target_name) AS name, MAX(e.unit_path) AS path, SUM(e.points) AS total, COUNT(*) AS n
				FROM points_entries e
				WHERE e.target_kind = ? AND e.status = ? AND e.occurred_on >= ? AND e.occurred_on <= ? AND `+sub+" AND "+sc+`
				GROUP BY e.target_id) s
			LEFT JOIN `+pointsTargetTable(k)+` x ON x.id = s.target_id
			LEFT JOIN units xu ON xu.id = x.unit_id
			LEFT JOIN points_grades g ON g.target_kind = ? AND g.target_id = s.target_id AND g.period_key = ? AND g.grade = ?`,
			append(append(append([]any{string(k), string(points.Approved), span.From, span.To}, sa...), sca...),
				string(k), span.Key, string(points.X))...)
		if err != nil {
			return fmt.Errorf("storage: points ranking: %w", err)
		}
		defer rows.Close()
		var rs []points.Standing
		for rows.Next() {
			s := points.Standing{Kind: k}
			var reason sql.NullString
			if err := rows.Scan(&s.ID, &s.Name, &s.UnitPath, &s.UnitName, &s.Total, &s.Entries, &reason); err != nil {
				return err
			}
			s.XGraded, s.XReason = reason.Valid, reason.String
			rs = append(rs, s)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		out.Standings = points.Rank(rs, out.Ratios)
		return nil
	})
	return out, err
}

// PointsXGraded reports whether a target the actor sees is graded X for a period.
func (db *DB) PointsXGraded(ctx context.Context, a Actor, k points.TargetKind, id int64, periodKey string) (bool, error) {
	var n int
	err := db.view(ctx, func(t *Tx) error {
		if _, err := t.pointsTargetIn(ctx, a, k, id, authz.ViewPoints); err != nil {
			return err
		}
		return t.QueryRow(ctx, "SELECT COUNT(*) FROM points_grades WHERE target_kind = ? AND target_id = ? AND period_key = ? AND grade = ?",
			string(k), id, periodKey, string(points.X)).Scan(&n)
	})
	return n > 0, err
}

// SetPointsX sets (or with set false, clears) the X grade of a target for a period, with the
// reason: a serious failure takes the target out of the ratios.
func (db *DB) SetPointsX(ctx context.Context, a Actor, k points.TargetKind, id int64, periodKey, reason string, set bool) error {
	return db.update(ctx, func(t *Tx) error { return t.setPointsX(ctx, a, k, id, periodKey, reason, set) })
}

// SetPointsX sets or clears an X grade within the batch, as DB.SetPointsX.
func (b *Batch) SetPointsX(k points.TargetKind, id int64, periodKey, reason string, set bool) error {
	return b.t.setPointsX(b.ctx, b.a, k, id, periodKey, reason, set)
}

func (t *Tx) setPointsX(ctx context.Context, a Actor, k points.TargetKind, id int64, periodKey, reason string, set bool) error {
	if _, err := points.ParseSpan(periodKey); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if set && reason == "" {
		return errs.Invalid(errs.Field("reason", "points.x.reason"))
	}
	if !k.Valid() {
		return errs.NotFound()
	}
	pt, err := t.pointsTargetIn(ctx, a, k, id, authz.ApprovePoints)
	if err != nil {
		return err
	}
	if _, err := t.Exec(ctx, "DELETE FROM points_grades WHERE target_kind = ? AND target_id = ? AND period_key = ?", string(k), id, periodKey); err != nil {
		return err
	}
	if set {
		if _, err := t.Exec(ctx, `INSERT INTO points_grades (target_kind, target_id, period_key, grade, reason, unit_id, unit_path, set_by, set_name, set_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, string(k), id, periodKey, string(points.X), reason, pt.UnitID, pt.UnitPath,
			nullID(a.P.UserID), a.P.Username, t.db.clock.Now()); err != nil {
			return fmt.Errorf("storage: points grade: %w", err)
		}
	}
	return t.audit(ctx, a, "points.grade_x", "points_target", id, pt.UnitPath, nil,
		map[string]any{"kind": k, "period": periodKey, "x": set, "reason": reason})
}
