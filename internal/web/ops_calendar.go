package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/authz"
	"wuxing/internal/calendar"
	"wuxing/internal/errs"
	"wuxing/internal/storage"
)

// opsMaxAddDays bounds the add-workdays API: ten years of working days is far beyond any time
// limit, and keeps one request cheap.
const opsMaxAddDays = 3650

// apiAddWorkdays answers GET /api/v1/calendar/add-workdays?from=YYYY-MM-DD&days=N with the N-th
// working day after from on the calendar in force: {"date":"YYYY-MM-DD"}. Public: the official
// calendar is public data. Outside the years the calendar covers, only weekends are known.
func (s *Server) apiAddWorkdays(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, ok := opsParseDate(q.Get("from"))
	if !ok || from.Year() < 2000 || from.Year() > 2100 {
		s.fail(w, r, errs.New(errs.EINVALID, "ops.calendar.bad_from"))
		return
	}
	days, err := strconv.Atoi(strings.TrimSpace(q.Get("days")))
	if err != nil || days < 0 || days > opsMaxAddDays {
		s.fail(w, r, errs.New(errs.EINVALID, "ops.calendar.bad_days", opsMaxAddDays))
		return
	}
	cal, err := s.db.Calendar(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"date": cal.AddWorkdays(from, days).Format(calendar.Layout)})
}

// opsParseDate reads a YYYY-MM-DD date strictly.
func opsParseDate(s string) (time.Time, bool) {
	d, err := time.Parse(calendar.Layout, strings.TrimSpace(s))
	return d, err == nil
}

type apiCalendarSpan struct {
	From string `json:"from"`
	To   string `json:"to"`
	Name string `json:"name"`
}

type apiCalendarYearJSON struct {
	Year     int               `json:"year"`
	Source   string            `json:"source"`
	Stored   bool              `json:"stored"` // entered by an administrator, else shipped
	Holidays []apiCalendarSpan `json:"holidays"`
	Workdays []string          `json:"workdays"` // make-up working days on weekends
}

// apiCalendarYear answers GET /api/v1/calendar/{year}: the year's days off and make-up working
// days in force; a year without a table is not found.
func (s *Server) apiCalendarYear(w http.ResponseWriter, r *http.Request) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		s.fail(w, r, errs.NotFound())
		return
	}
	years, err := s.db.CalendarYears(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, cy := range years {
		if cy.Table.Year != y {
			continue
		}
		out := apiCalendarYearJSON{Year: y, Source: cy.Table.Source, Stored: cy.Stored, Holidays: []apiCalendarSpan{}, Workdays: []string{}}
		for _, h := range cy.Table.Holidays {
			out.Holidays = append(out.Holidays, apiCalendarSpan{From: h.From, To: h.To, Name: h.Name})
		}
		out.Workdays = append(out.Workdays, cy.Table.Workdays...)
		writeJSON(w, http.StatusOK, out)
		return
	}
	s.fail(w, r, errs.New(errs.ENOTFOUND, "ops.calendar.not_covered", y))
}

// opsCalendarDay is a make-up working day with its weekday, for the page.
type opsCalendarDay struct {
	Date    string
	Weekday int
}

type opsCalendarYearView struct {
	Year     int
	Source   string
	Stored   bool
	Holidays []calendar.Span
	Workdays []opsCalendarDay
	DaysOff  int
}

type opsCalendarData struct {
	Years   []opsCalendarYearView
	CanEdit bool
	Warning string // translated: next year (or this year) is not covered
}

// opsCalendar shows the working-day calendar in force, warns when a year is missing, and offers
// the form to add or replace a year to those who configure the platform.
func (s *Server) opsCalendar(w http.ResponseWriter, r *http.Request) {
	p := &Page{Title: "ops.calendar.title"}
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil {
		p.Form = opsCalendarForm(nil, y)
	}
	s.opsCalendarRender(w, r, http.StatusOK, p, nil)
}

// opsCalendarRender renders the calendar page; err, when not nil, is shown on the form.
func (s *Server) opsCalendarRender(w http.ResponseWriter, r *http.Request, status int, p *Page, formErr error) {
	a := actor(r)
	if !a.P.Can(authz.ConfigureCases) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	years, err := s.db.CalendarYears(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := opsCalendarData{CanEdit: storage.ConfiguresPlatform(a.P)}
	covered := map[int]bool{}
	for _, cy := range years {
		covered[cy.Table.Year] = true
		v := opsCalendarYearView{Year: cy.Table.Year, Source: cy.Table.Source, Stored: cy.Stored, Holidays: cy.Table.Holidays}
		for _, h := range cy.Table.Holidays {
			f, _ := opsParseDate(h.From)
			t, _ := opsParseDate(h.To)
			v.DaysOff += int(t.Sub(f).Hours()/24) + 1
		}
		for _, wd := range cy.Table.Workdays {
			day, _ := opsParseDate(wd)
			v.Workdays = append(v.Workdays, opsCalendarDay{Date: wd, Weekday: int(day.Weekday())})
		}
		d.Years = append(d.Years, v)
	}
	pr := s.printer(r)
	now := s.clock.Now().In(cst)
	switch {
	case !covered[now.Year()]:
		d.Warning = pr.T("ops.calendar.warn_this_year", now.Year())
	case now.Month() >= time.November && !covered[now.Year()+1]:
		d.Warning = pr.T("ops.calendar.warn_next_year", now.Year()+1)
	}
	if p.Form == nil {
		next := now.Year()
		for covered[next] {
			next++
		}
		p.Form = opsCalendarForm(nil, next)
	} else if p.Form.Get("holidays") == "" && p.Form.Get("workdays") == "" && formErr == nil {
		// ?year=Y: start from that year's table in force, to correct or replace it.
		y, _ := strconv.Atoi(p.Form.Get("year"))
		for _, cy := range years {
			if cy.Table.Year == y {
				p.Form = opsCalendarForm(&cy.Table, y)
			}
		}
	}
	p.Data = d
	if formErr != nil {
		s.formFail(w, r, "ops_calendar", p, formErr)
		return
	}
	s.render(w, r, status, "ops_calendar", p)
}

// opsCalendarForm is the form's values for year, filled from a table when one is given.
func opsCalendarForm(y *calendar.Year, year int) map[string][]string {
	f := map[string][]string{"year": {strconv.Itoa(year)}}
	if y == nil {
		return f
	}
	var hs []string
	for _, h := range y.Holidays {
		if h.From == h.To {
			hs = append(hs, h.From+" "+h.Name)
		} else {
			hs = append(hs, h.From+" "+h.To+" "+h.Name)
		}
	}
	f["holidays"] = []string{strings.Join(hs, "\n")}
	f["workdays"] = []string{strings.Join(y.Workdays, "\n")}
	f["source"] = []string{y.Source}
	return f
}

// opsCalendarSave stores a year's table from the form: every line is checked, and a bad table
// is shown back with what is wrong, nothing written.
func (s *Server) opsCalendarSave(w http.ResponseWriter, r *http.Request) {
	p := &Page{Title: "ops.calendar.title", Form: r.PostForm}
	if !storage.ConfiguresPlatform(principal(r)) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	y, err := opsParseCalendarForm(r.PostForm)
	if err == nil {
		err = s.db.SaveCalendarYear(r.Context(), actor(r), y)
	}
	if err != nil {
		if e := errs.As(err); e.Code == errs.EINVALID {
			err = adminRenameField(err, "days", "holidays")
		}
		s.opsCalendarRender(w, r, http.StatusUnprocessableEntity, p, err)
		return
	}
	redirectFlash(w, r, "/admin/calendar", "flash.ops.calendar_saved")
}

// opsDateSeparators are what people put between two dates or before a name, as spaces.
var opsDateSeparators = strings.NewReplacer("～", " ", "~", " ", "至", " ", "到", " ", "—", " ", "–", " ", "，", " ", ",", " ",
	"、", " ", "；", " ", ";", " ", "/", "-", "\u3000", " ")

// opsParseCalendarForm reads the year's table from the form. Days off: one holiday a line, "first
// last name" or "day name" ("2027-02-06 2027-02-13 春节"). Make-up working days: dates separated
// by spaces, commas or new lines. Each problem names the line or the date.
func opsParseCalendarForm(f map[string][]string) (calendar.Year, error) {
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	var fe []errs.FieldError
	y := calendar.Year{Source: get("source")}
	year, err := strconv.Atoi(get("year"))
	if err != nil || year < 2000 || year > 2100 {
		return y, errs.Invalid(errs.Field("year", "cases.calendar.year"))
	}
	y.Year = year
	switch n := utf8.RuneCountInString(y.Source); {
	case n == 0:
		fe = append(fe, errs.Field("source", "validation.required"))
	case n > 200:
		fe = append(fe, errs.Field("source", "validation.too_long", 200))
	}
	off := map[string]bool{}
	for i, line := range strings.Split(get("holidays"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		tok := slices.DeleteFunc(strings.Fields(opsDateSeparators.Replace(line)), func(t string) bool { return t == "-" })
		if len(tok) == 0 {
			continue
		}
		from, ok := opsLooseDate(tok[0])
		if !ok {
			fe = append(fe, errs.Field("holidays", "ops.calendar.line_date", i+1, line))
			continue
		}
		to, rest := from, tok[1:]
		if len(rest) > 0 {
			if t, ok := opsLooseDate(rest[0]); ok {
				to, rest = t, rest[1:]
			}
		}
		name := strings.Join(rest, " ")
		switch {
		case name == "" || utf8.RuneCountInString(name) > 20:
			fe = append(fe, errs.Field("holidays", "ops.calendar.line_name", i+1, line))
		case to.Before(from):
			fe = append(fe, errs.Field("holidays", "ops.calendar.line_order", i+1, line))
		case from.Year() != year && to.Year() != year:
			fe = append(fe, errs.Field("holidays", "ops.calendar.line_year", i+1, line, year))
		case to.Sub(from) > 15*24*time.Hour:
			fe = append(fe, errs.Field("holidays", "ops.calendar.line_long", i+1, line))
		default:
			y.Holidays = append(y.Holidays, calendar.Span{From: from.Format(calendar.Layout), To: to.Format(calendar.Layout), Name: name})
			for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
				off[d.Format(calendar.Layout)] = true
			}
		}
	}
	if len(y.Holidays) == 0 && len(fe) == 0 {
		fe = append(fe, errs.Field("holidays", "ops.calendar.no_holidays"))
	}
	for _, w := range strings.Fields(opsDateSeparators.Replace(get("workdays"))) {
		d, ok := opsLooseDate(w)
		day := d.Format(calendar.Layout)
		switch {
		case !ok:
			fe = append(fe, errs.Field("workdays", "ops.calendar.bad_date", w))
		case d.Year() != year:
			fe = append(fe, errs.Field("workdays", "ops.calendar.day_year", day, year))
		case d.Weekday() != time.Saturday && d.Weekday() != time.Sunday:
			fe = append(fe, errs.Field("workdays", "ops.calendar.not_weekend", day))
		case off[day]:
			fe = append(fe, errs.Field("workdays", "ops.calendar.clash", day))
		case !slices.Contains(y.Workdays, day):
			y.Workdays = append(y.Workdays, day)
		}
	}
	slices.Sort(y.Workdays)
	return y, errs.FieldsOf(fe)
}

// opsLooseDate reads a date as people type it: 2027-02-06, 2027-2-6 or 2027/2/6.
func opsLooseDate(s string) (time.Time, bool) {
	d, err := time.Parse("2006-1-2", strings.ReplaceAll(strings.TrimSpace(s), "/", "-"))
	return d, err == nil
}
