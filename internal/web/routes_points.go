package web

// pointsRoutes lists the routes of points (积分制): rule catalogues, entries and approvals, automatic entries, ledgers, and the horse race (赛马).
// The handlers live in points_*.go.
func (s *Server) pointsRoutes() []route {
	return []route{
		{pattern: "GET /points", access: user, h: s.pointsRace},
		{pattern: "GET /points/ranking.xlsx", access: user, h: s.pointsExport},
		{pattern: "POST /points/grades", access: user, h: s.pointsGrade},
		{pattern: "GET /points/targets/{points_kind}/{points_target}", access: user, h: s.pointsLedger},
		{pattern: "GET /points/entries", access: user, h: s.pointsQueue},
		{pattern: "GET /points/entries/new", access: user, h: s.pointsEntryNew},
		{pattern: "POST /points/entries", access: user, h: s.pointsEntryCreate},
		{pattern: "POST /points/entries/{points_entry}/decide", access: user, h: s.pointsDecide},
		{pattern: "GET /admin/points", access: user, h: s.pointsAdmin},
		{pattern: "POST /admin/points", access: user, h: s.pointsCatalogueCreate},
		{pattern: "POST /admin/points/score", access: user, h: s.pointsScore},
		{pattern: "GET /admin/points/{points_catalogue}", access: user, h: s.pointsCatalogueShow},
		{pattern: "POST /admin/points/{points_catalogue}/ratios", access: user, h: s.pointsRatios},
		{pattern: "POST /admin/points/{points_catalogue}/rules", access: user, h: s.pointsRuleSave},
		{pattern: "GET /api/v1/points/ranking", access: user, api: true, h: s.apiPointsRanking},
		{pattern: "GET /api/v1/points/targets/{points_kind}/{points_target}", access: user, api: true, h: s.apiPointsLedger},
		{pattern: "GET /api/v1/points/entries", access: user, api: true, h: s.apiPointsEntries},
		{pattern: "POST /api/v1/points/entries", access: user, api: true, h: s.apiPointsEnter},
		{pattern: "POST /api/v1/points/entries/{points_entry}/decide", access: user, api: true, h: s.apiPointsDecide},
		{pattern: "GET /api/v1/points/catalogues", access: user, api: true, h: s.apiPointsCatalogues},
	}
}
