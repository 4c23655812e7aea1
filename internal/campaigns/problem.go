package campaigns

import (
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/org"
)

// MaxText bounds the free text of inspections and re-checks.
const MaxText = 2000

// Inspection is one day's inspection of an area.
type Inspection struct {
	ID          int64
	CampaignID  int64
	AreaID      int64
	Day         string
	InspectorID int64 // the person who inspected
	Notes       string
	CreatedAt   time.Time

	// Filled by reads.
	UnitName      string
	InspectorName string
	Problems      int
}

// Validate checks an inspection record against its campaign on day today. inspectorPath is the
// inspector's unit path ("" when not found).
func (in *Inspection) Validate(c *Campaign, today, inspectorPath string) error {
	var fe []errs.FieldError
	in.Notes = strings.TrimSpace(in.Notes)
	in.Day = strings.TrimSpace(in.Day)
	if c.Area(in.AreaID) == nil {
		fe = append(fe, errs.Field("area_id", "campaigns.area.unknown"))
	}
	if f := c.CheckFoundDay("day", in.Day, today); f != nil {
		fe = append(fe, *f)
	}
	if in.InspectorID != 0 && (inspectorPath == "" || !org.Within(inspectorPath, c.TownPath)) {
		fe = append(fe, errs.Field("inspector_id", "campaigns.inspector.invalid"))
	}
	if utf8.RuneCountInString(in.Notes) > MaxText {
		fe = append(fe, errs.Field("notes", "validation.too_long", MaxText))
	}
	return errs.FieldsOf(fe)
}

// Problem is a problem an inspection found: a rectification case, with the campaign's record
// of when it was due and whether it was rectified in time.
type Problem struct {
	ID           int64
	CampaignID   int64
	AreaID       int64
	InspectionID int64
	CaseID       int64
	FoundOn      string
	DueOn        string // the day of the check it must be rectified by
	Late         bool   // a check found it not rectified (kept once set)
	LateOn       string // the day it was first found late
	Rectified    bool   // a re-check confirmed it
	RectifiedOn  string
	Rechecks     int
	CheckedBy    string // who did the last re-check
	CheckedAt    time.Time
	Version      int64

	// Filled by reads, from the case and the area.
	CaseNumber  string
	Title       string
	Address     string
	Status      cases.Status
	ResolvedAt  time.Time
	UnitID      int64
	UnitName    string
	UnitPath    string
	OfficerID   int64
	OfficerName string
}

// DueDay is the day of the check a problem found on found must be rectified by: recheckDays
// days later (the next day's check by default).
func DueDay(found string, recheckDays int) string {
	if recheckDays < 1 {
		recheckDays = DefaultRecheckDays
	}
	return AddDays(found, recheckDays)
}

// DueAt is the moment a problem due on day is late: the end of that day, China time, the way
// case deadlines end.
func DueAt(day string) time.Time {
	d, ok := ParseDay(day)
	if !ok {
		return time.Time{}
	}
	return cases.DueAt(time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, cst))
}

// DueFor reports whether p waits for a re-check on day today: not rectified and its check day
// has come.
func (p *Problem) DueFor(today string) bool { return !p.Rectified && p.DueOn <= today }

// Outcome is what a re-check decides.
type Outcome struct {
	Rectified bool
	Late      bool   // the problem is late (it may have been before)
	NewlyLate bool   // this re-check made it late
	LateOn    string // the day it became late
	DueOn     string // its due day after the re-check (a new one when it failed)
}

// Recheck decides a re-check of p on day today: passed means the inspector found it rectified.
// resolvedOn is the day the handler reported it done ("" if not yet). A pass after the due day
// of a problem resolved late still counts it late; a failure is possible only once its check
// day has come, makes it late and gives it a new due day recheckDays on.
func Recheck(p *Problem, today string, passed bool, resolvedOn string, recheckDays int) (Outcome, error) {
	if p.Rectified {
		return Outcome{}, errs.New(errs.EUNPROCESSABLE, "campaigns.recheck.done")
	}
	if today < p.FoundOn {
		return Outcome{}, errs.New(errs.EUNPROCESSABLE, "campaigns.recheck.before_found")
	}
	o := Outcome{Late: p.Late, LateOn: p.LateOn, DueOn: p.DueOn}
	markLate := func() {
		if !o.Late {
			o.Late, o.NewlyLate, o.LateOn = true, true, today
		}
	}
	if passed {
		o.Rectified = true
		done := resolvedOn
		if done == "" || done > today {
			done = today
		}
		if done > p.DueOn {
			markLate()
		}
		return o, nil
	}
	if today < p.DueOn {
		return Outcome{}, errs.New(errs.EUNPROCESSABLE, "campaigns.recheck.not_due", p.DueOn)
	}
	markLate()
	o.DueOn = DueDay(today, recheckDays)
	return o, nil
}

// ValidNote checks a re-check's note: required when it failed (the reason goes on the case's
// timeline), bounded always.
func ValidNote(note string, passed bool) *errs.FieldError {
	n := utf8.RuneCountInString(strings.TrimSpace(note))
	switch {
	case n == 0 && !passed:
		f := errs.Field("note", "validation.required")
		return &f
	case n > MaxText:
		f := errs.Field("note", "validation.too_long", MaxText)
		return &f
	}
	return nil
}

// Tally counts problems per area.
func Tally(problems []Problem) map[int64]Counts {
	out := map[int64]Counts{}
	for _, p := range problems {
		c := out[p.AreaID]
		c.Found++
		if p.Rectified {
			c.Rectified++
		}
		if p.Late {
			c.Late++
		}
		out[p.AreaID] = c
	}
	return out
}
