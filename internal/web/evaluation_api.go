package web

import (
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"wuxing/internal/errs"
	"wuxing/internal/evaluation"
	"wuxing/internal/photo"
	"wuxing/internal/storage"
	"wuxing/internal/talks"
)

// The JSON API of meeting tallies and of the annual review, scoped exactly like their pages
// (evaluation_tallies.go, talks_reviews.go): the same data functions, the same store calls.

// apiTallyLine is one line of a tally: the counts of one target on one dimension.
type apiTallyLine struct {
	TargetID     int64  `json:"target_id"`
	Dimension    string `json:"dimension"`
	Satisfied    int    `json:"satisfied"`
	Basic        int    `json:"basic"`
	Dissatisfied int    `json:"dissatisfied"`
}

// apiTallyView is a unit's tally in a round, with the targets it counts and what the caller may do.
type apiTallyView struct {
	RoundID    int64                `json:"round_id"`
	UnitID     int64                `json:"unit_id"`
	UnitName   string               `json:"unit_name"`
	Dimensions []string             `json:"dimensions"`
	Targets    []storage.EvalTarget `json:"targets"`
	Tally      *storage.EvalTally   `json:"tally"` // null until entered
	Lines      []apiTallyLine       `json:"lines"`
	CanEnter   bool                 `json:"can_enter"`
	MayConfirm bool                 `json:"may_confirm"`
}

func apiTallyOf(d *evalTallyPage) apiTallyView {
	v := apiTallyView{RoundID: d.R.ID, UnitID: d.UnitID, UnitName: d.UnitName, Dimensions: d.R.Dimensions, Targets: d.Targets, Tally: d.Tally,
		Lines: []apiTallyLine{}, CanEnter: d.CanEnter, MayConfirm: d.MayConfirm}
	if d.Tally != nil {
		for _, l := range d.Tally.Lines {
			v.Lines = append(v.Lines, apiTallyLine{TargetID: l.TargetID, Dimension: l.Dimension, Satisfied: l.Satisfied, Basic: l.Basic,
				Dissatisfied: l.Dissatisfied})
		}
	}
	return v
}

// apiEvalTally is GET /api/v1/evaluation/rounds/{id}/units/{unit}/tally.
func (s *Server) apiEvalTally(w http.ResponseWriter, r *http.Request) {
	d, err := s.evalTallyData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tally": apiTallyOf(d)})
}

// apiTallyInput is a tally as the API takes it: the counts per target and dimension, the
// ballots issued, and the sheet's photo (base64 of the JPEG or PNG file; required for a new
// tally, optional for a correction of one that has a photo). Version is 0 for a new tally.
type apiTallyInput struct {
	BallotsIssued int            `json:"ballots_issued"`
	Notes         string         `json:"notes"`
	Lines         []apiTallyLine `json:"lines"`
	Photo         string         `json:"photo"`
	PhotoName     string         `json:"photo_name"`
	Version       int64          `json:"version"`
}

// apiEvalTallyEnter is POST /api/v1/evaluation/rounds/{id}/units/{unit}/tally: enter (or, before
// its confirmation, correct) a unit's tally, as JSON (apiTallyInput).
func (s *Server) apiEvalTallyEnter(w http.ResponseWriter, r *http.Request) {
	d, err := s.evalTallyData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err = s.apiTallySave(r, d); err != nil {
		s.fail(w, r, err)
		return
	}
	if d, err = s.evalTallyData(r); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tally": apiTallyOf(d)})
}

func (s *Server) apiTallySave(r *http.Request, d *evalTallyPage) error {
	var in apiTallyInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	nt := storage.NewTally{BallotsIssued: in.BallotsIssued, Notes: in.Notes, Version: in.Version}
	for _, l := range in.Lines {
		nt.Lines = append(nt.Lines, evaluation.TallyLine{TargetID: l.TargetID, Dimension: l.Dimension,
			Counts: evaluation.Counts{Satisfied: l.Satisfied, Basic: l.Basic, Dissatisfied: l.Dissatisfied}})
	}
	if in.Photo != "" {
		data, err := base64.StdEncoding.DecodeString(in.Photo)
		if err != nil {
			return errs.Invalid(errs.Field(photo.Field, "evaluation.error.photo"))
		}
		name := in.PhotoName
		if name == "" {
			name = "tally"
		}
		if len(data) > photo.MaxBytes {
			return photo.Fail("photos.too_large", name, photo.MaxBytes>>20)
		}
		if nt.Photo, err = photo.Process(name, data); err != nil {
			return err
		}
	}
	_, err := s.db.EnterTally(r.Context(), actor(r), d.R.ID, d.UnitID, nt)
	return err
}

// apiEvalTallyConfirm is POST /api/v1/evaluation/tallies/{tally}/confirm: {version}. Someone other
// than the enterer confirms; the tally then counts.
func (s *Server) apiEvalTallyConfirm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "tally")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in struct {
		Version int64 `json:"version"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	x, err := s.db.ConfirmTally(r.Context(), actor(r), id, in.Version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tally": x})
}

// apiReviewEntry is one member's entry in the annual review, with the year's rounds and talks.
type apiReviewEntry struct {
	ID          int64           `json:"id"`
	PersonID    int64           `json:"person_id"`
	Name        string          `json:"name"`
	SelfReview  string          `json:"self_review"`
	MutualScore *int            `json:"mutual_score"` // null when not entered
	Poll        apiReviewPoll   `json:"poll"`
	Grade       string          `json:"grade"` // "" while undecided
	DecidedBy   string          `json:"decided_by,omitempty"`
	DecidedAt   *time.Time      `json:"decided_at,omitempty"`
	Version     int64           `json:"version"`
	Rounds      []talkRoundView `json:"rounds,omitempty"`
	Talks       []talkJSON      `json:"talks,omitempty"`
}

type apiReviewPoll struct {
	Excellent   int `json:"excellent"`
	Qualified   int `json:"qualified"`
	Basic       int `json:"basic"`
	Unqualified int `json:"unqualified"`
}

func apiReviewEntryOf(e *talks.Entry) apiReviewEntry {
	out := apiReviewEntry{ID: e.ID, PersonID: e.PersonID, Name: e.PersonName, SelfReview: e.SelfReview, Grade: string(e.Grade),
		DecidedBy: e.DecidedBy, DecidedAt: e.DecidedAt, Version: e.Version,
		Poll: apiReviewPoll{Excellent: e.Poll.Excellent, Qualified: e.Poll.Qualified, Basic: e.Poll.Basic, Unqualified: e.Poll.Unqualified}}
	if e.MutualScore >= 0 {
		n := e.MutualScore
		out.MutualScore = &n
	}
	return out
}

// apiReviewView is a branch's review of a year.
type apiReviewView struct {
	ID             int64            `json:"id"`
	Year           int              `json:"year"`
	UnitID         int64            `json:"unit_id"`
	UnitName       string           `json:"unit_name"`
	ExcellentShare string           `json:"excellent_share"` // percent of the members
	MaxExcellent   int              `json:"max_excellent"`
	Counts         map[string]int   `json:"counts"`
	Undecided      int              `json:"undecided"`
	Version        int64            `json:"version"`
	Entries        []apiReviewEntry `json:"entries,omitempty"`
}

func apiReviewOf(rv *talks.Review) apiReviewView {
	counts, open := talks.Counts(rv.Entries)
	out := apiReviewView{ID: rv.ID, Year: rv.Year, UnitID: rv.UnitID, UnitName: rv.UnitName, ExcellentShare: talkShareText(rv.ExcellentShare),
		MaxExcellent: talks.MaxExcellent(len(rv.Entries), rv.ExcellentShare), Counts: map[string]int{}, Undecided: open, Version: rv.Version}
	for _, g := range talks.Grades {
		out.Counts[string(g)] = counts[g]
	}
	return out
}

// apiReviews is GET /api/v1/evaluation/reviews (?unit=&year=): without a unit, the year's reviews
// the caller sees; with one, that branch's review (null until opened) with each member's entry,
// rounds and talks of the year.
func (s *Server) apiReviews(w http.ResponseWriter, r *http.Request) {
	d, err := s.reviewsData(r, r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Sheet == nil {
		list := make([]apiReviewView, 0, len(d.Reviews))
		for i := range d.Reviews {
			list = append(list, apiReviewOf(&d.Reviews[i]))
		}
		writeJSON(w, http.StatusOK, map[string]any{"year": d.Year, "reviews": list})
		return
	}
	out := map[string]any{"year": d.Year, "unit_id": d.Sheet.Unit.ID, "unit_name": d.Sheet.Unit.Name, "can_edit": d.Sheet.CanEdit, "review": nil}
	if rv := d.Sheet.Review; rv != nil {
		v := apiReviewOf(rv)
		v.UnitName = d.Sheet.Unit.Name
		v.Entries = []apiReviewEntry{}
		for _, row := range d.Rows {
			e := apiReviewEntryOf(&row.E)
			e.Rounds = row.Rounds
			for i := range row.Talks {
				e.Talks = append(e.Talks, talkToJSON(&row.Talks[i], talks.Rule{}, false))
			}
			v.Entries = append(v.Entries, e)
		}
		out["review"] = v
	}
	writeJSON(w, http.StatusOK, out)
}

// apiReviewEntryInput changes a member's entry: only the fields given change (grade "" makes
// it undecided again); version is the entry's.
type apiReviewEntryInput struct {
	SelfReview  *string        `json:"self_review"`
	MutualScore *int           `json:"mutual_score"` // -1 clears it
	Poll        *apiReviewPoll `json:"poll"`
	Grade       *string        `json:"grade"`
	Version     int64          `json:"version"`
}

// apiReviewEntrySave is POST /api/v1/evaluation/reviews/entries/{reviewentry}: set a member's
// grade (with the check that 优秀 stays within the review's share) or the figures it rests on.
func (s *Server) apiReviewEntrySave(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "reviewentry")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in apiReviewEntryInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	e, _, _, err := s.db.ReviewEntry(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	next := talks.Entry{SelfReview: e.SelfReview, MutualScore: e.MutualScore, Poll: e.Poll, Grade: e.Grade, Version: in.Version}
	if in.SelfReview != nil {
		next.SelfReview = strings.TrimSpace(*in.SelfReview)
	}
	if in.MutualScore != nil {
		next.MutualScore = *in.MutualScore
	}
	if p := in.Poll; p != nil {
		next.Poll = talks.Poll{Excellent: p.Excellent, Qualified: p.Qualified, Basic: p.Basic, Unqualified: p.Unqualified}
	}
	if in.Grade != nil {
		next.Grade = talks.Grade(*in.Grade) // the store checks it
	}
	saved, err := s.db.SaveReviewEntry(r.Context(), actor(r), id, next)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, rv, _, err := s.db.ReviewEntry(r.Context(), actor(r), saved.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"entry": apiReviewEntryOf(e), "review": apiReviewOf(rv)})
}
