package web

// dataRoutes lists this area's routes; the area's handlers live beside it.
func (s *Server) dataRoutes() []route {
	return nil
}
