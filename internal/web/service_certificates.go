package web

import (
	"net/http"
	"net/url"
	"strconv"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/service"
	"wuxing/internal/storage"
)

// svcVolunteersPage is the volunteers' register, with the form to register one.
type svcVolunteersPage struct {
	Volunteers []service.Volunteer
	Pager      Pager
	Category   string
	Categories []pplChoice
	CanManage  bool
	People     []pplChoice
	CatChoices []pplChoice
	Values     url.Values
}

func (s *Server) svcVolunteersData(r *http.Request, v url.Values) (*svcVolunteersPage, error) {
	q := r.URL.Query()
	d := &svcVolunteersPage{Pager: pagerFrom(r), Category: q.Get("category"), CanManage: principal(r).Can(authz.ManageService), Values: v}
	if d.Category != "" && !service.Category(d.Category).Valid() {
		d.Category = ""
	}
	var fe []errs.FieldError
	unit := pplID(q, "unit", &fe)
	if err := errs.FieldsOf(fe); err != nil {
		return nil, err
	}
	var err error
	d.Volunteers, d.Pager.Total, err = s.db.Volunteers(r.Context(), actor(r), storage.VolunteerFilter{UnitID: unit, Category: service.Category(d.Category),
		Limit: d.Pager.Per, Offset: d.Pager.Offset()})
	if err != nil && errs.Code(err) != errs.ENOTFOUND {
		return nil, err
	}
	d.Categories = append([]pplChoice{{Value: "", Key: "common.all"}}, pplKeyChoices(service.Categories, "service.category.", d.Category)...)
	if d.CanManage {
		if d.Values == nil {
			d.Values = url.Values{}
		}
		d.CatChoices = pplKeyChoices(service.Categories, "service.category.", d.Values["categories"]...)
		if d.People, err = s.svcPeopleChoices(r, 0, nil); err != nil {
			return nil, err
		}
		d.People = cmpSelect(d.People, d.Values.Get("person_id"))
	}
	return d, nil
}

// svcVolunteers is GET /service/volunteers (?category=&unit=&page=).
func (s *Server) svcVolunteers(w http.ResponseWriter, r *http.Request) {
	d, err := s.svcVolunteersData(r, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "service_volunteers", &Page{Title: "service.volunteers.title", Data: d})
}

// svcVolunteerRegister is POST /service/volunteers.
func (s *Server) svcVolunteerRegister(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, errs.New(errs.EINVALID, "error.bad_request"))
		return
	}
	v := r.PostForm
	var fe []errs.FieldError
	vol := &service.Volunteer{PersonID: pplID(v, "person_id", &fe)}
	for _, c := range v["categories"] {
		vol.Categories = append(vol.Categories, service.Category(c))
	}
	err := errs.FieldsOf(fe)
	if err == nil {
		err = s.db.RegisterVolunteer(r.Context(), actor(r), vol)
	}
	if err != nil {
		d, derr := s.svcVolunteersData(r, v)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formFail(w, r, "service_volunteers", &Page{Title: "service.volunteers.title", Data: d}, err)
		return
	}
	redirectFlash(w, r, "/service/volunteers", "flash.service.volunteer_registered")
}

// svcCertificatesPage lists certificates, with the form to issue one.
type svcCertificatesPage struct {
	Certificates []service.Certificate
	Pager        Pager
	CanManage    bool
	People       []pplChoice
	Values       url.Values
}

func (s *Server) svcCertificatesData(r *http.Request, v url.Values) (*svcCertificatesPage, error) {
	d := &svcCertificatesPage{Pager: pagerFrom(r), CanManage: principal(r).Can(authz.ManageService), Values: v}
	var err error
	if d.Certificates, d.Pager.Total, err = s.db.ServiceCertificates(r.Context(), actor(r), 0, d.Pager.Per, d.Pager.Offset()); err != nil {
		return nil, err
	}
	if d.CanManage {
		if d.Values == nil {
			y := strconv.Itoa(s.clock.Now().In(cst).Year())
			d.Values = url.Values{"period_from": {y + "-01-01"}, "period_to": {s.svcToday()}}
		}
		if d.People, err = s.svcPeopleChoices(r, 0, nil); err != nil {
			return nil, err
		}
		d.People = cmpSelect(d.People, d.Values.Get("person_id"))
	}
	return d, nil
}

// svcCertificates is GET /service/certificates.
func (s *Server) svcCertificates(w http.ResponseWriter, r *http.Request) {
	d, err := s.svcCertificatesData(r, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "service_certificates", &Page{Title: "service.certificates.title", Data: d})
}

// svcCertificateIssue is POST /service/certificates.
func (s *Server) svcCertificateIssue(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, errs.New(errs.EINVALID, "error.bad_request"))
		return
	}
	v := r.PostForm
	var fe []errs.FieldError
	c := &service.Certificate{PersonID: pplID(v, "person_id", &fe), PeriodFrom: v.Get("period_from"), PeriodTo: v.Get("period_to"),
		Content: v.Get("content"), Issuer: v.Get("issuer")}
	err := errs.FieldsOf(fe)
	if err == nil {
		err = s.db.IssueCertificate(r.Context(), actor(r), c)
	}
	if err != nil {
		d, derr := s.svcCertificatesData(r, v)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formFail(w, r, "service_certificates", &Page{Title: "service.certificates.title", Data: d}, err)
		return
	}
	redirectFlash(w, r, "/service/certificates/"+strconv.FormatInt(c.ID, 10), "flash.service.certificate_issued")
}

// svcCertificateData is a printable certificate.
type svcCertificateData struct {
	C         *service.Certificate
	VerifyURL string
}

// svcCertificateShow is GET /service/certificates/{service_certificate}: printable.
func (s *Server) svcCertificateShow(w http.ResponseWriter, r *http.Request) {
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
	d := svcCertificateData{C: c, VerifyURL: s.absURL(r, "/verify/service-certificate?number="+url.QueryEscape(c.Number))}
	s.render(w, r, http.StatusOK, "service_certificate", &Page{Title: "service.certificate.title", Data: d})
}

// svcVerifyData is the public check of a certificate: the name masked, nothing else personal.
type svcVerifyData struct {
	Number  string
	Found   bool
	Checked bool
	Masked  string
	Hours   string
	Content string
	Issuer  string
	Issued  string
	From    string
	To      string
}

// svcVerify is GET /verify/service-certificate?number=: anyone may check a certificate's
// number, within the public lookup limit (numbers run in sequence, so guessing is throttled).
func (s *Server) svcVerify(w http.ResponseWriter, r *http.Request) {
	number := service.NormalizeNumber(r.URL.Query().Get("number"))
	d := svcVerifyData{Number: number}
	if number != "" {
		if !s.publicAllow(w, r, s.public.lookups, true) {
			return
		}
		d.Checked = true
		c, err := s.db.CertificateByNumber(r.Context(), number)
		switch {
		case err == nil:
			d.Found, d.Masked, d.Hours, d.Content, d.Issuer, d.Issued, d.From, d.To =
				true, c.MaskedName(), c.Hours(), c.Content, c.Issuer, c.IssuedOn, c.PeriodFrom, c.PeriodTo
		case errs.Code(err) != errs.ENOTFOUND:
			s.fail(w, r, err)
			return
		}
	}
	status := http.StatusOK
	if d.Checked && !d.Found {
		status = http.StatusNotFound
	}
	s.render(w, r, status, "service_verify", &Page{Title: "service.verify.title", Data: d})
}
