package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/livelihood"
	"wuxing/internal/org"
	"wuxing/internal/storage"
)

// livOwnerKinds are the kinds of unit that own projects.
var livOwnerKinds = []org.Kind{org.Town, org.Village, org.Community}

// livFormData is what the project form offers: for a new project, the units the user manages
// projects in; for an edit, the project.
type livFormData struct {
	Project    *livelihood.Project // nil for a new one
	Units      []pplChoice
	Categories []pplChoice
	Years      []pplChoice
}

func (s *Server) livFormFor(r *http.Request, p *livelihood.Project, v url.Values) (*livFormData, error) {
	d := &livFormData{Project: p,
		Categories: pplKeyChoices(livelihood.Categories, "livelihood.category.", v.Get("category"))}
	y, _ := strconv.Atoi(v.Get("year"))
	d.Years = s.livYears(y)
	if p == nil {
		owners, err := s.db.LivelihoodOwners(r.Context(), actor(r))
		if err != nil {
			return nil, err
		}
		if len(owners) == 0 {
			return nil, errs.Forbidden()
		}
		var fe []errs.FieldError
		sel := pplID(v, "unit_id", &fe)
		for _, u := range owners {
			d.Units = append(d.Units, pplChoice{Value: strconv.FormatInt(u.ID, 10), Text: u.Name, Selected: u.ID == sel})
		}
	}
	return d, nil
}

// livQuantity reads a quantity field; a malformed one is a field error (a minus sign included).
func livQuantity(v url.Values, name string, fe *[]errs.FieldError) livelihood.Quantity {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return 0
	}
	if strings.HasPrefix(s, "-") {
		*fe = append(*fe, errs.Field(name, "livelihood.quantity.negative"))
		return 0
	}
	q, ok := livelihood.ParseQuantity(s)
	if !ok {
		*fe = append(*fe, errs.Field(name, "livelihood.quantity.invalid"))
	}
	return q
}

// livYear reads the year field.
func livYear(v url.Values, fe *[]errs.FieldError) int {
	y := pplID(v, "year", fe)
	if y > livelihood.MaxYear {
		return 0
	}
	return int(y)
}

func livValues(p *livelihood.Project) url.Values {
	v := url.Values{}
	v.Set("title", p.Title)
	v.Set("description", p.Description)
	v.Set("category", string(p.Category))
	v.Set("measure", p.Measure)
	v.Set("target", p.Target.String())
	v.Set("year", strconv.Itoa(p.Year))
	v.Set("deadline", p.Deadline)
	v.Set("version", strconv.FormatInt(p.Version, 10))
	return v
}

// livNew is GET /livelihood/new (?unit=).
func (s *Server) livNew(w http.ResponseWriter, r *http.Request) {
	if err := pplNeed(r, authz.ManageLivelihood); err != nil {
		s.fail(w, r, err)
		return
	}
	v := url.Values{}
	v.Set("year", strconv.Itoa(s.clock.Now().In(cst).Year()))
	v.Set("category", string(livelihood.Other))
	if u := r.URL.Query().Get("unit"); u != "" {
		v.Set("unit_id", u)
	}
	d, err := s.livFormFor(r, nil, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "livelihood_form", &Page{Title: "livelihood.new.title", Form: v, Data: d})
}

// livCreate is POST /livelihood.
func (s *Server) livCreate(w http.ResponseWriter, r *http.Request) {
	if err := pplNeed(r, authz.ManageLivelihood); err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	var fe []errs.FieldError
	p := &livelihood.Project{UnitID: pplID(v, "unit_id", &fe), Title: v.Get("title"), Description: v.Get("description"),
		Category: livelihood.Category(v.Get("category")), Measure: v.Get("measure"), Target: livQuantity(v, "target", &fe),
		Year: livYear(v, &fe), Deadline: v.Get("deadline")}
	err := errs.FieldsOf(fe)
	if err == nil {
		err = s.db.CreateLivelihoodProject(r.Context(), actor(r), p)
	}
	if err != nil {
		d, derr := s.livFormFor(r, nil, v)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formFail(w, r, "livelihood_form", &Page{Title: "livelihood.new.title", Form: v, Data: d}, err)
		return
	}
	redirectFlash(w, r, "/livelihood/"+strconv.FormatInt(p.ID, 10), "flash.livelihood.created")
}

// livManaged reads a project the user manages; one they only see is forbidden.
func (s *Server) livManaged(r *http.Request) (*livelihood.Project, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, _, acc, err := s.db.LivelihoodProject(r.Context(), actor(r), id)
	if err != nil {
		return nil, err
	}
	if !acc.Manage {
		return nil, errs.Forbidden()
	}
	return p, nil
}

// livEdit is GET /livelihood/{id}/edit.
func (s *Server) livEdit(w http.ResponseWriter, r *http.Request) {
	p, err := s.livManaged(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := livValues(p)
	d, err := s.livFormFor(r, p, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "livelihood_form", &Page{Title: "livelihood.edit.title", Form: v, Data: d})
}

// livUpdate is POST /livelihood/{id}.
func (s *Server) livUpdate(w http.ResponseWriter, r *http.Request) {
	p, err := s.livManaged(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	var fe []errs.FieldError
	up := storage.LivelihoodUpdate{Title: v.Get("title"), Description: v.Get("description"), Category: livelihood.Category(v.Get("category")),
		Measure: v.Get("measure"), Target: livQuantity(v, "target", &fe), Year: livYear(v, &fe), Deadline: v.Get("deadline"),
		Version: pplVersion(v.Get("version"))}
	err = errs.FieldsOf(fe)
	if err == nil {
		_, err = s.db.UpdateLivelihoodProject(r.Context(), actor(r), p.ID, up)
	}
	if err != nil {
		d, derr := s.livFormFor(r, p, v)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formFail(w, r, "livelihood_form", &Page{Title: "livelihood.edit.title", Form: v, Data: d}, err)
		return
	}
	redirectFlash(w, r, "/livelihood/"+strconv.FormatInt(p.ID, 10), "flash.livelihood.saved")
}
