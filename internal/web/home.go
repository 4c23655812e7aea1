package web

import (
	"net/http"

	"wuxing/internal/authz"
	"wuxing/internal/storage"
)

type homeStat struct {
	Label string
	Value int
	Link  string
}

type homeLink struct {
	Label string
	Link  string
}

type homeData struct {
	Bindings []authz.Binding
	Stats    []homeStat
	Tasks    []homeLink
}

// home is each role's start page: the units the user is bound to, the counts in their scope,
// and the tasks their roles allow.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	ctx := r.Context()
	d := homeData{Bindings: a.P.Bindings}
	if a.P.Can(authz.ViewUnits) {
		_, n, err := s.db.Units(ctx, a, storage.UnitFilter{Limit: 1})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Stats = append(d.Stats, homeStat{"home.stat.units", n, "/units"})
	}
	if a.P.Can(authz.ViewPeople) {
		_, n, err := s.db.People(ctx, a, storage.PeopleFilter{Limit: 1})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		yes := true
		_, m, err := s.db.People(ctx, a, storage.PeopleFilter{Limit: 1, PartyMember: &yes})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		_, h, err := s.db.Households(ctx, a, storage.HouseholdFilter{Limit: 1})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Stats = append(d.Stats, homeStat{"home.stat.people", n, "/people"}, homeStat{"home.stat.members", m, "/people?party=1"},
			homeStat{"home.stat.households", h, "/households"})
		d.Tasks = append(d.Tasks, homeLink{"home.task.coverage", "/assignments"})
	}
	if a.P.Can(authz.ImportData) {
		d.Tasks = append(d.Tasks, homeLink{"home.task.import", "/import"})
	}
	if a.P.Can(authz.ManageUsers) {
		d.Tasks = append(d.Tasks, homeLink{"home.task.users", "/admin/users"})
	}
	s.render(w, r, http.StatusOK, "home", &Page{Title: "home.title", Data: d})
}
