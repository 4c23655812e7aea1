package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/quota"
	"wuxing/internal/storage"
)

// quotaComplianceData is the compliance page.
type quotaComplianceData struct {
	C          *storage.Compliance
	Teams      []storage.TeamCompliance // shown: under quota, or all with ?all=1
	Members    []quotaMemberRow         // shown: behind pace, or all with ?all=1
	All        bool
	Chart      quotaChart
	Town       int64
	Towns      []quotaTownChoice
	TownQuery  string
	Prev, Next string
	Current    bool // the quarter shown is today's
	Rules      []quotaRulesLine
	CanConfig  bool
}

// quotaMemberRow is a member's pace with its hours written out.
type quotaMemberRow struct {
	storage.MemberCompliance
	Hours, Required, Expected, Behind, Remaining, Over, PerWeek string
	Width                                                       int // the progress bar, 0–100
}

func quotaMemberRowOf(x storage.MemberCompliance) quotaMemberRow {
	p := x.Pace
	return quotaMemberRow{MemberCompliance: x, Hours: quota.Hours(p.Served), Required: quota.Hours(p.Required), Expected: quota.Hours(p.Expected),
		Behind: quota.Hours(p.Behind), Remaining: quota.Hours(p.Remaining), Over: quota.Hours(p.Over), PerWeek: quota.Hours(p.PerWeek),
		Width: min(100, quotaPct(p.Served, p.Required))}
}

// quotaRulesLine is one town's rules as the page states them.
type quotaRulesLine struct {
	Town  string
	Rules quota.Rules
}

// quotaComplianceLoad reads ?quarter= and ?town= and computes the compliance view.
func (s *Server) quotaComplianceLoad(r *http.Request) (*storage.Compliance, int64, []quotaTownChoice, error) {
	if err := quotaViewer(r); err != nil {
		return nil, 0, nil, err
	}
	today := quota.Today(s.clock.Now())
	q, err := quotaPeriodParam(r, "quarter", quota.QuarterOf(today), quota.Quarter)
	if err != nil {
		return nil, 0, nil, err
	}
	town, _, choices, err := s.quotaTowns(r)
	if err != nil {
		return nil, 0, nil, err
	}
	c, err := s.db.ServiceCompliance(r.Context(), actor(r), storage.ComplianceFilter{Quarter: q, TownID: town})
	return c, town, choices, err
}

// quotaCompliance is GET /service/compliance?quarter=2026Q1&town=&all=: the teams under their
// days quota in the quarter and the office party members behind their yearly pace, with the
// days and hours remaining, and a chart of every team's days.
func (s *Server) quotaCompliance(w http.ResponseWriter, r *http.Request) {
	c, town, choices, err := s.quotaComplianceLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &quotaComplianceData{C: c, All: r.URL.Query().Get("all") == "1", Town: town, Towns: choices, TownQuery: quotaTownQuery(town),
		Prev: c.Quarter.Prev().String(), Next: c.Quarter.Next().String(), Current: c.Quarter.Contains(c.Today),
		CanConfig: principal(r).Can(authz.ConfigureService)}
	for _, x := range c.Teams {
		if d.All || !x.Standing.Met {
			d.Teams = append(d.Teams, x)
		}
	}
	for _, x := range c.Members {
		if d.All || x.Pace.Status == quota.Behind {
			d.Members = append(d.Members, quotaMemberRowOf(x))
		}
	}
	for _, t := range c.Towns {
		d.Rules = append(d.Rules, quotaRulesLine{Town: t.Name, Rules: c.Rules[t.ID]})
	}
	d.Chart = quotaChartOf(s.printer(r).T("quota.chart.title", c.Quarter.String()), c)
	s.render(w, r, http.StatusOK, "quota_compliance", &Page{Title: "quota.compliance.title", Data: d})
}

// quotaChart is a horizontal bar chart of each team's days in the quarter against its quota,
// drawn by the server as inline SVG like the figures chart: no script, prints as it shows.
type quotaChart struct {
	Width, Height int
	LabelW        int
	AxisY         int
	Bars          []quotaBar
	Ticks         []figuresTick
	Title         string
}

// quotaBar is one team's bar, with its quota mark.
type quotaBar struct {
	Name, FullName string
	Y, TextY       int
	W              int
	QuotaX         int
	ValueX         int
	Value          string
	Under          bool
}

const (
	quotaChartBarW = 196
	quotaChartName = 7
)

// quotaChartOf lays out the chart: teams fewest days first, the scale reaching past the largest
// quota and the most days served.
func quotaChartOf(title string, c *storage.Compliance) quotaChart {
	ch := quotaChart{LabelW: figuresChartLabel, Width: figuresChartLabel + quotaChartBarW + figuresChartValue, Title: title}
	top := 1
	for _, x := range c.Teams {
		top = max(top, x.Standing.Served, x.Standing.Required)
	}
	// A round scale: the next multiple of 5.
	top = (top + 4) / 5 * 5
	for i, x := range c.Teams {
		y := figuresChartPad + i*figuresChartRow
		// The town's name before a team's says nothing in a chart of one town's teams.
		name := []rune(strings.TrimPrefix(x.Name, x.Town.Name))
		if len(name) > quotaChartName {
			name = append(name[:quotaChartName-1], '…')
		}
		b := quotaBar{Name: string(name), FullName: x.Name + " · " + x.UnitName, Y: y, TextY: y + figuresChartBar - 4,
			W: x.Standing.Served * quotaChartBarW / top, QuotaX: figuresChartLabel + x.Standing.Required*quotaChartBarW/top,
			Value: strconv.Itoa(x.Standing.Served) + "/" + strconv.Itoa(x.Standing.Required), Under: !x.Standing.Met}
		b.ValueX = figuresChartLabel + max(b.W, b.QuotaX-figuresChartLabel) + 6
		ch.Bars = append(ch.Bars, b)
	}
	ch.AxisY = figuresChartPad + len(c.Teams)*figuresChartRow
	ch.Height = ch.AxisY + 22
	for i := 0; i <= 4; i++ {
		v := top * i / 4
		ch.Ticks = append(ch.Ticks, figuresTick{X: figuresChartLabel + v*quotaChartBarW/top, Label: strconv.Itoa(v)})
	}
	return ch
}

// API shapes of the compliance view: hours as decimal hours, the ledger's centihours beside them.
type quotaTeamJSON struct {
	TeamID     int64  `json:"team_id"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	UnitID     int64  `json:"unit_id"`
	UnitName   string `json:"unit_name"`
	TownID     int64  `json:"town_id"`
	Served     int    `json:"days_served"`
	Required   int    `json:"days_required"`
	Shortfall  int    `json:"shortfall"`
	DaysLeft   int    `json:"days_left"`
	ThemedLeft int    `json:"themed_days_left"`
	Met        bool   `json:"met"`
	Reachable  bool   `json:"reachable"`
}

type quotaMemberJSON struct {
	PersonID    int64  `json:"person_id"`
	Name        string `json:"name"`
	UnitID      int64  `json:"unit_id"`
	UnitName    string `json:"unit_name"`
	TownID      int64  `json:"town_id"`
	Status      string `json:"status"`
	Hours       string `json:"hours"`
	Centihours  int64  `json:"centihours"`
	Required    string `json:"hours_required"`
	Expected    string `json:"hours_expected"`
	Behind      string `json:"hours_behind"`
	Remaining   string `json:"hours_remaining"`
	Over        string `json:"hours_over"`
	PerWeek     string `json:"hours_per_week_needed"`
	DaysLeft    int    `json:"days_left"`
	SharePct    int    `json:"share_pct"`
	ExpectedPct int    `json:"expected_pct"`
}

type quotaRulesJSON struct {
	TownID       int64      `json:"town_id"`
	TownName     string     `json:"town_name,omitempty"`
	Weekday      int        `json:"weekday"`
	SkipHolidays bool       `json:"skip_holidays"`
	TeamDays     int        `json:"team_days"`
	MemberHours  int        `json:"member_hours"`
	Version      int64      `json:"version"`
	Default      bool       `json:"default"`
	UpdatedAt    *time.Time `json:"updated_at,omitempty"`
}

type quotaComplianceJSON struct {
	Quarter       string            `json:"quarter"`
	Year          int               `json:"year"`
	Today         string            `json:"today"`
	Rules         []quotaRulesJSON  `json:"rules"`
	TeamsUnder    int               `json:"teams_under"`
	MembersBehind int               `json:"members_behind"`
	Teams         []quotaTeamJSON   `json:"teams"`
	Members       []quotaMemberJSON `json:"members"`
}

func quotaRulesOut(r quota.Rules, townName string) quotaRulesJSON {
	out := quotaRulesJSON{TownID: r.TownID, TownName: townName, Weekday: int(r.Weekday), SkipHolidays: r.SkipHolidays,
		TeamDays: r.TeamDays, MemberHours: r.MemberHours, Version: r.Version, Default: !r.Saved()}
	if r.Saved() {
		t := r.UpdatedAt
		out.UpdatedAt = &t
	}
	return out
}

// apiQuotaCompliance is GET /api/v1/service/compliance?quarter=&town=&all=: as the page, every
// team and member with all=1.
func (s *Server) apiQuotaCompliance(w http.ResponseWriter, r *http.Request) {
	c, _, _, err := s.quotaComplianceLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all := r.URL.Query().Get("all") == "1"
	out := quotaComplianceJSON{Quarter: c.Quarter.String(), Year: c.Year.Year, Today: c.Today.Format(quota.DateLayout),
		TeamsUnder: c.TeamsUnder, MembersBehind: c.MembersBehind, Teams: []quotaTeamJSON{}, Members: []quotaMemberJSON{}}
	for _, t := range c.Towns {
		out.Rules = append(out.Rules, quotaRulesOut(c.Rules[t.ID], t.Name))
	}
	for _, x := range c.Teams {
		st := x.Standing
		if !all && st.Met {
			continue
		}
		out.Teams = append(out.Teams, quotaTeamJSON{TeamID: x.TeamID, Name: x.Name, Kind: x.Kind, UnitID: x.UnitID, UnitName: x.UnitName,
			TownID: x.Town.ID, Served: st.Served, Required: st.Required, Shortfall: st.Shortfall, DaysLeft: st.DaysLeft,
			ThemedLeft: st.ThemedLeft, Met: st.Met, Reachable: st.Reachable})
	}
	for _, x := range c.Members {
		p := x.Pace
		if !all && p.Status != quota.Behind {
			continue
		}
		out.Members = append(out.Members, quotaMemberJSON{PersonID: x.PersonID, Name: x.Name, UnitID: x.UnitID, UnitName: x.UnitName,
			TownID: x.Town.ID, Status: string(p.Status), Hours: quota.Hours(p.Served), Centihours: p.Served, Required: quota.Hours(p.Required),
			Expected: quota.Hours(p.Expected), Behind: quota.Hours(p.Behind), Remaining: quota.Hours(p.Remaining), Over: quota.Hours(p.Over),
			PerWeek: quota.Hours(p.PerWeek), DaysLeft: p.DaysLeft, SharePct: quotaPct(p.Served, p.Required), ExpectedPct: quotaPct(p.Expected, p.Required)})
	}
	writeJSON(w, http.StatusOK, out)
}

// quotaPct is a/b in whole percent (0 when b is 0).
func quotaPct(a, b int64) int {
	if b == 0 {
		return 0
	}
	return int(a * 100 / b)
}
