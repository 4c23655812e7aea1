package demo

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/campaigns"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/points"
	"wuxing/internal/storage"
)

// TestPointsLedgers checks the demo's points on one load: the horse races of 鲁河镇 and 建设办
// this quarter are populated and differentiated for each kind of target, every total is the sum
// of the target's approved entries, secretaries are graded 352 with 鲁河镇's one X set by hand,
// manual entries were approved by someone other than who entered them, and each town's queue
// holds the entries left waiting.
func TestPointsLedgers(t *testing.T) {
	t.Parallel() // the loads run alongside each other; the demo is loaded once and shared
	ctx := context.Background()
	db := loadDemo(t)
	span, _ := points.SpanOf(points.Quarter, points.Today(db.Clock().Now()))
	towns, _, err := db.Units(ctx, storage.System, storage.UnitFilter{Kinds: []org.Kind{org.Town}, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, town := range towns {
		if town.Name != "鲁河镇" && town.Name != "建设办" {
			continue
		}
		found++
		for _, k := range points.TargetKinds {
			rk, err := db.PointsRanking(ctx, storage.System, town.ID, k, span)
			if err != nil {
				t.Fatalf("%s %s: %v", town.Name, k, err)
			}
			if len(rk.Standings) < 3 {
				t.Errorf("%s %s: %d in the race", town.Name, k, len(rk.Standings))
				continue
			}
			totals := map[int64]bool{}
			grades := map[points.Grade]int{}
			for i, st := range rk.Standings {
				totals[st.Total] = true
				grades[st.Grade]++
				if st.XGraded && st.XReason == "" {
					t.Errorf("%s: X without a reason", st.Name)
				}
				if i%7 != 0 && k != points.BranchSecretary {
					continue // a sample of members and teams keeps the test quick
				}
				es, n, err := db.PointsEntries(ctx, storage.System, storage.PointsEntryFilter{TargetKind: k, TargetID: st.ID,
					Status: points.Approved, From: span.From, To: span.To, Limit: 1000})
				if err != nil || n != len(es) {
					t.Fatalf("%s ledger: %v (%d of %d)", st.Name, err, len(es), n)
				}
				var sum int64
				for _, e := range es {
					sum += e.Points
					if e.SourceKind == "" && (e.EnteredName == "" || e.ApproverName == "" || e.EnteredName == e.ApproverName || e.Note == "") {
						t.Errorf("manual entry %d: entered by %q, approved by %q, evidence %q", e.ID, e.EnteredName, e.ApproverName, e.Note)
					}
				}
				if sum != st.Total || n != st.Entries {
					t.Errorf("%s %s: total %s from %d entries, ledger sums %s from %d", town.Name, st.Name, points.Format(st.Total), st.Entries,
						points.Format(sum), n)
				}
			}
			if len(totals) < 3 {
				t.Errorf("%s %s: totals not differentiated: %v", town.Name, k, totals)
			}
			if k == points.BranchSecretary {
				wantX := 0
				if town.Name == "鲁河镇" {
					wantX = 1
				}
				if grades[points.X] != wantX || grades[points.Excellent] == 0 || grades[points.Good] == 0 || grades[points.Fair] == 0 {
					t.Errorf("%s secretaries graded %v", town.Name, grades)
				}
			}
		}
		pending, n, err := db.PointsEntries(ctx, storage.System, storage.PointsEntryFilter{Status: points.Pending, UnitID: town.ID})
		if err != nil || n != 3 || len(pending) != 3 {
			t.Errorf("%s queue: %d waiting (%v)", town.Name, n, err)
		}
	}
	if found != 2 {
		t.Fatalf("found %d of the two towns", found)
	}
}

// TestPointsFromRecords checks the automatic entries against the records they come from: every
// village or community named in a published circular scores its branch secretary as the records
// name them (an account with the branch_secretary role there, or else the first secretary in
// office that day), and nobody when they name none; every approved activity scores its team
// once, half a point per hour of its approved hours, unless the team's quarterly cap is spent.
func TestPointsFromRecords(t *testing.T) {
	t.Parallel() // the loads run alongside each other; the demo is loaded once and shared
	ctx, sys := context.Background(), storage.System
	db := loadDemo(t)
	query := func(q string, args ...any) *sql.Rows {
		t.Helper()
		rows, err := db.Raw().QueryContext(ctx, db.Dialect().Rebind(q), args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return rows
	}

	t.Run("circulars score the branch secretary", func(t *testing.T) {
		// Who each unit's branch_secretary account belongs to.
		accounts := map[int64]int64{}
		rows := query(`SELECT b.unit_id, us.person_id FROM role_bindings b JOIN users us ON us.id = b.user_id WHERE b.role = ? AND us.person_id IS NOT NULL`,
			string(authz.BranchSecretary))
		for rows.Next() {
			var unit, person int64
			if err := rows.Scan(&unit, &person); err != nil {
				t.Fatal(err)
			}
			accounts[unit] = person
		}
		rows.Close()
		type item struct {
			id, unit int64
			day      string
		}
		var items []item
		rows = query(`SELECT x.id, x.unit_id, ci.published_at FROM circular_items x JOIN circulars ci ON ci.id = x.circular_id WHERE ci.status = ?`,
			string(campaigns.Published))
		for rows.Next() {
			var x item
			var at time.Time
			if err := rows.Scan(&x.id, &x.unit, &at); err != nil {
				t.Fatal(err)
			}
			x.day = points.Day(at)
			items = append(items, x)
		}
		rows.Close()
		scored := map[int64][]int64{}
		rows = query(`SELECT source_id, target_id FROM points_entries WHERE source_kind = ? AND target_kind = ?`, "circular_item", string(points.BranchSecretary))
		for rows.Next() {
			var src, target int64
			if err := rows.Scan(&src, &target); err != nil {
				t.Fatal(err)
			}
			scored[src] = append(scored[src], target)
		}
		rows.Close()
		var with, without int
		for _, x := range items {
			want := accounts[x.unit]
			if want == 0 {
				fs, _, err := db.Assignments(ctx, sys, storage.AssignmentFilter{UnitID: x.unit, Kind: people.FirstSecretary, CurrentOn: x.day, Limit: 10})
				if err != nil {
					t.Fatal(err)
				}
				var first *people.Assignment // the earliest in office that day
				for i, a := range fs {
					if a.UnitID == x.unit && (first == nil || a.StartsOn < first.StartsOn || a.StartsOn == first.StartsOn && a.ID < first.ID) {
						first = &fs[i]
					}
				}
				if first != nil {
					want = first.PersonID
				}
			}
			got := scored[x.id]
			switch {
			case want == 0 && len(got) != 0:
				t.Errorf("circular item %d: no secretary on record, yet scored %v", x.id, got)
			case want != 0 && (len(got) != 1 || got[0] != want):
				t.Errorf("circular item %d: scored %v, want the secretary %d", x.id, got, want)
			}
			if want != 0 {
				with++
			} else {
				without++
			}
		}
		t.Logf("%d circular entries: %d scored a secretary, %d had none on record", len(items), with, without)
		if with == 0 || len(items) == 0 {
			t.Errorf("%d circular entries, %d scoring a secretary", len(items), with)
		}
	})

	t.Run("teams score once per approved activity", func(t *testing.T) {
		type activity struct {
			team  int64
			key   string
			hours int64
		}
		acts := map[int64]activity{}
		rows := query(`SELECT x.id, x.team_id, x.service_date, SUM(h.centihours) FROM service_activities x JOIN service_hours h ON h.activity_id = x.id
			WHERE h.kind = ? GROUP BY x.id, x.team_id, x.service_date`, "approval")
		for rows.Next() {
			var id int64
			var a activity
			var day string
			if err := rows.Scan(&id, &a.team, &day, &a.hours); err != nil {
				t.Fatal(err)
			}
			sp, err := points.SpanOf(points.Quarter, day)
			if err != nil {
				t.Fatal(err)
			}
			a.key = sp.Key
			acts[id] = a
		}
		rows.Close()
		type tq struct {
			team int64
			key  string
		}
		type entry struct {
			kind         string
			target, pts  int64
			key          string
			cap          int64
			source, rule int64
		}
		byActivity := map[int64]entry{}
		totals := map[tq]int64{}
		caps := map[tq]int64{}
		rows = query(`SELECT e.source_kind, e.source_id, e.target_id, e.points, e.period_key, r.cap FROM points_entries e JOIN points_rules r ON r.id = e.rule_id
			WHERE e.target_kind = ? AND r.source = ?`, string(points.ServiceTeam), string(points.VolunteerHours))
		for rows.Next() {
			var e entry
			if err := rows.Scan(&e.kind, &e.source, &e.target, &e.pts, &e.key, &e.cap); err != nil {
				t.Fatal(err)
			}
			if e.kind != "service_activity" {
				t.Errorf("team entry from %s %d: the demo's hours have no corrections, so every team entry names an activity", e.kind, e.source)
				continue
			}
			if _, dup := byActivity[e.source]; dup {
				t.Errorf("activity %d scored twice", e.source)
			}
			byActivity[e.source] = e
			totals[tq{e.target, e.key}] += e.pts
			caps[tq{e.target, e.key}] = e.cap
		}
		rows.Close()
		full, cut := 0, 0
		for id, a := range acts {
			e, ok := byActivity[id]
			if ok && (e.target != a.team || e.key != a.key) {
				t.Errorf("activity %d of team %d in %s: entry for team %d in %s", id, a.team, a.key, e.target, e.key)
			}
			want := a.hours / 2 // half a point (50 centipoints) per hour
			switch {
			case ok && e.pts == want:
				full++
			case want > 0 && (!ok || e.pts < want) && caps[tq{a.team, a.key}] > 0 && totals[tq{a.team, a.key}] == caps[tq{a.team, a.key}]:
				cut++ // the team's cap for the quarter is spent
			case want > 0:
				t.Errorf("activity %d: %d centihours, entry %+v (present %v), team total %d", id, a.hours, e, ok, totals[tq{a.team, a.key}])
			}
		}
		for id := range byActivity {
			if _, ok := acts[id]; !ok {
				t.Errorf("entry for activity %d, which has no approved hours", id)
			}
		}
		t.Logf("%d approved activities: %d scored in full, %d cut by the cap", len(acts), full, cut)
		if full == 0 {
			t.Error("no activity scored its team")
		}
	})
}
