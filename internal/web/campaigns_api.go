package web

import (
	"net/http"
	"time"

	"wuxing/internal/campaigns"
	"wuxing/internal/errs"
	"wuxing/internal/storage"
)

// countsJSON are a campaign's or an area's figures in the API.
type countsJSON struct {
	Found     int `json:"found"`
	Rectified int `json:"rectified"`
	Late      int `json:"late"`
	Open      int `json:"open"`
	Circulars int `json:"circulars"`
}

func cmpCountsJSON(c campaigns.Counts) countsJSON {
	return countsJSON{Found: c.Found, Rectified: c.Rectified, Late: c.Late, Open: c.Open(), Circulars: c.Circulars}
}

type areaJSON struct {
	ID          int64      `json:"id"`
	UnitID      int64      `json:"unit_id"`
	UnitName    string     `json:"unit_name"`
	OfficerID   int64      `json:"officer_id"`
	OfficerName string     `json:"officer_name"`
	Counts      countsJSON `json:"counts"`
}

type campaignJSON struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`
	TownID       int64      `json:"town_id"`
	TownName     string     `json:"town_name"`
	StartsOn     string     `json:"starts_on"`
	EndsOn       string     `json:"ends_on"`
	Phase        string     `json:"phase"`
	RecheckDays  int        `json:"recheck_days"`
	CategoryID   int64      `json:"category_id"`
	CategoryName string     `json:"category_name"`
	Notes        string     `json:"notes,omitempty"`
	Counts       countsJSON `json:"counts"`
	Areas        []areaJSON `json:"areas,omitempty"`
	Version      int64      `json:"version"`
}

func cmpJSON(c *campaigns.Campaign, today string, withAreas bool) campaignJSON {
	out := campaignJSON{ID: c.ID, Name: c.Name, TownID: c.TownID, TownName: c.TownName, StartsOn: c.StartsOn, EndsOn: c.EndsOn,
		Phase: string(c.PhaseOn(today)), RecheckDays: c.RecheckDays, CategoryID: c.CategoryID, CategoryName: c.CategoryName,
		Notes: c.Notes, Counts: cmpCountsJSON(c.Counts), Version: c.Version}
	if withAreas {
		out.Areas = []areaJSON{}
		for _, a := range c.Areas {
			out.Areas = append(out.Areas, areaJSON{ID: a.ID, UnitID: a.UnitID, UnitName: a.UnitName, OfficerID: a.OfficerID,
				OfficerName: a.OfficerName, Counts: cmpCountsJSON(a.Counts)})
		}
	}
	return out
}

type circularJSON struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	Status      string     `json:"status"`
	Number      string     `json:"number,omitempty"`
	Title       string     `json:"title"`
	PeriodFrom  string     `json:"period_from"`
	PeriodTo    string     `json:"period_to"`
	Deadline    string     `json:"deadline,omitempty"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
}

// apiCampaigns is GET /api/v1/campaigns?town=&limit=&offset=.
func (s *Server) apiCampaigns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var fe []errs.FieldError
	f := storage.CampaignFilter{TownID: pplID(q, "town", &fe)}
	limit, offset := pplID(q, "limit", &fe), pplID(q, "offset", &fe)
	if err := errs.FieldsOf(fe); err != nil {
		s.fail(w, r, err)
		return
	}
	if limit == 0 {
		limit = perPage
	}
	f.Limit, f.Offset = int(min(limit, 1000)), int(min(offset, 1<<30))
	list, total, err := s.db.Campaigns(r.Context(), actor(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.cmpToday()
	out := make([]campaignJSON, 0, len(list))
	for i := range list {
		out = append(out, cmpJSON(&list[i], today, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"campaigns": out, "total": total})
}

// apiCampaign is GET /api/v1/campaigns/{id}: the campaign with its areas, figures and the
// circulars the user sees.
func (s *Server) apiCampaign(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, _, err := s.db.Campaign(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.db.Circulars(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pr := s.printer(r)
	circ := make([]circularJSON, 0, len(cs))
	for _, x := range cs {
		j := circularJSON{ID: x.ID, Kind: string(x.Kind), Status: string(x.Status), Title: x.Title, PeriodFrom: x.PeriodFrom,
			PeriodTo: x.PeriodTo, Deadline: x.Deadline}
		if x.Status == campaigns.Published {
			j.Number = pr.T("campaigns.number."+string(x.Kind), x.TownName, x.Year, x.Seq)
			at := x.PublishedAt
			j.PublishedAt = &at
		}
		circ = append(circ, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"campaign": cmpJSON(c, s.cmpToday(), true), "circulars": circ})
}
