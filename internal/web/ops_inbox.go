package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"wuxing/internal/errs"
	"wuxing/internal/storage"
)

// opsInboxPage is how many notifications one inbox page shows.
const opsInboxPage = 30

// opsNotice is a notification with its sentence in the reader's language.
type opsNotice struct {
	storage.Notification
	Text string
}

type opsInboxData struct {
	Notices []opsNotice
	Unread  int
	Before  int64 // the page shown starts before this id (0: the newest)
	Next    int64 // the next page's before, 0 at the end
}

// opsNotices renders notifications' messages: catalogue keys with their arguments.
func (s *Server) opsNotices(r *http.Request, ns []storage.Notification) []opsNotice {
	pr := s.printer(r)
	out := make([]opsNotice, len(ns))
	for i, n := range ns {
		out[i] = opsNotice{Notification: n, Text: pr.T(n.Message, n.Args...)}
	}
	return out
}

// opsBefore reads ?before=ID, the keyset page marker; anything else is the first page.
func opsBefore(r *http.Request) int64 {
	id, err := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// opsInbox shows the user's own notifications, newest first, unread ones marked, a page at a
// time by id.
func (s *Server) opsInbox(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	before := opsBefore(r)
	ns, next, err := s.db.Notifications(r.Context(), a, storage.NotificationFilter{BeforeID: before, Limit: opsInboxPage})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unread, err := s.db.UnreadNotifications(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "ops_inbox", &Page{Title: "ops.inbox.title",
		Data: opsInboxData{Notices: s.opsNotices(r, ns), Unread: unread, Before: before, Next: next}})
}

// opsSafeLink keeps a notification's link on this site.
func opsSafeLink(link string) bool {
	return strings.HasPrefix(link, "/") && !strings.HasPrefix(link, "//") && !strings.Contains(link, `\`)
}

// opsInboxRead marks one of the user's notifications read and, with open=1, goes on to what it
// is about. Anyone else's notification is not found.
func (s *Server) opsInboxRead(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := actor(r)
	n, err := s.db.Notification(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.MarkNotificationRead(r.Context(), a, id); err != nil {
		s.fail(w, r, err)
		return
	}
	if r.PostForm.Get("open") == "1" && opsSafeLink(n.Link) {
		http.Redirect(w, r, n.Link, http.StatusSeeOther)
		return
	}
	to := "/inbox"
	if b, err := strconv.ParseInt(r.PostForm.Get("before"), 10, 64); err == nil && b > 0 {
		to += "?before=" + strconv.FormatInt(b, 10)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// opsInboxReadAll marks all the user's notifications read.
func (s *Server) opsInboxReadAll(w http.ResponseWriter, r *http.Request) {
	if _, err := s.db.MarkAllNotificationsRead(r.Context(), actor(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/inbox", "flash.ops.inbox_all_read")
}

type apiNotification struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	CaseID    int64     `json:"case_id,omitempty"`
	Key       string    `json:"key"`
	Args      []any     `json:"args"`
	Message   string    `json:"message"` // in the request's language
	Link      string    `json:"link,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Read      bool      `json:"read"`
}

func apiNotificationOf(n opsNotice) apiNotification {
	args := n.Args
	if args == nil {
		args = []any{}
	}
	return apiNotification{ID: n.ID, Kind: n.Kind, CaseID: n.CaseID, Key: n.Message, Args: args, Message: n.Text, Link: n.Link,
		CreatedAt: n.CreatedAt, Read: !n.Unread()}
}

// apiNotifications answers GET /api/v1/notifications[?before=ID&limit=N&unread=1]: the unread
// count and a page of the caller's notifications, newest first, with next_before for the next.
func (s *Server) apiNotifications(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if q.Get("limit") != "" && (err != nil || limit < 1 || limit > 200) {
		s.fail(w, r, errs.New(errs.EINVALID, "ops.inbox.bad_limit", 200))
		return
	}
	if limit == 0 {
		limit = opsInboxPage
	}
	ns, next, err := s.db.Notifications(r.Context(), a, storage.NotificationFilter{BeforeID: opsBefore(r), Limit: limit,
		Unread: q.Get("unread") == "1" || q.Get("unread") == "true"})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unread, err := s.db.UnreadNotifications(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list := []apiNotification{}
	for _, n := range s.opsNotices(r, ns) {
		list = append(list, apiNotificationOf(n))
	}
	writeJSON(w, http.StatusOK, map[string]any{"unread": unread, "notifications": list, "next_before": next})
}

// apiNotificationRead marks one of the caller's notifications read.
func (s *Server) apiNotificationRead(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := actor(r)
	if err := s.db.MarkNotificationRead(r.Context(), a, id); err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.db.Notification(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiNotificationOf(s.opsNotices(r, []storage.Notification{*n})[0]))
}

// apiNotificationsReadAll marks all the caller's notifications read.
func (s *Server) apiNotificationsReadAll(w http.ResponseWriter, r *http.Request) {
	n, err := s.db.MarkAllNotificationsRead(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"marked": n})
}
