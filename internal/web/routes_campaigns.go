package web

// campaignRoutes lists this area's routes; the area's handlers live beside it.
func (s *Server) campaignRoutes() []route {
	return []route{
		{pattern: "GET /campaigns", access: user, h: s.campaignList},
		{pattern: "GET /campaigns/new", access: user, h: s.campaignNew},
		{pattern: "POST /campaigns", access: user, h: s.campaignCreate},
		{pattern: "GET /campaigns/{id}", access: user, h: s.campaignShow},
		{pattern: "GET /campaigns/{id}/edit", access: user, h: s.campaignEdit},
		{pattern: "POST /campaigns/{id}", access: user, h: s.campaignUpdate},
		{pattern: "POST /campaigns/{id}/inspections", access: user, h: s.campaignInspect},
		{pattern: "POST /campaigns/{id}/problems", access: user, h: s.campaignProblem},
		{pattern: "POST /campaigns/problems/{problem}/recheck", access: user, h: s.campaignRecheck},
		{pattern: "POST /campaigns/{id}/circulars", access: user, h: s.circularDraft},
		{pattern: "GET /circulars/{id}", access: user, h: s.circularShow},
		{pattern: "POST /circulars/{id}", access: user, h: s.circularSave},
		{pattern: "POST /circulars/{id}/publish", access: user, h: s.circularPublish},
		{pattern: "POST /circulars/{id}/delete", access: user, h: s.circularDelete},
		{pattern: "GET /api/v1/campaigns", access: user, api: true, h: s.apiCampaigns},
		{pattern: "GET /api/v1/campaigns/{id}", access: user, api: true, h: s.apiCampaign},
	}
}
