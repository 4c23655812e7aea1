package campaigns

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/errs"
)

// Kind is what a circular does: name late rectifications (通报) or commend units (表扬).
type Kind string

// The kinds.
const (
	Criticism    Kind = "circular"     // 通报: problems not rectified by their check
	Commendation Kind = "commendation" // 表扬: units that rectified everything on time
)

// Kinds lists both kinds.
var Kinds = []Kind{Criticism, Commendation}

// Status is where a circular stands: a draft the town edits, or published and read-only.
type Status string

// The statuses.
const (
	Draft     Status = "draft"
	Published Status = "published"
)

// Limits on a circular's text.
const (
	MaxTitle = 100
	MaxBody  = 5000
)

// Circular is a circular or a commendation drawn from a campaign's records for a period. It is
// numbered per town, kind and year when it is published.
type Circular struct {
	ID          int64
	CampaignID  int64
	TownID      int64
	Kind        Kind
	Status      Status
	Year, Seq   int // its number, once published
	Title       string
	Body        string
	PeriodFrom  string
	PeriodTo    string
	Deadline    string // circulars: the day by which the named problems must be rectified
	PublishedAt time.Time
	PublishedBy string
	Items       []Item
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Filled by reads.
	TownName     string
	TownPath     string
	CampaignName string
}

// Item is one entry of a circular: a late problem with its unit and responsible officer, or, in
// a commendation, a unit with its tally. Names are kept as they were when drafted: a published
// circular is a document and does not change.
type Item struct {
	ID          int64
	Position    int
	AreaID      int64
	ProblemID   int64 // circulars
	CaseID      int64
	UnitID      int64
	UnitName    string
	UnitPath    string
	OfficerID   int64
	OfficerName string
	CaseNumber  string
	Title       string
	FoundOn     string
	DueOn       string
	LateOn      string
	Found       int // commendations: problems found and rectified in the period
	Rectified   int
}

// Editable reports whether the circular may still change.
func (c *Circular) Editable() bool { return c.Status == Draft }

// CheckPeriod checks a period's days.
func CheckPeriod(from, to string) []errs.FieldError {
	var fe []errs.FieldError
	_, okFrom := ParseDay(from)
	_, okTo := ParseDay(to)
	if !okFrom {
		fe = append(fe, errs.Field("from", "campaigns.date.invalid"))
	}
	if !okTo {
		fe = append(fe, errs.Field("to", "campaigns.date.invalid"))
	}
	if okFrom && okTo && to < from {
		fe = append(fe, errs.Field("to", "campaigns.date.order"))
	}
	return fe
}

// CircularItems drafts a circular's entries: the problems that became late within the period
// [from, to] and are not named in another circular yet (named), by day, unit and number.
func CircularItems(problems []Problem, from, to string, named map[int64]bool) []Item {
	var out []Item
	for _, p := range problems {
		if !p.Late || p.LateOn < from || p.LateOn > to || named[p.ID] {
			continue
		}
		out = append(out, Item{AreaID: p.AreaID, ProblemID: p.ID, CaseID: p.CaseID, UnitID: p.UnitID, UnitName: p.UnitName,
			UnitPath: p.UnitPath, OfficerID: p.OfficerID, OfficerName: p.OfficerName, CaseNumber: p.CaseNumber, Title: p.Title,
			FoundOn: p.FoundOn, DueOn: p.DueOn, LateOn: p.LateOn})
	}
	slices.SortStableFunc(out, func(a, b Item) int {
		return cmp.Or(cmp.Compare(a.LateOn, b.LateOn), cmp.Compare(a.UnitName, b.UnitName), cmp.Compare(a.CaseNumber, b.CaseNumber))
	})
	for i := range out {
		out[i].Position = i + 1
	}
	return out
}

// CommendationItems drafts a commendation's entries: the areas where every problem found in the
// period [from, to] was rectified, none of them late. An area with nothing found earns nothing.
func CommendationItems(areas []Area, problems []Problem, from, to string) []Item {
	var in []Problem
	for _, p := range problems {
		if p.FoundOn >= from && p.FoundOn <= to {
			in = append(in, p)
		}
	}
	tally := Tally(in)
	var out []Item
	for _, a := range areas {
		t := tally[a.ID]
		if t.Found == 0 || t.Rectified != t.Found || t.Late > 0 {
			continue
		}
		out = append(out, Item{Position: len(out) + 1, AreaID: a.ID, UnitID: a.UnitID, UnitName: a.UnitName, UnitPath: a.UnitPath,
			OfficerID: a.OfficerID, OfficerName: a.OfficerName, Found: t.Found, Rectified: t.Rectified})
	}
	return out
}

// Normalize trims a circular's text.
func (c *Circular) Normalize() {
	c.Title, c.Body, c.Deadline = strings.TrimSpace(c.Title), strings.TrimSpace(c.Body), strings.TrimSpace(c.Deadline)
}

// Validate checks a circular before it is saved or published: a title, a bounded body, at least
// one entry, and for a circular a rectification deadline not before the period's end.
func (c *Circular) Validate() error {
	c.Normalize()
	var fe []errs.FieldError
	switch n := utf8.RuneCountInString(c.Title); {
	case n == 0:
		fe = append(fe, errs.Field("title", "validation.required"))
	case n > MaxTitle:
		fe = append(fe, errs.Field("title", "validation.too_long", MaxTitle))
	}
	if utf8.RuneCountInString(c.Body) > MaxBody {
		fe = append(fe, errs.Field("body", "validation.too_long", MaxBody))
	}
	if !slices.Contains(Kinds, c.Kind) {
		fe = append(fe, errs.Field("kind", "campaigns.circular.kind_invalid"))
	}
	if c.Kind == Criticism {
		if _, ok := ParseDay(c.Deadline); !ok {
			fe = append(fe, errs.Field("deadline", "campaigns.date.invalid"))
		} else if c.Deadline < c.PeriodTo {
			fe = append(fe, errs.Field("deadline", "campaigns.circular.deadline_early"))
		}
	} else {
		c.Deadline = ""
	}
	if len(c.Items) == 0 {
		fe = append(fe, errs.Field("items", "campaigns.circular.no_items"))
	}
	return errs.FieldsOf(fe)
}
