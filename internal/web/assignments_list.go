package web

import (
	"net/http"
	"net/url"
	"slices"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// assignmentListData is what the assignment list shows.
type assignmentListData struct {
	Assignments []people.Assignment
	Pager       Pager
	Scope       *pplScope
	Kind        string
	Kinds       []pplChoice
	Current     bool
	Today       string
}

// pplAssignmentFilter reads the assignment filters shared by the page and the API: unit, kind,
// person, current (only those in force today).
func (s *Server) pplAssignmentFilter(q url.Values) (storage.AssignmentFilter, error) {
	var fe []errs.FieldError
	f := storage.AssignmentFilter{UnitID: pplID(q, "unit", &fe), PersonID: pplID(q, "person", &fe)}
	if k := people.AssignmentKind(q.Get("kind")); k != "" {
		if !slices.Contains(people.AssignmentKinds, k) {
			fe = append(fe, errs.Field("kind", "assignment.kind.invalid"))
		}
		f.Kind = k
	}
	cur, ok := pplBool(q.Get("current"))
	if !ok {
		fe = append(fe, errs.Field("current", "validation.number"))
	}
	if cur != nil && *cur {
		f.CurrentOn = s.pplToday()
	}
	return f, errs.FieldsOf(fe)
}

// assignmentList is GET /assignments?unit=&kind=&current=: who is responsible for what.
func (s *Server) assignmentList(w http.ResponseWriter, r *http.Request) {
	if err := pplNeed(r, authz.ViewPeople); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f, err := s.pplAssignmentFilter(q)
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
	list, total, err := s.db.Assignments(r.Context(), actor(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg.Total = total
	d := assignmentListData{Assignments: list, Pager: pg, Scope: sc, Kind: string(f.Kind), Current: f.CurrentOn != "",
		Kinds: pplKeyChoices(people.AssignmentKinds, "assignments.kind.", string(f.Kind)), Today: s.pplToday()}
	s.render(w, r, http.StatusOK, "assignments_list", &Page{Title: "assignments.title", Data: d})
}
