// Package org holds the organization tree's rules: unit kinds, which kind may hang under which,
// unit codes, and the stored paths that make a subtree one indexed query. No I/O.
package org

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/errs"
)

// Kind is the kind of a unit.
type Kind string

// Unit kinds, from the top of the tree down. Departments (town departments and stations) hang
// under their town.
const (
	Province   Kind = "province"
	City       Kind = "city"
	County     Kind = "county"
	Town       Kind = "town"
	Village    Kind = "village"
	Community  Kind = "community"
	Grid       Kind = "grid"
	Building   Kind = "building"
	Department Kind = "department"
)

// Kinds lists every kind in tree order.
var Kinds = []Kind{Province, City, County, Town, Village, Community, Grid, Building, Department}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Administrative reports whether units of kind k carry a 12-digit statistical division code.
func (k Kind) Administrative() bool {
	switch k {
	case Province, City, County, Town, Village, Community:
		return true
	}
	return false
}

// IsBranch reports whether k is a village or community: the level that holds a party branch
// and is rated on five stars.
func (k Kind) IsBranch() bool { return k == Village || k == Community }

// allowedParents says which kinds may hold a unit of each kind; an empty list means a root.
var allowedParents = map[Kind][]Kind{
	Province:   nil,
	City:       {Province},
	County:     {City, Province},
	Town:       {County},
	Village:    {Town},
	Community:  {Town},
	Grid:       {Village, Community},
	Building:   {Grid},
	Department: {Town},
}

// CanHold reports whether a unit of kind parent may hold a unit of kind child. An empty parent
// means the child would be a root, which only provinces, cities and counties may be.
func CanHold(parent, child Kind) bool {
	if parent == "" {
		return child == Province || child == City || child == County
	}
	for _, p := range allowedParents[child] {
		if p == parent {
			return true
		}
	}
	return false
}

// Unit is one node of the organization tree.
type Unit struct {
	ID        int64
	ParentID  int64 // 0 for a root
	Kind      Kind
	Code      string
	Name      string
	Path      string // "/1/5/23/": ids from the root down, this unit's included
	Depth     int
	Active    bool
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
	// Filled by some reads.
	ParentName string
	Children   int
}

// PathOf returns the path of the unit id under a parent with path parentPath ("" for a root).
func PathOf(parentPath string, id int64) string {
	if parentPath == "" {
		parentPath = "/"
	}
	return parentPath + strconv.FormatInt(id, 10) + "/"
}

// Within reports whether path lies in the subtree whose root has path ancestor (itself included).
func Within(path, ancestor string) bool {
	return ancestor != "" && strings.HasPrefix(path, ancestor)
}

// DepthOf returns how many units a path names.
func DepthOf(path string) int { return strings.Count(path, "/") - 1 }

// IDs returns the unit ids a path names, root first.
func IDs(path string) []int64 {
	var ids []int64
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// codeLen is the significant prefix length of each administrative level's 12-digit code
// (2 province, 2 city, 2 county, 3 town, 3 village digits).
var codeLen = map[Kind]int{Province: 2, City: 4, County: 6, Town: 9, Village: 12, Community: 12}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// CheckCode validates a unit's code against its kind and its parent's code (parent may be nil
// for a root). Administrative units use the 12-digit statistical division code, whose prefix is
// the parent's; grids, buildings and departments append three digits to their parent's code.
func CheckCode(kind Kind, code string, parent *Unit) *errs.FieldError {
	bad := func(key string) *errs.FieldError { f := errs.Field("code", key); return &f }
	if kind.Administrative() {
		if len(code) != 12 || !allDigits(code) {
			return bad("org.code.twelve_digits")
		}
		n := codeLen[kind]
		if strings.Trim(code[n:], "0") != "" {
			return bad("org.code.level_mismatch")
		}
		seg := code[:n]
		if parent != nil && parent.Kind.Administrative() {
			pn := codeLen[parent.Kind]
			if !strings.HasPrefix(seg, parent.Code[:pn]) {
				return bad("org.code.parent_prefix")
			}
			if strings.Trim(seg[pn:], "0") == "" {
				return bad("org.code.own_segment_zero")
			}
		}
		return nil
	}
	if parent == nil || len(code) != len(parent.Code)+3 || !strings.HasPrefix(code, parent.Code) || !allDigits(code[len(parent.Code):]) {
		return bad("org.code.extend_parent")
	}
	if code[len(parent.Code):] == "000" {
		return bad("org.code.own_segment_zero")
	}
	return nil
}

// Validate checks a unit about to be created or changed, given its parent (nil for a root).
func (u *Unit) Validate(parent *Unit) error {
	var fe []errs.FieldError
	u.Name = strings.TrimSpace(u.Name)
	u.Code = strings.TrimSpace(u.Code)
	switch n := utf8.RuneCountInString(u.Name); {
	case n == 0:
		fe = append(fe, errs.Field("name", "validation.required"))
	case n > 60:
		fe = append(fe, errs.Field("name", "validation.too_long", 60))
	}
	if !u.Kind.Valid() {
		fe = append(fe, errs.Field("kind", "org.kind.invalid"))
	} else {
		pk := Kind("")
		if parent != nil {
			pk = parent.Kind
		}
		if !CanHold(pk, u.Kind) {
			fe = append(fe, errs.Field("parent_id", "org.parent.kind_mismatch"))
		} else if f := CheckCode(u.Kind, u.Code, parent); f != nil {
			fe = append(fe, *f)
		}
	}
	if parent != nil && !parent.Active {
		fe = append(fe, errs.Field("parent_id", "org.parent.inactive"))
	}
	return errs.FieldsOf(fe)
}

// CheckMove validates moving unit u under newParent: the kinds must fit and the new parent
// must not lie in u's own subtree.
func CheckMove(u, newParent *Unit) error {
	if newParent == nil {
		if !CanHold("", u.Kind) {
			return errs.Invalid(errs.Field("parent_id", "org.parent.kind_mismatch"))
		}
		return nil
	}
	if Within(newParent.Path, u.Path) {
		return errs.Invalid(errs.Field("parent_id", "org.move.into_own_subtree"))
	}
	if !CanHold(newParent.Kind, u.Kind) {
		return errs.Invalid(errs.Field("parent_id", "org.parent.kind_mismatch"))
	}
	if !newParent.Active {
		return errs.Invalid(errs.Field("parent_id", "org.parent.inactive"))
	}
	return nil
}

// Compound is a residential compound (小区) in a village or community.
type Compound struct {
	ID      int64
	UnitID  int64
	Name    string
	Address string
	// ThreeWithout marks a compound with no property company, no owners' committee and no
	// supervising unit (三无小区).
	ThreeWithout bool
	// RedCommittee marks a compound whose owners' committee is party-led (红色业委会).
	RedCommittee bool
	Active       bool
	Version      int64
	UnitName     string
}

// Validate checks a compound against the unit it belongs to.
func (c *Compound) Validate(unit *Unit) error {
	var fe []errs.FieldError
	c.Name = strings.TrimSpace(c.Name)
	c.Address = strings.TrimSpace(c.Address)
	if c.Name == "" {
		fe = append(fe, errs.Field("name", "validation.required"))
	} else if utf8.RuneCountInString(c.Name) > 60 {
		fe = append(fe, errs.Field("name", "validation.too_long", 60))
	}
	if utf8.RuneCountInString(c.Address) > 200 {
		fe = append(fe, errs.Field("address", "validation.too_long", 200))
	}
	if unit == nil || !(unit.Kind.IsBranch() || unit.Kind == Grid) {
		fe = append(fe, errs.Field("unit_id", "org.compound.unit_kind"))
	}
	return errs.FieldsOf(fe)
}
