// Package xlsx moves rosters between wuxing and Excel: downloadable import templates, an
// all-or-nothing import that lists every problem by sheet, row and column, and streamed exports.
// It stands between the store and the two front ends (web and command line), which both call
// Import, Export and WriteTemplate; the rules for what makes a record valid stay in org and
// people, and scope stays in storage.
package xlsx

import (
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/storage"
)

// Kind is what a file holds.
type Kind string

// The kinds of file: units, people and households can be imported; every kind exported.
const (
	Units       Kind = "units"
	People      Kind = "people"
	Households  Kind = "households"
	Assignments Kind = "assignments"
)

// ImportKinds lists the kinds that can be imported, in the order forms offer them.
var ImportKinds = []Kind{People, Households, Units}

// ExportKinds lists the kinds that can be exported.
var ExportKinds = []Kind{Units, People, Households, Assignments}

// Importable reports whether files of kind k can be imported.
func (k Kind) Importable() bool { return k == Units || k == People || k == Households }

// Exportable reports whether lists of kind k can be exported.
func (k Kind) Exportable() bool { return k.Importable() || k == Assignments }

// Limits on what an import reads, so that a hostile file cannot exhaust the server.
const (
	// MaxRows is the most data rows one file may carry, over all its sheets.
	MaxRows = 20000
	// MaxUnzipped is the most bytes a file may expand to.
	MaxUnzipped = 200 << 20
	// maxXMLInMemory is the largest part kept in memory; larger sheets are read from a temporary file.
	maxXMLInMemory = 16 << 20
	// maxParts is the most files the zip container may hold.
	maxParts = 2000
	// maxCellRunes is the longest cell an import reads; no field is longer.
	maxCellRunes = 500
	// MaxProblems is how many problems a report keeps; it counts the rest.
	MaxProblems = 5000
)

// ContentType is the media type of .xlsx files.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Escape defuses a text that a spreadsheet would take for a formula (=, +, -, @, and the tab
// and carriage return some programs also treat so) by prefixing an apostrophe, as OWASP advises
// against CSV and formula injection.
func Escape(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// limit narrows an actor to the role bindings that carry perm, so an import or export reaches
// only the units where the user may import or export, even if other roles reach further.
func limit(a storage.Actor, perm authz.Perm) storage.Actor {
	if a.P == nil || a.P.System {
		return a
	}
	p := *a.P
	p.Bindings = nil
	for _, b := range a.P.Bindings {
		if b.Role.Has(perm) {
			p.Bindings = append(p.Bindings, b)
		}
	}
	return storage.Actor{P: &p, IP: a.IP}
}

// splitList splits a cell holding several values.
func splitList(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case ',', '，', '、', ';', '；', '\n':
			return true
		}
		return false
	})
	return f
}
