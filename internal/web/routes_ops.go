package web

// opsRoutes lists this area's routes; the area's handlers live beside it.
func (s *Server) opsRoutes() []route {
	return nil
}
