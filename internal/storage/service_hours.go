package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/service"
)

// HoursEntries lists ledger entries of an activity the actor sees (their own only, when they
// see it only as a participant), oldest first.
func (db *DB) HoursEntries(ctx context.Context, a Actor, activityID int64) ([]service.Entry, error) {
	var out []service.Entry
	err := db.view(ctx, func(t *Tx) error {
		x, err := t.activityIn(ctx, a, authz.ViewService, activityID)
		if err != nil {
			return err
		}
		q := `SELECT h.id, h.person_id, p.name, h.team_id, h.activity_id, h.service_date, h.centihours, h.kind, COALESCE(h.correction_id, 0),
			h.approver_name, h.approved_at FROM service_hours h JOIN people p ON p.id = h.person_id WHERE h.activity_id = ?`
		args := []any{activityID}
		if !a.P.CanAt(authz.ViewService, x.UnitPath) {
			q += " AND h.person_id = ?"
			args = append(args, a.P.PersonID)
		}
		rows, err := t.Query(ctx, q+" ORDER BY h.id", args...)
		if err != nil {
			return fmt.Errorf("storage: hours entries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e service.Entry
			if err := rows.Scan(&e.ID, &e.PersonID, &e.PersonName, &e.TeamID, &e.ActivityID, &e.ServiceDate, &e.Centihours, &e.Kind,
				&e.CorrectionID, &e.ApproverName, &e.ApprovedAt); err != nil {
				return err
			}
			e.ActivityTitle = x.Title
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}

// MyActivity is one activity of a volunteer's own record.
type MyActivity struct {
	ActivityID  int64
	Title       string
	TeamName    string
	ServiceDate string
	Status      service.Status
	Centihours  int // as recorded on the activity
	Approved    int // in the ledger (approval and corrections)
	CheckedIn   bool
	Corrections int // pending correction requests
}

// MyService is a volunteer's own page: approved hours of the year and their activities.
type MyService struct {
	PersonID   int64
	Year       int
	Centihours int // approved this year: the sum over the ledger
	Activities []MyActivity
}

// PersonYearHours is the sum of a person's approved hours in a year (the ledger's sum).
func (t *Tx) personYearHours(ctx context.Context, personID int64, year int) (int, error) {
	var n int
	err := t.QueryRow(ctx, "SELECT COALESCE(SUM(centihours), 0) FROM service_hours WHERE person_id = ? AND year = ?", personID, year).Scan(&n)
	return n, err
}

// MyServiceRecord returns the actor's own approved hours of a year and their activities of that
// year, latest first. An account without a linked person has nothing.
func (db *DB) MyServiceRecord(ctx context.Context, a Actor, year int) (*MyService, error) {
	out := &MyService{PersonID: a.P.PersonID, Year: year}
	if a.P.PersonID == 0 {
		return out, nil
	}
	err := db.view(ctx, func(t *Tx) (err error) {
		if out.Centihours, err = t.personYearHours(ctx, a.P.PersonID, year); err != nil {
			return err
		}
		y := strconv.Itoa(year)
		rows, err := t.Query(ctx, `SELECT a.id, a.title, tm.name, a.service_date, a.status, sp.centihours, sp.checkin_at, sp.checkout_at,
			(SELECT COALESCE(SUM(h.centihours), 0) FROM service_hours h WHERE h.participant_id = sp.id),
			(SELECT COUNT(*) FROM service_corrections c WHERE c.participant_id = sp.id AND c.status = ?)
			FROM service_participants sp JOIN service_activities a ON a.id = sp.activity_id JOIN service_teams tm ON tm.id = a.team_id
			WHERE sp.person_id = ? AND a.service_date >= ? AND a.service_date <= ? ORDER BY a.service_date DESC, a.id DESC LIMIT 500`,
			string(service.Pending), a.P.PersonID, y+"-01-01", y+"-12-31")
		if err != nil {
			return fmt.Errorf("storage: my service: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var m MyActivity
			var in, outT sql.NullTime
			if err := rows.Scan(&m.ActivityID, &m.Title, &m.TeamName, &m.ServiceDate, &m.Status, &m.Centihours, &in, &outT, &m.Approved, &m.Corrections); err != nil {
				return err
			}
			m.CheckedIn = in.Valid && !outT.Valid
			out.Activities = append(out.Activities, m)
		}
		return rows.Err()
	})
	return out, err
}

// PersonHours is the sum of a person's approved hours in a year, for one who sees the person's
// service record (service.view at their unit, or the person themself).
func (db *DB) PersonHours(ctx context.Context, a Actor, personID int64, year int) (int, error) {
	var n int
	err := db.view(ctx, func(t *Tx) error {
		if personID != a.P.PersonID {
			if _, _, err := t.servicePersonIn(ctx, a, authz.ViewService, "person_id", personID); err != nil {
				return errs.NotFound()
			}
		}
		var err error
		n, err = t.personYearHours(ctx, personID, year)
		return err
	})
	return n, err
}

// TeamHours is the sum of a team's approved hours and the number of distinct days it served in a
// year (quarter 0 for the whole year), from the ledger.
func (db *DB) TeamHours(ctx context.Context, a Actor, teamID int64, year, quarter int) (centihours, days int, err error) {
	err = db.view(ctx, func(t *Tx) error {
		if _, err := t.serviceTeamIn(ctx, a, authz.ViewService, teamID); err != nil {
			return err
		}
		q := "FROM service_hours WHERE team_id = ? AND year = ?"
		args := []any{teamID, year}
		if quarter != 0 {
			q += " AND quarter = ?"
			args = append(args, quarter)
		}
		if err := t.QueryRow(ctx, "SELECT COALESCE(SUM(centihours), 0) "+q, args...).Scan(&centihours); err != nil {
			return err
		}
		return t.QueryRow(ctx, "SELECT COUNT(DISTINCT service_date) "+q+" AND kind = 'approval'", args...).Scan(&days)
	})
	return
}

const correctionCols = `c.id, c.activity_id, c.participant_id, c.person_id, p.name, a.title, a.service_date, c.unit_path, c.current_centihours,
	c.wanted_centihours, c.reason, c.status, c.decider_name, c.decided_at, c.decision_note, COALESCE(c.hours_id, 0), c.version, c.created_at`

const correctionFrom = ` FROM service_corrections c JOIN people p ON p.id = c.person_id JOIN service_activities a ON a.id = c.activity_id`

func scanCorrection(sc interface{ Scan(...any) error }) (*service.Correction, error) {
	var c service.Correction
	var decided sql.NullTime
	err := sc.Scan(&c.ID, &c.ActivityID, &c.ParticipantID, &c.PersonID, &c.PersonName, &c.ActivityTitle, &c.ServiceDate, &c.UnitPath,
		&c.Current, &c.Wanted, &c.Reason, &c.Status, &c.DeciderName, &decided, &c.DecisionNote, &c.HoursID, &c.Version, &c.CreatedAt)
	c.DecidedAt = decided.Time
	return &c, err
}

// RequestCorrection is a volunteer asking to correct their own approved hours on an activity.
func (db *DB) RequestCorrection(ctx context.Context, a Actor, activityID int64, wanted int, reason string) (*service.Correction, error) {
	var out *service.Correction
	err := db.update(ctx, func(t *Tx) error {
		x, err := t.activityIn(ctx, a, authz.ViewService, activityID)
		if err != nil {
			return err
		}
		own, err := t.ownParticipant(ctx, a, activityID)
		if err != nil {
			return err
		}
		if own == nil {
			return errs.NotFound()
		}
		if x.Status != service.Approved {
			return errs.New(errs.EUNPROCESSABLE, "service.correction.not_approved")
		}
		var pending int
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM service_corrections WHERE participant_id = ? AND status = ?", own.ID, string(service.Pending)).
			Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return errs.New(errs.EUNPROCESSABLE, "service.correction.already_pending")
		}
		c := &service.Correction{ActivityID: activityID, ParticipantID: own.ID, PersonID: own.PersonID, Current: own.Approved, Wanted: wanted,
			Reason: reason, Status: service.Pending}
		if err := c.ValidateRequest(); err != nil {
			return err
		}
		now := t.db.clock.Now()
		by, _ := actorRef(a)
		id, err := t.insert(ctx, `INSERT INTO service_corrections (activity_id, participant_id, person_id, unit_path, current_centihours, wanted_centihours,
			reason, status, requested_by, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			activityID, own.ID, own.PersonID, x.UnitPath, c.Current, c.Wanted, c.Reason, string(c.Status), by, now, now)
		if err != nil {
			return fmt.Errorf("storage: request correction: %w", err)
		}
		if err := t.audit(ctx, a, "request", "service_correction", id, x.UnitPath, nil,
			map[string]any{"activity_id": activityID, "person_id": own.PersonID, "current": c.Current, "wanted": c.Wanted, "reason": c.Reason}); err != nil {
			return err
		}
		out, err = scanCorrection(t.QueryRow(ctx, "SELECT "+correctionCols+correctionFrom+" WHERE c.id = ?", id))
		return err
	})
	return out, err
}

// CorrectionFilter selects correction requests.
type CorrectionFilter struct {
	ActivityID int64
	Pending    bool
	Limit      int
}

// Corrections lists correction requests the actor sees: those of activities in their service
// scope, and their own.
func (db *DB) Corrections(ctx context.Context, a Actor, f CorrectionFilter) ([]service.Correction, error) {
	var out []service.Correction
	err := db.view(ctx, func(t *Tx) error {
		cond, args := scopeCond("c.unit_path", a.Scope(authz.ViewService))
		where := []string{"(" + cond + " OR c.person_id = ?)"}
		pid := a.P.PersonID
		if pid == 0 {
			pid = -1
		}
		args = append(args, pid)
		if f.ActivityID != 0 {
			where, args = append(where, "c.activity_id = ?"), append(args, f.ActivityID)
		}
		if f.Pending {
			where, args = append(where, "c.status = ?"), append(args, string(service.Pending))
		}
		rows, err := t.Query(ctx, "SELECT "+correctionCols+correctionFrom+" WHERE "+strings.Join(where, " AND ")+" ORDER BY c.id DESC LIMIT ?",
			append(args, clampLimit(f.Limit))...)
		if err != nil {
			return fmt.Errorf("storage: corrections: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCorrection(rows)
			if err != nil {
				return err
			}
			out = append(out, *c)
		}
		return rows.Err()
	})
	return out, err
}

// DecideCorrection is the organizer accepting or declining a correction request. Accepting writes
// a new ledger entry with the difference; the approved entry stays as it was.
func (db *DB) DecideCorrection(ctx context.Context, a Actor, id int64, accept bool, note string, version int64) (*service.Correction, error) {
	var out *service.Correction
	err := db.update(ctx, func(t *Tx) error {
		c, err := scanCorrection(t.QueryRow(ctx, "SELECT "+correctionCols+correctionFrom+" WHERE c.id = ?", id))
		if err != nil {
			return notFound(err)
		}
		x, err := t.activityIn(ctx, a, authz.ManageService, c.ActivityID)
		if err != nil {
			return err
		}
		if c.Version != version {
			return errs.Conflict()
		}
		if c.Status != service.Pending {
			return errs.New(errs.EUNPROCESSABLE, "service.correction.decided")
		}
		note = strings.TrimSpace(note)
		if len([]rune(note)) > 1000 {
			return errs.Invalid(errs.Field("note", "validation.too_long", 1000))
		}
		if !accept && note == "" {
			return errs.Invalid(errs.Field("note", "service.correction.note_required"))
		}
		now := t.db.clock.Now()
		by, name := actorRef(a)
		status := service.Declined
		var hid any
		after := map[string]any{"status": service.Declined, "note": note}
		if accept {
			status = service.Accepted
			// The ledger as it stands now: the entry corrects it to what was asked.
			var current int
			if err := t.QueryRow(ctx, "SELECT COALESCE(SUM(centihours), 0) FROM service_hours WHERE participant_id = ?", c.ParticipantID).Scan(&current); err != nil {
				return err
			}
			delta := c.Wanted - current
			if delta == 0 {
				return errs.New(errs.EUNPROCESSABLE, "service.correction.same")
			}
			others, err := t.approvedOn(ctx, c.PersonID, c.ServiceDate, c.ParticipantID)
			if err != nil {
				return err
			}
			if err := service.CheckDay(others, c.Wanted); err != nil {
				return err
			}
			year, quarter := service.YearQuarter(x.ServiceDate)
			h, err := t.insert(ctx, `INSERT INTO service_hours (person_id, team_id, activity_id, participant_id, unit_id, unit_path, service_date,
				year, quarter, centihours, kind, correction_id, approved_by, approver_name, approved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				c.PersonID, x.TeamID, x.ID, c.ParticipantID, x.UnitID, x.UnitPath, x.ServiceDate, year, quarter, delta, service.EntryCorrection, id, by, name, now)
			if err != nil {
				return fmt.Errorf("storage: correction entry: %w", err)
			}
			hid = h
			after = map[string]any{"status": service.Accepted, "note": note, "hours_id": h, "centihours": delta}
			if err := t.audit(ctx, a, "correct", "service_hours", h, x.UnitPath, nil,
				map[string]any{"person_id": c.PersonID, "activity_id": x.ID, "centihours": delta, "correction_id": id}); err != nil {
				return err
			}
		}
		if err := checkVersion(t.Exec(ctx, `UPDATE service_corrections SET status = ?, decided_by = ?, decider_name = ?, decided_at = ?, decision_note = ?,
			hours_id = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`, string(status), by, name, now, note, hid, now, id, version)); err != nil {
			return err
		}
		if err := t.audit(ctx, a, string(status), "service_correction", id, x.UnitPath, map[string]any{"status": service.Pending}, after); err != nil {
			return err
		}
		out, err = scanCorrection(t.QueryRow(ctx, "SELECT "+correctionCols+correctionFrom+" WHERE c.id = ?", id))
		return err
	})
	return out, err
}

// approvedOn is a person's approved hours on a day outside one participant line.
func (t *Tx) approvedOn(ctx context.Context, personID int64, day string, participantID int64) (int, error) {
	var n int
	err := t.QueryRow(ctx, "SELECT COALESCE(SUM(centihours), 0) FROM service_hours WHERE person_id = ? AND service_date = ? AND participant_id <> ?",
		personID, day, participantID).Scan(&n)
	return n, err
}

// townOf returns the town a unit lies in (the unit itself when it is a town).
func (t *Tx) townOf(ctx context.Context, path string) (id int64, code, name string, err error) {
	var ids []any
	var marks []string
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		if n, e := strconv.ParseInt(s, 10, 64); e == nil {
			ids, marks = append(ids, n), append(marks, "?")
		}
	}
	if len(ids) == 0 {
		return 0, "", "", errs.NotFound()
	}
	err = t.QueryRow(ctx, "SELECT id, code, name FROM units WHERE kind = ? AND id IN ("+strings.Join(marks, ", ")+")",
		append([]any{string(org.Town)}, ids...)...).Scan(&id, &code, &name)
	return id, code, name, notFound(err)
}

const certificateCols = `c.id, c.number, c.town_id, c.year, c.seq, c.person_id, c.person_name, c.unit_id, c.unit_path, c.centihours,
	c.period_from, c.period_to, c.content, c.issuer, c.issued_on, c.created_at`

func scanCertificate(sc interface{ Scan(...any) error }) (*service.Certificate, error) {
	var c service.Certificate
	err := sc.Scan(&c.ID, &c.Number, &c.TownID, &c.Year, &c.Seq, &c.PersonID, &c.PersonName, &c.UnitID, &c.UnitPath, &c.Centihours,
		&c.PeriodFrom, &c.PeriodTo, &c.Content, &c.Issuer, &c.IssuedOn, &c.CreatedAt)
	return &c, err
}

// IssueCertificate issues a numbered certificate of a person's approved hours over a period, as
// recorded by units where the actor manages service ("who records certifies"). Numbers run per
// town and year.
func (db *DB) IssueCertificate(ctx context.Context, a Actor, c *service.Certificate) error {
	return db.update(ctx, func(t *Tx) error {
		if err := c.Validate(); err != nil {
			return err
		}
		name, _, err := t.servicePersonIn(ctx, a, authz.ManageService, "person_id", c.PersonID)
		if err != nil {
			return err
		}
		var unitID int64
		var path string
		if err := t.QueryRow(ctx, "SELECT p.unit_id, u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = ?", c.PersonID).Scan(&unitID, &path); err != nil {
			return err
		}
		cond, args := scopeCond("unit_path", a.Scope(authz.ManageService))
		if err := t.QueryRow(ctx, "SELECT COALESCE(SUM(centihours), 0) FROM service_hours WHERE person_id = ? AND service_date >= ? AND service_date <= ? AND "+cond,
			append([]any{c.PersonID, c.PeriodFrom, c.PeriodTo}, args...)...).Scan(&c.Centihours); err != nil {
			return fmt.Errorf("storage: certificate hours: %w", err)
		}
		if c.Centihours <= 0 {
			return errs.Invalid(errs.Field("period_from", "service.certificate.no_hours"))
		}
		townID, townCode, _, err := t.townOf(ctx, path)
		if err != nil {
			return errs.Invalid(errs.Field("person_id", "service.certificate.no_town"))
		}
		now := t.db.clock.Now()
		c.IssuedOn = service.Today(now)
		c.Year, _ = service.YearQuarter(c.IssuedOn)
		if err := t.QueryRow(ctx, `INSERT INTO service_certificate_counters (town_id, year, last) VALUES (?, ?, 1)
			ON CONFLICT (town_id, year) DO UPDATE SET last = service_certificate_counters.last + 1 RETURNING last`, townID, c.Year).Scan(&c.Seq); err != nil {
			return fmt.Errorf("storage: certificate number: %w", err)
		}
		c.Number = service.CertificateNumber(townCode, c.Year, c.Seq)
		c.TownID, c.PersonName, c.UnitID, c.UnitPath, c.CreatedAt = townID, name, unitID, path, now
		by, _ := actorRef(a)
		c.ID, err = t.insert(ctx, `INSERT INTO service_certificates (number, town_id, year, seq, person_id, person_name, unit_id, unit_path, centihours,
			period_from, period_to, content, issuer, issued_on, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.Number, townID, c.Year, c.Seq, c.PersonID, name, unitID, path, c.Centihours, c.PeriodFrom, c.PeriodTo, c.Content, c.Issuer, c.IssuedOn, by, now)
		if err != nil {
			return fmt.Errorf("storage: issue certificate: %w", err)
		}
		return t.audit(ctx, a, "issue", "service_certificate", c.ID, path, nil, map[string]any{"number": c.Number, "person_id": c.PersonID,
			"centihours": c.Centihours, "period_from": c.PeriodFrom, "period_to": c.PeriodTo, "issuer": c.Issuer})
	})
}

// seesServiceOf tells whether the actor sees a record of a person's service kept at path: with
// service.view there, or as that person.
func seesServiceOf(a Actor, path string, personID int64) bool {
	return a.P.CanAt(authz.ViewService, path) || (a.P.PersonID != 0 && a.P.PersonID == personID)
}

// ServiceCertificate returns a certificate the actor sees: of a person in their service scope,
// or their own.
func (db *DB) ServiceCertificate(ctx context.Context, a Actor, id int64) (*service.Certificate, error) {
	var c *service.Certificate
	err := db.view(ctx, func(t *Tx) (err error) {
		c, err = scanCertificate(t.QueryRow(ctx, "SELECT "+certificateCols+" FROM service_certificates c WHERE c.id = ?", id))
		if err != nil {
			return notFound(err)
		}
		if !seesServiceOf(a, c.UnitPath, c.PersonID) {
			return errs.NotFound()
		}
		return nil
	})
	return c, err
}

// ServiceCertificates lists the certificates the actor sees, newest first.
func (db *DB) ServiceCertificates(ctx context.Context, a Actor, personID int64, limit, offset int) ([]service.Certificate, int, error) {
	var out []service.Certificate
	var total int
	err := db.view(ctx, func(t *Tx) error {
		cond, args := scopeCond("c.unit_path", a.Scope(authz.ViewService))
		pid := a.P.PersonID
		if pid == 0 {
			pid = -1
		}
		where := "(" + cond + " OR c.person_id = ?)"
		args = append(args, pid)
		if personID != 0 {
			where += " AND c.person_id = ?"
			args = append(args, personID)
		}
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM service_certificates c WHERE "+where, args...).Scan(&total); err != nil {
			return fmt.Errorf("storage: count certificates: %w", err)
		}
		rows, err := t.Query(ctx, "SELECT "+certificateCols+" FROM service_certificates c WHERE "+where+" ORDER BY c.id DESC LIMIT ? OFFSET ?",
			append(args, clampLimit(limit), max(offset, 0))...)
		if err != nil {
			return fmt.Errorf("storage: certificates: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCertificate(rows)
			if err != nil {
				return err
			}
			out = append(out, *c)
		}
		return rows.Err()
	})
	return out, total, err
}

// CertificateByNumber is the public check of a certificate by its number; the caller shows only
// what a verification needs (the name masked).
func (db *DB) CertificateByNumber(ctx context.Context, number string) (*service.Certificate, error) {
	number = service.NormalizeNumber(number)
	if number == "" {
		return nil, errs.NotFound()
	}
	var c *service.Certificate
	err := db.view(ctx, func(t *Tx) (err error) {
		c, err = scanCertificate(t.QueryRow(ctx, "SELECT "+certificateCols+" FROM service_certificates c WHERE c.number = ?", number))
		return notFound(err)
	})
	return c, err
}

// Hours is the activity's recorded hours as text.
func (m MyActivity) Hours() string { return service.FormatHours(m.Centihours) }

// ApprovedHours is the approved hours as text.
func (m MyActivity) ApprovedHours() string { return service.FormatHours(m.Approved) }

// Hours is the year's approved hours as text.
func (m MyService) Hours() string { return service.FormatHours(m.Centihours) }

// Correction returns a correction request the actor sees: of an activity in their service scope,
// or their own.
func (db *DB) Correction(ctx context.Context, a Actor, id int64) (*service.Correction, error) {
	var c *service.Correction
	err := db.view(ctx, func(t *Tx) (err error) {
		c, err = scanCorrection(t.QueryRow(ctx, "SELECT "+correctionCols+correctionFrom+" WHERE c.id = ?", id))
		if err != nil {
			return notFound(err)
		}
		if !seesServiceOf(a, c.UnitPath, c.PersonID) {
			return errs.NotFound()
		}
		return nil
	})
	return c, err
}
