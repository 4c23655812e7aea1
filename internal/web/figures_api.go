package web

import (
	"net/http"

	"wuxing/internal/errs"
	"wuxing/internal/figures"
)

// figuresRateJSON is one rate: numerator, denominator and per cent (null when there was nothing
// to count).
type figuresRateJSON struct {
	Num float64  `json:"num"`
	Den int      `json:"den"`
	Pct *float64 `json:"pct"`
}

// figuresUnitJSON is one unit's figures.
type figuresUnitJSON struct {
	ID        int64                            `json:"id"`
	Name      string                           `json:"name"`
	Rank      int                              `json:"rank,omitempty"` // 0 (left out): not ranked
	FewCases  bool                             `json:"few_cases"`
	Counts    map[figures.Count]int            `json:"counts"`
	Rates     map[figures.Rate]figuresRateJSON `json:"rates"`
	Composite *float64                         `json:"composite"`
}

// figuresDefJSON is a rate's definition as used.
type figuresDefJSON struct {
	Rate          figures.Rate    `json:"rate"`
	Name          string          `json:"name"`
	Numerator     []figures.Count `json:"numerator"`
	Denominator   figures.Count   `json:"denominator"`
	LowerIsBetter bool            `json:"lower_is_better"`
	Weight        int             `json:"weight"`
	Text          string          `json:"text"`
}

// figuresSettingsJSON are the settings used and where they come from.
type figuresSettingsJSON struct {
	Weights      map[figures.Rate]int `json:"weights"`
	BasicWeight  float64              `json:"basic_weight"`
	MinCases     int                  `json:"min_cases"`
	SetAtUnitID  int64                `json:"set_at_unit_id,omitempty"` // left out: built-in defaults
	SetAtUnit    string               `json:"set_at_unit,omitempty"`
	CompositeDef string               `json:"composite_definition"`
}

func figuresUnitOf(id int64, name string, rank int, f figures.Figures) figuresUnitJSON {
	j := figuresUnitJSON{ID: id, Name: name, Rank: rank, FewCases: f.FewCases, Counts: map[figures.Count]int{},
		Rates: map[figures.Rate]figuresRateJSON{}}
	for _, n := range figures.CountNames {
		j.Counts[n] = f.Counts.Get(n)
	}
	for _, v := range f.Values {
		rj := figuresRateJSON{Num: v.Num, Den: v.Den}
		if v.Defined {
			p := v.Pct
			rj.Pct = &p
		}
		j.Rates[v.Rate] = rj
	}
	if f.HasComposite {
		c := f.Score()
		j.Composite = &c
	}
	return j
}

// apiFigures is GET /api/v1/figures?unit=&from=&to=: the numbers of the figures page, with the
// definitions and settings used.
func (s *Server) apiFigures(w http.ResponseWriter, r *http.Request) {
	d, err := s.figuresLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pr := s.printer(r)
	if d.Unit == nil {
		s.fail(w, r, errs.Invalid(errs.Field("unit", d.Notice)))
		return
	}
	st := d.Settings.Settings
	sj := figuresSettingsJSON{Weights: map[figures.Rate]int{}, BasicWeight: float64(st.BasicWeight) / 100, MinCases: st.MinCases,
		SetAtUnitID: d.Settings.UnitID, SetAtUnit: d.Settings.UnitName, CompositeDef: d.Composite}
	var defs []figuresDefJSON
	for _, def := range figures.Definitions {
		sj.Weights[def.Rate] = st.Weight(def.Rate)
		defs = append(defs, figuresDefJSON{Rate: def.Rate, Name: pr.T("figures.rate." + string(def.Rate)), Numerator: def.Numerator,
			Denominator: def.Denominator, LowerIsBetter: def.LowerIsBetter, Weight: st.Weight(def.Rate),
			Text: figuresDefinition(pr, def.Rate, st)})
	}
	units := make([]figuresUnitJSON, 0, len(d.Rows))
	for _, row := range d.Rows {
		units = append(units, figuresUnitOf(row.ID, row.Name, row.Rank, row.Figures))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"unit":        map[string]any{"id": d.Unit.ID, "name": d.Unit.Name, "kind": d.Unit.Kind},
		"from":        d.Period.From,
		"to":          d.Period.To,
		"settings":    sj,
		"definitions": defs,
		"total":       figuresUnitOf(d.Unit.ID, d.Unit.Name, 0, d.Total),
		"units":       units,
	})
}
