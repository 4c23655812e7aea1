package web

// photoRoutes lists this area's routes; the area's handlers live beside it.
func (s *Server) photoRoutes() []route {
	return nil
}
