package web

import (
	"net/http"

	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// personShowData is what a person's page shows: the person, what they are responsible for, and
// who is responsible for them or their household.
type personShowData struct {
	Person      *people.Person
	Responsible []people.Assignment
	LinkedTo    []people.Assignment
	Today       string
	Branch      int64 // the village or community, whose assignment forms the page links to
}

// pplPersonShow loads a person with their assignments.
func (s *Server) pplPersonShow(r *http.Request, id int64) (*personShowData, error) {
	ctx, a := r.Context(), actor(r)
	p, err := s.db.Person(ctx, a, id)
	if err != nil {
		return nil, err
	}
	resp, _, err := s.db.Assignments(ctx, a, storage.AssignmentFilter{PersonID: id, Limit: 200})
	if err != nil {
		return nil, err
	}
	linked, err := s.db.AssignmentsTargeting(ctx, a, id, p.HouseholdID)
	if err != nil {
		return nil, err
	}
	return &personShowData{Person: p, Responsible: resp, LinkedTo: linked, Today: s.pplToday(), Branch: s.pplBranchRoot(r, p.UnitID)}, nil
}

// personShow is GET /people/{id}.
func (s *Server) personShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.pplPersonShow(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "people_show", &Page{Title: "people.show.title", Data: d})
}
