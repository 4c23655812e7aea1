package web

// adminRoutes lists this area's routes; the area's handlers live beside it.
func (s *Server) adminRoutes() []route {
	return nil
}
