package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/livelihood"
	"wuxing/internal/org"
)

// Who sees a livelihood project: whoever views livelihood projects over its owner unit, and its
// leaders wherever they sit. Whoever manages livelihood projects there creates and edits it,
// closes it, claims it or records another official's claim, and reports or corrects progress;
// its leaders report progress and correct their own reports. Anything out of sight is not found.

// LivelihoodAccess is what the actor may do with a project.
type LivelihoodAccess struct {
	Manage bool // edit, close or reopen, record claims, correct any report
	Leader bool // the actor's person is one of its leaders
	Report bool // report progress: managers and leaders
	Claim  bool // claim it themselves: a manager with a person who does not lead it yet
}

func livAccessOf(a Actor, p *livelihood.Project) LivelihoodAccess {
	var acc LivelihoodAccess
	acc.Manage = a.P.CanAt(authz.ManageLivelihood, p.UnitPath)
	if pid := a.P.PersonID; pid != 0 {
		for _, l := range p.Leaders {
			if l.PersonID == pid {
				acc.Leader = true
			}
		}
	}
	acc.Report = acc.Manage || acc.Leader
	acc.Claim = acc.Manage && a.P.PersonID != 0 && !acc.Leader && len(p.Leaders) < livelihood.MaxLeaders
	return acc
}

func livVisible(a Actor, p *livelihood.Project, acc LivelihoodAccess) bool {
	return acc.Leader || a.P.CanAt(authz.ViewLivelihood, p.UnitPath)
}

// livDone is the sum of a project's reports in force, computed on every read: no total is kept.
const livDone = `(SELECT project_id, CAST(SUM(quantity) AS BIGINT) AS done, COUNT(*) AS n FROM livelihood_reports
	WHERE superseded = ? GROUP BY project_id)`

const livCols = `p.id, p.unit_id, u.path, u.name, u.kind, u.code, p.title, p.description, p.category, p.measure, p.target, p.year,
	p.deadline, p.closed, p.closed_at, p.version, p.created_at, p.updated_at, COALESCE(d.done, 0), COALESCE(d.n, 0)`

const livFrom = ` FROM livelihood_projects p JOIN units u ON u.id = p.unit_id LEFT JOIN ` + livDone + ` d ON d.project_id = p.id`

func scanLivProject(sc interface{ Scan(...any) error }) (*livelihood.Project, error) {
	var p livelihood.Project
	var closedAt sql.NullTime
	err := sc.Scan(&p.ID, &p.UnitID, &p.UnitPath, &p.UnitName, &p.UnitKind, &p.UnitCode, &p.Title, &p.Description, &p.Category,
		&p.Measure, &p.Target, &p.Year, &p.Deadline, &p.Closed, &closedAt, &p.Version, &p.CreatedAt, &p.UpdatedAt, &p.Done, &p.Reports)
	if closedAt.Valid {
		p.ClosedAt = closedAt.Time
	}
	return &p, err
}

// livProject reads a project with its leaders, without scope; callers check it.
func (t *Tx) livProject(ctx context.Context, id int64) (*livelihood.Project, error) {
	p, err := scanLivProject(t.QueryRow(ctx, "SELECT "+livCols+livFrom+" WHERE p.id = ?", false, id))
	if err != nil {
		return nil, notFound(err)
	}
	if err := t.livLeaders(ctx, []*livelihood.Project{p}); err != nil {
		return nil, err
	}
	return p, nil
}

// livProjectIn reads a project the actor sees, with what they may do with it.
func (t *Tx) livProjectIn(ctx context.Context, a Actor, id int64) (*livelihood.Project, LivelihoodAccess, error) {
	p, err := t.livProject(ctx, id)
	if err != nil {
		return nil, LivelihoodAccess{}, err
	}
	acc := livAccessOf(a, p)
	if !livVisible(a, p, acc) {
		return nil, acc, errs.NotFound()
	}
	return p, acc, nil
}

// livLeaders fills the leaders of projects, in the order they claimed.
func (t *Tx) livLeaders(ctx context.Context, ps []*livelihood.Project) error {
	if len(ps) == 0 {
		return nil
	}
	byID := map[int64]*livelihood.Project{}
	marks := make([]string, len(ps))
	args := make([]any, len(ps))
	for i, p := range ps {
		byID[p.ID], marks[i], args[i] = p, "?", p.ID
	}
	rows, err := t.Query(ctx, `SELECT l.project_id, l.id, l.person_id, pe.name, l.post, u.name, u.path, l.claimed_by_name, l.claimed_at
		FROM livelihood_leaders l JOIN people pe ON pe.id = l.person_id JOIN units u ON u.id = pe.unit_id
		WHERE l.project_id IN (`+strings.Join(marks, ", ")+`) ORDER BY l.id`, args...)
	if err != nil {
		return fmt.Errorf("storage: livelihood leaders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var l livelihood.Leader
		if err := rows.Scan(&pid, &l.ID, &l.PersonID, &l.Name, &l.Post, &l.UnitName, &l.UnitPath, &l.ClaimedBy, &l.ClaimedAt); err != nil {
			return err
		}
		byID[pid].Leaders = append(byID[pid].Leaders, l)
	}
	return rows.Err()
}

// LivelihoodFilter selects projects.
type LivelihoodFilter struct {
	Year   int
	UnitID int64 // owned by this unit or a unit under it
	Status livelihood.Status
	Query  string // title contains
	Limit  int
	Offset int
}

// livWhere is the condition a filter and the actor's sight make.
func (t *Tx) livWhere(ctx context.Context, a Actor, f LivelihoodFilter, perm authz.Perm) (string, []any, error) {
	view, va := scopeCond("u.path", a.Scope(perm))
	pid := a.P.PersonID
	if pid == 0 {
		pid = -1
	}
	where := "(" + view + " OR EXISTS (SELECT 1 FROM livelihood_leaders l WHERE l.project_id = p.id AND l.person_id = ?))"
	args := append(va, pid)
	if f.UnitID != 0 {
		u, err := t.unit(ctx, f.UnitID)
		if err != nil {
			return "", nil, err
		}
		if !a.P.CanAt(perm, u.Path) {
			return "", nil, errs.NotFound()
		}
		c, ca := subtreeCond("u.path", u.Path)
		where += " AND " + c
		args = append(args, ca...)
	}
	if f.Year != 0 {
		where += " AND p.year = ?"
		args = append(args, f.Year)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where += ` AND p.title LIKE ? ESCAPE '\'`
		args = append(args, "%"+likeEscape(q)+"%")
	}
	switch f.Status {
	case livelihood.Completed:
		where += " AND (p.closed = ? OR COALESCE(d.done, 0) >= p.target)"
		args = append(args, true)
	case livelihood.InProgress:
		where += " AND p.closed = ? AND COALESCE(d.done, 0) > 0 AND COALESCE(d.done, 0) < p.target"
		args = append(args, false)
	case livelihood.Planned:
		where += " AND p.closed = ? AND COALESCE(d.done, 0) = 0"
		args = append(args, false)
	case "":
	default:
		return "", nil, errs.Invalid(errs.Field("status", "livelihood.status.invalid"))
	}
	return where, args, nil
}

// LivelihoodProjects lists the projects the actor sees, newest year first, each with its
// leaders and what its reports add up to.
// An export passes an actor narrowed to the bindings that may export.
func (db *DB) LivelihoodProjects(ctx context.Context, a Actor, f LivelihoodFilter) ([]livelihood.Project, int, error) {
	return db.livList(ctx, a, f, authz.ViewLivelihood)
}

func (db *DB) livList(ctx context.Context, a Actor, f LivelihoodFilter, perm authz.Perm) ([]livelihood.Project, int, error) {
	var out []livelihood.Project
	var total int
	err := db.view(ctx, func(t *Tx) error {
		where, args, err := t.livWhere(ctx, a, f, perm)
		if err != nil {
			return err
		}
		if err := t.QueryRow(ctx, "SELECT COUNT(*)"+livFrom+" WHERE "+where, append([]any{false}, args...)...).Scan(&total); err != nil {
			return fmt.Errorf("storage: count livelihood projects: %w", err)
		}
		out, err = t.livRows(ctx, "SELECT "+livCols+livFrom+" WHERE "+where+" ORDER BY p.year DESC, u.path, p.id LIMIT ? OFFSET ?",
			append(append([]any{false}, args...), clampLimit(f.Limit), max(f.Offset, 0))...)
		return err
	})
	return out, total, err
}

func (t *Tx) livRows(ctx context.Context, q string, args ...any) ([]livelihood.Project, error) {
	rows, err := t.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: livelihood projects: %w", err)
	}
	var out []livelihood.Project
	for rows.Next() {
		p, err := scanLivProject(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, *p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ptrs := make([]*livelihood.Project, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	return out, t.livLeaders(ctx, ptrs)
}

// LivelihoodProject returns a project the actor sees with its leaders, every report (the
// superseded ones too, marked) and what the actor may do with it.
func (db *DB) LivelihoodProject(ctx context.Context, a Actor, id int64) (*livelihood.Project, []livelihood.Report, LivelihoodAccess, error) {
	var p *livelihood.Project
	var rs []livelihood.Report
	var acc LivelihoodAccess
	err := db.view(ctx, func(t *Tx) (err error) {
		if p, acc, err = t.livProjectIn(ctx, a, id); err != nil {
			return err
		}
		rs, err = t.livReports(ctx, id)
		return err
	})
	return p, rs, acc, err
}

const livReportCols = `r.id, r.project_id, r.day, r.quantity, r.note, COALESCE(r.compound_id, 0), COALESCE(c.name, ''),
	COALESCE(r.corrects_id, 0), r.superseded, COALESCE(r.reporter_id, 0), r.reporter_name, COALESCE(r.created_by, 0), r.created_at`

func scanLivReport(sc interface{ Scan(...any) error }) (*livelihood.Report, error) {
	var r livelihood.Report
	err := sc.Scan(&r.ID, &r.ProjectID, &r.Day, &r.Quantity, &r.Note, &r.CompoundID, &r.CompoundName, &r.Corrects, &r.Superseded,
		&r.ReporterID, &r.ReporterName, &r.CreatedBy, &r.CreatedAt)
	return &r, err
}

// livReports reads a project's reports by day, with their photos.
func (t *Tx) livReports(ctx context.Context, projectID int64) ([]livelihood.Report, error) {
	rows, err := t.Query(ctx, "SELECT "+livReportCols+` FROM livelihood_reports r LEFT JOIN compounds c ON c.id = r.compound_id
		WHERE r.project_id = ? ORDER BY r.day, r.id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("storage: livelihood reports: %w", err)
	}
	var out []livelihood.Report
	idx := map[int64]int{}
	for rows.Next() {
		r, err := scanLivReport(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		idx[r.ID] = len(out)
		out = append(out, *r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	prow, err := t.Query(ctx, "SELECT id, report_id, thumb_width, thumb_height FROM livelihood_photos WHERE project_id = ? ORDER BY id", projectID)
	if err != nil {
		return nil, fmt.Errorf("storage: livelihood photos: %w", err)
	}
	defer prow.Close()
	for prow.Next() {
		var ph livelihood.PhotoRef
		var rid int64
		if err := prow.Scan(&ph.ID, &rid, &ph.ThumbWidth, &ph.ThumbHeight); err != nil {
			return nil, err
		}
		if i, ok := idx[rid]; ok {
			out[i].Photos = append(out[i].Photos, ph)
		}
	}
	return out, prow.Err()
}

// fillLivUnit reads what validation needs of a project's owner unit: blank when it does not
// exist, is inactive, or the actor cannot manage projects there (forbidden when they see it).
func (t *Tx) fillLivUnit(ctx context.Context, a Actor, p *livelihood.Project) error {
	p.UnitPath, p.UnitKind = "", ""
	if p.UnitID == 0 {
		return nil
	}
	u, err := t.unit(ctx, p.UnitID)
	if errs.Code(err) == errs.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if !a.P.CanAt(authz.ManageLivelihood, u.Path) {
		if a.P.CanAt(authz.ViewLivelihood, u.Path) {
			return errs.Forbidden()
		}
		return nil // out of reach is as good as unknown
	}
	if u.Active {
		p.UnitPath, p.UnitKind, p.UnitName, p.UnitCode = u.Path, u.Kind, u.Name, u.Code
	}
	return nil
}

func livAudit(p *livelihood.Project) map[string]any {
	return map[string]any{"unit_id": p.UnitID, "title": p.Title, "category": string(p.Category), "measure": p.Measure,
		"target": p.Target.String(), "year": p.Year, "deadline": p.Deadline, "closed": p.Closed}
}

// CreateLivelihoodProject creates a project owned by a town, village or community where the
// actor manages livelihood projects.
func (db *DB) CreateLivelihoodProject(ctx context.Context, a Actor, p *livelihood.Project) error {
	return db.update(ctx, func(t *Tx) error {
		if err := t.fillLivUnit(ctx, a, p); err != nil {
			return err
		}
		if err := p.Validate(); err != nil {
			return err
		}
		now := t.db.clock.Now()
		id, err := t.insert(ctx, `INSERT INTO livelihood_projects (unit_id, title, description, category, measure, target, year, deadline,
			closed, created_by, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			p.UnitID, p.Title, p.Description, string(p.Category), p.Measure, p.Target, p.Year, p.Deadline, false, a.user(), now, now)
		if err != nil {
			return fmt.Errorf("storage: create livelihood project: %w", err)
		}
		p.ID, p.Version, p.CreatedAt, p.UpdatedAt, p.Closed = id, 1, now, now, false
		return t.audit(ctx, a, "create", "livelihood_project", id, p.UnitPath, nil, livAudit(p))
	})
}

// LivelihoodUpdate is what may change on a project: everything but its owner unit.
type LivelihoodUpdate struct {
	Title       string
	Description string
	Category    livelihood.Category
	Measure     string
	Target      livelihood.Quantity
	Year        int
	Deadline    string
	Version     int64
}

// UpdateLivelihoodProject changes a project the actor manages. Its year may not move past the
// day of a report in force.
func (db *DB) UpdateLivelihoodProject(ctx context.Context, a Actor, id int64, up LivelihoodUpdate) (*livelihood.Project, error) {
	var out *livelihood.Project
	err := db.update(ctx, func(t *Tx) error {
		p, acc, err := t.livProjectIn(ctx, a, id)
		if err != nil {
			return err
		}
		if !acc.Manage {
			return errs.Forbidden()
		}
		if p.Version != up.Version {
			return errs.Conflict()
		}
		before := livAudit(p)
		p.Title, p.Description, p.Category, p.Measure, p.Target, p.Year, p.Deadline =
			up.Title, up.Description, up.Category, up.Measure, up.Target, up.Year, up.Deadline
		if err := p.Validate(); err != nil {
			return err
		}
		var first sql.NullString
		if err := t.QueryRow(ctx, "SELECT MIN(day) FROM livelihood_reports WHERE project_id = ? AND superseded = ?", id, false).Scan(&first); err != nil {
			return fmt.Errorf("storage: first livelihood report: %w", err)
		}
		if first.Valid && first.String < fmt.Sprintf("%04d-01-01", p.Year) {
			return errs.Invalid(errs.Field("year", "livelihood.year.reports_before", first.String))
		}
		now := t.db.clock.Now()
		if err := checkVersion(t.Exec(ctx, `UPDATE livelihood_projects SET title = ?, description = ?, category = ?, measure = ?, target = ?,
			year = ?, deadline = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			p.Title, p.Description, string(p.Category), p.Measure, p.Target, p.Year, p.Deadline, now, id, up.Version)); err != nil {
			return err
		}
		if err := t.audit(ctx, a, "update", "livelihood_project", id, p.UnitPath, before, livAudit(p)); err != nil {
			return err
		}
		out, _, err = t.livProjectIn(ctx, a, id)
		return err
	})
	return out, err
}

// bumpLiv moves a project to its next version, or reports a conflict if another change came
// first: every change to a project or its reports goes through it.
func (t *Tx) bumpLiv(ctx context.Context, id, version int64) error {
	return checkVersion(t.Exec(ctx, "UPDATE livelihood_projects SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
		t.db.clock.Now(), id, version))
}

// actorName is who an account is, for records that name the person behind a step.
func (t *Tx) actorName(ctx context.Context, a Actor) (int64, string, error) {
	if a.P.PersonID != 0 {
		var name string
		err := t.QueryRow(ctx, "SELECT name FROM people WHERE id = ?", a.P.PersonID).Scan(&name)
		if err == nil {
			return a.P.PersonID, name, nil
		}
		if err != sql.ErrNoRows {
			return 0, "", err
		}
	}
	return 0, a.P.Username, nil
}

// ClaimLivelihoodProject records a leader's claim (带头认领) on a project: personID 0 is the actor
// claiming it themselves. Both need the right to manage projects at its unit; the leader must be
// an active official of the unit, of a unit under it or above it, and not lead it already.
func (db *DB) ClaimLivelihoodProject(ctx context.Context, a Actor, id, personID int64, post string, version int64) error {
	return db.update(ctx, func(t *Tx) error {
		p, acc, err := t.livProjectIn(ctx, a, id)
		if err != nil {
			return err
		}
		if !acc.Manage {
			return errs.Forbidden()
		}
		if p.Version != version {
			return errs.Conflict()
		}
		if personID == 0 {
			personID = a.P.PersonID
		}
		if personID == 0 {
			return errs.Invalid(errs.Field("person_id", "livelihood.claim.no_person"))
		}
		if f := livelihood.ValidatePost(post); f != nil {
			return errs.Invalid(*f)
		}
		post = strings.TrimSpace(post)
		var path, name string
		var active bool
		err = t.QueryRow(ctx, "SELECT u.path, pe.name, pe.active FROM people pe JOIN units u ON u.id = pe.unit_id WHERE pe.id = ?", personID).
			Scan(&path, &name, &active)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		if !active || !livelihood.MayLead(path, p.UnitPath) {
			return errs.Invalid(errs.Field("person_id", "livelihood.claim.person_invalid"))
		}
		for _, l := range p.Leaders {
			if l.PersonID == personID {
				return errs.Invalid(errs.Field("person_id", "livelihood.claim.already"))
			}
		}
		if len(p.Leaders) >= livelihood.MaxLeaders {
			return errs.Invalid(errs.Field("person_id", "livelihood.claim.too_many", livelihood.MaxLeaders))
		}
		if err := t.bumpLiv(ctx, id, version); err != nil {
			return err
		}
		now := t.db.clock.Now()
		lid, err := t.insert(ctx, `INSERT INTO livelihood_leaders (project_id, person_id, post, claimed_by, claimed_by_name, claimed_at)
			VALUES (?, ?, ?, ?, ?, ?)`, id, personID, post, a.user(), a.P.Username, now)
		if err != nil {
			return fmt.Errorf("storage: livelihood claim: %w", err)
		}
		return t.audit(ctx, a, "claim", "livelihood_project", id, p.UnitPath, nil,
			map[string]any{"leader": lid, "person_id": personID, "post": post})
	})
}

// CloseLivelihoodProject closes a project as complete by a manager's decision (closed), or
// reopens it.
func (db *DB) CloseLivelihoodProject(ctx context.Context, a Actor, id int64, closed bool, version int64) error {
	return db.update(ctx, func(t *Tx) error {
		p, acc, err := t.livProjectIn(ctx, a, id)
		if err != nil {
			return err
		}
		if !acc.Manage {
			return errs.Forbidden()
		}
		if p.Version != version {
			return errs.Conflict()
		}
		if p.Closed == closed {
			return errs.New(errs.EUNPROCESSABLE, "livelihood.close.unchanged")
		}
		var at any
		if closed {
			at = t.db.clock.Now()
		}
		if err := checkVersion(t.Exec(ctx, `UPDATE livelihood_projects SET closed = ?, closed_at = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`, closed, at, t.db.clock.Now(), id, version)); err != nil {
			return err
		}
		action := "reopen"
		if closed {
			action = "close"
		}
		return t.audit(ctx, a, action, "livelihood_project", id, p.UnitPath, map[string]any{"closed": !closed}, map[string]any{"closed": closed})
	})
}

// LivelihoodOwners is for forms: the units where the actor may create projects, in tree order.
func (db *DB) LivelihoodOwners(ctx context.Context, a Actor) ([]org.Unit, error) {
	var out []org.Unit
	err := db.view(ctx, func(t *Tx) error {
		cond, args := scopeCond("u.path", a.Scope(authz.ManageLivelihood))
		rows, err := t.Query(ctx, "SELECT "+unitCols+" FROM units u WHERE u.kind IN (?, ?, ?) AND u.active = ? AND "+cond+
			" ORDER BY u.code LIMIT 1000", append([]any{string(org.Town), string(org.Village), string(org.Community), true}, args...)...)
		if err != nil {
			return fmt.Errorf("storage: livelihood owners: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanUnit(rows)
			if err != nil {
				return err
			}
			out = append(out, *u)
		}
		return rows.Err()
	})
	return out, err
}

// PublicLivelihood lists the projects owned by a unit or the units under it, for the public list
// (no account): the projects, their leaders' names and posts, what was done. Nothing else of a
// person is read.
func (db *DB) PublicLivelihood(ctx context.Context, unitID int64, year, offset, limit int) ([]livelihood.Project, int, error) {
	var out []livelihood.Project
	var total int
	err := db.view(ctx, func(t *Tx) error {
		u, err := t.unit(ctx, unitID)
		if err != nil {
			return err
		}
		where, args := subtreeCond("u.path", u.Path)
		if year != 0 {
			where += " AND p.year = ?"
			args = append(args, year)
		}
		if err := t.QueryRow(ctx, "SELECT COUNT(*)"+livFrom+" WHERE "+where, append([]any{false}, args...)...).Scan(&total); err != nil {
			return fmt.Errorf("storage: count public livelihood: %w", err)
		}
		out, err = t.livRows(ctx, "SELECT "+livCols+livFrom+" WHERE "+where+" ORDER BY p.year DESC, u.path, p.id LIMIT ? OFFSET ?",
			append(append([]any{false}, args...), clampLimit(limit), max(offset, 0))...)
		return err
	})
	return out, total, err
}
