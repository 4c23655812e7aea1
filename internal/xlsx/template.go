package xlsx

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"wuxing/internal/locale"
)

// headerRows is how many rows a template puts above the data: the header in the user's
// language, then the hidden row of column keys the parser relies on.
const headerRows = 2

// styles are the cell styles of a template.
type styles struct {
	header, required, key, example, text, title, wrap int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	border := []excelize.Border{{Type: "bottom", Color: "999999", Style: 1}}
	mk := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	textFmt := 49 // "@": text, so codes, phone and ID numbers keep every digit
	s.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF7"}},
		Border: border, NumFmt: textFmt, Alignment: &excelize.Alignment{Vertical: "center"}})
	s.required = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "B00020"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF7"}},
		Border: border, NumFmt: textFmt, Alignment: &excelize.Alignment{Vertical: "center"}})
	s.key = mk(&excelize.Style{Font: &excelize.Font{Color: "999999", Size: 8}, NumFmt: textFmt})
	s.example = mk(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "808080"}, NumFmt: textFmt})
	s.text = mk(&excelize.Style{NumFmt: textFmt})
	s.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	s.wrap = mk(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	return s, err
}

// WriteTemplate writes the import template of kind k in pr's language: per sheet a header row,
// a hidden row of column keys, an example row (skipped on import), drop-down lists for the
// columns that take a value from a list, and a sheet of instructions.
func WriteTemplate(w io.Writer, k Kind, pr *locale.Printer) error {
	ls := layoutsFor(k)
	if ls == nil {
		return fmt.Errorf("xlsx: no template for %q", k)
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("xlsx: styles: %w", err)
	}
	for i, l := range ls {
		name := sheetName(pr, k, l)
		if i == 0 {
			err = f.SetSheetName("Sheet1", name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return fmt.Errorf("xlsx: sheet: %w", err)
		}
		if err := writeDataSheet(f, name, l, pr, st); err != nil {
			return fmt.Errorf("xlsx: template %s: %w", l.name, err)
		}
	}
	if err := writeInstructions(f, k, ls, pr, st); err != nil {
		return fmt.Errorf("xlsx: instructions: %w", err)
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func writeDataSheet(f *excelize.File, sheet string, l *layout, pr *locale.Printer, st styles) error {
	last := strconv.Itoa(MaxRows + headerRows)
	for j, c := range l.columns {
		col, err := excelize.ColumnNumberToName(j + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, col, col, c.width); err != nil {
			return err
		}
		if err := f.SetColStyle(sheet, col, st.text); err != nil {
			return err
		}
		head := pr.T(c.header())
		style := st.header
		if c.required {
			head += "*"
			style = st.required
		}
		cells := []struct {
			row   int
			value string
			style int
		}{{1, head, style}, {2, c.key, st.key}, {3, c.exampleValue(pr), st.example}}
		for _, x := range cells {
			ref := col + strconv.Itoa(x.row)
			if err := f.SetCellStr(sheet, ref, x.value); err != nil {
				return err
			}
			if err := f.SetCellStyle(sheet, ref, ref, x.style); err != nil {
				return err
			}
		}
		hint := pr.T(c.hint())
		dv := excelize.NewDataValidation(true)
		dv.Sqref = col + "3:" + col + last
		if c.enum != nil {
			if err := dv.SetDropList(c.enum.labels(pr)); err != nil {
				return err
			}
			style := excelize.DataValidationErrorStyleStop
			if c.enum.multi {
				// Several values in one cell are allowed, so a list only suggests.
				style = excelize.DataValidationErrorStyleWarning
			}
			dv.SetError(style, cut(pr.T("data.template.bad_value_title"), 32), cut(pr.T("data.template.bad_value"), 255))
		}
		dv.SetInput(cut(head, 32), cut(hint, 255))
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return err
		}
	}
	if err := f.SetRowVisible(sheet, 2, false); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 1, 22); err != nil {
		return err
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: headerRows, TopLeftCell: "A3", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A3", ActiveCell: "A3", Pane: "bottomLeft"}}})
}

func writeInstructions(f *excelize.File, k Kind, ls []*layout, pr *locale.Printer, st styles) error {
	sheet := pr.T("data.sheet.instructions")
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	row := 1
	put := func(style int, values ...string) error {
		for j, v := range values {
			ref, err := excelize.CoordinatesToCellName(j+1, row)
			if err != nil {
				return err
			}
			if err := f.SetCellStr(sheet, ref, v); err != nil {
				return err
			}
			if err := f.SetCellStyle(sheet, ref, ref, style); err != nil {
				return err
			}
		}
		row++
		return nil
	}
	if err := put(st.title, pr.T("data.template.title", pr.T("data.kind."+string(k)))); err != nil {
		return err
	}
	lines := []string{pr.T("data.help.rows"), pr.T("data.help.required"), pr.T("data.help.all_or_nothing"),
		pr.T("data.help.text"), pr.T("data.help.dates"), pr.T("data.help.limit", MaxRows), pr.T("data.help.scope")}
	if k == Households {
		lines = append(lines, pr.T("data.help.households"))
	}
	for i, s := range lines {
		if err := put(st.wrap, strconv.Itoa(i+1)+".", s); err != nil {
			return err
		}
	}
	row++
	if err := put(st.header, pr.T("data.help.sheet"), pr.T("data.help.column"), pr.T("data.help.required_col"), pr.T("data.help.meaning")); err != nil {
		return err
	}
	for _, l := range ls {
		name := sheetName(pr, k, l)
		for _, c := range l.columns {
			req := ""
			if c.required {
				req = pr.T("common.yes")
			}
			hint := pr.T(c.hint())
			if c.enum != nil {
				hint += " " + pr.T("data.help.choices", strings.Join(c.enum.labels(pr), pr.T("data.list_sep")))
			}
			if err := put(st.wrap, name, pr.T(c.header()), req, hint); err != nil {
				return err
			}
		}
	}
	for col, w := range map[string]float64{"A": 14, "B": 20, "C": 8, "D": 80} {
		if err := f.SetColWidth(sheet, col, col, w); err != nil {
			return err
		}
	}
	return nil
}

// cut shortens s to n runes, as Excel's limits on prompts require.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
