package talks

import (
	"time"
	"unicode/utf8"

	"wuxing/internal/errs"
)

// The party's annual review of members (民主评议党员): each member writes a self review (个人自评),
// the members review one another (党员互评, here their average score out of 100), and the
// masses and members vote in a democratic poll (民主测评: votes for each grade); the branch then
// decides each member's grade. 优秀 is capped at a share of the members reviewed (a third by
// default): a branch that grades more is refused.

// Grade is a member's grade in the annual review.
type Grade string

// The four grades, best first.
const (
	Excellent   Grade = "excellent"   // 优秀
	Qualified   Grade = "qualified"   // 合格
	Basic       Grade = "basic"       // 基本合格
	Unqualified Grade = "unqualified" // 不合格
)

// Grades lists the grades, best first.
var Grades = []Grade{Excellent, Qualified, Basic, Unqualified}

// Valid reports whether g is a grade ("" is not: undecided is a separate state).
func (g Grade) Valid() bool {
	for _, x := range Grades {
		if x == g {
			return true
		}
	}
	return false
}

// Limits on an entry.
const (
	MaxSelfReview = 2000
	MaxVotes      = 100000
)

// Poll holds the democratic poll's votes for each grade.
type Poll struct {
	Excellent, Qualified, Basic, Unqualified int
}

// Total is the number of votes cast.
func (p Poll) Total() int { return p.Excellent + p.Qualified + p.Basic + p.Unqualified }

// Review is one branch's annual review for one year: the list of its members' entries.
type Review struct {
	ID             int64
	Year           int
	UnitID         int64 // the branch (village or community)
	ExcellentShare int   // basis points, fixed when the review is opened
	Version        int64
	CreatedAt      time.Time
	Entries        []Entry

	// Filled by reads.
	UnitName string
	UnitPath string
}

// Entry is one member's review.
type Entry struct {
	ID          int64
	ReviewID    int64
	PersonID    int64
	SelfReview  string
	MutualScore int // average of the mutual review, 0–100; -1 when not entered
	Poll        Poll
	Grade       Grade // "" while undecided
	DecidedBy   string
	DecidedAt   *time.Time
	Version     int64

	// Filled by reads.
	PersonName string
	UnitName   string
}

// Validate checks one member's entry.
func (e *Entry) Validate() error {
	var fs []errs.FieldError
	if utf8.RuneCountInString(e.SelfReview) > MaxSelfReview {
		fs = append(fs, errs.Field("self_review", "validation.too_long", MaxSelfReview))
	}
	if e.MutualScore < -1 || e.MutualScore > 100 {
		fs = append(fs, errs.Field("mutual_score", "talks.error.score"))
	}
	for _, v := range []struct {
		f string
		n int
	}{{"poll_excellent", e.Poll.Excellent}, {"poll_qualified", e.Poll.Qualified}, {"poll_basic", e.Poll.Basic}, {"poll_unqualified", e.Poll.Unqualified}} {
		if v.n < 0 || v.n > MaxVotes {
			fs = append(fs, errs.Field(v.f, "talks.error.votes"))
		}
	}
	if e.Grade != "" && !e.Grade.Valid() {
		fs = append(fs, errs.Field("grade", "talks.error.grade"))
	}
	return errs.FieldsOf(fs)
}

// MaxExcellent is how many of n members may be graded 优秀 under a share in basis points. The
// share is read with a tolerance of one basis point per member, so 3333 means exactly a third
// (3 members: 1; 2 members: 0; 300 members: 100).
func MaxExcellent(n, share int) int {
	if n <= 0 || share <= 0 {
		return 0
	}
	return (n*share + n) / 10000
}

// CheckExcellent checks that the entries (all of one branch's review) grade no more members 优秀
// than the share allows; the error names the cap and the number of members.
func CheckExcellent(entries []Entry, share int) error {
	n := 0
	for _, e := range entries {
		if e.Grade == Excellent {
			n++
		}
	}
	if max := MaxExcellent(len(entries), share); n > max {
		return errs.Invalid(errs.Field("grade", "talks.error.excellent_over", max, len(entries)))
	}
	return nil
}

// Counts returns how many entries hold each grade, and how many are undecided.
func Counts(entries []Entry) (map[Grade]int, int) {
	m := map[Grade]int{}
	undecided := 0
	for _, e := range entries {
		if e.Grade == "" {
			undecided++
		} else {
			m[e.Grade]++
		}
	}
	return m, undecided
}
