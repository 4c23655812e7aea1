package web

// serviceRoutes lists the routes of volunteer service (志愿服务): teams, volunteers, projects, activities with check-in codes, hours, corrections, certificates, the town's rules and compliance.
// The handlers live in service_*.go. Path parameters carry the area's own names
// ({service_team}, {service_activity}…) so the scope walk knows what each names.
func (s *Server) serviceRoutes() []route {
	return []route{
		{pattern: "GET /service", access: user, h: s.svcHome},
		{pattern: "POST /service/teams", access: user, h: s.svcTeamCreate},
		{pattern: "GET /service/teams/{service_team}", access: user, h: s.svcTeamShow},
		{pattern: "POST /service/teams/{service_team}", access: user, h: s.svcTeamUpdate},
		{pattern: "POST /service/teams/{service_team}/members", access: user, h: s.svcTeamAddMember},
		{pattern: "POST /service/teams/{service_team}/members/{person}/remove", access: user, h: s.svcTeamRemoveMember},
		{pattern: "POST /service/teams/{service_team}/projects", access: user, h: s.svcProjectCreate},
		{pattern: "GET /service/activities", access: user, h: s.svcActivityList},
		{pattern: "POST /service/activities", access: user, h: s.svcActivityCreate},
		{pattern: "GET /service/activities/{service_activity}", access: user, h: s.svcActivityShow},
		{pattern: "POST /service/activities/{service_activity}", access: user, h: s.svcActivityUpdate},
		{pattern: "POST /service/activities/{service_activity}/step", access: user, h: s.svcActivityStep},
		{pattern: "POST /service/activities/{service_activity}/participants", access: user, h: s.svcParticipantRecord},
		{pattern: "POST /service/activities/{service_activity}/participants/{service_participant}/remove", access: user, h: s.svcParticipantRemove},
		{pattern: "POST /service/activities/{service_activity}/corrections", access: user, h: s.svcCorrectionRequest},
		{pattern: "GET /service/activities/{service_activity}/qr.png", access: user, h: s.svcActivityQR},
		{pattern: "POST /service/activities/{service_activity}/rating", access: user, h: s.svcActivityRate},
		{pattern: "POST /service/activities/{service_activity}/photos", access: user, h: s.svcPhotoAdd},
		{pattern: "GET /service/activities/{service_activity}/photos/{service_photo}", access: user, h: s.svcPhoto(false)},
		{pattern: "GET /service/activities/{service_activity}/photos/{service_photo}/thumb", access: user, h: s.svcPhoto(true)},
		{pattern: "POST /service/projects/{service_project}", access: user, h: s.svcProjectUpdate},
		{pattern: "POST /service/projects/{service_project}/active", access: user, h: s.svcProjectActive},
		{pattern: "POST /service/corrections/{service_correction}", access: user, h: s.svcCorrectionDecide},
		{pattern: "GET /service/checkin/{checkin_token}", access: user, h: s.svcCheckinPage},
		{pattern: "POST /service/checkin/{checkin_token}", access: user, h: s.svcCheckinSubmit},
		{pattern: "GET /service/my", access: user, h: s.svcMy},
		{pattern: "GET /service/volunteers", access: user, h: s.svcVolunteers},
		{pattern: "POST /service/volunteers", access: user, h: s.svcVolunteerRegister},
		{pattern: "GET /service/certificates", access: user, h: s.svcCertificates},
		{pattern: "POST /service/certificates", access: user, h: s.svcCertificateIssue},
		{pattern: "GET /service/certificates/{service_certificate}", access: user, h: s.svcCertificateShow},
		// Anyone may check a certificate by its number: rate-limited, the name masked.
		{pattern: "GET /verify/service-certificate", access: public, h: s.svcVerify},

		{pattern: "GET /api/v1/service/teams", access: user, api: true, h: s.apiSvcTeams},
		{pattern: "GET /api/v1/service/teams/{service_team}", access: user, api: true, h: s.apiSvcTeam},
		{pattern: "GET /api/v1/service/activities", access: user, api: true, h: s.apiSvcActivities},
		{pattern: "POST /api/v1/service/activities", access: user, api: true, h: s.apiSvcActivityCreate},
		{pattern: "GET /api/v1/service/activities/{service_activity}", access: user, api: true, h: s.apiSvcActivity},
		{pattern: "POST /api/v1/service/activities/{service_activity}/step", access: user, api: true, h: s.apiSvcActivityStep},
		{pattern: "POST /api/v1/service/activities/{service_activity}/participants", access: user, api: true, h: s.apiSvcParticipants},
		{pattern: "POST /api/v1/service/checkin/{checkin_token}", access: user, api: true, h: s.apiSvcCheckin},
		{pattern: "GET /api/v1/service/my", access: user, api: true, h: s.apiSvcMy},
		{pattern: "POST /api/v1/service/activities/{service_activity}/rating", access: user, api: true, h: s.apiSvcActivityRate},
		{pattern: "POST /api/v1/service/activities/{service_activity}/photos", access: user, api: true, h: s.apiSvcPhotoAdd},
		{pattern: "GET /api/v1/service/activities/{service_activity}/photos/{service_photo}", access: user, api: true, h: s.svcPhoto(false)},
		{pattern: "GET /api/v1/service/activities/{service_activity}/photos/{service_photo}/thumb", access: user, api: true, h: s.svcPhoto(true)},
		{pattern: "GET /api/v1/service/volunteers", access: user, api: true, h: s.apiSvcVolunteers},
		{pattern: "POST /api/v1/service/volunteers", access: user, api: true, h: s.apiSvcVolunteerRegister},
		{pattern: "GET /api/v1/service/certificates", access: user, api: true, h: s.apiSvcCertificates},
		{pattern: "POST /api/v1/service/certificates", access: user, api: true, h: s.apiSvcCertificateIssue},
		{pattern: "GET /api/v1/service/certificates/{service_certificate}", access: user, api: true, h: s.apiSvcCertificate},
		// A verifier's system checks a certificate by number as the public page does: rate-limited, the name masked.
		{pattern: "GET /api/v1/service/certificates/verify", access: public, api: true, h: s.apiSvcCertificateVerify},

		// ---- quota area (the seed's service rules; handlers in quota_*.go). Keep this block last. ----
		{pattern: "GET /service/calendar", access: user, h: s.quotaCalendar},
		{pattern: "GET /service/calendar/plan", access: user, h: s.quotaPlan},
		{pattern: "GET /service/compliance", access: user, h: s.quotaCompliance},
		{pattern: "GET /service/honour", access: user, h: s.quotaHonour},
		{pattern: "GET /admin/service-rules", access: user, h: s.quotaRules},
		{pattern: "POST /admin/service-rules", access: user, h: s.quotaRulesSave},
		{pattern: "GET /api/v1/service/compliance", access: user, api: true, h: s.apiQuotaCompliance},
		{pattern: "GET /api/v1/service/rules", access: user, api: true, h: s.apiQuotaRules},
		{pattern: "PUT /api/v1/service/rules", access: user, api: true, h: s.apiQuotaRulesSave},
		// ---- end of quota area ----
	}
}
