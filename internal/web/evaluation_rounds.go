package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wuxing/internal/errs"
	"wuxing/internal/evaluation"
	"wuxing/internal/storage"
)

// evalZone is the zone rounds' opening and closing times are entered and shown in: China time.
var evalZone = time.FixedZone("CST", 8*3600)

const evalTimeLayout = "2006-01-02T15:04"

// evalListPage is the rounds list.
type evalListPage struct {
	Rounds []evaluation.Round
	Pager  Pager
	CanRun bool
}

func (s *Server) evalList(w http.ResponseWriter, r *http.Request) {
	pg := pagerFrom(r)
	rs, total, err := s.db.EvalRounds(r.Context(), actor(r), storage.EvalRoundFilter{Limit: pg.Per, Offset: pg.Offset()})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg.Total = total
	towns, err := s.db.EvalTowns(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "evaluation_list", &Page{Title: "evaluation.title", Data: &evalListPage{Rounds: rs, Pager: pg, CanRun: len(towns) > 0}})
}

// evalFormPage is the round form (new or edit).
type evalFormPage struct {
	Round       *evaluation.Round // nil when new
	Towns       []pplChoice
	PeriodKinds []pplChoice
	Dimensions  []evalDimChoice
}

type evalDimChoice struct {
	Key     string
	Checked bool
}

func (s *Server) evalFormData(r *http.Request, rd *evaluation.Round, v url.Values) (*evalFormPage, error) {
	d := &evalFormPage{Round: rd}
	if rd == nil {
		towns, err := s.db.EvalTowns(r.Context(), actor(r))
		if err != nil {
			return nil, err
		}
		if len(towns) == 0 {
			return nil, errs.Forbidden()
		}
		for _, u := range towns {
			id := strconv.FormatInt(u.ID, 10)
			d.Towns = append(d.Towns, pplChoice{Value: id, Text: u.Name, Selected: v.Get("unit_id") == id})
		}
	}
	for _, k := range evaluation.PeriodKinds {
		d.PeriodKinds = append(d.PeriodKinds, pplChoice{Value: string(k), Key: "evaluation.period." + string(k), Selected: v.Get("period_kind") == string(k)})
	}
	dims := map[string]bool{}
	for _, x := range v["dimensions"] {
		dims[x] = true
	}
	for _, k := range evaluation.Dimensions {
		d.Dimensions = append(d.Dimensions, evalDimChoice{Key: k, Checked: dims[k]})
	}
	return d, nil
}

// evalRoundValues are a round's settings as the form shows them.
func evalRoundValues(rd *evaluation.Round) url.Values {
	v := url.Values{"name": {rd.Name}, "period_kind": {string(rd.PeriodKind)}, "period_label": {rd.PeriodLabel},
		"basic_weight": {strconv.Itoa(rd.BasicWeight)}, "min_ballots": {strconv.Itoa(rd.MinBallots)}, "notes": {rd.Notes},
		"dimensions": rd.Dimensions, "version": {strconv.FormatInt(rd.Version, 10)}, "unit_id": {strconv.FormatInt(rd.UnitID, 10)}}
	if rd.OpensAt != nil {
		v.Set("opens_at", rd.OpensAt.In(evalZone).Format(evalTimeLayout))
	}
	if rd.ClosesAt != nil {
		v.Set("closes_at", rd.ClosesAt.In(evalZone).Format(evalTimeLayout))
	}
	return v
}

// evalRoundFrom reads the round form.
func evalRoundFrom(v url.Values) (*evaluation.Round, []errs.FieldError) {
	var fe []errs.FieldError
	rd := &evaluation.Round{Name: v.Get("name"), PeriodKind: evaluation.PeriodKind(strings.TrimSpace(v.Get("period_kind"))),
		PeriodLabel: strings.ToUpper(strings.TrimSpace(v.Get("period_label"))), Notes: v.Get("notes"), Dimensions: v["dimensions"]}
	rd.UnitID = pplID(v, "unit_id", &fe)
	num := func(name string, def int) int {
		s := strings.TrimSpace(v.Get(name))
		if s == "" {
			return def
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			fe = append(fe, errs.Field(name, "validation.number"))
		}
		return n
	}
	rd.BasicWeight = num("basic_weight", evaluation.DefaultBasicWeight)
	rd.MinBallots = num("min_ballots", evaluation.DefaultMinBallots)
	tm := func(name string) *time.Time {
		s := strings.TrimSpace(v.Get(name))
		if s == "" {
			return nil
		}
		t, err := time.ParseInLocation(evalTimeLayout, s, evalZone)
		if err != nil {
			fe = append(fe, errs.Field(name, "evaluation.error.time"))
			return nil
		}
		return &t
	}
	rd.OpensAt, rd.ClosesAt = tm("opens_at"), tm("closes_at")
	return rd, fe
}

func (s *Server) evalNew(w http.ResponseWriter, r *http.Request) {
	v := url.Values{"period_kind": {string(evaluation.HalfYear)}, "period_label": {evaluation.PeriodLabel(evaluation.HalfYear, s.clock.Now().In(evalZone))},
		"basic_weight": {strconv.Itoa(evaluation.DefaultBasicWeight)}, "min_ballots": {strconv.Itoa(evaluation.DefaultMinBallots)},
		"dimensions": evaluation.DefaultDimensions}
	d, err := s.evalFormData(r, nil, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "evaluation_form", &Page{Title: "evaluation.new", Data: d, Form: v})
}

func (s *Server) evalCreate(w http.ResponseWriter, r *http.Request) {
	v := r.PostForm
	rd, fe := evalRoundFrom(v)
	err := errs.FieldsOf(fe)
	if err == nil {
		err = s.db.CreateEvalRound(r.Context(), actor(r), rd)
	}
	if err != nil {
		d, derr := s.evalFormData(r, nil, v)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formFail(w, r, "evaluation_form", &Page{Title: "evaluation.new", Data: d}, err)
		return
	}
	redirectFlash(w, r, "/evaluation/rounds/"+strconv.FormatInt(rd.ID, 10), "flash.evaluation.created")
}

func (s *Server) evalEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rd, acc, err := s.db.EvalRound(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !acc.Run {
		s.fail(w, r, errs.Forbidden())
		return
	}
	v := evalRoundValues(rd)
	d, err := s.evalFormData(r, rd, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "evaluation_form", &Page{Title: "evaluation.edit", Data: d, Form: v})
}

func (s *Server) evalUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	in, fe := evalRoundFrom(v)
	err = errs.FieldsOf(fe)
	if err == nil {
		_, err = s.db.UpdateEvalRound(r.Context(), actor(r), id, storage.EvalRoundUpdate{Name: in.Name, PeriodKind: in.PeriodKind,
			PeriodLabel: in.PeriodLabel, OpensAt: in.OpensAt, ClosesAt: in.ClosesAt, Dimensions: in.Dimensions, BasicWeight: in.BasicWeight,
			MinBallots: in.MinBallots, Notes: in.Notes, Version: pplVersion(v.Get("version"))})
	}
	if err != nil {
		rd, _, rerr := s.db.EvalRound(r.Context(), actor(r), id)
		if rerr != nil {
			s.fail(w, r, rerr)
			return
		}
		d, derr := s.evalFormData(r, rd, v)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formFail(w, r, "evaluation_form", &Page{Title: "evaluation.edit", Data: d}, err)
		return
	}
	redirectFlash(w, r, "/evaluation/rounds/"+strconv.FormatInt(id, 10), "flash.evaluation.saved")
}

// evalShowPage is a round's page: its settings, targets, ballots, tallies and the forms.
type evalShowPage struct {
	R         *evaluation.Round
	Access    storage.EvalAccess
	Targets   []storage.EvalTarget
	Units     []evalUnitRow
	Batches   []storage.BallotBatch
	Tallies   []storage.EvalTally
	Accepting bool
	Failed    string
	Issue     url.Values // the ballot form's values
}

// evalUnitRow is a unit with targets in the round: how many, and its tally.
type evalUnitRow struct {
	ID       int64
	Name     string
	Targets  int
	Tally    *storage.EvalTally
	CanTally bool
}

func (s *Server) evalShowData(r *http.Request, id int64) (*evalShowPage, error) {
	ctx, a := r.Context(), actor(r)
	rd, acc, err := s.db.EvalRound(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := &evalShowPage{R: rd, Access: acc, Accepting: rd.Accepting(s.clock.Now()), Issue: url.Values{"count": {"50"}}}
	if d.Targets, err = s.db.EvalTargets(ctx, a, id); err != nil {
		return nil, err
	}
	if d.Batches, err = s.db.EvalBatches(ctx, a, id); err != nil {
		return nil, err
	}
	if d.Tallies, err = s.db.EvalTallies(ctx, a, id); err != nil {
		return nil, err
	}
	// The units ballots and tallies go to: the branch (village or community) of each target.
	idx := map[int64]int{}
	for _, x := range d.Targets {
		uid, name := evalBranchOf(x)
		i, ok := idx[uid]
		if !ok {
			i = len(d.Units)
			idx[uid] = i
			d.Units = append(d.Units, evalUnitRow{ID: uid, Name: name})
		}
		d.Units[i].Targets++
	}
	for i := range d.Tallies {
		if j, ok := idx[d.Tallies[i].UnitID]; ok {
			d.Units[j].Tally = &d.Tallies[i]
		}
	}
	p := principal(r)
	for i := range d.Units {
		d.Units[i].CanTally = rd.Status == evaluation.Open && evalCanTally(p, d.Targets, d.Units[i].ID)
	}
	return d, nil
}

func (s *Server) evalShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.evalShowData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "evaluation_show", &Page{Title: "evaluation.round", Data: d})
}

// evalMove opens or closes a round.
func (s *Server) evalMove(w http.ResponseWriter, r *http.Request, open bool) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	version := pplVersion(r.PostFormValue("version"))
	flash := "flash.evaluation.opened"
	if open {
		_, err = s.db.OpenEvalRound(r.Context(), actor(r), id, version)
	} else {
		_, err = s.db.CloseEvalRound(r.Context(), actor(r), id, version)
		flash = "flash.evaluation.closed"
	}
	if err != nil {
		s.evalShowFail(w, r, id, "status", err)
		return
	}
	redirectFlash(w, r, "/evaluation/rounds/"+strconv.FormatInt(id, 10), flash)
}

func (s *Server) evalOpen(w http.ResponseWriter, r *http.Request)  { s.evalMove(w, r, true) }
func (s *Server) evalClose(w http.ResponseWriter, r *http.Request) { s.evalMove(w, r, false) }

// evalShowFail shows the round page again with the error of one of its forms.
func (s *Server) evalShowFail(w http.ResponseWriter, r *http.Request, id int64, form string, err error) {
	d, derr := s.evalShowData(r, id)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	d.Failed = form
	if form == "ballots" {
		d.Issue = r.PostForm
	}
	s.formFail(w, r, "evaluation_show", &Page{Title: "evaluation.round", Data: d}, err)
}

// evalPickerPage chooses targets among the members and teams of a unit.
type evalPickerPage struct {
	R          *evaluation.Round
	Units      []pplChoice
	Unit       int64
	Candidates []storage.EvalCandidate
}

func (s *Server) evalPicker(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, a := r.Context(), actor(r)
	rd, acc, err := s.db.EvalRound(ctx, a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !acc.Run {
		s.fail(w, r, errs.Forbidden())
		return
	}
	var fe []errs.FieldError
	d := &evalPickerPage{R: rd, Unit: pplID(r.URL.Query(), "unit", &fe)}
	if err := errs.FieldsOf(fe); err != nil {
		s.fail(w, r, err)
		return
	}
	us, _, err := s.db.Units(ctx, a, storage.UnitFilter{Under: rd.UnitID, Kinds: evalBranchKinds, Limit: 1000})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, u := range us {
		d.Units = append(d.Units, pplChoice{Value: strconv.FormatInt(u.ID, 10), Text: u.Name, Selected: u.ID == d.Unit})
	}
	if d.Unit != 0 {
		if d.Candidates, err = s.db.EvalCandidates(ctx, a, id, d.Unit); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "evaluation_targets", &Page{Title: "evaluation.targets.choose", Data: d})
}

func (s *Server) evalAddTargets(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var add []storage.NewEvalTarget
	for _, x := range r.PostForm["pick"] {
		kind, n, _ := strings.Cut(x, ":")
		v, perr := strconv.ParseInt(n, 10, 64)
		if perr != nil {
			s.fail(w, r, errs.Invalid(errs.Field("targets", "evaluation.error.target")))
			return
		}
		switch kind {
		case "m":
			add = append(add, storage.NewEvalTarget{Kind: evaluation.Member, PersonID: v})
		case "t":
			add = append(add, storage.NewEvalTarget{Kind: evaluation.Team, TeamID: v})
		default:
			s.fail(w, r, errs.Invalid(errs.Field("targets", "evaluation.error.target")))
			return
		}
	}
	if _, err := s.db.AddEvalTargets(r.Context(), actor(r), id, pplVersion(r.PostFormValue("version")), add); err != nil {
		s.evalShowFail(w, r, id, "targets", err)
		return
	}
	redirectFlash(w, r, "/evaluation/rounds/"+strconv.FormatInt(id, 10)+"#targets", "flash.evaluation.targets")
}

func (s *Server) evalRemoveTarget(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tid, err := pathID(r, "target")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.db.RemoveEvalTarget(r.Context(), actor(r), id, tid, pplVersion(r.PostFormValue("version"))); err != nil {
		s.evalShowFail(w, r, id, "targets", err)
		return
	}
	redirectFlash(w, r, "/evaluation/rounds/"+strconv.FormatInt(id, 10)+"#targets", "flash.evaluation.targets")
}
