package authz

import "testing"

// Every scoped query builds a scope, and every case a page shows is checked with CanAt.

// benchPrincipal is a town official with a few bindings, as in use: town admin of one town,
// secretary of a community elsewhere, member there.
func benchPrincipal() *Principal {
	return &Principal{UserID: 7, Username: "bench", PersonID: 9, Bindings: []Binding{
		{Role: TownAdmin, UnitID: 4, UnitPath: "/1/2/3/4/"},
		{Role: BranchSecretary, UnitID: 201, UnitPath: "/1/2/3/5/201/"},
		{Role: Member, UnitID: 201, UnitPath: "/1/2/3/5/201/"},
		{Role: GridWorker, UnitID: 1207, UnitPath: "/1/2/3/5/201/1207/"},
		{Role: Assessor, UnitID: 3, UnitPath: "/1/2/3/"},
	}}
}

func BenchmarkScope(b *testing.B) {
	p := benchPrincipal()
	for b.Loop() {
		p.Scope(ViewCases)
	}
}

func BenchmarkCanAt(b *testing.B) {
	p := benchPrincipal()
	paths := []string{"/1/2/3/4/88/", "/1/2/3/5/201/1207/1300/", "/1/2/9/40/"}
	for i := 0; b.Loop(); i++ {
		p.CanAt(ManageCases, paths[i%len(paths)])
	}
}

func BenchmarkScopeContains(b *testing.B) {
	s := benchPrincipal().Scope(ViewCases)
	for i := 0; b.Loop(); i++ {
		s.Contains("/1/2/3/5/201/1207/1300/")
	}
}
