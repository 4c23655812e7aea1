package web

import (
	"net/http"
	"strings"

	"wuxing/internal/errs"
)

// apiPublicCategory is a category a resident may choose.
type apiPublicCategory struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

// apiPublicUnit tells a resident's app where it reports and what it may choose.
func (s *Server) apiPublicUnit(w http.ResponseWriter, r *http.Request) {
	u, err := s.publicUnit(r, true)
	if err != nil {
		s.publicFail(w, r, err, "public.notfound.unit")
		return
	}
	cats, err := s.publicCategories(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pr := s.printer(r)
	out := []apiPublicCategory{}
	for _, c := range cats {
		out = append(out, apiPublicCategory{ID: c.ID, Code: c.Code, Name: publicCategoryName(pr, c.Code, c.Name)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"code": u.Code, "name": u.Name, "kind": u.Kind, "categories": out,
		"report_url": s.absURL(r, "/r/"+u.Code), "board_url": s.absURL(r, "/board/"+u.Code)})
}

// apiPublicSubmit files a resident's report. The Idempotency-Key header makes a retried request
// return the first case (200) instead of making a second one (201).
func (s *Server) apiPublicSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.publicAllow(w, r, s.public.submits, false) {
		return
	}
	u, err := s.publicUnit(r, true)
	if err != nil {
		s.publicFail(w, r, err, "public.notfound.unit")
		return
	}
	var in publicReportInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	c, created, err := s.publicSubmit(r, u, in, strings.TrimSpace(r.Header.Get("Idempotency-Key")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	writeJSON(w, status, map[string]any{"tracking_code": c.TrackingCode, "number": c.Number,
		"track_url": s.absURL(r, "/t/"+c.TrackingCode), "created": created})
}

func (s *Server) apiPublicTrack(w http.ResponseWriter, r *http.Request) {
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
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiPublicRate(w http.ResponseWriter, r *http.Request) {
	if !s.publicAllow(w, r, s.public.lookups, true) {
		return
	}
	var in publicRatingInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.db.RatePublic(r.Context(), publicTrackingCode(r), in.Rating, in.Comment, in.Reopen, ctxOf(r).ip)
	if err != nil {
		if errs.Code(err) == errs.ENOTFOUND {
			s.publicFail(w, r, err, "public.notfound.tracking")
			return
		}
		s.fail(w, r, err)
		return
	}
	v, err := s.publicTrack(r, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
