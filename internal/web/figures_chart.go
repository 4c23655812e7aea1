package web

import (
	"strconv"

	"wuxing/internal/locale"
)

// figuresChart is a horizontal bar chart of the composite per village or community, drawn by the
// server as inline SVG: no script, prints as it shows, readable at 360 px (the viewBox scales).
type figuresChart struct {
	Width, Height int
	LabelW        int // the names' column; bars start here
	BarW          int // the length of a 100-point bar
	Bars          []figuresBar
	Ticks         []figuresTick
	AxisY         int
	Title         string
}

// figuresBar is one unit's bar.
type figuresBar struct {
	Name     string // cut to fit
	FullName string
	Rank     string // "1", or "—" when not ranked
	Y, TextY int
	W        int // 0 when there is no score
	ValueX   int
	Value    string
	Few      bool // too few cases: drawn grey
	HasScore bool
}

// figuresTick is a gridline of the score axis.
type figuresTick struct {
	X     int
	Label string
}

// The chart's geometry, in SVG units: about one unit per CSS pixel on a 360 px phone.
const (
	figuresChartRow   = 26
	figuresChartBar   = 18
	figuresChartLabel = 112
	figuresChartBarW  = 196
	figuresChartValue = 52
	figuresChartPad   = 6
	figuresChartName  = 6 // runes of a name shown before it is cut with "…"
)

// figuresChartOf lays out the chart for the ranking's rows, in ranking order.
func figuresChartOf(pr *locale.Printer, rows []figuresRow) figuresChart {
	c := figuresChart{LabelW: figuresChartLabel, BarW: figuresChartBarW, Width: figuresChartLabel + figuresChartBarW + figuresChartValue,
		Title: pr.T("figures.chart.title")}
	for i, r := range rows {
		y := figuresChartPad + i*figuresChartRow
		name := []rune(r.Name)
		if len(name) > figuresChartName {
			name = append(name[:figuresChartName-1], '…')
		}
		b := figuresBar{Name: string(name), FullName: r.Name, Rank: "—", Y: y, TextY: y + figuresChartBar - 4, Few: r.FewCases, HasScore: r.HasComposite,
			Value: r.ScoreText()}
		if r.Rank > 0 {
			b.Rank = strconv.Itoa(r.Rank)
		}
		if r.HasComposite {
			b.W = int(r.Score() / 100 * figuresChartBarW)
			if b.W < 1 && r.Score() > 0 {
				b.W = 1
			}
		}
		b.ValueX = figuresChartLabel + b.W + 6
		if r.FewCases {
			b.Value += "*" // the caption explains: too few cases, not ranked
		}
		c.Bars = append(c.Bars, b)
	}
	c.AxisY = figuresChartPad + len(rows)*figuresChartRow
	c.Height = c.AxisY + 22
	for _, v := range []int{0, 25, 50, 75, 100} {
		c.Ticks = append(c.Ticks, figuresTick{X: figuresChartLabel + v*figuresChartBarW/100, Label: strconv.Itoa(v)})
	}
	return c
}
