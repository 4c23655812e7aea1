package storage_test

import (
	"context"
	"testing"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// TestCategoriesShowSavesAtOnce reads the category list (kept in memory), then saves, renames and
// retires a category: each change shows in the very next read. A bad save, or one by a user who
// may not configure, changes nothing.
func TestCategoriesShowSavesAtOnce(t *testing.T) {
	db, _ := storagetest.Open(t)
	ctx := context.Background()
	tr := buildTree(t, db)
	find := func(includeInactive bool, code string) *cases.Category {
		t.Helper()
		list, err := db.Categories(ctx, includeInactive)
		if err != nil {
			t.Fatal(err)
		}
		for i := range list {
			if list[i].Code == code {
				return &list[i]
			}
		}
		return nil
	}
	if find(true, "bridges") != nil {
		t.Fatal("a category before it was saved")
	}
	c := &cases.Category{Code: "bridges", Name: "桥梁", List: cases.Livelihood, AcceptDays: 1, DaysNormal: 10, DaysUrgent: 5, DaysCritical: 2}
	if err := db.SaveCategory(ctx, storage.System, c); err != nil {
		t.Fatal(err)
	}
	if got := find(false, "bridges"); got == nil || got.Name != "桥梁" {
		t.Fatalf("after the save: %+v", got)
	}
	c.Name = "桥梁涵洞"
	if err := db.SaveCategory(ctx, storage.System, c); err != nil {
		t.Fatal(err)
	}
	if got := find(false, "bridges"); got == nil || got.Name != "桥梁涵洞" {
		t.Fatalf("after the rename: %+v", got)
	}
	bad := *c
	bad.DaysNormal = 0
	if err := db.SaveCategory(ctx, storage.System, &bad); errs.Code(err) != errs.EINVALID {
		t.Fatalf("no time limit: %v", err)
	}
	sec := actor(authz.BranchSecretary, tr.a)
	other := *c
	other.Name = "不该改"
	if err := db.SaveCategory(ctx, sec, &other); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("a branch secretary configures categories: %v", err)
	}
	if got := find(true, "bridges"); got == nil || got.Name != "桥梁涵洞" || got.DaysNormal != 10 {
		t.Fatalf("after refused saves: %+v", got)
	}
	c.Active = false
	if err := db.SaveCategory(ctx, storage.System, c); err != nil {
		t.Fatal(err)
	}
	if find(false, "bridges") != nil || find(true, "bridges") == nil {
		t.Fatal("a retired category is still offered, or gone from the full list")
	}
}
