package web

import (
	"net/http"
	"time"

	"wuxing/internal/privacy"
	"wuxing/internal/storage"
)

// publicNotice is one case on the notice board (公示栏), anonymized: the reporter's name
// masked, no phone, numbers and known names masked in the texts.
type publicNotice struct {
	Number    string
	Unit      string
	Category  string
	Title     string
	Result    string
	MethodKey string
	RatingKey string
	StatusKey string
	Reporter  string // masked, or empty for an anonymous report
	Submitted time.Time
	Resolved  time.Time
	Photos    []storage.CasePhoto // "after" photos, which the board publishes
}

// publicBoardData is a page of a unit's notice board.
type publicBoardData struct {
	UnitName  string
	UnitCode  string
	KindKey   string
	Reporting bool // residents report to this unit: show the link to the form
	Notices   []publicNotice
	Pager     Pager
	Printed   time.Time
}

// publicBoardPer is the length of a page of the notice board: one printed sheet or two.
const publicBoardPer = 20

func (s *Server) publicBoard(w http.ResponseWriter, r *http.Request) {
	u, err := s.publicUnit(r, false)
	if err != nil {
		s.publicFail(w, r, err, "public.notfound.unit")
		return
	}
	pg := pagerFrom(r)
	pg.Per = publicBoardPer
	list, total, err := s.db.PublicNotices(r.Context(), u.ID, pg.Offset(), pg.Per)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg.Total = total
	cats, err := s.db.Categories(r.Context(), true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	codes := map[int64]string{}
	for _, c := range cats {
		codes[c.ID] = c.Code
	}
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	photos, err := s.db.BoardPhotos(r.Context(), ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pr := s.printer(r)
	d := publicBoardData{UnitName: u.Name, UnitCode: u.Code, KindKey: "kind." + string(u.Kind), Reporting: publicReportable(u.Kind),
		Pager: pg, Printed: s.clock.Now()}
	for _, c := range list {
		names := []string{c.ReporterName, c.AssigneeName}
		n := publicNotice{Number: c.Number, Unit: c.UnitName, Category: publicCategoryName(pr, codes[c.CategoryID], c.CategoryName),
			Title: publicText(c.Title, names...), Result: publicText(c.Result, names...), StatusKey: "cases.status." + string(c.Status),
			Reporter: privacy.MaskName(c.ReporterName), Submitted: c.SubmittedAt, Resolved: c.ResolvedAt,
			Photos: photos[c.ID]}
		if c.Method != "" {
			n.MethodKey = "cases.method." + string(c.Method)
		}
		if c.Rating != "" {
			n.RatingKey = "cases.rating." + string(c.Rating)
		}
		d.Notices = append(d.Notices, n)
	}
	s.render(w, r, http.StatusOK, "public_board", &Page{Title: "public.board.title", Data: d})
}
