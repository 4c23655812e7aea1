package storage

import (
	"context"
	"fmt"

	"wuxing/internal/authz"
	"wuxing/internal/quota"
	"wuxing/internal/service"
)

// HonourVolunteer is one volunteer on the honour roll: approved hours in the period.
type HonourVolunteer struct {
	Rank       int
	PersonID   int64
	Name       string
	UnitName   string
	Centihours int64
	Activities int
}

// HonourTeam is one team on the honour roll.
type HonourTeam struct {
	Rank       int
	TeamID     int64
	Name       string
	UnitName   string
	Centihours int64
	Days       int // distinct days served
	People     int // distinct volunteers
}

// Hours is the volunteer's hours written out.
func (v HonourVolunteer) Hours() string { return quota.Hours(v.Centihours) }

// Hours is the team's hours written out.
func (x HonourTeam) Hours() string { return quota.Hours(x.Centihours) }

// HonourRoll is the period's top volunteers and teams.
type HonourRoll struct {
	Period     quota.Period
	Volunteers []HonourVolunteer
	Teams      []HonourTeam
}

// ServiceHonourRoll ranks the volunteers (by their own unit) and teams (by theirs) in the actor's
// ViewService scope by approved hours in the period, sums over the ledger; ties share a rank.
// limit caps each list (10 when 0).
func (db *DB) ServiceHonourRoll(ctx context.Context, a Actor, p quota.Period, limit int) (*HonourRoll, error) {
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, 100)
	roll := &HonourRoll{Period: p}
	s := a.Scope(authz.ViewService)
	err := db.view(ctx, func(t *Tx) error {
		cond, args := scopeCond("u.path", s)
		rows, err := t.Query(ctx, `SELECT p.id, p.name, u.name, SUM(h.centihours), COUNT(DISTINCT h.activity_id)
			FROM service_hours h JOIN people p ON p.id = h.person_id JOIN units u ON u.id = p.unit_id
			WHERE h.service_date >= ? AND h.service_date <= ? AND `+cond+`
			GROUP BY p.id, p.name, u.name HAVING SUM(h.centihours) > 0
			ORDER BY SUM(h.centihours) DESC, p.id LIMIT ?`, append(append([]any{p.From(), p.To()}, args...), limit)...)
		if err != nil {
			return fmt.Errorf("storage: honour roll volunteers: %w", err)
		}
		for rows.Next() {
			var v HonourVolunteer
			if err := rows.Scan(&v.PersonID, &v.Name, &v.UnitName, &v.Centihours, &v.Activities); err != nil {
				rows.Close()
				return err
			}
			roll.Volunteers = append(roll.Volunteers, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		cond, args = scopeCond("st.unit_path", s)
		// Days as the compliance view counts them: days whose hours net above zero.
		rows, err = t.Query(ctx, `SELECT st.id, st.name, u.name, SUM(h.centihours),
			(SELECT COUNT(*) FROM (SELECT d.service_date FROM service_hours d WHERE d.team_id = st.id AND d.service_date >= ? AND d.service_date <= ?
				GROUP BY d.service_date HAVING SUM(d.centihours) > 0) x),
			COUNT(DISTINCT h.person_id)
			FROM service_hours h JOIN service_teams st ON st.id = h.team_id JOIN units u ON u.id = st.unit_id
			WHERE h.service_date >= ? AND h.service_date <= ? AND `+cond+`
			GROUP BY st.id, st.name, u.name HAVING SUM(h.centihours) > 0
			ORDER BY SUM(h.centihours) DESC, st.id LIMIT ?`, append(append([]any{p.From(), p.To(), p.From(), p.To()}, args...), limit)...)
		if err != nil {
			return fmt.Errorf("storage: honour roll teams: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var x HonourTeam
			if err := rows.Scan(&x.TeamID, &x.Name, &x.UnitName, &x.Centihours, &x.Days, &x.People); err != nil {
				return err
			}
			roll.Teams = append(roll.Teams, x)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	vs := make([]int64, len(roll.Volunteers))
	for i, v := range roll.Volunteers {
		vs[i] = v.Centihours
	}
	for i, r := range quota.Ranks(vs) {
		roll.Volunteers[i].Rank = r
	}
	ts := make([]int64, len(roll.Teams))
	for i, x := range roll.Teams {
		ts[i] = x.Centihours
	}
	for i, r := range quota.Ranks(ts) {
		roll.Teams[i].Rank = r
	}
	return roll, nil
}

// CalendarActivity is an activity on the service calendar.
type CalendarActivity struct {
	ID       int64
	Date     string
	Title    string
	Status   string
	TeamID   int64
	TeamName string
	UnitName string
	UnitPath string
}

// ServiceCalendar lists the activities in the actor's ViewService scope (by the activity's unit)
// from one day to another, both included, by date; cancelled ones are left out.
func (db *DB) ServiceCalendar(ctx context.Context, a Actor, from, to string) ([]CalendarActivity, error) {
	var out []CalendarActivity
	err := db.view(ctx, func(t *Tx) error {
		cond, args := scopeCond("sa.unit_path", a.Scope(authz.ViewService))
		rows, err := t.Query(ctx, `SELECT sa.id, sa.service_date, sa.title, sa.status, st.id, st.name, u.name, sa.unit_path
			FROM service_activities sa JOIN service_teams st ON st.id = sa.team_id JOIN units u ON u.id = sa.unit_id
			WHERE sa.service_date >= ? AND sa.service_date <= ? AND sa.status <> ? AND `+cond+`
			ORDER BY sa.service_date, sa.starts_at, sa.id LIMIT 2000`, append([]any{from, to, string(service.Cancelled)}, args...)...)
		if err != nil {
			return fmt.Errorf("storage: service calendar: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var x CalendarActivity
			if err := rows.Scan(&x.ID, &x.Date, &x.Title, &x.Status, &x.TeamID, &x.TeamName, &x.UnitName, &x.UnitPath); err != nil {
				return err
			}
			out = append(out, x)
		}
		return rows.Err()
	})
	return out, err
}
