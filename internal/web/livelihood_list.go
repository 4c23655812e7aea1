package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/livelihood"
	"wuxing/internal/storage"
	"wuxing/internal/xlsx"
)

// livListData is the project list with its filters.
type livListData struct {
	Projects  []livelihood.Project
	Pager     Pager
	Today     string
	Years     []pplChoice
	Units     []pplChoice
	Statuses  []pplChoice
	CanManage bool
	CanExport bool
	Query     string // the filters, for the export link
}

// livToday is today's day in China.
func (s *Server) livToday() string { return livelihood.Today(s.clock.Now()) }

// livFilterFrom reads the list's filters: year, unit, status, q.
func livFilterFrom(q url.Values) (storage.LivelihoodFilter, error) {
	var fe []errs.FieldError
	f := storage.LivelihoodFilter{UnitID: pplID(q, "unit", &fe), Status: livelihood.Status(strings.TrimSpace(q.Get("status"))),
		Query: strings.TrimSpace(q.Get("q"))}
	if y := pplID(q, "year", &fe); y != 0 {
		if y < livelihood.MinYear || y > livelihood.MaxYear {
			fe = append(fe, errs.Field("year", "livelihood.year.invalid", livelihood.MinYear, livelihood.MaxYear))
		} else {
			f.Year = int(y)
		}
	}
	if f.Status != "" && !f.Status.Valid() {
		fe = append(fe, errs.Field("status", "livelihood.status.invalid"))
	}
	return f, errs.FieldsOf(fe)
}

// livYears are the years a filter or form offers: from two years back to next year.
func (s *Server) livYears(sel int) []pplChoice {
	now := s.clock.Now().In(cst).Year()
	var out []pplChoice
	for y := now + 1; y >= now-3; y-- {
		out = append(out, pplChoice{Value: strconv.Itoa(y), Text: strconv.Itoa(y), Selected: y == sel})
	}
	return out
}

// livUnitChoices are the units the user sees projects of, for the unit filter: the towns,
// villages and communities in their view scope.
func (s *Server) livUnitChoices(r *http.Request, sel int64) ([]pplChoice, error) {
	us, _, err := s.db.Units(r.Context(), actor(r), storage.UnitFilter{Kinds: livOwnerKinds, Limit: 1000})
	if err != nil {
		return nil, err
	}
	out := make([]pplChoice, 0, len(us))
	for _, u := range us {
		if !principal(r).CanAt(authz.ViewLivelihood, u.Path) {
			continue
		}
		out = append(out, pplChoice{Value: strconv.FormatInt(u.ID, 10), Text: u.Name, Selected: u.ID == sel})
	}
	return out, nil
}

// livList is GET /livelihood (?year=&unit=&status=&q=).
func (s *Server) livList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := livFilterFrom(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := pagerFrom(r)
	f.Limit, f.Offset = pg.Per, pg.Offset()
	list, total, err := s.db.LivelihoodProjects(r.Context(), actor(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg.Total = total
	units, err := s.livUnitChoices(r, f.UnitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pp := principal(r)
	d := &livListData{Projects: list, Pager: pg, Today: s.livToday(), Years: s.livYears(f.Year), Units: units,
		Statuses: pplKeyChoices(livelihood.Statuses, "livelihood.status.", string(f.Status)), CanManage: pp.Can(authz.ManageLivelihood),
		CanExport: pp.Can(authz.ExportData), Query: q.Encode()}
	s.render(w, r, http.StatusOK, "livelihood_list", &Page{Title: "livelihood.title", Data: d})
}

// livExport is GET /livelihood/export.xlsx: the list with the page's filters, within the units
// where the user may both see projects and export.
func (s *Server) livExport(w http.ResponseWriter, r *http.Request) {
	if !principal(r).Can(authz.ExportData) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	f, err := livFilterFrom(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pr := s.printer(r) // the store refuses a unit filter out of sight as not found
	x, err := xlsx.NewLivelihoodExport(r.Context(), s.db, actor(r), f, pr)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer x.Close()
	s.log.Info("export", "kind", "livelihood", "rows", x.Rows)
	day := s.clock.Now().In(cst).Format("20060102")
	dataDownloadHeaders(w, "livelihood-"+day+".xlsx", pr.T("livelihood.export.sheet")+"_"+day+".xlsx")
	if _, err := x.WriteTo(w); err != nil {
		s.log.Error("export write", "kind", "livelihood", "err", err)
	}
}
