package cases

import (
	"testing"
	"time"

	"wuxing/internal/figures"
)

// TestCounted puts cases at the edges of each count's definition: a decision exactly at the
// acceptance deadline counts as a response and one a second later does not, a rejection counts
// only by the deadline, a case from before acceptance deadlines counts any decision, a case
// resolved exactly at its deadline is on time, a rejected case is not taken.
func TestCounted(t *testing.T) {
	due := time.Date(2026, 3, 2, 15, 59, 59, 0, time.UTC)
	late := due.Add(time.Second)
	st := func(s Status) State { return State{Status: s, Deadline: due} }
	tests := []struct {
		name string
		c    Case
		want figures.Counts
	}{
		{"submitted", Case{State: st(Submitted), AcceptDue: due},
			figures.Counts{Received: 1, Taken: 1}},
		{"accepted at the acceptance deadline", Case{State: st(Accepted), AcceptDue: due, AcceptedAt: due},
			figures.Counts{Received: 1, Taken: 1, Responded: 1}},
		{"accepted a second late", Case{State: st(Accepted), AcceptDue: due, AcceptedAt: late},
			figures.Counts{Received: 1, Taken: 1}},
		{"accepted, no acceptance deadline kept", Case{State: st(Accepted), AcceptedAt: late},
			figures.Counts{Received: 1, Taken: 1, Responded: 1}},
		{"rejected in time", Case{State: st(Rejected), AcceptDue: due, ClosedAt: due},
			figures.Counts{Received: 1, Responded: 1}},
		{"rejected late", Case{State: st(Rejected), AcceptDue: due, ClosedAt: late},
			figures.Counts{Received: 1}},
		{"closed after rating is no rejection", Case{State: st(Closed), AcceptDue: due, ClosedAt: due, ResolvedAt: late, Rating: Dissatisfied},
			figures.Counts{Received: 1, Taken: 1, Resolved: 1, Delivered: 1, Rated: 1, Dissatisfied: 1}},
		{"resolved at the deadline", Case{State: st(Resolved), ResolvedAt: due},
			figures.Counts{Received: 1, Taken: 1, Responded: 0, Resolved: 1, OnTime: 1, Delivered: 1}},
		{"resolved late", Case{State: st(Checked), ResolvedAt: late},
			figures.Counts{Received: 1, Taken: 1, Resolved: 1, Delivered: 1}},
		{"sent back: delivered once, not resolved, reworked", Case{State: State{Status: InProgress, Deadline: due, Reworks: 1}, ResolvedAt: due},
			figures.Counts{Received: 1, Taken: 1, Delivered: 1, Reworked: 1}},
		{"rated satisfied", Case{State: st(Rated), ResolvedAt: due, Rating: Satisfied},
			figures.Counts{Received: 1, Taken: 1, Resolved: 1, OnTime: 1, Delivered: 1, Rated: 1, Satisfied: 1}},
		{"rated basically satisfied", Case{State: st(Rated), ResolvedAt: due, Rating: BasicSatisfied},
			figures.Counts{Received: 1, Taken: 1, Resolved: 1, OnTime: 1, Delivered: 1, Rated: 1, BasicSatisfied: 1}},
	}
	for _, tt := range tests {
		if got := Counted(&tt.c); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
