package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// householdFormData is what the household form offers.
type householdFormData struct {
	Household *people.Household // nil for a new household
	Action    string
	Cancel    string
	Units     []pplChoice // grids and buildings
	Compounds []pplChoice
}

// pplHouseholdForm builds the form's choices around the values in v.
func (s *Server) pplHouseholdForm(r *http.Request, v url.Values, old *people.Household) (*householdFormData, error) {
	d := &householdFormData{Household: old, Action: "/households", Cancel: "/households"}
	unitID, _ := formInt(v, "unit_id")
	if old != nil {
		d.Action = "/households/" + strconv.FormatInt(old.ID, 10)
		d.Cancel = d.Action
		if unitID == 0 {
			unitID = old.UnitID
		}
	} else if unitID == 0 {
		unitID, _ = formInt(r.URL.Query(), "unit")
	}
	root := s.pplBranchRoot(r, unitID)
	units, err := s.pplUnitChoices(r, root, unitID, org.Grid, org.Building)
	if err != nil {
		return nil, err
	}
	d.Units = units
	cid, _ := formInt(v, "compound_id")
	cs, err := s.db.Compounds(r.Context(), actor(r), storage.CompoundFilter{UnitID: root, Limit: 500})
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		d.Compounds = append(d.Compounds, pplChoice{Value: strconv.FormatInt(c.ID, 10), Text: c.Name + " · " + c.UnitName, Selected: c.ID == cid})
	}
	return d, nil
}

func pplHouseholdValues(h *people.Household) url.Values {
	v := url.Values{}
	v.Set("unit_id", strconv.FormatInt(h.UnitID, 10))
	if h.CompoundID != 0 {
		v.Set("compound_id", strconv.FormatInt(h.CompoundID, 10))
	}
	v.Set("address", h.Address)
	v.Set("version", strconv.FormatInt(h.Version, 10))
	return v
}

func pplApplyHousehold(v url.Values, h *people.Household) error {
	var fe []errs.FieldError
	h.UnitID = pplID(v, "unit_id", &fe)
	h.CompoundID = pplID(v, "compound_id", &fe)
	h.Address = v.Get("address")
	if h.UnitID == 0 && len(fe) == 0 {
		fe = append(fe, errs.Field("unit_id", "validation.required"))
	}
	return pplMergeInvalid(fe, h.Validate())
}

// householdNew is GET /households/new (?unit=).
func (s *Server) householdNew(w http.ResponseWriter, r *http.Request) {
	if err := pplNeed(r, authz.EditPeople); err != nil {
		s.fail(w, r, err)
		return
	}
	v := url.Values{}
	if u := strings.TrimSpace(r.URL.Query().Get("unit")); u != "" {
		v.Set("unit_id", u)
	}
	d, err := s.pplHouseholdForm(r, v, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "households_form", &Page{Title: "households.new.title", Form: v, Data: d})
}

func (s *Server) pplHouseholdFormFail(w http.ResponseWriter, r *http.Request, old *people.Household, err error) {
	title := "households.new.title"
	if old != nil {
		title = "households.edit.title"
	}
	d, derr := s.pplHouseholdForm(r, r.PostForm, old)
	if derr != nil {
		s.fail(w, r, err)
		return
	}
	s.formFail(w, r, "households_form", &Page{Title: title, Form: r.PostForm, Data: d}, err)
}

// householdCreate is POST /households.
func (s *Server) householdCreate(w http.ResponseWriter, r *http.Request) {
	h := &people.Household{}
	err := pplApplyHousehold(r.PostForm, h)
	if err == nil {
		err = s.db.CreateHousehold(r.Context(), actor(r), h)
	}
	if err != nil {
		s.pplHouseholdFormFail(w, r, nil, err)
		return
	}
	redirectFlash(w, r, "/households/"+strconv.FormatInt(h.ID, 10), "flash.households.created")
}

// householdEdit is GET /households/{id}/edit.
func (s *Server) householdEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h, err := s.db.Household(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := pplHouseholdValues(h)
	d, err := s.pplHouseholdForm(r, v, h)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "households_form", &Page{Title: "households.edit.title", Form: v, Data: d})
}

// householdUpdate is POST /households/{id}.
func (s *Server) householdUpdate(w http.ResponseWriter, r *http.Request) {
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
	h := *old
	h.Members = nil
	err = pplApplyHousehold(r.PostForm, &h)
	h.Version = pplVersion(r.PostFormValue("version"))
	if err == nil {
		err = s.db.UpdateHousehold(r.Context(), actor(r), &h)
	}
	if err != nil {
		s.pplHouseholdFormFail(w, r, old, err)
		return
	}
	redirectFlash(w, r, "/households/"+strconv.FormatInt(id, 10), "flash.households.saved")
}

// householdSetActive is POST /households/{id}/active: deactivate (active=0) or reactivate.
func (s *Server) householdSetActive(w http.ResponseWriter, r *http.Request) {
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
	h := *old
	h.Members = nil
	h.Active = r.PostFormValue("active") == "1"
	h.Version = pplVersion(r.PostFormValue("version"))
	if err := s.db.UpdateHousehold(r.Context(), actor(r), &h); err != nil {
		s.fail(w, r, err)
		return
	}
	flash := "flash.households.deactivated"
	if h.Active {
		flash = "flash.households.activated"
	}
	redirectFlash(w, r, "/households/"+strconv.FormatInt(id, 10), flash)
}
