package web

import "testing"

// ptsScopeSides adds this area's records to the scope walk: for each community, the ids of its
// objects by kind (zq.ids["kind"] = …), its markers, and the kinds' path parameters in paramKinds.
func ptsScopeSides(t *testing.T, f *fixture, zq, kx *scopeSide) {
	t.Helper()
}
