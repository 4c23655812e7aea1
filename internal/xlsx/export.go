package xlsx

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/locale"
	"wuxing/internal/org"
	"wuxing/internal/storage"
)

// exportChunk is how many records an export reads from the store at a time.
const exportChunk = 1000

// maxExportRows keeps an export inside one worksheet (Excel's limit is 1 048 576 rows).
const maxExportRows = 1_000_000

// ExportSpec says what to export: the kind, and the same filters as the kind's list page.
type ExportSpec struct {
	Kind        Kind
	Units       storage.UnitFilter
	UnitRoot    int64 // units: this unit and everything under it (0: the whole scope)
	People      storage.PeopleFilter
	Households  storage.HouseholdFilter
	Assignments storage.AssignmentFilter
	// Phone and IDNumber show a number as the viewer may see it, masked where their role does
	// not need it, exactly as on screen; nil shows it whole (the platform's own exports).
	Phone    func(phone, unitPath string) string
	IDNumber func(id, unitPath string) string
}

// Export is a finished export, held by excelize's stream writer (in a temporary file once it
// grows), ready to be written out.
type Export struct {
	f    *excelize.File
	Rows int
}

// WriteTo writes the workbook.
func (x *Export) WriteTo(w io.Writer) (int64, error) { return x.f.WriteTo(w) }

// Close releases the workbook's temporary files.
func (x *Export) Close() error { return x.f.Close() }

// FileName is a download name for an export of kind k: the list's name and the day.
func FileName(pr *locale.Printer, k Kind, day string) string {
	return pr.T("data.sheet."+string(k)) + "_" + day + ".xlsx"
}

// cellWriter writes rows to a stream, escaping text a spreadsheet would run as a formula.
type cellWriter struct {
	sw  *excelize.StreamWriter
	row int
}

func (c *cellWriter) write(style int, values ...any) error {
	cells := make([]any, len(values))
	for i, v := range values {
		if s, ok := v.(string); ok {
			v = Escape(s)
		}
		if style != 0 {
			v = excelize.Cell{StyleID: style, Value: v}
		}
		cells[i] = v
	}
	c.row++
	ref, err := excelize.CoordinatesToCellName(1, c.row)
	if err != nil {
		return err
	}
	return c.sw.SetRow(ref, cells)
}

// NewExport reads the list spec selects, within actor a's export scope, into a workbook with
// headers in pr's language. The store is read in chunks and rows go straight to the stream
// writer, so memory stays flat however long the list.
func NewExport(ctx context.Context, db *storage.DB, a storage.Actor, spec ExportSpec, pr *locale.Printer) (*Export, error) {
	if !spec.Kind.Exportable() {
		return nil, errs.Invalid(errs.Field("kind", "data.kind.invalid"))
	}
	a = limit(a, authz.ExportData)
	if !a.P.Can(authz.ExportData) {
		return nil, errs.Forbidden()
	}
	if spec.Phone == nil {
		spec.Phone = func(s, _ string) string { return s }
	}
	if spec.IDNumber == nil {
		spec.IDNumber = func(s, _ string) string { return s }
	}
	f := excelize.NewFile()
	x := &Export{f: f}
	ok := false
	defer func() {
		if !ok {
			f.Close()
		}
	}()
	sheet := cut(pr.T("data.sheet."+string(spec.Kind)), 31)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("xlsx: export sheet: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("xlsx: stream writer: %w", err)
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF7"}}})
	if err != nil {
		return nil, fmt.Errorf("xlsx: export style: %w", err)
	}
	cols := exportColumns[spec.Kind]
	headers := make([]any, len(cols))
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return nil, fmt.Errorf("xlsx: export width: %w", err)
		}
		headers[i] = pr.T("data.col." + c.key)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, fmt.Errorf("xlsx: export panes: %w", err)
	}
	cw := &cellWriter{sw: sw}
	if err := cw.write(head, headers...); err != nil {
		return nil, fmt.Errorf("xlsx: export header: %w", err)
	}
	e := &exporter{ctx: ctx, db: db, a: a, spec: spec, pr: pr, cw: cw}
	switch spec.Kind {
	case Units:
		err = e.units()
	case People:
		err = e.people()
	case Households:
		err = e.households()
	case Assignments:
		err = e.assignments()
	}
	if err != nil {
		return nil, err
	}
	if err := sw.Flush(); err != nil {
		return nil, fmt.Errorf("xlsx: export flush: %w", err)
	}
	x.Rows = cw.row - 1
	ok = true
	return x, nil
}

type exportColumn struct {
	key   string
	width float64
}

var exportColumns = map[Kind][]exportColumn{
	Units: {{"code", 22}, {"name", 24}, {"kind", 12}, {"parent_name", 24}, {"active", 8}},
	People: {{"unit_name", 20}, {"household_address", 32}, {"relation", 10}, {"person_name", 12}, {"gender", 6}, {"birth_date", 12},
		{"phone", 15}, {"id_number", 21}, {"party_member", 8}, {"joined_party_on", 12}, {"categories", 20}, {"active", 8}},
	Households:  {{"unit_name", 20}, {"address", 36}, {"head", 12}, {"size", 8}, {"active", 8}},
	Assignments: {{"assignment_kind", 14}, {"person", 12}, {"unit_name", 20}, {"target", 32}, {"starts_on", 12}, {"ends_on", 12}, {"note", 30}},
}

type exporter struct {
	ctx  context.Context
	db   *storage.DB
	a    storage.Actor
	spec ExportSpec
	pr   *locale.Printer
	cw   *cellWriter
}

func (e *exporter) yesNo(b bool) string {
	if b {
		return e.pr.T("common.yes")
	}
	return e.pr.T("common.no")
}

func (e *exporter) active(b bool) string {
	if b {
		return e.pr.T("common.active")
	}
	return e.pr.T("common.inactive")
}

func (e *exporter) label(en *enum, v string) string {
	if v == "" {
		return ""
	}
	return en.label(e.pr, v)
}

// page calls fetch for successive chunks until one comes back short.
func (e *exporter) page(fetch func(limit, offset int) (int, error)) error {
	for off := 0; off < maxExportRows; off += exportChunk {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		n, err := fetch(exportChunk, off)
		if err != nil {
			return err
		}
		if n < exportChunk {
			return nil
		}
	}
	return nil
}

func (e *exporter) unit(u *org.Unit) error {
	return e.cw.write(0, u.Code, u.Name, e.label(kindEnum, string(u.Kind)), u.ParentName, e.active(u.Active))
}

func (e *exporter) units() error {
	f := e.spec.Units
	if e.spec.UnitRoot != 0 {
		root, err := e.db.Unit(e.ctx, e.a, e.spec.UnitRoot)
		if err != nil {
			return err
		}
		if err := e.unit(root); err != nil {
			return err
		}
		f.Under = root.ID
	}
	return e.page(func(limit, offset int) (int, error) {
		f.Limit, f.Offset = limit, offset
		list, _, err := e.db.Units(e.ctx, e.a, f)
		for i := range list {
			if err := e.unit(&list[i]); err != nil {
				return 0, err
			}
		}
		return len(list), err
	})
}

func (e *exporter) people() error {
	f := e.spec.People
	sep := e.pr.T("data.list_sep")
	return e.page(func(limit, offset int) (int, error) {
		f.Limit, f.Offset = limit, offset
		list, _, err := e.db.People(e.ctx, e.a, f)
		for _, p := range list {
			cats := make([]string, len(p.Categories))
			for i, c := range p.Categories {
				cats[i] = e.label(categoryEnum, string(c))
			}
			err := e.cw.write(0, p.UnitName, p.Household, e.label(relationEnum, string(p.Relation)), p.Name, e.label(genderEnum, p.Gender),
				p.BirthDate, e.spec.Phone(p.Phone, p.UnitPath), e.spec.IDNumber(p.IDNumber, p.UnitPath), e.yesNo(p.PartyMember),
				p.JoinedPartyOn, strings.Join(cats, sep), e.active(p.Active))
			if err != nil {
				return 0, err
			}
		}
		return len(list), err
	})
}

func (e *exporter) households() error {
	f := e.spec.Households
	return e.page(func(limit, offset int) (int, error) {
		f.Limit, f.Offset = limit, offset
		list, _, err := e.db.Households(e.ctx, e.a, f)
		for _, h := range list {
			if err := e.cw.write(0, h.UnitName, h.Address, h.HeadName, h.Size, e.active(h.Active)); err != nil {
				return 0, err
			}
		}
		return len(list), err
	})
}

func (e *exporter) assignments() error {
	f := e.spec.Assignments
	return e.page(func(limit, offset int) (int, error) {
		f.Limit, f.Offset = limit, offset
		list, _, err := e.db.Assignments(e.ctx, e.a, f)
		for _, x := range list {
			if err := e.cw.write(0, e.label(assignmentEnum, string(x.Kind)), x.PersonName, x.UnitName, x.TargetName,
				x.StartsOn, x.EndsOn, x.Note); err != nil {
				return 0, err
			}
		}
		return len(list), err
	})
}
