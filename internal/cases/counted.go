package cases

import (
	"time"

	"wuxing/internal/figures"
)

// Counted returns the figures' counts a case is in: 1 in each count it adds to, 0 in the others.
// It is the definition of the counts for one case, read from its own record only (no clock), so
// a change of a case moves the tallies of its month and year by Counted(after) − Counted(before).
// storage's figureCond says the same in SQL, for the case list's figure= filter and for
// rebuilding the tallies; a storage test holds the two to each other.
func Counted(c *Case) figures.Counts {
	var n figures.Counts
	n.Received = 1
	n.Taken = one(c.Status != Rejected)
	// Accepted, or rejected (with a reason) by the acceptance deadline; a case stored before
	// deadlines for acceptance were kept has none, and any decision counts.
	byAcceptDue := func(t time.Time) bool { return c.AcceptDue.IsZero() || !t.After(c.AcceptDue) }
	n.Responded = one((!c.AcceptedAt.IsZero() && byAcceptDue(c.AcceptedAt)) ||
		(c.Status == Rejected && !c.ClosedAt.IsZero() && byAcceptDue(c.ClosedAt)))
	resolved := c.Status == Resolved || c.Status == Checked || c.Status == Rated || c.Status == Closed
	n.Resolved = one(resolved)
	n.OnTime = one(resolved && !c.ResolvedAt.IsZero() && !c.Deadline.IsZero() && !c.ResolvedAt.After(c.Deadline))
	n.Delivered = one(!c.ResolvedAt.IsZero())
	n.Rated = one(c.Rating == Satisfied || c.Rating == BasicSatisfied || c.Rating == Dissatisfied)
	n.Satisfied = one(c.Rating == Satisfied)
	n.BasicSatisfied = one(c.Rating == BasicSatisfied)
	n.Dissatisfied = one(c.Rating == Dissatisfied)
	n.Reworked = one(c.Reworks > 0)
	return n
}

func one(b bool) int {
	if b {
		return 1
	}
	return 0
}
