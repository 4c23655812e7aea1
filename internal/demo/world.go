package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"wuxing/internal/org"
	"wuxing/internal/people"
)

// The generator's fixed seed: the same data set on every run.
const seedA, seedB = 20230113, 410900

// refDate is the day ages are reckoned on; every generated date falls before it, so the data
// set validates under any clock from 2025 on.
var refDate = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// world is the whole data set, built in memory before anything is written. Records point at
// each other; ids are filled in as they are written.
type world struct {
	r *rand.Rand

	units      []*unit
	compounds  []*compound
	households []*household
	loose      []*person // people outside households: town cadres and department staff
	assigns    []*assignment
	branches   []*branch

	phones, ids map[string]bool

	// What the accounts hang on.
	city, hualong, jianshe, luhe, sunkou *unit
	sunkouJustice                        *unit // 孙口镇司法所
	zq, kx                               *branch
	countyCadre                          *person
	townCadres                           map[*unit][]*person
	deptStaff                            map[*unit][]*person
}

type unit struct {
	u      org.Unit
	parent *unit
	county string // the county's 6-digit code, for ID numbers
	kids   int    // grid/building/department children so far, for their codes
}

type compound struct {
	c    org.Compound
	unit *unit
}

type household struct {
	h        people.Household
	unit     *unit // grid or building
	grid     *unit
	compound *compound
	members  []*person
}

type person struct {
	p    people.Person
	unit *unit
	age  int // at refDate
}

type assignment struct {
	a         people.Assignment
	person    *person
	unit      *unit
	household *household
	member    *person
}

// branch is a village or community with what was generated in it.
type branch struct {
	unit       *unit
	clan       string // the lineage a village is named for, more common among its households
	grids      []*unit
	households []*household
	secretary  *person
	committee  []*person
	gridWorker map[*unit]*person
	// full marks a branch whose every household has a linked member and every member a contact.
	full bool
}

// Specifications of the places, from the seed page where it names them.

type compoundSpec struct {
	name              string
	threeWithout, red bool
	street            string
	number            int
}

type communitySpec struct {
	name      string
	compounds []compoundSpec
}

type townSpec struct {
	code, name  string
	communities []communitySpec
	villages    []string // named villages, first
	nVillages   int      // villages in all; generated names fill up
	urban       bool     // villages inside a city district: bigger grids
	departments []string
	cadres      int // town cadres (the first holds the town account)
	areas       int // area leads among them
	firstSecs   int // branches with a first secretary
}

type countySpec struct {
	code, name string
	towns      []townSpec
}

var jiansheCommunities = []communitySpec{
	{"站前社区", []compoundSpec{{"站前花园", false, true, "站前路", 18}, {"铁路家属院", true, false, "站前路", 36}, {"邮电家属院", false, false, "建设路", 102}}},
	{"开西社区", []compoundSpec{{"开西小区", false, true, "开州路", 57}, {"化肥厂家属院", true, true, "开州路", 89}, {"棉纺厂家属院", true, false, "建设路", 145}, {"锦苑小区", false, false, "开州路", 120}}},
	{"康居社区", []compoundSpec{{"康居小区", false, false, "京开道", 210}, {"粮食局家属院", true, false, "京开道", 188}, {"龙城花园", false, true, "建设路", 233}}},
	{"濮水苑社区", []compoundSpec{{"濮水苑小区", false, true, "濮水路", 66}, {"水利局家属院", true, false, "濮水路", 81}, {"供销社家属院", true, false, "建设路", 176}}},
	{"明珠社区", []compoundSpec{{"明珠花园", false, false, "长庆路", 95}, {"税务局家属院", true, false, "长庆路", 113}}},
}

var huangfuCommunities = []communitySpec{
	{"皇甫社区", []compoundSpec{{"皇甫新村", true, false, "皇甫路", 12}, {"濮上花园", false, false, "皇甫路", 68}}},
	{"京开社区", []compoundSpec{{"京开小区", false, false, "京开道", 502}, {"电业局家属院", true, true, "京开道", 536}}},
	{"绿城社区", []compoundSpec{{"绿城家园", false, true, "绿城路", 30}, {"石化家属院", true, false, "绿城路", 77}}},
}

// sunkouDepartments are 孙口镇's 22 departments and stations (站所).
var sunkouDepartments = []string{"党政办", "党建办", "纪检监察办", "人大办", "武装部", "财政所", "派出所", "司法所",
	"农业服务中心", "卫生院", "综治中心", "应急管理办", "自然资源所", "市场监管所", "环安办", "社会事务办",
	"退役军人服务站", "文化服务中心", "便民服务中心", "规划建设办", "中心学校", "供电所"}

// counties is the tree down to the towns: the places the seed page reports on. County codes are
// the statistical ones; town codes are plausible (街道 0xx, 镇 1xx, 乡 2xx), as are the village
// codes made from them (社区 001…, 村 201…).
var counties = []countySpec{
	{"410902000000", "华龙区", []townSpec{
		{code: "410902003000", name: "建设办", communities: jiansheCommunities, villages: []string{"戚城村", "五甲户村", "张海村"},
			nVillages: 3, urban: true, departments: []string{"党政办", "党建办", "城市管理办", "社会事务办", "平安建设办"},
			cadres: 9, areas: 2, firstSecs: 5},
		{code: "410902010000", name: "皇甫办", communities: huangfuCommunities, villages: []string{"皇甫村", "王助村"},
			nVillages: 2, urban: true, departments: []string{"党政办", "社会事务办", "综治中心"},
			cadres: 5, areas: 2, firstSecs: 1},
	}},
	{"410923000000", "南乐县", []townSpec{
		{code: "410923201000", name: "寺庄乡", villages: []string{"寺庄村", "古念村"}, nVillages: 6,
			departments: []string{"党政办", "派出所", "司法所", "卫生院", "人居环境办公室"}, cadres: 7, areas: 4, firstSecs: 1},
	}},
	{"410926000000", "范县", []townSpec{
		{code: "410926202000", name: "颜村铺乡", villages: []string{"颜村铺村"}, nVillages: 6,
			departments: []string{"党政办", "派出所", "卫生院", "农业服务中心"}, cadres: 5, areas: 2, firstSecs: 1},
	}},
	{"410927000000", "台前县", []townSpec{
		{code: "410927101000", name: "孙口镇", villages: []string{"孙口村"}, nVillages: 27,
			departments: sunkouDepartments, cadres: 28, areas: 7, firstSecs: 4},
	}},
	{"410928000000", "濮阳县", []townSpec{
		{code: "410928102000", name: "徐镇镇", villages: []string{"徐镇村"}, nVillages: 6,
			departments: []string{"党政办", "派出所", "卫生院", "乡贤服务中心"}, cadres: 5, areas: 2, firstSecs: 1},
		{code: "410928104000", name: "鲁河镇", villages: []string{"鲁河村"}, nVillages: 47,
			departments: []string{"党政办", "党建办", "财政所", "派出所", "司法所", "卫生院", "农业服务中心", "便民服务中心"},
			cadres:      15, areas: 8, firstSecs: 5},
		{code: "410928206000", name: "白堤乡", villages: []string{"白堤村"}, nVillages: 5,
			departments: []string{"党政办", "派出所", "市场监管所", "环安办"}, cadres: 5, areas: 2, firstSecs: 1},
	}},
}

// build generates the whole data set; the same every time.
func build() *world {
	w := &world{
		r:          rand.New(rand.NewPCG(seedA, seedB)),
		phones:     map[string]bool{},
		ids:        map[string]bool{},
		townCadres: map[*unit][]*person{},
		deptStaff:  map[*unit][]*person{},
	}
	w.city = w.unit(nil, org.City, "410900000000", "濮阳市")
	for _, cs := range counties {
		c := w.unit(w.city, org.County, cs.code, cs.name)
		if cs.name == "华龙区" {
			w.hualong = c
			// The district's organization department, for the county account.
			w.countyCadre = w.cadre(c)
		}
		for _, ts := range cs.towns {
			w.town(c, ts)
		}
	}
	return w
}

func (w *world) unit(parent *unit, kind org.Kind, code, name string) *unit {
	u := &unit{u: org.Unit{Kind: kind, Code: code, Name: name}, parent: parent}
	switch {
	case kind == org.County:
		u.county = code[:6]
	case parent != nil:
		u.county = parent.county
	}
	w.units = append(w.units, u)
	return u
}

// child creates a grid, building or department, whose code extends its parent's by three digits.
func (w *world) child(parent *unit, kind org.Kind, name string) *unit {
	parent.kids++
	return w.unit(parent, kind, fmt.Sprintf("%s%03d", parent.u.Code, parent.kids), name)
}

func (w *world) town(county *unit, ts townSpec) {
	r := w.r
	t := w.unit(county, org.Town, ts.code, ts.name)
	switch ts.name {
	case "建设办":
		w.jianshe = t
	case "鲁河镇":
		w.luhe = t
	case "孙口镇":
		w.sunkou = t
	}
	for _, d := range ts.departments {
		du := w.child(t, org.Department, d)
		if t == w.sunkou && d == "司法所" {
			w.sunkouJustice = du
		}
		for range 1 + r.IntN(2) {
			p := w.cadre(du)
			if r.IntN(10) < 3 {
				p.p.PartyMember, p.p.JoinedPartyOn = false, ""
			}
			w.deptStaff[du] = append(w.deptStaff[du], p)
		}
	}
	for range ts.cadres {
		w.townCadres[t] = append(w.townCadres[t], w.cadre(t))
	}

	var branches []*branch
	prefix := ts.code[:9]
	for i, cs := range ts.communities {
		b := w.community(t, fmt.Sprintf("%s%03d", prefix, i+1), cs)
		branches = append(branches, b)
	}
	used := map[string]bool{}
	for _, n := range ts.villages {
		used[n] = true
	}
	for i := range ts.nVillages {
		name, clan := "", ""
		if i < len(ts.villages) {
			name = ts.villages[i]
			for _, s := range clanSurnames {
				if []rune(name)[0] == []rune(s)[0] {
					clan = s
				}
			}
		} else {
			name, clan = w.villageName(used)
		}
		b := w.village(t, fmt.Sprintf("%s%03d", prefix, 201+i), name, clan, ts.urban)
		branches = append(branches, b)
	}
	for _, b := range branches {
		w.staff(b)
	}
	w.assignBranches(t, ts, branches)
	w.branches = append(w.branches, branches...)
}

// villageName makes a village name not used yet in the town: 王庄村, 后李寨村, 前刘村, 柳园村.
func (w *world) villageName(used map[string]bool) (string, string) {
	r := w.r
	for {
		var name, clan string
		switch x := r.IntN(10); {
		case x < 6:
			clan = pick(r, clanSurnames)
			pre := ""
			if r.IntN(3) == 0 {
				pre = pick(r, villagePrefixes)
			}
			name = pre + clan + pick(r, villageSuffixes)
		case x < 8:
			clan = pick(r, clanSurnames)
			name = pick(r, villagePrefixes) + clan
		default:
			name = pick(r, villagePlaces)
		}
		name += "村"
		if !used[name] {
			used[name] = true
			return name, clan
		}
	}
}

func (w *world) community(town *unit, code string, cs communitySpec) *branch {
	r := w.r
	b := &branch{unit: w.unit(town, org.Community, code, cs.name), gridWorker: map[*unit]*person{}}
	var cps []*compound
	for _, s := range cs.compounds {
		c := &compound{unit: b.unit, c: org.Compound{Name: s.name, Address: fmt.Sprintf("%s%d号", s.street, s.number),
			ThreeWithout: s.threeWithout, RedCommittee: s.red}}
		w.compounds = append(w.compounds, c)
		cps = append(cps, c)
	}
	nGrids := 3 + r.IntN(2)
	perGrid := make([]int, nGrids)
	total := 0
	for i := range perGrid {
		perGrid[i] = 3 + r.IntN(3)
		total += perGrid[i]
	}
	// Buildings go to compounds in contiguous blocks, numbered within their compound.
	k := 0
	numbers := map[*compound]int{}
	for g := range nGrids {
		grid := w.child(b.unit, org.Grid, cs.name+"第"+gridNumerals[g]+"网格")
		b.grids = append(b.grids, grid)
		for range perGrid[g] {
			cp := cps[k*len(cps)/total]
			k++
			numbers[cp]++
			name := fmt.Sprintf("%s%d号楼", cp.c.Name, numbers[cp])
			bu := w.child(grid, org.Building, name)
			entrances := 1 + r.IntN(3)
			floors := 5 + r.IntN(2)
			var slots []string
			for e := 1; e <= entrances; e++ {
				for f := 1; f <= floors; f++ {
					for d := 1; d <= 2; d++ {
						slots = append(slots, fmt.Sprintf("%s%d单元%d%02d", name, e, f, d))
					}
				}
			}
			r.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
			n := min(len(slots), 6+r.IntN(7))
			for _, addr := range sorted(slots[:n]) {
				w.household(b, grid, bu, cp, addr, false)
			}
		}
	}
	return b
}

func (w *world) village(town *unit, code, name, clan string, urban bool) *branch {
	r := w.r
	b := &branch{unit: w.unit(town, org.Village, code, name), clan: clan, gridWorker: map[*unit]*person{}}
	nGrids, lo, span := 2+r.IntN(3), 8, 6
	if urban {
		nGrids, lo, span = 3+r.IntN(2), 15, 8
	}
	for g := range nGrids {
		grid := w.child(b.unit, org.Grid, name+"第"+gridNumerals[g]+"网格")
		b.grids = append(b.grids, grid)
		no := 0
		for range lo + r.IntN(span) {
			no += 1 + r.IntN(3)
			w.household(b, grid, grid, nil, fmt.Sprintf("%s%d组%d号", name, g+1, no), !urban)
		}
	}
	return b
}

// household generates one household of a plausible shape: a couple with children, an older
// couple with a married son and grandchildren, an elder living alone.
func (w *world) household(b *branch, grid, place *unit, cp *compound, addr string, rural bool) {
	r := w.r
	h := &household{h: people.Household{Address: addr}, unit: place, grid: grid, compound: cp}
	w.households = append(w.households, h)
	b.households = append(b.households, h)
	family := w.surname()
	if b.clan != "" && r.IntN(10) < 4 {
		family = b.clan
	}
	add := func(rel people.Relation, surname, gender string, age int) *person {
		p := w.person(place, surname, gender, age)
		p.p.Relation = rel
		p.p.Categories = []people.Category{people.Resident}
		h.members = append(h.members, p)
		return p
	}
	if r.IntN(100) < 8 {
		g := pick(r, []string{"M", "F"})
		s := family
		if g == "F" {
			s = w.surname()
		}
		age := 68 + r.IntN(22)
		add("head", s, g, age)
		if r.IntN(2) == 0 {
			add("spouse", other(w, s, g, family), opposite(g), clampAge(age-3+r.IntN(7), 60))
		}
		return
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
		headAge = 70 + r.IntN(12)
	}
	headGender := "M"
	if r.IntN(100) < 15 {
		headGender = "F"
	}
	headSurname := family
	if headGender == "F" {
		headSurname = w.surname()
	}
	add("head", headSurname, headGender, headAge)
	if r.IntN(100) < 90 {
		add("spouse", other(w, headSurname, headGender, family), opposite(headGender), clampAge(headAge-3+r.IntN(7), 22))
	}
	if headAge < 52 {
		kids := []int{0, 1, 1, 2, 2, 2, 3}[r.IntN(7)]
		if !rural && kids == 3 {
			kids = 2
		}
		for range kids {
			// Born when the parents were 22 to 40.
			add("child", family, pick(r, []string{"M", "F"}), max(0, headAge-22-r.IntN(19)))
		}
	} else if headAge < 75 && r.IntN(100) < 60 {
		childAge := clampAge(headAge-24-r.IntN(8), 18)
		if r.IntN(10) < 7 {
			add("child", family, "M", childAge)
			if childAge >= 24 && r.IntN(10) < 7 {
				add("in_law", w.surname(), "F", clampAge(childAge-2+r.IntN(4), 22))
				if childAge >= 25 {
					for range r.IntN(3) {
						add("grandchild", family, pick(r, []string{"M", "F"}), r.IntN(childAge-22))
					}
				}
			}
		} else {
			add("child", family, "F", childAge)
		}
	}
	if headAge < 60 && r.IntN(100) < 12 {
		g := pick(r, []string{"M", "F"})
		s := headSurname
		if g == "F" {
			s = w.surname()
		}
		add("parent", s, g, min(headAge+22+r.IntN(10), 94))
	}
}

// other is the spouse's surname: not the head's own (or the family's, for a female head).
func other(w *world, headSurname, headGender, family string) string {
	if headGender == "F" {
		return family
	}
	for {
		if s := w.surname(); s != headSurname {
			return s
		}
	}
}

func opposite(g string) string {
	if g == "M" {
		return "F"
	}
	return "M"
}

func clampAge(a, lo int) int { return max(a, lo) }

// person makes someone of the given age with a name fitting their generation, a phone number
// if they would carry one, an ID number for some adults, and party membership for some.
func (w *world) person(u *unit, surname, gender string, age int) *person {
	r := w.r
	p := &person{unit: u, age: age}
	birth := time.Date(refDate.Year()-age-1, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(365))
	era := 2
	switch y := birth.Year(); {
	case y < 1965:
		era = 0
	case y < 1990:
		era = 1
	}
	p.p = people.Person{Name: surname + pick(r, givenNames[gender][era]), Gender: gender, BirthDate: birth.Format(people.DateLayout)}
	switch {
	case age >= 18 && age < 76 && r.IntN(100) < 95, age >= 76 && r.IntN(100) < 45, age >= 14 && age < 18 && r.IntN(100) < 35:
		p.p.Phone = w.phone()
	}
	if age >= 18 && r.IntN(100) < 40 {
		w.giveID(p, birth)
	}
	odds := 9
	if gender == "F" {
		odds = 4
	}
	if age >= 23 && r.IntN(100) < odds {
		w.makeMember(p)
	}
	return p
}

// cadre makes a cadre working at u (a town, its department, the district): no household, a
// phone and ID number on file, most of them party members.
func (w *world) cadre(u *unit) *person {
	r := w.r
	g := "M"
	if r.IntN(100) < 30 {
		g = "F"
	}
	p := w.person(u, w.surname(), g, 30+r.IntN(28))
	if p.p.Phone == "" {
		p.p.Phone = w.phone()
	}
	if p.p.IDNumber == "" {
		w.giveID(p, mustDate(p.p.BirthDate))
	}
	if !p.p.PartyMember {
		w.makeMember(p)
	}
	p.p.Categories = []people.Category{people.Cadre}
	w.loose = append(w.loose, p)
	return p
}

func (w *world) makeMember(p *person) {
	if p.p.PartyMember {
		return
	}
	years := 20 + w.r.IntN(min(20, p.age-22)+1)
	joined := mustDate(p.p.BirthDate).AddDate(years, 0, w.r.IntN(300))
	p.p.PartyMember, p.p.JoinedPartyOn = true, joined.Format(people.DateLayout)
}

func (w *world) phone() string {
	for {
		n := pick(w.r, mobilePrefixes) + fmt.Sprintf("%08d", w.r.IntN(100_000_000))
		if !w.phones[n] {
			w.phones[n] = true
			return n
		}
	}
}

// giveID gives p a citizen ID number: county code, birth date, a sequence whose last digit is
// odd for men and even for women, and the GB 11643 check digit.
func (w *world) giveID(p *person, birth time.Time) {
	for {
		seq := w.r.IntN(500) * 2
		if p.p.Gender == "M" {
			seq++
		}
		first := p.unit.county + birth.Format("20060102") + fmt.Sprintf("%03d", seq)
		id := first + string(people.IDCheckDigit(first))
		if !w.ids[id] {
			w.ids[id] = true
			p.p.IDNumber = id
			return
		}
	}
}

// surnameWeight is the sum of the surname weights.
var surnameWeight = func() int {
	total := 0
	for _, s := range surnames {
		total += s.w
	}
	return total
}()

// surname draws a surname, the common ones more often.
func (w *world) surname() string {
	n := w.r.IntN(surnameWeight)
	for _, s := range surnames {
		if n < s.w {
			return s.s
		}
		n -= s.w
	}
	return surnames[0].s
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func mustDate(s string) time.Time {
	t, err := time.Parse(people.DateLayout, s)
	if err != nil {
		panic("demo: bad generated date " + s)
	}
	return t
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}

// adults returns the household members of b aged lo to hi, in household order.
func (b *branch) adults(lo, hi int, skip func(*person) bool) []*person {
	var out []*person
	for _, h := range b.households {
		for _, p := range h.members {
			if p.age >= lo && p.age <= hi && (skip == nil || !skip(p)) {
				out = append(out, p)
			}
		}
	}
	return out
}

func addCategory(p *person, c people.Category) {
	if !p.p.Has(c) {
		p.p.Categories = append(p.p.Categories, c)
	}
}

// staff picks the branch's secretary and committee (两委), a grid worker per grid, volunteers
// and the odd deputy from among its residents.
func (w *world) staff(b *branch) {
	r := w.r
	taken := map[*person]bool{}
	isTaken := func(p *person) bool { return taken[p] }
	var members []*person
	for _, p := range b.adults(38, 60, nil) {
		if p.p.PartyMember {
			members = append(members, p)
		}
	}
	if len(members) == 0 {
		members = b.adults(38, 60, nil)
	}
	if len(members) == 0 {
		members = b.adults(25, 80, nil)
	}
	b.secretary = pick(r, members)
	w.makeMember(b.secretary)
	addCategory(b.secretary, people.Cadre)
	taken[b.secretary] = true
	pool := b.adults(28, 62, isTaken)
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	for _, p := range pool[:min(len(pool), 3+r.IntN(2))] {
		if r.IntN(10) < 6 {
			w.makeMember(p)
		}
		addCategory(p, people.Cadre)
		taken[p] = true
		b.committee = append(b.committee, p)
	}
	for _, g := range b.grids {
		var cands []*person
		for _, h := range b.households {
			if h.grid != g {
				continue
			}
			for _, p := range h.members {
				if p.age >= 25 && p.age <= 55 && !taken[p] {
					cands = append(cands, p)
				}
			}
		}
		if len(cands) == 0 {
			continue
		}
		p := pick(r, cands)
		if r.IntN(100) < 35 {
			w.makeMember(p)
		}
		addCategory(p, people.GridWorker)
		taken[p] = true
		b.gridWorker[g] = p
	}
	for _, p := range b.adults(18, 72, nil) {
		if r.IntN(100) < 7 {
			addCategory(p, people.Volunteer)
		}
	}
	if r.IntN(100) < 25 {
		addCategory(pick(r, b.adults(30, 70, nil)), people.Deputy)
	}
	if r.IntN(100) < 8 {
		addCategory(pick(r, b.adults(30, 70, nil)), people.CPPCC)
	}
}

// day returns a date between from and to (YYYY-MM-DD, both included).
func (w *world) day(from, to string) string {
	a, b := mustDate(from), mustDate(to)
	n := int(b.Sub(a).Hours()/24) + 1
	return a.AddDate(0, 0, w.r.IntN(n)).Format(people.DateLayout)
}

// assignBranches makes the town's 包联: area leads over groups of branches, first secretaries,
// household links and member contacts. Most branches are left with a few gaps, so the
// coverage check has something to show; some are complete.
func (w *world) assignBranches(t *unit, ts townSpec, branches []*branch) {
	r := w.r
	cadres := w.townCadres[t]
	for i := range ts.areas {
		lead := cadres[1+i]
		for _, b := range branches[i*len(branches)/ts.areas : (i+1)*len(branches)/ts.areas] {
			w.assign(&assignment{a: people.Assignment{Kind: people.AreaLead, StartsOn: "2023-01-01"}, person: lead, unit: b.unit})
		}
	}
	for i := range ts.firstSecs {
		b := branches[i*len(branches)/ts.firstSecs]
		if len(ts.communities) == ts.firstSecs {
			// As in 建设办: the section-level cadres serve as the communities' first secretaries.
			b = branches[i]
		}
		fs := cadres[1+ts.areas+i]
		start := w.day("2022-09-01", "2023-06-30")
		if i == 0 && ts.firstSecs > 3 {
			// A rotation: the predecessor's term is kept as history.
			w.assign(&assignment{a: people.Assignment{Kind: people.FirstSecretary, StartsOn: "2021-09-01", EndsOn: "2024-02-29",
				Note: "驻村第一书记（2021—2024）"}, person: cadres[1], unit: b.unit})
			start = "2024-03-01"
		}
		w.assign(&assignment{a: people.Assignment{Kind: people.FirstSecretary, StartsOn: start}, person: fs, unit: b.unit})
	}
	for _, b := range branches {
		switch b.unit.u.Name {
		case "站前社区":
			b.full, w.zq = true, b
		case "开西社区":
			w.kx = b
		default:
			b.full = r.IntN(100) < 30
		}
		w.cover(b)
	}
}

func (w *world) assign(a *assignment) { w.assigns = append(w.assigns, a) }

// cover links households to the branch's party members (preferring members of the same grid)
// and gives party members a contact among the branch cadres.
func (w *world) cover(b *branch) {
	r := w.r
	linkRate, contactRate := 100, 100
	if !b.full {
		linkRate, contactRate = 78+r.IntN(19), 80+r.IntN(18)
	}
	var members []*person
	byGrid := map[*unit][]*person{}
	for _, h := range b.households {
		for _, p := range h.members {
			if p.p.PartyMember {
				members = append(members, p)
				byGrid[h.grid] = append(byGrid[h.grid], p)
			}
		}
	}
	if len(members) == 0 {
		return
	}
	next := map[*unit]int{}
	for _, h := range b.households {
		if r.IntN(100) >= linkRate {
			continue
		}
		gm := byGrid[h.grid]
		if len(gm) == 0 {
			gm = members
		}
		m := gm[next[h.grid]%len(gm)]
		next[h.grid]++
		w.assign(&assignment{a: people.Assignment{Kind: people.HouseholdLink, StartsOn: w.day("2023-01-01", "2024-06-30")},
			person: m, household: h})
	}
	cadres := append([]*person{b.secretary}, b.committee...)
	for i, m := range members {
		if r.IntN(100) >= contactRate {
			continue
		}
		c := cadres[i%len(cadres)]
		if c == m {
			c = cadres[(i+1)%len(cadres)]
		}
		if c == m {
			continue
		}
		w.assign(&assignment{a: people.Assignment{Kind: people.MemberContact, StartsOn: w.day("2023-01-01", "2024-06-30")},
			person: c, member: m})
	}
}
