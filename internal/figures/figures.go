// Package figures computes the figures units are judged by (DOMAIN.md, "Appeals and problems"):
// response, resolution, on-time, satisfaction and rework rates from counts of cases, a composite
// score with configurable weights, and the ranking of villages and communities on it (赛马).
// Every rate has an explicit definition (which counts over which) that the pages show next to
// the figure. No I/O.
package figures

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"wuxing/internal/errs"
)

// Count names one count the figures are computed from. Each is a set of cases (received in the
// period, as they stand now), so every number on a figures page can be listed case by case.
type Count string

// The counts.
const (
	Received       Count = "received"        // every case received in the period
	Taken          Count = "taken"           // received and not rejected (不予受理)
	Responded      Count = "responded"       // accepted or rejected by the acceptance deadline
	Resolved       Count = "resolved"        // resolved and not reopened: resolved, checked, rated or closed
	OnTime         Count = "on_time"         // resolved, no later than its deadline
	Delivered      Count = "delivered"       // resolved at least once (including those sent back since)
	Rated          Count = "rated"           // rated by the resident (latest rating)
	Satisfied      Count = "satisfied"       // rated 满意
	BasicSatisfied Count = "basic_satisfied" // rated 基本满意
	Dissatisfied   Count = "dissatisfied"    // rated 不满意
	Reworked       Count = "reworked"        // sent back at least once: a failed look-back or a reopening
)

// CountNames lists every count in the order pages show them.
var CountNames = []Count{Received, Taken, Responded, Resolved, OnTime, Delivered, Rated, Satisfied, BasicSatisfied, Dissatisfied, Reworked}

// Valid reports whether c is a known count.
func (c Count) Valid() bool { return slices.Contains(CountNames, c) }

// Counts are one unit's counts over a period.
type Counts struct {
	Received, Taken, Responded, Resolved, OnTime, Delivered  int
	Rated, Satisfied, BasicSatisfied, Dissatisfied, Reworked int
}

// Get returns the count named n (0 for an unknown name).
func (c Counts) Get(n Count) int {
	switch n {
	case Received:
		return c.Received
	case Taken:
		return c.Taken
	case Responded:
		return c.Responded
	case Resolved:
		return c.Resolved
	case OnTime:
		return c.OnTime
	case Delivered:
		return c.Delivered
	case Rated:
		return c.Rated
	case Satisfied:
		return c.Satisfied
	case BasicSatisfied:
		return c.BasicSatisfied
	case Dissatisfied:
		return c.Dissatisfied
	case Reworked:
		return c.Reworked
	}
	return 0
}

// Set sets the count named n (an unknown name changes nothing).
func (c *Counts) Set(n Count, v int) {
	switch n {
	case Received:
		c.Received = v
	case Taken:
		c.Taken = v
	case Responded:
		c.Responded = v
	case Resolved:
		c.Resolved = v
	case OnTime:
		c.OnTime = v
	case Delivered:
		c.Delivered = v
	case Rated:
		c.Rated = v
	case Satisfied:
		c.Satisfied = v
	case BasicSatisfied:
		c.BasicSatisfied = v
	case Dissatisfied:
		c.Dissatisfied = v
	case Reworked:
		c.Reworked = v
	}
}

// Add returns the sum of two units' counts.
func (c Counts) Add(o Counts) Counts {
	return Counts{
		Received: c.Received + o.Received, Taken: c.Taken + o.Taken, Responded: c.Responded + o.Responded,
		Resolved: c.Resolved + o.Resolved, OnTime: c.OnTime + o.OnTime, Delivered: c.Delivered + o.Delivered,
		Rated: c.Rated + o.Rated, Satisfied: c.Satisfied + o.Satisfied, BasicSatisfied: c.BasicSatisfied + o.BasicSatisfied,
		Dissatisfied: c.Dissatisfied + o.Dissatisfied, Reworked: c.Reworked + o.Reworked,
	}
}

// Rate names one of the five rates.
type Rate string

// The rates.
const (
	Response     Rate = "response"     // 响应率
	Resolution   Rate = "resolution"   // 解决率
	OnTimeRate   Rate = "on_time"      // 按时办结率
	Satisfaction Rate = "satisfaction" // 满意率
	Rework       Rate = "rework"       // 返工率 (lower is better)
)

// Rates lists the rates in the order pages show them.
var Rates = []Rate{Response, Resolution, OnTimeRate, Satisfaction, Rework}

// Definition says what a rate counts: the numerator's counts and the denominator.
type Definition struct {
	Rate        Rate
	Numerator   []Count // summed; Satisfaction weighs BasicSatisfied by Settings.BasicWeight
	Denominator Count
	// LowerIsBetter marks the rework rate: the composite takes 100% minus it.
	LowerIsBetter bool
}

// Definitions are the rates' definitions, in Rates order.
var Definitions = []Definition{
	{Rate: Response, Numerator: []Count{Responded}, Denominator: Received},
	{Rate: Resolution, Numerator: []Count{Resolved}, Denominator: Taken},
	{Rate: OnTimeRate, Numerator: []Count{OnTime}, Denominator: Resolved},
	{Rate: Satisfaction, Numerator: []Count{Satisfied, BasicSatisfied}, Denominator: Rated},
	{Rate: Rework, Numerator: []Count{Reworked}, Denominator: Delivered, LowerIsBetter: true},
}

// DefinitionOf returns the definition of r.
func DefinitionOf(r Rate) Definition {
	for _, d := range Definitions {
		if d.Rate == r {
			return d
		}
	}
	return Definition{}
}

// Settings are the configurable parts of the definitions: the composite's weights (whole
// percentages that sum to 100), how much a "basically satisfied" rating counts, and how many
// cases a unit needs to be ranked.
type Settings struct {
	Response, Resolution, OnTime, Satisfaction, Rework int // weights in %, summing to 100
	// BasicWeight is how much one "basically satisfied" counts of a "satisfied", in %.
	BasicWeight int
	// MinCases is how many cases a unit must have received in the period to be ranked.
	MinCases int
}

// Default are the settings in force where none are configured: the weights one county uses
// (response 30%, resolution 35%, satisfaction 35%); a "basically satisfied" counts as satisfied
// (weight 1), as the 12345 hotlines' satisfaction rate (满意 + 基本满意) does; five cases to be ranked.
func Default() Settings {
	return Settings{Response: 30, Resolution: 35, OnTime: 0, Satisfaction: 35, Rework: 0, BasicWeight: 100, MinCases: 5}
}

// MaxMinCases bounds the minimum number of cases.
const MaxMinCases = 10000

// Weight returns the weight of rate r, in %.
func (s Settings) Weight(r Rate) int {
	switch r {
	case Response:
		return s.Response
	case Resolution:
		return s.Resolution
	case OnTimeRate:
		return s.OnTime
	case Satisfaction:
		return s.Satisfaction
	case Rework:
		return s.Rework
	}
	return 0
}

// WeightSum is the sum of the weights.
func (s Settings) WeightSum() int {
	n := 0
	for _, r := range Rates {
		n += s.Weight(r)
	}
	return n
}

// WeightField is the form field that carries the weight of r.
func WeightField(r Rate) string { return "w_" + string(r) }

// Validate checks settings: each weight 0–100 and all summing to exactly 100, the basic weight
// 0–100, the minimum 0–MaxMinCases. A set that breaks any of these changes nothing.
func (s Settings) Validate() error {
	var fe []errs.FieldError
	rangeOK := true
	for _, r := range Rates {
		if w := s.Weight(r); w < 0 || w > 100 {
			fe = append(fe, errs.Field(WeightField(r), "figures.weight.range"))
			rangeOK = false
		}
	}
	if sum := s.WeightSum(); rangeOK && sum != 100 {
		fe = append(fe, errs.Field("weights", "figures.weights.sum", sum))
	}
	if s.BasicWeight < 0 || s.BasicWeight > 100 {
		fe = append(fe, errs.Field("basic_weight", "figures.basic_weight.range"))
	}
	if s.MinCases < 0 || s.MinCases > MaxMinCases {
		fe = append(fe, errs.Field("min_cases", "figures.min_cases.range", MaxMinCases))
	}
	return errs.FieldsOf(fe)
}

// BasicWeightText is the basic weight as a decimal factor: 100 → "1", 80 → "0.8".
func (s Settings) BasicWeightText() string {
	return strconv.FormatFloat(float64(s.BasicWeight)/100, 'f', -1, 64)
}

// Value is one rate of one unit.
type Value struct {
	Rate    Rate
	Num     float64 // the numerator (weighted, for satisfaction)
	Den     int     // the denominator
	Defined bool    // there was something to count (Den > 0)
	Pct     float64 // 100·Num/Den; 0 when not defined
}

// Text is the rate as shown: one decimal and a per-cent sign, or a dash when not defined.
func (v Value) Text() string {
	if !v.Defined {
		return "—"
	}
	return strconv.FormatFloat(v.Pct, 'f', 1, 64) + "%"
}

// RateOf computes rate r from counts c under settings s.
func RateOf(r Rate, c Counts, s Settings) Value {
	d := DefinitionOf(r)
	v := Value{Rate: r, Den: c.Get(d.Denominator)}
	for _, n := range d.Numerator {
		x := float64(c.Get(n))
		if n == BasicSatisfied {
			x = x * float64(s.BasicWeight) / 100
		}
		v.Num += x
	}
	if v.Den > 0 {
		v.Defined = true
		v.Pct = 100 * v.Num / float64(v.Den)
	}
	return v
}

// Figures are one unit's rates and composite.
type Figures struct {
	Counts Counts
	Values []Value // in Rates order
	// Composite is the weighted mean of the defined rates (the rework rate as 100% minus it),
	// in %; rates with nothing to count are left out and the other weights scaled up.
	Composite    float64
	HasComposite bool // some weighted rate was defined
	FewCases     bool // fewer cases than the minimum: shown, not ranked
}

// Value returns the value of rate r.
func (f Figures) Value(r Rate) Value {
	for _, v := range f.Values {
		if v.Rate == r {
			return v
		}
	}
	return Value{Rate: r}
}

// Score is the composite rounded to two decimals: what is shown and what ties are judged on.
func (f Figures) Score() float64 { return math.Round(f.Composite*100) / 100 }

// ScoreText is the score as shown, or a dash when there is none.
func (f Figures) ScoreText() string {
	if !f.HasComposite {
		return "—"
	}
	return strconv.FormatFloat(f.Score(), 'f', 2, 64)
}

// Ranked reports whether the unit takes part in the ranking.
func (f Figures) Ranked() bool { return f.HasComposite && !f.FewCases }

// Compute computes the figures of counts c under settings s.
func Compute(c Counts, s Settings) Figures {
	f := Figures{Counts: c, FewCases: c.Received < s.MinCases}
	var sum, weights float64
	for _, r := range Rates {
		v := RateOf(r, c, s)
		f.Values = append(f.Values, v)
		w := float64(s.Weight(r))
		if w == 0 || !v.Defined {
			continue
		}
		p := v.Pct
		if DefinitionOf(r).LowerIsBetter {
			p = 100 - p
		}
		sum += w * p
		weights += w
	}
	if weights > 0 {
		f.Composite, f.HasComposite = sum/weights, true
	}
	return f
}

// Entry is one unit's counts, to be ranked.
type Entry struct {
	ID     int64
	Name   string
	Counts Counts
}

// Standing is a unit's place in a ranking.
type Standing struct {
	Entry
	Figures
	// Rank is 1 for the best; equal scores share a rank and the next rank skips (1, 2, 2, 4).
	// 0 means not ranked: too few cases, or nothing to score.
	Rank int
}

// Rank computes every entry's figures and ranks them on the composite: the ranked units first,
// best first, then those not ranked (too few cases or no score), by name.
func Rank(entries []Entry, s Settings) []Standing {
	out := make([]Standing, len(entries))
	for i, e := range entries {
		out[i] = Standing{Entry: e, Figures: Compute(e.Counts, s)}
	}
	slices.SortStableFunc(out, func(a, b Standing) int {
		if a.Ranked() != b.Ranked() {
			if a.Ranked() {
				return -1
			}
			return 1
		}
		if a.Ranked() {
			if c := cmp.Compare(b.Score(), a.Score()); c != 0 {
				return c
			}
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for i := range out {
		switch {
		case !out[i].Ranked():
			out[i].Rank = 0
		case i > 0 && out[i-1].Ranked() && out[i-1].Score() == out[i].Score():
			out[i].Rank = out[i-1].Rank
		default:
			out[i].Rank = i + 1
		}
	}
	return out
}

// Total sums the entries' counts.
func Total(entries []Entry) Counts {
	var c Counts
	for _, e := range entries {
		c = c.Add(e.Counts)
	}
	return c
}
