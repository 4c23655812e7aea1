package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"wuxing/internal/errs"
	"wuxing/internal/livelihood"
	"wuxing/internal/storage"
)

type livAPIResult struct {
	Project livProjectJSON  `json:"project"`
	Reports []livReportJSON `json:"reports"`
	Error   struct {
		Code   string
		Fields []struct{ Field, Message string }
	} `json:"error"`
}

// livGet reads a project through the API and checks the rule the whole area rests on: what is
// done is exactly the sum of the reports in force, and completion and status follow from it.
func livGet(t *testing.T, c *client, id int64) livAPIResult {
	t.Helper()
	st, body := c.api("GET", "/api/v1/livelihood/"+strconv.FormatInt(id, 10), nil)
	if st != http.StatusOK {
		t.Fatalf("api project: %d %s", st, body)
	}
	var res livAPIResult
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	var sum livelihood.Quantity
	for _, r := range res.Reports {
		q, ok := livelihood.ParseQuantity(r.Quantity)
		if !ok {
			t.Fatalf("report quantity %q", r.Quantity)
		}
		if !r.Superseded {
			sum += q
		}
	}
	done, _ := livelihood.ParseQuantity(res.Project.Done)
	target, _ := livelihood.ParseQuantity(res.Project.Target)
	if done != sum {
		t.Errorf("done %s is not the sum of the reports in force %s", res.Project.Done, sum)
	}
	if res.Project.Percent != livelihood.Percent(sum, target) || res.Project.Status != string(livelihood.StatusOf(sum, target, res.Project.Closed)) {
		t.Errorf("percent %d, status %s do not follow from %s of %s", res.Project.Percent, res.Project.Status, sum, target)
	}
	return res
}

func TestLivelihoodFlow(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	web, api := f.login(t, "zhanqian"), f.apiLogin(t, "zhanqian")
	year := strconv.Itoa(f.clock.Now().In(cst).Year())
	today := livelihood.Today(f.clock.Now())
	audits := func() int {
		n, err := f.db.AuditCount(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	form := url.Values{"unit_id": {strconv.FormatInt(f.zq.ID, 10)}, "title": {"户厕改造"}, "category": {"sanitation"},
		"measure": {"户"}, "target": {"2409"}, "year": {year}, "deadline": {year + "-12-31"}, "description": {"农村户厕无害化改造"}}

	t.Run("BadProjectChangesNothing", func(t *testing.T) {
		for _, c := range []struct{ field, value string }{{"target", "0"}, {"target", "-5"}, {"target", "abc"}, {"target", "1.234"},
			{"title", ""}, {"measure", ""}, {"year", "1999"}, {"category", "x"}, {"unit_id", strconv.FormatInt(f.kx.ID, 10)},
			{"unit_id", strconv.FormatInt(f.zqGrid.ID, 10)}} {
			v := cloneValues(form)
			v.Set(c.field, c.value)
			before := audits()
			st, body := web.post("/livelihood", v)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, `class="err"`) {
				t.Errorf("%s=%q: %d", c.field, c.value, st)
			}
			if audits() != before {
				t.Errorf("%s=%q changed data", c.field, c.value)
			}
		}
		list, _, _ := f.db.LivelihoodProjects(ctx, storage.System, storage.LivelihoodFilter{})
		if len(list) != 0 {
			t.Errorf("%d projects after bad input", len(list))
		}
	})

	st, _ := web.post("/livelihood", form)
	if st != http.StatusSeeOther {
		t.Fatalf("create: %d", st)
	}
	list, _, err := f.db.LivelihoodProjects(ctx, storage.System, storage.LivelihoodFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("projects: %v %d", err, len(list))
	}
	id := list[0].ID
	path := "/livelihood/" + strconv.FormatInt(id, 10)
	p := livGet(t, api, id)
	if p.Project.Status != "planned" || p.Project.Target != "2409" || p.Project.Done != "0" {
		t.Fatalf("new project: %+v", p.Project)
	}

	t.Run("Claim", func(t *testing.T) {
		v := livGet(t, api, id).Project.Version
		// An official of another community may not lead it.
		before := audits()
		st, _ := web.post(path+"/claim", url.Values{"person_id": {strconv.FormatInt(f.kxCadre.ID, 10)}, "version": {strconv.FormatInt(v, 10)}})
		if st != http.StatusUnprocessableEntity || audits() != before {
			t.Errorf("claim by another community's cadre: %d", st)
		}
		// The secretary's account has no person: claiming "myself" says so.
		st, body := web.post(path+"/claim", url.Values{"version": {strconv.FormatInt(v, 10)}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "未关联人员") {
			t.Errorf("self-claim without a person: %d", st)
		}
		st, _ = web.post(path+"/claim", url.Values{"person_id": {strconv.FormatInt(f.zqCadre.ID, 10)}, "post": {"社区党支部书记"}, "version": {strconv.FormatInt(v, 10)}})
		if st != http.StatusSeeOther {
			t.Fatalf("claim: %d", st)
		}
		got := livGet(t, api, id).Project
		if len(got.Leaders) != 1 || got.Leaders[0].Name != f.zqCadre.Name || got.Leaders[0].Post != "社区党支部书记" || got.Leaders[0].ClaimedBy != "zhanqian" {
			t.Errorf("leaders: %+v", got.Leaders)
		}
		// The old version is spent.
		st, _ = web.post(path+"/claim", url.Values{"person_id": {strconv.FormatInt(f.zqHead.ID, 10)}, "version": {strconv.FormatInt(v, 10)}})
		if st != http.StatusConflict {
			t.Errorf("claim with a stale version: %d", st)
		}
	})

	report := func(qty, day string) (int, string) {
		v := livGet(t, api, id).Project.Version
		return web.cmpMultipart(path+"/reports", url.Values{"quantity": {qty}, "day": {day}, "note": {"第" + qty + "户完成验收"},
			"version": {strconv.FormatInt(v, 10)}})
	}

	t.Run("ReportsAddUpPastTarget", func(t *testing.T) {
		for _, q := range []string{"1000", "2000", "884"} {
			if st, body := report(q, today); st != http.StatusSeeOther {
				t.Fatalf("report %s: %d %s", q, st, body)
			}
		}
		got := livGet(t, api, id)
		if got.Project.Done != "3884" || got.Project.Percent != 161 || got.Project.Status != "completed" {
			t.Errorf("after 3884 of 2409: %+v", got.Project)
		}
		if len(got.Reports) != 3 || len(got.Reports[0].Photos) != 1 {
			t.Errorf("reports: %+v", got.Reports)
		}
		_, body := web.get(path)
		if !strings.Contains(body, "161%") || !strings.Contains(body, "3884") {
			t.Error("the page does not show 161% and 3884")
		}
		// The photo is served to who sees the project, and to nobody else.
		photo := got.Reports[0].Photos[0]
		if st, _ := web.get(photo + "/thumb"); st != http.StatusOK {
			t.Errorf("thumb: %d", st)
		}
		if st, _ := f.login(t, "kaixi").get(photo); st != http.StatusNotFound {
			t.Errorf("kaixi reads the photo: %d", st)
		}
	})

	t.Run("BadReportChangesNothing", func(t *testing.T) {
		before, done := audits(), livGet(t, api, id).Project.Done
		for _, c := range []struct{ qty, day string }{{"-5", today}, {"0", today}, {"abc", today}, {"", today}, {"10", "2999-01-01"},
			{"10", "1999-01-01"}, {"10", "someday"}} {
			st, body := report(c.qty, c.day)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, `class="err"`) {
				t.Errorf("report %q on %q: %d", c.qty, c.day, st)
			}
		}
		// Through the API: the same rules, and a stale version is a conflict.
		v := livGet(t, api, id).Project.Version
		st, _ := api.api("POST", "/api/v1/livelihood/"+strconv.FormatInt(id, 10)+"/reports", map[string]any{"day": today, "quantity": "-1", "version": v})
		if st != http.StatusUnprocessableEntity {
			t.Errorf("api negative: %d", st)
		}
		st, _ = api.api("POST", "/api/v1/livelihood/"+strconv.FormatInt(id, 10)+"/reports", map[string]any{"day": today, "quantity": "1", "version": v - 1})
		if st != http.StatusConflict {
			t.Errorf("api stale version: %d", st)
		}
		if audits() != before || livGet(t, api, id).Project.Done != done {
			t.Error("bad reports changed data")
		}
	})

	t.Run("CorrectionReplacesAReport", func(t *testing.T) {
		got := livGet(t, api, id)
		second := got.Reports[1]
		v := strconv.FormatInt(got.Project.Version, 10)
		cpath := "/livelihood/reports/" + strconv.FormatInt(second.ID, 10) + "/correct"
		if st, _ := web.post(cpath, url.Values{"quantity": {"1500"}, "note": {""}, "version": {v}}); st != http.StatusUnprocessableEntity {
			t.Errorf("correction without a reason: %d", st)
		}
		if st, _ := web.post(cpath, url.Values{"quantity": {"-1"}, "note": {"录入错误"}, "version": {v}}); st != http.StatusUnprocessableEntity {
			t.Errorf("negative correction: %d", st)
		}
		if st, _ := web.post(cpath, url.Values{"quantity": {"1500"}, "note": {"重复统计500户"}, "version": {v}}); st != http.StatusSeeOther {
			t.Fatalf("correction: %d", st)
		}
		got = livGet(t, api, id)
		if got.Project.Done != "3384" || len(got.Reports) != 4 || !got.Reports[1].Superseded {
			t.Errorf("after correcting 2000 to 1500: done %s, reports %+v", got.Project.Done, got.Reports)
		}
		// A superseded report cannot be corrected again.
		if st, _ := web.post(cpath, url.Values{"quantity": {"1"}, "note": {"再改"}, "version": {strconv.FormatInt(got.Project.Version, 10)}}); st != http.StatusConflict {
			t.Errorf("correcting a superseded report: %d", st)
		}
		// Withdrawing a report altogether: a correction to zero.
		last := got.Reports[len(got.Reports)-1]
		if st, _ := web.post("/livelihood/reports/"+strconv.FormatInt(last.ID, 10)+"/correct", url.Values{"quantity": {"0"},
			"note": {"整体重报"}, "version": {strconv.FormatInt(got.Project.Version, 10)}}); st != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", st)
		}
		got = livGet(t, api, id)
		if got.Project.Done != "1884" || got.Project.Status != "in_progress" || got.Project.Percent != 78 {
			t.Errorf("after withdrawing 1500: %+v", got.Project)
		}
	})

	t.Run("Decimals", func(t *testing.T) {
		if st, _ := report("0.5", today); st != http.StatusSeeOther {
			t.Fatalf("decimal report: %d", st)
		}
		if got := livGet(t, api, id).Project.Done; got != "1884.5" {
			t.Errorf("done %s", got)
		}
	})

	t.Run("CloseAndReopen", func(t *testing.T) {
		v := strconv.FormatInt(livGet(t, api, id).Project.Version, 10)
		if st, _ := web.post(path+"/close", url.Values{"action": {"close"}, "version": {v}}); st != http.StatusSeeOther {
			t.Fatalf("close: %d", st)
		}
		got := livGet(t, api, id).Project
		if got.Status != "completed" || !got.Closed {
			t.Errorf("closed: %+v", got)
		}
		if st, _ := report("1", today); st != http.StatusUnprocessableEntity {
			t.Errorf("report on a closed project: %d", st)
		}
		if st, _ := web.post(path+"/close", url.Values{"action": {"close"}, "version": {v}}); st != http.StatusConflict {
			t.Errorf("close with a stale version: %d", st)
		}
		v = strconv.FormatInt(got.Version, 10)
		if st, _ := web.post(path+"/close", url.Values{"action": {"reopen"}, "version": {v}}); st != http.StatusSeeOther {
			t.Fatalf("reopen: %d", st)
		}
		if got := livGet(t, api, id).Project; got.Status != "in_progress" {
			t.Errorf("reopened: %+v", got)
		}
	})

	t.Run("EditWithStaleVersion", func(t *testing.T) {
		got := livGet(t, api, id).Project
		v := cloneValues(form)
		v.Set("version", strconv.FormatInt(got.Version-1, 10))
		v.Set("title", "户厕改造（改）")
		if st, _ := web.post(path, v); st != http.StatusConflict {
			t.Errorf("stale edit: %d", st)
		}
		v.Set("version", strconv.FormatInt(got.Version, 10))
		v.Set("year", strconv.Itoa(f.clock.Now().In(cst).Year()+1))
		if st, _ := web.post(path, v); st != http.StatusUnprocessableEntity {
			t.Errorf("moving the year past the reports: %d", st)
		}
		v.Set("year", year)
		if st, _ := web.post(path, v); st != http.StatusSeeOther {
			t.Errorf("edit: %d", st)
		}
		if got := livGet(t, api, id).Project; got.Title != "户厕改造（改）" {
			t.Errorf("title %q", got.Title)
		}
	})

	t.Run("OtherCommunityCannotSeeOrChange", func(t *testing.T) {
		kx, kxAPI := f.login(t, "kaixi"), f.apiLogin(t, "kaixi")
		before := audits()
		for _, pth := range []string{path, path + "/edit"} {
			if st, _ := kx.get(pth); st != http.StatusNotFound {
				t.Errorf("kaixi GET %s: %d", pth, st)
			}
		}
		if st, _ := kxAPI.api("GET", "/api/v1/livelihood/"+strconv.FormatInt(id, 10), nil); st != http.StatusNotFound {
			t.Errorf("kaixi api: %d", st)
		}
		v := strconv.FormatInt(livGet(t, api, id).Project.Version, 10)
		if st, _ := kx.cmpMultipart(path+"/reports", url.Values{"quantity": {"5"}, "day": {today}, "version": {v}}); st != http.StatusNotFound {
			t.Errorf("kaixi reports on 站前's project: %d", st)
		}
		if st, _ := kxAPI.api("POST", "/api/v1/livelihood/"+strconv.FormatInt(id, 10)+"/reports", map[string]any{"day": today, "quantity": "5", "version": livGet(t, api, id).Project.Version}); st != http.StatusNotFound {
			t.Errorf("kaixi reports through the API: %d", st)
		}
		if audits() != before {
			t.Error("kaixi changed data")
		}
		_, body := kx.get("/livelihood")
		if strings.Contains(body, "户厕改造") {
			t.Error("kaixi's list shows 站前's project")
		}
	})

	t.Run("MemberSeesButCannotReport", func(t *testing.T) {
		m := f.login(t, "zqmember")
		if st, _ := m.get(path); st != http.StatusOK {
			t.Errorf("member reads: %d", st)
		}
		v := strconv.FormatInt(livGet(t, api, id).Project.Version, 10)
		if st, _ := m.cmpMultipart(path+"/reports", url.Values{"quantity": {"5"}, "day": {today}, "version": {v}}); st != http.StatusForbidden {
			t.Errorf("member reports: %d", st)
		}
	})

	t.Run("PublicList", func(t *testing.T) {
		_, body := f.anon(t).get("/l/" + f.zq.Code)
		for _, want := range []string{"户厕改造（改）", f.zqCadre.Name, "社区党支部书记", "1884.5"} {
			if !strings.Contains(body, want) {
				t.Errorf("public list lacks %q", want)
			}
		}
		for _, never := range []string{f.zqCadre.Phone, "完成验收", "重复统计"} {
			if strings.Contains(body, never) {
				t.Errorf("public list shows %q", never)
			}
		}
		if st, _ := f.anon(t).get("/l/" + f.zqGrid.Code); st != http.StatusNotFound {
			t.Errorf("a grid's public list: %d", st)
		}
	})

	t.Run("ListFiltersAndExport", func(t *testing.T) {
		for q, want := range map[string]bool{"": true, "?status=in_progress": true, "?status=completed": false, "?year=" + year: true,
			"?year=2001": false, "?unit=" + strconv.FormatInt(f.zq.ID, 10): true} {
			_, body := web.get("/livelihood" + q)
			if got := strings.Contains(body, "户厕改造（改）"); got != want {
				t.Errorf("list %s shows it: %v", q, got)
			}
		}
		if st, _ := web.get("/livelihood?status=bogus"); st != http.StatusUnprocessableEntity {
			t.Errorf("bad status filter: %d", st)
		}
		if st, _ := web.get("/livelihood?unit=" + strconv.FormatInt(f.kx.ID, 10)); st != http.StatusNotFound {
			t.Errorf("another community as a filter: %d", st)
		}
		if st, _ := web.get("/livelihood/export.xlsx?unit=" + strconv.FormatInt(f.kx.ID, 10)); st != http.StatusNotFound {
			t.Errorf("another community as an export filter: %d", st)
		}
		st, body := web.get("/livelihood/export.xlsx")
		if st != http.StatusOK || !strings.Contains(unpackXLSX([]byte(body)), "户厕改造（改）") {
			t.Errorf("export: %d", st)
		}
		st, body = api.api("GET", "/api/v1/livelihood?status=in_progress", nil)
		if st != http.StatusOK || !strings.Contains(body, "户厕改造（改）") {
			t.Errorf("api list: %d %s", st, body)
		}
	})
}

// TestLivelihoodConcurrentReports sends two reports built on the same version at once: one is
// stored, the other is a conflict, and what is done is the one report.
func TestLivelihoodConcurrentReports(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := &livelihood.Project{UnitID: f.zq.ID, Title: "路灯安装", Category: livelihood.Environment, Measure: "盏", Target: livelihood.Units(40),
		Year: f.clock.Now().In(cst).Year()}
	if err := f.db.CreateLivelihoodProject(ctx, storage.System, p); err != nil {
		t.Fatal(err)
	}
	today := livelihood.Today(f.clock.Now())
	errc := make(chan error, 2)
	for range 2 {
		go func() {
			errc <- f.db.ReportLivelihoodProgress(ctx, storage.System, p.ID, p.Version,
				&livelihood.Report{Day: today, Quantity: livelihood.Units(7)}, nil)
		}()
	}
	var ok, conflicts int
	for range 2 {
		switch err := <-errc; {
		case err == nil:
			ok++
		case errs.Code(err) == errs.ECONFLICT:
			conflicts++
		default:
			t.Fatalf("report: %v", err)
		}
	}
	got, rs, _, err := f.db.LivelihoodProject(ctx, storage.System, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ok != 1 || conflicts != 1 || got.Done != livelihood.Units(7) || len(rs) != 1 || livelihood.Done(rs) != got.Done {
		t.Errorf("%d stored, %d conflicts, done %s, %d reports", ok, conflicts, got.Done, len(rs))
	}
}

// TestLivelihoodPublicRateLimit: the public list answers 429 once a client has read it too often.
func TestLivelihoodPublicRateLimit(t *testing.T) {
	f := newFixture(t)
	c := f.anon(t)
	for i := range livPublicBurst {
		if st, _ := c.get("/l/" + f.zq.Code); st != http.StatusOK {
			t.Fatalf("read %d: %d", i+1, st)
		}
	}
	if st, _ := c.get("/l/" + f.zq.Code); st != http.StatusTooManyRequests {
		t.Errorf("read %d: %d, want 429", livPublicBurst+1, st)
	}
}
