package web

import (
	"net/http"

	"wuxing/internal/authz"
	"wuxing/internal/campaigns"
	"wuxing/internal/errs"
	"wuxing/internal/storage"
)

// campaignListData is the campaign list.
type campaignListData struct {
	Campaigns []campaigns.Campaign
	Pager     Pager
	Today     string
	CanRun    bool
}

// campaignList is GET /campaigns (?town=): the campaigns the user sees, newest first, with
// their figures.
func (s *Server) campaignList(w http.ResponseWriter, r *http.Request) {
	var fe []errs.FieldError
	town := pplID(r.URL.Query(), "town", &fe)
	if err := errs.FieldsOf(fe); err != nil {
		s.fail(w, r, err)
		return
	}
	pg := pagerFrom(r)
	list, total, err := s.db.Campaigns(r.Context(), actor(r), storage.CampaignFilter{TownID: town, Limit: pg.Per, Offset: pg.Offset()})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg.Total = total
	d := &campaignListData{Campaigns: list, Pager: pg, Today: s.cmpToday(), CanRun: principal(r).Can(authz.RunCampaigns)}
	s.render(w, r, http.StatusOK, "campaigns_list", &Page{Title: "campaigns.title", Data: d})
}
