package demo

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"wuxing/internal/auth"
	"wuxing/internal/authz"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

func TestPasswordPassesPolicy(t *testing.T) {
	for _, a := range Accounts {
		if err := auth.CheckPolicy(Password, a.Username); err != nil {
			t.Errorf("demo password refused for %s: %v", a.Username, err)
		}
	}
}

// TestBuildIsDeterministic builds the data set twice in memory and compares every record.
func TestBuildIsDeterministic(t *testing.T) {
	a, b := fingerprint(build()), fingerprint(build())
	if !slices.Equal(a, b) {
		t.Fatal("two builds differ")
	}
}

func fingerprint(w *world) []string {
	var out []string
	for _, u := range w.units {
		out = append(out, u.u.Code+" "+u.u.Name)
	}
	for _, h := range w.households {
		out = append(out, h.h.Address)
		for _, p := range h.members {
			out = append(out, fmt.Sprint(p.p))
		}
	}
	for _, p := range w.loose {
		out = append(out, fmt.Sprint(p.p))
	}
	for _, a := range w.assigns {
		out = append(out, fmt.Sprint(a.a.Kind, a.person.p.Name, a.a.StartsOn))
	}
	return out
}

// The demo is loaded once per test binary and shared by the tests that only read it (loadDemo);
// the tests that compare two loads also share one second load into its own database
// (secondDemo, on SQLite only). Both are closed, and removed, when the binary's tests are done.
var demos struct {
	once, secondOnce sync.Once
	db, second       *storage.DB
	err, secondErr   error
	secondDone       chan struct{}
	mu               sync.Mutex
	done             []func(keep bool)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demos.secondDone != nil {
		<-demos.secondDone
	}
	for _, done := range demos.done {
		done(code != 0)
	}
	os.Exit(code)
}

// loadedDemo opens a fresh database, loads the demo into it, and reports how long the load took.
func loadedDemo() (*storage.DB, time.Duration, error) {
	ctx := context.Background()
	db, _, done, err := storagetest.OpenShared(ctx)
	if err != nil {
		return nil, 0, err
	}
	demos.mu.Lock()
	demos.done = append(demos.done, done)
	demos.mu.Unlock()
	start := time.Now()
	if err := Load(ctx, db); err != nil {
		return nil, 0, fmt.Errorf("load: %w", err)
	}
	return db, time.Since(start), nil
}

// loadDemo returns the demo loaded once for the whole test binary, for tests that only read it.
// A test that changes data, or loads the demo itself, must use a database of its own.
func loadDemo(t *testing.T) *storage.DB {
	t.Helper()
	demos.once.Do(func() {
		var took time.Duration
		demos.db, took, demos.err = loadedDemo()
		if demos.err == nil {
			t.Logf("demo loaded on %s in %s (shared by the package's tests)", demos.db.Dialect(), took.Round(time.Millisecond))
		}
	})
	if demos.err != nil {
		t.Fatalf("shared demo: %v", demos.err)
	}
	return demos.db
}

// secondDemo starts, once per test binary and on SQLite only, a second load of the demo into a
// database of its own, alongside the shared one, and returns a function that waits for it (nil
// on PostgreSQL, where a load takes long enough that determinism is left to the SQLite run).
func secondDemo() func(t *testing.T) *storage.DB {
	if os.Getenv(storagetest.EnvPostgres) != "" {
		return nil
	}
	demos.secondOnce.Do(func() {
		demos.secondDone = make(chan struct{})
		go func() {
			defer close(demos.secondDone)
			demos.second, _, demos.secondErr = loadedDemo()
		}()
	})
	return func(t *testing.T) *storage.DB {
		t.Helper()
		<-demos.secondDone
		if demos.secondErr != nil {
			t.Fatalf("second load: %v", demos.secondErr)
		}
		return demos.second
	}
}

func allUnits(t *testing.T, db *storage.DB) []org.Unit {
	t.Helper()
	var out []org.Unit
	for off := 0; ; off += 1000 {
		us, total, err := db.Units(context.Background(), storage.System, storage.UnitFilter{Limit: 1000, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, us...)
		if len(out) >= total || len(us) == 0 {
			return out
		}
	}
}

func allPeople(t *testing.T, db *storage.DB) []people.Person {
	t.Helper()
	var out []people.Person
	for off := 0; ; off += 1000 {
		ps, total, err := db.People(context.Background(), storage.System, storage.PeopleFilter{Limit: 1000, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ps...)
		if len(out) >= total || len(ps) == 0 {
			return out
		}
	}
}

// TestLoad loads the demo on two fresh databases at once, checks they hold the same data, and
// checks the first against the seed page and the platform's rules.
func TestLoad(t *testing.T) {
	t.Parallel() // the loads run alongside each other; the demo is loaded once and shared
	ctx := context.Background()
	// On SQLite a second load runs alongside the first and the checks, and is compared at the
	// end. On PostgreSQL a load takes 15–20 s, so there the one load is compared with a fresh
	// in-memory build instead (which TestBuildIsDeterministic shows is always the same).
	second := secondDemo()
	db := loadDemo(t)
	units := allUnits(t, db)
	byCode := map[string]*org.Unit{}
	byID := map[int64]*org.Unit{}
	for i := range units {
		byCode[units[i].Code] = &units[i]
		byID[units[i].ID] = &units[i]
	}
	named := func(parent *org.Unit, name string) *org.Unit {
		t.Helper()
		for i := range units {
			if units[i].ParentID == parent.ID && units[i].Name == name {
				return &units[i]
			}
		}
		t.Fatalf("no %s under %s", name, parent.Name)
		return nil
	}
	children := func(parent *org.Unit, kind org.Kind) []string {
		var out []string
		for _, u := range units {
			if u.ParentID == parent.ID && u.Kind == kind {
				out = append(out, u.Name)
			}
		}
		return out
	}
	city := byCode["410900000000"]
	if city == nil || city.Name != "濮阳市" {
		t.Fatalf("濮阳市 missing: %+v", city)
	}
	hualong, puyang := named(city, "华龙区"), named(city, "濮阳县")
	jianshe, luhe := named(hualong, "建设办"), named(puyang, "鲁河镇")
	sunkou := named(named(city, "台前县"), "孙口镇")
	zq := named(jianshe, "站前社区")
	kx := named(jianshe, "开西社区")

	t.Run("tree follows the seed", func(t *testing.T) {
		if n := len(children(luhe, org.Village)); n != 47 {
			t.Errorf("鲁河镇 has %d villages, want 47", n)
		}
		if n := len(children(sunkou, org.Village)); n != 27 {
			t.Errorf("孙口镇 has %d villages, want 27", n)
		}
		if n := len(children(sunkou, org.Department)); n != 22 {
			t.Errorf("孙口镇 has %d departments, want 22", n)
		}
		if got, want := children(jianshe, org.Community), []string{"站前社区", "开西社区", "康居社区", "濮水苑社区", "明珠社区"}; !sameSet(got, want) {
			t.Errorf("建设办 communities = %v, want %v", got, want)
		}
		if got, want := children(jianshe, org.Village), []string{"戚城村", "五甲户村", "张海村"}; !sameSet(got, want) {
			t.Errorf("建设办 villages = %v, want %v", got, want)
		}
		named(hualong, "皇甫办")
		named(puyang, "徐镇镇")
		named(puyang, "白堤乡")
		named(named(city, "范县"), "颜村铺乡")
		named(named(named(city, "南乐县"), "寺庄乡"), "古念村")
		for _, u := range units {
			var parent *org.Unit
			if u.ParentID != 0 {
				parent = byID[u.ParentID]
			}
			if f := org.CheckCode(u.Kind, u.Code, parent); f != nil {
				t.Errorf("unit %s %s: code %s: %s", u.Kind, u.Name, u.Code, f.Key)
			}
			if u.Kind.IsBranch() {
				if g := children(&u, org.Grid); len(g) < 2 || len(g) > 4 {
					t.Errorf("%s has %d grids", u.Name, len(g))
				}
			}
		}
		cs, err := db.Compounds(ctx, storage.System, storage.CompoundFilter{UnitID: jianshe.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var threeWithout, red int
		for _, c := range cs {
			if c.ThreeWithout {
				threeWithout++
			}
			if c.RedCommittee {
				red++
			}
		}
		if len(cs) < 11 || threeWithout == 0 || red == 0 {
			t.Errorf("建设办 compounds: %d, %d three-without, %d red committees", len(cs), threeWithout, red)
		}
	})

	t.Run("people are plausible", func(t *testing.T) {
		ps := allPeople(t, db)
		if len(ps) < 10000 || len(ps) > 20000 {
			t.Errorf("%d people, want 10–20 thousand", len(ps))
		}
		mobile := regexp.MustCompile(`^1[358][0-9]{9}$`)
		phones := map[string]bool{}
		var adults, members, withID int
		cats := map[people.Category]int{}
		for _, p := range ps {
			if p.Phone != "" {
				if !mobile.MatchString(p.Phone) || phones[p.Phone] {
					t.Fatalf("person %d: bad or repeated phone", p.ID)
				}
				phones[p.Phone] = true
			}
			if p.IDNumber != "" {
				withID++
				u := byID[p.UnitID]
				if !people.ValidIDNumber(p.IDNumber) || p.IDNumber[:6] != u.Code[:6] ||
					p.IDNumber[6:14] != p.BirthDate[:4]+p.BirthDate[5:7]+p.BirthDate[8:10] ||
					(p.IDNumber[16]-'0')%2 == 1 != (p.Gender == "M") {
					t.Fatalf("person %d: ID number does not fit", p.ID)
				}
			}
			if p.BirthDate != "" && p.BirthDate <= "2006-12-31" {
				adults++
				if p.PartyMember {
					members++
				}
			}
			if p.PartyMember && p.JoinedPartyOn == "" {
				t.Errorf("person %d: party member without a joining date", p.ID)
			}
			for _, c := range p.Categories {
				cats[c]++
			}
		}
		share := float64(members) / float64(adults)
		if share < 0.07 || share > 0.12 {
			t.Errorf("party members are %.1f%% of adults", 100*share)
		}
		if withID == 0 || len(phones) < len(ps)/2 {
			t.Errorf("%d ID numbers, %d phones among %d people", withID, len(phones), len(ps))
		}
		for _, c := range []people.Category{people.Cadre, people.GridWorker, people.Volunteer, people.Deputy, people.Resident} {
			if cats[c] == 0 {
				t.Errorf("nobody is a %s", c)
			}
		}
	})

	t.Run("every account logs in with its role", func(t *testing.T) {
		for _, a := range Accounts {
			_, sess, err := db.Login(ctx, a.Username, Password, "web", "127.0.0.1")
			if err != nil {
				t.Errorf("%s: %v", a.Username, err)
				continue
			}
			p := sess.Principal
			if len(p.Bindings) != 1 || string(p.Bindings[0].Role) != a.Role {
				t.Errorf("%s: bindings %+v, want one %s", a.Username, p.Bindings, a.Role)
			}
			if (p.PersonID == 0) != (a.Username == "admin") {
				t.Errorf("%s: linked to person %d", a.Username, p.PersonID)
			}
		}
		_, sess, err := db.Login(ctx, "zhanqian", Password, "web", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		for _, perm := range []authz.Perm{authz.ViewUnits, authz.ViewPeople, authz.EditPeople} {
			if s := sess.Principal.Scope(perm); s.All || !slices.Equal(s.Paths, []string{zq.Path}) {
				t.Errorf("zhanqian's %s scope = %+v, want 站前社区 (%s) only", perm, s, zq.Path)
			}
		}
		actor := storage.Actor{P: sess.Principal}
		if _, err := db.Unit(ctx, actor, kx.ID); err == nil {
			t.Error("zhanqian can read 开西社区")
		}
	})

	t.Run("coverage has gaps somewhere, not everywhere", func(t *testing.T) {
		var complete, gaps int
		for _, u := range units {
			if !u.Kind.IsBranch() {
				continue
			}
			c, err := db.Coverage(ctx, storage.System, u.ID, "2025-06-30")
			if err != nil {
				t.Fatal(err)
			}
			if c.Households == 0 || c.Members == 0 {
				t.Errorf("%s: %d households, %d party members", u.Name, c.Households, c.Members)
			}
			if c.Complete() {
				complete++
			} else {
				gaps++
			}
			switch u.ID {
			case zq.ID:
				if !c.Complete() {
					t.Errorf("站前社区 coverage not complete: %d of %d households linked, %d of %d members contacted",
						c.LinkedHouseholds, c.Households, c.ContactedMembers, c.Members)
				}
			case kx.ID:
				if c.Complete() {
					t.Error("开西社区 coverage complete; the demo wants a gap there")
				}
			}
		}
		if complete == 0 || gaps == 0 {
			t.Errorf("%d branches complete, %d with gaps", complete, gaps)
		}
		fs, _, err := db.Assignments(ctx, storage.System, storage.AssignmentFilter{Kind: people.FirstSecretary, CurrentOn: "2025-06-30", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) < 5 {
			t.Errorf("%d first secretaries in office", len(fs))
		}
	})

	first := loaded(t, db)
	t.Run("the load is the generated data set", func(t *testing.T) {
		w := build()
		var want []string
		for _, u := range w.units {
			want = append(want, "unit "+u.u.Code+" "+u.u.Name)
		}
		for _, h := range w.households {
			for _, p := range h.members {
				want = append(want, personKey(h.unit.u.Code, &p.p))
			}
		}
		for _, p := range w.loose {
			want = append(want, personKey(p.unit.u.Code, &p.p))
		}
		slices.Sort(want)
		if !slices.Equal(first, want) {
			t.Fatalf("database holds %d records, the build %d, and they differ", len(first), len(want))
		}
	})
	if second == nil {
		return
	}
	t.Run("two loads give the same data", func(t *testing.T) {
		if !slices.Equal(first, loaded(t, second(t))) {
			t.Fatal("two loads differ")
		}
	})
}

// loaded lists the units (code, name) and people (unit code, name, birth date, gender) of a
// database, sorted.
func loaded(t *testing.T, db *storage.DB) []string {
	t.Helper()
	code := map[int64]string{}
	var out []string
	for _, u := range allUnits(t, db) {
		code[u.ID] = u.Code
		out = append(out, "unit "+u.Code+" "+u.Name)
	}
	for _, p := range allPeople(t, db) {
		out = append(out, personKey(code[p.UnitID], &p))
	}
	slices.Sort(out)
	return out
}

func personKey(unitCode string, p *people.Person) string {
	return "person " + unitCode + " " + p.Name + " " + p.BirthDate + " " + p.Gender
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
