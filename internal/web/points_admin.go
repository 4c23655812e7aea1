package web

import (
	"net/http"
	"strconv"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/jobs"
	"wuxing/internal/org"
	"wuxing/internal/points"
)

// pointsAdminData is the catalogue list.
type pointsAdminData struct {
	Catalogues []points.Catalogue
	Units      []org.Unit // towns and counties where the user configures points
	Kinds      []points.TargetKind
}

// pointsAdmin is GET /admin/points: the catalogues the user reads, and a form to start one.
func (s *Server) pointsAdmin(w http.ResponseWriter, r *http.Request) {
	pp := principal(r)
	if !pp.Can(authz.ConfigurePoints) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	cs, err := s.db.PointsCatalogues(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	units, err := s.db.PointsUnits(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &pointsAdminData{Catalogues: cs, Kinds: points.TargetKinds}
	for _, u := range units {
		if pp.CanAt(authz.ConfigurePoints, u.Path) {
			d.Units = append(d.Units, u)
		}
	}
	s.render(w, r, http.StatusOK, "points_admin", &Page{Title: "points.admin.title", Data: d})
}

// pointsCatalogueCreate is POST /admin/points (unit, kind, name): a catalogue from the defaults.
func (s *Server) pointsCatalogueCreate(w http.ResponseWriter, r *http.Request) {
	var fe []errs.FieldError
	unit := pplID(r.PostForm, "unit", &fe)
	if err := errs.FieldsOf(fe); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.db.CreatePointsCatalogue(r.Context(), actor(r), unit, points.TargetKind(r.PostFormValue("kind")), r.PostFormValue("name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin/points/"+strconv.FormatInt(c.ID, 10), "flash.points.catalogue_created")
}

// pointsScore is POST /admin/points/score: run the automatic entries now.
func (s *Server) pointsScore(w http.ResponseWriter, r *http.Request) {
	if !principal(r).Can(authz.ConfigurePoints) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	if _, _, err := jobs.ScorePointsNow(r.Context(), s.db); err != nil {
		s.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin/points", "flash.points.scored")
}

// pointsCatalogueData is the catalogue editor.
type pointsCatalogueData struct {
	Catalogue *points.Catalogue
	Ratios    string
	CanEdit   bool
	Kinds     []points.RuleKind
	Periods   []points.Period
	Sources   []points.Source
	Dims      []string
}

func (s *Server) pointsCatalogueShow(w http.ResponseWriter, r *http.Request) {
	s.pointsCataloguePage(w, r, nil)
}

// pointsCataloguePage is GET /admin/points/{points_catalogue}, and the page again after a
// refused change, with its error.
func (s *Server) pointsCataloguePage(w http.ResponseWriter, r *http.Request, failure error) {
	id, err := pathID(r, "points_catalogue")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.db.PointsCatalogue(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &pointsCatalogueData{Catalogue: c, Ratios: points.FormatRatios(c.Ratios), CanEdit: principal(r).CanAt(authz.ConfigurePoints, c.UnitPath),
		Kinds: points.RuleKinds, Periods: points.Periods, Sources: points.Sources, Dims: points.Dimensions[c.Kind]}
	p := &Page{Title: "points.catalogue.title", Data: d, Form: r.PostForm}
	if failure != nil {
		s.formFail(w, r, "points_catalogue", p, failure)
		return
	}
	s.render(w, r, http.StatusOK, "points_catalogue", p)
}

// pointsRatios is POST /admin/points/{points_catalogue}/ratios (ratios, version).
func (s *Server) pointsRatios(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "points_catalogue")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var fe []errs.FieldError
	version := pplID(r.PostForm, "version", &fe)
	if err = errs.FieldsOf(fe); err == nil {
		err = s.db.SavePointsRatios(r.Context(), actor(r), id, r.PostFormValue("ratios"), version)
	}
	if err != nil {
		if c := errs.Code(err); c == errs.ENOTFOUND || c == errs.EFORBIDDEN {
			s.fail(w, r, err)
			return
		}
		s.pointsCataloguePage(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin/points/"+strconv.FormatInt(id, 10), "flash.points.saved")
}

// pointsRuleSave is POST /admin/points/{points_catalogue}/rules: add a rule (no id) or change one
// (id, version).
func (s *Server) pointsRuleSave(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "points_catalogue")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	var fe []errs.FieldError
	rule := points.Rule{ID: pplID(v, "id", &fe), Version: pplID(v, "version", &fe), Code: v.Get("code"), Name: v.Get("name"),
		Dimension: v.Get("dimension"), Kind: points.RuleKind(v.Get("kind")), Period: points.Period(v.Get("period")),
		Source: points.Source(v.Get("source")), Enabled: v.Get("enabled") == "1", Weight: int(pplID(v, "weight", &fe))}
	var ok bool
	if rule.Points, ok = points.Parse(v.Get("points")); !ok {
		fe = append(fe, errs.Field("points", "points.rule.points.invalid"))
	}
	if c := v.Get("cap"); c != "" {
		if rule.Cap, ok = points.Parse(c); !ok {
			fe = append(fe, errs.Field("cap", "points.rule.cap.invalid"))
		}
	}
	if err = errs.FieldsOf(fe); err == nil {
		err = s.db.SavePointsRule(r.Context(), actor(r), id, &rule)
	}
	if err != nil {
		if c := errs.Code(err); c == errs.ENOTFOUND || c == errs.EFORBIDDEN {
			s.fail(w, r, err)
			return
		}
		s.pointsCataloguePage(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin/points/"+strconv.FormatInt(id, 10), "flash.points.saved")
}
