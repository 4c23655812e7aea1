package web

import (
	"net/http"

	"wuxing/internal/errs"
	"wuxing/internal/service"
	"wuxing/internal/storage"
)

type svcTeamJSON struct {
	ID         int64  `json:"id"`
	UnitID     int64  `json:"unit_id"`
	UnitName   string `json:"unit_name"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	LeaderID   int64  `json:"leader_person_id,omitempty"`
	LeaderName string `json:"leader_name,omitempty"`
	Members    int    `json:"members"`
	Active     bool   `json:"active"`
	Version    int64  `json:"version"`
}

func svcTeamOut(t *service.Team) svcTeamJSON {
	return svcTeamJSON{ID: t.ID, UnitID: t.UnitID, UnitName: t.UnitName, Kind: string(t.Kind), Name: t.Name, LeaderID: t.LeaderPersonID,
		LeaderName: t.LeaderName, Members: t.Members, Active: t.Active, Version: t.Version}
}

type svcActivityJSON struct {
	ID           int64   `json:"id"`
	TeamID       int64   `json:"team_id"`
	TeamName     string  `json:"team_name"`
	ProjectID    int64   `json:"project_id,omitempty"`
	ProjectName  string  `json:"project_name,omitempty"`
	Title        string  `json:"title"`
	ServiceDate  string  `json:"service_date"`
	StartsAt     string  `json:"starts_at,omitempty"`
	EndsAt       string  `json:"ends_at,omitempty"`
	Place        string  `json:"place,omitempty"`
	Content      string  `json:"content,omitempty"`
	Status       string  `json:"status"`
	Participants int     `json:"participants"`
	Hours        float64 `json:"hours"`
	Ratings      [3]int  `json:"ratings"` // satisfied, basically satisfied, dissatisfied
	Version      int64   `json:"version"`
}

func svcActivityOut(x *service.Activity) svcActivityJSON {
	return svcActivityJSON{ID: x.ID, TeamID: x.TeamID, TeamName: x.TeamName, ProjectID: x.ProjectID, ProjectName: x.ProjectName, Title: x.Title,
		ServiceDate: x.ServiceDate, StartsAt: x.StartsAt, EndsAt: x.EndsAt, Place: x.Place, Content: x.Content, Status: string(x.Status),
		Participants: x.Participants, Hours: float64(x.Centihours) / 100, Ratings: [3]int{x.Ratings.Satisfied, x.Ratings.Basic, x.Ratings.Dissatisfied},
		Version: x.Version}
}

type svcParticipantJSON struct {
	ID            int64   `json:"id"`
	PersonID      int64   `json:"person_id"`
	PersonName    string  `json:"person_name"`
	Source        string  `json:"source"`
	CheckInAt     string  `json:"checkin_at,omitempty"`
	CheckOutAt    string  `json:"checkout_at,omitempty"`
	Hours         float64 `json:"hours"`
	ApprovedHours float64 `json:"approved_hours"`
	Version       int64   `json:"version"`
}

func svcParticipantOut(p *service.Participant) svcParticipantJSON {
	return svcParticipantJSON{ID: p.ID, PersonID: p.PersonID, PersonName: p.PersonName, Source: string(p.Source), CheckInAt: svcDate(p.CheckInAt),
		CheckOutAt: svcDate(p.CheckOutAt), Hours: float64(p.Centihours) / 100, ApprovedHours: float64(p.Approved) / 100, Version: p.Version}
}

// svcOut maps a page of records to their JSON form.
func svcOut[T, J any](list []T, out func(*T) J) []J {
	js := make([]J, 0, len(list))
	for i := range list {
		js = append(js, out(&list[i]))
	}
	return js
}

// svcList answers a service list call: the query's field errors if any, else the page load
// returns, mapped by out, under key with the total.
func svcList[T, J any](s *Server, w http.ResponseWriter, r *http.Request, fe []errs.FieldError, key string,
	load func() ([]T, int, error), out func(*T) J) {
	if err := errs.FieldsOf(fe); err != nil {
		s.fail(w, r, err)
		return
	}
	list, total, err := load()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{key: svcOut(list, out), "total": total})
}

// apiSvcTeams is GET /api/v1/service/teams?kind=&unit=&limit=&offset=.
func (s *Server) apiSvcTeams(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var fe []errs.FieldError
	f := storage.TeamFilter{UnitID: pplID(q, "unit", &fe), Kind: service.TeamKind(q.Get("kind")), Query: q.Get("q")}
	f.Limit, f.Offset = svcListArgs(q, &fe)
	svcList(s, w, r, fe, "teams", func() ([]service.Team, int, error) { return s.db.ServiceTeams(r.Context(), actor(r), f) }, svcTeamOut)
}

// apiSvcTeam is GET /api/v1/service/teams/{service_team}: the team with its members' names.
func (s *Server) apiSvcTeam(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "service_team")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tm, _, err := s.db.ServiceTeam(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ms, err := s.db.TeamMembers(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type memberJSON struct {
		PersonID int64  `json:"person_id"`
		Name     string `json:"name"`
		Role     string `json:"role"`
	}
	members := make([]memberJSON, 0, len(ms))
	for _, m := range ms {
		members = append(members, memberJSON{PersonID: m.PersonID, Name: m.PersonName, Role: m.Role})
	}
	writeJSON(w, http.StatusOK, map[string]any{"team": svcTeamOut(tm), "members": members})
}

// apiSvcActivities is GET /api/v1/service/activities?team=&status=&from=&to=&limit=&offset=.
func (s *Server) apiSvcActivities(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var fe []errs.FieldError
	f := storage.ActivityFilter{TeamID: pplID(q, "team", &fe), UnitID: pplID(q, "unit", &fe), Status: service.Status(q.Get("status")),
		From: q.Get("from"), To: q.Get("to")}
	f.Limit, f.Offset = svcListArgs(q, &fe)
	if f.From != "" && !service.ValidDate(f.From) {
		fe = append(fe, errs.Field("from", "validation.date"))
	}
	if f.To != "" && !service.ValidDate(f.To) {
		fe = append(fe, errs.Field("to", "validation.date"))
	}
	svcList(s, w, r, fe, "activities", func() ([]service.Activity, int, error) { return s.db.ServiceActivities(r.Context(), actor(r), f) },
		svcActivityOut)
}

// apiSvcActivity is GET /api/v1/service/activities/{service_activity}: the activity with its
// participants (only one's own line for one who sees it as a participant).
func (s *Server) apiSvcActivity(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "service_activity")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	x, acc, err := s.db.ServiceActivity(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ps, err := s.db.ActivityParticipants(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	photos, err := s.db.ActivityPhotos(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := map[string]any{"activity": svcActivityOut(x), "participants": svcOut(ps, svcParticipantOut), "photos": svcPhotosOut(photos)}
	if acc.Manage && service.Editable(x.Status) {
		out["checkin_url"] = s.svcCheckinURL(r, x.Token)
	}
	writeJSON(w, http.StatusOK, out)
}

type svcActivityRequest struct {
	TeamID      int64  `json:"team_id"`
	ProjectID   int64  `json:"project_id"`
	Title       string `json:"title"`
	ServiceDate string `json:"service_date"`
	StartsAt    string `json:"starts_at"`
	EndsAt      string `json:"ends_at"`
	Place       string `json:"place"`
	Content     string `json:"content"`
}

// apiSvcActivityCreate is POST /api/v1/service/activities.
func (s *Server) apiSvcActivityCreate(w http.ResponseWriter, r *http.Request) {
	var in svcActivityRequest
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	x := service.Activity{TeamID: in.TeamID, ProjectID: in.ProjectID, Title: in.Title, ServiceDate: in.ServiceDate, StartsAt: in.StartsAt,
		EndsAt: in.EndsAt, Place: in.Place, Content: in.Content}
	if err := s.db.CreateActivity(r.Context(), actor(r), &x); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"activity": svcActivityOut(&x), "checkin_url": s.svcCheckinURL(r, x.Token)})
}

// apiSvcActivityStep is POST /api/v1/service/activities/{service_activity}/step
// {"action": "open|close|reopen|approve|cancel", "version": n}.
func (s *Server) apiSvcActivityStep(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "service_activity")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		Action  string `json:"action"`
		Version int64  `json:"version"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	x, err := s.db.StepActivity(r.Context(), actor(r), id, service.Action(in.Action), in.Version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"activity": svcActivityOut(x)})
}

// apiSvcParticipants is POST /api/v1/service/activities/{service_activity}/participants
// {"participants": [{"person_id": n, "hours": 2.5, "note": "", "version": n}]}: the organizer's
// entry, all or nothing.
func (s *Server) apiSvcParticipants(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "service_activity")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		Participants []struct {
			PersonID int64   `json:"person_id"`
			Hours    float64 `json:"hours"`
			Note     string  `json:"note"`
			Version  int64   `json:"version"`
		} `json:"participants"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(in.Participants) == 0 {
		s.fail(w, r, errs.Invalid(errs.Field("participants", "validation.required")))
		return
	}
	list := make([]storage.ParticipantHours, 0, len(in.Participants))
	for _, p := range in.Participants {
		c, err := service.ParseHours(formatFloat(p.Hours))
		if err != nil {
			e := errs.As(err)
			s.fail(w, r, errs.Invalid(errs.Field("hours", e.Key, e.Args...)))
			return
		}
		list = append(list, storage.ParticipantHours{PersonID: p.PersonID, Centihours: c, Note: p.Note, Version: p.Version})
	}
	if err := s.db.RecordParticipants(r.Context(), actor(r), id, list); err != nil {
		s.fail(w, r, err)
		return
	}
	ps, err := s.db.ActivityParticipants(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"participants": svcOut(ps, svcParticipantOut)})
}

// apiSvcCheckin is POST /api/v1/service/checkin/{checkin_token} {"action": "in"|"out"}.
func (s *Server) apiSvcCheckin(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Action string `json:"action"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ci, err := s.svcScan(r, r.PathValue("checkin_token"), in.Action)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := map[string]any{"activity": svcActivityOut(ci.Activity)}
	if ci.Participant != nil {
		out["participant"] = svcParticipantOut(ci.Participant)
	}
	writeJSON(w, http.StatusOK, out)
}

// apiSvcMy is GET /api/v1/service/my?year=: the caller's approved hours of the year (the
// ledger's sum) and their activities.
func (s *Server) apiSvcMy(w http.ResponseWriter, r *http.Request) {
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
	type actJSON struct {
		ActivityID    int64   `json:"activity_id"`
		Title         string  `json:"title"`
		TeamName      string  `json:"team_name"`
		ServiceDate   string  `json:"service_date"`
		Status        string  `json:"status"`
		Hours         float64 `json:"hours"`
		ApprovedHours float64 `json:"approved_hours"`
	}
	acts := make([]actJSON, 0, len(my.Activities))
	for _, m := range my.Activities {
		acts = append(acts, actJSON{ActivityID: m.ActivityID, Title: m.Title, TeamName: m.TeamName, ServiceDate: m.ServiceDate, Status: string(m.Status),
			Hours: float64(m.Centihours) / 100, ApprovedHours: float64(m.Approved) / 100})
	}
	writeJSON(w, http.StatusOK, map[string]any{"person_id": my.PersonID, "year": my.Year, "approved_hours": float64(my.Centihours) / 100,
		"activities": acts})
}
