package storage_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"wuxing/internal/cases"
	"wuxing/internal/figures"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// TestTalliesAgreeWithTheCases changes cases in every way the flow allows, around a new year in
// China time, and checks after each change that the figures read from the tallies equal the
// figures counted from the cases, for whole years, months and odd periods; and that rebuilding
// the tallies from scratch changes nothing.
func TestTalliesAgreeWithTheCases(t *testing.T) {
	db, clk := storagetest.Open(t)
	ctx := context.Background()
	w := buildCaseWorld(t, db)
	cst := time.FixedZone("CST", 8*3600)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, cst) }
	day := func(y int, m time.Month, d int) time.Time { return at(y, m, d, 0, 0) }
	periods := [][2]time.Time{
		{day(2025, 1, 1), day(2026, 1, 1)},
		{day(2026, 1, 1), day(2027, 1, 1)},
		{day(2025, 12, 1), day(2026, 1, 1)},
		{day(2026, 1, 1), day(2026, 2, 1)},
		{day(2025, 12, 20), day(2026, 2, 10)},
		{day(2024, 1, 1), day(2028, 1, 1)},
		{at(2025, 12, 31, 23, 0), at(2026, 1, 1, 1, 0)},
	}
	compare := func(when string) {
		t.Helper()
		for _, p := range periods {
			q := storage.FigureQuery{UnitID: w.town.ID, From: p[0], To: p[1]}
			got, err := db.Figures(ctx, storage.System, q)
			if err != nil {
				t.Fatal(err)
			}
			want, err := db.FiguresFromCases(ctx, storage.System, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Entries, want.Entries) {
				t.Fatalf("%s, %s – %s: the tallies say %+v, the cases %+v", when, p[0], p[1], got.Entries, want.Entries)
			}
		}
	}
	var all []*cases.Case
	mk := func(when time.Time) *cases.Case {
		t.Helper()
		clk.Set(when)
		c := newLightCase(w)
		if _, err := db.CreateCase(ctx, w.sec, c, storage.NewCase{}); err != nil {
			t.Fatal(err)
		}
		all = append(all, c)
		return c
	}
	step := func(c *cases.Case, a storage.Actor, act cases.Action, in cases.Input) {
		t.Helper()
		got, err := db.Act(ctx, a, c.ID, act, in, c.Version)
		if err != nil {
			t.Fatalf("%s: %v", act, err)
		}
		*c = *got
		compare(string(act))
	}
	// Around the new year, in China time: the first two fall in 2025 there (in UTC both do).
	mk(at(2025, 12, 31, 23, 30))
	mk(at(2026, 1, 1, 0, 10))
	mk(at(2025, 12, 1, 0, 0))
	mk(at(2026, 1, 31, 23, 59))
	compare("created")
	// Through the flow, with the clock moving on so some are late.
	for i, c := range all {
		clk.Set(c.SubmittedAt.Add(time.Hour))
		if i == 3 {
			step(c, w.sec, cases.Reject, cases.Input{Reason: "重复"})
			continue
		}
		step(c, w.sec, cases.Accept, cases.Input{})
		step(c, w.sec, cases.Dispatch, cases.Input{AssigneeKind: cases.ToPerson, AssigneeID: w.member.ID})
		step(c, w.memberActor, cases.Start, cases.Input{})
		if i == 1 {
			clk.Advance(40 * 24 * time.Hour)
		}
		step(c, w.memberActor, cases.Resolve, cases.Input{Result: "修好了", Method: cases.VolunteerLabour})
		if i == 2 {
			step(c, w.sec, cases.CheckFail, cases.Input{Reason: "没修好"})
			continue
		}
		step(c, w.sec, cases.CheckPass, cases.Input{})
		rating := []cases.Rating{cases.Satisfied, cases.Dissatisfied}[i]
		if _, err := db.RatePublic(ctx, c.TrackingCode, rating, "", i == 1, ""); err != nil {
			t.Fatal(err)
		}
		compare("rated")
	}
	// A rebuild from the cases finds the same tallies.
	read := func() map[string][]int {
		rows, err := db.Raw().QueryContext(ctx, "SELECT unit_id, period, received, taken, responded, resolved, on_time, delivered, rated, satisfied, basic_satisfied, dissatisfied, reworked FROM case_tallies WHERE received > 0")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string][]int{}
		for rows.Next() {
			var unit int64
			var period string
			n := make([]int, 11)
			dest := []any{&unit, &period}
			for i := range n {
				dest = append(dest, &n[i])
			}
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			out[fmt.Sprint(unit, "/", period)] = n
		}
		return out
	}
	before := read()
	if len(before) < 4 {
		t.Fatalf("tallies %v: want months and years", before)
	}
	if err := db.RebuildTallies(ctx); err != nil {
		t.Fatal(err)
	}
	if after := read(); !reflect.DeepEqual(before, after) {
		t.Fatalf("kept in step %v, rebuilt %v", before, after)
	}
	compare("rebuilt")
}

// TestTalliesUnderConcurrentWrites accepts cases of one village and month from several
// goroutines at once: on PostgreSQL each transaction recounts the month while others are changing
// it, and no change may be lost. (Creating cases would not show it: the case number's counter
// already serializes them per unit.)
func TestTalliesUnderConcurrentWrites(t *testing.T) {
	db, _ := storagetest.Open(t)
	ctx := context.Background()
	w := buildCaseWorld(t, db)
	work := make(chan *cases.Case, 40)
	for range 40 {
		c := newLightCase(w)
		if _, err := db.CreateCase(ctx, w.sec, c, storage.NewCase{}); err != nil {
			t.Fatal(err)
		}
		work <- c
	}
	close(work)
	errc := make(chan error, 8)
	for range 8 {
		go func() {
			for c := range work {
				if _, err := db.Act(ctx, w.sec, c.ID, cases.Accept, cases.Input{}, c.Version); err != nil {
					errc <- err
					return
				}
			}
			errc <- nil
		}()
	}
	for range 8 {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	var month, year int
	if err := db.Raw().QueryRowContext(ctx, "SELECT SUM(responded) FROM case_tallies WHERE length(period) = 7").Scan(&month); err != nil {
		t.Fatal(err)
	}
	if err := db.Raw().QueryRowContext(ctx, "SELECT SUM(responded) FROM case_tallies WHERE length(period) = 4").Scan(&year); err != nil {
		t.Fatal(err)
	}
	if month != 40 || year != 40 {
		t.Fatalf("40 cases accepted in time, tallied as %d in the month and %d in the year", month, year)
	}
}

// TestCountedIsFigureCond holds the two statements of the figures' definitions to each other:
// cases.Counted, which moves the tallies as cases change, and the SQL of the case list's figure=
// filter, which rebuilds them. Stored cases are put at the edges (a decision exactly at the
// acceptance deadline and a second after it, no acceptance deadline, resolved exactly at the
// deadline, rejected late) and every count must select the same cases both ways.
func TestCountedIsFigureCond(t *testing.T) {
	db, clk := storagetest.Open(t)
	ctx := context.Background()
	w := buildCaseWorld(t, db)
	var ids []int64
	for range 9 {
		c := newLightCase(w)
		if _, err := db.CreateCase(ctx, w.sec, c, storage.NewCase{}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	act := func(id int64, a storage.Actor, steps ...cases.Action) {
		t.Helper()
		for _, s := range steps {
			c, _, err := db.Case(ctx, storage.System, id)
			if err != nil {
				t.Fatal(err)
			}
			in := cases.Input{Reason: "原因", AssigneeKind: cases.ToPerson, AssigneeID: w.member.ID, Result: "修好了",
				Method: cases.VolunteerLabour, Rating: cases.Satisfied}
			actor := a
			if s == cases.Start || s == cases.Resolve {
				actor = w.memberActor
			}
			if _, err := db.Act(ctx, actor, id, s, in, c.Version); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			clk.Advance(time.Hour)
		}
	}
	flow := []cases.Action{cases.Accept, cases.Dispatch, cases.Start, cases.Resolve}
	act(ids[1], w.sec, cases.Accept)
	act(ids[2], w.sec, cases.Reject)
	act(ids[3], w.sec, flow...)
	act(ids[4], w.sec, append(flow, cases.CheckFail)...)
	act(ids[5], w.sec, append(flow, cases.CheckPass)...)
	act(ids[6], w.sec, flow...)
	act(ids[7], w.sec, cases.Accept)
	act(ids[8], w.sec, cases.Reject)
	raw := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Raw().ExecContext(ctx, db.Dialect().Rebind(q), args...); err != nil {
			t.Fatal(err)
		}
	}
	// The edges, written the way the application writes times.
	raw("UPDATE cases SET accepted_at = accept_due WHERE id = ?", ids[1])
	raw("UPDATE cases SET accept_due = NULL WHERE id = ?", ids[7])
	raw("UPDATE cases SET closed_at = ? WHERE id = ?", clk.Now().Add(30*24*time.Hour), ids[8])
	raw("UPDATE cases SET resolved_at = deadline WHERE id = ?", ids[3])
	raw("UPDATE cases SET resolved_at = ? WHERE id = ?", clk.Now().Add(60*24*time.Hour), ids[6])
	var accepted7 time.Time
	if c, _, err := db.Case(ctx, storage.System, ids[7]); err != nil {
		t.Fatal(err)
	} else {
		accepted7 = c.AcceptedAt
	}
	raw("UPDATE cases SET accepted_at = ? WHERE id = ?", accepted7.Add(90*24*time.Hour), ids[7])
	seen := map[figures.Count]int{}
	for _, n := range figures.CountNames {
		list, _, err := db.Cases(ctx, storage.System, storage.CaseFilter{Figure: n, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		inSQL := map[int64]bool{}
		for _, c := range list {
			inSQL[c.ID] = true
		}
		for _, id := range ids {
			c, _, err := db.Case(ctx, storage.System, id)
			if err != nil {
				t.Fatal(err)
			}
			inGo := cases.Counted(c).Get(n) == 1
			if inGo != inSQL[id] {
				t.Errorf("case %d (%s) in %s: Counted says %v, figureCond %v", id, c.Status, n, inGo, inSQL[id])
			}
			if inGo {
				seen[n]++
			}
		}
	}
	// The edges did land on both sides of the lines.
	if seen[figures.Responded] == 0 || seen[figures.Responded] == len(ids) || seen[figures.OnTime] == 0 || seen[figures.Reworked] == 0 {
		t.Fatalf("the cases do not reach the edges: %v", seen)
	}
}
