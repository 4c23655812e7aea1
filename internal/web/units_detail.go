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
	"wuxing/internal/storage"
)

// unitChild is one row of a unit's children table.
type unitChild struct {
	org.Unit
	Count storage.UnitCount
}

// unitDetailData is what the unit page shows, and what its forms hold after a failed submit.
type unitDetailData struct {
	Unit          *org.Unit
	Crumbs        []org.Unit
	ParentVisible bool
	Count         storage.UnitCount
	Children      []unitChild
	Pager         Pager
	Compounds     []org.Compound
	CanEdit       bool
	ChildKinds    []org.Kind // kinds a child of this unit may have
	HoldsCompound bool       // compounds may be added here
	Failed        string     // the form the page's errors belong to: "edit", "move", "active"
	Edit          url.Values // the rename/recode form's values
	Move          url.Values // the move form's values
}

// unitsChildKinds lists the kinds a unit of kind k may hold.
func unitsChildKinds(k org.Kind) []org.Kind {
	var out []org.Kind
	for _, c := range org.Kinds {
		if org.CanHold(k, c) {
			out = append(out, c)
		}
	}
	return out
}

// unitsHoldCompounds reports whether compounds hang on units of kind k.
func unitsHoldCompounds(k org.Kind) bool { return k.IsBranch() || k == org.Grid }

// unitDetailData gathers the unit page; a unit out of scope is not found.
func (s *Server) unitDetailData(r *http.Request, id int64) (*unitDetailData, error) {
	ctx, a := r.Context(), actor(r)
	u, err := s.db.Unit(ctx, a, id)
	if err != nil {
		return nil, err
	}
	crumbs, err := s.db.Ancestors(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := &unitDetailData{Unit: u, Crumbs: crumbs, Pager: pagerFrom(r)}
	d.ParentVisible = len(crumbs) > 0 && crumbs[len(crumbs)-1].ID == u.ParentID
	kids, total, err := s.db.Units(ctx, a, storage.UnitFilter{ParentID: id, IncludeInactive: true, Limit: d.Pager.Per, Offset: d.Pager.Offset()})
	if err != nil {
		return nil, err
	}
	d.Pager.Total = total
	ids := []int64{id}
	for _, k := range kids {
		ids = append(ids, k.ID)
	}
	counts, err := s.db.UnitCounts(ctx, a, ids)
	if err != nil {
		return nil, err
	}
	d.Count = counts[id]
	for _, k := range kids {
		d.Children = append(d.Children, unitChild{Unit: k, Count: counts[k.ID]})
	}
	if d.Compounds, err = s.db.Compounds(ctx, a, storage.CompoundFilter{UnitID: id, Limit: 500}); err != nil {
		return nil, err
	}
	d.CanEdit = a.P.CanAt(authz.EditUnits, u.Path)
	d.ChildKinds = unitsChildKinds(u.Kind)
	d.HoldsCompound = unitsHoldCompounds(u.Kind)
	d.Edit = url.Values{"name": {u.Name}, "code": {u.Code}}
	d.Move = url.Values{}
	return d, nil
}

// unitDetail is a unit's page: where it sits, what it holds, and for editors the forms that
// change it.
func (s *Server) unitDetail(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.unitDetailData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "units_detail", &Page{Title: "units.detail.title", Data: d})
}

// unitFormFail shows the unit page again with the error next to the form that failed, the
// values the user entered kept and the version refreshed; other errors go to fail.
func (s *Server) unitFormFail(w http.ResponseWriter, r *http.Request, id int64, form string, err error) {
	switch errs.Code(err) {
	case errs.EINVALID, errs.EUNPROCESSABLE, errs.ECONFLICT:
	default:
		s.fail(w, r, err)
		return
	}
	d, derr := s.unitDetailData(r, id)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	d.Failed = form
	switch form {
	case "edit":
		d.Edit = url.Values{"name": {r.PostFormValue("name")}, "code": {r.PostFormValue("code")}}
	case "move":
		d.Move = url.Values{"parent_code": {r.PostFormValue("parent_code")}}
	}
	s.formFail(w, r, "units_detail", &Page{Title: "units.detail.title", Data: d}, err)
}

// unitsPostForm is the request's parsed form body (already parsed by the CSRF check, unless the
// token came in a header).
func unitsPostForm(r *http.Request) url.Values {
	r.ParseForm()
	return r.PostForm
}

// unitsFormVersion reads the version a form carries; a form without one is malformed.
func unitsFormVersion(r *http.Request) (int64, error) {
	n, fe := formInt(unitsPostForm(r), "version")
	if fe != nil || n <= 0 {
		return 0, errs.New(errs.EINVALID, "error.bad_request")
	}
	return n, nil
}

// editableUnit reads a unit the user is about to change: not found out of view scope,
// forbidden where the user may look but not edit.
func (s *Server) editableUnit(r *http.Request, id int64) (*org.Unit, error) {
	u, err := s.db.Unit(r.Context(), actor(r), id)
	if err != nil {
		return nil, err
	}
	if !principal(r).CanAt(authz.EditUnits, u.Path) {
		return nil, errs.Forbidden()
	}
	return u, nil
}

// unitsRenameField moves field errors reported on one field name to another (the store speaks of
// parent_id, the move form asks for the parent's code).
func unitsRenameField(err error, from, to string) error {
	e := errs.As(err)
	if e.Code == errs.EINTERNAL || len(e.Fields) == 0 {
		return err
	}
	c := *e
	c.Fields = slices.Clone(e.Fields)
	for i := range c.Fields {
		if c.Fields[i].Field == from {
			c.Fields[i].Field = to
		}
	}
	return &c
}

func unitsURL(id int64) string { return "/units/" + strconv.FormatInt(id, 10) }

// unitUpdate renames a unit or changes its code.
func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.editableUnit(r, id); err != nil {
		s.fail(w, r, err)
		return
	}
	version, err := unitsFormVersion(r)
	if err == nil {
		_, err = s.db.UpdateUnit(r.Context(), actor(r), id, storage.UnitUpdate{Name: r.PostFormValue("name"), Code: r.PostFormValue("code"), Version: version})
	}
	if err != nil {
		s.unitFormFail(w, r, id, "edit", err)
		return
	}
	redirectFlash(w, r, unitsURL(id), "flash.units.updated")
}

// unitMove moves a unit, with its subtree, under the unit whose code the form names.
func (s *Server) unitMove(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.editableUnit(r, id); err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.moveUnit(r, id, r.PostFormValue("parent_code"))
	if err != nil {
		s.unitFormFail(w, r, id, "move", unitsRenameField(err, "parent_id", "parent_code"))
		return
	}
	redirectFlash(w, r, unitsURL(id), "flash.units.moved")
}

func (s *Server) moveUnit(r *http.Request, id int64, parentCode string) error {
	version, err := unitsFormVersion(r)
	if err != nil {
		return err
	}
	parentCode = strings.TrimSpace(parentCode)
	if parentCode == "" {
		return errs.Invalid(errs.Field("parent_id", "validation.required"))
	}
	np, err := s.db.UnitByCode(r.Context(), actor(r), parentCode)
	if err != nil {
		if errs.Code(err) == errs.ENOTFOUND {
			return errs.Invalid(errs.Field("parent_id", "org.parent.not_found"))
		}
		return err
	}
	_, err = s.db.MoveUnit(r.Context(), actor(r), id, np.ID, version)
	if errs.Code(err) == errs.EFORBIDDEN {
		// The unit itself is editable (checked before), so it is the new parent that is not.
		return errs.Invalid(errs.Field("parent_id", "org.parent.not_found"))
	}
	return err
}

// unitSetActive deactivates a unit with its subtree, or reactivates it.
func (s *Server) unitSetActive(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.editableUnit(r, id); err != nil {
		s.fail(w, r, err)
		return
	}
	active := truthy(r.PostFormValue("active"))
	version, err := unitsFormVersion(r)
	if err == nil {
		_, err = s.db.SetUnitActive(r.Context(), actor(r), id, active, version)
	}
	if err != nil {
		s.unitFormFail(w, r, id, "active", err)
		return
	}
	flash := "flash.units.deactivated"
	if active {
		flash = "flash.units.activated"
	}
	redirectFlash(w, r, unitsURL(id), flash)
}

// unitNewData is the "add a child unit" page.
type unitNewData struct {
	Parent *org.Unit
	Crumbs []org.Unit
	Kinds  []org.Kind
}

// newUnitParent reads the parent a child is to be added to: visible, editable, able to hold.
func (s *Server) newUnitParent(r *http.Request, id int64) (*unitNewData, error) {
	p, err := s.editableUnit(r, id)
	if err != nil {
		return nil, err
	}
	crumbs, err := s.db.Ancestors(r.Context(), actor(r), id)
	if err != nil {
		return nil, err
	}
	return &unitNewData{Parent: p, Crumbs: crumbs, Kinds: unitsChildKinds(p.Kind)}, nil
}

// unitNew is the form that adds a child unit, GET /units/new?parent=ID.
func (s *Server) unitNew(w http.ResponseWriter, r *http.Request) {
	pid, fe := formInt(r.URL.Query(), "parent")
	if fe != nil || pid == 0 {
		s.fail(w, r, errs.NotFound())
		return
	}
	d, err := s.newUnitParent(r, pid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form := url.Values{}
	if k := r.URL.Query().Get("kind"); slices.Contains(d.Kinds, org.Kind(k)) {
		form.Set("kind", k)
	} else if len(d.Kinds) > 0 {
		form.Set("kind", string(d.Kinds[0]))
	}
	s.render(w, r, http.StatusOK, "units_new", &Page{Title: "units.new.title", Form: form, Data: d})
}

// unitCreate adds a child unit.
func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) {
	pid, fe := formInt(unitsPostForm(r), "parent_id")
	if fe != nil || pid == 0 {
		s.fail(w, r, errs.New(errs.EINVALID, "error.bad_request"))
		return
	}
	d, err := s.newUnitParent(r, pid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := &org.Unit{ParentID: pid, Kind: org.Kind(r.PostFormValue("kind")), Name: r.PostFormValue("name"), Code: r.PostFormValue("code")}
	if err := s.db.CreateUnit(r.Context(), actor(r), u); err != nil {
		s.formFail(w, r, "units_new", &Page{Title: "units.new.title", Data: d}, err)
		return
	}
	redirectFlash(w, r, unitsURL(u.ID), "flash.units.created")
}
