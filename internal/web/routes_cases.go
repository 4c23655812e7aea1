package web

// caseRoutes lists this area's routes: the officials' side of cases (lists, the claim board,
// the department inbox, entry, the case page with its steps, bulk dispatch) and their API; the
// handlers live in cases_*.go. The ledger is GET /export/cases.xlsx, served by the export route.
func (s *Server) caseRoutes() []route {
	return []route{
		{pattern: "GET /cases", access: user, h: s.caseListPage(caseViewAll)},
		{pattern: "GET /cases/claim", access: user, h: s.caseListPage(caseViewClaim)},
		{pattern: "GET /cases/mine", access: user, h: s.caseListPage(caseViewMine)},
		{pattern: "GET /cases/inbox", access: user, h: s.caseListPage(caseViewInbox)},
		{pattern: "GET /cases/new", access: user, h: s.caseNew},
		{pattern: "POST /cases", access: user, h: s.caseCreate},
		{pattern: "POST /cases/dispatch", access: user, h: s.caseBulkDispatch},
		{pattern: "GET /cases/{id}", access: user, h: s.caseShow},
		{pattern: "POST /cases/{id}/{action}", access: user, h: s.caseAct},

		{pattern: "GET /api/v1/cases", access: user, api: true, h: s.apiCases},
		{pattern: "POST /api/v1/cases", access: user, api: true, h: s.apiCaseCreate},
		{pattern: "GET /api/v1/cases/{id}", access: user, api: true, h: s.apiCase},
		{pattern: "GET /api/v1/cases/{id}/events", access: user, api: true, h: s.apiCaseEvents},
		{pattern: "POST /api/v1/cases/{id}/{action}", access: user, api: true, h: s.apiCaseAct},
	}
}
