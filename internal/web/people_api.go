package web

import (
	"net/http"
	"strconv"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/people"
)

// personJSON is a person in the API, phone and ID number masked exactly as on screen.
type personJSON struct {
	ID            int64             `json:"id"`
	UnitID        int64             `json:"unit_id"`
	UnitName      string            `json:"unit_name"`
	HouseholdID   int64             `json:"household_id"`
	Household     string            `json:"household"`
	Relation      string            `json:"relation"`
	Name          string            `json:"name"`
	Gender        string            `json:"gender"`
	BirthDate     string            `json:"birth_date"`
	Phone         string            `json:"phone"`
	IDNumber      string            `json:"id_number"`
	PartyMember   bool              `json:"party_member"`
	JoinedPartyOn string            `json:"joined_party_on"`
	Categories    []people.Category `json:"categories"`
	Active        bool              `json:"active"`
	Version       int64             `json:"version"`
	UpdatedAt     time.Time         `json:"updated_at"`
}

func pplPersonJSON(pp *authz.Principal, p *people.Person) personJSON {
	cats := p.Categories
	if cats == nil {
		cats = []people.Category{}
	}
	return personJSON{ID: p.ID, UnitID: p.UnitID, UnitName: p.UnitName, HouseholdID: p.HouseholdID, Household: p.Household,
		Relation: string(p.Relation), Name: p.Name, Gender: p.Gender, BirthDate: p.BirthDate,
		Phone: phoneFor(pp, p.Phone, p.UnitPath), IDNumber: idNumberFor(pp, p.IDNumber, p.UnitPath),
		PartyMember: p.PartyMember, JoinedPartyOn: p.JoinedPartyOn, Categories: cats, Active: p.Active, Version: p.Version, UpdatedAt: p.UpdatedAt}
}

func pplPeopleJSON(pp *authz.Principal, ps []people.Person) []personJSON {
	out := make([]personJSON, 0, len(ps))
	for i := range ps {
		out = append(out, pplPersonJSON(pp, &ps[i]))
	}
	return out
}

// assignmentJSON is an assignment in the API.
type assignmentJSON struct {
	ID          int64                 `json:"id"`
	Kind        people.AssignmentKind `json:"kind"`
	PersonID    int64                 `json:"person_id"`
	PersonName  string                `json:"person_name"`
	UnitID      int64                 `json:"unit_id"`
	UnitName    string                `json:"unit_name"`
	HouseholdID int64                 `json:"household_id,omitempty"`
	MemberID    int64                 `json:"member_id,omitempty"`
	TargetName  string                `json:"target_name,omitempty"`
	StartsOn    string                `json:"starts_on"`
	EndsOn      string                `json:"ends_on"`
	Current     bool                  `json:"current"`
	Note        string                `json:"note"`
	Version     int64                 `json:"version"`
}

func (s *Server) pplAssignmentsJSON(xs []people.Assignment) []assignmentJSON {
	now := s.clock.Now().In(cst)
	out := make([]assignmentJSON, 0, len(xs))
	for _, x := range xs {
		out = append(out, assignmentJSON{ID: x.ID, Kind: x.Kind, PersonID: x.PersonID, PersonName: x.PersonName, UnitID: x.UnitID,
			UnitName: x.UnitName, HouseholdID: x.HouseholdID, MemberID: x.MemberID, TargetName: x.TargetName,
			StartsOn: x.StartsOn, EndsOn: x.EndsOn, Current: x.Current(now), Note: x.Note, Version: x.Version})
	}
	return out
}

// apiPeople is GET /api/v1/people?unit=&q=&phone=&party=&category=&inactive=&limit=&offset=.
func (s *Server) apiPeople(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := pplPeopleFilter(q)
	var fe []errs.FieldError
	limit, offset := pplID(q, "limit", &fe), pplID(q, "offset", &fe)
	if err == nil {
		err = errs.FieldsOf(fe)
	}
	if err == nil && f.UnitID != 0 {
		_, err = s.db.Unit(r.Context(), actor(r), f.UnitID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if limit == 0 {
		limit = perPage
	}
	f.Limit, f.Offset = int(min(limit, 1000)), int(min(offset, 1<<30))
	list, total, err := s.db.People(r.Context(), actor(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"people": pplPeopleJSON(principal(r), list), "total": total})
}

// apiPerson is GET /api/v1/people/{id}: the person and their assignments.
func (s *Server) apiPerson(w http.ResponseWriter, r *http.Request) {
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
	writeJSON(w, http.StatusOK, map[string]any{"person": pplPersonJSON(principal(r), d.Person),
		"responsible_for": s.pplAssignmentsJSON(d.Responsible), "linked_to": s.pplAssignmentsJSON(d.LinkedTo)})
}

// personInput is the body of POST and PUT /api/v1/people: on PUT, fields left out keep their
// stored values, and version is required.
type personInput struct {
	UnitID        *int64             `json:"unit_id"`
	HouseholdID   *int64             `json:"household_id"`
	Relation      *string            `json:"relation"`
	Name          *string            `json:"name"`
	Gender        *string            `json:"gender"`
	BirthDate     *string            `json:"birth_date"`
	Phone         *string            `json:"phone"`
	IDNumber      *string            `json:"id_number"`
	PartyMember   *bool              `json:"party_member"`
	JoinedPartyOn *string            `json:"joined_party_on"`
	Categories    *[]people.Category `json:"categories"`
	Active        *bool              `json:"active"`
	Version       *int64             `json:"version"`
}

func (in *personInput) apply(p *people.Person) {
	setIf := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	if in.UnitID != nil {
		p.UnitID = *in.UnitID
	}
	if in.HouseholdID != nil {
		p.HouseholdID = *in.HouseholdID
	}
	if in.Relation != nil {
		p.Relation = people.Relation(*in.Relation)
	}
	setIf(&p.Name, in.Name)
	setIf(&p.Gender, in.Gender)
	setIf(&p.BirthDate, in.BirthDate)
	setIf(&p.Phone, in.Phone)
	setIf(&p.IDNumber, in.IDNumber)
	setIf(&p.JoinedPartyOn, in.JoinedPartyOn)
	if in.PartyMember != nil {
		p.PartyMember = *in.PartyMember
	}
	if in.Categories != nil {
		p.Categories = append([]people.Category(nil), (*in.Categories)...)
	}
	if in.Active != nil {
		p.Active = *in.Active
	}
}

// apiPersonCreate is POST /api/v1/people.
func (s *Server) apiPersonCreate(w http.ResponseWriter, r *http.Request) {
	var in personInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	p := &people.Person{}
	in.apply(p)
	s.pplFinishPerson(r, p, nil)
	if err := s.db.CreatePerson(r.Context(), actor(r), p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiPersonAnswer(w, r, http.StatusCreated, p.ID)
}

// apiPersonUpdate is PUT /api/v1/people/{id}.
func (s *Server) apiPersonUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	old, err := s.db.Person(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in personInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Version == nil {
		s.fail(w, r, errs.Invalid(errs.Field("version", "validation.required")))
		return
	}
	p := *old
	in.apply(&p)
	p.Version = *in.Version
	s.pplFinishPerson(r, &p, old)
	if err := s.db.UpdatePerson(r.Context(), actor(r), &p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiPersonAnswer(w, r, http.StatusOK, id)
}

// apiPersonAnswer answers a write with the person as now stored and seen by the caller.
func (s *Server) apiPersonAnswer(w http.ResponseWriter, r *http.Request, status int, id int64) {
	p, err := s.db.Person(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/people/"+strconv.FormatInt(id, 10))
	writeJSON(w, status, map[string]any{"person": pplPersonJSON(principal(r), p)})
}
