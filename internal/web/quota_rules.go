package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/quota"
	"wuxing/internal/storage"
)

// quotaRulesData is the settings page of one town.
type quotaRulesData struct {
	Town     storage.ServiceTown
	Rules    quota.Rules
	Towns    []quotaTownChoice
	Weekdays []int
	Default  quota.Rules
}

// quotaRulesLoad reads the settings page of a town (default: the first the user configures).
// Users who configure no town's service are refused; a town out of sight is not found.
func (s *Server) quotaRulesLoad(r *http.Request, townID int64) (*quotaRulesData, error) {
	pp := principal(r)
	if !pp.Can(authz.ConfigureService) {
		return nil, errs.Forbidden()
	}
	towns, err := s.db.ServiceTowns(r.Context(), actor(r))
	if err != nil {
		return nil, err
	}
	d := &quotaRulesData{Weekdays: []int{1, 2, 3, 4, 5, 6, 0}, Default: quota.Defaults(0)}
	found := false
	for _, x := range towns {
		if !pp.CanAt(authz.ConfigureService, x.Path) {
			continue
		}
		if townID == 0 {
			townID = x.ID
		}
		if x.ID == townID {
			d.Town, found = x, true
		}
		d.Towns = append(d.Towns, quotaTownChoice{ID: x.ID, Name: x.Name, Selected: x.ID == townID})
	}
	if !found {
		// Seen but not configurable is forbidden; not seen at all is not found.
		for _, x := range towns {
			if x.ID == townID {
				return nil, errs.Forbidden()
			}
		}
		return nil, errs.NotFound()
	}
	if d.Rules, err = s.db.ServiceRules(r.Context(), actor(r), d.Town.ID); err != nil {
		return nil, err
	}
	return d, nil
}

// quotaRulesForm is the rules as the form shows them.
func quotaRulesForm(r quota.Rules) url.Values {
	v := url.Values{}
	v.Set("weekday", strconv.Itoa(int(r.Weekday)))
	v.Set("team_days", strconv.Itoa(r.TeamDays))
	v.Set("member_hours", strconv.Itoa(r.MemberHours))
	if r.SkipHolidays {
		v.Set("skip_holidays", "on")
	}
	v.Set("version", strconv.FormatInt(r.Version, 10))
	return v
}

// quotaRules is GET /admin/service-rules?town=: a town's service rules and the form that
// changes them.
func (s *Server) quotaRules(w http.ResponseWriter, r *http.Request) {
	var fe []errs.FieldError
	town := pplID(r.URL.Query(), "town", &fe)
	if err := errs.FieldsOf(fe); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.quotaRulesLoad(r, town)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "quota_rules", &Page{Title: "quota.rules.title", Form: quotaRulesForm(d.Rules), Data: d})
}

// quotaRulesFrom reads the rules a form sends; a value that is not a whole number is a field
// error.
func quotaRulesFrom(v url.Values, townID int64) (quota.Rules, error) {
	var fe []errs.FieldError
	num := func(name string) int {
		n, err := strconv.Atoi(strings.TrimSpace(v.Get(name)))
		if err != nil {
			fe = append(fe, errs.Field(name, "validation.number"))
		}
		return n
	}
	r := quota.Rules{TownID: townID, Weekday: time.Weekday(num("weekday")), TeamDays: num("team_days"), MemberHours: num("member_hours")}
	switch strings.ToLower(strings.TrimSpace(v.Get("skip_holidays"))) {
	case "on", "1", "true", "yes":
		r.SkipHolidays = true
	}
	r.Version = pplVersion(v.Get("version"))
	if err := errs.FieldsOf(fe); err != nil {
		return r, err
	}
	return r, r.Validate()
}

// quotaRulesSave is POST /admin/service-rules: saves a town's rules; bad values redisplay the
// form with nothing changed, a stale version is a conflict.
func (s *Server) quotaRulesSave(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	form := r.PostForm
	var fe []errs.FieldError
	townID := pplID(form, "town_id", &fe)
	if err := errs.FieldsOf(fe); err != nil || townID == 0 {
		s.fail(w, r, errs.New(errs.EINVALID, "error.bad_request"))
		return
	}
	d, err := s.quotaRulesLoad(r, townID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rules, err := quotaRulesFrom(form, townID)
	if err == nil {
		err = s.db.SaveServiceRules(r.Context(), actor(r), &rules)
	}
	if err != nil {
		s.formFail(w, r, "quota_rules", &Page{Title: "quota.rules.title", Data: d}, err)
		return
	}
	redirectFlash(w, r, "/admin/service-rules?town="+strconv.FormatInt(townID, 10), "flash.quota.saved")
}

// apiQuotaRules is GET /api/v1/service/rules?town=: the rules of the towns the user sees (one
// with town=).
func (s *Server) apiQuotaRules(w http.ResponseWriter, r *http.Request) {
	if err := quotaViewer(r); err != nil {
		s.fail(w, r, err)
		return
	}
	town, towns, _, err := s.quotaTowns(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []quotaRulesJSON{}
	for _, x := range towns {
		if town != 0 && x.ID != town {
			continue
		}
		rules, err := s.db.ServiceRules(r.Context(), actor(r), x.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out = append(out, quotaRulesOut(rules, x.Name))
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": out})
}

// quotaRulesIn is the body of PUT /api/v1/service/rules.
type quotaRulesIn struct {
	TownID       int64 `json:"town_id"`
	Weekday      *int  `json:"weekday"`
	SkipHolidays bool  `json:"skip_holidays"`
	TeamDays     int   `json:"team_days"`
	MemberHours  int   `json:"member_hours"`
	Version      int64 `json:"version"`
}

// apiQuotaRulesSave is PUT /api/v1/service/rules: saves a town's rules (version 0 for a town
// still on the defaults); a stale version answers 409.
func (s *Server) apiQuotaRulesSave(w http.ResponseWriter, r *http.Request) {
	var in quotaRulesIn
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.TownID == 0 {
		s.fail(w, r, errs.Invalid(errs.Field("town_id", "validation.required")))
		return
	}
	rules := quota.Rules{TownID: in.TownID, Weekday: -1, SkipHolidays: in.SkipHolidays, TeamDays: in.TeamDays, MemberHours: in.MemberHours, Version: in.Version}
	if in.Weekday != nil {
		rules.Weekday = time.Weekday(*in.Weekday)
	}
	if err := s.db.SaveServiceRules(r.Context(), actor(r), &rules); err != nil {
		s.fail(w, r, err)
		return
	}
	town, err := s.db.ServiceRules(r.Context(), actor(r), in.TownID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": quotaRulesOut(town, "")})
}
