package web

import (
	"net/http"
	"net/url"
	"strconv"

	"wuxing/internal/campaigns"
	"wuxing/internal/errs"
	"wuxing/internal/storage"
)

// circularDraft is POST /campaigns/{id}/circulars: kind=circular|commendation, from, to. The
// draft's title and opening come from the catalogue in the user's language, for the town to
// edit before it publishes.
func (s *Server) circularDraft(w http.ResponseWriter, r *http.Request) {
	c, err := s.campaignRunning(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	kind := campaigns.Kind(v.Get("kind"))
	form := string(kind)
	if kind != campaigns.Criticism && kind != campaigns.Commendation {
		s.fail(w, r, errs.Invalid(errs.Field("kind", "campaigns.circular.kind_invalid")))
		return
	}
	pr := s.printer(r)
	from, to := v.Get("from"), v.Get("to")
	nc := storage.NewCircular{Kind: kind, From: from, To: to,
		Title: pr.T("campaigns."+form+".default_title", c.Name),
		Body:  pr.T("campaigns."+form+".default_body", from, to, c.Name)}
	ci, err := s.db.DraftCircular(r.Context(), actor(r), c.ID, nc)
	if err != nil {
		s.campaignFormFail(w, r, c.ID, form, err)
		return
	}
	redirectFlash(w, r, "/circulars/"+strconv.FormatInt(ci.ID, 10), "flash.campaigns.drafted")
}

// circularData is the circular page: the document, and for a draft the edit form.
type circularData struct {
	C      *campaigns.Circular
	Access storage.CampaignAccess
	Keep   map[int64]bool // entries ticked in the edit form
}

func circularValues(c *campaigns.Circular) url.Values {
	v := url.Values{}
	v.Set("title", c.Title)
	v.Set("body", c.Body)
	v.Set("deadline", c.Deadline)
	v.Set("version", strconv.FormatInt(c.Version, 10))
	return v
}

func (s *Server) circularPage(w http.ResponseWriter, r *http.Request, id int64, v url.Values, err error) {
	c, acc, cerr := s.db.Circular(r.Context(), actor(r), id)
	if cerr != nil {
		s.fail(w, r, cerr)
		return
	}
	d := &circularData{C: c, Access: acc, Keep: map[int64]bool{}}
	if v == nil {
		v = circularValues(c)
		for _, x := range c.Items {
			d.Keep[x.ID] = true
		}
	} else {
		for _, k := range v["keep"] {
			if n, perr := strconv.ParseInt(k, 10, 64); perr == nil {
				d.Keep[n] = true
			}
		}
	}
	title := "campaigns.circular.title"
	if c.Kind == campaigns.Commendation {
		title = "campaigns.commendation.title"
	}
	p := &Page{Title: title, Form: v, Data: d}
	if err != nil {
		s.formFail(w, r, "campaigns_circular", p, err)
		return
	}
	s.render(w, r, http.StatusOK, "campaigns_circular", p)
}

// circularShow is GET /circulars/{id}: the printable circular or commendation; a draft shows
// its edit form to those who run the campaign.
func (s *Server) circularShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.circularPage(w, r, id, nil, nil)
}

// circularSave is POST /circulars/{id}: a draft's title, body, deadline and kept entries.
func (s *Server) circularSave(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	ed := storage.CircularEdit{Title: v.Get("title"), Body: v.Get("body"), Deadline: v.Get("deadline"),
		Keep: []int64{}, Version: pplVersion(v.Get("version"))}
	var fe []errs.FieldError
	for _, k := range v["keep"] {
		n, perr := strconv.ParseInt(k, 10, 64)
		if perr != nil {
			fe = append(fe, errs.Field("items", "validation.number"))
			break
		}
		ed.Keep = append(ed.Keep, n)
	}
	err = errs.FieldsOf(fe)
	if err == nil {
		_, err = s.db.SaveCircular(r.Context(), actor(r), id, ed)
	}
	if err != nil {
		if statusOf(err) == http.StatusNotFound || statusOf(err) == http.StatusForbidden {
			s.fail(w, r, err)
			return
		}
		s.circularPage(w, r, id, v, err)
		return
	}
	redirectFlash(w, r, "/circulars/"+strconv.FormatInt(id, 10), "flash.campaigns.circular_saved")
}

// circularPublish is POST /circulars/{id}/publish (version).
func (s *Server) circularPublish(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.db.PublishCircular(r.Context(), actor(r), id, pplVersion(r.PostFormValue("version"))); err != nil {
		if statusOf(err) == http.StatusNotFound || statusOf(err) == http.StatusForbidden {
			s.fail(w, r, err)
			return
		}
		s.circularPage(w, r, id, nil, err)
		return
	}
	redirectFlash(w, r, "/circulars/"+strconv.FormatInt(id, 10), "flash.campaigns.published")
}

// circularDelete is POST /circulars/{id}/delete (version): a draft only.
func (s *Server) circularDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, _, err := s.db.Circular(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.DeleteCircular(r.Context(), actor(r), id, pplVersion(r.PostFormValue("version"))); err != nil {
		if statusOf(err) == http.StatusNotFound || statusOf(err) == http.StatusForbidden {
			s.fail(w, r, err)
			return
		}
		s.circularPage(w, r, id, nil, err)
		return
	}
	redirectFlash(w, r, "/campaigns/"+strconv.FormatInt(c.CampaignID, 10)+"#circulars", "flash.campaigns.circular_deleted")
}
