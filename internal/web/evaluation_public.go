package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/errs"
	"wuxing/internal/evaluation"
	"wuxing/internal/org"
	"wuxing/internal/ratelimit"
	"wuxing/internal/storage"
	"wuxing/internal/xlsx"

	"github.com/xuri/excelize/v2"
)

// The residents' ballot: /b/{token} from the QR code, /b to type the short code. The page shows
// the round's name, the unit's name and the unit's targets with the form: nothing else. A used,
// voided or unknown ballot, or a round not taking ballots, gets a clear message instead.

// evalBallotData is the ballot page.
type evalBallotData struct {
	Cred    string // the token or code, as in the page's address
	B       *storage.PublicBallot
	Ratings []evaluation.Rating
}

// evalBallotCred is the ballot credential of the request: the path's token or code.
func evalBallotCred(r *http.Request) string { return strings.TrimSpace(r.PathValue("token")) }

// evalBallotMessage answers with the message of a ballot that cannot be used.
func (s *Server) evalBallotMessage(w http.ResponseWriter, r *http.Request, status int, key string) {
	s.render(w, r, status, "public_message", &Page{Title: "evaluation.ballot.title",
		Data: publicMessageData{Heading: "evaluation.ballot.title", Message: s.printer(r).T(key)}})
}

// evalStateKeys are the messages of ballots that cannot be used.
var evalStateKeys = map[storage.BallotState]string{
	storage.BallotUsed: "evaluation.ballot.used", storage.BallotVoid: "evaluation.ballot.void", storage.BallotClosed: "evaluation.ballot.closed",
}

func (s *Server) evalCodePage(lim *ratelimit.Limiter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// Refused when over the limit, without spending: the form alone reveals nothing.
		if !s.publicAllow(w, r, lim, false) {
			return
		}
		s.render(w, r, http.StatusOK, "evaluation_code", &Page{Title: "evaluation.ballot.title", Form: url.Values{}})
	}
}

func (s *Server) evalCodeSubmit(lim *ratelimit.Limiter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.publicAllow(w, r, lim, true) {
			return
		}
		code := evaluation.NormalizeCode(r.PostFormValue("code"))
		if _, err := s.db.PublicBallot(r.Context(), code); err != nil || len(code) != evaluation.CodeLen {
			if err == nil || errs.Code(err) == errs.ENOTFOUND {
				err = errs.Invalid(errs.Field("code", "evaluation.ballot.unknown"))
			}
			s.formFail(w, r, "evaluation_code", &Page{Title: "evaluation.ballot.title"}, err)
			return
		}
		http.Redirect(w, r, "/b/"+code, http.StatusSeeOther)
	}
}

func (s *Server) evalBallotPage(lim *ratelimit.Limiter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.publicAllow(w, r, lim, true) {
			return
		}
		s.evalBallotShow(w, r, nil)
	}
}

// evalBallotShow shows the ballot form, or why it cannot be used; err is a submission's error to
// show with the form.
func (s *Server) evalBallotShow(w http.ResponseWriter, r *http.Request, err error) {
	b, berr := s.db.PublicBallot(r.Context(), evalBallotCred(r))
	if berr != nil {
		if errs.Code(berr) == errs.ENOTFOUND {
			s.evalBallotMessage(w, r, http.StatusNotFound, "evaluation.ballot.unknown")
			return
		}
		s.fail(w, r, berr)
		return
	}
	if key, ok := evalStateKeys[b.State]; ok {
		status := http.StatusOK
		if err != nil {
			status = statusOf(err)
		}
		s.evalBallotMessage(w, r, status, key)
		return
	}
	p := &Page{Title: "evaluation.ballot.title", Data: &evalBallotData{Cred: evalBallotCred(r), B: b, Ratings: evaluation.Ratings}}
	if err != nil {
		s.formFail(w, r, "evaluation_ballot", p, err)
		return
	}
	p.Form = url.Values{}
	s.render(w, r, http.StatusOK, "evaluation_ballot", p)
}

// evalBallotFrom reads a ballot form: r_<target>_<dimension> = rating, comment_<target>. Every
// such field counts, so answers about targets not on this ballot are refused, not dropped.
func evalBallotFrom(v url.Values) (evaluation.Ballot, error) {
	var b evaluation.Ballot
	for k, vs := range v {
		switch {
		case strings.HasPrefix(k, "r_"):
			id, dim, ok := strings.Cut(strings.TrimPrefix(k, "r_"), "_")
			n, err := strconv.ParseInt(id, 10, 64)
			if !ok || err != nil || len(vs) != 1 {
				return b, errs.Invalid(errs.Field(k, "evaluation.error.ballot_target"))
			}
			if vs[0] == "" {
				continue
			}
			b.Answers = append(b.Answers, evaluation.Answer{TargetID: n, Dimension: dim, Rating: evaluation.Rating(vs[0])})
		case strings.HasPrefix(k, "comment_"):
			n, err := strconv.ParseInt(strings.TrimPrefix(k, "comment_"), 10, 64)
			if err != nil || len(vs) != 1 {
				return b, errs.Invalid(errs.Field(k, "evaluation.error.ballot_target"))
			}
			if strings.TrimSpace(vs[0]) == "" {
				continue
			}
			if b.Comments == nil {
				b.Comments = map[int64]string{}
			}
			b.Comments[n] = vs[0]
		}
	}
	return b, nil
}

func (s *Server) evalBallotSubmit(lim *ratelimit.Limiter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.publicAllow(w, r, lim, true) {
			return
		}
		b, err := evalBallotFrom(r.PostForm)
		if err == nil {
			err = s.db.SubmitBallot(r.Context(), evalBallotCred(r), b)
		}
		switch {
		case err == nil:
			s.evalBallotMessage(w, r, http.StatusOK, "evaluation.ballot.thanks")
		case errs.Code(err) == errs.ENOTFOUND:
			s.evalBallotMessage(w, r, http.StatusNotFound, "evaluation.ballot.unknown")
		default:
			s.evalBallotShow(w, r, err)
		}
	}
}

// apiEvalBallotView is a ballot as the public API shows it.
type apiEvalBallotView struct {
	State      storage.BallotState    `json:"state"`
	Round      string                 `json:"round"`
	Unit       string                 `json:"unit"`
	Dimensions []string               `json:"dimensions"`
	Ratings    []evaluation.Rating    `json:"ratings"`
	Targets    []storage.PublicTarget `json:"targets"`
}

func (s *Server) apiEvalBallot(lim *ratelimit.Limiter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.publicAllow(w, r, lim, true) {
			return
		}
		b, err := s.db.PublicBallot(r.Context(), evalBallotCred(r))
		if err != nil {
			s.publicFail(w, r, err, "evaluation.ballot.unknown")
			return
		}
		writeJSON(w, http.StatusOK, apiEvalBallotView{State: b.State, Round: b.RoundName, Unit: b.UnitName, Dimensions: b.Dimensions,
			Ratings: evaluation.Ratings, Targets: b.Targets})
	}
}

// apiEvalBallotInput is a ballot as the API takes it.
type apiEvalBallotInput struct {
	Answers []struct {
		TargetID  int64             `json:"target_id"`
		Dimension string            `json:"dimension"`
		Rating    evaluation.Rating `json:"rating"`
	} `json:"answers"`
	Comments map[string]string `json:"comments"` // target id → comment
}

func (s *Server) apiEvalBallotSubmit(lim *ratelimit.Limiter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.publicAllow(w, r, lim, true) {
			return
		}
		var in apiEvalBallotInput
		if err := decodeJSON(r, &in); err != nil {
			s.fail(w, r, err)
			return
		}
		var b evaluation.Ballot
		for _, a := range in.Answers {
			b.Answers = append(b.Answers, evaluation.Answer{TargetID: a.TargetID, Dimension: a.Dimension, Rating: a.Rating})
		}
		for k, c := range in.Comments {
			n, err := strconv.ParseInt(k, 10, 64)
			if err != nil {
				s.fail(w, r, errs.Invalid(errs.Field("comments", "evaluation.error.ballot_target")))
				return
			}
			if b.Comments == nil {
				b.Comments = map[int64]string{}
			}
			b.Comments[n] = c
		}
		if err := s.db.SubmitBallot(r.Context(), evalBallotCred(r), b); err != nil {
			s.publicFail(w, r, err, "evaluation.ballot.unknown")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"counted": true})
	}
}

// evalPublicListData is the published satisfaction list of a unit.
type evalPublicListData struct {
	L *storage.PublicSatisfaction
}

func (s *Server) evalPublicList(lim *ratelimit.Limiter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { s.evalPublicListPage(w, r, lim) }
}

func (s *Server) evalPublicListPage(w http.ResponseWriter, r *http.Request, lim *ratelimit.Limiter) {
	if !s.publicAllow(w, r, lim, true) {
		return
	}
	id, err := pathID(r, "round")
	if err != nil {
		s.publicFail(w, r, err, "evaluation.public.notfound")
		return
	}
	l, err := s.db.PublicSatisfactionList(r.Context(), r.PathValue("unitcode"), id)
	if err != nil {
		s.publicFail(w, r, err, "evaluation.public.notfound")
		return
	}
	s.render(w, r, http.StatusOK, "evaluation_public", &Page{Title: "evaluation.public.title", Data: &evalPublicListData{L: l}})
}

// evalPublicIndexData is a unit's published satisfaction lists: the closed rounds that rated
// members or teams of the unit, newest first.
type evalPublicIndexData struct {
	UnitName string
	UnitCode string
	Rounds   []evaluation.Round
}

// evalPublicIndex is GET /s/{unitcode}: the unit's published satisfaction lists, each linking to
// /s/{unitcode}/{round}. Round names and periods only: the names and rates are on the lists.
func (s *Server) evalPublicIndex(lim *ratelimit.Limiter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.publicAllow(w, r, lim, true) {
			return
		}
		u, err := s.publicUnit(r, false)
		if err != nil {
			s.publicFail(w, r, err, "public.notfound.unit")
			return
		}
		rs, err := s.db.PublicSatisfactionRounds(r.Context(), u)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d := &evalPublicIndexData{UnitName: u.Name, UnitCode: u.Code}
		for _, x := range rs {
			// The list of a round is published for the units inside the round's unit only.
			if org.Within(u.Path, x.UnitPath) {
				d.Rounds = append(d.Rounds, x)
			}
		}
		s.render(w, r, http.StatusOK, "evaluation_public_index", &Page{Title: "evaluation.public.index", Data: d})
	}
}

// evalPublicXLSX is GET /s/{unitcode}/{round}/list.xlsx: the published list as a spreadsheet,
// with exactly the page's columns (target, kind, ballots, rate), under the same rate limit.
func (s *Server) evalPublicXLSX(lim *ratelimit.Limiter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.publicAllow(w, r, lim, true) {
			return
		}
		id, err := pathID(r, "round")
		if err != nil {
			s.publicFail(w, r, err, "evaluation.public.notfound")
			return
		}
		l, err := s.db.PublicSatisfactionList(r.Context(), r.PathValue("unitcode"), id)
		if err != nil {
			s.publicFail(w, r, err, "evaluation.public.notfound")
			return
		}
		pr := s.printer(r)
		f := excelize.NewFile()
		defer f.Close()
		sheet := pr.T("evaluation.xlsx.sheet")
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			s.fail(w, r, err)
			return
		}
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		rows := [][]any{{xlsx.Escape(l.Unit.Name + " · " + l.Round.Name + " · " + l.Round.PeriodLabel)},
			{pr.T("evaluation.col.target"), pr.T("evaluation.col.kind"), pr.T("evaluation.col.ballots"), pr.T("evaluation.col.rate")}}
		for _, x := range l.Results {
			rows = append(rows, []any{xlsx.Escape(x.Target.Name), pr.T("evaluation.kind." + string(x.Target.Kind)), x.Ballots,
				evalRateText(pr, x.Result.Counted(), x.Rate)})
		}
		rows = append(rows, []any{pr.T("evaluation.formula", l.Round.BasicWeight)})
		for i, vals := range rows {
			ref, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := sw.SetRow(ref, vals); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if err := sw.Flush(); err != nil {
			s.fail(w, r, err)
			return
		}
		name := fmt.Sprintf("%s_%s_%s.xlsx", pr.T("evaluation.xlsx.sheet"), l.Unit.Name, l.Round.PeriodLabel)
		dataDownloadHeaders(w, fmt.Sprintf("satisfaction-%s-%d.xlsx", l.Unit.Code, l.Round.ID), name)
		f.WriteTo(w)
	}
}
