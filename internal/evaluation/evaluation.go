// Package evaluation holds the rules of democratic evaluation (民主评议): a town's (or county's)
// rounds, each over a period (half-years by default), rating party members and service teams on
// a few dimensions (speed, process, result by default) as satisfied, basically satisfied or
// dissatisfied; the satisfaction formula; and the checks on a meeting's tally. No I/O.
package evaluation

import (
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/errs"
	"wuxing/internal/org"
)

// Limits and defaults.
const (
	MaxName    = 60
	MaxNotes   = 2000
	MaxComment = 300
	MaxTargets = 500  // per round
	MaxBallots = 2000 // issued at once for a unit
	// DefaultBasicWeight is the weight of "basically satisfied" in percent: the usual count of
	// 满意率 takes satisfied and basically satisfied together.
	DefaultBasicWeight = 100
	// DefaultMinBallots is the fewest ballots a target needs for its rate to count.
	DefaultMinBallots = 10
)

// Status is where a round is: drafted (targets chosen, ballots printed), open (ballots
// accepted), closed (immutable).
type Status string

const (
	Draft  Status = "draft"
	Open   Status = "open"
	Closed Status = "closed"
)

// Statuses in order.
var Statuses = []Status{Draft, Open, Closed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// CanMove reports whether a round may go from s to next: draft → open → closed, nothing back.
func (s Status) CanMove(next Status) bool {
	return (s == Draft && next == Open) || (s == Open && next == Closed)
}

// Editable reports whether the round's settings and targets may change: only while drafted.
func (s Status) Editable() bool { return s == Draft }

// Rating is one answer on one dimension.
type Rating string

const (
	Satisfied    Rating = "satisfied"
	Basic        Rating = "basic"
	Dissatisfied Rating = "dissatisfied"
)

// Ratings is the scale, best first.
var Ratings = []Rating{Satisfied, Basic, Dissatisfied}

// Valid reports whether r is on the scale.
func (r Rating) Valid() bool { return slices.Contains(Ratings, r) }

// TargetKind says what is rated.
type TargetKind string

const (
	Member TargetKind = "member" // a party member
	Team   TargetKind = "team"   // a service team (volunteer or vanguard)
)

// Valid reports whether k is known.
func (k TargetKind) Valid() bool { return k == Member || k == Team }

// Dimensions a round may rate on; a round picks some, in this order.
var Dimensions = []string{"speed", "process", "result", "attitude", "integrity"}

// DefaultDimensions are the seed's three.
var DefaultDimensions = []string{"speed", "process", "result"}

// ParseDimensions reads a comma-separated list of dimensions, keeping the catalogue order and
// dropping repeats; empty or unknown entries are an error.
func ParseDimensions(s string) ([]string, error) {
	seen := map[string]bool{}
	for _, d := range strings.Split(s, ",") {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		if !slices.Contains(Dimensions, d) {
			return nil, errs.Invalid(errs.Field("dimensions", "evaluation.error.dimension"))
		}
		seen[d] = true
	}
	var out []string
	for _, d := range Dimensions {
		if seen[d] {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		return nil, errs.Invalid(errs.Field("dimensions", "validation.required"))
	}
	return out, nil
}

// PeriodKind is how long a round's period is.
type PeriodKind string

const (
	HalfYear PeriodKind = "half"
	Quarter  PeriodKind = "quarter"
	Year     PeriodKind = "year"
)

// PeriodKinds in the order forms offer them.
var PeriodKinds = []PeriodKind{HalfYear, Year, Quarter}

// Valid reports whether k is known.
func (k PeriodKind) Valid() bool { return slices.Contains(PeriodKinds, k) }

var labelRE = map[PeriodKind]*regexp.Regexp{
	HalfYear: regexp.MustCompile(`^(20\d\d)-H([12])$`),
	Quarter:  regexp.MustCompile(`^(20\d\d)-Q([1-4])$`),
	Year:     regexp.MustCompile(`^(20\d\d)$`),
}

// PeriodLabel is the label of the period of kind k holding the day t: "2026-H1", "2026-Q3",
// "2026". Labels of one kind sort in time order.
func PeriodLabel(k PeriodKind, t time.Time) string {
	y, m := t.Year(), int(t.Month())
	switch k {
	case Quarter:
		return fmt.Sprintf("%d-Q%d", y, (m+2)/3)
	case Year:
		return strconv.Itoa(y)
	}
	return fmt.Sprintf("%d-H%d", y, (m+5)/6)
}

// ValidLabel reports whether label names a period of kind k.
func ValidLabel(k PeriodKind, label string) bool {
	re, ok := labelRE[k]
	return ok && re.MatchString(label)
}

// Round is one evaluation round of a town or county.
type Round struct {
	ID          int64
	UnitID      int64
	Name        string
	PeriodKind  PeriodKind
	PeriodLabel string
	OpensAt     *time.Time // planned; ballots are accepted only while the status is open
	ClosesAt    *time.Time // planned closing: after it ballots are refused even before closing
	Dimensions  []string
	BasicWeight int // percent, 0–100: the weight of "basically satisfied" in the rate
	MinBallots  int
	Status      Status
	OpenedAt    *time.Time
	ClosedAt    *time.Time
	Notes       string
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Filled by reads.
	UnitName string
	UnitPath string
	UnitKind org.Kind
}

// Formula is the round's satisfaction formula.
func (r *Round) Formula() Formula {
	return Formula{BasicWeight: r.BasicWeight, MinBallots: r.MinBallots}
}

// Accepting reports whether the round takes ballots at now: open, and not past its planned
// closing time.
func (r *Round) Accepting(now time.Time) bool {
	if r.Status != Open {
		return false
	}
	if r.OpensAt != nil && now.Before(*r.OpensAt) {
		return false
	}
	return r.ClosesAt == nil || now.Before(*r.ClosesAt)
}

// HasDimension reports whether the round rates on d.
func (r *Round) HasDimension(d string) bool { return slices.Contains(r.Dimensions, d) }

// Validate checks a round's settings; unit kind must be filled (a town or county).
func (r *Round) Validate() error {
	var fe []errs.FieldError
	r.Name = strings.TrimSpace(r.Name)
	r.Notes = strings.TrimSpace(r.Notes)
	if r.UnitKind != org.Town && r.UnitKind != org.County {
		fe = append(fe, errs.Field("unit_id", "evaluation.error.unit"))
	}
	switch n := utf8.RuneCountInString(r.Name); {
	case n == 0:
		fe = append(fe, errs.Field("name", "validation.required"))
	case n > MaxName:
		fe = append(fe, errs.Field("name", "validation.too_long", MaxName))
	}
	if !r.PeriodKind.Valid() {
		fe = append(fe, errs.Field("period_kind", "evaluation.error.period_kind"))
	} else if !ValidLabel(r.PeriodKind, r.PeriodLabel) {
		fe = append(fe, errs.Field("period_label", "evaluation.error.period_label"))
	}
	if len(r.Dimensions) == 0 {
		fe = append(fe, errs.Field("dimensions", "validation.required"))
	}
	for _, d := range r.Dimensions {
		if !slices.Contains(Dimensions, d) {
			fe = append(fe, errs.Field("dimensions", "evaluation.error.dimension"))
			break
		}
	}
	if r.BasicWeight < 0 || r.BasicWeight > 100 {
		fe = append(fe, errs.Field("basic_weight", "evaluation.error.weight"))
	}
	if r.MinBallots < 1 || r.MinBallots > 10000 {
		fe = append(fe, errs.Field("min_ballots", "evaluation.error.min_ballots"))
	}
	if r.OpensAt != nil && r.ClosesAt != nil && !r.ClosesAt.After(*r.OpensAt) {
		fe = append(fe, errs.Field("closes_at", "evaluation.error.closes_at"))
	}
	if utf8.RuneCountInString(r.Notes) > MaxNotes {
		fe = append(fe, errs.Field("notes", "validation.too_long", MaxNotes))
	}
	return errs.FieldsOf(fe)
}

// Counts are the answers on one dimension (or summed over several).
type Counts struct {
	Satisfied    int `json:"satisfied"`
	Basic        int `json:"basic"`
	Dissatisfied int `json:"dissatisfied"`
}

// Total is the number of answers counted.
func (c Counts) Total() int { return c.Satisfied + c.Basic + c.Dissatisfied }

// Add returns c plus d.
func (c Counts) Add(d Counts) Counts {
	return Counts{c.Satisfied + d.Satisfied, c.Basic + d.Basic, c.Dissatisfied + d.Dissatisfied}
}

// Of returns the count of one rating.
func (c Counts) Of(r Rating) int {
	switch r {
	case Satisfied:
		return c.Satisfied
	case Basic:
		return c.Basic
	case Dissatisfied:
		return c.Dissatisfied
	}
	return 0
}

// Inc returns c with one more answer r.
func (c Counts) Inc(r Rating) Counts {
	switch r {
	case Satisfied:
		c.Satisfied++
	case Basic:
		c.Basic++
	case Dissatisfied:
		c.Dissatisfied++
	}
	return c
}

// Formula computes satisfaction: (satisfied + w × basic) / counted, w = BasicWeight / 100; a
// target with fewer than MinBallots ballots has no rate ("not enough ballots").
type Formula struct {
	BasicWeight int
	MinBallots  int
}

// Rate is a satisfaction rate as an exact fraction, so a comparison with a threshold is exact
// (80% is 80%, not 79.999…). Den is 0 when nothing was counted.
type Rate struct {
	Num, Den int64
}

// Rate computes the rate of c.
func (f Formula) Rate(c Counts) Rate {
	if c.Total() == 0 {
		return Rate{}
	}
	return Rate{Num: 100*int64(c.Satisfied) + int64(f.BasicWeight)*int64(c.Basic), Den: 100 * int64(c.Total())}
}

// Known reports whether there is a rate at all.
func (r Rate) Known() bool { return r.Den > 0 }

// Percent is the rate in percent, for display.
func (r Rate) Percent() float64 {
	if r.Den == 0 {
		return 0
	}
	return 100 * float64(r.Num) / float64(r.Den)
}

// Fraction is the rate in [0, 1], as the pct template function takes it.
func (r Rate) Fraction() float64 {
	if r.Den == 0 {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}

// Below reports whether the rate is under pct percent, exactly (exactly pct is not below).
func (r Rate) Below(pct int) bool {
	if r.Den == 0 {
		return false
	}
	return big.NewInt(0).Mul(big.NewInt(r.Num), big.NewInt(100)).Cmp(big.NewInt(0).Mul(big.NewInt(int64(pct)), big.NewInt(r.Den))) < 0
}

// Cmp compares two rates: -1, 0, 1 (an unknown rate is lowest).
func (r Rate) Cmp(o Rate) int {
	switch {
	case r.Den == 0 && o.Den == 0:
		return 0
	case r.Den == 0:
		return -1
	case o.Den == 0:
		return 1
	}
	a := big.NewInt(0).Mul(big.NewInt(r.Num), big.NewInt(o.Den))
	b := big.NewInt(0).Mul(big.NewInt(o.Num), big.NewInt(r.Den))
	return a.Cmp(b)
}

// DimensionResult is a target's answers and rate on one dimension.
type DimensionResult struct {
	Dimension string `json:"dimension"`
	Counts
	Rate Rate `json:"-"`
}

// Result is a target's outcome in a round: per dimension and over all dimensions, with the
// number of ballots that rated it. Enough is false under the round's minimum: the rate is then
// not counted (Overall is still computed for the record).
type Result struct {
	Dimensions []DimensionResult
	Overall    Counts
	Rate       Rate
	Ballots    int
	Enough     bool
}

// Compute is the result of a target from its answers per dimension and its ballots, over the
// round's dimensions in order.
func (f Formula) Compute(dims []string, per map[string]Counts, ballots int) Result {
	res := Result{Ballots: ballots, Enough: ballots >= f.MinBallots && ballots > 0}
	for _, d := range dims {
		c := per[d]
		res.Dimensions = append(res.Dimensions, DimensionResult{Dimension: d, Counts: c, Rate: f.Rate(c)})
		res.Overall = res.Overall.Add(c)
	}
	res.Rate = f.Rate(res.Overall)
	return res
}

// Counted reports whether the result has a rate that counts: enough ballots and some answers.
func (r Result) Counted() bool { return r.Enough && r.Rate.Known() }

// TallyLine is a meeting's count for one target on one dimension.
type TallyLine struct {
	TargetID  int64
	Dimension string
	Counts
}

// ValidateTally checks a meeting's tally: ballots issued at least 1; every line on one of the
// round's dimensions and targets, no count negative, and no line counting more answers than
// ballots were issued. Field names are "ballots_issued" and "c_<target>_<dimension>".
func ValidateTally(issued int, dims []string, targets []int64, lines []TallyLine) error {
	var fe []errs.FieldError
	if issued < 1 || issued > 100000 {
		fe = append(fe, errs.Field("ballots_issued", "evaluation.error.ballots_issued"))
	}
	seen := map[string]bool{}
	for _, l := range lines {
		name := fmt.Sprintf("c_%d_%s", l.TargetID, l.Dimension)
		if !slices.Contains(targets, l.TargetID) || !slices.Contains(dims, l.Dimension) {
			fe = append(fe, errs.Field(name, "evaluation.error.tally_target"))
			continue
		}
		if seen[name] {
			fe = append(fe, errs.Field(name, "evaluation.error.tally_target"))
			continue
		}
		seen[name] = true
		switch {
		case l.Satisfied < 0 || l.Basic < 0 || l.Dissatisfied < 0:
			fe = append(fe, errs.Field(name, "evaluation.error.tally_negative"))
		case issued >= 1 && l.Total() > issued:
			fe = append(fe, errs.Field(name, "evaluation.error.tally_exceeds", issued))
		}
	}
	return errs.FieldsOf(fe)
}

// TallyBallots is how many ballots of a tally rated a target: the most answers on any of its
// dimensions (a voter may skip a dimension, never add one).
func TallyBallots(lines []TallyLine, target int64) int {
	n := 0
	for _, l := range lines {
		if l.TargetID == target && l.Total() > n {
			n = l.Total()
		}
	}
	return n
}

// Answer is one rating of one target on one dimension on a ballot.
type Answer struct {
	TargetID  int64
	Dimension string
	Rating    Rating
}

// Ballot is what a resident submits: answers and optional comments per target. A target may be
// skipped entirely (the voter does not know them); a target that is rated must be rated on
// every dimension.
type Ballot struct {
	Answers  []Answer
	Comments map[int64]string
}

// ValidateBallot checks a submitted ballot against the targets of its unit and the round's
// dimensions: every rating on the scale, every target one of the unit's, a rated target rated on
// every dimension, at least one target rated, comments short. Field names are
// "r_<target>_<dimension>" and "comment_<target>". It returns the targets rated, in order.
func ValidateBallot(b Ballot, dims []string, targets []int64) ([]int64, error) {
	var fe []errs.FieldError
	got := map[int64]map[string]bool{}
	for _, a := range b.Answers {
		name := fmt.Sprintf("r_%d_%s", a.TargetID, a.Dimension)
		if !slices.Contains(targets, a.TargetID) || !slices.Contains(dims, a.Dimension) {
			fe = append(fe, errs.Field(name, "evaluation.error.ballot_target"))
			continue
		}
		if got[a.TargetID] == nil {
			got[a.TargetID] = map[string]bool{}
		}
		switch {
		case !a.Rating.Valid():
			fe = append(fe, errs.Field(name, "evaluation.error.rating"))
		case got[a.TargetID][a.Dimension]:
			fe = append(fe, errs.Field(name, "evaluation.error.ballot_target"))
		}
		got[a.TargetID][a.Dimension] = true
	}
	var rated []int64
	for _, t := range targets {
		g := got[t]
		if len(g) == 0 {
			continue
		}
		rated = append(rated, t)
		for _, d := range dims {
			if !g[d] {
				fe = append(fe, errs.Field(fmt.Sprintf("r_%d_%s", t, d), "evaluation.error.rating_missing"))
			}
		}
	}
	for t, c := range b.Comments {
		if !slices.Contains(targets, t) {
			fe = append(fe, errs.Field(fmt.Sprintf("comment_%d", t), "evaluation.error.ballot_target"))
		} else if utf8.RuneCountInString(c) > MaxComment {
			fe = append(fe, errs.Field(fmt.Sprintf("comment_%d", t), "validation.too_long", MaxComment))
		}
	}
	if len(fe) == 0 && len(rated) == 0 {
		fe = append(fe, errs.Field("ballot", "evaluation.error.ballot_empty"))
	}
	return rated, errs.FieldsOf(fe)
}

// CodeAlphabet is the alphabet of short ballot codes: digits and capitals without the look-alikes
// 0/O, 1/I/L, so a code read off paper is typed right.
const CodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// CodeLen is the length of a short code (without its dash): 10 symbols of 31, about 49 bits, far
// beyond guessing under the public rate limits.
const CodeLen = 10

// NormalizeCode turns what a resident typed into a code's canonical form: capitals, without
// spaces or dashes.
func NormalizeCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case ' ', '-', '\t', '　':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FormatCode prints a canonical code in two halves, "ABCDE-FGHJK", for reading aloud.
func FormatCode(c string) string {
	if len(c) != CodeLen {
		return c
	}
	return c[:CodeLen/2] + "-" + c[CodeLen/2:]
}
