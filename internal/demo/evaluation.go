package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"time"

	"wuxing/internal/evaluation"
	"wuxing/internal/photo"
	"wuxing/internal/storage"
	"wuxing/internal/talks"
)

// Demo figures of democratic evaluation, from the seed: 鲁河镇's 57 party vanguard teams, 50 of
// them above 90% satisfaction.
const (
	luheTeamsAbove90 = 50
	// evalVillages is how many of 鲁河镇's villages also rate their party members (three rounds,
	// so the talk rule has a history to work on); in each, the first member rated falls under
	// 80% every time and is due a talk.
	evalVillages = 3
	evalMembers  = 6 // members rated per village
)

// loadEvaluation loads 鲁河镇's democratic evaluation: three half-year rounds, the last two
// rating its 57 party vanguard teams (50 above 90%), all three rating a few villages' party
// members; in each of those villages one member stays under 80% in all three rounds and is on
// the town committee's talk list. Two of them have had their talk (one followed up); the third
// is still due. One village holds its annual review of members for the year. Every result comes
// from confirmed meeting tallies, entered through the evaluation store as a town official would.
func loadEvaluation(ctx context.Context, db *storage.DB, w *world) error {
	g := &evalGen{db: db, w: w, r: rand.New(rand.NewPCG(6, 310)), now: db.Clock().Now()}
	var err error
	if g.sheet, err = evalSheet(); err != nil {
		return err
	}
	for _, b := range w.branches {
		if b.unit.parent == w.luhe && len(g.villages) < evalVillages {
			var ms []*person
			for _, p := range adultsOf(b) {
				if p.p.PartyMember && len(ms) < evalMembers {
					ms = append(ms, p)
				}
			}
			if len(ms) >= 3 {
				g.villages = append(g.villages, evalVillage{b, ms})
			}
		}
	}
	// Three half-years up to this one, oldest first.
	var labels []string
	for i := 2; i >= 0; i-- {
		labels = append(labels, evaluation.PeriodLabel(evaluation.HalfYear, g.now.AddDate(0, -6*i, 0)))
	}
	for i, label := range labels {
		if err := g.round(ctx, label, i > 0); err != nil {
			return fmt.Errorf("demo: evaluation round %s: %w", label, err)
		}
	}
	if err := g.talks(ctx); err != nil {
		return err
	}
	return g.review(ctx)
}

type evalVillage struct {
	b       *branch
	members []*person // the first one is due a talk
}

type evalGen struct {
	db       *storage.DB
	w        *world
	r        *rand.Rand
	now      time.Time
	sheet    *photo.Photo
	villages []evalVillage
}

// evalSheet is a small stand-in photo of a paper tally sheet (a tally needs its sheet's photo).
func evalSheet() (*photo.Photo, error) {
	img := image.NewRGBA(image.Rect(0, 0, 60, 80))
	for y := range 80 {
		for x := range 60 {
			c := color.RGBA{250, 250, 245, 255}
			if y%10 == 0 || x%20 == 0 {
				c = color.RGBA{120, 120, 120, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return photo.Process("tally.png", buf.Bytes())
}

// counts splits n answers so that satisfied plus basically satisfied make about rate percent.
func (g *evalGen) counts(n, rate int) evaluation.Counts {
	good := (n*rate + 50) / 100
	basic := g.r.IntN(good/6 + 1)
	return evaluation.Counts{Satisfied: good - basic, Basic: basic, Dissatisfied: n - good}
}

// round runs one round over 鲁河镇: the villages' members, and with teams the 57 teams; one
// meeting tally per village or station, confirmed, and the round closed.
func (g *evalGen) round(ctx context.Context, label string, teams bool) error {
	sys := storage.System
	r := &evaluation.Round{UnitID: g.w.luhe.u.ID, Name: g.w.luhe.u.Name + label + "民主评议", PeriodKind: evaluation.HalfYear,
		PeriodLabel: label, BasicWeight: evaluation.DefaultBasicWeight, MinBallots: evaluation.DefaultMinBallots}
	if teams {
		r.Notes = "党员先锋服务队和党员群众满意度评议"
	}
	if err := g.db.CreateEvalRound(ctx, sys, r); err != nil {
		return err
	}
	var add []storage.NewEvalTarget
	for _, v := range g.villages {
		for _, p := range v.members {
			add = append(add, storage.NewEvalTarget{Kind: evaluation.Member, PersonID: p.p.ID})
		}
	}
	if teams {
		cs, err := g.db.EvalCandidates(ctx, sys, r.ID, g.w.luhe.u.ID)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Kind == evaluation.Team {
				add = append(add, storage.NewEvalTarget{Kind: evaluation.Team, TeamID: c.ID})
			}
		}
	}
	r2, err := g.db.AddEvalTargets(ctx, sys, r.ID, r.Version, add)
	if err != nil {
		return err
	}
	if r2, err = g.db.OpenEvalRound(ctx, sys, r.ID, r2.Version); err != nil {
		return err
	}
	xs, err := g.db.EvalTargets(ctx, sys, r.ID)
	if err != nil {
		return err
	}
	due := map[int64]bool{}
	for _, v := range g.villages {
		due[v.members[0].p.ID] = true
	}
	// Teams in target order: the first 50 above 90%, the other 7 between 82% and 89%.
	type sheet struct {
		issued int
		lines  []evaluation.TallyLine
	}
	sheets := map[int64]*sheet{}
	var order []int64
	teamN := 0
	for _, x := range xs {
		rate := 0
		switch {
		case x.Kind == evaluation.Team && teamN < luheTeamsAbove90:
			rate, teamN = 92+g.r.IntN(8), teamN+1
		case x.Kind == evaluation.Team:
			rate, teamN = 82+g.r.IntN(8), teamN+1
		case due[x.PersonID]:
			rate = 62 + g.r.IntN(14)
		default:
			rate = 86 + g.r.IntN(14)
		}
		s := sheets[x.BranchID]
		if s == nil {
			s = &sheet{issued: 36 + g.r.IntN(30)}
			sheets[x.BranchID] = s
			order = append(order, x.BranchID)
		}
		n := s.issued - g.r.IntN(4)
		for _, d := range r2.Dimensions {
			s.lines = append(s.lines, evaluation.TallyLine{TargetID: x.ID, Dimension: d, Counts: g.counts(n, rate)})
		}
	}
	for _, unit := range order {
		s := sheets[unit]
		y, err := g.db.EnterTally(ctx, sys, r.ID, unit, storage.NewTally{BallotsIssued: s.issued, Lines: s.lines, Photo: g.sheet,
			Notes: "村（社区）党员群众大会现场评议"})
		if err != nil {
			return fmt.Errorf("tally: %w", err)
		}
		if _, err := g.db.ConfirmTally(ctx, sys, y.ID, y.Version); err != nil {
			return fmt.Errorf("confirm: %w", err)
		}
	}
	_, err = g.db.CloseEvalRound(ctx, sys, r.ID, r2.Version)
	return err
}

// talks records the town committee's talks with the first two members due; the third stays
// on the list.
func (g *evalGen) talks(ctx context.Context) error {
	today := talks.Today(g.now)
	secretary := g.w.townCadres[g.w.luhe][0]
	for i, v := range g.villages[:min(2, len(g.villages))] {
		p := v.members[0]
		k := &talks.Talk{Kind: talks.Member, PersonID: p.p.ID, TalkedBy: secretary.p.Name, TalkedPost: "鲁河镇党委副书记", TalkedOn: today,
			Content: "通报其连续三次群众满意度评议低于80%的情况，听取本人说明；指出联系群众不经常、为群众办事不及时等问题。",
			Plan:    "一是每周四主题党日参加志愿服务；二是每月走访联系户不少于4户，认领群众诉求限时办结；三是下次评议前向支部书面报告整改情况。"}
		if err := g.db.RecordTalk(ctx, storage.System, k); err != nil {
			return fmt.Errorf("demo: talk with %s: %w", p.p.Name, err)
		}
		if i == 0 {
			f := &talks.FollowUp{On: today, Note: "回访联系户5户，群众反映其走访明显增多，诉求办理及时。"}
			if _, err := g.db.AddTalkFollowUp(ctx, storage.System, k.ID, k.Version, f, false); err != nil {
				return fmt.Errorf("demo: follow-up: %w", err)
			}
		}
	}
	return nil
}

// review holds the first village's annual review of members for the year: every member has a
// self review, a mutual review score and the poll; a quarter are graded 优秀 (within the third),
// the member with the talk 基本合格, the rest 合格.
func (g *evalGen) review(ctx context.Context) error {
	if len(g.villages) == 0 {
		return nil
	}
	v := g.villages[0]
	rv, err := g.db.OpenReview(ctx, storage.System, v.b.unit.u.ID, talks.YearOf(g.now))
	if err != nil {
		return fmt.Errorf("demo: review: %w", err)
	}
	excellent := talks.MaxExcellent(len(rv.Entries), rv.ExcellentShare)
	if excellent > 3 {
		excellent = excellent * 3 / 4
	}
	for i, e := range rv.Entries {
		in := talks.Entry{SelfReview: "本年度认真学习党的二十大精神，按时参加组织生活，参与志愿服务和联户走访。", Version: e.Version,
			MutualScore: 80 + g.r.IntN(18)}
		votes := 30 + g.r.IntN(10)
		switch {
		case e.PersonID == v.members[0].p.ID:
			in.Grade, in.MutualScore = talks.Basic, 68+g.r.IntN(6)
			in.Poll = talks.Poll{Excellent: 2, Qualified: votes / 2, Basic: votes/2 - 4, Unqualified: 2}
		case excellent > 0 && i%3 == 1:
			excellent--
			in.Grade, in.MutualScore = talks.Excellent, 92+g.r.IntN(7)
			in.Poll = talks.Poll{Excellent: votes - 6, Qualified: 6}
		default:
			in.Grade = talks.Qualified
			in.Poll = talks.Poll{Excellent: votes / 3, Qualified: votes - votes/3 - 1, Basic: 1}
		}
		if _, err := g.db.SaveReviewEntry(ctx, storage.System, e.ID, in); err != nil {
			return fmt.Errorf("demo: review entry: %w", err)
		}
	}
	return nil
}
