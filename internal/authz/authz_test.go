package authz

import "testing"

func p(bs ...Binding) *Principal { return &Principal{UserID: 1, Bindings: bs} }

func TestScopePerPermission(t *testing.T) {
	// A secretary of one community who is also a plain member of another may edit people only
	// in the first.
	u := p(Binding{Role: BranchSecretary, UnitPath: "/1/2/3/"}, Binding{Role: Member, UnitPath: "/1/2/4/"})
	if !u.CanAt(EditPeople, "/1/2/3/9/") {
		t.Fatal("secretary cannot edit people in own grid")
	}
	if u.CanAt(EditPeople, "/1/2/4/") || u.CanAt(ViewPeople, "/1/2/4/") {
		t.Fatal("member binding gives people access")
	}
	if !u.CanAt(ViewUnits, "/1/2/4/") {
		t.Fatal("member cannot see own units")
	}
	if u.CanAt(ViewUnits, "/1/2/") {
		t.Fatal("binding reaches its parent")
	}
	if u.CanAt(ViewUnits, "/1/2/30/") {
		t.Fatal("prefix /1/2/3 leaks into /1/2/30")
	}
}

func TestNoBindingNoAccess(t *testing.T) {
	u := p()
	for _, perm := range []Perm{ViewUnits, ViewPeople, ManageUsers, ViewAudit} {
		if u.Can(perm) || !u.Scope(perm).Empty() {
			t.Fatalf("%s without a binding", perm)
		}
	}
	var nilP *Principal
	if !nilP.Scope(ViewUnits).Empty() {
		t.Fatal("nil principal has scope")
	}
}

func TestNestedScopesFold(t *testing.T) {
	u := p(Binding{Role: TownAdmin, UnitPath: "/1/2/"}, Binding{Role: BranchSecretary, UnitPath: "/1/2/3/"})
	s := u.Scope(ViewPeople)
	if len(s.Paths) != 1 || s.Paths[0] != "/1/2/" {
		t.Fatalf("%v", s.Paths)
	}
}

func TestGrant(t *testing.T) {
	town := p(Binding{Role: TownAdmin, UnitPath: "/1/2/"})
	if !town.CanGrantAt(BranchSecretary, "/1/2/3/") {
		t.Fatal("town admin cannot appoint a secretary in the town")
	}
	if town.CanGrantAt(TownAdmin, "/1/2/") || town.CanGrantAt(Admin, "/1/2/3/") {
		t.Fatal("town admin grants its own level or above")
	}
	if town.CanGrantAt(BranchSecretary, "/1/5/6/") {
		t.Fatal("town admin grants outside the town")
	}
	sec := p(Binding{Role: BranchSecretary, UnitPath: "/1/2/3/"})
	if sec.CanGrantAt(Member, "/1/2/3/") {
		t.Fatal("secretary manages users")
	}
	if !SystemPrincipal.CanGrantAt(Admin, "/1/") {
		t.Fatal("system cannot grant")
	}
}

func TestMaskingPermissions(t *testing.T) {
	if CountyAdmin.Has(SeePhone) || !BranchSecretary.Has(SeePhone) || !GridWorker.Has(SeePhone) || GridWorker.Has(SeeIDNumber) {
		t.Fatal("phone/ID visibility changed: review DOMAIN.md's masking rule before changing this test")
	}
}
