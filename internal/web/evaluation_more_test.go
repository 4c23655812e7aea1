package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"wuxing/internal/evaluation"
	"wuxing/internal/people"
	"wuxing/internal/service"
	"wuxing/internal/storage"
	"wuxing/internal/talks"

	"github.com/xuri/excelize/v2"
)

// xlsxText reads every cell of an .xlsx's first sheet as one text.
func xlsxText(t *testing.T, b []byte) string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for _, r := range rows {
		sb.WriteString(strings.Join(r, "\t") + "\n")
	}
	return sb.String()
}

// The public index of a unit's satisfaction lists, and the list as .xlsx: closed rounds only,
// the unit's targets only, no personal data beyond the names and rates, rate-limited.
func TestEvaluationPublicIndex(t *testing.T) {
	f := newFixture(t)
	w := evalBuild(t, f)
	anon := f.anon(t)
	st, body := anon.get("/s/" + f.zq.Code)
	if st != http.StatusOK || !strings.Contains(body, w.closed.Name) || !strings.Contains(body, fmt.Sprintf(`href="/s/%s/%d"`, f.zq.Code, w.closed.ID)) {
		t.Fatalf("index: %d", st)
	}
	if strings.Contains(body, w.open.Name) || strings.Contains(body, fmt.Sprintf("/s/%s/%d", f.zq.Code, w.open.ID)) {
		t.Fatal("the index lists an open round")
	}
	// The index shows rounds, not people.
	for _, m := range append(f.kxMarkers(), w.zq.member.Name, w.kx.member.Name, f.zqHead.Name, f.zqHead.Phone) {
		if strings.Contains(body, m) {
			t.Fatalf("the index shows %q", m)
		}
	}
	if st, _ = anon.get("/s/nosuchunit"); st != http.StatusNotFound {
		t.Fatalf("unknown unit: %d", st)
	}
	// The list links to its spreadsheet, which holds the page's names and rates.
	_, body = anon.get(fmt.Sprintf("/s/%s/%d", f.zq.Code, w.closed.ID))
	xp := fmt.Sprintf("/s/%s/%d/list.xlsx", f.zq.Code, w.closed.ID)
	if !strings.Contains(body, xp) {
		t.Fatal("the list does not link its spreadsheet")
	}
	st, b := anon.download(xp)
	if st != http.StatusOK {
		t.Fatalf("xlsx: %d", st)
	}
	text := xlsxText(t, b)
	r := evalResultOf(t, f, w.closed.ID, w.zq.closedT)
	if !strings.Contains(text, w.zq.member.Name) || !strings.Contains(text, fmt.Sprintf("%.1f%%", r.Rate.Percent())) || !strings.Contains(text, "满意率") {
		t.Fatalf("xlsx content:\n%s", text)
	}
	for _, m := range append(f.kxMarkers(), w.kx.member.Name, f.zqHead.Phone) {
		if strings.Contains(text, m) {
			t.Fatalf("the xlsx shows %q", m)
		}
	}
	if st, _ = anon.download(fmt.Sprintf("/s/%s/%d/list.xlsx", f.zq.Code, w.open.ID)); st != http.StatusNotFound {
		t.Fatalf("open round's xlsx: %d", st)
	}
	// The same limiter as the ballots: it runs out, and then every public page says so.
	limited := false
	for range evalBallotBurst + 1 {
		if st, _ = anon.get("/s/" + f.zq.Code); st == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("the index is not rate-limited")
	}
	if st, _ = anon.download(xp); st != http.StatusTooManyRequests {
		t.Fatalf("xlsx past the limit: %d", st)
	}
	if st, _ = anon.get("/b"); st != http.StatusTooManyRequests {
		t.Fatalf("the code form past the limit: %d", st)
	}
}

// evalPNG is a small PNG file, base64 as the tally API takes it.
func evalPNG(t *testing.T) string {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 3)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// apiFields are the field names of an API error.
func apiFields(t *testing.T, body string) []string {
	t.Helper()
	var e struct {
		Error apiError `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("error body: %v %s", err, body)
	}
	var out []string
	for _, f := range e.Error.Fields {
		out = append(out, f.Field)
	}
	return out
}

// Meeting tallies through the API: scoped like the pages, entered by one official and confirmed
// by another, bad input refused with nothing changed.
func TestEvaluationTallyAPI(t *testing.T) {
	f := newFixture(t)
	w := evalBuild(t, f)
	ctx := context.Background()
	zq, kx, town := f.apiLogin(t, "zhanqian"), f.apiLogin(t, "kaixi"), f.apiLogin(t, "town")
	tallyPath := func(unit int64) string {
		return fmt.Sprintf("/api/v1/evaluation/rounds/%d/units/%d/tally", w.open.ID, unit)
	}
	unchanged := func(id int64, want *storage.EvalTally) {
		t.Helper()
		x, err := f.db.EvalTally(ctx, storage.System, id)
		if err != nil || x.Version != want.Version || x.BallotsIssued != want.BallotsIssued || x.Status != want.Status {
			t.Fatalf("tally %d changed: %+v → %+v (%v)", id, want, x, err)
		}
	}
	kxTally, _ := f.db.EvalTally(ctx, storage.System, w.kx.tally)
	zqTally, _ := f.db.EvalTally(ctx, storage.System, w.zq.tally)

	// Scope: 开西's tally is not found for 站前, to read, enter or confirm.
	line := func(target int64, s, b int) map[string]any {
		return map[string]any{"target_id": target, "dimension": "speed", "satisfied": s, "basic": b}
	}
	if st, body := zq.api("GET", tallyPath(f.kx.ID), nil); st != http.StatusNotFound || strings.Contains(body, w.kx.member.Name) {
		t.Fatalf("zhanqian reads 开西's tally: %d", st)
	}
	if st, _ := zq.api("POST", tallyPath(f.kx.ID), map[string]any{"ballots_issued": 9, "version": kxTally.Version,
		"lines": []any{line(w.kx.target, 9, 0)}}); st != http.StatusNotFound {
		t.Fatalf("zhanqian enters 开西's tally: %d", st)
	}
	if st, _ := zq.api("POST", fmt.Sprintf("/api/v1/evaluation/tallies/%d/confirm", w.kx.tally), map[string]any{"version": kxTally.Version}); st != http.StatusNotFound {
		t.Fatalf("zhanqian confirms 开西's tally: %d", st)
	}
	unchanged(w.kx.tally, kxTally)

	// Reading its own: the targets, the lines, what the caller may do.
	st, body := zq.api("GET", tallyPath(f.zq.ID), nil)
	var got struct {
		Tally apiTallyView `json:"tally"`
	}
	if err := json.Unmarshal([]byte(body), &got); st != http.StatusOK || err != nil {
		t.Fatalf("read: %d %v", st, err)
	}
	if got.Tally.Tally == nil || got.Tally.Tally.ID != w.zq.tally || len(got.Tally.Lines) == 0 || !got.Tally.CanEnter ||
		!strings.Contains(body, w.zq.member.Name) || strings.Contains(body, w.kx.member.Name) {
		t.Fatalf("read: %s", body)
	}

	// Bad input: more answers than ballots, a target of another unit, a photo that is not one,
	// an unknown field — a clear error each, nothing changed.
	for _, c := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"over", map[string]any{"ballots_issued": 10, "version": zqTally.Version, "lines": []any{line(w.zq.target, 8, 3)}}, fmt.Sprintf("c_%d_speed", w.zq.target)},
		{"other unit", map[string]any{"ballots_issued": 10, "version": zqTally.Version, "lines": []any{line(w.kx.target, 8, 0)}}, ""},
		{"photo", map[string]any{"ballots_issued": 10, "version": zqTally.Version, "lines": []any{line(w.zq.target, 8, 0)}, "photo": "bm90IGEgcGhvdG8="}, ""},
		{"unknown field", map[string]any{"ballots_issued": 10, "version": zqTally.Version, "lines": []any{}, "extra": 1}, ""},
	} {
		st, body := zq.api("POST", tallyPath(f.zq.ID), c.body)
		if st != http.StatusUnprocessableEntity && st != http.StatusBadRequest {
			t.Fatalf("%s: %d %s", c.name, st, body)
		}
		if c.field != "" && !strings.Contains(strings.Join(apiFields(t, body), " "), c.field) {
			t.Fatalf("%s: fields %v", c.name, apiFields(t, body))
		}
		unchanged(w.zq.tally, zqTally)
	}
	// A stale version: 409.
	if st, _ := zq.api("POST", tallyPath(f.zq.ID), map[string]any{"ballots_issued": 10, "version": zqTally.Version - 1,
		"lines": []any{line(w.zq.target, 8, 2)}}); st != http.StatusConflict {
		t.Fatalf("stale: %d", st)
	}
	unchanged(w.zq.tally, zqTally)

	// A correction with a new photo of the sheet.
	st, body = zq.api("POST", tallyPath(f.zq.ID), map[string]any{"ballots_issued": 10, "version": zqTally.Version, "notes": "党员大会",
		"lines": []any{line(w.zq.target, 8, 2)}, "photo": evalPNG(t), "photo_name": "sheet.png"})
	if st != http.StatusOK {
		t.Fatalf("enter: %d %s", st, body)
	}
	x, _ := f.db.EvalTally(ctx, storage.System, w.zq.tally)
	if x.BallotsIssued != 10 || x.Version != zqTally.Version+1 || x.PhotoID == zqTally.PhotoID {
		t.Fatalf("entered: %+v", x)
	}
	// The enterer cannot confirm; 开西 cannot; a stale version is refused; the town confirms.
	confirm := func(c *client, v int64) int {
		st, _ := c.api("POST", fmt.Sprintf("/api/v1/evaluation/tallies/%d/confirm", x.ID), map[string]any{"version": v})
		return st
	}
	if st := confirm(zq, x.Version); st != http.StatusUnprocessableEntity {
		t.Fatalf("self-confirm: %d", st)
	}
	if st := confirm(kx, x.Version); st != http.StatusNotFound {
		t.Fatalf("开西 confirms: %d", st)
	}
	if st := confirm(town, x.Version-1); st != http.StatusConflict {
		t.Fatalf("stale confirm: %d", st)
	}
	before := evalResultOf(t, f, w.open.ID, w.zq.target)
	if st := confirm(town, x.Version); st != http.StatusOK {
		t.Fatalf("confirm: %d", st)
	}
	after := evalResultOf(t, f, w.open.ID, w.zq.target)
	if after.Ballots != before.Ballots+10 || after.Dimensions[0].Satisfied != before.Dimensions[0].Satisfied+8 {
		t.Fatalf("the confirmed tally does not count: %+v → %+v", before, after)
	}
	// A confirmed tally is closed to changes.
	if st, _ := town.api("POST", tallyPath(f.zq.ID), map[string]any{"ballots_issued": 10, "version": x.Version + 1,
		"lines": []any{line(w.zq.target, 1, 0)}}); st == http.StatusOK {
		t.Fatal("a confirmed tally was changed")
	}
}

// The annual review through the API: a branch's sheet, grades with the 优秀 share check, scope.
func TestAnnualReviewAPI(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for i := range 4 {
		p := &people.Person{UnitID: f.zqGrid.ID, Name: "评议党员" + strconv.Itoa(i+1), Gender: "M", BirthDate: "1985-01-01", PartyMember: true,
			JoinedPartyOn: "2010-07-01"}
		if err := f.db.CreatePerson(ctx, storage.System, p); err != nil {
			t.Fatal(err)
		}
	}
	year := talks.YearOf(f.clock.Now())
	if _, err := f.db.OpenReview(ctx, storage.System, f.zq.ID, year); err != nil {
		t.Fatal(err)
	}
	zq, kx := f.apiLogin(t, "zhanqian"), f.apiLogin(t, "kaixi")
	sheetPath := fmt.Sprintf("/api/v1/evaluation/reviews?unit=%d&year=%d", f.zq.ID, year)
	st, body := zq.api("GET", sheetPath, nil)
	var sheet struct {
		CanEdit bool          `json:"can_edit"`
		Review  apiReviewView `json:"review"`
	}
	if err := json.Unmarshal([]byte(body), &sheet); st != http.StatusOK || err != nil {
		t.Fatalf("sheet: %d %v", st, err)
	}
	es := sheet.Review.Entries
	if !sheet.CanEdit || len(es) != 6 || sheet.Review.MaxExcellent != 2 || sheet.Review.Undecided != 6 || !strings.Contains(body, f.zqHead.Name) {
		t.Fatalf("sheet: %s", body)
	}
	if strings.Contains(body, f.zqHead.Phone) {
		t.Fatal("the sheet shows a phone")
	}
	entryPath := func(e apiReviewEntry) string {
		return "/api/v1/evaluation/reviews/entries/" + strconv.FormatInt(e.ID, 10)
	}
	stored := func(e apiReviewEntry) *talks.Entry {
		t.Helper()
		x, _, _, err := f.db.ReviewEntry(ctx, storage.System, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}

	// Scope: 开西 neither reads nor grades 站前's review; its own list does not show it.
	if st, body := kx.api("GET", sheetPath, nil); st != http.StatusNotFound || strings.Contains(body, f.zqHead.Name) {
		t.Fatalf("kaixi reads 站前's review: %d", st)
	}
	if st, _ := kx.api("POST", entryPath(es[0]), map[string]any{"grade": "qualified", "version": es[0].Version}); st != http.StatusNotFound {
		t.Fatalf("kaixi grades 站前's member: %d", st)
	}
	if st, body := kx.api("GET", fmt.Sprintf("/api/v1/evaluation/reviews?year=%d", year), nil); st != http.StatusOK || strings.Contains(body, "站前社区") {
		t.Fatalf("kaixi's list: %d %s", st, body)
	}
	if e := stored(es[0]); e.Grade != "" || e.Version != es[0].Version {
		t.Fatal("kaixi's grade changed the entry")
	}

	// The figures, then the grade alone: the figures stay.
	st, body = zq.api("POST", entryPath(es[0]), map[string]any{"self_review": "认真履职", "mutual_score": 95,
		"poll": map[string]int{"excellent": 20, "qualified": 3}, "version": es[0].Version})
	if st != http.StatusOK {
		t.Fatalf("figures: %d %s", st, body)
	}
	if st, body = zq.api("POST", entryPath(es[0]), map[string]any{"grade": "excellent", "version": es[0].Version + 1}); st != http.StatusOK {
		t.Fatalf("grade: %d %s", st, body)
	}
	if e := stored(es[0]); e.Grade != talks.Excellent || e.SelfReview != "认真履职" || e.MutualScore != 95 || e.Poll.Excellent != 20 || e.DecidedBy == "" {
		t.Fatalf("entry: %+v", e)
	}
	if st, _ = zq.api("POST", entryPath(es[1]), map[string]any{"grade": "excellent", "version": es[1].Version}); st != http.StatusOK {
		t.Fatalf("second excellent: %d", st)
	}
	// A third 优秀 of six is over the share; a grade off the list, a score over 100, a stale
	// version: each refused, the entry unchanged.
	for _, c := range []struct {
		name   string
		body   map[string]any
		status int
		field  string
	}{
		{"over the share", map[string]any{"grade": "excellent", "version": es[2].Version}, http.StatusUnprocessableEntity, "grade"},
		{"bad grade", map[string]any{"grade": "great", "version": es[2].Version}, http.StatusUnprocessableEntity, "grade"},
		{"bad score", map[string]any{"mutual_score": 120, "version": es[2].Version}, http.StatusUnprocessableEntity, "mutual_score"},
		{"stale", map[string]any{"grade": "qualified", "version": es[2].Version - 1}, http.StatusConflict, ""},
	} {
		st, body := zq.api("POST", entryPath(es[2]), c.body)
		if st != c.status {
			t.Fatalf("%s: %d %s", c.name, st, body)
		}
		if c.field != "" && !strings.Contains(strings.Join(apiFields(t, body), " "), c.field) {
			t.Fatalf("%s: fields %v", c.name, apiFields(t, body))
		}
		if e := stored(es[2]); e.Grade != "" || e.Version != es[2].Version || e.MutualScore != -1 {
			t.Fatalf("%s changed the entry: %+v", c.name, e)
		}
	}
	if !strings.Contains(body, "优秀最多 2 名") {
		// body is the last answer; the share's message is checked on its own.
		_, body = zq.api("POST", entryPath(es[2]), map[string]any{"grade": "excellent", "version": es[2].Version})
		if !strings.Contains(body, "优秀最多 2 名") {
			t.Fatalf("over the share: %s", body)
		}
	}
	st, body = zq.api("GET", sheetPath, nil)
	if st != http.StatusOK || !strings.Contains(body, `"excellent":2`) {
		t.Fatalf("counts: %s", body)
	}
}

// Service teams as targets, through the web: the town adds two communities' teams to a round,
// a resident rates 站前's team on a ballot, and the team's results and trend follow; each
// community sees its own team only.
func TestEvaluationTeamTargets(t *testing.T) {
	f := newFixture(t)
	ctx, sys := context.Background(), storage.System
	zqTeam := &service.Team{UnitID: f.zq.ID, Kind: service.VolunteerTeam, Name: "站前红马甲服务队"}
	kxTeam := &service.Team{UnitID: f.kx.ID, Kind: service.VanguardTeam, Name: "开西党员先锋队"}
	for _, tm := range []*service.Team{zqTeam, kxTeam} {
		if err := f.db.CreateServiceTeam(ctx, sys, tm); err != nil {
			t.Fatal(err)
		}
	}
	// An earlier round, closed: a confirmed meeting tally rates 站前's team at 60%.
	early := &evaluation.Round{UnitID: f.town.ID, Name: "2026上半年民主评议", PeriodLabel: "2026-H1", MinBallots: 1, BasicWeight: 100}
	if err := f.db.CreateEvalRound(ctx, sys, early); err != nil {
		t.Fatal(err)
	}
	early, err := f.db.AddEvalTargets(ctx, sys, early.ID, early.Version, []storage.NewEvalTarget{{Kind: evaluation.Team, TeamID: zqTeam.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if early, err = f.db.OpenEvalRound(ctx, sys, early.ID, early.Version); err != nil {
		t.Fatal(err)
	}
	exs, _ := f.db.EvalTargets(ctx, sys, early.ID)
	var lines []evaluation.TallyLine
	for _, d := range early.Dimensions {
		lines = append(lines, evaluation.TallyLine{TargetID: exs[0].ID, Dimension: d, Counts: evaluation.Counts{Satisfied: 3, Dissatisfied: 2}})
	}
	x, err := f.db.EnterTally(ctx, sys, early.ID, f.zq.ID, storage.NewTally{BallotsIssued: 5, Lines: lines, Photo: evalTestPhoto()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.ConfirmTally(ctx, sys, x.ID, x.Version); err != nil {
		t.Fatal(err)
	}
	if early, _, err = f.db.EvalRound(ctx, sys, early.ID); err != nil {
		t.Fatal(err)
	}
	if _, err = f.db.CloseEvalRound(ctx, sys, early.ID, early.Version); err != nil {
		t.Fatal(err)
	}

	// The town's new round, through the pages.
	town := f.login(t, "town")
	if st, _ := town.post("/evaluation/rounds", url.Values{"unit_id": {strconv.FormatInt(f.town.ID, 10)}, "name": {"2026下半年民主评议"},
		"period_kind": {"half"}, "period_label": {"2026-H2"}, "dimensions": {"speed", "process", "result"}, "basic_weight": {"50"},
		"min_ballots": {"1"}}); st != http.StatusSeeOther {
		t.Fatalf("create: %d", st)
	}
	rs, _, _ := f.db.EvalRounds(ctx, sys, storage.EvalRoundFilter{Status: evaluation.Draft})
	if len(rs) != 1 {
		t.Fatalf("draft rounds: %v", rs)
	}
	rd := rs[0]
	base := fmt.Sprintf("/evaluation/rounds/%d", rd.ID)
	if st, body := town.get(base + "/targets?unit=" + strconv.FormatInt(f.zq.ID, 10)); st != http.StatusOK || !strings.Contains(body, zqTeam.Name) ||
		!strings.Contains(body, fmt.Sprintf(`value="t:%d"`, zqTeam.ID)) {
		t.Fatalf("picker: %d", st)
	}
	// An unknown team: refused, nothing added.
	pick := func(ids ...int64) url.Values {
		v := url.Values{"version": {strconv.FormatInt(rd.Version, 10)}}
		for _, id := range ids {
			v.Add("pick", "t:"+strconv.FormatInt(id, 10))
		}
		return v
	}
	if st, _ := town.post(base+"/targets", pick(zqTeam.ID, 999999)); st != http.StatusUnprocessableEntity {
		t.Fatalf("an unknown team: %d", st)
	}
	if xs, _ := f.db.EvalTargets(ctx, sys, rd.ID); len(xs) != 0 {
		t.Fatalf("a refused pick added %d targets", len(xs))
	}
	if st, _ := town.post(base+"/targets", pick(zqTeam.ID, kxTeam.ID)); st != http.StatusSeeOther {
		t.Fatalf("add teams: %d", st)
	}
	xs, _ := f.db.EvalTargets(ctx, sys, rd.ID)
	tgt := map[int64]storage.EvalTarget{}
	for _, x := range xs {
		if x.Kind != evaluation.Team {
			t.Fatalf("target %+v is not a team", x)
		}
		tgt[x.TeamID] = x
	}
	if len(tgt) != 2 || tgt[zqTeam.ID].BranchID != f.zq.ID || tgt[kxTeam.ID].BranchID != f.kx.ID {
		t.Fatalf("targets: %+v", xs)
	}
	if st, _ := town.post(base+"/open", url.Values{"version": {strconv.FormatInt(rd.Version+1, 10)}}); st != http.StatusSeeOther {
		t.Fatalf("open: %d", st)
	}
	st, body := town.post(base+"/ballots", url.Values{"unit_id": {strconv.FormatInt(f.zq.ID, 10)}, "count": {"2"}})
	codes := regexp.MustCompile(`evaluation-code">([A-Z0-9]{5}-[A-Z0-9]{5})<`).FindAllStringSubmatch(body, -1)
	if st != http.StatusOK || len(codes) != 2 {
		t.Fatalf("ballots: %d %v", st, codes)
	}

	// A resident rates the team: its ballot shows 站前's team only; 开西's team is refused.
	zt, kt := tgt[zqTeam.ID], tgt[kxTeam.ID]
	code := strings.ReplaceAll(codes[0][1], "-", "")
	c, st, body := evalResident(t, f, code)
	if st != http.StatusOK || !strings.Contains(body, zqTeam.Name) || strings.Contains(body, kxTeam.Name) {
		t.Fatalf("ballot: %d", st)
	}
	if st, _ = c.post("/b/"+code, evalBallotForm(kt.ID, rd.Dimensions, "satisfied")); st != http.StatusUnprocessableEntity {
		t.Fatalf("rating 开西's team on 站前's ballot: %d", st)
	}
	v := evalBallotForm(zt.ID, []string{"speed", "process"}, "satisfied")
	v.Set(fmt.Sprintf("r_%d_result", zt.ID), "basic")
	if st, body = c.post("/b/"+code, v); st != http.StatusOK || !strings.Contains(body, "投票成功") {
		t.Fatalf("vote: %d", st)
	}
	// Two of three satisfied, one basic at 50%: (2 + 0.5) / 3 = 83.3%.
	res := evalResultOf(t, f, rd.ID, zt.ID)
	if res.Ballots != 1 || res.Overall.Satisfied != 2 || res.Overall.Basic != 1 || fmt.Sprintf("%.1f", res.Rate.Percent()) != "83.3" {
		t.Fatalf("result: %+v", res)
	}
	if st, body = town.get(base + "/results"); st != http.StatusOK || !strings.Contains(body, zqTeam.Name) || !strings.Contains(body, "83.3%") ||
		!strings.Contains(body, kxTeam.Name) {
		t.Fatalf("results: %d", st)
	}
	// The trend: both rounds, 60% then 83.3%, with the chart.
	st, body = town.get(fmt.Sprintf("/evaluation/targets/%d/trend", zt.ID))
	if st != http.StatusOK || !strings.Contains(body, "<svg") || !strings.Contains(body, "2026-H1") || !strings.Contains(body, "2026-H2") ||
		!strings.Contains(body, "60.0%") || !strings.Contains(body, "83.3%") || !strings.Contains(body, zqTeam.Name) {
		t.Fatalf("trend: %d", st)
	}
	// Scope: 站前 sees its team's results and trend, never 开西's team.
	zq := f.login(t, "zhanqian")
	if st, body = zq.get(base + "/results"); st != http.StatusOK || !strings.Contains(body, zqTeam.Name) || strings.Contains(body, kxTeam.Name) {
		t.Fatalf("zhanqian's results: %d", st)
	}
	if st, _ = zq.get(fmt.Sprintf("/evaluation/targets/%d/trend", kt.ID)); st != http.StatusNotFound {
		t.Fatalf("zhanqian opens 开西's team trend: %d", st)
	}
	if st, body = zq.get(fmt.Sprintf("/evaluation/targets/%d/trend", zt.ID)); st != http.StatusOK || !strings.Contains(body, "83.3%") {
		t.Fatalf("zhanqian's team trend: %d", st)
	}
}
