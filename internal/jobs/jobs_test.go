package jobs_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/clock"
	"wuxing/internal/jobs"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
	"wuxing/internal/webhook"
)

var cst = time.FixedZone("CST", 8*3600)

// at is a moment in China time.
func at(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, cst) }

// world is a town with a community and a department, and accounts: the community's secretary,
// the department's staff, the town's administrator, and a party member who handles cases.
type world struct {
	db                *storage.DB
	clk               *clock.Fixed
	town, zq, dept    *org.Unit
	member            *people.Person
	sec, staff, admin int64 // user ids
	memberUser        int64
	lighting, safety  int64 // category ids
	urgeKey, dueKey   string
	ctx               context.Context
	t                 *testing.T
}

func newWorld(t *testing.T) *world {
	t.Helper()
	db, clk := storagetest.Open(t)
	w := &world{db: db, clk: clk, ctx: context.Background(), t: t, urgeKey: "ops.notify.urged", dueKey: "ops.notify.due"}
	unit := func(parent *org.Unit, kind org.Kind, code, name string) *org.Unit {
		u := &org.Unit{Kind: kind, Code: code, Name: name}
		if parent != nil {
			u.ParentID = parent.ID
		}
		if err := db.CreateUnit(w.ctx, storage.System, u); err != nil {
			t.Fatalf("unit %s: %v", name, err)
		}
		return u
	}
	county := unit(nil, org.County, "410902000000", "华龙区")
	w.town = unit(county, org.Town, "410902003000", "建设办")
	w.zq = unit(w.town, org.Community, "410902003001", "站前社区")
	w.dept = unit(w.town, org.Department, "410902003000101", "城建办")
	w.member = &people.Person{UnitID: w.zq.ID, Name: "党员甲", Gender: "M", BirthDate: "1980-01-01", PartyMember: true, JoinedPartyOn: "2001-07-01"}
	if err := db.CreatePerson(w.ctx, storage.System, w.member); err != nil {
		t.Fatal(err)
	}
	account := func(name string, person int64, role authz.Role, u *org.Unit) int64 {
		nu, err := db.CreateUser(w.ctx, storage.System, storage.NewUser{Username: name, Password: "Test@2026pass", PersonID: person})
		if err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
		if err := db.BindRole(w.ctx, storage.System, nu.ID, role, u.ID); err != nil {
			t.Fatalf("bind %s: %v", name, err)
		}
		return nu.ID
	}
	w.sec = account("zhanqian", 0, authz.BranchSecretary, w.zq)
	w.staff = account("chengjian", 0, authz.Department, w.dept)
	w.admin = account("town", 0, authz.TownAdmin, w.town)
	w.memberUser = account("member", w.member.ID, authz.Member, w.zq)
	cats, err := db.Categories(w.ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		switch c.Code {
		case "lighting":
			w.lighting = c.ID
		case "safety":
			w.safety = c.ID
		}
	}
	return w
}

func (w *world) newCase(title string, category int64) *cases.Case {
	w.t.Helper()
	c := &cases.Case{UnitID: w.zq.ID, List: cases.Appeal, CategoryID: category, Urgency: cases.Normal, Channel: cases.GridReport,
		Title: title, ReporterName: "孙大娘", ReporterPhone: "13800000099"}
	if _, err := w.db.CreateCase(w.ctx, storage.System, c, storage.NewCase{}); err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) act(c *cases.Case, a cases.Action, in cases.Input) *cases.Case {
	w.t.Helper()
	got, err := w.db.Act(w.ctx, storage.System, c.ID, a, in, c.Version)
	if err != nil {
		w.t.Fatalf("%s: %v", a, err)
	}
	return got
}

func (w *world) reload(c *cases.Case) *cases.Case {
	w.t.Helper()
	got, _, err := w.db.Case(w.ctx, storage.System, c.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return got
}

// urges counts a case's urge events on its timeline.
func (w *world) urges(c *cases.Case) int {
	w.t.Helper()
	evs, err := w.db.CaseEvents(w.ctx, storage.System, c.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Action == string(cases.Urge) {
			n++
			if e.ActorName != "system" || e.UserID != 0 {
				w.t.Errorf("urge by %q (user %d), want the system", e.ActorName, e.UserID)
			}
		}
	}
	return n
}

// inbox counts a user's notifications with key about case c (all cases when c is nil).
func (w *world) inbox(user int64, key string, c *cases.Case) int {
	w.t.Helper()
	ns, _, err := w.db.Notifications(w.ctx, storage.Actor{P: &authz.Principal{UserID: user}}, storage.NotificationFilter{Limit: 1000})
	if err != nil {
		w.t.Fatal(err)
	}
	n := 0
	for _, x := range ns {
		if x.Message == key && (c == nil || x.CaseID == c.ID) {
			n++
		}
	}
	return n
}

func (w *world) urge(want int) {
	w.t.Helper()
	n, err := w.db.UrgeOverdue(w.ctx, 100)
	if err != nil {
		w.t.Fatalf("urge: %v", err)
	}
	if n != want {
		w.t.Fatalf("at %s the job urged %d cases, want %d", w.clk.Now().In(cst).Format("2006-01-02 15:04"), n, want)
	}
}

// TestOverdueAcrossSpringFestival follows two cases over the 2026 Spring Festival (days off
// 2026-02-15 to 23, make-up working days on Saturdays 02-14 and 02-28) with a clock the test sets.
func TestOverdueAcrossSpringFestival(t *testing.T) {
	w := newWorld(t)
	w.clk.Set(at(2026, 2, 13, 9, 0)) // Friday
	// Lighting: 3 working days → 02-14 (make-up Saturday), 02-24, 02-25.
	light := w.newCase("3号楼路灯不亮", w.lighting)
	// Safety: 1 working day → 02-14, the make-up Saturday before the festival.
	hazard := w.newCase("楼道堆放杂物", w.safety)
	for c, want := range map[*cases.Case]string{light: "2026-02-25", hazard: "2026-02-14"} {
		if got := c.Deadline.In(cst).Format("2006-01-02"); got != want {
			t.Fatalf("%s due %s, want %s", c.Title, got, want)
		}
	}
	light = w.act(light, cases.Accept, cases.Input{})
	light = w.act(light, cases.Dispatch, cases.Input{AssigneeKind: cases.ToPerson, AssigneeID: w.member.ID})
	hazard = w.act(hazard, cases.Accept, cases.Input{})
	hazard = w.act(hazard, cases.Escalate, cases.Input{DepartmentID: w.dept.ID, Reason: "需城建办清运"})

	t.Run("DueTomorrowReminder", func(t *testing.T) {
		w.t = t
		// On Friday, the next working day is the make-up Saturday: the hazard is due then.
		n, err := w.db.RemindDue(w.ctx, 100)
		if err != nil || n != 1 {
			t.Fatalf("reminded %d (%v), want 1", n, err)
		}
		if w.inbox(w.staff, w.dueKey, hazard) != 1 || w.inbox(w.memberUser, w.dueKey, nil) != 0 {
			t.Fatal("the department was not reminded of the hazard, or the member was reminded")
		}
		if n, _ := w.db.RemindDue(w.ctx, 100); n != 0 {
			t.Fatalf("a second run reminded %d again", n)
		}
	})

	t.Run("NotOverdueOnTheEve", func(t *testing.T) {
		w.t = t
		w.clk.Set(at(2026, 2, 14, 22, 0)) // the make-up Saturday's evening, the eve of the festival
		w.urge(0)
		if c := w.reload(hazard); c.Overdue || w.urges(c) != 0 {
			t.Fatal("the hazard counts as overdue on its own due day")
		}
	})

	t.Run("OverdueAfterAndUrgedOnce", func(t *testing.T) {
		w.t = t
		w.clk.Set(at(2026, 2, 15, 8, 0)) // first day of the festival
		w.urge(1)
		w.urge(0) // the job runs again: nothing more
		c := w.reload(hazard)
		if !c.Overdue || c.UrgedAt.IsZero() || w.urges(c) != 1 {
			t.Fatalf("hazard: overdue %v, urged at %v, %d urges", c.Overdue, c.UrgedAt, w.urges(c))
		}
		// Escalated: the department's staff, the community's secretary and the town's
		// administrator are each told once; the member, who has nothing to do with it, is not.
		for name, u := range map[string]int64{"department": w.staff, "secretary": w.sec, "town": w.admin} {
			if n := w.inbox(u, w.urgeKey, hazard); n != 1 {
				t.Errorf("%s got %d urge notifications, want 1", name, n)
			}
		}
		if w.inbox(w.memberUser, w.urgeKey, nil) != 0 {
			t.Error("the member was told of a case that is not theirs")
		}
		log, err := w.db.Audit(w.ctx, storage.System, storage.AuditFilter{Action: "urge", Entity: "case", EntityID: hazard.ID})
		if err != nil || len(log) != 1 || log[0].Username != "system" {
			t.Fatalf("audit: %v %+v", err, log)
		}
		// The lighting case's deadline is after the festival.
		if c := w.reload(light); c.Overdue || w.urges(c) != 0 {
			t.Fatal("the lighting case is overdue during the festival")
		}
	})

	t.Run("FestivalDaysDoNotCount", func(t *testing.T) {
		w.t = t
		for _, now := range []time.Time{at(2026, 2, 16, 20, 0), at(2026, 2, 23, 23, 0), at(2026, 2, 25, 23, 59)} {
			w.clk.Set(now)
			w.urge(0)
		}
		w.clk.Set(at(2026, 2, 24, 9, 0))
		if n, _ := w.db.RemindDue(w.ctx, 100); n != 1 || w.inbox(w.memberUser, w.dueKey, light) != 1 {
			t.Fatalf("the member was not reminded on 02-24 of the case due 02-25 (%d)", n)
		}
	})

	t.Run("TwoRunsAtOnceUrgeOnce", func(t *testing.T) {
		w.t = t
		w.clk.Set(at(2026, 2, 26, 0, 1))
		var wg sync.WaitGroup
		var total atomic.Int64
		for i := 0; i < 3; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := w.db.UrgeOverdue(w.ctx, 100)
				if err != nil {
					t.Errorf("urge: %v", err)
				}
				total.Add(int64(n))
			}()
		}
		wg.Wait()
		c := w.reload(light)
		if total.Load() != 1 || w.urges(c) != 1 || !c.Overdue {
			t.Fatalf("three runs urged %d times, timeline has %d urges", total.Load(), w.urges(c))
		}
		if w.inbox(w.memberUser, w.urgeKey, light) != 1 || w.inbox(w.sec, w.urgeKey, light) != 1 || w.inbox(w.admin, w.urgeKey, light) != 0 {
			t.Fatal("the member and the secretary are each told once; the town only of escalated cases")
		}
	})

	t.Run("ExtendedDeadlineMissedAgainIsUrgedAgain", func(t *testing.T) {
		w.t = t
		c := w.act(w.reload(light), cases.RequestExtension, cases.Input{Days: 2, Reason: "等配件"})
		c = w.act(c, cases.ApproveExtension, cases.Input{})
		if got := c.Deadline.In(cst).Format("2006-01-02"); got != "2026-02-27" || c.Overdue {
			t.Fatalf("extended to %s, overdue %v", got, c.Overdue)
		}
		w.clk.Set(at(2026, 2, 27, 18, 0))
		w.urge(0)
		w.clk.Set(at(2026, 2, 28, 9, 0)) // a make-up working Saturday
		w.urge(1)
		if n := w.urges(w.reload(light)); n != 2 {
			t.Fatalf("%d urges, want 2", n)
		}
	})

	t.Run("ClosedCasesAreLeftAlone", func(t *testing.T) {
		w.t = t
		c := w.act(w.reload(hazard), cases.Start, cases.Input{})
		c = w.act(c, cases.Resolve, cases.Input{Result: "已清运", Method: cases.DeptHandling})
		w.clk.Set(at(2026, 3, 10, 9, 0))
		w.urge(0) // the lighting case was urged for its deadline already; the resolved hazard is done
		if w.urges(w.reload(c)) != 1 || w.urges(w.reload(light)) != 2 {
			t.Fatal("a case was urged again")
		}
	})
}

// TestLeaseTwoHolders: two holders never both hold a lease; a released or expired lease passes on.
func TestLeaseTwoHolders(t *testing.T) {
	db, clk := storagetest.Open(t)
	ctx := context.Background()
	try := func(holder string) bool {
		t.Helper()
		ok, err := db.TryLease(ctx, "overdue", holder, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !try("a") || try("b") || !try("a") {
		t.Fatal("a takes and renews the lease; b must not get it meanwhile")
	}
	if err := db.ReleaseLease(ctx, "overdue", "b"); err != nil || try("b") {
		t.Fatal("b released a lease it does not hold")
	}
	clk.Advance(2 * time.Minute) // a died: its lease runs out
	if !try("b") || try("a") {
		t.Fatal("the expired lease did not pass to b alone")
	}
	if err := db.ReleaseLease(ctx, "overdue", "b"); err != nil || !try("a") {
		t.Fatal("the released lease did not pass to a")
	}
}

// TestRunnersNeverRunAtOnce starts two runners with different holders on one job: only the
// lease holder runs it, never both at once, and when it stops, the other takes over.
func TestRunnersNeverRunAtOnce(t *testing.T) {
	db, _ := storagetest.Open(t)
	ctx := context.Background()
	var inFlight, overlaps atomic.Int64
	var mu sync.Mutex
	ran := map[string]int{}
	job := func(holder string) jobs.Job {
		return jobs.Job{Name: "overdue", Every: 5 * time.Millisecond, Run: func(ctx context.Context) error {
			if inFlight.Add(1) > 1 {
				overlaps.Add(1)
			}
			time.Sleep(2 * time.Millisecond)
			inFlight.Add(-1)
			mu.Lock()
			ran[holder]++
			mu.Unlock()
			return nil
		}}
	}
	a := &jobs.Runner{Leases: db, Holder: jobs.NewHolder()}
	b := &jobs.Runner{Leases: db, Holder: jobs.NewHolder()}
	if a.Holder == b.Holder {
		t.Fatal("two runners got the same holder id")
	}
	stopA := a.Start(ctx, job("a"))
	time.Sleep(30 * time.Millisecond) // a holds the lease
	stopB := b.Start(ctx, job("b"))
	defer stopB()
	time.Sleep(150 * time.Millisecond)
	mu.Lock()
	ranA, ranB := ran["a"], ran["b"]
	mu.Unlock()
	if ranA == 0 || ranB != 0 {
		t.Fatalf("while a holds the lease: a ran %d times, b %d", ranA, ranB)
	}
	stopA() // releases the lease at once
	deadline := time.Now().Add(2 * time.Second)
	for {
		mu.Lock()
		ranB = ran["b"]
		mu.Unlock()
		if ranB > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if ranB == 0 {
		t.Fatal("b never took over after a stopped")
	}
	if overlaps.Load() != 0 {
		t.Fatalf("the job ran %d times while it was already running", overlaps.Load())
	}
}

// robot is a local group-robot server: it answers 500 to the first post of each kind, then ok,
// and checks DingTalk's signature itself.
type robot struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	posts  map[string][]string // path → contents received (after the failures)
	tries  map[string]int
}

func (rb *robot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var m struct {
		MsgType string `json:"msgtype"`
		Text    struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	if err := json.Unmarshal(body, &m); err != nil || m.MsgType != "text" || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		rb.t.Errorf("robot got %s %q", r.Header.Get("Content-Type"), body)
	}
	q := r.URL.Query()
	if r.URL.Path == "/robot/send" { // DingTalk
		ts, _ := strconv.ParseInt(q.Get("timestamp"), 10, 64)
		mac := hmac.New(sha256.New, []byte(rb.secret))
		mac.Write([]byte(q.Get("timestamp") + "\n" + rb.secret))
		if q.Get("access_token") != "DTTOKEN" || q.Get("sign") != base64.StdEncoding.EncodeToString(mac.Sum(nil)) ||
			time.Since(time.UnixMilli(ts)).Abs() > time.Hour {
			w.Write([]byte(`{"errcode":310000,"errmsg":"sign not match"}`))
			return
		}
	} else if q.Get("key") != "WECOMKEY" {
		w.Write([]byte(`{"errcode":93000,"errmsg":"invalid webhook url"}`))
		return
	}
	rb.mu.Lock()
	defer rb.mu.Unlock()
	rb.tries[r.URL.Path]++
	if rb.tries[r.URL.Path] == 1 {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	rb.posts[r.URL.Path] = append(rb.posts[r.URL.Path], m.Text.Content)
	w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
}

// TestWebhookDeliveries: a notification about a case queues one message per robot of its unit,
// posted in each robot's format, retried after a 500, never logging the key or a phone number.
func TestWebhookDeliveries(t *testing.T) {
	w := newWorld(t)
	rb := &robot{t: t, secret: "SEC0123456789abcdef+/=", posts: map[string][]string{}, tries: map[string]int{}}
	srv := httptest.NewServer(rb)
	defer srv.Close()
	for _, h := range []*storage.Webhook{
		{UnitID: w.zq.ID, Kind: webhook.WeCom, Name: "两委群", URL: srv.URL + "/cgi-bin/webhook/send?key=WECOMKEY"},
		{UnitID: w.zq.ID, Kind: webhook.DingTalk, Name: "网格群", URL: srv.URL + "/robot/send?access_token=DTTOKEN", Secret: rb.secret},
	} {
		if err := w.db.CreateWebhook(w.ctx, storage.System, h); err != nil {
			t.Fatal(err)
		}
	}
	// A second secretary: the news goes to two inboxes, but to each group once.
	nu, err := w.db.CreateUser(w.ctx, storage.System, storage.NewUser{Username: "zhanqian2", Password: "Test@2026pass"})
	if err != nil || w.db.BindRole(w.ctx, storage.System, nu.ID, authz.BranchSecretary, w.zq.ID) != nil {
		t.Fatal(err)
	}
	c := w.newCase("路灯不亮，联系13812345678", w.lighting)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	sender := webhook.NewSender(2 * time.Second)
	sent, err := jobs.Deliver(w.ctx, w.db, sender, "https://wx.example.cn/", log)
	if err != nil || sent != 0 {
		t.Fatalf("first try: sent %d, %v; want both refused with 500", sent, err)
	}
	ds, err := w.db.WebhookDeliveries(w.ctx, storage.System, w.zq.ID, 10)
	if err != nil || len(ds) != 2 {
		t.Fatalf("%d deliveries queued, want one per robot: %v", len(ds), err)
	}
	for _, d := range ds {
		if d.Status != storage.DeliveryPending || d.Attempts != 1 || !strings.Contains(d.LastError, "500") || d.CaseID != c.ID {
			t.Fatalf("after a 500: %+v", d)
		}
		if want := w.clk.Now().Add(jobs.Backoff(1)); !d.NextAt.Equal(want) {
			t.Fatalf("retry at %v, want %v", d.NextAt, want)
		}
	}
	if sent, _ := jobs.Deliver(w.ctx, w.db, sender, "https://wx.example.cn/", log); sent != 0 {
		t.Fatal("retried before the backoff ran out")
	}
	w.clk.Advance(jobs.Backoff(1))
	if sent, err := jobs.Deliver(w.ctx, w.db, sender, "https://wx.example.cn/", log); err != nil || sent != 2 {
		t.Fatalf("retry: sent %d, %v", sent, err)
	}
	for _, path := range []string{"/cgi-bin/webhook/send", "/robot/send"} {
		got := rb.posts[path]
		want := "【站前社区】新工单 " + c.Number + "：路灯不亮，联系138****5678\nhttps://wx.example.cn/cases/" + strconv.FormatInt(c.ID, 10)
		if len(got) != 1 || got[0] != want {
			t.Errorf("%s received %q, want %q", path, got, want)
		}
	}
	ds, _ = w.db.WebhookDeliveries(w.ctx, storage.System, w.zq.ID, 10)
	for _, d := range ds {
		if d.Status != storage.DeliverySent || d.Attempts != 2 || d.SentAt.IsZero() || d.LastError != "" {
			t.Fatalf("after the retry: %+v", d)
		}
	}
	if s := logs.String(); !strings.Contains(s, "webhook delivery failed") || strings.Contains(s, "WECOMKEY") ||
		strings.Contains(s, "DTTOKEN") || strings.Contains(s, "13812345678") || strings.Contains(s, rb.secret) {
		t.Fatalf("the log shows a key, a secret or a phone number, or nothing:\n%s", s)
	}

	t.Run("GivesUpAfterMaxAttempts", func(t *testing.T) {
		w.t = t
		dead := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
		defer dead.Close()
		h := &storage.Webhook{UnitID: w.dept.ID, Kind: webhook.WeCom, URL: dead.URL + "/send?key=DEADKEY"}
		if err := w.db.CreateWebhook(w.ctx, storage.System, h); err != nil {
			t.Fatal(err)
		}
		c := w.act(w.newCase("井盖缺失", w.safety), cases.Accept, cases.Input{})
		w.act(c, cases.Escalate, cases.Input{DepartmentID: w.dept.ID, Reason: "部门处理"})
		for i := 0; i < jobs.MaxAttempts+2; i++ {
			if _, err := jobs.Deliver(w.ctx, w.db, sender, "", log); err != nil {
				t.Fatal(err)
			}
			w.clk.Advance(time.Hour)
		}
		ds, _ := w.db.WebhookDeliveries(w.ctx, storage.System, w.dept.ID, 10)
		if len(ds) != 1 || ds[0].Status != storage.DeliveryFailed || ds[0].Attempts != jobs.MaxAttempts {
			t.Fatalf("deliveries to the dead robot: %+v", ds)
		}
	})

	t.Run("StaleMessagesExpire", func(t *testing.T) {
		w.t = t
		before := len(rb.posts["/cgi-bin/webhook/send"])
		w.newCase("垃圾未清运", w.lighting)
		w.clk.Advance(jobs.MaxAge + time.Minute)
		if sent, err := jobs.Deliver(w.ctx, w.db, sender, "", log); err != nil || sent != 0 || len(rb.posts["/cgi-bin/webhook/send"]) != before {
			t.Fatalf("a day-old message was sent (%d, %v)", sent, err)
		}
		ds, _ := w.db.WebhookDeliveries(w.ctx, storage.System, w.zq.ID, 1)
		if ds[0].Status != storage.DeliveryExpired {
			t.Fatalf("status %s", ds[0].Status)
		}
	})
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	for i, d := range want {
		if got := jobs.Backoff(i + 1); got != d {
			t.Errorf("Backoff(%d) = %s, want %s", i+1, got, d)
		}
	}
}
