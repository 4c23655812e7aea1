package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"wuxing/internal/authz"
	"wuxing/internal/photo"
	"wuxing/internal/service"
	"wuxing/internal/storage"
)

func svcPhotoCount(t *testing.T, f *fixture, activityID int64) int {
	t.Helper()
	ps, err := f.db.ActivityPhotos(context.Background(), storage.System, activityID)
	if err != nil {
		t.Fatal(err)
	}
	return len(ps)
}

func svcAuditCount(t *testing.T, f *fixture) int {
	t.Helper()
	n, err := f.db.AuditCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var svcThumbRE = regexp.MustCompile(`/service/activities/\d+/photos/(\d+)/thumb`)

// TestServiceActivityPhotos: the organizer and a participant attach photos to an activity, shown
// as thumbnails and served re-encoded without their location; bad files, too many files, a
// cancelled activity and an onlooker are refused with nothing stored; another community gets 404.
func TestServiceActivityPhotos(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cmpDay(f, "2026-03-05", 9)
	svcVolunteer(t, f, "zqvol", f.zqHead, f.zq)
	tm := svcTeam(t, f, f.zq, "站前志愿服务队", f.zqCadre, f.zqHead)
	x := svcActivity(t, f, tm, "清扫楼道", "2026-03-05")
	svcApproved(t, f, x, map[int64]int{f.zqHead.ID: 200})
	path := "/service/activities/" + strconv.FormatInt(x.ID, 10)
	org := f.login(t, "zhanqian")

	// The organizer uploads two photos from the page: one audit entry, both shown as thumbnails.
	before := svcAuditCount(t, f)
	st, body := phUpload(t, org, false, path+"/photos", nil,
		phFile{"IMG_0001.jpg", "image/jpeg", phJPEG(t, 800, 600)}, phFile{"b.png", "image/png", phPNG(t, 300, 200)})
	if st != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", st, excerptText(body))
	}
	if n := svcPhotoCount(t, f, x.ID); n != 2 {
		t.Fatalf("%d photos stored, want 2", n)
	}
	if after := svcAuditCount(t, f); after != before+1 {
		t.Errorf("upload wrote %d audit entries, want 1", after-before)
	}
	if es, _ := f.db.Audit(ctx, storage.System, storage.AuditFilter{Action: "photos", Entity: "service_activity"}); len(es) != 1 {
		t.Errorf("audit entries for the photos: %d", len(es))
	}
	_, page := org.get(path)
	ids := svcThumbRE.FindAllStringSubmatch(page, -1)
	if len(ids) != 2 {
		t.Fatalf("the activity page shows %d thumbnails, want 2", len(ids))
	}
	res, img := phGet(t, org, path+"/photos/"+ids[0][1])
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/jpeg" || bytes.Contains(img, []byte("GPS")) {
		t.Errorf("photo: %d %s, location kept: %v", res.StatusCode, res.Header.Get("Content-Type"), bytes.Contains(img, []byte("GPS")))
	}
	if res, _ := phGet(t, org, path+"/photos/"+ids[1][1]+"/thumb"); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("thumbnail: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}

	// A participant adds one through the API, and sees the three in the activity's JSON.
	vol := f.apiLogin(t, "zqvol")
	if st, body := phUpload(t, vol, true, "/api/v1"+path+"/photos", nil, phFile{"c.jpg", "image/jpeg", phJPEG(t, 120, 90)}); st != http.StatusCreated {
		t.Fatalf("participant's upload: %d %s", st, body)
	}
	st, body = vol.api("GET", "/api/v1"+path, nil)
	var got struct {
		Photos []struct {
			ID       int64  `json:"id"`
			ThumbURL string `json:"thumb_url"`
		} `json:"photos"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || st != http.StatusOK || len(got.Photos) != 3 {
		t.Fatalf("API activity photos: %d %s", st, body)
	}
	if res, _ := phGet(t, vol, got.Photos[2].ThumbURL); res.StatusCode != http.StatusOK {
		t.Errorf("API thumbnail: %d", res.StatusCode)
	}

	// Bad uploads: each a clear error, nothing stored, nothing audited.
	many := make([]phFile, photo.MaxPerStep+1)
	for i := range many {
		many[i] = phFile{"m.jpg", "image/jpeg", phJPEG(t, 40, 30)}
	}
	for _, tc := range []struct {
		name  string
		files []phFile
		want  string
	}{
		{"not an image", []phFile{{"ok.jpg", "image/jpeg", phJPEG(t, 80, 60)}, {"notes.png", "image/png", []byte("meeting notes, not a photo")}}, "notes.png"},
		{"too big", []phFile{{"big.jpg", "image/jpeg", append(phJPEG(t, 40, 30), make([]byte, photo.MaxBytes)...)}}, "big.jpg"},
		{"too many", many, "每次最多上传"},
		{"none", nil, "请选择要上传的照片"},
	} {
		before := svcAuditCount(t, f)
		st, body := phUpload(t, org, false, path+"/photos", nil, tc.files...)
		if st/100 != 4 || !strings.Contains(body, tc.want) || !strings.Contains(body, `id="photos-error"`) {
			t.Errorf("%s: %d, want a 4xx naming %q on the page", tc.name, st, tc.want)
		}
		if n := svcPhotoCount(t, f, x.ID); n != 3 {
			t.Errorf("%s: %d photos after a refused upload, want 3", tc.name, n)
		}
		if after := svcAuditCount(t, f); after != before {
			t.Errorf("%s: audit grew by %d", tc.name, after-before)
		}
	}
	if st, body := phUpload(t, vol, true, "/api/v1"+path+"/photos", nil, phFile{"x.jpg", "image/jpeg", []byte("not a jpeg")}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "x.jpg") {
		t.Errorf("API bad file: %d %s", st, body)
	}

	// One who sees the activity but neither organizes it nor took part: forbidden, nothing stored.
	member := f.login(t, "zqmember")
	if st, _ := phUpload(t, member, false, path+"/photos", nil, phFile{"a.jpg", "image/jpeg", phJPEG(t, 80, 60)}); st != http.StatusForbidden {
		t.Errorf("an onlooker's upload: %d, want 403", st)
	}
	if res, _ := phGet(t, member, path+"/photos/"+ids[0][1]+"/thumb"); res.StatusCode != http.StatusOK {
		t.Errorf("an onlooker who sees the activity cannot see its photos: %d", res.StatusCode)
	}

	// A cancelled activity takes no photos.
	y := svcActivity(t, f, tm, "取消的活动", "2026-03-05")
	if _, err := f.db.StepActivity(ctx, storage.System, y.ID, service.Cancel, y.Version); err != nil {
		t.Fatal(err)
	}
	if st, body := phUpload(t, org, false, "/service/activities/"+strconv.FormatInt(y.ID, 10)+"/photos", nil,
		phFile{"a.jpg", "image/jpeg", phJPEG(t, 80, 60)}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "活动已取消") {
		t.Errorf("photos on a cancelled activity: %d", st)
	}
	// A photo named under another activity's path is not found.
	if res, _ := phGet(t, org, "/service/activities/"+strconv.FormatInt(y.ID, 10)+"/photos/"+ids[0][1]); res.StatusCode != http.StatusNotFound {
		t.Errorf("a photo under the wrong activity: %d", res.StatusCode)
	}

	// 开西社区's secretary: 404 on every photo route, pages and API, and nothing stored.
	kx, kxAPI := f.login(t, "kaixi"), f.apiLogin(t, "kaixi")
	for _, p := range []string{path + "/photos/" + ids[0][1], path + "/photos/" + ids[0][1] + "/thumb"} {
		if res, _ := phGet(t, kx, p); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s as kaixi: %d", p, res.StatusCode)
		}
		if res, _ := phGet(t, kxAPI, "/api/v1"+p); res.StatusCode != http.StatusNotFound {
			t.Errorf("API GET %s as kaixi: %d", p, res.StatusCode)
		}
	}
	before = svcAuditCount(t, f)
	if st, _ := phUpload(t, kx, false, path+"/photos", nil, phFile{"a.jpg", "image/jpeg", phJPEG(t, 80, 60)}); st != http.StatusNotFound {
		t.Errorf("kaixi's upload: %d", st)
	}
	if st, _ := phUpload(t, kxAPI, true, "/api/v1"+path+"/photos", nil, phFile{"a.jpg", "image/jpeg", phJPEG(t, 80, 60)}); st != http.StatusNotFound {
		t.Errorf("kaixi's API upload: %d", st)
	}
	if n := svcPhotoCount(t, f, x.ID); n != 3 || svcAuditCount(t, f) != before {
		t.Errorf("refused uploads stored something: %d photos", n)
	}
}

// TestServiceProjectEditRetire: the organizer edits and retires a project, with version checks
// and audit; a retired project takes no new activity, one already under it keeps it.
func TestServiceProjectEditRetire(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cmpDay(f, "2026-03-05", 9)
	tm := svcTeam(t, f, f.zq, "站前志愿服务队", f.zqCadre, f.zqHead)
	p := &service.Project{TeamID: tm.ID, Name: "关爱独居老人", Beneficiary: "独居老人"}
	if err := f.db.CreateServiceProject(ctx, storage.System, p); err != nil {
		t.Fatal(err)
	}
	x := &service.Activity{TeamID: tm.ID, ProjectID: p.ID, Title: "上门探访", ServiceDate: "2026-03-05"}
	if err := f.db.CreateActivity(ctx, storage.System, x); err != nil {
		t.Fatal(err)
	}
	org := f.login(t, "zhanqian")
	pp := "/service/projects/" + strconv.FormatInt(p.ID, 10)
	if _, body := org.get("/service/teams/" + strconv.FormatInt(tm.ID, 10)); !strings.Contains(body, `action="`+pp+`"`) {
		t.Fatal("the team page has no edit form for the project")
	}

	// Edit: saved, audited; a stale version is a conflict; an empty name is refused; nothing changed by either.
	if st, body := org.post(pp, url.Values{"name": {"关爱独居老人（周四）"}, "beneficiary": {"独居老人"}, "description": {"每周四上门"}, "version": {"1"}}); st != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", st, excerptText(body))
	}
	got, err := f.db.ServiceProject(ctx, storage.System, p.ID)
	if err != nil || got.Name != "关爱独居老人（周四）" || got.Description != "每周四上门" || got.Version != 2 {
		t.Fatalf("after edit: %+v %v", got, err)
	}
	if es, _ := f.db.Audit(ctx, storage.System, storage.AuditFilter{Action: "update", Entity: "service_project"}); len(es) != 1 {
		t.Errorf("audit entries of the edit: %d", len(es))
	}
	before := svcAuditCount(t, f)
	if st, _ := org.post(pp, url.Values{"name": {"旧页面"}, "version": {"1"}}); st != http.StatusConflict {
		t.Errorf("stale edit: %d, want 409", st)
	}
	if st, body := org.post(pp, url.Values{"name": {"  "}, "version": {"2"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "has-error") {
		t.Errorf("empty name: %d", st)
	}
	if st, _ := org.post(pp+"/active", url.Values{"active": {"maybe"}, "version": {"2"}}); st != http.StatusUnprocessableEntity {
		t.Errorf("active=maybe: %d", st)
	}
	if got, _ := f.db.ServiceProject(ctx, storage.System, p.ID); got.Name != "关爱独居老人（周四）" || got.Version != 2 || svcAuditCount(t, f) != before {
		t.Errorf("refused edits changed the project: %+v", got)
	}

	// Retire: a stale version is a conflict; then retired and audited.
	if st, _ := org.post(pp+"/active", url.Values{"active": {"false"}, "version": {"1"}}); st != http.StatusConflict {
		t.Errorf("stale retire: %d", st)
	}
	if st, body := org.post(pp+"/active", url.Values{"active": {"false"}, "version": {"2"}}); st != http.StatusSeeOther {
		t.Fatalf("retire: %d %s", st, excerptText(body))
	}
	if got, _ := f.db.ServiceProject(ctx, storage.System, p.ID); got.Active {
		t.Fatal("the project is still active")
	}
	if es, _ := f.db.Audit(ctx, storage.System, storage.AuditFilter{Action: "retire", Entity: "service_project"}); len(es) != 1 {
		t.Errorf("audit entries of the retirement: %d", len(es))
	}
	// The team page no longer offers it for a new activity; a new activity under it is refused.
	_, body := org.get("/service/teams/" + strconv.FormatInt(tm.ID, 10))
	sel := regexp.MustCompile(`(?s)name="project_id">(.*?)</select>`).FindStringSubmatch(body)
	if sel == nil || strings.Contains(sel[1], `value="`+strconv.FormatInt(p.ID, 10)+`"`) || !strings.Contains(body, "已停用") {
		t.Errorf("the team page still offers the retired project, or does not mark it retired")
	}
	before = svcAuditCount(t, f)
	if st, body := org.post("/service/activities", url.Values{"team_id": {strconv.FormatInt(tm.ID, 10)}, "project_id": {strconv.FormatInt(p.ID, 10)},
		"title": {"x"}, "service_date": {"2026-03-12"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "已停用") {
		t.Errorf("an activity under a retired project: %d", st)
	}
	if svcAuditCount(t, f) != before {
		t.Error("the refused activity changed data")
	}
	// The activity already under it keeps it when its plan is saved.
	cur, _, _ := f.db.ServiceActivity(ctx, storage.System, x.ID)
	if st, body := org.post("/service/activities/"+strconv.FormatInt(x.ID, 10), url.Values{"team_id": {strconv.FormatInt(tm.ID, 10)},
		"project_id": {strconv.FormatInt(p.ID, 10)}, "title": {"上门探访（改）"}, "service_date": {"2026-03-05"},
		"version": {strconv.FormatInt(cur.Version, 10)}}); st != http.StatusSeeOther {
		t.Errorf("saving an activity under a now retired project: %d %s", st, excerptText(body))
	}
	// Restore.
	if st, _ := org.post(pp+"/active", url.Values{"active": {"true"}, "version": {"3"}}); st != http.StatusSeeOther {
		t.Errorf("restore: %d", st)
	}
	if got, _ := f.db.ServiceProject(ctx, storage.System, p.ID); !got.Active || got.Version != 4 {
		t.Errorf("after restore: %+v", got)
	}

	// 开西社区's secretary: 404, nothing changed.
	kx := f.login(t, "kaixi")
	before = svcAuditCount(t, f)
	for _, tc := range []struct {
		path string
		v    url.Values
	}{{pp, url.Values{"name": {"x"}, "version": {"4"}}}, {pp + "/active", url.Values{"active": {"false"}, "version": {"4"}}}} {
		if st, _ := kx.post(tc.path, tc.v); st != http.StatusNotFound {
			t.Errorf("kaixi POST %s: %d", tc.path, st)
		}
	}
	if got, _ := f.db.ServiceProject(ctx, storage.System, p.ID); got.Version != 4 || svcAuditCount(t, f) != before {
		t.Errorf("kaixi changed the project: %+v", got)
	}
}

// TestServiceRating: the organizer records the residents' rating once the activity took place
// (also after approval), shown on its page with the satisfaction rate; saving the plan keeps it;
// bad counts, a stale version, a planned activity and another community are refused.
func TestServiceRating(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cmpDay(f, "2026-03-05", 9)
	tm := svcTeam(t, f, f.zq, "站前志愿服务队", f.zqCadre, f.zqHead)
	x := svcActivity(t, f, tm, "清扫楼道", "2026-03-05")
	path := "/service/activities/" + strconv.FormatInt(x.ID, 10)
	org := f.login(t, "zhanqian")
	api := f.apiLogin(t, "zhanqian")

	// Planned: not yet.
	if st, body := org.post(path+"/rating", url.Values{"rating_satisfied": {"1"}, "rating_basic": {"0"}, "rating_dissatisfied": {"0"}, "version": {"1"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "活动开始后") {
		t.Errorf("rating a planned activity: %d", st)
	}
	if _, body := org.get(path); strings.Contains(body, `action="`+path+`/rating"`) {
		t.Error("the rating form is offered on a planned activity")
	}
	cur, err := f.db.StepActivity(ctx, storage.System, x.ID, service.CloseAction, x.Version)
	if err != nil {
		t.Fatal(err)
	}
	v := strconv.FormatInt(cur.Version, 10)
	before := svcAuditCount(t, f)
	for _, tc := range []struct {
		name string
		v    url.Values
		st   int
	}{
		{"negative", url.Values{"rating_satisfied": {"-3"}, "rating_basic": {"0"}, "rating_dissatisfied": {"0"}, "version": {v}}, http.StatusUnprocessableEntity},
		{"missing", url.Values{"rating_satisfied": {"3"}, "rating_dissatisfied": {"0"}, "version": {v}}, http.StatusUnprocessableEntity},
		{"absurd", url.Values{"rating_satisfied": {"9999999"}, "rating_basic": {"0"}, "rating_dissatisfied": {"0"}, "version": {v}}, http.StatusUnprocessableEntity},
		{"stale", url.Values{"rating_satisfied": {"3"}, "rating_basic": {"0"}, "rating_dissatisfied": {"0"}, "version": {"1"}}, http.StatusConflict},
	} {
		if st, _ := org.post(path+"/rating", tc.v); st != tc.st {
			t.Errorf("%s: %d, want %d", tc.name, st, tc.st)
		}
	}
	if got, _, _ := f.db.ServiceActivity(ctx, storage.System, x.ID); got.Ratings.Total() != 0 || got.Version != cur.Version || svcAuditCount(t, f) != before {
		t.Errorf("refused ratings changed the activity: %+v", got.Ratings)
	}
	if st, body := org.post(path+"/rating", url.Values{"rating_satisfied": {"8"}, "rating_basic": {"1"}, "rating_dissatisfied": {"1"}, "version": {v}}); st != http.StatusSeeOther {
		t.Fatalf("rate: %d %s", st, excerptText(body))
	}
	_, body := org.get(path)
	if !strings.Contains(body, "满意 8 人，基本满意 1 人，不满意 1 人") || !strings.Contains(body, "满意率 90.0%") {
		t.Errorf("the page does not show the rating: %s", excerptText(body))
	}
	if es, _ := f.db.Audit(ctx, storage.System, storage.AuditFilter{Action: "rate", Entity: "service_activity"}); len(es) != 1 {
		t.Errorf("audit entries of the rating: %d", len(es))
	}
	// Saving the plan keeps the rating.
	got, _, _ := f.db.ServiceActivity(ctx, storage.System, x.ID)
	if _, err := f.db.UpdateActivity(ctx, storage.System, x.ID, storage.ActivityUpdate{Title: "清扫楼道（改）", ServiceDate: got.ServiceDate, Version: got.Version}); err != nil {
		t.Fatal(err)
	}
	if got, _, _ = f.db.ServiceActivity(ctx, storage.System, x.ID); got.Ratings != (service.Ratings{Satisfied: 8, Basic: 1, Dissatisfied: 1}) {
		t.Errorf("saving the plan changed the rating: %+v", got.Ratings)
	}

	// After approval, through the API: more responses came in.
	if err := f.db.RecordParticipants(ctx, storage.System, x.ID, []storage.ParticipantHours{{PersonID: f.zqHead.ID, Centihours: 100}}); err != nil {
		t.Fatal(err)
	}
	got, _, _ = f.db.ServiceActivity(ctx, storage.System, x.ID)
	if got, err = f.db.StepActivity(ctx, storage.System, x.ID, service.Approve, got.Version); err != nil {
		t.Fatal(err)
	}
	if st, body := api.api("POST", "/api/v1"+path+"/rating", map[string]any{"satisfied": 12, "basic": 2, "dissatisfied": -1, "version": got.Version}); st != http.StatusUnprocessableEntity {
		t.Errorf("API negative count: %d %s", st, body)
	}
	st, body := api.api("POST", "/api/v1"+path+"/rating", map[string]any{"satisfied": 12, "basic": 2, "dissatisfied": 1, "version": got.Version})
	if st != http.StatusOK || !strings.Contains(body, `"ratings":[12,2,1]`) {
		t.Errorf("API rating after approval: %d %s", st, body)
	}

	// 开西社区's secretary: 404 through page and API, nothing changed.
	kx, kxAPI := f.login(t, "kaixi"), f.apiLogin(t, "kaixi")
	got, _, _ = f.db.ServiceActivity(ctx, storage.System, x.ID)
	before = svcAuditCount(t, f)
	if st, _ := kx.post(path+"/rating", url.Values{"rating_satisfied": {"0"}, "rating_basic": {"0"}, "rating_dissatisfied": {"9"}, "version": {strconv.FormatInt(got.Version, 10)}}); st != http.StatusNotFound {
		t.Errorf("kaixi's rating: %d", st)
	}
	if st, _ := kx.post(path+"/rating", url.Values{"version": {"1"}}); st != http.StatusNotFound {
		t.Errorf("kaixi's empty rating: %d", st)
	}
	if st, _ := kxAPI.api("POST", "/api/v1"+path+"/rating", map[string]any{"dissatisfied": 9, "version": got.Version}); st != http.StatusNotFound {
		t.Errorf("kaixi's API rating: %d", st)
	}
	if svcAuditCount(t, f) != before {
		t.Error("kaixi's ratings changed data")
	}
}

// TestServiceAPIVolunteersCertificates: the volunteers' register and certificates through the
// API, scoped as the pages, phones masked as the page masks them, bad input refused.
func TestServiceAPIVolunteersCertificates(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cmpDay(f, "2026-03-05", 9)
	tm := svcTeam(t, f, f.zq, "站前志愿服务队", f.zqCadre, f.zqHead)
	svcApproved(t, f, svcActivity(t, f, tm, "清扫楼道", "2026-03-05"), map[int64]int{f.zqHead.ID: 250})
	kxTeam := svcTeam(t, f, f.kx, "开西先锋队", f.kxCadre, f.kxHead)
	svcApproved(t, f, svcActivity(t, f, kxTeam, "开西街清扫", "2026-03-05"), map[int64]int{f.kxHead.ID: 300})
	if err := f.db.RegisterVolunteer(ctx, storage.System, &service.Volunteer{PersonID: f.kxHead.ID, Categories: []service.Category{service.Youth}}); err != nil {
		t.Fatal(err)
	}
	kxCert := &service.Certificate{PersonID: f.kxHead.ID, PeriodFrom: "2026-01-01", PeriodTo: "2026-12-31", Content: "清扫", Issuer: "开西社区党支部"}
	if err := f.db.IssueCertificate(ctx, storage.System, kxCert); err != nil {
		t.Fatal(err)
	}
	api := f.apiLogin(t, "zhanqian")

	// Register: bad input refused with nothing changed; then registered.
	before := svcAuditCount(t, f)
	for _, tc := range []struct {
		name string
		body map[string]any
		st   int
	}{
		{"unknown category", map[string]any{"person_id": f.zqHead.ID, "categories": []string{"martian"}}, http.StatusUnprocessableEntity},
		{"no person", map[string]any{"categories": []string{"youth"}}, http.StatusUnprocessableEntity},
		{"bad date", map[string]any{"person_id": f.zqHead.ID, "registered_on": "2026-13-01"}, http.StatusUnprocessableEntity},
		{"another community's person", map[string]any{"person_id": f.kxCadre.ID, "categories": []string{"youth"}}, http.StatusUnprocessableEntity},
	} {
		if st, body := api.api("POST", "/api/v1/service/volunteers", tc.body); st != tc.st {
			t.Errorf("%s: %d %s", tc.name, st, body)
		}
	}
	if svcAuditCount(t, f) != before {
		t.Error("refused registrations changed data")
	}
	st, body := api.api("POST", "/api/v1/service/volunteers", map[string]any{"person_id": f.zqHead.ID, "categories": []string{"party_member", "resident"}})
	if st != http.StatusCreated || !strings.Contains(body, `"categories":["party_member","resident"]`) || !strings.Contains(body, "13800000001") {
		t.Fatalf("register: %d %s", st, body)
	}
	st, body = api.api("GET", "/api/v1/service/volunteers?category=party_member", nil)
	if st != http.StatusOK || !strings.Contains(body, "王建国") || !strings.Contains(body, "13800000001") {
		t.Errorf("volunteers: %d %s", st, body)
	}
	if m := containsAny(body, append(f.kxMarkers(), "开西")); m != "" {
		t.Errorf("the volunteers list shows %q", m)
	}
	if st, _ := api.api("GET", "/api/v1/service/volunteers?category=martian", nil); st != http.StatusUnprocessableEntity {
		t.Errorf("unknown category filter: %d", st)
	}
	// One who may see the register but not phones gets them masked, as on the page.
	nu, err := f.db.CreateUser(ctx, storage.System, storage.NewUser{Username: "county", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.BindRole(ctx, storage.System, nu.ID, authz.CountyAdmin, f.town.ID); err != nil {
		t.Fatal(err)
	}
	f.users["county"] = nu.ID
	_, body = f.apiLogin(t, "county").api("GET", "/api/v1/service/volunteers", nil)
	_, page := f.login(t, "county").get("/service/volunteers")
	if strings.Contains(body, "13800000001") || strings.Contains(page, "13800000001") {
		t.Error("a phone is shown unmasked to one who may not see phones")
	}
	var vs struct {
		Volunteers []struct {
			PersonName, Phone string
		} `json:"volunteers"`
	}
	json.Unmarshal([]byte(body), &vs)
	if len(vs.Volunteers) == 0 {
		t.Fatalf("county sees no volunteers: %s", body)
	}
	for _, v := range vs.Volunteers {
		if v.Phone == "" || !strings.Contains(page, v.Phone) {
			t.Errorf("the API's phone %q of %s is not the page's", v.Phone, v.PersonName)
		}
	}

	// Certificates: bad input refused, nothing written; issued; listed; read; verified publicly.
	before = svcAuditCount(t, f)
	for _, tc := range []map[string]any{
		{"person_id": f.zqHead.ID, "period_from": "2026-12-31", "period_to": "2026-01-01", "content": "x", "issuer": "y"},
		{"person_id": f.zqHead.ID, "period_from": "2026-01-01", "period_to": "2026-12-31", "content": "", "issuer": "y"},
		{"person_id": f.kxHead.ID, "period_from": "2026-01-01", "period_to": "2026-12-31", "content": "x", "issuer": "y"},
	} {
		if st, body := api.api("POST", "/api/v1/service/certificates", tc); st/100 != 4 {
			t.Errorf("bad certificate %v: %d %s", tc, st, body)
		}
	}
	if svcAuditCount(t, f) != before {
		t.Error("refused certificates changed data")
	}
	st, body = api.api("POST", "/api/v1/service/certificates", map[string]any{"person_id": f.zqHead.ID, "period_from": "2026-01-01",
		"period_to": "2026-12-31", "content": "楼道清扫", "issuer": "站前社区党支部"})
	var issued struct {
		Certificate struct {
			ID     int64   `json:"id"`
			Number string  `json:"number"`
			Hours  float64 `json:"hours"`
		} `json:"certificate"`
	}
	if err := json.Unmarshal([]byte(body), &issued); err != nil || st != http.StatusCreated || issued.Certificate.Hours != 2.5 || issued.Certificate.Number == "" {
		t.Fatalf("issue: %d %s", st, body)
	}
	if st, body := api.api("GET", "/api/v1/service/certificates/"+strconv.FormatInt(issued.Certificate.ID, 10), nil); st != http.StatusOK || !strings.Contains(body, "王建国") {
		t.Errorf("get: %d %s", st, body)
	}
	st, body = api.api("GET", "/api/v1/service/certificates", nil)
	if st != http.StatusOK || !strings.Contains(body, issued.Certificate.Number) {
		t.Errorf("list: %d %s", st, body)
	}
	if m := containsAny(body, append(f.kxMarkers(), kxCert.Number)); m != "" {
		t.Errorf("the certificates list shows %q", m)
	}
	if st, _ := api.api("GET", "/api/v1/service/certificates/"+strconv.FormatInt(kxCert.ID, 10), nil); st != http.StatusNotFound {
		t.Errorf("kaixi's certificate: %d", st)
	}
	anon := f.anon(t)
	st, body = anon.get("/api/v1/service/certificates/verify?number=" + url.QueryEscape(strings.ToLower(issued.Certificate.Number)))
	if st != http.StatusOK || !strings.Contains(body, `"holder":"王**"`) || strings.Contains(body, "王建国") || !strings.Contains(body, `"hours":2.5`) {
		t.Errorf("verify: %d %s", st, body)
	}
	if st, _ := anon.get("/api/v1/service/certificates/verify?number=ZYFW-410902003-2026-09999"); st != http.StatusNotFound {
		t.Errorf("unknown number: %d", st)
	}
	if st, _ := anon.get("/api/v1/service/certificates/verify"); st != http.StatusUnprocessableEntity {
		t.Errorf("no number: %d", st)
	}
}
