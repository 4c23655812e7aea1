package web

import (
	"net/http"
	"net/url"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// householdListData is what the household list shows.
type householdListData struct {
	Households []people.Household
	Pager      Pager
	Scope      *pplScope
	Q          string
	Inactive   bool
}

// pplHouseholdFilter reads the household filters shared by the page and the API: unit, q
// (address contains), inactive.
func pplHouseholdFilter(q url.Values) (storage.HouseholdFilter, error) {
	var fe []errs.FieldError
	f := storage.HouseholdFilter{UnitID: pplID(q, "unit", &fe), Query: strings.TrimSpace(q.Get("q"))}
	inactive, ok := pplBool(q.Get("inactive"))
	if !ok {
		fe = append(fe, errs.Field("inactive", "validation.number"))
	}
	f.IncludeInactive = inactive != nil && *inactive
	return f, errs.FieldsOf(fe)
}

// householdList is GET /households.
func (s *Server) householdList(w http.ResponseWriter, r *http.Request) {
	if err := pplNeed(r, authz.ViewPeople); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f, err := pplHouseholdFilter(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sc, err := s.pplUnitScope(r, f.UnitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := pagerFrom(r)
	f.Limit, f.Offset = pg.Per, pg.Offset()
	list, total, err := s.db.Households(r.Context(), actor(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg.Total = total
	d := householdListData{Households: list, Pager: pg, Scope: sc, Q: f.Query, Inactive: f.IncludeInactive}
	s.render(w, r, http.StatusOK, "households_list", &Page{Title: "households.title", Data: d})
}
