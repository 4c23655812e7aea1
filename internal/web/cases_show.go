package web

import (
	"net/http"
	"net/url"
	"strconv"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/storage"
)

// caseShowData is what a case's page shows: the case, its deadline, the whole timeline, and the
// forms of the actions the user may take now (and no others).
type caseShowData struct {
	Case        *cases.Case
	Category    string
	Late        bool
	Phone       string // the reporter's phone as the user may see it
	Tracking    bool   // the user is given the tracking code to hand to the resident
	Coords      string // latitude, longitude
	Can         map[string]bool
	Any         bool
	Events      []caseEventView
	Handlers    []pplChoice
	Departments []pplChoice
	Methods     []pplChoice
	Ratings     []pplChoice
	Photos      []storage.CasePhoto
	AddPhotos   bool // offer the form that adds photos to the case
	// A failed action's form is shown again with what was entered and what was wrong.
	Values map[string]url.Values
	Errs   map[string]map[string]string
	Open   string
}

// caseShowState is how a case page is shown after a step: with the error of a failed action and
// the values of its form, or the error of photos that could not be attached.
type caseShowState struct {
	failed   cases.Action
	form     url.Values
	err      error
	photoErr error
}

// caseShow is GET /cases/{id}.
func (s *Server) caseShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderCase(w, r, id, caseShowState{})
}

// renderCase shows a case's page, fresh from the store.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, id int64, st caseShowState) {
	ctx, a, pp, pr := r.Context(), actor(r), principal(r), s.printer(r)
	c, k, err := s.db.Case(ctx, a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	evs, err := s.db.CaseEvents(ctx, a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cc, err := s.caseCategories(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &caseShowData{Case: c, Category: cc.label(c.CategoryID, c.CategoryName), Late: c.Overdue || cases.IsOverdue(c.Status, c.Deadline, s.clock.Now()),
		Phone: phoneFor(pp, c.ReporterPhone, c.UnitPath), Tracking: caseShowsTracking(pp, c), Can: map[string]bool{},
		Events: caseEventViews(pr, evs), Values: map[string]url.Values{}, Errs: map[string]map[string]string{},
		Methods: pplKeyChoices(cases.Methods, "cases.method."), Ratings: pplKeyChoices(cases.Ratings, "cases.rating.")}
	if d.Photos, err = s.db.CasePhotos(ctx, a, id); err != nil {
		s.fail(w, r, err)
		return
	}
	if c.Lat != nil && c.Lng != nil {
		d.Coords = strconv.FormatFloat(*c.Lat, 'f', 6, 64) + ", " + strconv.FormatFloat(*c.Lng, 'f', 6, 64)
	}
	for _, act := range caseMay(c, k) {
		d.Can[string(act)] = true
	}
	if d.Can[string(cases.Dispatch)] {
		hs, err := s.db.CaseHandlers(ctx, a, c.UnitID)
		if err != nil && errs.Code(err) != errs.ENOTFOUND {
			s.fail(w, r, err)
			return
		}
		for _, p := range hs {
			d.Handlers = append(d.Handlers, pplChoice{Value: strconv.FormatInt(p.ID, 10), Text: p.Name + " · " + p.UnitName})
		}
		d.Can[string(cases.Dispatch)] = len(d.Handlers) > 0
	}
	if d.Can[string(cases.Escalate)] {
		ds, err := s.db.CaseDepartments(ctx, a, c.ID)
		if err != nil && errs.Code(err) != errs.EFORBIDDEN {
			s.fail(w, r, err)
			return
		}
		for _, u := range ds {
			if c.AssigneeKind == cases.ToDepartment && c.AssigneeID == u.ID {
				continue
			}
			d.Departments = append(d.Departments, pplChoice{Value: strconv.FormatInt(u.ID, 10), Text: u.Name})
		}
		d.Can[string(cases.Escalate)] = len(d.Departments) > 0
	}
	for _, v := range d.Can {
		d.Any = d.Any || v
	}
	d.AddPhotos = c.Status != cases.Closed && c.Status != cases.Rejected && (k.Manager || k.Handler || pp.CanAt(authz.ReportCases, c.UnitPath))
	page := &Page{Title: "cases.web.show.title", Data: d}
	status := http.StatusOK
	if st.err != nil {
		e := errs.As(st.err)
		if e.Code != errs.EINVALID && e.Code != errs.EUNPROCESSABLE && e.Code != errs.ECONFLICT {
			s.fail(w, r, st.err)
			return
		}
		status = statusOf(e)
		page.Error = pr.T(e.Key, e.Args...)
		if e.Code != errs.ECONFLICT {
			// After a conflict the form starts again from the case as it now is.
			act := string(st.failed)
			d.Values[act], d.Errs[act], d.Open = st.form, map[string]string{}, act
			for _, f := range e.Fields {
				if _, dup := d.Errs[act][f.Field]; !dup {
					d.Errs[act][f.Field] = pr.T(f.Key, f.Args...)
				}
			}
		}
	}
	if st.photoErr != nil {
		e := errs.As(st.photoErr)
		if e.Code == errs.EINTERNAL {
			s.log.Error("case photos", "case", id, "err", st.photoErr)
		}
		status = statusOf(e)
		page.Error = pr.T("cases.web.photos.failed", pr.T(e.Key, e.Args...))
	}
	s.render(w, r, status, "cases_show", page)
}

// caseAct is POST /cases/{id}/{action}: one step on the case, with the version the form was
// built from. A conflict or an input error shows the page again with the message; a step the
// case's status does not allow changes nothing and says so.
func (s *Server) caseAct(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	act, err := caseAction(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := caseParseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	in, version, err := caseFormInput(r.PostForm)
	if err != nil {
		s.renderCase(w, r, id, caseShowState{failed: act, form: r.PostForm, err: err})
		return
	}
	if act == cases.Resolve {
		if err := s.caseCheckPhotos(r, "photos_before", "photos"); err != nil {
			s.renderCase(w, r, id, caseShowState{failed: act, form: r.PostForm, err: err})
			return
		}
	}
	ctx, a := r.Context(), actor(r)
	if _, err := s.db.Act(ctx, a, id, act, in, version); err != nil {
		s.renderCase(w, r, id, caseShowState{failed: act, form: r.PostForm, err: err})
		return
	}
	if act == cases.Resolve {
		err := s.casePhotos(r, a, id, "photos_before", "before")
		if err == nil {
			err = s.casePhotos(r, a, id, "photos", "after")
		}
		if err != nil {
			s.renderCase(w, r, id, caseShowState{photoErr: err})
			return
		}
	}
	to := "/cases/" + strconv.FormatInt(id, 10)
	// A department that returned a case no longer sees it: back to its inbox.
	if _, _, err := s.db.Case(ctx, a, id); errs.Code(err) == errs.ENOTFOUND {
		to = "/cases"
		if principal(r).Can(authz.HandleCases) {
			to = "/cases/inbox"
		}
	}
	redirectFlash(w, r, to, "flash.cases."+string(act))
}
