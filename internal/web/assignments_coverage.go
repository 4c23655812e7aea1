package web

import (
	"net/http"

	"wuxing/internal/org"
	"wuxing/internal/people"
)

// coverageData is the full-coverage check (三联五帮) of one unit on one day.
type coverageData struct {
	Unit     *org.Unit
	Day      string
	Coverage *people.Coverage
}

func (s *Server) pplCoverage(r *http.Request) (*coverageData, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	u, err := s.db.Unit(r.Context(), actor(r), id)
	if err != nil {
		return nil, err
	}
	day := s.pplToday()
	c, err := s.db.Coverage(r.Context(), actor(r), id, day)
	if err != nil {
		return nil, err
	}
	return &coverageData{Unit: u, Day: day, Coverage: c}, nil
}

// unitCoverage is GET /units/{id}/coverage: households with no linked party member and party
// members with no contact cadre, with counts and rates; printable.
func (s *Server) unitCoverage(w http.ResponseWriter, r *http.Request) {
	d, err := s.pplCoverage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "assignments_coverage", &Page{Title: "assignments.coverage.title", Data: d})
}

// coverageJSON is the coverage check in the API.
type coverageJSON struct {
	UnitID             int64           `json:"unit_id"`
	UnitName           string          `json:"unit_name"`
	Day                string          `json:"day"`
	Households         int             `json:"households"`
	LinkedHouseholds   int             `json:"linked_households"`
	HouseholdRate      float64         `json:"household_rate"` // percent; 100 when there are none
	Members            int             `json:"members"`
	ContactedMembers   int             `json:"contacted_members"`
	MemberRate         float64         `json:"member_rate"`
	Complete           bool            `json:"complete"`
	UnlinkedHouseholds []householdJSON `json:"unlinked_households"`
	UncontactedMembers []personJSON    `json:"uncontacted_members"`
}

func pplRate(n, d int) float64 {
	if d == 0 {
		return 100
	}
	return float64(int(1000*float64(n)/float64(d)+0.5)) / 10
}

// apiUnitCoverage is GET /api/v1/units/{id}/coverage.
func (s *Server) apiUnitCoverage(w http.ResponseWriter, r *http.Request) {
	d, err := s.pplCoverage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := d.Coverage
	out := coverageJSON{UnitID: d.Unit.ID, UnitName: d.Unit.Name, Day: d.Day,
		Households: c.Households, LinkedHouseholds: c.LinkedHouseholds, HouseholdRate: pplRate(c.LinkedHouseholds, c.Households),
		Members: c.Members, ContactedMembers: c.ContactedMembers, MemberRate: pplRate(c.ContactedMembers, c.Members),
		Complete: c.Complete(), UnlinkedHouseholds: []householdJSON{}, UncontactedMembers: pplPeopleJSON(principal(r), c.UncontactedMembers)}
	for i := range c.UnlinkedHouseholds {
		out.UnlinkedHouseholds = append(out.UnlinkedHouseholds, pplHouseholdJSON(&c.UnlinkedHouseholds[i]))
	}
	writeJSON(w, http.StatusOK, out)
}
