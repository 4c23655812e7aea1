package web

// figureRoutes lists this area's routes: the figures page with the ranking (赛马), the settings
// page of the definitions and weights, and the API. The handlers live in figures_*.go.
func (s *Server) figureRoutes() []route {
	return []route{
		{pattern: "GET /figures", access: user, h: s.figuresPage},
		{pattern: "GET /admin/figures", access: user, h: s.figuresAdmin},
		{pattern: "POST /admin/figures", access: user, h: s.figuresAdminSave},
		{pattern: "GET /api/v1/figures", access: user, api: true, h: s.apiFigures},
	}
}
