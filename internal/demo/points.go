package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/jobs"
	"wuxing/internal/org"
	"wuxing/internal/points"
	"wuxing/internal/storage"
)

// loadPoints loads the points catalogues and ledgers of secretaries, members and teams, and a horse race.
// Each demo town gets the default catalogues (secretaries scored on overall quality, work done
// and highlight projects); the automatic job then scores the demo's cases, circulars and
// volunteer hours once, so the ledgers and the horse race are computed from records: members
// per approved hours record, teams once per approved activity, and 寺庄乡's circulars to the
// named village's branch secretary as the records show one (there, only the village with a
// first secretary: the other villages' secretaries have no accounts, so their entries score
// nobody). In 建设办
// and 鲁河镇 a town cadre then enters this quarter's manual entries with their evidence (the
// secretaries' base points, study, meetings and highlight projects; members' absences; teams'
// praise and missed activities), the town's account approves all but a few left waiting in its
// queue, and one 鲁河镇 secretary is graded X by hand.
func loadPoints(ctx context.Context, db *storage.DB, w *world) error {
	towns, _, err := db.Units(ctx, storage.System, storage.UnitFilter{Kinds: []org.Kind{org.Town}, Limit: 100})
	if err != nil {
		return fmt.Errorf("demo: points towns: %w", err)
	}
	for _, u := range towns {
		for _, k := range points.TargetKinds {
			if _, err := db.CreatePointsCatalogue(ctx, storage.System, u.ID, k, u.Name+"积分细则"); err != nil {
				return fmt.Errorf("demo: points catalogue %s: %w", u.Name, err)
			}
		}
	}
	if _, _, err := jobs.ScorePointsNow(ctx, db); err != nil {
		return fmt.Errorf("demo: automatic points: %w", err)
	}
	g := &ptsGen{db: db, w: w, r: rand.New(rand.NewPCG(ptsSeedA, ptsSeedB))}
	today := points.Today(db.Clock().Now())
	g.span, _ = points.SpanOf(points.Quarter, today)
	g.today = today
	for _, t := range []struct {
		town    *unit
		account string
		x       bool
	}{{w.jianshe, "jianshe", false}, {w.luhe, "luhe", true}} {
		if err := g.town(ctx, t.town, t.account, t.x); err != nil {
			return fmt.Errorf("demo: points of %s: %w", t.town.u.Name, err)
		}
	}
	return nil
}

// Seeds of the manual entries' draws, apart from the world's so other loaders' data stay put.
const ptsSeedA, ptsSeedB = 0x5eed_9011, 0x0220_0220

type ptsGen struct {
	db    *storage.DB
	w     *world
	r     *rand.Rand
	span  points.Span // this quarter
	today string
}

// ptsEntry is a manual entry to make: the target, the rule's code and its evidence.
type ptsEntry struct {
	kind   points.TargetKind
	target int64
	code   string
	note   string
}

// Evidence notes of the manual rules, one drawn per entry.
var ptsNotes = map[string][]string{
	"quality.base":      {"年初述职评议合格，按细则计基础分"},
	"quality.study":     {"参加县委组织部村（社区）书记轮训班，签到表、结业证书附后", "参加镇党委理论学习中心组扩大学习，有学习笔记", "参加“五星支部”创建专题培训，考试合格"},
	"work.meeting":      {"按时召开支部党员大会，会议记录、签到表齐全", "按时讲授专题党课，课件及照片附后", "按时召开支委会研究村级重点工作，有会议纪要"},
	"highlight.project": {"打造“红色物业”服务品牌，获县委组织部推广", "建成村级党群服务驿站，服务群众三百余人次", "牵头实施人居环境整治示范点建设，通过县级验收"},
	"discipline.absent": {"无故缺席本季度支部主题党日活动，已谈话提醒", "连续两次无故不参加组织生活，支委会研究扣分"},
	"effect.praise":     {"群众赠送锦旗表扬志愿服务", "服务事迹被县融媒体中心报道", "获镇党委通报表扬"},
	"discipline.missed": {"本季度未按计划开展志愿服务活动", "活动记录不全，未按要求上报"},
}

func (g *ptsGen) note(code string) string {
	ns := ptsNotes[code]
	return ns[g.r.IntN(len(ns))]
}

// day is a day of this quarter up to today.
func (g *ptsGen) day() string {
	from, _ := time.Parse(points.DateLayout, g.span.From)
	to, _ := time.Parse(points.DateLayout, g.today)
	days := int(to.Sub(from).Hours()/24) + 1
	return from.AddDate(0, 0, g.r.IntN(days)).Format(points.DateLayout)
}

// town enters and approves the town's manual entries.
func (g *ptsGen) town(ctx context.Context, town *unit, account string, gradeX bool) error {
	tu := town.u
	cadres := g.w.townCadres[town]
	if len(cadres) < 2 {
		return fmt.Errorf("no cadre to enter points")
	}
	binding := []authz.Binding{{Role: authz.TownAdmin, UnitID: tu.ID, UnitPath: tu.Path}}
	enterer := storage.Actor{P: &authz.Principal{Username: cadres[1].p.Name, PersonID: cadres[1].p.ID, Bindings: binding}}
	uid, err := g.db.UserIDByName(ctx, account)
	if err != nil {
		return err
	}
	approver := storage.Actor{P: &authz.Principal{UserID: uid, Username: account, PersonID: cadres[0].p.ID, Bindings: binding}}

	var es []ptsEntry
	var secretaries []int64
	for _, b := range g.w.branches {
		if b.unit.parent != town || b.secretary == nil {
			continue
		}
		id := b.secretary.p.ID
		secretaries = append(secretaries, id)
		add := func(code string, n int) {
			for range n {
				es = append(es, ptsEntry{points.BranchSecretary, id, code, g.note(code)})
			}
		}
		add("quality.base", 1)
		add("quality.study", g.r.IntN(4))
		add("work.meeting", 1+g.r.IntN(3))
		if g.r.IntN(3) == 0 {
			add("highlight.project", 1)
		}
	}
	members, err := g.db.PointsTargets(ctx, enterer, points.PartyMember)
	if err != nil {
		return err
	}
	for i := range min(4, len(members)) {
		m := members[(i*37+11)%len(members)]
		es = append(es, ptsEntry{points.PartyMember, m.ID, "discipline.absent", g.note("discipline.absent")})
	}
	teams, err := g.db.PointsTargets(ctx, enterer, points.ServiceTeam)
	if err != nil {
		return err
	}
	for i, tm := range teams {
		switch {
		case i%3 == 0:
			for range 1 + g.r.IntN(3) {
				es = append(es, ptsEntry{points.ServiceTeam, tm.ID, "effect.praise", g.note("effect.praise")})
			}
		case i%11 == 5:
			es = append(es, ptsEntry{points.ServiceTeam, tm.ID, "discipline.missed", g.note("discipline.missed")})
		}
	}

	// The rules, by kind and code, from the catalogues that apply in the town.
	rules := map[points.TargetKind]map[string]*points.Rule{}
	cats, err := g.db.PointsCatalogues(ctx, enterer)
	if err != nil {
		return err
	}
	for i := range cats {
		c := &cats[i]
		if c.UnitID != tu.ID {
			continue
		}
		rules[c.Kind] = map[string]*points.Rule{}
		for j := range c.Rules {
			rules[c.Kind][c.Rules[j].Code] = &c.Rules[j]
		}
	}
	type made struct{ id, version int64 }
	var entered []made
	err = g.db.Batch(ctx, enterer, func(b *storage.Batch) error {
		for _, e := range es {
			r := rules[e.kind][e.code]
			if r == nil {
				return fmt.Errorf("no rule %s for %s", e.code, e.kind)
			}
			day := g.day()
			if e.code == "quality.base" {
				day = g.span.From
			}
			x, err := b.EnterPoints(storage.NewPointsEntry{TargetKind: e.kind, TargetID: e.target, RuleID: r.ID, Points: r.Occurrence(),
				OccurredOn: day, Note: e.note})
			if err != nil {
				return fmt.Errorf("%s %d %s: %w", e.kind, e.target, e.code, err)
			}
			entered = append(entered, made{x.ID, x.Version})
		}
		return nil
	})
	if err != nil {
		return err
	}
	// All approved but the last three, left in the town's queue.
	return g.db.Batch(ctx, approver, func(b *storage.Batch) error {
		for _, m := range entered[:max(0, len(entered)-3)] {
			if _, err := b.DecidePoints(m.id, true, "", m.version); err != nil {
				return err
			}
		}
		if gradeX && len(secretaries) > 0 {
			return b.SetPointsX(points.BranchSecretary, secretaries[len(secretaries)/2], g.span.Key,
				"辖区发生安全生产责任事故，经镇党委研究，本季度直接定为X等次", true)
		}
		return nil
	})
}
