package web

// evaluationRoutes lists the routes of democratic evaluation (民主评议): rounds, one-time ballots, meeting tallies, results, the satisfaction list, the talk rule, the annual review.
// The handlers live in evaluation_*.go.
func (s *Server) evaluationRoutes() []route {
	return []route{}
}
