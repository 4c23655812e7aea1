package web

import (
	"net/http"

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
	// The totals are the store's sums, right however many entries the list above holds.
	total, err := s.db.PointsTotal(ctx, a, k, id, span.From, span.To)
	if err != nil {
		return nil, err
	}
	yearTotal, err := s.db.PointsTotal(ctx, a, k, id, year.From, year.To)
	if err != nil {
		return nil, err
	}
	dims := map[string]int64{}
	var order []string
	for _, e := range all {
		if e.OccurredOn < span.From || e.OccurredOn > span.To {
			continue
		}
		d.Entries = append(d.Entries, e)
		if e.Status == points.Approved {
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
	if d.XGraded, err = s.db.PointsXGraded(ctx, a, k, id, span.Key); err != nil {
		return nil, err
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
	pr := s.printer(r)
	x, err := xlsx.NewPointsExport(r.Context(), s.db, actor(r), d.UnitID, d.Kind, span, pr)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer x.Close()
	s.log.Info("export", "kind", "points", "rows", x.Rows)
	day := s.clock.Now().In(cst).Format("20060102")
	dataDownloadHeaders(w, "points-"+span.Key+"-"+day+".xlsx", pr.T("points.export.sheet")+"_"+span.Key+".xlsx")
	if _, err := x.WriteTo(w); err != nil {
		s.log.Error("export write", "kind", "points", "err", err)
	}
}
