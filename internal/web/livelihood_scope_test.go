package web

import (
	"bytes"
	"context"
	"image/png"
	"testing"

	"wuxing/internal/livelihood"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/photo"
	"wuxing/internal/storage"
)

// livScopeSides adds this area's records to the scope walk: for each community, the ids of its
// objects by kind (zq.ids["kind"] = …), its markers, and the kinds' path parameters in paramKinds.
// Each community gets a project with a leader of its own (whose name and post the public list
// shows by design, so they are public markers, as is the title), a report with a photo and a
// correction.
func livScopeSides(t *testing.T, f *fixture, zq, kx *scopeSide) {
	t.Helper()
	for _, side := range []struct {
		s    *scopeSide
		unit *org.Unit
		name string
	}{{zq, f.zq, "站前"}, {kx, f.kx, "开西"}} {
		p, leader, rep, ph := livSeed(t, f, side.unit, side.name+"楼道照明改造", side.name+"包片干部", side.name+"进度说明甲")
		side.s.ids["livelihood"] = []int64{p.ID}
		side.s.ids["livelihood_report"] = []int64{rep}
		side.s.ids["livelihood_photo"] = []int64{ph}
		side.s.markers = append(side.s.markers, p.Title, leader, side.name+"进度说明甲")
		side.s.public = append(side.s.public, p.Title, leader)
	}
}

// livSeed makes a project of unit with a leader (a new cadre of the unit), one report with a
// photo and a note: it returns the project, the leader's name, the report and the photo.
func livSeed(t *testing.T, f *fixture, u *org.Unit, title, leaderName, note string) (*livelihood.Project, string, int64, int64) {
	t.Helper()
	ctx, sys := context.Background(), storage.System
	leader := &people.Person{UnitID: u.ID, Name: leaderName, Gender: "F", Phone: "", Categories: []people.Category{people.Cadre}}
	if err := f.db.CreatePerson(ctx, sys, leader); err != nil {
		t.Fatalf("leader: %v", err)
	}
	p := &livelihood.Project{UnitID: u.ID, Title: title, Category: livelihood.Housing, Measure: "栋", Target: livelihood.Units(10),
		Year: f.clock.Now().In(cst).Year()}
	if err := f.db.CreateLivelihoodProject(ctx, sys, p); err != nil {
		t.Fatalf("project: %v", err)
	}
	if err := f.db.ClaimLivelihoodProject(ctx, sys, p.ID, leader.ID, "包片干部", p.Version); err != nil {
		t.Fatalf("claim: %v", err)
	}
	var b bytes.Buffer
	png.Encode(&b, phImage(40, 30))
	ph, err := photo.Process("liv.png", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	r := &livelihood.Report{Day: livelihood.Today(f.clock.Now()), Quantity: livelihood.Units(3), Note: note}
	if err := f.db.ReportLivelihoodProgress(ctx, sys, p.ID, p.Version+1, r, []*photo.Photo{ph}); err != nil {
		t.Fatalf("report: %v", err)
	}
	return p, leaderName, r.ID, r.Photos[0].ID
}
