package web

import (
	"testing"

	"wuxing/internal/org"
	"wuxing/internal/people"
)

// quotaScopeSides adds this area's records to the scope walk: for each community, the ids of its
// objects by kind (zq.ids["kind"] = …), its markers, and the kinds' path parameters in paramKinds.
// The rules' pages (calendar, compliance, honour roll) take no ids in their paths: each
// community gets a team with approved hours on ten days and a planned activity, whose names and
// titles are markers the other community's secretary must never see on those pages.
func quotaScopeSides(t *testing.T, f *fixture, zq, kx *scopeSide) {
	t.Helper()
	for _, side := range []struct {
		s      *scopeSide
		unit   *org.Unit
		ps     []*people.Person
		prefix string
	}{{zq, f.zq, []*people.Person{f.zqHead, f.zqCadre}, "站前"}, {kx, f.kx, []*people.Person{f.kxHead, f.kxCadre}, "开西"}} {
		team, title := side.prefix+"主题党日服务队", side.prefix+"主题党日清洁"
		quotaTeam(t, f, side.unit, team, title, side.ps, 250, quotaDays(4), "2026-03-05")
		side.s.markers = append(side.s.markers, team, title)
	}
}
