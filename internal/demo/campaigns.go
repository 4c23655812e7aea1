package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/campaigns"
	"wuxing/internal/cases"
	"wuxing/internal/locale"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// The seed's campaign: 寺庄乡's two weeks of "人居环境再提升，乡村蝶变迎新春" before the Spring
// Festival, over 4 areas: 216 problems found, all 216 rectified, 6 of them late, each named in a
// circular of its own. Everything is recorded as it would have happened, day by day, so the
// campaign page computes its figures from the records.
const (
	seedCampaignTown = "寺庄乡"
	seedCampaignName = "人居环境再提升，乡村蝶变迎新春"
	seedCampaignDays = 14
	seedProblems     = 216
)

// seedCampaignStart is the first day: two weeks ending a little over two weeks before the 2026
// Spring Festival (17 February).
var seedCampaignStart = time.Date(2026, 1, 19, 0, 0, 0, 0, time.UTC)

// seedAreaShares are the problems each area's villages turned up over the campaign.
var seedAreaShares = [4]int{62, 56, 52, 46}

// seedLate are the problems found late: (area, day found), the first problem of that area that
// day. The third area has none, and is commended at the end.
var seedLate = [][2]int{{0, 1}, {1, 3}, {3, 5}, {0, 7}, {1, 9}, {3, 11}}

// seedProblemTexts are the problems an environment inspection finds in a plain village, with the
// category each is filed under.
var seedProblemTexts = []struct{ title, category string }{
	{"村内主干道两侧柴草乱堆乱放", "environment"},
	{"坑塘边生活垃圾未清理", "environment"},
	{"房前屋后杂物堆放", "environment"},
	{"墙体残留小广告未清除", "environment"},
	{"排水沟淤堵，污水外溢", "environment"},
	{"废旧车辆长期占道停放", "environment"},
	{"路边杂草丛生", "environment"},
	{"残垣断壁未清理", "environment"},
	{"畜禽散养，粪污未及时清理", "environment"},
	{"垃圾收集点满溢未清运", "environment"},
	{"建筑垃圾沿路倾倒", "environment"},
	{"空闲宅基地杂物堆积", "environment"},
	{"沟渠内漂浮垃圾", "environment"},
	{"门前“三包”落实不到位", "environment"},
	{"废旧农膜、秸秆随意丢弃", "environment"},
	{"公厕保洁不到位", "environment"},
	{"电线私拉乱接", "safety"},
	{"柴草堆紧邻民房，存在火灾隐患", "safety"},
	{"电动车楼道飞线充电", "safety"},
	{"村口违规存放烟花爆竹", "fireworks"},
}

// seedResults are what the officers report on resolving.
var seedResults = []string{
	"已组织党员群众义务劳动清理完毕。",
	"已督促农户自行清理，现场整洁。",
	"村两委组织保洁员清运完毕。",
	"已联系户主清理并签订门前“三包”责任书。",
}

// seedNotes are the inspection records' findings.
const (
	seedInspectionNote = "检查主干道、坑塘沟渠、房前屋后和公共场所，发现问题 %d 处，已现场交办责任人。"
	seedInspectionNone = "复查收尾，未发现新问题，村容村貌整洁。"
	seedFailNote       = "复查时问题仍未整改到位。"
)

// seedPerDay spreads an area's problems over the days with problems, more at the start of the
// campaign than towards its end, by largest remainder so they add up exactly.
func seedPerDay(total, days int) []int {
	weights, sum := make([]int, days), 0
	for d := range days {
		weights[d] = days + 3 - d
		sum += weights[d]
	}
	out, rem, given := make([]int, days), make([]int, days), 0
	for d := range days {
		out[d] = total * weights[d] / sum
		rem[d] = total * weights[d] % sum
		given += out[d]
	}
	order := make([]int, days)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rem[b] - rem[a] })
	for i := 0; given < total; i++ {
		out[order[i%days]]++
		given++
	}
	return out
}

var demoCST = time.FixedZone("CST", 8*3600)

// at is a moment of campaign day d (0-based), China time.
func seedAt(d, hour, minute, second int) time.Time {
	day := seedCampaignStart.AddDate(0, 0, d)
	return time.Date(day.Year(), day.Month(), day.Day(), hour, minute, second, 0, demoCST)
}

// loadCampaigns reproduces the seed's campaign in 寺庄乡, found by name as the system: its four
// first villages are the areas, each with a cadre of the village as responsible officer, and a
// town cadre inspects. A database that has the campaign already is left as it is.
func loadCampaigns(ctx context.Context, db *storage.DB) error {
	sys := storage.System
	towns, _, err := db.Units(ctx, sys, storage.UnitFilter{Kinds: []org.Kind{org.Town}, Query: seedCampaignTown, Limit: 10})
	if err != nil {
		return err
	}
	var town *org.Unit
	for i := range towns {
		if towns[i].Name == seedCampaignTown {
			town = &towns[i]
		}
	}
	if town == nil {
		return fmt.Errorf("demo campaign: no town %s", seedCampaignTown)
	}
	existing, _, err := db.Campaigns(ctx, sys, storage.CampaignFilter{TownID: town.ID, Limit: 1000})
	if err != nil {
		return err
	}
	for _, c := range existing {
		if c.Name == seedCampaignName {
			return nil
		}
	}
	villages, _, err := db.Units(ctx, sys, storage.UnitFilter{ParentID: town.ID, Kinds: []org.Kind{org.Village}, Limit: 100})
	if err != nil {
		return err
	}
	slices.SortFunc(villages, func(a, b org.Unit) int {
		switch {
		case a.Code < b.Code:
			return -1
		case a.Code > b.Code:
			return 1
		}
		return 0
	})
	if len(villages) < len(seedAreaShares) {
		return fmt.Errorf("demo campaign: %s has %d villages, the campaign needs %d", seedCampaignTown, len(villages), len(seedAreaShares))
	}
	villages = villages[:len(seedAreaShares)]
	cadreOf := func(u *org.Unit, here bool) (*people.Person, error) {
		ps, _, err := db.People(ctx, sys, storage.PeopleFilter{UnitID: u.ID, Category: people.Cadre, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for i := range ps {
			if !here || ps[i].UnitID == u.ID {
				return &ps[i], nil
			}
		}
		return nil, fmt.Errorf("demo campaign: no cadre in %s", u.Name)
	}
	inspector, err := cadreOf(town, true)
	if err != nil {
		return err
	}
	cats, err := db.Categories(ctx, false)
	if err != nil {
		return err
	}
	catID := map[string]int64{}
	for _, c := range cats {
		catID[c.Code] = c.ID
	}
	if catID["environment"] == 0 {
		return errors.New("demo campaign: no environment category")
	}
	c := &campaigns.Campaign{TownID: town.ID, Name: seedCampaignName, StartsOn: seedCampaignStart.Format(campaigns.DateLayout),
		EndsOn: seedCampaignStart.AddDate(0, 0, seedCampaignDays-1).Format(campaigns.DateLayout), RecheckDays: 1,
		CategoryID: catID["environment"], Notes: "各片区责任人每日开展督导检查，发现问题当日交办，次日复查；逾期未整改的予以通报。"}
	officers := make([]*people.Person, len(villages))
	for i := range villages {
		if officers[i], err = cadreOf(&villages[i], false); err != nil {
			return err
		}
		c.Areas = append(c.Areas, campaigns.Area{UnitID: villages[i].ID, OfficerID: officers[i].ID})
	}
	as := func(name string) storage.Actor {
		return storage.Actor{P: &authz.Principal{System: true, Username: name}}
	}
	town0 := as(inspector.Name)
	zh := locale.NewPrinter("zh-CN")
	lateSet := map[[2]int]bool{}
	for _, l := range seedLate {
		lateSet[l] = true
	}
	perDay := make([][]int, len(villages))
	for a := range villages {
		perDay[a] = seedPerDay(seedAreaShares[a], seedCampaignDays-1)
	}
	type found struct {
		problem *campaigns.Problem
		area    int
		late    bool // fails its first re-check
		failed  bool
	}
	return db.CaseBatch(ctx, town0, func(b *storage.CaseBatch) error {
		if err := b.CreateCampaign(seedAt(-3, 10, 0, 0), town0, c); err != nil {
			return fmt.Errorf("demo campaign: %w", err)
		}
		var open []*found // found, not yet passed
		seq := 0
		for d := range seedCampaignDays {
			// 08:00 the re-checks of what is due today.
			var next []*found
			var failedToday []*found
			k := 0
			today := seedAt(d, 0, 0, 0).Format(campaigns.DateLayout)
			for _, f := range open {
				if f.problem.DueOn > today {
					next = append(next, f)
					continue
				}
				in := storage.RecheckInput{Passed: !(f.late && !f.failed)}
				if !in.Passed {
					in.Note = seedFailNote
				}
				p, err := b.Recheck(seedAt(d, 8, 0, 40*k), town0, f.problem.ID, in)
				if err != nil {
					return fmt.Errorf("demo campaign: re-check on %s: %w", today, err)
				}
				k++
				f.problem = p
				if !in.Passed {
					f.failed = true
					failedToday = append(failedToday, f)
					next = append(next, f)
				}
			}
			open = next
			// 09:00 each problem found late today is named in a circular of its own.
			for i, f := range failedToday {
				nc := storage.NewCircular{Kind: campaigns.Criticism, From: today, To: today,
					Title: zh.T("campaigns.circular.default_title", c.Name), Body: zh.T("campaigns.circular.default_body", today, today, c.Name)}
				ci, err := b.DraftCircular(seedAt(d, 9, 5*i, 0), town0, c.ID, nc)
				if err != nil {
					return fmt.Errorf("demo campaign: circular on %s: %w", today, err)
				}
				if len(ci.Items) != 1 || ci.Items[0].ProblemID != f.problem.ID {
					return fmt.Errorf("demo campaign: the circular of %s names %d problems", today, len(ci.Items))
				}
				if _, err := b.PublishCircular(seedAt(d, 9, 5*i+2, 0), town0, ci.ID); err != nil {
					return fmt.Errorf("demo campaign: publish on %s: %w", today, err)
				}
			}
			// 09:30 the inspections, area by area, and the problems they find.
			var foundToday []*found
			for a := range villages {
				n := 0
				if d < seedCampaignDays-1 {
					n = perDay[a][d]
				}
				note := seedInspectionNone
				if n > 0 {
					note = fmt.Sprintf(seedInspectionNote, n)
				}
				start := seedAt(d, 9, 30, 0).Add(time.Duration(a) * 40 * time.Minute)
				if err := b.RecordInspection(start, town0, &campaigns.Inspection{CampaignID: c.ID, AreaID: c.Areas[a].ID,
					Day: today, InspectorID: inspector.ID, Notes: note}); err != nil {
					return fmt.Errorf("demo campaign: inspection on %s: %w", today, err)
				}
				for i := range n {
					text := seedProblemTexts[(seq*7+a*3+d)%len(seedProblemTexts)]
					seq++
					np := storage.NewProblem{AreaID: c.Areas[a].ID, Day: today, CategoryID: catID[text.category],
						Title: text.title, Address: fmt.Sprintf("%s%d组", villages[a].Name, 1+(seq*5+i)%6)}
					p, err := b.RecordProblem(start.Add(time.Duration(2*i+1)*time.Minute), town0, c.ID, np)
					if err != nil {
						return fmt.Errorf("demo campaign: problem on %s: %w", today, err)
					}
					f := &found{problem: p, area: a, late: i == 0 && lateSet[[2]int{a, d}]}
					open = append(open, f)
					foundToday = append(foundToday, f)
				}
			}
			// 14:00 the officers report their problems done: today's on time, except the ones
			// that will be late, which are done the day after their failed re-check.
			var done []*found
			for _, f := range foundToday {
				if !f.late {
					done = append(done, f)
				}
			}
			done = append(failedToday, done...)
			for i, f := range done {
				o := officers[f.area]
				at := seedAt(d, 14, 0, 0).Add(time.Duration(3*i) * time.Minute)
				if _, err := b.Act(at, as(o.Name), o.Name, f.problem.CaseID, cases.Start, cases.Input{}); err != nil {
					return fmt.Errorf("demo campaign: start on %s: %w", today, err)
				}
				in := cases.Input{Result: seedResults[(i+d)%len(seedResults)], Method: cases.VolunteerLabour}
				if _, err := b.Act(at.Add(time.Minute), as(o.Name), o.Name, f.problem.CaseID, cases.Resolve, in); err != nil {
					return fmt.Errorf("demo campaign: resolve on %s: %w", today, err)
				}
			}
		}
		if len(open) != 0 {
			return fmt.Errorf("demo campaign: %d problems left open", len(open))
		}
		// The last day: the areas that rectified everything on time are commended.
		last := seedCampaignDays - 1
		nc := storage.NewCircular{Kind: campaigns.Commendation, From: c.StartsOn, To: c.EndsOn,
			Title: zh.T("campaigns.commendation.default_title", c.Name), Body: zh.T("campaigns.commendation.default_body", c.StartsOn, c.EndsOn, c.Name)}
		cm, err := b.DraftCircular(seedAt(last, 16, 0, 0), town0, c.ID, nc)
		if err != nil {
			return fmt.Errorf("demo campaign: commendation: %w", err)
		}
		if _, err := b.PublishCircular(seedAt(last, 16, 30, 0), town0, cm.ID); err != nil {
			return fmt.Errorf("demo campaign: commendation: %w", err)
		}
		return nil
	})
}
