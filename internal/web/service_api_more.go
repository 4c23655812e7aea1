package web

import (
	"net/http"
	"net/url"

	"wuxing/internal/errs"
	"wuxing/internal/service"
	"wuxing/internal/storage"
)

// The service API's volunteers, certificates and residents' rating, scoped as their pages are.

type svcVolunteerJSON struct {
	ID           int64    `json:"id"`
	PersonID     int64    `json:"person_id"`
	PersonName   string   `json:"person_name"`
	Phone        string   `json:"phone"` // masked unless the caller may see phones there, as on the page
	UnitID       int64    `json:"unit_id"`
	UnitName     string   `json:"unit_name"`
	Categories   []string `json:"categories"`
	RegisteredOn string   `json:"registered_on"`
	Version      int64    `json:"version"`
}

func (s *Server) svcVolunteerOut(r *http.Request, v *service.Volunteer) svcVolunteerJSON {
	cats := make([]string, 0, len(v.Categories))
	for _, c := range v.Categories {
		cats = append(cats, string(c))
	}
	return svcVolunteerJSON{ID: v.ID, PersonID: v.PersonID, PersonName: v.PersonName, Phone: phoneFor(principal(r), v.Phone, v.UnitPath),
		UnitID: v.UnitID, UnitName: v.UnitName, Categories: cats, RegisteredOn: v.RegisteredOn, Version: v.Version}
}

// svcListArgs reads ?limit=&offset= as the other list calls do.
func svcListArgs(q url.Values, fe *[]errs.FieldError) (int, int) {
	limit, offset := pplID(q, "limit", fe), pplID(q, "offset", fe)
	if limit == 0 {
		limit = perPage
	}
	return int(min(limit, 1000)), int(min(offset, 1<<30))
}

// apiSvcVolunteers is GET /api/v1/service/volunteers?unit=&category=&limit=&offset=.
func (s *Server) apiSvcVolunteers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var fe []errs.FieldError
	f := storage.VolunteerFilter{UnitID: pplID(q, "unit", &fe), Category: service.Category(q.Get("category"))}
	if f.Category != "" && !f.Category.Valid() {
		fe = append(fe, errs.Field("category", "service.volunteer.category.invalid"))
	}
	f.Limit, f.Offset = svcListArgs(q, &fe)
	svcList(s, w, r, fe, "volunteers", func() ([]service.Volunteer, int, error) { return s.db.Volunteers(r.Context(), actor(r), f) },
		func(v *service.Volunteer) svcVolunteerJSON { return s.svcVolunteerOut(r, v) })
}

// apiSvcVolunteerRegister is POST /api/v1/service/volunteers {"person_id": n, "categories": [..],
// "registered_on": "YYYY-MM-DD"}: registers a person, or changes their categories.
func (s *Server) apiSvcVolunteerRegister(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PersonID     int64    `json:"person_id"`
		Categories   []string `json:"categories"`
		RegisteredOn string   `json:"registered_on"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	v := &service.Volunteer{PersonID: in.PersonID, RegisteredOn: in.RegisteredOn}
	for _, c := range in.Categories {
		v.Categories = append(v.Categories, service.Category(c))
	}
	if err := s.db.RegisterVolunteer(r.Context(), actor(r), v); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"volunteer": s.svcVolunteerOut(r, v)})
}

type svcCertificateJSON struct {
	ID         int64   `json:"id"`
	Number     string  `json:"number"`
	PersonID   int64   `json:"person_id"`
	PersonName string  `json:"person_name"`
	Hours      float64 `json:"hours"`
	PeriodFrom string  `json:"period_from"`
	PeriodTo   string  `json:"period_to"`
	Content    string  `json:"content"`
	Issuer     string  `json:"issuer"`
	IssuedOn   string  `json:"issued_on"`
	VerifyURL  string  `json:"verify_url"`
}

func (s *Server) svcCertificateOut(r *http.Request, c *service.Certificate) svcCertificateJSON {
	return svcCertificateJSON{ID: c.ID, Number: c.Number, PersonID: c.PersonID, PersonName: c.PersonName, Hours: float64(c.Centihours) / 100,
		PeriodFrom: c.PeriodFrom, PeriodTo: c.PeriodTo, Content: c.Content, Issuer: c.Issuer, IssuedOn: c.IssuedOn,
		VerifyURL: s.absURL(r, "/verify/service-certificate?number="+url.QueryEscape(c.Number))}
}

// apiSvcCertificates is GET /api/v1/service/certificates?person=&limit=&offset=: the
// certificates the caller sees (of their units, and their own), newest first.
func (s *Server) apiSvcCertificates(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var fe []errs.FieldError
	person := pplID(q, "person", &fe)
	limit, offset := svcListArgs(q, &fe)
	svcList(s, w, r, fe, "certificates",
		func() ([]service.Certificate, int, error) {
			return s.db.ServiceCertificates(r.Context(), actor(r), person, limit, offset)
		},
		func(c *service.Certificate) svcCertificateJSON { return s.svcCertificateOut(r, c) })
}

// apiSvcCertificateIssue is POST /api/v1/service/certificates {"person_id", "period_from",
// "period_to", "content", "issuer"}: the hours are the ledger's sum over the period.
func (s *Server) apiSvcCertificateIssue(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PersonID   int64  `json:"person_id"`
		PeriodFrom string `json:"period_from"`
		PeriodTo   string `json:"period_to"`
		Content    string `json:"content"`
		Issuer     string `json:"issuer"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	c := &service.Certificate{PersonID: in.PersonID, PeriodFrom: in.PeriodFrom, PeriodTo: in.PeriodTo, Content: in.Content, Issuer: in.Issuer}
	if err := s.db.IssueCertificate(r.Context(), actor(r), c); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"certificate": s.svcCertificateOut(r, c)})
}

// apiSvcCertificate is GET /api/v1/service/certificates/{service_certificate}.
func (s *Server) apiSvcCertificate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "service_certificate")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.db.ServiceCertificate(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"certificate": s.svcCertificateOut(r, c)})
}

// apiSvcCertificateVerify is GET /api/v1/service/certificates/verify?number=: the public check
// the verify page makes, for a verifier's system: the same limit, the name masked, nothing else
// personal.
func (s *Server) apiSvcCertificateVerify(w http.ResponseWriter, r *http.Request) {
	number := service.NormalizeNumber(r.URL.Query().Get("number"))
	if number == "" {
		s.fail(w, r, errs.Invalid(errs.Field("number", "validation.required")))
		return
	}
	if !s.publicAllow(w, r, s.public.lookups, true) {
		return
	}
	c, err := s.db.CertificateByNumber(r.Context(), number)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"certificate": map[string]any{"number": c.Number, "holder": c.MaskedName(),
		"hours": float64(c.Centihours) / 100, "period_from": c.PeriodFrom, "period_to": c.PeriodTo, "content": c.Content,
		"issuer": c.Issuer, "issued_on": c.IssuedOn}})
}

// apiSvcActivityRate is POST /api/v1/service/activities/{service_activity}/rating
// {"satisfied": n, "basic": n, "dissatisfied": n, "version": n}.
func (s *Server) apiSvcActivityRate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "service_activity")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		Satisfied    int   `json:"satisfied"`
		Basic        int   `json:"basic"`
		Dissatisfied int   `json:"dissatisfied"`
		Version      int64 `json:"version"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	x, err := s.db.RateActivity(r.Context(), actor(r), id, service.Ratings{Satisfied: in.Satisfied, Basic: in.Basic, Dissatisfied: in.Dissatisfied}, in.Version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"activity": svcActivityOut(x)})
}
