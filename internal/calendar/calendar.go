// Package calendar counts working days on the Chinese official calendar: weekends off, the
// statutory holidays off, and the make-up working days (调休) that the State Council moves onto
// weekends each year. Deadlines (time limits in working days) are computed here. No I/O.
package calendar

import (
	"fmt"
	"sort"
	"time"
)

// Layout is the date format of the tables and the API.
const Layout = "2006-01-02"

// Span is a run of days off, first to last inclusive, with the holiday's name.
type Span struct {
	From, To string
	Name     string
}

// Year is one year's official table.
type Year struct {
	Year     int
	Source   string // the notice it comes from
	Holidays []Span
	Workdays []string // make-up working days on weekends
}

// Calendar answers working-day questions for the years it holds.
type Calendar struct {
	off   map[string]string // date → holiday name
	on    map[string]bool   // make-up working days
	years map[int]bool
}

// New builds a calendar from years' tables, checking them: dates in their year, spans in
// order, make-up days on weekends and not also holidays.
func New(years ...Year) (*Calendar, error) {
	c := &Calendar{off: map[string]string{}, on: map[string]bool{}, years: map[int]bool{}}
	for _, y := range years {
		if err := c.add(y); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// MustOfficial is the calendar of the shipped tables.
func MustOfficial() *Calendar {
	c, err := New(Official()...)
	if err != nil {
		panic(err)
	}
	return c
}

func (c *Calendar) add(y Year) error {
	if c.years[y.Year] {
		return fmt.Errorf("calendar: year %d given twice", y.Year)
	}
	for _, s := range y.Holidays {
		from, err1 := time.Parse(Layout, s.From)
		to, err2 := time.Parse(Layout, s.To)
		if err1 != nil || err2 != nil || to.Before(from) || from.Year() != y.Year && to.Year() != y.Year {
			return fmt.Errorf("calendar: %d: bad holiday span %s–%s", y.Year, s.From, s.To)
		}
		if to.Sub(from) > 15*24*time.Hour {
			return fmt.Errorf("calendar: %d: holiday %s longer than 15 days", y.Year, s.Name)
		}
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			c.off[d.Format(Layout)] = s.Name
		}
	}
	for _, w := range y.Workdays {
		d, err := time.Parse(Layout, w)
		if err != nil || d.Year() != y.Year {
			return fmt.Errorf("calendar: %d: bad make-up working day %q", y.Year, w)
		}
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return fmt.Errorf("calendar: %d: make-up working day %s is not a weekend", y.Year, w)
		}
		if _, clash := c.off[w]; clash {
			return fmt.Errorf("calendar: %d: %s is both a holiday and a working day", y.Year, w)
		}
		c.on[w] = true
	}
	c.years[y.Year] = true
	return nil
}

// Years lists the years the calendar holds tables for.
func (c *Calendar) Years() []int {
	var ys []int
	for y := range c.years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}

// Covers reports whether the calendar has the official table for year. Outside covered years
// only weekends are known, which a caller may want to warn about.
func (c *Calendar) Covers(year int) bool { return c.years[year] }

// IsWorkday reports whether d (its calendar date) is a working day.
func (c *Calendar) IsWorkday(d time.Time) bool {
	k := d.Format(Layout)
	if c.on[k] {
		return true
	}
	if _, off := c.off[k]; off {
		return false
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Holiday returns the name of the holiday d falls in, or "".
func (c *Calendar) Holiday(d time.Time) string { return c.off[d.Format(Layout)] }

// AddWorkdays returns the n-th working day after from (n ≥ 0; n = 0 is from itself). The time
// of day of from is kept.
func (c *Calendar) AddWorkdays(from time.Time, n int) time.Time {
	d := from
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// WorkdaysBetween counts the working days after a up to and including b (0 if b is not after a).
func (c *Calendar) WorkdaysBetween(a, b time.Time) int {
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}
