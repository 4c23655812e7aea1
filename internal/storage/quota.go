package storage

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/calendar"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/quota"
)

// The seed's service rules per town (themed day, team days a quarter, office members' hours a
// year) and the compliance figures they give, computed from the approved-hours ledger
// (service_hours) every time: no day count or hour total is stored.

// ServiceTown is a town whose service rules apply to part of the actor's scope.
type ServiceTown struct {
	ID   int64
	Name string
	Path string
}

// serviceTowns lists the active towns the scope reaches: towns inside it, and the town a
// village or community scope lies in (whose rules apply there).
func (t *Tx) serviceTowns(ctx context.Context, s authz.Scope) ([]ServiceTown, error) {
	rows, err := t.Query(ctx, "SELECT id, name, path FROM units WHERE kind = ? AND active = ? ORDER BY path", string(org.Town), true)
	if err != nil {
		return nil, fmt.Errorf("storage: service towns: %w", err)
	}
	defer rows.Close()
	var out []ServiceTown
	for rows.Next() {
		var x ServiceTown
		if err := rows.Scan(&x.ID, &x.Name, &x.Path); err != nil {
			return nil, err
		}
		if townReached(s, x.Path) {
			out = append(out, x)
		}
	}
	return out, rows.Err()
}

// townReached reports whether the scope reaches into the town at path: the town or one of its
// units is in it.
func townReached(s authz.Scope, path string) bool {
	if s.Contains(path) {
		return true
	}
	for _, p := range s.Paths {
		if org.Within(p, path) {
			return true
		}
	}
	return false
}

// ServiceTowns lists the towns whose service rules the actor may read (ViewService reaches into
// them), in tree order.
func (db *DB) ServiceTowns(ctx context.Context, a Actor) ([]ServiceTown, error) {
	var out []ServiceTown
	err := db.view(ctx, func(t *Tx) (err error) {
		out, err = t.serviceTowns(ctx, a.Scope(authz.ViewService))
		return err
	})
	return out, err
}

// serviceRules reads the rules of the towns given, the defaults where a town saved none.
func (t *Tx) serviceRules(ctx context.Context, towns []ServiceTown) (map[int64]quota.Rules, error) {
	out := make(map[int64]quota.Rules, len(towns))
	for _, x := range towns {
		out[x.ID] = quota.Defaults(x.ID)
	}
	if len(towns) == 0 {
		return out, nil
	}
	rows, err := t.Query(ctx, `SELECT town_id, weekday, skip_holidays, team_days, member_hours, version, updater_name, updated_at FROM service_rules`)
	if err != nil {
		return nil, fmt.Errorf("storage: service rules: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r quota.Rules
		var wd int
		if err := rows.Scan(&r.TownID, &wd, &r.SkipHolidays, &r.TeamDays, &r.MemberHours, &r.Version, &r.UpdatedBy, &r.UpdatedAt); err != nil {
			return nil, err
		}
		r.Weekday = time.Weekday(wd)
		if _, ok := out[r.TownID]; ok {
			out[r.TownID] = r
		}
	}
	return out, rows.Err()
}

// serviceTown reads one active town by id, if the scope reaches into it.
func (t *Tx) serviceTown(ctx context.Context, s authz.Scope, townID int64) (ServiceTown, error) {
	u, err := t.unit(ctx, townID)
	if err != nil {
		return ServiceTown{}, err
	}
	if u.Kind != org.Town || !townReached(s, u.Path) {
		return ServiceTown{}, errs.NotFound()
	}
	return ServiceTown{ID: u.ID, Name: u.Name, Path: u.Path}, nil
}

// ServiceRules returns a town's service rules (the defaults, version 0, when it saved none),
// to anyone whose ViewService scope reaches into the town; any other town is not found.
func (db *DB) ServiceRules(ctx context.Context, a Actor, townID int64) (quota.Rules, error) {
	var r quota.Rules
	err := db.view(ctx, func(t *Tx) error {
		town, err := t.serviceTown(ctx, a.Scope(authz.ViewService), townID)
		if err != nil {
			return err
		}
		m, err := t.serviceRules(ctx, []ServiceTown{town})
		r = m[town.ID]
		return err
	})
	return r, err
}

// SaveServiceRules stores a town's rules: only whoever configures service at the town (its
// town administrator, above it the county's) may; a town out of sight is not found, one seen but
// not configurable is forbidden. r.Version is the version edited: 0 saves the first rules over
// the defaults, and a stale version (someone saved in between) is a conflict.
func (db *DB) SaveServiceRules(ctx context.Context, a Actor, r *quota.Rules) error {
	return db.update(ctx, func(t *Tx) error {
		town, err := t.serviceTown(ctx, a.Scope(authz.ViewService), r.TownID)
		if errs.Code(err) == errs.ENOTFOUND {
			town, err = t.serviceTown(ctx, a.Scope(authz.ConfigureService), r.TownID)
		}
		if err != nil {
			return err
		}
		if !a.P.CanAt(authz.ConfigureService, town.Path) {
			return errs.Forbidden()
		}
		if err := r.Validate(); err != nil {
			return err
		}
		old, err := t.serviceRules(ctx, []ServiceTown{town})
		if err != nil {
			return err
		}
		before := old[town.ID]
		now := t.db.clock.Now()
		var uid any
		name := "system"
		if !a.P.System {
			uid, name = a.P.UserID, a.P.Username
		}
		if r.Version == 0 {
			if before.Saved() {
				return errs.Conflict()
			}
			_, err := t.Exec(ctx, `INSERT INTO service_rules (town_id, town_path, weekday, skip_holidays, team_days, member_hours, version,
				updated_by, updater_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
				town.ID, town.Path, int(r.Weekday), r.SkipHolidays, r.TeamDays, r.MemberHours, uid, name, now, now)
			if err != nil {
				if t.d.IsUniqueViolation(err) {
					return errs.Conflict()
				}
				return fmt.Errorf("storage: save service rules: %w", err)
			}
		} else if err := checkVersion(t.Exec(ctx, `UPDATE service_rules SET weekday = ?, skip_holidays = ?, team_days = ?, member_hours = ?,
			version = version + 1, updated_by = ?, updater_name = ?, updated_at = ? WHERE town_id = ? AND version = ?`,
			int(r.Weekday), r.SkipHolidays, r.TeamDays, r.MemberHours, uid, name, now, town.ID, r.Version)); err != nil {
			return err
		}
		r.Version++
		r.UpdatedAt, r.UpdatedBy = now, name
		return t.audit(ctx, a, "update", "service_rules", town.ID, town.Path, rulesAudit(before), rulesAudit(*r))
	})
}

// rulesAudit is what the audit log keeps of a town's rules.
func rulesAudit(r quota.Rules) map[string]any {
	return map[string]any{"weekday": int(r.Weekday), "skip_holidays": r.SkipHolidays, "team_days": r.TeamDays,
		"member_hours": r.MemberHours, "version": r.Version}
}

// townOfPath finds the town a unit path lies in (or is), among towns.
func townOfPath(towns []ServiceTown, path string) (ServiceTown, bool) {
	for _, x := range towns {
		if org.Within(path, x.Path) {
			return x, true
		}
	}
	return ServiceTown{}, false
}

// TeamCompliance is one team's standing against the quarterly days quota.
type TeamCompliance struct {
	TeamID   int64
	Name     string
	Kind     string
	UnitID   int64
	UnitName string
	UnitPath string
	Town     ServiceTown
	Standing quota.TeamStanding
}

// MemberCompliance is one office party member's pace against the yearly hours quota.
type MemberCompliance struct {
	PersonID int64
	Name     string
	UnitID   int64
	UnitName string
	UnitPath string
	Town     ServiceTown
	Pace     quota.Pace
}

// ComplianceFilter selects what the compliance view covers.
type ComplianceFilter struct {
	Quarter quota.Period // the quarter of the team days; its year is the year of the hours
	TownID  int64        // one town only (0: every town the actor sees)
}

// Compliance is the seed's rules applied to what the actor sees: every active team's days in
// the quarter, every office party member's hours in the year.
type Compliance struct {
	Quarter       quota.Period
	Year          quota.Period
	Today         time.Time
	Towns         []ServiceTown
	Rules         map[int64]quota.Rules
	Teams         []TeamCompliance   // fewest days first
	Members       []MemberCompliance // furthest behind first
	TeamsUnder    int                // teams short of their days
	MembersBehind int                // members behind their pace
}

// ServiceCompliance computes the compliance view within the actor's ViewService scope: teams by
// their unit, members by their own unit.
func (db *DB) ServiceCompliance(ctx context.Context, a Actor, f ComplianceFilter) (*Compliance, error) {
	today := quota.Today(db.clock.Now())
	if f.Quarter.Kind != quota.Quarter {
		f.Quarter = quota.QuarterOf(today)
	}
	c := &Compliance{Quarter: f.Quarter, Year: quota.Period{Kind: quota.Year, Year: f.Quarter.Year}, Today: today}
	s := a.Scope(authz.ViewService)
	err := db.view(ctx, func(t *Tx) error {
		towns, err := t.serviceTowns(ctx, s)
		if err != nil {
			return err
		}
		if f.TownID != 0 {
			var one []ServiceTown
			for _, x := range towns {
				if x.ID == f.TownID {
					one = append(one, x)
				}
			}
			if len(one) == 0 {
				return errs.NotFound()
			}
			towns = one
		}
		c.Towns = towns
		if c.Rules, err = t.serviceRules(ctx, towns); err != nil {
			return err
		}
		cal, err := t.calendar(ctx)
		if err != nil {
			return err
		}
		if err := t.teamCompliance(ctx, s, c, cal); err != nil {
			return err
		}
		return t.memberCompliance(ctx, s, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (t *Tx) teamCompliance(ctx context.Context, s authz.Scope, c *Compliance, cal *calendar.Calendar) error {
	cond, args := scopeCond("st.unit_path", s)
	rows, err := t.Query(ctx, `SELECT st.id, st.name, st.kind, u.id, u.name, u.path,
		(SELECT COUNT(*) FROM (SELECT h.service_date FROM service_hours h WHERE h.team_id = st.id AND h.year = ? AND h.quarter = ?
			GROUP BY h.service_date HAVING SUM(h.centihours) > 0) d)
		FROM service_teams st JOIN units u ON u.id = st.unit_id WHERE st.active = ? AND `+cond+` ORDER BY u.path, st.name, st.id`,
		append([]any{c.Quarter.Year, c.Quarter.N, true}, args...)...)
	if err != nil {
		return fmt.Errorf("storage: team compliance: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x TeamCompliance
		var served int
		if err := rows.Scan(&x.TeamID, &x.Name, &x.Kind, &x.UnitID, &x.UnitName, &x.UnitPath, &served); err != nil {
			return err
		}
		town, ok := townOfPath(c.Towns, x.UnitPath)
		if !ok {
			continue // a team of another town (when one town is asked for), or above any town
		}
		x.Town = town
		x.Standing = c.Rules[town.ID].Team(served, c.Quarter, c.Today, cal)
		c.Teams = append(c.Teams, x)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	sort.SliceStable(c.Teams, func(i, j int) bool { return c.Teams[i].Standing.Served < c.Teams[j].Standing.Served })
	for _, x := range c.Teams {
		if !x.Standing.Met {
			c.TeamsUnder++
		}
	}
	return nil
}

func (t *Tx) memberCompliance(ctx context.Context, s authz.Scope, c *Compliance) error {
	cond, args := scopeCond("u.path", s)
	kinds := make([]any, len(quota.OfficeUnitKinds))
	for i, k := range quota.OfficeUnitKinds {
		kinds[i] = string(k)
	}
	rows, err := t.Query(ctx, `SELECT p.id, p.name, u.id, u.name, u.path,
		COALESCE((SELECT SUM(h.centihours) FROM service_hours h WHERE h.person_id = p.id AND h.year = ?), 0)
		FROM people p JOIN units u ON u.id = p.unit_id
		WHERE p.party_member = ? AND p.active = ? AND u.kind IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", ")+`) AND `+cond+`
		ORDER BY u.path, p.name, p.id`, append(append([]any{c.Year.Year, true, true}, kinds...), args...)...)
	if err != nil {
		return fmt.Errorf("storage: member compliance: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x MemberCompliance
		var served int64
		if err := rows.Scan(&x.PersonID, &x.Name, &x.UnitID, &x.UnitName, &x.UnitPath, &served); err != nil {
			return err
		}
		town, ok := townOfPath(c.Towns, x.UnitPath)
		if !ok {
			continue
		}
		x.Town = town
		x.Pace = c.Rules[town.ID].Pace(served, c.Year.Year, c.Today)
		c.Members = append(c.Members, x)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	sort.SliceStable(c.Members, func(i, j int) bool {
		a, b := c.Members[i].Pace, c.Members[j].Pace
		if a.Behind != b.Behind {
			return a.Behind > b.Behind
		}
		return a.Served < b.Served
	})
	for _, x := range c.Members {
		if x.Pace.Status == quota.Behind {
			c.MembersBehind++
		}
	}
	return nil
}
