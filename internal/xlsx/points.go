package xlsx

import (
	"context"
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/locale"
	"wuxing/internal/points"
	"wuxing/internal/storage"
)

// pointsColumns are the horse race's columns: catalogue key suffixes and widths.
var pointsColumns = []exportColumn{{"rank", 6}, {"name", 20}, {"unit", 16}, {"total", 10}, {"entries", 8}, {"grade", 8}}

// NewPointsExport writes the horse race of kind k under unitID in span, as on screen, to a
// workbook with headers in pr's language: a title row, then the standings. Only the units where
// actor a may both view points and export are counted.
func NewPointsExport(ctx context.Context, db *storage.DB, a storage.Actor, unitID int64, k points.TargetKind, span points.Span, pr *locale.Printer) (*Export, error) {
	a = limit(a, authz.ExportData)
	if !a.P.Can(authz.ExportData) || !a.P.Can(authz.ViewPoints) {
		return nil, errs.Forbidden()
	}
	rk, err := db.PointsRanking(ctx, a, unitID, k, span)
	if err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	ok := false
	defer func() {
		if !ok {
			f.Close()
		}
	}()
	sheet := cut(pr.T("points.export.sheet"), 31)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("xlsx: points sheet: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("xlsx: points stream writer: %w", err)
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF7"}}})
	if err != nil {
		return nil, fmt.Errorf("xlsx: points style: %w", err)
	}
	headers := make([]any, len(pointsColumns))
	for i, c := range pointsColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return nil, fmt.Errorf("xlsx: points width: %w", err)
		}
		headers[i] = pr.T("points.col." + c.key)
	}
	cw := &cellWriter{sw: sw}
	if err := cw.write(0, rk.UnitName+" · "+pr.T("points.kind."+string(rk.Kind))+" · "+span.Key); err != nil {
		return nil, fmt.Errorf("xlsx: points title: %w", err)
	}
	if err := cw.write(head, headers...); err != nil {
		return nil, fmt.Errorf("xlsx: points header: %w", err)
	}
	for _, st := range rk.Standings {
		rank := any(st.Rank)
		if st.Rank == 0 {
			rank = "—"
		}
		total, _ := strconv.ParseFloat(points.Format(st.Total), 64)
		if err := cw.write(0, rank, st.Name, st.UnitName, total, st.Entries, pr.T("points.grade."+string(st.Grade))); err != nil {
			return nil, fmt.Errorf("xlsx: points row: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, fmt.Errorf("xlsx: points flush: %w", err)
	}
	ok = true
	return &Export{f: f, Rows: cw.row - 2}, nil
}
