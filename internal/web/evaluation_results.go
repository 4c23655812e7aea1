package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"wuxing/internal/errs"
	"wuxing/internal/evaluation"
	"wuxing/internal/locale"
	"wuxing/internal/org"
	"wuxing/internal/storage"
	"wuxing/internal/xlsx"
)

// evalResultsPage is a round's results over what the viewer sees (of one branch when chosen).
type evalResultsPage struct {
	R       *evaluation.Round
	Results []storage.EvalResult
	Units   []pplChoice
	Unit    *org.Unit // the chosen branch
	Public  string    // the published list's address, once the round is closed
}

func (s *Server) evalResultsData(r *http.Request) (*evalResultsPage, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var fe []errs.FieldError
	unit := pplID(r.URL.Query(), "unit", &fe)
	if err := errs.FieldsOf(fe); err != nil {
		return nil, err
	}
	ctx, a := r.Context(), actor(r)
	d := &evalResultsPage{}
	all, err := s.db.EvalTargets(ctx, a, id)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	for _, x := range all {
		if !seen[x.BranchID] {
			seen[x.BranchID] = true
			d.Units = append(d.Units, pplChoice{Value: strconv.FormatInt(x.BranchID, 10), Text: x.BranchName, Selected: x.BranchID == unit})
		}
	}
	if unit != 0 {
		if !seen[unit] {
			return nil, errs.NotFound()
		}
		if d.Unit, err = s.db.Unit(ctx, a, unit); err != nil {
			return nil, err
		}
	}
	if d.R, d.Results, err = s.db.EvalResults(ctx, a, id, unit); err != nil {
		return nil, err
	}
	if d.Unit != nil && d.R.Status == evaluation.Closed && publicReportable(d.Unit.Kind) {
		d.Public = fmt.Sprintf("/s/%s/%d", d.Unit.Code, d.R.ID)
	}
	return d, nil
}

func (s *Server) evalResults(w http.ResponseWriter, r *http.Request) {
	d, err := s.evalResultsData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "evaluation_results", &Page{Title: "evaluation.results.title", Data: d})
}

// evalResultsXLSX streams the satisfaction list (满意清单) as a workbook: one row per target,
// its ballots, overall rate and the rate and counts of each dimension.
func (s *Server) evalResultsXLSX(w http.ResponseWriter, r *http.Request) {
	d, err := s.evalResultsData(r)
	if err != nil {
		s.fail(w, r, err)
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
	head := []any{pr.T("evaluation.col.unit"), pr.T("evaluation.col.target"), pr.T("evaluation.col.kind"), pr.T("evaluation.col.ballots"),
		pr.T("evaluation.col.rate")}
	for _, dim := range d.R.Dimensions {
		head = append(head, pr.T(evalDimKey(dim)))
	}
	for _, rt := range evaluation.Ratings {
		head = append(head, pr.T(evalRatingKey(rt)))
	}
	row := 0
	put := func(vals []any) error {
		row++
		for i, v := range vals {
			if s, ok := v.(string); ok {
				vals[i] = xlsx.Escape(s)
			}
		}
		ref, _ := excelize.CoordinatesToCellName(1, row)
		return sw.SetRow(ref, vals)
	}
	if err := put(head); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, x := range d.Results {
		vals := []any{x.Target.BranchName, x.Target.Name, pr.T("evaluation.kind." + string(x.Target.Kind)), x.Ballots, evalRateText(pr, x.Result.Counted(), x.Rate)}
		for _, dr := range x.Dimensions {
			vals = append(vals, evalRateText(pr, x.Result.Counted(), dr.Rate))
		}
		for _, rt := range evaluation.Ratings {
			vals = append(vals, x.Overall.Of(rt))
		}
		if err := put(vals); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if err := sw.Flush(); err != nil {
		s.fail(w, r, err)
		return
	}
	name := pr.T("evaluation.xlsx.sheet") + "_" + d.R.PeriodLabel + ".xlsx"
	dataDownloadHeaders(w, "evaluation-"+strconv.FormatInt(d.R.ID, 10)+".xlsx", name)
	f.WriteTo(w)
}

// evalRateText is a rate as lists print it: "92.5%", or why there is none.
func evalRateText(pr *locale.Printer, counted bool, r evaluation.Rate) string {
	switch {
	case !r.Known():
		return "—"
	case !counted:
		return pr.T("evaluation.results.too_few")
	}
	return fmt.Sprintf("%.1f%%", r.Percent())
}

// evalTrendPage is a member's or team's rates across rounds, with the chart.
type evalTrendPage struct {
	Target *storage.EvalTarget
	Points []storage.EvalTrendPoint
	Chart  evalChart
}

// evalChart is a line chart of rates (0–100%) over rounds, drawn by the server as inline SVG.
type evalChart struct {
	Width, Height int
	Left, Top     int
	PlotW, PlotH  int
	Path          string
	Dots          []evalDot
	Ticks         []evalTick
	Line80Y       int
}

type evalDot struct {
	X, Y    int
	Label   string // the period
	Value   string
	Counted bool
}

type evalTick struct {
	Y     int
	Label string
}

func evalChartOf(pr *locale.Printer, ps []storage.EvalTrendPoint) evalChart {
	c := evalChart{Width: 340, Height: 200, Left: 36, Top: 10, PlotW: 290, PlotH: 150}
	y := func(pct float64) int { return c.Top + c.PlotH - int(pct*float64(c.PlotH)/100+0.5) }
	for _, t := range []int{0, 50, 80, 100} {
		c.Ticks = append(c.Ticks, evalTick{Y: y(float64(t)), Label: strconv.Itoa(t) + "%"})
	}
	c.Line80Y = y(80)
	n := len(ps)
	for i, p := range ps {
		x := c.Left + c.PlotW/2
		if n > 1 {
			x = c.Left + 10 + i*(c.PlotW-20)/(n-1)
		}
		d := evalDot{X: x, Y: y(p.Rate.Percent()), Label: p.Round.PeriodLabel, Value: evalRateText(pr, p.Counted(), p.Rate), Counted: p.Counted()}
		if !p.Rate.Known() {
			continue
		}
		if c.Path == "" {
			c.Path = fmt.Sprintf("M%d %d", d.X, d.Y)
		} else {
			c.Path += fmt.Sprintf(" L%d %d", d.X, d.Y)
		}
		c.Dots = append(c.Dots, d)
	}
	return c
}

func (s *Server) evalTrend(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "target")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	x, ps, err := s.db.EvalTrend(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "evaluation_trend", &Page{Title: "evaluation.trend.title", Data: &evalTrendPage{Target: x, Points: ps, Chart: evalChartOf(s.printer(r), ps)}})
}

// The API: rounds and results, as the pages show them.

type apiEvalRound struct {
	ID          int64                 `json:"id"`
	UnitID      int64                 `json:"unit_id"`
	UnitName    string                `json:"unit_name"`
	Name        string                `json:"name"`
	PeriodKind  evaluation.PeriodKind `json:"period_kind"`
	PeriodLabel string                `json:"period_label"`
	OpensAt     *time.Time            `json:"opens_at"`
	ClosesAt    *time.Time            `json:"closes_at"`
	Dimensions  []string              `json:"dimensions"`
	BasicWeight int                   `json:"basic_weight"`
	MinBallots  int                   `json:"min_ballots"`
	Status      evaluation.Status     `json:"status"`
	Version     int64                 `json:"version"`
}

func apiEvalRoundOf(rd *evaluation.Round) apiEvalRound {
	return apiEvalRound{ID: rd.ID, UnitID: rd.UnitID, UnitName: rd.UnitName, Name: rd.Name, PeriodKind: rd.PeriodKind, PeriodLabel: rd.PeriodLabel,
		OpensAt: rd.OpensAt, ClosesAt: rd.ClosesAt, Dimensions: rd.Dimensions, BasicWeight: rd.BasicWeight, MinBallots: rd.MinBallots,
		Status: rd.Status, Version: rd.Version}
}

func (s *Server) apiEvalRounds(w http.ResponseWriter, r *http.Request) {
	pg := pagerFrom(r)
	rs, total, err := s.db.EvalRounds(r.Context(), actor(r), storage.EvalRoundFilter{Limit: pg.Per, Offset: pg.Offset()})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items := make([]apiEvalRound, len(rs))
	for i := range rs {
		items[i] = apiEvalRoundOf(&rs[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": total, "page": pg.Page})
}

func (s *Server) apiEvalRound(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rd, _, err := s.db.EvalRound(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	xs, err := s.db.EvalTargets(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"round": apiEvalRoundOf(rd), "targets": xs})
}

type apiEvalResult struct {
	Target     storage.EvalTarget `json:"target"`
	Ballots    int                `json:"ballots"`
	Enough     bool               `json:"enough"`
	Rate       *float64           `json:"rate"` // percent; null without a rate that counts
	Counts     evaluation.Counts  `json:"counts"`
	Dimensions []apiEvalDimension `json:"dimensions"`
}

type apiEvalDimension struct {
	Dimension string            `json:"dimension"`
	Counts    evaluation.Counts `json:"counts"`
	Rate      *float64          `json:"rate"`
}

func (s *Server) apiEvalResults(w http.ResponseWriter, r *http.Request) {
	d, err := s.evalResultsData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rate := func(counted bool, x evaluation.Rate) *float64 {
		if !counted || !x.Known() {
			return nil
		}
		v := x.Percent()
		return &v
	}
	items := make([]apiEvalResult, len(d.Results))
	for i, x := range d.Results {
		it := apiEvalResult{Target: x.Target, Ballots: x.Ballots, Enough: x.Enough, Rate: rate(x.Counted(), x.Rate), Counts: x.Overall}
		for _, dr := range x.Dimensions {
			it.Dimensions = append(it.Dimensions, apiEvalDimension{Dimension: dr.Dimension, Counts: dr.Counts, Rate: rate(x.Counted(), dr.Rate)})
		}
		items[i] = it
	}
	writeJSON(w, http.StatusOK, map[string]any{"round": apiEvalRoundOf(d.R), "items": items})
}
