package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"wuxing/internal/org"
	"wuxing/internal/quota"
	"wuxing/internal/service"
	"wuxing/internal/storage"
)

// The seed's volunteer figures, reproduced from records.
const (
	jiansheTeams      = 34   // 建设办: 34 volunteer teams
	jiansheVolunteers = 1653 // with 1653 volunteers
	jiansheProjects   = 54   // and 54 projects
	luheTeams         = 57   // 鲁河镇: 57 party vanguard service teams
)

const svcSeedA, svcSeedB = 20230113, 1653

// loadService loads 建设办's 34 volunteer teams with 1653 volunteers and 54 projects, 鲁河镇's 57
// party vanguard teams, their activities and approved hours: from the start of the year (and the
// whole quarter before, so a finished quarter is there to judge) to yesterday, with the coming
// weeks' themed-day activities planned. Teams serve on Thursdays (the seed's themed day) and some
// other days; a few serve too little and fall under the 10 days a quarter. Office party members'
// hours follow each one's own pace against the 80 hours a year: most on pace, some behind, a few
// well ahead. Everything is written in one batch (storage.SeedService).
func loadService(ctx context.Context, db *storage.DB, w *world) error {
	g := newSvcGen(w, quota.Today(db.Clock().Now()))
	g.jianshe()
	g.luhe()
	g.officeHours()
	g.fill()
	return db.SeedService(ctx, storage.System, &g.seed)
}

// svcGen plans the service history in memory.
type svcGen struct {
	w           *world
	r           *rand.Rand
	today       time.Time
	from, to    time.Time // the history: approved activities on these days
	planTo      time.Time // planned activities up to this day
	rules       quota.Rules
	seed        storage.ServiceSeed
	teams       []*svcTeam
	office      []*svcOffice
	registered  map[*person]bool
	officeOf    map[*person]*svcOffice
	titlesRural []string
	titlesTown  []string
	titlesCity  []string
}

type svcTeam struct {
	st      *storage.SeedTeam
	unit    *unit
	members []*person
	weak    bool // serves too little: under the days quota
	titles  []string
	place   string
}

// svcOffice is an office party member with the pace they keep.
type svcOffice struct {
	p      *person
	factor float64 // hours logged ÷ hours expected
	teams  []*svcTeam
}

func newSvcGen(w *world, today time.Time) *svcGen {
	g := &svcGen{w: w, r: rand.New(rand.NewPCG(svcSeedA, svcSeedB)), today: today, rules: quota.Defaults(0),
		registered: map[*person]bool{}, officeOf: map[*person]*svcOffice{}}
	g.from = quota.YearOf(today).Start()
	if q := quota.QuarterOf(today).Prev().Start(); q.Before(g.from) {
		g.from = q
	}
	g.to = today.AddDate(0, 0, -1)
	g.planTo = today.AddDate(0, 0, 27)
	g.titlesRural = []string{"主题党日：村内环境卫生大扫除", "党员志愿服务：走访慰问独居老人", "人居环境整治义务劳动", "政策宣讲进农户",
		"助农志愿服务", "防溺水安全宣传", "关爱留守儿童", "村内主干道清扫保洁", "坑塘沟渠清理", "植树绿化志愿服务", "防汛巡查", "秸秆禁烧宣传",
		"反诈宣传进万家", "帮扶困难群众", "移风易俗宣传"}
	g.titlesCity = []string{"主题党日：楼道杂物清理", "关爱空巢老人上门服务", "文明交通劝导", "垃圾分类宣传", "义诊进社区", "小区环境卫生大扫除",
		"四点半课堂", "爱心义剪", "防诈骗宣传", "消防安全检查", "便民维修服务", "邻里守望走访", "红色物业议事"}
	g.titlesTown = []string{"主题党日：机关党员进村入户", "结对帮扶走访", "助力人居环境整治", "文明创建志愿服务", "交通路口文明劝导",
		"政策宣讲志愿服务", "平安建设宣传", "联系户走访"}
	return g
}

// adultsOf lists a branch's people of working age for volunteering, in a fixed order.
func adultsOf(b *branch) []*person { return b.adults(16, 78, nil) }

// officePeople lists a town's office party members: its cadres and its departments' staff who are
// party members (quota.OfficeMember), and the departments' staff who are not.
func (g *svcGen) officePeople(town *unit) (office []*person, depts map[*unit][]*person) {
	depts = map[*unit][]*person{}
	office = append(office, g.w.townCadres[town]...)
	for _, u := range g.w.units {
		if u.parent == town && u.u.Kind == org.Department {
			for _, p := range g.w.deptStaff[u] {
				depts[u] = append(depts[u], p)
				if quota.OfficeMember(p.p.PartyMember, u.u.Kind) {
					office = append(office, p)
				}
			}
		}
	}
	return office, depts
}

func (g *svcGen) team(u *unit, kind service.TeamKind, name string, leader *person, members []*person, titles []string, place string) *svcTeam {
	st := &storage.SeedTeam{Team: service.Team{UnitID: u.u.ID, Kind: kind, Name: name}}
	if leader != nil {
		st.Team.LeaderPersonID = leader.p.ID
	}
	for _, p := range members {
		st.Members = append(st.Members, p.p.ID)
	}
	g.seed.Teams = append(g.seed.Teams, st)
	t := &svcTeam{st: st, unit: u, members: members, titles: titles, place: place}
	g.teams = append(g.teams, t)
	return t
}

// register puts people on the volunteers' register once each.
func (g *svcGen) register(ps ...*person) {
	for _, p := range ps {
		if g.registered[p] {
			continue
		}
		g.registered[p] = true
		var cats []service.Category
		if p.p.PartyMember {
			cats = append(cats, service.PartyMember)
		}
		switch {
		case p.unit.u.Kind == org.Town || p.unit.u.Kind == org.Department:
			cats = append(cats, service.Cadre)
		case p.age < 35:
			cats = append(cats, service.Youth)
		case p.age >= 60:
			cats = append(cats, service.Elder)
		case p.p.Gender == "F":
			cats = append(cats, service.Women)
		default:
			cats = append(cats, service.Resident)
		}
		g.seed.Volunteers = append(g.seed.Volunteers, service.Volunteer{PersonID: p.p.ID, UnitID: p.unit.u.ID, Categories: cats,
			RegisteredOn: g.from.AddDate(0, 0, -g.r.IntN(400)).Format(quota.DateLayout)})
	}
}

// jianshe makes 建设办's 34 teams: two of the town's office, four in each of its eight
// communities and villages, with 1653 volunteers among them and 54 projects.
func (g *svcGen) jianshe() {
	w := g.w
	town := w.jianshe
	office, depts := g.officePeople(town)
	var branches []*branch
	for _, b := range w.branches {
		if b.unit.parent == town {
			branches = append(branches, b)
		}
	}
	// The office's two teams, with the departments' staff.
	var staff []*person
	for _, u := range sortedUnits(depts) {
		staff = append(staff, depts[u]...)
	}
	half := (len(office) + 1) / 2
	t1 := g.team(town, service.VanguardTeam, "建设办机关党员先锋服务队", office[0], office[:half], g.titlesTown, "建设办党群服务中心")
	t2 := g.team(town, service.VolunteerTeam, "建设办机关青年志愿服务队", office[half], append(slices.Clone(office[half:]), staff...), g.titlesTown, "建设办党群服务中心")
	g.officeTeams(office[:half], t1)
	g.officeTeams(office[half:], t2)
	g.register(office...)
	g.register(staff...)
	// The branches' volunteers: 1653 in all, drawn from each branch's adults in proportion.
	need := jiansheVolunteers - len(g.registered)
	var pools [][]*person
	avail := 0
	for _, b := range branches {
		ps := adultsOf(b)
		g.r.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
		// The branch's cadres and party members first: they lead and fill the vanguard teams.
		slices.SortStableFunc(ps, func(a, b *person) int { return boolRank(b.p.PartyMember) - boolRank(a.p.PartyMember) })
		pools = append(pools, ps)
		avail += len(ps)
	}
	if avail < need {
		panic(fmt.Sprintf("demo: 建设办 has %d adults for %d volunteers", avail, need))
	}
	kinds := []struct {
		kind   service.TeamKind
		suffix string
	}{{service.VanguardTeam, "党员先锋服务队"}, {service.VolunteerTeam, "巾帼志愿服务队"}, {service.VolunteerTeam, "银龄志愿服务队"}, {service.VolunteerTeam, "青年志愿服务队"}}
	left := need
	for i, b := range branches {
		n := need * len(pools[i]) / avail
		if i == len(branches)-1 {
			n = left
		}
		left -= n
		vols := pools[i][:n]
		g.register(vols...)
		titles := g.titlesCity
		if b.unit.u.Kind == org.Village {
			titles = g.titlesRural
		}
		// Vanguard: the party members (at least the secretary); the others by who they are.
		var groups [4][]*person
		groups[0] = append(groups[0], b.secretary)
		for _, p := range vols {
			switch {
			case p == b.secretary:
			case p.p.PartyMember && len(groups[0]) < max(8, n/4):
				groups[0] = append(groups[0], p)
			case p.age >= 60:
				groups[2] = append(groups[2], p)
			case p.p.Gender == "F" && p.age >= 35:
				groups[1] = append(groups[1], p)
			default:
				groups[3] = append(groups[3], p)
			}
		}
		// Even the groups out a little so no team is empty.
		for k := 1; k < 4; k++ {
			for len(groups[k]) < 6 {
				big := 0
				for j := range groups {
					if len(groups[j]) > len(groups[big]) {
						big = j
					}
				}
				last := groups[big][len(groups[big])-1]
				groups[big] = groups[big][:len(groups[big])-1]
				groups[k] = append(groups[k], last)
			}
		}
		g.register(b.secretary)
		if b == w.zq {
			// The demo member account serves in its community's vanguard team.
			if m := b.plainMember(); !slices.Contains(groups[0], m) {
				groups[0] = append(groups[0], m)
				g.register(m)
			}
		}
		for k, kd := range kinds {
			leader := groups[k][0]
			g.team(b.unit, kd.kind, b.unit.u.Name+kd.suffix, leader, groups[k], titles, b.unit.u.Name+"党群服务中心")
		}
	}
	// 54 projects: every team one, twenty teams a second.
	var js []*svcTeam
	for _, t := range g.teams {
		if org.Within(t.unit.u.Path, town.u.Path) {
			js = append(js, t)
		}
	}
	projects := []struct{ name, who string }{
		{"邻里守望", "独居老人"}, {"银龄关爱", "空巢老人"}, {"四点半课堂", "双职工家庭子女"}, {"红色物业", "老旧小区居民"},
		{"楼院清洁", "小区居民"}, {"义诊进社区", "慢性病老人"}, {"文明劝导", "过往群众"}, {"法律咨询", "社区居民"},
		{"垃圾分类宣传", "社区居民"}, {"助残帮扶", "残疾人家庭"}, {"爱心义剪", "行动不便老人"}, {"便民维修", "困难家庭"},
		{"政策宣讲", "群众"}, {"关爱留守儿童", "留守儿童"}, {"文明创建", "辖区群众"},
	}
	n := 0
	for i, t := range js {
		for k := 0; k < 1+boolRank(i < jiansheProjects-jiansheTeams); k++ {
			p := projects[(i*2+k)%len(projects)]
			t.st.Projects = append(t.st.Projects, service.Project{Name: p.name, Beneficiary: p.who,
				Description: t.st.Team.Name + "为" + p.who + "开展" + p.name + "服务。"})
			n++
		}
	}
	if len(js) != jiansheTeams || n != jiansheProjects {
		panic(fmt.Sprintf("demo: 建设办 has %d teams and %d projects", len(js), n))
	}
	for _, t := range js {
		g.schedule(t)
	}
}

// luhe makes 鲁河镇's 57 party vanguard teams: one in each of its 47 villages, one in each of its
// 8 departments and stations, and the office's two.
func (g *svcGen) luhe() {
	w := g.w
	town := w.luhe
	office, depts := g.officePeople(town)
	var weak []*svcTeam
	var villages []*svcTeam
	for _, b := range w.branches {
		if b.unit.parent != town {
			continue
		}
		var ms []*person
		for _, p := range adultsOf(b) {
			if p.p.PartyMember || slices.Contains(b.committee, p) {
				ms = append(ms, p)
			}
		}
		if !slices.Contains(ms, b.secretary) {
			ms = append([]*person{b.secretary}, ms...)
		}
		if len(ms) < 5 {
			// A small village's members are joined by active residents.
			for _, p := range adultsOf(b) {
				if len(ms) >= 6 {
					break
				}
				if !slices.Contains(ms, p) && p.age < 65 {
					ms = append(ms, p)
				}
			}
		}
		g.register(ms...)
		t := g.team(b.unit, service.VanguardTeam, b.unit.u.Name+"党员先锋服务队", b.secretary, ms, g.titlesRural, b.unit.u.Name+"党群服务中心")
		t.st.Projects = append(t.st.Projects, service.Project{Name: "党员联户帮办", Beneficiary: "联系户群众", Description: "党员联系户走访、帮办实事。"})
		villages = append(villages, t)
	}
	// A few villages serve too little.
	for _, i := range g.r.Perm(len(villages))[:5] {
		villages[i].weak = true
		weak = append(weak, villages[i])
	}
	for _, u := range sortedUnits(depts) {
		ms := depts[u]
		// A station's staff are joined by two of the town's cadres who lead its area.
		ms = append(slices.Clone(ms), office[len(ms)%len(office)], office[(len(ms)+3)%len(office)])
		t := g.team(u, service.VanguardTeam, town.u.Name+u.u.Name+"党员先锋服务队", ms[0], ms, g.titlesTown, town.u.Name+u.u.Name)
		g.register(ms...)
		for _, p := range ms {
			if quota.OfficeMember(p.p.PartyMember, p.unit.u.Kind) {
				g.officeTeams([]*person{p}, t)
			}
		}
	}
	half := (len(office) + 1) / 2
	t1 := g.team(town, service.VanguardTeam, "鲁河镇机关第一党员先锋服务队", office[0], office[:half], g.titlesTown, "鲁河镇党群服务中心")
	t2 := g.team(town, service.VanguardTeam, "鲁河镇机关第二党员先锋服务队", office[half], office[half:], g.titlesTown, "鲁河镇党群服务中心")
	g.register(office...)
	g.officeTeams(office[:half], t1)
	g.officeTeams(office[half:], t2)
	n := 0
	for _, t := range g.teams {
		if org.Within(t.unit.u.Path, town.u.Path) {
			n++
			g.schedule(t)
		}
	}
	if n != luheTeams {
		panic(fmt.Sprintf("demo: 鲁河镇 has %d teams", n))
	}
}

// officeTeams records the teams office members serve in, giving each a pace on first sight:
// seven in ten keep ahead of the expected hours, two in ten fall behind, one in ten is far ahead.
func (g *svcGen) officeTeams(ps []*person, t *svcTeam) {
	for _, p := range ps {
		o := g.officeOf[p]
		if o == nil {
			o = &svcOffice{p: p}
			// By position, so every town gets its share whatever the draws.
			switch len(g.office) % 10 {
			case 3, 7:
				o.factor = 0.45 + 0.4*g.r.Float64()
			case 9:
				o.factor = 1.5 + 0.6*g.r.Float64()
			default:
				o.factor = 1.08 + 0.3*g.r.Float64()
			}
			g.officeOf[p] = o
			g.office = append(g.office, o)
		}
		if !slices.Contains(o.teams, t) {
			o.teams = append(o.teams, t)
		}
	}
}

// schedule plans a team's activities: every Thursday the team serves (a weak team misses most),
// and now and then a Saturday; approved up to yesterday, planned for the coming weeks.
func (g *svcGen) schedule(t *svcTeam) {
	r := g.r
	attend, extra := 93, 50 // percent of Thursdays served; percent of weeks with a Saturday too
	if t.weak {
		attend, extra = 42, 5
	}
	var projectCount = len(t.st.Projects)
	start := g.from.AddDate(0, 0, (int(time.Thursday)-int(g.from.Weekday())+7)%7)
	for d := start; !d.After(g.planTo); d = d.AddDate(0, 0, 7) {
		days := []time.Time{}
		if r.IntN(100) < attend {
			days = append(days, d)
		}
		if r.IntN(100) < extra {
			days = append(days, d.AddDate(0, 0, 2))
		}
		for _, day := range days {
			if day.Before(g.from) || day.After(g.planTo) {
				continue
			}
			status := service.Approved
			if !day.Before(g.today) {
				status = service.Planned
			}
			title := t.titles[r.IntN(len(t.titles))]
			if day.Weekday() != g.rules.Weekday {
				title = trimThemed(title)
			}
			x := service.Activity{Title: title, ServiceDate: day.Format(quota.DateLayout), StartsAt: "08:30", EndsAt: "11:30",
				Place: t.place, Content: t.st.Team.Name + "开展" + trimThemed(title) + "。", Status: status}
			if r.IntN(2) == 0 {
				x.StartsAt, x.EndsAt = "14:30", "17:30"
			}
			if status == service.Approved {
				x.Ratings = service.Ratings{Satisfied: 8 + r.IntN(12), Basic: r.IntN(3)}
			}
			sa := storage.SeedActivity{Activity: x, Project: -1}
			if projectCount > 0 {
				sa.Project = r.IntN(projectCount)
			}
			t.st.Activities = append(t.st.Activities, sa)
		}
	}
}

// trimThemed drops the "主题党日：" prefix from a title for a day that is not the themed day.
func trimThemed(s string) string {
	const p = "主题党日："
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

// hoursOf is a plausible stint: 1.5 to 4 hours in half hours, in centihours.
func (g *svcGen) hoursOf() int { return 150 + 50*g.r.IntN(6) }

// officeHours gives each office member hours on their teams' approved activities until they
// reach their own pace: hours expected by yesterday × their factor, spread evenly over the days.
func (g *svcGen) officeHours() {
	for _, o := range g.office {
		type slot struct {
			t *svcTeam
			i int
		}
		var slots []slot
		for _, t := range o.teams {
			for i, sa := range t.st.Activities {
				if sa.Activity.Status == service.Approved {
					slots = append(slots, slot{t, i})
				}
			}
		}
		slices.SortStableFunc(slots, func(a, b slot) int {
			da, db := a.t.st.Activities[a.i].Activity.ServiceDate, b.t.st.Activities[b.i].Activity.ServiceDate
			switch {
			case da < db:
				return -1
			case da > db:
				return 1
			}
			return 0
		})
		// Per year of the history: the hours due by the last day of it in the history.
		byYear := map[string][]slot{}
		var years []string
		for _, s := range slots {
			y := s.t.st.Activities[s.i].Activity.ServiceDate[:4]
			if byYear[y] == nil {
				years = append(years, y)
			}
			byYear[y] = append(byYear[y], s)
		}
		for _, y := range years {
			ss := byYear[y]
			var yr int
			fmt.Sscan(y, &yr)
			p := quota.Period{Kind: quota.Year, Year: yr}
			// The share of the year the history covers, so a year seen only in part asks only its part.
			lo, hi := p.Start(), p.End()
			if g.from.After(lo) {
				lo = g.from
			}
			if g.to.Before(hi) {
				hi = g.to
			}
			covered := hi.Sub(lo).Hours()/24 + 1
			due := o.factor * float64(g.rules.RequiredCentihours()) * covered / float64(p.Days())
			cum, day := 0.0, ""
			for k, s := range ss {
				sa := &s.t.st.Activities[s.i]
				if sa.Activity.ServiceDate == day {
					continue // one stint a day
				}
				if cum < due*float64(k+1)/float64(len(ss)) {
					h := g.hoursOf()
					sa.Hours = append(sa.Hours, storage.SeedHours{PersonID: o.p.p.ID, Centihours: h})
					cum += float64(h)
					day = sa.Activity.ServiceDate
				}
			}
		}
	}
}

// fill gives every approved activity its other participants: four to eight of the team's
// members who are not office members (whose hours follow their pace), or, in an office team
// nobody else is in, one of its members on pace, in turn.
func (g *svcGen) fill() {
	for _, t := range g.teams {
		var onPace []*svcOffice
		for _, p := range t.members {
			if o := g.officeOf[p]; o != nil && o.factor >= 1 {
				onPace = append(onPace, o)
			}
		}
		turn := 0
		var others []*person
		for _, p := range t.members {
			if g.officeOf[p] == nil {
				others = append(others, p)
			}
		}
		for i := range t.st.Activities {
			sa := &t.st.Activities[i]
			if sa.Activity.Status != service.Approved {
				continue
			}
			if len(others) > 0 {
				n := min(len(others), 4+g.r.IntN(5))
				for _, k := range g.r.Perm(len(others))[:n] {
					sa.Hours = append(sa.Hours, storage.SeedHours{PersonID: others[k].p.ID, Centihours: g.hoursOf()})
				}
			}
			if len(sa.Hours) == 0 {
				var o *svcOffice
				if len(onPace) > 0 {
					o = onPace[turn%len(onPace)]
					turn++
				} else {
					o = g.officeOf[t.members[0]]
				}
				sa.Hours = append(sa.Hours, storage.SeedHours{PersonID: o.p.p.ID, Centihours: g.hoursOf()})
			}
		}
	}
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sortedUnits lists a map's units in code order, so the plan is the same on every run.
func sortedUnits[T any](m map[*unit]T) []*unit {
	var us []*unit
	for u := range m {
		us = append(us, u)
	}
	slices.SortFunc(us, func(a, b *unit) int {
		switch {
		case a.u.Code < b.u.Code:
			return -1
		case a.u.Code > b.u.Code:
			return 1
		}
		return 0
	})
	return us
}
