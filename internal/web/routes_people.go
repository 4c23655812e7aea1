package web

// peopleRoutes lists this area's routes: people, households, assignments (包联) and the
// full-coverage check; the handlers live in people_*.go, households_*.go and assignments_*.go.
func (s *Server) peopleRoutes() []route {
	return []route{
		{pattern: "GET /people", access: user, h: s.peopleList},
		{pattern: "GET /people/new", access: user, h: s.personNew},
		{pattern: "POST /people", access: user, h: s.personCreate},
		{pattern: "GET /people/{id}", access: user, h: s.personShow},
		{pattern: "GET /people/{id}/edit", access: user, h: s.personEdit},
		{pattern: "POST /people/{id}", access: user, h: s.personUpdate},
		{pattern: "POST /people/{id}/active", access: user, h: s.personSetActive},

		{pattern: "GET /households", access: user, h: s.householdList},
		{pattern: "GET /households/new", access: user, h: s.householdNew},
		{pattern: "POST /households", access: user, h: s.householdCreate},
		{pattern: "GET /households/{id}", access: user, h: s.householdShow},
		{pattern: "GET /households/{id}/edit", access: user, h: s.householdEdit},
		{pattern: "POST /households/{id}", access: user, h: s.householdUpdate},
		{pattern: "POST /households/{id}/active", access: user, h: s.householdSetActive},
		{pattern: "POST /households/{id}/members", access: user, h: s.householdAddMember},

		{pattern: "GET /assignments", access: user, h: s.assignmentList},
		{pattern: "GET /assignments/new", access: user, h: s.assignmentNew},
		{pattern: "POST /assignments", access: user, h: s.assignmentCreate},
		{pattern: "GET /assignments/{id}/end", access: user, h: s.assignmentEndForm},
		{pattern: "POST /assignments/{id}/end", access: user, h: s.assignmentEnd},
		{pattern: "GET /units/{id}/coverage", access: user, h: s.unitCoverage},

		{pattern: "GET /api/v1/people", access: user, api: true, h: s.apiPeople},
		{pattern: "GET /api/v1/people/{id}", access: user, api: true, h: s.apiPerson},
		{pattern: "POST /api/v1/people", access: user, api: true, h: s.apiPersonCreate},
		{pattern: "PUT /api/v1/people/{id}", access: user, api: true, h: s.apiPersonUpdate},
		{pattern: "GET /api/v1/households", access: user, api: true, h: s.apiHouseholds},
		{pattern: "GET /api/v1/households/{id}", access: user, api: true, h: s.apiHousehold},
		{pattern: "POST /api/v1/households", access: user, api: true, h: s.apiHouseholdCreate},
		{pattern: "PUT /api/v1/households/{id}", access: user, api: true, h: s.apiHouseholdUpdate},
		{pattern: "GET /api/v1/assignments", access: user, api: true, h: s.apiAssignments},
		{pattern: "POST /api/v1/assignments", access: user, api: true, h: s.apiAssignmentCreate},
		{pattern: "POST /api/v1/assignments/{id}/end", access: user, api: true, h: s.apiAssignmentEnd},
		{pattern: "GET /api/v1/units/{id}/coverage", access: user, api: true, h: s.apiUnitCoverage},
	}
}
