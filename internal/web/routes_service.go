package web

// serviceRoutes lists the routes of volunteer service (志愿服务): teams, volunteers, projects, activities with check-in codes, hours, corrections, certificates, the town's rules and compliance.
// The handlers live in service_*.go.
func (s *Server) serviceRoutes() []route {
	return []route{}
}
