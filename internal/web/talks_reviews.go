package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/errs"
	"wuxing/internal/storage"
	"wuxing/internal/talks"
)

// reviewsPage is the annual review (民主评议党员): a branch's sheet for a year, with each member's
// evaluation results and talks of the year beside the entry; without a branch chosen, the year's
// reviews and the form to open one.
type reviewsPage struct {
	Year     int
	Reviews  []talks.Review
	Branches []pplChoice
	Sheet    *storage.ReviewSheet
	Rows     []reviewRow
	Counts   map[talks.Grade]int
	Open     int // entries still undecided
	Max      int // the most members 优秀 may hold
	Share    string
	Grades   []talks.Grade
}

// reviewRow is one member's entry with the year's rounds and talks.
type reviewRow struct {
	E      talks.Entry
	Rounds []talkRoundView
	Talks  []talks.Talk
}

func (s *Server) reviewsData(r *http.Request, v url.Values) (*reviewsPage, error) {
	ctx, a := r.Context(), actor(r)
	year, err := s.talkYear(v)
	if err != nil {
		return nil, err
	}
	d := &reviewsPage{Year: year, Grades: talks.Grades}
	var fe []errs.FieldError
	unit := pplID(v, "unit", &fe)
	if err := errs.FieldsOf(fe); err != nil {
		return nil, err
	}
	if unit == 0 {
		if d.Reviews, err = s.db.Reviews(ctx, a, year); err != nil {
			return nil, err
		}
		bs, err := s.db.ReviewBranches(ctx, a)
		if err != nil {
			return nil, err
		}
		for _, b := range bs {
			d.Branches = append(d.Branches, pplChoice{Value: strconv.FormatInt(b.ID, 10), Text: b.Name})
		}
		return d, nil
	}
	if d.Sheet, err = s.db.ReviewSheet(ctx, a, unit, year); err != nil {
		return nil, err
	}
	if rv := d.Sheet.Review; rv != nil {
		rule := talks.DefaultRule()
		for _, e := range rv.Entries {
			d.Rows = append(d.Rows, reviewRow{E: e, Rounds: talkRoundsView(d.Sheet.Results[e.PersonID], rule), Talks: d.Sheet.Talks[e.PersonID]})
		}
		d.Counts, d.Open = talks.Counts(rv.Entries)
		d.Max, d.Share = talks.MaxExcellent(len(rv.Entries), rv.ExcellentShare), talkShareText(rv.ExcellentShare)
	}
	return d, nil
}

// reviewList is GET /evaluation/reviews (?unit=&year=).
func (s *Server) reviewList(w http.ResponseWriter, r *http.Request) {
	d, err := s.reviewsData(r, r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "talks_reviews", &Page{Title: "talks.review.title", Data: d})
}

// reviewOpen is POST /evaluation/reviews: unit_id, year. It lists the branch's party members.
func (s *Server) reviewOpen(w http.ResponseWriter, r *http.Request) {
	v := r.PostForm
	var fe []errs.FieldError
	unit := pplID(v, "unit_id", &fe)
	if unit == 0 {
		fe = append(fe, errs.Field("unit_id", "validation.required"))
	}
	year, yerr := s.talkYear(v)
	err := errs.FieldsOf(fe)
	if err == nil {
		err = yerr
	}
	if err == nil {
		_, err = s.db.OpenReview(r.Context(), actor(r), unit, year)
	}
	if err != nil {
		d, derr := s.reviewsData(r, url.Values{"year": {v.Get("year")}})
		if derr != nil {
			d, derr = s.reviewsData(r, url.Values{})
		}
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formFail(w, r, "talks_reviews", &Page{Title: "talks.review.title", Form: v, Data: d}, err)
		return
	}
	redirectFlash(w, r, "/evaluation/reviews?unit="+strconv.FormatInt(unit, 10)+"&year="+strconv.Itoa(year), "flash.talks.review_opened")
}

// reviewEntryPage is the form of one member's entry.
type reviewEntryPage struct {
	E      *talks.Entry
	R      *talks.Review
	Edit   bool
	Values url.Values
	Grades []pplChoice
	Max    int
}

func (s *Server) reviewEntryData(r *http.Request, id int64, v url.Values) (*reviewEntryPage, error) {
	e, rv, edit, err := s.db.ReviewEntry(r.Context(), actor(r), id)
	if err != nil {
		return nil, err
	}
	d := &reviewEntryPage{E: e, R: rv, Edit: edit, Values: v, Max: talks.MaxExcellent(len(rv.Entries), rv.ExcellentShare)}
	if d.Values == nil {
		d.Values = url.Values{"self_review": {e.SelfReview}, "poll_excellent": {strconv.Itoa(e.Poll.Excellent)},
			"poll_qualified": {strconv.Itoa(e.Poll.Qualified)}, "poll_basic": {strconv.Itoa(e.Poll.Basic)},
			"poll_unqualified": {strconv.Itoa(e.Poll.Unqualified)}, "grade": {string(e.Grade)}, "version": {strconv.FormatInt(e.Version, 10)}}
		if e.MutualScore >= 0 {
			d.Values.Set("mutual_score", strconv.Itoa(e.MutualScore))
		}
	}
	d.Grades = []pplChoice{{Value: "", Key: "talks.grade.undecided", Selected: d.Values.Get("grade") == ""}}
	for _, g := range talks.Grades {
		d.Grades = append(d.Grades, pplChoice{Value: string(g), Key: "talks.grade." + string(g), Selected: d.Values.Get("grade") == string(g)})
	}
	return d, nil
}

// reviewEntry is GET /evaluation/reviews/entries/{reviewentry}.
func (s *Server) reviewEntry(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "reviewentry")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.reviewEntryData(r, id, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "talks_entry", &Page{Title: "talks.entry.title", Data: d})
}

// entryFromForm reads an entry's form (or the API's fields, as form values).
func entryFromForm(v url.Values) (talks.Entry, error) {
	var fe []errs.FieldError
	e := talks.Entry{SelfReview: strings.TrimSpace(v.Get("self_review")), Grade: talks.Grade(v.Get("grade")),
		Version: pplVersion(v.Get("version"))}
	e.MutualScore = talkIntField(v, "mutual_score", -1, &fe)
	e.Poll = talks.Poll{Excellent: talkIntField(v, "poll_excellent", 0, &fe), Qualified: talkIntField(v, "poll_qualified", 0, &fe),
		Basic: talkIntField(v, "poll_basic", 0, &fe), Unqualified: talkIntField(v, "poll_unqualified", 0, &fe)}
	return e, errs.FieldsOf(fe)
}

// reviewEntrySave is POST /evaluation/reviews/entries/{reviewentry}.
func (s *Server) reviewEntrySave(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "reviewentry")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	in, err := entryFromForm(v)
	var e *talks.Entry
	if err == nil {
		e, err = s.db.SaveReviewEntry(r.Context(), actor(r), id, in)
	}
	if err != nil {
		d, derr := s.reviewEntryData(r, id, v)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		s.formFail(w, r, "talks_entry", &Page{Title: "talks.entry.title", Form: v, Data: d}, err)
		return
	}
	_, rv, _, err := s.db.ReviewEntry(r.Context(), actor(r), e.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/evaluation/reviews?unit="+strconv.FormatInt(rv.UnitID, 10)+"&year="+strconv.Itoa(rv.Year),
		"flash.talks.entry_saved")
}
