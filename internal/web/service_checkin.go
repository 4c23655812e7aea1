package web

import (
	"net/http"
	"strings"

	"wuxing/internal/errs"
	"wuxing/internal/service"
	"wuxing/internal/storage"
)

// svcCheckinPageData is the page a check-in code opens on a volunteer's phone: the activity and
// the one button that applies (check in, check out), or their hours once done.
type svcCheckinPageData struct {
	Token    string
	A        *service.Activity
	Own      *service.Participant
	NoPerson bool   // the account has no linked person: it cannot check in
	Closed   string // why the code no longer works (a catalogue key), if it does not
	Args     []any
}

func (s *Server) svcCheckinData(r *http.Request, token string) (*svcCheckinPageData, error) {
	ci, err := s.db.ActivityByCode(r.Context(), actor(r), token)
	if err != nil {
		return nil, err
	}
	d := &svcCheckinPageData{Token: token, A: ci.Activity, Own: ci.Participant, NoPerson: principal(r).PersonID == 0}
	if err := service.CheckInOpen(ci.Activity.Status, ci.Activity.ServiceDate, s.clock.Now()); err != nil {
		e := errs.As(err)
		d.Closed, d.Args = e.Key, e.Args
	}
	return d, nil
}

// svcCheckinPage is GET /service/checkin/{checkin_token}. Without a session the server sends
// the phone to the login page and back here.
func (s *Server) svcCheckinPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.svcCheckinData(r, r.PathValue("checkin_token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "service_checkin", &Page{Title: "service.checkin.title", Data: d})
}

// svcCheckinSubmit is POST /service/checkin/{checkin_token} (action=in|out).
func (s *Server) svcCheckinSubmit(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("checkin_token")
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, errs.New(errs.EINVALID, "error.bad_request"))
		return
	}
	ci, err := s.svcScan(r, token, r.PostForm.Get("action"))
	if err != nil {
		// A refusal (closed, already done) is shown on the check-in page itself.
		if e := errs.As(err); e.Code == errs.EUNPROCESSABLE || e.Code == errs.EINVALID {
			d, derr := s.svcCheckinData(r, token)
			if derr != nil {
				s.fail(w, r, derr)
				return
			}
			s.formFail(w, r, "service_checkin", &Page{Title: "service.checkin.title", Data: d}, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	key := "flash.service.checked_in"
	if ci.Participant != nil && !ci.Participant.CheckOutAt.IsZero() {
		key = "flash.service.checked_out"
	}
	redirectFlash(w, r, "/service/checkin/"+token, key)
}

// svcScan checks in or out by a code.
func (s *Server) svcScan(r *http.Request, token, action string) (*storage.CheckIn, error) {
	switch strings.TrimSpace(action) {
	case "in":
		return s.db.CheckInByCode(r.Context(), actor(r), token)
	case "out":
		return s.db.CheckOutByCode(r.Context(), actor(r), token)
	}
	// Check the code before the action, so a bad code is not found whatever the action.
	if _, err := s.db.ActivityByCode(r.Context(), actor(r), token); err != nil {
		return nil, err
	}
	return nil, errs.Invalid(errs.Field("action", "service.checkin.action"))
}

// svcMyPage is a volunteer's own record.
type svcMyPage struct {
	My           *storage.MyService
	Certificates []service.Certificate
	NoPerson     bool
	Years        []int
}

// svcMy is GET /service/my (?year=).
func (s *Server) svcMy(w http.ResponseWriter, r *http.Request) {
	year, err := s.svcYear(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	my, err := s.db.MyServiceRecord(r.Context(), actor(r), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &svcMyPage{My: my, NoPerson: principal(r).PersonID == 0}
	this := s.clock.Now().In(cst).Year()
	for y := this; y > this-3; y-- {
		d.Years = append(d.Years, y)
	}
	if !d.NoPerson {
		if d.Certificates, _, err = s.db.ServiceCertificates(r.Context(), actor(r), principal(r).PersonID, 50, 0); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "service_my", &Page{Title: "service.my.title", Data: d})
}
