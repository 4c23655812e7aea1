package storage

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/calendar"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
)

const categoryCols = `id, code, name, list, accept_days, days_normal, days_urgent, days_critical, active, version`

func scanCategory(sc interface{ Scan(...any) error }) (*cases.Category, error) {
	var c cases.Category
	err := sc.Scan(&c.ID, &c.Code, &c.Name, &c.List, &c.AcceptDays, &c.DaysNormal, &c.DaysUrgent, &c.DaysCritical, &c.Active, &c.Version)
	return &c, err
}

func (t *Tx) category(ctx context.Context, id int64) (*cases.Category, error) {
	c, err := scanCategory(t.QueryRow(ctx, "SELECT "+categoryCols+" FROM case_categories WHERE id = ?", id))
	return c, notFound(err)
}

// Categories lists the case categories with their time limits; everyone logged in may read
// them (they are configuration, not personal data). Every case page and every submission shows
// them, so the list is kept in memory for categoryTTL, and dropped at once when this instance
// saves a category; a save by another instance shows within categoryTTL. What a case is held to
// (its time limits, whether its category is active) is read in the case's own transaction, never
// from here.
func (db *DB) Categories(ctx context.Context, includeInactive bool) ([]cases.Category, error) {
	all, err := db.cats.get(func() ([]cases.Category, error) {
		var out []cases.Category
		err := db.view(ctx, func(t *Tx) error {
			rows, err := t.Query(ctx, "SELECT "+categoryCols+" FROM case_categories ORDER BY list, id")
			if err != nil {
				return fmt.Errorf("storage: categories: %w", err)
			}
			defer rows.Close()
			for rows.Next() {
				c, err := scanCategory(rows)
				if err != nil {
					return err
				}
				out = append(out, *c)
			}
			return rows.Err()
		})
		return out, err
	})
	if err != nil {
		return nil, err
	}
	out := make([]cases.Category, 0, len(all))
	for _, c := range all {
		if includeInactive || c.Active {
			out = append(out, c)
		}
	}
	return out, nil
}

// categoryTTL is how long the category list is kept in memory (see Categories).
const categoryTTL = 5 * time.Second

// categoryCache keeps the category list, all of it, for categoryTTL.
type categoryCache struct {
	mu     sync.Mutex
	all    []cases.Category
	loaded bool      // all holds a list read (it may be empty)
	at     time.Time // when it was read (the machine's clock: this is a cache, not a record)
	gen    int       // counts forgets, so a read that began before one is not kept
}

// get returns the list kept, or loads it.
func (cc *categoryCache) get(load func() ([]cases.Category, error)) ([]cases.Category, error) {
	cc.mu.Lock()
	all, loaded, at, gen := cc.all, cc.loaded, cc.at, cc.gen
	cc.mu.Unlock()
	if loaded && time.Since(at) < categoryTTL {
		return all, nil
	}
	started := time.Now()
	all, err := load()
	if err != nil {
		return nil, err
	}
	cc.mu.Lock()
	if cc.gen == gen {
		cc.all, cc.loaded, cc.at = all, true, started
	}
	cc.mu.Unlock()
	return all, nil
}

// forget drops the list kept.
func (cc *categoryCache) forget() {
	cc.mu.Lock()
	cc.all, cc.loaded = nil, false
	cc.gen++
	cc.mu.Unlock()
}

// canConfigure reports whether the actor may change platform-wide case settings (categories,
// the calendar): administrators, and county administrators.
func canConfigure(p *authz.Principal) bool {
	if isAdmin(p) {
		return true
	}
	for _, b := range p.Bindings {
		if b.Role == authz.CountyAdmin {
			return true
		}
	}
	return false
}

// SaveCategory creates (ID 0) or updates a category.
func (db *DB) SaveCategory(ctx context.Context, a Actor, c *cases.Category) error {
	if !canConfigure(a.P) {
		return errs.Forbidden()
	}
	if err := c.Validate(); err != nil {
		return err
	}
	defer db.cats.forget() // after the commit (and after a failure: it costs one read)
	return db.update(ctx, func(t *Tx) error {
		now := t.db.clock.Now()
		var n int
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM case_categories WHERE code = ? AND id <> ?", c.Code, c.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.Invalid(errs.Field("code", "cases.category.code_taken"))
		}
		if c.ID == 0 {
			id, err := t.insert(ctx, `INSERT INTO case_categories (code, name, list, accept_days, days_normal, days_urgent, days_critical, active, version, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`, c.Code, c.Name, string(c.List), c.AcceptDays, c.DaysNormal, c.DaysUrgent, c.DaysCritical, true, now, now)
			if err != nil {
				return fmt.Errorf("storage: create category: %w", err)
			}
			c.ID, c.Version, c.Active = id, 1, true
			return t.audit(ctx, a, "create", "case_category", id, "/", nil, c)
		}
		old, err := t.category(ctx, c.ID)
		if err != nil {
			return err
		}
		if err := checkVersion(t.Exec(ctx, `UPDATE case_categories SET code = ?, name = ?, list = ?, accept_days = ?, days_normal = ?, days_urgent = ?,
			days_critical = ?, active = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			c.Code, c.Name, string(c.List), c.AcceptDays, c.DaysNormal, c.DaysUrgent, c.DaysCritical, c.Active, now, c.ID, c.Version)); err != nil {
			return err
		}
		c.Version++
		return t.audit(ctx, a, "update", "case_category", c.ID, "/", old, c)
	})
}

// calendar loads the working-day calendar from the database, seeding the shipped official
// years the first time they are missing.
//
// Every case written needs it, so the built calendar is kept in memory while the table's
// fingerprint (its row count and latest change) stays the same: one small aggregate instead of
// reading and parsing every day. A save in this instance drops it at once; a save by another
// instance changes the fingerprint.
func (t *Tx) calendar(ctx context.Context) (*calendar.Calendar, error) {
	var n int
	var last any
	if err := t.QueryRow(ctx, "SELECT COUNT(*), MAX(created_at) FROM calendar_days").Scan(&n, &last); err != nil {
		return nil, fmt.Errorf("storage: calendar: %w", err)
	}
	key := fmt.Sprint(n, "/", last)
	cc := t.db.cals
	cc.mu.Lock()
	cached, ck := cc.cal, cc.key
	cc.mu.Unlock()
	if cached != nil && ck == key {
		return cached, nil
	}
	c, err := t.loadCalendar(ctx)
	if err != nil {
		return nil, err
	}
	cc.mu.Lock()
	cc.cal, cc.key = c, key
	cc.mu.Unlock()
	return c, nil
}

// forgetCalendar drops the calendar kept in memory.
func (db *DB) forgetCalendar() {
	db.cals.mu.Lock()
	db.cals.cal, db.cals.key = nil, ""
	db.cals.mu.Unlock()
}

// loadCalendar reads the calendar from the database.
func (t *Tx) loadCalendar(ctx context.Context) (*calendar.Calendar, error) {
	rows, err := t.Query(ctx, "SELECT day, year, kind, name, source FROM calendar_days ORDER BY day")
	if err != nil {
		return nil, fmt.Errorf("storage: calendar: %w", err)
	}
	years := map[int]*calendar.Year{}
	for rows.Next() {
		var day, kind, name, source string
		var y int
		if err := rows.Scan(&day, &y, &kind, &name, &source); err != nil {
			rows.Close()
			return nil, err
		}
		yr := years[y]
		if yr == nil {
			yr = &calendar.Year{Year: y, Source: source}
			years[y] = yr
		}
		switch kind {
		case "holiday":
			yr.Holidays = append(yr.Holidays, calendar.Span{From: day, To: day, Name: name})
		case "workday":
			yr.Workdays = append(yr.Workdays, day)
		}
	}
	rows.Close()
	var list []calendar.Year
	for _, y := range years {
		list = append(list, *y)
	}
	for _, off := range calendar.Official() {
		if _, ok := years[off.Year]; !ok {
			list = append(list, off)
		}
	}
	return calendar.New(list...)
}

// Calendar returns the working-day calendar in force: the official years shipped with the
// platform and any an administrator added.
func (db *DB) Calendar(ctx context.Context) (*calendar.Calendar, error) {
	var c *calendar.Calendar
	err := db.view(ctx, func(t *Tx) (err error) {
		c, err = t.calendar(ctx)
		return err
	})
	return c, err
}

// SaveCalendarYear stores (or replaces) one year's official table, as published by the State
// Council; the table is checked before anything is written.
func (db *DB) SaveCalendarYear(ctx context.Context, a Actor, y calendar.Year) error {
	if !canConfigure(a.P) {
		return errs.Forbidden()
	}
	if y.Year < 2000 || y.Year > 2100 {
		return errs.Invalid(errs.Field("year", "cases.calendar.year"))
	}
	if _, err := calendar.New(y); err != nil {
		return &errs.Error{Code: errs.EINVALID, Key: "cases.calendar.invalid", Fields: []errs.FieldError{errs.Field("days", "cases.calendar.invalid")}, Err: err}
	}
	defer db.forgetCalendar()
	return db.update(ctx, func(t *Tx) error {
		now := t.db.clock.Now()
		if _, err := t.Exec(ctx, "DELETE FROM calendar_days WHERE year = ?", y.Year); err != nil {
			return err
		}
		for _, s := range y.Holidays {
			from, _ := time.Parse(calendar.Layout, s.From)
			to, _ := time.Parse(calendar.Layout, s.To)
			for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
				if _, err := t.Exec(ctx, "INSERT INTO calendar_days (day, year, kind, name, source, created_at) VALUES (?, ?, ?, ?, ?, ?)",
					d.Format(calendar.Layout), y.Year, "holiday", strings.TrimSpace(s.Name), y.Source, now); err != nil {
					return fmt.Errorf("storage: calendar day: %w", err)
				}
			}
		}
		for _, w := range y.Workdays {
			if _, err := t.Exec(ctx, "INSERT INTO calendar_days (day, year, kind, name, source, created_at) VALUES (?, ?, ?, ?, ?, ?)",
				w, y.Year, "workday", "", y.Source, now); err != nil {
				return fmt.Errorf("storage: calendar day: %w", err)
			}
		}
		return t.audit(ctx, a, "save", "calendar_year", int64(y.Year), "/", nil, y)
	})
}
