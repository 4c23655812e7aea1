package web

// publicRoutes lists this area's routes; the area's handlers live beside it.
func (s *Server) publicRoutes() []route {
	return nil
}
