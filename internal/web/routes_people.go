package web

// peopleRoutes lists this area's routes; the area's handlers live beside it.
func (s *Server) peopleRoutes() []route {
	return nil
}
