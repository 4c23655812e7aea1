package web

// livelihoodRoutes lists the routes of livelihood projects (民生实事): targets, leaders' claims, progress reports, the public list.
// The handlers live in livelihood_*.go.
func (s *Server) livelihoodRoutes() []route {
	return []route{}
}
