// Package demo loads the demo data set: the Puyang example from the seed newspaper page. The
// tree, the households and the people are generated from a fixed seed, so every load gives the
// same data; everything is written through the store's checks and audit, as an import would be.
package demo

import (
	"context"
	"fmt"

	"wuxing/internal/authz"
	"wuxing/internal/people"
	"wuxing/internal/storage"
)

// Password is the password every demo account shares.
const Password = "Wuxing@2026"

// Account is a demo login, listed in the README and printed by `wuxing serve --demo`.
type Account struct {
	Username string
	Role     string
	Unit     string
}

// accountSpecs are the demo logins and where each one is bound: the unit, and the person the
// account belongs to (nil for the platform administrator).
var accountSpecs = []struct {
	Account
	place func(w *world) (*unit, *person)
}{
	{Account{"admin", string(authz.Admin), "濮阳市"}, func(w *world) (*unit, *person) { return w.city, nil }},
	{Account{"hualong", string(authz.CountyAdmin), "华龙区"}, func(w *world) (*unit, *person) { return w.hualong, w.countyCadre }},
	{Account{"jianshe", string(authz.TownAdmin), "华龙区建设办"}, func(w *world) (*unit, *person) {
		return w.jianshe, w.townCadres[w.jianshe][0]
	}},
	{Account{"luhe", string(authz.TownAdmin), "濮阳县鲁河镇"}, func(w *world) (*unit, *person) { return w.luhe, w.townCadres[w.luhe][0] }},
	{Account{"sksifa", string(authz.Department), "孙口镇司法所"}, func(w *world) (*unit, *person) {
		return w.sunkouJustice, w.deptStaff[w.sunkouJustice][0]
	}},
	{Account{"zhanqian", string(authz.BranchSecretary), "建设办站前社区"}, func(w *world) (*unit, *person) { return w.zq.unit, w.zq.secretary }},
	{Account{"kaixi", string(authz.BranchSecretary), "建设办开西社区"}, func(w *world) (*unit, *person) { return w.kx.unit, w.kx.secretary }},
	{Account{"zqgrid", string(authz.GridWorker), "站前社区第一网格"}, func(w *world) (*unit, *person) {
		g := w.zq.grids[0]
		return g, w.zq.gridWorker[g]
	}},
	{Account{"zqmember", string(authz.Member), "建设办站前社区"}, func(w *world) (*unit, *person) { return w.zq.unit, w.zq.plainMember() }},
	{Account{"skassessor", string(authz.Assessor), "台前县孙口镇"}, func(w *world) (*unit, *person) {
		cs := w.townCadres[w.sunkou]
		return w.sunkou, cs[len(cs)-1]
	}},
}

// Accounts lists the demo logins.
var Accounts = func() []Account {
	out := make([]Account, len(accountSpecs))
	for i, s := range accountSpecs {
		out[i] = s.Account
	}
	return out
}()

// Load fills an empty database with the demo data set: the tree, compounds, households, people
// and assignments in one transaction, then the demo accounts, then a year of cases.
func Load(ctx context.Context, db *storage.DB) error {
	w := build()
	type placed struct {
		u *unit
		p *person
	}
	places := make([]placed, len(accountSpecs))
	for i, s := range accountSpecs {
		u, p := s.place(w)
		places[i] = placed{u, p}
	}
	if err := db.Batch(ctx, storage.System, w.write); err != nil {
		return err
	}
	for i, s := range accountSpecs {
		nu := storage.NewUser{Username: s.Username, Password: Password}
		if p := places[i].p; p != nil {
			nu.PersonID = p.p.ID
		}
		u, err := db.CreateUser(ctx, storage.System, nu)
		if err != nil {
			return fmt.Errorf("account %s: %w", s.Username, err)
		}
		if err := db.BindRole(ctx, storage.System, u.ID, authz.Role(s.Role), places[i].u.u.ID); err != nil {
			return fmt.Errorf("account %s: %w", s.Username, err)
		}
	}
	if err := loadCases(ctx, db, w); err != nil {
		return err
	}
	if err := loadCampaigns(ctx, db); err != nil {
		return err
	}
	// Later areas, in the order they build on each other: the service teams and their hours,
	// the livelihood projects, points (which count cases and hours), evaluation (which rates
	// members and teams).
	for _, load := range []func(context.Context, *storage.DB, *world) error{loadService, loadLivelihood, loadPoints, loadEvaluation} {
		if err := load(ctx, db, w); err != nil {
			return err
		}
	}
	return nil
}

// write stores the world, parents before children, filling in the ids records point at.
func (w *world) write(b *storage.Batch) error {
	for _, u := range w.units {
		if u.parent != nil {
			u.u.ParentID = u.parent.u.ID
		}
		if err := b.CreateUnit(&u.u); err != nil {
			return fmt.Errorf("unit %s: %w", u.u.Code, err)
		}
	}
	for _, c := range w.compounds {
		c.c.UnitID = c.unit.u.ID
		if err := b.SaveCompound(&c.c); err != nil {
			return fmt.Errorf("compound in %s: %w", c.unit.u.Code, err)
		}
	}
	for _, h := range w.households {
		h.h.UnitID = h.unit.u.ID
		if h.compound != nil {
			h.h.CompoundID = h.compound.c.ID
		}
		if err := b.CreateHousehold(&h.h); err != nil {
			return fmt.Errorf("household in %s: %w", h.unit.u.Code, err)
		}
		for _, p := range h.members {
			p.p.UnitID, p.p.HouseholdID = h.unit.u.ID, h.h.ID
			if err := b.CreatePerson(&p.p); err != nil {
				return fmt.Errorf("person in %s: %w", h.unit.u.Code, err)
			}
		}
	}
	for _, p := range w.loose {
		p.p.UnitID = p.unit.u.ID
		if err := b.CreatePerson(&p.p); err != nil {
			return fmt.Errorf("person in %s: %w", p.unit.u.Code, err)
		}
	}
	for _, a := range w.assigns {
		a.a.PersonID = a.person.p.ID
		if a.unit != nil {
			a.a.UnitID = a.unit.u.ID
		}
		if a.household != nil {
			a.a.HouseholdID = a.household.h.ID
		}
		if a.member != nil {
			a.a.MemberID = a.member.p.ID
		}
		if err := b.CreateAssignment(&a.a); err != nil {
			return fmt.Errorf("%s assignment: %w", a.a.Kind, err)
		}
	}
	return nil
}

// plainMember returns a party member of the branch who is neither a cadre nor a grid worker,
// for the member account.
func (b *branch) plainMember() *person {
	for _, h := range b.households {
		for _, p := range h.members {
			if p.p.PartyMember && !p.p.Has(people.Cadre) && !p.p.Has(people.GridWorker) {
				return p
			}
		}
	}
	panic("demo: " + b.unit.u.Name + " has no party member outside its cadres")
}
