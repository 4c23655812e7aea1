// Package talks holds the admonitory-talk rule (约谈) of democratic evaluation and the party's
// annual review of members (民主评议党员). No I/O.
//
// The rule, from the seed: a party member (or a service team) rated under the threshold (80%)
// in N consecutive rounds (3) is called to a talk by the committee above them (the town's, or
// the county's where there is no town). How the rule reads a target's history:
//
//   - Rounds are taken in round order (the order the store gives: the rounds' periods).
//   - Only rounds the target was rated in count. A round the target was not evaluated in (a gap:
//     not on that round's list) is skipped: it neither breaks nor extends the streak. "Three
//     consecutive rounds" means three consecutive ratings of that person; leaving a member off
//     one round must not wipe out their record.
//   - A round with too few ballots to count (under the round's minimum) is skipped the same way:
//     a handful of votes is no verdict either way.
//   - Under means strictly under: exactly 80% is not under.
//   - The streak follows the person (or team), not the unit: a member who moved keeps the
//     rounds rated in the old unit, and the talk goes to the committee above their current unit.
//   - A recorded talk settles the rounds it was held for: the next talk is due only after N
//     further consecutive rounds under the threshold, all after the talk's last round. A round
//     at or over the threshold after the talk shows that it worked.
package talks

import (
	"slices"
	"time"
	"unicode/utf8"

	"wuxing/internal/errs"
	"wuxing/internal/evaluation"
	"wuxing/internal/org"
)

// DateLayout is how talk and follow-up dates are written.
const DateLayout = "2006-01-02"

// Defaults from the seed, and the limits on a town's settings.
const (
	DefaultThreshold = 80 // percent
	DefaultRounds    = 3
	// DefaultExcellentShare is the usual cap on 优秀 in the annual review: a third.
	DefaultExcellentShare = 3333 // basis points; the cap is computed exactly as n/3 (see MaxExcellent)
	MaxRounds             = 12
	MaxContent            = 4000
	MaxName               = 40
	MaxNote               = 2000
)

// Rule is a town's (or county's) talk rule: under Threshold percent of satisfaction in Rounds
// consecutive counted rounds. ExcellentShare caps 优秀 in the annual review.
type Rule struct {
	Threshold      int
	Rounds         int
	ExcellentShare int // basis points; 3333 means a third
}

// DefaultRule is the seed's rule.
func DefaultRule() Rule {
	return Rule{Threshold: DefaultThreshold, Rounds: DefaultRounds, ExcellentShare: DefaultExcellentShare}
}

// Validate checks a rule's settings.
func (r Rule) Validate() error {
	var fs []errs.FieldError
	if r.Threshold < 1 || r.Threshold > 100 {
		fs = append(fs, errs.Field("threshold", "talks.error.threshold"))
	}
	if r.Rounds < 1 || r.Rounds > MaxRounds {
		fs = append(fs, errs.Field("rounds", "talks.error.rounds", MaxRounds))
	}
	if r.ExcellentShare < 1 || r.ExcellentShare > 10000 {
		fs = append(fs, errs.Field("excellent_share", "talks.error.share"))
	}
	return errs.FieldsOf(fs)
}

// State is what a round says about a target.
type State string

// A target in a round is rated, rated on too few ballots to count, or not evaluated at all.
const (
	Rated  State = "rated"
	TooFew State = "too_few"
	Absent State = "absent"
)

// Result is one round's result for one target.
type Result struct {
	RoundID  int64
	Round    string // the round's name or period, for display
	State    State
	Rate     evaluation.Rate // exact; meaningful when State is Rated
	Ballots  int
	UnitID   int64 // the unit the target was rated in
	UnitName string
}

// Under reports whether the result counts as under the rule's threshold.
func (r Result) Under(rule Rule) bool { return r.State == Rated && r.Rate.Below(rule.Threshold) }

// Verdict is what the rule says about one target's history.
type Verdict struct {
	Due bool
	// Streak is how many counted rounds in a row, up to the latest, were under the threshold
	// (after the last talk's rounds).
	Streak int
	// Rounds are the rounds that make the talk due: the last Rule.Rounds counted rounds.
	Rounds []Result
}

// Evaluate applies the rule to a target's results in round order. settled is the id of the
// latest round a recorded talk already covered (0 for none): only rounds after it count.
// A settled id not in results is ignored (the whole history counts).
func Evaluate(rule Rule, results []Result, settled int64) Verdict {
	start := 0
	if settled != 0 {
		for i, r := range results {
			if r.RoundID == settled {
				start = i + 1
			}
		}
	}
	var v Verdict
	var streak []Result
	for _, r := range results[start:] {
		if r.State != Rated {
			continue
		}
		if r.Under(rule) {
			streak = append(streak, r)
		} else {
			streak = streak[:0]
		}
	}
	v.Streak = len(streak)
	if rule.Rounds > 0 && len(streak) >= rule.Rounds {
		v.Due = true
		v.Rounds = slices.Clone(streak[len(streak)-rule.Rounds:])
	}
	return v
}

// After returns the results that come after the round roundID in round order (all of them when
// roundID is not found): a talk's later rounds, to see whether it worked.
func After(results []Result, roundID int64) []Result {
	for i, r := range results {
		if r.RoundID == roundID {
			return results[i+1:]
		}
	}
	return nil
}

// Committee returns the unit whose committee holds talks for someone in the unit with the given
// ancestors (root first, the unit itself last): the nearest town, else the nearest county.
// ok is false when the unit lies under neither.
func Committee(ancestors []org.Unit) (org.Unit, bool) {
	for _, k := range []org.Kind{org.Town, org.County} {
		for i := len(ancestors) - 1; i >= 0; i-- {
			if ancestors[i].Kind == k {
				return ancestors[i], true
			}
		}
	}
	return org.Unit{}, false
}

// TargetKind is who a talk is with.
type TargetKind string

// Talks are held with a party member or with a service team (its leader speaking for it).
const (
	Member TargetKind = "member"
	Team   TargetKind = "team"
)

// Status is where a talk stands.
type Status string

// A recorded talk is followed up while the rectification runs, and closed when it is done.
const (
	Rectifying Status = "rectifying"
	Closed     Status = "closed"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == Rectifying || s == Closed }

// Talk is one admonitory talk and its follow-up.
type Talk struct {
	ID          int64
	Kind        TargetKind
	PersonID    int64 // for a member
	TeamID      int64 // for a team
	UnitID      int64 // the target's unit when the talk was held
	CommitteeID int64 // the town (or county) whose committee held it
	RoundIDs    []int64
	TalkedBy    string // who talked: name
	TalkedPost  string // and post (职务)
	TalkedOn    string // YYYY-MM-DD
	Content     string
	Plan        string // the rectification plan
	Status      Status
	FollowUps   []FollowUp
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Filled by reads.
	TargetName    string
	UnitName      string
	UnitPath      string
	CommitteeName string
	CommitteePath string
	Rounds        []Result // the rounds the talk was held for
	Later         []Result // the target's rounds after the talk's last round
}

// FollowUp is one visit or check after the talk.
type FollowUp struct {
	ID   int64
	On   string // YYYY-MM-DD
	Note string
	By   string
	At   time.Time
}

// validDate reports whether s is a calendar date not after today.
func validDate(s string, today string) bool {
	d, err := time.Parse(DateLayout, s)
	return err == nil && d.Format(DateLayout) == s && s <= today
}

// Validate checks a talk as it is recorded; today is the current date (YYYY-MM-DD).
func (t *Talk) Validate(today string) error {
	var fs []errs.FieldError
	if t.Kind != Member && t.Kind != Team {
		fs = append(fs, errs.Field("kind", "talks.error.kind"))
	}
	if (t.Kind == Member && t.PersonID == 0) || (t.Kind == Team && t.TeamID == 0) {
		fs = append(fs, errs.Field("target", "validation.required"))
	}
	if len(t.RoundIDs) == 0 {
		fs = append(fs, errs.Field("rounds", "talks.error.not_due"))
	}
	fs = text(fs, "talked_by", t.TalkedBy, MaxName, true)
	fs = text(fs, "talked_post", t.TalkedPost, MaxName, true)
	if !validDate(t.TalkedOn, today) {
		fs = append(fs, errs.Field("talked_on", "talks.error.date"))
	}
	fs = text(fs, "content", t.Content, MaxContent, true)
	fs = text(fs, "plan", t.Plan, MaxContent, true)
	if !t.Status.Valid() {
		fs = append(fs, errs.Field("status", "talks.error.status"))
	}
	return errs.FieldsOf(fs)
}

// Validate checks a follow-up of talk t; today is the current date.
func (f *FollowUp) Validate(t *Talk, today string) error {
	var fs []errs.FieldError
	if !validDate(f.On, today) || f.On < t.TalkedOn {
		fs = append(fs, errs.Field("on", "talks.error.followup_date"))
	}
	fs = text(fs, "note", f.Note, MaxNote, true)
	return errs.FieldsOf(fs)
}

func text(fs []errs.FieldError, field, v string, max int, required bool) []errs.FieldError {
	switch {
	case required && v == "":
		return append(fs, errs.Field(field, "validation.required"))
	case utf8.RuneCountInString(v) > max:
		return append(fs, errs.Field(field, "validation.too_long", max))
	}
	return fs
}

var cst = time.FixedZone("CST", 8*3600)

// Today is the China-time date of now.
func Today(now time.Time) string { return now.In(cst).Format(DateLayout) }

// YearOf is the China-time year of t.
func YearOf(t time.Time) int { return t.In(cst).Year() }

// YearStart is the first instant of a year in China time.
func YearStart(year int) time.Time { return time.Date(year, 1, 1, 0, 0, 0, 0, cst) }
