// Package bench measures the platform on a database, in one run on one machine (wuxing bench):
// the bare driver inserting case rows, the full intake path over HTTP, the scoped case list and
// case page, the figures dashboards of a town, a county and the whole tree, and the process's
// peak memory. It starts the web server in-process on a loopback port over the same database and
// sends it a bounded number of requests for a bounded time; it sends nothing anywhere else.
package bench

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/locale"
	"wuxing/internal/org"
	"wuxing/internal/storage"
	"wuxing/internal/web"
	"wuxing/internal/xlsx"
)

// Result is what a run measured. The JSON field names are stable: scripts and BENCHMARKS.md
// read them.
type Result struct {
	RawInsertRPS        float64 `json:"raw_insert_rps"`        // bare driver, one case row per transaction
	IntakeRPS           float64 `json:"intake_rps"`            // POST /api/v1/cases over HTTP
	IntakeP50Ms         float64 `json:"intake_p50_ms"`         // its median latency
	IntakeP99Ms         float64 `json:"intake_p99_ms"`         // its 99th percentile
	IntakeRatio         float64 `json:"intake_ratio"`          // intake_rps / raw_insert_rps
	ListP95Ms           float64 `json:"list_p95_ms"`           // GET /api/v1/cases: first and deep pages
	CaseP95Ms           float64 `json:"case_p95_ms"`           // GET /api/v1/cases/{id}
	TownDashboardMs     float64 `json:"town_dashboard_ms"`     // figures of a town's subtree
	CountyDashboardMs   float64 `json:"county_dashboard_ms"`   // … of a county's
	ProvinceDashboardMs float64 `json:"province_dashboard_ms"` // … of the whole tree
	RSSMB               float64 `json:"rss_mb"`                // peak resident memory of the process
	ExportRows          int     `json:"export_rows"`           // cases in the .xlsx case ledger exported
	ExportS             float64 `json:"export_s"`              // seconds to write it
	ExportHeapMB        float64 `json:"export_heap_mb"`        // peak Go heap growth while writing it
	Export10kHeapMB     float64 `json:"export_10k_heap_mb"`    // the same for a ledger of 10,000 cases
	Cases               int64   `json:"cases"`                 // cases in the database before the run
}

// Options tune a run.
type Options struct {
	Duration time.Duration // length of each timed phase (raw inserts, intake); default DefaultDuration
	Clients  int           // concurrent clients in the timed phases; default 8
	Reads    int           // requests for each read measurement (list, case page); default 200
	Log      io.Writer     // what the run is doing, and notes (nil: nothing)
	// IntakeProfile, when set, receives a CPU profile of the intake phase alone (pprof format).
	IntakeProfile io.Writer
}

// DefaultDuration is the length of each timed phase unless Options.Duration says otherwise.
const DefaultDuration = 10 * time.Second

// Username is the account the bench creates (admin at every root) and logs in as.
const Username = "wuxing-bench"

// maxRequests bounds a timed phase whatever its duration.
const maxRequests = 2_000_000

// Run measures db. It needs cases to read (wuxing gen makes them); it adds the cases the intake
// phase submits, and removes the rows the raw phase inserted.
func Run(ctx context.Context, db *storage.DB, o Options) (*Result, error) {
	if o.Duration <= 0 {
		o.Duration = DefaultDuration
	}
	if o.Clients <= 0 {
		o.Clients = 8
	}
	if o.Reads <= 0 {
		o.Reads = 200
	}
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, "bench: "+format+"\n", args...)
		}
	}
	res := &Result{}
	raw := db.Raw()
	q := db.Dialect().Rebind
	if err := raw.QueryRowContext(ctx, "SELECT COUNT(*) FROM cases").Scan(&res.Cases); err != nil {
		return nil, fmt.Errorf("bench: count cases: %w", err)
	}
	tg, err := findTargets(ctx, db)
	if err != nil {
		return nil, err
	}
	logf("%s database, %d cases; town %s (%d), county %s (%d), root %s (%d); %d clients, %s a phase",
		db.Dialect(), res.Cases, tg.town.Name, tg.town.ID, tg.county.Name, tg.county.ID, tg.root.Name, tg.root.ID, o.Clients, o.Duration)

	// As wuxing serve does at start: the planner's statistics, where the data changed.
	if err := db.Optimize(ctx); err != nil {
		return nil, err
	}
	password, err := benchAccount(ctx, db)
	if err != nil {
		return nil, err
	}
	// As `wuxing serve` does at start: current planner statistics.
	if err := db.Optimize(ctx); err != nil {
		return nil, err
	}
	srv, err := web.New(web.Options{DB: db, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: readTimeout, Transport: &http.Transport{
		MaxIdleConns: o.Clients * 2, MaxIdleConnsPerHost: o.Clients * 2, IdleConnTimeout: time.Minute}}
	defer client.CloseIdleConnections()
	token, err := login(ctx, client, base, password)
	if err != nil {
		return nil, err
	}
	h := &httpc{c: client, base: base, token: token}

	// 1. The physical reference: the same driver with the store's durability settings and its
	// defaults otherwise (storage.DB.Bare), the same INSERT the store makes for a case, one row a
	// transaction.
	logf("raw inserts…")
	n, el, err := rawInserts(ctx, db, tg, o)
	if err != nil {
		return nil, err
	}
	res.RawInsertRPS = float64(n) / el.Seconds()
	logf("raw inserts: %d in %s: %.0f/s", n, el.Round(time.Millisecond), res.RawInsertRPS)

	// 2. Intake: the whole request path, concurrent clients.
	logf("intake…")
	if o.IntakeProfile != nil {
		if err := pprof.StartCPUProfile(o.IntakeProfile); err != nil {
			return nil, err
		}
	}
	lat, el, failed, err := intake(ctx, h, tg, o)
	if o.IntakeProfile != nil {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return nil, err
	}
	if failed > 0 {
		logf("intake: %d requests failed and are not counted", failed)
	}
	res.IntakeRPS = float64(len(lat)) / el.Seconds()
	res.IntakeP50Ms, res.IntakeP99Ms = pct(lat, 50), pct(lat, 99)
	if res.RawInsertRPS > 0 {
		res.IntakeRatio = res.IntakeRPS / res.RawInsertRPS
	}
	logf("intake: %d in %s: %.0f/s, p50 %.1f ms, p99 %.1f ms", len(lat), el.Round(time.Millisecond), res.IntakeRPS, res.IntakeP50Ms, res.IntakeP99Ms)

	// 3. Reads, one client at a time: the list (whole scope and one town, first page and a deep
	// page), then case pages.
	var minID, maxID, tMin, tMax int64
	if err := raw.QueryRowContext(ctx, "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM cases").Scan(&minID, &maxID); err != nil {
		return nil, err
	}
	if err := raw.QueryRowContext(ctx, q("SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM cases WHERE unit_path >= ? AND unit_path < ?"),
		tg.town.Path, pathEnd(tg.town.Path)).Scan(&tMin, &tMax); err != nil {
		return nil, err
	}
	town := strconv.FormatInt(tg.town.ID, 10)
	urls := []string{
		"/api/v1/cases",
		"/api/v1/cases?before=" + strconv.FormatInt(minID+(maxID-minID)/10+1, 10),
		"/api/v1/cases?unit=" + town,
		"/api/v1/cases?unit=" + town + "&before=" + strconv.FormatInt(tMin+(tMax-tMin)/10+1, 10),
	}
	logf("case lists…")
	lat, by, err := reads(ctx, h, o.Reads, func(i int) string { return urls[i%len(urls)] }, logf)
	if err != nil {
		return nil, err
	}
	res.ListP95Ms = pct(lat, 95)
	logf("case lists: %d, p50 %.1f ms, p95 %.1f ms", len(lat), pct(lat, 50), res.ListP95Ms)
	for _, u := range urls {
		logf("  %-40s p50 %8.1f ms, p95 %8.1f ms (%d)", u, pct(by[u], 50), pct(by[u], 95), len(by[u]))
	}

	ids, err := sampleIDs(ctx, db, minID, maxID, o.Reads)
	if err != nil {
		return nil, err
	}
	logf("case pages…")
	lat, _, err = reads(ctx, h, len(ids), func(i int) string { return "/api/v1/cases/" + strconv.FormatInt(ids[i], 10) }, logf)
	if err != nil {
		return nil, err
	}
	res.CaseP95Ms = pct(lat, 95)
	logf("case pages: %d, p50 %.1f ms, p95 %.1f ms", len(lat), pct(lat, 50), res.CaseP95Ms)

	// 4. Dashboards: the figures aggregate (storage.DB.Figures, what the figures page and API
	// run) for the year of the newest case, as the bench account sees it.
	sess, err := db.SessionByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	a := storage.Actor{P: sess.Principal}
	var newest time.Time
	if err := raw.QueryRowContext(ctx, "SELECT submitted_at FROM cases ORDER BY id DESC LIMIT 1").Scan(&newest); err != nil {
		return nil, fmt.Errorf("bench: newest case: %w", err)
	}
	cst := time.FixedZone("CST", 8*3600)
	y := newest.In(cst).Year()
	fq := storage.FigureQuery{From: time.Date(y, 1, 1, 0, 0, 0, 0, cst), To: time.Date(y+1, 1, 1, 0, 0, 0, 0, cst)}
	for _, d := range []struct {
		u   *org.Unit
		out *float64
	}{{tg.town, &res.TownDashboardMs}, {tg.county, &res.CountyDashboardMs}, {tg.root, &res.ProvinceDashboardMs}} {
		fq.UnitID = d.u.ID
		var ms []float64
		for range 3 {
			start := time.Now()
			rep, err := db.Figures(ctx, a, fq)
			if err != nil {
				return nil, fmt.Errorf("bench: figures of %s: %w", d.u.Name, err)
			}
			ms = append(ms, msSince(start))
			if len(rep.Entries) == 0 {
				return nil, fmt.Errorf("bench: figures of %s: no villages", d.u.Name)
			}
		}
		*d.out = pct(ms, 50)
		logf("dashboard %s (%s, %d): %.1f ms (median of 3; %d)", d.u.Name, d.u.Kind, d.u.ID, *d.out, y)
	}
	// 5. The .xlsx case ledger of up to 100,000 cases, and of 10,000: the heap it needs must
	// not grow with its length (flat memory).
	pr := locale.NewPrinter("zh-CN")
	for _, e := range []struct {
		rows int
		heap *float64
	}{{10_000, &res.Export10kHeapMB}, {100_000, &res.ExportHeapMB}} {
		start := time.Now()
		n, heap, err := exportLedger(ctx, db, a, pr, e.rows)
		if err != nil {
			return nil, err
		}
		*e.heap = heap
		if e.rows == 100_000 {
			res.ExportRows, res.ExportS = n, time.Since(start).Seconds()
		}
		logf("xlsx ledger: %d cases in %.1f s, heap grew at most %.1f MB", n, time.Since(start).Seconds(), heap)
	}
	res.RSSMB = peakRSS()
	round(res)
	return res, nil
}

// exportLedger writes the case ledger of up to rows cases to nowhere and returns how many it
// held and the most the Go heap grew meanwhile (sampled every 10 ms), in MB.
func exportLedger(ctx context.Context, db *storage.DB, a storage.Actor, pr *locale.Printer, rows int) (int, float64, error) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	heap := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := heap()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if h := heap(); h > peak.Load() {
				peak.Store(h)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	x, err := xlsx.NewCaseLedger(ctx, db, a, xlsx.CaseLedgerSpec{MaxRows: rows, Now: time.Now()}, pr)
	if err == nil {
		_, err = x.WriteTo(io.Discard)
	}
	close(done)
	wg.Wait()
	if h := heap(); h > peak.Load() { // a ledger written faster than a sample
		peak.Store(h)
	}
	if x != nil {
		x.Close()
	}
	if err != nil {
		return 0, 0, fmt.Errorf("bench: xlsx ledger: %w", err)
	}
	grew := float64(0)
	if p := peak.Load(); p > base {
		grew = float64(p-base) / (1 << 20)
	}
	return x.Rows, grew, nil
}

// targets are the units the bench works in: the town of the newest generated case, its county,
// the root above them; and the villages and communities intake reports in, spread over the whole
// tree so that the cases it adds do not swell the town the lists and dashboards are read for.
type targets struct {
	town, county, root *org.Unit
	branches           []branchRef
	categories         []categoryRef
}

type branchRef struct {
	id   int64
	path string
}

type categoryRef struct {
	id   int64
	list string
}

func pathEnd(p string) string { return p[:len(p)-1] + string(p[len(p)-1]+1) }

func findTargets(ctx context.Context, db *storage.DB) (*targets, error) {
	raw := db.Raw()
	q := db.Dialect().Rebind
	var path string
	// Generated cases have no creator; those submitted through the API (earlier runs' intake) do.
	err := raw.QueryRowContext(ctx, "SELECT unit_path FROM cases WHERE created_by IS NULL ORDER BY id DESC LIMIT 1").Scan(&path)
	if err != nil {
		return nil, errors.New("bench: the database holds no cases: fill it first (wuxing gen --scale county)")
	}
	tg := &targets{}
	for _, id := range org.IDs(path) {
		u, err := db.Unit(ctx, storage.System, id)
		if err != nil {
			return nil, err
		}
		switch {
		case tg.root == nil:
			tg.root = u
		case u.Kind == org.County:
			tg.county = u
		case u.Kind == org.Town:
			tg.town = u
		}
	}
	if tg.town == nil || tg.county == nil {
		return nil, errors.New("bench: the newest case is not under a county and a town")
	}
	rows, err := raw.QueryContext(ctx, q("SELECT id, path FROM units WHERE path >= ? AND path < ? AND kind IN (?, ?) AND active = ? ORDER BY id"),
		tg.root.Path, pathEnd(tg.root.Path), string(org.Village), string(org.Community), true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []branchRef
	for rows.Next() {
		var b branchRef
		if err := rows.Scan(&b.id, &b.path); err != nil {
			return nil, err
		}
		all = append(all, b)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// At most a thousand, evenly spread.
	step := max(1, len(all)/1000)
	for i := 0; i < len(all); i += step {
		tg.branches = append(tg.branches, all[i])
	}
	cats, err := db.Categories(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		tg.categories = append(tg.categories, categoryRef{c.ID, string(c.List)})
	}
	if len(tg.branches) == 0 || len(tg.categories) == 0 {
		return nil, errors.New("bench: no active village or category to report cases in")
	}
	return tg, nil
}

// benchAccount makes sure the bench account exists with the admin role at every root, and gives
// it a fresh random password for this run.
func benchAccount(ctx context.Context, db *storage.DB) (string, error) {
	b := make([]byte, 18)
	crand.Read(b)
	pw := "Bx9!" + strings.NewReplacer("+", "x", "/", "y", "=", "z").Replace(fmt.Sprintf("%x", b))
	a := storage.System
	roots, err := db.TopUnits(ctx, a)
	if err != nil || len(roots) == 0 {
		return "", fmt.Errorf("bench: no root unit: %v", err)
	}
	id, err := db.UserIDByName(ctx, Username)
	if err != nil {
		u, err := db.CreateAccount(ctx, a, storage.NewUser{Username: Username, Password: pw}, authz.Admin, roots[0].ID)
		if err != nil {
			return "", fmt.Errorf("bench: create account %s: %w", Username, err)
		}
		id = u.ID
	} else if err := db.SetPassword(ctx, a, id, pw); err != nil {
		return "", fmt.Errorf("bench: reset password of %s: %w", Username, err)
	}
	if err := db.UnlockUser(ctx, a, id); err != nil {
		return "", err
	}
	u, err := db.User(ctx, a, id)
	if err != nil {
		return "", err
	}
	for _, r := range roots {
		if !slices.ContainsFunc(u.Bindings, func(b authz.Binding) bool { return b.Role == authz.Admin && b.UnitID == r.ID }) {
			if err := db.BindRole(ctx, a, id, authz.Admin, r.ID); err != nil {
				return "", fmt.Errorf("bench: bind admin at %s: %w", r.Name, err)
			}
		}
	}
	return pw, nil
}

// httpc sends authenticated API requests to the in-process server.
type httpc struct {
	c     *http.Client
	base  string
	token string
}

func (h *httpc) do(ctx context.Context, method, path string, body []byte, hdr map[string]string) (int, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+h.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := h.c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func login(ctx context.Context, c *http.Client, base, password string) (string, error) {
	body, _ := json.Marshal(map[string]string{"username": Username, "password": password})
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/login", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("bench: login: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || out.Token == "" {
		return "", fmt.Errorf("bench: login as %s: status %d", Username, resp.StatusCode)
	}
	return out.Token, nil
}

// caseInsert is the store's INSERT for a new case (storage.createCase), column for column.
const caseInsert = `INSERT INTO cases (number, year, seq, tracking_code, unit_id, unit_path, grid_id, handler_unit_id, handler_path,
		list, category_id, urgency, channel, title, description, address, lat, lng, reporter_person_id, reporter_household_id,
		reporter_name, reporter_phone, campaign_id, status, deadline, overdue, claimed, reopened, created_by, idempotency_key,
		submitted_at, version, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING id`

// rawInserts inserts case rows through a bare write pool (storage.DB.Bare), one row a transaction, from
// o.Clients goroutines for o.Duration, then deletes them. It returns how many it inserted.
func rawInserts(ctx context.Context, db *storage.DB, tg *targets, o Options) (int, time.Duration, error) {
	pool, closePool, err := db.Bare()
	if err != nil {
		return 0, 0, err
	}
	defer closePool()
	stmt := db.Dialect().Rebind(caseInsert)
	run := make([]byte, 4)
	crand.Read(run)
	prefix := fmt.Sprintf("BENCHRAW-%x-", run)
	var (
		mu   sync.Mutex
		ids  []int64
		werr error
		done atomic.Int64
	)
	start := time.Now()
	stop := start.Add(o.Duration)
	var wg sync.WaitGroup
	for c := range o.Clients {
		wg.Go(func() {
			var mine []int64
			defer func() {
				mu.Lock()
				ids = append(ids, mine...)
				mu.Unlock()
			}()
			for i := 0; time.Now().Before(stop) && done.Load() < maxRequests; i++ {
				b := tg.branches[(c+i)%len(tg.branches)]
				cat := tg.categories[(c+i)%len(tg.categories)]
				now := time.Now().UTC()
				tx, err := pool.BeginTx(ctx, nil)
				if err != nil {
					mu.Lock()
					werr = err
					mu.Unlock()
					return
				}
				var id int64
				err = tx.QueryRowContext(ctx, stmt, fmt.Sprintf("%s%d-%d", prefix, c, i), now.Year(), i+1, trackingCode(), b.id, b.path, nil, b.id, b.path,
					cat.list, cat.id, "normal", "hotline", "基准测试：路灯不亮", "用于测量裸写入速度", "测试地址", nil, nil, nil, nil,
					"测试", "", nil, "submitted", now.Add(72*time.Hour), false, false, false, nil, nil, now, now).Scan(&id)
				if err == nil {
					err = tx.Commit()
				} else {
					tx.Rollback()
				}
				if err != nil {
					mu.Lock()
					werr = err
					mu.Unlock()
					return
				}
				mine = append(mine, id)
				done.Add(1)
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	// Take the rows out again, so that the raw phase leaves the database as it found it.
	for len(ids) > 0 {
		k := min(len(ids), 500)
		args := make([]any, k)
		for i, id := range ids[:k] {
			args[i] = id
		}
		if _, err := pool.ExecContext(ctx, db.Dialect().Rebind("DELETE FROM cases WHERE id IN ("+strings.TrimSuffix(strings.Repeat("?,", k), ",")+")"), args...); err != nil {
			return 0, 0, fmt.Errorf("bench: remove raw rows: %w", err)
		}
		ids = ids[k:]
	}
	if werr != nil {
		return 0, 0, fmt.Errorf("bench: raw insert: %w", werr)
	}
	return int(done.Load()), el, nil
}

// trackingCode is a random code in the store's alphabet, as the store makes them.
func trackingCode() string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	b := make([]byte, 12)
	crand.Read(b)
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return string(b)
}

// intake submits cases through POST /api/v1/cases from o.Clients clients for o.Duration and
// returns each accepted request's latency in milliseconds, and how many failed (more than one in
// a hundred is an error).
func intake(ctx context.Context, h *httpc, tg *targets, o Options) ([]float64, time.Duration, int64, error) {
	run := make([]byte, 4)
	crand.Read(run)
	var (
		mu   sync.Mutex
		lat  []float64
		fail atomic.Int64
		last atomic.Int64 // status of the last failure
		done atomic.Int64
	)
	start := time.Now()
	stop := start.Add(o.Duration)
	var wg sync.WaitGroup
	for c := range o.Clients {
		wg.Go(func() {
			var mine []float64
			defer func() {
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}()
			for i := 0; time.Now().Before(stop) && done.Load() < maxRequests; i++ {
				b := tg.branches[(c*7+i)%len(tg.branches)]
				cat := tg.categories[(c+i)%len(tg.categories)]
				body, _ := json.Marshal(map[string]any{"unit_id": b.id, "list": cat.list, "category_id": cat.id, "urgency": "normal",
					"channel": "hotline", "title": "路灯不亮", "description": "群众来电反映路灯不亮，请尽快处理。", "address": "村东头",
					"reporter_name": "张女士"})
				t0 := time.Now()
				st, err := h.do(ctx, "POST", "/api/v1/cases", body, map[string]string{"Idempotency-Key": fmt.Sprintf("bench-%x-%d-%d", run, c, i)})
				if err != nil {
					if ctx.Err() != nil {
						return
					}
					fail.Add(1)
					continue
				}
				if st != http.StatusCreated {
					fail.Add(1)
					last.Store(int64(st))
					if fail.Load() > 20 && len(mine) == 0 {
						return // the route is failing: stop rather than hammer it
					}
					continue
				}
				mine = append(mine, msSince(t0))
				done.Add(1)
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	if err := ctx.Err(); err != nil {
		return nil, 0, 0, err
	}
	n := fail.Load()
	if n > 0 && (len(lat) == 0 || n*100 > int64(len(lat))) {
		return nil, 0, 0, fmt.Errorf("bench: intake: %d of %d requests failed (last status %d)", n, int64(len(lat))+n, last.Load())
	}
	return lat, el, n, nil
}

// readTimeout bounds one request; a read that takes longer counts as taking readTimeout, and so
// does every later request for its URL, which is not sent (at 10M cases an unindexed list can
// take minutes).
const readTimeout = 30 * time.Second

// reads sends n GET requests one after the other (after one unmeasured warm-up request for each
// distinct URL among the first four) and returns their latencies in milliseconds, all together
// and by URL.
func reads(ctx context.Context, h *httpc, n int, url func(int) string, logf func(string, ...any)) ([]float64, map[string][]float64, error) {
	deadline := time.Now().Add(2 * time.Minute)
	var lat []float64
	by := map[string][]float64{}
	dead := map[string]bool{}
	get := func(u string, measure bool) error {
		t0 := time.Now()
		st, err := h.do(ctx, "GET", u, nil, nil)
		var ne net.Error
		switch {
		case err != nil && errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil:
			logf("GET %s: no answer in %s: counted as %s and not asked again", u, readTimeout, readTimeout)
			dead[u] = true
			ms := float64(readTimeout.Milliseconds())
			lat, by[u] = append(lat, ms), append(by[u], ms)
			return nil
		case err != nil:
			return err
		case st != http.StatusOK:
			return fmt.Errorf("bench: GET %s: status %d", u, st)
		}
		if measure {
			ms := msSince(t0)
			lat, by[u] = append(lat, ms), append(by[u], ms)
		}
		return nil
	}
	for i := range min(n, 4) {
		if err := get(url(i), false); err != nil {
			return nil, nil, err
		}
	}
	for i := range n {
		if time.Now().After(deadline) {
			break
		}
		u := url(i)
		if dead[u] {
			// Every request to it would take as long: count them so, or the percentile would
			// hide a page that never comes.
			ms := float64(readTimeout.Milliseconds())
			lat, by[u] = append(lat, ms), append(by[u], ms)
			continue
		}
		if err := get(u, true); err != nil {
			return nil, nil, err
		}
	}
	return lat, by, nil
}

// sampleIDs picks n existing case ids spread at random over [lo, hi].
func sampleIDs(ctx context.Context, db *storage.DB, lo, hi int64, n int) ([]int64, error) {
	r := rand.New(rand.NewPCG(uint64(lo), uint64(hi)))
	q := db.Dialect().Rebind("SELECT id FROM cases WHERE id >= ? ORDER BY id LIMIT 1")
	var out []int64
	for range n {
		var id int64
		if err := db.Raw().QueryRowContext(ctx, q, lo+r.Int64N(hi-lo+1)).Scan(&id); err != nil {
			return nil, fmt.Errorf("bench: sample cases: %w", err)
		}
		out = append(out, id)
	}
	return out, nil
}

func msSince(t time.Time) float64 { return float64(time.Since(t).Microseconds()) / 1000 }

// pct is the p-th percentile (nearest rank) of xs.
func pct(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	k := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(k, len(s)-1))]
}

// peakRSS reads the process's peak resident set size (VmHWM) in MB.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

func round(r *Result) {
	for _, p := range []*float64{&r.RawInsertRPS, &r.IntakeRPS, &r.IntakeP50Ms, &r.IntakeP99Ms, &r.ListP95Ms, &r.CaseP95Ms,
		&r.TownDashboardMs, &r.CountyDashboardMs, &r.ProvinceDashboardMs, &r.RSSMB, &r.ExportS, &r.ExportHeapMB, &r.Export10kHeapMB} {
		*p = math.Round(*p*100) / 100
	}
	r.IntakeRatio = math.Round(r.IntakeRatio*1000) / 1000
}
