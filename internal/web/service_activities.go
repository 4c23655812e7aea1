package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/errs"
	"wuxing/internal/service"
	"wuxing/internal/storage"
)

// svcActivityListPage lists activities.
type svcActivityListPage struct {
	Activities []service.Activity
	Pager      Pager
	Status     string
	Statuses   []pplChoice
	From, To   string
}

// svcActivityList is GET /service/activities (?status=&from=&to=&unit=&page=).
func (s *Server) svcActivityList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &svcActivityListPage{Pager: pagerFrom(r), Status: q.Get("status"), From: q.Get("from"), To: q.Get("to")}
	var fe []errs.FieldError
	unit := pplID(q, "unit", &fe)
	if d.Status != "" && !svcKnownStatus(d.Status) {
		d.Status = ""
	}
	if d.From != "" && !service.ValidDate(d.From) {
		fe = append(fe, errs.Field("from", "validation.date"))
	}
	if d.To != "" && !service.ValidDate(d.To) {
		fe = append(fe, errs.Field("to", "validation.date"))
	}
	if err := errs.FieldsOf(fe); err != nil {
		s.fail(w, r, err)
		return
	}
	var err error
	d.Activities, d.Pager.Total, err = s.db.ServiceActivities(r.Context(), actor(r), storage.ActivityFilter{UnitID: unit, Status: service.Status(d.Status),
		From: d.From, To: d.To, Limit: d.Pager.Per, Offset: d.Pager.Offset()})
	if err != nil && errs.Code(err) != errs.ENOTFOUND {
		s.fail(w, r, err)
		return
	}
	d.Statuses = append([]pplChoice{{Value: "", Key: "common.all"}}, pplKeyChoices(service.Statuses, "service.status.", d.Status)...)
	s.render(w, r, http.StatusOK, "service_activities", &Page{Title: "service.activities.title", Data: d})
}

func svcKnownStatus(s string) bool {
	for _, x := range service.Statuses {
		if string(x) == s {
			return true
		}
	}
	return false
}

// svcActivityFrom reads an activity's plan from a form or request.
func svcActivityFrom(v url.Values, fe *[]errs.FieldError) service.Activity {
	x := service.Activity{TeamID: pplID(v, "team_id", fe), ProjectID: pplID(v, "project_id", fe), Title: v.Get("title"),
		ServiceDate: v.Get("service_date"), StartsAt: v.Get("starts_at"), EndsAt: v.Get("ends_at"), Place: v.Get("place"), Content: v.Get("content")}
	return x
}

// svcRatingsFrom reads the residents' rating counts of a form; each is required.
func svcRatingsFrom(v url.Values, fe *[]errs.FieldError) service.Ratings {
	n := func(name string) int {
		if strings.TrimSpace(v.Get(name)) == "" {
			*fe = append(*fe, errs.Field(name, "validation.required"))
			return 0
		}
		return int(min(pplID(v, name, fe), 1<<30))
	}
	return service.Ratings{Satisfied: n("rating_satisfied"), Basic: n("rating_basic"), Dissatisfied: n("rating_dissatisfied")}
}

// svcActivityCreate is POST /service/activities: a new activity planned from a team's page.
func (s *Server) svcActivityCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, errs.New(errs.EINVALID, "error.bad_request"))
		return
	}
	var fe []errs.FieldError
	x := svcActivityFrom(r.PostForm, &fe)
	err := errs.FieldsOf(fe)
	if err == nil {
		err = s.db.CreateActivity(r.Context(), actor(r), &x)
	}
	if err != nil {
		// Back on the team's page when the user sees the team; a plain error otherwise.
		if x.TeamID != 0 && errs.Code(err) == errs.EINVALID {
			if _, _, terr := s.db.ServiceTeam(r.Context(), actor(r), x.TeamID); terr == nil {
				s.svcTeamFail(w, r, x.TeamID, "activity", err)
				return
			}
		}
		s.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/service/activities/"+strconv.FormatInt(x.ID, 10), "flash.service.activity_created")
}

// svcActivityPage is an activity: its plan, its check-in code, participants and hours, the
// ledger entries once approved, and correction requests.
type svcActivityPage struct {
	A            *service.Activity
	Access       storage.ServiceAccess
	Participants []service.Participant
	Entries      []service.Entry
	Corrections  []service.Correction
	Own          *service.Participant
	Steps        []service.Action
	Editable     bool
	CheckinURL   string
	People       []pplChoice
	Projects     []pplChoice
	Failed       string
	Values       map[string]url.Values
	Photos       []storage.ActivityPhoto
	CanAddPhotos bool // the organizer or a participant, while the activity is not cancelled
	CanRate      bool // the organizer, once the activity has taken place
	MaxPhotos    int
}

// V returns the values of one of the page's forms.
func (p *svcActivityPage) V(form string) url.Values { return p.Values[form] }

func (s *Server) svcActivityData(r *http.Request, id int64, failed string, v url.Values) (*svcActivityPage, error) {
	ctx, a := r.Context(), actor(r)
	x, acc, err := s.db.ServiceActivity(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := &svcActivityPage{A: x, Access: acc, Failed: failed, Editable: service.Editable(x.Status)}
	if d.Participants, err = s.db.ActivityParticipants(ctx, a, id); err != nil {
		return nil, err
	}
	for i := range d.Participants {
		if d.Participants[i].PersonID == principal(r).PersonID && principal(r).PersonID != 0 {
			d.Own = &d.Participants[i]
		}
	}
	if d.Entries, err = s.db.HoursEntries(ctx, a, id); err != nil {
		return nil, err
	}
	if d.Corrections, err = s.db.Corrections(ctx, a, storage.CorrectionFilter{ActivityID: id}); err != nil {
		return nil, err
	}
	if d.Photos, err = s.db.ActivityPhotos(ctx, a, id); err != nil {
		return nil, err
	}
	d.MaxPhotos = storage.MaxActivityPhotos
	d.CanAddPhotos = x.Status != service.Cancelled && (acc.Manage || d.Own != nil) && len(d.Photos) < storage.MaxActivityPhotos
	d.CanRate = acc.Manage && service.CanRate(x.Status) == nil
	d.Values = map[string]url.Values{"correction": {},
		"rating": {"rating_satisfied": {strconv.Itoa(x.Ratings.Satisfied)}, "rating_basic": {strconv.Itoa(x.Ratings.Basic)},
			"rating_dissatisfied": {strconv.Itoa(x.Ratings.Dissatisfied)}, "version": {strconv.FormatInt(x.Version, 10)}}}
	if failed != "" && failed != "photos" {
		d.Values[failed] = v
	}
	if !acc.Manage {
		return d, nil
	}
	d.Steps = service.Allowed(x.Status)
	if d.Editable {
		d.CheckinURL = s.svcCheckinURL(r, x.Token)
	}
	plan := url.Values{"title": {x.Title}, "service_date": {x.ServiceDate}, "starts_at": {x.StartsAt}, "ends_at": {x.EndsAt},
		"place": {x.Place}, "content": {x.Content}, "project_id": {strconv.FormatInt(x.ProjectID, 10)},
		"version": {strconv.FormatInt(x.Version, 10)}}
	if failed != "plan" {
		d.Values["plan"] = plan
	}
	if _, ok := d.Values["participant"]; !ok {
		d.Values["participant"] = url.Values{}
	}
	members, err := s.db.TeamMembers(ctx, a, x.TeamID)
	if err != nil {
		return nil, err
	}
	if d.People, err = s.svcPeopleChoices(r, x.UnitID, members); err != nil {
		return nil, err
	}
	d.People = cmpSelect(d.People, d.Values["participant"].Get("person_id"))
	projects, err := s.db.ServiceProjects(ctx, a, x.TeamID)
	if err != nil {
		return nil, err
	}
	sel := d.Values["plan"].Get("project_id")
	d.Projects = []pplChoice{{Value: "", Key: "service.project.none"}}
	for _, p := range projects {
		// A retired project is offered only to the activity already under it.
		if !p.Active && p.ID != x.ProjectID {
			continue
		}
		v := strconv.FormatInt(p.ID, 10)
		d.Projects = append(d.Projects, pplChoice{Value: v, Text: p.Name, Selected: v == sel})
	}
	return d, nil
}

// svcActivityShow is GET /service/activities/{service_activity}.
func (s *Server) svcActivityShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "service_activity")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.svcActivityData(r, id, "", nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "service_activity", &Page{Title: "service.activity.title", Data: d})
}

func (s *Server) svcActivityFail(w http.ResponseWriter, r *http.Request, id int64, form string, err error) {
	d, derr := s.svcActivityData(r, id, form, r.PostForm)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	s.formFail(w, r, "service_activity", &Page{Title: "service.activity.title", Data: d}, err)
}

// svcActivityForm parses a POST on an activity page and returns the activity's id.
func (s *Server) svcActivityForm(w http.ResponseWriter, r *http.Request) (int64, bool) {
	return s.svcPostForm(w, r, "service_activity")
}

func svcActivityURL(id int64) string { return "/service/activities/" + strconv.FormatInt(id, 10) }

// svcActivityUpdate is POST /service/activities/{service_activity}: the plan.
func (s *Server) svcActivityUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.svcActivityForm(w, r)
	if !ok {
		return
	}
	v := r.PostForm
	var fe []errs.FieldError
	x := svcActivityFrom(v, &fe)
	err := errs.FieldsOf(fe)
	if err == nil {
		_, err = s.db.UpdateActivity(r.Context(), actor(r), id, storage.ActivityUpdate{ProjectID: x.ProjectID, Title: x.Title,
			ServiceDate: x.ServiceDate, StartsAt: x.StartsAt, EndsAt: x.EndsAt, Place: x.Place, Content: x.Content,
			Version: pplVersion(v.Get("version"))})
	}
	if err != nil {
		s.svcActivityFail(w, r, id, "plan", err)
		return
	}
	redirectFlash(w, r, svcActivityURL(id), "flash.service.activity_saved")
}

// svcActivityRate is POST /service/activities/{service_activity}/rating: the residents' rating
// (rating_satisfied, rating_basic, rating_dissatisfied, version), recorded by the organizer.
func (s *Server) svcActivityRate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.svcActivityForm(w, r)
	if !ok {
		return
	}
	var fe []errs.FieldError
	rt := svcRatingsFrom(r.PostForm, &fe)
	err := errs.FieldsOf(fe)
	if err == nil {
		_, err = s.db.RateActivity(r.Context(), actor(r), id, rt, pplVersion(r.PostForm.Get("version")))
	} else if _, _, verr := s.db.ServiceActivity(r.Context(), actor(r), id); verr != nil {
		err = verr // out of reach stays not found, whatever was typed
	}
	if err != nil {
		s.svcActivityFail(w, r, id, "rating", err)
		return
	}
	redirectFlash(w, r, svcActivityURL(id), "flash.service.rating_saved")
}

// svcActivityStep is POST /service/activities/{service_activity}/step (action=, version=).
func (s *Server) svcActivityStep(w http.ResponseWriter, r *http.Request) {
	id, ok := s.svcActivityForm(w, r)
	if !ok {
		return
	}
	act := service.Action(r.PostForm.Get("action"))
	_, err := s.db.StepActivity(r.Context(), actor(r), id, act, pplVersion(r.PostForm.Get("version")))
	if err != nil {
		s.svcActivityFail(w, r, id, "step", err)
		return
	}
	redirectFlash(w, r, svcActivityURL(id), "flash.service.step_"+string(act))
}

// svcParticipantRecord is POST /service/activities/{service_activity}/participants: the
// organizer records or changes one person's hours.
func (s *Server) svcParticipantRecord(w http.ResponseWriter, r *http.Request) {
	id, ok := s.svcActivityForm(w, r)
	if !ok {
		return
	}
	v := r.PostForm
	var fe []errs.FieldError
	ph := storage.ParticipantHours{PersonID: pplID(v, "person_id", &fe), Note: v.Get("note")}
	ph.Centihours = svcHours(v, "hours", &fe)
	if v.Get("version") != "" {
		ph.Version = pplVersion(v.Get("version"))
	}
	if ph.PersonID == 0 && len(fe) == 0 {
		fe = append(fe, errs.Field("person_id", "validation.required"))
	}
	err := errs.FieldsOf(fe)
	if err == nil {
		err = s.db.RecordParticipants(r.Context(), actor(r), id, []storage.ParticipantHours{ph})
	}
	if err != nil {
		s.svcActivityFail(w, r, id, "participant", svcFieldErr(err, "hours"))
		return
	}
	redirectFlash(w, r, svcActivityURL(id), "flash.service.hours_recorded")
}

// svcParticipantRemove is POST …/participants/{service_participant}/remove.
func (s *Server) svcParticipantRemove(w http.ResponseWriter, r *http.Request) {
	id, ok := s.svcActivityForm(w, r)
	if !ok {
		return
	}
	pid, err := pathID(r, "service_participant")
	if err == nil {
		err = s.db.RemoveParticipant(r.Context(), actor(r), id, pid)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redirectFlash(w, r, svcActivityURL(id), "flash.service.participant_removed")
}

// svcCorrectionRequest is POST /service/activities/{service_activity}/corrections: a volunteer
// asks to correct their own approved hours.
func (s *Server) svcCorrectionRequest(w http.ResponseWriter, r *http.Request) {
	id, ok := s.svcActivityForm(w, r)
	if !ok {
		return
	}
	var fe []errs.FieldError
	wanted := svcHours(r.PostForm, "hours", &fe)
	err := errs.FieldsOf(fe)
	if err == nil {
		_, err = s.db.RequestCorrection(r.Context(), actor(r), id, wanted, r.PostForm.Get("reason"))
	}
	if err != nil {
		s.svcActivityFail(w, r, id, "correction", svcFieldErr(err, "hours"))
		return
	}
	redirectFlash(w, r, svcActivityURL(id), "flash.service.correction_requested")
}

// svcCorrectionDecide is POST /service/corrections/{service_correction} (decision=accept|decline,
// note=, version=).
func (s *Server) svcCorrectionDecide(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "service_correction")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, errs.New(errs.EINVALID, "error.bad_request"))
		return
	}
	var accept bool
	switch r.PostForm.Get("decision") {
	case "accept":
		accept = true
	case "decline":
	default:
		s.fail(w, r, errs.Invalid(errs.Field("decision", "validation.required")))
		return
	}
	c, err := s.db.DecideCorrection(r.Context(), actor(r), id, accept, r.PostForm.Get("note"), pplVersion(r.PostForm.Get("version")))
	if err != nil {
		if e := errs.As(err); e.Code == errs.EINVALID || e.Code == errs.EUNPROCESSABLE || e.Code == errs.ECONFLICT {
			// Show the activity page with the error when the user sees the correction.
			if x, cerr := s.db.Correction(r.Context(), actor(r), id); cerr == nil {
				s.svcActivityFail(w, r, x.ActivityID, "decide", err)
				return
			}
		}
		s.fail(w, r, err)
		return
	}
	key := "flash.service.correction_declined"
	if accept {
		key = "flash.service.correction_accepted"
	}
	redirectFlash(w, r, svcActivityURL(c.ActivityID), key)
}

// svcActivityQR is GET /service/activities/{service_activity}/qr.png: the check-in code, for the
// organizer to show on a phone or print, while the activity takes check-ins.
func (s *Server) svcActivityQR(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "service_activity")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	x, acc, err := s.db.ServiceActivity(r.Context(), actor(r), id)
	if err == nil && (!acc.Manage || !service.Editable(x.Status)) {
		err = errs.NotFound()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := publicQRPNG(s.svcCheckinURL(r, x.Token), 8)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(b)
}
