package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"wuxing/internal/points"
	"wuxing/internal/storage"
)

// ptsLedgerTotal reads a member's ledger through the API: its total and the sum of its approved
// entries as listed.
func ptsLedgerTotal(t *testing.T, c *client, id int64) (total string, sum int64) {
	t.Helper()
	st, body := c.api("GET", fmt.Sprintf("/api/v1/points/targets/party_member/%d", id), nil)
	if st != 200 {
		t.Fatalf("ledger: %d %s", st, body)
	}
	var out struct {
		Total   string `json:"total"`
		Entries []struct {
			Points string `json:"points"`
			Status string `json:"status"`
		} `json:"entries"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	for _, e := range out.Entries {
		if e.Status == "approved" {
			p, _ := points.Parse(e.Points)
			sum += p
		}
	}
	return out.Total, sum
}

func TestPointsScope(t *testing.T) {
	f := newFixture(t)
	var zq, kx scopeSide
	zq.ids, kx.ids = map[string][]int64{}, map[string][]int64{}
	ptsScopeSides(t, f, &zq, &kx)
	c := f.login(t, "zhanqian")
	api := f.apiLogin(t, "zhanqian")
	for _, path := range []string{fmt.Sprintf("/points/targets/party_member/%d", f.kxHead.ID), fmt.Sprintf("/api/v1/points/targets/party_member/%d", f.kxHead.ID)} {
		var st int
		if strings.HasPrefix(path, "/api/") {
			st, _ = api.api("GET", path, nil)
		} else {
			st, _ = c.get(path)
		}
		if st != 404 {
			t.Errorf("%s: %d; want 404", path, st)
		}
	}
	if st, _ := c.get(fmt.Sprintf("/points/targets/party_member/%d", f.zqHead.ID)); st != 200 {
		t.Errorf("own ledger: %d", st)
	}
	q := url.Values{"unit": {strconv.FormatInt(f.town.ID, 10)}, "kind": {"party_member"}, "period": {"2026"}}
	for _, get := range []func() (int, string){
		func() (int, string) { return c.get("/points?" + q.Encode()) },
		func() (int, string) { return api.api("GET", "/api/v1/points/ranking?"+q.Encode(), nil) },
		func() (int, string) { return c.get("/points/entries") },
		func() (int, string) { return api.api("GET", "/api/v1/points/entries", nil) },
	} {
		st, body := get()
		if st != 200 || !strings.Contains(body, f.zqHead.Name) {
			t.Errorf("status %d, own member missing:\n%.300s", st, body)
		}
		for _, m := range append(f.kxMarkers(), "开西积分佐证") {
			if strings.Contains(body, m) {
				t.Errorf("leak of %q", m)
			}
		}
	}
	// Approving the other community's entry: not found, nothing changed.
	e := kx.ids["points_entry"][0]
	if st, _ := api.api("POST", fmt.Sprintf("/api/v1/points/entries/%d/decide", e), map[string]any{"approve": true, "version": 1}); st != 404 {
		t.Errorf("approve other community's entry: %d", st)
	}
	got, _ := f.db.PointsEntry(context.Background(), storage.System, e)
	if got.Status != points.Pending {
		t.Errorf("entry changed: %s", got.Status)
	}
	// The town sees both, ranked with ties sharing a rank.
	town := f.apiLogin(t, "town")
	st, body := town.api("GET", "/api/v1/points/ranking?"+q.Encode(), nil)
	if st != 200 || !strings.Contains(body, f.kxHead.Name) || strings.Count(body, `"rank":1`) != 2 {
		t.Errorf("town ranking (two members at 5 points share rank 1): %d %s", st, body)
	}
	xl := f.login(t, "town")
	if st, body := xl.get("/points/ranking.xlsx?" + q.Encode()); st != 200 || !strings.HasPrefix(body, "PK") {
		t.Errorf("export: %d", st)
	} else {
		// A title row, the header, then both members ranked 1 as on screen.
		rows := sheetCells(t, []byte(body))
		if len(rows) != 4 || rows[2][0] != "1" || rows[3][0] != "1" || !strings.Contains(fmt.Sprint(rows), f.kxHead.Name) {
			t.Errorf("export rows: %q", rows)
		}
	}
}

func TestPointsEntriesAndTotals(t *testing.T) {
	f := newFixture(t)
	c := ptsCatalogue(t, f, points.PartyMember)
	town := f.apiLogin(t, "town")
	sec := f.apiLogin(t, "zhanqian")
	base := ptsRule(t, c, "duty.base") // 60 points a year at most
	today := points.Today(f.clock.Now())
	enter := func(cl *client, pts string, corrects int64) (int, string, int64) {
		st, body := cl.api("POST", "/api/v1/points/entries", map[string]any{"target_kind": "party_member", "target_id": f.zqHead.ID,
			"rule_id": base.ID, "points": pts, "occurred_on": today, "note": "年度基础分", "corrects_id": corrects})
		var out struct {
			ID      int64 `json:"id"`
			Version int64 `json:"version"`
		}
		json.Unmarshal([]byte(body), &out)
		return st, body, out.ID
	}
	check := func(want string) {
		t.Helper()
		total, sum := ptsLedgerTotal(t, town, f.zqHead.ID)
		if total != want || points.Format(sum) != want {
			t.Errorf("total %s, sum of approved entries %s; want %s", total, points.Format(sum), want)
		}
	}
	st, body, id := enter(town, "50", 0)
	if st != 201 {
		t.Fatalf("enter: %d %s", st, body)
	}
	check("0") // pending counts for nothing
	t.Run("ApproveOwnRefused", func(t *testing.T) {
		if st, body := town.api("POST", fmt.Sprintf("/api/v1/points/entries/%d/decide", id), map[string]any{"approve": true, "version": 1}); st != 422 ||
			!strings.Contains(body, "不能审核自己") {
			t.Errorf("own approval: %d %s", st, body)
		}
		check("0")
	})
	t.Run("CapExceeded", func(t *testing.T) {
		// 50 pending of 60: 11 more is refused with the cap and what remains; nothing is made.
		_, before, _ := f.db.PointsEntries(context.Background(), storage.System, storage.PointsEntryFilter{})
		st, body, _ := enter(town, "11", 0)
		if st != 422 || !strings.Contains(body, "上限 60 分") || !strings.Contains(body, "还可记 10 分") {
			t.Errorf("over the cap: %d %s", st, body)
		}
		_, after, _ := f.db.PointsEntries(context.Background(), storage.System, storage.PointsEntryFilter{})
		if after != before {
			t.Errorf("entries %d → %d", before, after)
		}
	})
	t.Run("ConcurrentApprovalOneWins", func(t *testing.T) {
		admin := f.apiLogin(t, "admin")
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for i, cl := range []*client{sec, admin} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i], _ = cl.api("POST", fmt.Sprintf("/api/v1/points/entries/%d/decide", id), map[string]any{"approve": true, "version": 1})
			}()
		}
		wg.Wait()
		if !(codes[0] == 200 && codes[1] == 409 || codes[0] == 409 && codes[1] == 200) {
			t.Errorf("concurrent approvals: %v; want one 200 and one 409", codes)
		}
		check("50")
	})
	t.Run("CorrectionAndRejection", func(t *testing.T) {
		st, body, cid := enter(town, "-20", id)
		if st != 201 {
			t.Fatalf("correction: %d %s", st, body)
		}
		check("50")
		if st, _ := sec.api("POST", fmt.Sprintf("/api/v1/points/entries/%d/decide", cid), map[string]any{"approve": true, "version": 1}); st != 200 {
			t.Errorf("approve correction: %d", st)
		}
		check("30")
		if st, _, _ := enter(town, "-40", id); st != 422 {
			t.Error("a correction cannot turn a reward negative")
		}
		_, _, rid := enter(town, "5", 0)
		if st, body := sec.api("POST", fmt.Sprintf("/api/v1/points/entries/%d/decide", rid), map[string]any{"approve": false, "version": 1}); st != 422 ||
			!strings.Contains(body, "note") {
			t.Errorf("rejection without a note: %d %s", st, body)
		}
		if st, _ := sec.api("POST", fmt.Sprintf("/api/v1/points/entries/%d/decide", rid), map[string]any{"approve": false, "note": "佐证不足", "version": 1}); st != 200 {
			t.Errorf("reject: %d", st)
		}
		check("30")
		// The approved entry is never edited: deciding it again is a conflict.
		if st, _ := sec.api("POST", fmt.Sprintf("/api/v1/points/entries/%d/decide", id), map[string]any{"approve": false, "note": "x", "version": 2}); st != 409 {
			t.Errorf("decide an approved entry: %d", st)
		}
		var n int
		for _, action := range []string{"points.enter", "points.correct", "points.approve", "points.reject"} {
			rows, err := f.db.Audit(context.Background(), storage.System, storage.AuditFilter{Action: action})
			if err != nil {
				t.Fatal(err)
			}
			n += len(rows)
		}
		if n < 6 {
			t.Errorf("audit entries for points: %d", n)
		}
	})
}

func TestPointsRatiosPage(t *testing.T) {
	f := newFixture(t)
	c := ptsCatalogue(t, f, points.BranchSecretary)
	town := f.login(t, "town")
	st, body := town.post(fmt.Sprintf("/admin/points/%d/ratios", c.ID), url.Values{"ratios": {"excellent:30,good:50,fair:10"}, "version": {"1"}})
	if st != 422 || !strings.Contains(body, "合计须为 100%，现为 90%") {
		i := strings.Index(body, "<main")
		t.Errorf("ratios not adding up: %d %s", st, body[max(i, 0):min(len(body), max(i, 0)+3000)])
	}
	got, _ := f.db.PointsCatalogue(context.Background(), storage.System, c.ID)
	if points.FormatRatios(got.Ratios) != "excellent:30,good:50,fair:20" || got.Version != 1 {
		t.Errorf("catalogue changed: %v v%d", got.Ratios, got.Version)
	}
	if st, _ := town.post(fmt.Sprintf("/admin/points/%d/ratios", c.ID), url.Values{"ratios": {"excellent:20,good:60,fair:20"}, "version": {"1"}}); st != 303 && st != 200 {
		t.Errorf("good ratios: %d", st)
	}
	if st, _ := town.post(fmt.Sprintf("/admin/points/%d/ratios", c.ID), url.Values{"ratios": {"excellent:30,good:50,fair:20"}, "version": {"1"}}); st != 409 {
		t.Errorf("stale version: %d", st)
	}
	for _, path := range []string{"/points", "/points/entries", "/points/entries/new?kind=party_member", fmt.Sprintf("/points/entries/new?kind=party_member&target=%d", f.zqHead.ID),
		"/admin/points", fmt.Sprintf("/admin/points/%d", c.ID)} {
		if st, body := town.get(path); st != 200 {
			t.Errorf("%s: %d %.300s", path, st, body)
		}
	}
}

// A target graded X shows so on its ledger even with no approved entries in the period (it is
// then out of the ranking's standings).
func TestPointsLedgerShowsX(t *testing.T) {
	f := newFixture(t)
	town := f.apiLogin(t, "town")
	x := func() bool {
		t.Helper()
		st, body := town.api("GET", fmt.Sprintf("/api/v1/points/targets/party_member/%d?period=2026", f.zqHead.ID), nil)
		if st != 200 {
			t.Fatalf("ledger: %d %s", st, body)
		}
		var out struct {
			X bool `json:"x"`
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		return out.X
	}
	if x() {
		t.Fatal("X before it is set")
	}
	if err := f.db.SetPointsX(context.Background(), storage.System, points.PartyMember, f.zqHead.ID, "2026", "serious failure", true); err != nil {
		t.Fatal(err)
	}
	if !x() {
		t.Error("X set but not shown on the ledger")
	}
}
