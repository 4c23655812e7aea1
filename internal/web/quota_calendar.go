package web

import (
	"net/http"
	"net/url"
	"strconv"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/quota"
	"wuxing/internal/storage"
)

// quotaCalDay is one day of the service calendar.
type quotaCalDay struct {
	Date       string
	Day        int
	Weekday    int
	InMonth    bool
	Today      bool
	Past       bool
	Themed     bool   // the town's themed party day / volunteer day
	Held       bool   // themed and held (not skipped for a holiday)
	Holiday    string // the statutory holiday it falls in
	Workday    bool   // a working day on the official calendar
	Activities []storage.CalendarActivity
}

// quotaCalendarData is the month view.
type quotaCalendarData struct {
	Month       quota.Period
	Prev, Next  string
	Weekdays    []int // column order, Monday first
	Weeks       [][]quotaCalDay
	Agenda      []quotaCalDay // the month's themed days and days with activities
	Rules       quota.Rules
	TownName    string
	Town        int64
	Towns       []quotaTownChoice
	TownQuery   string
	Themed      int // held themed days in the month
	Activities  int
	CanPlan     bool
	PlanTeams   []quotaTownChoice // the active teams the user organizes, to plan an activity for
	CalCovered  bool              // the official calendar covers the month's year
	RulesAreDef bool
	WeekdayKey  string // the catalogue key of the themed weekday's name
}

// quotaCalendar is GET /service/calendar?month=2026-03&town=: a month marking the town's themed
// days (and the official holidays), the activities planned in the user's scope, and on each
// day a link to plan an activity on it.
func (s *Server) quotaCalendar(w http.ResponseWriter, r *http.Request) {
	if err := quotaViewer(r); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, a := r.Context(), actor(r)
	today := quota.Today(s.clock.Now())
	month, err := quotaPeriodParam(r, "month", quota.MonthOf(today), quota.Month)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	town, towns, choices, err := s.quotaTowns(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &quotaCalendarData{Month: month, Prev: month.Prev().String(), Next: month.Next().String(), Weekdays: []int{1, 2, 3, 4, 5, 6, 0},
		Town: town, Towns: choices, TownQuery: quotaTownQuery(town), CanPlan: principal(r).Can(authz.ManageService)}
	// The rules of the town chosen, or of the first the user sees.
	var rulesTown *storage.ServiceTown
	for i := range towns {
		if town == 0 || towns[i].ID == town {
			rulesTown = &towns[i]
			break
		}
	}
	d.Rules = quota.Defaults(0)
	if rulesTown != nil {
		if d.Rules, err = s.db.ServiceRules(ctx, a, rulesTown.ID); err != nil {
			s.fail(w, r, err)
			return
		}
		d.TownName = rulesTown.Name
	}
	if d.CanPlan {
		teams, _, err := s.db.ServiceTeams(ctx, a, storage.TeamFilter{Active: true, Limit: 500})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, tm := range teams {
			if principal(r).CanAt(authz.ManageService, tm.UnitPath) && (rulesTown == nil || town == 0 || org.Within(tm.UnitPath, rulesTown.Path)) {
				d.PlanTeams = append(d.PlanTeams, quotaTownChoice{ID: tm.ID, Name: tm.Name + " · " + tm.UnitName})
			}
		}
		d.CanPlan = len(d.PlanTeams) > 0
	}
	d.RulesAreDef = !d.Rules.Saved()
	d.WeekdayKey = "quota.weekday." + strconv.Itoa(int(d.Rules.Weekday))
	cal, err := s.db.Calendar(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.CalCovered = cal.Covers(month.Year)
	acts, err := s.db.ServiceCalendar(ctx, a, month.From(), month.To())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	byDay := map[string][]storage.CalendarActivity{}
	for _, x := range acts {
		if town != 0 && rulesTown != nil && !quotaActivityIn(x, rulesTown) {
			continue
		}
		byDay[x.Date] = append(byDay[x.Date], x)
		d.Activities++
	}
	// The grid runs from the Monday on or before the 1st to the Sunday on or after the last day.
	first := month.Start()
	start := first.AddDate(0, 0, -((int(first.Weekday()) + 6) % 7))
	last := month.End()
	end := last.AddDate(0, 0, (7-int(last.Weekday()))%7)
	var week []quotaCalDay
	for day := start; !day.After(end); day = day.AddDate(0, 0, 1) {
		key := day.Format(quota.DateLayout)
		cd := quotaCalDay{Date: key, Day: day.Day(), Weekday: int(day.Weekday()), InMonth: month.Contains(day),
			Today: day.Equal(today), Past: day.Before(today), Holiday: cal.Holiday(day), Workday: cal.IsWorkday(day)}
		cd.Themed = day.Weekday() == d.Rules.Weekday
		cd.Held = d.Rules.IsThemed(day, cal)
		if cd.InMonth {
			cd.Activities = byDay[key]
			if cd.Held {
				d.Themed++
			}
			if cd.Themed || len(cd.Activities) > 0 {
				d.Agenda = append(d.Agenda, cd)
			}
		}
		week = append(week, cd)
		if len(week) == 7 {
			d.Weeks = append(d.Weeks, week)
			week = nil
		}
	}
	s.render(w, r, http.StatusOK, "quota_calendar", &Page{Title: "quota.calendar.title", Data: d})
}

// quotaActivityIn reports whether an activity belongs to the town: its team's unit lies in it.
// The calendar reads activities by the user's scope; this only narrows to the town picked.
func quotaActivityIn(x storage.CalendarActivity, town *storage.ServiceTown) bool {
	return x.UnitPath == "" || org.Within(x.UnitPath, town.Path)
}

// quotaPlan is GET /service/calendar/plan?team=&date=: from a day of the calendar to the team's
// new-activity form, for a team the user organizes.
func (s *Server) quotaPlan(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	var fe []errs.FieldError
	team := pplID(v, "team", &fe)
	date := v.Get("date")
	if _, ok := quota.ParseDay(date); !ok {
		fe = append(fe, errs.Field("date", "validation.date"))
	}
	if team == 0 {
		fe = append(fe, errs.Field("team", "validation.required"))
	}
	if err := errs.FieldsOf(fe); err != nil {
		s.fail(w, r, err)
		return
	}
	tm, acc, err := s.db.ServiceTeam(r.Context(), actor(r), team)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !acc.Manage {
		s.fail(w, r, errs.Forbidden())
		return
	}
	http.Redirect(w, r, "/service/teams/"+strconv.FormatInt(tm.ID, 10)+"?"+url.Values{"service_date": {date}}.Encode()+"#new-activity", http.StatusSeeOther)
}
