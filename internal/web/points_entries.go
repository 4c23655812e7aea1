package web

import (
	"net/http"
	"net/url"
	"strconv"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/points"
	"wuxing/internal/storage"
)

// pointsQueueData is the approval queue.
type pointsQueueData struct {
	Entries []points.Entry
	Pager   Pager
	UserID  int64
}

// pointsQueue is GET /points/entries: the entries waiting for approval that the user sees,
// newest first; the user's own are shown but cannot be approved by them.
func (s *Server) pointsQueue(w http.ResponseWriter, r *http.Request) {
	if !principal(r).Can(authz.ViewPoints) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	pg := pagerFrom(r)
	list, total, err := s.db.PointsEntries(r.Context(), actor(r), storage.PointsEntryFilter{Status: points.Pending, Limit: pg.Per, Offset: pg.Offset()})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg.Total = total
	s.render(w, r, http.StatusOK, "points_queue", &Page{Title: "points.queue.title", Data: &pointsQueueData{Entries: list, Pager: pg, UserID: principal(r).UserID}})
}

// pointsFormData is the new-entry form.
type pointsFormData struct {
	Kind      points.TargetKind
	Kinds     []points.TargetKind
	Target    *storage.PointsTarget
	Targets   []pplChoice
	Catalogue *points.Catalogue
	Rules     []pplChoice
	Today     string
}

// pointsEntryNew is GET /points/entries/new?kind=&target=&corrects=: the form, for a target when
// given (its catalogue's manual rules offered), else a choice of targets.
func (s *Server) pointsEntryNew(w http.ResponseWriter, r *http.Request) {
	if !principal(r).Can(authz.EnterPoints) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	q := r.URL.Query()
	form := url.Values{"kind": {q.Get("kind")}, "target": {q.Get("target")}, "occurred_on": {points.Today(s.clock.Now())},
		"corrects": {q.Get("corrects")}, "rule": {q.Get("rule")}}
	s.pointsForm(w, r, http.StatusOK, form, nil)
}

// pointsForm renders the form with what was entered and, after a failed save, the error.
func (s *Server) pointsForm(w http.ResponseWriter, r *http.Request, status int, form url.Values, failure error) {
	form = cloneForm(form)
	ctx, a := r.Context(), actor(r)
	d := &pointsFormData{Kind: points.TargetKind(form.Get("kind")), Kinds: points.TargetKinds, Today: points.Today(s.clock.Now())}
	if !d.Kind.Valid() {
		d.Kind = points.PartyMember
		form.Set("kind", string(d.Kind))
	}
	if id, err := strconv.ParseInt(form.Get("target"), 10, 64); err == nil && id > 0 {
		pt, err := s.db.PointsTargetOf(ctx, a, d.Kind, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Target = pt
		// No catalogue yet (invalid) leaves the form without rules; a failing store is an error.
		c, err := s.db.PointsCatalogueFor(ctx, a, d.Kind, id)
		if err != nil && errs.Code(err) == errs.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		if c != nil {
			d.Catalogue = c
			for _, rl := range c.Rules {
				if rl.Source == points.Manual && rl.Enabled {
					v := strconv.FormatInt(rl.ID, 10)
					d.Rules = append(d.Rules, pplChoice{Value: v, Text: rl.Name + " (" + points.Format(rl.Occurrence()) + ")", Selected: v == form.Get("rule")})
				}
			}
		}
	} else {
		ts, err := s.db.PointsTargets(ctx, a, d.Kind)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, t := range ts {
			d.Targets = append(d.Targets, pplChoice{Value: strconv.FormatInt(t.ID, 10), Text: t.Name + " · " + t.UnitName})
		}
	}
	p := &Page{Title: "points.entry.new", Data: d, Form: form}
	if failure != nil {
		s.formFail(w, r, "points_entry_form", p, failure)
		return
	}
	s.render(w, r, status, "points_entry_form", p)
}

// pointsEntryIn reads a new entry from a form.
func pointsEntryIn(v url.Values) (storage.NewPointsEntry, error) {
	var fe []errs.FieldError
	in := storage.NewPointsEntry{TargetKind: points.TargetKind(v.Get("kind")), TargetID: pplID(v, "target", &fe), RuleID: pplID(v, "rule", &fe),
		OccurredOn: v.Get("occurred_on"), Note: v.Get("note"), CorrectsID: pplID(v, "corrects", &fe)}
	pts, ok := points.Parse(v.Get("points"))
	if !ok {
		fe = append(fe, errs.Field("points", "points.entry.points.invalid"))
	}
	in.Points = pts
	if in.TargetID == 0 {
		fe = append(fe, errs.Field("target", "validation.required"))
	}
	if in.RuleID == 0 {
		fe = append(fe, errs.Field("rule", "validation.required"))
	}
	return in, errs.FieldsOf(fe)
}

// pointsEntryCreate is POST /points/entries.
func (s *Server) pointsEntryCreate(w http.ResponseWriter, r *http.Request) {
	v := r.PostForm
	in, err := pointsEntryIn(v)
	if err == nil {
		_, err = s.db.EnterPoints(r.Context(), actor(r), in)
	}
	if err != nil {
		if c := errs.Code(err); c == errs.ENOTFOUND || c == errs.EFORBIDDEN {
			s.fail(w, r, err)
			return
		}
		s.pointsForm(w, r, http.StatusBadRequest, v, err)
		return
	}
	redirectFlash(w, r, "/points/targets/"+string(in.TargetKind)+"/"+strconv.FormatInt(in.TargetID, 10), "flash.points.entered")
}

// pointsDecide is POST /points/entries/{points_entry}/decide (approve=1 or 0, note, version).
func (s *Server) pointsDecide(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "points_entry")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var fe []errs.FieldError
	version := pplID(r.PostForm, "version", &fe)
	if err := errs.FieldsOf(fe); err != nil {
		s.fail(w, r, err)
		return
	}
	approve := r.PostFormValue("approve") == "1"
	if _, err := s.db.DecidePoints(r.Context(), actor(r), id, approve, r.PostFormValue("note"), version); err != nil {
		s.fail(w, r, err)
		return
	}
	flash := "flash.points.rejected"
	if approve {
		flash = "flash.points.approved"
	}
	redirectFlash(w, r, "/points/entries", flash)
}
