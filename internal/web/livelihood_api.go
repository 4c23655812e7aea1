package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wuxing/internal/errs"
	"wuxing/internal/livelihood"
)

// livLeaderJSON is a leader in the API: name, post and unit; never a phone.
type livLeaderJSON struct {
	PersonID  int64     `json:"person_id"`
	Name      string    `json:"name"`
	Post      string    `json:"post,omitempty"`
	Unit      string    `json:"unit"`
	ClaimedBy string    `json:"claimed_by"`
	ClaimedAt time.Time `json:"claimed_at"`
}

type livProjectJSON struct {
	ID          int64           `json:"id"`
	UnitID      int64           `json:"unit_id"`
	UnitName    string          `json:"unit_name"`
	Title       string          `json:"title"`
	Description string          `json:"description,omitempty"`
	Category    string          `json:"category"`
	Measure     string          `json:"measure"`
	Target      string          `json:"target"`
	Done        string          `json:"done"`
	Percent     int             `json:"percent"`
	Status      string          `json:"status"`
	Year        int             `json:"year"`
	Deadline    string          `json:"deadline,omitempty"`
	Closed      bool            `json:"closed"`
	Leaders     []livLeaderJSON `json:"leaders"`
	Version     int64           `json:"version"`
}

type livReportJSON struct {
	ID         int64     `json:"id"`
	Day        string    `json:"day"`
	Quantity   string    `json:"quantity"`
	Note       string    `json:"note,omitempty"`
	CompoundID int64     `json:"compound_id,omitempty"`
	Compound   string    `json:"compound,omitempty"`
	Corrects   int64     `json:"corrects,omitempty"`
	Superseded bool      `json:"superseded"`
	Reporter   string    `json:"reporter"`
	CreatedAt  time.Time `json:"created_at"`
	Photos     []string  `json:"photos"`
}

func livJSON(p *livelihood.Project) livProjectJSON {
	out := livProjectJSON{ID: p.ID, UnitID: p.UnitID, UnitName: p.UnitName, Title: p.Title, Description: p.Description,
		Category: string(p.Category), Measure: p.Measure, Target: p.Target.String(), Done: p.Done.String(), Percent: p.Percent(),
		Status: string(p.Status()), Year: p.Year, Deadline: p.Deadline, Closed: p.Closed, Leaders: []livLeaderJSON{}, Version: p.Version}
	for _, l := range p.Leaders {
		out.Leaders = append(out.Leaders, livLeaderJSON{PersonID: l.PersonID, Name: l.Name, Post: l.Post, Unit: l.UnitName,
			ClaimedBy: l.ClaimedBy, ClaimedAt: l.ClaimedAt})
	}
	return out
}

func livReportsJSON(p *livelihood.Project, rs []livelihood.Report) []livReportJSON {
	out := make([]livReportJSON, 0, len(rs))
	for _, r := range rs {
		j := livReportJSON{ID: r.ID, Day: r.Day, Quantity: r.Quantity.String(), Note: r.Note, CompoundID: r.CompoundID,
			Compound: r.CompoundName, Corrects: r.Corrects, Superseded: r.Superseded, Reporter: r.ReporterName, CreatedAt: r.CreatedAt,
			Photos: []string{}}
		for _, ph := range r.Photos {
			j.Photos = append(j.Photos, "/livelihood/"+strconv.FormatInt(p.ID, 10)+"/photos/"+strconv.FormatInt(ph.ID, 10))
		}
		out = append(out, j)
	}
	return out
}

// apiLivList is GET /api/v1/livelihood?year=&unit=&status=&q=&limit=&offset=.
func (s *Server) apiLivList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := livFilterFrom(q)
	var fe []errs.FieldError
	f.Limit, f.Offset = svcListArgs(q, &fe)
	if err == nil {
		err = errs.FieldsOf(fe)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, total, err := s.db.LivelihoodProjects(r.Context(), actor(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]livProjectJSON, 0, len(list))
	for i := range list {
		out = append(out, livJSON(&list[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"projects": out, "total": total})
}

// apiLivShow is GET /api/v1/livelihood/{id}: the project with its leaders and every report.
func (s *Server) apiLivShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, rs, acc, err := s.db.LivelihoodProject(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"project": livJSON(p), "reports": livReportsJSON(p, rs),
		"can": map[string]bool{"manage": acc.Manage, "report": acc.Report, "claim": acc.Claim}})
}

// livReportBody is a progress report in the API; quantity is a decimal string ("12.5").
type livReportBody struct {
	Day        string `json:"day"`
	Quantity   string `json:"quantity"`
	Note       string `json:"note"`
	CompoundID int64  `json:"compound_id"`
	Version    int64  `json:"version"`
}

// apiLivReport is POST /api/v1/livelihood/{id}/reports: a JSON report, or a multipart form with
// the same fields and up to photo.MaxPerStep files in "photos".
func (s *Server) apiLivReport(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var v url.Values
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if _, err := photoFiles(r); err != nil {
			s.fail(w, r, err)
			return
		}
		v = url.Values(r.MultipartForm.Value)
	} else {
		var b livReportBody
		if err := decodeJSON(r, &b); err != nil {
			s.fail(w, r, err)
			return
		}
		v = url.Values{"day": {b.Day}, "quantity": {b.Quantity}, "note": {b.Note},
			"compound_id": {strconv.FormatInt(b.CompoundID, 10)}, "version": {strconv.FormatInt(b.Version, 10)}}
	}
	if err := s.livSubmitReport(r, id, v); err != nil {
		s.fail(w, r, err)
		return
	}
	p, rs, _, err := s.db.LivelihoodProject(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"project": livJSON(p), "reports": livReportsJSON(p, rs)})
}
