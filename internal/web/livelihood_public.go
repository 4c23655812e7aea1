package web

import (
	"net/http"
	"time"

	"wuxing/internal/errs"
	"wuxing/internal/livelihood"
	"wuxing/internal/ratelimit"
)

// livPublicLeader is a leader as the public list names them: an official's name and post.
type livPublicLeader struct {
	Name string
	Post string
}

// livPublicItem is a project on the public list: what, how much, how far, who leads it. No
// report notes, no reporters, no photos, nobody's phone.
type livPublicItem struct {
	Title       string
	Description string
	Unit        string
	CategoryKey string
	Measure     string
	Target      livelihood.Quantity
	Done        livelihood.Quantity
	Percent     int
	Bar         int
	StatusKey   string
	Year        int
	Deadline    string
	Leaders     []livPublicLeader
}

// livPublicData is a unit's public list of livelihood projects (民生实事公示).
type livPublicData struct {
	UnitName string
	UnitCode string
	Year     int
	Years    []pplChoice
	Items    []livPublicItem
	Pager    Pager
	Printed  time.Time
}

// livPublic is GET /l/{unitcode} (?year=): the projects of a unit and the units under it, for
// residents, rate-limited per client address.
func (s *Server) livPublic(lim *ratelimit.Limiter) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.publicAllow(w, r, lim, true) {
			return
		}
		u, err := s.publicUnit(r, false)
		if err == nil && !livelihood.OwnerKind(u.Kind) {
			err = errs.NotFound()
		}
		if err != nil {
			s.publicFail(w, r, err, "public.notfound.unit")
			return
		}
		var fe []errs.FieldError
		year := int(min(pplID(r.URL.Query(), "year", &fe), livelihood.MaxYear))
		if len(fe) > 0 {
			year = 0
		}
		pg := pagerFrom(r)
		list, total, err := s.db.PublicLivelihood(r.Context(), u.ID, year, pg.Offset(), pg.Per)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		pg.Total = total
		d := livPublicData{UnitName: u.Name, UnitCode: u.Code, Year: year, Years: s.livYears(year), Pager: pg, Printed: s.clock.Now()}
		for _, p := range list {
			it := livPublicItem{Title: publicText(p.Title), Description: publicText(p.Description), Unit: p.UnitName,
				CategoryKey: "livelihood.category." + string(p.Category), Measure: p.Measure, Target: p.Target, Done: p.Done,
				Percent: p.Percent(), Bar: p.Bar(), StatusKey: "livelihood.status." + string(p.Status()), Year: p.Year, Deadline: p.Deadline}
			for _, l := range p.Leaders {
				it.Leaders = append(it.Leaders, livPublicLeader{Name: l.Name, Post: l.Post})
			}
			d.Items = append(d.Items, it)
		}
		s.render(w, r, http.StatusOK, "livelihood_public", &Page{Title: "livelihood.public.title", Data: d})
	}
}
