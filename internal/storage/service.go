package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/service"
)

// Volunteer service (志愿服务): who sees what. A team, its projects and activities belong to the
// team's unit: whoever holds service.view there sees them, service.manage there changes them
// (the organizer). A volunteer sees their own attendance, hours and certificates wherever the
// activity was. Totals are always sums over service_hours.

// actorRef is who acts, for the records' "by" columns: the user id (NULL for the platform) and
// the name shown.
func actorRef(a Actor) (any, string) {
	if a.P == nil || a.P.System {
		return nil, "system"
	}
	return a.user(), a.P.Username
}

// ServiceAccess is what the actor may do with a team or an activity.
type ServiceAccess struct {
	Manage bool // the organizer: plans, records, approves, decides corrections, issues certificates
}

const teamCols = `t.id, t.unit_id, t.unit_path, u.name, t.kind, t.name, COALESCE(t.leader_person_id, 0), COALESCE(lp.name, ''),
	t.description, t.active, t.version, t.created_at, t.updated_at,
	(SELECT COUNT(*) FROM service_team_members m WHERE m.team_id = t.id AND m.active = ?)`

const teamFrom = ` FROM service_teams t JOIN units u ON u.id = t.unit_id LEFT JOIN people lp ON lp.id = t.leader_person_id`

func scanTeam(sc interface{ Scan(...any) error }) (*service.Team, error) {
	var t service.Team
	err := sc.Scan(&t.ID, &t.UnitID, &t.UnitPath, &t.UnitName, &t.Kind, &t.Name, &t.LeaderPersonID, &t.LeaderName,
		&t.Description, &t.Active, &t.Version, &t.CreatedAt, &t.UpdatedAt, &t.Members)
	return &t, err
}

func (t *Tx) serviceTeam(ctx context.Context, id int64) (*service.Team, error) {
	tm, err := scanTeam(t.QueryRow(ctx, "SELECT "+teamCols+teamFrom+" WHERE t.id = ?", true, id))
	if err != nil {
		return nil, notFound(err)
	}
	return tm, nil
}

// serviceTeamIn reads a team the actor sees, checking perm at its unit.
func (t *Tx) serviceTeamIn(ctx context.Context, a Actor, perm authz.Perm, id int64) (*service.Team, error) {
	tm, err := t.serviceTeam(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := checkReach(a, authz.ViewService, perm, tm.UnitPath); err != nil {
		return nil, err
	}
	return tm, nil
}

// TeamFilter selects teams.
type TeamFilter struct {
	UnitID int64 // teams of this unit and below
	Kind   service.TeamKind
	Query  string // part of the name
	Active bool   // only active teams
	Limit  int
	Offset int
}

// ServiceTeams lists the teams the actor sees, by unit and name.
func (db *DB) ServiceTeams(ctx context.Context, a Actor, f TeamFilter) ([]service.Team, int, error) {
	var out []service.Team
	var total int
	err := db.view(ctx, func(t *Tx) error {
		cond, args := scopeCond("t.unit_path", a.Scope(authz.ViewService))
		where := []string{cond}
		if f.UnitID != 0 {
			p, err := t.unitPathOf(ctx, f.UnitID)
			if err != nil {
				return err
			}
			c, ca := subtreeCond("t.unit_path", p)
			where, args = append(where, c), append(args, ca...)
		}
		if f.Kind != "" {
			where, args = append(where, "t.kind = ?"), append(args, string(f.Kind))
		}
		if q := strings.TrimSpace(f.Query); q != "" {
			where, args = append(where, `t.name LIKE ? ESCAPE '\'`), append(args, "%"+likeEscape(q)+"%")
		}
		if f.Active {
			where, args = append(where, "t.active = ?"), append(args, true)
		}
		w := " WHERE " + strings.Join(where, " AND ")
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM service_teams t"+w, args...).Scan(&total); err != nil {
			return fmt.Errorf("storage: count teams: %w", err)
		}
		rows, err := t.Query(ctx, "SELECT "+teamCols+teamFrom+w+" ORDER BY t.unit_path, t.name, t.id LIMIT ? OFFSET ?",
			append(append([]any{true}, args...), clampLimit(f.Limit), max(f.Offset, 0))...)
		if err != nil {
			return fmt.Errorf("storage: teams: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			tm, err := scanTeam(rows)
			if err != nil {
				return err
			}
			out = append(out, *tm)
		}
		return rows.Err()
	})
	return out, total, err
}

// ServiceTeam returns a team the actor sees and what they may do with it.
func (db *DB) ServiceTeam(ctx context.Context, a Actor, id int64) (*service.Team, ServiceAccess, error) {
	var tm *service.Team
	err := db.view(ctx, func(t *Tx) (err error) {
		tm, err = t.serviceTeamIn(ctx, a, authz.ViewService, id)
		return err
	})
	if err != nil {
		return nil, ServiceAccess{}, err
	}
	return tm, ServiceAccess{Manage: a.P.CanAt(authz.ManageService, tm.UnitPath)}, nil
}

func teamAudit(tm *service.Team) map[string]any {
	return map[string]any{"unit_id": tm.UnitID, "kind": tm.Kind, "name": tm.Name, "leader_person_id": tm.LeaderPersonID,
		"description": tm.Description, "active": tm.Active}
}

// servicePersonIn checks that a person exists and is within the actor's reach for perm; a person
// out of reach is reported as the field's error (not found), never revealed.
func (t *Tx) servicePersonIn(ctx context.Context, a Actor, perm authz.Perm, field string, id int64) (name, path string, err error) {
	err = t.QueryRow(ctx, "SELECT p.name, u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = ? AND p.active = ?",
		id, true).Scan(&name, &path)
	if err == sql.ErrNoRows || (err == nil && !a.P.CanAt(perm, path)) {
		return "", "", errs.Invalid(errs.Field(field, "service.person.not_found"))
	}
	return name, path, err
}

// CreateServiceTeam creates a team of a unit where the actor manages service; its leader, if
// given, becomes its first member.
func (db *DB) CreateServiceTeam(ctx context.Context, a Actor, tm *service.Team) error {
	return db.update(ctx, func(t *Tx) error {
		tm.Active = true
		if err := tm.Validate(); err != nil {
			return err
		}
		u, err := t.unit(ctx, tm.UnitID)
		if errs.Code(err) == errs.ENOTFOUND || (err == nil && (!u.Active || !a.P.CanAt(authz.ManageService, u.Path))) {
			return errs.Invalid(errs.Field("unit_id", "service.unit.not_found"))
		}
		if err != nil {
			return err
		}
		tm.UnitPath, tm.UnitName = u.Path, u.Name
		if tm.LeaderPersonID != 0 {
			if tm.LeaderName, _, err = t.servicePersonIn(ctx, a, authz.ManageService, "leader_person_id", tm.LeaderPersonID); err != nil {
				return err
			}
		}
		now := t.db.clock.Now()
		by, _ := actorRef(a)
		id, err := t.insert(ctx, `INSERT INTO service_teams (unit_id, unit_path, kind, name, leader_person_id, description, active,
			created_by, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			tm.UnitID, tm.UnitPath, string(tm.Kind), tm.Name, nullID(tm.LeaderPersonID), tm.Description, true, by, now, now)
		if err != nil {
			return fmt.Errorf("storage: create team: %w", err)
		}
		tm.ID, tm.Version, tm.CreatedAt, tm.UpdatedAt = id, 1, now, now
		if tm.LeaderPersonID != 0 {
			if err := t.addTeamMember(ctx, tm.ID, tm.LeaderPersonID, "leader", service.Today(now)); err != nil {
				return err
			}
			tm.Members = 1
		}
		return t.audit(ctx, a, "create", "service_team", id, tm.UnitPath, nil, teamAudit(tm))
	})
}

// TeamUpdate is what may change on a team.
type TeamUpdate struct {
	Kind           service.TeamKind
	Name           string
	LeaderPersonID int64
	Description    string
	Active         bool
	Version        int64
}

// UpdateServiceTeam changes a team the actor manages.
func (db *DB) UpdateServiceTeam(ctx context.Context, a Actor, id int64, up TeamUpdate) (*service.Team, error) {
	var out *service.Team
	err := db.update(ctx, func(t *Tx) error {
		tm, err := t.serviceTeamIn(ctx, a, authz.ManageService, id)
		if err != nil {
			return err
		}
		if tm.Version != up.Version {
			return errs.Conflict()
		}
		before := teamAudit(tm)
		tm.Kind, tm.Name, tm.Description, tm.Active = up.Kind, up.Name, up.Description, up.Active
		if err := tm.Validate(); err != nil {
			return err
		}
		if up.LeaderPersonID != 0 && up.LeaderPersonID != tm.LeaderPersonID {
			if _, _, err := t.servicePersonIn(ctx, a, authz.ManageService, "leader_person_id", up.LeaderPersonID); err != nil {
				return err
			}
			if err := t.addTeamMember(ctx, tm.ID, up.LeaderPersonID, "leader", service.Today(t.db.clock.Now())); err != nil {
				return err
			}
		}
		tm.LeaderPersonID = up.LeaderPersonID
		now := t.db.clock.Now()
		if err := checkVersion(t.Exec(ctx, `UPDATE service_teams SET kind = ?, name = ?, leader_person_id = ?, description = ?, active = ?,
			version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			string(tm.Kind), tm.Name, nullID(tm.LeaderPersonID), tm.Description, tm.Active, now, id, up.Version)); err != nil {
			return err
		}
		if err := t.audit(ctx, a, "update", "service_team", id, tm.UnitPath, before, teamAudit(tm)); err != nil {
			return err
		}
		out, err = t.serviceTeam(ctx, id)
		return err
	})
	return out, err
}

// addTeamMember adds a person to a team, or makes a former member active again.
func (t *Tx) addTeamMember(ctx context.Context, teamID, personID int64, role, joinedOn string) error {
	res, err := t.Exec(ctx, "UPDATE service_team_members SET active = ?, role = CASE WHEN ? = 'leader' THEN ? ELSE role END WHERE team_id = ? AND person_id = ?",
		true, role, role, teamID, personID)
	if err != nil {
		return fmt.Errorf("storage: team member: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = t.Exec(ctx, `INSERT INTO service_team_members (team_id, person_id, role, joined_on, active, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		teamID, personID, role, joinedOn, true, t.db.clock.Now())
	if err != nil {
		return fmt.Errorf("storage: team member: %w", err)
	}
	return nil
}

// AddTeamMembers adds people the actor manages to a team the actor manages, in one transaction.
// People already in the team are left as they are.
func (db *DB) AddTeamMembers(ctx context.Context, a Actor, teamID int64, personIDs []int64, joinedOn string) error {
	return db.update(ctx, func(t *Tx) error {
		tm, err := t.serviceTeamIn(ctx, a, authz.ManageService, teamID)
		if err != nil {
			return err
		}
		if len(personIDs) == 0 {
			return errs.Invalid(errs.Field("person_id", "validation.required"))
		}
		if joinedOn == "" {
			joinedOn = service.Today(t.db.clock.Now())
		} else if !service.ValidDate(joinedOn) {
			return errs.Invalid(errs.Field("joined_on", "validation.date"))
		}
		for _, pid := range personIDs {
			if _, _, err := t.servicePersonIn(ctx, a, authz.ManageService, "person_id", pid); err != nil {
				return err
			}
			if err := t.addTeamMember(ctx, teamID, pid, "member", joinedOn); err != nil {
				return err
			}
		}
		return t.audit(ctx, a, "add_members", "service_team", teamID, tm.UnitPath, nil, map[string]any{"person_ids": personIDs, "joined_on": joinedOn})
	})
}

// RemoveTeamMember takes a person off a team the actor manages (their past hours stay).
func (db *DB) RemoveTeamMember(ctx context.Context, a Actor, teamID, personID int64) error {
	return db.update(ctx, func(t *Tx) error {
		tm, err := t.serviceTeamIn(ctx, a, authz.ManageService, teamID)
		if err != nil {
			return err
		}
		res, err := t.Exec(ctx, "UPDATE service_team_members SET active = ? WHERE team_id = ? AND person_id = ? AND active = ?", false, teamID, personID, true)
		if err != nil {
			return fmt.Errorf("storage: remove member: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound()
		}
		return t.audit(ctx, a, "remove_member", "service_team", teamID, tm.UnitPath, map[string]any{"person_id": personID}, nil)
	})
}

// TeamMembers lists a team's active members, by name.
func (db *DB) TeamMembers(ctx context.Context, a Actor, teamID int64) ([]service.Member, error) {
	var out []service.Member
	err := db.view(ctx, func(t *Tx) error {
		if _, err := t.serviceTeamIn(ctx, a, authz.ViewService, teamID); err != nil {
			return err
		}
		rows, err := t.Query(ctx, `SELECT m.team_id, m.person_id, m.role, m.joined_on, p.name, u.name, u.path FROM service_team_members m
			JOIN people p ON p.id = m.person_id JOIN units u ON u.id = p.unit_id WHERE m.team_id = ? AND m.active = ?
			ORDER BY CASE WHEN m.role = 'leader' THEN 0 ELSE 1 END, p.name, p.id LIMIT 2000`, teamID, true)
		if err != nil {
			return fmt.Errorf("storage: team members: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var m service.Member
			if err := rows.Scan(&m.TeamID, &m.PersonID, &m.Role, &m.JoinedOn, &m.PersonName, &m.UnitName, &m.UnitPath); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}

// RegisterVolunteer puts a person the actor manages on the volunteers' register, or changes their
// categories if they are on it already.
func (db *DB) RegisterVolunteer(ctx context.Context, a Actor, v *service.Volunteer) error {
	return db.update(ctx, func(t *Tx) error { return t.registerVolunteer(ctx, a, v) })
}

// RegisterVolunteers registers many people in one transaction (the demo loader, imports): all or
// nothing.
func (db *DB) RegisterVolunteers(ctx context.Context, a Actor, vs []service.Volunteer) error {
	return db.update(ctx, func(t *Tx) error {
		for i := range vs {
			if err := t.registerVolunteer(ctx, a, &vs[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

func (t *Tx) registerVolunteer(ctx context.Context, a Actor, v *service.Volunteer) error {
	if err := v.Validate(); err != nil {
		return err
	}
	name, _, err := t.servicePersonIn(ctx, a, authz.ManageService, "person_id", v.PersonID)
	if err != nil {
		return err
	}
	var unitID int64
	var path string
	if err := t.QueryRow(ctx, "SELECT p.unit_id, u.path, u.name, p.phone FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = ?", v.PersonID).
		Scan(&unitID, &path, &v.UnitName, &v.Phone); err != nil {
		return err
	}
	v.UnitID, v.UnitPath, v.PersonName = unitID, path, name
	if v.RegisteredOn == "" {
		v.RegisteredOn = service.Today(t.db.clock.Now())
	}
	cats := make([]string, len(v.Categories))
	for i, c := range v.Categories {
		cats[i] = string(c)
	}
	catStr := ""
	if len(cats) > 0 {
		catStr = "," + strings.Join(cats, ",") + ","
	}
	now := t.db.clock.Now()
	var id int64
	var before map[string]any
	var old string
	err = t.QueryRow(ctx, "SELECT id, categories FROM volunteers WHERE person_id = ?", v.PersonID).Scan(&id, &old)
	switch {
	case err == sql.ErrNoRows:
		id, err = t.insert(ctx, `INSERT INTO volunteers (person_id, unit_id, unit_path, categories, registered_on, active, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`, v.PersonID, unitID, path, catStr, v.RegisteredOn, true, now, now)
		if err != nil {
			return fmt.Errorf("storage: register volunteer: %w", err)
		}
	case err != nil:
		return err
	default:
		before = map[string]any{"categories": old}
		if _, err := t.Exec(ctx, `UPDATE volunteers SET categories = ?, unit_id = ?, unit_path = ?, active = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			catStr, unitID, path, true, now, id); err != nil {
			return fmt.Errorf("storage: update volunteer: %w", err)
		}
	}
	v.ID, v.Active = id, true
	if err := t.QueryRow(ctx, "SELECT version FROM volunteers WHERE id = ?", id).Scan(&v.Version); err != nil {
		return err
	}
	return t.audit(ctx, a, "register", "volunteer", id, path, before, map[string]any{"person_id": v.PersonID, "categories": catStr})
}

// VolunteerFilter selects volunteers.
type VolunteerFilter struct {
	UnitID   int64
	Category service.Category
	Limit    int
	Offset   int
}

// Volunteers lists the registered volunteers the actor sees, by unit and name.
func (db *DB) Volunteers(ctx context.Context, a Actor, f VolunteerFilter) ([]service.Volunteer, int, error) {
	var out []service.Volunteer
	var total int
	err := db.view(ctx, func(t *Tx) error {
		cond, args := scopeCond("v.unit_path", a.Scope(authz.ViewService))
		where := []string{cond, "v.active = ?"}
		args = append(args, true)
		if f.UnitID != 0 {
			p, err := t.unitPathOf(ctx, f.UnitID)
			if err != nil {
				return err
			}
			c, ca := subtreeCond("v.unit_path", p)
			where, args = append(where, c), append(args, ca...)
		}
		if f.Category != "" {
			where, args = append(where, `v.categories LIKE ? ESCAPE '\'`), append(args, "%,"+likeEscape(string(f.Category))+",%")
		}
		w := " WHERE " + strings.Join(where, " AND ")
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM volunteers v"+w, args...).Scan(&total); err != nil {
			return fmt.Errorf("storage: count volunteers: %w", err)
		}
		rows, err := t.Query(ctx, `SELECT v.id, v.person_id, v.unit_id, v.unit_path, u.name, p.name, p.phone, v.categories, v.registered_on, v.active, v.version
			FROM volunteers v JOIN people p ON p.id = v.person_id JOIN units u ON u.id = v.unit_id`+w+" ORDER BY v.unit_path, p.name, v.id LIMIT ? OFFSET ?",
			append(args, clampLimit(f.Limit), max(f.Offset, 0))...)
		if err != nil {
			return fmt.Errorf("storage: volunteers: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var v service.Volunteer
			var cats string
			if err := rows.Scan(&v.ID, &v.PersonID, &v.UnitID, &v.UnitPath, &v.UnitName, &v.PersonName, &v.Phone, &cats, &v.RegisteredOn, &v.Active, &v.Version); err != nil {
				return err
			}
			for _, c := range strings.Split(strings.Trim(cats, ","), ",") {
				if c != "" {
					v.Categories = append(v.Categories, service.Category(c))
				}
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	return out, total, err
}

// CreateServiceProject adds a project to a team the actor manages.
func (db *DB) CreateServiceProject(ctx context.Context, a Actor, p *service.Project) error {
	return db.update(ctx, func(t *Tx) error {
		if err := p.Validate(); err != nil {
			return err
		}
		tm, err := t.serviceTeamIn(ctx, a, authz.ManageService, p.TeamID)
		if err != nil {
			return err
		}
		now := t.db.clock.Now()
		p.UnitPath, p.TeamName, p.Active = tm.UnitPath, tm.Name, true
		id, err := t.insert(ctx, `INSERT INTO service_projects (team_id, unit_id, unit_path, name, beneficiary, description, active, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`, tm.ID, tm.UnitID, tm.UnitPath, p.Name, p.Beneficiary, p.Description, true, now, now)
		if err != nil {
			return fmt.Errorf("storage: create project: %w", err)
		}
		p.ID, p.Version = id, 1
		return t.audit(ctx, a, "create", "service_project", id, tm.UnitPath, nil,
			map[string]any{"team_id": tm.ID, "name": p.Name, "beneficiary": p.Beneficiary})
	})
}

// serviceProjectIn reads a project of a team the actor sees, checking perm at the team's unit.
func (t *Tx) serviceProjectIn(ctx context.Context, a Actor, perm authz.Perm, id int64) (*service.Project, error) {
	var p service.Project
	err := t.QueryRow(ctx, `SELECT p.id, p.team_id, tm.name, p.unit_path, p.name, p.beneficiary, p.description, p.active, p.version
		FROM service_projects p JOIN service_teams tm ON tm.id = p.team_id WHERE p.id = ?`, id).
		Scan(&p.ID, &p.TeamID, &p.TeamName, &p.UnitPath, &p.Name, &p.Beneficiary, &p.Description, &p.Active, &p.Version)
	if err != nil {
		return nil, notFound(err)
	}
	if err := checkReach(a, authz.ViewService, perm, p.UnitPath); err != nil {
		return nil, err
	}
	return &p, nil
}

// serviceProjectAt reads a project the actor manages for an edit made on version: a conflict when
// it has changed since.
func (t *Tx) serviceProjectAt(ctx context.Context, a Actor, id, version int64) (*service.Project, error) {
	p, err := t.serviceProjectIn(ctx, a, authz.ManageService, id)
	if err != nil {
		return nil, err
	}
	if p.Version != version {
		return nil, errs.Conflict()
	}
	return p, nil
}

// ServiceProject returns a project the actor sees.
func (db *DB) ServiceProject(ctx context.Context, a Actor, id int64) (*service.Project, error) {
	var p *service.Project
	err := db.view(ctx, func(t *Tx) (err error) {
		p, err = t.serviceProjectIn(ctx, a, authz.ViewService, id)
		return err
	})
	return p, err
}

func projectAudit(p *service.Project) map[string]any {
	return map[string]any{"team_id": p.TeamID, "name": p.Name, "beneficiary": p.Beneficiary, "description": p.Description, "active": p.Active}
}

// ProjectUpdate is what may change on a project.
type ProjectUpdate struct {
	Name        string
	Beneficiary string
	Description string
	Version     int64
}

// UpdateServiceProject changes a project of a team the actor manages; a stale version is a
// conflict. Activities already planned under it keep it.
func (db *DB) UpdateServiceProject(ctx context.Context, a Actor, id int64, up ProjectUpdate) (*service.Project, error) {
	var out *service.Project
	err := db.update(ctx, func(t *Tx) error {
		p, err := t.serviceProjectAt(ctx, a, id, up.Version)
		if err != nil {
			return err
		}
		before := projectAudit(p)
		p.Name, p.Beneficiary, p.Description = up.Name, up.Beneficiary, up.Description
		if err := p.Validate(); err != nil {
			return err
		}
		if err := checkVersion(t.Exec(ctx, `UPDATE service_projects SET name = ?, beneficiary = ?, description = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`, p.Name, p.Beneficiary, p.Description, t.db.clock.Now(), id, up.Version)); err != nil {
			return err
		}
		if err := t.audit(ctx, a, "update", "service_project", id, p.UnitPath, before, projectAudit(p)); err != nil {
			return err
		}
		out, err = t.serviceProjectIn(ctx, a, authz.ViewService, id)
		return err
	})
	return out, err
}

// SetServiceProjectActive retires a project (no new activity may be planned under it; those
// planned keep it and their hours stand) or brings it back, as the team's organizer.
func (db *DB) SetServiceProjectActive(ctx context.Context, a Actor, id int64, active bool, version int64) (*service.Project, error) {
	var out *service.Project
	err := db.update(ctx, func(t *Tx) error {
		p, err := t.serviceProjectAt(ctx, a, id, version)
		if err != nil {
			return err
		}
		if p.Active == active {
			key := "service.project.already_retired"
			if active {
				key = "service.project.already_active"
			}
			return errs.New(errs.EUNPROCESSABLE, key)
		}
		if err := checkVersion(t.Exec(ctx, `UPDATE service_projects SET active = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			active, t.db.clock.Now(), id, version)); err != nil {
			return err
		}
		action := "retire"
		if active {
			action = "restore"
		}
		if err := t.audit(ctx, a, action, "service_project", id, p.UnitPath, map[string]any{"active": p.Active}, map[string]any{"active": active}); err != nil {
			return err
		}
		out, err = t.serviceProjectIn(ctx, a, authz.ViewService, id)
		return err
	})
	return out, err
}

// ServiceProjects lists a team's projects.
func (db *DB) ServiceProjects(ctx context.Context, a Actor, teamID int64) ([]service.Project, error) {
	var out []service.Project
	err := db.view(ctx, func(t *Tx) error {
		tm, err := t.serviceTeamIn(ctx, a, authz.ViewService, teamID)
		if err != nil {
			return err
		}
		rows, err := t.Query(ctx, `SELECT id, team_id, name, beneficiary, description, active, version FROM service_projects
			WHERE team_id = ? ORDER BY name, id LIMIT 1000`, teamID)
		if err != nil {
			return fmt.Errorf("storage: projects: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			p := service.Project{TeamName: tm.Name, UnitPath: tm.UnitPath}
			if err := rows.Scan(&p.ID, &p.TeamID, &p.Name, &p.Beneficiary, &p.Description, &p.Active, &p.Version); err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}
