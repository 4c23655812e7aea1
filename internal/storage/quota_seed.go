package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"wuxing/internal/errs"
	"wuxing/internal/service"
)

// ServiceSeed is a loader's batch of volunteer-service history: teams with their members,
// projects and activities, the activities' participants and approved hours, and the
// volunteers' register. The demo loads a year of it; one record at a time through the
// organizer's steps would take minutes, so SeedService writes it in one transaction with
// multi-row inserts, after the same validation as the single-record methods, and with an audit
// entry per team and per approved activity. The ledger rows are written exactly as approval
// writes them, so every figure is still a sum over service_hours.
type ServiceSeed struct {
	Teams      []*SeedTeam
	Volunteers []service.Volunteer // UnitID is the person's unit
}

// SeedTeam is one team with what it did.
type SeedTeam struct {
	Team       service.Team // ID is filled in
	Members    []int64      // people; the leader, if any, is added as leader
	Projects   []service.Project
	Activities []SeedActivity
}

// SeedActivity is one activity: approved (with hours) or still planned.
type SeedActivity struct {
	Activity service.Activity // Status Approved or Planned; ID is filled in
	Project  int              // index in the team's Projects, -1 for none
	Hours    []SeedHours      // participants of an approved activity
}

// SeedHours is one participant's approved hours.
type SeedHours struct {
	PersonID   int64
	Centihours int
}

var seedCST = time.FixedZone("CST", 8*3600)

// seedAt is a moment on a service day, China time.
func seedAt(day string, hour int) time.Time {
	d, _ := time.ParseInLocation(service.DateLayout, day, seedCST)
	return d.Add(time.Duration(hour) * time.Hour).UTC()
}

// SeedService writes a loader's batch; only the platform itself may (the demo, the command line).
func (db *DB) SeedService(ctx context.Context, a Actor, s *ServiceSeed) error {
	if a.P == nil || !a.P.System {
		return errs.Forbidden()
	}
	if err := s.validate(); err != nil {
		return err
	}
	return db.update(ctx, func(t *Tx) error {
		now := t.db.clock.Now()
		paths := map[int64]string{}
		pathOf := func(unitID int64) (string, error) {
			if p, ok := paths[unitID]; ok {
				return p, nil
			}
			u, err := t.unit(ctx, unitID)
			if err != nil {
				return "", fmt.Errorf("storage: seed unit %d: %w", unitID, err)
			}
			paths[unitID] = u.Path
			return u.Path, nil
		}
		var members [][]any
		for _, st := range s.Teams {
			tm := &st.Team
			path, err := pathOf(tm.UnitID)
			if err != nil {
				return err
			}
			tm.UnitPath, tm.Active = path, true
			id, err := t.insert(ctx, `INSERT INTO service_teams (unit_id, unit_path, kind, name, leader_person_id, description, active,
				created_by, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 1, ?, ?)`,
				tm.UnitID, path, string(tm.Kind), tm.Name, nullID(tm.LeaderPersonID), tm.Description, true, now, now)
			if err != nil {
				return fmt.Errorf("storage: seed team: %w", err)
			}
			tm.ID, tm.Version = id, 1
			if err := t.audit(ctx, a, "create", "service_team", id, path, nil, teamAudit(tm)); err != nil {
				return err
			}
			seen := map[int64]bool{}
			if tm.LeaderPersonID != 0 {
				seen[tm.LeaderPersonID] = true
				members = append(members, []any{id, tm.LeaderPersonID, "leader", service.Today(now), true, now})
			}
			for _, pid := range st.Members {
				if !seen[pid] {
					seen[pid] = true
					members = append(members, []any{id, pid, "member", service.Today(now), true, now})
				}
			}
			for i := range st.Projects {
				p := &st.Projects[i]
				p.TeamID = id
				pid, err := t.insert(ctx, `INSERT INTO service_projects (team_id, unit_id, unit_path, name, beneficiary, description, active, version,
					created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`, id, tm.UnitID, path, p.Name, p.Beneficiary, p.Description, true, now, now)
				if err != nil {
					return fmt.Errorf("storage: seed project: %w", err)
				}
				p.ID, p.Version, p.Active, p.UnitPath = pid, 1, true, path
			}
		}
		if err := t.insertRows(ctx, "service_team_members (team_id, person_id, role, joined_on, active, created_at)", members); err != nil {
			return err
		}
		var vols [][]any
		for _, v := range s.Volunteers {
			path, err := pathOf(v.UnitID)
			if err != nil {
				return err
			}
			cats := make([]string, len(v.Categories))
			for i, c := range v.Categories {
				cats[i] = string(c)
			}
			vols = append(vols, []any{v.PersonID, v.UnitID, path, strings.Join(cats, ","), v.RegisteredOn, true, 1, now, now})
		}
		if err := t.insertRows(ctx, "volunteers (person_id, unit_id, unit_path, categories, registered_on, active, version, created_at, updated_at)", vols); err != nil {
			return err
		}
		// Activities: one multi-row insert, then their ids by their unique check-in codes.
		var first int64
		if err := t.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM service_activities").Scan(&first); err != nil {
			return err
		}
		var acts [][]any
		byToken := map[string]*SeedActivity{}
		for _, st := range s.Teams {
			for i := range st.Activities {
				sa := &st.Activities[i]
				x := &sa.Activity
				x.Token = newCheckinToken()
				byToken[x.Token] = sa
				var project any
				if sa.Project >= 0 {
					project = st.Projects[sa.Project].ID
				}
				created := seedAt(x.ServiceDate, -72+9)
				if created.After(now) {
					created = now
				}
				var closed, approved any
				approverName := ""
				if x.Status == service.Approved {
					closed, approved, approverName = seedAt(x.ServiceDate, 17), seedAt(x.ServiceDate, 20), "system"
				}
				acts = append(acts, []any{st.Team.ID, project, st.Team.UnitID, st.Team.UnitPath, x.Title, x.ServiceDate, x.StartsAt, x.EndsAt,
					x.Place, x.Content, string(x.Status), x.Token, x.Ratings.Satisfied, x.Ratings.Basic, x.Ratings.Dissatisfied,
					"system", closed, approverName, approved, 1, created, created})
			}
		}
		if err := t.insertRows(ctx, `service_activities (team_id, project_id, unit_id, unit_path, title, service_date, starts_at, ends_at,
			place, content, status, checkin_token, rating_satisfied, rating_basic, rating_dissatisfied, organizer_name, closed_at,
			approver_name, approved_at, version, created_at, updated_at)`, acts); err != nil {
			return err
		}
		rows, err := t.Query(ctx, "SELECT id, checkin_token FROM service_activities WHERE id > ?", first)
		if err != nil {
			return fmt.Errorf("storage: seed activities: %w", err)
		}
		for rows.Next() {
			var id int64
			var tok string
			if err := rows.Scan(&id, &tok); err != nil {
				rows.Close()
				return err
			}
			if sa := byToken[tok]; sa != nil {
				sa.Activity.ID = id
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var parts [][]any
		for _, st := range s.Teams {
			for _, sa := range st.Activities {
				if sa.Activity.ID == 0 {
					return fmt.Errorf("storage: seed activity %q not written", sa.Activity.Title)
				}
				if sa.Activity.Status != service.Approved {
					continue
				}
				at := seedAt(sa.Activity.ServiceDate, 17)
				for _, h := range sa.Hours {
					parts = append(parts, []any{sa.Activity.ID, h.PersonID, string(service.Entered), h.Centihours, 1, at, at})
				}
				if err := t.audit(ctx, a, "approve", "service_activity", sa.Activity.ID, st.Team.UnitPath,
					map[string]any{"status": service.Closed}, map[string]any{"status": service.Approved, "participants": len(sa.Hours)}); err != nil {
					return err
				}
			}
		}
		if err := t.insertRows(ctx, "service_participants (activity_id, person_id, source, centihours, version, created_at, updated_at)", parts); err != nil {
			return err
		}
		// The ledger, as approval writes it: one approval row per participant with hours.
		_, err = t.Exec(ctx, `INSERT INTO service_hours (person_id, team_id, activity_id, participant_id, unit_id, unit_path, service_date,
			year, quarter, centihours, kind, approved_by, approver_name, approved_at)
			SELECT sp.person_id, a.team_id, a.id, sp.id, a.unit_id, a.unit_path, a.service_date,
				CAST(SUBSTR(a.service_date, 1, 4) AS INTEGER), (CAST(SUBSTR(a.service_date, 6, 2) AS INTEGER) + 2) / 3,
				sp.centihours, ?, NULL, a.approver_name, a.approved_at
			FROM service_participants sp JOIN service_activities a ON a.id = sp.activity_id
			WHERE a.id > ? AND a.status = ? AND sp.centihours > 0`, service.EntryApproval, first, string(service.Approved))
		if err != nil {
			return fmt.Errorf("storage: seed hours: %w", err)
		}
		return nil
	})
}

// validate checks the batch as the single-record methods would, before anything is written.
func (s *ServiceSeed) validate() error {
	for _, st := range s.Teams {
		if err := st.Team.Validate(); err != nil {
			return fmt.Errorf("seed team %q: %w", st.Team.Name, err)
		}
		for i := range st.Projects {
			st.Projects[i].TeamID = -1 // filled in on write; Validate wants one
			if err := st.Projects[i].Validate(); err != nil {
				return fmt.Errorf("seed project %q: %w", st.Projects[i].Name, err)
			}
		}
		perDay := map[string]int{}
		for i := range st.Activities {
			sa := &st.Activities[i]
			x := &sa.Activity
			x.TeamID = -1
			if err := x.Validate(); err != nil {
				return fmt.Errorf("seed activity %q: %w", x.Title, err)
			}
			if x.Status != service.Approved && x.Status != service.Planned {
				return fmt.Errorf("seed activity %q: status %q", x.Title, x.Status)
			}
			if sa.Project >= len(st.Projects) {
				return fmt.Errorf("seed activity %q: no project %d", x.Title, sa.Project)
			}
			seen := map[int64]bool{}
			for _, h := range sa.Hours {
				if h.PersonID == 0 || seen[h.PersonID] || h.Centihours <= 0 {
					return fmt.Errorf("seed activity %q: bad participant %d", x.Title, h.PersonID)
				}
				seen[h.PersonID] = true
				key := x.ServiceDate + fmt.Sprint(h.PersonID)
				if err := service.CheckDay(perDay[key], h.Centihours); err != nil {
					return fmt.Errorf("seed activity %q: %w", x.Title, err)
				}
				perDay[key] += h.Centihours
			}
		}
	}
	for i := range s.Volunteers {
		if err := s.Volunteers[i].Validate(); err != nil {
			return fmt.Errorf("seed volunteer %d: %w", s.Volunteers[i].PersonID, err)
		}
	}
	return nil
}

// insertRows inserts rows into "table (cols)" with multi-row VALUES, in chunks that stay under
// both databases' limits on parameters.
func (t *Tx) insertRows(ctx context.Context, into string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	n := len(rows[0])
	marks := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
	per := max(1, 8000/n)
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(len(rows), start+per)]
		var b strings.Builder
		b.WriteString("INSERT INTO " + into + " VALUES ")
		args := make([]any, 0, len(chunk)*n)
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(marks)
			args = append(args, r...)
		}
		if _, err := t.Exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("storage: seed %s: %w", strings.Fields(into)[0], err)
		}
	}
	return nil
}
