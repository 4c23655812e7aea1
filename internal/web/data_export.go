package web

import (
	"net/http"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/storage"
	"wuxing/internal/xlsx"
)

// exportList is GET /export/{kind}.xlsx: the list of that kind, with the list page's filters
// taken from the query, within the user's scope, phone and ID numbers masked as on screen.
func (s *Server) exportList(w http.ResponseWriter, r *http.Request) {
	kind := strings.TrimSuffix(r.PathValue("kind"), ".xlsx")
	if kind == "cases" {
		s.caseLedger(w, r) // the case ledger, with the case list's filters (cases_ledger.go)
		return
	}
	k := xlsx.Kind(kind)
	if !k.Exportable() {
		s.fail(w, r, errs.NotFound())
		return
	}
	pp := principal(r)
	if !pp.Can(authz.ExportData) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	spec, err := s.exportSpec(r, k)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	spec.Phone = func(phone, unitPath string) string { return phoneFor(pp, phone, unitPath) }
	spec.IDNumber = func(id, unitPath string) string { return idNumberFor(pp, id, unitPath) }
	pr := s.printer(r)
	x, err := xlsx.NewExport(r.Context(), s.db, actor(r), spec, pr)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer x.Close()
	s.log.Info("export", "kind", kind, "rows", x.Rows)
	day := s.clock.Now().In(cst).Format("20060102")
	dataDownloadHeaders(w, kind+"-"+day+".xlsx", xlsx.FileName(pr, k, day))
	if _, err := x.WriteTo(w); err != nil {
		// The download has begun; all that is left is to note it.
		s.log.Error("export write", "kind", kind, "err", err)
	}
}

// exportSpec reads the same filters as the kind's list page. A unit filter outside the user's
// scope is not found, as on the list page.
func (s *Server) exportSpec(r *http.Request, k xlsx.Kind) (xlsx.ExportSpec, error) {
	q := r.URL.Query()
	spec := xlsx.ExportSpec{Kind: k}
	var err error
	switch k {
	case xlsx.Units:
		var fe []errs.FieldError
		spec.UnitRoot = pplID(q, "unit", &fe)
		if err := errs.FieldsOf(fe); err != nil {
			return spec, err
		}
		kinds, err := kindsParam(q["kind"])
		if err != nil {
			return spec, err
		}
		spec.Units = storage.UnitFilter{Query: strings.TrimSpace(q.Get("q")), Kinds: kinds, IncludeInactive: truthy(q.Get("inactive"))}
	case xlsx.People:
		spec.People, err = pplPeopleFilter(q)
	case xlsx.Households:
		spec.Households, err = pplHouseholdFilter(q)
	case xlsx.Assignments:
		spec.Assignments, err = s.pplAssignmentFilter(q)
	}
	if err != nil {
		return spec, err
	}
	unit := spec.UnitRoot
	switch k {
	case xlsx.People:
		unit = spec.People.UnitID
	case xlsx.Households:
		unit = spec.Households.UnitID
	case xlsx.Assignments:
		unit = spec.Assignments.UnitID
	}
	if unit != 0 {
		if _, err := s.db.Unit(r.Context(), actor(r), unit); err != nil {
			return spec, err
		}
	}
	return spec, nil
}
