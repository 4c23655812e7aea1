package web

import (
	"wuxing/internal/authz"
	"wuxing/internal/evaluation"
	"wuxing/internal/org"
	"wuxing/internal/storage"
)

// evalBranchKinds are the units ballots and tallies usually go to.
var evalBranchKinds = []org.Kind{org.Village, org.Community}

// evalBranchOf is the unit a target's ballots and tally belong to: the village or community
// right below the round's unit that holds it (the store fills it).
func evalBranchOf(x storage.EvalTarget) (int64, string) {
	return x.BranchID, x.BranchName
}

// evalCanTally reports whether p may enter the tally of the unit.
func evalCanTally(p *authz.Principal, xs []storage.EvalTarget, unitID int64) bool {
	for _, x := range xs {
		if x.BranchID == unitID {
			return p.CanAt(authz.EnterTallies, x.BranchPath)
		}
	}
	return false
}

// evalDimKey is the catalogue key of a dimension.
func evalDimKey(d string) string { return "evaluation.dim." + d }

// evalRatingKey is the catalogue key of a rating.
func evalRatingKey(r evaluation.Rating) string { return "evaluation.rating." + string(r) }
