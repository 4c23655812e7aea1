package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/storage"
)

// caseFormData is what the case entry form offers.
type caseFormData struct {
	Units      []pplChoice
	Lists      []pplChoice
	Categories []pplChoice
	Urgencies  []pplChoice
	Channels   []pplChoice
	Unit       int64  // the unit the reporter search looks in
	RQ         string // the reporter search
	Searched   bool
	Reporters  []pplChoice
	Households []pplChoice
}

// caseReportUnits lists the villages, communities and grids where the user may enter cases, in
// tree order and indented.
func (s *Server) caseReportUnits(r *http.Request, selected int64) ([]pplChoice, error) {
	pp := principal(r)
	us, _, err := s.db.Units(r.Context(), actor(r), storage.UnitFilter{Kinds: []org.Kind{org.Village, org.Community, org.Grid}, Limit: 1000})
	if err != nil {
		return nil, err
	}
	us = slices.DeleteFunc(us, func(u org.Unit) bool { return !pp.CanAt(authz.ReportCases, u.Path) })
	// Codes extend their parent's, so code order is tree order.
	slices.SortFunc(us, func(x, y org.Unit) int { return strings.Compare(x.Code, y.Code) })
	top := 0
	for i, u := range us {
		if i == 0 || u.Depth < top {
			top = u.Depth
		}
	}
	out := make([]pplChoice, 0, len(us))
	for _, u := range us {
		out = append(out, pplChoice{Value: strconv.FormatInt(u.ID, 10), Text: strings.Repeat("　", max(u.Depth-top, 0)) + u.Name, Selected: u.ID == selected})
	}
	return out, nil
}

// caseForm builds the entry form's choices around the values in v; rq searches for the reporter
// among the registered people of the chosen unit.
func (s *Server) caseForm(r *http.Request, v url.Values, rq string) (*caseFormData, error) {
	ctx, a, pr := r.Context(), actor(r), s.printer(r)
	unitID, _ := formInt(v, "unit_id")
	units, err := s.caseReportUnits(r, unitID)
	if err != nil {
		return nil, err
	}
	cc, err := s.caseCategories(r)
	if err != nil {
		return nil, err
	}
	catID, _ := formInt(v, "category_id")
	d := &caseFormData{Units: units, Unit: unitID, RQ: strings.TrimSpace(rq),
		Lists:      pplKeyChoices(cases.Lists, "cases.list.", v.Get("list")),
		Categories: cc.choices(pr, catID),
		Urgencies:  pplKeyChoices(cases.Urgencies, "cases.urgency.", v.Get("urgency")),
		Channels:   pplKeyChoices(caseEntryChannels, "cases.channel.", v.Get("channel"))}
	pid, _ := formInt(v, "reporter_person_id")
	hid, _ := formInt(v, "reporter_household_id")
	seenP, seenH := map[int64]bool{}, map[int64]bool{}
	addPerson := func(id int64, name, unit string) {
		if !seenP[id] {
			seenP[id] = true
			d.Reporters = append(d.Reporters, pplChoice{Value: strconv.FormatInt(id, 10), Text: name + " · " + unit, Selected: id == pid})
		}
	}
	addHousehold := func(id int64, addr string) {
		if id != 0 && !seenH[id] {
			seenH[id] = true
			d.Households = append(d.Households, pplChoice{Value: strconv.FormatInt(id, 10), Text: addr, Selected: id == hid})
		}
	}
	// What was picked stays offered when the form is shown again.
	if pid != 0 {
		if p, err := s.db.Person(ctx, a, pid); err == nil {
			addPerson(p.ID, p.Name, p.UnitName)
			addHousehold(p.HouseholdID, p.Household)
		}
	}
	if hid != 0 {
		if h, err := s.db.Household(ctx, a, hid); err == nil {
			addHousehold(h.ID, h.Address)
		}
	}
	if d.RQ != "" {
		d.Searched = true
		ps, err := s.db.CaseReporters(ctx, a, unitID, d.RQ, 30)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			addPerson(p.ID, p.Name, p.UnitName)
			addHousehold(p.HouseholdID, p.Household)
		}
		if principal(r).Can(authz.ViewPeople) {
			hs, _, err := s.db.Households(ctx, a, storage.HouseholdFilter{UnitID: unitID, Query: d.RQ, Limit: 30})
			if err != nil {
				return nil, err
			}
			for _, h := range hs {
				if principal(r).CanAt(authz.ReportCases, s.caseUnitPath(r, h.UnitID)) {
					addHousehold(h.ID, h.Address)
				}
			}
		}
	}
	return d, nil
}

// caseUnitPath is the path of a unit the user sees ("" when they do not).
func (s *Server) caseUnitPath(r *http.Request, id int64) string {
	u, err := s.db.Unit(r.Context(), actor(r), id)
	if err != nil {
		return ""
	}
	return u.Path
}

// caseFromForm reads a case from the entry form.
func caseFromForm(v url.Values) (*cases.Case, error) {
	var fe []errs.FieldError
	c := &cases.Case{
		UnitID:              pplID(v, "unit_id", &fe),
		List:                cases.List(strings.TrimSpace(v.Get("list"))),
		CategoryID:          pplID(v, "category_id", &fe),
		Urgency:             cases.Urgency(strings.TrimSpace(v.Get("urgency"))),
		Channel:             cases.Channel(strings.TrimSpace(v.Get("channel"))),
		Title:               v.Get("title"),
		Description:         v.Get("description"),
		Address:             v.Get("address"),
		ReporterPersonID:    pplID(v, "reporter_person_id", &fe),
		ReporterHouseholdID: pplID(v, "reporter_household_id", &fe),
		ReporterName:        v.Get("reporter_name"),
		ReporterPhone:       v.Get("reporter_phone"),
	}
	lat, lng := strings.TrimSpace(v.Get("lat")), strings.TrimSpace(v.Get("lng"))
	if lat != "" || lng != "" {
		x, err1 := strconv.ParseFloat(lat, 64)
		y, err2 := strconv.ParseFloat(lng, 64)
		if err1 != nil || err2 != nil {
			fe = append(fe, errs.Field("lat", "cases.coordinates.invalid"))
		} else {
			c.Lat, c.Lng = &x, &y
		}
	}
	return c, errs.FieldsOf(fe)
}

// caseCheckEntry holds an official's entry to what the store does not check: a unit is chosen,
// the channel is one officials enter through, and the list defaults to the category's.
func caseCheckEntry(c *cases.Case, cc *caseCats) error {
	var fe []errs.FieldError
	if c.UnitID == 0 {
		fe = append(fe, errs.Field("unit_id", "validation.required"))
	}
	if c.Channel != "" && !slices.Contains(caseEntryChannels, c.Channel) {
		fe = append(fe, errs.Field("channel", "cases.channel.invalid"))
	}
	if c.List == "" {
		for _, x := range cc.list {
			if x.ID == c.CategoryID {
				c.List = x.List
			}
		}
	}
	if c.Urgency == "" {
		c.Urgency = cases.Normal
	}
	return errs.FieldsOf(fe)
}

// caseNew is GET /cases/new (?unit=, ?rq= to find the reporter among the unit's people).
func (s *Server) caseNew(w http.ResponseWriter, r *http.Request) {
	if !principal(r).Can(authz.ReportCases) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	q := r.URL.Query()
	v := url.Values{}
	for _, k := range []string{"unit_id", "list", "category_id", "urgency", "channel", "reporter_person_id", "reporter_household_id"} {
		if x := strings.TrimSpace(q.Get(k)); x != "" {
			v.Set(k, x)
		}
	}
	if u := strings.TrimSpace(q.Get("unit")); u != "" {
		v.Set("unit_id", u)
	}
	var fe []errs.FieldError
	unitID := pplID(v, "unit_id", &fe)
	if err := errs.FieldsOf(fe); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.caseCheckUnit(r, unitID); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Get("urgency") == "" {
		v.Set("urgency", string(cases.Normal))
	}
	v.Set("idempotency_key", newCaseKey())
	d, err := s.caseForm(r, v, q.Get("rq"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "cases_form", &Page{Title: "cases.web.new.title", Form: v, Data: d})
}

// caseCreate is POST /cases: an official enters a case, with photos. The form's idempotency
// key makes a second submit of the same form lead to the first case instead of a new one.
func (s *Server) caseCreate(w http.ResponseWriter, r *http.Request) {
	if err := caseParseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	if !principal(r).Can(authz.ReportCases) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	v := r.PostForm
	redisplay := func(err error) {
		d, ferr := s.caseForm(r, v, "")
		if ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		s.formFail(w, r, "cases_form", &Page{Title: "cases.web.new.title", Form: v, Data: d}, err)
	}
	cc, err := s.caseCategories(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, ferr := caseFromForm(v)
	key, err := caseIdemKey("web", principal(r).UserID, v.Get("idempotency_key"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := pplMergeInvalid(errs.As(ferr).Fields, caseCheckEntry(c, cc)); err != nil {
		// Report every problem at once: the store's own checks too.
		redisplay(pplMergeInvalid(errs.As(err).Fields, c.ValidateNew()))
		return
	}
	if err := s.caseCheckPhotos(r, "photos"); err != nil {
		redisplay(err)
		return
	}
	a := actor(r)
	created, err := s.db.CreateCase(r.Context(), a, c, storage.NewCase{IdempotencyKey: key})
	if err != nil {
		redisplay(err)
		return
	}
	to := "/cases/" + strconv.FormatInt(c.ID, 10)
	if !created {
		redirectFlash(w, r, to, "flash.cases.duplicate")
		return
	}
	if err := s.casePhotos(r, a, c.ID, "photos", "report"); err != nil {
		s.renderCase(w, r, c.ID, caseShowState{photoErr: err})
		return
	}
	redirectFlash(w, r, to, "flash.cases.created")
}
