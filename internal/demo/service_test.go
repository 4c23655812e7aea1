package demo

import (
	"context"
	"strconv"
	"testing"
	"time"

	"wuxing/internal/org"
	"wuxing/internal/quota"
	"wuxing/internal/storage"
)

// TestServiceFigures loads the demo and checks that the seed's volunteer figures come out of the
// records: 建设办's 34 teams, 1653 volunteers and 54 projects, 鲁河镇's 57 party vanguard teams,
// office members' hours spread around the 80-hour pace, a few teams under 10 days in the last
// full quarter, and every hour total a sum of the ledger.
func TestServiceFigures(t *testing.T) {
	t.Parallel() // the loads run alongside each other; the demo is loaded once and shared
	db := loadDemo(t)
	ctx := context.Background()
	units := allUnits(t, db)
	town := func(name string) org.Unit {
		for _, u := range units {
			if u.Kind == org.Town && u.Name == name {
				return u
			}
		}
		t.Fatalf("no town %s", name)
		return org.Unit{}
	}
	jianshe, luhe := town("建设办"), town("鲁河镇")
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.Raw().QueryRowContext(ctx, db.Dialect().Rebind(q), args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	under := func(path string) []any { return []any{path, path[:len(path)-1] + "0"} } // "/…/" < x < "/…0": the subtree
	if n := count("SELECT COUNT(*) FROM service_teams WHERE unit_path >= ? AND unit_path < ?", under(jianshe.Path)...); n != jiansheTeams {
		t.Errorf("建设办 has %d teams, the seed says %d", n, jiansheTeams)
	}
	if n := count("SELECT COUNT(*) FROM volunteers WHERE unit_path >= ? AND unit_path < ?", under(jianshe.Path)...); n != jiansheVolunteers {
		t.Errorf("建设办 has %d volunteers, the seed says %d", n, jiansheVolunteers)
	}
	// Every 建设办 volunteer serves in one of its teams.
	if n := count(`SELECT COUNT(DISTINCT m.person_id) FROM service_team_members m JOIN service_teams st ON st.id = m.team_id
		WHERE st.unit_path >= ? AND st.unit_path < ?`, under(jianshe.Path)...); n != jiansheVolunteers {
		t.Errorf("建设办's teams have %d members, want %d", n, jiansheVolunteers)
	}
	if n := count("SELECT COUNT(*) FROM service_projects WHERE unit_path >= ? AND unit_path < ?", under(jianshe.Path)...); n != jiansheProjects {
		t.Errorf("建设办 has %d projects, the seed says %d", n, jiansheProjects)
	}
	if n := count("SELECT COUNT(*) FROM service_teams WHERE kind = ? AND unit_path >= ? AND unit_path < ?", append([]any{"vanguard"}, under(luhe.Path)...)...); n != luheTeams {
		t.Errorf("鲁河镇 has %d vanguard teams, the seed says %d", n, luheTeams)
	}
	// One team in every village of 鲁河镇.
	if n := count(`SELECT COUNT(*) FROM units u WHERE u.kind = ? AND u.parent_id = ? AND NOT EXISTS (SELECT 1 FROM service_teams st WHERE st.unit_id = u.id)`,
		string(org.Village), luhe.ID); n != 0 {
		t.Errorf("%d villages of 鲁河镇 have no team", n)
	}
	// The ledger is the participants' hours, row for row.
	if a, b := count("SELECT COALESCE(SUM(centihours), 0) FROM service_hours"),
		count("SELECT COALESCE(SUM(sp.centihours), 0) FROM service_participants sp JOIN service_activities a ON a.id = sp.activity_id WHERE a.status = ?", "approved"); a != b || a == 0 {
		t.Errorf("ledger %d centihours, participants %d", a, b)
	}
	if n := count("SELECT COUNT(*) FROM service_activities a WHERE a.status = ? AND NOT EXISTS (SELECT 1 FROM service_hours h WHERE h.activity_id = a.id)", "approved"); n != 0 {
		t.Errorf("%d approved activities without hours", n)
	}

	// Office members: most on pace, some behind, from the ledger.
	today := quota.Today(db.Clock().Now())
	c, err := db.ServiceCompliance(ctx, storage.System, storage.ComplianceFilter{Quarter: quota.QuarterOf(today), TownID: luhe.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Members) < 15 {
		t.Fatalf("鲁河镇 has %d office party members", len(c.Members))
	}
	behind, withHours := 0, 0
	for _, m := range c.Members {
		if m.Pace.Status == quota.Behind {
			behind++
		}
		if m.Pace.Served > 0 {
			withHours++
		}
	}
	t.Logf("鲁河镇 %s: %d office members, %d behind; %d teams under quota so far", c.Quarter, len(c.Members), behind, c.TeamsUnder)
	if behind == 0 || behind*2 > len(c.Members) {
		t.Errorf("%d of %d office members behind: want some, not most", behind, len(c.Members))
	}
	if withHours < len(c.Members)*9/10 {
		t.Errorf("only %d of %d office members have hours", withHours, len(c.Members))
	}
	if len(c.Teams) != luheTeams {
		t.Errorf("compliance sees %d teams of 鲁河镇", len(c.Teams))
	}
	// The last full quarter: a few teams under 10 days, most above.
	prev, err := db.ServiceCompliance(ctx, storage.System, storage.ComplianceFilter{Quarter: quota.QuarterOf(today).Prev(), TownID: luhe.ID})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("鲁河镇 %s: %d of %d teams under quota", prev.Quarter, prev.TeamsUnder, len(prev.Teams))
	if prev.TeamsUnder == 0 || prev.TeamsUnder > 10 {
		t.Errorf("%d teams under quota in %s: want a few", prev.TeamsUnder, prev.Quarter)
	}
	// Planned activities on the coming themed days, for the calendar.
	if n := count("SELECT COUNT(*) FROM service_activities WHERE status = ? AND service_date >= ?", "planned", today.Format(quota.DateLayout)); n == 0 {
		t.Error("no activity planned ahead")
	}
	// The honour roll ranks from the ledger.
	roll, err := db.ServiceHonourRoll(ctx, storage.System, quota.YearOf(today.AddDate(0, 0, -1)), 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(roll.Volunteers) != 5 || len(roll.Teams) != 5 || roll.Volunteers[0].Centihours < roll.Volunteers[4].Centihours {
		t.Errorf("honour roll: %+v", roll)
	}
}

// TestServicePlanDeterministic plans the service history twice for the same day and compares.
func TestServicePlanDeterministic(t *testing.T) {
	plan := func() []string {
		g := svcPlan(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
		var out []string
		for _, st := range g.seed.Teams {
			out = append(out, st.Team.Name)
			for _, a := range st.Activities {
				out = append(out, a.Activity.ServiceDate+a.Activity.Title)
				for _, h := range a.Hours {
					out = append(out, string(rune(h.PersonID))+string(rune(h.Centihours)))
				}
			}
		}
		return out
	}
	a, b := plan(), plan()
	if len(a) != len(b) {
		t.Fatalf("plans differ in length: %d, %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("plans differ at %d: %q %q", i, a[i], b[i])
		}
	}
}

// svcPlan plans the service history for a day without a database, ids given as the writer
// would give them.
func svcPlan(today time.Time) *svcGen {
	w := build()
	for i, u := range w.units { // parents come first
		u.u.ID = int64(i + 1)
		u.u.Path = "/" + strconv.FormatInt(u.u.ID, 10) + "/"
		if u.parent != nil {
			u.u.Path = u.parent.u.Path + strconv.FormatInt(u.u.ID, 10) + "/"
		}
	}
	n := int64(0)
	for _, h := range w.households {
		for _, p := range h.members {
			n++
			p.p.ID = n
		}
	}
	for _, p := range w.loose {
		n++
		p.p.ID = n
	}
	g := newSvcGen(w, today)
	g.jianshe()
	g.luhe()
	g.officeHours()
	g.fill()
	return g
}

// TestServicePaceAcrossTheYear plans the history for days early, mid and late in a year and
// checks the office members' spread each time: some behind, most not.
func TestServicePaceAcrossTheYear(t *testing.T) {
	for _, day := range []string{"2026-02-10", "2026-06-30", "2026-11-29", "2026-12-31"} {
		today, _ := time.Parse(quota.DateLayout, day)
		g := svcPlan(today)
		served := map[int64]int64{}
		for _, st := range g.seed.Teams {
			for _, a := range st.Activities {
				if a.Activity.ServiceDate[:4] == day[:4] {
					for _, h := range a.Hours {
						served[h.PersonID] += int64(h.Centihours)
					}
				}
			}
		}
		behind := 0
		for _, o := range g.office {
			if quota.Defaults(0).Pace(served[o.p.p.ID], today.Year(), today).Status == quota.Behind {
				behind++
			}
		}
		t.Logf("%s: %d of %d office members behind", day, behind, len(g.office))
		if behind < len(g.office)/10 || behind > len(g.office)*4/10 {
			t.Errorf("%s: %d of %d office members behind", day, behind, len(g.office))
		}
	}
}
