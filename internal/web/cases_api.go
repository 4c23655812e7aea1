package web

import (
	"net/http"
	"net/url"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/storage"
)

// caseNewJSON is what POST /api/v1/cases takes.
type caseNewJSON struct {
	UnitID              int64    `json:"unit_id"`
	List                string   `json:"list"`
	CategoryID          int64    `json:"category_id"`
	Urgency             string   `json:"urgency"`
	Channel             string   `json:"channel"`
	Title               string   `json:"title"`
	Description         string   `json:"description"`
	Address             string   `json:"address"`
	Lat                 *float64 `json:"lat"`
	Lng                 *float64 `json:"lng"`
	ReporterPersonID    int64    `json:"reporter_person_id"`
	ReporterHouseholdID int64    `json:"reporter_household_id"`
	ReporterName        string   `json:"reporter_name"`
	ReporterPhone       string   `json:"reporter_phone"`
}

// caseActJSON is what POST /api/v1/cases/{id}/{action} takes: the version read, and the fields
// the action needs.
type caseActJSON struct {
	Version      int64  `json:"version"`
	Note         string `json:"note"`
	Reason       string `json:"reason"`
	AssigneeKind string `json:"assignee_kind"`
	AssigneeID   int64  `json:"assignee_id"`
	DepartmentID int64  `json:"department_id"`
	Result       string `json:"result"`
	Method       string `json:"method"`
	Rating       string `json:"rating"`
	Reopen       bool   `json:"reopen"`
	Days         int    `json:"days"`
}

// caseAPILimit reads the API's page length: 50 unless asked, at most 200.
func caseAPILimit(q url.Values, f *storage.CaseFilter) error {
	var fe []errs.FieldError
	n := pplID(q, "limit", &fe)
	if len(fe) > 0 {
		return errs.FieldsOf(fe)
	}
	f.Limit = perPage
	if n > 0 {
		f.Limit = int(min(n, 200))
	}
	return nil
}

// apiCases is GET /api/v1/cases?unit=&list=&category=&status=&open=&overdue=&assignee=&from=&to=
// &q=&view=&before=&limit=: one page, newest first; next_before fetches the next (0 at the end).
func (s *Server) apiCases(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := caseFilterFrom(q, "")
	if err == nil {
		err = caseAPILimit(q, &f)
	}
	if err == nil {
		err = s.caseCheckUnit(r, f.UnitID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cc, err := s.caseCategories(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, next, err := s.db.Cases(r.Context(), actor(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pp := principal(r)
	out := make([]caseJSON, 0, len(list))
	for i := range list {
		out = append(out, s.caseJSONOf(pp, &list[i], cc))
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": out, "next_before": next})
}

// apiCase is GET /api/v1/cases/{id}: the case with the caller's capacity and the actions they may
// take now.
func (s *Server) apiCase(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeCase(w, r, id, http.StatusOK)
}

func (s *Server) writeCase(w http.ResponseWriter, r *http.Request, id int64, status int) {
	c, k, err := s.db.Case(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeCaseOf(w, r, c, k, status)
}

// writeCaseOf answers with a case already in hand and what the caller is to it.
func (s *Server) writeCaseOf(w http.ResponseWriter, r *http.Request, c *cases.Case, k cases.Capacity, status int) {
	cc, err := s.caseCategories(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	j := s.caseJSONOf(principal(r), c, cc)
	acts := caseMay(c, k)
	if acts == nil {
		acts = []cases.Action{}
	}
	j.Capacity = &capacityJSON{Manager: k.Manager, Handler: k.Handler, Claimer: k.Claimer, Viewer: k.Viewer, Actions: acts}
	writeJSON(w, status, map[string]any{"case": j})
}

// apiCaseEvents is GET /api/v1/cases/{id}/events: the whole timeline, oldest first.
func (s *Server) apiCaseEvents(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	evs, err := s.db.CaseEvents(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": caseEventViews(s.printer(r), evs)})
}

// apiCaseCreate is POST /api/v1/cases. An Idempotency-Key header makes a retried request answer
// with the case the first one made (200) instead of making another (201).
func (s *Server) apiCaseCreate(w http.ResponseWriter, r *http.Request) {
	if !principal(r).Can(authz.ReportCases) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	var in caseNewJSON
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	key, err := caseIdemKey("api", principal(r).UserID, r.Header.Get("Idempotency-Key"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cc, err := s.caseCategories(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := &cases.Case{UnitID: in.UnitID, List: cases.List(strings.TrimSpace(in.List)), CategoryID: in.CategoryID,
		Urgency: cases.Urgency(strings.TrimSpace(in.Urgency)), Channel: cases.Channel(strings.TrimSpace(in.Channel)),
		Title: in.Title, Description: in.Description, Address: in.Address, Lat: in.Lat, Lng: in.Lng,
		ReporterPersonID: in.ReporterPersonID, ReporterHouseholdID: in.ReporterHouseholdID,
		ReporterName: in.ReporterName, ReporterPhone: in.ReporterPhone}
	if err := caseCheckEntry(c, cc); err != nil {
		s.fail(w, r, pplMergeInvalid(errs.As(err).Fields, c.ValidateNew()))
		return
	}
	created, err := s.db.CreateCase(r.Context(), actor(r), c, storage.NewCase{IdempotencyKey: key})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	// The store filled the case as written (or as found, for a repeated key): no second read,
	// unless the reporter may not see what they reported (then the read answers as before).
	k := storage.Capacity(actor(r), c)
	if !k.Viewer && !k.Manager {
		s.writeCase(w, r, c.ID, status)
		return
	}
	s.writeCaseOf(w, r, c, k, status)
}

// apiCaseAct is POST /api/v1/cases/{id}/{action} with {"version":…, …the action's fields}.
func (s *Server) apiCaseAct(w http.ResponseWriter, r *http.Request) {
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
	var in caseActJSON
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	kind := cases.AssigneeKind(strings.TrimSpace(in.AssigneeKind))
	if kind == "" {
		kind = cases.ToPerson
	}
	input := cases.Input{Note: in.Note, Reason: in.Reason, AssigneeKind: kind, AssigneeID: in.AssigneeID,
		DepartmentID: in.DepartmentID, Result: in.Result, Method: cases.Method(strings.TrimSpace(in.Method)),
		Rating: cases.Rating(strings.TrimSpace(in.Rating)), Reopen: in.Reopen, Days: in.Days}
	if _, err := s.db.Act(r.Context(), actor(r), id, act, input, in.Version); err != nil {
		s.fail(w, r, err)
		return
	}
	// The caller may no longer see the case (a department that returned it): say so plainly.
	if _, _, err := s.db.Case(r.Context(), actor(r), id); errs.Code(err) == errs.ENOTFOUND {
		writeJSON(w, http.StatusOK, map[string]any{"case": nil, "done": act})
		return
	}
	s.writeCase(w, r, id, http.StatusOK)
}
