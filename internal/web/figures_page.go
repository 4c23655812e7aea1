package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/figures"
	"wuxing/internal/locale"
	"wuxing/internal/org"
	"wuxing/internal/storage"
)

// figuresDateLayout is how periods are written in links and forms: days in China, both included.
const figuresDateLayout = "2006-01-02"

// figuresPeriod is the period figures are computed over: From and To are days in China, both
// included, as the case list reads them; Start and End bound submitted_at as [Start, End).
type figuresPeriod struct {
	From, To   string
	Start, End time.Time
}

// figuresPeriodFrom reads ?from=&to= (default: this year in China). A malformed date, or a
// period that ends before it starts, is a field error.
func (s *Server) figuresPeriodFrom(q url.Values) (figuresPeriod, error) {
	now := s.clock.Now().In(cst)
	p := figuresPeriod{From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	if p.From == "" {
		p.From = time.Date(now.Year(), 1, 1, 0, 0, 0, 0, cst).Format(figuresDateLayout)
	}
	if p.To == "" {
		p.To = time.Date(now.Year(), 12, 31, 0, 0, 0, 0, cst).Format(figuresDateLayout)
	}
	var fe []errs.FieldError
	start, ok := caseDay(p.From)
	if !ok {
		fe = append(fe, errs.Field("from", "validation.date"))
	}
	last, ok2 := caseDay(p.To)
	if !ok2 {
		fe = append(fe, errs.Field("to", "validation.date"))
	}
	if ok && ok2 && last.Before(start) {
		fe = append(fe, errs.Field("to", "figures.period.invalid"))
	}
	if err := errs.FieldsOf(fe); err != nil {
		return p, err
	}
	p.Start, p.End = start, last.AddDate(0, 0, 1)
	return p, nil
}

// figuresPreset is a one-click period.
type figuresPreset struct {
	Key      string
	From, To string
	Current  bool
}

// figuresPresets are this month, this quarter, this year and last year, in China.
func (s *Server) figuresPresets(p figuresPeriod) []figuresPreset {
	now := s.clock.Now().In(cst)
	y, m := now.Year(), now.Month()
	day := func(y int, m time.Month, d int) string {
		return time.Date(y, m, d, 0, 0, 0, 0, cst).Format(figuresDateLayout)
	}
	q := (int(m)-1)/3*3 + 1
	out := []figuresPreset{
		{Key: "figures.period.month", From: day(y, m, 1), To: day(y, m+1, 0)},
		{Key: "figures.period.quarter", From: day(y, time.Month(q), 1), To: day(y, time.Month(q+3), 0)},
		{Key: "figures.period.year", From: day(y, 1, 1), To: day(y, 12, 31)},
		{Key: "figures.period.last_year", From: day(y-1, 1, 1), To: day(y-1, 12, 31)},
	}
	for i := range out {
		out[i].Current = out[i].From == p.From && out[i].To == p.To
	}
	return out
}

// figuresCasesURL is the case list showing the cases one count counts: the unit's subtree, the
// period, and the count (figure=…).
func figuresCasesURL(unitID int64, p figuresPeriod, n figures.Count) string {
	v := url.Values{"unit": {strconv.FormatInt(unitID, 10)}, "from": {p.From}, "to": {p.To}}
	if n != figures.Received {
		v.Set("figure", string(n))
	}
	return "/cases?" + v.Encode()
}

// figuresURL is the figures page of a unit over the same period.
func figuresURL(unitID int64, p figuresPeriod) string {
	v := url.Values{"unit": {strconv.FormatInt(unitID, 10)}, "from": {p.From}, "to": {p.To}}
	return "/figures?" + v.Encode()
}

// figuresTerm is one count in a rate's formula, with the list of its cases.
type figuresTerm struct {
	Count  figures.Count
	N      int
	Link   string
	Factor string // "× 0.8" for the weighted basic-satisfied count
	// Discounted is set when the factor is not 1, so the compact table shows it too.
	Discounted bool
}

// figuresRateView is one rate of one unit as shown: value, formula with linked counts, weight.
type figuresRateView struct {
	Rate   figures.Rate
	Value  figures.Value
	Num    []figuresTerm
	Den    figuresTerm
	Weight int
	Def    string // the definition sentence, translated
}

// figuresRates builds the rate views of one unit.
func figuresRates(pr *locale.Printer, f figures.Figures, st figures.Settings, unitID int64, p figuresPeriod) []figuresRateView {
	out := make([]figuresRateView, 0, len(figures.Rates))
	for _, d := range figures.Definitions {
		v := figuresRateView{Rate: d.Rate, Value: f.Value(d.Rate), Weight: st.Weight(d.Rate), Def: figuresDefinition(pr, d.Rate, st)}
		for _, n := range d.Numerator {
			t := figuresTerm{Count: n, N: f.Counts.Get(n), Link: figuresCasesURL(unitID, p, n)}
			if n == figures.BasicSatisfied {
				t.Factor, t.Discounted = "× "+st.BasicWeightText(), st.BasicWeight != 100
			}
			v.Num = append(v.Num, t)
		}
		v.Den = figuresTerm{Count: d.Denominator, N: f.Counts.Get(d.Denominator), Link: figuresCasesURL(unitID, p, d.Denominator)}
		out = append(out, v)
	}
	return out
}

// figuresDefinition is the sentence that defines rate r under settings st.
func figuresDefinition(pr *locale.Printer, r figures.Rate, st figures.Settings) string {
	if r == figures.Satisfaction {
		return pr.T("figures.def.satisfaction", st.BasicWeightText())
	}
	return pr.T("figures.def." + string(r))
}

// figuresComposite is the composite's formula under st: "响应率×30% + 解决率×35% + …".
func figuresComposite(pr *locale.Printer, st figures.Settings) string {
	var parts []string
	for _, d := range figures.Definitions {
		w := st.Weight(d.Rate)
		if w == 0 {
			continue
		}
		key := "figures.composite.part"
		if d.LowerIsBetter {
			key = "figures.composite.part_inverse"
		}
		parts = append(parts, pr.T(key, pr.T("figures.rate."+string(d.Rate)), w))
	}
	return pr.T("figures.def.composite", strings.Join(parts, " + "))
}

// figuresRow is one village or community in the ranking.
type figuresRow struct {
	figures.Standing
	Rates    []figuresRateView
	Link     string // its own figures page
	Received string // the list of its cases
}

// figuresData is what the figures page and the API show.
type figuresData struct {
	Unit      *org.Unit
	Period    figuresPeriod
	Presets   []figuresPreset
	Units     []pplChoice // units to look at
	Trail     []org.Unit  // units above, where the user may see figures
	Settings  storage.FigureSettings
	Total     figures.Figures
	Rates     []figuresRateView
	Composite string // the composite's formula
	Rows      []figuresRow
	Ranking   bool // a town or above: show the ranking of its villages and communities
	Chart     figuresChart
	Counts    []figures.Count
	CanConfig bool
	Notice    string // why there is nothing to show (a unit figures are not kept for)
	// ReceivedLink lists every case the figures count.
	ReceivedLink string
	// SourceName names the unit whose settings are in force, when the user may see it.
	SourceName string
}

// figuresDefaultUnit is the user's top unit for figures: the root of their case scope.
func figuresDefaultUnit(p *authz.Principal) int64 {
	sc := p.Scope(authz.ViewCases)
	if len(sc.Paths) == 0 {
		return 0
	}
	ids := org.IDs(sc.Paths[0])
	if len(ids) == 0 {
		return 0
	}
	return ids[len(ids)-1]
}

// figuresLoad gathers a unit's figures for the page and the API: ?unit= (default the user's
// top unit), ?from=&to= (default this year).
func (s *Server) figuresLoad(r *http.Request) (*figuresData, error) {
	pp := principal(r)
	if !pp.Can(authz.ViewCases) {
		return nil, errs.Forbidden()
	}
	q := r.URL.Query()
	var fe []errs.FieldError
	unitID := pplID(q, "unit", &fe)
	if err := errs.FieldsOf(fe); err != nil {
		return nil, err
	}
	p, err := s.figuresPeriodFrom(q)
	if err != nil {
		return nil, err
	}
	d := &figuresData{Period: p, Presets: s.figuresPresets(p), Counts: figures.CountNames}
	explicit := unitID != 0
	if !explicit {
		unitID = figuresDefaultUnit(pp)
	}
	ctx, a := r.Context(), actor(r)
	rep, err := s.db.Figures(ctx, a, storage.FigureQuery{UnitID: unitID, From: p.Start, To: p.End})
	if err != nil {
		if !explicit && errs.Code(err) == errs.EINVALID {
			// The user's own unit is a grid or a department: figures are kept per village and
			// community and above. Say so rather than fail.
			d.Notice = "figures.unit.kind"
			return d, nil
		}
		return nil, err
	}
	pr := s.printer(r)
	st := rep.Settings.Settings
	d.Unit, d.Settings = rep.Unit, rep.Settings
	d.Total = figures.Compute(figures.Total(rep.Entries), st)
	d.Rates = figuresRates(pr, d.Total, st, d.Unit.ID, p)
	d.Composite = figuresComposite(pr, st)
	d.ReceivedLink = figuresCasesURL(d.Unit.ID, p, figures.Received)
	if rep.Settings.UnitID != 0 && pp.CanAt(authz.ViewUnits, rep.Settings.UnitPath) {
		d.SourceName = rep.Settings.UnitName
	}
	for _, sd := range figures.Rank(rep.Entries, st) {
		d.Rows = append(d.Rows, figuresRow{Standing: sd, Rates: figuresRates(pr, sd.Figures, st, sd.ID, p),
			Link: figuresURL(sd.ID, p), Received: figuresCasesURL(sd.ID, p, figures.Received)})
	}
	d.Ranking = !d.Unit.Kind.IsBranch()
	d.Chart = figuresChartOf(pr, d.Rows)
	d.CanConfig = pp.Can(authz.ConfigureCases)
	if trail, err := s.db.Ancestors(ctx, a, d.Unit.ID); err == nil {
		for _, u := range trail {
			if pp.CanAt(authz.ViewCases, u.Path) && storage.FigureUnit(u.Kind) {
				d.Trail = append(d.Trail, u)
			}
		}
	}
	if d.Units, err = s.pplUnitChoices(r, 0, d.Unit.ID, org.Province, org.City, org.County, org.Town, org.Village, org.Community); err != nil {
		return nil, err
	}
	return d, nil
}

// figuresPage is GET /figures?unit=&from=&to=: a unit's rates, with their definitions, and the
// ranking of its villages and communities on the composite.
func (s *Server) figuresPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.figuresLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "figures_page", &Page{Title: "figures.title", Data: d})
}
