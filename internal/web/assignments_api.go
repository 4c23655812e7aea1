package web

import (
	"net/http"

	"wuxing/internal/errs"
	"wuxing/internal/people"
)

// apiAssignments is GET /api/v1/assignments?unit=&kind=&person=&current=&limit=&offset=.
func (s *Server) apiAssignments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := s.pplAssignmentFilter(q)
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
	list, total, err := s.db.Assignments(r.Context(), actor(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"assignments": s.pplAssignmentsJSON(list), "total": total})
}

// assignmentInput is the body of POST /api/v1/assignments.
type assignmentInput struct {
	Kind        people.AssignmentKind `json:"kind"`
	PersonID    int64                 `json:"person_id"`
	UnitID      int64                 `json:"unit_id"`
	HouseholdID int64                 `json:"household_id"`
	MemberID    int64                 `json:"member_id"`
	StartsOn    string                `json:"starts_on"`
	EndsOn      string                `json:"ends_on"`
	Note        string                `json:"note"`
}

// apiAssignmentCreate is POST /api/v1/assignments.
func (s *Server) apiAssignmentCreate(w http.ResponseWriter, r *http.Request) {
	var in assignmentInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	x := &people.Assignment{Kind: in.Kind, PersonID: in.PersonID, UnitID: in.UnitID, HouseholdID: in.HouseholdID, MemberID: in.MemberID,
		StartsOn: in.StartsOn, EndsOn: in.EndsOn, Note: in.Note}
	if err := s.db.CreateAssignment(r.Context(), actor(r), x); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiAssignmentAnswer(w, r, http.StatusCreated, x.ID)
}

func (s *Server) apiAssignmentAnswer(w http.ResponseWriter, r *http.Request, status int, id int64) {
	x, err := s.db.Assignment(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, status, map[string]any{"assignment": s.pplAssignmentsJSON([]people.Assignment{*x})[0]})
}

// assignmentEndInput is the body of POST /api/v1/assignments/{id}/end.
type assignmentEndInput struct {
	EndsOn  string `json:"ends_on"`
	Version *int64 `json:"version"`
}

// apiAssignmentEnd is POST /api/v1/assignments/{id}/end.
func (s *Server) apiAssignmentEnd(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.db.Assignment(r.Context(), actor(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	var in assignmentEndInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Version == nil {
		s.fail(w, r, errs.Invalid(errs.Field("version", "validation.required")))
		return
	}
	if err := s.pplEndAssignment(r, id, in.EndsOn, *in.Version); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiAssignmentAnswer(w, r, http.StatusOK, id)
}
