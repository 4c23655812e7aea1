package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// assignmentFormData is what the form for a new assignment of one kind offers: the responsible
// people and the targets, both taken from the unit the form was opened for.
type assignmentFormData struct {
	Kind        string
	Kinds       []pplChoice
	Scope       *pplScope
	Unit        *org.Unit
	People      []pplChoice
	PeopleHint  string // catalogue key: who may be chosen
	Targets     []pplChoice
	TargetField string // unit_id, household_id or member_id
	TargetLabel string // catalogue key
}

// pplTownAbove is the town above unitID when the actor sees it, else unitID: first secretaries
// and area leads are cadres of the town as much as of the village.
func (s *Server) pplTownAbove(r *http.Request, u *org.Unit) int64 {
	if u.Kind == org.Town {
		return u.ID
	}
	up, err := s.db.Ancestors(r.Context(), actor(r), u.ID)
	if err != nil {
		return u.ID
	}
	for i := len(up) - 1; i >= 0; i-- {
		if up[i].Kind == org.Town {
			return up[i].ID
		}
	}
	return u.ID
}

// pplAssignmentForm builds the form for kind at unitID (0: the actor's first unit), with the
// values in v selected.
func (s *Server) pplAssignmentForm(r *http.Request, kind people.AssignmentKind, unitID int64, v url.Values) (*assignmentFormData, error) {
	ctx, a := r.Context(), actor(r)
	if !slices.Contains(people.AssignmentKinds, kind) {
		kind = people.HouseholdLink
	}
	if unitID == 0 {
		tops, err := s.db.TopUnits(ctx, a)
		if err != nil {
			return nil, err
		}
		if len(tops) == 0 {
			return nil, errs.Forbidden()
		}
		unitID = tops[0].ID
	}
	sc, err := s.pplUnitScope(r, unitID)
	if err != nil {
		return nil, err
	}
	u := sc.Current
	d := &assignmentFormData{Kind: string(kind), Kinds: pplKeyChoices(people.AssignmentKinds, "assignments.kind.", string(kind)), Scope: sc, Unit: u}
	yes := true
	var pool storage.PeopleFilter
	switch kind {
	case people.FirstSecretary, people.AreaLead:
		pool = storage.PeopleFilter{UnitID: s.pplTownAbove(r, u), Category: people.Cadre}
		d.PeopleHint = "assignments.person.cadres"
		d.TargetField, d.TargetLabel = "unit_id", "assignments.field.unit"
		kinds := []org.Kind{org.Village, org.Community}
		if kind == people.AreaLead {
			kinds = []org.Kind{org.Town, org.Village, org.Community, org.Grid}
		}
		sel, _ := formInt(v, "unit_id")
		d.Targets, err = s.pplUnitChoices(r, u.ID, sel, kinds...)
		if err != nil {
			return nil, err
		}
	case people.HouseholdLink:
		pool = storage.PeopleFilter{UnitID: u.ID, PartyMember: &yes}
		d.PeopleHint = "assignments.person.members"
		d.TargetField, d.TargetLabel = "household_id", "assignments.field.household"
		sel, _ := formInt(v, "household_id")
		hs, _, err := s.db.Households(ctx, a, storage.HouseholdFilter{UnitID: u.ID, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			label := h.Address + " · " + h.UnitName
			if h.HeadName != "" {
				label += " · " + h.HeadName
			}
			d.Targets = append(d.Targets, pplChoice{Value: strconv.FormatInt(h.ID, 10), Text: label, Selected: h.ID == sel})
		}
	case people.MemberContact:
		pool = storage.PeopleFilter{UnitID: u.ID, Category: people.Cadre}
		d.PeopleHint = "assignments.person.cadres"
		d.TargetField, d.TargetLabel = "member_id", "assignments.field.member"
		sel, _ := formInt(v, "member_id")
		ms, _, err := s.db.People(ctx, a, storage.PeopleFilter{UnitID: u.ID, PartyMember: &yes, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			d.Targets = append(d.Targets, pplChoice{Value: strconv.FormatInt(m.ID, 10), Text: m.Name + " · " + m.UnitName, Selected: m.ID == sel})
		}
	}
	pool.Limit = 1000
	ps, _, err := s.db.People(ctx, a, pool)
	if err != nil {
		return nil, err
	}
	sel, _ := formInt(v, "person_id")
	for _, p := range ps {
		d.People = append(d.People, pplChoice{Value: strconv.FormatInt(p.ID, 10), Text: p.Name + " · " + p.UnitName, Selected: p.ID == sel})
	}
	return d, nil
}

// assignmentNew is GET /assignments/new?unit=&kind= (and person_id, household_id, member_id,
// unit_id to preselect, as the coverage check links do).
func (s *Server) assignmentNew(w http.ResponseWriter, r *http.Request) {
	if err := pplNeed(r, authz.EditAssign); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	unitID, f := formInt(q, "unit")
	if f != nil {
		s.fail(w, r, errs.Invalid(*f))
		return
	}
	v := url.Values{}
	for _, k := range []string{"person_id", "unit_id", "household_id", "member_id"} {
		if x := q.Get(k); x != "" {
			v.Set(k, x)
		}
	}
	v.Set("starts_on", s.pplToday())
	d, err := s.pplAssignmentForm(r, people.AssignmentKind(q.Get("kind")), unitID, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "assignments_form", &Page{Title: "assignments.new.title", Form: v, Data: d})
}

// assignmentCreate is POST /assignments.
func (s *Server) assignmentCreate(w http.ResponseWriter, r *http.Request) {
	v := r.PostForm
	var fe []errs.FieldError
	x := &people.Assignment{
		Kind:        people.AssignmentKind(v.Get("kind")),
		PersonID:    pplID(v, "person_id", &fe),
		UnitID:      pplID(v, "unit_id", &fe),
		HouseholdID: pplID(v, "household_id", &fe),
		MemberID:    pplID(v, "member_id", &fe),
		StartsOn:    strings.TrimSpace(v.Get("starts_on")),
		EndsOn:      strings.TrimSpace(v.Get("ends_on")),
		Note:        strings.TrimSpace(v.Get("note")),
	}
	scopeUnit := pplID(v, "scope_unit", &fe)
	err := pplMergeInvalid(fe, x.Validate())
	if err == nil {
		err = s.db.CreateAssignment(r.Context(), actor(r), x)
	}
	if err != nil {
		d, derr := s.pplAssignmentForm(r, x.Kind, scopeUnit, v)
		if derr != nil {
			s.fail(w, r, err)
			return
		}
		s.formFail(w, r, "assignments_form", &Page{Title: "assignments.new.title", Form: v, Data: d}, err)
		return
	}
	to := "/assignments?kind=" + url.QueryEscape(string(x.Kind))
	if scopeUnit != 0 {
		to += "&unit=" + strconv.FormatInt(scopeUnit, 10)
	}
	redirectFlash(w, r, to, "flash.assignments.created")
}

// assignmentEndData is the form that ends an assignment.
type assignmentEndData struct {
	Assignment *people.Assignment
}

// assignmentEndForm is GET /assignments/{id}/end.
func (s *Server) assignmentEndForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	x, err := s.db.Assignment(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := url.Values{"ends_on": {s.pplToday()}, "version": {strconv.FormatInt(x.Version, 10)}}
	s.render(w, r, http.StatusOK, "assignments_end", &Page{Title: "assignments.end.title", Form: v, Data: assignmentEndData{x}})
}

// pplEndAssignment reads an end date and ends the assignment; the store checks scope, version
// and that the end is not before the start.
func (s *Server) pplEndAssignment(r *http.Request, id int64, endsOn string, version int64) error {
	endsOn = strings.TrimSpace(endsOn)
	if endsOn == "" {
		return errs.Invalid(errs.Field("ends_on", "validation.required"))
	}
	if _, err := people.ParseDate(endsOn); err != nil {
		return errs.Invalid(errs.Field("ends_on", "validation.date"))
	}
	return s.db.EndAssignment(r.Context(), actor(r), id, endsOn, version)
}

// assignmentEnd is POST /assignments/{id}/end.
func (s *Server) assignmentEnd(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	x, err := s.db.Assignment(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.pplEndAssignment(r, id, r.PostFormValue("ends_on"), pplVersion(r.PostFormValue("version"))); err != nil {
		s.formFail(w, r, "assignments_end", &Page{Title: "assignments.end.title", Form: r.PostForm, Data: assignmentEndData{x}}, err)
		return
	}
	redirectFlash(w, r, "/assignments?unit="+strconv.FormatInt(x.UnitID, 10), "flash.assignments.ended")
}
