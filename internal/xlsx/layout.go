package xlsx

import (
	"strings"
	"sync"

	"wuxing/internal/locale"
	"wuxing/internal/org"
	"wuxing/internal/people"
)

// enum is a closed list of values a column takes, each shown to the user by a catalogue label.
type enum struct {
	values []string
	prefix string // catalogue key of a value's label: prefix + value
	multi  bool   // a cell may hold several values, separated by 、 or commas
	once   sync.Once
	words  map[string]string
}

func stringsOf[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

var (
	kindEnum       = &enum{values: stringsOf(org.Kinds), prefix: "kind."}
	genderEnum     = &enum{values: []string{"M", "F"}, prefix: "data.gender."}
	boolEnum       = &enum{values: []string{"yes", "no"}, prefix: "common."}
	relationEnum   = &enum{values: stringsOf(people.Relations), prefix: "data.relation."}
	categoryEnum   = &enum{values: stringsOf(people.Categories), prefix: "data.category.", multi: true}
	assignmentEnum = &enum{values: stringsOf(people.AssignmentKinds), prefix: "data.assignment."}
)

// label is the user's word for value v.
func (e *enum) label(pr *locale.Printer, v string) string { return pr.T(e.prefix + v) }

// labels lists every value's label in pr's language.
func (e *enum) labels(pr *locale.Printer) []string {
	out := make([]string, len(e.values))
	for i, v := range e.values {
		out[i] = e.label(pr, v)
	}
	return out
}

// lookup maps what a user may type for a value (its label in any language, or the value
// itself) to the value.
func (e *enum) lookup() map[string]string {
	e.once.Do(func() { e.words = e.buildLookup() })
	return e.words
}

func (e *enum) buildLookup() map[string]string {
	m := map[string]string{}
	for _, lang := range locale.Languages {
		pr := locale.NewPrinter(lang)
		for _, v := range e.values {
			m[norm(e.label(pr, v))] = v
		}
	}
	for _, v := range e.values {
		m[norm(v)] = v
	}
	if e == boolEnum {
		for _, s := range []string{"y", "true", "1", "√", "✓", "有"} {
			m[s] = "yes"
		}
		for _, s := range []string{"n", "false", "0", "×", "无", "非"} {
			m[s] = "no"
		}
	}
	if e == genderEnum {
		for s, v := range map[string]string{"male": "M", "female": "F", "男性": "M", "女性": "F"} {
			m[s] = v
		}
	}
	return m
}

// norm folds case and surrounding space for comparing what a user typed.
func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// column is one column of an import sheet.
type column struct {
	key      string   // field name: the hidden key row's marker, and data.col.<key> is its header
	label    string   // catalogue key of the header when it is not data.col.<key>
	required bool     // the row is incomplete without it
	enum     *enum    // values come from a list
	date     bool     // a date, written YYYY-MM-DD
	fields   []string // the domain's error field names that point at this column (besides key)
	example  string   // the template's example; a "data." prefix means a catalogue key
	width    float64
}

// layout is the shape of one import sheet: which record each row makes, and its columns.
type layout struct {
	name    string // units, households, people
	sheet   string // catalogue key of the sheet's name
	columns []column
}

// header is the catalogue key of the column's header.
func (c *column) header() string {
	if c.label != "" {
		return c.label
	}
	return "data.col." + c.key
}

// hint is the catalogue key of the column's instructions.
func (c *column) hint() string {
	return "data.hint." + strings.TrimPrefix(c.header(), "data.col.")
}

func (l *layout) col(key string) *column {
	for i := range l.columns {
		if l.columns[i].key == key {
			return &l.columns[i]
		}
	}
	return nil
}

// columnFor maps a domain error's field name to this layout's column key ("" when none fits).
func (l *layout) columnFor(field string) string {
	for _, c := range l.columns {
		if c.key == field {
			return c.key
		}
		for _, f := range c.fields {
			if f == field {
				return c.key
			}
		}
	}
	return ""
}

// exampleValue is the example of column c in pr's language.
func (c *column) exampleValue(pr *locale.Printer) string {
	switch {
	case c.example == "":
		return ""
	case strings.HasPrefix(c.example, "data."):
		return pr.T(c.example)
	case c.enum != nil:
		return c.enum.label(pr, c.example)
	}
	return c.example
}

var unitsLayout = &layout{name: "units", sheet: "data.sheet.units", columns: []column{
	{key: "parent_code", fields: []string{"parent_id"}, example: "410902003000", width: 18},
	{key: "kind", required: true, enum: kindEnum, example: "community", width: 14},
	{key: "code", required: true, example: "410902003099", width: 22},
	{key: "name", required: true, example: "data.example.unit_name", width: 24},
}}

var householdsLayout = &layout{name: "households", sheet: "data.sheet.households", columns: []column{
	{key: "unit_code", required: true, fields: []string{"unit_id"}, example: "410902003099001001", width: 22},
	{key: "address", required: true, example: "data.example.address", width: 36},
	{key: "compound", fields: []string{"compound_id"}, example: "data.example.compound", width: 20},
}}

var peopleLayout = &layout{name: "people", sheet: "data.sheet.people", columns: []column{
	{key: "unit_code", required: true, fields: []string{"unit_id"}, example: "410902003099001001", width: 22},
	{key: "household_address", fields: []string{"household_id"}, example: "data.example.address", width: 36},
	{key: "relation", enum: relationEnum, example: "head", width: 12},
	{key: "name", label: "data.col.person_name", required: true, example: "data.example.person_name", width: 12},
	{key: "gender", required: true, enum: genderEnum, example: "M", width: 8},
	{key: "birth_date", date: true, example: "1975-06-18", width: 13},
	{key: "phone", example: "13912345678", width: 15},
	{key: "id_number", width: 22},
	{key: "party_member", enum: boolEnum, example: "yes", width: 10},
	{key: "joined_party_on", date: true, example: "2001-07-01", width: 13},
	{key: "categories", enum: categoryEnum, example: "resident", width: 18},
}}

// layoutsFor lists the sheets an import of kind reads, in the order they are written: a
// households file may carry its members on a second sheet.
func layoutsFor(k Kind) []*layout {
	switch k {
	case Units:
		return []*layout{unitsLayout}
	case Households:
		return []*layout{householdsLayout, peopleLayout}
	case People:
		return []*layout{peopleLayout}
	}
	return nil
}

// sheetName is the name of layout l's sheet in a template of kind k.
func sheetName(pr *locale.Printer, k Kind, l *layout) string {
	if k == Households && l == peopleLayout {
		return pr.T("data.sheet.members")
	}
	return pr.T(l.sheet)
}
