package web

import (
	"net/http"
	"strconv"

	"wuxing/internal/errs"
	"wuxing/internal/people"
)

// householdJSON is a household in the API.
type householdJSON struct {
	ID         int64        `json:"id"`
	UnitID     int64        `json:"unit_id"`
	UnitName   string       `json:"unit_name"`
	CompoundID int64        `json:"compound_id"`
	Address    string       `json:"address"`
	HeadName   string       `json:"head_name"`
	Size       int          `json:"size"`
	Active     bool         `json:"active"`
	Version    int64        `json:"version"`
	Members    []personJSON `json:"members,omitempty"`
}

func pplHouseholdJSON(h *people.Household) householdJSON {
	return householdJSON{ID: h.ID, UnitID: h.UnitID, UnitName: h.UnitName, CompoundID: h.CompoundID, Address: h.Address,
		HeadName: h.HeadName, Size: h.Size, Active: h.Active, Version: h.Version}
}

// apiHouseholds is GET /api/v1/households?unit=&q=&inactive=&limit=&offset=.
func (s *Server) apiHouseholds(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := pplHouseholdFilter(q)
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
	list, total, err := s.db.Households(r.Context(), actor(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]householdJSON, 0, len(list))
	for i := range list {
		out = append(out, pplHouseholdJSON(&list[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"households": out, "total": total})
}

// apiHousehold is GET /api/v1/households/{id}: the household with its members and links.
func (s *Server) apiHousehold(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiHouseholdAnswer(w, r, http.StatusOK, id)
}

func (s *Server) apiHouseholdAnswer(w http.ResponseWriter, r *http.Request, status int, id int64) {
	h, err := s.db.Household(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	links, err := s.db.AssignmentsTargeting(r.Context(), actor(r), 0, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hj := pplHouseholdJSON(h)
	hj.Members = pplPeopleJSON(principal(r), h.Members)
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/households/"+strconv.FormatInt(id, 10))
	}
	writeJSON(w, status, map[string]any{"household": hj, "links": s.pplAssignmentsJSON(links)})
}

// householdInput is the body of POST and PUT /api/v1/households; on PUT, fields left out keep
// their stored values, and version is required.
type householdInput struct {
	UnitID     *int64  `json:"unit_id"`
	CompoundID *int64  `json:"compound_id"`
	Address    *string `json:"address"`
	Active     *bool   `json:"active"`
	Version    *int64  `json:"version"`
}

func (in *householdInput) apply(h *people.Household) {
	if in.UnitID != nil {
		h.UnitID = *in.UnitID
	}
	if in.CompoundID != nil {
		h.CompoundID = *in.CompoundID
	}
	if in.Address != nil {
		h.Address = *in.Address
	}
	if in.Active != nil {
		h.Active = *in.Active
	}
}

// apiHouseholdCreate is POST /api/v1/households.
func (s *Server) apiHouseholdCreate(w http.ResponseWriter, r *http.Request) {
	var in householdInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	h := &people.Household{}
	in.apply(h)
	if err := s.db.CreateHousehold(r.Context(), actor(r), h); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiHouseholdAnswer(w, r, http.StatusCreated, h.ID)
}

// apiHouseholdUpdate is PUT /api/v1/households/{id}.
func (s *Server) apiHouseholdUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	old, err := s.db.Household(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in householdInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Version == nil {
		s.fail(w, r, errs.Invalid(errs.Field("version", "validation.required")))
		return
	}
	h := *old
	h.Members = nil
	in.apply(&h)
	h.Version = *in.Version
	if err := s.db.UpdateHousehold(r.Context(), actor(r), &h); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiHouseholdAnswer(w, r, http.StatusOK, id)
}
