package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/service"
	"wuxing/internal/storage"
)

// svcToday is today's day in China, the day activities are dated in.
func (s *Server) svcToday() string { return service.Today(s.clock.Now()) }

// svcYear reads ?year= (this year when absent); a malformed or absurd year is a field error.
func (s *Server) svcYear(q url.Values) (int, error) {
	y := s.clock.Now().In(cst).Year()
	if v := strings.TrimSpace(q.Get("year")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2000 || n > 2100 {
			return 0, errs.Invalid(errs.Field("year", "validation.number"))
		}
		y = n
	}
	return y, nil
}

// svcPostForm parses a POST on a service page and returns the id in its path parameter param;
// on failure it has answered and returns false.
func (s *Server) svcPostForm(w http.ResponseWriter, r *http.Request, param string) (int64, bool) {
	id, err := pathID(r, param)
	if err != nil {
		s.fail(w, r, err)
		return 0, false
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, errs.New(errs.EINVALID, "error.bad_request"))
		return 0, false
	}
	return id, true
}

// svcHours reads a decimal hours field into centihours, with its error as the field's.
func svcHours(v url.Values, name string, fe *[]errs.FieldError) int {
	c, err := service.ParseHours(v.Get(name))
	if err != nil {
		e := errs.As(err)
		*fe = append(*fe, errs.Field(name, e.Key, e.Args...))
	}
	return c
}

// svcFieldErr turns a store error without fields (a rule broken) into the named field's error,
// so forms show it beside the field.
func svcFieldErr(err error, field string) error {
	e := errs.As(err)
	if (e.Code == errs.EINVALID || e.Code == errs.EUNPROCESSABLE) && len(e.Fields) == 0 && strings.HasPrefix(e.Key, "service.") {
		return errs.Invalid(errs.Field(field, e.Key, e.Args...))
	}
	return err
}

// svcPeopleChoices lists people of a unit's subtree the actor sees, as "name · unit", for the
// member and participant selects; first lists people to put first (a team's members).
func (s *Server) svcPeopleChoices(r *http.Request, unitID int64, first []service.Member) ([]pplChoice, error) {
	seen := map[int64]bool{}
	var out []pplChoice
	for _, m := range first {
		seen[m.PersonID] = true
		out = append(out, pplChoice{Value: strconv.FormatInt(m.PersonID, 10), Text: m.PersonName + " · " + m.UnitName})
	}
	ps, _, err := s.db.People(r.Context(), actor(r), storage.PeopleFilter{UnitID: unitID, Limit: 1000})
	if err != nil {
		if errs.Code(err) == errs.ENOTFOUND || errs.Code(err) == errs.EFORBIDDEN {
			return out, nil
		}
		return nil, err
	}
	for _, p := range ps {
		if !seen[p.ID] {
			out = append(out, pplChoice{Value: strconv.FormatInt(p.ID, 10), Text: p.Name + " · " + p.UnitName})
		}
	}
	return out, nil
}

// svcUnitChoices lists the units where the actor may create teams: those they manage service in.
func svcUnitChoices(r *http.Request) []pplChoice {
	p := principal(r)
	var out []pplChoice
	seen := map[int64]bool{}
	for _, b := range p.Bindings {
		if !b.Role.Has(authz.ManageService) || seen[b.UnitID] {
			continue
		}
		seen[b.UnitID] = true
		out = append(out, pplChoice{Value: strconv.FormatInt(b.UnitID, 10), Text: b.UnitName})
	}
	return out
}

// svcCheckinURL is the address a check-in code opens.
func (s *Server) svcCheckinURL(r *http.Request, token string) string {
	return s.absURL(r, "/service/checkin/"+token)
}

// svcDate is a China-time day of t, for JSON.
func svcDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(cst).Format("2006-01-02 15:04")
}

// formatFloat writes a JSON number as the decimal text ParseHours reads, so the API checks hours
// exactly as the forms do.
func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
