package org

import (
	"testing"

	"wuxing/internal/errs"
)

func TestCanHold(t *testing.T) {
	cases := []struct {
		parent, child Kind
		ok            bool
	}{
		{"", County, true}, {"", Town, false}, {County, Town, true}, {Town, Village, true}, {Town, Community, true},
		{Town, Department, true}, {Village, Grid, true}, {Community, Grid, true}, {Grid, Building, true},
		{Town, Grid, false}, {Village, Building, false}, {Department, Grid, false}, {Building, Grid, false},
		{County, Village, false}, {City, County, true},
	}
	for _, c := range cases {
		if got := CanHold(c.parent, c.child); got != c.ok {
			t.Errorf("CanHold(%q, %q) = %v, want %v", c.parent, c.child, got, c.ok)
		}
	}
}

func TestCheckCode(t *testing.T) {
	county := &Unit{Kind: County, Code: "410902000000"}
	town := &Unit{Kind: Town, Code: "410902003000"}
	village := &Unit{Kind: Village, Code: "410902003001"}
	grid := &Unit{Kind: Grid, Code: "410902003001001"}
	cases := []struct {
		name   string
		kind   Kind
		code   string
		parent *Unit
		key    string // "" for valid
	}{
		{"CountyRoot", County, "410902000000", nil, ""},
		{"TownUnderCounty", Town, "410902003000", county, ""},
		{"TownWrongPrefix", Town, "410903003000", county, "org.code.parent_prefix"},
		{"TownZeroSegment", Town, "410902000000", county, "org.code.own_segment_zero"},
		{"TownTooLong", Town, "4109020030001", county, "org.code.twelve_digits"},
		{"TownLetters", Town, "41090200300A", county, "org.code.twelve_digits"},
		{"TownLevelMismatch", Town, "410902003001", county, "org.code.level_mismatch"},
		{"Village", Village, "410902003001", town, ""},
		{"Grid", Grid, "410902003001001", village, ""},
		{"GridNotExtending", Grid, "410902003002001", village, "org.code.extend_parent"},
		{"GridZero", Grid, "410902003001000", village, "org.code.own_segment_zero"},
		{"Building", Building, "410902003001001007", grid, ""},
		{"Department", Department, "410902003000101", town, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := CheckCode(c.kind, c.code, c.parent)
			switch {
			case c.key == "" && f != nil:
				t.Fatalf("refused: %s", f.Key)
			case c.key != "" && (f == nil || f.Key != c.key):
				t.Fatalf("got %v, want %s", f, c.key)
			}
		})
	}
}

func TestPaths(t *testing.T) {
	p := PathOf(PathOf("", 1), 15)
	if p != "/1/15/" || DepthOf(p) != 2 {
		t.Fatalf("path %q depth %d", p, DepthOf(p))
	}
	if !Within("/1/15/7/", "/1/15/") || Within("/1/150/", "/1/15/") || Within("/1/", "/1/15/") {
		t.Fatal("Within is not a subtree test")
	}
	ids := IDs("/1/15/7/")
	if len(ids) != 3 || ids[2] != 7 {
		t.Fatalf("IDs %v", ids)
	}
}

func TestCheckMove(t *testing.T) {
	town := &Unit{ID: 3, Kind: Town, Path: "/1/3/", Active: true}
	village := &Unit{ID: 4, Kind: Village, Path: "/1/3/4/", Active: true}
	grid := &Unit{ID: 5, Kind: Grid, Path: "/1/3/4/5/", Active: true}
	otherVillage := &Unit{ID: 6, Kind: Village, Path: "/1/3/6/", Active: true}
	if err := CheckMove(village, grid); errs.Code(err) != errs.EINVALID {
		t.Fatal("moved a village under its own grid")
	}
	if err := CheckMove(grid, otherVillage); err != nil {
		t.Fatalf("grid to another village: %v", err)
	}
	if err := CheckMove(grid, town); err == nil {
		t.Fatal("grid under a town accepted")
	}
	otherVillage.Active = false
	if err := CheckMove(grid, otherVillage); err == nil {
		t.Fatal("move under an inactive unit accepted")
	}
}

func TestValidateUnit(t *testing.T) {
	town := &Unit{Kind: Town, Code: "410902003000", Active: true}
	u := &Unit{Kind: Village, Code: "410902003001", Name: "  "}
	err := u.Validate(town)
	e := errs.As(err)
	if e.Code != errs.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != "name" {
		t.Fatalf("got %v", err)
	}
	u.Name = "戚城村"
	if err := u.Validate(town); err != nil {
		t.Fatal(err)
	}
}
