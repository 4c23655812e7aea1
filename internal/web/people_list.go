package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// peopleListData is what the people list shows.
type peopleListData struct {
	People     []people.Person
	Pager      Pager
	Scope      *pplScope
	Q          string
	Party      string
	Category   string
	Inactive   bool
	Categories []pplChoice
}

// pplPeopleFilter reads the people filters shared by the page and the API: unit, q (a name, or a
// full phone number), phone, party, category, inactive.
func pplPeopleFilter(q url.Values) (storage.PeopleFilter, error) {
	var fe []errs.FieldError
	f := storage.PeopleFilter{UnitID: pplID(q, "unit", &fe)}
	text := strings.TrimSpace(q.Get("q"))
	if ph := people.NormalizePhone(text); text != "" && people.ValidPhone(ph) {
		// A whole phone number finds its owner; part of one finds nothing by design.
		f.Phone = ph
	} else {
		f.Query = text
	}
	if ph := strings.TrimSpace(q.Get("phone")); ph != "" {
		f.Phone = ph
	}
	party, ok := pplBool(q.Get("party"))
	if !ok {
		fe = append(fe, errs.Field("party", "validation.number"))
	}
	f.PartyMember = party
	if c := people.Category(q.Get("category")); c != "" {
		if !slices.Contains(people.Categories, c) {
			fe = append(fe, errs.Field("category", "people.category.invalid"))
		}
		f.Category = c
	}
	inactive, ok := pplBool(q.Get("inactive"))
	if !ok {
		fe = append(fe, errs.Field("inactive", "validation.number"))
	}
	f.IncludeInactive = inactive != nil && *inactive
	return f, errs.FieldsOf(fe)
}

// peopleList is GET /people: search, filters and pages.
func (s *Server) peopleList(w http.ResponseWriter, r *http.Request) {
	if err := pplNeed(r, authz.ViewPeople); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f, err := pplPeopleFilter(q)
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
	list, total, err := s.db.People(r.Context(), actor(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg.Total = total
	d := peopleListData{People: list, Pager: pg, Scope: sc, Q: q.Get("q"), Party: q.Get("party"), Category: q.Get("category"),
		Inactive: f.IncludeInactive, Categories: pplKeyChoices(people.Categories, "people.category.", q.Get("category"))}
	s.render(w, r, http.StatusOK, "people_list", &Page{Title: "people.title", Data: d})
}
