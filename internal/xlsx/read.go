package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"wuxing/internal/errs"
	"wuxing/internal/locale"
)

// fileError is a problem with the file as a whole: it is not a workbook, it is damaged, or it is
// too big to read. Nothing is imported.
func fileError(key string, args ...any) *errs.Error {
	return errs.New(errs.EUNPROCESSABLE, key, args...)
}

// workbook is an opened upload, checked against hostile content.
type workbook struct {
	f        *excelize.File
	formulas map[string]map[string]bool // sheet name → cells ("B7") holding a formula
}

func (w *workbook) Close() { w.f.Close() }

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // .xls, or an encrypted .xlsx
)

// openWorkbook checks an upload before anything parses it deeply: it must be a zip holding a
// workbook, expand to at most MaxUnzipped bytes (the zip reader enforces each part's declared
// size, so a bomb cannot lie its way past), and it is scanned for formulas, which the import
// refuses rather than evaluates.
func openWorkbook(data []byte) (wb *workbook, err error) {
	switch {
	case len(data) == 0:
		return nil, fileError("data.file.empty")
	case bytes.HasPrefix(data, oleMagic):
		return nil, fileError("data.file.xls")
	case !bytes.HasPrefix(data, zipMagic):
		return nil, fileError("data.file.not_xlsx")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &errs.Error{Code: errs.EUNPROCESSABLE, Key: "data.file.corrupt", Err: err}
	}
	if len(zr.File) > maxParts {
		return nil, fileError("data.file.corrupt")
	}
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > MaxUnzipped {
			return nil, fileError("data.file.too_big_unzipped", MaxUnzipped>>20)
		}
	}
	formulas, err := scanFormulas(zr)
	if err != nil {
		return nil, err
	}
	defer func() {
		// excelize is not written for hostile input; a panic in it means a damaged file.
		if v := recover(); v != nil {
			wb, err = nil, &errs.Error{Code: errs.EUNPROCESSABLE, Key: "data.file.corrupt", Err: fmt.Errorf("excelize panic: %v", v)}
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: maxXMLInMemory})
	if err != nil {
		return nil, &errs.Error{Code: errs.EUNPROCESSABLE, Key: "data.file.corrupt", Err: err}
	}
	return &workbook{f: f, formulas: formulas}, nil
}

// zipFile finds a part by name, ignoring case as Excel does.
func zipFile(zr *zip.Reader, name string) *zip.File {
	for _, zf := range zr.File {
		if strings.EqualFold(strings.TrimPrefix(zf.Name, "/"), name) {
			return zf
		}
	}
	return nil
}

func decodePart(zf *zip.File, v any) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}

// scanFormulas finds every cell that holds a formula, by sheet name, reading each worksheet
// as a stream.
func scanFormulas(zr *zip.Reader) (map[string]map[string]bool, error) {
	corrupt := func(err error) error {
		return &errs.Error{Code: errs.EUNPROCESSABLE, Key: "data.file.corrupt", Err: err}
	}
	wbf, relf := zipFile(zr, "xl/workbook.xml"), zipFile(zr, "xl/_rels/workbook.xml.rels")
	if wbf == nil || relf == nil || zipFile(zr, "[Content_Types].xml") == nil {
		return nil, fileError("data.file.not_xlsx")
	}
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodePart(wbf, &book); err != nil {
		return nil, corrupt(err)
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(relf, &rels); err != nil {
		return nil, corrupt(err)
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = path.Clean(t)
	}
	out := map[string]map[string]bool{}
	for _, s := range book.Sheets {
		zf := zipFile(zr, targets[s.RID])
		if zf == nil {
			continue
		}
		cells, err := formulaCells(zf)
		if err != nil {
			return nil, corrupt(err)
		}
		if len(cells) > 0 {
			out[s.Name] = cells
		}
	}
	return out, nil
}

// formulaCells streams one worksheet and returns the cells with an <f> element. Rows and cells
// without a reference count on from the previous one, as the format allows.
func formulaCells(zf *zip.File) (map[string]bool, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	cells := map[string]bool{}
	row, col := 0, 0
	ref := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return cells, nil
		}
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "row":
			row, col = row+1, 0
			for _, a := range se.Attr {
				if a.Name.Local == "r" {
					if n, err := strconv.Atoi(a.Value); err == nil {
						row = n
					}
				}
			}
		case "c":
			col++
			ref = ""
			for _, a := range se.Attr {
				if a.Name.Local == "r" {
					ref = a.Value
					if c, _, err := excelize.CellNameToCoordinates(a.Value); err == nil {
						col = c
					}
				}
			}
			if ref == "" {
				ref, _ = excelize.CoordinatesToCellName(max(col, 1), max(row, 1))
			}
		case "f":
			if ref != "" {
				cells[strings.ToUpper(ref)] = true
			}
		}
	}
}

// sheetData is one recognised data sheet: which layout it follows, where each column is, and
// its non-empty data rows.
type sheetData struct {
	name   string
	layout *layout
	cols   map[string]int // column key → 0-based index
	header int            // the header row's number: 2 in a template (under the titles), 1 otherwise
	rows   []rowData
}

type rowData struct {
	num   int               // the row's number in the sheet, as Excel shows it
	cells map[string]string // column key → trimmed value
}

// headerLabels maps what a header cell may say (a key, or a column's header in any language,
// with or without the required mark) to column keys.
func headerLabels() map[string]string {
	m := map[string]string{}
	for _, l := range []*layout{unitsLayout, householdsLayout, peopleLayout} {
		for _, c := range l.columns {
			for _, lang := range locale.Languages {
				m[headerText(locale.NewPrinter(lang).T(c.header()))] = c.key
			}
		}
	}
	return m
}

func headerText(s string) string {
	return norm(strings.TrimRight(strings.TrimSpace(s), "*＊ "))
}

// match finds layout l's columns in a header row; byKey matches the hidden key row exactly,
// otherwise the headers a person reads.
func match(row []string, l *layout, byKey bool, labels map[string]string) map[string]int {
	m := map[string]int{}
	for i, cell := range row {
		var key string
		if byKey {
			key = strings.TrimSpace(cell)
		} else {
			key = labels[headerText(cell)]
		}
		if key == "" || l.col(key) == nil {
			continue
		}
		if _, dup := m[key]; !dup {
			m[key] = i
		}
	}
	for _, c := range l.columns {
		if _, ok := m[c.key]; c.required && !ok {
			return nil
		}
	}
	return m
}

// detect recognises a sheet from its first rows: the hidden key row of a template (row 2), or
// else a header row (row 1) whose titles name the columns. It returns the layout, the column
// map and the number of the header row, or nil when the sheet is no data sheet of these layouts.
func detect(head [][]string, allowed []*layout, labels map[string]string) (*layout, map[string]int, int) {
	var best *layout
	var bestCols map[string]int
	bestRow := 0
	for _, l := range allowed {
		for hr := headerRows; hr >= 1; hr-- {
			if len(head) < hr {
				continue
			}
			m := match(head[hr-1], l, hr == headerRows, labels)
			if m != nil && len(m) > len(bestCols) {
				best, bestCols, bestRow = l, m, hr
			}
		}
	}
	return best, bestCols, bestRow
}

// isExample reports whether a row is the template's example row, in either language.
func isExample(l *layout, cells map[string]string) bool {
	for _, lang := range locale.Languages {
		pr := locale.NewPrinter(lang)
		same := true
		for _, c := range l.columns {
			if cells[c.key] != c.exampleValue(pr) {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

// readSheets reads the data sheets of the layouts allowed, reporting formulas as problems.
// More than MaxRows data rows in all is an error for the whole file.
func (w *workbook) readSheets(allowed []*layout, rep *Report) ([]*sheetData, error) {
	labels := headerLabels()
	var out []*sheetData
	total := 0
	for _, name := range w.f.GetSheetList() {
		sd, err := w.readSheet(name, allowed, labels, rep, &total)
		if err != nil {
			return nil, err
		}
		if sd != nil {
			out = append(out, sd)
		}
	}
	return out, nil
}

func (w *workbook) readSheet(name string, allowed []*layout, labels map[string]string, rep *Report, total *int) (sd *sheetData, err error) {
	defer func() {
		if v := recover(); v != nil {
			sd, err = nil, &errs.Error{Code: errs.EUNPROCESSABLE, Key: "data.file.corrupt", Err: fmt.Errorf("excelize panic: %v", v)}
		}
	}()
	rows, err := w.f.Rows(name)
	if err != nil {
		return nil, &errs.Error{Code: errs.EUNPROCESSABLE, Key: "data.file.corrupt", Err: err}
	}
	defer rows.Close()
	var head [][]string
	n := 0
	add := func(num int, cells []string) error {
		rd := rowData{num: num, cells: map[string]string{}}
		empty := true
		for key, i := range sd.cols {
			if i >= len(cells) {
				continue
			}
			v := strings.TrimSpace(cells[i])
			ref, _ := excelize.CoordinatesToCellName(i+1, num)
			switch {
			case w.formulas[name][ref]:
				rep.add(Problem{Sheet: name, Row: num, Col: key, Label: sd.layout.col(key).header(), Key: "data.cell.formula"})
				v, empty = "", false
			case utf8.RuneCountInString(v) > maxCellRunes:
				rep.add(Problem{Sheet: name, Row: num, Col: key, Label: sd.layout.col(key).header(), Key: "validation.too_long", Args: []any{maxCellRunes}})
				v, empty = "", false
			}
			if v != "" {
				rd.cells[key] = v
				empty = false
			}
		}
		if empty || (num == sd.header+1 && isExample(sd.layout, rd.cells)) {
			return nil
		}
		if *total++; *total > MaxRows {
			return fileError("data.file.too_many_rows", MaxRows)
		}
		sd.rows = append(sd.rows, rd)
		return nil
	}
	// start recognises the sheet from its first rows; rows after the header among them are data.
	start := func() (bool, error) {
		l, cols, hr := detect(head, allowed, labels)
		if l == nil {
			return false, nil
		}
		sd = &sheetData{name: name, layout: l, cols: cols, header: hr}
		for i := hr; i < len(head); i++ {
			if err := add(i+1, head[i]); err != nil {
				return false, err
			}
		}
		return true, nil
	}
	for rows.Next() {
		n++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, &errs.Error{Code: errs.EUNPROCESSABLE, Key: "data.file.corrupt", Err: err}
		}
		if sd == nil {
			head = append(head, cells)
			if n < headerRows {
				continue
			}
			if ok, err := start(); !ok {
				return nil, err
			}
			continue
		}
		if err := add(n, cells); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, &errs.Error{Code: errs.EUNPROCESSABLE, Key: "data.file.corrupt", Err: err}
	}
	if sd == nil && len(head) > 0 {
		if ok, err := start(); !ok {
			return nil, err
		}
	}
	return sd, nil
}
