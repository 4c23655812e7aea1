package web

// photoRoutes lists this area's routes; the area's handlers live beside it (photos_*.go).
// Photos are served only through the case they belong to: to users who may see the case, to
// the holder of its tracking code, and ("after" photos of resolved cases) on the notice board.
func (s *Server) photoRoutes() []route {
	return []route{
		{pattern: "GET /cases/{id}/photos/{photo}", access: user, h: s.casePhoto(false)},
		{pattern: "GET /cases/{id}/photos/{photo}/thumb", access: user, h: s.casePhoto(true)},
		{pattern: "POST /cases/{id}/photos", access: user, h: s.addPhotos},
		{pattern: "GET /t/{tracking}/photos/{photo}", access: public, h: s.trackedPhoto(false)},
		{pattern: "GET /t/{tracking}/photos/{photo}/thumb", access: public, h: s.trackedPhoto(true)},
		{pattern: "GET /board/photos/{photo}", access: public, h: s.boardPhoto(false)},
		{pattern: "GET /board/photos/{photo}/thumb", access: public, h: s.boardPhoto(true)},
		{pattern: "GET /api/v1/cases/{id}/photos", access: user, api: true, h: s.apiCasePhotos},
		{pattern: "POST /api/v1/cases/{id}/photos", access: user, api: true, h: s.apiAddPhotos},
		{pattern: "GET /api/v1/cases/{id}/photos/{photo}", access: user, api: true, h: s.casePhoto(false)},
		{pattern: "GET /api/v1/cases/{id}/photos/{photo}/thumb", access: user, api: true, h: s.casePhoto(true)},
	}
}
