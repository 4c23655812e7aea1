package gen_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"wuxing/internal/cases"
	"wuxing/internal/gen"
	"wuxing/internal/org"
	"wuxing/internal/people"
	"wuxing/internal/storage"
	"wuxing/internal/storage/storagetest"
)

// tiny is a town of ~20 villages with a few hundred cases: enough for every step of the flow.
func tiny(seed uint64) gen.Options {
	return gen.Options{Scale: gen.Town, Cases: 600, Seed: seed}
}

func load(t *testing.T, o gen.Options) *storage.DB {
	t.Helper()
	db, _ := storagetest.Open(t)
	if _, err := gen.Run(context.Background(), db, o); err != nil {
		t.Fatalf("gen: %v", err)
	}
	return db
}

func query(t *testing.T, db *storage.DB, q string, args ...any) *sql.Rows {
	t.Helper()
	rows, err := db.Raw().Query(db.Dialect().Rebind(q), args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	t.Cleanup(func() { rows.Close() })
	return rows
}

type unitRow struct {
	org.Unit
	parent int64
}

func units(t *testing.T, db *storage.DB) map[int64]*unitRow {
	t.Helper()
	out := map[int64]*unitRow{}
	rows := query(t, db, "SELECT id, COALESCE(parent_id, 0), kind, code, name, path, depth, active FROM units ORDER BY id")
	for rows.Next() {
		u := &unitRow{}
		if err := rows.Scan(&u.ID, &u.parent, &u.Kind, &u.Code, &u.Name, &u.Path, &u.Depth, &u.Active); err != nil {
			t.Fatal(err)
		}
		out[u.ID] = u
	}
	return out
}

// checkTree checks every unit as the store would on creating it: the kind fits the parent, the
// code passes org.CheckCode under the parent's, the path is the parent's plus the unit's id.
func checkTree(t *testing.T, us map[int64]*unitRow) {
	t.Helper()
	kinds := map[org.Kind]int{}
	for _, u := range us {
		kinds[u.Kind]++
		var parent *org.Unit
		pk, pp := org.Kind(""), ""
		if u.parent != 0 {
			p, ok := us[u.parent]
			if !ok {
				t.Fatalf("unit %d: parent %d missing", u.ID, u.parent)
			}
			parent, pk, pp = &p.Unit, p.Kind, p.Path
		}
		if !org.CanHold(pk, u.Kind) {
			t.Errorf("unit %d %s: a %q cannot hold a %s", u.ID, u.Name, pk, u.Kind)
		}
		if f := org.CheckCode(u.Kind, u.Code, parent); f != nil {
			t.Errorf("unit %d %s: code %s: %s", u.ID, u.Name, u.Code, f.Key)
		}
		if want := org.PathOf(pp, u.ID); u.Path != want || u.Depth != org.DepthOf(want) {
			t.Errorf("unit %d: path %s depth %d, want %s", u.ID, u.Path, u.Depth, want)
		}
		if err := (&org.Unit{Kind: u.Kind, Code: u.Code, Name: u.Name}).Validate(parent); err != nil && parent != nil {
			t.Errorf("unit %d %s: %v", u.ID, u.Name, err)
		}
	}
	for _, k := range []org.Kind{org.Province, org.City, org.County, org.Town, org.Village, org.Grid, org.Department} {
		if kinds[k] == 0 {
			t.Errorf("no %s generated: %v", k, kinds)
		}
	}
}

func TestTinyIsValid(t *testing.T) {
	o := tiny(7)
	o.Cases = 3000 // enough for a few cases in every status at the end of the window
	db := load(t, o)
	us := units(t, db)
	checkTree(t, us)

	// Households sit in grids or buildings; people pass the person rules.
	rows := query(t, db, "SELECT h.id, u.kind FROM households h JOIN units u ON u.id = h.unit_id")
	var nh int
	for rows.Next() {
		var id int64
		var k org.Kind
		rows.Scan(&id, &k)
		if k != org.Grid && k != org.Building {
			t.Errorf("household %d in a %s", id, k)
		}
		nh++
	}
	rows = query(t, db, `SELECT id, COALESCE(household_id, 0), relation, name, gender, birth_date, phone, id_number, party_member,
		joined_party_on, categories FROM people`)
	var np int
	for rows.Next() {
		var p people.Person
		var cats string
		if err := rows.Scan(&p.ID, &p.HouseholdID, &p.Relation, &p.Name, &p.Gender, &p.BirthDate, &p.Phone, &p.IDNumber,
			&p.PartyMember, &p.JoinedPartyOn, &cats); err != nil {
			t.Fatal(err)
		}
		for _, c := range strings.Split(strings.Trim(cats, ","), ",") {
			p.Categories = append(p.Categories, people.Category(c))
		}
		if err := p.Validate(gen.DefaultEnd); err != nil {
			t.Errorf("person %d %s: %v", p.ID, p.Name, err)
		}
		np++
	}
	if nh < 200 || np < 2*nh {
		t.Errorf("%d households, %d people: too few", nh, np)
	}

	// Cases: numbered per unit and year, timestamps in flow order, a timeline that walks the
	// flow from submit to the case's status, one event per version.
	type caseRow struct {
		id, unit, handler, version, seq, year, events int64
		number, unitPath, handlerPath, status         string
		overdue                                       bool
		deadline                                      time.Time
		stamps                                        [8]sql.NullTime
	}
	var all []caseRow
	rows = query(t, db, `SELECT id, unit_id, handler_unit_id, version, seq, year, number, unit_path, handler_path, status, overdue,
		deadline, submitted_at, accepted_at, dispatched_at, signed_at, resolved_at, checked_at, rated_at, closed_at FROM cases ORDER BY id`)
	for rows.Next() {
		var c caseRow
		s := &c.stamps
		if err := rows.Scan(&c.id, &c.unit, &c.handler, &c.version, &c.seq, &c.year, &c.number, &c.unitPath, &c.handlerPath, &c.status,
			&c.overdue, &c.deadline, &s[0], &s[1], &s[2], &s[3], &s[4], &s[5], &s[6], &s[7]); err != nil {
			t.Fatal(err)
		}
		all = append(all, c)
	}
	if len(all) != o.Cases {
		t.Fatalf("%d cases, want %d", len(all), o.Cases)
	}
	statuses := map[string]int{}
	maxSeq := map[[2]int64]int64{}
	for _, c := range all {
		statuses[c.status]++
		u := us[c.unit]
		if !u.Kind.IsBranch() || c.unitPath != u.Path || us[c.handler] == nil || c.handlerPath != us[c.handler].Path {
			t.Errorf("case %d: unit %d %s path %s, handler %d path %s", c.id, c.unit, u.Kind, c.unitPath, c.handler, c.handlerPath)
		}
		cst := time.FixedZone("CST", 8*3600)
		if c.number != fmt.Sprintf("%s-%d-%04d", u.Code, c.year, c.seq) || int64(c.stamps[0].Time.In(cst).Year()) != c.year {
			t.Errorf("case %d: number %s, year %d, submitted %s", c.id, c.number, c.year, c.stamps[0].Time)
		}
		k := [2]int64{c.unit, c.year}
		maxSeq[k] = max(maxSeq[k], c.seq)
		last := c.stamps[0].Time
		for i, s := range c.stamps[1:] {
			if s.Valid && s.Time.Before(last) {
				t.Errorf("case %d (%s): timestamp %d at %s before %s", c.id, c.status, i+1, s.Time, last)
			}
			if s.Valid {
				last = s.Time
			}
		}
		st := cases.Status(c.status)
		if (st == cases.Closed || st == cases.Rejected) != c.stamps[7].Valid || st == cases.Rejected && c.stamps[1].Valid ||
			st == cases.Closed && !c.stamps[5].Valid {
			t.Errorf("case %d: status %s with accepted %v, checked %v, closed %v", c.id, st, c.stamps[1].Valid, c.stamps[5].Valid, c.stamps[7].Valid)
		}
		if c.overdue != (st.Open() && c.deadline.Before(gen.DefaultEnd)) {
			t.Errorf("case %d: overdue %v, status %s, deadline %s", c.id, c.overdue, st, c.deadline)
		}
	}
	for _, s := range cases.Statuses {
		if statuses[string(s)] == 0 {
			t.Errorf("no case is %s: %v", s, statuses)
		}
	}
	if statuses[string(cases.Closed)] < o.Cases*7/10 || statuses[string(cases.Rejected)] > o.Cases/10 {
		t.Errorf("implausible mix of statuses: %v", statuses)
	}
	rows = query(t, db, "SELECT unit_id, year, last FROM case_counters")
	var nc int
	for rows.Next() {
		var k [2]int64
		var last int64
		rows.Scan(&k[0], &k[1], &last)
		if last != maxSeq[k] {
			t.Errorf("counter %v: last %d, highest number %d", k, last, maxSeq[k])
		}
		nc++
	}
	if nc != len(maxSeq) {
		t.Errorf("%d counters for %d units and years", nc, len(maxSeq))
	}

	events := map[int64][][3]string{}
	var prevAt = map[int64]time.Time{}
	rows = query(t, db, "SELECT case_id, at, action, from_status, to_status FROM case_events ORDER BY case_id, id")
	for rows.Next() {
		var id int64
		var at time.Time
		var e [3]string
		rows.Scan(&id, &at, &e[0], &e[1], &e[2])
		if at.Before(prevAt[id]) {
			t.Errorf("case %d: event %s at %s before the one before it", id, e[0], at)
		}
		prevAt[id] = at
		events[id] = append(events[id], e)
	}
	for _, c := range all {
		evs := events[c.id]
		if len(evs) == 0 || evs[0][0] != "submit" || int64(len(evs)) != c.version {
			t.Errorf("case %d: %d events (version %d), first %v", c.id, len(evs), c.version, evs)
			continue
		}
		state := evs[0][2]
		for _, e := range evs[1:] {
			if e[1] != state || !cases.Allowed(cases.Action(e[0]), cases.Status(e[1])) {
				t.Errorf("case %d: %s from %s while %s", c.id, e[0], e[1], state)
			}
			state = e[2]
		}
		if state != c.status {
			t.Errorf("case %d: timeline ends %s, status %s", c.id, state, c.status)
		}
	}

	if db.Dialect() == storage.SQLite {
		rows := query(t, db, "PRAGMA foreign_key_check")
		for rows.Next() {
			var tbl, parent string
			var rowid, fk sql.NullInt64
			rows.Scan(&tbl, &rowid, &parent, &fk)
			t.Errorf("foreign key: %s row %v → %s", tbl, rowid.Int64, parent)
		}
	}
}

// fingerprint hashes every generated row, in id order.
func fingerprint(t *testing.T, db *storage.DB) string {
	t.Helper()
	h := sha256.New()
	for _, q := range []string{
		"SELECT id, code, name, path FROM units ORDER BY id",
		"SELECT id, unit_id, address FROM households ORDER BY id",
		"SELECT id, name, gender, birth_date, phone, id_number, party_member FROM people ORDER BY id",
		`SELECT id, number, tracking_code, unit_id, category_id, title, status, assignee_id, reporter_name, deadline, submitted_at,
			closed_at, rating FROM cases ORDER BY id`,
		"SELECT id, case_id, at, actor_name, action, data FROM case_events ORDER BY id",
	} {
		rows := query(t, db, q)
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if tm, ok := v.(time.Time); ok {
					v = tm.UTC().Format(time.RFC3339Nano)
				}
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(h, "%v|", v)
			}
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestSameSeedSameData(t *testing.T) {
	a, b, c := load(t, tiny(11)), load(t, tiny(11)), load(t, tiny(12))
	fa, fb, fc := fingerprint(t, a), fingerprint(t, b), fingerprint(t, c)
	if fa != fb {
		t.Error("two runs with seed 11 differ")
	}
	if fa == fc {
		t.Error("seeds 11 and 12 give the same data")
	}
}

func TestRefusesNonEmptyUnlessAppend(t *testing.T) {
	db := load(t, tiny(3))
	ctx := context.Background()
	o := tiny(4)
	if _, err := gen.Run(ctx, db, o); err == nil || !strings.Contains(err.Error(), "--append") {
		t.Fatalf("second load into a full database: %v", err)
	}
	o.Append = true
	st, err := gen.Run(ctx, db, o)
	if err != nil {
		t.Fatalf("append: %v", err)
	}
	us := units(t, db)
	checkTree(t, us)
	var roots []string
	for _, u := range us {
		if u.parent == 0 {
			roots = append(roots, u.Code)
		}
	}
	if len(roots) != 2 || st.Cases != int64(o.Cases) {
		t.Errorf("roots %v, %d cases appended", roots, st.Cases)
	}
	var n int
	db.Raw().QueryRow("SELECT COUNT(*) FROM cases").Scan(&n)
	if n != 2*o.Cases {
		t.Errorf("%d cases after the append, want %d", n, 2*o.Cases)
	}
	// The store goes on numbering after the loaded rows.
	if err := db.CreateUnit(ctx, storage.System, &org.Unit{Kind: org.Province, Code: "510000000000", Name: "四川省"}); err != nil {
		t.Errorf("a unit after the load: %v", err)
	}
}

func TestUnknownScale(t *testing.T) {
	db, _ := storagetest.Open(t)
	if _, err := gen.Run(context.Background(), db, gen.Options{Scale: "city"}); err == nil {
		t.Error("scale city accepted")
	}
}
