package web

import (
	"net/http"
	"strings"
	"time"

	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/storage"
)

// apiUnit is a unit in the JSON API. The field names are part of the API and do not change.
type apiUnit struct {
	ID         int64     `json:"id"`
	ParentID   *int64    `json:"parent_id"` // null for a root
	ParentName string    `json:"parent_name"`
	Kind       org.Kind  `json:"kind"`
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	Depth      int       `json:"depth"`
	Active     bool      `json:"active"`
	Children   int       `json:"children"` // direct children, inactive ones included
	Version    int64     `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func toAPIUnit(u *org.Unit) apiUnit {
	x := apiUnit{ID: u.ID, ParentName: u.ParentName, Kind: u.Kind, Code: u.Code, Name: u.Name, Depth: u.Depth,
		Active: u.Active, Children: u.Children, Version: u.Version, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	if u.ParentID != 0 {
		p := u.ParentID
		x.ParentID = &p
	}
	return x
}

// apiUnitList is the answer of GET /api/v1/units: one page of units and how many match.
type apiUnitList struct {
	Units []apiUnit `json:"units"`
	Total int       `json:"total"`
}

// apiCompound is a residential compound (小区) in the JSON API.
type apiCompound struct {
	ID           int64  `json:"id"`
	UnitID       int64  `json:"unit_id"`
	UnitName     string `json:"unit_name"`
	Name         string `json:"name"`
	Address      string `json:"address"`
	ThreeWithout bool   `json:"three_without"` // 三无小区
	RedCommittee bool   `json:"red_committee"` // 红色业委会
	Active       bool   `json:"active"`
	Version      int64  `json:"version"`
}

func toAPICompound(c *org.Compound) apiCompound {
	return apiCompound{ID: c.ID, UnitID: c.UnitID, UnitName: c.UnitName, Name: c.Name, Address: c.Address,
		ThreeWithout: c.ThreeWithout, RedCommittee: c.RedCommittee, Active: c.Active, Version: c.Version}
}

// apiCompoundList is the answer of GET /api/v1/units/{id}/compounds.
type apiCompoundList struct {
	Compounds []apiCompound `json:"compounds"`
}

// apiUnitCreateRequest is the body of POST /api/v1/units.
type apiUnitCreateRequest struct {
	ParentID int64    `json:"parent_id"`
	Kind     org.Kind `json:"kind"`
	Code     string   `json:"code"`
	Name     string   `json:"name"`
}

// apiUnitUpdateRequest is the body of PATCH /api/v1/units/{id}; a field left out keeps its value.
type apiUnitUpdateRequest struct {
	Name    *string `json:"name"`
	Code    *string `json:"code"`
	Version int64   `json:"version"`
}

// apiUnitMoveRequest is the body of POST /api/v1/units/{id}/move.
type apiUnitMoveRequest struct {
	ParentID int64 `json:"parent_id"`
	Version  int64 `json:"version"`
}

// apiVersionRequest is the body of the deactivate and activate calls.
type apiVersionRequest struct {
	Version int64 `json:"version"`
}

// apiCompoundRequest is the body of POST /api/v1/compounds and PUT /api/v1/compounds/{id}.
// On PUT, a unit_id of 0 keeps the unit and a missing active keeps the status.
type apiCompoundRequest struct {
	UnitID       int64  `json:"unit_id"`
	Name         string `json:"name"`
	Address      string `json:"address"`
	ThreeWithout bool   `json:"three_without"`
	RedCommittee bool   `json:"red_committee"`
	Active       *bool  `json:"active"`
	Version      int64  `json:"version"`
}

// errVersionRequired is the error for a change that does not say which version it read.
func errVersionRequired() error { return errs.Invalid(errs.Field("version", "validation.required")) }

// apiUnits lists units: ?parent= (children of), ?under= (subtree of), ?kind=, ?q= (name or
// code), ?inactive=1, ?limit=, ?offset=.
func (s *Server) apiUnits(w http.ResponseWriter, r *http.Request) {
	ctx, a, q := r.Context(), actor(r), r.URL.Query()
	var fields []errs.FieldError
	num := func(name string) int64 {
		n, fe := formInt(q, name)
		if fe != nil {
			fields = append(fields, *fe)
		}
		return n
	}
	f := storage.UnitFilter{ParentID: num("parent"), Under: num("under"), Query: strings.TrimSpace(q.Get("q")),
		IncludeInactive: truthy(q.Get("inactive")), Limit: int(min(num("limit"), 1000)), Offset: int(min(num("offset"), 1<<30))}
	kinds, err := kindsParam(q["kind"])
	if err != nil {
		fields = append(fields, errs.As(err).Fields...)
	}
	f.Kinds = kinds
	if err := errs.FieldsOf(fields); err != nil {
		s.fail(w, r, err)
		return
	}
	// A parent or subtree out of scope is not found, not an empty list.
	for _, id := range []int64{f.ParentID, f.Under} {
		if id != 0 {
			if _, err := s.db.Unit(ctx, a, id); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	}
	us, total, err := s.db.Units(ctx, a, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := apiUnitList{Units: []apiUnit{}, Total: total}
	for i := range us {
		out.Units = append(out.Units, toAPIUnit(&us[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

// apiUnit answers one unit.
func (s *Server) apiUnit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.db.Unit(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIUnit(u))
}

// writeUnit answers a unit as it now stands, after a change.
func (s *Server) writeUnit(w http.ResponseWriter, r *http.Request, status int, id int64) {
	u, err := s.db.Unit(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, status, toAPIUnit(u))
}

// apiUnitCreate adds a unit under parent_id.
func (s *Server) apiUnitCreate(w http.ResponseWriter, r *http.Request) {
	var req apiUnitCreateRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.ParentID == 0 {
		s.fail(w, r, errs.Invalid(errs.Field("parent_id", "validation.required")))
		return
	}
	if _, err := s.editableUnit(r, req.ParentID); err != nil {
		s.fail(w, r, err)
		return
	}
	u := &org.Unit{ParentID: req.ParentID, Kind: req.Kind, Code: req.Code, Name: req.Name}
	if err := s.db.CreateUnit(r.Context(), actor(r), u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeUnit(w, r, http.StatusCreated, u.ID)
}

// apiUnitUpdate renames a unit or changes its code.
func (s *Server) apiUnitUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.editableUnit(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req apiUnitUpdateRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Version == 0 {
		s.fail(w, r, errVersionRequired())
		return
	}
	up := storage.UnitUpdate{Name: u.Name, Code: u.Code, Version: req.Version}
	if req.Name != nil {
		up.Name = *req.Name
	}
	if req.Code != nil {
		up.Code = *req.Code
	}
	if _, err := s.db.UpdateUnit(r.Context(), actor(r), id, up); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeUnit(w, r, http.StatusOK, id)
}

// apiUnitMove moves a unit and its subtree under parent_id.
func (s *Server) apiUnitMove(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.editableUnit(r, id); err != nil {
		s.fail(w, r, err)
		return
	}
	var req apiUnitMoveRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	var fields []errs.FieldError
	if req.ParentID == 0 {
		fields = append(fields, errs.Field("parent_id", "validation.required"))
	}
	if req.Version == 0 {
		fields = append(fields, errs.Field("version", "validation.required"))
	}
	if err := errs.FieldsOf(fields); err != nil {
		s.fail(w, r, err)
		return
	}
	_, err = s.db.MoveUnit(r.Context(), actor(r), id, req.ParentID, req.Version)
	if errs.Code(err) == errs.EFORBIDDEN {
		// The unit is editable (checked above): it is the new parent the caller may not edit.
		err = errs.Invalid(errs.Field("parent_id", "org.parent.not_found"))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeUnit(w, r, http.StatusOK, id)
}

func (s *Server) apiUnitDeactivate(w http.ResponseWriter, r *http.Request) {
	s.apiUnitSetActive(w, r, false)
}

func (s *Server) apiUnitActivate(w http.ResponseWriter, r *http.Request) {
	s.apiUnitSetActive(w, r, true)
}

// apiUnitSetActive deactivates a unit with its subtree, or reactivates it.
func (s *Server) apiUnitSetActive(w http.ResponseWriter, r *http.Request, active bool) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.editableUnit(r, id); err != nil {
		s.fail(w, r, err)
		return
	}
	var req apiVersionRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Version == 0 {
		s.fail(w, r, errVersionRequired())
		return
	}
	if _, err := s.db.SetUnitActive(r.Context(), actor(r), id, active, req.Version); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeUnit(w, r, http.StatusOK, id)
}

// apiUnitCompounds lists the compounds in a unit's subtree.
func (s *Server) apiUnitCompounds(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, a := r.Context(), actor(r)
	if _, err := s.db.Unit(ctx, a, id); err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.db.Compounds(ctx, a, storage.CompoundFilter{UnitID: id, Limit: 1000})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := apiCompoundList{Compounds: []apiCompound{}}
	for i := range cs {
		out.Compounds = append(out.Compounds, toAPICompound(&cs[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

// apiCompound answers one compound.
func (s *Server) apiCompound(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeCompound(w, r, http.StatusOK, id)
}

func (s *Server) writeCompound(w http.ResponseWriter, r *http.Request, status int, id int64) {
	c, err := s.db.Compound(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, status, toAPICompound(c))
}

// apiCompoundCreate adds a compound to a village, community or grid.
func (s *Server) apiCompoundCreate(w http.ResponseWriter, r *http.Request) {
	var req apiCompoundRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.UnitID == 0 {
		s.fail(w, r, errs.Invalid(errs.Field("unit_id", "validation.required")))
		return
	}
	if _, err := s.editableUnit(r, req.UnitID); err != nil {
		s.fail(w, r, err)
		return
	}
	c := &org.Compound{UnitID: req.UnitID, Name: req.Name, Address: req.Address, ThreeWithout: req.ThreeWithout, RedCommittee: req.RedCommittee}
	if err := s.db.SaveCompound(r.Context(), actor(r), c); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeCompound(w, r, http.StatusCreated, c.ID)
}

// apiCompoundUpdate replaces a compound's fields.
func (s *Server) apiCompoundUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, a := r.Context(), actor(r)
	old, err := s.db.Compound(ctx, a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.editableUnit(r, old.UnitID); err != nil {
		s.fail(w, r, err)
		return
	}
	var req apiCompoundRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Version == 0 {
		s.fail(w, r, errVersionRequired())
		return
	}
	c := &org.Compound{ID: id, UnitID: old.UnitID, Name: req.Name, Address: req.Address, ThreeWithout: req.ThreeWithout,
		RedCommittee: req.RedCommittee, Active: old.Active, Version: req.Version}
	if req.UnitID != 0 {
		// The store checks that the caller may edit the new unit too.
		c.UnitID = req.UnitID
	}
	if req.Active != nil {
		c.Active = *req.Active
	}
	if err := s.db.SaveCompound(ctx, a, c); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeCompound(w, r, http.StatusOK, id)
}
