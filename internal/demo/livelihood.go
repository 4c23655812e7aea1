package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/livelihood"
	"wuxing/internal/storage"
)

// The seed's livelihood projects (民生实事), set in the store's current year: 鲁河镇 rebuilt 3884
// household toilets against a target of 2409, cleared over 40 km of verges and repaired over
// 90 km; 建设办 renovated 11 old compounds. Every figure is the sum of progress reports recorded
// month by month: nothing stores a total.
const (
	seedToiletTarget = 2409
	seedOldCompounds = 11
)

// seedToiletReports are the toilets each month's report added, in order: 3884 in all.
var seedToiletReports = []int64{186, 274, 352, 418, 463, 497, 455, 402, 377, 460}

// seedVerges are the two verge projects, targets and monthly reports in hundredths of a km:
// 42.6 km cleared against 40, 93.5 km repaired against 90.
var seedVerges = []struct {
	title, note string
	target      livelihood.Quantity
	reports     []livelihood.Quantity
}{
	{"农村公路路肩清理", "清理路肩杂草、垃圾及占道堆放物", livelihood.Units(40), []livelihood.Quantity{520, 610, 480, 730, 660, 590, 670}},
	{"农村公路路肩修复", "培土修整路肩、修复破损边沟", livelihood.Units(90), []livelihood.Quantity{1180, 1320, 1450, 1260, 1530, 1340, 1270}},
}

// seedDays spreads n report days over the year so far: from 1 January to today, the last one
// today at the latest.
func seedDays(now time.Time, n int) []string {
	today, _ := livelihood.ParseDay(livelihood.Today(now))
	start := time.Date(today.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	span := int(today.Sub(start).Hours() / 24)
	out := make([]string, n)
	for i := range n {
		out[i] = start.AddDate(0, 0, span*(i+1)/n).Format(livelihood.DateLayout)
	}
	return out
}

// asPerson is the platform acting on a cadre's behalf: the records name the cadre.
func asPerson(p *person) storage.Actor {
	return storage.Actor{P: &authz.Principal{Username: "system", System: true, PersonID: p.p.ID}}
}

// seedProject creates a project claimed by leader under post, and records its reports (each with
// a day, a quantity, a note and optionally a compound) as leader.
func seedProject(ctx context.Context, db *storage.DB, p *livelihood.Project, leader *person, post string,
	days []string, qs []livelihood.Quantity, note func(i int) string, compound func(i int) int64) error {
	if err := db.CreateLivelihoodProject(ctx, storage.System, p); err != nil {
		return fmt.Errorf("livelihood %s: %w", p.Title, err)
	}
	version := p.Version
	if err := db.ClaimLivelihoodProject(ctx, storage.System, p.ID, leader.p.ID, post, version); err != nil {
		return fmt.Errorf("livelihood %s claim: %w", p.Title, err)
	}
	version++
	a := asPerson(leader)
	for i, q := range qs {
		r := &livelihood.Report{Day: days[i], Quantity: q, Note: note(i)}
		if compound != nil {
			r.CompoundID = compound(i)
		}
		if err := db.ReportLivelihoodProgress(ctx, a, p.ID, version, r, nil); err != nil {
			return fmt.Errorf("livelihood %s report %d: %w", p.Title, i+1, err)
		}
		version++
	}
	return nil
}

// loadLivelihood loads 鲁河镇's toilets (3884 of 2409), verges cleared and repaired, 建设办's 11 old compounds.
func loadLivelihood(ctx context.Context, db *storage.DB, w *world) error {
	now := db.Clock().Now()
	year := now.In(time.FixedZone("CST", 8*3600)).Year()
	luhe, jianshe := w.townCadres[w.luhe], w.townCadres[w.jianshe]
	if len(luhe) < 2 || len(jianshe) < 1 {
		return fmt.Errorf("livelihood: the towns have too few cadres")
	}

	toilets := &livelihood.Project{UnitID: w.luhe.u.ID, Title: "农村户厕无害化改造", Category: livelihood.Sanitation, Measure: "户",
		Target: livelihood.Units(seedToiletTarget), Year: year, Deadline: fmt.Sprintf("%d-12-31", year),
		Description: "全镇农村户厕无害化改造，改一户、验一户、成一户，群众满意后销号。"}
	qs := make([]livelihood.Quantity, len(seedToiletReports))
	for i, n := range seedToiletReports {
		qs[i] = livelihood.Units(n)
	}
	if err := seedProject(ctx, db, toilets, luhe[0], "镇党委书记", seedDays(now, len(qs)), qs,
		func(i int) string {
			return fmt.Sprintf("本月完成改厕 %d 户，已逐户验收。", seedToiletReports[i])
		}, nil); err != nil {
		return err
	}

	for i, v := range seedVerges {
		p := &livelihood.Project{UnitID: w.luhe.u.ID, Title: v.title, Category: livelihood.Roads, Measure: "公里", Target: v.target,
			Year: year, Deadline: fmt.Sprintf("%d-11-30", year), Description: v.note + "。"}
		if err := seedProject(ctx, db, p, luhe[1+i%(len(luhe)-1)], "分管副镇长", seedDays(now, len(v.reports)), v.reports,
			func(k int) string { return fmt.Sprintf("本期完成 %s 公里，%s。", v.reports[k], v.note) }, nil); err != nil {
			return err
		}
	}

	// 建设办's old compounds: the three-without ones first, as the renovation went.
	var cps []*compound
	for _, c := range w.compounds {
		if c.unit.parent == w.jianshe {
			cps = append(cps, c)
		}
	}
	slices.SortStableFunc(cps, func(a, b *compound) int {
		switch {
		case a.c.ThreeWithout && !b.c.ThreeWithout:
			return -1
		case b.c.ThreeWithout && !a.c.ThreeWithout:
			return 1
		}
		return 0
	})
	if len(cps) < seedOldCompounds {
		return fmt.Errorf("livelihood: 建设办 has %d compounds, fewer than %d", len(cps), seedOldCompounds)
	}
	cps = cps[:seedOldCompounds]
	compounds := &livelihood.Project{UnitID: w.jianshe.u.ID, Title: "老旧小区改造提升", Category: livelihood.Housing, Measure: "个",
		Target: livelihood.Units(seedOldCompounds), Year: year, Deadline: fmt.Sprintf("%d-10-31", year),
		Description: "改造老旧小区管网、道路、照明和楼道，补齐停车、充电和适老化设施。"}
	ones := make([]livelihood.Quantity, seedOldCompounds)
	for i := range ones {
		ones[i] = livelihood.Units(1)
	}
	return seedProject(ctx, db, compounds, jianshe[0], "党工委书记", seedDays(now, seedOldCompounds), ones,
		func(i int) string { return cps[i].c.Name + "改造完成并通过验收。" }, func(i int) int64 { return cps[i].c.ID })
}
