package web

// dataRoutes lists this area's routes: Excel import (templates, dry run, import) and exports of
// every list; the area's handlers live beside it (data_*.go). A {kind} is "people" or
// "people.xlsx" (pages link to the latter, so that the download keeps its extension).
func (s *Server) dataRoutes() []route {
	return []route{
		{pattern: "GET /import", access: user, h: s.importPage},
		{pattern: "POST /import", access: user, h: s.importSubmit},
		{pattern: "GET /import/template/{kind}", access: user, h: s.importTemplate},
		{pattern: "GET /export/{kind}", access: user, h: s.exportList},
	}
}
