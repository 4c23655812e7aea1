package service

import (
	"time"

	"wuxing/internal/errs"
)

// Status is where an activity stands.
type Status string

// The activity states: planned → open (check-in running) → closed → approved (hours final);
// planned or open → cancelled. A closed activity may be reopened until it is approved.
const (
	Planned   Status = "planned"
	Open      Status = "open"
	Closed    Status = "closed"
	Approved  Status = "approved"
	Cancelled Status = "cancelled"
)

// Statuses lists the states in order.
var Statuses = []Status{Planned, Open, Closed, Approved, Cancelled}

// Action is a step of an activity.
type Action string

// The steps.
const (
	OpenCheckIn Action = "open"
	CloseAction Action = "close"
	Reopen      Action = "reopen"
	Approve     Action = "approve"
	Cancel      Action = "cancel"
)

// Actions lists the steps.
var Actions = []Action{OpenCheckIn, CloseAction, Reopen, Approve, Cancel}

var moves = map[Action]map[Status]Status{
	OpenCheckIn: {Planned: Open},
	CloseAction: {Planned: Closed, Open: Closed},
	Reopen:      {Closed: Open},
	Approve:     {Closed: Approved},
	Cancel:      {Planned: Cancelled, Open: Cancelled},
}

// Next is the state an action leads to from s, or an error when it is not allowed there.
func Next(s Status, a Action) (Status, error) {
	m, ok := moves[a]
	if !ok {
		return s, errs.New(errs.EINVALID, "service.action.unknown")
	}
	to, ok := m[s]
	if !ok {
		return s, errs.New(errs.EUNPROCESSABLE, "service.action.not_allowed")
	}
	return to, nil
}

// Allowed lists the actions possible from s.
func Allowed(s Status) []Action {
	var out []Action
	for _, a := range Actions {
		if _, ok := moves[a][s]; ok {
			out = append(out, a)
		}
	}
	return out
}

// CheckInOpen reports whether the check-in code still works: the activity is planned or open,
// and it is the activity's day.
func CheckInOpen(s Status, serviceDate string, now time.Time) error {
	switch s {
	case Planned, Open:
	default:
		return errs.New(errs.EUNPROCESSABLE, "service.checkin.closed")
	}
	if Today(now) != serviceDate {
		return errs.New(errs.EUNPROCESSABLE, "service.checkin.wrong_day", serviceDate)
	}
	return nil
}

// Editable reports whether an activity's participants and hours may still change (before
// approval, while not cancelled).
func Editable(s Status) bool { return s == Planned || s == Open || s == Closed }

// Ratings are the residents' responses on an activity.
type Ratings struct {
	Satisfied, Basic, Dissatisfied int
}

// Total is how many residents responded.
func (r Ratings) Total() int { return r.Satisfied + r.Basic + r.Dissatisfied }

// MaxRatings bounds each count: more residents than a town has is a typing error.
const MaxRatings = 100000

// Validate refuses a negative or absurd count, each on its own field.
func (r Ratings) Validate() error {
	var fe []errs.FieldError
	for _, n := range []struct {
		name string
		v    int
	}{{"rating_satisfied", r.Satisfied}, {"rating_basic", r.Basic}, {"rating_dissatisfied", r.Dissatisfied}} {
		if n.v < 0 || n.v > MaxRatings {
			fe = append(fe, errs.Field(n.name, "service.rating.count", MaxRatings))
		}
	}
	return errs.FieldsOf(fe)
}

// SatisfiedTotal is the numerator of the satisfaction rate as residents' ratings are usually
// reported (满意率): satisfied and basically satisfied, over Total.
func (r Ratings) SatisfiedTotal() int { return r.Satisfied + r.Basic }

// CanRate reports whether residents' ratings may be recorded on an activity in state s: once
// it has taken place (open, closed or approved), never when planned or cancelled.
func CanRate(s Status) error {
	switch s {
	case Open, Closed, Approved:
		return nil
	}
	return errs.New(errs.EUNPROCESSABLE, "service.rating.not_now")
}

// Activity is one service activity of a team.
type Activity struct {
	ID          int64
	TeamID      int64
	ProjectID   int64
	UnitID      int64
	Title       string
	ServiceDate string
	StartsAt    string // HH:MM
	EndsAt      string // HH:MM
	Place       string
	Content     string
	Status      Status
	Token       string // the check-in code's secret
	Ratings     Ratings
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ClosedAt    time.Time
	ApprovedAt  time.Time
	// Filled by reads.
	TeamName      string
	TeamKind      TeamKind
	ProjectName   string
	UnitPath      string
	UnitName      string
	OrganizerName string
	ApproverName  string
	Participants  int
	Centihours    int // the participants' hours as recorded (before approval) or approved
}

// Validate checks an activity's plan.
func (a *Activity) Validate() error {
	var fe []errs.FieldError
	a.Title = textField(&fe, "title", a.Title, true, 100)
	a.Place = textField(&fe, "place", a.Place, false, 200)
	a.Content = textField(&fe, "content", a.Content, false, 4000)
	if a.TeamID == 0 {
		fe = append(fe, errs.Field("team_id", "validation.required"))
	}
	if !ValidDate(a.ServiceDate) {
		fe = append(fe, errs.Field("service_date", "validation.date"))
	}
	if a.StartsAt != "" && !ValidClock(a.StartsAt) {
		fe = append(fe, errs.Field("starts_at", "service.activity.clock"))
	}
	if a.EndsAt != "" && !ValidClock(a.EndsAt) {
		fe = append(fe, errs.Field("ends_at", "service.activity.clock"))
	}
	if ValidClock(a.StartsAt) && ValidClock(a.EndsAt) && a.EndsAt <= a.StartsAt {
		fe = append(fe, errs.Field("ends_at", "service.activity.ends_before_start"))
	}
	if err := a.Ratings.Validate(); err != nil {
		fe = append(fe, errs.As(err).Fields...)
	}
	return errs.FieldsOf(fe)
}

// Source tells how a participant came to be recorded.
type Source string

// Sources.
const (
	Scanned Source = "scan"      // checked in and out with the activity's code
	Entered Source = "organizer" // entered by the organizer
)

// Participant is one person's attendance of an activity and their hours.
type Participant struct {
	ID          int64
	ActivityID  int64
	PersonID    int64
	Source      Source
	CheckInAt   time.Time
	CheckOutAt  time.Time
	Centihours  int
	Note        string
	Version     int64
	PersonName  string
	UnitPath    string
	Approved    int // centihours in the ledger (approval and corrections)
	HasApproval bool
}

// CheckedIn reports whether the person is checked in and not yet out.
func (p *Participant) CheckedIn() bool { return !p.CheckInAt.IsZero() && p.CheckOutAt.IsZero() }

// CheckApproval refuses to approve an activity whose hours are not all in: nobody with hours, or
// someone still checked in with none recorded.
func CheckApproval(ps []Participant) error {
	total := 0
	for _, p := range ps {
		if p.CheckedIn() && p.Centihours == 0 {
			return errs.New(errs.EUNPROCESSABLE, "service.approve.checked_in", p.PersonName)
		}
		total += p.Centihours
	}
	if total == 0 {
		return errs.New(errs.EUNPROCESSABLE, "service.approve.no_hours")
	}
	return nil
}
