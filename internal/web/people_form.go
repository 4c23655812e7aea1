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

// personFormData is what the person form offers.
type personFormData struct {
	Person     *people.Person // nil for a new person
	Action     string
	Cancel     string
	Unit       int64  // the unit the form was opened for (new people)
	HQ         string // household search
	Units      []pplChoice
	Households []pplChoice
	Genders    []pplChoice
	Relations  []pplChoice
	Categories []pplChoice
}

// pplBranchRoot is the unit whose subtree a form offers for placing a record near unitID: the
// village or community above a grid or building (when the actor sees it), else the unit itself.
func (s *Server) pplBranchRoot(r *http.Request, unitID int64) int64 {
	if unitID == 0 {
		return 0
	}
	u, err := s.db.Unit(r.Context(), actor(r), unitID)
	if err != nil {
		return 0
	}
	if u.Kind != org.Grid && u.Kind != org.Building {
		return u.ID
	}
	up, err := s.db.Ancestors(r.Context(), actor(r), unitID)
	if err != nil {
		return u.ID
	}
	for i := len(up) - 1; i >= 0; i-- {
		if up[i].Kind.IsBranch() {
			return up[i].ID
		}
	}
	return u.ID
}

// pplPersonForm builds the form's choices around the values in v. It never fails on a unit or
// household the user typed that is out of reach: those get their field error from the store.
func (s *Server) pplPersonForm(r *http.Request, v url.Values, old *people.Person) (*personFormData, error) {
	ctx, a := r.Context(), actor(r)
	d := &personFormData{Action: "/people", Cancel: "/people", HQ: strings.TrimSpace(r.URL.Query().Get("hq"))}
	unitID, _ := formInt(v, "unit_id")
	if old != nil {
		d.Person, d.Action, d.Cancel = old, "/people/"+strconv.FormatInt(old.ID, 10), "/people/"+strconv.FormatInt(old.ID, 10)
		if unitID == 0 {
			unitID = old.UnitID
		}
	} else {
		d.Unit, _ = formInt(r.URL.Query(), "unit")
		if unitID == 0 {
			unitID = d.Unit
		}
	}
	root := s.pplBranchRoot(r, unitID)
	units, err := s.pplUnitChoices(r, root, unitID)
	if err != nil {
		return nil, err
	}
	d.Units = units
	hid, _ := formInt(v, "household_id")
	hs, _, err := s.db.Households(ctx, a, storage.HouseholdFilter{UnitID: root, Query: d.HQ, Limit: 300})
	if err != nil {
		return nil, err
	}
	found := false
	for _, h := range hs {
		found = found || h.ID == hid
		d.Households = append(d.Households, pplChoice{Value: strconv.FormatInt(h.ID, 10), Text: h.Address + " · " + h.UnitName, Selected: h.ID == hid})
	}
	if hid != 0 && !found {
		if h, err := s.db.Household(ctx, a, hid); err == nil {
			d.Households = append([]pplChoice{{Value: strconv.FormatInt(h.ID, 10), Text: h.Address + " · " + h.UnitName, Selected: true}}, d.Households...)
		}
	}
	d.Genders = pplKeyChoices(pplGenders, "people.gender.", v.Get("gender"))
	d.Relations = pplKeyChoices(people.Relations, "people.relation.", v.Get("relation"))
	d.Categories = pplKeyChoices(people.Categories, "people.category.", v["categories"]...)
	return d, nil
}

// pplPersonValues are a person's fields as the form shows them, numbers masked as the viewer
// must see them.
func pplPersonValues(p *people.Person, pp *authz.Principal) url.Values {
	v := url.Values{}
	v.Set("unit_id", strconv.FormatInt(p.UnitID, 10))
	if p.HouseholdID != 0 {
		v.Set("household_id", strconv.FormatInt(p.HouseholdID, 10))
	}
	v.Set("relation", string(p.Relation))
	v.Set("name", p.Name)
	v.Set("gender", p.Gender)
	v.Set("birth_date", p.BirthDate)
	v.Set("phone", phoneFor(pp, p.Phone, p.UnitPath))
	v.Set("id_number", idNumberFor(pp, p.IDNumber, p.UnitPath))
	if p.PartyMember {
		v.Set("party_member", "1")
	}
	v.Set("joined_party_on", p.JoinedPartyOn)
	for _, c := range p.Categories {
		v.Add("categories", string(c))
	}
	v.Set("version", strconv.FormatInt(p.Version, 10))
	return v
}

// pplApplyPerson copies a submitted form onto p. For an edit (old not nil) a phone or ID number
// sent back exactly as it was shown masked keeps the stored one.
func (s *Server) pplApplyPerson(r *http.Request, v url.Values, p, old *people.Person) error {
	var fe []errs.FieldError
	p.UnitID = pplID(v, "unit_id", &fe)
	p.HouseholdID = pplID(v, "household_id", &fe)
	p.Relation = people.Relation(strings.TrimSpace(v.Get("relation")))
	p.Name = v.Get("name")
	p.Gender = strings.TrimSpace(v.Get("gender"))
	p.BirthDate = strings.TrimSpace(v.Get("birth_date"))
	p.Phone = strings.TrimSpace(v.Get("phone"))
	p.IDNumber = strings.TrimSpace(v.Get("id_number"))
	p.PartyMember = v.Get("party_member") != ""
	p.JoinedPartyOn = strings.TrimSpace(v.Get("joined_party_on"))
	p.Categories = nil
	for _, c := range v["categories"] {
		p.Categories = append(p.Categories, people.Category(c))
	}
	s.pplFinishPerson(r, p, old)
	return pplMergeInvalid(fe, p.Validate(s.clock.Now()))
}

// pplFinishPerson fills what a form or request may leave out: a person put in a household
// belongs to the household's unit; masked numbers sent back unchanged keep the stored ones.
func (s *Server) pplFinishPerson(r *http.Request, p, old *people.Person) {
	if p.UnitID == 0 && p.HouseholdID != 0 {
		if h, err := s.db.Household(r.Context(), actor(r), p.HouseholdID); err == nil {
			p.UnitID = h.UnitID
		}
	}
	if old != nil {
		pp := principal(r)
		p.Phone = pplKeepMasked(p.Phone, old.Phone, phoneFor(pp, old.Phone, old.UnitPath))
		p.IDNumber = pplKeepMasked(p.IDNumber, old.IDNumber, idNumberFor(pp, old.IDNumber, old.UnitPath))
	}
}

// pplMergeInvalid joins field errors found while reading input with a validation error.
func pplMergeInvalid(fe []errs.FieldError, err error) error {
	if err == nil {
		return errs.FieldsOf(fe)
	}
	if len(fe) == 0 {
		return err
	}
	return errs.Invalid(append(fe, errs.As(err).Fields...)...)
}

// personNew is GET /people/new (?unit=, ?household= to start in a household).
func (s *Server) personNew(w http.ResponseWriter, r *http.Request) {
	if err := pplNeed(r, authz.EditPeople); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	v := url.Values{}
	if u := q.Get("unit"); u != "" {
		v.Set("unit_id", u)
	}
	if hid, _ := formInt(q, "household"); hid != 0 {
		h, err := s.db.Household(r.Context(), actor(r), hid)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Set("household_id", strconv.FormatInt(h.ID, 10))
		v.Set("unit_id", strconv.FormatInt(h.UnitID, 10))
		if h.Size == 0 {
			v.Set("relation", "head")
		}
	}
	d, err := s.pplPersonForm(r, v, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "people_form", &Page{Title: "people.new.title", Form: v, Data: d})
}

// pplPersonFormFail shows the form again with what was entered and the errors next to fields.
func (s *Server) pplPersonFormFail(w http.ResponseWriter, r *http.Request, old *people.Person, err error) {
	title := "people.new.title"
	if old != nil {
		title = "people.edit.title"
	}
	d, derr := s.pplPersonForm(r, r.PostForm, old)
	if derr != nil {
		s.fail(w, r, err)
		return
	}
	s.formFail(w, r, "people_form", &Page{Title: title, Form: r.PostForm, Data: d}, err)
}

// personCreate is POST /people.
func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) {
	p := &people.Person{}
	err := s.pplApplyPerson(r, r.PostForm, p, nil)
	if err == nil {
		err = s.db.CreatePerson(r.Context(), actor(r), p)
	}
	if err != nil {
		s.pplPersonFormFail(w, r, nil, err)
		return
	}
	redirectFlash(w, r, "/people/"+strconv.FormatInt(p.ID, 10), "flash.people.created")
}

// personEdit is GET /people/{id}/edit.
func (s *Server) personEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.db.Person(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !principal(r).CanAt(authz.EditPeople, p.UnitPath) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	v := pplPersonValues(p, principal(r))
	d, err := s.pplPersonForm(r, v, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "people_form", &Page{Title: "people.edit.title", Form: v, Data: d})
}

// personUpdate is POST /people/{id}.
func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) {
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
	p := *old
	err = s.pplApplyPerson(r, r.PostForm, &p, old)
	p.Version = pplVersion(r.PostFormValue("version"))
	if err == nil {
		err = s.db.UpdatePerson(r.Context(), actor(r), &p)
	}
	if err != nil {
		s.pplPersonFormFail(w, r, old, err)
		return
	}
	redirectFlash(w, r, "/people/"+strconv.FormatInt(id, 10), "flash.people.saved")
}

// personSetActive is POST /people/{id}/active: deactivate (active=0) or reactivate a person.
// People are never deleted: their history stays.
func (s *Server) personSetActive(w http.ResponseWriter, r *http.Request) {
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
	p := *old
	p.Active = r.PostFormValue("active") == "1"
	p.Version = pplVersion(r.PostFormValue("version"))
	if err := s.db.UpdatePerson(r.Context(), actor(r), &p); err != nil {
		s.fail(w, r, err)
		return
	}
	flash := "flash.people.deactivated"
	if p.Active {
		flash = "flash.people.activated"
	}
	redirectFlash(w, r, "/people/"+strconv.FormatInt(id, 10), flash)
}
