package web

import (
	"net/http"
	"net/url"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
)

// compoundData is the compound page: the compound (nil while adding one) and the unit it
// belongs to.
type compoundData struct {
	Unit     *org.Unit
	Crumbs   []org.Unit
	Compound *org.Compound
	CanEdit  bool
}

// compoundForm is what a compound form shows: the record's values, or what was entered.
func compoundForm(c *org.Compound) url.Values {
	v := url.Values{}
	if c == nil {
		return v
	}
	v.Set("name", c.Name)
	v.Set("address", c.Address)
	if c.ThreeWithout {
		v.Set("three_without", "1")
	}
	if c.RedCommittee {
		v.Set("red_committee", "1")
	}
	return v
}

// compoundPageData gathers a compound's unit and breadcrumbs.
func (s *Server) compoundPageData(r *http.Request, unitID int64, c *org.Compound) (*compoundData, error) {
	ctx, a := r.Context(), actor(r)
	u, err := s.db.Unit(ctx, a, unitID)
	if err != nil {
		return nil, err
	}
	crumbs, err := s.db.Ancestors(ctx, a, unitID)
	if err != nil {
		return nil, err
	}
	return &compoundData{Unit: u, Crumbs: append(crumbs, *u), Compound: c, CanEdit: a.P.CanAt(authz.EditUnits, u.Path)}, nil
}

// compoundPage shows a compound, with its form for those who may edit its unit.
func (s *Server) compoundPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.db.Compound(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.compoundPageData(r, c.UnitID, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "units_compound", &Page{Title: "units.compound.title", Form: compoundForm(c), Data: d})
}

// compoundFromForm reads a compound form into c.
func compoundFromForm(r *http.Request, c *org.Compound) {
	f := unitsPostForm(r)
	c.Name, c.Address = f.Get("name"), f.Get("address")
	c.ThreeWithout, c.RedCommittee = truthy(f.Get("three_without")), truthy(f.Get("red_committee"))
}

// compoundCreate adds a compound to a village, community or grid.
func (s *Server) compoundCreate(w http.ResponseWriter, r *http.Request) {
	uid, fe := formInt(unitsPostForm(r), "unit_id")
	if fe != nil || uid == 0 {
		s.fail(w, r, errs.New(errs.EINVALID, "error.bad_request"))
		return
	}
	if _, err := s.editableUnit(r, uid); err != nil {
		s.fail(w, r, err)
		return
	}
	c := &org.Compound{UnitID: uid}
	compoundFromForm(r, c)
	if err := s.db.SaveCompound(r.Context(), actor(r), c); err != nil {
		d, derr := s.compoundPageData(r, uid, nil)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		d.CanEdit = true
		s.formFail(w, r, "units_compound", &Page{Title: "units.compound.new", Data: d}, err)
		return
	}
	redirectFlash(w, r, unitsURL(uid), "flash.units.compound_saved")
}

// compoundUpdate changes a compound's name, address and flags.
func (s *Server) compoundUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, a := r.Context(), actor(r)
	old, err := s.db.Compound(ctx, a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.editableUnit(r, old.UnitID); err != nil {
		s.fail(w, r, err)
		return
	}
	c := &org.Compound{ID: id, UnitID: old.UnitID, Active: old.Active}
	compoundFromForm(r, c)
	c.Version, err = unitsFormVersion(r)
	if err == nil {
		err = s.db.SaveCompound(ctx, a, c)
	}
	if err != nil {
		// Show the compound as it now is (its current version), with what was entered.
		cur, cerr := s.db.Compound(ctx, a, id)
		if cerr != nil {
			s.fail(w, r, cerr)
			return
		}
		d, derr := s.compoundPageData(r, cur.UnitID, cur)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formFail(w, r, "units_compound", &Page{Title: "units.compound.title", Data: d}, err)
		return
	}
	redirectFlash(w, r, "/compounds/"+r.PathValue("id"), "flash.units.compound_saved")
}
