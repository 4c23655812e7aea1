package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
)

// caseListData is what a case list shows: one page of cases (newest first, keyset paging), the
// filters, and on the main list the bulk dispatch form.
type caseListData struct {
	View       string
	Path       string
	Rows       []caseRow
	Next       int64 // the before= of the next (older) page; 0 at the end
	Before     int64
	Scope      *pplScope
	Lists      []pplChoice
	Statuses   []pplChoice
	Categories []pplChoice
	Assignees  []pplChoice
	Q          string
	From, To   string
	Open       bool
	Overdue    bool
	Bulk       bool        // some case on the page may be dispatched in bulk
	Handlers   []pplChoice // whom to dispatch to in bulk
	Export     string      // the ledger link, with the list's filters
	NoPerson   bool        // the claim board or own list of an account linked to no person
}

// caseListTitles are the pages' titles, by view.
var caseListTitles = map[string]string{caseViewAll: "cases.web.title", caseViewClaim: "cases.web.claim.title",
	caseViewMine: "cases.web.mine.title", caseViewInbox: "cases.web.inbox.title"}

// caseListPage serves one of the case lists.
func (s *Server) caseListPage(view string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { s.caseList(w, r, view) }
}

// caseList is GET /cases, /cases/claim, /cases/mine and /cases/inbox.
func (s *Server) caseList(w http.ResponseWriter, r *http.Request, view string) {
	pp := principal(r)
	var need authz.Perm
	switch view {
	case caseViewAll:
		need = authz.ViewCases
	case caseViewClaim:
		need = authz.ClaimCases
	case caseViewInbox:
		need = authz.HandleCases
	}
	if need != "" && !pp.Can(need) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	q := r.URL.Query()
	f, err := caseFilterFrom(q, view)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sc, err := s.pplUnitScope(r, f.UnitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cc, err := s.caseCategories(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Limit = perPage
	list, next, err := s.db.Cases(r.Context(), actor(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pr := s.printer(r)
	d := caseListData{View: view, Path: caseViewPaths[view], Rows: s.caseRows(r, list, cc), Next: next, Before: f.BeforeID, Scope: sc,
		Lists:      pplKeyChoices(cases.Lists, "cases.list.", q.Get("list")),
		Statuses:   pplKeyChoices(cases.Statuses, "cases.status.", q.Get("status")),
		Categories: cc.choices(pr, f.CategoryID),
		Q:          f.Query, From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")), Open: f.Open, Overdue: f.Overdue,
		NoPerson: (view == caseViewClaim || view == caseViewMine) && pp.PersonID == 0}
	if root := s.caseManageRoot(r, f.UnitID); root != 0 {
		hs, err := s.db.CaseHandlers(r.Context(), actor(r), root)
		if err != nil && errs.Code(err) != errs.ENOTFOUND {
			s.fail(w, r, err)
			return
		}
		for _, p := range hs {
			id := strconv.FormatInt(p.ID, 10)
			label := p.Name + " · " + p.UnitName
			d.Handlers = append(d.Handlers, pplChoice{Value: id, Text: label})
			d.Assignees = append(d.Assignees, pplChoice{Value: id, Text: label, Selected: p.ID == f.AssigneeID})
		}
	}
	if view == caseViewAll && len(d.Handlers) > 0 {
		for _, row := range d.Rows {
			d.Bulk = d.Bulk || row.Select
		}
	}
	if pp.Can(authz.ExportData) {
		eq := url.Values{}
		for k, v := range q {
			if k != "before" && k != "flash" && k != "page" {
				eq[k] = v
			}
		}
		if view != caseViewAll {
			eq.Set("view", view)
		}
		d.Export = "/export/cases.xlsx"
		if e := eq.Encode(); e != "" {
			d.Export += "?" + e
		}
	}
	s.render(w, r, http.StatusOK, "cases_list", &Page{Title: caseListTitles[view], Data: d})
}

// caseManageRoot is the unit whose people the list offers for bulk dispatch and the assignee
// filter: the filtered unit if the user manages cases there, else the one unit where they manage
// cases, if there is just one.
func (s *Server) caseManageRoot(r *http.Request, unitID int64) int64 {
	pp := principal(r)
	if unitID != 0 {
		u, err := s.db.Unit(r.Context(), actor(r), unitID)
		if err == nil && pp.CanAt(authz.ManageCases, u.Path) {
			return u.ID
		}
		return 0
	}
	sc := pp.Scope(authz.ManageCases)
	if sc.All || len(sc.Paths) != 1 {
		return 0
	}
	for _, b := range pp.Bindings {
		if b.UnitPath == sc.Paths[0] && b.Role.Has(authz.ManageCases) {
			return b.UnitID
		}
	}
	return 0
}

// caseBulkRow is the outcome of one case of a bulk dispatch.
type caseBulkRow struct {
	ID      int64
	Number  string
	Title   string
	Outcome string // dispatched, conflict, not_allowed, failed
	Message string
}

// caseBulkData is the summary of a bulk dispatch.
type caseBulkData struct {
	Rows       []caseBulkRow
	Dispatched int
	Assignee   string
}

// maxBulk bounds how many cases one bulk dispatch takes.
const maxBulk = 200

// caseBulkDispatch is POST /cases/dispatch: several accepted cases, each "id:version", to one
// person. Each case is its own step, so one that changed meanwhile or is no longer accepted does
// not hold back the others; the summary says what became of each.
func (s *Server) caseBulkDispatch(w http.ResponseWriter, r *http.Request) {
	if err := caseParseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	if !principal(r).Can(authz.ManageCases) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	ctx, a, pr := r.Context(), actor(r), s.printer(r)
	var fe []errs.FieldError
	assignee := pplID(r.PostForm, "assignee_id", &fe)
	picks := r.PostForm["case"]
	d := caseBulkData{}
	page := &Page{Title: "cases.web.bulk.title", Data: &d}
	switch {
	case len(fe) > 0 || assignee == 0:
		page.Error = pr.T("cases.web.bulk.no_assignee")
	case len(picks) == 0:
		page.Error = pr.T("cases.web.bulk.none")
	case len(picks) > maxBulk:
		page.Error = pr.T("cases.web.bulk.too_many", maxBulk)
	}
	if page.Error != "" {
		s.render(w, r, http.StatusUnprocessableEntity, "cases_bulk", page)
		return
	}
	for _, pick := range picks {
		idS, verS, _ := strings.Cut(pick, ":")
		id, err := strconv.ParseInt(strings.TrimSpace(idS), 10, 64)
		if err != nil || id <= 0 {
			continue
		}
		row := caseBulkRow{ID: id, Number: "#" + strconv.FormatInt(id, 10)}
		c, err := s.db.Act(ctx, a, id, cases.Dispatch, cases.Input{AssigneeKind: cases.ToPerson, AssigneeID: assignee}, pplVersion(verS))
		if err == nil {
			row.Number, row.Title, row.Outcome = c.Number, c.Title, "dispatched"
			d.Dispatched++
			if d.Assignee == "" {
				d.Assignee = c.AssigneeName
			}
		} else {
			if cur, _, err := s.db.Case(ctx, a, id); err == nil {
				row.Number, row.Title = cur.Number, cur.Title
			}
			e := errs.As(err)
			switch {
			case e.Code == errs.ECONFLICT:
				row.Outcome = "conflict"
			case e.Code == errs.EUNPROCESSABLE && e.Key == "cases.action.not_allowed":
				row.Outcome = "not_allowed"
			case e.Code == errs.EINTERNAL:
				s.fail(w, r, err)
				return
			default:
				row.Outcome = "failed"
				row.Message = pr.T(e.Key, e.Args...)
				if len(e.Fields) > 0 {
					row.Message = pr.T(e.Fields[0].Key, e.Fields[0].Args...)
				}
			}
		}
		d.Rows = append(d.Rows, row)
	}
	status := http.StatusOK
	if d.Dispatched == 0 {
		// Nothing changed: the request failed as a whole, though each case says why.
		status = http.StatusUnprocessableEntity
		page.Error = pr.T("cases.web.bulk.nothing")
	} else {
		page.Flash = pr.T("flash.cases.bulk", d.Dispatched, len(d.Rows))
	}
	s.render(w, r, status, "cases_bulk", page)
}
