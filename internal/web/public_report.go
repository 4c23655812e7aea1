package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/auth"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/storage"
)

// publicReportData is what the residents' report form of a unit shows.
type publicReportData struct {
	UnitName   string
	UnitCode   string
	KindKey    string // kind.village, kind.community, kind.grid
	Categories []pplChoice
	Idem       string // the form's idempotency key, made when the page was rendered
}

// publicThanksData is the page after a report: the tracking code, big.
type publicThanksData struct {
	UnitName   string
	UnitCode   string
	Number     string
	Tracking   string
	TrackURL   string
	Again      bool   // the form had been sent before: this is the case it made then
	PhotoError string // translated, when the photos could not be kept
}

// publicCategories are the categories residents choose from: the active ones, without the
// inspections' rectification list.
func (s *Server) publicCategories(r *http.Request) ([]cases.Category, error) {
	all, err := s.db.Categories(r.Context(), false)
	if err != nil {
		return nil, err
	}
	var out []cases.Category
	for _, c := range all {
		if c.List != cases.Rectification {
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *Server) publicReportForm(r *http.Request, u *org.Unit, v url.Values) (*publicReportData, error) {
	cats, err := s.publicCategories(r)
	if err != nil {
		return nil, err
	}
	pr := s.printer(r)
	d := &publicReportData{UnitName: u.Name, UnitCode: u.Code, KindKey: "kind." + string(u.Kind), Idem: v.Get("idem")}
	if d.Idem == "" || len(d.Idem) > 200 {
		d.Idem = auth.NewToken()
	}
	sel := v.Get("category_id")
	for _, c := range cats {
		id := strconv.FormatInt(c.ID, 10)
		d.Categories = append(d.Categories, pplChoice{Value: id, Text: publicCategoryName(pr, c.Code, c.Name), Selected: id == sel})
	}
	return d, nil
}

func (s *Server) publicReportPage(w http.ResponseWriter, r *http.Request) {
	u, err := s.publicUnit(r, true)
	if err != nil {
		s.publicFail(w, r, err, "public.notfound.unit")
		return
	}
	d, err := s.publicReportForm(r, u, url.Values{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "public_report", &Page{Title: "public.report.title", Data: d, Form: url.Values{}})
}

// publicReportInput is a resident's report as the form or the API sends it.
type publicReportInput struct {
	CategoryID    int64  `json:"category_id"`
	Title         string `json:"title"`
	Description   string `json:"description"`
	Address       string `json:"address"`
	ReporterName  string `json:"reporter_name"`
	ReporterPhone string `json:"reporter_phone"`
}

// publicSubmit files a resident's report to unit u with the client's idempotency key. It
// returns the case (the earlier one when the key was seen before) and whether it is new.
func (s *Server) publicSubmit(r *http.Request, u *org.Unit, in publicReportInput, key string) (*cases.Case, bool, error) {
	if len(key) > 200 {
		return nil, false, errs.New(errs.EINVALID, "error.bad_request")
	}
	cats, err := s.publicCategories(r)
	if err != nil {
		return nil, false, err
	}
	c := &cases.Case{List: cases.Appeal, Urgency: cases.Normal, Channel: cases.PublicForm, Title: in.Title,
		Description: in.Description, Address: in.Address, ReporterName: in.ReporterName, ReporterPhone: in.ReporterPhone}
	for _, cat := range cats {
		if cat.ID == in.CategoryID {
			c.CategoryID, c.List = cat.ID, cat.List
		}
	}
	if c.CategoryID == 0 && in.CategoryID != 0 {
		return nil, false, errs.Invalid(errs.Field("category_id", "cases.category.not_found"))
	}
	created, err := s.db.SubmitPublic(r.Context(), u.Code, c, storage.NewCase{IdempotencyKey: publicIdemKey(u.Code, key), ActorName: publicResident},
		ctxOf(r).ip)
	if err != nil {
		return nil, false, err
	}
	// A key sent again with other content is a client's mistake, not a resubmission: say so
	// rather than hand back someone else's case.
	if !created && (c.Title != strings.TrimSpace(in.Title) || c.Description != strings.TrimSpace(in.Description) || c.CategoryID != in.CategoryID) {
		return nil, false, errs.New(errs.ECONFLICT, "public.idempotency.reused")
	}
	if created {
		publicCharge(r, s.public.submits)
	}
	return c, created, nil
}

// publicResident is the actor name of a resident's steps on the timeline.
const publicResident = "resident"

func (s *Server) publicReportSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.publicAllow(w, r, s.public.submits, false) {
		return
	}
	u, err := s.publicUnit(r, true)
	if err != nil {
		s.publicFail(w, r, err, "public.notfound.unit")
		return
	}
	if err := publicParseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	in := publicReportInput{Title: v.Get("title"), Description: v.Get("description"), Address: v.Get("address"),
		ReporterName: v.Get("reporter_name"), ReporterPhone: v.Get("reporter_phone")}
	var fe *errs.FieldError
	in.CategoryID, fe = formInt(v, "category_id")
	if fe != nil {
		in.CategoryID = -1 // not one of the choices: reported as such
	}
	// A mislabeled or oversize photo stops the report before anything is filed.
	err = s.checkPhotos(r)
	var c *cases.Case
	created := false
	if err == nil {
		c, created, err = s.publicSubmit(r, u, in, v.Get("idem"))
	}
	if err != nil {
		d, derr := s.publicReportForm(r, u, v)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formFail(w, r, "public_report", &Page{Title: "public.report.title", Data: d}, err)
		return
	}
	d := publicThanksData{UnitName: u.Name, UnitCode: u.Code, Number: c.Number, Tracking: c.TrackingCode,
		TrackURL: s.absURL(r, "/t/"+c.TrackingCode), Again: !created}
	if created {
		if err := s.attachPhotos(r, storage.ResidentActor(ctxOf(r).ip), c.ID, "report"); err != nil {
			s.log.Warn("public report photos", "case", c.ID, "err", err)
			e := errs.As(err)
			if e.Code == errs.EINTERNAL {
				e = errs.New(errs.EINTERNAL, "error.internal")
			}
			d.PhotoError = s.printer(r).T(e.Key, e.Args...)
		}
	}
	s.render(w, r, http.StatusOK, "public_thanks", &Page{Title: "public.thanks.title", Data: d})
}

// publicParseForm reads a posted form, multipart or not, when the CSRF check has not already.
func publicParseForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(8 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errTooLarge(mbe.Limit)
		}
		return errs.New(errs.EINVALID, "error.bad_request")
	}
	return nil
}
