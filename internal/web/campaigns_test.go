package web

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/campaigns"
	"wuxing/internal/cases"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// cmpDay sets the fixture's clock to hour:00 China time on day (YYYY-MM-DD).
func cmpDay(f *fixture, day string, hour int) {
	d, _ := time.ParseInLocation("2006-01-02", day, cst)
	f.clock.Set(d.Add(time.Duration(hour) * time.Hour))
}

// cmpCampaign creates, as the system, a campaign of 建设办 from 2026-03-01 to 03-14 over the
// given communities, each with its cadre as officer.
func cmpCampaign(t *testing.T, f *fixture, name string, areas ...*org.Unit) *campaigns.Campaign {
	t.Helper()
	c := &campaigns.Campaign{TownID: f.town.ID, Name: name, StartsOn: "2026-03-01", EndsOn: "2026-03-14", CategoryID: cmpCategory(t, f, "environment")}
	for _, u := range areas {
		officer := f.zqCadre
		if u.ID == f.kx.ID {
			officer = f.kxCadre
		}
		c.Areas = append(c.Areas, campaigns.Area{UnitID: u.ID, OfficerID: officer.ID})
	}
	if err := f.db.CreateCampaign(context.Background(), storage.System, c); err != nil {
		t.Fatalf("campaign %s: %v", name, err)
	}
	return c
}

func cmpCategory(t *testing.T, f *fixture, code string) int64 {
	t.Helper()
	cats, err := f.db.Categories(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		if c.Code == code {
			return c.ID
		}
	}
	t.Fatalf("no category %s", code)
	return 0
}

// cmpLate records, as the system, a problem found the day before in area a, and fails its
// re-check today: a late problem.
func cmpLate(t *testing.T, f *fixture, c *campaigns.Campaign, a campaigns.Area, title string) *campaigns.Problem {
	t.Helper()
	ctx := context.Background()
	today := campaigns.Today(f.clock.Now())
	p, _, err := f.db.RecordProblem(ctx, storage.System, c.ID, storage.NewProblem{AreaID: a.ID, Day: campaigns.AddDays(today, -1), Title: title})
	if err != nil {
		t.Fatalf("problem: %v", err)
	}
	p, err = f.db.Recheck(ctx, storage.System, p.ID, storage.RecheckInput{Note: "未整改", Version: p.Version})
	if err != nil || !p.Late {
		t.Fatalf("failed re-check: %+v %v", p, err)
	}
	return p
}

// cmpScopeSides gives the scope walk a campaign per community, each with a late problem named in
// a published circular: 站前社区's campaign covers only 站前社区, 开西社区's only 开西社区.
func cmpScopeSides(t *testing.T, f *fixture, zq, kx *scopeSide) {
	t.Helper()
	ctx := context.Background()
	for _, side := range []struct {
		s    *scopeSide
		unit *org.Unit
		name string
	}{{zq, f.zq, "站前环境整治行动"}, {kx, f.kx, "开西环境整治行动"}} {
		c := cmpCampaign(t, f, side.name, side.unit)
		p := cmpLate(t, f, c, c.Areas[0], side.name+"问题")
		today := campaigns.Today(f.clock.Now())
		ci, err := f.db.DraftCircular(ctx, storage.System, c.ID, storage.NewCircular{Kind: campaigns.Criticism, From: today, To: today, Title: side.name + "通报"})
		if err != nil {
			t.Fatalf("circular: %v", err)
		}
		if _, err := f.db.PublishCircular(ctx, storage.System, ci.ID, ci.Version); err != nil {
			t.Fatalf("publish: %v", err)
		}
		side.s.ids["campaign"] = []int64{c.ID}
		side.s.ids["circular"] = []int64{ci.ID}
		side.s.ids["campaign_problem"] = []int64{p.ID}
	}
}

// cmpMultipart posts a multipart form with one PNG photo, as the problem form sends it.
func (c *client) cmpMultipart(path string, v url.Values) (int, string) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	v.Set("csrf", c.csrf)
	for k, vs := range v {
		for _, x := range vs {
			mw.WriteField(k, x)
		}
	}
	fw, _ := mw.CreateFormFile("photos", "site.png")
	png.Encode(fw, image.NewRGBA(image.Rect(0, 0, 16, 16)))
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func cmpCounts(t *testing.T, c *client, id int64) countsJSON {
	t.Helper()
	st, body := c.api("GET", "/api/v1/campaigns/"+strconv.FormatInt(id, 10), nil)
	if st != http.StatusOK {
		t.Fatalf("api campaign: %d %s", st, body)
	}
	var res struct {
		Campaign campaignJSON `json:"campaign"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	return res.Campaign.Counts
}

func cmpNotices(t *testing.T, f *fixture, userID int64) []storage.Notification {
	t.Helper()
	ns, _, err := f.db.Notifications(context.Background(), storage.Actor{P: &authz.Principal{UserID: userID, Username: "x"}}, storage.NotificationFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func TestCampaignCreate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	town := f.login(t, "town")
	cat := strconv.FormatInt(cmpCategory(t, f, "environment"), 10)
	id := func(x int64) string { return strconv.FormatInt(x, 10) }
	valid := func() url.Values {
		return url.Values{"town_id": {id(f.town.ID)}, "name": {"人居环境再提升，乡村蝶变迎新春"}, "starts_on": {"2026-03-01"},
			"ends_on": {"2026-03-14"}, "recheck_days": {"1"}, "category_id": {cat},
			"area_unit_0": {id(f.zq.ID)}, "area_officer_0": {id(f.zqCadre.ID)},
			"area_unit_2": {id(f.kx.ID)}, "area_officer_2": {id(f.kxCadre.ID)}}
	}
	count := func() int {
		_, n, err := f.db.Campaigns(ctx, storage.System, storage.CampaignFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if st, body := town.get("/campaigns/new"); st != http.StatusOK || !strings.Contains(body, "站前社区") || !strings.Contains(body, f.kxCadre.Name) {
		t.Fatalf("new campaign form: %d", st)
	}
	audit, _ := f.db.AuditCount(ctx)
	for _, tc := range []struct {
		name   string
		change func(v url.Values)
		want   string
	}{
		{"NameRequired", func(v url.Values) { v.Set("name", " ") }, `id="f-name"`},
		{"EndBeforeStart", func(v url.Values) { v.Set("ends_on", "2026-02-28") }, "结束日期不能早于开始日期"},
		{"OfficerOfAnotherCommunity", func(v url.Values) { v.Set("area_officer_2", id(f.zqCadre.ID)) }, "责任人须是该片区所在村（社区）的在册人员"},
		{"AreaTwice", func(v url.Values) { v.Set("area_unit_2", id(f.zq.ID)); v.Set("area_officer_2", id(f.zqCadre.ID)) }, "该村（社区）已列为片区"},
		{"AreaNotAVillage", func(v url.Values) { v.Set("area_unit_2", id(f.dept.ID)) }, "请选择本乡镇（街道）下在用的村、社区或网格"},
		{"NoAreas", func(v url.Values) {
			for _, k := range []string{"area_unit_0", "area_officer_0", "area_unit_2", "area_officer_2"} {
				v.Del(k)
			}
		}, "请至少设置一个片区"},
		{"RecheckDays", func(v url.Values) { v.Set("recheck_days", "0x") }, "f-recheck_days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := valid()
			tc.change(v)
			st, body := town.post("/campaigns", v)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
				t.Fatalf("got %d, want 422 with %q", st, tc.want)
			}
		})
	}
	// The error on the third form row stays on the third row.
	v := valid()
	v.Set("area_officer_2", id(f.zqCadre.ID))
	if _, body := town.post("/campaigns", v); !strings.Contains(body, `has-error">`+"\n        <label for=\"f-area_officer_2\"") {
		t.Errorf("the officer error is not on row 3")
	}
	if n, a := count(), func() int { n, _ := f.db.AuditCount(ctx); return n }(); n != 0 || a != audit {
		t.Fatalf("refused input changed data: %d campaigns, audit %d→%d", n, audit, a)
	}
	// Secretaries run no campaigns.
	zq := f.login(t, "zhanqian")
	if st, _ := zq.get("/campaigns/new"); st != http.StatusForbidden {
		t.Errorf("zhanqian GET /campaigns/new: %d", st)
	}
	if st, _ := zq.post("/campaigns", valid()); st != http.StatusForbidden {
		t.Errorf("zhanqian POST /campaigns: %d", st)
	}
	if st, body := town.post("/campaigns", valid()); st != http.StatusSeeOther {
		t.Fatalf("valid campaign: %d %s", st, body)
	}
	list, _, _ := f.db.Campaigns(ctx, storage.System, storage.CampaignFilter{})
	if len(list) != 1 || len(list[0].Areas) != 2 || list[0].Areas[1].UnitID != f.kx.ID || list[0].RecheckDays != 1 {
		t.Fatalf("created: %+v", list)
	}
	c := list[0]
	// Editing: a stale version is a conflict; dates must still cover the campaign.
	edit := campaignValues(&c)
	edit.Set("name", "人居环境整治")
	edit.Set("version", "99")
	if st, _ := town.post("/campaigns/"+id(c.ID), edit); st != http.StatusConflict {
		t.Errorf("stale edit: %d", st)
	}
	edit.Set("version", id(c.Version))
	if st, body := town.post("/campaigns/"+id(c.ID), edit); st != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", st, body)
	}
	if st, body := town.get("/campaigns"); st != http.StatusOK || !strings.Contains(body, "人居环境整治") {
		t.Errorf("list after edit: %d", st)
	}
}

// TestCampaignProblemToCircular follows a problem through the loop: found and dispatched, due
// the next day; rectified on time it counts, not rectified at the re-check it is late, lands in
// the drafted circular, which publishing numbers, locks and sends to those responsible.
func TestCampaignProblemToCircular(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// 钱主任 (开西社区's cadre, the officer of its area) has an account.
	off, err := f.db.CreateUser(ctx, storage.System, storage.NewUser{Username: "qianzr", Password: testPassword, PersonID: f.kxCadre.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.BindRole(ctx, storage.System, off.ID, authz.Member, f.kx.ID); err != nil {
		t.Fatal(err)
	}
	cmpDay(f, "2026-03-02", 10)
	c := cmpCampaign(t, f, "人居环境再提升，乡村蝶变迎新春", f.zq, f.kx)
	cid := strconv.FormatInt(c.ID, 10)
	town, townAPI := f.login(t, "town"), f.apiLogin(t, "town")
	record := func(area campaigns.Area, title, key string) *campaigns.Problem {
		t.Helper()
		v := url.Values{"area_id": {strconv.FormatInt(area.ID, 10)}, "day": {"2026-03-02"}, "title": {title},
			"address": {"路口"}, "idempotency_key": {key}}
		st, body := town.cmpMultipart("/campaigns/"+cid+"/problems", v)
		if st != http.StatusSeeOther || strings.Contains(body, "problem_photos_failed") {
			t.Fatalf("record %s: %d %s", title, st, body)
		}
		ps, _, err := f.db.CampaignProblems(ctx, storage.System, c.ID, storage.ProblemFilter{AreaID: area.ID})
		if err != nil || len(ps) == 0 {
			t.Fatalf("problems: %v", err)
		}
		return &ps[0]
	}
	p1 := record(c.Areas[0], "站前路柴草乱堆", "k-1")
	p2 := record(c.Areas[1], "开西街垃圾满溢", "k-2")
	// A resubmitted form makes no second problem.
	if st, _ := town.cmpMultipart("/campaigns/"+cid+"/problems", url.Values{"area_id": {strconv.FormatInt(c.Areas[0].ID, 10)},
		"day": {"2026-03-02"}, "title": {"站前路柴草乱堆"}, "idempotency_key": {"k-1"}}); st != http.StatusSeeOther {
		t.Fatalf("resubmit: %d", st)
	}
	if n := cmpCounts(t, townAPI, c.ID).Found; n != 2 {
		t.Fatalf("found %d after a resubmit, want 2", n)
	}
	k1, _, err := f.db.Case(ctx, storage.System, p1.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	wantDue := campaigns.DueAt("2026-03-03")
	if k1.List != cases.Rectification || k1.Channel != cases.Inspection || k1.CampaignID != c.ID || k1.Status != cases.Dispatched ||
		k1.AssigneeID != f.zqCadre.ID || !k1.Deadline.Equal(wantDue) || p1.DueOn != "2026-03-03" || p1.FoundOn != "2026-03-02" {
		t.Fatalf("the problem's case: %+v, problem %+v", k1, p1)
	}
	evs, _ := f.db.CaseEvents(ctx, storage.System, p1.CaseID)
	var steps []string
	for _, e := range evs {
		steps = append(steps, e.Action)
	}
	if got := strings.Join(steps, ","); got != "submit,accept,dispatch" && got != "submit,accept,dispatch,photos" {
		t.Errorf("timeline %v", steps)
	}

	// Bad input: a day outside the campaign, an unknown area, a missing title; nothing changes.
	audit, _ := f.db.AuditCount(ctx)
	for _, v := range []url.Values{
		{"area_id": {strconv.FormatInt(c.Areas[0].ID, 10)}, "day": {"2026-02-27"}, "title": {"x"}},
		{"area_id": {"999999"}, "day": {"2026-03-02"}, "title": {"x"}},
		{"area_id": {strconv.FormatInt(c.Areas[0].ID, 10)}, "day": {"2026-03-02"}, "title": {""}},
		{"area_id": {strconv.FormatInt(c.Areas[0].ID, 10)}, "day": {"2026-03-03"}, "title": {"明天的问题"}},
	} {
		if st, _ := town.post("/campaigns/"+cid+"/problems", v); st != http.StatusUnprocessableEntity {
			t.Errorf("bad problem %v: %d", v, st)
		}
	}
	// Not rectified before the check day is not late yet.
	recheck := func(p *campaigns.Problem, result string, version int64) (int, string) {
		return town.post("/campaigns/problems/"+strconv.FormatInt(p.ID, 10)+"/recheck",
			url.Values{"result": {result}, "version": {strconv.FormatInt(version, 10)}})
	}
	if st, body := recheck(p2, "fail", p2.Version); st != http.StatusUnprocessableEntity || !strings.Contains(body, "2026-03-03") {
		t.Errorf("failing a re-check before its day: %d", st)
	}
	if a, _ := f.db.AuditCount(ctx); a != audit {
		t.Errorf("refused input changed the audit log: %d→%d", audit, a)
	}

	// The officer of 站前社区 rectifies the same afternoon.
	for _, act := range []cases.Action{cases.Start, cases.Resolve} {
		k, _, _ := f.db.Case(ctx, storage.System, p1.CaseID)
		if _, err := f.db.Act(ctx, storage.System, p1.CaseID, act, cases.Input{Result: "已清理", Method: cases.VolunteerLabour}, k.Version); err != nil {
			t.Fatalf("%s: %v", act, err)
		}
	}
	// The next morning's check.
	cmpDay(f, "2026-03-03", 8)
	town, townAPI = f.login(t, "town"), f.apiLogin(t, "town")
	if st, body := town.get("/campaigns/" + cid); st != http.StatusOK || !strings.Contains(body, "站前路柴草乱堆") || !strings.Contains(body, "/campaigns/problems/"+strconv.FormatInt(p2.ID, 10)+"/recheck") {
		t.Fatalf("campaign page with the due re-checks: %d", st)
	}
	if st, _ := recheck(p1, "pass", p1.Version+5); st != http.StatusConflict {
		t.Errorf("stale re-check: %d", st)
	}
	if st, body := recheck(p1, "pass", p1.Version); st != http.StatusSeeOther {
		t.Fatalf("pass: %d %s", st, body)
	}
	if st, body := recheck(p2, "fail", p2.Version); st != http.StatusSeeOther {
		t.Fatalf("fail: %d %s", st, body)
	}
	p1, _ = f.db.CampaignProblem(ctx, storage.System, p1.ID)
	p2, _ = f.db.CampaignProblem(ctx, storage.System, p2.ID)
	k1, _, _ = f.db.Case(ctx, storage.System, p1.CaseID)
	k2, _, _ := f.db.Case(ctx, storage.System, p2.CaseID)
	if !p1.Rectified || p1.Late || p1.CheckedBy != "town" || k1.Status != cases.Checked {
		t.Errorf("rectified on time: %+v, case %s", p1, k1.Status)
	}
	if p2.Rectified || !p2.Late || p2.LateOn != "2026-03-03" || p2.DueOn != "2026-03-04" || k2.Status != cases.Dispatched ||
		!k2.Deadline.Equal(campaigns.DueAt("2026-03-04")) {
		t.Errorf("not rectified: %+v, case %s due %s", p2, k2.Status, k2.Deadline)
	}
	if checks, err := f.db.ProblemChecks(ctx, storage.System, p2.ID); err != nil || len(checks) != 1 || checks[0].Passed ||
		!checks[0].Late || checks[0].ActorName != "town" || checks[0].Day != "2026-03-03" {
		t.Errorf("the re-check on record: %+v %v", checks, err)
	}
	if ns := cmpNotices(t, f, off.ID); len(ns) == 0 || ns[0].Message != "campaigns.notify.late" {
		t.Errorf("the officer was not told the problem is late: %+v", ns)
	}
	if n := cmpCounts(t, townAPI, c.ID); n != (countsJSON{Found: 2, Rectified: 1, Late: 1, Open: 1}) {
		t.Errorf("counts %+v", n)
	}

	// The circular: drafted from the day's late problems.
	st, body := town.post("/campaigns/"+cid+"/circulars", url.Values{"kind": {"circular"}, "from": {"2026-03-03"}, "to": {"2026-03-03"}})
	if st != http.StatusSeeOther {
		t.Fatalf("draft: %d %s", st, body)
	}
	cs, _ := f.db.Circulars(ctx, storage.System, c.ID)
	if len(cs) != 1 {
		t.Fatalf("circulars %+v", cs)
	}
	ci, _, err := f.db.Circular(ctx, storage.System, cs[0].ID)
	if err != nil || len(ci.Items) != 1 || ci.Items[0].ProblemID != p2.ID || ci.Items[0].UnitName != "开西社区" ||
		ci.Items[0].OfficerName != f.kxCadre.Name || ci.Deadline != "2026-03-04" || ci.Status != campaigns.Draft ||
		!strings.Contains(ci.Title, c.Name) {
		t.Fatalf("draft: %+v %v", ci, err)
	}
	path := "/circulars/" + strconv.FormatInt(ci.ID, 10)
	// A problem is named once: a second draft for the day finds nothing.
	if st, _ := town.post("/campaigns/"+cid+"/circulars", url.Values{"kind": {"circular"}, "from": {"2026-03-03"}, "to": {"2026-03-03"}}); st != http.StatusUnprocessableEntity {
		t.Errorf("second draft: %d", st)
	}
	// The draft is the town's: the communities do not see it.
	for _, u := range []string{"kaixi", "zhanqian"} {
		if st, _ := f.login(t, u).get(path); st != http.StatusNotFound {
			t.Errorf("%s sees the draft: %d", u, st)
		}
	}
	v := url.Values{"title": {"关于开西社区垃圾满溢问题的通报"}, "body": {"现予以通报。"}, "deadline": {"2026-03-05"},
		"keep": {strconv.FormatInt(ci.Items[0].ID, 10)}, "version": {"77"}}
	if st, _ := town.post(path, v); st != http.StatusConflict {
		t.Errorf("stale save: %d", st)
	}
	v.Set("version", strconv.FormatInt(ci.Version, 10))
	v.Set("deadline", "2026-03-01")
	if st, _ := town.post(path, v); st != http.StatusUnprocessableEntity {
		t.Errorf("deadline before the period: %d", st)
	}
	v.Set("deadline", "2026-03-05")
	if st, body := town.post(path, v); st != http.StatusSeeOther {
		t.Fatalf("save: %d %s", st, body)
	}
	ci, _, _ = f.db.Circular(ctx, storage.System, ci.ID)
	if st, body := town.post(path+"/publish", url.Values{"version": {strconv.FormatInt(ci.Version, 10)}}); st != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", st, body)
	}
	ci, _, _ = f.db.Circular(ctx, storage.System, ci.ID)
	if ci.Status != campaigns.Published || ci.Year != 2026 || ci.Seq != 1 || ci.Title != "关于开西社区垃圾满溢问题的通报" || ci.PublishedBy != "town" {
		t.Fatalf("published: %+v", ci)
	}
	// Read-only now.
	v.Set("version", strconv.FormatInt(ci.Version, 10))
	v.Set("title", "改")
	if st, _ := town.post(path, v); st != http.StatusUnprocessableEntity {
		t.Errorf("saving a published circular: %d", st)
	}
	if st, _ := town.post(path+"/delete", url.Values{"version": {strconv.FormatInt(ci.Version, 10)}}); st != http.StatusUnprocessableEntity {
		t.Errorf("deleting a published circular: %d", st)
	}
	if x, _, _ := f.db.Circular(ctx, storage.System, ci.ID); x.Title != "关于开西社区垃圾满溢问题的通报" {
		t.Errorf("a published circular changed: %q", x.Title)
	}
	// Sent to the officer and to 开西社区's secretary, once each, linking to it; not to 站前社区.
	for _, u := range []int64{off.ID, f.users["kaixi"]} {
		var got []storage.Notification
		for _, n := range cmpNotices(t, f, u) {
			if n.Message == "campaigns.notify.circular" {
				got = append(got, n)
			}
		}
		if len(got) != 1 || got[0].Link != path || len(got[0].Args) != 4 {
			t.Errorf("user %d: circular notifications %+v", u, got)
		}
	}
	for _, n := range cmpNotices(t, f, f.users["zhanqian"]) {
		if n.Message == "campaigns.notify.circular" {
			t.Errorf("站前社区 was told of 开西社区's circular")
		}
	}
	// 开西社区 reads and prints it; 站前社区 is not named and does not see it.
	if st, body := f.login(t, "kaixi").get(path); st != http.StatusOK || !strings.Contains(body, "开西街垃圾满溢") || !strings.Contains(body, "建设办督通〔2026〕1号") {
		t.Errorf("kaixi reads the circular: %d", st)
	}
	if st, _ := f.login(t, "zhanqian").get(path); st != http.StatusNotFound {
		t.Errorf("zhanqian reads 开西社区's circular: %d", st)
	}
	if n := cmpCounts(t, townAPI, c.ID); n != (countsJSON{Found: 2, Rectified: 1, Late: 1, Open: 1, Circulars: 1}) {
		t.Errorf("counts after the circular %+v", n)
	}

	// The late problem is rectified the day after: it passes but stays late.
	cmpDay(f, "2026-03-04", 8)
	town, townAPI = f.login(t, "town"), f.apiLogin(t, "town")
	p2, _ = f.db.CampaignProblem(ctx, storage.System, p2.ID)
	if st, body := town.post("/campaigns/problems/"+strconv.FormatInt(p2.ID, 10)+"/recheck", url.Values{"result": {"pass"},
		"version": {strconv.FormatInt(p2.Version, 10)}}); st != http.StatusSeeOther {
		t.Fatalf("pass the late problem: %d %s", st, body)
	}
	if k2, _, _ := f.db.Case(ctx, storage.System, p2.CaseID); k2.Status != cases.Checked {
		t.Errorf("the re-check resolved and checked the case for the officer: %s", k2.Status)
	}
	// A commendation names 站前社区, whose only problem was rectified on time, and not 开西社区.
	if st, body := town.post("/campaigns/"+cid+"/circulars", url.Values{"kind": {"commendation"}, "from": {"2026-03-01"}, "to": {"2026-03-04"}}); st != http.StatusSeeOther {
		t.Fatalf("commendation: %d %s", st, body)
	}
	cs, _ = f.db.Circulars(ctx, storage.System, c.ID)
	cm, _, _ := f.db.Circular(ctx, storage.System, cs[0].ID)
	if cm.Kind != campaigns.Commendation || len(cm.Items) != 1 || cm.Items[0].UnitID != f.zq.ID || cm.Items[0].Found != 1 {
		t.Fatalf("commendation %+v", cm)
	}
	if _, err := f.db.PublishCircular(ctx, storage.System, cm.ID, cm.Version); err != nil {
		t.Fatal(err)
	}
	// The dates cannot move past the problems found.
	cur, _, _ := f.db.Campaign(ctx, storage.System, c.ID)
	ev := campaignValues(cur)
	ev.Set("starts_on", "2026-03-03")
	if st, body := town.post("/campaigns/"+cid, ev); st != http.StatusUnprocessableEntity || !strings.Contains(body, "2026-03-02") {
		t.Errorf("moving the start past the problems: %d", st)
	}
	// The page: 2 found, 2 rectified, 1 late, 1 circular (commendations are not circulars).
	st, body = town.get("/campaigns/" + cid)
	if st != http.StatusOK {
		t.Fatalf("campaign page %d", st)
	}
	for _, want := range []string{"<strong>2</strong><span>发现问题", "<strong>2</strong><span>整改到位", "<strong>1</strong><span>逾期整改",
		"<strong>1</strong><span>通报", "建设办督表〔2026〕1号", "<svg class=\"campaigns-bar\"", `width="100.0"`} {
		if !strings.Contains(body, want) {
			t.Errorf("campaign page lacks %q", want)
		}
	}
}

// TestCampaignScope builds a second town with its own campaign: nobody of 建设办 sees it or acts
// on it, and within 建设办 each community sees the campaign through its own area only.
func TestCampaignScope(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sys := storage.System
	unit := func(parent *org.Unit, kind org.Kind, code, name string) *org.Unit {
		u := &org.Unit{ParentID: parent.ID, Kind: kind, Code: code, Name: name}
		if err := f.db.CreateUnit(ctx, sys, u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	other := unit(f.county, org.Town, "410902010000", "皇甫办")
	village := unit(other, org.Village, "410902010201", "皇甫村")
	cadre := &people.Person{UnitID: village.ID, Name: "冯支书", Gender: "M", BirthDate: "1968-02-01", Categories: []people.Category{people.Cadre}}
	if err := f.db.CreatePerson(ctx, sys, cadre); err != nil {
		t.Fatal(err)
	}
	hf, err := f.db.CreateUser(ctx, sys, storage.NewUser{Username: "huangfu", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.BindRole(ctx, sys, hf.ID, authz.TownAdmin, other.ID); err != nil {
		t.Fatal(err)
	}
	oc := &campaigns.Campaign{TownID: other.ID, Name: "皇甫禁燃禁放行动", StartsOn: "2026-03-01", EndsOn: "2026-03-14",
		CategoryID: cmpCategory(t, f, "fireworks"), Areas: []campaigns.Area{{UnitID: village.ID, OfficerID: cadre.ID}}}
	if err := f.db.CreateCampaign(ctx, sys, oc); err != nil {
		t.Fatal(err)
	}
	op := cmpLate(t, f, oc, oc.Areas[0], "皇甫村违规燃放")
	today := campaigns.Today(f.clock.Now())
	oci, err := f.db.DraftCircular(ctx, sys, oc.ID, storage.NewCircular{Kind: campaigns.Criticism, From: today, To: today, Title: "皇甫通报"})
	if err != nil {
		t.Fatal(err)
	}
	// A campaign of 建设办 over both communities.
	c := cmpCampaign(t, f, "建设办人居环境整治", f.zq, f.kx)
	kp := cmpLate(t, f, c, c.Areas[1], "开西街违章搭建")
	zp := cmpLate(t, f, c, c.Areas[0], "站前路堆放杂物")
	// 建设办's own town admin may not create a campaign in 皇甫办.
	bad := &campaigns.Campaign{TownID: other.ID, Name: "越权", StartsOn: "2026-03-01", EndsOn: "2026-03-02", CategoryID: oc.CategoryID,
		Areas: []campaigns.Area{{UnitID: village.ID, OfficerID: cadre.ID}}}
	townP, _ := f.db.User(ctx, sys, f.users["town"])
	townActor := storage.Actor{P: &authz.Principal{UserID: townP.ID, Username: "town", Bindings: townP.Bindings}}
	if err := f.db.CreateCampaign(ctx, townActor, bad); err == nil || statusOf(err) != http.StatusUnprocessableEntity {
		t.Errorf("town creates a campaign in another town: %v", err)
	}

	otherPaths := []string{"/campaigns/" + strconv.FormatInt(oc.ID, 10), "/campaigns/" + strconv.FormatInt(oc.ID, 10) + "/edit",
		"/circulars/" + strconv.FormatInt(oci.ID, 10)}
	for _, u := range []string{"zhanqian", "kaixi", "town"} {
		web, api := f.login(t, u), f.apiLogin(t, u)
		for _, p := range otherPaths {
			if st, _ := web.get(p); st != http.StatusNotFound {
				t.Errorf("%s GET %s: %d", u, p, st)
			}
		}
		if st, _ := api.api("GET", "/api/v1/campaigns/"+strconv.FormatInt(oc.ID, 10), nil); st != http.StatusNotFound {
			t.Errorf("%s API campaign of 皇甫办: %d", u, st)
		}
		_, page := web.get("/campaigns")
		_, list := api.api("GET", "/api/v1/campaigns", nil)
		if strings.Contains(page, "皇甫") || strings.Contains(list, "皇甫") {
			t.Errorf("%s lists 皇甫办's campaign", u)
		}
		before, _ := f.db.AuditCount(ctx)
		for _, p := range []string{"/campaigns/problems/" + strconv.FormatInt(op.ID, 10) + "/recheck", otherPaths[0] + "/problems",
			otherPaths[0] + "/inspections", otherPaths[0] + "/circulars", otherPaths[2] + "/publish", otherPaths[0]} {
			st, _ := web.post(p, url.Values{"result": {"pass"}, "version": {"1"}, "kind": {"circular"}, "from": {today}, "to": {today},
				"area_id": {strconv.FormatInt(oc.Areas[0].ID, 10)}, "day": {today}, "title": {"x"}, "name": {"x"}})
			if st != http.StatusNotFound {
				t.Errorf("%s POST %s: %d", u, p, st)
			}
		}
		if after, _ := f.db.AuditCount(ctx); after != before {
			t.Errorf("%s changed 皇甫办's campaign", u)
		}
	}
	hw := f.login(t, "huangfu")
	if st, body := hw.get(otherPaths[0]); st != http.StatusOK || !strings.Contains(body, "皇甫村违规燃放") || strings.Contains(body, "站前") {
		t.Errorf("huangfu's own campaign: %d", st)
	}
	if st, body := hw.get("/campaigns"); st != http.StatusOK || strings.Contains(body, "建设办人居环境整治") {
		t.Errorf("huangfu sees 建设办's campaign")
	}

	// Within 建设办: zhanqian sees the campaign through 站前社区 only, and may not re-check.
	cpath := "/campaigns/" + strconv.FormatInt(c.ID, 10)
	zq, zqAPI := f.login(t, "zhanqian"), f.apiLogin(t, "zhanqian")
	st, body := zq.get(cpath)
	if st != http.StatusOK || !strings.Contains(body, "站前路堆放杂物") {
		t.Fatalf("zhanqian's view: %d", st)
	}
	for _, m := range append(f.kxMarkers(), "开西街违章搭建", f.kxCadre.Name) {
		if strings.Contains(body, m) {
			t.Errorf("zhanqian's view of the campaign shows %q", m)
		}
	}
	if strings.Contains(body, "/recheck") || strings.Contains(body, "/problems\"") {
		t.Errorf("zhanqian is offered the campaign's forms")
	}
	if n := cmpCounts(t, zqAPI, c.ID); n != (countsJSON{Found: 1, Late: 1, Open: 1}) {
		t.Errorf("zhanqian's counts %+v", n)
	}
	if st, _ := zq.post("/campaigns/problems/"+strconv.FormatInt(zp.ID, 10)+"/recheck", url.Values{"result": {"pass"}, "version": {"2"}}); st != http.StatusForbidden {
		t.Errorf("zhanqian re-checks: %d", st)
	}
	if st, _ := zq.post("/campaigns/problems/"+strconv.FormatInt(kp.ID, 10)+"/recheck", url.Values{"result": {"pass"}, "version": {"2"}}); st != http.StatusNotFound {
		t.Errorf("zhanqian re-checks 开西社区's problem: %d", st)
	}
	if n := cmpCounts(t, f.apiLogin(t, "town"), c.ID); n != (countsJSON{Found: 2, Late: 2, Open: 2}) {
		t.Errorf("the town's counts %+v", n)
	}
}
