package web

import (
	"context"
	"testing"

	"wuxing/internal/authz"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/points"
	"wuxing/internal/storage"
)

// ptsScopeSides adds this area's records to the scope walk: for each community, the ids of its
// objects by kind (zq.ids["kind"] = …), its markers, and the kinds' path parameters in paramKinds.
// 建设办 gets the members' catalogue (shared by both communities); each community's head of
// household gets an approved entry and a pending one with a marker only it contains.
func ptsScopeSides(t *testing.T, f *fixture, zq, kx *scopeSide) {
	t.Helper()
	c := ptsCatalogue(t, f, points.PartyMember)
	for _, side := range []struct {
		s    *scopeSide
		head *people.Person
		note string
	}{{zq, f.zqHead, "站前积分佐证"}, {kx, f.kxHead, "开西积分佐证"}} {
		approved := ptsEnter(t, f, c, side.head, side.note, 500)
		ptsApprove(t, f, approved)
		pending := ptsEnter(t, f, c, side.head, side.note+"待审", 100)
		side.s.ids["points_entry"] = []int64{pending.ID, approved.ID}
		side.s.ids["points_catalogue"] = []int64{c.ID}
		side.s.markers = append(side.s.markers, side.note)
	}
}

// ptsCatalogue creates 建设办's catalogue of kind k from the defaults.
func ptsCatalogue(t *testing.T, f *fixture, k points.TargetKind) *points.Catalogue {
	t.Helper()
	c, err := f.db.CreatePointsCatalogue(context.Background(), storage.System, f.town.ID, k, "建设办积分细则")
	if err != nil {
		t.Fatalf("catalogue: %v", err)
	}
	return c
}

// ptsRule is the catalogue's manual rule with code.
func ptsRule(t *testing.T, c *points.Catalogue, code string) *points.Rule {
	t.Helper()
	for i := range c.Rules {
		if c.Rules[i].Code == code {
			return &c.Rules[i]
		}
	}
	t.Fatalf("no rule %s", code)
	return nil
}

// ptsEnter enters centipoints for a member by the base rule, as the town's administrator.
func ptsEnter(t *testing.T, f *fixture, c *points.Catalogue, p *people.Person, note string, pts int64) *points.Entry {
	t.Helper()
	e, err := f.db.EnterPoints(context.Background(), ptsActor(t, f, "town"), storage.NewPointsEntry{TargetKind: points.PartyMember, TargetID: p.ID,
		RuleID: ptsRule(t, c, "duty.base").ID, Points: pts, OccurredOn: points.Today(f.clock.Now()), Note: note})
	if err != nil {
		t.Fatalf("enter: %v", err)
	}
	return e
}

// ptsApprove approves an entry as the system.
func ptsApprove(t *testing.T, f *fixture, e *points.Entry) {
	t.Helper()
	if _, err := f.db.DecidePoints(context.Background(), storage.System, e.ID, true, "", e.Version); err != nil {
		t.Fatalf("approve: %v", err)
	}
}

// ptsActor is the store actor of a fixture account bound to one role at one unit.
func ptsActor(t *testing.T, f *fixture, username string) storage.Actor {
	t.Helper()
	roles := map[string]struct {
		r authz.Role
		u *org.Unit
	}{"town": {authz.TownAdmin, f.town}, "zhanqian": {authz.BranchSecretary, f.zq}, "kaixi": {authz.BranchSecretary, f.kx}}
	b := roles[username]
	return storage.Actor{P: &authz.Principal{UserID: f.users[username], Username: username,
		Bindings: []authz.Binding{{Role: b.r, UnitID: b.u.ID, UnitPath: b.u.Path}}}}
}
