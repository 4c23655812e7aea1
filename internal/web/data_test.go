package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"wuxing/internal/authz"
	"wuxing/internal/people"
	"wuxing/internal/storage"
	"wuxing/internal/xlsx"
)

// dataCounts is how many units, households and people the database holds in all.
type dataCounts struct{ units, households, people, audit int }

func (f *fixture) dataCounts(t *testing.T) dataCounts {
	t.Helper()
	ctx := context.Background()
	_, u, err := f.db.Units(ctx, storage.System, storage.UnitFilter{Limit: 1, IncludeInactive: true})
	if err != nil {
		t.Fatal(err)
	}
	_, h, err := f.db.Households(ctx, storage.System, storage.HouseholdFilter{Limit: 1, IncludeInactive: true})
	if err != nil {
		t.Fatal(err)
	}
	_, p, err := f.db.People(ctx, storage.System, storage.PeopleFilter{Limit: 1, IncludeInactive: true})
	if err != nil {
		t.Fatal(err)
	}
	return dataCounts{units: u, households: h, people: p}
}

// upload posts an import form with a file, as the browser's multipart form does.
func (c *client) upload(mode, kind, filename string, data []byte) (int, string) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", c.csrf)
	mw.WriteField("kind", kind)
	mw.WriteField("mode", mode)
	if filename != "" {
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+"/import?mode="+mode, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// download fetches a file and checks it is an .xlsx.
func (c *client) download(path string) (int, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode == http.StatusOK {
		if ct := res.Header.Get("Content-Type"); ct != xlsx.ContentType {
			c.t.Fatalf("GET %s: content type %q", path, ct)
		}
		if !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") {
			c.t.Fatalf("GET %s: not an attachment", path)
		}
	}
	return res.StatusCode, b
}

// fillTemplate downloads a template and writes rows into its sheets (by index) from row 3 on,
// over the example row.
func fillTemplate(t *testing.T, c *client, kind string, sheets map[int][][]any) []byte {
	t.Helper()
	st, data := c.download("/import/template/" + kind + ".xlsx")
	if st != http.StatusOK {
		t.Fatalf("template %s: %d", kind, st)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for idx, rows := range sheets {
		name := f.GetSheetName(idx)
		for i, r := range rows {
			if err := f.SetSheetRow(name, "A"+strconv.Itoa(3+i), &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sheetCells reads every cell of an .xlsx's first sheet.
func sheetCells(t *testing.T, data []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not an xlsx: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func flat(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|"))
		b.WriteString("\n")
	}
	return b.String()
}

var problemRE = regexp.MustCompile(`<td data-label="行号">(\d+)</td>\s*<td data-label="列">([^<]*)</td>\s*<td data-label="问题">([^<]*)</td>`)

// problems lists the problem table of an import page as "row/column: message".
func problems(body string) []string {
	var out []string
	for _, m := range problemRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1]+"/"+m[2]+": "+m[3])
	}
	return out
}

func TestDataTemplateRoundTrip(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "town")
	t.Run("HouseholdsWithMembers", func(t *testing.T) {
		data := fillTemplate(t, c, "households", map[int][][]any{
			0: {
				{f.zqBuilding.Code, "站前路12号2单元201", "站前花园小区"},
				{f.zqGrid.Code, "站前路14号", ""},
			},
			1: {
				{f.zqBuilding.Code, "站前路12号2单元201", "户主", "孙志强", "男", "1968-03-09", "13812345678", "", "是", "1990-07-01", "居民、志愿者"},
				{f.zqBuilding.Code, "站前路12号2单元201", "配偶", "刘芳", "女", "1970-11-20", "", "", "否"},
				{f.zqGrid.Code, "站前路14号", "户主", "周一", "男", "19550203", "0393-1234567"},
			},
		})
		before := f.dataCounts(t)
		st, body := c.upload("dry", "households", "户.xlsx", data)
		if st != http.StatusOK || !strings.Contains(body, "检查通过：共 5 行，可新建单位 0 个、户 2 户、人员 3 人") {
			t.Fatalf("dry run: %d %v\n%s", st, problems(body), body)
		}
		if got := f.dataCounts(t); got != before {
			t.Fatalf("a dry run wrote: %+v → %+v", before, got)
		}
		st, body = c.upload("run", "households", "户.xlsx", data)
		if st != http.StatusOK || !strings.Contains(body, "导入成功：新建单位 0 个、户 2 户、人员 3 人") {
			t.Fatalf("import: %d %v", st, problems(body))
		}
		after := f.dataCounts(t)
		if after.households != before.households+2 || after.people != before.people+3 {
			t.Fatalf("counts %+v → %+v", before, after)
		}
		list, _, err := f.db.People(context.Background(), storage.System, storage.PeopleFilter{Query: "孙志强"})
		if err != nil || len(list) != 1 {
			t.Fatalf("imported person: %v %d", err, len(list))
		}
		p := list[0]
		if p.Household != "站前路12号2单元201" || p.Relation != "head" || !p.PartyMember || p.JoinedPartyOn != "1990-07-01" ||
			!p.Has(people.Resident) || !p.Has(people.Volunteer) || p.UnitID != f.zqBuilding.ID || p.Phone != "13812345678" {
			t.Fatalf("imported as %+v", p)
		}
		hs, _, _ := f.db.Households(context.Background(), storage.System, storage.HouseholdFilter{Query: "站前路12号2单元201"})
		if len(hs) != 1 || hs[0].CompoundID != f.zqCompound.ID || hs[0].Size != 2 {
			t.Fatalf("imported household %+v", hs)
		}
		// The same file again would make every household twice: all refused, nothing written.
		st, body = c.upload("run", "households", "户.xlsx", data)
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "已登记此地址的户") {
			t.Fatalf("second import: %d %v", st, problems(body))
		}
		if got := f.dataCounts(t); got != after {
			t.Fatalf("a refused import wrote: %+v → %+v", after, got)
		}
	})
	t.Run("UnitsChildBeforeParent", func(t *testing.T) {
		data := fillTemplate(t, c, "units", map[int][][]any{0: {
			{"410902003001002", "楼栋", "410902003001002001", "站前2号楼"},
			{f.zq.Code, "网格", "410902003001002", "站前二网格"},
		}})
		before := f.dataCounts(t)
		st, body := c.upload("run", "units", "units.xlsx", data)
		if st != http.StatusOK {
			t.Fatalf("import: %d %v", st, problems(body))
		}
		if got := f.dataCounts(t); got.units != before.units+2 {
			t.Fatalf("units %d → %d", before.units, got.units)
		}
		b, err := f.db.UnitByCode(context.Background(), storage.System, "410902003001002001")
		if err != nil || b.ParentName != "站前二网格" {
			t.Fatalf("building: %v %+v", err, b)
		}
	})
}

func TestDataImportListsEveryProblem(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zhanqian")
	b, g := f.zqBuilding.Code, f.zqGrid.Code
	data := fillTemplate(t, c, "people", map[int][][]any{0: {
		{b, "", "", "陈一", "男", "1980-01-01", "13811112222"},
		{b, "", "", "", "女"},
		{g, "", "", "陈二", "女"},
		{g, "", "", "陈三", "男", "", "12345"},
		{g, "", "", "陈四", "未知"},
		{b, f.zqHousehold.Address, "子女", "王小明", "男", "2001-09-01"},
	}})
	before := f.dataCounts(t)
	for _, mode := range []string{"dry", "run"} {
		st, body := c.upload(mode, "people", "people.xlsx", data)
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("%s: status %d", mode, st)
		}
		got := problems(body)
		want := []string{"4/姓名: 此项必填。", "6/联系电话: 请填写正确的手机号或带区号的固定电话。", "7/性别: 无法识别“未知”，请从下拉列表中选择。"}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%s: problems\n%s\nwant\n%s", mode, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if !strings.Contains(body, "发现 3 处问题（文件共 6 行数据），未导入任何数据") {
			t.Fatalf("%s: no summary", mode)
		}
		if after := f.dataCounts(t); after != before {
			t.Fatalf("%s wrote: %+v → %+v", mode, before, after)
		}
	}
}

func TestDataImportScope(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zhanqian")
	data := fillTemplate(t, c, "people", map[int][][]any{0: {
		{f.zqBuilding.Code, "", "", "陈一", "男"},
		{f.kxBuilding.Code, "", "", "陈二", "女"},
		{f.zqBuilding.Code, f.kxHousehold.Address, "子女", "陈三", "女"},
	}})
	before := f.dataCounts(t)
	st, body := c.upload("run", "people", "people.xlsx", data)
	got := strings.Join(problems(body), "\n")
	want := "4/所属单位编码: 未找到该单位，或您无权管理。\n5/所在户地址: 在该单位下未找到地址为“开西街8号2单元202”的户。"
	if st != http.StatusUnprocessableEntity || got != want {
		t.Fatalf("%d problems\n%s\nwant\n%s", st, got, want)
	}
	if after := f.dataCounts(t); after != before {
		t.Fatalf("wrote: %+v → %+v", before, after)
	}
	t.Run("UnitsNotOffered", func(t *testing.T) {
		data := fillTemplate(t, f.login(t, "town"), "units", map[int][][]any{0: {{f.zq.Code, "网格", "410902003001009", "站前九网格"}}})
		st, body := c.upload("run", "units", "units.xlsx", data)
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择要导入的内容") {
			t.Fatalf("%d", st)
		}
		if after := f.dataCounts(t); after != before {
			t.Fatalf("wrote: %+v → %+v", before, after)
		}
	})
	t.Run("RoleWithoutImport", func(t *testing.T) {
		g := f.login(t, "zqgrid")
		if st, _ := g.get("/import"); st != http.StatusForbidden {
			t.Fatalf("GET /import: %d", st)
		}
		if st, _ := g.upload("run", "people", "people.xlsx", data); st != http.StatusForbidden {
			t.Fatalf("POST /import: %d", st)
		}
		if st, _ := g.download("/import/template/people.xlsx"); st != http.StatusForbidden {
			t.Fatalf("template: %d", st)
		}
	})
}

func TestDataImportBadFiles(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "zhanqian")
	_, tmpl := c.download("/import/template/people.xlsx")
	before := f.dataCounts(t)
	cases := []struct {
		name   string
		file   string
		data   []byte
		status int
		text   string
	}{
		{"NotXLSX", "roster.xlsx", []byte("姓名,电话\n张三,13800000000\n"), 422, "上传的不是 Excel（.xlsx）文件"},
		{"Corrupt", "roster.xlsx", tmpl[:len(tmpl)-200], 422, "文件已损坏"},
		{"NoFile", "", nil, 422, "请选择要上传的 Excel 文件"},
		{"EmptyTemplate", "people.xlsx", tmpl, 422, "没有要导入的数据行"},
		{"WrongKind", "units.xlsx", fillTemplate(t, f.login(t, "town"), "units", map[int][][]any{0: {{f.zq.Code, "网格", "410902003001009", "站前九网格"}}}), 422, "没有找到“人员”数据表"},
		{"OverLimit", "big.xlsx", bytes.Repeat([]byte("x"), 50<<20), http.StatusRequestEntityTooLarge, "上传的文件过大（上限 10 MB）"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, body := c.upload("run", "people", tc.file, tc.data)
			if st != tc.status || !strings.Contains(body, tc.text) {
				t.Fatalf("got %d, want %d with %q", st, tc.status, tc.text)
			}
			if after := f.dataCounts(t); after != before {
				t.Fatalf("wrote: %+v → %+v", before, after)
			}
		})
	}
}

func TestDataExport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	evil := &people.Person{UnitID: f.zq.ID, Name: `=HYPERLINK("http://x","y")`, Gender: "F"}
	if err := f.db.CreatePerson(ctx, storage.System, evil); err != nil {
		t.Fatal(err)
	}
	zq := f.login(t, "zhanqian")
	t.Run("ScopeAndFormulas", func(t *testing.T) {
		for _, kind := range xlsx.ExportKinds {
			st, data := zq.download("/export/" + string(kind) + ".xlsx")
			if st != http.StatusOK {
				t.Fatalf("%s: %d", kind, st)
			}
			all := flat(sheetCells(t, data))
			for _, m := range f.kxMarkers() {
				if strings.Contains(all, m) {
					t.Errorf("%s export leaks %q", kind, m)
				}
			}
		}
		_, data := zq.download("/export/people.xlsx")
		rows := sheetCells(t, data)
		if len(rows) != 4 { // header, 王建国, 李书记, the formula-looking name
			t.Fatalf("%d rows:\n%s", len(rows), flat(rows))
		}
		all := flat(rows)
		if !strings.Contains(all, "王建国") || !strings.Contains(all, f.zqHead.Phone) {
			t.Fatalf("branch secretary's export lacks people or whole phones:\n%s", all)
		}
		if !strings.Contains(all, `'=HYPERLINK("http://x","y")`) {
			t.Fatalf("formula-looking name not escaped:\n%s", all)
		}
		x, _ := excelize.OpenReader(bytes.NewReader(data))
		for r := 1; r <= len(rows); r++ {
			for col := 1; col <= 12; col++ {
				ref, _ := excelize.CoordinatesToCellName(col, r)
				if fm, _ := x.GetCellFormula(x.GetSheetName(0), ref); fm != "" {
					t.Fatalf("cell %s is a formula: %s", ref, fm)
				}
			}
		}
	})
	t.Run("Filters", func(t *testing.T) {
		_, data := zq.download("/export/people.xlsx?q=" + "王")
		if rows := sheetCells(t, data); len(rows) != 2 || !strings.Contains(flat(rows), "王建国") {
			t.Fatalf("q filter:\n%s", flat(rows))
		}
		_, data = zq.download("/export/households.xlsx?unit=" + strconv.FormatInt(f.zqGrid.ID, 10))
		if rows := sheetCells(t, data); len(rows) != 2 || !strings.Contains(flat(rows), f.zqHousehold.Address) {
			t.Fatalf("unit filter:\n%s", flat(rows))
		}
		if st, _ := zq.download("/export/people.xlsx?unit=" + strconv.FormatInt(f.kx.ID, 10)); st != http.StatusNotFound {
			t.Fatalf("another community's unit: %d", st)
		}
		if st, _ := zq.download("/export/widgets.xlsx"); st != http.StatusNotFound { // cases.xlsx is the case ledger now
			t.Fatalf("unknown kind: %d", st)
		}
	})
	t.Run("MaskedForRoleWithoutSeePhone", func(t *testing.T) {
		u, err := f.db.CreateUser(ctx, storage.System, storage.NewUser{Username: "county", Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.BindRole(ctx, storage.System, u.ID, authz.CountyAdmin, f.county.ID); err != nil {
			t.Fatal(err)
		}
		st, data := f.login(t, "county").download("/export/people.xlsx")
		all := flat(sheetCells(t, data))
		if st != http.StatusOK || !strings.Contains(all, "138****0001") || !strings.Contains(all, "赵开西") {
			t.Fatalf("%d:\n%s", st, all)
		}
		for _, ph := range []string{f.zqHead.Phone, f.kxHead.Phone, f.zqCadre.Phone} {
			if strings.Contains(all, ph) {
				t.Fatalf("county admin sees phone %s whole", ph)
			}
		}
	})
	t.Run("RoleWithoutExport", func(t *testing.T) {
		if st, _ := f.login(t, "zqgrid").download("/export/people.xlsx"); st != http.StatusForbidden {
			t.Fatalf("got %d", st)
		}
	})
}
