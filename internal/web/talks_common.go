package web

import (
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/errs"
	"wuxing/internal/storage"
	"wuxing/internal/talks"
)

// talkRoundView is one round of a target's history as the pages and the API show it.
type talkRoundView struct {
	RoundID int64  `json:"round_id"`
	Round   string `json:"round"`
	Unit    string `json:"unit"`
	State   string `json:"state"`          // rated, too_few
	Rate    string `json:"rate,omitempty"` // "78.5%", when rated
	Ballots int    `json:"ballots"`
	Under   bool   `json:"under"`
}

// talkRate is a rate for display, one decimal.
func talkRate(r talks.Result) string {
	if r.State != talks.Rated {
		return ""
	}
	return strconv.FormatFloat(r.Rate.Percent(), 'f', 1, 64) + "%"
}

func talkRoundsView(rs []talks.Result, rule talks.Rule) []talkRoundView {
	out := make([]talkRoundView, 0, len(rs))
	for _, r := range rs {
		out = append(out, talkRoundView{RoundID: r.RoundID, Round: r.Round, Unit: r.UnitName, State: string(r.State), Rate: talkRate(r),
			Ballots: r.Ballots, Under: r.Under(rule)})
	}
	return out
}

// talkDueView is a target on the talk list, with its history ready to show.
type talkDueView struct {
	storage.TalkDue
	Rounds  []talkRoundView // the rounds that make the talk due
	History []talkRoundView
}

func talkDueViews(ds []storage.TalkDue) []talkDueView {
	out := make([]talkDueView, len(ds))
	for i, d := range ds {
		out[i] = talkDueView{TalkDue: d, Rounds: talkRoundsView(d.Verdict.Rounds, d.Rule), History: talkRoundsView(d.History, d.Rule)}
	}
	return out
}

// talkTargetPath is the page of a target's history and the form to record its talk.
func talkTargetPath(k talks.TargetKind, id int64) string {
	return "/evaluation/talks/" + string(k) + "/" + strconv.FormatInt(id, 10)
}

// talkYear reads ?year= (the current year when empty); a malformed or implausible one is an error.
func (s *Server) talkYear(v url.Values) (int, error) {
	y := strings.TrimSpace(v.Get("year"))
	if y == "" {
		return talks.YearOf(s.clock.Now()), nil
	}
	n, err := strconv.Atoi(y)
	if err != nil || n < 2000 || n > 2100 {
		return 0, errs.Invalid(errs.Field("year", "talks.error.year"))
	}
	return n, nil
}

// talkIntField reads an integer form field; empty gives def.
func talkIntField(v url.Values, name string, def int, fe *[]errs.FieldError) int {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		*fe = append(*fe, errs.Field(name, "validation.number"))
		return def
	}
	return n
}

// talkShare parses a share written in percent with up to two decimals ("33.33") into basis
// points.
func talkShare(v url.Values, name string, fe *[]errs.FieldError) int {
	s := strings.TrimSpace(v.Get(name))
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 || f > 100 {
		*fe = append(*fe, errs.Field(name, "talks.error.share"))
		return 0
	}
	return int(f*100 + 0.5)
}

// talkShareText is a share in basis points as percent with two decimals.
func talkShareText(bp int) string { return strconv.FormatFloat(float64(bp)/100, 'f', 2, 64) }
