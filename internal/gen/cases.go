package gen

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"wuxing/internal/cases"
)

var cst = time.FixedZone("CST", 8*3600)

// springFestivals are the lunar new year's days around the window: appeals peak in the weeks
// before (wage arrears, the 乡村蝶变迎新春 clean-up, the fireworks ban) and fall away over the
// holiday.
var springFestivals = []time.Time{
	day(2021, 2, 12), day(2022, 2, 1), day(2023, 1, 22), day(2024, 2, 10), day(2025, 1, 29), day(2026, 2, 17),
	day(2027, 2, 6), day(2028, 1, 26),
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Seasons, for the mix of categories.
const (
	plain = iota
	summer
	newYear // the four weeks before Spring Festival and its week
	winter
	nSeasons
)

// hourWeights spread reports over the day (China time): office hours and evenings.
var hourWeights = [24]float64{0.1, 0.05, 0.03, 0.03, 0.05, 0.2, 0.5, 1.2, 2.5, 3.2, 3.0, 2.4, 1.4, 1.2, 2.2, 2.8, 2.6, 2.0, 1.4,
	1.6, 1.8, 1.3, 0.6, 0.25}

// categoryWeights are how common each category is, with seasonal factors.
var categoryWeights = map[string]float64{
	"road": 10, "lighting": 8, "sanitation": 14, "water": 8, "greening": 5, "property": 7, "dispute": 8,
	"elder_care": 6, "livelihood": 6, "pain_point": 3, "employment": 4, "safety": 6, "environment": 9, "fireworks": 0.3, "other": 4,
}

var seasonFactors = [nSeasons]map[string]float64{
	summer:  {"water": 3.5, "road": 1.8, "greening": 1.6, "safety": 1.3, "sanitation": 1.2},
	newYear: {"environment": 2.8, "fireworks": 20, "employment": 2.5, "sanitation": 1.5, "safety": 1.6},
	winter:  {"fireworks": 5, "safety": 1.4, "lighting": 1.3, "water": 0.7},
}

// daySeason tells a day's season and its weight (how many reports it gets relative to others).
func (g *gen) daySeason(d time.Time, frac float64) (int, float64) {
	w := 0.6 + 0.4*frac // the platform is used more every year
	season := plain
	switch d.Month() {
	case time.July, time.August:
		season = summer
		w *= 1.4
		if d.Month() == time.July && d.Day() >= 15 || d.Month() == time.August && d.Day() <= 15 {
			w *= 1.3 // 七下八上: the heaviest rains
		}
	case time.December, time.January, time.February:
		season = winter
	}
	for _, sf := range springFestivals {
		k := int(sf.Sub(d).Hours() / 24)
		switch {
		case k >= 1 && k <= 28:
			season = newYear
			w *= 1.2 + 0.8*float64(28-k)/28
		case k <= 0 && k > -7:
			season = newYear
			w *= 0.35
		}
	}
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		w *= 0.6
	}
	if g.cal.Holiday(d) != "" {
		w *= 0.5
	}
	return season, w
}

// cases writes the cases of the five-year window, day by day in time order (so ids grow with
// time, as they do in use), in batches of o.BatchCases, and the case counters last.
func (g *gen) cases(send func(*batch) bool) {
	r := g.r
	end := g.o.End
	first := time.Date(end.In(cst).Year()-5, end.In(cst).Month(), end.In(cst).Day(), 0, 0, 0, 0, time.UTC)
	last := time.Date(end.In(cst).Year(), end.In(cst).Month(), end.In(cst).Day(), 0, 0, 0, 0, time.UTC)
	var days []time.Time
	var seasons []int
	var weights []float64
	span := last.Sub(first).Hours()
	for d := first; d.Before(last); d = d.AddDate(0, 0, 1) {
		s, w := g.daySeason(d, d.Sub(first).Hours()/span)
		days, seasons, weights = append(days, d), append(seasons, s), append(weights, w)
	}

	// Cumulative weights: branches, hours, categories per season and kind of branch.
	bcum := make([]float64, len(g.branches))
	acc := 0.0
	for i, b := range g.branches {
		acc += b.weight
		bcum[i] = acc
	}
	var hcum [24]float64
	acc = 0
	for i, w := range hourWeights {
		acc += w
		hcum[i] = acc
	}
	var ccum [nSeasons][2][]float64
	for s := range nSeasons {
		for k := range 2 {
			acc := 0.0
			for _, c := range g.cats {
				w, ok := categoryWeights[c.code]
				if !ok {
					w = 3
				}
				if f, ok := seasonFactors[s][c.code]; ok {
					w *= f
				}
				if c.code == "property" && k == 0 {
					w *= 0.1 // villages have few property companies
				}
				acc += w
				ccum[s][k] = append(ccum[s][k], acc)
			}
		}
	}
	sample := func(cum []float64) int {
		x := r.Float64() * cum[len(cum)-1]
		return min(sort.SearchFloat64s(cum, x), len(cum)-1)
	}
	// Each case falls on a day drawn by the days' weights (a multinomial draw: the counts vary
	// from day to day as real ones do).
	dcum := make([]float64, len(weights))
	acc = 0
	for i, w := range weights {
		acc += w
		dcum[i] = acc
	}
	perDay := make([]int, len(days))
	for range g.o.Cases {
		perDay[sample(dcum)]++
	}

	type pending struct {
		at time.Time
		b  *branch
	}
	b := &batch{}
	var todays []pending
	for i, d := range days {
		todays = todays[:0]
		for range perDay[i] {
			h := sample(hcum[:])
			at := time.Date(d.Year(), d.Month(), d.Day(), h, r.IntN(60), r.IntN(60), 0, cst).UTC()
			todays = append(todays, pending{at, g.branches[sample(bcum)]})
		}
		slices.SortStableFunc(todays, func(x, y pending) int { return x.at.Compare(y.at) })
		for _, p := range todays {
			if !p.at.Before(end) {
				continue
			}
			k := 0
			if p.b.community {
				k = 1
			}
			g.makeCase(b, p.b, p.at, &g.cats[sample(ccum[seasons[i]][k])])
			if len(b.cases) >= g.o.BatchCases {
				if !send(b) {
					return
				}
				b = &batch{}
			}
		}
	}
	keys := make([]counterKey, 0, len(g.counters))
	for k := range g.counters {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y counterKey) int {
		if x.unit != y.unit {
			return int(x.unit - y.unit)
		}
		return x.year - y.year
	})
	for _, k := range keys {
		b.counters = append(b.counters, []any{k.unit, int64(k.year), int64(g.counters[k])})
	}
	send(b)
}

// trackingAlphabet is the store's: Crockford's base32.
const trackingAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// trackingCode turns a case id into a 12-character code through a bijection of 60-bit numbers
// keyed by the seed: unique by construction, unguessable-looking, and the same for a seed.
func (g *gen) trackingCode(id int64) string {
	const mask = 1<<60 - 1
	x := (uint64(id) ^ g.salt) & mask
	x = (x * 0x9E3779B97F4A7C15) & mask
	x ^= x >> 29
	x = (x * 0xBF58476D1CE4E5B9) & mask
	x ^= x >> 32
	x = (x * 0x94D049BB133111EB) & mask
	x ^= x >> 31
	var b [12]byte
	for i := 11; i >= 0; i-- {
		b[i] = trackingAlphabet[x&31]
		x >>= 5
	}
	return string(b[:])
}

// flow walks one case through cases.Apply, recording its timeline and timestamps, and stops at
// the end of the window (or where the case stalled).
type flow struct {
	g       *gen
	b       *batch
	id      int64
	st      cases.State
	events  int
	limit   int // a stalled case takes no more steps than this
	stopped bool
	lastAt  time.Time

	// timestamps and fields the steps set
	accepted, dispatched, signed, resolved, checked, rated, closed, urged time.Time
	claimed                                                               bool
	method                                                                cases.Method
	result, rating, ratingComment                                         string
	handlerPath                                                           string
}

// step takes action a at time at, if the case gets that far. It returns false once the case has
// stopped (end of window or stall), so the caller stops too.
func (f *flow) step(at time.Time, a cases.Action, in cases.Input, actor, note, data string) bool {
	if f.stopped || !at.Before(f.g.o.End) || f.events >= f.limit || !at.After(f.lastAt) {
		f.stopped = true
		return false
	}
	next, err := cases.Apply(f.st, a, in)
	if err != nil {
		panic(fmt.Sprintf("gen: case %d: %s from %s: %v", f.id, a, f.st.Status, err))
	}
	f.event(at, string(a), f.st.Status, next.Status, actor, note, data)
	f.st = next
	return true
}

func (f *flow) event(at time.Time, action string, from, to cases.Status, actor, note, data string) {
	f.b.events = append(f.b.events, []any{f.g.next.event, f.id, f.g.stamp(at), nil, actor, action, string(from), string(to), note, data})
	f.g.next.event++
	f.events++
	f.lastAt = at
}

func hours(h float64) time.Duration { return time.Duration(h * float64(time.Hour)) }

func jsonStr(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func jsonTime(t time.Time) string {
	b, _ := json.Marshal(t)
	return string(b)
}

// deadline is the time limit of days working days from at, as the store computes it.
func (g *gen) deadline(at time.Time, days int) time.Time {
	return cases.DueAt(g.cal.AddWorkdays(cases.Local(at), days))
}

func (c *category) limit(u cases.Urgency) int {
	switch u {
	case cases.Urgent:
		return c.days[1]
	case cases.Critical:
		return c.days[2]
	}
	return c.days[0]
}

// makeCase generates one case reported at at in branch br and walks it as far as it got by the
// end of the window.
func (g *gen) makeCase(b *batch, br *branch, at time.Time, cat *category) {
	r := g.r
	id := g.next.kase
	g.next.kase++
	year := at.In(cst).Year()
	key := counterKey{br.id, year}
	g.counters[key]++
	seq := g.counters[key]

	urgency := cases.Normal
	switch x := r.IntN(100); {
	case x < 4 || cat.code == "safety" && x < 20:
		urgency = cases.Critical
	case x < 20:
		urgency = cases.Urgent
	}
	var channel cases.Channel
	if cat.list == string(cases.Rectification) {
		channel = cases.Inspection
	} else {
		switch x := r.IntN(100); {
		case x < 30:
			channel = cases.GridReport
		case x < 50:
			channel = cases.DoorToDoor
		case x < 62:
			channel = cases.TeaRoom
		case x < 80:
			channel = cases.Hotline
		default:
			channel = cases.PublicForm
		}
	}
	var grid any
	gi := r.IntN(len(br.grids))
	if channel == cases.GridReport || r.IntN(10) < 5 {
		grid = br.grids[gi].id
	}
	place := br.places[min(gi*len(br.places)/len(br.grids)+r.IntN(max(len(br.places)/len(br.grids), 1)), len(br.places)-1)]
	tt := titles[cat.code]
	title := ""
	if len(tt) > 0 {
		title = fmt.Sprintf(pick(r, tt), place)
	} else {
		title = place + cat.name + "问题"
	}
	desc := fmt.Sprintf(pick(r, descriptions), title)
	var lat, lng any
	if r.IntN(100) < 35 {
		lat, lng = br.lat+0.01*r.NormFloat64(), br.lng+0.01*r.NormFloat64()
	}
	// The reporter: a registered person (sometimes with their household), or a resident who
	// gives a name and phone, or nobody by name.
	var rp, rh any
	rname, rphone := "", ""
	rep := pick(r, br.reporters)
	switch x := r.IntN(100); {
	case channel == cases.PublicForm && x < 40:
		if r.IntN(10) < 7 {
			rphone = g.phone()
		}
	case channel == cases.PublicForm, channel == cases.Hotline && x < 50:
		rname = g.surname() + pick(r, anonymousTitles)
		rphone = g.phone()
	default:
		rp, rname, rphone = rep.person, rep.name, rep.phone
		if r.IntN(3) == 0 {
			rh = rep.household
		}
	}

	due := g.deadline(at, cat.limit(urgency))
	f := &flow{g: g, b: b, id: id, limit: math.MaxInt, handlerPath: br.path,
		st: cases.State{Status: cases.Submitted, Unit: br.id, HandlerUnit: br.id, Deadline: due}}
	if r.IntN(1000) < 15 {
		f.limit = 1 + r.IntN(4) // stalls, submitted … in progress, and stays open
	}
	reporterActor := br.secretary
	switch channel {
	case cases.PublicForm:
		reporterActor = "resident"
	case cases.GridReport, cases.DoorToDoor:
		if len(br.members) > 0 {
			reporterActor = pick(r, br.members).name
		}
	}
	f.event(at, "submit", "", cases.Submitted, reporterActor, "", `{"channel":"`+string(channel)+`"}`)
	g.walk(f, br, cat, urgency, at)

	// Still open at the end of the window: overdue once the deadline passed, and urged once.
	overdue := f.st.Status.Open() && f.st.Deadline.Before(g.o.End)
	if overdue && f.urged.IsZero() {
		u := f.st.Deadline.Add(hours(2 + 20*r.Float64()))
		if u.Before(f.lastAt) {
			u = f.lastAt.Add(hours(1 + 10*r.Float64()))
		}
		if u.Before(g.o.End) {
			if _, err := cases.Apply(f.st, cases.Urge, cases.Input{}); err != nil {
				panic(fmt.Sprintf("gen: case %d: urge from %s: %v", id, f.st.Status, err))
			}
			f.event(u, string(cases.Urge), f.st.Status, f.st.Status, "system", "", "")
			f.urged = u
		}
	}
	handlerPath := br.path
	if f.st.HandlerUnit != br.id {
		handlerPath = f.handlerPath
	}
	tv := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return g.stamp(t)
	}
	b.cases = append(b.cases, []any{
		id, fmt.Sprintf("%s-%d-%04d", br.code, year, seq), int64(year), int64(seq), g.trackingCode(id),
		br.id, br.path, grid, f.st.HandlerUnit, handlerPath,
		cat.list, cat.id, string(urgency), string(channel), title, desc, place, lat, lng,
		rp, rh, rname, rphone, nil,
		string(f.st.Status), string(f.st.AssigneeKind), f.st.AssigneeID, f.claimed, string(f.method), f.result,
		f.rating, f.ratingComment, f.st.Reopened, int64(f.st.Reworks), int64(f.st.Escalations), int64(f.st.ExtensionAsk),
		g.stamp(f.st.Deadline), overdue, tv(f.urged), nil, nil,
		g.stamp(at), tv(f.accepted), tv(f.dispatched), tv(f.signed), tv(f.resolved), tv(f.checked), tv(f.rated), tv(f.closed),
		int64(f.events), g.stamp(f.lastAt), g.stamp(g.deadline(at, cat.accept)),
	})
}

// walk takes a case through its flow: accept or reject, dispatch, claim or escalate, start,
// perhaps an extension, resolve (late sometimes, and urged), look back (failing now and then),
// the resident's rating (reopening once in a while) and close.
func (g *gen) walk(f *flow, br *branch, cat *category, urgency cases.Urgency, at time.Time) {
	r := g.r
	expo := func(mean float64) time.Duration { return hours(0.1 + r.ExpFloat64()*mean) }
	t := at.Add(expo(5))
	if r.IntN(100) < 4 {
		t = at.Add(hours(24 * (1 + 3*r.Float64()))) // a slow response
	}
	if r.IntN(1000) < 35 {
		reason := pick(r, rejectReasons)
		if f.step(t, cases.Reject, cases.Input{Reason: reason}, br.secretary, reason, "") {
			f.closed = t
		}
		return
	}
	if !f.step(t, cases.Accept, cases.Input{}, br.secretary, "", "") {
		return
	}
	f.accepted = t
	handler := ""
	dispatch := func() bool {
		t = t.Add(expo(3))
		var m ref
		if len(br.members) > 0 {
			m = pick(r, br.members)
		} else {
			rep := pick(r, br.reporters)
			m = ref{rep.person, rep.name}
		}
		data := fmt.Sprintf(`{"assignee":%d,"assignee_name":%s}`, m.id, jsonStr(m.name))
		if !f.step(t, cases.Dispatch, cases.Input{AssigneeKind: cases.ToPerson, AssigneeID: m.id}, br.secretary, "", data) {
			return false
		}
		f.dispatched, f.claimed, handler = t, false, m.name
		return true
	}
	switch x := r.IntN(100); {
	case x < 8 && len(br.town.depts) > 0:
		d := g.deptFor(cat, br.town)
		t = t.Add(expo(6))
		reason := pick(r, escalateReasons)
		data := fmt.Sprintf(`{"department":%d,"department_name":%s}`, d.id, jsonStr(d.name))
		if !f.step(t, cases.Escalate, cases.Input{Reason: reason, DepartmentID: d.id}, br.secretary, reason, data) {
			return
		}
		f.dispatched, f.handlerPath, handler = t, d.path, d.staff
	case x < 22 && len(br.members) > 0:
		t = t.Add(expo(8))
		m := pick(r, br.members)
		data := fmt.Sprintf(`{"assignee":%d,"assignee_name":%s}`, m.id, jsonStr(m.name))
		if !f.step(t, cases.Claim, cases.Input{ClaimantID: m.id}, m.name, "", data) {
			return
		}
		f.dispatched, f.claimed, handler = t, true, m.name
	default:
		if !dispatch() {
			return
		}
		if r.IntN(100) < 2 {
			t = t.Add(expo(5))
			reason := pick(r, returnReasons)
			if !f.step(t, cases.Return, cases.Input{Reason: reason}, handler, reason, "") {
				return
			}
			if !dispatch() {
				return
			}
		}
	}
	t = t.Add(expo(4))
	if !f.step(t, cases.Start, cases.Input{}, handler, "", "") {
		return
	}
	f.signed = t
	if r.IntN(100) < 5 {
		t = t.Add(expo(12))
		note := pick(r, comments)
		if !f.step(t, cases.Comment, cases.Input{Note: note}, handler, note, "") {
			return
		}
	}
	if r.IntN(100) < 3 {
		days := 1 + r.IntN(5)
		t = t.Add(max(f.st.Deadline.Sub(t)/2, hours(2)))
		reason := pick(r, extensionReasons)
		if !f.step(t, cases.RequestExtension, cases.Input{Days: days, Reason: reason}, handler, reason, fmt.Sprintf(`{"days":%d}`, days)) {
			return
		}
		t = t.Add(expo(8))
		if r.IntN(10) < 8 {
			nd := g.deadline(f.st.Deadline, days)
			if !f.step(t, cases.ApproveExtension, cases.Input{}, br.secretary, "", fmt.Sprintf(`{"days":%d,"deadline":%s}`, days, jsonTime(nd))) {
				return
			}
			f.st.Deadline = nd
		} else {
			reason := pick(r, denyReasons)
			if !f.step(t, cases.DenyExtension, cases.Input{Reason: reason}, br.secretary, reason, "") {
				return
			}
		}
	}
	method := pick(r, []cases.Method{cases.PairingHelp, cases.PairingHelp, cases.VolunteerLabour, cases.VolunteerLabour, cases.OtherMethod})
	switch {
	case f.st.AssigneeKind == cases.ToDepartment:
		method = cases.DeptHandling
	case f.claimed:
		method = cases.VoluntaryClaim
	}
	resolve := func() bool {
		// Most are done well within the limit; about one in ten runs late, and is urged.
		work := max(f.st.Deadline.Sub(t), hours(4))
		done := t.Add(max(time.Duration(float64(work)*0.4*math.Exp(0.8*r.NormFloat64())), 30*time.Minute))
		if done.After(f.st.Deadline) && f.urged.IsZero() && r.IntN(10) < 7 {
			u := f.st.Deadline.Add(hours(1 + 10*r.Float64()))
			if u.Before(done) && u.After(f.lastAt) {
				if !f.step(u, cases.Urge, cases.Input{}, "system", "", "") {
					return false
				}
				f.urged = u
			}
		}
		t = done
		res := pick(r, results)
		if !f.step(t, cases.Resolve, cases.Input{Result: res, Method: method}, handler, "", `{"method":"`+string(method)+`"}`) {
			return false
		}
		f.resolved, f.method, f.result = t, method, res
		return true
	}
	check := func() bool {
		t = t.Add(hours(4 + 60*r.Float64()))
		if r.IntN(100) < 5 && f.st.Reworks == 0 {
			reason := pick(r, checkFailReasons)
			if !f.step(t, cases.CheckFail, cases.Input{Reason: reason}, br.secretary, reason, "") {
				return false
			}
			f.st.Deadline = g.deadline(t, cat.limit(urgency))
			t = t.Add(expo(4))
			if !resolve() {
				return false
			}
			t = t.Add(hours(4 + 40*r.Float64()))
		}
		if !f.step(t, cases.CheckPass, cases.Input{}, br.secretary, "", "") {
			return false
		}
		f.checked = t
		return true
	}
	if !resolve() || !check() {
		return
	}
	if r.IntN(100) < 80 {
		rate := func(reopen bool) (bool, bool) {
			t = t.Add(hours(6 + 90*r.Float64()))
			rating := cases.Satisfied
			switch x := r.IntN(100); {
			case x < 4:
				rating = cases.Dissatisfied
			case x < 16:
				rating = cases.BasicSatisfied
			}
			reopen = reopen && rating == cases.Dissatisfied && r.IntN(100) < 35
			data := `{"rating":"` + string(rating) + `"}`
			if reopen {
				data = `{"rating":"` + string(rating) + `","reopened":true}`
			}
			comment := pick(r, ratingComments[string(rating)])
			if !f.step(t, cases.Rate, cases.Input{Rating: rating, Note: comment, Reopen: reopen}, "resident", "", data) {
				return false, false
			}
			f.rated, f.rating, f.ratingComment = t, string(rating), comment
			return true, reopen
		}
		ok, reopened := rate(true)
		if !ok {
			return
		}
		if reopened {
			f.st.Deadline = g.deadline(t, cat.limit(urgency))
			t = t.Add(expo(6))
			if !resolve() || !check() {
				return
			}
			if ok, _ := rate(false); !ok {
				return
			}
		}
	}
	t = t.Add(hours(12 + 100*r.Float64()))
	if f.step(t, cases.Close, cases.Input{}, br.secretary, "", "") {
		f.closed = t
	}
}

// deptFor is the department of the town a category's escalations go to.
func (g *gen) deptFor(cat *category, t *town) dept {
	for _, name := range deptFor[cat.code] {
		for _, d := range t.depts {
			if d.name == name {
				return d
			}
		}
	}
	return t.depts[g.r.IntN(len(t.depts))]
}
