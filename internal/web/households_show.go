package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/errs"
	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// householdShowData is what a household's page shows: members head first, the party members
// linked to it, and the form to add a member.
type householdShowData struct {
	Household  *people.Household
	UnitPath   string
	Branch     int64 // the village or community, where the party members who may link it are
	Links      []people.Assignment
	Today      string
	Candidates []pplChoice // people of the household's unit who could join it
	Relations  []pplChoice
}

// pplHouseholdShow loads a household with its members and links; form holds an add-member form
// being shown again.
func (s *Server) pplHouseholdShow(r *http.Request, id int64, form url.Values) (*householdShowData, error) {
	ctx, a := r.Context(), actor(r)
	h, err := s.db.Household(ctx, a, id)
	if err != nil {
		return nil, err
	}
	u, err := s.db.Unit(ctx, a, h.UnitID)
	if err != nil {
		return nil, err
	}
	links, err := s.db.AssignmentsTargeting(ctx, a, 0, h.ID)
	if err != nil {
		return nil, err
	}
	d := &householdShowData{Household: h, UnitPath: u.Path, Branch: s.pplBranchRoot(r, h.UnitID), Links: links, Today: s.pplToday(),
		Relations: pplKeyChoices(people.Relations, "people.relation.", form.Get("relation"))}
	cands, _, err := s.db.People(ctx, a, storage.PeopleFilter{UnitID: h.UnitID, Limit: 300})
	if err != nil {
		return nil, err
	}
	for _, p := range cands {
		if p.HouseholdID == h.ID {
			continue
		}
		label := p.Name
		if p.Household != "" {
			label += " · " + p.Household
		}
		d.Candidates = append(d.Candidates, pplChoice{Value: strconv.FormatInt(p.ID, 10), Text: label, Selected: form.Get("person_id") == strconv.FormatInt(p.ID, 10)})
	}
	return d, nil
}

// householdShow is GET /households/{id}.
func (s *Server) householdShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.pplHouseholdShow(r, id, url.Values{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "households_show", &Page{Title: "households.show.title", Data: d})
}

// householdAddMember is POST /households/{id}/members: an existing person joins the household
// with a relation to the head (and moves to the household's unit).
func (s *Server) householdAddMember(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, a := r.Context(), actor(r)
	h, err := s.db.Household(ctx, a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.pplAddMember(r, h)
	if err != nil {
		d, derr := s.pplHouseholdShow(r, id, r.PostForm)
		if derr != nil {
			s.fail(w, r, err)
			return
		}
		s.formFail(w, r, "households_show", &Page{Title: "households.show.title", Data: d}, err)
		return
	}
	redirectFlash(w, r, "/households/"+strconv.FormatInt(id, 10), "flash.households.member_added")
}

func (s *Server) pplAddMember(r *http.Request, h *people.Household) error {
	var fe []errs.FieldError
	pid := pplID(r.PostForm, "person_id", &fe)
	rel := people.Relation(strings.TrimSpace(r.PostFormValue("relation")))
	if pid == 0 && len(fe) == 0 {
		fe = append(fe, errs.Field("person_id", "validation.required"))
	}
	if len(fe) > 0 {
		return errs.Invalid(fe...)
	}
	p, err := s.db.Person(r.Context(), actor(r), pid)
	if err != nil {
		return errs.Invalid(errs.Field("person_id", "people.person.not_found"))
	}
	p.HouseholdID, p.UnitID, p.Relation = h.ID, h.UnitID, rel
	return s.db.UpdatePerson(r.Context(), actor(r), p)
}
