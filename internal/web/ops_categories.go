package web

import (
	"net/http"
	"net/url"
	"strconv"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/locale"
	"wuxing/internal/storage"
)

// opsCategoryRow is a category with the name to show: the catalogue's, in the reader's language,
// for the default categories, else the name an administrator stored.
type opsCategoryRow struct {
	cases.Category
	Display string
}

type opsCategoriesData struct {
	Categories []opsCategoryRow
	Lists      []cases.List
	CanEdit    bool
	Category   *opsCategoryRow // the one being edited
}

// opsCategoryName is the name shown for a category.
func opsCategoryName(pr *locale.Printer, c *cases.Category) string {
	if key := "cases.category." + c.Code; pr.Has(key) {
		return pr.T(key)
	}
	return c.Name
}

// opsCategoriesData reads the categories for the pages; only those who may configure cases
// somewhere see them here (everyone reads them in case forms).
func (s *Server) opsCategoriesData(r *http.Request) (*opsCategoriesData, error) {
	a := actor(r)
	if !a.P.Can(authz.ConfigureCases) {
		return nil, errs.Forbidden()
	}
	cats, err := s.db.Categories(r.Context(), true)
	if err != nil {
		return nil, err
	}
	pr := s.printer(r)
	d := &opsCategoriesData{Lists: cases.Lists, CanEdit: storage.ConfiguresPlatform(a.P)}
	for _, c := range cats {
		d.Categories = append(d.Categories, opsCategoryRow{Category: c, Display: opsCategoryName(pr, &c)})
	}
	return d, nil
}

// opsCategories lists the categories with their time limits per urgency, and the form to add one.
func (s *Server) opsCategories(w http.ResponseWriter, r *http.Request) {
	d, err := s.opsCategoriesData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "ops_categories", &Page{Title: "ops.categories.title", Data: d,
		Form: url.Values{"accept_days": {"1"}, "days_normal": {"5"}, "days_urgent": {"3"}, "days_critical": {"1"}}})
}

// opsCategoryFind returns the category the path names, for the edit page.
func (s *Server) opsCategoryFind(r *http.Request, d *opsCategoriesData) (*opsCategoryRow, error) {
	id, err := strconv.ParseInt(r.PathValue("category"), 10, 64)
	if err != nil {
		return nil, errs.NotFound()
	}
	for i := range d.Categories {
		if d.Categories[i].ID == id {
			return &d.Categories[i], nil
		}
	}
	return nil, errs.NotFound()
}

// opsCategory shows a category's edit form.
func (s *Server) opsCategory(w http.ResponseWriter, r *http.Request) {
	d, err := s.opsCategoriesData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.opsCategoryFind(r, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Category = c
	s.render(w, r, http.StatusOK, "ops_categories", &Page{Title: "ops.category.title", Data: d, Form: opsCategoryForm(&c.Category)})
}

// opsCategoryForm is a category as form values.
func opsCategoryForm(c *cases.Category) url.Values {
	v := url.Values{}
	v.Set("code", c.Code)
	v.Set("name", c.Name)
	v.Set("list", string(c.List))
	v.Set("accept_days", strconv.Itoa(c.AcceptDays))
	v.Set("days_normal", strconv.Itoa(c.DaysNormal))
	v.Set("days_urgent", strconv.Itoa(c.DaysUrgent))
	v.Set("days_critical", strconv.Itoa(c.DaysCritical))
	v.Set("version", strconv.FormatInt(c.Version, 10))
	if c.Active {
		v.Set("active", "on")
	}
	return v
}

// opsParseCategory reads a category from the form into c; numbers that are not numbers are field
// errors, the rest is checked by the store.
func opsParseCategory(v url.Values, c *cases.Category) error {
	var fe []errs.FieldError
	num := func(name string, dst *int) {
		n, err := strconv.Atoi(v.Get(name))
		if err != nil {
			fe = append(fe, errs.Field(name, "validation.number"))
			return
		}
		*dst = n
	}
	c.Code, c.Name, c.List = v.Get("code"), v.Get("name"), cases.List(v.Get("list"))
	num("accept_days", &c.AcceptDays)
	num("days_normal", &c.DaysNormal)
	num("days_urgent", &c.DaysUrgent)
	num("days_critical", &c.DaysCritical)
	if err := errs.FieldsOf(fe); err != nil {
		return err
	}
	return c.Validate()
}

// opsCategoryCreate adds a category.
func (s *Server) opsCategoryCreate(w http.ResponseWriter, r *http.Request) {
	d, err := s.opsCategoriesData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !d.CanEdit {
		s.fail(w, r, errs.Forbidden())
		return
	}
	var c cases.Category
	err = opsParseCategory(r.PostForm, &c)
	if err == nil {
		err = s.db.SaveCategory(r.Context(), actor(r), &c)
	}
	if err != nil {
		s.formFail(w, r, "ops_categories", &Page{Title: "ops.categories.title", Data: d}, err)
		return
	}
	redirectFlash(w, r, "/admin/categories", "flash.ops.category_saved")
}

// opsCategoryUpdate saves a category's edit form; the version read guards against a concurrent
// edit (409).
func (s *Server) opsCategoryUpdate(w http.ResponseWriter, r *http.Request) {
	d, err := s.opsCategoriesData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	row, err := s.opsCategoryFind(r, d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !d.CanEdit {
		s.fail(w, r, errs.Forbidden())
		return
	}
	d.Category = row
	c := row.Category
	version, verr := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	c.Version = version
	c.Active = r.PostForm.Get("active") != ""
	err = opsParseCategory(r.PostForm, &c)
	if err == nil && verr != nil {
		err = errs.Conflict()
	}
	if err == nil {
		err = s.db.SaveCategory(r.Context(), actor(r), &c)
	}
	if err != nil {
		s.formFail(w, r, "ops_categories", &Page{Title: "ops.category.title", Data: d}, err)
		return
	}
	redirectFlash(w, r, "/admin/categories", "flash.ops.category_saved")
}
