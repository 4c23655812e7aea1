package xlsx

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/locale"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// Problem is one thing wrong with an import file, where it is and what is wrong, as catalogue
// keys so each front end words it in its user's language.
type Problem struct {
	Sheet string // the sheet's name as in the file
	Row   int    // the row number Excel shows
	Col   string // column key; "" when the problem is the row's as a whole
	Label string // catalogue key of the column's header
	Key   string // catalogue key of the message
	Args  []any
}

// Column is the problem's column header in pr's language.
func (p Problem) Column(pr *locale.Printer) string {
	if p.Label == "" {
		return ""
	}
	return pr.T(p.Label)
}

// Message is the problem in pr's language.
func (p Problem) Message(pr *locale.Printer) string { return pr.T(p.Key, p.Args...) }

// Text is the problem as one line: sheet, row, column and message.
func (p Problem) Text(pr *locale.Printer) string {
	if p.Col == "" {
		return pr.T("data.problem.row", p.Sheet, p.Row, p.Message(pr))
	}
	return pr.T("data.problem.cell", p.Sheet, p.Row, p.Column(pr), p.Message(pr))
}

// Report is what an import found and did. With problems nothing was written; a dry run writes
// nothing either, and its counts say what the import would create.
type Report struct {
	Kind       Kind
	DryRun     bool
	Rows       int // data rows read
	Units      int // records created, or that a dry run would create
	Households int
	People     int
	Problems   []Problem
	More       int // problems beyond MaxProblems, counted but not kept
	seen       map[string]bool
	rowsBad    map[string]bool
}

// OK reports whether the file had no problems.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// ProblemCount is how many problems there were in all.
func (r *Report) ProblemCount() int { return len(r.Problems) + r.More }

// add records a problem; a cell keeps only its first problem, which is the most specific.
func (r *Report) add(p Problem) {
	if r.seen == nil {
		r.seen, r.rowsBad = map[string]bool{}, map[string]bool{}
	}
	row := p.Sheet + "\x00" + strconv.Itoa(p.Row)
	id := row + "\x00" + p.Col + "\x00"
	if p.Col == "" {
		id += p.Key
	}
	if r.seen[id] {
		return
	}
	r.seen[id] = true
	r.rowsBad[row] = true
	if len(r.Problems) >= MaxProblems {
		r.More++
		return
	}
	r.Problems = append(r.Problems, p)
}

func (r *Report) rowBad(sheet string, row int) bool {
	return r.rowsBad[sheet+"\x00"+strconv.Itoa(row)]
}

// errRollback ends the batch of a dry run, or of a file with problems, without writing.
var errRollback = errors.New("xlsx: roll back")

// Import reads an .xlsx file of kind k and creates its records as actor a, all or nothing: every
// row is checked with the same rules and scope as a form (storage.Batch), every problem is
// reported by sheet, row and column, and any problem leaves the database as it was. A dry run
// checks everything the import would and writes nothing. Problems with the file as a whole (not
// a workbook, damaged, too large, no sheet of this kind) come back as an error.
func Import(ctx context.Context, db *storage.DB, a storage.Actor, k Kind, data []byte, dryRun bool) (*Report, error) {
	if !k.Importable() {
		return nil, errs.Invalid(errs.Field("kind", "data.kind.invalid"))
	}
	a = limit(a, authz.ImportData)
	if !a.P.Can(authz.ImportData) {
		return nil, errs.Forbidden()
	}
	wb, err := openWorkbook(data)
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	rep := &Report{Kind: k, DryRun: dryRun}
	sheets, err := wb.readSheets(layoutsFor(k), rep)
	if err != nil {
		return nil, err
	}
	if len(sheets) == 0 {
		return nil, fileError("data.file.no_sheet." + string(k))
	}
	order := layoutsFor(k)
	slices.SortStableFunc(sheets, func(x, y *sheetData) int {
		return slices.Index(order, x.layout) - slices.Index(order, y.layout)
	})
	for _, s := range sheets {
		rep.Rows += len(s.rows)
	}
	if rep.Rows == 0 {
		return nil, fileError("data.file.no_rows")
	}
	im := &importer{rep: rep, today: db.Clock().Now(), system: a.P.System, failedUnits: map[string]int{}, failedHouseholds: map[string]int{},
		unitCache: map[string]*org.Unit{}}
	err = db.Batch(ctx, a, func(b *storage.Batch) error {
		im.b = b
		for _, s := range sheets {
			var err error
			switch s.layout {
			case unitsLayout:
				err = im.units(s)
			case householdsLayout:
				err = im.households(s)
			case peopleLayout:
				err = im.people(s)
			}
			if err != nil {
				return err
			}
		}
		if !rep.OK() || dryRun {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return nil, err
	}
	sortProblems(rep, sheets)
	if !rep.OK() {
		rep.Units, rep.Households, rep.People = 0, 0, 0
	}
	return rep, nil
}

func sortProblems(rep *Report, sheets []*sheetData) {
	sheetIdx := map[string]int{}
	colIdx := map[string]int{}
	for i, s := range sheets {
		sheetIdx[s.name] = i
		for j, c := range s.layout.columns {
			colIdx[s.name+"\x00"+c.key] = j + 1
		}
	}
	slices.SortStableFunc(rep.Problems, func(x, y Problem) int {
		if d := sheetIdx[x.Sheet] - sheetIdx[y.Sheet]; d != 0 {
			return d
		}
		if d := x.Row - y.Row; d != 0 {
			return d
		}
		return colIdx[x.Sheet+"\x00"+x.Col] - colIdx[y.Sheet+"\x00"+y.Col]
	})
}

// importer creates one file's records inside one batch.
type importer struct {
	b      *storage.Batch
	rep    *Report
	today  time.Time
	system bool // only the platform itself may make root units
	// failedUnits and failedHouseholds remember rows that failed, so rows that refer to them say
	// so instead of "not found".
	failedUnits      map[string]int // unit code → row
	failedHouseholds map[string]int // unit code + address → row
	// units caches the units found by code: a file names the same few again and again.
	unitCache map[string]*org.Unit
}

// rowCtx collects one row's problems.
type rowCtx struct {
	im *importer
	sd *sheetData
	r  rowData
}

func (im *importer) row(sd *sheetData, r rowData) *rowCtx { return &rowCtx{im: im, sd: sd, r: r} }

func (rc *rowCtx) v(key string) string { return rc.r.cells[key] }

func (rc *rowCtx) problem(col, key string, args ...any) {
	p := Problem{Sheet: rc.sd.name, Row: rc.r.num, Col: col, Key: key, Args: args}
	if c := rc.sd.layout.col(col); c != nil {
		p.Label = c.header()
	}
	rc.im.rep.add(p)
}

func (rc *rowCtx) bad() bool { return rc.im.rep.rowBad(rc.sd.name, rc.r.num) }

// required reports a problem for each required column left empty.
func (rc *rowCtx) required() {
	for _, c := range rc.sd.layout.columns {
		if _, present := rc.sd.cols[c.key]; c.required && present && rc.v(c.key) == "" {
			rc.problem(c.key, "validation.required")
		}
	}
}

// domain reports a domain or storage error against the columns its fields name; fallback is
// the column of an error that names no field. Internal errors abort the import.
func (rc *rowCtx) domain(err error, fallback string) error {
	if err == nil {
		return nil
	}
	e := errs.As(err)
	if e.Code == errs.EINTERNAL {
		return err
	}
	if len(e.Fields) == 0 {
		rc.problem(fallback, e.Key, e.Args...)
		return nil
	}
	for _, f := range e.Fields {
		col := rc.sd.layout.columnFor(f.Field)
		if col == "" {
			col = fallback
		}
		rc.problem(col, f.Key, f.Args...)
	}
	return nil
}

// enumValue reads a one-value enumeration cell; an unknown value is a problem.
func (rc *rowCtx) enumValue(key string, e *enum) string {
	s := rc.v(key)
	if s == "" {
		return ""
	}
	v, ok := e.lookup()[norm(s)]
	if !ok {
		rc.problem(key, "data.value.unknown", s)
	}
	return v
}

// unitByCode finds a unit a row refers to; a unit whose own row failed, or that is missing or
// outside the actor's scope, is a problem (notFoundKey).
func (rc *rowCtx) unitByCode(col, notFoundKey string) (*org.Unit, error) {
	code := rc.v(col)
	if code == "" {
		return nil, nil
	}
	if row, failed := rc.im.failedUnits[code]; failed {
		rc.problem(col, "data.ref.row_failed", row)
		return nil, nil
	}
	u := rc.im.unitCache[code]
	var err error
	if u == nil {
		u, err = rc.im.b.UnitByCode(code)
	}
	if err != nil {
		if errs.Code(err) == errs.ENOTFOUND {
			rc.problem(col, notFoundKey)
			return nil, nil
		}
		return nil, err
	}
	rc.im.unitCache[code] = u
	if !u.Active {
		rc.problem(col, "org.unit.inactive")
		return nil, nil
	}
	return u, nil
}

// unitOrder puts the rows of a units sheet in an order where a parent made by the file comes
// before its children; a loop of parents is a problem on each row in it.
func (im *importer) unitOrder(sd *sheetData) []int {
	byCode := map[string]int{}
	for i, r := range sd.rows {
		if c := r.cells["code"]; c != "" {
			if _, dup := byCode[c]; !dup {
				byCode[c] = i
			}
		}
	}
	depth := make([]int, len(sd.rows))
	state := make([]byte, len(sd.rows)) // 0 new, 1 visiting, 2 done
	var visit func(i int) int
	visit = func(i int) int {
		switch state[i] {
		case 1:
			im.row(sd, sd.rows[i]).problem("parent_code", "data.unit.cycle")
			return 0
		case 2:
			return depth[i]
		}
		state[i] = 1
		d := 0
		if p, ok := byCode[sd.rows[i].cells["parent_code"]]; ok && p != i {
			d = visit(p) + 1
		}
		state[i], depth[i] = 2, d
		return d
	}
	idx := make([]int, len(sd.rows))
	for i := range sd.rows {
		visit(i)
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(x, y int) int { return depth[x] - depth[y] })
	return idx
}

func (im *importer) units(sd *sheetData) error {
	for _, i := range im.unitOrder(sd) {
		rc := im.row(sd, sd.rows[i])
		rc.required()
		if rc.v("parent_code") == "" && !im.system {
			rc.problem("parent_code", "validation.required")
		}
		kind := rc.enumValue("kind", kindEnum)
		parent, err := rc.unitByCode("parent_code", "org.parent.not_found")
		if err != nil {
			return err
		}
		u := &org.Unit{Kind: org.Kind(kind), Code: rc.v("code"), Name: rc.v("name")}
		if parent != nil {
			u.ParentID = parent.ID
		}
		if rc.v("parent_code") == "" || parent != nil {
			// Without the parent found, its kind and code cannot be checked against it.
			if err := rc.domain(u.Validate(parent), "code"); err != nil {
				return err
			}
		}
		if !rc.bad() {
			if err := rc.domain(im.b.Try(func() error { return im.b.CreateUnit(u) }), "parent_code"); err != nil {
				return err
			}
		}
		if rc.bad() {
			if c := rc.v("code"); c != "" {
				if _, seen := im.failedUnits[c]; !seen {
					im.failedUnits[c] = rc.r.num
				}
			}
			continue
		}
		im.rep.Units++
	}
	return nil
}

func (im *importer) households(sd *sheetData) error {
	for _, r := range sd.rows {
		rc := im.row(sd, r)
		rc.required()
		unit, err := rc.unitByCode("unit_code", "org.unit.not_found")
		if err != nil {
			return err
		}
		h := &people.Household{Address: rc.v("address")}
		if err := rc.domain(h.Validate(), "address"); err != nil {
			return err
		}
		if unit != nil {
			h.UnitID = unit.ID
			if name := rc.v("compound"); name != "" {
				c, err := im.b.CompoundByName(name, unit.Path)
				switch {
				case errs.Code(err) == errs.ENOTFOUND:
					rc.problem("compound", "data.compound.not_found", name)
				case err != nil:
					return err
				default:
					h.CompoundID = c.ID
				}
			}
			if h.Address != "" && !rc.bad() {
				same, err := im.b.HouseholdsAt(unit.Path, h.Address)
				if err != nil {
					return err
				}
				if len(same) > 0 {
					rc.problem("address", "data.household.exists")
				}
			}
		}
		if !rc.bad() {
			if err := rc.domain(im.b.Try(func() error { return im.b.CreateHousehold(h) }), "unit_code"); err != nil {
				return err
			}
		}
		if rc.bad() {
			im.failedHouseholds[rc.v("unit_code")+"\x00"+h.Address] = r.num
			continue
		}
		im.rep.Households++
	}
	return nil
}

var sciNumber = regexp.MustCompile(`^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$`)

// phoneValue undoes what Excel does to a phone number typed into a number cell.
func phoneValue(s string) string {
	if sciNumber.MatchString(s) {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f < 1e15 {
			return strconv.FormatFloat(f, 'f', 0, 64)
		}
	}
	return strings.TrimSuffix(s, ".0")
}

func (im *importer) people(sd *sheetData) error {
	for _, r := range sd.rows {
		rc := im.row(sd, r)
		rc.required()
		unit, err := rc.unitByCode("unit_code", "org.unit.not_found")
		if err != nil {
			return err
		}
		p := &people.Person{Name: rc.v("name"), Phone: phoneValue(rc.v("phone")), IDNumber: rc.v("id_number")}
		p.Gender = rc.enumValue("gender", genderEnum)
		p.Relation = people.Relation(rc.enumValue("relation", relationEnum))
		p.PartyMember = rc.enumValue("party_member", boolEnum) == "yes"
		p.BirthDate = rc.dateValue("birth_date")
		p.JoinedPartyOn = rc.dateValue("joined_party_on")
		if s := rc.v("categories"); s != "" {
			lookup := categoryEnum.lookup()
			for _, part := range splitList(s) {
				c, ok := lookup[norm(part)]
				if !ok {
					rc.problem("categories", "data.value.unknown", strings.TrimSpace(part))
					continue
				}
				p.Categories = append(p.Categories, people.Category(c))
			}
		}
		addr := rc.v("household_address")
		if unit != nil {
			p.UnitID = unit.ID
			if addr != "" {
				if row, failed := im.failedHouseholds[rc.v("unit_code")+"\x00"+addr]; failed {
					rc.problem("household_address", "data.ref.row_failed", row)
				} else {
					hs, err := im.b.HouseholdsAt(unit.Path, addr)
					if err != nil {
						return err
					}
					switch len(hs) {
					case 0:
						rc.problem("household_address", "data.household.not_found", addr)
					case 1:
						p.HouseholdID = hs[0].ID
					default:
						rc.problem("household_address", "data.household.ambiguous", addr)
					}
				}
			}
		}
		if addr != "" && p.HouseholdID == 0 {
			// Checked as a household member all the same, so the relation is not overlooked.
			p.HouseholdID = -1
			err = p.Validate(im.today)
			p.HouseholdID = 0
		} else {
			err = p.Validate(im.today)
		}
		if err := rc.domain(err, "name"); err != nil {
			return err
		}
		if unit != nil && !rc.bad() {
			dup, err := im.b.PersonExists(p)
			if err != nil {
				return err
			}
			if dup {
				rc.problem("name", "data.person.exists")
			}
		}
		if !rc.bad() {
			if err := rc.domain(im.b.Try(func() error { return im.b.CreatePerson(p) }), "unit_code"); err != nil {
				return err
			}
		}
		if !rc.bad() {
			im.rep.People++
		}
	}
	return nil
}

var dateLayouts = []string{"2006-01-02", "2006-1-2", "2006/1/2", "2006.1.2", "2006年1月2日", "20060102", "2006-01-02 15:04:05"}

// dateValue reads a date cell; what cannot be read is a problem, and stays as typed.
func (rc *rowCtx) dateValue(key string) string {
	s := rc.v(key)
	d, ok := parseDate(s)
	if !ok {
		rc.problem(key, "validation.date")
		return s
	}
	return d
}

// parseDate reads a date typed as text in a common form, or an Excel date serial, as YYYY-MM-DD.
func parseDate(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n >= 1 && n < 100000 && !strings.ContainsAny(s, "eE") {
		if t, err := excelize.ExcelDateToTime(n, false); err == nil {
			return t.Format(people.DateLayout), true
		}
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format(people.DateLayout), true
		}
	}
	return s, false
}
