package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/quota"
	"wuxing/internal/service"
	"wuxing/internal/storage"
)

// The fixture's clock stands at 2026-03-02 (Monday): quarter 2026Q1, 61 days of 2026 passed by
// the end of the day, so an office member is expected to have 80 × 61/365 = 13.36 hours.

// quotaTeam seeds a team of unit u with people, and an approved activity with each of them for
// hours on each of days (and one planned on planned, if given). It returns the team's id.
func quotaTeam(t *testing.T, f *fixture, u *org.Unit, name, title string, ps []*people.Person, centihours int, days []string, planned string) int64 {
	t.Helper()
	st := &storage.SeedTeam{Team: service.Team{UnitID: u.ID, Kind: service.VanguardTeam, Name: name}}
	for _, p := range ps {
		st.Members = append(st.Members, p.ID)
	}
	for _, d := range days {
		sa := storage.SeedActivity{Activity: service.Activity{Title: title, ServiceDate: d, Status: service.Approved}, Project: -1}
		for _, p := range ps {
			sa.Hours = append(sa.Hours, storage.SeedHours{PersonID: p.ID, Centihours: centihours})
		}
		st.Activities = append(st.Activities, sa)
	}
	if planned != "" {
		st.Activities = append(st.Activities, storage.SeedActivity{Activity: service.Activity{Title: title + "（计划）", ServiceDate: planned,
			Status: service.Planned}, Project: -1})
	}
	if err := f.db.SeedService(context.Background(), storage.System, &storage.ServiceSeed{Teams: []*storage.SeedTeam{st}}); err != nil {
		t.Fatalf("seed %s: %v", name, err)
	}
	return st.Team.ID
}

// quotaDays lists n distinct days of 2026Q1 before the fixture's today.
func quotaDays(n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, "2026-02-"+strconv.Itoa(10+i))
	}
	return out
}

// quotaWorld is the fixture with service records: 站前社区's team served 10 days this quarter
// (met), 开西社区's 3 (under); an office member of the town well ahead of pace, one of its
// department behind.
type quotaWorld struct {
	*fixture
	zqTeam, kxTeam   string
	zqTitle, kxTitle string
	ahead, behind    *people.Person
	teams            map[string]int64
}

func newQuotaWorld(t *testing.T) *quotaWorld {
	f := newFixture(t)
	q := &quotaWorld{fixture: f, zqTeam: "站前先锋队", kxTeam: "开西先锋队", zqTitle: "站前楼道清理", kxTitle: "开西义诊", teams: map[string]int64{}}
	q.teams[q.zqTeam] = quotaTeam(t, f, f.zq, q.zqTeam, q.zqTitle, []*people.Person{f.zqHead, f.zqCadre}, 200, quotaDays(10), "2026-03-05")
	q.teams[q.kxTeam] = quotaTeam(t, f, f.kx, q.kxTeam, q.kxTitle, []*people.Person{f.kxHead, f.kxCadre}, 300, quotaDays(3), "2026-03-12")
	person := func(u *org.Unit, name, phone string) *people.Person {
		p := &people.Person{UnitID: u.ID, Name: name, Gender: "F", BirthDate: "1980-01-01", Phone: phone, PartyMember: true,
			JoinedPartyOn: "2005-07-01", Categories: []people.Category{people.Cadre}}
		if err := f.db.CreatePerson(context.Background(), storage.System, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	q.ahead = person(f.town, "周机关", "13700000101")
	q.behind = person(f.dept, "吴站所", "13700000102")
	quotaTeam(t, f, f.town, "机关先锋队", "机关走访", []*people.Person{q.ahead}, 400, quotaDays(5), "")    // 20 hours
	quotaTeam(t, f, f.dept, "城建办先锋队", "城建办宣传", []*people.Person{q.behind}, 200, quotaDays(1), "") // 2 hours
	return q
}

type quotaAPI struct {
	Quarter       string `json:"quarter"`
	TeamsUnder    int    `json:"teams_under"`
	MembersBehind int    `json:"members_behind"`
	Rules         []struct {
		TownID      int64 `json:"town_id"`
		TeamDays    int   `json:"team_days"`
		MemberHours int   `json:"member_hours"`
		Weekday     int   `json:"weekday"`
		Version     int64 `json:"version"`
		Default     bool  `json:"default"`
	} `json:"rules"`
	Teams []struct {
		Name      string `json:"name"`
		Served    int    `json:"days_served"`
		Shortfall int    `json:"shortfall"`
		DaysLeft  int    `json:"days_left"`
		Met       bool   `json:"met"`
	} `json:"teams"`
	Members []struct {
		Name     string `json:"name"`
		Status   string `json:"status"`
		Hours    string `json:"hours"`
		Expected string `json:"hours_expected"`
		Behind   string `json:"hours_behind"`
	} `json:"members"`
}

func quotaGet(t *testing.T, c *client, path string) quotaAPI {
	t.Helper()
	st, body := c.api("GET", path, nil)
	if st != http.StatusOK {
		t.Fatalf("%s: %d %s", path, st, body)
	}
	var out quotaAPI
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestQuotaCompliance(t *testing.T) {
	q := newQuotaWorld(t)
	town := q.apiLogin(t, "town")
	res := quotaGet(t, town, "/api/v1/service/compliance")
	if res.Quarter != "2026Q1" || res.TeamsUnder != 3 || res.MembersBehind != 1 {
		// Under: 开西 (3 days), the office team (5 days) and the department's (1 day).
		t.Fatalf("compliance: %+v", res)
	}
	names := func(r quotaAPI) string {
		var s []string
		for _, x := range r.Teams {
			s = append(s, x.Name)
		}
		for _, x := range r.Members {
			s = append(s, x.Name)
		}
		return strings.Join(s, ",")
	}
	if n := names(res); !strings.Contains(n, q.kxTeam) || strings.Contains(n, q.zqTeam) || !strings.Contains(n, "吴站所") || strings.Contains(n, "周机关") {
		t.Errorf("under quota / behind: %s", n)
	}
	for _, x := range res.Teams {
		if x.Name == q.kxTeam && (x.Served != 3 || x.Shortfall != 7 || x.DaysLeft != 30 || x.Met) {
			t.Errorf("开西's standing: %+v", x)
		}
	}
	for _, m := range res.Members {
		if m.Name == "吴站所" && (m.Hours != "2" || m.Expected != "13.36" || m.Behind != "11.36") {
			t.Errorf("behind member: %+v", m)
		}
	}
	all := quotaGet(t, town, "/api/v1/service/compliance?all=1")
	if len(all.Teams) != 4 || len(all.Members) != 2 || !strings.Contains(names(all), q.zqTeam) {
		t.Errorf("all: %s", names(all))
	}
	// The sums are the ledger's: a later quarter has no days, the last one none either.
	next := quotaGet(t, town, "/api/v1/service/compliance?quarter=2026Q2&all=1")
	for _, x := range next.Teams {
		if x.Served != 0 || x.DaysLeft != 91 {
			t.Errorf("2026Q2: %+v", x)
		}
	}
	// The page: lists, the chart, the rules in force.
	c := q.login(t, "town")
	st, body := c.get("/service/compliance")
	if st != http.StatusOK || !strings.Contains(body, q.kxTeam) || !strings.Contains(body, "吴站所") || !strings.Contains(body, "<svg") ||
		!strings.Contains(body, "11.36") {
		t.Fatalf("compliance page: %d", st)
	}
	if strings.Contains(body, "周机关") {
		t.Error("a member on pace is listed as behind")
	}
	// The branch secretary sees their own community only, on the page and the API.
	zq := q.apiLogin(t, "zhanqian")
	mine := quotaGet(t, zq, "/api/v1/service/compliance?all=1")
	if n := names(mine); n != q.zqTeam {
		t.Errorf("zhanqian sees %q", n)
	}
	zc := q.login(t, "zhanqian")
	_, body = zc.get("/service/compliance?all=1")
	for _, m := range append(q.kxMarkers(), q.kxTeam, "吴站所", "周机关") {
		if strings.Contains(body, m) {
			t.Errorf("zhanqian's compliance page shows %q", m)
		}
	}
	// Bad input: a clear error.
	for _, p := range []string{"/service/compliance?quarter=2026Q5", "/service/compliance?quarter=2026-03", "/service/compliance?town=abc"} {
		if st, _ := c.get(p); st != http.StatusUnprocessableEntity && st != http.StatusBadRequest {
			t.Errorf("%s: %d", p, st)
		}
	}
	if st, _ := town.api("GET", "/api/v1/service/compliance?town="+strconv.FormatInt(q.zq.ID, 10), nil); st != http.StatusNotFound {
		t.Errorf("a community as a town: %d", st)
	}
}

func TestQuotaRules(t *testing.T) {
	q := newQuotaWorld(t)
	town := q.login(t, "town")
	st, body := town.get("/admin/service-rules")
	if st != http.StatusOK || !strings.Contains(body, `name="team_days"`) || !strings.Contains(body, `value="10"`) || !strings.Contains(body, `value="80"`) {
		t.Fatalf("rules page: %d", st)
	}
	tid := strconv.FormatInt(q.town.ID, 10)
	audits := func() int {
		var n int
		q.db.Raw().QueryRow(q.db.Dialect().Rebind("SELECT COUNT(*) FROM audit_log WHERE entity = ?"), "service_rules").Scan(&n)
		return n
	}
	// Bad values: the form again, nothing saved.
	for _, v := range []url.Values{
		{"town_id": {tid}, "version": {"0"}, "weekday": {"9"}, "team_days": {"10"}, "member_hours": {"80"}},
		{"town_id": {tid}, "version": {"0"}, "weekday": {"4"}, "team_days": {"0"}, "member_hours": {"80"}},
		{"town_id": {tid}, "version": {"0"}, "weekday": {"4"}, "team_days": {"10"}, "member_hours": {"abc"}},
		{"town_id": {tid}, "version": {"0"}, "weekday": {"4"}, "team_days": {"93"}, "member_hours": {"80"}},
	} {
		if st, body := town.post("/admin/service-rules", v); st != http.StatusUnprocessableEntity || !strings.Contains(body, "has-error") {
			t.Errorf("%v: %d", v, st)
		}
	}
	if n := audits(); n != 0 {
		t.Fatalf("bad input wrote %d audit entries", n)
	}
	// Save: Monday, 12 days, 100 hours.
	st, _ = town.post("/admin/service-rules", url.Values{"town_id": {tid}, "version": {"0"}, "weekday": {"1"}, "team_days": {"12"}, "member_hours": {"100"}})
	if st != http.StatusSeeOther {
		t.Fatalf("save: %d", st)
	}
	api := q.apiLogin(t, "town")
	res := quotaGet(t, api, "/api/v1/service/compliance")
	if len(res.Rules) != 1 || res.Rules[0].TeamDays != 12 || res.Rules[0].MemberHours != 100 || res.Rules[0].Weekday != 1 || res.Rules[0].Version != 1 || res.Rules[0].Default {
		t.Fatalf("rules after save: %+v", res.Rules)
	}
	// 站前's 10 days no longer meet 12.
	if res.TeamsUnder != 4 {
		t.Errorf("teams under with 12 days: %d", res.TeamsUnder)
	}
	// A stale version: 409, nothing changed; on the page and the API.
	st, _ = town.post("/admin/service-rules", url.Values{"town_id": {tid}, "version": {"0"}, "weekday": {"4"}, "team_days": {"8"}, "member_hours": {"80"}})
	if st != http.StatusConflict {
		t.Errorf("stale form: %d", st)
	}
	st, body = api.api("PUT", "/api/v1/service/rules", map[string]any{"town_id": q.town.ID, "weekday": 4, "team_days": 8, "member_hours": 80, "version": 0})
	if st != http.StatusConflict {
		t.Errorf("stale API: %d %s", st, body)
	}
	st, body = api.api("PUT", "/api/v1/service/rules", map[string]any{"town_id": q.town.ID, "weekday": 4, "team_days": 11, "member_hours": 90, "version": 1})
	if st != http.StatusOK || !strings.Contains(body, `"version":2`) {
		t.Errorf("API save: %d %s", st, body)
	}
	st, _ = api.api("PUT", "/api/v1/service/rules", map[string]any{"town_id": q.town.ID, "weekday": 4, "team_days": -1, "member_hours": 90, "version": 2})
	if st != http.StatusUnprocessableEntity {
		t.Errorf("API bad days: %d", st)
	}
	if n := audits(); n != 2 {
		t.Errorf("%d audit entries for two saves", n)
	}
	if res := quotaGet(t, api, "/api/v1/service/rules"); res.Rules[0].TeamDays != 11 || res.Rules[0].Version != 2 {
		t.Errorf("rules: %+v", res.Rules)
	}
	// A branch secretary may not configure; a community is no town.
	zq := q.login(t, "zhanqian")
	if st, _ := zq.get("/admin/service-rules"); st != http.StatusForbidden {
		t.Errorf("zhanqian's rules page: %d", st)
	}
	if st, _ := zq.post("/admin/service-rules", url.Values{"town_id": {tid}, "version": {"2"}, "weekday": {"4"}, "team_days": {"1"}, "member_hours": {"1"}}); st != http.StatusForbidden {
		t.Errorf("zhanqian's save: %d", st)
	}
	zqa := q.apiLogin(t, "zhanqian")
	if st, _ := zqa.api("PUT", "/api/v1/service/rules", map[string]any{"town_id": q.town.ID, "weekday": 4, "team_days": 1, "member_hours": 1, "version": 2}); st != http.StatusForbidden {
		t.Errorf("zhanqian's API save: %d", st)
	}
	if st, _ := api.api("PUT", "/api/v1/service/rules", map[string]any{"town_id": q.zq.ID, "weekday": 4, "team_days": 1, "member_hours": 1, "version": 0}); st != http.StatusNotFound {
		t.Errorf("rules of a community: %d", st)
	}
	if n := audits(); n != 2 {
		t.Errorf("refused saves wrote audit entries: %d", n)
	}
	// The secretary reads the rules in force in their town.
	if res := quotaGet(t, zqa, "/api/v1/service/rules"); len(res.Rules) != 1 || res.Rules[0].TeamDays != 11 {
		t.Errorf("zhanqian's rules: %+v", res.Rules)
	}
}

func TestQuotaCalendar(t *testing.T) {
	q := newQuotaWorld(t)
	town := q.login(t, "town")
	st, body := town.get("/service/calendar?month=2026-03")
	if st != http.StatusOK {
		t.Fatalf("calendar: %d", st)
	}
	for _, want := range []string{`id="d-2026-03-05"`, `id="d-2026-03-26"`, q.zqTitle + "（计划）", q.kxTitle + "（计划）",
		`action="/service/calendar/plan"`, `name="date" value="2026-03-05"`, "quota-themed"} {
		if !strings.Contains(body, want) {
			t.Errorf("calendar lacks %q", want)
		}
	}
	if strings.Contains(body, `id="d-2026-03-04"`) {
		t.Error("a Wednesday without activities is on the agenda")
	}
	// Holidays from the official calendar.
	if _, body := town.get("/service/calendar?month=2026-10"); !strings.Contains(body, "国庆节") {
		t.Error("October 2026 shows no National Day")
	}
	// The themed day follows the town's rules.
	q.db.SaveServiceRules(context.Background(), storage.System, quotaRulesOf(q.town.ID, 1))
	if _, body := town.get("/service/calendar?month=2026-03"); !strings.Contains(body, `id="d-2026-03-02"`) || strings.Contains(body, `id="d-2026-03-26"`) {
		t.Error("the calendar does not follow a Monday themed day")
	}
	// The secretary sees their own activities only, and cannot plan without managing service.
	zq := q.login(t, "zhanqian")
	_, body = zq.get("/service/calendar?month=2026-03")
	if !strings.Contains(body, q.zqTitle) || strings.Contains(body, q.kxTitle) {
		t.Error("zhanqian's calendar shows the wrong activities")
	}
	member := q.login(t, "zqmember")
	if _, body := member.get("/service/calendar?month=2026-03"); strings.Contains(body, "/service/calendar/plan") {
		t.Error("a member is offered to plan activities")
	}
	// Planning goes to the team's form with the day; another community's team is not found.
	st, _ = zq.get("/service/calendar/plan?date=2026-03-05&team=" + strconv.FormatInt(q.teams[q.zqTeam], 10))
	if st != http.StatusSeeOther {
		t.Errorf("plan: %d", st)
	}
	if st, _ := zq.get("/service/calendar/plan?date=2026-03-05&team=" + strconv.FormatInt(q.teams[q.kxTeam], 10)); st != http.StatusNotFound {
		t.Errorf("plan for 开西's team: %d", st)
	}
	if st, _ := zq.get("/service/calendar/plan?date=2026-02-30&team=" + strconv.FormatInt(q.teams[q.zqTeam], 10)); st != http.StatusUnprocessableEntity {
		t.Errorf("plan on a bad date: %d", st)
	}
	for _, p := range []string{"/service/calendar?month=2026-13", "/service/calendar?month=2026Q1"} {
		if st, _ := town.get(p); st != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", p, st)
		}
	}
}

func TestQuotaHonour(t *testing.T) {
	q := newQuotaWorld(t)
	town := q.login(t, "town")
	st, body := town.get("/service/honour?period=2026Q1")
	if st != http.StatusOK {
		t.Fatalf("honour: %d", st)
	}
	// 站前's two: 10 × 2 h = 20 h each; 周机关 5 × 4 h = 20 h; 开西's two 3 × 3 h = 9 h. Ties share rank 1.
	for _, want := range []string{q.zqHead.Name, q.kxHead.Name, "周机关", q.zqTeam, "20 小时"} {
		if !strings.Contains(body, want) {
			t.Errorf("honour roll lacks %q", want)
		}
	}
	roll, err := q.db.ServiceHonourRoll(context.Background(), storage.System, mustPeriod(t, "2026"), 10)
	if err != nil {
		t.Fatal(err)
	}
	if roll.Volunteers[0].Rank != 1 || roll.Volunteers[2].Rank != 1 || roll.Volunteers[3].Rank != 4 || roll.Volunteers[3].Centihours != 900 {
		t.Errorf("ranks: %+v", roll.Volunteers)
	}
	if roll.Teams[0].Name != q.zqTeam || roll.Teams[0].Days != 10 || roll.Teams[0].People != 2 {
		t.Errorf("teams: %+v", roll.Teams)
	}
	zq := q.login(t, "zhanqian")
	_, body = zq.get("/service/honour?period=2026")
	for _, m := range append(q.kxMarkers(), q.kxTeam, "周机关") {
		if strings.Contains(body, m) {
			t.Errorf("zhanqian's honour roll shows %q", m)
		}
	}
	if st, _ := town.get("/service/honour?period=2026Q9"); st != http.StatusUnprocessableEntity {
		t.Errorf("bad period: %d", st)
	}
	if _, body := town.get("/service/honour?period=2025"); !strings.Contains(body, "还没有") {
		t.Error("an empty year does not say so")
	}
}

// quotaRulesOf is a town's first rules with another themed weekday.
func quotaRulesOf(townID int64, weekday int) *quota.Rules {
	r := quota.Defaults(townID)
	r.Weekday = time.Weekday(weekday)
	return &r
}

func mustPeriod(t *testing.T, s string) quota.Period {
	t.Helper()
	p, ok := quota.ParsePeriod(s)
	if !ok {
		t.Fatalf("period %q", s)
	}
	return p
}
