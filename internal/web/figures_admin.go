package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/figures"
	"wuxing/internal/org"
	"wuxing/internal/storage"
)

// figuresAdminData is the settings page of one unit: what is in force there and where it comes
// from, and the form that sets the unit's own.
type figuresAdminData struct {
	Unit     *org.Unit
	Settings storage.FigureSettings
	Own      bool  // the settings in force are the unit's own row
	Version  int64 // the own row's version, 0 when it has none
	Units    []pplChoice
	Rates    []figures.Rate
	Default  figures.Settings
}

// figuresAdminKinds are the units whose figure settings may be set.
var figuresAdminKinds = []org.Kind{org.Province, org.City, org.County, org.Town}

// figuresAdminLoad reads the settings page of ?unit= (default: the user's first unit where they
// configure case settings). Users who configure nothing are refused.
func (s *Server) figuresAdminLoad(r *http.Request, unitID int64) (*figuresAdminData, error) {
	pp := principal(r)
	if !pp.Can(authz.ConfigureCases) {
		return nil, errs.Forbidden()
	}
	ctx, a := r.Context(), actor(r)
	if unitID == 0 {
		for _, p := range pp.Scope(authz.ConfigureCases).Paths {
			ids := org.IDs(p)
			if len(ids) > 0 {
				unitID = ids[len(ids)-1]
				break
			}
		}
	}
	u, fs, err := s.db.FigureSettingsAt(ctx, a, unitID)
	if err != nil {
		return nil, err
	}
	if !pp.CanAt(authz.ConfigureCases, u.Path) {
		return nil, errs.Forbidden()
	}
	if !storage.FigureSettingsUnit(u.Kind) {
		return nil, errs.Invalid(errs.Field("unit", "figures.settings.unit_kind"))
	}
	d := &figuresAdminData{Unit: u, Settings: fs, Own: fs.UnitID == u.ID, Rates: figures.Rates, Default: figures.Default()}
	if d.Own {
		d.Version = fs.Version
	}
	// The units whose settings the user may set, in tree order (codes extend their parent's).
	us, _, err := s.db.Units(ctx, a, storage.UnitFilter{Kinds: figuresAdminKinds, Limit: 1000})
	if err != nil {
		return nil, err
	}
	us = slices.DeleteFunc(us, func(x org.Unit) bool { return !pp.CanAt(authz.ConfigureCases, x.Path) })
	slices.SortFunc(us, func(x, y org.Unit) int { return strings.Compare(x.Code, y.Code) })
	top := 0
	for i, x := range us {
		if i == 0 || x.Depth < top {
			top = x.Depth
		}
	}
	for _, x := range us {
		d.Units = append(d.Units, pplChoice{Value: strconv.FormatInt(x.ID, 10), Text: strings.Repeat("　", max(x.Depth-top, 0)) + x.Name,
			Selected: x.ID == u.ID})
	}
	return d, nil
}

// figuresAdminForm is the settings as the form shows them.
func figuresAdminForm(st figures.Settings) url.Values {
	v := url.Values{}
	for _, r := range figures.Rates {
		v.Set(figures.WeightField(r), strconv.Itoa(st.Weight(r)))
	}
	v.Set("basic_weight", strconv.Itoa(st.BasicWeight))
	v.Set("min_cases", strconv.Itoa(st.MinCases))
	return v
}

// figuresAdmin is GET /admin/figures?unit=: the figure settings of a town (or county) and the
// form that changes them.
func (s *Server) figuresAdmin(w http.ResponseWriter, r *http.Request) {
	var fe []errs.FieldError
	unitID := pplID(r.URL.Query(), "unit", &fe)
	if err := errs.FieldsOf(fe); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.figuresAdminLoad(r, unitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "figures_admin", &Page{Title: "figures.admin.title", Form: figuresAdminForm(d.Settings.Settings), Data: d})
}

// figuresSettingsFrom reads the settings a form sends; a value that is not a whole number is a
// field error.
func figuresSettingsFrom(v url.Values) (figures.Settings, error) {
	var fe []errs.FieldError
	num := func(name string) int {
		s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v.Get(name)), "%"))
		n, err := strconv.Atoi(s)
		if err != nil {
			fe = append(fe, errs.Field(name, "validation.number"))
		}
		return n
	}
	st := figures.Settings{
		Response:     num(figures.WeightField(figures.Response)),
		Resolution:   num(figures.WeightField(figures.Resolution)),
		OnTime:       num(figures.WeightField(figures.OnTimeRate)),
		Satisfaction: num(figures.WeightField(figures.Satisfaction)),
		Rework:       num(figures.WeightField(figures.Rework)),
		BasicWeight:  num("basic_weight"),
		MinCases:     num("min_cases"),
	}
	return st, errs.FieldsOf(fe)
}

// figuresAdminSave is POST /admin/figures: sets the unit's own settings (or, with
// action=reset, removes them so the unit above's apply). Weights that do not sum to 100% are
// refused with the form shown again and nothing changed.
func (s *Server) figuresAdminSave(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	form := r.PostForm
	var fe []errs.FieldError
	unitID := pplID(form, "unit_id", &fe)
	if err := errs.FieldsOf(fe); err != nil || unitID == 0 {
		s.fail(w, r, errs.New(errs.EINVALID, "error.bad_request"))
		return
	}
	d, err := s.figuresAdminLoad(r, unitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, a := r.Context(), actor(r)
	version := pplVersion(form.Get("version"))
	if form.Get("action") == "reset" {
		if err := s.db.ResetFigureSettings(ctx, a, unitID, version); err != nil {
			s.formFail(w, r, "figures_admin", &Page{Title: "figures.admin.title", Form: figuresAdminForm(d.Settings.Settings), Data: d}, err)
			return
		}
		redirectFlash(w, r, "/admin/figures?unit="+strconv.FormatInt(unitID, 10), "flash.figures.reset")
		return
	}
	st, err := figuresSettingsFrom(form)
	if err == nil {
		err = s.db.SaveFigureSettings(ctx, a, unitID, st, version)
	}
	if err != nil {
		s.formFail(w, r, "figures_admin", &Page{Title: "figures.admin.title", Data: d}, err)
		return
	}
	redirectFlash(w, r, "/admin/figures?unit="+strconv.FormatInt(unitID, 10), "flash.figures.saved")
}
