package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/service"
	"wuxing/internal/storage"
)

// svcVolunteer creates a member account linked to a person (a volunteer who checks in by phone).
func svcVolunteer(t *testing.T, f *fixture, username string, p *people.Person, u *org.Unit) {
	t.Helper()
	ctx := context.Background()
	nu, err := f.db.CreateUser(ctx, storage.System, storage.NewUser{Username: username, Password: testPassword, PersonID: p.ID})
	if err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	if err := f.db.BindRole(ctx, storage.System, nu.ID, authz.Member, u.ID); err != nil {
		t.Fatal(err)
	}
	f.users[username] = nu.ID
}

// svcTeam creates, as the platform (as the demo loader does), a team of u with its members.
func svcTeam(t *testing.T, f *fixture, u *org.Unit, name string, leader *people.Person, members ...*people.Person) *service.Team {
	t.Helper()
	ctx := context.Background()
	tm := &service.Team{UnitID: u.ID, Kind: service.VanguardTeam, Name: name, LeaderPersonID: leader.ID}
	if err := f.db.CreateServiceTeam(ctx, storage.System, tm); err != nil {
		t.Fatalf("team %s: %v", name, err)
	}
	var ids []int64
	for _, m := range members {
		ids = append(ids, m.ID)
	}
	if len(ids) > 0 {
		if err := f.db.AddTeamMembers(ctx, storage.System, tm.ID, ids, ""); err != nil {
			t.Fatalf("members: %v", err)
		}
	}
	return tm
}

// svcActivity plans an activity of a team on a day.
func svcActivity(t *testing.T, f *fixture, tm *service.Team, title, day string) *service.Activity {
	t.Helper()
	x := &service.Activity{TeamID: tm.ID, Title: title, ServiceDate: day, StartsAt: "09:00", EndsAt: "11:30", Place: "社区广场", Content: title}
	if err := f.db.CreateActivity(context.Background(), storage.System, x); err != nil {
		t.Fatalf("activity %s: %v", title, err)
	}
	return x
}

// svcApproved records hours for people on an activity, closes and approves it, as the platform.
func svcApproved(t *testing.T, f *fixture, x *service.Activity, hours map[int64]int) *service.Activity {
	t.Helper()
	ctx := context.Background()
	var list []storage.ParticipantHours
	for pid, c := range hours {
		list = append(list, storage.ParticipantHours{PersonID: pid, Centihours: c})
	}
	if err := f.db.RecordParticipants(ctx, storage.System, x.ID, list); err != nil {
		t.Fatalf("participants: %v", err)
	}
	cur, _, err := f.db.ServiceActivity(ctx, storage.System, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cur, err = f.db.StepActivity(ctx, storage.System, x.ID, service.CloseAction, cur.Version); err != nil {
		t.Fatalf("close: %v", err)
	}
	if cur, err = f.db.StepActivity(ctx, storage.System, x.ID, service.Approve, cur.Version); err != nil {
		t.Fatalf("approve: %v", err)
	}
	return cur
}

// svcLedger is a person's ledger entries on an activity, and their sum.
func svcLedger(t *testing.T, f *fixture, activityID, personID int64) ([]service.Entry, int) {
	t.Helper()
	es, err := f.db.HoursEntries(context.Background(), storage.System, activityID)
	if err != nil {
		t.Fatal(err)
	}
	var out []service.Entry
	sum := 0
	for _, e := range es {
		if e.PersonID == personID {
			out = append(out, e)
			sum += e.Centihours
		}
	}
	return out, sum
}

var svcIDRE = regexp.MustCompile(`/service/(?:teams|activities|certificates)/(\d+)`)

func svcLocationID(t *testing.T, c *client, st int, body, loc string) int64 {
	t.Helper()
	if st != http.StatusSeeOther {
		t.Fatalf("status %d, want 303: %s", st, excerptText(body))
	}
	m := svcIDRE.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("redirect to %q", loc)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// postLoc posts a form and returns the status, body and redirect location.
func (c *client) postLoc(path string, v url.Values) (int, string, string) {
	c.t.Helper()
	if v.Get("csrf") == "" {
		v.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res.StatusCode, b.String(), res.Header.Get("Location")
}

func excerptText(s string) string {
	if i := strings.Index(s, `class="err"`); i >= 0 {
		return s[i:min(len(s), i+300)]
	}
	return s[:min(len(s), 300)]
}

// TestServiceCheckInToCertificate is the whole story through the pages: the organizer sets up a
// team and an activity, a volunteer checks in and out by the code, the organizer approves, the
// volunteer sees the hours, asks for a correction that is accepted as a new ledger entry, and a
// certificate is issued and verified publicly with the name masked.
func TestServiceCheckInToCertificate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cmpDay(f, "2026-03-05", 8) // a Thursday
	svcVolunteer(t, f, "zqvol", f.zqHead, f.zq)
	org := f.login(t, "zhanqian")

	// The organizer creates a team of 站前社区 and adds 王建国.
	st, body, loc := org.postLoc("/service/teams", url.Values{"unit_id": {strconv.FormatInt(f.zq.ID, 10)}, "kind": {"vanguard"},
		"name": {"站前党员先锋服务队"}})
	teamID := svcLocationID(t, org, st, body, loc)
	if st, body := org.post("/service/teams/"+strconv.FormatInt(teamID, 10)+"/members", url.Values{"person_id": {strconv.FormatInt(f.zqHead.ID, 10)}}); st != http.StatusSeeOther {
		t.Fatalf("add member: %d %s", st, excerptText(body))
	}
	st, body, loc = org.postLoc("/service/activities", url.Values{"team_id": {strconv.FormatInt(teamID, 10)}, "title": {"主题党日清扫楼道"},
		"service_date": {"2026-03-05"}, "starts_at": {"08:30"}, "ends_at": {"11:00"}, "place": {"站前1号楼"}})
	actID := svcLocationID(t, org, st, body, loc)
	_, page := org.get("/service/activities/" + strconv.FormatInt(actID, 10))
	m := regexp.MustCompile(`/service/checkin/([a-z2-7]{32})`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the organizer's activity page shows no check-in link")
	}
	token := m[1]
	if st, _ := org.get("/service/activities/" + strconv.FormatInt(actID, 10) + "/qr.png"); st != http.StatusOK {
		t.Fatalf("qr: %d", st)
	}

	// The volunteer checks in at 08:30 and out at 11:00.
	vol := f.login(t, "zqvol")
	cmpDay(f, "2026-03-05", 8)
	f.clock.Advance(30 * time.Minute)
	if st, body := vol.get("/service/checkin/" + token); st != http.StatusOK || !strings.Contains(body, `id="checkin"`) {
		t.Fatalf("check-in page: %d", st)
	}
	if st, _ := vol.post("/service/checkin/"+token, url.Values{"action": {"in"}}); st != http.StatusSeeOther {
		t.Fatalf("check in: %d", st)
	}
	// A second check-in is refused and records nothing.
	before, _ := f.db.AuditCount(ctx)
	if st, body := vol.post("/service/checkin/"+token, url.Values{"action": {"in"}}); st != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "请勿重复签到") {
		t.Fatalf("double check-in: %d", st)
	}
	f.clock.Advance(150 * time.Minute)
	// Sessions go idle after two hours: the phone logs in again (the code brings it back here).
	vol = f.login(t, "zqvol")
	org = f.login(t, "zhanqian")
	if st, _ := vol.post("/service/checkin/"+token, url.Values{"action": {"out"}}); st != http.StatusSeeOther {
		t.Fatalf("check out: %d", st)
	}
	if after, _ := f.db.AuditCount(ctx); after != before+3 { // two logins and the check-out
		t.Errorf("audit grew by %d over a refused check-in, two logins and a check-out, want 3", after-before)
	}
	ps, _ := f.db.ActivityParticipants(ctx, storage.System, actID)
	if len(ps) != 1 || ps[0].Centihours != 250 || ps[0].Source != service.Scanned {
		t.Fatalf("participants after check-out: %+v", ps)
	}
	// Before approval the hours are not the volunteer's yet.
	if _, body := vol.get("/service/my"); !strings.Contains(body, `id="my-hours">0<`) {
		t.Errorf("my service shows hours before approval")
	}

	// The organizer edits the hours (allowed before approval), closes and approves.
	if st, body := org.post("/service/activities/"+strconv.FormatInt(actID, 10)+"/participants", url.Values{
		"person_id": {strconv.FormatInt(f.zqHead.ID, 10)}, "hours": {"2.5"}, "version": {strconv.FormatInt(ps[0].Version, 10)}}); st != http.StatusSeeOther {
		t.Fatalf("edit hours: %d %s", st, excerptText(body))
	}
	x, _, _ := f.db.ServiceActivity(ctx, storage.System, actID)
	for _, act := range []string{"close", "approve"} {
		if st, body := org.post("/service/activities/"+strconv.FormatInt(actID, 10)+"/step", url.Values{"action": {act},
			"version": {strconv.FormatInt(x.Version, 10)}}); st != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", act, st, excerptText(body))
		}
		x, _, _ = f.db.ServiceActivity(ctx, storage.System, actID)
	}
	if x.Status != service.Approved {
		t.Fatalf("status %s", x.Status)
	}
	_, sum := svcLedger(t, f, actID, f.zqHead.ID)
	if sum != 250 {
		t.Fatalf("ledger sum %d, want 250", sum)
	}
	if _, body := vol.get("/service/my"); !strings.Contains(body, `id="my-hours">2.5<`) {
		t.Errorf("my service does not show 2.5 approved hours")
	}
	api := f.apiLogin(t, "zqvol")
	st, body = api.api("GET", "/api/v1/service/my?year=2026", nil)
	var my struct {
		ApprovedHours float64 `json:"approved_hours"`
	}
	json.Unmarshal([]byte(body), &my)
	if st != http.StatusOK || my.ApprovedHours != 2.5 {
		t.Errorf("api my: %d %s", st, body)
	}

	// The code is dead once the activity is closed; approved hours cannot be edited.
	before, _ = f.db.AuditCount(ctx)
	if st, body := vol.post("/service/checkin/"+token, url.Values{"action": {"in"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "签到码已失效") {
		t.Errorf("check-in after approval: %d", st)
	}
	if st, _ := api.api("POST", "/api/v1/service/checkin/"+token, map[string]string{"action": "in"}); st != http.StatusUnprocessableEntity {
		t.Errorf("api check-in after approval: %d", st)
	}
	if st, _ := org.post("/service/activities/"+strconv.FormatInt(actID, 10)+"/participants", url.Values{
		"person_id": {strconv.FormatInt(f.zqHead.ID, 10)}, "hours": {"8"}}); st != http.StatusUnprocessableEntity {
		t.Errorf("editing approved hours: %d", st)
	}
	if err := f.db.RecordParticipants(ctx, storage.System, actID, []storage.ParticipantHours{{PersonID: f.zqHead.ID, Centihours: 800}}); errs.As(err).Key != "service.activity.final" {
		t.Errorf("store edit of approved hours: %v", err)
	}
	if after, _ := f.db.AuditCount(ctx); after != before {
		t.Errorf("refused changes wrote %d audit entries", after-before)
	}
	if _, sum := svcLedger(t, f, actID, f.zqHead.ID); sum != 250 {
		t.Errorf("ledger changed to %d", sum)
	}

	// The volunteer asks for 3 hours; the organizer accepts: a new entry of +0.5, the first untouched.
	if st, body := vol.post("/service/activities/"+strconv.FormatInt(actID, 10)+"/corrections", url.Values{"hours": {"-1"}, "reason": {"x"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "不能为负数") {
		t.Errorf("negative correction: %d", st)
	}
	if st, body := vol.post("/service/activities/"+strconv.FormatInt(actID, 10)+"/corrections", url.Values{"hours": {"3"}, "reason": {"签到晚扫了半小时"}}); st != http.StatusSeeOther {
		t.Fatalf("ask correction: %d %s", st, excerptText(body))
	}
	cs, _ := f.db.Corrections(ctx, storage.System, storage.CorrectionFilter{ActivityID: actID})
	if len(cs) != 1 || cs[0].Status != service.Pending {
		t.Fatalf("corrections: %+v", cs)
	}
	if st, _ := vol.post("/service/corrections/"+strconv.FormatInt(cs[0].ID, 10), url.Values{"decision": {"accept"}, "version": {"1"}}); st != http.StatusNotFound && st != http.StatusForbidden {
		t.Errorf("the volunteer decided their own correction: %d", st)
	}
	if st, body := org.post("/service/corrections/"+strconv.FormatInt(cs[0].ID, 10), url.Values{"decision": {"accept"}, "note": {"核实属实"},
		"version": {strconv.FormatInt(cs[0].Version, 10)}}); st != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", st, excerptText(body))
	}
	entries, sum := svcLedger(t, f, actID, f.zqHead.ID)
	if sum != 300 || len(entries) != 2 || entries[0].Centihours != 250 || entries[0].Kind != service.EntryApproval ||
		entries[1].Centihours != 50 || entries[1].Kind != service.EntryCorrection {
		t.Fatalf("ledger after correction: %+v", entries)
	}
	for _, want := range []struct{ action, entity string }{{"approve", "service_activity"}, {"request", "service_correction"},
		{"accepted", "service_correction"}, {"correct", "service_hours"}} {
		es, _ := f.db.Audit(ctx, storage.System, storage.AuditFilter{Action: want.action, Entity: want.entity})
		if len(es) == 0 {
			t.Errorf("no audit entry %s %s", want.action, want.entity)
		}
	}
	if _, body := vol.get("/service/my"); !strings.Contains(body, `id="my-hours">3<`) {
		t.Errorf("my service does not show 3 hours after the correction")
	}

	// A certificate of the year's hours, printable and publicly verifiable with the name masked.
	st, body, loc = org.postLoc("/service/certificates", url.Values{"person_id": {strconv.FormatInt(f.zqHead.ID, 10)},
		"period_from": {"2026-01-01"}, "period_to": {"2026-12-31"}, "content": {"楼道清扫"}, "issuer": {"站前社区党支部"}})
	certID := svcLocationID(t, org, st, body, loc)
	_, body = org.get("/service/certificates/" + strconv.FormatInt(certID, 10))
	if !strings.Contains(body, "ZYFW-410902003-2026-00001") || !strings.Contains(body, "王建国") || !strings.Contains(body, "3 小时") {
		t.Errorf("certificate page: %s", excerptText(body))
	}
	anon := f.anon(t)
	st, body = anon.get("/verify/service-certificate?number=zyfw-410902003-2026-00001")
	if st != http.StatusOK || !strings.Contains(body, "王**") || strings.Contains(body, "王建国") || !strings.Contains(body, "站前社区党支部") {
		t.Errorf("verify: %d %s", st, excerptText(body))
	}
	if st, _ := anon.get("/verify/service-certificate?number=ZYFW-410902003-2026-00099"); st != http.StatusNotFound {
		t.Errorf("unknown number: %d", st)
	}
	// The public check is rate-limited like the residents' other lookups.
	limited := false
	for i := 0; i < publicLookupBurst+2; i++ {
		if st, _ := anon.get("/verify/service-certificate?number=ZYFW-410902003-2026-00001"); st == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Error("certificate lookups are not rate-limited")
	}
	// A second certificate takes the next number.
	c2 := &service.Certificate{PersonID: f.zqHead.ID, PeriodFrom: "2026-03-01", PeriodTo: "2026-03-31", Content: "x", Issuer: "y"}
	if err := f.db.IssueCertificate(ctx, storage.System, c2); err != nil || c2.Number != "ZYFW-410902003-2026-00002" || c2.Centihours != 300 {
		t.Errorf("second certificate: %v %+v", err, c2)
	}
}

// TestServiceBadInput: absurd hours, check-out before check-in, a day over 24 hours, a plan that
// ends before it starts — each a clear error, nothing changed.
func TestServiceBadInput(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cmpDay(f, "2026-03-05", 9)
	tm := svcTeam(t, f, f.zq, "站前志愿服务队", f.zqCadre, f.zqHead)
	a1 := svcActivity(t, f, tm, "上午清扫", "2026-03-05")
	a2 := svcActivity(t, f, tm, "下午宣传", "2026-03-05")
	org := f.login(t, "zhanqian")
	path := "/service/activities/" + strconv.FormatInt(a1.ID, 10) + "/participants"
	for _, tc := range []struct{ hours, msg string }{
		{"-2", "不能为负数"}, {"25", "不能超过 24 小时"}, {"abc", "应为数字"}, {"1.234", "两位小数"}, {"", "请填写服务时长"},
	} {
		before, _ := f.db.AuditCount(ctx)
		st, body := org.post(path, url.Values{"person_id": {strconv.FormatInt(f.zqHead.ID, 10)}, "hours": {tc.hours}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, tc.msg) {
			t.Errorf("hours %q: %d, want 422 with %q", tc.hours, st, tc.msg)
		}
		if after, _ := f.db.AuditCount(ctx); after != before {
			t.Errorf("hours %q changed data", tc.hours)
		}
	}
	// 20 hours in one activity, then 5 more the same day elsewhere: refused.
	if err := f.db.RecordParticipants(ctx, storage.System, a1.ID, []storage.ParticipantHours{{PersonID: f.zqHead.ID, Centihours: 2000}}); err != nil {
		t.Fatal(err)
	}
	st, body := org.post("/service/activities/"+strconv.FormatInt(a2.ID, 10)+"/participants", url.Values{"person_id": {strconv.FormatInt(f.zqHead.ID, 10)}, "hours": {"5"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "合计不能超过 24 小时") {
		t.Errorf("a day over 24 h: %d", st)
	}
	if ps, _ := f.db.ActivityParticipants(ctx, storage.System, a2.ID); len(ps) != 0 {
		t.Errorf("the refused entry was recorded: %+v", ps)
	}
	// The API: all or nothing.
	api := f.apiLogin(t, "zhanqian")
	st, _ = api.api("POST", "/api/v1/service/activities/"+strconv.FormatInt(a2.ID, 10)+"/participants", map[string]any{
		"participants": []map[string]any{{"person_id": f.zqCadre.ID, "hours": 2}, {"person_id": f.zqHead.ID, "hours": -1}}})
	if st != http.StatusUnprocessableEntity {
		t.Errorf("api negative hours: %d", st)
	}
	if ps, _ := f.db.ActivityParticipants(ctx, storage.System, a2.ID); len(ps) != 0 {
		t.Errorf("half of a refused batch was recorded: %+v", ps)
	}
	// Check-out before check-in (a clock set back): refused, the line unchanged.
	svcVolunteer(t, f, "zqvol", f.zqCadre, f.zq)
	vol := f.apiLogin(t, "zqvol")
	if st, body := vol.api("POST", "/api/v1/service/checkin/"+a2.Token, map[string]string{"action": "in"}); st != http.StatusOK {
		t.Fatalf("check in: %d %s", st, body)
	}
	f.clock.Advance(-time.Hour)
	if st, body := vol.api("POST", "/api/v1/service/checkin/"+a2.Token, map[string]string{"action": "out"}); st != http.StatusBadRequest || !strings.Contains(body, "签退时间不能早于签到时间") {
		t.Errorf("check-out before check-in: %d %s", st, body)
	}
	// A code used on another day.
	cmpDay(f, "2026-03-06", 9)
	vol, org = f.apiLogin(t, "zqvol"), f.login(t, "zhanqian")
	if st, _ := vol.api("POST", "/api/v1/service/checkin/"+a1.Token, map[string]string{"action": "in"}); st != http.StatusUnprocessableEntity {
		t.Errorf("a code the day after: %d", st)
	}
	// A malformed or unknown code is not found; an action that is neither in nor out is refused.
	for _, tok := range []string{"abc", strings.Repeat("a", 32)} {
		if st, _ := vol.api("POST", "/api/v1/service/checkin/"+tok, map[string]string{"action": "in"}); st != http.StatusNotFound {
			t.Errorf("code %q: %d", tok, st)
		}
	}
	// An activity that ends before it starts.
	before, _ := f.db.AuditCount(ctx)
	st, body = org.post("/service/activities", url.Values{"team_id": {strconv.FormatInt(tm.ID, 10)}, "title": {"x"}, "service_date": {"2026-03-05"},
		"starts_at": {"11:00"}, "ends_at": {"09:00"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "结束时间应晚于开始时间") {
		t.Errorf("ends before start: %d", st)
	}
	if after, _ := f.db.AuditCount(ctx); after != before {
		t.Error("a refused activity changed data")
	}
	// Approving an activity with someone still checked in and no hours is refused.
	x, _, _ := f.db.ServiceActivity(ctx, storage.System, a2.ID)
	x, err := f.db.StepActivity(ctx, storage.System, a2.ID, service.CloseAction, x.Version)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.StepActivity(ctx, storage.System, a2.ID, service.Approve, x.Version); errs.As(err).Key != "service.approve.checked_in" {
		t.Errorf("approve with someone checked in: %v", err)
	}
}

// TestServiceConcurrentApproval: two approvals of the same activity at once; one wins, the other
// gets a conflict, and the ledger holds each person's hours once.
func TestServiceConcurrentApproval(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cmpDay(f, "2026-03-05", 9)
	tm := svcTeam(t, f, f.zq, "站前志愿服务队", f.zqCadre, f.zqHead)
	x := svcActivity(t, f, tm, "清扫", "2026-03-05")
	if err := f.db.RecordParticipants(ctx, storage.System, x.ID, []storage.ParticipantHours{{PersonID: f.zqHead.ID, Centihours: 200}, {PersonID: f.zqCadre.ID, Centihours: 150}}); err != nil {
		t.Fatal(err)
	}
	cur, _, _ := f.db.ServiceActivity(ctx, storage.System, x.ID)
	cur, err := f.db.StepActivity(ctx, storage.System, x.ID, service.CloseAction, cur.Version)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, results[i] = f.db.StepActivity(ctx, storage.System, x.ID, service.Approve, cur.Version)
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, err := range results {
		switch {
		case err == nil:
			ok++
		case errs.Code(err) != errs.ECONFLICT:
			t.Errorf("a losing approval: %v, want a conflict", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d approvals won, want 1", ok)
	}
	es, _ := f.db.HoursEntries(ctx, storage.System, x.ID)
	if len(es) != 2 {
		t.Fatalf("ledger has %d entries, want 2", len(es))
	}
	// The stale page's approval answers 409 through the web too.
	org := f.login(t, "zhanqian")
	if st, _ := org.post("/service/activities/"+strconv.FormatInt(x.ID, 10)+"/step", url.Values{"action": {"approve"}, "version": {strconv.FormatInt(cur.Version, 10)}}); st != http.StatusConflict {
		t.Errorf("stale approval: %d", st)
	}
	n, days, err := f.db.TeamHours(ctx, storage.System, tm.ID, 2026, 1)
	if err != nil || n != 350 || days != 1 {
		t.Errorf("team hours %d days %d: %v", n, days, err)
	}
}

// TestServiceScope: 站前社区's secretary cannot see or change 开西社区's teams, activities and
// certificates through pages and API, and lists hold none of 开西社区's markers.
func TestServiceScope(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cmpDay(f, "2026-03-05", 9)
	kxTeam := svcTeam(t, f, f.kx, "开西党员先锋队", f.kxCadre, f.kxHead)
	kxAct := svcActivity(t, f, kxTeam, "开西街清扫", "2026-03-05")
	svcApproved(t, f, kxAct, map[int64]int{f.kxHead.ID: 300})
	cert := &service.Certificate{PersonID: f.kxHead.ID, PeriodFrom: "2026-01-01", PeriodTo: "2026-12-31", Content: "清扫", Issuer: "开西社区党支部"}
	if err := f.db.IssueCertificate(ctx, storage.System, cert); err != nil {
		t.Fatal(err)
	}
	zqTeam := svcTeam(t, f, f.zq, "站前先锋队", f.zqCadre)
	zq := f.login(t, "zhanqian")
	api := f.apiLogin(t, "zhanqian")
	markers := append(f.kxMarkers(), kxTeam.Name, kxAct.Title, cert.Number)
	for _, p := range []string{"/service/teams/" + strconv.FormatInt(kxTeam.ID, 10), "/service/activities/" + strconv.FormatInt(kxAct.ID, 10),
		"/service/certificates/" + strconv.FormatInt(cert.ID, 10), "/service/checkin/" + kxAct.Token,
		"/service/activities/" + strconv.FormatInt(kxAct.ID, 10) + "/qr.png"} {
		if st, _ := zq.get(p); st != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, st)
		}
	}
	for _, p := range []string{"/api/v1/service/teams/" + strconv.FormatInt(kxTeam.ID, 10), "/api/v1/service/activities/" + strconv.FormatInt(kxAct.ID, 10)} {
		if st, _ := api.api("GET", p, nil); st != http.StatusNotFound {
			t.Errorf("API GET %s: %d, want 404", p, st)
		}
	}
	for _, p := range []string{"/service", "/service/activities", "/service/volunteers", "/service/certificates", "/service/my",
		"/service?unit=" + strconv.FormatInt(f.kx.ID, 10), "/service/activities?unit=" + strconv.FormatInt(f.kx.ID, 10)} {
		_, body := zq.get(p)
		if m := containsAny(body, markers); m != "" {
			t.Errorf("GET %s shows %q", p, m)
		}
	}
	for _, p := range []string{"/api/v1/service/teams", "/api/v1/service/activities", "/api/v1/service/my"} {
		_, body := api.api("GET", p, nil)
		if m := containsAny(body, markers); m != "" {
			t.Errorf("API %s shows %q", p, m)
		}
	}
	// Changes aimed at 开西社区: refused, nothing written.
	before, _ := f.db.AuditCount(ctx)
	for _, tc := range []struct {
		path string
		v    url.Values
	}{
		{"/service/teams", url.Values{"unit_id": {strconv.FormatInt(f.kx.ID, 10)}, "kind": {"volunteer"}, "name": {"x"}}},
		{"/service/teams/" + strconv.FormatInt(kxTeam.ID, 10) + "/members", url.Values{"person_id": {strconv.FormatInt(f.zqHead.ID, 10)}}},
		{"/service/teams/" + strconv.FormatInt(zqTeam.ID, 10) + "/members", url.Values{"person_id": {strconv.FormatInt(f.kxHead.ID, 10)}}},
		{"/service/activities", url.Values{"team_id": {strconv.FormatInt(kxTeam.ID, 10)}, "title": {"x"}, "service_date": {"2026-03-05"}}},
		{"/service/activities/" + strconv.FormatInt(kxAct.ID, 10) + "/step", url.Values{"action": {"cancel"}, "version": {"1"}}},
		{"/service/checkin/" + kxAct.Token, url.Values{"action": {"in"}}},
		{"/service/certificates", url.Values{"person_id": {strconv.FormatInt(f.kxHead.ID, 10)}, "period_from": {"2026-01-01"}, "period_to": {"2026-12-31"}, "content": {"x"}, "issuer": {"y"}}},
		{"/service/volunteers", url.Values{"person_id": {strconv.FormatInt(f.kxHead.ID, 10)}, "categories": {"youth"}}},
	} {
		if st, _ := zq.post(tc.path, tc.v); st/100 != 4 {
			t.Errorf("POST %s: %d, want refusal", tc.path, st)
		}
	}
	if st, _ := api.api("POST", "/api/v1/service/activities/"+strconv.FormatInt(kxAct.ID, 10)+"/step", map[string]any{"action": "cancel", "version": 1}); st != http.StatusNotFound {
		t.Errorf("API step on 开西社区's activity: %d", st)
	}
	if after, _ := f.db.AuditCount(ctx); after != before {
		t.Errorf("refused changes wrote %d audit entries", after-before)
	}
	// The owner sees its own.
	kx := f.login(t, "kaixi")
	if st, body := kx.get("/service/activities/" + strconv.FormatInt(kxAct.ID, 10)); st != http.StatusOK || !strings.Contains(body, kxAct.Title) {
		t.Errorf("the owner's activity: %d", st)
	}
}
