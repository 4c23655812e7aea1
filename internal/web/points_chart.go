package web

import (
	"fmt"
	"strconv"
	"strings"

	"wuxing/internal/points"
)

// pointsChart is a target's points month by month through a year, drawn by the server as inline
// SVG (as figures_chart.go): a bar per month for its net approved points, and a line for the
// running total. No script; it prints as it shows and scales to a 360 px phone.
type pointsChart struct {
	Width, Height int
	ZeroY         int
	Bars          []pointsChartBar
	Line          string // the running total's polyline points
	Max, Min      string // the axis' ends, in points
	Empty         bool
}

// pointsChartBar is one month.
type pointsChartBar struct {
	X, Y, W, H int
	Label      string // "1" … "12"
	LabelX     int
	Value      string
	Negative   bool
}

const (
	pointsChartW    = 360
	pointsChartH    = 170
	pointsChartLeft = 36
	pointsChartTop  = 10
	pointsChartPlot = 130 // the plot's height
)

// pointsChartOf lays out the chart of the approved entries in year.
func pointsChartOf(entries []points.Entry, year points.Span) pointsChart {
	var month [12]int64
	any := false
	for _, e := range entries {
		if e.Status != points.Approved || e.OccurredOn < year.From || e.OccurredOn > year.To {
			continue
		}
		m, _ := strconv.Atoi(e.OccurredOn[5:7])
		month[m-1] += e.Points
		any = true
	}
	c := pointsChart{Width: pointsChartW, Height: pointsChartH, Empty: !any}
	var cum [12]int64
	hi, lo := int64(0), int64(0)
	run := int64(0)
	for i, v := range month {
		run += v
		cum[i] = run
		hi, lo = max(hi, v, run), min(lo, v, run)
	}
	if hi == lo {
		hi = lo + 100
	}
	scale := func(v int64) int { return pointsChartTop + int((hi-v)*pointsChartPlot/(hi-lo)) }
	c.ZeroY = scale(0)
	c.Max, c.Min = points.Format(hi), points.Format(lo)
	slot := (pointsChartW - pointsChartLeft - 4) / 12
	var line []string
	for i, v := range month {
		x := pointsChartLeft + i*slot
		b := pointsChartBar{X: x + 3, W: slot - 6, Label: strconv.Itoa(i + 1), LabelX: x + slot/2, Value: points.Format(v), Negative: v < 0}
		y := scale(v)
		if v >= 0 {
			b.Y, b.H = y, c.ZeroY-y
		} else {
			b.Y, b.H = c.ZeroY, y-c.ZeroY
		}
		c.Bars = append(c.Bars, b)
		line = append(line, fmt.Sprintf("%d,%d", x+slot/2, scale(cum[i])))
	}
	c.Line = strings.Join(line, " ")
	return c
}
