package points

import (
	"slices"
	"strconv"
	"strings"

	"wuxing/internal/errs"
)

// Ratio is the share of targets (in percent) that get a grade.
type Ratio struct {
	Grade   Grade
	Percent int
}

// DefaultRatios is 清丰县's "352X": top 30% excellent, next 50% good, last 20% fair (X by hand).
var DefaultRatios = []Ratio{{Excellent, 30}, {Good, 50}, {Fair, 20}}

// ParseRatios reads a ratio set written "excellent:30,good:50,fair:20" and checks it.
func ParseRatios(s string) ([]Ratio, error) {
	bad := errs.Invalid(errs.Field("ratios", "points.ratios.invalid"))
	var out []Ratio
	for _, part := range strings.Split(s, ",") {
		g, p, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return nil, bad
		}
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return nil, bad
		}
		out = append(out, Ratio{Grade(strings.TrimSpace(g)), n})
	}
	return out, CheckRatios(out)
}

// FormatRatios writes a ratio set as ParseRatios reads it.
func FormatRatios(rs []Ratio) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = string(r.Grade) + ":" + strconv.Itoa(r.Percent)
	}
	return strings.Join(parts, ",")
}

// CheckRatios checks a ratio set: known grades, best first, each once, each share positive, and
// the shares adding up to exactly 100%.
func CheckRatios(rs []Ratio) error {
	if len(rs) == 0 {
		return errs.Invalid(errs.Field("ratios", "points.ratios.invalid"))
	}
	sum, last := 0, -1
	for _, r := range rs {
		i := slices.Index(Grades, r.Grade)
		if i < 0 || i <= last {
			return errs.Invalid(errs.Field("ratios", "points.ratios.grades"))
		}
		if r.Percent <= 0 || r.Percent > 100 {
			return errs.Invalid(errs.Field("ratios", "points.ratios.invalid"))
		}
		last = i
		sum += r.Percent
	}
	if sum != 100 {
		return errs.Invalid(errs.Field("ratios", "points.ratios.sum", sum))
	}
	return nil
}

// Standing is one target's place in a horse race.
type Standing struct {
	Kind     TargetKind
	ID       int64
	Name     string
	UnitName string
	UnitPath string
	Total    int64 // centipoints, the sum of its approved entries in the period
	Entries  int
	Rank     int   // 1-based; targets with the same total share a rank (1, 2, 2, 4); 0 for X
	Grade    Grade // by the ratio set, or X
	XGraded  bool  // set by hand for a serious failure: out of the ratio count
	XReason  string
}

// Rank orders standings by total, best first, gives targets with equal totals the same rank
// (1, 2, 2, 4), and grades them by the ratio set (see Grade). Targets graded X by hand are
// ranked last, without a rank, and do not count in the ratios. ratios must have passed
// CheckRatios; with none, nobody is graded.
func Rank(rows []Standing, ratios []Ratio) []Standing {
	var in, out []Standing
	for _, r := range rows {
		if r.XGraded {
			r.Rank, r.Grade = 0, X
			out = append(out, r)
		} else {
			in = append(in, r)
		}
	}
	order := func(a, b Standing) int {
		switch {
		case a.Total > b.Total:
			return -1
		case a.Total < b.Total:
			return 1
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	}
	slices.SortStableFunc(in, order)
	slices.SortStableFunc(out, order)
	for i := range in {
		if i > 0 && in[i].Total == in[i-1].Total {
			in[i].Rank = in[i-1].Rank
		} else {
			in[i].Rank = i + 1
		}
	}
	bounds := Bounds(len(in), ratios)
	for i := range in {
		in[i].Grade = GradeAt(in[i].Rank, bounds, ratios)
	}
	return append(in, out...)
}

// Bounds are the cumulative counts where each grade ends among n ranked targets: with 352 and
// n = 10, [3, 8, 10]. Each boundary is rounded half up from its cumulative percentage, so the
// shares always cover everyone.
func Bounds(n int, ratios []Ratio) []int {
	out := make([]int, len(ratios))
	cum := 0
	for i, r := range ratios {
		cum += r.Percent
		out[i] = (n*cum + 50) / 100
	}
	if len(out) > 0 {
		out[len(out)-1] = n
	}
	return out
}

// GradeAt grades a target by its rank. Ties at a boundary: the grade goes by the rank the tied
// targets share, which is the place of the first of them, so targets with the same total always
// get the same grade, the better one; that grade then holds more than its share and the next
// grades fewer (never the other way round, which would punish a target for another's equal
// score).
func GradeAt(rank int, bounds []int, ratios []Ratio) Grade {
	for i, b := range bounds {
		if rank-1 < b {
			return ratios[i].Grade
		}
	}
	if len(ratios) == 0 {
		return ""
	}
	return ratios[len(ratios)-1].Grade
}
