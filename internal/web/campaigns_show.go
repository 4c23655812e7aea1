package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/campaigns"
	"wuxing/internal/errs"
	"wuxing/internal/storage"
)

// campaignPage is the campaign page: its areas with their figures and bars, the re-checks due,
// the problems, the daily inspections and the circulars; and, for those who run it, the forms.
type campaignPage struct {
	C           *campaigns.Campaign
	Access      storage.CampaignAccess
	Today       string
	Phase       campaigns.Phase
	Bars        map[int64]cmpBar
	Due         []campaigns.Problem
	Problems    []campaigns.Problem
	Pager       Pager
	Area        int64  // the problem list's area filter
	Show        string // "", "open" or "late"
	Inspections []campaigns.Inspection
	MoreInsp    int // inspections left out of the page (?inspections=all shows them)
	Circulars   []campaigns.Circular

	// The forms, for those who run the campaign.
	Failed     string   // the form the page's errors belong to
	DraftKinds []string // the draft forms: circular, commendation
	Values     map[string]url.Values
	Areas      map[string][]pplChoice
	Categories []pplChoice
	Inspectors []pplChoice
}

// maxInspections is how many inspection records the campaign page shows unless asked for all.
const maxInspections = 20

// V returns the values of one of the page's forms.
func (p *campaignPage) V(form string) url.Values { return p.Values[form] }

// campaignPageData gathers the campaign page. failed names the form whose posted values v
// are shown again with their errors.
func (s *Server) campaignPageData(r *http.Request, id int64, failed string, v url.Values) (*campaignPage, error) {
	ctx, a := r.Context(), actor(r)
	c, acc, err := s.db.Campaign(ctx, a, id)
	if err != nil {
		return nil, err
	}
	today := s.cmpToday()
	q := r.URL.Query()
	d := &campaignPage{C: c, Access: acc, Today: today, Phase: c.PhaseOn(today), Bars: cmpBars(c), Pager: pagerFrom(r),
		Show: q.Get("show"), Failed: failed}
	var fe []errs.FieldError
	d.Area = pplID(q, "area", &fe)
	if err := errs.FieldsOf(fe); err != nil {
		return nil, err
	}
	if d.Area != 0 && c.Area(d.Area) == nil {
		return nil, errs.NotFound()
	}
	f := storage.ProblemFilter{AreaID: d.Area, Limit: d.Pager.Per, Offset: d.Pager.Offset()}
	switch d.Show {
	case "open":
		f.Open = true
	case "late":
		f.Late = true
	default:
		d.Show = ""
	}
	if d.Problems, d.Pager.Total, err = s.db.CampaignProblems(ctx, a, id, f); err != nil {
		return nil, err
	}
	if acc.Run {
		if d.Due, _, err = s.db.CampaignProblems(ctx, a, id, storage.ProblemFilter{DueBy: today, Limit: 200}); err != nil {
			return nil, err
		}
	}
	if d.Inspections, err = s.db.CampaignInspections(ctx, a, id); err != nil {
		return nil, err
	}
	// The latest days first; the whole record on demand.
	if n := len(d.Inspections); n > maxInspections && q.Get("inspections") != "all" {
		d.Inspections, d.MoreInsp = d.Inspections[:maxInspections], n-maxInspections
	}
	if d.Circulars, err = s.db.Circulars(ctx, a, id); err != nil {
		return nil, err
	}
	if !acc.Run {
		return d, nil
	}
	d.DraftKinds = []string{string(campaigns.Criticism), string(campaigns.Commendation)}
	day := cmpDefaultDay(c, today)
	d.Values = map[string]url.Values{
		"inspection":   {"day": {day}},
		"problem":      {"day": {day}, "idempotency_key": {newCaseKey()}},
		"circular":     {"from": {min(today, c.EndsOn)}, "to": {min(today, c.EndsOn)}},
		"commendation": {"from": {c.StartsOn}, "to": {min(max(today, c.StartsOn), c.EndsOn)}},
	}
	if failed != "" {
		d.Values[failed] = v
	}
	d.Areas = map[string][]pplChoice{
		"inspection": cmpAreaChoices(c, d.Values["inspection"].Get("area_id")),
		"problem":    cmpAreaChoices(c, d.Values["problem"].Get("area_id")),
	}
	var cat int64
	if c := d.Values["problem"].Get("category_id"); c != "" {
		cat, _ = strconv.ParseInt(c, 10, 64)
	}
	if cat == 0 {
		cat = c.CategoryID
	}
	if d.Categories, _, err = s.cmpCategoryChoices(r, cat); err != nil {
		return nil, err
	}
	insp, _ := strconv.ParseInt(d.Values["inspection"].Get("inspector_id"), 10, 64)
	if insp == 0 {
		insp = principal(r).PersonID
	}
	if d.Inspectors, err = s.cmpCadreChoices(r, c.TownID, insp); err != nil {
		return nil, err
	}
	return d, nil
}

// campaignShow is GET /campaigns/{id} (?area=&show=open|late&page=).
func (s *Server) campaignShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.campaignPageData(r, id, "", nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "campaigns_show", &Page{Title: "campaigns.show.title", Data: d})
}

// campaignFormFail shows the campaign page again with one form's errors, or fails the request
// when the error is not about the input.
func (s *Server) campaignFormFail(w http.ResponseWriter, r *http.Request, id int64, form string, err error) {
	d, derr := s.campaignPageData(r, id, form, r.PostForm)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	s.formFail(w, r, "campaigns_show", &Page{Title: "campaigns.show.title", Form: r.PostForm, Data: d}, err)
}

// campaignInspect is POST /campaigns/{id}/inspections: an area's inspection of a day.
func (s *Server) campaignInspect(w http.ResponseWriter, r *http.Request) {
	c, err := s.campaignRunning(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	var fe []errs.FieldError
	in := &campaigns.Inspection{CampaignID: c.ID, AreaID: pplID(v, "area_id", &fe), Day: v.Get("day"),
		InspectorID: pplID(v, "inspector_id", &fe), Notes: v.Get("notes")}
	err = errs.FieldsOf(fe)
	if err == nil {
		err = s.db.RecordInspection(r.Context(), actor(r), in)
	}
	if err != nil {
		s.campaignFormFail(w, r, c.ID, "inspection", err)
		return
	}
	redirectFlash(w, r, "/campaigns/"+strconv.FormatInt(c.ID, 10)+"#inspections", "flash.campaigns.inspection")
}

// campaignProblem is POST /campaigns/{id}/problems (multipart, with photos): a problem found,
// which becomes a rectification case dispatched to the area's officer. The form's idempotency
// key makes a second submit lead to the first problem.
func (s *Server) campaignProblem(w http.ResponseWriter, r *http.Request) {
	if err := caseParseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.campaignRunning(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	key, err := caseIdemKey("campaign", principal(r).UserID, v.Get("idempotency_key"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var fe []errs.FieldError
	np := storage.NewProblem{AreaID: pplID(v, "area_id", &fe), Day: v.Get("day"), CategoryID: pplID(v, "category_id", &fe),
		Title: v.Get("title"), Description: v.Get("description"), Address: v.Get("address"), IdempotencyKey: key}
	err = errs.FieldsOf(fe)
	if err == nil {
		err = s.checkPhotos(r)
	}
	var p *campaigns.Problem
	created := false
	if err == nil {
		p, created, err = s.db.RecordProblem(r.Context(), actor(r), c.ID, np)
	}
	if err != nil {
		s.campaignFormFail(w, r, c.ID, "problem", err)
		return
	}
	to := "/campaigns/" + strconv.FormatInt(c.ID, 10)
	if !created {
		redirectFlash(w, r, to+"#problems", "flash.campaigns.problem_duplicate")
		return
	}
	if err := s.attachPhotos(r, actor(r), p.CaseID, "inspection"); err != nil {
		// The problem stands; its case page takes the photos again.
		redirectFlash(w, r, "/cases/"+strconv.FormatInt(p.CaseID, 10), "flash.campaigns.problem_photos_failed")
		return
	}
	redirectFlash(w, r, to+"#problems", "flash.campaigns.problem")
}

// campaignRecheck is POST /campaigns/problems/{problem}/recheck: result=pass|fail, note,
// version. A pass resolves and checks the case if the officer has not; a failure marks the
// problem late and sends the case back to work by the next check.
func (s *Server) campaignRecheck(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "problem")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	in := storage.RecheckInput{Note: strings.TrimSpace(v.Get("note")), Version: pplVersion(v.Get("version"))}
	switch v.Get("result") {
	case "pass":
		in.Passed = true
		in.Result = s.printer(r).T("campaigns.recheck.result_default")
		if in.Note == "" {
			in.Note = in.Result
		}
	case "fail":
		if in.Note == "" {
			in.Note = s.printer(r).T("campaigns.recheck.fail_default")
		}
	default:
		s.fail(w, r, errs.Invalid(errs.Field("result", "campaigns.recheck.result_invalid")))
		return
	}
	p, err := s.db.Recheck(r.Context(), actor(r), id, in)
	if err != nil {
		if e := errs.As(err); e.Code == errs.EINVALID || e.Code == errs.EUNPROCESSABLE || e.Code == errs.ECONFLICT {
			// Show the campaign again with the reason; the problem is found again to know where.
			if c, cerr := s.problemCampaign(r, id); cerr == nil {
				s.campaignFormFail(w, r, c, "recheck", err)
				return
			}
		}
		s.fail(w, r, err)
		return
	}
	flash := "flash.campaigns.recheck_passed"
	if !in.Passed {
		flash = "flash.campaigns.recheck_failed"
	}
	redirectFlash(w, r, "/campaigns/"+strconv.FormatInt(p.CampaignID, 10)+"#due", flash)
}

// problemCampaign finds the campaign of a problem the user sees.
func (s *Server) problemCampaign(r *http.Request, problemID int64) (int64, error) {
	p, err := s.db.CampaignProblem(r.Context(), actor(r), problemID)
	if err != nil {
		return 0, err
	}
	return p.CampaignID, nil
}
