package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/locale"
	"wuxing/internal/privacy"
	"wuxing/internal/storage"
)

// auditPerPage is how many entries one page of the audit log shows.
const auditPerPage = 50

// auditActions and auditEntities are what the log records today, offered as suggestions in
// the filter fields (any value may be typed).
var (
	auditActions  = []string{"login", "login_failed", "login_locked", "create", "update", "move", "activate", "deactivate", "end", "bind_role", "unbind_role", "set_password", "set_active", "unlock", "set_locale", "change_password", "change_password_failed"}
	auditEntities = []string{"user", "unit", "person", "household", "compound", "assignment"}
)

// auditFilterFrom reads the audit filters from a query string: username, action, entity,
// entity_id, from and to (dates, to inclusive, China time), before (an entry id, for paging)
// and limit.
func auditFilterFrom(q url.Values, limit int) (storage.AuditFilter, error) {
	f := storage.AuditFilter{
		Username: strings.TrimSpace(q.Get("username")),
		Action:   strings.TrimSpace(q.Get("action")),
		Entity:   strings.TrimSpace(q.Get("entity")),
		Limit:    limit,
	}
	var fe []errs.FieldError
	if n, e := formInt(q, "entity_id"); e != nil {
		fe = append(fe, *e)
	} else {
		f.EntityID = n
	}
	if n, e := formInt(q, "before"); e != nil {
		fe = append(fe, *e)
	} else {
		f.BeforeID = n
	}
	day := func(name string) time.Time {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", v, cst)
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			fe = append(fe, errs.Field(name, "validation.date"))
			return time.Time{}
		}
		return t
	}
	f.From = day("from")
	if to := day("to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
	}
	return f, errs.FieldsOf(fe)
}

// auditChange is one field of a record before and after a change, as shown.
type auditChange struct {
	Field   string
	Label   string
	Before  string
	After   string
	Changed bool
}

// auditRow is one audit entry as the page shows it.
type auditRow struct {
	storage.AuditEntry
	ActionLabel string
	EntityLabel string
	Link        string
	Changes     []auditChange
}

type auditData struct {
	Entries  []auditRow
	Older    string // address of the next, older page; empty on the last page
	Newest   string // address of the newest page with the same filters, when paged back
	Actions  []string
	Entities []string
}

// auditLog is the audit log of the actor's scope, newest first, paged by id.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	if !a.P.Can(authz.ViewAudit) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	q := r.URL.Query()
	d := auditData{Actions: auditActions, Entities: auditEntities}
	p := &Page{Title: "audit.title", Form: q, Data: &d}
	f, err := auditFilterFrom(q, auditPerPage+1)
	if err != nil {
		s.formFail(w, r, "audit_log", p, err)
		return
	}
	if f.BeforeID != 0 {
		newest := url.Values{}
		for k, v := range q {
			newest[k] = v
		}
		newest.Del("before")
		d.Newest = "/audit?" + newest.Encode()
	}
	es, err := s.db.Audit(r.Context(), a, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(es) > auditPerPage {
		es = es[:auditPerPage]
		older := url.Values{}
		for k, v := range q {
			older[k] = v
		}
		older.Set("before", strconv.FormatInt(es[len(es)-1].ID, 10))
		d.Older = "/audit?" + older.Encode()
	}
	pr := s.printer(r)
	for _, e := range es {
		d.Entries = append(d.Entries, auditRowOf(pr, e))
	}
	s.render(w, r, http.StatusOK, "audit_log", p)
}

// apiAudit is the audit log as JSON: the page's filters, plus limit (default 50, at most 500).
func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	if !a.P.Can(authz.ViewAudit) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	q := r.URL.Query()
	limit := auditPerPage
	if n, e := formInt(q, "limit"); e != nil {
		s.fail(w, r, errs.Invalid(*e))
		return
	} else if n > 0 {
		limit = int(min(n, 500))
	}
	f, err := auditFilterFrom(q, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	es, err := s.db.Audit(r.Context(), a, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type entry struct {
		ID       int64          `json:"id"`
		At       time.Time      `json:"at"`
		UserID   int64          `json:"user_id,omitempty"`
		Username string         `json:"username"`
		Action   string         `json:"action"`
		Entity   string         `json:"entity"`
		EntityID int64          `json:"entity_id,omitempty"`
		Before   map[string]any `json:"before"`
		After    map[string]any `json:"after"`
		IP       string         `json:"ip"`
	}
	out := []entry{}
	for _, e := range es {
		out = append(out, entry{ID: e.ID, At: e.At, UserID: e.UserID, Username: e.Username, Action: e.Action, Entity: e.Entity,
			EntityID: e.EntityID, Before: auditFields(e.Before), After: auditFields(e.After), IP: e.IP})
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out})
}

// auditFields parses an entry's before or after data. Storage never files personal numbers in
// full; any field that names a phone or ID number is masked here all the same, so a careless
// entry cannot show one.
func auditFields(data string) map[string]any {
	if strings.TrimSpace(data) == "" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(data)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return map[string]any{"data": "?"}
	}
	for k, v := range m {
		str, ok := v.(string)
		if !ok {
			continue
		}
		switch lk := strings.ToLower(k); {
		case strings.Contains(lk, "phone"):
			m[k] = privacy.MaskPhone(str)
		case strings.Contains(lk, "id_number"), strings.Contains(lk, "idnumber"):
			m[k] = privacy.MaskIDNumber(str)
		}
	}
	return m
}

// auditRowOf turns an entry into what the page shows: labels in the reader's language, a link
// to the record, and the fields that changed (all fields for a creation or removal).
func auditRowOf(pr *locale.Printer, e storage.AuditEntry) auditRow {
	row := auditRow{AuditEntry: e, ActionLabel: auditLabel(pr, "audit.action."+e.Action, e.Action),
		EntityLabel: auditLabel(pr, "audit.entity."+e.Entity, e.Entity)}
	if e.EntityID != 0 {
		switch e.Entity {
		case "user":
			row.Link = adminUserURL(e.EntityID)
		case "unit", "person", "household":
			row.Link = fmt.Sprintf("/%s/%d", map[string]string{"unit": "units", "person": "people", "household": "households"}[e.Entity], e.EntityID)
		}
	}
	before, after := auditFields(e.Before), auditFields(e.After)
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	onlyChanges := before != nil && after != nil
	for _, k := range names {
		bv, bok := before[k]
		av, aok := after[k]
		changed := bok != aok || !reflect.DeepEqual(bv, av)
		if onlyChanges && !changed {
			continue
		}
		c := auditChange{Field: k, Label: auditLabel(pr, "audit.field."+k, k), Changed: changed}
		if bok {
			c.Before = auditValue(pr, k, bv)
		}
		if aok {
			c.After = auditValue(pr, k, av)
		}
		row.Changes = append(row.Changes, c)
	}
	return row
}

// auditLabel translates key when the catalogue has it, else shows the raw value.
func auditLabel(pr *locale.Printer, key, raw string) string {
	if pr.Has(key) {
		return pr.T(key)
	}
	return raw
}

// auditValue shows one recorded value: yes/no for flags, role and kind names translated,
// lists joined.
func auditValue(pr *locale.Printer, field string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return pr.T("common.yes")
		}
		return pr.T("common.no")
	case string:
		switch field {
		case "role":
			return auditLabel(pr, "role."+x, x)
		case "kind":
			return auditLabel(pr, "kind."+x, x)
		}
		return x
	case json.Number:
		return x.String()
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = auditValue(pr, field, e)
		}
		return strings.Join(parts, "、")
	}
	b, _ := json.Marshal(v)
	return string(b)
}
