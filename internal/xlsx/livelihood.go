package xlsx

import (
	"context"
	"fmt"

	"github.com/xuri/excelize/v2"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/locale"
	"wuxing/internal/storage"
)

// livelihoodColumns are the livelihood list's columns: catalogue key suffixes and widths.
var livelihoodColumns = []exportColumn{{"unit", 16}, {"year", 6}, {"title", 30}, {"category", 10}, {"measure", 8},
	{"target", 10}, {"done", 10}, {"percent", 8}, {"status", 10}, {"deadline", 11}, {"leaders", 30}, {"description", 40}}

// NewLivelihoodExport writes the livelihood projects f selects, within actor a's export scope, to
// a workbook with headers in pr's language, a chunk at a time into the stream writer. Leaders
// are named with their posts, never their phones; quantities are numbers, completion a percent.
func NewLivelihoodExport(ctx context.Context, db *storage.DB, a storage.Actor, f storage.LivelihoodFilter, pr *locale.Printer) (*Export, error) {
	a = limit(a, authz.ExportData)
	if !a.P.Can(authz.ExportData) {
		return nil, errs.Forbidden()
	}
	x := excelize.NewFile()
	ok := false
	defer func() {
		if !ok {
			x.Close()
		}
	}()
	sheet := cut(pr.T("livelihood.export.sheet"), 31)
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("xlsx: livelihood sheet: %w", err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("xlsx: livelihood stream writer: %w", err)
	}
	head, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF7"}}})
	if err != nil {
		return nil, fmt.Errorf("xlsx: livelihood style: %w", err)
	}
	headers := make([]any, len(livelihoodColumns))
	for i, c := range livelihoodColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return nil, fmt.Errorf("xlsx: livelihood width: %w", err)
		}
		headers[i] = pr.T("livelihood.export.col." + c.key)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, fmt.Errorf("xlsx: livelihood panes: %w", err)
	}
	cw := &cellWriter{sw: sw}
	if err := cw.write(head, headers...); err != nil {
		return nil, fmt.Errorf("xlsx: livelihood header: %w", err)
	}
	f.Limit = exportChunk
	for f.Offset = 0; f.Offset < maxExportRows; f.Offset += exportChunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		list, _, err := db.LivelihoodProjects(ctx, a, f)
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			leaders := ""
			for i, l := range p.Leaders {
				if i > 0 {
					leaders += pr.T("livelihood.leaders_sep")
				}
				if l.Post != "" {
					leaders += pr.T("livelihood.leader_post", l.Name, l.Post)
				} else {
					leaders += l.Name
				}
			}
			err := cw.write(0, p.UnitName, p.Year, p.Title, pr.T("livelihood.category."+string(p.Category)), p.Measure,
				p.Target.Float(), p.Done.Float(), fmt.Sprintf("%d%%", p.Percent()), pr.T("livelihood.status."+string(p.Status())),
				p.Deadline, leaders, p.Description)
			if err != nil {
				return nil, fmt.Errorf("xlsx: livelihood row: %w", err)
			}
		}
		if len(list) < exportChunk {
			break
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, fmt.Errorf("xlsx: livelihood flush: %w", err)
	}
	ok = true
	return &Export{f: x, Rows: cw.row - 1}, nil
}
