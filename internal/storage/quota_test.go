package storage_test

import (
	"context"
	"testing"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/quota"
	"wuxing/internal/service"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// TestComplianceIsTheLedgersSum: days and hours come from service_hours every time, so a
// correction written to the ledger moves them; nothing else holds a total.
func TestComplianceIsTheLedgersSum(t *testing.T) {
	db, _ := storagetest.Open(t) // clock: 2026-03-02
	ctx := context.Background()
	tr := buildTree(t, db)
	cadre := &people.Person{UnitID: tr.town.ID, Name: "机关甲", Gender: "M", BirthDate: "1980-01-01", PartyMember: true, JoinedPartyOn: "2001-07-01"}
	resident := &people.Person{UnitID: tr.gridA.ID, Name: "居民乙", Gender: "F", BirthDate: "1985-01-01"}
	for _, p := range []*people.Person{cadre, resident} {
		if err := db.CreatePerson(ctx, storage.System, p); err != nil {
			t.Fatal(err)
		}
	}
	st := &storage.SeedTeam{Team: service.Team{UnitID: tr.a.ID, Kind: service.VolunteerTeam, Name: "站前志愿队"}, Members: []int64{cadre.ID, resident.ID}}
	for _, d := range []string{"2026-01-08", "2026-01-15", "2026-02-05"} {
		st.Activities = append(st.Activities, storage.SeedActivity{Project: -1, Activity: service.Activity{Title: "清扫", ServiceDate: d, Status: service.Approved},
			Hours: []storage.SeedHours{{PersonID: cadre.ID, Centihours: 300}, {PersonID: resident.ID, Centihours: 200}}})
	}
	seed := &storage.ServiceSeed{Teams: []*storage.SeedTeam{st}}
	// Only the platform seeds.
	town := storage.Actor{P: &authz.Principal{UserID: 9, Username: "town", Bindings: []authz.Binding{{Role: authz.TownAdmin, UnitPath: tr.town.Path}}}}
	if err := db.SeedService(ctx, town, seed); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("a town administrator seeded: %v", err)
	}
	bad := &storage.ServiceSeed{Teams: []*storage.SeedTeam{{Team: service.Team{UnitID: tr.a.ID, Kind: service.VolunteerTeam, Name: "坏"},
		Activities: []storage.SeedActivity{{Project: -1, Activity: service.Activity{Title: "x", ServiceDate: "2026-01-08", Status: service.Approved},
			Hours: []storage.SeedHours{{PersonID: cadre.ID, Centihours: 2500}}}}}}}
	if err := db.SeedService(ctx, storage.System, bad); err == nil {
		t.Fatal("25 hours in a day were seeded")
	}
	if err := db.SeedService(ctx, storage.System, seed); err != nil {
		t.Fatal(err)
	}
	q := quota.QuarterOf(quota.Date(2026, 3, 2))
	get := func() (int, int64) {
		t.Helper()
		c, err := db.ServiceCompliance(ctx, storage.System, storage.ComplianceFilter{Quarter: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Teams) != 1 || len(c.Members) != 1 || c.Members[0].Name != "机关甲" {
			t.Fatalf("compliance: %+v", c)
		}
		return c.Teams[0].Standing.Served, c.Members[0].Pace.Served
	}
	if days, hours := get(); days != 3 || hours != 900 {
		t.Fatalf("before the correction: %d days, %d centihours", days, hours)
	}
	// A correction that takes a day's hours back to nothing: the day no longer counts.
	var actID, partCadre, partRes int64
	raw := db.Raw()
	rb := db.Dialect().Rebind
	if err := raw.QueryRowContext(ctx, rb("SELECT id FROM service_activities WHERE service_date = ?"), "2026-02-05").Scan(&actID); err != nil {
		t.Fatal(err)
	}
	raw.QueryRowContext(ctx, rb("SELECT id FROM service_participants WHERE activity_id = ? AND person_id = ?"), actID, cadre.ID).Scan(&partCadre)
	raw.QueryRowContext(ctx, rb("SELECT id FROM service_participants WHERE activity_id = ? AND person_id = ?"), actID, resident.ID).Scan(&partRes)
	for _, c := range []struct{ part, person, centi int64 }{{partCadre, cadre.ID, -300}, {partRes, resident.ID, -200}} {
		if _, err := raw.ExecContext(ctx, rb(`INSERT INTO service_hours (person_id, team_id, activity_id, participant_id, unit_id, unit_path, service_date,
			year, quarter, centihours, kind, approver_name, approved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			c.person, st.Team.ID, actID, c.part, tr.a.ID, tr.a.Path, "2026-02-05", 2026, 1, c.centi, service.EntryCorrection, "t", db.Clock().Now()); err != nil {
			t.Fatal(err)
		}
	}
	if days, hours := get(); days != 2 || hours != 600 {
		t.Errorf("after the correction: %d days, %d centihours", days, hours)
	}
	roll, err := db.ServiceHonourRoll(ctx, storage.System, q, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(roll.Volunteers) != 2 || roll.Volunteers[0].Centihours != 600 || roll.Volunteers[1].Centihours != 400 || roll.Teams[0].Days != 2 {
		t.Errorf("honour roll: %+v %+v", roll.Volunteers, roll.Teams)
	}
}

// TestServiceRulesVersions: defaults until saved, then versions; a stale save is a conflict and
// changes nothing; only the town's configurers save; a community is no town.
func TestServiceRulesVersions(t *testing.T) {
	db, _ := storagetest.Open(t)
	ctx := context.Background()
	tr := buildTree(t, db)
	r, err := db.ServiceRules(ctx, storage.System, tr.town.ID)
	if err != nil || r.Saved() || r.TeamDays != 10 || r.MemberHours != 80 || r.Weekday != quota.DefaultWeekday {
		t.Fatalf("defaults: %+v %v", r, err)
	}
	town := storage.Actor{P: &authz.Principal{UserID: 9, Username: "town", Bindings: []authz.Binding{{Role: authz.TownAdmin, UnitPath: tr.town.Path}}}}
	sec := storage.Actor{P: &authz.Principal{UserID: 10, Username: "sec", Bindings: []authz.Binding{{Role: authz.BranchSecretary, UnitPath: tr.a.Path}}}}
	r.TeamDays = 12
	if err := db.SaveServiceRules(ctx, sec, &r); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("a secretary saved: %v", err)
	}
	if err := db.SaveServiceRules(ctx, town, &r); err != nil || r.Version != 1 {
		t.Fatalf("save: %v %+v", err, r)
	}
	stale := r
	stale.Version = 0
	if err := db.SaveServiceRules(ctx, town, &stale); errs.Code(err) != errs.ECONFLICT {
		t.Errorf("second first save: %v", err)
	}
	r.MemberHours = 100
	if err := db.SaveServiceRules(ctx, town, &r); err != nil || r.Version != 2 {
		t.Fatalf("second save: %v", err)
	}
	old := r
	old.Version = 1
	old.MemberHours = 1
	if err := db.SaveServiceRules(ctx, town, &old); errs.Code(err) != errs.ECONFLICT {
		t.Errorf("stale save: %v", err)
	}
	bad := r
	bad.TeamDays = 0
	if err := db.SaveServiceRules(ctx, town, &bad); errs.Code(err) != errs.EINVALID {
		t.Errorf("bad days: %v", err)
	}
	got, err := db.ServiceRules(ctx, sec, tr.town.ID) // the secretary reads the rules of their town
	if err != nil || got.TeamDays != 12 || got.MemberHours != 100 || got.Version != 2 {
		t.Errorf("after saves: %+v %v", got, err)
	}
	if _, err := db.ServiceRules(ctx, storage.System, tr.a.ID); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("rules of a community: %v", err)
	}
	other := mustUnit(t, db, tr.county, org.Town, "410902010000", "皇甫办")
	if _, err := db.ServiceRules(ctx, sec, other.ID); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("the secretary read another town's rules: %v", err)
	}
	r2 := quota.Defaults(other.ID)
	if err := db.SaveServiceRules(ctx, town, &r2); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("saved another town's rules: %v", err)
	}
}
