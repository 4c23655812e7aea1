package web

import (
	"net/http"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/points"
	"wuxing/internal/storage"
)

type pointsStandingJSON struct {
	Rank     int    `json:"rank"`
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	UnitName string `json:"unit_name"`
	Total    string `json:"total"`
	Entries  int    `json:"entries"`
	Grade    string `json:"grade"`
	XReason  string `json:"x_reason,omitempty"`
}

type pointsEntryJSON struct {
	ID          int64      `json:"id"`
	TargetKind  string     `json:"target_kind"`
	TargetID    int64      `json:"target_id"`
	TargetName  string     `json:"target_name"`
	Rule        string     `json:"rule"`
	RuleName    string     `json:"rule_name"`
	RuleVersion int64      `json:"rule_version"`
	Dimension   string     `json:"dimension"`
	Points      string     `json:"points"`
	OccurredOn  string     `json:"occurred_on"`
	Period      string     `json:"period"`
	Note        string     `json:"note,omitempty"`
	Status      string     `json:"status"`
	CorrectsID  int64      `json:"corrects_id,omitempty"`
	SourceKind  string     `json:"source_kind,omitempty"`
	SourceID    int64      `json:"source_id,omitempty"`
	SourceLabel string     `json:"source_label,omitempty"`
	EnteredBy   string     `json:"entered_by"`
	ApprovedBy  string     `json:"approved_by,omitempty"`
	ApprovedAt  *time.Time `json:"approved_at,omitempty"`
	Version     int64      `json:"version"`
}

func pointsEntryOut(e *points.Entry) pointsEntryJSON {
	out := pointsEntryJSON{ID: e.ID, TargetKind: string(e.TargetKind), TargetID: e.TargetID, TargetName: e.TargetName, Rule: e.RuleCode,
		RuleName: e.RuleName, RuleVersion: e.RuleVersion, Dimension: e.Dimension, Points: points.Format(e.Points), OccurredOn: e.OccurredOn,
		Period: e.PeriodKey, Note: e.Note, Status: string(e.Status), CorrectsID: e.CorrectsID, SourceKind: e.SourceKind, SourceID: e.SourceID,
		SourceLabel: e.SourceLabel, EnteredBy: e.EnteredName, ApprovedBy: e.ApproverName, Version: e.Version}
	if !e.ApprovedAt.IsZero() {
		at := e.ApprovedAt
		out.ApprovedAt = &at
	}
	return out
}

// apiPointsRanking is GET /api/v1/points/ranking?unit=&kind=&period=.
func (s *Server) apiPointsRanking(w http.ResponseWriter, r *http.Request) {
	if !principal(r).Can(authz.ViewPoints) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	d, span, err := s.pointsSelection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.UnitID == 0 {
		s.fail(w, r, errs.NotFound())
		return
	}
	rk, err := s.db.PointsRanking(r.Context(), actor(r), d.UnitID, d.Kind, span)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := []pointsStandingJSON{}
	for _, st := range rk.Standings {
		rows = append(rows, pointsStandingJSON{Rank: st.Rank, ID: st.ID, Name: st.Name, UnitName: st.UnitName, Total: points.Format(st.Total),
			Entries: st.Entries, Grade: string(st.Grade), XReason: st.XReason})
	}
	writeJSON(w, http.StatusOK, map[string]any{"unit_id": rk.UnitID, "unit_name": rk.UnitName, "kind": rk.Kind, "period": span.Key,
		"from": span.From, "to": span.To, "ratios": points.FormatRatios(rk.Ratios), "standings": rows})
}

// apiPointsLedger is GET /api/v1/points/targets/{points_kind}/{points_target}?period=.
func (s *Server) apiPointsLedger(w http.ResponseWriter, r *http.Request) {
	d, err := s.pointsLedgerOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	entries := []pointsEntryJSON{}
	for i := range d.Entries {
		entries = append(entries, pointsEntryOut(&d.Entries[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"kind": d.Target.Kind, "id": d.Target.ID, "name": d.Target.Name, "unit_name": d.Target.UnitName,
		"period": d.Span.Key, "total": d.Total, "year_total": d.YearTotal, "x": d.XGraded, "entries": entries})
}

// apiPointsEntries is GET /api/v1/points/entries?status=&limit=&offset=.
func (s *Server) apiPointsEntries(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var fe []errs.FieldError
	f := storage.PointsEntryFilter{Status: points.Status(q.Get("status"))}
	f.Limit, f.Offset = svcListArgs(q, &fe)
	if err := errs.FieldsOf(fe); err != nil {
		s.fail(w, r, err)
		return
	}
	list, total, err := s.db.PointsEntries(r.Context(), actor(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []pointsEntryJSON{}
	for i := range list {
		out = append(out, pointsEntryOut(&list[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "entries": out})
}

// pointsEnterJSON is a new entry in the API; points as text ("5", "-2.5").
type pointsEnterJSON struct {
	TargetKind string `json:"target_kind"`
	TargetID   int64  `json:"target_id"`
	RuleID     int64  `json:"rule_id"`
	Points     string `json:"points"`
	OccurredOn string `json:"occurred_on"`
	Note       string `json:"note"`
	CorrectsID int64  `json:"corrects_id"`
}

// apiPointsEnter is POST /api/v1/points/entries.
func (s *Server) apiPointsEnter(w http.ResponseWriter, r *http.Request) {
	var in pointsEnterJSON
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	pts, ok := points.Parse(in.Points)
	if !ok {
		s.fail(w, r, errs.Invalid(errs.Field("points", "points.entry.points.invalid")))
		return
	}
	e, err := s.db.EnterPoints(r.Context(), actor(r), storage.NewPointsEntry{TargetKind: points.TargetKind(in.TargetKind), TargetID: in.TargetID,
		RuleID: in.RuleID, Points: pts, OccurredOn: in.OccurredOn, Note: in.Note, CorrectsID: in.CorrectsID})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, pointsEntryOut(e))
}

// apiPointsDecide is POST /api/v1/points/entries/{points_entry}/decide {approve, note, version}.
func (s *Server) apiPointsDecide(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "points_entry")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		Approve bool   `json:"approve"`
		Note    string `json:"note"`
		Version int64  `json:"version"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.db.DecidePoints(r.Context(), actor(r), id, in.Approve, in.Note, in.Version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pointsEntryOut(e))
}

// apiPointsCatalogues is GET /api/v1/points/catalogues.
func (s *Server) apiPointsCatalogues(w http.ResponseWriter, r *http.Request) {
	cs, err := s.db.PointsCatalogues(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type ruleJSON struct {
		ID        int64  `json:"id"`
		Code      string `json:"code"`
		Name      string `json:"name"`
		Dimension string `json:"dimension"`
		Kind      string `json:"kind"`
		Points    string `json:"points"`
		Cap       string `json:"cap"`
		Period    string `json:"period"`
		Source    string `json:"source,omitempty"`
		Enabled   bool   `json:"enabled"`
		Weight    int    `json:"weight"`
		Version   int64  `json:"version"`
	}
	out := []map[string]any{}
	for _, c := range cs {
		rules := []ruleJSON{}
		for _, x := range c.Rules {
			rules = append(rules, ruleJSON{x.ID, x.Code, x.Name, x.Dimension, string(x.Kind), points.Format(x.Points), points.Format(x.Cap),
				string(x.Period), string(x.Source), x.Enabled, x.Weight, x.Version})
		}
		out = append(out, map[string]any{"id": c.ID, "unit_id": c.UnitID, "unit_name": c.UnitName, "kind": c.Kind, "name": c.Name,
			"ratios": points.FormatRatios(c.Ratios), "version": c.Version, "rules": rules})
	}
	writeJSON(w, http.StatusOK, map[string]any{"catalogues": out})
}
