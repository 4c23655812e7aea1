// Package campaigns holds the rules of inspection campaigns (督导检查, 专项行动): a town splits
// itself into areas, each with a responsible officer; each day's inspection records problems,
// each problem is a rectification case due by the next check; the re-check passes it or marks it
// late; late problems are named in circulars (通报) and units that rectified everything on time
// in commendations (表扬). Supervise → rectify → look back. No I/O.
package campaigns

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/errs"
	"wuxing/internal/org"
)

// DateLayout is how campaign days are written: China-time calendar dates.
const DateLayout = "2006-01-02"

// Limits on a campaign.
const (
	MaxName        = 60
	MaxNotes       = 2000
	MaxDays        = 366 // a campaign runs at most a year
	MaxAreas       = 60
	MaxRecheckDays = 30
	// DefaultRecheckDays is the usual rule: a problem found today is checked again tomorrow.
	DefaultRecheckDays = 1
)

// Counts are a campaign's (or an area's) figures: problems found, rectified (the re-check
// passed), late (not rectified by their check), and published circulars.
type Counts struct {
	Found     int
	Rectified int
	Late      int
	Circulars int
}

// Open is how many problems still wait for rectification.
func (c Counts) Open() int { return c.Found - c.Rectified }

// Campaign is one campaign over a town.
type Campaign struct {
	ID          int64
	TownID      int64
	Name        string
	StartsOn    string // YYYY-MM-DD
	EndsOn      string
	RecheckDays int   // days from finding a problem to the check it must be rectified by
	CategoryID  int64 // the usual category of its problems
	Notes       string
	Areas       []Area
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Filled by reads and by the store before validation.
	TownName     string
	TownPath     string
	TownKind     org.Kind
	CategoryName string
	Counts       Counts
	// FirstFound and LastFound are the days of its earliest and latest problem ("" when none):
	// new dates must still cover them.
	FirstFound, LastFound string
}

// Area is one part of a campaign: a unit of the town (usually a village or community) and the
// officer responsible for it.
type Area struct {
	ID        int64
	UnitID    int64
	OfficerID int64
	Position  int

	// Filled by reads and by the store before validation.
	UnitName      string
	UnitPath      string
	UnitKind      org.Kind
	UnitActive    bool
	OfficerName   string
	OfficerPath   string // the officer's own unit's path
	OfficerActive bool
	Counts        Counts
}

// ParseDay parses a YYYY-MM-DD day.
func ParseDay(s string) (time.Time, bool) {
	d, err := time.Parse(DateLayout, strings.TrimSpace(s))
	return d, err == nil
}

// AddDays returns the day n days after day (which must be valid).
func AddDays(day string, n int) string {
	d, ok := ParseDay(day)
	if !ok {
		return ""
	}
	return d.AddDate(0, 0, n).Format(DateLayout)
}

var cst = time.FixedZone("CST", 8*3600)

// Today is the China-time calendar day of now.
func Today(now time.Time) string { return now.In(cst).Format(DateLayout) }

// DayOf is the China-time day of t ("" for the zero time).
func DayOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return Today(t)
}

// AreaField names the form field of an area's unit or officer, for errors on a row.
func AreaField(what string, i int) string { return "area_" + what + "_" + strconv.Itoa(i) }

// Normalize trims the text of a campaign and applies defaults.
func (c *Campaign) Normalize() {
	c.Name, c.Notes = strings.TrimSpace(c.Name), strings.TrimSpace(c.Notes)
	c.StartsOn, c.EndsOn = strings.TrimSpace(c.StartsOn), strings.TrimSpace(c.EndsOn)
	if c.RecheckDays == 0 {
		c.RecheckDays = DefaultRecheckDays
	}
}

// ValidateFields checks what may change after creation: name, dates, re-check rule, notes.
// Dates must still cover the days of the problems already found.
func (c *Campaign) ValidateFields() []errs.FieldError {
	c.Normalize()
	var fe []errs.FieldError
	switch n := utf8.RuneCountInString(c.Name); {
	case n == 0:
		fe = append(fe, errs.Field("name", "validation.required"))
	case n > MaxName:
		fe = append(fe, errs.Field("name", "validation.too_long", MaxName))
	}
	if utf8.RuneCountInString(c.Notes) > MaxNotes {
		fe = append(fe, errs.Field("notes", "validation.too_long", MaxNotes))
	}
	from, okFrom := ParseDay(c.StartsOn)
	to, okTo := ParseDay(c.EndsOn)
	if !okFrom {
		fe = append(fe, errs.Field("starts_on", "campaigns.date.invalid"))
	}
	if !okTo {
		fe = append(fe, errs.Field("ends_on", "campaigns.date.invalid"))
	}
	if okFrom && okTo {
		switch {
		case to.Before(from):
			fe = append(fe, errs.Field("ends_on", "campaigns.date.order"))
		case to.Sub(from) >= MaxDays*24*time.Hour:
			fe = append(fe, errs.Field("ends_on", "campaigns.date.too_long", MaxDays))
		case c.FirstFound != "" && c.FirstFound < c.StartsOn:
			fe = append(fe, errs.Field("starts_on", "campaigns.date.problems_outside", c.FirstFound))
		case c.LastFound != "" && c.LastFound > c.EndsOn:
			fe = append(fe, errs.Field("ends_on", "campaigns.date.problems_outside", c.LastFound))
		}
	}
	if c.RecheckDays < 1 || c.RecheckDays > MaxRecheckDays {
		fe = append(fe, errs.Field("recheck_days", "campaigns.recheck_days.invalid", MaxRecheckDays))
	}
	if c.CategoryID == 0 {
		fe = append(fe, errs.Field("category_id", "validation.required"))
	}
	return fe
}

// Validate checks a new campaign. The store fills in what it knows of the town, the areas'
// units and officers (a zero path means not found or out of reach).
func (c *Campaign) Validate() error {
	fe := c.ValidateFields()
	if c.TownID == 0 || c.TownPath == "" || c.TownKind != org.Town {
		fe = append(fe, errs.Field("town_id", "campaigns.town.invalid"))
	}
	if len(c.Areas) == 0 {
		fe = append(fe, errs.Field("areas", "campaigns.areas.required"))
	}
	if len(c.Areas) > MaxAreas {
		fe = append(fe, errs.Field("areas", "campaigns.areas.too_many", MaxAreas))
	}
	seen := map[int64]bool{}
	for i := range c.Areas {
		a := &c.Areas[i]
		a.Position = i + 1
		unitOK := a.UnitID != 0 && a.UnitPath != "" && a.UnitActive && c.TownPath != "" &&
			org.Within(a.UnitPath, c.TownPath) && a.UnitPath != c.TownPath &&
			(a.UnitKind.IsBranch() || a.UnitKind == org.Grid)
		switch {
		case a.UnitID == 0:
			fe = append(fe, errs.Field(AreaField("unit", i), "validation.required"))
		case !unitOK:
			fe = append(fe, errs.Field(AreaField("unit", i), "campaigns.area.unit_invalid"))
		case seen[a.UnitID]:
			fe = append(fe, errs.Field(AreaField("unit", i), "campaigns.area.duplicate"))
		}
		seen[a.UnitID] = true
		switch {
		case a.OfficerID == 0:
			fe = append(fe, errs.Field(AreaField("officer", i), "validation.required"))
		case unitOK && (a.OfficerPath == "" || !a.OfficerActive || !org.Within(a.OfficerPath, a.UnitPath)):
			// The officer handles the area's problems, and a case is handled by someone of its
			// own village or community.
			fe = append(fe, errs.Field(AreaField("officer", i), "campaigns.area.officer_invalid"))
		}
	}
	return errs.FieldsOf(fe)
}

// Phase is where a campaign stands on a day.
type Phase string

// Phases.
const (
	Planned Phase = "planned"
	Running Phase = "running"
	Ended   Phase = "ended"
)

// PhaseOn returns the campaign's phase on day today.
func (c *Campaign) PhaseOn(today string) Phase {
	switch {
	case today < c.StartsOn:
		return Planned
	case today > c.EndsOn:
		return Ended
	}
	return Running
}

// Area returns the campaign's area with id, or nil.
func (c *Campaign) Area(id int64) *Area {
	for i := range c.Areas {
		if c.Areas[i].ID == id {
			return &c.Areas[i]
		}
	}
	return nil
}

// CheckFoundDay checks the day a problem or inspection is recorded for: a valid day within
// the campaign, not after today.
func (c *Campaign) CheckFoundDay(field, day, today string) *errs.FieldError {
	bad := func(key string, args ...any) *errs.FieldError { f := errs.Field(field, key, args...); return &f }
	if _, ok := ParseDay(day); !ok {
		return bad("campaigns.date.invalid")
	}
	if day < c.StartsOn || day > c.EndsOn {
		return bad("campaigns.day.outside", c.StartsOn, c.EndsOn)
	}
	if day > today {
		return bad("campaigns.day.future")
	}
	return nil
}
