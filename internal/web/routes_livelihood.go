package web

import (
	"time"

	"wuxing/internal/ratelimit"
)

// The public list's limit, per client address: generous for a resident reading it, tight enough
// that nobody walks every unit's list in a loop.
const (
	livPublicBurst = 60
	livPublicPer   = 10 * time.Minute
)

// livelihoodRoutes lists the routes of livelihood projects (民生实事): targets, leaders' claims, progress reports, the public list.
// The handlers live in livelihood_*.go.
func (s *Server) livelihoodRoutes() []route {
	lim := ratelimit.New(livPublicBurst, livPublicPer, ratelimit.WithClock(s.clock.Now))
	return []route{
		{pattern: "GET /livelihood", access: user, h: s.livList},
		{pattern: "GET /livelihood/export.xlsx", access: user, h: s.livExport},
		{pattern: "GET /livelihood/new", access: user, h: s.livNew},
		{pattern: "POST /livelihood", access: user, h: s.livCreate},
		{pattern: "GET /livelihood/{id}", access: user, h: s.livShow},
		{pattern: "GET /livelihood/{id}/edit", access: user, h: s.livEdit},
		{pattern: "POST /livelihood/{id}", access: user, h: s.livUpdate},
		{pattern: "POST /livelihood/{id}/claim", access: user, h: s.livClaim},
		{pattern: "POST /livelihood/{id}/reports", access: user, h: s.livReport},
		{pattern: "POST /livelihood/{id}/close", access: user, h: s.livClose},
		{pattern: "POST /livelihood/reports/{livreport}/correct", access: user, h: s.livCorrect},
		{pattern: "GET /livelihood/{id}/photos/{livphoto}", access: user, h: s.livPhoto(false)},
		{pattern: "GET /livelihood/{id}/photos/{livphoto}/thumb", access: user, h: s.livPhoto(true)},
		{pattern: "GET /l/{unitcode}", access: public, h: s.livPublic(lim)},
		{pattern: "GET /api/v1/livelihood", access: user, api: true, h: s.apiLivList},
		{pattern: "GET /api/v1/livelihood/{id}", access: user, api: true, h: s.apiLivShow},
		{pattern: "POST /api/v1/livelihood/{id}/reports", access: user, api: true, h: s.apiLivReport},
	}
}
