package points

import (
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/errs"
)

// Status is where an entry stands.
type Status string

// The statuses of an entry.
const (
	Pending  Status = "pending"
	Approved Status = "approved"
	Rejected Status = "rejected"
)

// Catalogue is a town's or county's rules for one kind of target, with its grading ratios.
type Catalogue struct {
	ID        int64
	UnitID    int64
	UnitPath  string
	UnitName  string
	Kind      TargetKind
	Name      string
	Ratios    []Ratio
	Rules     []Rule
	Version   int64
	UpdatedAt time.Time
}

// Rule returns the catalogue's rule with id, or nil.
func (c *Catalogue) Rule(id int64) *Rule {
	for i := range c.Rules {
		if c.Rules[i].ID == id {
			return &c.Rules[i]
		}
	}
	return nil
}

// BySource returns the catalogue's enabled rule scoring source, or nil.
func (c *Catalogue) BySource(s Source) *Rule {
	for i := range c.Rules {
		if c.Rules[i].Source == s && c.Rules[i].Enabled {
			return &c.Rules[i]
		}
	}
	return nil
}

// Entry is one line of a target's ledger.
type Entry struct {
	ID           int64
	CatalogueID  int64
	RuleID       int64
	RuleVersion  int64
	RuleCode     string
	RuleName     string
	Dimension    string
	TargetKind   TargetKind
	TargetID     int64
	TargetName   string
	UnitID       int64
	UnitPath     string
	UnitName     string
	Points       int64 // signed centipoints
	OccurredOn   string
	PeriodKey    string
	Note         string
	Status       Status
	CorrectsID   int64
	SourceKind   string // "case", "circular_item", "service_hours"; "" for a manual entry
	SourceID     int64
	SourceLabel  string // the case's number, the circular's title, the activity's date
	EnteredBy    int64
	EnteredName  string
	ApprovedBy   int64
	ApproverName string
	ApprovedAt   time.Time
	DecisionNote string
	Version      int64
	CreatedAt    time.Time
}

// Automatic reports whether the platform made the entry from an event.
func (e *Entry) Automatic() bool { return e.SourceKind != "" }

// CheckNote checks an entry's evidence note: a manual entry must say what it is for.
func CheckNote(note string, required bool) (string, error) {
	note = strings.TrimSpace(note)
	switch {
	case required && note == "":
		return note, errs.Invalid(errs.Field("note", "points.entry.note.required"))
	case utf8.RuneCountInString(note) > 1000:
		return note, errs.Invalid(errs.Field("note", "validation.too_long", 1000))
	}
	return note, nil
}

// PointsText shows the entry's points ("+5", "-2.5").
func (e Entry) PointsText() string {
	if e.Points > 0 {
		return "+" + Format(e.Points)
	}
	return Format(e.Points)
}

// PointsText shows the rule's points per occurrence.
func (r Rule) PointsText() string { return Format(r.Points) }

// CapText shows the rule's cap.
func (r Rule) CapText() string { return Format(r.Cap) }
