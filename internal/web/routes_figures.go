package web

// figureRoutes lists this area's routes; the area's handlers live beside it.
func (s *Server) figureRoutes() []route {
	return nil
}
