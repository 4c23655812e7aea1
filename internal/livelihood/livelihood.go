// Package livelihood holds the rules of livelihood projects (民生实事清单): an item with a target
// quantity in a unit of measure (2409 household toilets, 40 km of verges), owned by a town,
// village or community, claimed by leaders (带头认领), and advanced by progress reports. Each
// report adds a quantity; what is done is always the sum of the reports in force, so completion
// is derived, never stored, and may pass 100% (3884 of 2409 is 161%). A report is never edited:
// a correction is a new report that replaces it, and both stay on the record. No I/O.
package livelihood

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/errs"
	"wuxing/internal/fixed"
	"wuxing/internal/org"
)

// DateLayout is how report days and deadlines are written: China-time calendar dates.
const DateLayout = "2006-01-02"

// Limits.
const (
	MaxTitle       = 80
	MaxDescription = 2000
	MaxMeasure     = 8
	MaxNote        = 500
	MaxPost        = 30
	MaxLeaders     = 20
	// MaxQuantity bounds a target or a report: far beyond any town's work, well inside int64.
	MaxQuantity Quantity = 1_000_000_000 * Scale
	MinYear              = 2000
	MaxYear              = 2100
)

// Quantity is an amount of work in hundredths of the project's unit of measure (12.5 km is
// 1250), so sums are exact.
type Quantity int64

// Scale is how many hundredths make one unit of measure.
const Scale = 100

// Units is n whole units of measure.
func Units(n int64) Quantity { return Quantity(n * Scale) }

// ParseQuantity reads a decimal amount with at most two decimals ("3884", "40.5", "0.25").
// Signs, exponents and separators are refused: a quantity is typed by an official.
func ParseQuantity(s string) (Quantity, bool) {
	s = strings.TrimSpace(s)
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (dot && frac == "") || len(whole) > 10 {
		return 0, false
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	q := Quantity(w*Scale + f)
	if q > MaxQuantity {
		return 0, false
	}
	return q, true
}

// String writes a quantity without trailing zeros: 3884, 40.5, 0.25.
func (q Quantity) String() string { return fixed.Format(int64(q)) }

// Float is the quantity in units of measure, for charts and spreadsheets.
func (q Quantity) Float() float64 { return float64(q) / Scale }

// Percent is done as a whole percentage of target, rounded down so that a project shows 100%
// only once it is complete; over target it passes 100 (3884 of 2409 is 161). A zero target
// gives 0.
func Percent(done, target Quantity) int {
	if target <= 0 || done <= 0 {
		return 0
	}
	return int(math.Floor(float64(done) * 100 / float64(target)))
}

// Bar is the width of a progress bar in percent of its track: Percent capped at 100.
func Bar(done, target Quantity) int { return min(Percent(done, target), 100) }

// Status is where a project stands. It is derived from the reports and the manager's closing,
// never stored.
type Status string

// The statuses.
const (
	Planned    Status = "planned"     // nothing reported yet
	InProgress Status = "in_progress" // reported, short of the target
	Completed  Status = "completed"   // the target reached, or closed by a manager
)

// Statuses lists every status, in order.
var Statuses = []Status{Planned, InProgress, Completed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == Planned || s == InProgress || s == Completed }

// StatusOf derives a project's status from what its reports add up to and whether a manager
// closed it.
func StatusOf(done, target Quantity, closed bool) Status {
	switch {
	case closed || (target > 0 && done >= target):
		return Completed
	case done > 0:
		return InProgress
	}
	return Planned
}

// Category is what kind of work a project is.
type Category string

// The categories.
const (
	Sanitation  Category = "sanitation"  // 改厕, 人居环境
	Roads       Category = "roads"       // 道路, 路肩
	Housing     Category = "housing"     // 老旧小区, 危房
	Water       Category = "water"       // 供水, 排水
	ElderCare   Category = "elder_care"  // 养老, 助餐
	Education   Category = "education"   // 教育, 托幼
	Employment  Category = "employment"  // 就业
	Environment Category = "environment" // 绿化, 亮化
	Other       Category = "other"
)

// Categories lists every category.
var Categories = []Category{Sanitation, Roads, Housing, Water, ElderCare, Education, Employment, Environment, Other}

// Valid reports whether c is a known category.
func (c Category) Valid() bool {
	for _, x := range Categories {
		if x == c {
			return true
		}
	}
	return false
}

// Project is one livelihood project.
type Project struct {
	ID          int64
	UnitID      int64
	Title       string
	Description string
	Category    Category
	Measure     string // the unit of measure: 户, 公里, 个, 座
	Target      Quantity
	Year        int
	Deadline    string // YYYY-MM-DD or ""
	Closed      bool
	ClosedAt    time.Time
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Filled by reads.
	UnitName string
	UnitPath string
	UnitKind org.Kind
	UnitCode string
	Done     Quantity // the sum of the reports in force
	Reports  int      // how many reports are in force
	Leaders  []Leader
}

// Status is the project's derived status.
func (p *Project) Status() Status { return StatusOf(p.Done, p.Target, p.Closed) }

// Percent is the project's completion in whole percent, past 100 over target.
func (p *Project) Percent() int { return Percent(p.Done, p.Target) }

// Bar is the width of its progress bar, in percent.
func (p *Project) Bar() int { return Bar(p.Done, p.Target) }

// Over reports whether more than the target was done.
func (p *Project) Over() bool { return p.Target > 0 && p.Done > p.Target }

// Overdue reports whether the deadline passed before the project completed.
func (p *Project) Overdue(today string) bool {
	return p.Deadline != "" && today > p.Deadline && p.Status() != Completed
}

// Leader is one leader who claimed a project.
type Leader struct {
	ID        int64
	PersonID  int64
	Name      string
	Post      string // the post they hold, as the list names them: 镇党委书记, 包村干部
	UnitName  string
	UnitPath  string
	ClaimedBy string // the account that recorded the claim
	ClaimedAt time.Time
}

// ParseDay parses a YYYY-MM-DD day.
func ParseDay(s string) (time.Time, bool) {
	d, err := time.Parse(DateLayout, strings.TrimSpace(s))
	return d, err == nil
}

var cst = time.FixedZone("CST", 8*3600)

// Today is the China-time calendar day of now.
func Today(now time.Time) string { return now.In(cst).Format(DateLayout) }

// OwnerKind reports whether a unit of kind k may own projects: a town, a village or a
// community.
func OwnerKind(k org.Kind) bool { return k == org.Town || k == org.Village || k == org.Community }

// Normalize trims a project's text.
func (p *Project) Normalize() {
	p.Title, p.Description = strings.TrimSpace(p.Title), strings.TrimSpace(p.Description)
	p.Measure, p.Deadline = strings.TrimSpace(p.Measure), strings.TrimSpace(p.Deadline)
}

// Validate checks a project. The store fills in its unit's path and kind first (blank when the
// unit does not exist or is out of reach).
func (p *Project) Validate() error {
	p.Normalize()
	var fe []errs.FieldError
	switch n := utf8.RuneCountInString(p.Title); {
	case n == 0:
		fe = append(fe, errs.Field("title", "validation.required"))
	case n > MaxTitle:
		fe = append(fe, errs.Field("title", "validation.too_long", MaxTitle))
	}
	if utf8.RuneCountInString(p.Description) > MaxDescription {
		fe = append(fe, errs.Field("description", "validation.too_long", MaxDescription))
	}
	if !p.Category.Valid() {
		fe = append(fe, errs.Field("category", "livelihood.category.invalid"))
	}
	switch n := utf8.RuneCountInString(p.Measure); {
	case n == 0:
		fe = append(fe, errs.Field("measure", "validation.required"))
	case n > MaxMeasure:
		fe = append(fe, errs.Field("measure", "validation.too_long", MaxMeasure))
	}
	if p.Target <= 0 || p.Target > MaxQuantity {
		fe = append(fe, errs.Field("target", "livelihood.target.invalid"))
	}
	if p.Year < MinYear || p.Year > MaxYear {
		fe = append(fe, errs.Field("year", "livelihood.year.invalid", MinYear, MaxYear))
	}
	if p.Deadline != "" {
		d, ok := ParseDay(p.Deadline)
		switch {
		case !ok:
			fe = append(fe, errs.Field("deadline", "livelihood.date.invalid"))
		case d.Year() < p.Year:
			fe = append(fe, errs.Field("deadline", "livelihood.deadline.before_year", p.Year))
		}
	}
	if p.UnitID == 0 {
		fe = append(fe, errs.Field("unit_id", "validation.required"))
	} else if p.UnitPath == "" || !OwnerKind(p.UnitKind) {
		fe = append(fe, errs.Field("unit_id", "livelihood.unit.invalid"))
	}
	return errs.FieldsOf(fe)
}

// Report is one progress report: a quantity of work done by a day, with a note and photos. A
// correction replaces the report it corrects (Corrects), which is then superseded.
type Report struct {
	ID           int64
	ProjectID    int64
	Day          string // YYYY-MM-DD: when the work was done or counted
	Quantity     Quantity
	Note         string
	CompoundID   int64 // the compound the work was in, when it was in one
	Corrects     int64 // the report this one replaces
	Superseded   bool  // replaced by a correction: no longer counted
	ReporterID   int64 // the person who reported, when the account has one
	ReporterName string
	CreatedBy    int64
	CreatedAt    time.Time
	Photos       []PhotoRef

	// Filled by reads.
	CompoundName string
}

// PhotoRef names a stored photo of a report.
type PhotoRef struct {
	ID          int64
	ThumbWidth  int
	ThumbHeight int
}

// ValidateReport checks a new report on project p on day today: a positive quantity, a valid day
// not in the future nor before the project's year, a note of sensible length, and a project
// still open.
func ValidateReport(p *Project, r *Report, today string) error {
	return validateReport(p, r, today, false)
}

// ValidateCorrection checks a correction: as a report, but the quantity may be zero (the
// report was wrong altogether) and the note, the reason, is required.
func ValidateCorrection(p *Project, r *Report, today string) error {
	return validateReport(p, r, today, true)
}

func validateReport(p *Project, r *Report, today string, correction bool) error {
	r.Day, r.Note = strings.TrimSpace(r.Day), strings.TrimSpace(r.Note)
	var fe []errs.FieldError
	if p.Closed {
		return errs.New(errs.EUNPROCESSABLE, "livelihood.closed")
	}
	switch {
	case r.Quantity < 0:
		fe = append(fe, errs.Field("quantity", "livelihood.quantity.negative"))
	case r.Quantity == 0 && !correction:
		fe = append(fe, errs.Field("quantity", "livelihood.quantity.positive"))
	case r.Quantity > MaxQuantity:
		fe = append(fe, errs.Field("quantity", "livelihood.quantity.invalid"))
	}
	d, ok := ParseDay(r.Day)
	switch {
	case !ok:
		fe = append(fe, errs.Field("day", "livelihood.date.invalid"))
	case r.Day > today:
		fe = append(fe, errs.Field("day", "livelihood.day.future"))
	case d.Year() < p.Year:
		fe = append(fe, errs.Field("day", "livelihood.day.before_year", p.Year))
	}
	switch n := utf8.RuneCountInString(r.Note); {
	case n == 0 && correction:
		fe = append(fe, errs.Field("note", "livelihood.correction.reason"))
	case n > MaxNote:
		fe = append(fe, errs.Field("note", "validation.too_long", MaxNote))
	}
	return errs.FieldsOf(fe)
}

// Done adds up the reports in force: what a project's completion is computed from.
func Done(reports []Report) Quantity {
	var q Quantity
	for _, r := range reports {
		if !r.Superseded {
			q += r.Quantity
		}
	}
	return q
}

// MayLead reports whether a person of the unit at personPath may lead a project owned by the
// unit at ownerPath: an official of that unit, of a unit under it, or of a unit above it (a town
// leader claiming a village's project).
func MayLead(personPath, ownerPath string) bool {
	return personPath != "" && ownerPath != "" && (org.Within(personPath, ownerPath) || org.Within(ownerPath, personPath))
}

// ValidatePost checks the post a leader claims under.
func ValidatePost(post string) *errs.FieldError {
	if utf8.RuneCountInString(strings.TrimSpace(post)) > MaxPost {
		f := errs.Field("post", "validation.too_long", MaxPost)
		return &f
	}
	return nil
}
