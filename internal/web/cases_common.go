package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"wuxing/internal/figures"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/locale"
	"wuxing/internal/storage"
)

// caseViews are the lists the case pages show: every case in scope, the claim board, the cases
// handed to the user's person, and the department inbox.
const (
	caseViewAll   = "all"
	caseViewClaim = "claim"
	caseViewMine  = "mine"
	caseViewInbox = "inbox"
)

// caseViewPaths are the list pages, by view.
var caseViewPaths = map[string]string{caseViewAll: "/cases", caseViewClaim: "/cases/claim", caseViewMine: "/cases/mine", caseViewInbox: "/cases/inbox"}

// caseEntryChannels are the channels an official enters a case through; the public form is the
// residents' own.
var caseEntryChannels = []cases.Channel{cases.TeaRoom, cases.DoorToDoor, cases.GridReport, cases.Hotline, cases.Inspection}

// caseDay reads a YYYY-MM-DD date as the start of that day in China, in UTC.
func caseDay(s string) (time.Time, bool) {
	d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), cst)
	if err != nil || d.Year() < 2000 || d.Year() > 2100 {
		return time.Time{}, false
	}
	return d.UTC(), true
}

// caseFilterFrom reads the case list filters shared by the pages, the API and the ledger: unit,
// list, category, status, open, overdue, assignee, from, to (submitted, days in China, both
// included), q, before, and view (claim, mine, inbox) where the route does not fix it.
func caseFilterFrom(q url.Values, view string) (storage.CaseFilter, error) {
	var fe []errs.FieldError
	f := storage.CaseFilter{
		UnitID:     pplID(q, "unit", &fe),
		CategoryID: pplID(q, "category", &fe),
		AssigneeID: pplID(q, "assignee", &fe),
		BeforeID:   pplID(q, "before", &fe),
		Query:      strings.TrimSpace(q.Get("q")),
	}
	if l := cases.List(strings.TrimSpace(q.Get("list"))); l != "" {
		if !slices.Contains(cases.Lists, l) {
			fe = append(fe, errs.Field("list", "cases.list.invalid"))
		}
		f.List = l
	}
	if st := cases.Status(strings.TrimSpace(q.Get("status"))); st != "" {
		if !slices.Contains(cases.Statuses, st) {
			fe = append(fe, errs.Field("status", "cases.web.status.invalid"))
		}
		f.Statuses = []cases.Status{st}
	}
	for name, dst := range map[string]*bool{"open": &f.Open, "overdue": &f.Overdue} {
		b, ok := pplBool(q.Get(name))
		if !ok {
			fe = append(fe, errs.Field(name, "validation.number"))
		}
		*dst = b != nil && *b
	}
	if s := q.Get("from"); strings.TrimSpace(s) != "" {
		d, ok := caseDay(s)
		if !ok {
			fe = append(fe, errs.Field("from", "validation.date"))
		}
		f.From = d
	}
	if s := q.Get("to"); strings.TrimSpace(s) != "" {
		d, ok := caseDay(s)
		if !ok {
			fe = append(fe, errs.Field("to", "validation.date"))
		} else {
			f.To = d.AddDate(0, 0, 1)
		}
	}
	// figure= narrows the list to the cases one count of the figures page counts.
	f.Figure = figures.Count(strings.TrimSpace(q.Get("figure")))
	if view == "" {
		view = strings.TrimSpace(q.Get("view"))
	}
	switch view {
	case "", caseViewAll:
	case caseViewClaim:
		f.Claimable = true
	case caseViewMine:
		f.Mine = true
	case caseViewInbox:
		f.Inbox = true
	default:
		fe = append(fe, errs.Field("view", "cases.web.view.invalid"))
	}
	return f, errs.FieldsOf(fe)
}

// caseCheckUnit refuses a unit filter outside the user's reach, as the other lists do.
func (s *Server) caseCheckUnit(r *http.Request, unitID int64) error {
	if unitID == 0 {
		return nil
	}
	_, err := s.db.Unit(r.Context(), actor(r), unitID)
	return err
}

// caseCats are the categories with their labels in the request's language: the catalogue
// names the default ones, an administrator's own keep the name they were given.
type caseCats struct {
	list   []cases.Category
	labels map[int64]string
}

// caseCategories returns the case categories with their labels. A request reads them once:
// submitting a case checks the entry against them and answers with the case's labels from them.
func (s *Server) caseCategories(r *http.Request) (*caseCats, error) {
	rc := ctxOf(r)
	if rc.cats != nil {
		return rc.cats, nil
	}
	list, err := s.db.Categories(r.Context(), true)
	if err != nil {
		return nil, err
	}
	pr := s.printer(r)
	cc := &caseCats{list: list, labels: map[int64]string{}}
	for _, c := range list {
		cc.labels[c.ID] = caseCategoryLabel(pr, &c)
	}
	rc.cats = cc
	return cc, nil
}

func caseCategoryLabel(pr *locale.Printer, c *cases.Category) string {
	if k := "cases.category." + c.Code; pr.Has(k) {
		return pr.T(k)
	}
	return c.Name
}

// label is the name of the category with id, falling back to the name the case read carries.
func (cc *caseCats) label(id int64, fallback string) string {
	if l, ok := cc.labels[id]; ok {
		return l
	}
	return fallback
}

// choices are the active categories as options, each with its time limits.
func (cc *caseCats) choices(pr *locale.Printer, selected int64) []pplChoice {
	var out []pplChoice
	for _, c := range cc.list {
		if !c.Active && c.ID != selected {
			continue
		}
		text := pr.T("cases.web.category.option", cc.labels[c.ID], pr.T("cases.list."+string(c.List)), c.DaysNormal, c.DaysUrgent, c.DaysCritical)
		out = append(out, pplChoice{Value: strconv.FormatInt(c.ID, 10), Text: text, Selected: c.ID == selected})
	}
	return out
}

// caseRow is one case in a list, as the list shows it.
type caseRow struct {
	cases.Case
	Category string
	Late     bool // overdue now, or marked so by the overdue job
	Select   bool // may be picked for bulk dispatch
}

func (s *Server) caseRows(r *http.Request, list []cases.Case, cc *caseCats) []caseRow {
	now, pp := s.clock.Now(), principal(r)
	out := make([]caseRow, len(list))
	for i, c := range list {
		out[i] = caseRow{Case: c, Category: cc.label(c.CategoryID, c.CategoryName),
			Late:   c.Overdue || cases.IsOverdue(c.Status, c.Deadline, now),
			Select: c.Status == cases.Accepted && pp.CanAt(authz.ManageCases, c.UnitPath)}
	}
	return out
}

// caseParseForm reads a case form, multipart (with photos) or not. checkCSRF has usually read
// it already; a form sent with the CSRF header has not been.
func caseParseForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if r.MultipartForm == nil {
			err = r.ParseMultipartForm(8 << 20)
		}
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		return &errs.Error{Code: errs.EINVALID, Key: "error.bad_request", Err: err}
	}
	return nil
}

// caseWithField runs fn with the files of the multipart field standing in the field "photos",
// which the photo hooks read: a form may carry photos of two kinds (before and after).
func caseWithField(r *http.Request, field string, fn func() error) error {
	if field == "photos" || r.MultipartForm == nil {
		return fn()
	}
	saved, had := r.MultipartForm.File["photos"]
	r.MultipartForm.File["photos"] = r.MultipartForm.File[field]
	defer func() {
		if had {
			r.MultipartForm.File["photos"] = saved
		} else {
			delete(r.MultipartForm.File, "photos")
		}
	}()
	return fn()
}

// caseCheckPhotos checks the files of the multipart fields before the step they belong to, so
// that an oversize or mislabeled file stops the step and nothing changes.
func (s *Server) caseCheckPhotos(r *http.Request, fields ...string) error {
	for _, f := range fields {
		if r.MultipartForm == nil || len(r.MultipartForm.File[f]) == 0 {
			continue
		}
		if err := caseWithField(r, f, func() error { return s.checkPhotos(r) }); err != nil {
			if f != "photos" {
				// Name the field the form shows.
				e := *errs.As(err)
				for i := range e.Fields {
					e.Fields[i].Field = f
				}
				return &e
			}
			return err
		}
	}
	return nil
}

// casePhotos attaches the files of the multipart field to a case as kind, through the one
// photo hook.
func (s *Server) casePhotos(r *http.Request, a storage.Actor, caseID int64, field, kind string) error {
	if r.MultipartForm == nil || len(r.MultipartForm.File[field]) == 0 {
		return nil
	}
	return caseWithField(r, field, func() error { return s.attachPhotos(r, a, caseID, kind) })
}

// caseIdemKey turns the key a form or client sent into the stored one: namespaced by the
// account, so that one user's keys never meet another's. A malformed key is a bad request.
func caseIdemKey(channel string, userID int64, key string) (string, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return "", nil
	}
	if len(key) > 64 {
		return "", errs.New(errs.EINVALID, "error.bad_request")
	}
	for i := 0; i < len(key); i++ {
		if key[i] <= ' ' || key[i] > '~' {
			return "", errs.New(errs.EINVALID, "error.bad_request")
		}
	}
	return channel + ":" + strconv.FormatInt(userID, 10) + ":" + key, nil
}

// newCaseKey is a fresh idempotency key for a form.
func newCaseKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// caseActions are the actions in the order the case page offers them.
var caseActions = []cases.Action{cases.Accept, cases.Reject, cases.Claim, cases.Dispatch, cases.Escalate, cases.Start,
	cases.Resolve, cases.Return, cases.CheckPass, cases.CheckFail, cases.Rate, cases.Close, cases.RequestExtension,
	cases.ApproveExtension, cases.DenyExtension, cases.Urge, cases.Comment}

// caseMay lists what someone in capacity k may do to c now: what the flow allows in its status
// and their capacity permits, less the extension steps that do not fit (a request while one is
// pending, a decision when none is).
func caseMay(c *cases.Case, k cases.Capacity) []cases.Action {
	var out []cases.Action
	for _, a := range caseActions {
		if !cases.Allowed(a, c.Status) || !cases.Permitted(a, k) {
			continue
		}
		switch a {
		case cases.RequestExtension:
			if c.ExtensionAsk != 0 {
				continue
			}
		case cases.ApproveExtension, cases.DenyExtension:
			if c.ExtensionAsk == 0 {
				continue
			}
		}
		out = append(out, a)
	}
	return out
}

// caseAction reads an action from the path; an unknown one is not found.
func caseAction(r *http.Request) (cases.Action, error) {
	a := cases.Action(r.PathValue("action"))
	if !slices.Contains(caseActions, a) {
		return "", errs.NotFound()
	}
	return a, nil
}

// caseFormInput reads an action's input from a form.
func caseFormInput(v url.Values) (cases.Input, int64, error) {
	var fe []errs.FieldError
	in := cases.Input{
		Note:         v.Get("note"),
		Reason:       v.Get("reason"),
		AssigneeKind: cases.AssigneeKind(strings.TrimSpace(v.Get("assignee_kind"))),
		AssigneeID:   pplID(v, "assignee_id", &fe),
		DepartmentID: pplID(v, "department_id", &fe),
		Result:       v.Get("result"),
		Method:       cases.Method(strings.TrimSpace(v.Get("method"))),
		Rating:       cases.Rating(strings.TrimSpace(v.Get("rating"))),
	}
	if in.AssigneeKind == "" {
		in.AssigneeKind = cases.ToPerson
	}
	reopen, ok := pplBool(v.Get("reopen"))
	if !ok {
		fe = append(fe, errs.Field("reopen", "validation.number"))
	}
	in.Reopen = reopen != nil && *reopen
	if d := strings.TrimSpace(v.Get("days")); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			fe = append(fe, errs.Field("days", "cases.extension.days"))
		}
		in.Days = n
	}
	return in, pplVersion(v.Get("version")), errs.FieldsOf(fe)
}

// caseJSON is a case in the API, the reporter's phone masked as on screen. The tracking code is
// given only to those who run the case, who hand it to the resident.
type caseJSON struct {
	ID                  int64         `json:"id"`
	Number              string        `json:"number"`
	TrackingCode        string        `json:"tracking_code,omitempty"`
	UnitID              int64         `json:"unit_id"`
	UnitName            string        `json:"unit_name"`
	GridID              int64         `json:"grid_id"`
	HandlerUnitID       int64         `json:"handler_unit_id"`
	HandlerName         string        `json:"handler_name"`
	List                cases.List    `json:"list"`
	CategoryID          int64         `json:"category_id"`
	CategoryName        string        `json:"category_name"`
	Urgency             cases.Urgency `json:"urgency"`
	Channel             cases.Channel `json:"channel"`
	Title               string        `json:"title"`
	Description         string        `json:"description"`
	Address             string        `json:"address"`
	Lat                 *float64      `json:"lat"`
	Lng                 *float64      `json:"lng"`
	ReporterPersonID    int64         `json:"reporter_person_id"`
	ReporterHouseholdID int64         `json:"reporter_household_id"`
	ReporterName        string        `json:"reporter_name"`
	ReporterPhone       string        `json:"reporter_phone"`
	CampaignID          int64         `json:"campaign_id"`
	Status              cases.Status  `json:"status"`
	AssigneeKind        string        `json:"assignee_kind"`
	AssigneeID          int64         `json:"assignee_id"`
	AssigneeName        string        `json:"assignee_name"`
	Claimed             bool          `json:"claimed"`
	Method              cases.Method  `json:"method"`
	Result              string        `json:"result"`
	Rating              cases.Rating  `json:"rating"`
	RatingComment       string        `json:"rating_comment"`
	Reopened            bool          `json:"reopened"`
	Reworks             int           `json:"reworks"`
	Escalations         int           `json:"escalations"`
	ExtensionAsk        int           `json:"extension_ask"`
	Deadline            time.Time     `json:"deadline"`
	Overdue             bool          `json:"overdue"`
	Times               caseTimesJSON `json:"times"`
	Version             int64         `json:"version"`
	UpdatedAt           time.Time     `json:"updated_at"`
	Capacity            *capacityJSON `json:"capacity,omitempty"`
}

// caseTimesJSON are the timestamps the figures are computed from; null until reached.
type caseTimesJSON struct {
	Submitted  *time.Time `json:"submitted_at"`
	Accepted   *time.Time `json:"accepted_at"`
	Dispatched *time.Time `json:"dispatched_at"`
	Signed     *time.Time `json:"signed_at"`
	Resolved   *time.Time `json:"resolved_at"`
	Checked    *time.Time `json:"checked_at"`
	Rated      *time.Time `json:"rated_at"`
	Closed     *time.Time `json:"closed_at"`
	Urged      *time.Time `json:"urged_at"`
}

// capacityJSON is what the caller is to a case and the actions they may take now.
type capacityJSON struct {
	Manager bool           `json:"manager"`
	Handler bool           `json:"handler"`
	Claimer bool           `json:"claimer"`
	Viewer  bool           `json:"viewer"`
	Actions []cases.Action `json:"actions"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// caseShowsTracking reports whether the viewer is given the tracking code: those who enter or
// run cases for the unit, who hand it to the resident.
func caseShowsTracking(pp *authz.Principal, c *cases.Case) bool {
	return pp.CanAt(authz.ManageCases, c.UnitPath) || pp.CanAt(authz.ReportCases, c.UnitPath)
}

func (s *Server) caseJSONOf(pp *authz.Principal, c *cases.Case, cc *caseCats) caseJSON {
	j := caseJSON{ID: c.ID, Number: c.Number, UnitID: c.UnitID, UnitName: c.UnitName, GridID: c.GridID,
		HandlerUnitID: c.HandlerUnitID, HandlerName: c.HandlerName, List: c.List, CategoryID: c.CategoryID,
		CategoryName: cc.label(c.CategoryID, c.CategoryName), Urgency: c.Urgency, Channel: c.Channel, Title: c.Title,
		Description: c.Description, Address: c.Address, Lat: c.Lat, Lng: c.Lng, ReporterPersonID: c.ReporterPersonID,
		ReporterHouseholdID: c.ReporterHouseholdID, ReporterName: c.ReporterName, ReporterPhone: phoneFor(pp, c.ReporterPhone, c.UnitPath),
		CampaignID: c.CampaignID, Status: c.Status, AssigneeKind: string(c.AssigneeKind), AssigneeID: c.AssigneeID,
		AssigneeName: c.AssigneeName, Claimed: c.Claimed, Method: c.Method, Result: c.Result, Rating: c.Rating,
		RatingComment: c.RatingComment, Reopened: c.Reopened, Reworks: c.Reworks, Escalations: c.Escalations,
		ExtensionAsk: c.ExtensionAsk, Deadline: c.Deadline, Overdue: c.Overdue || cases.IsOverdue(c.Status, c.Deadline, s.clock.Now()),
		Version: c.Version, UpdatedAt: c.UpdatedAt,
		Times: caseTimesJSON{Submitted: timePtr(c.SubmittedAt), Accepted: timePtr(c.AcceptedAt), Dispatched: timePtr(c.DispatchedAt),
			Signed: timePtr(c.SignedAt), Resolved: timePtr(c.ResolvedAt), Checked: timePtr(c.CheckedAt), Rated: timePtr(c.RatedAt),
			Closed: timePtr(c.ClosedAt), Urged: timePtr(c.UrgedAt)}}
	if caseShowsTracking(pp, c) {
		j.TrackingCode = c.TrackingCode
	}
	return j
}

// caseEventView is one timeline step as the page and the API show it.
type caseEventView struct {
	ID      int64          `json:"id"`
	At      time.Time      `json:"at"`
	Actor   string         `json:"actor"`
	Action  string         `json:"action"`
	Label   string         `json:"label"`
	From    cases.Status   `json:"from_status"`
	To      cases.Status   `json:"to_status"`
	Note    string         `json:"note"`
	Details []string       `json:"details"`
	Data    map[string]any `json:"data"`
}

// caseEventViews describes each step: who, when, what, the note, and what the step's data says
// (to whom it went, how it was resolved, the rating, the new deadline).
func caseEventViews(pr *locale.Printer, evs []storage.CaseEvent) []caseEventView {
	out := make([]caseEventView, 0, len(evs))
	for _, e := range evs {
		v := caseEventView{ID: e.ID, At: e.At, Actor: e.ActorName, Action: e.Action, Label: e.Action, From: e.FromStatus,
			To: e.ToStatus, Note: e.Note, Details: []string{}, Data: e.Data}
		if v.Data == nil {
			v.Data = map[string]any{}
		}
		if k := "cases.act." + e.Action; pr.Has(k) {
			v.Label = pr.T(k)
		} else if k := "cases.web.event.act." + e.Action; pr.Has(k) {
			v.Label = pr.T(k)
		}
		if v.Actor == "resident" {
			v.Actor = pr.T("cases.web.event.resident")
		}
		str := func(k string) string {
			x, ok := e.Data[k]
			if !ok || x == nil {
				return ""
			}
			switch x := x.(type) {
			case string:
				return x
			case float64:
				return strconv.FormatFloat(x, 'f', -1, 64)
			case bool:
				return strconv.FormatBool(x)
			}
			return ""
		}
		if n := str("assignee_name"); n != "" {
			v.Details = append(v.Details, pr.T("cases.web.event.assignee", n))
		}
		if n := str("department_name"); n != "" {
			v.Details = append(v.Details, pr.T("cases.web.event.department", n))
		}
		if m := str("method"); m != "" {
			v.Details = append(v.Details, pr.T("cases.web.event.method", pr.T("cases.method."+m)))
		}
		if rt := str("rating"); rt != "" {
			v.Details = append(v.Details, pr.T("cases.web.event.rating", pr.T("cases.rating."+rt)))
		}
		if d := str("days"); d != "" {
			v.Details = append(v.Details, pr.T("cases.web.event.days", d))
		}
		if d := str("deadline"); d != "" {
			if t, err := time.Parse(time.RFC3339Nano, d); err == nil {
				v.Details = append(v.Details, pr.T("cases.web.event.deadline", t.In(cst).Format("2006-01-02")))
			}
		}
		if str("reopened") == "true" {
			v.Details = append(v.Details, pr.T("cases.web.event.reopened"))
		}
		if ids, ok := e.Data["photos"].([]any); ok && e.Action == "photos" {
			v.Details = append(v.Details, pr.T("cases.web.event.photos", pr.T("photos.kind."+str("kind")), len(ids)))
		}
		if ch := str("channel"); ch != "" {
			v.Details = append(v.Details, pr.T("cases.web.event.channel", pr.T("cases.channel."+ch)))
		}
		out = append(out, v)
	}
	return out
}
