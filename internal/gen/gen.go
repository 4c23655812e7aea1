// Package gen fills a database with synthetic but realistic data at a named scale — a town, a
// county, or a province the size of Henan — for benchmarks and load tests (wuxing gen).
//
// It is a loader, not the application: it writes SQL directly, in big batched transactions with
// prepared statements on SQLite and with COPY on PostgreSQL, and so bypasses on purpose the
// store's per-record checks, its audit log and its notifications. The data still keeps the domain
// rules: every unit code passes org.CheckCode under its parent and every path is its parent's plus
// its own id; every case walks the flow through cases.Apply, so its status, timestamps, assignee,
// deadline (working days on the official calendar) and timeline agree; case numbers are per unit
// and year and case_counters holds the last number of each. The same seed gives the same data.
package gen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime/debug"
	"time"

	"wuxing/internal/demo"
	"wuxing/internal/storage"
)

// Scale names a size of data set.
type Scale string

// The scales.
const (
	Town     Scale = "town"     // one town of ~20 villages
	County   Scale = "county"   // one county of ~20 towns × 20 villages, ~100k cases
	Province Scale = "province" // Henan: 17 cities, 156 counties, 2,400 towns, 46,000 villages, 10M cases
)

// spec is the shape of a scale.
type spec struct {
	towns, branches, cases int
	whole                  bool // every city and county of the province; else 濮阳市 › 濮阳县 only
}

var specs = map[Scale]spec{
	Town:     {towns: 1, branches: 20, cases: 5_000},
	County:   {towns: 20, branches: 400, cases: 100_000},
	Province: {towns: 2_400, branches: 46_000, cases: 10_000_000, whole: true},
}

// DefaultEnd is where the five-year window of cases ends unless Options.End says otherwise:
// 2026-12-01 00:00 China time. It is fixed, not "now", so that a seed always gives the same data.
var DefaultEnd = time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)

// Options say what to generate.
type Options struct {
	Scale  Scale
	Cases  int    // cases to generate; 0 takes the scale's number
	Seed   uint64 // the same seed gives the same data
	Append bool   // allow a database that already holds data: a second tree is added beside it
	// End is the end of the five-year window of cases (zero: DefaultEnd). Cases still open at
	// End are in progress, and overdue if their deadline has passed.
	End time.Time
	// Progress receives a line of progress and rate every few seconds (nil: none).
	Progress io.Writer
	// BatchCases is how many cases the generator hands the writer at a time (0: 20,000): one
	// transaction on PostgreSQL; SQLite commits every few million rows.
	BatchCases int
}

// Stats say what was generated.
type Stats struct {
	Units, Compounds, Households, People, Cases, Events int64
	Elapsed                                             time.Duration
}

// Run generates the data set o describes into db, which must be migrated and — unless
// o.Append — hold no units and no cases.
func Run(ctx context.Context, db *storage.DB, o Options) (*Stats, error) {
	sp, ok := specs[o.Scale]
	if !ok {
		return nil, fmt.Errorf("gen: unknown scale %q (town, county or province)", o.Scale)
	}
	if o.Cases < 0 {
		return nil, errors.New("gen: --cases must not be negative")
	}
	if o.Cases == 0 {
		o.Cases = sp.cases
	}
	if o.End.IsZero() {
		o.End = DefaultEnd
	}
	if o.BatchCases <= 0 {
		o.BatchCases = 20_000
	}
	start := time.Now()
	w, err := newSink(ctx, db)
	if err != nil {
		return nil, err
	}
	defer w.close()
	st, err := w.state(ctx)
	if err != nil {
		return nil, err
	}
	if !st.empty && !o.Append {
		return nil, errors.New("gen: the database already holds units or cases; use an empty database, or --append to add a second tree beside them")
	}
	cats, err := w.categories(ctx)
	if err != nil {
		return nil, err
	}
	if len(cats) == 0 {
		return nil, errors.New("gen: no active case categories")
	}
	// The calendar the store computes deadlines with: the shipped years and any stored ones.
	cal, err := db.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	g := &gen{
		o:     o,
		sp:    sp,
		r:     rand.New(rand.NewPCG(o.Seed, 0x5eed_7a11_0f_4e11)),
		pools: demo.Pools(),
		cal:   cal,
		cats:  cats,
		next:  st.next,
		used:  st.prefixes,
	}
	g.stamp = func(t time.Time) any { return t }
	if db.Dialect() == storage.SQLite {
		g.stamp = func(t time.Time) any { return t.UTC().String() }
	}
	g.init()
	// The loader makes millions of short-lived rows: collect garbage less often.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	p := newProgress(o.Progress, int64(o.Cases))
	if err := w.begin(ctx, st.empty); err != nil {
		return nil, err
	}
	// The generator runs ahead of the writer by a couple of batches: on two cores one makes rows
	// while the other writes them.
	batches := make(chan *batch, 2)
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(batches)
		g.run(gctx, batches)
	}()
	var werr error
	for b := range batches {
		if werr != nil {
			continue // drain so the generator can finish
		}
		if werr = w.write(ctx, b); werr != nil {
			cancel()
			continue
		}
		p.add(b)
	}
	<-done
	if werr == nil {
		werr = ctx.Err()
	}
	if werr != nil {
		w.abort()
		return nil, fmt.Errorf("gen: %w (a partly loaded database is left behind: delete it and start again)", werr)
	}
	p.say("building indexes and finishing…")
	if err := w.finish(ctx); err != nil {
		return nil, err
	}
	s := p.stats()
	s.Elapsed = time.Since(start)
	p.done(s)
	return &s, nil
}

// batch is one transaction's rows, per table, in the order they are written.
type batch struct {
	units, compounds, households, people, cases, events, counters [][]any
}

func (b *batch) empty() bool {
	return len(b.units)+len(b.compounds)+len(b.households)+len(b.people)+len(b.cases)+len(b.events)+len(b.counters) == 0
}

// progress prints what has been written and how fast.
type progress struct {
	w      io.Writer
	total  int64
	start  time.Time
	last   time.Time
	s      Stats
	phase0 time.Time // when the tree was written and the cases began
	prev   time.Time // when the last batch was written
}

func newProgress(w io.Writer, total int64) *progress {
	now := time.Now()
	return &progress{w: w, total: total, start: now, last: now, prev: now}
}

func (p *progress) add(b *batch) {
	p.s.Units += int64(len(b.units))
	p.s.Compounds += int64(len(b.compounds))
	p.s.Households += int64(len(b.households))
	p.s.People += int64(len(b.people))
	if len(b.cases) > 0 && p.phase0.IsZero() {
		p.phase0 = p.prev // the cases began when the tree was written
	}
	p.prev = time.Now()
	p.s.Cases += int64(len(b.cases))
	p.s.Events += int64(len(b.events))
	if p.w == nil || time.Since(p.last) < 2*time.Second {
		return
	}
	p.last = time.Now()
	el := time.Since(p.start)
	if p.s.Cases == 0 {
		fmt.Fprintf(p.w, "gen: tree: %d units, %d households, %d people  (%s, %.0f rows/s)\n", p.s.Units, p.s.Households,
			p.s.People, el.Round(time.Second), float64(p.s.Units+p.s.Households+p.s.People+p.s.Compounds)/el.Seconds())
		return
	}
	ce := time.Since(p.phase0).Seconds()
	rate := float64(p.s.Cases) / ce
	eta := time.Duration(float64(p.total-p.s.Cases)/rate) * time.Second
	fmt.Fprintf(p.w, "gen: cases %d/%d (%.1f%%), events %d  %.0f cases/s, %.0f rows/s  elapsed %s, eta %s\n",
		p.s.Cases, p.total, 100*float64(p.s.Cases)/float64(p.total), p.s.Events, rate,
		float64(p.s.Cases+p.s.Events)/ce, el.Round(time.Second), eta.Round(time.Second))
}

func (p *progress) say(msg string) {
	if p.w != nil {
		fmt.Fprintf(p.w, "gen: %s (%s)\n", msg, time.Since(p.start).Round(time.Second))
	}
}

func (p *progress) stats() Stats { return p.s }

func (p *progress) done(s Stats) {
	if p.w == nil {
		return
	}
	rate := 0.0
	if !p.phase0.IsZero() {
		rate = float64(s.Cases) / time.Since(p.phase0).Seconds()
	}
	fmt.Fprintf(p.w, "gen: done in %s: %d units, %d compounds, %d households, %d people, %d cases (%.0f cases/s with their timelines), %d timeline events\n",
		s.Elapsed.Round(time.Millisecond), s.Units, s.Compounds, s.Households, s.People, s.Cases, rate, s.Events)
}
