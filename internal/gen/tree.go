package gen

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"wuxing/internal/calendar"
	"wuxing/internal/demo"
	"wuxing/internal/org"
	"wuxing/internal/people"
)

// People and households are generated at a smaller ratio than units and cases: about one in
// twenty households and one in thirty people (a Henan village has some 500 households and 2,000
// people; here ~26 households and ~76 people a village or community), so that a province loads in
// minutes. Units and cases are generated at full scale.

// gen holds the generator's state; it runs on one goroutine, so one seed gives one data set.
type gen struct {
	o     Options
	sp    spec
	r     *rand.Rand
	pools demo.NamePools
	cal   *calendar.Calendar
	cats  []category
	next  ids
	used  map[string]bool // two-digit province code prefixes already in the database

	created  time.Time // rows of the tree are stamped with the start of the window
	createdV any       // …as a column value
	// stamp turns a time into a column value: the time itself for PostgreSQL; for SQLite the
	// text the driver would write for it (time.Time.String of a UTC time, modernc.org/sqlite's
	// default format), made here so that the generator's core does this work, not the writer's.
	stamp      func(time.Time) any
	surnameSum int
	branches   []*branch
	towns      []*town
	ids17      map[string]bool // citizen ID numbers of the current county (first 17 digits)
	counters   map[counterKey]int
	salt       uint64
}

// ids are the next free id of each table: the loader numbers rows itself, so that paths and
// references are known before anything is written.
type ids struct{ unit, compound, household, person, kase, event int64 }

type category struct {
	id         int64
	code, name string
	list       string
	days       [3]int // normal, urgent, critical
	accept     int
}

type counterKey struct {
	unit int64
	year int
}

// node is a generated unit, as much as the children need of it.
type node struct {
	u org.Unit
}

type town struct {
	id     int64
	path   string
	name   string
	depts  []dept
	cadres []string
}

type dept struct {
	id         int64
	path, name string
	staff      string
}

// branch is a village or community with what its cases draw on.
type branch struct {
	id               int64
	code, name, path string
	community        bool
	town             *town
	weight           float64
	grids            []ref
	places           []string // where in the branch a problem is: 3组, 阳光小区2号楼
	reporters        []reporter
	members          []ref // party members, who are dispatched cases and claim them
	secretary        string
	lat, lng         float64
}

type ref struct {
	id   int64
	name string
}

type reporter struct {
	person, household int64
	name, phone       string
}

// person is a generated person before it is written.
type person struct {
	id, unit, household int64
	relation            string
	name, gender        string
	birth               time.Time
	phone, idNumber     string
	member              bool
	joined              string
	categories          string
}

func (g *gen) init() {
	g.created = g.o.End.AddDate(-5, 0, 0)
	g.createdV = g.stamp(g.created)
	for _, w := range g.pools.SurnameWeights {
		g.surnameSum += w
	}
	g.counters = map[counterKey]int{}
	g.salt = g.r.Uint64()
}

func (g *gen) run(ctx context.Context, out chan<- *batch) {
	send := func(b *batch) bool {
		if b.empty() {
			return true
		}
		select {
		case out <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	if !g.tree(send) {
		return
	}
	g.cases(send)
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// distribute splits total into n positive parts with the given relative weights (each part at
// least lo), exactly, by largest remainder.
func distribute(total int, weights []float64, lo int) []int {
	n := len(weights)
	out := make([]int, n)
	if n == 0 {
		return out
	}
	if total < n*lo {
		lo = total / n
	}
	rest := total - n*lo
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	type rem struct {
		i int
		f float64
	}
	rems := make([]rem, n)
	given := 0
	for i, w := range weights {
		x := float64(rest) * w / sum
		out[i] = lo + int(x)
		given += int(x)
		rems[i] = rem{i, x - math.Floor(x)}
	}
	slices.SortStableFunc(rems, func(a, b rem) int {
		switch {
		case a.f > b.f:
			return -1
		case a.f < b.f:
			return 1
		}
		return 0
	})
	for k := 0; given < rest; k++ {
		out[rems[k%n].i]++
		given++
	}
	return out
}

// unit writes a unit under parent (nil for the root), checking its kind and code as the store
// would.
func (g *gen) unit(b *batch, parent *node, kind org.Kind, code, name string) *node {
	var pu *org.Unit
	pk, pp := org.Kind(""), ""
	var pid any
	if parent != nil {
		pu, pk, pp, pid = &parent.u, parent.u.Kind, parent.u.Path, parent.u.ID
	}
	if !org.CanHold(pk, kind) {
		panic(fmt.Sprintf("gen: a %s cannot hold a %s", pk, kind))
	}
	if f := org.CheckCode(kind, code, pu); f != nil {
		panic(fmt.Sprintf("gen: code %s for %s %s: %s", code, kind, name, f.Key))
	}
	id := g.next.unit
	g.next.unit++
	path := org.PathOf(pp, id)
	n := &node{u: org.Unit{ID: id, Kind: kind, Code: code, Name: name, Path: path, Depth: org.DepthOf(path)}}
	b.units = append(b.units, []any{id, pid, string(kind), code, name, path, int64(n.u.Depth), true, int64(1), g.createdV, g.createdV})
	return n
}

// province picks the province code: Henan's 41, or for --append the first code not in use.
func (g *gen) province() (string, string) {
	for _, p := range provinces {
		if !g.used[p.code] {
			return p.code, p.name
		}
	}
	panic("gen: every province code is in use")
}

// tree writes the organization tree with its households and people, one county per batch.
func (g *gen) tree(send func(*batch) bool) bool {
	r := g.r
	pcode, pname := g.province()
	b := &batch{}
	prov := g.unit(b, nil, org.Province, pcode+"0000000000", pname)
	henan := pcode == "41"

	type countyPlan struct {
		city     *node
		code     string
		name     string
		district bool
	}
	var plan []countyPlan
	for ci, c := range cityCounties {
		if !g.sp.whole && c.name != "濮阳市" {
			continue
		}
		cname := c.name
		if !henan {
			cname = cityStems[ci%len(cityStems)] + "市"
		}
		city := g.unit(b, prov, org.City, pcode+c.code+"00000000", cname)
		for i, name := range c.counties {
			if !g.sp.whole && name != "濮阳县" {
				continue
			}
			if !henan {
				name = townStems[(ci*16+i)%len(townStems)] + "县"
			}
			plan = append(plan, countyPlan{city, fmt.Sprintf("%s%s%02d", pcode, c.code, i+1), name, strings.HasSuffix(name, "区")})
		}
	}
	// Towns per county (districts have fewer), branches per town.
	tw := make([]float64, len(plan))
	for i, c := range plan {
		tw[i] = 0.7 + 0.6*r.Float64()
		if c.district {
			tw[i] *= 0.55
		}
	}
	townsPer := distribute(g.sp.towns, tw, 1)
	bw := make([]float64, g.sp.towns)
	for i := range bw {
		bw[i] = 0.6 + 0.8*r.Float64()
	}
	branchesPer := distribute(g.sp.branches, bw, min(3, g.sp.branches/g.sp.towns))
	k := 0
	for i, c := range plan {
		county := g.unit(b, c.city, org.County, c.code+"000000", c.name)
		g.ids17 = map[string]bool{}
		for range 2 {
			g.cadre(b, county, c.code)
		}
		g.countyTowns(b, county, c.code, c.district, branchesPer[k:k+townsPer[i]])
		k += townsPer[i]
		if !send(b) {
			return false
		}
		b = &batch{}
	}
	return true
}

// countyTowns writes a county's towns: their departments, cadres and branches.
func (g *gen) countyTowns(b *batch, county *node, code string, district bool, branchesPer []int) {
	r := g.r
	used := map[string]bool{}
	var nStreet, nTown, nTownship int
	for j, nb := range branchesPer {
		var name, tcode string
		seat := false
		for {
			switch {
			case district:
				name = pick(r, streetStems) + "街道"
			case j == 0:
				name, seat = "城关镇", true
			case r.IntN(4) == 0:
				name = pick(r, townStems) + "乡"
			default:
				name = pick(r, townStems) + "镇"
			}
			if !used[name] {
				break
			}
			if len(used) > 60 { // a very large county: number the rest
				name = fmt.Sprintf("%s%d", name, j)
				break
			}
		}
		used[name] = true
		switch {
		case district:
			nStreet++
			tcode = fmt.Sprintf("%s%03d000", code, nStreet)
		case strings.HasSuffix(name, "乡"):
			nTownship++
			tcode = fmt.Sprintf("%s%03d000", code, 200+nTownship)
		default:
			nTown++
			tcode = fmt.Sprintf("%s%03d000", code, 100+nTown)
		}
		tn := g.unit(b, county, org.Town, tcode, name)
		t := &town{id: tn.u.ID, path: tn.u.Path, name: name}
		g.towns = append(g.towns, t)
		for range 2 {
			t.cadres = append(t.cadres, g.cadre(b, tn, code))
		}
		names := slices.Clone(departmentNames)
		r.Shuffle(len(names)-1, func(x, y int) { names[x+1], names[y+1] = names[y+1], names[x+1] })
		for d, dn := range names[:5+r.IntN(4)] {
			du := g.unit(b, tn, org.Department, fmt.Sprintf("%s%03d", tcode, d+1), dn)
			t.depts = append(t.depts, dept{id: du.u.ID, path: du.u.Path, name: dn, staff: g.cadre(b, du, code)})
		}
		// Communities: most branches of a city district, a third of a county seat, now and then
		// one in a rural town.
		nc := 0
		switch {
		case district:
			nc = int(math.Round(float64(nb) * 0.6))
		case seat:
			nc = int(math.Round(float64(nb) * 0.35))
		case r.IntN(10) == 0:
			nc = 1
		}
		bused := map[string]bool{}
		for i := range nb {
			if i < nc {
				name := ""
				for {
					name = pick(r, communityStems) + "社区"
					if !bused[name] || len(bused) >= len(communityStems) {
						break
					}
				}
				if bused[name] {
					name = fmt.Sprintf("%s%d", strings.TrimSuffix(name, "社区"), i) + "社区"
				}
				bused[name] = true
				g.branch(b, tn, t, code, fmt.Sprintf("%s%03d", tcode[:9], i+1), name, true)
			} else {
				name := g.villageName(bused)
				g.branch(b, tn, t, code, fmt.Sprintf("%s%03d", tcode[:9], 200+i-nc+1), name, false)
			}
		}
	}
}

// villageName makes a village name not used yet in the town, as the demo does: 王庄村, 后李寨村.
func (g *gen) villageName(used map[string]bool) string {
	r := g.r
	for try := 0; ; try++ {
		var name string
		switch x := r.IntN(10); {
		case x < 6:
			pre := ""
			if r.IntN(3) == 0 {
				pre = pick(r, g.pools.VillagePrefixes)
			}
			name = pre + pick(r, g.pools.ClanSurnames) + pick(r, g.pools.VillageSuffixes)
		case x < 8:
			name = pick(r, g.pools.VillagePrefixes) + pick(r, g.pools.ClanSurnames)
		default:
			name = pick(r, g.pools.VillagePlaces)
		}
		name += "村"
		if try > 50 {
			name = fmt.Sprintf("%s%d", strings.TrimSuffix(name, "村"), try) + "村"
		}
		if !used[name] {
			used[name] = true
			return name
		}
	}
}

// branch writes a village or community: grids, buildings and compounds, households and people.
func (g *gen) branch(b *batch, tn *node, t *town, county, code, name string, community bool) {
	r := g.r
	bn := g.unit(b, tn, kindOf(community), code, name)
	br := &branch{id: bn.u.ID, code: code, name: name, path: bn.u.Path, community: community, town: t,
		weight: math.Exp(0.5 * r.NormFloat64()),
		lat:    31.5 + 4.5*r.Float64(), lng: 110.5 + 6*r.Float64()}
	if community {
		br.weight *= 1.8
	}
	g.branches = append(g.branches, br)
	var folk []*person
	household := func(unit, compound int64, addr string) {
		hid := g.next.household
		g.next.household++
		var cp any
		if compound != 0 {
			cp = compound
		}
		b.households = append(b.households, []any{hid, unit, cp, addr, true, int64(1), g.createdV, g.createdV})
		folk = append(folk, g.family(unit, hid, county)...)
	}
	numerals := g.pools.GridNumerals
	if community {
		var cps []ref
		cused := map[string]bool{}
		for range 1 + r.IntN(3) {
			cn := ""
			for {
				cn = pick(r, compoundStems) + pick(r, compoundSuffixes)
				if !cused[cn] {
					break
				}
			}
			cused[cn] = true
			id := g.next.compound
			g.next.compound++
			addr := fmt.Sprintf("%s%d号", pick(r, []string{"人民路", "建设路", "胜利路", "黄河路", "中原路", "解放路", "长庆路"}), 1+r.IntN(300))
			b.compounds = append(b.compounds, []any{id, bn.u.ID, cn, addr, r.IntN(5) == 0, r.IntN(4) == 0, true, int64(1), g.createdV, g.createdV})
			cps = append(cps, ref{id, cn})
		}
		nGrids := 3 + r.IntN(len(numerals)-2)
		numbers := map[int64]int{}
		for gi := range nGrids {
			grid := g.unit(b, bn, org.Grid, fmt.Sprintf("%s%03d", code, gi+1), name+"第"+numerals[gi]+"网格")
			br.grids = append(br.grids, ref{grid.u.ID, grid.u.Name})
			for bi := range 2 + r.IntN(2) {
				cp := cps[(gi*3+bi)*len(cps)/(nGrids*3)]
				numbers[cp.id]++
				bname := fmt.Sprintf("%s%d号楼", cp.name, numbers[cp.id])
				bu := g.unit(b, grid, org.Building, fmt.Sprintf("%s%03d", grid.u.Code, bi+1), bname)
				br.places = append(br.places, bname)
				for range 3 + r.IntN(3) {
					household(bu.u.ID, cp.id, fmt.Sprintf("%s%d单元%d%02d", bname, 1+r.IntN(3), 1+r.IntN(6), 1+r.IntN(2)))
				}
			}
		}
	} else {
		nGrids := 2 + r.IntN(3)
		for gi := range nGrids {
			grid := g.unit(b, bn, org.Grid, fmt.Sprintf("%s%03d", code, gi+1), name+"第"+numerals[gi]+"网格")
			br.grids = append(br.grids, ref{grid.u.ID, grid.u.Name})
			br.places = append(br.places, fmt.Sprintf("%s%d组", name, gi+1))
			no := 0
			for range 6 + r.IntN(4) {
				no += 1 + r.IntN(3)
				household(grid.u.ID, 0, fmt.Sprintf("%s%d组%d号", name, gi+1, no))
			}
		}
	}
	// The secretary is a party member of the branch; make the oldest suitable head one if the
	// draw gave none.
	var sec *person
	for _, p := range folk {
		if p.member && g.age(p) >= 30 && g.age(p) <= 65 {
			sec = p
			break
		}
	}
	if sec == nil {
		for _, p := range folk {
			if p.relation == "head" && g.age(p) >= 30 && g.age(p) <= 65 {
				g.makeMember(p)
				sec = p
				break
			}
		}
	}
	if sec != nil {
		br.secretary = sec.name
	} else {
		br.secretary = t.cadres[0]
	}
	for _, p := range folk {
		b.people = append(b.people, g.personRow(p))
		if g.age(p) < 18 {
			continue
		}
		if p.member && p != sec && len(br.members) < 8 {
			br.members = append(br.members, ref{p.id, p.name})
		}
		if len(br.reporters) < 12 && r.IntN(3) == 0 {
			br.reporters = append(br.reporters, reporter{p.id, p.household, p.name, p.phone})
		}
	}
	if len(br.reporters) == 0 {
		p := folk[0]
		br.reporters = append(br.reporters, reporter{p.id, p.household, p.name, p.phone})
	}
}

func kindOf(community bool) org.Kind {
	if community {
		return org.Community
	}
	return org.Village
}

func (g *gen) age(p *person) int {
	a := g.o.End.Year() - p.birth.Year()
	if g.o.End.YearDay() < p.birth.YearDay() {
		a--
	}
	return a
}

// family makes one household's members: a head, usually a spouse, children by the head's age,
// now and then an old parent.
func (g *gen) family(unit, household int64, county string) []*person {
	r := g.r
	var out []*person
	surname := g.surname()
	add := func(rel, sn, gender string, age int) {
		out = append(out, g.person(unit, household, rel, sn, gender, max(age, 0), county))
	}
	var headAge int
	switch x := r.IntN(100); {
	case x < 12:
		headAge = 26 + r.IntN(9)
	case x < 55:
		headAge = 35 + r.IntN(20)
	case x < 88:
		headAge = 55 + r.IntN(15)
	default:
		headAge = 70 + r.IntN(15)
	}
	hg := "M"
	if r.IntN(100) < 15 {
		hg = "F"
	}
	add("head", surname, hg, headAge)
	if r.IntN(100) < 85 {
		sg := "F"
		if hg == "F" {
			sg = "M"
		}
		add("spouse", g.surname(), sg, max(headAge-3+r.IntN(7), 20))
	}
	switch {
	case headAge < 55:
		for range []int{0, 1, 1, 2, 2, 3}[r.IntN(6)] {
			add("child", surname, pick(r, []string{"M", "F"}), headAge-22-r.IntN(16))
		}
	case headAge < 75 && r.IntN(2) == 0:
		add("child", surname, pick(r, []string{"M", "F"}), max(headAge-24-r.IntN(8), 18))
	}
	if headAge < 60 && r.IntN(10) == 0 {
		add("parent", surname, pick(r, []string{"M", "F"}), min(headAge+22+r.IntN(10), 95))
	}
	return out
}

// person makes someone: a name of their generation, a phone if they would carry one, an ID
// number for some adults, party membership for some.
func (g *gen) person(unit, household int64, rel, surname, gender string, age int, county string) *person {
	r := g.r
	p := &person{id: g.next.person, unit: unit, household: household, relation: rel, gender: gender, categories: ",resident,"}
	g.next.person++
	p.birth = time.Date(g.o.End.Year()-age-1, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(365))
	era := 2
	switch y := p.birth.Year(); {
	case y < 1965:
		era = 0
	case y < 1990:
		era = 1
	}
	p.name = surname + pick(r, g.pools.GivenNames[gender][era])
	a := g.age(p)
	if a >= 18 && a < 76 && r.IntN(100) < 92 || a >= 76 && r.IntN(100) < 45 {
		p.phone = g.phone()
	}
	if a >= 18 && r.IntN(100) < 30 {
		g.giveID(p, county)
	}
	odds := 8
	if gender == "F" {
		odds = 4
	}
	if a >= 23 && r.IntN(100) < odds {
		g.makeMember(p)
	}
	return p
}

// cadre writes a town or county cadre (no household) and returns their name.
func (g *gen) cadre(b *batch, u *node, county string) string {
	r := g.r
	gender := "M"
	if r.IntN(10) < 3 {
		gender = "F"
	}
	p := g.person(u.u.ID, 0, "", g.surname(), gender, 28+r.IntN(30), county)
	if p.phone == "" {
		p.phone = g.phone()
	}
	if p.idNumber == "" {
		g.giveID(p, county)
	}
	g.makeMember(p)
	p.categories = ",cadre,"
	b.people = append(b.people, g.personRow(p))
	return p.name
}

func (g *gen) makeMember(p *person) {
	if p.member {
		return
	}
	a := g.age(p)
	years := 20 + g.r.IntN(max(min(20, a-22), 0)+1)
	j := p.birth.AddDate(years, 0, g.r.IntN(300))
	if limit := g.o.End.AddDate(0, 0, -1); j.After(limit) {
		j = limit
	}
	p.member, p.joined = true, j.Format(people.DateLayout)
}

func (g *gen) phone() string {
	return pick(g.r, g.pools.MobilePrefixes) + fmt.Sprintf("%08d", g.r.IntN(100_000_000))
}

// giveID gives p a citizen ID number: county code, birth date, a sequence odd for men and even
// for women, and the GB 11643 check digit; unique within the county, so unique everywhere.
func (g *gen) giveID(p *person, county string) {
	for range 20 {
		seq := g.r.IntN(500) * 2
		if p.gender == "M" {
			seq++
		}
		first := county + p.birth.Format("20060102") + fmt.Sprintf("%03d", seq)
		if !g.ids17[first] {
			g.ids17[first] = true
			p.idNumber = first + string(people.IDCheckDigit(first))
			return
		}
	}
}

func (g *gen) surname() string {
	n := g.r.IntN(g.surnameSum)
	for i, w := range g.pools.SurnameWeights {
		if n < w {
			return g.pools.Surnames[i]
		}
		n -= w
	}
	return g.pools.Surnames[0]
}

func (g *gen) personRow(p *person) []any {
	var hh any
	if p.household != 0 {
		hh = p.household
	}
	return []any{p.id, p.unit, hh, p.relation, p.name, p.gender, p.birth.Format(people.DateLayout), p.phone, p.idNumber,
		p.member, p.joined, p.categories, true, int64(1), g.createdV, g.createdV}
}
