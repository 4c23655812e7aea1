package web

// caseRoutes lists this area's routes; the area's handlers live beside it.
func (s *Server) caseRoutes() []route {
	return nil
}
