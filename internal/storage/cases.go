package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/figures"
	"wuxing/internal/org"
)

const caseCols = `c.id, c.number, c.tracking_code, c.unit_id, COALESCE(c.grid_id, 0), c.handler_unit_id, c.list, c.category_id,
	c.urgency, c.channel, c.title, c.description, c.address, c.lat, c.lng, COALESCE(c.reporter_person_id, 0),
	COALESCE(c.reporter_household_id, 0), c.reporter_name, c.reporter_phone, COALESCE(c.campaign_id, 0), c.status,
	c.assignee_kind, c.assignee_id, c.claimed, c.method, c.result, c.rating, c.rating_comment, c.reopened, c.reworks,
	c.escalations, c.extension_ask, c.deadline, c.overdue, c.urged_at, c.submitted_at, c.accept_due, c.accepted_at, c.dispatched_at,
	c.signed_at, c.resolved_at, c.checked_at, c.rated_at, c.closed_at, c.version, c.updated_at, c.unit_path, c.handler_path,
	u.name, hu.name, cc.name,
	CASE c.assignee_kind WHEN 'person' THEN COALESCE((SELECT ap.name FROM people ap WHERE ap.id = c.assignee_id), '')
		WHEN 'department' THEN hu.name ELSE '' END`

const caseFrom = ` FROM cases c JOIN units u ON u.id = c.unit_id JOIN units hu ON hu.id = c.handler_unit_id
	JOIN case_categories cc ON cc.id = c.category_id`

func scanCase(sc interface{ Scan(...any) error }) (*cases.Case, error) {
	var c cases.Case
	var lat, lng sql.NullFloat64
	var urged, acceptDue, acc, disp, signed, res, chk, rated, closed sql.NullTime
	err := sc.Scan(&c.ID, &c.Number, &c.TrackingCode, &c.UnitID, &c.GridID, &c.HandlerUnitID, &c.List, &c.CategoryID,
		&c.Urgency, &c.Channel, &c.Title, &c.Description, &c.Address, &lat, &lng, &c.ReporterPersonID,
		&c.ReporterHouseholdID, &c.ReporterName, &c.ReporterPhone, &c.CampaignID, &c.Status,
		&c.AssigneeKind, &c.AssigneeID, &c.Claimed, &c.Method, &c.Result, &c.Rating, &c.RatingComment, &c.Reopened, &c.Reworks,
		&c.Escalations, &c.ExtensionAsk, &c.Deadline, &c.Overdue, &urged, &c.SubmittedAt, &acceptDue, &acc, &disp,
		&signed, &res, &chk, &rated, &closed, &c.Version, &c.UpdatedAt, &c.UnitPath, &c.HandlerPath,
		&c.UnitName, &c.HandlerName, &c.CategoryName, &c.AssigneeName)
	if err != nil {
		return nil, err
	}
	if lat.Valid && lng.Valid {
		c.Lat, c.Lng = &lat.Float64, &lng.Float64
	}
	c.AcceptDue = acceptDue.Time
	c.UrgedAt, c.AcceptedAt, c.DispatchedAt, c.SignedAt = urged.Time, acc.Time, disp.Time, signed.Time
	c.ResolvedAt, c.CheckedAt, c.RatedAt, c.ClosedAt = res.Time, chk.Time, rated.Time, closed.Time
	c.State.Unit = c.UnitID
	c.State.HandlerUnit = c.HandlerUnitID
	return &c, nil
}

func (t *Tx) caseByID(ctx context.Context, id int64) (*cases.Case, error) {
	c, err := scanCase(t.QueryRow(ctx, "SELECT "+caseCols+caseFrom+" WHERE c.id = ?", id))
	if err != nil {
		return nil, notFound(err)
	}
	return c, nil
}

// Capacity works out what the actor is to a case: pure, from the case's paths and assignee.
func Capacity(a Actor, c *cases.Case) cases.Capacity {
	p := a.P
	if p.System {
		return cases.Capacity{Manager: true, Handler: true, Viewer: true}
	}
	var k cases.Capacity
	k.Viewer = p.CanAt(authz.ViewCases, c.UnitPath) || p.CanAt(authz.ViewCases, c.HandlerPath)
	// The case's own unit runs it; once escalated, the town above the department runs it too.
	k.Manager = p.CanAt(authz.ManageCases, c.UnitPath) || (c.HandlerUnitID != c.UnitID && p.CanAt(authz.ManageCases, c.HandlerPath))
	switch c.AssigneeKind {
	case cases.ToPerson:
		k.Handler = p.PersonID != 0 && p.PersonID == c.AssigneeID
	case cases.ToDepartment:
		k.Handler = p.CanAt(authz.HandleCases, c.HandlerPath)
	}
	k.Claimer = p.PersonID != 0 && p.CanAt(authz.ClaimCases, c.UnitPath)
	k.Viewer = k.Viewer || k.Handler
	return k
}

// caseIn reads a case the actor may see: in their view scope by its unit or its handling
// department, or handed to them. Anything else is not found.
func (t *Tx) caseIn(ctx context.Context, a Actor, id int64) (*cases.Case, cases.Capacity, error) {
	c, err := t.caseByID(ctx, id)
	if err != nil {
		return nil, cases.Capacity{}, err
	}
	k := Capacity(a, c)
	if !k.Viewer && !k.Manager {
		return nil, k, errs.NotFound()
	}
	return c, k, nil
}

// Case returns a case the actor may see, with what they may do to it.
func (db *DB) Case(ctx context.Context, a Actor, id int64) (*cases.Case, cases.Capacity, error) {
	var c *cases.Case
	var k cases.Capacity
	err := db.view(ctx, func(t *Tx) (err error) {
		c, k, err = t.caseIn(ctx, a, id)
		return err
	})
	return c, k, err
}

// CaseByTracking returns the case a reporter's tracking code opens. The caller shows it
// anonymized; a wrong code is not found.
func (db *DB) CaseByTracking(ctx context.Context, code string) (*cases.Case, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if !validTrackingCode(code) {
		return nil, errs.NotFound()
	}
	var c *cases.Case
	err := db.view(ctx, func(t *Tx) error {
		x, err := scanCase(t.QueryRow(ctx, "SELECT "+caseCols+caseFrom+" WHERE c.tracking_code = ?", code))
		if err != nil {
			return notFound(err)
		}
		c = x
		return nil
	})
	return c, err
}

// trackingAlphabet is Crockford's base32: no I, L, O, U, so codes read aloud unambiguously.
const trackingAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// trackingLen characters of 5 bits: 60 bits, unguessable for a public page that is rate-limited.
const trackingLen = 12

func newTrackingCode() string {
	b := make([]byte, trackingLen)
	rand.Read(b)
	for i := range b {
		b[i] = trackingAlphabet[b[i]&31]
	}
	return string(b)
}

func validTrackingCode(s string) bool {
	if len(s) != trackingLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(trackingAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}

// NewCase is what submitting a case takes beyond the case itself.
type NewCase struct {
	// IdempotencyKey makes a resubmitted form or request return the first case instead of a
	// second one.
	IdempotencyKey string
	// Due overrides the category's time limit (inspection problems are due by the next check).
	Due time.Time
	// ActorName is shown on the timeline for public submissions ("居民").
	ActorName string
}

// CreateCase submits a case for a unit the actor may report in. With an idempotency key that was
// seen before, it returns the earlier case and created = false.
func (db *DB) CreateCase(ctx context.Context, a Actor, c *cases.Case, nc NewCase) (created bool, err error) {
	err = db.update(ctx, func(t *Tx) error {
		created, err = t.createCase(ctx, a, c, nc, false)
		return err
	})
	return created, err
}

// SubmitPublic submits a resident's case to the unit with code, through the public form or API.
// The unit must be an active village, community or grid.
func (db *DB) SubmitPublic(ctx context.Context, unitCode string, c *cases.Case, nc NewCase, ip string) (created bool, err error) {
	err = db.update(ctx, func(t *Tx) error {
		var id int64
		if err := t.QueryRow(ctx, "SELECT id FROM units WHERE code = ? AND active = ?", unitCode, true).Scan(&id); err != nil {
			return notFound(err)
		}
		c.UnitID, c.Channel = id, cases.PublicForm
		c.ReporterPersonID, c.ReporterHouseholdID, c.CampaignID = 0, 0, 0
		created, err = t.createCase(ctx, Actor{P: authz.SystemPrincipal, IP: ip}, c, nc, true)
		return err
	})
	return created, err
}

func (t *Tx) createCase(ctx context.Context, a Actor, c *cases.Case, nc NewCase, public bool) (bool, error) {
	if nc.IdempotencyKey != "" {
		if len(nc.IdempotencyKey) > 100 {
			return false, errs.New(errs.EINVALID, "error.bad_request")
		}
		var id int64
		err := t.QueryRow(ctx, "SELECT id FROM cases WHERE idempotency_key = ?", nc.IdempotencyKey).Scan(&id)
		if err == nil {
			x, err := t.caseByID(ctx, id)
			if err != nil {
				return false, err
			}
			if !public && !Capacity(a, x).Viewer && !Capacity(a, x).Manager {
				return false, errs.Conflict()
			}
			*c = *x
			return false, nil
		}
		if err != sql.ErrNoRows {
			return false, err
		}
	}
	if err := c.ValidateNew(); err != nil {
		return false, err
	}
	u, err := t.unitOwn(ctx, c.UnitID)
	if err != nil {
		return false, errs.Invalid(errs.Field("unit_id", "org.unit.not_found"))
	}
	if !public && !a.P.CanAt(authz.ReportCases, u.Path) {
		if a.Scope(authz.ViewCases).Contains(u.Path) {
			return false, errs.Forbidden()
		}
		return false, errs.Invalid(errs.Field("unit_id", "org.unit.not_found"))
	}
	if !u.Active {
		return false, errs.Invalid(errs.Field("unit_id", "org.unit.inactive"))
	}
	// A case belongs to its village or community; a grid or building narrows it to a grid.
	switch u.Kind {
	case org.Village, org.Community:
		c.GridID = 0
	case org.Grid, org.Building:
		ids := org.IDs(u.Path)
		for i := len(ids) - 1; i >= 0; i-- {
			x, err := t.unitOwn(ctx, ids[i])
			if err != nil {
				return false, err
			}
			if x.Kind == org.Grid {
				c.GridID = x.ID
			}
			if x.Kind.IsBranch() {
				u = x
				break
			}
		}
	default:
		return false, errs.Invalid(errs.Field("unit_id", "cases.unit.kind"))
	}
	c.UnitID = u.ID
	cat, err := t.category(ctx, c.CategoryID)
	if err != nil || !cat.Active {
		return false, errs.Invalid(errs.Field("category_id", "cases.category.not_found"))
	}
	if c.ReporterPersonID != 0 {
		p, err := t.person(ctx, c.ReporterPersonID)
		if err != nil || !org.Within(p.UnitPath, u.Path) {
			return false, errs.Invalid(errs.Field("reporter_person_id", "people.person.not_found"))
		}
		if c.ReporterName == "" {
			c.ReporterName = p.Name
		}
		if c.ReporterPhone == "" {
			c.ReporterPhone = p.Phone
		}
	}
	if c.ReporterHouseholdID != 0 {
		h, err := t.household(ctx, c.ReporterHouseholdID)
		if err != nil || !org.Within(h.unitPath, u.Path) {
			return false, errs.Invalid(errs.Field("reporter_household_id", "people.household.not_found"))
		}
	}
	now := t.db.clock.Now()
	cal, err := t.calendar(ctx)
	if err != nil {
		return false, err
	}
	c.Deadline = nc.Due
	if c.Deadline.IsZero() {
		c.Deadline = cases.DueAt(cal.AddWorkdays(cases.Local(now), cat.Days(c.Urgency)))
	}
	year := now.In(time.FixedZone("CST", 8*3600)).Year()
	var seq int
	if err := t.QueryRow(ctx, `INSERT INTO case_counters (unit_id, year, last) VALUES (?, ?, 1)
		ON CONFLICT (unit_id, year) DO UPDATE SET last = case_counters.last + 1 RETURNING last`, u.ID, year).Scan(&seq); err != nil {
		return false, fmt.Errorf("storage: case number: %w", err)
	}
	c.Number = fmt.Sprintf("%s-%d-%04d", u.Code, year, seq)
	c.TrackingCode = newTrackingCode()
	c.HandlerUnitID, c.Status, c.SubmittedAt, c.UpdatedAt, c.Version = u.ID, cases.Submitted, now, now, 1
	c.UnitPath, c.HandlerPath, c.UnitName, c.HandlerName, c.CategoryName = u.Path, u.Path, u.Name, u.Name, cat.Name
	c.State.Unit, c.State.HandlerUnit = u.ID, u.ID
	var idem, createdBy any
	if nc.IdempotencyKey != "" {
		idem = nc.IdempotencyKey
	}
	if !a.P.System {
		createdBy = a.P.UserID
	}
	var lat, lng any
	if c.Lat != nil {
		lat, lng = *c.Lat, *c.Lng
	}
	c.AcceptDue = cases.DueAt(cal.AddWorkdays(cases.Local(now), cat.AcceptDays))
	id, err := t.insert(ctx, `INSERT INTO cases (number, year, seq, tracking_code, unit_id, unit_path, grid_id, handler_unit_id, handler_path,
		list, category_id, urgency, channel, title, description, address, lat, lng, reporter_person_id, reporter_household_id,
		reporter_name, reporter_phone, campaign_id, status, deadline, overdue, claimed, reopened, created_by, idempotency_key,
		submitted_at, accept_due, version, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
		c.Number, year, seq, c.TrackingCode, u.ID, u.Path, nullID(c.GridID), u.ID, u.Path,
		string(c.List), cat.ID, string(c.Urgency), string(c.Channel), c.Title, c.Description, c.Address, lat, lng,
		nullID(c.ReporterPersonID), nullID(c.ReporterHouseholdID), c.ReporterName, c.ReporterPhone, nullID(c.CampaignID),
		string(c.Status), c.Deadline, false, false, false, createdBy, idem, now,
		// The acceptance deadline (受理时限), which the response rate compares acceptance with.
		c.AcceptDue, now)
	if err != nil {
		if t.d.IsUniqueViolation(err) {
			return false, errs.Conflict()
		}
		return false, fmt.Errorf("storage: create case: %w", err)
	}
	c.ID = id
	// What the row just written holds: submitted, nothing else yet.
	stored := cases.Case{State: cases.State{Status: cases.Submitted, Deadline: c.Deadline}, AcceptDue: c.AcceptDue}
	if err := t.tally(ctx, u.ID, now, figures.Counts{}, cases.Counted(&stored)); err != nil {
		return false, err
	}
	name := nc.ActorName
	if name == "" {
		name = a.P.Username
	}
	if err := t.caseEvent(ctx, a, name, c.ID, "submit", "", cases.Submitted, "", map[string]any{"channel": c.Channel}); err != nil {
		return false, err
	}
	if err := t.notifyRole(ctx, authz.BranchSecretary, u.Path, "case_new", c.ID, "notify.case.new", c.Number, c.Title); err != nil {
		return false, err
	}
	return true, t.audit(ctx, a, "create", "case", id, u.Path, nil, map[string]any{"number": c.Number, "list": c.List,
		"category_id": c.CategoryID, "urgency": c.Urgency, "channel": c.Channel, "title": c.Title})
}

// caseEvent appends a step to a case's timeline. The timeline is append-only: nothing updates
// or deletes its rows.
func (t *Tx) caseEvent(ctx context.Context, a Actor, actorName string, caseID int64, action string, from, to cases.Status, note string, data map[string]any) error {
	var uid any
	if a.P != nil && !a.P.System {
		uid = a.P.UserID
	}
	d := ""
	if len(data) > 0 {
		b, err := json.Marshal(data)
		if err != nil {
			return err
		}
		d = string(b)
	}
	_, err := t.Exec(ctx, `INSERT INTO case_events (case_id, at, user_id, actor_name, action, from_status, to_status, note, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, caseID, t.db.clock.Now(), uid, actorName, action, string(from), string(to), note, d)
	if err != nil {
		return fmt.Errorf("storage: case event: %w", err)
	}
	return nil
}

// CaseEvent is one step on a case's timeline.
type CaseEvent struct {
	ID         int64
	At         time.Time
	UserID     int64
	ActorName  string
	Action     string
	FromStatus cases.Status
	ToStatus   cases.Status
	Note       string
	Data       map[string]any
}

// CaseEvents returns a case's timeline, oldest first, if the actor may see the case.
func (db *DB) CaseEvents(ctx context.Context, a Actor, caseID int64) ([]CaseEvent, error) {
	var out []CaseEvent
	err := db.view(ctx, func(t *Tx) error {
		if _, _, err := t.caseIn(ctx, a, caseID); err != nil {
			return err
		}
		var err error
		out, err = t.caseEvents(ctx, caseID)
		return err
	})
	return out, err
}

// PublicCaseEvents returns the timeline of the case a tracking code opens; the caller anonymizes it.
func (db *DB) PublicCaseEvents(ctx context.Context, caseID int64) ([]CaseEvent, error) {
	var out []CaseEvent
	err := db.view(ctx, func(t *Tx) (err error) {
		out, err = t.caseEvents(ctx, caseID)
		return err
	})
	return out, err
}

func (t *Tx) caseEvents(ctx context.Context, caseID int64) ([]CaseEvent, error) {
	rows, err := t.Query(ctx, `SELECT id, at, COALESCE(user_id, 0), actor_name, action, from_status, to_status, note, data
		FROM case_events WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("storage: case events: %w", err)
	}
	defer rows.Close()
	var out []CaseEvent
	for rows.Next() {
		var e CaseEvent
		var data string
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.ActorName, &e.Action, &e.FromStatus, &e.ToStatus, &e.Note, &data); err != nil {
			return nil, err
		}
		if data != "" {
			json.Unmarshal([]byte(data), &e.Data)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
