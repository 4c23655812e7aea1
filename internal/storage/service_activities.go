package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/service"
)

// checkinTokenLen is the length of an activity's check-in code: 160 bits, base32, lower case.
const checkinTokenLen = 32

func newCheckinToken() string {
	b := make([]byte, 20)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// ValidCheckinToken reports whether s has the shape of a check-in code, so malformed codes are
// refused before any query.
func ValidCheckinToken(s string) bool {
	if len(s) != checkinTokenLen {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

const activityCols = `a.id, a.team_id, COALESCE(a.project_id, 0), a.unit_id, a.unit_path, u.name, tm.name, tm.kind, COALESCE(pr.name, ''),
	a.title, a.service_date, a.starts_at, a.ends_at, a.place, a.content, a.status, a.checkin_token,
	a.rating_satisfied, a.rating_basic, a.rating_dissatisfied, a.organizer_name, a.approver_name, a.closed_at, a.approved_at,
	a.version, a.created_at, a.updated_at,
	(SELECT COUNT(*) FROM service_participants sp WHERE sp.activity_id = a.id),
	(SELECT COALESCE(SUM(sp.centihours), 0) FROM service_participants sp WHERE sp.activity_id = a.id)`

const activityFrom = ` FROM service_activities a JOIN units u ON u.id = a.unit_id JOIN service_teams tm ON tm.id = a.team_id
	LEFT JOIN service_projects pr ON pr.id = a.project_id`

func scanActivity(sc interface{ Scan(...any) error }) (*service.Activity, error) {
	var x service.Activity
	var closed, approved sql.NullTime
	err := sc.Scan(&x.ID, &x.TeamID, &x.ProjectID, &x.UnitID, &x.UnitPath, &x.UnitName, &x.TeamName, &x.TeamKind, &x.ProjectName,
		&x.Title, &x.ServiceDate, &x.StartsAt, &x.EndsAt, &x.Place, &x.Content, &x.Status, &x.Token,
		&x.Ratings.Satisfied, &x.Ratings.Basic, &x.Ratings.Dissatisfied, &x.OrganizerName, &x.ApproverName, &closed, &approved,
		&x.Version, &x.CreatedAt, &x.UpdatedAt, &x.Participants, &x.Centihours)
	x.ClosedAt, x.ApprovedAt = closed.Time, approved.Time
	return &x, err
}

func (t *Tx) activity(ctx context.Context, id int64) (*service.Activity, error) {
	x, err := scanActivity(t.QueryRow(ctx, "SELECT "+activityCols+activityFrom+" WHERE a.id = ?", id))
	if err != nil {
		return nil, notFound(err)
	}
	return x, nil
}

// isParticipant reports whether the actor's own person is recorded on an activity.
func (t *Tx) isParticipant(ctx context.Context, a Actor, activityID int64) (bool, error) {
	if a.P == nil || a.P.PersonID == 0 {
		return false, nil
	}
	var n int
	err := t.QueryRow(ctx, "SELECT COUNT(*) FROM service_participants WHERE activity_id = ? AND person_id = ?", activityID, a.P.PersonID).Scan(&n)
	return n > 0, err
}

// activityIn reads an activity the actor sees (service.view at its unit, or their own
// attendance), checking perm when it is more than viewing.
func (t *Tx) activityIn(ctx context.Context, a Actor, perm authz.Perm, id int64) (*service.Activity, error) {
	x, err := t.activity(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.P.CanAt(authz.ViewService, x.UnitPath) {
		own, err := t.isParticipant(ctx, a, id)
		if err != nil {
			return nil, err
		}
		if !own || perm != authz.ViewService {
			return nil, errs.NotFound()
		}
		return x, nil
	}
	if err := checkReach(a, authz.ViewService, perm, x.UnitPath); err != nil {
		return nil, err
	}
	return x, nil
}

// ActivityFilter selects activities.
type ActivityFilter struct {
	TeamID int64
	UnitID int64
	Status service.Status
	From   string // service_date ≥ From
	To     string // service_date ≤ To
	Limit  int
	Offset int
}

// activityAt reads an activity the actor organizes for an edit made on version: a conflict when
// it has changed since.
func (t *Tx) activityAt(ctx context.Context, a Actor, id, version int64) (*service.Activity, error) {
	x, err := t.activityIn(ctx, a, authz.ManageService, id)
	if err != nil {
		return nil, err
	}
	if x.Version != version {
		return nil, errs.Conflict()
	}
	return x, nil
}

// ServiceActivities lists the activities the actor sees, latest first.
func (db *DB) ServiceActivities(ctx context.Context, a Actor, f ActivityFilter) ([]service.Activity, int, error) {
	var out []service.Activity
	var total int
	err := db.view(ctx, func(t *Tx) error {
		cond, args := scopeCond("a.unit_path", a.Scope(authz.ViewService))
		where := []string{cond}
		if f.TeamID != 0 {
			where, args = append(where, "a.team_id = ?"), append(args, f.TeamID)
		}
		if f.UnitID != 0 {
			c, ca, err := t.underUnit(ctx, "a.unit_path", f.UnitID)
			if err != nil {
				return err
			}
			where, args = append(where, c), append(args, ca...)
		}
		if f.Status != "" {
			where, args = append(where, "a.status = ?"), append(args, string(f.Status))
		}
		if f.From != "" {
			where, args = append(where, "a.service_date >= ?"), append(args, f.From)
		}
		if f.To != "" {
			where, args = append(where, "a.service_date <= ?"), append(args, f.To)
		}
		w := " WHERE " + strings.Join(where, " AND ")
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM service_activities a"+w, args...).Scan(&total); err != nil {
			return fmt.Errorf("storage: count activities: %w", err)
		}
		rows, err := t.Query(ctx, "SELECT "+activityCols+activityFrom+w+" ORDER BY a.service_date DESC, a.id DESC LIMIT ? OFFSET ?",
			append(args, clampLimit(f.Limit), max(f.Offset, 0))...)
		if err != nil {
			return fmt.Errorf("storage: activities: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			x, err := scanActivity(rows)
			if err != nil {
				return err
			}
			out = append(out, *x)
		}
		return rows.Err()
	})
	return out, total, err
}

// ServiceActivity returns an activity the actor sees and what they may do with it.
func (db *DB) ServiceActivity(ctx context.Context, a Actor, id int64) (*service.Activity, ServiceAccess, error) {
	var x *service.Activity
	err := db.view(ctx, func(t *Tx) (err error) {
		x, err = t.activityIn(ctx, a, authz.ViewService, id)
		return err
	})
	if err != nil {
		return nil, ServiceAccess{}, err
	}
	return x, ServiceAccess{Manage: a.P.CanAt(authz.ManageService, x.UnitPath)}, nil
}

func activityAudit(x *service.Activity) map[string]any {
	return map[string]any{"team_id": x.TeamID, "project_id": x.ProjectID, "title": x.Title, "service_date": x.ServiceDate,
		"starts_at": x.StartsAt, "ends_at": x.EndsAt, "place": x.Place, "content": x.Content, "status": x.Status,
		"ratings": []int{x.Ratings.Satisfied, x.Ratings.Basic, x.Ratings.Dissatisfied}}
}

// checkProject reports a project that is not the team's as the field's error, and a retired
// one unless it is keep (the activity's project already).
func (t *Tx) checkProject(ctx context.Context, teamID, projectID, keep int64) (string, error) {
	if projectID == 0 {
		return "", nil
	}
	var name string
	var active bool
	err := t.QueryRow(ctx, "SELECT name, active FROM service_projects WHERE id = ? AND team_id = ?", projectID, teamID).Scan(&name, &active)
	if err == sql.ErrNoRows {
		return "", errs.Invalid(errs.Field("project_id", "service.project.not_found"))
	}
	if err == nil && !active && projectID != keep {
		return "", errs.Invalid(errs.Field("project_id", "service.project.retired_error"))
	}
	return name, err
}

// CreateActivity plans an activity of a team the actor manages, with a fresh check-in code.
func (db *DB) CreateActivity(ctx context.Context, a Actor, x *service.Activity) error {
	return db.update(ctx, func(t *Tx) error {
		if err := x.Validate(); err != nil {
			return err
		}
		tm, err := t.serviceTeam(ctx, x.TeamID)
		if errs.Code(err) == errs.ENOTFOUND || (err == nil && !a.P.CanAt(authz.ManageService, tm.UnitPath)) {
			return errs.Invalid(errs.Field("team_id", "service.team.not_found"))
		}
		if err != nil {
			return err
		}
		if !tm.Active {
			return errs.Invalid(errs.Field("team_id", "service.team.inactive_error"))
		}
		if x.ProjectName, err = t.checkProject(ctx, tm.ID, x.ProjectID, 0); err != nil {
			return err
		}
		now := t.db.clock.Now()
		by, name := actorRef(a)
		x.UnitID, x.UnitPath, x.UnitName, x.TeamName, x.TeamKind = tm.UnitID, tm.UnitPath, tm.UnitName, tm.Name, tm.Kind
		x.Status, x.Token, x.OrganizerName = service.Planned, newCheckinToken(), name
		id, err := t.insert(ctx, `INSERT INTO service_activities (team_id, project_id, unit_id, unit_path, title, service_date, starts_at, ends_at,
			place, content, status, checkin_token, rating_satisfied, rating_basic, rating_dissatisfied, organizer_user_id, organizer_name,
			version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			x.TeamID, nullID(x.ProjectID), x.UnitID, x.UnitPath, x.Title, x.ServiceDate, x.StartsAt, x.EndsAt, x.Place, x.Content,
			string(x.Status), x.Token, x.Ratings.Satisfied, x.Ratings.Basic, x.Ratings.Dissatisfied, by, name, now, now)
		if err != nil {
			return fmt.Errorf("storage: create activity: %w", err)
		}
		x.ID, x.Version, x.CreatedAt, x.UpdatedAt = id, 1, now, now
		return t.audit(ctx, a, "create", "service_activity", id, x.UnitPath, nil, activityAudit(x))
	})
}

// ActivityUpdate is what may change on an activity before its hours are approved.
type ActivityUpdate struct {
	ProjectID   int64
	Title       string
	ServiceDate string
	StartsAt    string
	EndsAt      string
	Place       string
	Content     string
	Version     int64
}

// UpdateActivity changes an activity's plan and content before approval (the residents' rating
// is RateActivity's).
func (db *DB) UpdateActivity(ctx context.Context, a Actor, id int64, up ActivityUpdate) (*service.Activity, error) {
	var out *service.Activity
	err := db.update(ctx, func(t *Tx) error {
		x, err := t.activityAt(ctx, a, id, up.Version)
		if err != nil {
			return err
		}
		if !service.Editable(x.Status) {
			return errs.New(errs.EUNPROCESSABLE, "service.activity.final")
		}
		before := activityAudit(x)
		if x.Participants > 0 && up.ServiceDate != x.ServiceDate {
			return errs.Invalid(errs.Field("service_date", "service.activity.date_locked"))
		}
		keep := x.ProjectID
		x.ProjectID, x.Title, x.ServiceDate, x.StartsAt, x.EndsAt, x.Place, x.Content =
			up.ProjectID, up.Title, up.ServiceDate, up.StartsAt, up.EndsAt, up.Place, up.Content
		if err := x.Validate(); err != nil {
			return err
		}
		if _, err := t.checkProject(ctx, x.TeamID, x.ProjectID, keep); err != nil {
			return err
		}
		now := t.db.clock.Now()
		if err := checkVersion(t.Exec(ctx, `UPDATE service_activities SET project_id = ?, title = ?, service_date = ?, starts_at = ?, ends_at = ?,
			place = ?, content = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`, nullID(x.ProjectID), x.Title, x.ServiceDate, x.StartsAt, x.EndsAt, x.Place, x.Content,
			now, id, up.Version)); err != nil {
			return err
		}
		if err := t.audit(ctx, a, "update", "service_activity", id, x.UnitPath, before, activityAudit(x)); err != nil {
			return err
		}
		out, err = t.activity(ctx, id)
		return err
	})
	return out, err
}

// RateActivity records the residents' rating of an activity as its organizer: how many residents
// were satisfied, basically satisfied or dissatisfied. Ratings are gathered after the service,
// so it may be recorded once the activity has taken place, approved or not; never on a planned
// or cancelled one. A stale version is a conflict.
func (db *DB) RateActivity(ctx context.Context, a Actor, id int64, r service.Ratings, version int64) (*service.Activity, error) {
	var out *service.Activity
	err := db.update(ctx, func(t *Tx) error {
		x, err := t.activityAt(ctx, a, id, version)
		if err != nil {
			return err
		}
		if err := service.CanRate(x.Status); err != nil {
			return err
		}
		if err := r.Validate(); err != nil {
			return err
		}
		if err := checkVersion(t.Exec(ctx, `UPDATE service_activities SET rating_satisfied = ?, rating_basic = ?, rating_dissatisfied = ?,
			version = version + 1, updated_at = ? WHERE id = ? AND version = ?`, r.Satisfied, r.Basic, r.Dissatisfied, t.db.clock.Now(), id, version)); err != nil {
			return err
		}
		if err := t.audit(ctx, a, "rate", "service_activity", id, x.UnitPath,
			map[string]any{"ratings": []int{x.Ratings.Satisfied, x.Ratings.Basic, x.Ratings.Dissatisfied}},
			map[string]any{"ratings": []int{r.Satisfied, r.Basic, r.Dissatisfied}}); err != nil {
			return err
		}
		out, err = t.activity(ctx, id)
		return err
	})
	return out, err
}

// StepActivity moves an activity through its states as its organizer: open check-in, close,
// reopen, cancel, or approve — approval writes each participant's hours to the ledger, after
// which they can change only by a correction.
func (db *DB) StepActivity(ctx context.Context, a Actor, id int64, act service.Action, version int64) (*service.Activity, error) {
	var out *service.Activity
	err := db.update(ctx, func(t *Tx) error {
		x, err := t.activityAt(ctx, a, id, version)
		if err != nil {
			return err
		}
		to, err := service.Next(x.Status, act)
		if err != nil {
			return err
		}
		now := t.db.clock.Now()
		by, name := actorRef(a)
		switch act {
		case service.Approve:
			ps, err := t.participants(ctx, id)
			if err != nil {
				return err
			}
			if err := service.CheckApproval(ps); err != nil {
				return err
			}
			if err := checkVersion(t.Exec(ctx, `UPDATE service_activities SET status = ?, approved_by = ?, approver_name = ?, approved_at = ?,
				version = version + 1, updated_at = ? WHERE id = ? AND version = ?`, string(to), by, name, now, now, id, version)); err != nil {
				return err
			}
			year, quarter := service.YearQuarter(x.ServiceDate)
			var entries []map[string]any
			for _, p := range ps {
				if p.Centihours == 0 {
					continue
				}
				hid, err := t.insert(ctx, `INSERT INTO service_hours (person_id, team_id, activity_id, participant_id, unit_id, unit_path, service_date,
					year, quarter, centihours, kind, approved_by, approver_name, approved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					p.PersonID, x.TeamID, id, p.ID, x.UnitID, x.UnitPath, x.ServiceDate, year, quarter, p.Centihours, service.EntryApproval, by, name, now)
				if err != nil {
					return fmt.Errorf("storage: approve hours: %w", err)
				}
				entries = append(entries, map[string]any{"id": hid, "person_id": p.PersonID, "centihours": p.Centihours})
			}
			if err := t.audit(ctx, a, "approve", "service_activity", id, x.UnitPath,
				map[string]any{"status": x.Status}, map[string]any{"status": to, "hours": entries}); err != nil {
				return err
			}
		case service.CloseAction:
			if err := checkVersion(t.Exec(ctx, `UPDATE service_activities SET status = ?, closed_at = ?, version = version + 1, updated_at = ?
				WHERE id = ? AND version = ?`, string(to), now, now, id, version)); err != nil {
				return err
			}
		default:
			if err := checkVersion(t.Exec(ctx, `UPDATE service_activities SET status = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
				string(to), now, id, version)); err != nil {
				return err
			}
		}
		if act != service.Approve {
			if err := t.audit(ctx, a, string(act), "service_activity", id, x.UnitPath, map[string]any{"status": x.Status}, map[string]any{"status": to}); err != nil {
				return err
			}
		}
		out, err = t.activity(ctx, id)
		return err
	})
	return out, err
}

const participantCols = `sp.id, sp.activity_id, sp.person_id, p.name, u.path, sp.source, sp.checkin_at, sp.checkout_at, sp.centihours, sp.note, sp.version,
	(SELECT COALESCE(SUM(h.centihours), 0) FROM service_hours h WHERE h.participant_id = sp.id),
	(SELECT COUNT(*) FROM service_hours h WHERE h.participant_id = sp.id AND h.kind = 'approval')`

const participantFrom = ` FROM service_participants sp JOIN people p ON p.id = sp.person_id JOIN units u ON u.id = p.unit_id`

func scanParticipant(sc interface{ Scan(...any) error }) (*service.Participant, error) {
	var p service.Participant
	var in, out sql.NullTime
	var approvals int
	err := sc.Scan(&p.ID, &p.ActivityID, &p.PersonID, &p.PersonName, &p.UnitPath, &p.Source, &in, &out, &p.Centihours, &p.Note, &p.Version,
		&p.Approved, &approvals)
	p.CheckInAt, p.CheckOutAt, p.HasApproval = in.Time, out.Time, approvals > 0
	return &p, err
}

func (t *Tx) participants(ctx context.Context, activityID int64) ([]service.Participant, error) {
	rows, err := t.Query(ctx, "SELECT "+participantCols+participantFrom+" WHERE sp.activity_id = ? ORDER BY p.name, sp.id", activityID)
	if err != nil {
		return nil, fmt.Errorf("storage: participants: %w", err)
	}
	defer rows.Close()
	var out []service.Participant
	for rows.Next() {
		p, err := scanParticipant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// ActivityParticipants lists an activity's participants with their hours; one who sees the
// activity only as a participant sees only their own line.
func (db *DB) ActivityParticipants(ctx context.Context, a Actor, id int64) ([]service.Participant, error) {
	var out []service.Participant
	err := db.view(ctx, func(t *Tx) error {
		x, err := t.activityIn(ctx, a, authz.ViewService, id)
		if err != nil {
			return err
		}
		ps, err := t.participants(ctx, id)
		if err != nil {
			return err
		}
		if a.P.CanAt(authz.ViewService, x.UnitPath) {
			out = ps
			return nil
		}
		for _, p := range ps {
			if p.PersonID == a.P.PersonID {
				out = append(out, p)
			}
		}
		return nil
	})
	return out, err
}

// otherHoursOn is what a person has recorded on a day in other activities.
func (t *Tx) otherHoursOn(ctx context.Context, personID int64, day string, activityID int64) (int, error) {
	var n int
	err := t.QueryRow(ctx, `SELECT COALESCE(SUM(sp.centihours), 0) FROM service_participants sp JOIN service_activities a ON a.id = sp.activity_id
		WHERE sp.person_id = ? AND a.service_date = ? AND sp.activity_id <> ? AND a.status <> ?`, personID, day, activityID, string(service.Cancelled)).Scan(&n)
	return n, err
}

// ParticipantHours is the organizer's record of one person's hours on an activity.
type ParticipantHours struct {
	PersonID   int64
	Centihours int
	Note       string
	Version    int64 // the participant line's version when it exists (0 for a new line)
}

// RecordParticipants records or changes people's hours on an activity the actor organizes, in
// one transaction: a person the actor manages or a member of the team. Approved hours cannot
// change here (only by a correction).
func (db *DB) RecordParticipants(ctx context.Context, a Actor, activityID int64, list []ParticipantHours) error {
	return db.update(ctx, func(t *Tx) error {
		x, err := t.activityIn(ctx, a, authz.ManageService, activityID)
		if err != nil {
			return err
		}
		if !service.Editable(x.Status) {
			return errs.New(errs.EUNPROCESSABLE, "service.activity.final")
		}
		now := t.db.clock.Now()
		for _, ph := range list {
			if ph.PersonID == 0 {
				return errs.Invalid(errs.Field("person_id", "validation.required"))
			}
			if ph.Centihours < 0 {
				return errs.Invalid(errs.Field("hours", "service.hours.negative"))
			}
			if ph.Centihours > service.MaxDay {
				return errs.Invalid(errs.Field("hours", "service.hours.over_day"))
			}
			if len([]rune(ph.Note)) > 500 {
				return errs.Invalid(errs.Field("note", "validation.too_long", 500))
			}
			var pid, version int64
			var old int
			err := t.QueryRow(ctx, "SELECT id, version, centihours FROM service_participants WHERE activity_id = ? AND person_id = ?",
				activityID, ph.PersonID).Scan(&pid, &version, &old)
			if err != nil && err != sql.ErrNoRows {
				return err
			}
			if pid == 0 {
				var member int
				if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM service_team_members WHERE team_id = ? AND person_id = ? AND active = ?",
					x.TeamID, ph.PersonID, true).Scan(&member); err != nil {
					return err
				}
				if member == 0 {
					if _, _, err := t.servicePersonIn(ctx, a, authz.ManageService, "person_id", ph.PersonID); err != nil {
						return err
					}
				}
			}
			others, err := t.otherHoursOn(ctx, ph.PersonID, x.ServiceDate, activityID)
			if err != nil {
				return err
			}
			if err := service.CheckDay(others, ph.Centihours); err != nil {
				e := errs.As(err)
				return errs.Invalid(errs.Field("hours", e.Key, e.Args...))
			}
			if pid == 0 {
				pid, err = t.insert(ctx, `INSERT INTO service_participants (activity_id, person_id, source, centihours, note, version, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, 1, ?, ?)`, activityID, ph.PersonID, string(service.Entered), ph.Centihours, ph.Note, now, now)
				if err != nil {
					return fmt.Errorf("storage: record participant: %w", err)
				}
				if err := t.audit(ctx, a, "record", "service_participant", pid, x.UnitPath, nil,
					map[string]any{"activity_id": activityID, "person_id": ph.PersonID, "centihours": ph.Centihours}); err != nil {
					return err
				}
				continue
			}
			if ph.Version != 0 && ph.Version != version {
				return errs.Conflict()
			}
			if err := checkVersion(t.Exec(ctx, `UPDATE service_participants SET centihours = ?, note = ?, version = version + 1, updated_at = ?
				WHERE id = ? AND version = ?`, ph.Centihours, ph.Note, now, pid, version)); err != nil {
				return err
			}
			if err := t.audit(ctx, a, "update", "service_participant", pid, x.UnitPath, map[string]any{"centihours": old},
				map[string]any{"activity_id": activityID, "person_id": ph.PersonID, "centihours": ph.Centihours}); err != nil {
				return err
			}
		}
		return nil
	})
}

// RemoveParticipant takes a person off an activity before approval.
func (db *DB) RemoveParticipant(ctx context.Context, a Actor, activityID, participantID int64) error {
	return db.update(ctx, func(t *Tx) error {
		x, err := t.activityIn(ctx, a, authz.ManageService, activityID)
		if err != nil {
			return err
		}
		if !service.Editable(x.Status) {
			return errs.New(errs.EUNPROCESSABLE, "service.activity.final")
		}
		var person int64
		var c int
		if err := t.QueryRow(ctx, "SELECT person_id, centihours FROM service_participants WHERE id = ? AND activity_id = ?", participantID, activityID).
			Scan(&person, &c); err != nil {
			return notFound(err)
		}
		if _, err := t.Exec(ctx, "DELETE FROM service_participants WHERE id = ?", participantID); err != nil {
			return fmt.Errorf("storage: remove participant: %w", err)
		}
		return t.audit(ctx, a, "remove", "service_participant", participantID, x.UnitPath,
			map[string]any{"activity_id": activityID, "person_id": person, "centihours": c}, nil)
	})
}

// CheckIn is one volunteer's view of an activity by its code: the activity and their own line.
type CheckIn struct {
	Activity    *service.Activity
	Participant *service.Participant // nil before they check in
}

// activityByToken finds the activity of a check-in code that the actor may join: a member of the
// team, or one who may join service at the activity's unit. Anything else is not found, so a
// code cannot be probed for another community's activities.
func (t *Tx) activityByToken(ctx context.Context, a Actor, token string) (*service.Activity, error) {
	if !ValidCheckinToken(token) {
		return nil, errs.NotFound()
	}
	x, err := scanActivity(t.QueryRow(ctx, "SELECT "+activityCols+activityFrom+" WHERE a.checkin_token = ?", token))
	if err != nil {
		return nil, notFound(err)
	}
	if a.P.CanAt(authz.JoinService, x.UnitPath) || a.P.CanAt(authz.ManageService, x.UnitPath) {
		return x, nil
	}
	if a.P.PersonID != 0 {
		var n int
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM service_team_members WHERE team_id = ? AND person_id = ? AND active = ?",
			x.TeamID, a.P.PersonID, true).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			return x, nil
		}
	}
	return nil, errs.NotFound()
}

func (t *Tx) ownParticipant(ctx context.Context, a Actor, activityID int64) (*service.Participant, error) {
	if a.P.PersonID == 0 {
		return nil, nil
	}
	p, err := scanParticipant(t.QueryRow(ctx, "SELECT "+participantCols+participantFrom+" WHERE sp.activity_id = ? AND sp.person_id = ?",
		activityID, a.P.PersonID))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return p, err
}

// ActivityByCode returns the activity of a check-in code with the actor's own attendance.
func (db *DB) ActivityByCode(ctx context.Context, a Actor, token string) (*CheckIn, error) {
	var out CheckIn
	err := db.view(ctx, func(t *Tx) (err error) {
		if out.Activity, err = t.activityByToken(ctx, a, token); err != nil {
			return err
		}
		out.Participant, err = t.ownParticipant(ctx, a, out.Activity.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CheckInByCode checks the actor's own person in to the activity of a code. The code works on
// the activity's day while it is planned or open; a code used after the activity closed is
// refused. The first check-in opens a planned activity.
func (db *DB) CheckInByCode(ctx context.Context, a Actor, token string) (*CheckIn, error) {
	return db.scan(ctx, a, token, true)
}

// CheckOutByCode checks the actor's own person out; their hours are the time between, which the
// organizer may still edit before approval.
func (db *DB) CheckOutByCode(ctx context.Context, a Actor, token string) (*CheckIn, error) {
	return db.scan(ctx, a, token, false)
}

func (db *DB) scan(ctx context.Context, a Actor, token string, in bool) (*CheckIn, error) {
	var out CheckIn
	err := db.update(ctx, func(t *Tx) error {
		x, err := t.activityByToken(ctx, a, token)
		if err != nil {
			return err
		}
		if a.P.PersonID == 0 {
			return errs.New(errs.EUNPROCESSABLE, "service.checkin.no_person")
		}
		now := t.db.clock.Now()
		if err := service.CheckInOpen(x.Status, x.ServiceDate, now); err != nil {
			return err
		}
		own, err := t.ownParticipant(ctx, a, x.ID)
		if err != nil {
			return err
		}
		if in {
			if err := t.checkIn(ctx, a, x, own, now); err != nil {
				return err
			}
		} else if err := t.checkOut(ctx, a, x, own, now); err != nil {
			return err
		}
		if out.Activity, err = t.activity(ctx, x.ID); err != nil {
			return err
		}
		out.Participant, err = t.ownParticipant(ctx, a, x.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func (t *Tx) checkIn(ctx context.Context, a Actor, x *service.Activity, own *service.Participant, now time.Time) error {
	if own != nil {
		if own.CheckedIn() {
			return errs.New(errs.EUNPROCESSABLE, "service.checkin.already")
		}
		if !own.CheckOutAt.IsZero() || own.Source == service.Entered {
			return errs.New(errs.EUNPROCESSABLE, "service.checkin.done_already")
		}
	}
	pid, err := t.insert(ctx, `INSERT INTO service_participants (activity_id, person_id, source, checkin_at, centihours, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, 0, 1, ?, ?)`, x.ID, a.P.PersonID, string(service.Scanned), now, now, now)
	if err != nil {
		return fmt.Errorf("storage: check in: %w", err)
	}
	if x.Status == service.Planned {
		if _, err := t.Exec(ctx, "UPDATE service_activities SET status = ?, version = version + 1, updated_at = ? WHERE id = ? AND status = ?",
			string(service.Open), now, x.ID, string(service.Planned)); err != nil {
			return fmt.Errorf("storage: open activity: %w", err)
		}
	}
	return t.audit(ctx, a, "check_in", "service_participant", pid, x.UnitPath, nil,
		map[string]any{"activity_id": x.ID, "person_id": a.P.PersonID, "at": now})
}

func (t *Tx) checkOut(ctx context.Context, a Actor, x *service.Activity, own *service.Participant, now time.Time) error {
	if own == nil || own.CheckInAt.IsZero() {
		return errs.New(errs.EUNPROCESSABLE, "service.checkout.no_checkin")
	}
	if !own.CheckOutAt.IsZero() {
		return errs.New(errs.EUNPROCESSABLE, "service.checkout.already")
	}
	c, err := service.HoursBetween(own.CheckInAt, now)
	if err != nil {
		return err
	}
	others, err := t.otherHoursOn(ctx, own.PersonID, x.ServiceDate, x.ID)
	if err != nil {
		return err
	}
	if err := service.CheckDay(others, c); err != nil {
		return err
	}
	if err := checkVersion(t.Exec(ctx, `UPDATE service_participants SET checkout_at = ?, centihours = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`, now, c, now, own.ID, own.Version)); err != nil {
		return err
	}
	return t.audit(ctx, a, "check_out", "service_participant", own.ID, x.UnitPath, nil,
		map[string]any{"activity_id": x.ID, "person_id": own.PersonID, "at": now, "centihours": c})
}
