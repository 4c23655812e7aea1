package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"wuxing/internal/campaigns"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// cmpToday is today's day in China, the day campaigns count in.
func (s *Server) cmpToday() string { return campaigns.Today(s.clock.Now()) }

// cmpDefaultDay is the day a form offers for an inspection or a problem: today while the
// campaign runs, else its nearest day.
func cmpDefaultDay(c *campaigns.Campaign, today string) string {
	switch {
	case today < c.StartsOn:
		return c.StartsOn
	case today > c.EndsOn:
		return c.EndsOn
	}
	return today
}

// cmpCategoryChoices lists the active categories, the rectification ones first, selecting sel.
func (s *Server) cmpCategoryChoices(r *http.Request, sel int64) ([]pplChoice, int64, error) {
	cats, err := s.db.Categories(r.Context(), false)
	if err != nil {
		return nil, 0, err
	}
	slices.SortStableFunc(cats, func(a, b cases.Category) int {
		ra, rb := a.List == cases.Rectification, b.List == cases.Rectification
		switch {
		case ra && !rb:
			return -1
		case rb && !ra:
			return 1
		}
		return 0
	})
	// The usual category of a campaign about living environment.
	def := int64(0)
	for _, c := range cats {
		if c.Code == "environment" || (def == 0 && c.List == cases.Rectification) {
			def = c.ID
		}
	}
	if sel == 0 {
		sel = def
	}
	out := make([]pplChoice, len(cats))
	for i, c := range cats {
		out[i] = pplChoice{Value: strconv.FormatInt(c.ID, 10), Text: c.Name, Selected: c.ID == sel}
	}
	return out, def, nil
}

// cmpCadreChoices lists the cadres of a town, its villages and communities included, as
// "name · unit", for the officer and inspector selects.
func (s *Server) cmpCadreChoices(r *http.Request, townID, sel int64) ([]pplChoice, error) {
	ps, _, err := s.db.People(r.Context(), actor(r), storage.PeopleFilter{UnitID: townID, Category: people.Cadre, Limit: 1000})
	if err != nil {
		return nil, err
	}
	out := make([]pplChoice, len(ps))
	for i, p := range ps {
		out[i] = pplChoice{Value: strconv.FormatInt(p.ID, 10), Text: p.Name + " · " + p.UnitName, Selected: p.ID == sel}
	}
	return out, nil
}

// cmpSelect marks the option with value v selected in a copy of choices.
func cmpSelect(choices []pplChoice, v string) []pplChoice {
	out := slices.Clone(choices)
	for i := range out {
		out[i].Selected = out[i].Value == v
	}
	return out
}

// cmpAreaChoices are a campaign's areas as options.
func cmpAreaChoices(c *campaigns.Campaign, sel string) []pplChoice {
	out := make([]pplChoice, len(c.Areas))
	for i, a := range c.Areas {
		v := strconv.FormatInt(a.ID, 10)
		out[i] = pplChoice{Value: v, Text: a.UnitName + " · " + a.OfficerName, Selected: v == sel}
	}
	return out
}

// cmpBar is one area's found-and-rectified bar, in the units of a 100-wide SVG.
type cmpBar struct {
	Found, Rectified float64
}

// cmpBars scales every area's bar to the largest number found.
func cmpBars(c *campaigns.Campaign) map[int64]cmpBar {
	top := 0
	for _, a := range c.Areas {
		top = max(top, a.Counts.Found)
	}
	out := map[int64]cmpBar{}
	for _, a := range c.Areas {
		if top == 0 {
			out[a.ID] = cmpBar{}
			continue
		}
		out[a.ID] = cmpBar{Found: 100 * float64(a.Counts.Found) / float64(top), Rectified: 100 * float64(a.Counts.Rectified) / float64(top)}
	}
	return out
}

// cmpFieldsFrom turns errors on the campaign's areas (numbered as stored) into errors on the form
// rows they came from.
func cmpFieldsFrom(err error, rows []int) error {
	e := errs.As(err)
	if len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = slices.Clone(e.Fields)
	for i, f := range out.Fields {
		for _, what := range []string{"unit", "officer"} {
			prefix := "area_" + what + "_"
			if n, ok := strings.CutPrefix(f.Field, prefix); ok {
				if k, err := strconv.Atoi(n); err == nil && k >= 0 && k < len(rows) {
					out.Fields[i].Field = campaigns.AreaField(what, rows[k])
				}
			}
		}
	}
	return &out
}

// cmpInt reads a small integer field (0 when empty); a malformed one is a field error.
func cmpInt(v url.Values, name string, fe *[]errs.FieldError) int {
	n := pplID(v, name, fe)
	if n > 1<<20 {
		*fe = append(*fe, errs.Field(name, "validation.number"))
		return 0
	}
	return int(n)
}
