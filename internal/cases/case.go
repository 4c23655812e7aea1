package cases

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/errs"
	"wuxing/internal/people"
)

// List is one of the four lists (四类清单), plus rectification problems from inspections.
type List string

// The lists.
const (
	Appeal        List = "appeal"        // 群众诉求
	Livelihood    List = "livelihood"    // 民生实事
	PainPoint     List = "pain_point"    // 痛点难点
	Employment    List = "employment"    // 稳定就业
	Rectification List = "rectification" // 整改问题
)

// Lists lists every list.
var Lists = []List{Appeal, Livelihood, PainPoint, Employment, Rectification}

// Urgency is how urgent a case is; the category's time limit depends on it.
type Urgency string

// Urgencies.
const (
	Normal   Urgency = "normal"
	Urgent   Urgency = "urgent"
	Critical Urgency = "critical"
)

// Urgencies lists every urgency.
var Urgencies = []Urgency{Normal, Urgent, Critical}

// Channel is where a case came from.
type Channel string

// Channels.
const (
	TeaRoom    Channel = "tea_room"    // 书记茶话室
	DoorToDoor Channel = "door_visit"  // 走访入户
	GridReport Channel = "grid_report" // 网格上报
	Hotline    Channel = "hotline"     // 热线
	PublicForm Channel = "public_form" // 网页/二维码
	Inspection Channel = "inspection"  // 督导检查
)

// Channels lists every channel.
var Channels = []Channel{TeaRoom, DoorToDoor, GridReport, Hotline, PublicForm, Inspection}

// Category is a kind of problem with its time limits in working days, per urgency, as digital
// city management standards keep them (CJ/T 315).
type Category struct {
	ID           int64
	Code         string
	Name         string
	List         List
	AcceptDays   int // working days to accept or reject (the response limit)
	DaysNormal   int
	DaysUrgent   int
	DaysCritical int
	Active       bool
	Version      int64
}

// Days returns the category's time limit for an urgency.
func (c *Category) Days(u Urgency) int {
	switch u {
	case Urgent:
		return c.DaysUrgent
	case Critical:
		return c.DaysCritical
	}
	return c.DaysNormal
}

// Validate checks a category.
func (c *Category) Validate() error {
	var fe []errs.FieldError
	c.Code, c.Name = strings.TrimSpace(c.Code), strings.TrimSpace(c.Name)
	if c.Code == "" || len(c.Code) > 32 {
		fe = append(fe, errs.Field("code", "validation.required"))
	}
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 40 {
		fe = append(fe, errs.Field("name", "validation.required"))
	}
	if !slices.Contains(Lists, c.List) {
		fe = append(fe, errs.Field("list", "cases.list.invalid"))
	}
	for f, d := range map[string]int{"accept_days": c.AcceptDays, "days_normal": c.DaysNormal, "days_urgent": c.DaysUrgent, "days_critical": c.DaysCritical} {
		if d < 0 || d > 365 || (d == 0 && f != "accept_days") {
			fe = append(fe, errs.Field(f, "cases.category.days"))
		}
	}
	if len(fe) == 0 && !(c.DaysCritical <= c.DaysUrgent && c.DaysUrgent <= c.DaysNormal) {
		fe = append(fe, errs.Field("days_urgent", "cases.category.days_order"))
	}
	return errs.FieldsOf(fe)
}

// Case is one item of work: an appeal, a livelihood matter, a pain point, an employment need,
// or a rectification problem found by an inspection.
type Case struct {
	ID            int64
	Number        string // readable, per unit and year: 410902003001-2026-0007
	TrackingCode  string // unguessable, for the reporter
	UnitID        int64  // the village/community (or grid) it belongs to
	GridID        int64
	HandlerUnitID int64 // the case's unit, or the department it was escalated to
	List          List
	CategoryID    int64
	Urgency       Urgency
	Channel       Channel
	Title         string
	Description   string
	Address       string
	Lat, Lng      *float64
	// Reporter: a registered person or household, or an anonymous resident with an optional phone.
	ReporterPersonID    int64
	ReporterHouseholdID int64
	ReporterName        string
	ReporterPhone       string
	CampaignID          int64

	State
	Claimed       bool
	Method        Method
	Result        string
	Rating        Rating
	RatingComment string
	Overdue       bool
	UrgedAt       time.Time

	SubmittedAt  time.Time
	AcceptDue    time.Time // the acceptance deadline (受理时限); zero for cases stored before it was kept
	AcceptedAt   time.Time
	DispatchedAt time.Time
	SignedAt     time.Time // first contact: the handler signed for it
	ResolvedAt   time.Time
	CheckedAt    time.Time
	RatedAt      time.Time
	ClosedAt     time.Time
	Version      int64
	UpdatedAt    time.Time

	// Filled by reads.
	UnitName     string
	UnitPath     string
	HandlerPath  string
	HandlerName  string
	CategoryName string
	AssigneeName string
}

// ValidateNew checks a case about to be submitted and normalizes its text.
func (c *Case) ValidateNew() error {
	var fe []errs.FieldError
	c.Title, c.Description, c.Address = strings.TrimSpace(c.Title), strings.TrimSpace(c.Description), strings.TrimSpace(c.Address)
	c.ReporterName = strings.TrimSpace(c.ReporterName)
	c.ReporterPhone = people.NormalizePhone(c.ReporterPhone)
	switch n := utf8.RuneCountInString(c.Title); {
	case n == 0:
		fe = append(fe, errs.Field("title", "validation.required"))
	case n > 100:
		fe = append(fe, errs.Field("title", "validation.too_long", 100))
	}
	if utf8.RuneCountInString(c.Description) > MaxText {
		fe = append(fe, errs.Field("description", "validation.too_long", MaxText))
	}
	if utf8.RuneCountInString(c.Address) > 200 {
		fe = append(fe, errs.Field("address", "validation.too_long", 200))
	}
	if utf8.RuneCountInString(c.ReporterName) > 40 {
		fe = append(fe, errs.Field("reporter_name", "validation.too_long", 40))
	}
	if c.ReporterPhone != "" && !people.ValidPhone(c.ReporterPhone) {
		fe = append(fe, errs.Field("reporter_phone", "people.phone.invalid"))
	}
	if !slices.Contains(Lists, c.List) {
		fe = append(fe, errs.Field("list", "cases.list.invalid"))
	}
	if !slices.Contains(Urgencies, c.Urgency) {
		fe = append(fe, errs.Field("urgency", "cases.urgency.invalid"))
	}
	if !slices.Contains(Channels, c.Channel) {
		fe = append(fe, errs.Field("channel", "cases.channel.invalid"))
	}
	if c.CategoryID == 0 {
		fe = append(fe, errs.Field("category_id", "validation.required"))
	}
	if (c.Lat == nil) != (c.Lng == nil) || (c.Lat != nil && (*c.Lat < -90 || *c.Lat > 90 || *c.Lng < -180 || *c.Lng > 180)) {
		fe = append(fe, errs.Field("lat", "cases.coordinates.invalid"))
	}
	return errs.FieldsOf(fe)
}

// Capacity is what a person is to a case; it decides which actions they may take.
type Capacity struct {
	Manager bool // may run the case for its unit (secretary, town): accept, dispatch, check, close
	Handler bool // the case is with them (their person, or their department)
	Claimer bool // a party member of the case's unit, who may claim it from the board
	Viewer  bool // may see it (comment)
	Public  bool // the reporter, holding the tracking code
}

// Permitted reports whether someone in capacity c may take action a.
func Permitted(a Action, c Capacity) bool {
	switch a {
	case Accept, Reject, Dispatch, Escalate, CheckPass, CheckFail, Close, ApproveExtension, DenyExtension, Urge:
		return c.Manager
	case Claim:
		return c.Claimer
	case Start, Resolve, Return, RequestExtension:
		return c.Handler || c.Manager
	case Rate:
		return c.Public || c.Manager
	case Comment:
		return c.Viewer || c.Manager || c.Handler
	}
	return false
}

// DueAt is the end of the deadline day: time limits count whole working days, in China time.
func DueAt(day time.Time) time.Time {
	d := day.In(cst)
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, cst).UTC()
}

var cst = time.FixedZone("CST", 8*3600)

// Local returns t's calendar day in China time, at midnight UTC, for the calendar functions.
func Local(t time.Time) time.Time {
	d := t.In(cst)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// IsOverdue reports whether a case in status s with deadline d is overdue at now.
func IsOverdue(s Status, d, now time.Time) bool { return s.Open() && !d.IsZero() && now.After(d) }
