package storage_test

import (
	"context"
	"testing"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// tree builds county → town → two communities → one grid each, as the system.
type tree struct {
	county, town, a, b, gridA, gridB *org.Unit
}

func mustUnit(t *testing.T, db *storage.DB, parent *org.Unit, kind org.Kind, code, name string) *org.Unit {
	t.Helper()
	u := &org.Unit{Kind: kind, Code: code, Name: name}
	if parent != nil {
		u.ParentID = parent.ID
	}
	if err := db.CreateUnit(context.Background(), storage.System, u); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

func buildTree(t *testing.T, db *storage.DB) tree {
	var tr tree
	tr.county = mustUnit(t, db, nil, org.County, "410902000000", "华龙区")
	tr.town = mustUnit(t, db, tr.county, org.Town, "410902003000", "建设办")
	tr.a = mustUnit(t, db, tr.town, org.Community, "410902003001", "站前社区")
	tr.b = mustUnit(t, db, tr.town, org.Community, "410902003002", "开西社区")
	tr.gridA = mustUnit(t, db, tr.a, org.Grid, "410902003001001", "第一网格")
	tr.gridB = mustUnit(t, db, tr.b, org.Grid, "410902003002001", "第一网格")
	return tr
}

func actor(role authz.Role, u *org.Unit) storage.Actor {
	return storage.Actor{P: &authz.Principal{UserID: 99, Username: "tester", Bindings: []authz.Binding{{Role: role, UnitID: u.ID, UnitPath: u.Path}}}}
}

func TestUnitsScope(t *testing.T) {
	db, _ := storagetest.Open(t)
	ctx := context.Background()
	tr := buildTree(t, db)
	sec := actor(authz.BranchSecretary, tr.a)

	t.Run("SeesOwnSubtree", func(t *testing.T) {
		us, total, err := db.Units(ctx, sec, storage.UnitFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(us) != 2 {
			t.Fatalf("got %d units (total %d), want 站前社区 and its grid", len(us), total)
		}
		for _, u := range us {
			if !org.Within(u.Path, tr.a.Path) {
				t.Errorf("leaked unit %s", u.Name)
			}
		}
	})
	t.Run("OtherCommunityNotFound", func(t *testing.T) {
		if _, err := db.Unit(ctx, sec, tr.b.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("got %v, want not found", err)
		}
		if _, err := db.Unit(ctx, sec, tr.gridB.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("got %v, want not found", err)
		}
	})
	t.Run("NoBindingSeesNothing", func(t *testing.T) {
		none := storage.Actor{P: &authz.Principal{UserID: 5}}
		us, _, err := db.Units(ctx, none, storage.UnitFilter{})
		if err != nil || len(us) != 0 {
			t.Fatalf("got %d units, %v; want none", len(us), err)
		}
	})
	t.Run("SecretaryCannotEditUnits", func(t *testing.T) {
		_, err := db.UpdateUnit(ctx, sec, tr.a.ID, storage.UnitUpdate{Name: "改名", Code: tr.a.Code, Version: tr.a.Version})
		if errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("got %v, want forbidden", err)
		}
	})
}

func TestMoveUnit(t *testing.T) {
	db, _ := storagetest.Open(t)
	ctx := context.Background()
	tr := buildTree(t, db)
	town2 := mustUnit(t, db, tr.county, org.Town, "410902004000", "皇甫办")
	admin := actor(authz.CountyAdmin, tr.county)

	t.Run("IntoOwnSubtreeRefused", func(t *testing.T) {
		_, err := db.MoveUnit(ctx, admin, tr.a.ID, tr.gridA.ID, tr.a.Version)
		if errs.Code(err) != errs.EINVALID {
			t.Fatalf("got %v, want invalid", err)
		}
		u, _ := db.Unit(ctx, admin, tr.a.ID)
		if u.Path != tr.a.Path || u.Version != tr.a.Version {
			t.Fatalf("unit changed after refused move: %+v", u)
		}
	})
	t.Run("CodeMustFitNewParent", func(t *testing.T) {
		_, err := db.MoveUnit(ctx, admin, tr.a.ID, town2.ID, tr.a.Version)
		if errs.Code(err) != errs.EINVALID {
			t.Fatalf("got %v, want invalid (code 410902003001 does not fit 410902004)", err)
		}
	})
	t.Run("SubtreeFollows", func(t *testing.T) {
		// A grid moves between communities with its buildings.
		b := mustUnit(t, db, tr.gridA, org.Building, "410902003001001001", "1号楼")
		moved, err := db.MoveUnit(ctx, admin, tr.gridA.ID, tr.b.ID, tr.gridA.Version)
		if err != nil {
			t.Fatal(err)
		}
		if moved.Path != org.PathOf(tr.b.Path, tr.gridA.ID) {
			t.Fatalf("path %s", moved.Path)
		}
		nb, err := db.Unit(ctx, admin, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if nb.Path != org.PathOf(moved.Path, b.ID) || nb.Depth != moved.Depth+1 {
			t.Fatalf("building did not follow: %s depth %d", nb.Path, nb.Depth)
		}
		kids, _, _ := db.Units(ctx, admin, storage.UnitFilter{Under: tr.b.ID})
		if len(kids) != 3 {
			t.Fatalf("开西社区 now holds %d units below it, want 3", len(kids))
		}
	})
	t.Run("StaleVersionConflicts", func(t *testing.T) {
		_, err := db.UpdateUnit(ctx, admin, tr.town.ID, storage.UnitUpdate{Name: "建设路街道", Code: tr.town.Code, Version: tr.town.Version})
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.UpdateUnit(ctx, admin, tr.town.ID, storage.UnitUpdate{Name: "又改", Code: tr.town.Code, Version: tr.town.Version})
		if errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("got %v, want conflict", err)
		}
	})
}

func TestDeactivateCascades(t *testing.T) {
	db, _ := storagetest.Open(t)
	ctx := context.Background()
	tr := buildTree(t, db)
	admin := actor(authz.TownAdmin, tr.town)
	if _, err := db.SetUnitActive(ctx, admin, tr.a.ID, false, tr.a.Version); err != nil {
		t.Fatal(err)
	}
	g, err := db.Unit(ctx, admin, tr.gridA.ID)
	if err != nil {
		t.Fatal(err)
	}
	if g.Active {
		t.Fatal("grid still active under a deactivated community")
	}
	// A grid cannot come back while its community is inactive.
	if _, err := db.SetUnitActive(ctx, admin, g.ID, true, g.Version); errs.Code(err) != errs.EINVALID {
		t.Fatalf("got %v, want invalid", err)
	}
}

func TestMigrationsMatch(t *testing.T) {
	s, err := storage.MigrationNames(storage.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	p, err := storage.MigrationNames(storage.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) == 0 || len(s) != len(p) {
		t.Fatalf("sqlite has %v, postgres has %v", s, p)
	}
	for i := range s {
		if s[i] != p[i] {
			t.Fatalf("migration %d: sqlite %s, postgres %s", i, s[i], p[i])
		}
	}
}
