package xlsx

import (
	"context"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/locale"
	"wuxing/internal/storage"
)

// CaseLedgerSpec says what goes into a case ledger (台账): the case list's filters, and how the
// viewer may see a phone number (masked where their role does not need it, as on screen).
type CaseLedgerSpec struct {
	Filter storage.CaseFilter
	Phone  func(phone, unitPath string) string
	Now    time.Time // for the overdue column
	// MaxRows stops the ledger after so many cases (0: the export limit, a million).
	MaxRows int
}

// caseLedgerColumns are the ledger's columns: catalogue key suffixes and widths.
var caseLedgerColumns = []exportColumn{{"number", 24}, {"unit", 16}, {"list", 10}, {"category", 10}, {"urgency", 6},
	{"channel", 10}, {"title", 28}, {"description", 40}, {"address", 24}, {"reporter", 10}, {"reporter_phone", 14},
	{"status", 10}, {"overdue", 6}, {"handler", 14}, {"assignee", 10}, {"submitted_at", 17}, {"deadline", 11},
	{"accepted_at", 17}, {"dispatched_at", 17}, {"resolved_at", 17}, {"method", 10}, {"result", 32}, {"checked_at", 17},
	{"rating", 8}, {"rating_comment", 24}, {"closed_at", 17}}

var ledgerZone = time.FixedZone("CST", 8*3600)

func ledgerTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(ledgerZone).Format("2006-01-02 15:04")
}

// NewCaseLedger writes the cases spec selects, within actor a's export scope, to a workbook
// with headers in pr's language. It pages through the store by id (keyset), a chunk at a time,
// into excelize's stream writer, so memory stays flat however long the ledger; every text cell
// is escaped against formula injection.
func NewCaseLedger(ctx context.Context, db *storage.DB, a storage.Actor, spec CaseLedgerSpec, pr *locale.Printer) (*Export, error) {
	a = limit(a, authz.ExportData)
	if !a.P.Can(authz.ExportData) {
		return nil, errs.Forbidden()
	}
	if spec.Phone == nil {
		spec.Phone = func(s, _ string) string { return s }
	}
	cats, err := db.Categories(ctx, true)
	if err != nil {
		return nil, err
	}
	catLabel := map[int64]string{}
	for _, c := range cats {
		catLabel[c.ID] = c.Name
		if k := "cases.category." + c.Code; pr.Has(k) {
			catLabel[c.ID] = pr.T(k)
		}
	}
	f := excelize.NewFile()
	ok := false
	defer func() {
		if !ok {
			f.Close()
		}
	}()
	sheet := cut(pr.T("cases.web.ledger.sheet"), 31)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("xlsx: ledger sheet: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("xlsx: ledger stream writer: %w", err)
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF7"}}})
	if err != nil {
		return nil, fmt.Errorf("xlsx: ledger style: %w", err)
	}
	headers := make([]any, len(caseLedgerColumns))
	for i, c := range caseLedgerColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return nil, fmt.Errorf("xlsx: ledger width: %w", err)
		}
		headers[i] = pr.T("cases.web.ledger.col." + c.key)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, fmt.Errorf("xlsx: ledger panes: %w", err)
	}
	cw := &cellWriter{sw: sw}
	if err := cw.write(head, headers...); err != nil {
		return nil, fmt.Errorf("xlsx: ledger header: %w", err)
	}
	label := func(prefix, v string) string {
		if v == "" {
			return ""
		}
		return pr.T(prefix + v)
	}
	yesNo := func(b bool) string {
		if b {
			return pr.T("common.yes")
		}
		return pr.T("common.no")
	}
	lf := spec.Filter
	lf.BeforeID = 0
	most := maxExportRows
	if spec.MaxRows > 0 && spec.MaxRows < most {
		most = spec.MaxRows
	}
	for rows := 0; rows < most; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		lf.Limit = min(exportChunk, most-rows)
		list, next, err := db.Cases(ctx, a, lf)
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			cat, ok := catLabel[c.CategoryID]
			if !ok {
				cat = c.CategoryName
			}
			deadline := ""
			if !c.Deadline.IsZero() {
				deadline = c.Deadline.In(ledgerZone).Format("2006-01-02")
			}
			err := cw.write(0, c.Number, c.UnitName, label("cases.list.", string(c.List)), cat, label("cases.urgency.", string(c.Urgency)),
				label("cases.channel.", string(c.Channel)), c.Title, c.Description, c.Address, c.ReporterName,
				spec.Phone(c.ReporterPhone, c.UnitPath), label("cases.status.", string(c.Status)),
				yesNo(c.Overdue || cases.IsOverdue(c.Status, c.Deadline, spec.Now)), c.HandlerName, c.AssigneeName,
				ledgerTime(c.SubmittedAt), deadline, ledgerTime(c.AcceptedAt), ledgerTime(c.DispatchedAt), ledgerTime(c.ResolvedAt),
				label("cases.method.", string(c.Method)), c.Result, ledgerTime(c.CheckedAt), label("cases.rating.", string(c.Rating)),
				c.RatingComment, ledgerTime(c.ClosedAt))
			if err != nil {
				return nil, fmt.Errorf("xlsx: ledger row: %w", err)
			}
		}
		rows += len(list)
		if next == 0 {
			break
		}
		lf.BeforeID = next
	}
	if err := sw.Flush(); err != nil {
		return nil, fmt.Errorf("xlsx: ledger flush: %w", err)
	}
	ok = true
	return &Export{f: f, Rows: cw.row - 1}, nil
}
