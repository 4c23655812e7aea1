package web

import (
	"net/http"
	"strconv"

	"wuxing/internal/errs"
	"wuxing/internal/storage"
)

// svcProjectForm parses a POST on a project and reads the project (not found out of reach), so
// errors can be shown on its team's page.
func (s *Server) svcProjectForm(w http.ResponseWriter, r *http.Request) (id, teamID int64, ok bool) {
	id, ok = s.svcPostForm(w, r, "service_project")
	if !ok {
		return 0, 0, false
	}
	p, err := s.db.ServiceProject(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return 0, 0, false
	}
	return id, p.TeamID, true
}

// svcProjectUpdate is POST /service/projects/{service_project}: name, beneficiary, description,
// version.
func (s *Server) svcProjectUpdate(w http.ResponseWriter, r *http.Request) {
	id, teamID, ok := s.svcProjectForm(w, r)
	if !ok {
		return
	}
	v := r.PostForm
	_, err := s.db.UpdateServiceProject(r.Context(), actor(r), id, storage.ProjectUpdate{Name: v.Get("name"), Beneficiary: v.Get("beneficiary"),
		Description: v.Get("description"), Version: pplVersion(v.Get("version"))})
	if err != nil {
		r.PostForm.Set("id", strconv.FormatInt(id, 10))
		s.svcTeamFail(w, r, teamID, "project_edit", err)
		return
	}
	redirectFlash(w, r, "/service/teams/"+strconv.FormatInt(teamID, 10)+"#projects", "flash.service.project_saved")
}

// svcProjectActive is POST /service/projects/{service_project}/active: active=false retires the
// project (no new activity under it), active=true brings it back; with version.
func (s *Server) svcProjectActive(w http.ResponseWriter, r *http.Request) {
	id, teamID, ok := s.svcProjectForm(w, r)
	if !ok {
		return
	}
	var active bool
	switch r.PostForm.Get("active") {
	case "true":
		active = true
	case "false":
	default:
		r.PostForm.Set("id", strconv.FormatInt(id, 10))
		s.svcTeamFail(w, r, teamID, "project_edit", errs.Invalid(errs.Field("active", "validation.required")))
		return
	}
	if _, err := s.db.SetServiceProjectActive(r.Context(), actor(r), id, active, pplVersion(r.PostForm.Get("version"))); err != nil {
		r.PostForm.Set("id", strconv.FormatInt(id, 10))
		s.svcTeamFail(w, r, teamID, "project_edit", err)
		return
	}
	key := "flash.service.project_retired"
	if active {
		key = "flash.service.project_restored"
	}
	redirectFlash(w, r, "/service/teams/"+strconv.FormatInt(teamID, 10)+"#projects", key)
}
