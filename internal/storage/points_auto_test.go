package storage_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/campaigns"
	"wuxing/internal/cases"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/points"
	"wuxing/internal/service"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// pointsWorld is the case world with 站前社区's branch secretary (a person with an account), a
// resident of 站前社区 who is not a party member, the town's three default catalogues and a
// service team of 站前社区.
type pointsWorld struct {
	caseWorld
	secPerson *people.Person
	resident  *people.Person
	team      *service.Team
	cats      map[points.TargetKind]*points.Catalogue
}

func buildPointsWorld(t *testing.T, db *storage.DB) *pointsWorld {
	t.Helper()
	ctx := context.Background()
	w := &pointsWorld{caseWorld: buildCaseWorld(t, db), cats: map[points.TargetKind]*points.Catalogue{}}
	w.secPerson = &people.Person{UnitID: w.a.ID, Name: "站前书记", Gender: "M", PartyMember: true}
	w.resident = &people.Person{UnitID: w.gridA.ID, Name: "居民乙", Gender: "F"}
	for _, p := range []*people.Person{w.secPerson, w.resident} {
		if err := db.CreatePerson(ctx, storage.System, p); err != nil {
			t.Fatal(err)
		}
	}
	u, err := db.CreateUser(ctx, storage.System, storage.NewUser{Username: "zqsec", Password: "Wuxing@2026", PersonID: w.secPerson.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.BindRole(ctx, storage.System, u.ID, authz.BranchSecretary, w.a.ID); err != nil {
		t.Fatal(err)
	}
	for _, k := range points.TargetKinds {
		c, err := db.CreatePointsCatalogue(ctx, storage.System, w.town.ID, k, "建设办积分细则")
		if err != nil {
			t.Fatal(err)
		}
		w.cats[k] = c
	}
	w.team = &service.Team{UnitID: w.a.ID, Kind: service.VanguardTeam, Name: "站前先锋队", LeaderPersonID: w.member.ID}
	if err := db.CreateServiceTeam(ctx, storage.System, w.team); err != nil {
		t.Fatal(err)
	}
	return w
}

// rule is the catalogue's rule with code, as stored now.
func (w *pointsWorld) rule(t *testing.T, db *storage.DB, k points.TargetKind, code string) *points.Rule {
	t.Helper()
	c, err := db.PointsCatalogue(context.Background(), storage.System, w.cats[k].ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.Rules {
		if c.Rules[i].Code == code {
			return &c.Rules[i]
		}
	}
	t.Fatalf("no rule %s", code)
	return nil
}

// resolvedAndRated is a case of 站前社区 claimed, resolved and rated satisfied by the member.
func (w *pointsWorld) resolvedAndRated(t *testing.T, db *storage.DB) *cases.Case {
	t.Helper()
	ctx := context.Background()
	c := newLightCase(w.caseWorld)
	if _, err := db.CreateCase(ctx, w.sec, c, storage.NewCase{}); err != nil {
		t.Fatal(err)
	}
	step := func(a storage.Actor, act cases.Action, in cases.Input) {
		t.Helper()
		got, err := db.Act(ctx, a, c.ID, act, in, c.Version)
		if err != nil {
			t.Fatalf("%s: %v", act, err)
		}
		c = got
	}
	step(w.sec, cases.Accept, cases.Input{})
	step(w.memberActor, cases.Claim, cases.Input{})
	step(w.memberActor, cases.Start, cases.Input{})
	step(w.memberActor, cases.Resolve, cases.Input{Result: "更换灯泡", Method: cases.VolunteerLabour})
	step(w.sec, cases.CheckPass, cases.Input{})
	if _, err := db.RatePublic(ctx, c.TrackingCode, cases.Satisfied, "很快", false, "1.2.3.4"); err != nil {
		t.Fatalf("rate: %v", err)
	}
	return c
}

// claimedOpen is a case of 站前社区 the member claimed and started, left open.
func (w *pointsWorld) claimedOpen(t *testing.T, db *storage.DB) *cases.Case {
	t.Helper()
	ctx := context.Background()
	c := newLightCase(w.caseWorld)
	c.Title = "楼道堆物"
	if _, err := db.CreateCase(ctx, w.sec, c, storage.NewCase{}); err != nil {
		t.Fatal(err)
	}
	var err error
	for _, st := range []struct {
		a   storage.Actor
		act cases.Action
	}{{w.sec, cases.Accept}, {w.memberActor, cases.Claim}, {w.memberActor, cases.Start}} {
		if c, err = db.Act(ctx, st.a, c.ID, st.act, cases.Input{}, c.Version); err != nil {
			t.Fatalf("%s: %v", st.act, err)
		}
	}
	return c
}

// criticism publishes a circular titled name over the areas, each with a problem found
// yesterday and failed today, and returns its entries' ids by area unit.
func (w *pointsWorld) criticism(t *testing.T, db *storage.DB, clk interface{ Now() time.Time }, name string, areas ...campaigns.Area) map[int64]int64 {
	t.Helper()
	ctx := context.Background()
	today := campaigns.Today(clk.Now())
	c := &campaigns.Campaign{TownID: w.town.ID, Name: name, StartsOn: campaigns.AddDays(today, -3), EndsOn: campaigns.AddDays(today, 10),
		CategoryID: w.category, Areas: areas}
	if err := db.CreateCampaign(ctx, storage.System, c); err != nil {
		t.Fatal(err)
	}
	for _, ar := range c.Areas {
		p, _, err := db.RecordProblem(ctx, storage.System, c.ID, storage.NewProblem{AreaID: ar.ID, Day: campaigns.AddDays(today, -1), Title: "垃圾满溢"})
		if err != nil {
			t.Fatal(err)
		}
		if p, err = db.Recheck(ctx, storage.System, p.ID, storage.RecheckInput{Note: "未整改", Version: p.Version}); err != nil || !p.Late {
			t.Fatalf("recheck: %v", err)
		}
	}
	ci, err := db.DraftCircular(ctx, storage.System, c.ID, storage.NewCircular{Kind: campaigns.Criticism, From: today, To: today, Title: name + "通报"})
	if err != nil {
		t.Fatal(err)
	}
	if ci, err = db.PublishCircular(ctx, storage.System, ci.ID, ci.Version); err != nil {
		t.Fatal(err)
	}
	got, _, err := db.Circular(ctx, storage.System, ci.ID)
	if err != nil || len(got.Items) != len(areas) {
		t.Fatalf("circular items: %v", err)
	}
	out := map[int64]int64{}
	for _, x := range got.Items {
		out[x.UnitID] = x.ID
	}
	return out
}

// hours approves an activity of the team on day with the member's centihours and, when
// resident is not zero, the resident's.
func (w *pointsWorld) hours(t *testing.T, db *storage.DB, day string, centihours, resident int) *service.Activity {
	t.Helper()
	ctx := context.Background()
	x := &service.Activity{TeamID: w.team.ID, Title: "清扫楼道", ServiceDate: day, StartsAt: "09:00", EndsAt: "11:30", Place: "社区广场", Content: "清扫楼道"}
	if err := db.CreateActivity(ctx, storage.System, x); err != nil {
		t.Fatal(err)
	}
	ps := []storage.ParticipantHours{{PersonID: w.member.ID, Centihours: centihours}}
	if resident != 0 {
		ps = append(ps, storage.ParticipantHours{PersonID: w.resident.ID, Centihours: resident})
	}
	if err := db.RecordParticipants(ctx, storage.System, x.ID, ps); err != nil {
		t.Fatal(err)
	}
	cur, _, err := db.ServiceActivity(ctx, storage.System, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cur, err = db.StepActivity(ctx, storage.System, x.ID, service.CloseAction, cur.Version); err != nil {
		t.Fatalf("close: %v", err)
	}
	if cur, err = db.StepActivity(ctx, storage.System, x.ID, service.Approve, cur.Version); err != nil {
		t.Fatalf("approve: %v", err)
	}
	return cur
}

// memberRow is the id of the member's approval row of an activity in the hours ledger.
func (w *pointsWorld) memberRow(t *testing.T, db *storage.DB, activityID int64) int64 {
	t.Helper()
	hs, err := db.HoursEntries(context.Background(), storage.System, activityID)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hs {
		if h.PersonID == w.member.ID && h.Kind == service.EntryApproval {
			return h.ID
		}
	}
	t.Fatalf("activity %d: no approval row for the member in %+v", activityID, hs)
	return 0
}

// correct has the member ask for wanted centihours on an activity and the organizer accept,
// and returns the correction's row in the hours ledger.
func (w *pointsWorld) correct(t *testing.T, db *storage.DB, activityID int64, wanted int) int64 {
	t.Helper()
	ctx := context.Background()
	c, err := db.RequestCorrection(ctx, w.memberActor, activityID, wanted, "签到漏记")
	if err != nil {
		t.Fatalf("request correction: %v", err)
	}
	if c, err = db.DecideCorrection(ctx, storage.System, c.ID, true, "", c.Version); err != nil || c.HoursID == 0 {
		t.Fatalf("accept correction: %v %+v", err, c)
	}
	return c.HoursID
}

// ledger is every entry, as "kind target rule points source:id" lines, sorted.
func ledger(t *testing.T, db *storage.DB) []string {
	t.Helper()
	es, total, err := db.PointsEntries(context.Background(), storage.System, storage.PointsEntryFilter{Limit: 1000})
	if err != nil || total != len(es) {
		t.Fatalf("entries: %v (%d of %d)", err, len(es), total)
	}
	var out []string
	for _, e := range es {
		if e.Status != points.Approved || e.EnteredName != storage.System.P.Username {
			t.Errorf("automatic entry %d: status %s by %s", e.ID, e.Status, e.EnteredName)
		}
		out = append(out, fmt.Sprintf("%s %s %s %s %s:%d", e.TargetKind, e.TargetName, e.RuleCode, points.Format(e.Points), e.SourceKind, e.SourceID))
	}
	sort.Strings(out)
	return out
}

func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	sort.Strings(want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("ledger:\n got %q\nwant %q", got, want)
	}
}

func score(t *testing.T, db *storage.DB) int {
	t.Helper()
	n, err := db.ScorePoints(context.Background(), 500)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAutomaticPoints scores each kind of event once, by the town's default catalogues: the
// member's resolved and rated case, the member's and the secretary's overdue case, the circular
// naming a grid of 站前社区 (scored to 站前社区's branch secretary, not to the area's officer),
// the member's volunteer hours per ledger row and the team's once per activity; then proves
// reruns make nothing, a disabled rule makes nothing, weights apply, caps cut, corrections
// follow the ledger, and a circular finds a branch's secretary by its first secretary or
// scores nobody.
func TestAutomaticPoints(t *testing.T) {
	db, clk := storagetest.Open(t)
	ctx := context.Background()
	clk.Set(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)) // Monday 09:00 in China
	w := buildPointsWorld(t, db)

	done := w.resolvedAndRated(t, db)
	late := w.claimedOpen(t, db)
	clk.Advance(10 * 24 * time.Hour) // 2026-03-12: the open case is past its deadline
	if n, err := db.UrgeOverdue(ctx, 100); err != nil || n != 1 {
		t.Fatalf("urge: %d %v", n, err)
	}
	// The area is 站前社区's first grid, its officer the member: the secretary is 站前社区's.
	item := w.criticism(t, db, clk, "站前环境整治", campaigns.Area{UnitID: w.gridA.ID, OfficerID: w.member.ID})[w.gridA.ID]
	act := w.hours(t, db, "2026-03-11", 250, 150) // 4 hours in all, 2.5 of them the member's

	want := []string{
		fmt.Sprintf("party_member 党员甲 service.case 2 case:%d", done.ID),
		fmt.Sprintf("party_member 党员甲 service.rated 1 case:%d", done.ID),
		fmt.Sprintf("party_member 党员甲 discipline.overdue -2 case:%d", late.ID),
		fmt.Sprintf("branch_secretary 站前书记 work.overdue -1 case:%d", late.ID),
		fmt.Sprintf("branch_secretary 站前书记 work.criticized -5 circular_item:%d", item),
		fmt.Sprintf("party_member 党员甲 service.hours 2.5 service_hours:%d", w.memberRow(t, db, act.ID)),
		fmt.Sprintf("service_team 站前先锋队 activity.hours 2 service_activity:%d", act.ID),
	}
	t.Run("EachSourceOnce", func(t *testing.T) {
		if n := score(t, db); n != len(want) {
			t.Errorf("made %d entries, want %d", n, len(want))
		}
		sameLines(t, ledger(t, db), want)
		es, _, _ := db.PointsEntries(ctx, storage.System, storage.PointsEntryFilter{TargetKind: points.PartyMember, TargetID: w.member.ID, Limit: 100})
		for _, e := range es {
			if e.RuleID == 0 || e.CatalogueID != w.cats[points.PartyMember].ID || e.PeriodKey == "" || e.OccurredOn == "" {
				t.Errorf("entry not traceable: %+v", e)
			}
		}
		ts, _, _ := db.PointsEntries(ctx, storage.System, storage.PointsEntryFilter{TargetKind: points.ServiceTeam, TargetID: w.team.ID, Limit: 100})
		if len(ts) != 1 || ts[0].OccurredOn != "2026-03-11" || ts[0].UnitID != w.a.ID || ts[0].SourceLabel != "2026-03-11 清扫楼道" {
			t.Errorf("team entry: %+v", ts)
		}
	})
	t.Run("SecondRunMakesNone", func(t *testing.T) {
		if n := score(t, db); n != 0 {
			t.Fatalf("rerun made %d", n)
		}
		sameLines(t, ledger(t, db), want)
	})
	t.Run("DisabledRuleMakesNone", func(t *testing.T) {
		r := w.rule(t, db, points.PartyMember, "service.hours")
		r.Enabled = false
		if err := db.SavePointsRule(ctx, storage.System, w.cats[points.PartyMember].ID, r); err != nil {
			t.Fatal(err)
		}
		act := w.hours(t, db, "2026-03-12", 100, 0)
		if n := score(t, db); n != 1 {
			t.Fatalf("made %d, want the team's entry alone", n)
		}
		want = append(want, fmt.Sprintf("service_team 站前先锋队 activity.hours 0.5 service_activity:%d", act.ID))
		sameLines(t, ledger(t, db), want)
		r = w.rule(t, db, points.PartyMember, "service.hours")
		r.Enabled = true
		if err := db.SavePointsRule(ctx, storage.System, w.cats[points.PartyMember].ID, r); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("WeightApplies", func(t *testing.T) {
		r := w.rule(t, db, points.ServiceTeam, "activity.hours")
		r.Weight = 200 // half a point per hour, doubled
		if err := db.SavePointsRule(ctx, storage.System, w.cats[points.ServiceTeam].ID, r); err != nil {
			t.Fatal(err)
		}
		act := w.hours(t, db, "2026-03-13", 300, 0)
		if n := score(t, db); n != 2 {
			t.Fatalf("made %d", n)
		}
		want = append(want, fmt.Sprintf("service_team 站前先锋队 activity.hours 3 service_activity:%d", act.ID),
			fmt.Sprintf("party_member 党员甲 service.hours 3 service_hours:%d", w.memberRow(t, db, act.ID)))
		sameLines(t, ledger(t, db), want)
	})
	var a2 *service.Activity
	t.Run("CapCuts", func(t *testing.T) {
		// The member has 2.5 + 3 points of hours this quarter; a cap of 7 leaves 1.5.
		r := w.rule(t, db, points.PartyMember, "service.hours")
		r.Cap = 700
		if err := db.SavePointsRule(ctx, storage.System, w.cats[points.PartyMember].ID, r); err != nil {
			t.Fatal(err)
		}
		a1 := w.hours(t, db, "2026-03-14", 400, 0)
		a2 = w.hours(t, db, "2026-03-15", 100, 0)
		if n := score(t, db); n != 3 {
			t.Fatalf("made %d, want two team entries and one cut member entry", n)
		}
		want = append(want, fmt.Sprintf("party_member 党员甲 service.hours 1.5 service_hours:%d", w.memberRow(t, db, a1.ID)),
			fmt.Sprintf("service_team 站前先锋队 activity.hours 4 service_activity:%d", a1.ID),
			fmt.Sprintf("service_team 站前先锋队 activity.hours 1 service_activity:%d", a2.ID))
		sameLines(t, ledger(t, db), want)
		total, err := db.PointsTotal(ctx, storage.System, points.PartyMember, w.member.ID, "2026-01-01", "2026-03-31")
		if err != nil || total != 200+100-200+250+300+150 {
			t.Fatalf("member total %s %v", points.Format(total), err)
		}
	})
	t.Run("CorrectionsFollowTheLedger", func(t *testing.T) {
		// The member's 2.5 hours of the 11th were 2 (−0.5 h), the 1 hour of the 15th was 1.5
		// (+0.5 h): each correction row makes one entry for the member (the cut cap has room
		// again after the first) and one for the team (0.5 × 200% a hour), the row as source.
		down := w.correct(t, db, act.ID, 200)
		up := w.correct(t, db, a2.ID, 150)
		if n := score(t, db); n != 4 {
			t.Fatalf("made %d, want four", n)
		}
		want = append(want, fmt.Sprintf("party_member 党员甲 service.hours -0.5 service_hours:%d", down),
			fmt.Sprintf("service_team 站前先锋队 activity.hours -0.5 service_hours:%d", down),
			fmt.Sprintf("party_member 党员甲 service.hours 0.5 service_hours:%d", up),
			fmt.Sprintf("service_team 站前先锋队 activity.hours 0.5 service_hours:%d", up))
		sameLines(t, ledger(t, db), want)
		total, err := db.PointsTotal(ctx, storage.System, points.ServiceTeam, w.team.ID, "2026-01-01", "2026-03-31")
		if err != nil || total != 200+50+300+400+100-50+50 {
			t.Fatalf("team total %s %v", points.Format(total), err)
		}
	})
	t.Run("CircularFindsTheBranchSecretary", func(t *testing.T) {
		// 开西社区 has no secretary's account: its first secretary in office today is scored (not
		// the one whose term ended, nor the area's officer). 康居社区 has no secretary on record:
		// its entry scores nobody.
		kangju := mustUnit(t, db, w.town, org.Community, "410902003003", "康居社区")
		officer := &people.Person{UnitID: kangju.ID, Name: "康居干部", Gender: "M", PartyMember: true}
		firstSec := &people.Person{UnitID: w.town.ID, Name: "驻社区第一书记", Gender: "F", PartyMember: true, Categories: []people.Category{people.Cadre}}
		before := &people.Person{UnitID: w.town.ID, Name: "前任第一书记", Gender: "M", PartyMember: true, Categories: []people.Category{people.Cadre}}
		for _, p := range []*people.Person{officer, firstSec, before} {
			if err := db.CreatePerson(ctx, storage.System, p); err != nil {
				t.Fatal(err)
			}
		}
		for _, a := range []*people.Assignment{
			{Kind: people.FirstSecretary, PersonID: before.ID, UnitID: w.b.ID, StartsOn: "2023-01-01", EndsOn: "2025-12-31"},
			{Kind: people.FirstSecretary, PersonID: firstSec.ID, UnitID: w.b.ID, StartsOn: "2026-01-01"},
		} {
			if err := db.CreateAssignment(ctx, storage.System, a); err != nil {
				t.Fatal(err)
			}
		}
		items := w.criticism(t, db, clk, "开西康居环境整治", campaigns.Area{UnitID: w.b.ID, OfficerID: w.cadreB.ID},
			campaigns.Area{UnitID: kangju.ID, OfficerID: officer.ID})
		if n := score(t, db); n != 1 {
			t.Fatalf("made %d, want one", n)
		}
		want = append(want, fmt.Sprintf("branch_secretary 驻社区第一书记 work.criticized -5 circular_item:%d", items[w.b.ID]))
		sameLines(t, ledger(t, db), want)
	})
}

// TestAutomaticPointsTwoRunsAtOnce runs the job four times at the same moment in small batches:
// every event is scored once, whoever gets there first, and no batch splits an activity.
func TestAutomaticPointsTwoRunsAtOnce(t *testing.T) {
	db, clk := storagetest.Open(t)
	ctx := context.Background()
	clk.Set(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC))
	w := buildPointsWorld(t, db)
	w.resolvedAndRated(t, db)
	var hours int64
	for d := 3; d <= 9; d++ {
		w.hours(t, db, fmt.Sprintf("2026-03-%02d", d), 100+10*d, 50*d)
		hours += int64(100 + 10*d + 50*d)
	}
	var wg sync.WaitGroup
	made := make([]int, 4)
	fails := make([]error, 4)
	for i := range made {
		wg.Add(1)
		go func() {
			defer wg.Done()
			made[i], fails[i] = db.ScorePoints(ctx, 3) // small batches, so the runs interleave
		}()
	}
	wg.Wait()
	sum := 0
	for i := range made {
		if fails[i] != nil {
			t.Fatal(fails[i])
		}
		sum += made[i]
	}
	lines := ledger(t, db)
	if want := 2 + 7*2; len(lines) != want || sum != want {
		t.Fatalf("%d entries (runs report %v), want %d: %q", len(lines), made, want, lines)
	}
	for i := 1; i < len(lines); i++ {
		if lines[i] == lines[i-1] {
			t.Fatalf("scored twice: %s", lines[i])
		}
	}
	total, err := db.PointsTotal(ctx, storage.System, points.ServiceTeam, w.team.ID, "2026-01-01", "2026-03-31")
	if err != nil || total != hours/2 {
		t.Fatalf("team total %s, want %s (%v)", points.Format(total), points.Format(hours/2), err)
	}
}

// TestAutomaticPointsSplitActivity scores an activity whose approval rows a run met in two
// batches (as when concurrent approvals interleave their ids): the rows past the first run go
// to the team one by one, so its total is the activity's hours, neither short nor doubled.
func TestAutomaticPointsSplitActivity(t *testing.T) {
	db, clk := storagetest.Open(t)
	ctx := context.Background()
	clk.Set(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC))
	w := buildPointsWorld(t, db)
	act := w.hours(t, db, "2026-03-03", 200, 0)
	if n := score(t, db); n != 2 {
		t.Fatalf("made %d", n)
	}
	// A late-committed approval row of the same activity, for the resident, after the run.
	hs, err := db.HoursEntries(ctx, storage.System, act.ID)
	if err != nil || len(hs) != 1 {
		t.Fatalf("hours: %v %d", err, len(hs))
	}
	h := hs[0]
	var part int64
	if err := db.Raw().QueryRowContext(ctx, db.Dialect().Rebind(`INSERT INTO service_participants (activity_id, person_id, source, centihours, version, created_at, updated_at)
		SELECT activity_id, ?, source, 300, 1, created_at, updated_at FROM service_participants WHERE id = (SELECT participant_id FROM service_hours WHERE id = ?) RETURNING id`),
		w.resident.ID, h.ID).Scan(&part); err != nil {
		t.Fatal(err)
	}
	var late int64
	if err := db.Raw().QueryRowContext(ctx, db.Dialect().Rebind(`INSERT INTO service_hours (person_id, team_id, activity_id, participant_id, unit_id, unit_path,
		service_date, year, quarter, centihours, kind, approved_by, approver_name, approved_at)
		SELECT ?, team_id, activity_id, ?, unit_id, unit_path, service_date, year, quarter, 300, kind, approved_by, approver_name, approved_at
		FROM service_hours WHERE id = ? RETURNING id`), w.resident.ID, part, h.ID).Scan(&late); err != nil {
		t.Fatal(err)
	}
	if n := score(t, db); n != 1 {
		t.Fatalf("made %d, want the team's entry for the late row", n)
	}
	sameLines(t, ledger(t, db), []string{
		fmt.Sprintf("party_member 党员甲 service.hours 2 service_hours:%d", h.ID),
		fmt.Sprintf("service_team 站前先锋队 activity.hours 1 service_activity:%d", act.ID),
		fmt.Sprintf("service_team 站前先锋队 activity.hours 1.5 service_hours:%d", late),
	})
}
