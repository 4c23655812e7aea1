package web

import (
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/points"
	"wuxing/internal/storage"
	"wuxing/internal/xlsx"
)

// pointsLedgerData is a target's ledger.
type pointsLedgerData struct {
	Target     *storage.PointsTarget
	Span       points.Span
	Year       points.Span
	Entries    []points.Entry
	Total      string // approved in the period
	YearTotal  string
	Dimensions []pointsDim
	Chart      pointsChart
	Pager      Pager
	CanEnter   bool
	CanGrade   bool
	XGraded    bool
}

// pointsDim is a dimension's subtotal in the period.
type pointsDim struct {
	Dimension string
	Total     string
}

// pointsTargetFrom reads the {points_kind}/{points_target} path.
func pointsTargetFrom(r *http.Request) (points.TargetKind, int64, error) {
	k := points.TargetKind(r.PathValue("points_kind"))
	id, err := pathID(r, "points_target")
	if err != nil || !k.Valid() {
		return "", 0, errs.NotFound()
	}
	return k, id, nil
}

// pointsLedger is GET /points/targets/{points_kind}/{points_target}?period=: the target's
// entries, every one traceable to its rule and source, its totals (sums of approved entries) and
// a chart of its points month by month through the year.
func (s *Server) pointsLedger(w http.ResponseWriter, r *http.Request) {
	d, err := s.pointsLedgerOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "points_target", &Page{Title: "points.ledger.title", Data: d})
}

func (s *Server) pointsLedgerOf(r *http.Request) (*pointsLedgerData, error) {
	k, id, err := pointsTargetFrom(r)
	if err != nil {
		return nil, err
	}
	ctx, a := r.Context(), actor(r)
	pt, err := s.db.PointsTargetOf(ctx, a, k, id)
	if err != nil {
		return nil, err
	}
	today := points.Today(s.clock.Now())
	span, _ := points.SpanOf(points.Year, today)
	if p := r.URL.Query().Get("period"); p != "" {
		if span, err = points.ParseSpan(p); err != nil {
			return nil, err
		}
	}
	year, _ := points.SpanOf(points.Year, span.From)
	// The whole year's entries make the chart and the totals; the list shows the period's.
	all, _, err := s.db.PointsEntries(ctx, a, storage.PointsEntryFilter{TargetKind: k, TargetID: id, From: year.From, To: year.To, Limit: 1000})
	if err != nil {
		return nil, err
	}
	d := &pointsLedgerData{Target: pt, Span: span, Year: year, CanEnter: principal(r).CanAt(authz.EnterPoints, pt.UnitPath),
		CanGrade: principal(r).CanAt(authz.ApprovePoints, pt.UnitPath)}
	var total, yearTotal int64
	dims := map[string]int64{}
	var order []string
	for _, e := range all {
		if e.Status == points.Approved {
			yearTotal += e.Points
		}
		if e.OccurredOn < span.From || e.OccurredOn > span.To {
			continue
		}
		d.Entries = append(d.Entries, e)
		if e.Status == points.Approved {
			total += e.Points
			if _, ok := dims[e.Dimension]; !ok {
				order = append(order, e.Dimension)
			}
			dims[e.Dimension] += e.Points
		}
	}
	for _, dim := range order {
		d.Dimensions = append(d.Dimensions, pointsDim{Dimension: dim, Total: points.Format(dims[dim])})
	}
	d.Total, d.YearTotal = points.Format(total), points.Format(yearTotal)
	d.Chart = pointsChartOf(all, year)
	rk, err := s.db.PointsRanking(ctx, a, pt.UnitID, k, span)
	if err == nil {
		for _, st := range rk.Standings {
			if st.ID == id && st.XGraded {
				d.XGraded = true
			}
		}
	}
	return d, nil
}

// pointsExport is GET /points/ranking.xlsx: the horse race as on screen, streamed to a workbook.
func (s *Server) pointsExport(w http.ResponseWriter, r *http.Request) {
	pp := principal(r)
	if !pp.Can(authz.ViewPoints) || !pp.Can(authz.ExportData) {
		s.fail(w, r, errs.Forbidden())
		return
	}
	d, span, err := s.pointsSelection(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.UnitID == 0 {
		s.fail(w, r, errs.NotFound())
		return
	}
	rk, err := s.db.PointsRanking(r.Context(), actor(r), d.UnitID, d.Kind, span)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pr := s.printer(r)
	f := excelize.NewFile()
	defer f.Close()
	sheet := pr.T("points.export.sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		s.fail(w, r, err)
		return
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	title := rk.UnitName + " · " + pr.T("points.kind."+string(rk.Kind)) + " · " + span.Key
	rows := [][]any{{xlsx.Escape(title)}, {pr.T("points.col.rank"), pr.T("points.col.name"), pr.T("points.col.unit"), pr.T("points.col.total"),
		pr.T("points.col.entries"), pr.T("points.col.grade")}}
	for _, st := range rk.Standings {
		rank := any(st.Rank)
		if st.Rank == 0 {
			rank = "—"
		}
		total, _ := strconv.ParseFloat(points.Format(st.Total), 64)
		rows = append(rows, []any{rank, xlsx.Escape(st.Name), xlsx.Escape(st.UnitName), total, st.Entries, pr.T("points.grade." + string(st.Grade))})
	}
	for i, row := range rows {
		ref, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(ref, row); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if err := sw.Flush(); err != nil {
		s.fail(w, r, err)
		return
	}
	day := s.clock.Now().In(cst).Format("20060102")
	dataDownloadHeaders(w, "points-"+span.Key+"-"+day+".xlsx", pr.T("points.export.sheet")+"_"+span.Key+".xlsx")
	if _, err := f.WriteTo(w); err != nil {
		s.log.Error("points export write", "err", err)
	}
}
