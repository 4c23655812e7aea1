package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"wuxing/internal/evaluation"
	"wuxing/internal/people"
	"wuxing/internal/photo"
	"wuxing/internal/storage"
	"wuxing/internal/talks"
)

// talkSheet is a processed photo of a tally sheet, as a meeting's tally needs one.
func talkSheet(t *testing.T) *photo.Photo {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.Set(1, 1, color.Black)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p, err := photo.Process("sheet.png", buf.Bytes())
	if err != nil {
		t.Fatalf("photo: %v", err)
	}
	return p
}

// talkRound runs a closed round over the town in which each listed member is rated through a
// confirmed meeting tally: a rate in percent of 10 ballots, or -2 for "too few ballots" (5
// ballots, all dissatisfied). Members not listed are not in the round.
func talkRound(t *testing.T, f *fixture, label string, rates map[*people.Person]int) int64 {
	t.Helper()
	ctx, sys := context.Background(), storage.System
	r := &evaluation.Round{UnitID: f.town.ID, Name: "民主评议" + label, PeriodKind: evaluation.HalfYear, PeriodLabel: label,
		BasicWeight: 100, MinBallots: 10}
	if err := f.db.CreateEvalRound(ctx, sys, r); err != nil {
		t.Fatalf("round %s: %v", label, err)
	}
	var add []storage.NewEvalTarget
	for p := range rates {
		add = append(add, storage.NewEvalTarget{Kind: evaluation.Member, PersonID: p.ID})
	}
	r2, err := f.db.AddEvalTargets(ctx, sys, r.ID, r.Version, add)
	if err != nil {
		t.Fatalf("targets %s: %v", label, err)
	}
	if r2, err = f.db.OpenEvalRound(ctx, sys, r.ID, r2.Version); err != nil {
		t.Fatalf("open %s: %v", label, err)
	}
	xs, err := f.db.EvalTargets(ctx, sys, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	byPerson := map[int64]int{}
	for p, rate := range rates {
		byPerson[p.ID] = rate
	}
	lines := map[int64][]evaluation.TallyLine{}
	for _, x := range xs {
		c := evaluation.Counts{Satisfied: byPerson[x.PersonID] / 10, Dissatisfied: 10 - byPerson[x.PersonID]/10}
		if byPerson[x.PersonID] == -2 {
			c = evaluation.Counts{Dissatisfied: 5}
		}
		for _, d := range r2.Dimensions {
			lines[x.BranchID] = append(lines[x.BranchID], evaluation.TallyLine{TargetID: x.ID, Dimension: d, Counts: c})
		}
	}
	for unit, ls := range lines {
		y, err := f.db.EnterTally(ctx, sys, r.ID, unit, storage.NewTally{BallotsIssued: 10, Lines: ls, Photo: talkSheet(t)})
		if err != nil {
			t.Fatalf("tally %s: %v", label, err)
		}
		if _, err := f.db.ConfirmTally(ctx, sys, y.ID, y.Version); err != nil {
			t.Fatalf("confirm %s: %v", label, err)
		}
	}
	if _, err := f.db.CloseEvalRound(ctx, sys, r.ID, r2.Version); err != nil {
		t.Fatalf("close %s: %v", label, err)
	}
	return r.ID
}

// talkHistory gives the fixture's four members a history of four rounds:
//   - 王建国 (站前): 70, 70, 70, —        → due (rounds 1–3)
//   - 李书记 (站前): 80, 70, 70, —        → not due: exactly 80% is not under
//   - 赵开西 (开西): 70, —, 70, 70        → due: the round he was not in is skipped
//   - 钱主任 (开西): 70, few, 70, —       → not due: too few ballots neither counts nor breaks
func talkHistory(t *testing.T, f *fixture) []int64 {
	t.Helper()
	return []int64{
		talkRound(t, f, "2024-H1", map[*people.Person]int{f.zqHead: 70, f.zqCadre: 80, f.kxHead: 70, f.kxCadre: 70}),
		talkRound(t, f, "2024-H2", map[*people.Person]int{f.zqHead: 70, f.zqCadre: 70, f.kxCadre: -2}),
		talkRound(t, f, "2025-H1", map[*people.Person]int{f.zqHead: 70, f.zqCadre: 70, f.kxHead: 70, f.kxCadre: 70}),
		talkRound(t, f, "2025-H2", map[*people.Person]int{f.kxHead: 70}),
	}
}

type talkListJSON struct {
	Due []struct {
		Kind      string `json:"kind"`
		TargetID  int64  `json:"target_id"`
		Name      string `json:"name"`
		CanRecord bool   `json:"can_record"`
		Rounds    []struct {
			RoundID int64  `json:"round_id"`
			Rate    string `json:"rate"`
		} `json:"rounds"`
	} `json:"due"`
	Talks []struct {
		ID      int64  `json:"id"`
		Name    string `json:"name"`
		Status  string `json:"status"`
		Version int64  `json:"version"`
	} `json:"talks"`
	Total int `json:"total"`
}

func talkList(t *testing.T, c *client) talkListJSON {
	t.Helper()
	st, body := c.api("GET", "/api/v1/evaluation/talks", nil)
	if st != http.StatusOK {
		t.Fatalf("talk list: %d %s", st, body)
	}
	var out talkListJSON
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func talkCount(t *testing.T, f *fixture) int {
	t.Helper()
	_, n, err := f.db.Talks(context.Background(), storage.System, storage.TalkFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// talkForm is a complete talk form for a member.
func talkForm(p *people.Person, today string) url.Values {
	return url.Values{"kind": {"member"}, "target": {strconv.FormatInt(p.ID, 10)}, "talked_by": {"张明"}, "talked_post": {"镇党委副书记"},
		"talked_on": {today}, "content": {"指出群众评议满意率连续偏低的问题"}, "plan": {"每周入户走访，认领群众诉求"}}
}

func TestTalkRule(t *testing.T) {
	f := newFixture(t)
	rounds := talkHistory(t, f)
	town := f.apiLogin(t, "town")
	l := talkList(t, town)
	got := map[int64][]int64{}
	for _, d := range l.Due {
		for _, r := range d.Rounds {
			got[d.TargetID] = append(got[d.TargetID], r.RoundID)
		}
		if !d.CanRecord {
			t.Errorf("town committee cannot record the talk of %s", d.Name)
		}
	}
	want := map[int64][]int64{f.zqHead.ID: rounds[:3], f.kxHead.ID: {rounds[0], rounds[2], rounds[3]}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("due: got %v, want %v (王建国 %d, 赵开西 %d)", got, want, f.zqHead.ID, f.kxHead.ID)
	}
	if l.Due[0].Rounds[0].Rate != "70.0%" {
		t.Errorf("rate shown: %q", l.Due[0].Rounds[0].Rate)
	}

	t.Run("BranchSeesOwnMembersReadOnly", func(t *testing.T) {
		zq := f.apiLogin(t, "zhanqian")
		l := talkList(t, zq)
		if len(l.Due) != 1 || l.Due[0].TargetID != f.zqHead.ID || l.Due[0].CanRecord {
			t.Fatalf("zhanqian's list: %+v", l.Due)
		}
		_, body := zq.api("GET", "/api/v1/evaluation/talks", nil)
		for _, m := range f.kxMarkers() {
			if strings.Contains(body, m) {
				t.Errorf("zhanqian's talk list shows %q", m)
			}
		}
		web := f.login(t, "zhanqian")
		if st, body := web.post("/evaluation/talks", talkForm(f.zqHead, talks.Today(f.clock.Now()))); st != http.StatusForbidden {
			t.Errorf("a branch secretary records a talk: %d %s", st, body)
		}
		if st, _ := web.get("/evaluation/talks/member/" + strconv.FormatInt(f.kxHead.ID, 10)); st != http.StatusNotFound {
			t.Errorf("zhanqian opens 开西's member history: %d", st)
		}
		if talkCount(t, f) != 0 {
			t.Fatal("a refused talk was stored")
		}
	})

	web := f.login(t, "town")
	today := talks.Today(f.clock.Now())
	t.Run("BadInput", func(t *testing.T) {
		v := talkForm(f.zqHead, today)
		v.Set("content", "")
		v.Set("talked_on", "2099-01-01")
		st, body := web.post("/evaluation/talks", v)
		if st == http.StatusSeeOther || !strings.Contains(body, "此项必填") || !strings.Contains(body, "不能晚于今天") {
			t.Errorf("bad talk: %d", st)
		}
		// Not due: exactly 80% once, then two rounds under.
		st, body = web.post("/evaluation/talks", talkForm(f.zqCadre, today))
		if st == http.StatusSeeOther || !strings.Contains(body, "不在应约谈名单") {
			t.Errorf("talk with a member not due: %d", st)
		}
		if talkCount(t, f) != 0 {
			t.Fatal("bad input stored a talk")
		}
	})

	var talkID int64
	t.Run("Record", func(t *testing.T) {
		st, _ := web.post("/evaluation/talks", talkForm(f.zqHead, today))
		if st != http.StatusSeeOther {
			t.Fatalf("record: %d", st)
		}
		l := talkList(t, town)
		if len(l.Due) != 1 || l.Due[0].TargetID != f.kxHead.ID || len(l.Talks) != 1 {
			t.Fatalf("after the talk: due %+v talks %+v", l.Due, l.Talks)
		}
		talkID = l.Talks[0].ID
		// The same streak cannot be talked about twice.
		if st, _ := web.post("/evaluation/talks", talkForm(f.zqHead, today)); st == http.StatusSeeOther || talkCount(t, f) != 1 {
			t.Errorf("second talk for the same rounds: %d", st)
		}
	})

	t.Run("FollowUpAndLaterRounds", func(t *testing.T) {
		later := talkRound(t, f, "2026-H1", map[*people.Person]int{f.zqHead: 90})
		st, body := web.get("/evaluation/talks/" + strconv.FormatInt(talkID, 10))
		if st != http.StatusOK || !strings.Contains(body, "90.0%") || !strings.Contains(body, "每周入户走访") {
			t.Fatalf("talk page: %d", st)
		}
		_ = later
		path := "/api/v1/evaluation/talks/" + strconv.FormatInt(talkID, 10) + "/followups"
		if st, _ := town.api("POST", path, map[string]any{"on": today, "note": "回访群众", "version": 99}); st != http.StatusConflict {
			t.Errorf("stale follow-up: %d", st)
		}
		if st, _ := town.api("POST", path, map[string]any{"on": "2001-01-01", "note": "回访", "version": 1}); st != http.StatusUnprocessableEntity {
			t.Errorf("follow-up before the talk: %d", st)
		}
		st, body = town.api("POST", path, map[string]any{"on": today, "note": "回访群众，整改到位", "version": 1, "close": true})
		if st != http.StatusOK || !strings.Contains(body, `"status":"closed"`) || !strings.Contains(body, `"later":[{`) {
			t.Fatalf("follow-up: %d %s", st, body)
		}
		if st, _ := town.api("POST", path, map[string]any{"on": today, "note": "再次回访", "version": 2}); st != http.StatusUnprocessableEntity {
			t.Errorf("follow-up of a closed talk: %d", st)
		}
	})

	t.Run("Scope", func(t *testing.T) {
		kx := f.login(t, "kaixi")
		id := strconv.FormatInt(talkID, 10)
		if st, _ := kx.get("/evaluation/talks/" + id); st != http.StatusNotFound {
			t.Errorf("kaixi opens 站前's talk: %d", st)
		}
		kxAPI := f.apiLogin(t, "kaixi")
		if st, _ := kxAPI.api("GET", "/api/v1/evaluation/talks/"+id, nil); st != http.StatusNotFound {
			t.Errorf("kaixi reads 站前's talk by API: %d", st)
		}
		if st, _ := kxAPI.api("POST", "/api/v1/evaluation/talks/"+id+"/followups", map[string]any{"on": today, "note": "x", "version": 2}); st != http.StatusNotFound {
			t.Errorf("kaixi follows up 站前's talk: %d", st)
		}
		zq := f.login(t, "zhanqian")
		if st, _ := zq.get("/evaluation/talks/" + id); st != http.StatusOK {
			t.Errorf("zhanqian opens his member's talk: %d", st)
		}
	})
}

func TestAnnualReview(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// Six party members in 站前: the fixture's two and four more; a third is two.
	for i := range 4 {
		p := &people.Person{UnitID: f.zqGrid.ID, Name: "党员" + strconv.Itoa(i+1), Gender: "F", BirthDate: "1980-01-01", PartyMember: true,
			JoinedPartyOn: "2005-07-01"}
		if err := f.db.CreatePerson(ctx, storage.System, p); err != nil {
			t.Fatal(err)
		}
	}
	year := strconv.Itoa(talks.YearOf(f.clock.Now()))
	zq := f.login(t, "zhanqian")
	kx := f.login(t, "kaixi")
	open := func() url.Values { return url.Values{"unit_id": {strconv.FormatInt(f.zq.ID, 10)}, "year": {year}} }
	if st, _ := kx.post("/evaluation/reviews", open()); st != http.StatusNotFound {
		t.Errorf("kaixi opens 站前's review: %d", st)
	}
	if st, _ := zq.post("/evaluation/reviews", url.Values{"unit_id": {strconv.FormatInt(f.zq.ID, 10)}, "year": {"1999"}}); st == http.StatusSeeOther {
		t.Error("a review for 1999 was opened")
	}
	if st, body := zq.post("/evaluation/reviews", open()); st != http.StatusSeeOther {
		t.Fatalf("open: %d %s", st, body)
	}
	if st, _ := zq.post("/evaluation/reviews", open()); st != http.StatusConflict {
		t.Errorf("open twice: %d", st)
	}
	sheet, err := f.db.ReviewSheet(ctx, storage.System, f.zq.ID, talks.YearOf(f.clock.Now()))
	if err != nil || sheet.Review == nil || len(sheet.Review.Entries) != 6 {
		t.Fatalf("sheet: %v %+v", err, sheet)
	}
	es := sheet.Review.Entries
	path := func(e talks.Entry) string { return "/evaluation/reviews/entries/" + strconv.FormatInt(e.ID, 10) }
	grade := func(e talks.Entry, g string) url.Values {
		return url.Values{"self_review": {"认真学习，积极参加志愿服务"}, "mutual_score": {"92"}, "poll_excellent": {"20"}, "poll_qualified": {"5"},
			"poll_basic": {"0"}, "poll_unqualified": {"0"}, "grade": {g}, "version": {strconv.FormatInt(e.Version, 10)}}
	}
	for _, e := range es[:2] {
		if st, body := zq.post(path(e), grade(e, "excellent")); st != http.StatusSeeOther {
			t.Fatalf("grade %s excellent: %d %s", e.PersonName, st, body)
		}
	}
	t.Run("ExcellentOverAThird", func(t *testing.T) {
		st, body := zq.post(path(es[2]), grade(es[2], "excellent"))
		if st == http.StatusSeeOther || !strings.Contains(body, "优秀最多 2 名") {
			t.Fatalf("third excellent of six: %d", st)
		}
		e, _, _, err := f.db.ReviewEntry(ctx, storage.System, es[2].ID)
		if err != nil || e.Grade != "" || e.Version != es[2].Version || e.SelfReview != "" {
			t.Fatalf("refused entry changed: %+v %v", e, err)
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		v := grade(es[3], "great")
		v.Set("mutual_score", "120")
		v.Set("poll_basic", "-1")
		if st, body := zq.post(path(es[3]), v); st == http.StatusSeeOther || !strings.Contains(body, "0–100") {
			t.Errorf("bad entry: %d", st)
		}
		if st, _ := zq.post(path(es[3]), grade(es[3], "qualified")); st != http.StatusSeeOther {
			t.Errorf("qualified: %d", st)
		}
		if st, _ := zq.post(path(es[3]), grade(es[3], "basic")); st != http.StatusConflict {
			t.Errorf("stale version: %d", st)
		}
	})
	t.Run("Scope", func(t *testing.T) {
		if st, _ := kx.get(path(es[0])); st != http.StatusNotFound {
			t.Errorf("kaixi opens 站前's entry: %d", st)
		}
		if st, _ := kx.post(path(es[4]), grade(es[4], "qualified")); st != http.StatusNotFound {
			t.Errorf("kaixi grades 站前's member: %d", st)
		}
		st, body := kx.get("/evaluation/reviews?year=" + year)
		if st != http.StatusOK || strings.Contains(body, "站前社区") {
			t.Errorf("kaixi's review list: %d", st)
		}
		if st, _ := kx.get("/evaluation/reviews?unit=" + strconv.FormatInt(f.zq.ID, 10) + "&year=" + year); st != http.StatusNotFound {
			t.Errorf("kaixi opens 站前's review: %d", st)
		}
		st, body = zq.get("/evaluation/reviews?unit=" + strconv.FormatInt(f.zq.ID, 10) + "&year=" + year)
		if st != http.StatusOK || !strings.Contains(body, f.zqHead.Name) || strings.Count(body, "talks-ok") < 2 {
			t.Errorf("zhanqian's sheet: %d", st)
		}
	})
}

// TestTalkRuleSettings: a town sets its own rule, and the talk list follows it at once.
func TestTalkRuleSettings(t *testing.T) {
	f := newFixture(t)
	talkHistory(t, f)
	town := f.login(t, "town")
	path := "/evaluation/talk-rules/" + strconv.FormatInt(f.town.ID, 10)
	st, body := town.get(path)
	if st != http.StatusOK || !strings.Contains(body, `value="80"`) || !strings.Contains(body, `value="33.33"`) {
		t.Fatalf("rule page: %d", st)
	}
	bad := url.Values{"threshold": {"0"}, "rounds": {"x"}, "excellent_share": {"120"}, "version": {"0"}}
	if st, body := town.post(path, bad); st != http.StatusUnprocessableEntity || !strings.Contains(body, "1–100") {
		t.Errorf("bad rule: %d", st)
	}
	if l := talkList(t, f.apiLogin(t, "town")); len(l.Due) != 2 {
		t.Fatalf("a refused rule changed the list: %d due", len(l.Due))
	}
	kx := f.login(t, "kaixi")
	if st, _ := kx.post(path, url.Values{"threshold": {"90"}, "rounds": {"2"}, "excellent_share": {"33.33"}, "version": {"0"}}); st != http.StatusNotFound && st != http.StatusForbidden {
		t.Errorf("kaixi sets the town's rule: %d", st)
	}
	// Two rounds under 80%: 李书记 (80, 70, 70) and 钱主任 (70, few, 70) are due too.
	if st, _ := town.post(path, url.Values{"threshold": {"80"}, "rounds": {"2"}, "excellent_share": {"33.33"}, "version": {"0"}}); st != http.StatusSeeOther {
		t.Fatalf("save rule: %d", st)
	}
	if l := talkList(t, f.apiLogin(t, "town")); len(l.Due) != 4 {
		t.Errorf("under the two-round rule: %d due, want 4", len(l.Due))
	}
	if st, _ := town.post(path, url.Values{"threshold": {"80"}, "rounds": {"3"}, "excellent_share": {"33.33"}, "version": {"0"}}); st != http.StatusConflict {
		t.Errorf("stale rule version: %d", st)
	}
}
