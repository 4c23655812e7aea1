package web

import (
	"time"

	"wuxing/internal/clock"
	"wuxing/internal/ratelimit"
)

// publicState is what the residents' side keeps between requests: the rate limits per client
// address.
type publicState struct {
	submits *ratelimit.Limiter // reports through the form or the API
	lookups *ratelimit.Limiter // tracking-code lookups and ratings: the codes are bearer secrets
}

// The public limits, per client address.
const (
	publicSubmitBurst = 5
	publicSubmitPer   = 10 * time.Minute
	publicLookupBurst = 30
	publicLookupPer   = 10 * time.Minute
)

func newPublicState(c clock.Clock) *publicState {
	return &publicState{
		submits: ratelimit.New(publicSubmitBurst, publicSubmitPer, ratelimit.WithClock(c.Now)),
		lookups: ratelimit.New(publicLookupBurst, publicLookupPer, ratelimit.WithClock(c.Now)),
	}
}

// publicRoutes lists the residents' side: the report page of a unit and its QR code and poster,
// the tracking page with the rating form, the notice board, and the public API. None needs an
// account; the web forms carry the pre-login CSRF token. These pages show a unit's public data
// by design (scope_test.go lists them as such): never a person's name or phone in full.
func (s *Server) publicRoutes() []route {
	s.public = newPublicState(s.clock)
	return []route{
		{pattern: "GET /r/{unitcode}", access: public, h: s.publicReportPage},
		{pattern: "POST /r/{unitcode}", access: public, h: s.publicReportSubmit},
		{pattern: "GET /r/{unitcode}/qr.png", access: public, h: s.publicQR},
		{pattern: "GET /r/{unitcode}/poster", access: public, h: s.publicPoster},
		{pattern: "GET /t/{tracking}", access: public, h: s.publicTrackPage},
		{pattern: "POST /t/{tracking}/rating", access: public, h: s.publicRate},
		{pattern: "GET /board/{unitcode}", access: public, h: s.publicBoard},
		{pattern: "GET /api/v1/public/units/{unitcode}", access: public, api: true, h: s.apiPublicUnit},
		{pattern: "POST /api/v1/public/units/{unitcode}/cases", access: public, api: true, h: s.apiPublicSubmit},
		{pattern: "GET /api/v1/public/track/{tracking}", access: public, api: true, h: s.apiPublicTrack},
		{pattern: "POST /api/v1/public/track/{tracking}/rating", access: public, api: true, h: s.apiPublicRate},
	}
}
