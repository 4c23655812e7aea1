package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/org"
	"wuxing/internal/storage"
)

// BenchmarkRenderCaseList renders a full page of the case list (50 rows, the filters, the layout)
// through s.render, as GET /cases does after its query: the template work of every list request.
func BenchmarkRenderCaseList(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	pp := &authz.Principal{UserID: 7, Username: "luhe", Bindings: []authz.Binding{
		{Role: authz.TownAdmin, UnitID: 4, UnitPath: "/1/2/3/4/", UnitName: "鲁河镇"}}}
	rc := &reqCtx{lang: "zh-CN", sess: &storage.Session{UserID: 7, CSRF: "csrf-token", Principal: pp}}
	town := &org.Unit{ID: 4, Kind: org.Town, Name: "鲁河镇", Path: "/1/2/3/4/"}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	statuses := []cases.Status{cases.Submitted, cases.Accepted, cases.Dispatched, cases.InProgress, cases.Resolved, cases.Closed}
	rows := make([]caseRow, 50)
	for i := range rows {
		c := cases.Case{ID: int64(1000 - i), Number: fmt.Sprintf("410928101201-2026-%04d", 50-i), UnitID: 201, UnitName: "王庄村",
			UnitPath: "/1/2/3/4/201/", HandlerPath: "/1/2/3/4/201/", HandlerName: "王庄村", List: cases.Appeal, CategoryID: 2,
			CategoryName: "路灯照明", Urgency: cases.Normal, Channel: cases.GridReport, Title: "王庄村2组路灯不亮",
			ReporterName: "张秀英", ReporterPhone: "13812345678", SubmittedAt: now.Add(-time.Duration(i) * time.Hour), Version: 3}
		c.Status, c.Deadline = statuses[i%len(statuses)], now.Add(72*time.Hour)
		rows[i] = caseRow{Case: c, Category: "路灯照明", Late: i%9 == 0, Select: c.Status == cases.Accepted}
	}
	d := caseListData{View: caseViewAll, Path: caseViewPaths[caseViewAll], Rows: rows, Next: 951,
		Scope:    &pplScope{Current: town, Options: []pplChoice{{Value: "201", Text: "王庄村"}, {Value: "202", Text: "李寨村"}}},
		Lists:    pplKeyChoices(cases.Lists, "cases.list."),
		Statuses: pplKeyChoices(cases.Statuses, "cases.status."),
	}
	r := httptest.NewRequest("GET", "/cases?unit=4", nil)
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, rc))
	w := httptest.NewRecorder()
	s.render(w, r, 200, "cases_list", &Page{Title: "cases.web.title", Data: d})
	if w.Code != 200 || !strings.Contains(w.Body.String(), "410928101201-2026-0050") {
		b.Fatalf("render: status %d\n%.500s", w.Code, w.Body.String())
	}
	for b.Loop() {
		w := httptest.NewRecorder()
		s.render(w, r, 200, "cases_list", &Page{Title: "cases.web.title", Data: d})
	}
}
