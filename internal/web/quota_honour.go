package web

import (
	"net/http"

	"wuxing/internal/quota"
	"wuxing/internal/storage"
)

// quotaHonourData is the honour roll.
type quotaHonourData struct {
	Roll    *storage.HonourRoll
	Period  quota.Period
	Presets []quotaPreset
}

// quotaPreset is a period the page offers.
type quotaPreset struct {
	Period  string
	Key     string
	Arg     string
	Current bool
}

// quotaHonour is GET /service/honour?period=2026 | 2026Q1 | 2026-03: the top volunteers and teams
// of the period by approved hours, laid out to be printed and posted.
func (s *Server) quotaHonour(w http.ResponseWriter, r *http.Request) {
	if err := quotaViewer(r); err != nil {
		s.fail(w, r, err)
		return
	}
	today := quota.Today(s.clock.Now())
	p, err := quotaPeriodParam(r, "period", quota.YearOf(today), quota.Year, quota.Quarter, quota.Month)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	roll, err := s.db.ServiceHonourRoll(r.Context(), actor(r), p, 10)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &quotaHonourData{Roll: roll, Period: p}
	for _, x := range []struct {
		p   quota.Period
		key string
	}{
		{quota.YearOf(today), "quota.period.year"}, {quota.YearOf(today).Prev(), "quota.period.year"},
		{quota.QuarterOf(today), "quota.period.quarter"}, {quota.QuarterOf(today).Prev(), "quota.period.quarter"},
		{quota.MonthOf(today), "quota.period.month"}, {quota.MonthOf(today).Prev(), "quota.period.month"},
	} {
		d.Presets = append(d.Presets, quotaPreset{Period: x.p.String(), Key: x.key, Arg: x.p.String(), Current: x.p == p})
	}
	s.render(w, r, http.StatusOK, "quota_honour", &Page{Title: "quota.honour.title", Data: d})
}
