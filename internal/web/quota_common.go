package web

import (
	"net/http"
	"strconv"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/quota"
	"wuxing/internal/storage"
)

// The seed's service rules (themed Thursdays, team days a quarter, office members' hours a year):
// the service calendar, the compliance view, the honour roll and the town settings. The
// handlers live in quota_*.go; their routes sit in a block of their own in routes_service.go.

// quotaViewer refuses users who see no volunteer service at all (a department, an assessor).
func quotaViewer(r *http.Request) error {
	if !principal(r).Can(authz.ViewService) {
		return errs.Forbidden()
	}
	return nil
}

// quotaTownChoice is a town in a picker.
type quotaTownChoice struct {
	ID       int64
	Name     string
	Selected bool
}

// quotaTowns reads ?town= and the towns the user sees: the town asked for (0 for all), and the
// choices. A town the user does not see is not found.
func (s *Server) quotaTowns(r *http.Request) (int64, []storage.ServiceTown, []quotaTownChoice, error) {
	var fe []errs.FieldError
	town := pplID(r.URL.Query(), "town", &fe)
	if err := errs.FieldsOf(fe); err != nil {
		return 0, nil, nil, err
	}
	towns, err := s.db.ServiceTowns(r.Context(), actor(r))
	if err != nil {
		return 0, nil, nil, err
	}
	var choices []quotaTownChoice
	found := town == 0
	for _, x := range towns {
		choices = append(choices, quotaTownChoice{ID: x.ID, Name: x.Name, Selected: x.ID == town})
		found = found || x.ID == town
	}
	if !found {
		return 0, nil, nil, errs.NotFound()
	}
	return town, towns, choices, nil
}

// quotaPeriodParam reads a period parameter of the kinds allowed; empty gives def.
func quotaPeriodParam(r *http.Request, name string, def quota.Period, kinds ...quota.PeriodKind) (quota.Period, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	p, ok := quota.ParsePeriod(v)
	if ok {
		for _, k := range kinds {
			if p.Kind == k {
				return p, nil
			}
		}
	}
	return quota.Period{}, errs.Invalid(errs.Field(name, "quota.period.invalid"))
}

// quotaTownQuery is "&town=ID" when a town is chosen, for links that keep it.
func quotaTownQuery(town int64) string {
	if town == 0 {
		return ""
	}
	return "&town=" + strconv.FormatInt(town, 10)
}
