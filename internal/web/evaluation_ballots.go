package web

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"wuxing/internal/errs"
	"wuxing/internal/evaluation"
	"wuxing/internal/storage"
)

// evalSheetPage is the printable sheet of a batch of ballots: one QR code per ballot, with its
// serial number and short code. It exists only as the answer to the issuing: the store keeps
// no token in the clear, so the sheet cannot be printed again (a lost sheet is voided and
// issued anew).
type evalSheetPage struct {
	R       *evaluation.Round
	Batch   *storage.BallotBatch
	Ballots []evalSheetBallot
	Entry   string // the address for typing a code
}

type evalSheetBallot struct {
	Serial int
	Code   string
	QR     template.URL // a data: URL of the PNG
}

// evalSheetQRScale is the pixels per module of a ballot's code: small enough for a dozen per page.
const evalSheetQRScale = 4

func (s *Server) evalIssue(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := r.PostForm
	var fe []errs.FieldError
	unit := pplID(v, "unit_id", &fe)
	n, cerr := strconv.Atoi(strings.TrimSpace(v.Get("count")))
	if cerr != nil {
		fe = append(fe, errs.Field("count", "validation.number"))
	}
	if err := errs.FieldsOf(fe); err != nil {
		s.evalShowFail(w, r, id, "ballots", err)
		return
	}
	batch, bs, err := s.db.IssueBallots(r.Context(), actor(r), id, unit, n)
	if err != nil {
		s.evalShowFail(w, r, id, "ballots", err)
		return
	}
	rd, _, err := s.db.EvalRound(r.Context(), actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &evalSheetPage{R: rd, Batch: batch, Entry: s.absURL(r, "/b")}
	for _, b := range bs {
		png, err := publicQRPNG(s.absURL(r, "/b/"+b.Token), evalSheetQRScale)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Ballots = append(d.Ballots, evalSheetBallot{Serial: b.Serial, Code: evaluation.FormatCode(b.Code),
			QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))})
	}
	s.render(w, r, http.StatusOK, "evaluation_sheet", &Page{Title: "evaluation.sheet.title", Data: d})
}

func (s *Server) evalVoid(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bid, err := pathID(r, "batch")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.db.VoidBallotBatch(r.Context(), actor(r), id, bid); err != nil {
		s.evalShowFail(w, r, id, "batches", err)
		return
	}
	redirectFlash(w, r, "/evaluation/rounds/"+strconv.FormatInt(id, 10)+"#ballots", "flash.evaluation.voided")
}
