package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"wuxing/internal/evaluation"
	"wuxing/internal/storage"
)

// evalResult reads one target's result through the store.
func evalResultOf(t *testing.T, f *fixture, roundID, target int64) storage.EvalResult {
	t.Helper()
	_, res, err := f.db.EvalResults(context.Background(), storage.System, roundID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range res {
		if x.Target.ID == target {
			return x
		}
	}
	t.Fatalf("no result for target %d", target)
	return storage.EvalResult{}
}

// evalResident opens a ballot page as a resident and returns the client with its CSRF token.
func evalResident(t *testing.T, f *fixture, cred string) (*client, int, string) {
	c := f.anon(t)
	st, body := c.get("/b/" + cred)
	if m := csrfRE.FindStringSubmatch(body); m != nil {
		c.csrf = m[1]
	}
	return c, st, body
}

func evalBallotForm(target int64, dims []string, r string) url.Values {
	v := url.Values{}
	for _, d := range dims {
		v.Set(fmt.Sprintf("r_%d_%s", target, d), r)
	}
	return v
}

func TestEvaluationBallot(t *testing.T) {
	f := newFixture(t)
	w := evalBuild(t, f)
	dims := w.open.Dimensions
	tok := w.zq.tokens[0]

	c, st, body := evalResident(t, f, tok)
	if st != http.StatusOK || !strings.Contains(body, w.zq.member.Name) || !strings.Contains(body, w.zq.member2.Name) {
		t.Fatalf("ballot page: %d", st)
	}
	for _, m := range append(f.kxMarkers(), w.kx.member.Name, f.zqHead.Name, f.zqHead.Phone) {
		if strings.Contains(body, m) {
			t.Fatalf("the ballot shows %q", m)
		}
	}
	before := evalResultOf(t, f, w.open.ID, w.zq.target)

	// A rating off the scale, another unit's target, nothing rated: refused, nothing counted.
	st, body = c.post("/b/"+tok, evalBallotForm(w.zq.target, dims, "excellent"))
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择满意、基本满意或不满意") {
		t.Fatalf("off the scale: %d", st)
	}
	st, _ = c.post("/b/"+tok, evalBallotForm(w.kx.target, dims, "satisfied"))
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("another unit's target: %d", st)
	}
	st, _ = c.post("/b/"+tok, url.Values{})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("empty ballot: %d", st)
	}
	if after := evalResultOf(t, f, w.open.ID, w.zq.target); after.Ballots != before.Ballots || after.Overall != before.Overall {
		t.Fatalf("a refused ballot counted: %+v → %+v", before.Overall, after.Overall)
	}
	// A good ballot counts once; the link then says it was used.
	v := evalBallotForm(w.zq.target, dims, "satisfied")
	v.Set(fmt.Sprintf("comment_%d", w.zq.target), "热心")
	for k, x := range evalBallotForm(w.zq.target2, dims, "basic") {
		v[k] = x
	}
	if st, body = c.post("/b/"+tok, v); st != http.StatusOK || !strings.Contains(body, "投票成功") {
		t.Fatalf("submit: %d", st)
	}
	after := evalResultOf(t, f, w.open.ID, w.zq.target)
	if after.Ballots != before.Ballots+1 || after.Overall.Satisfied != before.Overall.Satisfied+len(dims) {
		t.Fatalf("not counted: %+v", after)
	}
	if _, _, body = evalResident(t, f, tok); !strings.Contains(body, "已经投过") || strings.Contains(body, w.zq.member.Name) {
		t.Fatal("a used ballot must say so and show no targets")
	}
	if st, _ = c.post("/b/"+tok, v); st != http.StatusConflict {
		t.Fatalf("second submission: %d", st)
	}
	if again := evalResultOf(t, f, w.open.ID, w.zq.target); again.Ballots != after.Ballots {
		t.Fatal("counted twice")
	}
	// Unknown token: a clear message.
	if _, st, body = evalResident(t, f, "nosuchballot"); st != http.StatusNotFound || !strings.Contains(body, "选票码无效") {
		t.Fatalf("unknown: %d", st)
	}
	// The short code, typed with a dash in lower case, leads to the ballot.
	c2 := f.anon(t)
	_, body = c2.get("/b")
	c2.csrf = csrfRE.FindStringSubmatch(body)[1]
	code := strings.ToLower(evaluation.FormatCode(w.zq.codes[1]))
	st, _ = c2.post("/b", url.Values{"code": {code}})
	if st != http.StatusSeeOther {
		t.Fatalf("code entry: %d", st)
	}
	if st, body = c2.post("/b", url.Values{"code": {"ABCDE-FGHJK"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "选票码无效") {
		t.Fatalf("wrong code: %d", st)
	}

	// Concurrent submissions through the API: exactly one counts.
	tok2 := w.zq.tokens[2]
	ans := map[string]any{"answers": []map[string]any{}}
	for _, d := range dims {
		ans["answers"] = append(ans["answers"].([]map[string]any), map[string]any{"target_id": w.zq.target, "dimension": d, "rating": "dissatisfied"})
	}
	var wg sync.WaitGroup
	codes := make([]int, 6)
	for i := range codes {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			codes[i], _ = f.anon(t).api("POST", "/api/v1/public/ballots/"+tok2, ans)
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		if c == http.StatusOK {
			ok++
		} else if c != http.StatusConflict {
			t.Errorf("concurrent: %d", c)
		}
	}
	if ok != 1 {
		t.Fatalf("%d concurrent submissions counted (%v)", ok, codes)
	}

	// The round closes: an unused ballot now says so and cannot be cast.
	town := f.login(t, "town")
	rd, _, _ := f.db.EvalRound(context.Background(), storage.System, w.open.ID)
	// The open tallies must be confirmed first.
	if st, _ = town.post(fmt.Sprintf("/evaluation/rounds/%d/close", rd.ID), url.Values{"version": {strconv.FormatInt(rd.Version, 10)}}); st != http.StatusUnprocessableEntity {
		t.Fatalf("close with unconfirmed tallies: %d", st)
	}
	for _, id := range []int64{w.zq.tally, w.kx.tally} {
		x, _ := f.db.EvalTally(context.Background(), storage.System, id)
		if st, _ = town.post(fmt.Sprintf("/evaluation/tallies/%d/confirm", id), url.Values{"version": {strconv.FormatInt(x.Version, 10)}}); st != http.StatusSeeOther {
			t.Fatalf("confirm: %d", st)
		}
	}
	if st, _ = town.post(fmt.Sprintf("/evaluation/rounds/%d/close", rd.ID), url.Values{"version": {strconv.FormatInt(rd.Version-1, 10)}}); st != http.StatusConflict {
		t.Fatalf("stale close: %d", st)
	}
	if st, _ = town.post(fmt.Sprintf("/evaluation/rounds/%d/close", rd.ID), url.Values{"version": {strconv.FormatInt(rd.Version, 10)}}); st != http.StatusSeeOther {
		t.Fatalf("close: %d", st)
	}
	c3, _, body := evalResident(t, f, w.zq.tokens[3])
	if !strings.Contains(body, "不在投票时间内") {
		t.Fatal("a ballot of a closed round must say so")
	}
	if st, _ = c3.post("/b/"+w.zq.tokens[3], evalBallotForm(w.zq.target, dims, "satisfied")); st != http.StatusUnprocessableEntity {
		t.Fatalf("ballot after closing: %d", st)
	}
}

func TestEvaluationRoundFlow(t *testing.T) {
	f := newFixture(t)
	w := evalBuild(t, f) // for the members
	town := f.login(t, "town")
	st, _ := town.post("/evaluation/rounds", url.Values{"unit_id": {strconv.FormatInt(f.town.ID, 10)}, "name": {"测试评议"},
		"period_kind": {"half"}, "period_label": {"2026-H3"}, "dimensions": {"speed", "result"}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("bad label: %d", st)
	}
	st, _ = town.post("/evaluation/rounds", url.Values{"unit_id": {strconv.FormatInt(f.town.ID, 10)}, "name": {"测试评议"},
		"period_kind": {"half"}, "period_label": {"2026-H2"}, "dimensions": {"speed", "result"}, "basic_weight": {"60"}, "min_ballots": {"1"}})
	if st != http.StatusSeeOther {
		t.Fatalf("create: %d", st)
	}
	rs, _, _ := f.db.EvalRounds(context.Background(), storage.System, storage.EvalRoundFilter{Status: evaluation.Draft})
	if len(rs) != 1 {
		t.Fatalf("rounds %v", rs)
	}
	rd := rs[0]
	base := fmt.Sprintf("/evaluation/rounds/%d", rd.ID)
	if st, body := town.get(base + "/targets?unit=" + strconv.FormatInt(f.zq.ID, 10)); st != http.StatusOK || !strings.Contains(body, w.zq.member.Name) {
		t.Fatalf("picker: %d", st)
	}
	// An unknown person: refused, nothing added.
	st, _ = town.post(base+"/targets", url.Values{"version": {"1"}, "pick": {"m:" + strconv.FormatInt(w.zq.member.ID, 10), "m:999999"}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("add an unknown target: %d", st)
	}
	st, _ = town.post(base+"/targets", url.Values{"version": {"1"}, "pick": {"m:" + strconv.FormatInt(w.zq.member.ID, 10)}})
	if st != http.StatusSeeOther {
		t.Fatalf("add target: %d", st)
	}
	// A stale version: 409, nothing changed.
	if st, _ = town.post(base+"/open", url.Values{"version": {"1"}}); st != http.StatusConflict {
		t.Fatalf("stale open: %d", st)
	}
	if st, _ = town.post(base+"/open", url.Values{"version": {"2"}}); st != http.StatusSeeOther {
		t.Fatalf("open: %d", st)
	}
	// Issuing answers with the printable sheet: QR codes and short codes.
	st, body := town.post(base+"/ballots", url.Values{"unit_id": {strconv.FormatInt(f.zq.ID, 10)}, "count": {"3"}})
	if st != http.StatusOK || strings.Count(body, "data:image/png;base64,") != 3 {
		t.Fatalf("sheet: %d", st)
	}
	codes := regexp.MustCompile(`evaluation-code">([A-Z0-9]{5}-[A-Z0-9]{5})<`).FindAllStringSubmatch(body, -1)
	if len(codes) != 3 {
		t.Fatalf("codes %v", codes)
	}
	if st, _ = town.post(base+"/ballots", url.Values{"unit_id": {strconv.FormatInt(f.kx.ID, 10)}, "count": {"3"}}); st != http.StatusUnprocessableEntity {
		t.Fatalf("ballots for a unit without targets: %d", st)
	}
	c, st, _ := evalResident(t, f, strings.ReplaceAll(codes[0][1], "-", ""))
	if st != http.StatusOK {
		t.Fatalf("ballot by code: %d", st)
	}
	xs, _ := f.db.EvalTargets(context.Background(), storage.System, rd.ID)
	if st, _ = c.post("/b/"+strings.ReplaceAll(codes[0][1], "-", ""), evalBallotForm(xs[0].ID, rd.Dimensions, "basic")); st != http.StatusOK {
		t.Fatalf("vote: %d", st)
	}
	// Results: 60% weight on "basically satisfied".
	st, body = town.get(base + "/results")
	if st != http.StatusOK || !strings.Contains(body, "60.0%") {
		t.Fatalf("results: %d", st)
	}
	st, body = town.api("GET", "/api/v1/evaluation/rounds/"+strconv.FormatInt(rd.ID, 10)+"/results", nil)
	if st != http.StatusUnauthorized && st != http.StatusOK {
		t.Fatalf("api: %d", st)
	}
	api := f.apiLogin(t, "town")
	if st, body = api.api("GET", "/api/v1/evaluation/rounds/"+strconv.FormatInt(rd.ID, 10)+"/results", nil); st != http.StatusOK || !strings.Contains(body, `"rate":60`) {
		t.Fatalf("api results: %d %s", st, body)
	}
	// The export and the trend.
	req, _ := http.NewRequest("GET", town.base+base+"/results.xlsx", nil)
	res, err := town.http.Do(req)
	if err != nil || res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheet") {
		t.Fatalf("xlsx: %v %v", err, res)
	}
	res.Body.Close()
	if st, body = town.get(fmt.Sprintf("/evaluation/targets/%d/trend", w.zq.closedT)); st != http.StatusOK || !strings.Contains(body, "<svg") || !strings.Contains(body, "2025-H2") {
		t.Fatalf("trend: %d", st)
	}
}

func TestEvaluationTallyAndScope(t *testing.T) {
	f := newFixture(t)
	w := evalBuild(t, f)
	zq, kx := f.login(t, "zhanqian"), f.login(t, "kaixi")
	// 站前 sees its own, never 开西's.
	for _, p := range []string{fmt.Sprintf("/evaluation/rounds/%d", w.open.ID), fmt.Sprintf("/evaluation/rounds/%d/results", w.closed.ID), "/evaluation"} {
		st, body := zq.get(p)
		if st != http.StatusOK {
			t.Fatalf("%s: %d", p, st)
		}
		for _, m := range append(f.kxMarkers(), w.kx.member.Name) {
			if strings.Contains(body, m) {
				t.Fatalf("%s shows %q", p, m)
			}
		}
	}
	for _, p := range []string{fmt.Sprintf("/evaluation/targets/%d/trend", w.kx.target), fmt.Sprintf("/evaluation/rounds/%d/units/%d/tally", w.open.ID, f.kx.ID),
		fmt.Sprintf("/evaluation/tallies/%d/photo", w.kx.tally)} {
		if st, _ := zq.get(p); st != http.StatusNotFound {
			t.Fatalf("%s: %d", p, st)
		}
	}
	api := f.apiLogin(t, "zhanqian")
	if st, body := api.api("GET", fmt.Sprintf("/api/v1/evaluation/rounds/%d/results", w.closed.ID), nil); st != http.StatusOK || strings.Contains(body, w.kx.member.Name) || !strings.Contains(body, w.zq.member.Name) {
		t.Fatalf("api results: %d", st)
	}
	if st, _ := kx.post(fmt.Sprintf("/evaluation/tallies/%d/confirm", w.zq.tally), url.Values{"version": {"1"}}); st != http.StatusNotFound {
		t.Fatalf("开西 confirms 站前's tally: %d", st)
	}
	if st, _ := zq.post(fmt.Sprintf("/evaluation/rounds/%d/close", w.open.ID), url.Values{"version": {"1"}}); st != http.StatusForbidden {
		t.Fatalf("a secretary closes the round: %d", st)
	}

	// Entering: exceeding the ballots issued is refused with the line's error, nothing changed.
	path := fmt.Sprintf("/evaluation/rounds/%d/units/%d/tally", w.open.ID, f.zq.ID)
	x, _ := f.db.EvalTally(context.Background(), storage.System, w.zq.tally)
	v := url.Values{"version": {strconv.FormatInt(x.Version, 10)}, "ballots_issued": {"10"}}
	v.Set(fmt.Sprintf("c_%d_speed_satisfied", w.zq.target), "8")
	v.Set(fmt.Sprintf("c_%d_speed_basic", w.zq.target), "3")
	st, body := zq.cmpMultipart(path, v)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "超过了发出的选票数") {
		t.Fatalf("over: %d", st)
	}
	if y, _ := f.db.EvalTally(context.Background(), storage.System, w.zq.tally); y.Version != x.Version || y.BallotsIssued != 3 {
		t.Fatal("a refused tally changed")
	}
	v.Set(fmt.Sprintf("c_%d_speed_basic", w.zq.target), "2")
	if st, _ = zq.cmpMultipart(path, v); st != http.StatusSeeOther {
		t.Fatalf("enter: %d", st)
	}
	y, _ := f.db.EvalTally(context.Background(), storage.System, w.zq.tally)
	// The enterer cannot confirm; another official can.
	if st, _ = zq.post(fmt.Sprintf("/evaluation/tallies/%d/confirm", y.ID), url.Values{"version": {strconv.FormatInt(y.Version, 10)}}); st != http.StatusUnprocessableEntity {
		t.Fatalf("self-confirm: %d", st)
	}
	town := f.login(t, "town")
	if st, _ = town.post(fmt.Sprintf("/evaluation/tallies/%d/confirm", y.ID), url.Values{"version": {strconv.FormatInt(y.Version, 10)}}); st != http.StatusSeeOther {
		t.Fatalf("confirm: %d", st)
	}
	if r := evalResultOf(t, f, w.open.ID, w.zq.target); r.Ballots != 10 || r.Dimensions[0].Satisfied != 8 {
		t.Fatalf("tally not counted: %+v", r)
	}

	// The published list: a closed round's, by the unit's code; an open round's is not found.
	anon := f.anon(t)
	if st, body = anon.get(fmt.Sprintf("/s/%s/%d", f.zq.Code, w.closed.ID)); st != http.StatusOK || !strings.Contains(body, w.zq.member.Name) || strings.Contains(body, w.kx.member.Name) {
		t.Fatalf("public list: %d", st)
	}
	if st, _ = anon.get(fmt.Sprintf("/s/%s/%d", f.zq.Code, w.open.ID)); st != http.StatusNotFound {
		t.Fatalf("open round's list: %d", st)
	}
}
