package web

// campaignRoutes lists this area's routes; the area's handlers live beside it.
func (s *Server) campaignRoutes() []route {
	return nil
}
