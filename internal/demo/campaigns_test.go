package demo

import (
	"context"
	"fmt"
	"testing"
	"time"

	"wuxing/internal/campaigns"
	"wuxing/internal/cases"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// TestSeedCampaign replays 寺庄乡's campaign on a minimal tree (the town, five villages, a cadre
// each) and reads its figures as the campaign page computes them: 216 found, 216 rectified, 6
// late, 6 circulars, each naming one late problem; the area without a late problem commended.
func TestSeedCampaign(t *testing.T) {
	t.Parallel() // its own database, written alongside the shared demo's load
	ctx := context.Background()
	db, _ := storagetest.Open(t)
	sys := storage.System
	unit := func(parent *org.Unit, kind org.Kind, code, name string) *org.Unit {
		u := &org.Unit{Kind: kind, Code: code, Name: name}
		if parent != nil {
			u.ParentID = parent.ID
		}
		if err := db.CreateUnit(ctx, sys, u); err != nil {
			t.Fatalf("unit %s: %v", name, err)
		}
		return u
	}
	cadre := func(u *org.Unit, name string) {
		p := &people.Person{UnitID: u.ID, Name: name, Gender: "M", BirthDate: "1972-03-01", PartyMember: true, JoinedPartyOn: "1998-07-01",
			Categories: []people.Category{people.Cadre}}
		if err := db.CreatePerson(ctx, sys, p); err != nil {
			t.Fatalf("person %s: %v", name, err)
		}
	}
	city := unit(nil, org.City, "410900000000", "濮阳市")
	county := unit(city, org.County, "410923000000", "南乐县")
	town := unit(county, org.Town, "410923201000", "寺庄乡")
	cadre(town, "赵督导")
	for i, name := range []string{"寺庄村", "古念村", "王庄村", "后李寨村", "柳园村"} {
		v := unit(town, org.Village, fmt.Sprintf("410923201%03d", 201+i), name)
		cadre(v, name[:3]+"书记")
	}

	start := time.Now()
	if err := loadCampaigns(ctx, db); err != nil {
		t.Fatalf("load: %v", err)
	}
	took := time.Since(start)
	t.Logf("the seed campaign loaded on %s in %s", db.Dialect(), took.Round(time.Millisecond))
	if took > 10*time.Second {
		t.Errorf("loading took %s", took)
	}
	// Loading again changes nothing.
	if err := loadCampaigns(ctx, db); err != nil {
		t.Fatalf("second load: %v", err)
	}
	list, total, err := db.Campaigns(ctx, sys, storage.CampaignFilter{TownID: town.ID})
	if err != nil || total != 1 {
		t.Fatalf("campaigns: %d %v", total, err)
	}
	c, _, err := db.Campaign(ctx, sys, list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != seedCampaignName || len(c.Areas) != 4 || c.StartsOn != "2026-01-19" || c.EndsOn != "2026-02-01" {
		t.Errorf("campaign %+v", c)
	}
	if want := (campaigns.Counts{Found: 216, Rectified: 216, Late: 6, Circulars: 6}); c.Counts != want {
		t.Errorf("counts %+v, want %+v", c.Counts, want)
	}
	circulars, err := db.Circulars(ctx, sys, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	named := map[int64]bool{}
	seqs := map[int]bool{}
	commended := 0
	for _, x := range circulars {
		ci, _, err := db.Circular(ctx, sys, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ci.Status != campaigns.Published || ci.Year != 2026 {
			t.Errorf("circular %d: %s %d", ci.ID, ci.Status, ci.Year)
		}
		switch ci.Kind {
		case campaigns.Criticism:
			seqs[ci.Seq] = true
			if len(ci.Items) != 1 {
				t.Errorf("circular %d names %d problems", ci.ID, len(ci.Items))
			}
			for _, it := range ci.Items {
				named[it.ProblemID] = true
			}
		case campaigns.Commendation:
			commended++
			if len(ci.Items) != 1 || ci.Items[0].UnitName != "王庄村" || ci.Items[0].Found != seedAreaShares[2] {
				t.Errorf("commendation %+v", ci.Items)
			}
		}
	}
	if len(seqs) != 6 || !seqs[1] || !seqs[6] || commended != 1 {
		t.Errorf("circular numbers %v, commendations %d", seqs, commended)
	}
	late, _, err := db.CampaignProblems(ctx, sys, c.ID, storage.ProblemFilter{Late: true})
	if err != nil || len(late) != 6 {
		t.Fatalf("late problems: %d %v", len(late), err)
	}
	for _, p := range late {
		if !named[p.ID] || !p.Rectified || p.LateOn != campaigns.AddDays(p.FoundOn, 1) {
			t.Errorf("late problem %+v (named %v)", p, named[p.ID])
		}
	}
	// Each problem is a case that went the whole way, with its inspection on record.
	ps, _, err := db.CampaignProblems(ctx, sys, c.ID, storage.ProblemFilter{})
	if err != nil || len(ps) != 216 {
		t.Fatalf("problems: %d %v", len(ps), err)
	}
	for _, p := range ps {
		if p.Status != cases.Checked || !p.Rectified {
			t.Fatalf("problem %d: case %s, rectified %v", p.ID, p.Status, p.Rectified)
		}
	}
	k, _, err := db.Case(ctx, sys, ps[0].CaseID)
	if err != nil || k.List != cases.Rectification || k.Channel != cases.Inspection || k.CampaignID != c.ID {
		t.Errorf("case %+v %v", k, err)
	}
	ins, err := db.CampaignInspections(ctx, sys, c.ID)
	if err != nil || len(ins) != 4*seedCampaignDays {
		t.Errorf("inspections: %d %v", len(ins), err)
	}
}

func TestSeedPerDay(t *testing.T) {
	for _, total := range seedAreaShares {
		days := seedPerDay(total, seedCampaignDays-1)
		sum := 0
		for i, n := range days {
			sum += n
			if n < 1 || (i > 0 && n > days[i-1]+1) {
				t.Errorf("%d: day %d has %d: %v", total, i, n, days)
			}
		}
		if sum != total {
			t.Errorf("%v adds up to %d, want %d", days, sum, total)
		}
	}
}
