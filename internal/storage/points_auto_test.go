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
	"wuxing/internal/people"
	"wuxing/internal/points"
	"wuxing/internal/service"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// pointsWorld is the case world with 站前社区's branch secretary (a person with an account), the
// town's three default catalogues, a service team of 站前社区 and a campaign over it.
type pointsWorld struct {
	caseWorld
	secPerson *people.Person
	team      *service.Team
	cats      map[points.TargetKind]*points.Catalogue
}

func buildPointsWorld(t *testing.T, db *storage.DB) *pointsWorld {
	t.Helper()
	ctx := context.Background()
	w := &pointsWorld{caseWorld: buildCaseWorld(t, db), cats: map[points.TargetKind]*points.Catalogue{}}
	w.secPerson = &people.Person{UnitID: w.a.ID, Name: "站前书记", Gender: "M", PartyMember: true}
	if err := db.CreatePerson(ctx, storage.System, w.secPerson); err != nil {
		t.Fatal(err)
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

// criticism publishes a circular naming 站前社区 (a problem found yesterday, failed today) with
// the secretary as the area's responsible officer.
func (w *pointsWorld) criticism(t *testing.T, db *storage.DB, clk interface{ Now() time.Time }) *campaigns.Circular {
	t.Helper()
	ctx := context.Background()
	today := campaigns.Today(clk.Now())
	c := &campaigns.Campaign{TownID: w.town.ID, Name: "站前环境整治", StartsOn: campaigns.AddDays(today, -3), EndsOn: campaigns.AddDays(today, 10),
		CategoryID: w.category, Areas: []campaigns.Area{{UnitID: w.a.ID, OfficerID: w.secPerson.ID}}}
	if err := db.CreateCampaign(ctx, storage.System, c); err != nil {
		t.Fatal(err)
	}
	p, _, err := db.RecordProblem(ctx, storage.System, c.ID, storage.NewProblem{AreaID: c.Areas[0].ID, Day: campaigns.AddDays(today, -1), Title: "垃圾满溢"})
	if err != nil {
		t.Fatal(err)
	}
	if p, err = db.Recheck(ctx, storage.System, p.ID, storage.RecheckInput{Note: "未整改", Version: p.Version}); err != nil || !p.Late {
		t.Fatalf("recheck: %v", err)
	}
	ci, err := db.DraftCircular(ctx, storage.System, c.ID, storage.NewCircular{Kind: campaigns.Criticism, From: today, To: today, Title: "站前通报"})
	if err != nil {
		t.Fatal(err)
	}
	if ci, err = db.PublishCircular(ctx, storage.System, ci.ID, ci.Version); err != nil {
		t.Fatal(err)
	}
	return ci
}

// hours approves an activity of the team on day with the member's centihours.
func (w *pointsWorld) hours(t *testing.T, db *storage.DB, day string, centihours int) *service.Activity {
	t.Helper()
	ctx := context.Background()
	x := &service.Activity{TeamID: w.team.ID, Title: "清扫楼道", ServiceDate: day, StartsAt: "09:00", EndsAt: "11:30", Place: "社区广场", Content: "清扫楼道"}
	if err := db.CreateActivity(ctx, storage.System, x); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordParticipants(ctx, storage.System, x.ID, []storage.ParticipantHours{{PersonID: w.member.ID, Centihours: centihours}}); err != nil {
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
// naming the secretary, the member's and the team's volunteer hours; then proves reruns make
// nothing, a disabled rule makes nothing, weights apply and caps cut.
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
	ci := w.criticism(t, db, clk)
	items, _, err := db.Circular(ctx, storage.System, ci.ID)
	if err != nil || len(items.Items) != 1 {
		t.Fatalf("circular items: %v", err)
	}
	item := items.Items[0].ID
	act := w.hours(t, db, "2026-03-11", 250)
	hs, err := db.HoursEntries(ctx, storage.System, act.ID)
	if err != nil || len(hs) != 1 {
		t.Fatalf("hours ledger: %v %d", err, len(hs))
	}
	hourID := hs[0].ID

	want := []string{
		fmt.Sprintf("party_member 党员甲 service.case 2 case:%d", done.ID),
		fmt.Sprintf("party_member 党员甲 service.rated 1 case:%d", done.ID),
		fmt.Sprintf("party_member 党员甲 discipline.overdue -2 case:%d", late.ID),
		fmt.Sprintf("branch_secretary 站前书记 work.overdue -1 case:%d", late.ID),
		fmt.Sprintf("branch_secretary 站前书记 work.criticized -5 circular_item:%d", item),
		fmt.Sprintf("party_member 党员甲 service.hours 2.5 service_hours:%d", hourID),
		fmt.Sprintf("service_team 站前先锋队 activity.hours 1.25 service_hours:%d", hourID),
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
		act := w.hours(t, db, "2026-03-12", 100)
		hs, _ := db.HoursEntries(ctx, storage.System, act.ID)
		if n := score(t, db); n != 1 {
			t.Fatalf("made %d, want the team's entry alone", n)
		}
		want = append(want, fmt.Sprintf("service_team 站前先锋队 activity.hours 0.5 service_hours:%d", hs[0].ID))
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
		act := w.hours(t, db, "2026-03-13", 300)
		hs, _ := db.HoursEntries(ctx, storage.System, act.ID)
		if n := score(t, db); n != 2 {
			t.Fatalf("made %d", n)
		}
		want = append(want, fmt.Sprintf("service_team 站前先锋队 activity.hours 3 service_hours:%d", hs[0].ID),
			fmt.Sprintf("party_member 党员甲 service.hours 3 service_hours:%d", hs[0].ID))
		sameLines(t, ledger(t, db), want)
	})
	t.Run("CapCuts", func(t *testing.T) {
		// The member has 2.5 + 3 points of hours this quarter; a cap of 7 leaves 1.5.
		r := w.rule(t, db, points.PartyMember, "service.hours")
		r.Cap = 700
		if err := db.SavePointsRule(ctx, storage.System, w.cats[points.PartyMember].ID, r); err != nil {
			t.Fatal(err)
		}
		a1 := w.hours(t, db, "2026-03-14", 400)
		a2 := w.hours(t, db, "2026-03-15", 100)
		h1, _ := db.HoursEntries(ctx, storage.System, a1.ID)
		h2, _ := db.HoursEntries(ctx, storage.System, a2.ID)
		if n := score(t, db); n != 3 {
			t.Fatalf("made %d, want two team entries and one cut member entry", n)
		}
		want = append(want, fmt.Sprintf("party_member 党员甲 service.hours 1.5 service_hours:%d", h1[0].ID),
			fmt.Sprintf("service_team 站前先锋队 activity.hours 4 service_hours:%d", h1[0].ID),
			fmt.Sprintf("service_team 站前先锋队 activity.hours 1 service_hours:%d", h2[0].ID))
		sameLines(t, ledger(t, db), want)
		total, err := db.PointsTotal(ctx, storage.System, points.PartyMember, w.member.ID, "2026-01-01", "2026-03-31")
		if err != nil || total != 200+100-200+250+300+150 {
			t.Fatalf("member total %s %v", points.Format(total), err)
		}
	})
}

// TestAutomaticPointsTwoRunsAtOnce runs the job twice at the same moment: every event is
// scored once, whoever gets there first.
func TestAutomaticPointsTwoRunsAtOnce(t *testing.T) {
	db, clk := storagetest.Open(t)
	ctx := context.Background()
	clk.Set(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC))
	w := buildPointsWorld(t, db)
	w.resolvedAndRated(t, db)
	for d := 3; d <= 9; d++ {
		w.hours(t, db, fmt.Sprintf("2026-03-%02d", d), 100+10*d)
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
}
