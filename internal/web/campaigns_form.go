package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/campaigns"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/storage"
)

// campaignFormRow is one area row of the new campaign form.
type campaignFormRow struct {
	Index    int
	Units    []pplChoice
	Officers []pplChoice
}

// campaignFormData is what the campaign form offers: for a new campaign, the town (chosen first
// when the user runs campaigns in several) and its area rows; for an edit, the campaign.
type campaignFormData struct {
	Campaign   *campaigns.Campaign // nil for a new one
	Towns      []pplChoice
	Town       *org.Unit
	Categories []pplChoice
	Rows       []campaignFormRow
}

// maxFormRows bounds the area rows the new campaign form shows at once.
const maxFormRows = 20

// campaignFormFor builds the new campaign form around the values in v.
func (s *Server) campaignFormFor(r *http.Request, v url.Values) (*campaignFormData, error) {
	ctx, a := r.Context(), actor(r)
	towns, err := s.db.CampaignTowns(ctx, a)
	if err != nil {
		return nil, err
	}
	if len(towns) == 0 {
		return nil, errs.Forbidden()
	}
	d := &campaignFormData{}
	var fe []errs.FieldError
	townID := pplID(v, "town_id", &fe)
	if townID == 0 && len(towns) == 1 {
		townID = towns[0].ID
	}
	for i := range towns {
		t := &towns[i]
		d.Towns = append(d.Towns, pplChoice{Value: strconv.FormatInt(t.ID, 10), Text: t.Name, Selected: t.ID == townID})
		if t.ID == townID {
			d.Town = t
		}
	}
	if d.Town == nil {
		return d, nil
	}
	v.Set("town_id", strconv.FormatInt(d.Town.ID, 10))
	cat := pplID(v, "category_id", &fe)
	cats, def, err := s.cmpCategoryChoices(r, cat)
	if err != nil {
		return nil, err
	}
	if cat == 0 && def != 0 {
		v.Set("category_id", strconv.FormatInt(def, 10))
	}
	d.Categories = cats
	units, err := s.pplUnitChoices(r, d.Town.ID, 0, org.Village, org.Community)
	if err != nil {
		return nil, err
	}
	// The town itself is no area.
	if len(units) > 0 && units[0].Value == strconv.FormatInt(d.Town.ID, 10) {
		units = units[1:]
	}
	for i := range units {
		units[i].Text = strings.TrimLeft(units[i].Text, "　")
	}
	officers, err := s.cmpCadreChoices(r, d.Town.ID, 0)
	if err != nil {
		return nil, err
	}
	n := max(4, min(len(units), maxFormRows))
	for k := range v {
		if i, ok := strings.CutPrefix(k, "area_unit_"); ok {
			if x, err := strconv.Atoi(i); err == nil && x < campaigns.MaxAreas {
				n = max(n, x+1)
			}
		}
	}
	for i := range n {
		d.Rows = append(d.Rows, campaignFormRow{Index: i,
			Units:    cmpSelect(units, v.Get(campaigns.AreaField("unit", i))),
			Officers: cmpSelect(officers, v.Get(campaigns.AreaField("officer", i)))})
	}
	return d, nil
}

// campaignNew is GET /campaigns/new (?town=).
func (s *Server) campaignNew(w http.ResponseWriter, r *http.Request) {
	if err := pplNeed(r, authz.RunCampaigns); err != nil {
		s.fail(w, r, err)
		return
	}
	v := url.Values{}
	if t := strings.TrimSpace(r.URL.Query().Get("town")); t != "" {
		v.Set("town_id", t)
	}
	today := s.cmpToday()
	v.Set("starts_on", today)
	v.Set("ends_on", campaigns.AddDays(today, 13))
	v.Set("recheck_days", strconv.Itoa(campaigns.DefaultRecheckDays))
	d, err := s.campaignFormFor(r, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "campaigns_form", &Page{Title: "campaigns.new.title", Form: v, Data: d})
}

// campaignFromForm reads a new campaign; rows maps each area kept to the form row it came from.
func campaignFromForm(v url.Values) (*campaigns.Campaign, []int, []errs.FieldError) {
	var fe []errs.FieldError
	c := &campaigns.Campaign{
		TownID: pplID(v, "town_id", &fe), Name: v.Get("name"), StartsOn: v.Get("starts_on"), EndsOn: v.Get("ends_on"),
		RecheckDays: cmpInt(v, "recheck_days", &fe), CategoryID: pplID(v, "category_id", &fe), Notes: v.Get("notes"),
	}
	var rows []int
	for i := range campaigns.MaxAreas + 1 {
		u := pplID(v, campaigns.AreaField("unit", i), &fe)
		o := pplID(v, campaigns.AreaField("officer", i), &fe)
		if u == 0 && o == 0 {
			continue
		}
		c.Areas = append(c.Areas, campaigns.Area{UnitID: u, OfficerID: o})
		rows = append(rows, i)
	}
	return c, rows, fe
}

// campaignCreate is POST /campaigns.
func (s *Server) campaignCreate(w http.ResponseWriter, r *http.Request) {
	if err := pplNeed(r, authz.RunCampaigns); err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	c, rows, fe := campaignFromForm(v)
	err := errs.FieldsOf(fe)
	if err == nil {
		err = cmpFieldsFrom(s.db.CreateCampaign(r.Context(), actor(r), c), rows)
	}
	if err != nil {
		d, derr := s.campaignFormFor(r, v)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formFail(w, r, "campaigns_form", &Page{Title: "campaigns.new.title", Form: v, Data: d}, err)
		return
	}
	redirectFlash(w, r, "/campaigns/"+strconv.FormatInt(c.ID, 10), "flash.campaigns.created")
}

// campaignEditForm builds the edit form of a campaign the user runs.
func (s *Server) campaignEditForm(r *http.Request, c *campaigns.Campaign, v url.Values) (*campaignFormData, error) {
	var fe []errs.FieldError
	cats, _, err := s.cmpCategoryChoices(r, pplID(v, "category_id", &fe))
	if err != nil {
		return nil, err
	}
	return &campaignFormData{Campaign: c, Categories: cats}, nil
}

func campaignValues(c *campaigns.Campaign) url.Values {
	v := url.Values{}
	v.Set("name", c.Name)
	v.Set("starts_on", c.StartsOn)
	v.Set("ends_on", c.EndsOn)
	v.Set("recheck_days", strconv.Itoa(c.RecheckDays))
	v.Set("category_id", strconv.FormatInt(c.CategoryID, 10))
	v.Set("notes", c.Notes)
	v.Set("version", strconv.FormatInt(c.Version, 10))
	return v
}

// campaignRunning reads a campaign the user runs; one they only see is forbidden.
func (s *Server) campaignRunning(r *http.Request) (*campaigns.Campaign, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	c, acc, err := s.db.Campaign(r.Context(), actor(r), id)
	if err != nil {
		return nil, err
	}
	if !acc.Run {
		return nil, errs.Forbidden()
	}
	return c, nil
}

// campaignEdit is GET /campaigns/{id}/edit.
func (s *Server) campaignEdit(w http.ResponseWriter, r *http.Request) {
	c, err := s.campaignRunning(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := campaignValues(c)
	d, err := s.campaignEditForm(r, c, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "campaigns_form", &Page{Title: "campaigns.edit.title", Form: v, Data: d})
}

// campaignUpdate is POST /campaigns/{id}.
func (s *Server) campaignUpdate(w http.ResponseWriter, r *http.Request) {
	c, err := s.campaignRunning(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	var fe []errs.FieldError
	up := storage.CampaignUpdate{Name: v.Get("name"), StartsOn: v.Get("starts_on"), EndsOn: v.Get("ends_on"),
		RecheckDays: cmpInt(v, "recheck_days", &fe), CategoryID: pplID(v, "category_id", &fe), Notes: v.Get("notes"),
		Version: pplVersion(v.Get("version"))}
	err = errs.FieldsOf(fe)
	if err == nil {
		_, err = s.db.UpdateCampaign(r.Context(), actor(r), c.ID, up)
	}
	if err != nil {
		d, derr := s.campaignEditForm(r, c, v)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formFail(w, r, "campaigns_form", &Page{Title: "campaigns.edit.title", Form: v, Data: d}, err)
		return
	}
	redirectFlash(w, r, "/campaigns/"+strconv.FormatInt(c.ID, 10), "flash.campaigns.saved")
}
