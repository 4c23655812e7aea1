package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/service"
	"wuxing/internal/storage"
)

// svcHomePage is the service overview: the teams the user sees, the latest activities, and for
// organizers the form for a new team.
type svcHomePage struct {
	Teams      []service.Team
	Pager      Pager
	Activities []service.Activity
	Kind       string
	Kinds      []pplChoice
	CanManage  bool
	Units      []pplChoice
	Values     url.Values
}

func (s *Server) svcHomeData(r *http.Request, v url.Values) (*svcHomePage, error) {
	ctx, a := r.Context(), actor(r)
	q := r.URL.Query()
	d := &svcHomePage{Pager: pagerFrom(r), Kind: q.Get("kind"), CanManage: principal(r).Can(authz.ManageService), Values: v}
	if d.Kind != "" && !service.TeamKind(d.Kind).Valid() {
		d.Kind = ""
	}
	var fe []errs.FieldError
	unit := pplID(q, "unit", &fe)
	if err := errs.FieldsOf(fe); err != nil {
		return nil, err
	}
	f := storage.TeamFilter{UnitID: unit, Kind: service.TeamKind(d.Kind), Query: q.Get("q"), Limit: d.Pager.Per, Offset: d.Pager.Offset()}
	var err error
	if d.Teams, d.Pager.Total, err = s.db.ServiceTeams(ctx, a, f); err != nil {
		if errs.Code(err) != errs.ENOTFOUND {
			return nil, err
		}
	}
	if d.Activities, _, err = s.db.ServiceActivities(ctx, a, storage.ActivityFilter{Limit: 10}); err != nil {
		return nil, err
	}
	d.Kinds = pplKeyChoices(service.TeamKinds, "service.team.kind.", d.Kind)
	if d.CanManage {
		d.Units = svcUnitChoices(r)
		if d.Values == nil {
			d.Values = url.Values{"kind": {string(service.VolunteerTeam)}}
		}
	}
	return d, nil
}

// svcHome is GET /service (?kind=&q=&unit=&page=).
func (s *Server) svcHome(w http.ResponseWriter, r *http.Request) {
	d, err := s.svcHomeData(r, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "service_home", &Page{Title: "service.title", Data: d})
}

// svcTeamCreate is POST /service/teams.
func (s *Server) svcTeamCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, errs.New(errs.EINVALID, "error.bad_request"))
		return
	}
	v := r.PostForm
	var fe []errs.FieldError
	tm := &service.Team{UnitID: pplID(v, "unit_id", &fe), Kind: service.TeamKind(v.Get("kind")), Name: v.Get("name"),
		LeaderPersonID: pplID(v, "leader_person_id", &fe), Description: v.Get("description")}
	err := errs.FieldsOf(fe)
	if err == nil {
		err = s.db.CreateServiceTeam(r.Context(), actor(r), tm)
	}
	if err != nil {
		d, derr := s.svcHomeData(r, v)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formFail(w, r, "service_home", &Page{Title: "service.title", Data: d}, err)
		return
	}
	redirectFlash(w, r, "/service/teams/"+strconv.FormatInt(tm.ID, 10), "flash.service.team_created")
}

// svcTeamPage is a team: its members, projects and activities, with the organizer's forms.
type svcTeamPage struct {
	Team       *service.Team
	Access     storage.ServiceAccess
	Members    []service.Member
	Projects   []service.Project
	Activities []service.Activity
	Year       int
	YearHours  string
	YearDays   int
	Kinds      []pplChoice
	People     []pplChoice
	ProjectOps []pplChoice
	Failed     string
	Values     map[string]url.Values
	Today      string
}

// V returns the values of one of the page's forms.
func (p *svcTeamPage) V(form string) url.Values { return p.Values[form] }

func (s *Server) svcTeamData(r *http.Request, id int64, failed string, v url.Values) (*svcTeamPage, error) {
	ctx, a := r.Context(), actor(r)
	tm, acc, err := s.db.ServiceTeam(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := &svcTeamPage{Team: tm, Access: acc, Failed: failed, Year: s.clock.Now().In(cst).Year(), Today: s.svcToday()}
	if d.Members, err = s.db.TeamMembers(ctx, a, id); err != nil {
		return nil, err
	}
	if d.Projects, err = s.db.ServiceProjects(ctx, a, id); err != nil {
		return nil, err
	}
	if d.Activities, _, err = s.db.ServiceActivities(ctx, a, storage.ActivityFilter{TeamID: id, Limit: 50}); err != nil {
		return nil, err
	}
	c, days, err := s.db.TeamHours(ctx, a, id, d.Year, 0)
	if err != nil {
		return nil, err
	}
	d.YearHours, d.YearDays = service.FormatHours(c), days
	if !acc.Manage {
		return d, nil
	}
	d.Values = map[string]url.Values{
		"team": {"name": {tm.Name}, "kind": {string(tm.Kind)}, "description": {tm.Description},
			"leader_person_id": {strconv.FormatInt(tm.LeaderPersonID, 10)}, "version": {strconv.FormatInt(tm.Version, 10)}},
		"member":       {},
		"project":      {},
		"project_edit": {},
		"activity":     {"service_date": {d.Today}, "starts_at": {"09:00"}, "ends_at": {"11:00"}},
	}
	// Planned from the themed-day calendar (/service/calendar): that day.
	if day := r.URL.Query().Get("service_date"); day != "" {
		if _, err := time.Parse("2006-01-02", day); err == nil {
			d.Values["activity"].Set("service_date", day)
		}
	}
	if tm.Active {
		d.Values["team"].Set("active", "on")
	}
	if failed != "" {
		d.Values[failed] = v
	}
	d.Kinds = pplKeyChoices(service.TeamKinds, "service.team.kind.", d.Values["team"].Get("kind"))
	if d.People, err = s.svcPeopleChoices(r, tm.UnitID, nil); err != nil {
		return nil, err
	}
	d.ProjectOps = []pplChoice{{Value: "", Key: "service.project.none"}}
	for _, p := range d.Projects {
		if !p.Active {
			continue // retired: no new activity under it
		}
		d.ProjectOps = append(d.ProjectOps, pplChoice{Value: strconv.FormatInt(p.ID, 10), Text: p.Name,
			Selected: d.Values["activity"].Get("project_id") == strconv.FormatInt(p.ID, 10)})
	}
	return d, nil
}

// svcTeamShow is GET /service/teams/{service_team}.
func (s *Server) svcTeamShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "service_team")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.svcTeamData(r, id, "", nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "service_team", &Page{Title: "service.team.title", Data: d})
}

// svcTeamFail shows the team page again with one form's errors.
func (s *Server) svcTeamFail(w http.ResponseWriter, r *http.Request, id int64, form string, err error) {
	d, derr := s.svcTeamData(r, id, form, r.PostForm)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	s.formFail(w, r, "service_team", &Page{Title: "service.team.title", Data: d}, err)
}

// svcTeamForm parses a POST on a team page and returns the team's id.
func (s *Server) svcTeamForm(w http.ResponseWriter, r *http.Request) (int64, bool) {
	return s.svcPostForm(w, r, "service_team")
}

// svcTeamUpdate is POST /service/teams/{service_team}.
func (s *Server) svcTeamUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.svcTeamForm(w, r)
	if !ok {
		return
	}
	v := r.PostForm
	var fe []errs.FieldError
	up := storage.TeamUpdate{Kind: service.TeamKind(v.Get("kind")), Name: v.Get("name"), Description: v.Get("description"),
		LeaderPersonID: pplID(v, "leader_person_id", &fe), Active: v.Get("active") != "", Version: pplVersion(v.Get("version"))}
	err := errs.FieldsOf(fe)
	if err == nil {
		_, err = s.db.UpdateServiceTeam(r.Context(), actor(r), id, up)
	}
	if err != nil {
		s.svcTeamFail(w, r, id, "team", err)
		return
	}
	redirectFlash(w, r, "/service/teams/"+strconv.FormatInt(id, 10), "flash.service.team_saved")
}

// svcTeamAddMember is POST /service/teams/{service_team}/members.
func (s *Server) svcTeamAddMember(w http.ResponseWriter, r *http.Request) {
	id, ok := s.svcTeamForm(w, r)
	if !ok {
		return
	}
	var fe []errs.FieldError
	var ids []int64
	for _, x := range r.PostForm["person_id"] {
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil || n <= 0 {
			fe = append(fe, errs.Field("person_id", "validation.required"))
			break
		}
		ids = append(ids, n)
	}
	err := errs.FieldsOf(fe)
	if err == nil {
		err = s.db.AddTeamMembers(r.Context(), actor(r), id, ids, strings.TrimSpace(r.PostForm.Get("joined_on")))
	}
	if err != nil {
		s.svcTeamFail(w, r, id, "member", err)
		return
	}
	redirectFlash(w, r, "/service/teams/"+strconv.FormatInt(id, 10), "flash.service.member_added")
}

// svcTeamRemoveMember is POST /service/teams/{service_team}/members/{person}/remove.
func (s *Server) svcTeamRemoveMember(w http.ResponseWriter, r *http.Request) {
	id, ok := s.svcTeamForm(w, r)
	if !ok {
		return
	}
	pid, err := pathID(r, "person")
	if err == nil {
		err = s.db.RemoveTeamMember(r.Context(), actor(r), id, pid)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/service/teams/"+strconv.FormatInt(id, 10), "flash.service.member_removed")
}

// svcProjectCreate is POST /service/teams/{service_team}/projects.
func (s *Server) svcProjectCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.svcTeamForm(w, r)
	if !ok {
		return
	}
	v := r.PostForm
	p := &service.Project{TeamID: id, Name: v.Get("name"), Beneficiary: v.Get("beneficiary"), Description: v.Get("description")}
	if err := s.db.CreateServiceProject(r.Context(), actor(r), p); err != nil {
		s.svcTeamFail(w, r, id, "project", err)
		return
	}
	redirectFlash(w, r, "/service/teams/"+strconv.FormatInt(id, 10), "flash.service.project_created")
}
