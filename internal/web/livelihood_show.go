package web

import (
	"net/http"
	"net/url"
	"strconv"

	"wuxing/internal/errs"
	"wuxing/internal/livelihood"
	"wuxing/internal/people"
	"wuxing/internal/photo"
	"wuxing/internal/storage"
)

// livShowData is the project page: its figures, leaders and reports; and the forms the user may
// use (claim, report, correct, close).
type livShowData struct {
	P         *livelihood.Project
	Reports   []livelihood.Report
	Acc       storage.LivelihoodAccess
	Today     string
	Compounds []pplChoice
	Cadres    []pplChoice
	Failed    string // the form the page's errors belong to: "report", "claim", "correct"
	Values    url.Values
	Correct   int64 // the report whose correction failed
}

// V is the values of the failed form (or the defaults).
func (d *livShowData) V() url.Values { return d.Values }

func (s *Server) livShowFor(r *http.Request, id int64, failed string, v url.Values) (*livShowData, error) {
	ctx, a := r.Context(), actor(r)
	p, rs, acc, err := s.db.LivelihoodProject(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := &livShowData{P: p, Reports: rs, Acc: acc, Today: s.livToday(), Failed: failed, Values: v}
	if d.Values == nil {
		d.Values = url.Values{}
	}
	if d.Values.Get("day") == "" {
		d.Values.Set("day", d.Today)
	}
	if acc.Report {
		cs, err := s.db.Compounds(ctx, a, storage.CompoundFilter{UnitID: p.UnitID, Limit: 1000})
		if err != nil && errs.Code(err) != errs.ENOTFOUND {
			return nil, err
		}
		sel := d.Values.Get("compound_id")
		for _, c := range cs {
			v := strconv.FormatInt(c.ID, 10)
			d.Compounds = append(d.Compounds, pplChoice{Value: v, Text: c.Name, Selected: v == sel})
		}
	}
	if acc.Manage {
		ps, _, err := s.db.People(ctx, a, storage.PeopleFilter{UnitID: p.UnitID, Category: people.Cadre, Limit: 500})
		if err != nil && errs.Code(err) != errs.ENOTFOUND {
			return nil, err
		}
		led := map[int64]bool{}
		for _, l := range p.Leaders {
			led[l.PersonID] = true
		}
		for _, x := range ps {
			if !led[x.ID] {
				d.Cadres = append(d.Cadres, pplChoice{Value: strconv.FormatInt(x.ID, 10), Text: x.Name + " · " + x.UnitName})
			}
		}
	}
	return d, nil
}

// livShow is GET /livelihood/{id}.
func (s *Server) livShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.livShowFor(r, id, "", nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "livelihood_show", &Page{Title: "livelihood.show.title", Data: d})
}

// livFormFail shows the project page again with the failed form's values and errors.
func (s *Server) livFormFail(w http.ResponseWriter, r *http.Request, id int64, form string, correct int64, err error) {
	d, derr := s.livShowFor(r, id, form, cloneForm(r.PostForm))
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	d.Correct = correct
	s.formFail(w, r, "livelihood_show", &Page{Title: "livelihood.show.title", Form: r.PostForm, Data: d}, err)
}

// cloneForm copies form values but the CSRF token, so a form may be filled in again.
func cloneForm(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if k != "csrf" {
			out[k] = append([]string(nil), vs...)
		}
	}
	return out
}

// livClaim is POST /livelihood/{id}/claim: the user claims the project (person_id empty) or a
// manager records another official's claim.
func (s *Server) livClaim(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	var fe []errs.FieldError
	person := pplID(v, "person_id", &fe)
	err = errs.FieldsOf(fe)
	if err == nil {
		err = s.db.ClaimLivelihoodProject(r.Context(), actor(r), id, person, v.Get("post"), pplVersion(v.Get("version")))
	}
	if err != nil {
		s.livFormFail(w, r, id, "claim", 0, err)
		return
	}
	redirectFlash(w, r, "/livelihood/"+strconv.FormatInt(id, 10), "flash.livelihood.claimed")
}

// livReportFrom reads a progress report from a form or JSON body's values.
func livReportFrom(v url.Values) (*livelihood.Report, []errs.FieldError) {
	var fe []errs.FieldError
	rep := &livelihood.Report{Day: v.Get("day"), Quantity: livQuantity(v, "quantity", &fe), Note: v.Get("note"),
		CompoundID: pplID(v, "compound_id", &fe)}
	if v.Get("quantity") == "" {
		fe = append(fe, errs.Field("quantity", "validation.required"))
	}
	return rep, fe
}

// livReport is POST /livelihood/{id}/reports (multipart, with up to photo.MaxPerStep photos):
// the report and its photos are stored together or not at all.
func (s *Server) livReport(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.livSubmitReport(r, id, r.PostForm); err != nil {
		s.livFormFail(w, r, id, "report", 0, err)
		return
	}
	redirectFlash(w, r, "/livelihood/"+strconv.FormatInt(id, 10), "flash.livelihood.reported")
}

// livSubmitReport checks the actor may report before it decodes any photo, then stores the
// report with its photos in one transaction.
func (s *Server) livSubmitReport(r *http.Request, id int64, v url.Values) error {
	a := actor(r)
	files, err := photoFiles(r)
	if err != nil {
		return err
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	version := pplVersion(v.Get("version"))
	if err := s.db.CheckLivelihoodReport(r.Context(), a, id, version, len(files)); err != nil {
		return err
	}
	rep, fe := livReportFrom(v)
	if err := errs.FieldsOf(fe); err != nil {
		return err
	}
	ps := make([]*photo.Photo, 0, len(files))
	for i, fh := range files {
		name, data, err := readPhoto(fh, i)
		if err != nil {
			return err
		}
		p, err := photo.Process(name, data)
		if err != nil {
			return err
		}
		ps = append(ps, p)
	}
	return s.db.ReportLivelihoodProgress(r.Context(), a, id, version, rep, ps)
}

// livClose is POST /livelihood/{id}/close: action=close closes the project as complete by the
// manager's decision, action=reopen reopens it.
func (s *Server) livClose(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	var closed bool
	switch v.Get("action") {
	case "close":
		closed = true
	case "reopen":
	default:
		// Look the project up first, so one out of reach stays not found.
		if _, _, _, err := s.db.LivelihoodProject(r.Context(), actor(r), id); err != nil {
			s.fail(w, r, err)
			return
		}
		s.fail(w, r, errs.Invalid(errs.Field("action", "livelihood.close.action")))
		return
	}
	if err := s.db.CloseLivelihoodProject(r.Context(), actor(r), id, closed, pplVersion(v.Get("version"))); err != nil {
		s.livFormFail(w, r, id, "close", 0, err)
		return
	}
	flash := "flash.livelihood.reopened"
	if closed {
		flash = "flash.livelihood.closed"
	}
	redirectFlash(w, r, "/livelihood/"+strconv.FormatInt(id, 10), flash)
}

// livCorrect is POST /livelihood/reports/{livreport}/correct: quantity (0 withdraws the
// report), note (the reason) and the project's version.
func (s *Server) livCorrect(w http.ResponseWriter, r *http.Request) {
	rid, err := pathID(r, "livreport")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pid, err := s.db.LivelihoodReportProject(r.Context(), actor(r), rid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	var fe []errs.FieldError
	q := livQuantity(v, "quantity", &fe)
	if v.Get("quantity") == "" {
		fe = append(fe, errs.Field("quantity", "validation.required"))
	}
	err = errs.FieldsOf(fe)
	if err == nil {
		_, err = s.db.CorrectLivelihoodReport(r.Context(), actor(r), rid, q, v.Get("note"), pplVersion(v.Get("version")))
	}
	if err != nil {
		s.livFormFail(w, r, pid, "correct", rid, err)
		return
	}
	redirectFlash(w, r, "/livelihood/"+strconv.FormatInt(pid, 10), "flash.livelihood.corrected")
}

// livPhoto serves a photo (or, thumb, its thumbnail) of a project the user sees.
func (s *Server) livPhoto(thumb bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		pid, err := pathID(r, "livphoto")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		ph, err := s.db.LivelihoodPhoto(r.Context(), actor(r), id, pid, thumb)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		servePhoto(w, r, &storage.CasePhoto{ID: ph.ID, ContentType: ph.ContentType, SHA256: ph.SHA256, CreatedAt: ph.CreatedAt,
			Data: ph.Data}, thumb, "private, max-age=3600")
	}
}
