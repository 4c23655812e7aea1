package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"wuxing/internal/cases"
	"wuxing/internal/figures"
	"wuxing/internal/org"
	"wuxing/internal/storage"
)

// figuresWorld is the fixture with a built set of cases whose counts are known: in 站前社区 the
// fixture's untouched case and six more (satisfied, basically satisfied, reworked and
// dissatisfied, rejected, accepted late, resolved late); in 开西社区 the fixture's case and one
// satisfied; one 开西社区 case from 2025; and a third community, 新区社区, with no cases.
type figuresWorld struct {
	*fixture
	xq     *org.Unit
	zqWant figures.Counts
	kxWant figures.Counts
}

func newFiguresWorld(t *testing.T) *figuresWorld {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	sys := storage.System
	cats, err := f.db.Categories(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	var road int64
	for _, c := range cats {
		if c.Code == "road" { // accept within 1 working day, resolve within 5
			road = c.ID
		}
	}
	t0 := f.clock.Now() // Monday 2026-03-02, 17:00 in China: when the fixture's cases came in
	newCase := func(u *org.Unit, title string) *cases.Case {
		c := &cases.Case{UnitID: u.ID, List: cases.Appeal, CategoryID: road, Urgency: cases.Normal, Channel: cases.Hotline,
			Title: title, ReporterName: "居民"}
		if _, err := f.db.CreateCase(ctx, sys, c, storage.NewCase{}); err != nil {
			t.Fatalf("case %s: %v", title, err)
		}
		return c
	}
	act := func(c *cases.Case, a cases.Action, in cases.Input) {
		t.Helper()
		x, err := f.db.Act(ctx, sys, c.ID, a, in, c.Version)
		if err != nil {
			t.Fatalf("%s %s: %v", c.Title, a, err)
		}
		*c = *x
	}
	dispatch := func(c *cases.Case, to int64) {
		act(c, cases.Accept, cases.Input{})
		act(c, cases.Dispatch, cases.Input{AssigneeKind: cases.ToPerson, AssigneeID: to})
		act(c, cases.Start, cases.Input{})
	}
	resolve := func(c *cases.Case) {
		act(c, cases.Resolve, cases.Input{Result: "已处理", Method: cases.PairingHelp})
	}
	rate := func(c *cases.Case, r cases.Rating) {
		act(c, cases.CheckPass, cases.Input{})
		act(c, cases.Rate, cases.Input{Rating: r})
	}

	// One 开西社区 case from last year: outside this year's figures.
	f.clock.Set(time.Date(2025, 6, 3, 2, 0, 0, 0, time.UTC))
	old := newCase(f.kx, "去年的工单")
	act(old, cases.Accept, cases.Input{})
	f.clock.Set(t0.Add(time.Minute))

	a := newCase(f.zqGrid, "满意的工单")
	b := newCase(f.zq, "基本满意的工单")
	c := newCase(f.zq, "返工的工单")
	d := newCase(f.zq, "不予受理的工单")
	e := newCase(f.zq, "受理迟了的工单")
	l := newCase(f.zq, "办结迟了的工单")
	g := newCase(f.kx, "开西满意的工单")
	for _, x := range []*cases.Case{a, b, c, l} {
		dispatch(x, f.zqCadre.ID)
	}
	dispatch(g, f.kxCadre.ID)
	act(d, cases.Reject, cases.Input{Reason: "不属于本社区"})

	f.clock.Set(t0.Add(24 * time.Hour)) // Tuesday: well within five working days
	resolve(a)
	rate(a, cases.Satisfied)
	resolve(b)
	rate(b, cases.BasicSatisfied)
	resolve(g)
	rate(g, cases.Satisfied)
	resolve(c)
	act(c, cases.CheckFail, cases.Input{Reason: "路面仍有坑洼"})
	resolve(c) // again, within the new time limit
	rate(c, cases.Dissatisfied)

	f.clock.Set(t0.Add(10 * 24 * time.Hour)) // the next week but one: past both limits
	act(e, cases.Accept, cases.Input{})
	resolve(l)

	return &figuresWorld{fixture: f, xq: figuresUnit(t, f, "410902003003", "新区社区"),
		zqWant: figures.Counts{Received: 7, Taken: 6, Responded: 5, Resolved: 4, OnTime: 3, Delivered: 4,
			Rated: 3, Satisfied: 1, BasicSatisfied: 1, Dissatisfied: 1, Reworked: 1},
		kxWant: figures.Counts{Received: 2, Taken: 2, Responded: 1, Resolved: 1, OnTime: 1, Delivered: 1,
			Rated: 1, Satisfied: 1}}
}

func figuresUnit(t *testing.T, f *fixture, code, name string) *org.Unit {
	u := &org.Unit{Kind: org.Community, Code: code, Name: name, ParentID: f.town.ID}
	if err := f.db.CreateUnit(context.Background(), storage.System, u); err != nil {
		t.Fatal(err)
	}
	return u
}

// figuresYear is this year's period as the store takes it.
func figuresYear() storage.FigureQuery {
	return storage.FigureQuery{From: time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)}
}

func TestFiguresAggregateMatchesTheBuiltCases(t *testing.T) {
	w := newFiguresWorld(t)
	ctx := context.Background()
	q := figuresYear()
	q.UnitID = w.town.ID
	rep, err := w.db.Figures(ctx, storage.System, q)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]figures.Counts{}
	for _, e := range rep.Entries {
		got[e.ID] = e.Counts
	}
	if len(rep.Entries) != 3 {
		t.Fatalf("entries %+v, want 站前, 开西 and 新区", rep.Entries)
	}
	if got[w.zq.ID] != w.zqWant {
		t.Errorf("站前社区 counts\n got %+v\nwant %+v", got[w.zq.ID], w.zqWant)
	}
	if got[w.kx.ID] != w.kxWant {
		t.Errorf("开西社区 counts\n got %+v\nwant %+v", got[w.kx.ID], w.kxWant)
	}
	if got[w.xq.ID] != (figures.Counts{}) {
		t.Errorf("新区社区 counts %+v, want none", got[w.xq.ID])
	}
	if rep.Settings.UnitID != 0 || rep.Settings.Settings != figures.Default() {
		t.Errorf("settings %+v, want the defaults", rep.Settings)
	}
	// The pure computation over these counts: response 5/7, resolution 4/6, satisfaction 2/3.
	f := figures.Compute(got[w.zq.ID], rep.Settings.Settings)
	want := 0.30*500/7.0 + 0.35*400/6.0 + 0.35*200/3.0
	if math.Abs(f.Composite-want) > 1e-9 {
		t.Errorf("composite %v, want %v", f.Composite, want)
	}

	// Last year holds only the old case; a community alone holds itself.
	q = storage.FigureQuery{UnitID: w.town.ID, From: time.Date(2024, 12, 31, 16, 0, 0, 0, time.UTC), To: figuresYear().From}
	rep, err = w.db.Figures(ctx, storage.System, q)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range rep.Entries {
		want := figures.Counts{}
		if e.ID == w.kx.ID {
			want = figures.Counts{Received: 1, Taken: 1, Responded: 1}
		}
		if e.Counts != want {
			t.Errorf("2025, %s: %+v, want %+v", e.Name, e.Counts, want)
		}
	}
	q = figuresYear()
	q.UnitID = w.zq.ID
	if rep, err = w.db.Figures(ctx, storage.System, q); err != nil || len(rep.Entries) != 1 || rep.Entries[0].Counts != w.zqWant {
		t.Fatalf("站前社区 alone: %+v %v", rep, err)
	}

	// A grid is not a unit figures are kept for; an empty period is refused.
	q.UnitID = w.zqGrid.ID
	if _, err := w.db.Figures(ctx, storage.System, q); err == nil {
		t.Error("figures of a grid answered")
	}
	if _, err := w.db.Figures(ctx, storage.System, storage.FigureQuery{UnitID: w.town.ID, From: q.To, To: q.From}); err == nil {
		t.Error("a period ending before it starts answered")
	}
}

// figuresAPI is the JSON of /api/v1/figures.
type figuresAPI struct {
	Unit struct {
		ID   int64
		Name string
	}
	From, To string
	Settings struct {
		Weights     map[string]int
		BasicWeight float64 `json:"basic_weight"`
		MinCases    int     `json:"min_cases"`
	}
	Definitions []struct {
		Rate        string
		Numerator   []string
		Denominator string
		Weight      int
		Text        string
	}
	Total figuresAPIUnit
	Units []figuresAPIUnit
}

type figuresAPIUnit struct {
	ID       int64
	Name     string
	Rank     int
	FewCases bool `json:"few_cases"`
	Counts   map[string]int
	Rates    map[string]struct {
		Num float64
		Den int
		Pct *float64
	}
	Composite *float64
}

func (w *figuresWorld) apiFigures(t *testing.T, user, query string) (int, figuresAPI, string) {
	t.Helper()
	st, body := w.apiLogin(t, user).api("GET", "/api/v1/figures"+query, nil)
	var out figuresAPI
	if st == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatalf("api figures: %v\n%s", err, body)
		}
	}
	return st, out, body
}

func TestFiguresPageAndAPIShowTheRanking(t *testing.T) {
	w := newFiguresWorld(t)
	town := w.login(t, "town")
	st, body := town.get("/figures?unit=" + strconv.FormatInt(w.town.ID, 10))
	if st != http.StatusOK {
		t.Fatalf("town figures: %d\n%s", st, body)
	}
	for _, s := range []string{"站前社区", "开西社区", "新区社区", "建设办", "2026-01-01", "2026-12-31",
		"71.4%", // 站前 response 5/7
		"66.7%", // 站前 resolution 4/6, satisfaction (1 + 1) / 3
		"75.0%", // on time 3/4
		"25.0%", // rework 1/4
		"件数不足",  // 开西 (2 cases) and 新区 (none) are under the minimum of 5
		"（满意 + 基本满意 × 1）÷ 已评价的件数",
		"响应率 × 30% + 解决率 × 35% + 满意率 × 35%",
	} {
		if !strings.Contains(html.UnescapeString(body), s) {
			t.Errorf("town figures page lacks %q", s)
		}
	}
	// Every count links to the case list of the records it counts.
	zq := strconv.FormatInt(w.zq.ID, 10)
	for _, n := range []figures.Count{figures.Responded, figures.Resolved, figures.OnTime, figures.Rated, figures.Satisfied,
		figures.BasicSatisfied, figures.Reworked, figures.Taken, figures.Delivered} {
		link := "/cases?" + url.Values{"figure": {string(n)}, "from": {"2026-01-01"}, "to": {"2026-12-31"}, "unit": {zq}}.Encode()
		if !strings.Contains(body, strings.ReplaceAll(link, "&", "&amp;")) {
			t.Errorf("no link to %s", link)
		}
	}
	if !strings.Contains(body, strings.ReplaceAll("/cases?from=2026-01-01&to=2026-12-31&unit="+zq, "&", "&amp;")) {
		t.Error("no link to the received cases")
	}
	// The chart: one bar per village with a score, the one under the minimum grey.
	if !strings.Contains(body, "<svg") || strings.Count(body, `<rect class="fig-bar`) != 2 || strings.Count(body, `fig-bar fig-few`) != 1 {
		t.Errorf("chart: %d bars, %d grey", strings.Count(body, `<rect class="fig-bar`), strings.Count(body, "fig-bar fig-few"))
	}

	st, res, raw := w.apiFigures(t, "town", "?unit="+strconv.FormatInt(w.town.ID, 10))
	if st != http.StatusOK {
		t.Fatalf("api: %d %s", st, raw)
	}
	if res.Unit.ID != w.town.ID || res.From != "2026-01-01" || res.To != "2026-12-31" || len(res.Definitions) != 5 ||
		res.Settings.Weights["response"] != 30 || res.Settings.BasicWeight != 1 || res.Settings.MinCases != 5 {
		t.Fatalf("api header %+v", res)
	}
	if d := res.Definitions[3]; d.Rate != "satisfaction" || d.Denominator != "rated" || len(d.Numerator) != 2 || d.Text == "" {
		t.Errorf("satisfaction definition %+v", d)
	}
	if len(res.Units) != 3 || res.Units[0].ID != w.zq.ID || res.Units[0].Rank != 1 || res.Units[0].FewCases {
		t.Fatalf("ranking %+v", res.Units)
	}
	for _, u := range res.Units[1:] {
		if u.Rank != 0 || !u.FewCases {
			t.Errorf("%s: rank %d few %v, want flagged and unranked", u.Name, u.Rank, u.FewCases)
		}
	}
	// The API's numbers are the pure computation's.
	want := figures.Rank([]figures.Entry{{ID: w.zq.ID, Name: "站前社区", Counts: w.zqWant}}, figures.Default())[0]
	zqJSON := res.Units[0]
	if zqJSON.Composite == nil || *zqJSON.Composite != want.Score() {
		t.Errorf("composite %v, want %v", zqJSON.Composite, want.Score())
	}
	for _, v := range want.Values {
		r := zqJSON.Rates[string(v.Rate)]
		if r.Den != v.Den || r.Num != v.Num || r.Pct == nil || math.Abs(*r.Pct-v.Pct) > 1e-9 {
			t.Errorf("%s: %+v, want %+v", v.Rate, r, v)
		}
	}
	for _, n := range figures.CountNames {
		if zqJSON.Counts[string(n)] != w.zqWant.Get(n) {
			t.Errorf("count %s: %d, want %d", n, zqJSON.Counts[string(n)], w.zqWant.Get(n))
		}
	}
	if res.Total.Counts["received"] != 9 || res.Total.Counts["reworked"] != 1 {
		t.Errorf("total %+v", res.Total.Counts)
	}
	if r := res.Units[2].Rates["response"]; r.Pct != nil || r.Den != 0 {
		t.Errorf("新区社区 response %+v, want no rate", r)
	}
	// Last year, through the period parameters.
	_, res, _ = w.apiFigures(t, "town", "?unit="+strconv.FormatInt(w.town.ID, 10)+"&from=2025-01-01&to=2025-12-31")
	if res.Total.Counts["received"] != 1 {
		t.Errorf("2025 total %+v", res.Total.Counts)
	}
}

func TestFiguresScope(t *testing.T) {
	w := newFiguresWorld(t)
	zq := w.login(t, "zhanqian")
	st, body := zq.get("/figures")
	if st != http.StatusOK || !strings.Contains(body, "站前社区") || !strings.Contains(body, "71.4%") {
		t.Fatalf("zhanqian's own figures: %d", st)
	}
	if m := containsAny(body, append(w.kxMarkers(), "新区社区")); m != "" {
		t.Errorf("zhanqian's figures show %q", m)
	}
	for _, u := range []*org.Unit{w.kx, w.town, w.county} {
		path := "/figures?unit=" + strconv.FormatInt(u.ID, 10)
		if st, body := zq.get(path); st != http.StatusNotFound || containsAny(body, w.kxMarkers()) != "" {
			t.Errorf("zhanqian GET %s: %d", path, st)
		}
		if st, _, _ := w.apiFigures(t, "zhanqian", "?unit="+strconv.FormatInt(u.ID, 10)); st != http.StatusNotFound {
			t.Errorf("zhanqian API %s: %d", path, st)
		}
	}
	st, res, raw := w.apiFigures(t, "zhanqian", "")
	if st != http.StatusOK || res.Unit.ID != w.zq.ID || len(res.Units) != 1 || res.Units[0].ID != w.zq.ID {
		t.Fatalf("zhanqian API: %d %s", st, raw)
	}
	if m := containsAny(raw, append(w.kxMarkers(), "新区社区")); m != "" {
		t.Errorf("zhanqian's API shows %q", m)
	}
	// A grid worker's own unit is a grid: told so, not failed.
	if st, body := w.login(t, "zqgrid").get("/figures"); st != http.StatusOK || !strings.Contains(body, "网格、楼栋和镇直部门不单独统计") {
		t.Errorf("grid worker: %d", st)
	}
	// Settings belong to those who configure case settings.
	if st, _ := zq.get("/admin/figures"); st != http.StatusForbidden {
		t.Errorf("zhanqian GET /admin/figures: %d", st)
	}
	before, _ := w.db.AuditCount(context.Background())
	st, _ = zq.post("/admin/figures", url.Values{"unit_id": {strconv.FormatInt(w.town.ID, 10)}, "version": {"0"},
		"w_response": {"100"}, "w_resolution": {"0"}, "w_on_time": {"0"}, "w_satisfaction": {"0"}, "w_rework": {"0"},
		"basic_weight": {"100"}, "min_cases": {"0"}})
	if after, _ := w.db.AuditCount(context.Background()); st != http.StatusForbidden && st != http.StatusNotFound || after != before {
		t.Errorf("zhanqian POST /admin/figures: %d, audit %d → %d", st, before, after)
	}
}

func TestFiguresSettings(t *testing.T) {
	w := newFiguresWorld(t)
	ctx := context.Background()
	town := w.login(t, "town")
	townID := strconv.FormatInt(w.town.ID, 10)
	st, body := town.get("/admin/figures")
	if st != http.StatusOK || !strings.Contains(body, `name="w_satisfaction"`) || !strings.Contains(body, `value="35"`) ||
		!strings.Contains(body, "系统默认") {
		t.Fatalf("settings page: %d", st)
	}
	form := func(version string, weights ...string) url.Values {
		v := url.Values{"unit_id": {townID}, "version": {version}, "basic_weight": {"80"}, "min_cases": {"2"}}
		for i, r := range figures.Rates {
			v.Set(figures.WeightField(r), weights[i])
		}
		return v
	}
	audit := func() int { n, _ := w.db.AuditCount(ctx); return n }

	t.Run("ErrWeightsNotSumming", func(t *testing.T) {
		before := audit()
		st, body := town.post("/admin/figures", form("0", "30", "35", "0", "30", "0"))
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "各项权重之和须为 100%，现在是 95%") {
			t.Fatalf("95%%: %d", st)
		}
		if !strings.Contains(body, `value="30"`) {
			t.Error("the form lost what was entered")
		}
		if _, fs, _ := w.db.FigureSettingsAt(ctx, storage.System, w.town.ID); fs.UnitID != 0 || audit() != before {
			t.Errorf("a refused set changed something: %+v", fs)
		}
		st, _ = town.post("/admin/figures", form("0", "x", "35", "0", "30", "0"))
		if st != http.StatusUnprocessableEntity {
			t.Errorf("a weight that is no number: %d", st)
		}
	})

	t.Run("OK", func(t *testing.T) {
		st, _ := town.post("/admin/figures", form("0", "40", "30", "0", "30", "0"))
		if st != http.StatusSeeOther {
			t.Fatalf("save: %d", st)
		}
		_, fs, err := w.db.FigureSettingsAt(ctx, storage.System, w.zq.ID) // a community below uses the town's
		want := figures.Settings{Response: 40, Resolution: 30, Satisfaction: 30, BasicWeight: 80, MinCases: 2}
		if err != nil || fs.UnitID != w.town.ID || fs.Settings != want || fs.Version != 1 {
			t.Fatalf("settings at 站前社区: %+v %v", fs, err)
		}
		st, res, _ := w.apiFigures(t, "town", "?unit="+townID)
		if st != http.StatusOK || res.Settings.BasicWeight != 0.8 || res.Settings.Weights["response"] != 40 || res.Settings.MinCases != 2 {
			t.Fatalf("api settings %+v", res.Settings)
		}
		// 开西社区 now has enough cases, and both rank; 站前's satisfaction is (1 + 0.8) / 3.
		if res.Units[0].Rank == 0 || res.Units[1].Rank == 0 || res.Units[2].Rank != 0 {
			t.Errorf("ranks %d %d %d", res.Units[0].Rank, res.Units[1].Rank, res.Units[2].Rank)
		}
		for _, u := range res.Units {
			if u.ID == w.zq.ID {
				if p := u.Rates["satisfaction"].Pct; p == nil || math.Abs(*p-60) > 1e-9 {
					t.Errorf("satisfaction with weight 0.8: %v", p)
				}
			}
		}
		_, body := town.get("/figures?unit=" + townID)
		body = html.UnescapeString(body)
		if !strings.Contains(body, "× 0.8") || !strings.Contains(body, "响应率 × 40%") || !strings.Contains(body, "由建设办设定") {
			t.Error("the figures page does not show the new definitions")
		}
	})

	t.Run("ErrStaleVersion", func(t *testing.T) {
		before := audit()
		st, _ := town.post("/admin/figures", form("0", "100", "0", "0", "0", "0")) // made as if there were no row
		if st != http.StatusConflict {
			t.Errorf("stale create: %d", st)
		}
		if st, _ := town.post("/admin/figures", form("7", "100", "0", "0", "0", "0")); st != http.StatusConflict {
			t.Errorf("stale update: %d", st)
		}
		if audit() != before {
			t.Error("a stale save changed something")
		}
		if st, _ := town.post("/admin/figures", form("1", "20", "20", "20", "20", "20")); st != http.StatusSeeOther {
			t.Errorf("update with the version read: %d", st)
		}
	})

	t.Run("ErrNotATown", func(t *testing.T) {
		v := form("0", "100", "0", "0", "0", "0")
		v.Set("unit_id", strconv.FormatInt(w.zq.ID, 10))
		if st, _ := town.post("/admin/figures", v); st != http.StatusUnprocessableEntity {
			t.Errorf("settings on a community: %d", st)
		}
	})

	t.Run("Reset", func(t *testing.T) {
		if st, _ := town.post("/admin/figures", url.Values{"unit_id": {townID}, "version": {"1"}, "action": {"reset"}}); st != http.StatusConflict {
			t.Errorf("stale reset: %d", st)
		}
		if st, _ := town.post("/admin/figures", url.Values{"unit_id": {townID}, "version": {"2"}, "action": {"reset"}}); st != http.StatusSeeOther {
			t.Fatalf("reset: %d", st)
		}
		if _, fs, _ := w.db.FigureSettingsAt(ctx, storage.System, w.town.ID); fs.UnitID != 0 || fs.Settings != figures.Default() {
			t.Errorf("after reset: %+v", fs)
		}
	})
}

func TestFiguresBadPeriod(t *testing.T) {
	w := newFiguresWorld(t)
	town := w.login(t, "town")
	for _, q := range []string{"?from=2026-13-01", "?to=yesterday", "?from=2026-06-01&to=2026-05-31", "?unit=abc"} {
		st, body := town.get("/figures" + q)
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "alert") {
			t.Errorf("GET /figures%s: %d", q, st)
		}
		if st, _, _ := w.apiFigures(t, "town", q); st != http.StatusUnprocessableEntity {
			t.Errorf("API %s: %d", q, st)
		}
	}
}

// TestFiguresBrowserMobile opens the town's figures and the settings page at 360 px in a real
// Chromium: they must fit the screen, and the chart must be drawn. Screenshots are kept in
// test-artifacts/.
func TestFiguresBrowserMobile(t *testing.T) {
	exe := os.Getenv(envChromium)
	if exe == "" {
		t.Skipf("browser test skipped: %s is not set", envChromium)
	}
	w := newFiguresWorld(t)
	dir := artifactsDir(t)
	ctx := newBrowser(t, exe)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(w.ts.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login-form")),
		chromedp.SendKeys(chromedp.ID("username"), "town"),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("login-form")),
		chromedp.WaitNotPresent(chromedp.ID("login-form")),
	); err != nil {
		t.Fatalf("log in: %v", err)
	}
	for _, p := range []struct{ name, path, want string }{
		{"figures-town", "/figures?unit=" + strconv.FormatInt(w.town.ID, 10), "村（社区）赛马排名"},
		{"figures-admin", "/admin/figures", "综合得分权重"},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(w.ts.URL+p.path), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			t.Fatalf("open %s: %v", p.path, err)
		}
		var bars int
		if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
			bars, err = chromedp.Evaluate[int](`document.querySelectorAll("svg rect.fig-bar").length`)(ctx, tg)
			return err
		})); err != nil {
			t.Fatalf("count the bars: %v", err)
		}
		pg := readPage(t, ctx)
		if pg.status != http.StatusOK || !strings.Contains(pg.text, p.want) {
			t.Errorf("%s: status %d, shows %q: %v", p.path, pg.status, p.want, strings.Contains(pg.text, p.want))
		}
		pg.mustBeMobileChinese(t, p.path)
		if p.name == "figures-town" && bars != 2 {
			t.Errorf("%s: %d bars drawn, want 2", p.path, bars)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Errorf("screenshot: %v", err)
			continue
		}
		f := filepath.Join(dir, fmt.Sprintf("browser-%s.png", p.name))
		if err := os.WriteFile(f, png, 0o644); err != nil {
			t.Error(err)
		}
		t.Logf("screenshot: %s", f)
	}
}
