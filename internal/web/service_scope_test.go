package web

import (
	"context"
	"testing"

	"wuxing/internal/authz"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/photo"
	"wuxing/internal/service"
	"wuxing/internal/storage"
)

// svcScopeSides adds this area's records to the scope walk: for each community, the ids of its
// objects by kind (zq.ids["kind"] = …), its markers, and the kinds' path parameters in paramKinds.
func svcScopeSides(t *testing.T, f *fixture, zq, kx *scopeSide) {
	t.Helper()
	svcScopeSide(t, f, zq, f.zq, f.zqCadre, f.zqHead, "zhanqian")
	svcScopeSide(t, f, kx, f.kx, f.kxCadre, f.kxHead, "kaixi")
}

// svcScopeSide gives one community a team led by its cadre, an approved activity with the head of
// household's hours and a pending correction of them, a planned activity with a participant
// (its code in words["checkin_token"]), and a certificate.
func svcScopeSide(t *testing.T, f *fixture, side *scopeSide, u *org.Unit, cadre, head *people.Person, username string) {
	t.Helper()
	ctx := context.Background()
	day := service.Today(f.clock.Now())
	tm := svcTeam(t, f, u, u.Name+"党员先锋服务队", cadre, head)
	done := svcActivity(t, f, tm, u.Name+"楼道清扫", day)
	svcApproved(t, f, done, map[int64]int{head.ID: 200, cadre.ID: 150})
	// The head asks for a correction (as themself: an actor whose person is the head).
	self := storage.Actor{P: &authz.Principal{UserID: f.users[username], Username: username, PersonID: head.ID}}
	c, err := f.db.RequestCorrection(ctx, self, done.ID, 250, "签到晚了")
	if err != nil {
		t.Fatalf("correction: %v", err)
	}
	planned := svcActivity(t, f, tm, u.Name+"政策宣传", day)
	if err := f.db.RecordParticipants(ctx, storage.System, planned.ID, []storage.ParticipantHours{{PersonID: head.ID, Centihours: 100}}); err != nil {
		t.Fatal(err)
	}
	ps, err := f.db.ActivityParticipants(ctx, storage.System, planned.ID)
	if err != nil || len(ps) != 1 {
		t.Fatalf("participants: %v", err)
	}
	cert := &service.Certificate{PersonID: head.ID, PeriodFrom: day[:4] + "-01-01", PeriodTo: day, Content: "楼道清扫", Issuer: u.Name + "党支部"}
	if err := f.db.IssueCertificate(ctx, storage.System, cert); err != nil {
		t.Fatalf("certificate: %v", err)
	}
	proj := &service.Project{TeamID: tm.ID, Name: u.Name + "关爱独居老人", Beneficiary: "独居老人"}
	if err := f.db.CreateServiceProject(ctx, storage.System, proj); err != nil {
		t.Fatalf("project: %v", err)
	}
	ph, err := photo.Process("a.jpg", phJPEG(t, 80, 60))
	if err != nil {
		t.Fatal(err)
	}
	stored, err := f.db.AddActivityPhotos(ctx, storage.System, done.ID, []*photo.Photo{ph})
	if err != nil {
		t.Fatalf("photo: %v", err)
	}
	side.ids["service_project"] = []int64{proj.ID}
	side.ids["service_photo"] = []int64{stored[0].ID}
	side.ids["service_team"] = []int64{tm.ID}
	side.ids["service_activity"] = []int64{planned.ID, done.ID}
	side.ids["service_participant"] = []int64{ps[0].ID}
	side.ids["service_correction"] = []int64{c.ID}
	side.ids["service_certificate"] = []int64{cert.ID}
	side.words["checkin_token"] = []string{planned.Token}
	side.markers = append(side.markers, tm.Name, done.Title, planned.Title, cert.Number, proj.Name)
}
