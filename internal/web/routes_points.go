package web

// pointsRoutes lists the routes of points (积分制): rule catalogues, entries and approvals, automatic entries, ledgers, and the horse race (赛马).
// The handlers live in points_*.go.
func (s *Server) pointsRoutes() []route {
	return []route{}
}
