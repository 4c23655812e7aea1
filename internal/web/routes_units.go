package web

// unitRoutes lists this area's routes; the area's handlers live beside it (units_*.go).
func (s *Server) unitRoutes() []route {
	return []route{
		{pattern: "GET /units", access: user, h: s.unitTree},
		{pattern: "GET /units/new", access: user, h: s.unitNew},
		{pattern: "POST /units", access: user, h: s.unitCreate},
		{pattern: "GET /units/{id}", access: user, h: s.unitDetail},
		{pattern: "POST /units/{id}", access: user, h: s.unitUpdate},
		{pattern: "POST /units/{id}/move", access: user, h: s.unitMove},
		{pattern: "POST /units/{id}/active", access: user, h: s.unitSetActive},
		{pattern: "GET /compounds/{id}", access: user, h: s.compoundPage},
		{pattern: "POST /compounds", access: user, h: s.compoundCreate},
		{pattern: "POST /compounds/{id}", access: user, h: s.compoundUpdate},

		{pattern: "GET /api/v1/units", access: user, api: true, h: s.apiUnits},
		{pattern: "POST /api/v1/units", access: user, api: true, h: s.apiUnitCreate},
		{pattern: "GET /api/v1/units/{id}", access: user, api: true, h: s.apiUnit},
		{pattern: "PATCH /api/v1/units/{id}", access: user, api: true, h: s.apiUnitUpdate},
		{pattern: "POST /api/v1/units/{id}/move", access: user, api: true, h: s.apiUnitMove},
		{pattern: "POST /api/v1/units/{id}/deactivate", access: user, api: true, h: s.apiUnitDeactivate},
		{pattern: "POST /api/v1/units/{id}/activate", access: user, api: true, h: s.apiUnitActivate},
		{pattern: "GET /api/v1/units/{id}/compounds", access: user, api: true, h: s.apiUnitCompounds},
		{pattern: "POST /api/v1/compounds", access: user, api: true, h: s.apiCompoundCreate},
		{pattern: "GET /api/v1/compounds/{id}", access: user, api: true, h: s.apiCompound},
		{pattern: "PUT /api/v1/compounds/{id}", access: user, api: true, h: s.apiCompoundUpdate},
	}
}
