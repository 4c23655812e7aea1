package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wuxing/internal/errs"
	"wuxing/internal/evaluation"
	"wuxing/internal/photo"
	"wuxing/internal/storage"
)

// evalTallyPage is a unit's meeting tally: the form to enter or correct it (counts per target
// and dimension, the ballots issued, the sheet's photo) and, once entered, its confirmation by
// a second official.
type evalTallyPage struct {
	R          *evaluation.Round
	UnitID     int64
	UnitName   string
	Targets    []storage.EvalTarget
	Tally      *storage.EvalTally
	CanEnter   bool
	MayConfirm bool // entered by someone else: this user may confirm
	Ratings    []evaluation.Rating
}

// Field is the form field of a count.
func (p *evalTallyPage) Field(target int64, dim string, r evaluation.Rating) string {
	return fmt.Sprintf("c_%d_%s_%s", target, dim, r)
}

func (s *Server) evalTallyData(r *http.Request) (*evalTallyPage, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	uid, err := pathID(r, "unit")
	if err != nil {
		return nil, err
	}
	ctx, a := r.Context(), actor(r)
	rd, _, err := s.db.EvalRound(ctx, a, id)
	if err != nil {
		return nil, err
	}
	xs, err := s.db.EvalTargets(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := &evalTallyPage{R: rd, UnitID: uid, Ratings: evaluation.Ratings}
	for _, x := range xs {
		if x.BranchID == uid {
			d.Targets = append(d.Targets, x)
			d.UnitName = x.BranchName
		}
	}
	if len(d.Targets) == 0 {
		return nil, errs.NotFound()
	}
	if d.Tally, err = s.db.EvalTallyForUnit(ctx, a, id, uid); err != nil {
		return nil, err
	}
	p := principal(r)
	d.CanEnter = rd.Status == evaluation.Open && evalCanTally(p, d.Targets, uid) && (d.Tally == nil || !d.Tally.Confirmed())
	d.MayConfirm = d.CanEnter && d.Tally != nil && (p.System || d.Tally.EnteredBy != p.UserID)
	return d, nil
}

// evalTallyValues are a tally's figures as the form shows them.
func (d *evalTallyPage) values() url.Values {
	v := url.Values{}
	if d.Tally == nil {
		return v
	}
	v.Set("ballots_issued", strconv.Itoa(d.Tally.BallotsIssued))
	v.Set("notes", d.Tally.Notes)
	v.Set("version", strconv.FormatInt(d.Tally.Version, 10))
	for _, l := range d.Tally.Lines {
		for _, r := range evaluation.Ratings {
			v.Set(d.Field(l.TargetID, l.Dimension, r), strconv.Itoa(l.Of(r)))
		}
	}
	return v
}

func (s *Server) evalTallyForm(w http.ResponseWriter, r *http.Request) {
	d, err := s.evalTallyData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "evaluation_tally", &Page{Title: "evaluation.tally.title", Data: d, Form: d.values()})
}

// evalTallyFrom reads the counts of the tally form: c_<target>_<dimension>_<rating>, blank as 0.
func evalTallyFrom(v url.Values, d *evalTallyPage) (storage.NewTally, []errs.FieldError) {
	var fe []errs.FieldError
	nt := storage.NewTally{Notes: v.Get("notes"), Version: pplVersion(v.Get("version"))}
	n, err := strconv.Atoi(strings.TrimSpace(v.Get("ballots_issued")))
	if err != nil {
		fe = append(fe, errs.Field("ballots_issued", "validation.number"))
	}
	nt.BallotsIssued = n
	for _, x := range d.Targets {
		for _, dim := range d.R.Dimensions {
			l := evaluation.TallyLine{TargetID: x.ID, Dimension: dim}
			for _, r := range evaluation.Ratings {
				name := d.Field(x.ID, dim, r)
				s := strings.TrimSpace(v.Get(name))
				if s == "" {
					continue
				}
				k, err := strconv.Atoi(s)
				if err != nil {
					fe = append(fe, errs.Field(name, "validation.number"))
					continue
				}
				switch r {
				case evaluation.Satisfied:
					l.Satisfied = k
				case evaluation.Basic:
					l.Basic = k
				default:
					l.Dissatisfied = k
				}
			}
			nt.Lines = append(nt.Lines, l)
		}
	}
	return nt, fe
}

func (s *Server) evalTallyEnter(w http.ResponseWriter, r *http.Request) {
	d, err := s.evalTallyData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	err = s.evalTallySave(r, d, v)
	if err != nil {
		// Line errors are named c_<target>_<dimension>: show them on the line's first count.
		if e := errs.As(err); e != nil {
			for i, f := range e.Fields {
				if strings.HasPrefix(f.Field, "c_") && strings.Count(f.Field, "_") == 2 {
					e.Fields[i].Field = f.Field + "_" + string(evaluation.Satisfied)
				}
			}
		}
		s.formFail(w, r, "evaluation_tally", &Page{Title: "evaluation.tally.title", Data: d, Form: v}, err)
		return
	}
	redirectFlash(w, r, fmt.Sprintf("/evaluation/rounds/%d/units/%d/tally", d.R.ID, d.UnitID), "flash.evaluation.tally_entered")
}

func (s *Server) evalTallySave(r *http.Request, d *evalTallyPage, v url.Values) error {
	files, err := photoFiles(r)
	if err != nil {
		return err
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	nt, fe := evalTallyFrom(v, d)
	if err := errs.FieldsOf(fe); err != nil {
		return err
	}
	if len(files) > 1 {
		return photo.Fail("photos.too_many", 1)
	}
	if len(files) == 1 {
		name, data, err := readPhoto(files[0], 0)
		if err != nil {
			return err
		}
		if nt.Photo, err = photo.Process(name, data); err != nil {
			return err
		}
	}
	_, err = s.db.EnterTally(r.Context(), actor(r), d.R.ID, d.UnitID, nt)
	return err
}

func (s *Server) evalTallyConfirm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "tally")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	x, err := s.db.ConfirmTally(r.Context(), actor(r), id, pplVersion(r.PostFormValue("version")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	redirectFlash(w, r, fmt.Sprintf("/evaluation/rounds/%d/units/%d/tally", x.RoundID, x.UnitID), "flash.evaluation.tally_confirmed")
}

func (s *Server) evalTallyPhoto(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "tally")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.db.EvalTallyPhoto(r.Context(), actor(r), id, r.URL.Query().Get("thumb") != "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", p.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(p.Data)))
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Write(p.Data)
}
