package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/storage"
)

// publicTrackView is a case as the holder of its tracking code sees it, anonymized: the
// officials appear by their role or office, never by name; no phone number appears.
type publicTrackView struct {
	TrackingCode  string       `json:"tracking_code"`
	Number        string       `json:"number"`
	Unit          string       `json:"unit"`
	Category      string       `json:"category"`
	Title         string       `json:"title"`
	Description   string       `json:"description"`
	Status        cases.Status `json:"status"`
	StatusText    string       `json:"status_text"`
	SubmittedAt   time.Time    `json:"submitted_at"`
	Deadline      time.Time    `json:"deadline,omitzero"`
	ResolvedAt    time.Time    `json:"resolved_at,omitzero"`
	Result        string       `json:"result,omitempty"`
	Method        cases.Method `json:"method,omitempty"`
	MethodText    string       `json:"method_text,omitempty"`
	Rating        cases.Rating `json:"rating,omitempty"`
	RatingText    string       `json:"rating_text,omitempty"`
	RatingComment string       `json:"rating_comment,omitempty"`
	// CanRate says whether the rating form is open (the case passed its look-back); CanReopen
	// whether a dissatisfied rating may still ask for the case to be handled again.
	CanRate   bool         `json:"can_rate"`
	CanReopen bool         `json:"can_reopen"`
	Timeline  []publicStep `json:"timeline"`
	// Photos are the case's photos, served under /t/{tracking}/photos to the code's holder.
	Photos     []storage.CasePhoto `json:"-"`
	PhotoLinks []publicPhoto       `json:"photos"`
	// Ratings are the choices of the rating form (pages only).
	Ratings []cases.Rating `json:"-"`
}

// publicPhoto is a photo in the public API: its kind and where to fetch it.
type publicPhoto struct {
	ID       int64  `json:"id"`
	Kind     string `json:"kind"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	URL      string `json:"url"`
	ThumbURL string `json:"thumb_url"`
}

// publicStep is one step of the anonymized timeline.
type publicStep struct {
	At         time.Time    `json:"at"`
	Action     string       `json:"action"`
	Step       string       `json:"step"`
	By         string       `json:"by"`
	Status     cases.Status `json:"status"`
	StatusText string       `json:"status_text"`
	Detail     string       `json:"detail,omitempty"`
}

// publicTrackingCode is the tracking code in the path, as a resident may have typed it: any
// case, with spaces or hyphens between the groups.
func publicTrackingCode(r *http.Request) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(r.PathValue("tracking")))
}

// publicManagerActions are the steps the case's village or community (or the town above it)
// takes: the timeline names the office, not the person.
var publicManagerActions = map[string]bool{
	string(cases.Accept): true, string(cases.Reject): true, string(cases.Dispatch): true, string(cases.Escalate): true,
	string(cases.CheckPass): true, string(cases.CheckFail): true, string(cases.Close): true,
	string(cases.ApproveExtension): true, string(cases.DenyExtension): true,
}

// publicTrack builds the tracking view of c in the request's language.
func (s *Server) publicTrack(r *http.Request, c *cases.Case) (*publicTrackView, error) {
	evs, err := s.db.PublicCaseEvents(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	pr := s.printer(r)
	tr := func(prefix, code string) string {
		if code == "" {
			return ""
		}
		if pr.Has(prefix + code) {
			return pr.T(prefix + code)
		}
		return code
	}
	// Names the texts may hold: the reporter's and every handler's, masked wherever they appear.
	names := []string{c.ReporterName, c.AssigneeName}
	for _, e := range evs {
		if n, ok := e.Data["assignee_name"].(string); ok {
			names = append(names, n)
		}
	}
	v := &publicTrackView{
		TrackingCode: c.TrackingCode, Number: c.Number, Unit: c.UnitName, Category: publicCategoryName(pr, publicCategoryCode(s, r, c.CategoryID), c.CategoryName),
		Title: publicText(c.Title, names...), Description: publicText(c.Description, names...),
		Status: c.Status, StatusText: tr("cases.status.", string(c.Status)), SubmittedAt: c.SubmittedAt, ResolvedAt: c.ResolvedAt,
		Method: c.Method, MethodText: tr("cases.method.", string(c.Method)), Rating: c.Rating, RatingText: tr("cases.rating.", string(c.Rating)),
		RatingComment: publicText(c.RatingComment, names...),
		CanRate:       c.Status == cases.Checked, Ratings: cases.Ratings, Timeline: []publicStep{},
	}
	if c.Status.Open() {
		v.Deadline = c.Deadline
	}
	if !c.ResolvedAt.IsZero() && c.Status != cases.InProgress {
		v.Result = publicText(c.Result, names...)
	}
	v.CanReopen = v.CanRate && !c.Reopened
	v.Photos, err = s.db.PublicCasePhotos(r.Context(), c.TrackingCode)
	if err != nil {
		return nil, err
	}
	v.PhotoLinks = []publicPhoto{}
	for _, p := range v.Photos {
		u := "/t/" + c.TrackingCode + "/photos/" + strconv.FormatInt(p.ID, 10)
		v.PhotoLinks = append(v.PhotoLinks, publicPhoto{ID: p.ID, Kind: string(p.Kind), Width: p.Width, Height: p.Height, URL: u, ThumbURL: u + "/thumb"})
	}
	department := "" // the department the case is with, after an escalation
	for _, e := range evs {
		if e.Action == string(cases.Comment) {
			continue // officials' remarks among themselves
		}
		st := publicStep{At: e.At, Action: e.Action, Step: tr("cases.act.", e.Action), Status: e.ToStatus, StatusText: tr("cases.status.", string(e.ToStatus))}
		switch {
		case e.Action == "submit" && c.Channel == cases.PublicForm:
			st.By = pr.T("public.by.resident")
		case e.Action == "submit":
			st.By = pr.T("public.by.staff")
		case e.Action == string(cases.Rate) && e.UserID == 0:
			st.By = pr.T("public.by.resident")
		case publicManagerActions[e.Action] || e.Action == string(cases.Rate):
			st.By = c.UnitName
		case e.Action == string(cases.Urge):
			st.By = pr.T("public.by.supervisor")
		case e.Action == string(cases.Claim):
			st.By = pr.T("public.by.member")
		case department != "":
			st.By = department
		default:
			st.By = pr.T("public.by.handler")
		}
		switch cases.Action(e.Action) {
		case cases.Reject:
			st.Detail = publicText(e.Note, names...)
		case cases.Escalate:
			if d, ok := e.Data["department_name"].(string); ok {
				department = d
				st.Detail = pr.T("public.track.to_department", d)
			}
		case cases.Return:
			department = ""
		case cases.Resolve:
			if m, ok := e.Data["method"].(string); ok {
				st.Detail = tr("cases.method.", m)
			}
		case cases.Rate:
			if x, ok := e.Data["rating"].(string); ok {
				st.Detail = tr("cases.rating.", x)
			}
			if e.Data["reopened"] == true {
				st.Detail += " · " + pr.T("public.track.reopened")
			}
		case cases.ApproveExtension:
			if d, ok := e.Data["deadline"].(string); ok {
				if t, err := time.Parse(time.RFC3339, d); err == nil {
					st.Detail = pr.T("public.track.new_deadline", t.In(cst).Format("2006-01-02"))
				}
			}
		}
		v.Timeline = append(v.Timeline, st)
	}
	return v, nil
}

// publicCategoryCode is the code of a category, for its label in the request's language.
func publicCategoryCode(s *Server, r *http.Request, id int64) string {
	cats, err := s.db.Categories(r.Context(), true)
	if err != nil {
		return ""
	}
	for _, c := range cats {
		if c.ID == id {
			return c.Code
		}
	}
	return ""
}

func (s *Server) publicTrackPage(w http.ResponseWriter, r *http.Request) {
	if !s.publicAllow(w, r, s.public.lookups, true) {
		return
	}
	c, err := s.db.CaseByTracking(r.Context(), publicTrackingCode(r))
	if err != nil {
		s.publicFail(w, r, err, "public.notfound.tracking")
		return
	}
	v, err := s.publicTrack(r, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "public_track", &Page{Title: "public.track.title", Data: v, Form: url.Values{}})
}

// publicRatingInput is the resident's rating as the form or the API sends it.
type publicRatingInput struct {
	Rating  cases.Rating `json:"rating"`
	Comment string       `json:"comment"`
	Reopen  bool         `json:"reopen"`
}

func (s *Server) publicRate(w http.ResponseWriter, r *http.Request) {
	if !s.publicAllow(w, r, s.public.lookups, true) {
		return
	}
	if err := publicParseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	code := publicTrackingCode(r)
	in := publicRatingInput{Rating: cases.Rating(strings.TrimSpace(r.PostFormValue("rating"))), Comment: r.PostFormValue("comment"),
		Reopen: r.PostFormValue("reopen") != ""}
	_, err := s.db.RatePublic(r.Context(), code, in.Rating, in.Comment, in.Reopen, ctxOf(r).ip)
	if err == nil {
		redirectFlash(w, r, "/t/"+code, "flash.public.rated")
		return
	}
	if errs.Code(err) == errs.ENOTFOUND {
		s.publicFail(w, r, err, "public.notfound.tracking")
		return
	}
	c, cerr := s.db.CaseByTracking(r.Context(), code)
	if cerr != nil {
		s.publicFail(w, r, cerr, "public.notfound.tracking")
		return
	}
	v, verr := s.publicTrack(r, c)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	s.formFail(w, r, "public_track", &Page{Title: "public.track.title", Data: v}, err)
}
