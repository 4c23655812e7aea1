package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"wuxing/internal/errs"
	"wuxing/internal/locale"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"张三":                "张三",
		"=1+2":              "'=1+2",
		"+86 138":           "'+86 138",
		"-2":                "'-2",
		"@SUM(A1)":          "'@SUM(A1)",
		"\t=cmd":            "'\t=cmd",
		"a=b":               "a=b",
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"1975-06-18": "1975-06-18", "1975/6/18": "1975-06-18", "1975.6.18": "1975-06-18", "1975年6月18日": "1975-06-18",
		"19750618": "1975-06-18", "27563": "1975-06-18", "": "",
	} {
		if got, ok := parseDate(in); !ok || got != want {
			t.Errorf("parseDate(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"1975-13-01", "昨天", "1e5", "0"} {
		if _, ok := parseDate(in); ok {
			t.Errorf("parseDate(%q) accepted", in)
		}
	}
}

func template(t *testing.T, k Kind, lang string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, k, locale.NewPrinter(lang)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestTemplatesReadBack: each template, in each language, is recognised sheet by sheet, its
// example row is skipped, it carries drop-down lists, a hidden key row and instructions.
func TestTemplatesReadBack(t *testing.T) {
	for _, k := range ImportKinds {
		for _, lang := range locale.Languages {
			t.Run(string(k)+"/"+lang, func(t *testing.T) {
				data := template(t, k, lang)
				wb, err := openWorkbook(data)
				if err != nil {
					t.Fatal(err)
				}
				defer wb.Close()
				rep := &Report{}
				sheets, err := wb.readSheets(layoutsFor(k), rep)
				if err != nil {
					t.Fatal(err)
				}
				if len(sheets) != len(layoutsFor(k)) {
					t.Fatalf("recognised %d sheets, want %d", len(sheets), len(layoutsFor(k)))
				}
				for _, s := range sheets {
					if len(s.rows) != 0 || s.header != headerRows {
						t.Errorf("%s: %d rows (the example is not skipped?), header row %d", s.name, len(s.rows), s.header)
					}
					if len(s.cols) != len(s.layout.columns) {
						t.Errorf("%s: %d columns found, want %d", s.name, len(s.cols), len(s.layout.columns))
					}
					dvs, err := wb.f.GetDataValidations(s.name)
					if err != nil || len(dvs) == 0 {
						t.Errorf("%s: no data validation (%v)", s.name, err)
					}
					lists := 0
					for _, dv := range dvs {
						if dv.Type == "list" {
							lists++
						}
					}
					want := 0
					for _, c := range s.layout.columns {
						if c.enum != nil {
							want++
						}
					}
					if lists != want {
						t.Errorf("%s: %d drop-down lists, want %d", s.name, lists, want)
					}
					if vis, _ := wb.f.GetRowVisible(s.name, 2); vis {
						t.Errorf("%s: key row is visible", s.name)
					}
				}
				pr := locale.NewPrinter(lang)
				if i, _ := wb.f.GetSheetIndex(pr.T("data.sheet.instructions")); i < 0 {
					t.Error("no instructions sheet")
				}
				if !rep.OK() {
					t.Errorf("problems in a blank template: %+v", rep.Problems)
				}
			})
		}
	}
}

// TestHeadersWithoutKeyRow: a sheet someone made by hand, with the headers in row 1 and data
// from row 2, is read too.
func TestHeadersWithoutKeyRow(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"姓名", "所属单位编码", "性别*", "备注"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"李四", "410902003001001", "男", "x"})
	f.SetSheetRow("Sheet1", "A4", &[]any{"王五", "410902003001001", "女"})
	var buf bytes.Buffer
	f.WriteTo(&buf)
	wb, err := openWorkbook(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	sheets, err := wb.readSheets(layoutsFor(People), &Report{})
	if err != nil || len(sheets) != 1 {
		t.Fatalf("%v, %d sheets", err, len(sheets))
	}
	s := sheets[0]
	if s.header != 1 || len(s.rows) != 2 || s.rows[0].num != 2 || s.rows[1].num != 4 || s.rows[1].cells["gender"] != "女" {
		t.Fatalf("read %+v", s)
	}
}

func fileErrorKey(t *testing.T, data []byte) string {
	t.Helper()
	wb, err := openWorkbook(data)
	if err == nil {
		defer wb.Close()
		_, err = wb.readSheets(layoutsFor(People), &Report{})
	}
	if err == nil {
		t.Fatal("hostile file opened without error")
	}
	e := errs.As(err)
	if e.Code == errs.EINTERNAL {
		t.Fatalf("internal error: %v", err)
	}
	return e.Key
}

func zipOf(t *testing.T, parts map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestHostileFiles(t *testing.T) {
	good := template(t, People, "zh-CN")
	cases := map[string]struct {
		data []byte
		key  string
	}{
		"Empty":       {nil, "data.file.empty"},
		"Text":        {[]byte("name,phone\n张三,13800000000\n"), "data.file.not_xlsx"},
		"OldXLS":      {append(append([]byte{}, oleMagic...), make([]byte, 600)...), "data.file.xls"},
		"Truncated":   {good[:len(good)/2], "data.file.corrupt"},
		"OtherZip":    {zipOf(t, map[string]string{"word/document.xml": "<w/>"}), "data.file.not_xlsx"},
		"BrokenXML":   {brokenSheet(t), "data.file.corrupt"},
		"DeclaredBig": {declaredBomb(t), "data.file.too_big_unzipped"},
		"LyingSize":   {lyingBomb(t), "data.file.corrupt"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if got := fileErrorKey(t, c.data); got != c.key {
				t.Fatalf("got %q, want %q", got, c.key)
			}
		})
	}
}

// brokenSheet is a template whose people sheet is not XML.
func brokenSheet(t *testing.T) []byte {
	zr, err := zip.NewReader(bytes.NewReader(template(t, People, "zh-CN")), int64(len(template(t, People, "zh-CN"))))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		w, _ := zw.Create(zf.Name)
		if zf.Name == "xl/worksheets/sheet1.xml" {
			w.Write([]byte("<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row"))
			continue
		}
		rc, _ := zf.Open()
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		w.Write(b.Bytes())
	}
	zw.Close()
	return buf.Bytes()
}

// declaredBomb is a zip whose entry says it expands to a terabyte.
func declaredBomb(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var raw bytes.Buffer
	fw, _ := flate.NewWriter(&raw, flate.BestCompression)
	fw.Write(make([]byte, 1<<16))
	fw.Close()
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(raw.Len()), UncompressedSize64: 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw.Bytes())
	zw.Close()
	return buf.Bytes()
}

// lyingBomb is a workbook whose sheet says it is 100 bytes but expands to 64 MB of zeros.
func lyingBomb(t *testing.T) []byte {
	zr, err := zip.NewReader(bytes.NewReader(template(t, People, "zh-CN")), int64(len(template(t, People, "zh-CN"))))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		if zf.Name == "xl/worksheets/sheet1.xml" {
			var raw bytes.Buffer
			fw, _ := flate.NewWriter(&raw, flate.BestCompression)
			fw.Write([]byte("<worksheet><sheetData>"))
			fw.Write(bytes.Repeat([]byte(" "), 64<<20))
			fw.Close()
			w, _ := zw.CreateRaw(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, CompressedSize64: uint64(raw.Len()), UncompressedSize64: 100})
			w.Write(raw.Bytes())
			continue
		}
		w, _ := zw.Create(zf.Name)
		rc, _ := zf.Open()
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		w.Write(b.Bytes())
	}
	zw.Close()
	return buf.Bytes()
}

// peopleFile is a people template with rows filled in by fill.
func peopleFile(t *testing.T, fill func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(template(t, People, "zh-CN")))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	fill(f, sheet)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFormulasAreProblems(t *testing.T) {
	data := peopleFile(t, func(f *excelize.File, sheet string) {
		f.SetSheetRow(sheet, "A4", &[]any{"410902003001001001", "", "", "张三", "男"})
		f.SetCellFormula(sheet, "D5", `"李"&"四"`)
		f.SetSheetRow(sheet, "A5", &[]any{"410902003001001001"})
		f.SetCellStr(sheet, "E5", "男")
	})
	wb, err := openWorkbook(data)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	rep := &Report{}
	sheets, err := wb.readSheets(layoutsFor(People), rep)
	if err != nil || len(sheets) != 1 {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Row != 5 || rep.Problems[0].Col != "name" || rep.Problems[0].Key != "data.cell.formula" {
		t.Fatalf("problems: %+v", rep.Problems)
	}
	pr := locale.NewPrinter("zh-CN")
	if txt := rep.Problems[0].Text(pr); !strings.Contains(txt, "第 5 行") || !strings.Contains(txt, "姓名") || !strings.Contains(txt, "公式") {
		t.Fatalf("worded %q", txt)
	}
}

func TestTooManyRows(t *testing.T) {
	f := excelize.NewFile()
	sw, _ := f.NewStreamWriter("Sheet1")
	sw.SetRow("A1", []any{"姓名", "所属单位编码", "性别"})
	for i := 2; i <= MaxRows+2; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		sw.SetRow(cell, []any{"某人", "410902003001001001", "男"})
	}
	sw.Flush()
	var buf bytes.Buffer
	f.WriteTo(&buf)
	if got := fileErrorKey(t, buf.Bytes()); got != "data.file.too_many_rows" {
		t.Fatalf("got %q", got)
	}
}

func TestOverlongCellIsAProblem(t *testing.T) {
	data := peopleFile(t, func(f *excelize.File, sheet string) {
		f.SetSheetRow(sheet, "A3", &[]any{"410902003001001001", strings.Repeat("路", 600), "户主", "张三", "男"})
	})
	wb, err := openWorkbook(data)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	rep := &Report{}
	if _, err := wb.readSheets(layoutsFor(People), rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Col != "household_address" || rep.Problems[0].Key != "validation.too_long" {
		t.Fatalf("problems: %+v", rep.Problems)
	}
	if txt := rep.Problems[0].Text(locale.NewPrinter("en")); txt != `Sheet "人员", row 3, column "Address of the household": `+locale.NewPrinter("en").T("validation.too_long", maxCellRunes) {
		t.Fatalf("worded %q", txt)
	}
}
