package web

// unitRoutes lists this area's routes; the area's handlers live beside it.
func (s *Server) unitRoutes() []route {
	return nil
}
