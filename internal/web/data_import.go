package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/xlsx"
)

// dataChoice is one kind offered by the import and export page.
type dataChoice struct {
	Value    string
	Selected bool
}

// dataProblem is an import problem worded in the user's language.
type dataProblem struct {
	Sheet   string
	Row     int
	Column  string
	Message string
}

// importData is what the import page shows.
type importData struct {
	Kinds     []dataChoice // kinds the user may import
	Exports   []string     // kinds the user may export
	Kind      string
	MaxMB     int64
	MaxRows   int
	Report    *xlsx.Report
	Problems  []dataProblem
	Summary   string // the outcome of a dry run or an import, worded
	CanImport bool
}

// dataImportKinds lists the kinds p may import: units where a role that imports also edits
// units, people and households where it also edits people.
func dataImportKinds(p *authz.Principal) []xlsx.Kind {
	var units, ppl bool
	for _, b := range p.Bindings {
		if !b.Role.Has(authz.ImportData) {
			continue
		}
		units = units || b.Role.Has(authz.EditUnits)
		ppl = ppl || b.Role.Has(authz.EditPeople)
	}
	if p.System {
		units, ppl = true, true
	}
	var out []xlsx.Kind
	for _, k := range xlsx.ImportKinds {
		if (k == xlsx.Units && units) || (k != xlsx.Units && ppl) {
			out = append(out, k)
		}
	}
	return out
}

func (s *Server) importPageData(r *http.Request, kind string) (*importData, error) {
	p := principal(r)
	if !p.Can(authz.ImportData) && !p.Can(authz.ExportData) {
		return nil, errs.Forbidden()
	}
	d := &importData{MaxMB: s.maxUpload >> 20, MaxRows: xlsx.MaxRows, Kind: kind}
	kinds := dataImportKinds(p)
	if d.Kind == "" && len(kinds) > 0 {
		d.Kind = string(kinds[0])
	}
	for _, k := range kinds {
		d.Kinds = append(d.Kinds, dataChoice{Value: string(k), Selected: string(k) == d.Kind})
	}
	d.CanImport = len(d.Kinds) > 0
	if p.Can(authz.ExportData) {
		for _, k := range xlsx.ExportKinds {
			if k == xlsx.Units && !p.Can(authz.ViewUnits) || k != xlsx.Units && !p.Can(authz.ViewPeople) {
				continue
			}
			d.Exports = append(d.Exports, string(k))
		}
	}
	return d, nil
}

// importPage is GET /import: the upload form, the templates to download, and the exports.
func (s *Server) importPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.importPageData(r, r.URL.Query().Get("kind"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "data_import", &Page{Title: "data.title", Data: d})
}

// importSubmit is POST /import: a dry run (mode=dry, the default) or the import (mode=run) of
// the uploaded file. Either lists every problem by sheet, row and column; the import writes all
// rows or none.
func (s *Server) importSubmit(w http.ResponseWriter, r *http.Request) {
	if !principal(r).Can(authz.ImportData) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	kind := r.PostFormValue("kind")
	d, err := s.importPageData(r, kind)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := &Page{Title: "data.title", Data: d, Form: url.Values{"kind": {kind}}}
	if !slices.ContainsFunc(d.Kinds, func(c dataChoice) bool { return c.Value == kind }) {
		s.formFail(w, r, "data_import", page, errs.Invalid(errs.Field("kind", "data.kind.invalid")))
		return
	}
	mode := r.URL.Query().Get("mode")
	if mode == "" {
		mode = r.PostFormValue("mode")
	}
	dry := mode != "run"
	data, err := s.importUpload(r)
	if err != nil {
		s.formFail(w, r, "data_import", page, err)
		return
	}
	rep, err := xlsx.Import(r.Context(), s.db, actor(r), xlsx.Kind(kind), data, dry)
	if err != nil {
		e := errs.As(err)
		if e.Code == errs.EINTERNAL || e.Code == errs.EFORBIDDEN {
			s.fail(w, r, err)
			return
		}
		s.log.Info("import refused", "kind", kind, "reason", e.Key, "err", e.Err)
		s.formFail(w, r, "data_import", page, err)
		return
	}
	s.log.Info("import", "kind", kind, "dry_run", dry, "rows", rep.Rows, "problems", rep.ProblemCount(),
		"units", rep.Units, "households", rep.Households, "people", rep.People)
	pr := s.printer(r)
	d.Report = rep
	status := http.StatusOK
	switch {
	case !rep.OK():
		status = http.StatusUnprocessableEntity
		page.Error = pr.T("data.result.problems", rep.ProblemCount(), rep.Rows)
		for _, p := range rep.Problems {
			d.Problems = append(d.Problems, dataProblem{Sheet: p.Sheet, Row: p.Row, Column: p.Column(pr), Message: p.Message(pr)})
		}
	case dry:
		d.Summary = pr.T("data.result.dry_ok", rep.Rows, rep.Units, rep.Households, rep.People)
	default:
		page.Flash = pr.T("flash.data.imported", rep.Units, rep.Households, rep.People)
	}
	s.render(w, r, status, "data_import", page)
}

// importUpload reads the uploaded file; a missing one is a field error, one over the upload
// limit an error of its own.
func (s *Server) importUpload(r *http.Request) ([]byte, error) {
	f, _, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return nil, errTooLarge(mbe.Limit)
		case errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
			return nil, errs.Invalid(errs.Field("file", "data.file.required"))
		}
		return nil, &errs.Error{Code: errs.EINVALID, Key: "error.bad_request", Err: err}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.maxUpload+1))
	if err != nil {
		return nil, &errs.Error{Code: errs.EINVALID, Key: "error.bad_request", Err: err}
	}
	if int64(len(data)) > s.maxUpload {
		return nil, errTooLarge(s.maxUpload)
	}
	if len(data) == 0 {
		return nil, errs.Invalid(errs.Field("file", "data.file.required"))
	}
	return data, nil
}

// importTemplate is GET /import/template/{kind}.xlsx: the template in the user's language.
func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) {
	kind := strings.TrimSuffix(r.PathValue("kind"), ".xlsx")
	if !xlsx.Kind(kind).Importable() {
		s.fail(w, r, errs.NotFound())
		return
	}
	if !principal(r).Can(authz.ImportData) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	pr := s.printer(r)
	var buf bytes.Buffer
	if err := xlsx.WriteTemplate(&buf, xlsx.Kind(kind), pr); err != nil {
		s.fail(w, r, err)
		return
	}
	dataDownloadHeaders(w, kind+"-template.xlsx", pr.T("data.template.file", pr.T("data.kind."+kind)))
	w.Write(buf.Bytes())
}

// dataDownloadHeaders marks a response as an .xlsx download, named in ASCII for old clients
// and in the user's language for the rest (RFC 6266).
func dataDownloadHeaders(w http.ResponseWriter, ascii, name string) {
	h := w.Header()
	h.Set("Content-Type", xlsx.ContentType)
	h.Set("Content-Disposition", `attachment; filename="`+ascii+`"; filename*=UTF-8''`+url.PathEscape(name))
	h.Set("Cache-Control", "no-store")
}
