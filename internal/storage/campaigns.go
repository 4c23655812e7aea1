package storage

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/campaigns"
	"wuxing/internal/errs"
	"wuxing/internal/org"
)

// Who sees a campaign: whoever runs campaigns or views cases over its town sees all of it; a
// village's viewers (its secretary, its grid workers) and an area's responsible officer see the
// campaign through their own areas only, with figures, problems and circulars of those areas.
// Only those who run campaigns at the town change anything.

// CampaignAccess is what the actor may do with a campaign.
type CampaignAccess struct {
	All bool // sees the whole campaign (town level)
	Run bool // records inspections and problems, re-checks, drafts and publishes circulars
}

type campaignSight struct {
	CampaignAccess
	areas map[int64]bool // the areas seen, when not All
}

func (s campaignSight) sees(areaID int64) bool { return s.All || s.areas[areaID] }

func sightOf(a Actor, c *campaigns.Campaign) campaignSight {
	p := a.P
	s := campaignSight{areas: map[int64]bool{}}
	s.Run = p.CanAt(authz.RunCampaigns, c.TownPath)
	s.All = s.Run || p.CanAt(authz.ViewCases, c.TownPath)
	if !s.All {
		for _, ar := range c.Areas {
			if p.CanAt(authz.ViewCases, ar.UnitPath) || (p.PersonID != 0 && p.PersonID == ar.OfficerID) {
				s.areas[ar.ID] = true
			}
		}
	}
	return s
}

func (s campaignSight) visible() bool { return s.All || len(s.areas) > 0 }

const campaignCols = `c.id, c.town_id, c.town_path, t.name, t.kind, c.name, c.starts_on, c.ends_on, c.recheck_days, c.category_id, cc.name,
	c.notes, c.version, c.created_at, c.updated_at`

const campaignFrom = ` FROM campaigns c JOIN units t ON t.id = c.town_id JOIN case_categories cc ON cc.id = c.category_id`

func scanCampaign(sc interface{ Scan(...any) error }) (*campaigns.Campaign, error) {
	var c campaigns.Campaign
	err := sc.Scan(&c.ID, &c.TownID, &c.TownPath, &c.TownName, &c.TownKind, &c.Name, &c.StartsOn, &c.EndsOn, &c.RecheckDays,
		&c.CategoryID, &c.CategoryName, &c.Notes, &c.Version, &c.CreatedAt, &c.UpdatedAt)
	return &c, err
}

// campaign reads a campaign with its areas, without scope; callers check it.
func (t *Tx) campaign(ctx context.Context, id int64) (*campaigns.Campaign, error) {
	c, err := scanCampaign(t.QueryRow(ctx, "SELECT "+campaignCols+campaignFrom+" WHERE c.id = ?", id))
	if err != nil {
		return nil, notFound(err)
	}
	rows, err := t.Query(ctx, `SELECT a.id, a.position, a.unit_id, a.unit_path, u.name, u.kind, u.active, a.officer_id, o.name,
		ou.path, o.active FROM campaign_areas a JOIN units u ON u.id = a.unit_id JOIN people o ON o.id = a.officer_id
		JOIN units ou ON ou.id = o.unit_id WHERE a.campaign_id = ? ORDER BY a.position`, id)
	if err != nil {
		return nil, fmt.Errorf("storage: campaign areas: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ar campaigns.Area
		if err := rows.Scan(&ar.ID, &ar.Position, &ar.UnitID, &ar.UnitPath, &ar.UnitName, &ar.UnitKind, &ar.UnitActive,
			&ar.OfficerID, &ar.OfficerName, &ar.OfficerPath, &ar.OfficerActive); err != nil {
			return nil, err
		}
		c.Areas = append(c.Areas, ar)
	}
	return c, rows.Err()
}

// campaignIn reads a campaign the actor may see, narrowed to the areas they see, with its
// figures over those areas. Anything else is not found.
func (t *Tx) campaignIn(ctx context.Context, a Actor, id int64) (*campaigns.Campaign, campaignSight, error) {
	return t.campaignSeen(ctx, a, id, true)
}

// campaignSeen is campaignIn, with the figures only when counts is set: the steps that change
// a campaign need its areas and rules, not its figures.
func (t *Tx) campaignSeen(ctx context.Context, a Actor, id int64, counts bool) (*campaigns.Campaign, campaignSight, error) {
	c, err := t.campaign(ctx, id)
	if err != nil {
		return nil, campaignSight{}, err
	}
	s := sightOf(a, c)
	if !s.visible() {
		return nil, s, errs.NotFound()
	}
	if !s.All {
		var kept []campaigns.Area
		for _, ar := range c.Areas {
			if s.areas[ar.ID] {
				kept = append(kept, ar)
			}
		}
		c.Areas = kept
	}
	if counts {
		if err := t.campaignCounts(ctx, c, s); err != nil {
			return nil, s, err
		}
	}
	return c, s, nil
}

// campaignRun reads a campaign the actor runs: not seen is not found, seen but not run is
// forbidden.
func (t *Tx) campaignRun(ctx context.Context, a Actor, id int64) (*campaigns.Campaign, campaignSight, error) {
	c, s, err := t.campaignSeen(ctx, a, id, false)
	if err != nil {
		return nil, s, err
	}
	if !s.Run {
		return nil, s, errs.Forbidden()
	}
	return c, s, nil
}

// campaignCounts fills the figures of a campaign and its areas, over the areas in c (already
// narrowed to what the actor sees).
func (t *Tx) campaignCounts(ctx context.Context, c *campaigns.Campaign, s campaignSight) error {
	rows, err := t.Query(ctx, `SELECT area_id, COUNT(*), SUM(CASE WHEN rectified = ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN late = ? THEN 1 ELSE 0 END), MIN(found_on), MAX(found_on)
		FROM campaign_problems WHERE campaign_id = ? GROUP BY area_id`, true, true, c.ID)
	if err != nil {
		return fmt.Errorf("storage: campaign counts: %w", err)
	}
	type tally struct {
		n           campaigns.Counts
		first, last string
	}
	per := map[int64]tally{}
	for rows.Next() {
		var id int64
		var x tally
		if err := rows.Scan(&id, &x.n.Found, &x.n.Rectified, &x.n.Late, &x.first, &x.last); err != nil {
			rows.Close()
			return err
		}
		per[id] = x
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	c.Counts = campaigns.Counts{}
	// The dates a campaign may move to must cover every problem, seen or not.
	c.FirstFound, c.LastFound = "", ""
	for _, x := range per {
		if c.FirstFound == "" || x.first < c.FirstFound {
			c.FirstFound = x.first
		}
		if x.last > c.LastFound {
			c.LastFound = x.last
		}
	}
	for i := range c.Areas {
		ar := &c.Areas[i]
		ar.Counts = per[ar.ID].n
		c.Counts.Found += ar.Counts.Found
		c.Counts.Rectified += ar.Counts.Rectified
		c.Counts.Late += ar.Counts.Late
	}
	q := `SELECT COUNT(*) FROM circulars ci WHERE ci.campaign_id = ? AND ci.kind = ? AND ci.status = ?`
	args := []any{c.ID, string(campaigns.Criticism), string(campaigns.Published)}
	if !s.All {
		in, ia := areaIn("x.area_id", c.Areas)
		q += " AND EXISTS (SELECT 1 FROM circular_items x WHERE x.circular_id = ci.id AND " + in + ")"
		args = append(args, ia...)
	}
	if err := t.QueryRow(ctx, q, args...).Scan(&c.Counts.Circulars); err != nil {
		return fmt.Errorf("storage: campaign circulars: %w", err)
	}
	return nil
}

// areaIn limits col to the ids of areas ("1=0" for none).
func areaIn(col string, areas []campaigns.Area) (string, []any) {
	if len(areas) == 0 {
		return "1=0", nil
	}
	marks := make([]string, len(areas))
	args := make([]any, len(areas))
	for i, ar := range areas {
		marks[i], args[i] = "?", ar.ID
	}
	return col + " IN (" + strings.Join(marks, ", ") + ")", args
}

// CampaignFilter selects campaigns.
type CampaignFilter struct {
	TownID int64 // campaigns of this town
	Limit  int
	Offset int
}

// Campaigns lists the campaigns the actor sees, newest first, with their figures over what the
// actor sees of each.
func (db *DB) Campaigns(ctx context.Context, a Actor, f CampaignFilter) ([]campaigns.Campaign, int, error) {
	var out []campaigns.Campaign
	var total int
	err := db.view(ctx, func(t *Tx) error {
		run, ra := scopeCond("c.town_path", a.Scope(authz.RunCampaigns))
		view, va := scopeCond("c.town_path", a.Scope(authz.ViewCases))
		areas, aa := scopeCond("x.unit_path", a.Scope(authz.ViewCases))
		where := "(" + run + " OR " + view + " OR EXISTS (SELECT 1 FROM campaign_areas x WHERE x.campaign_id = c.id AND (" + areas + " OR x.officer_id = ?)))"
		args := append(append(append(ra, va...), aa...), a.P.PersonID)
		if a.P.PersonID == 0 {
			args[len(args)-1] = int64(-1)
		}
		if f.TownID != 0 {
			where += " AND c.town_id = ?"
			args = append(args, f.TownID)
		}
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM campaigns c WHERE "+where, args...).Scan(&total); err != nil {
			return fmt.Errorf("storage: count campaigns: %w", err)
		}
		rows, err := t.Query(ctx, "SELECT c.id FROM campaigns c WHERE "+where+" ORDER BY c.starts_on DESC, c.id DESC LIMIT ? OFFSET ?",
			append(args, clampLimit(f.Limit), max(f.Offset, 0))...)
		if err != nil {
			return fmt.Errorf("storage: campaigns: %w", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			c, _, err := t.campaignIn(ctx, a, id)
			if err != nil {
				return err
			}
			out = append(out, *c)
		}
		return nil
	})
	return out, total, err
}

// Campaign returns a campaign the actor sees, narrowed to the areas they see, with its figures
// and what they may do with it.
func (db *DB) Campaign(ctx context.Context, a Actor, id int64) (*campaigns.Campaign, CampaignAccess, error) {
	var c *campaigns.Campaign
	var s campaignSight
	err := db.view(ctx, func(t *Tx) (err error) {
		c, s, err = t.campaignIn(ctx, a, id)
		return err
	})
	return c, s.CampaignAccess, err
}

// fillCampaign reads what validation needs to know of a campaign's town, category, areas'
// units and officers. Units and people that do not exist are left blank, which validation
// reports.
func (t *Tx) fillCampaign(ctx context.Context, c *campaigns.Campaign) error {
	if u, err := t.unit(ctx, c.TownID); err == nil {
		c.TownPath, c.TownName, c.TownKind = u.Path, u.Name, u.Kind
		if !u.Active {
			c.TownKind = ""
		}
	} else if errs.Code(err) != errs.ENOTFOUND {
		return err
	}
	for i := range c.Areas {
		ar := &c.Areas[i]
		if ar.UnitID != 0 {
			if u, err := t.unit(ctx, ar.UnitID); err == nil {
				ar.UnitPath, ar.UnitName, ar.UnitKind, ar.UnitActive = u.Path, u.Name, u.Kind, u.Active
			} else if errs.Code(err) != errs.ENOTFOUND {
				return err
			}
		}
		if ar.OfficerID != 0 {
			err := t.QueryRow(ctx, "SELECT p.name, u.path, p.active FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = ?",
				ar.OfficerID).Scan(&ar.OfficerName, &ar.OfficerPath, &ar.OfficerActive)
			if err != nil && err != sql.ErrNoRows {
				return err
			}
		}
	}
	return nil
}

// checkCategory reports a category that does not exist or is retired as a field error.
func (t *Tx) checkCategory(ctx context.Context, id int64) error {
	if id == 0 {
		return nil
	}
	cat, err := t.category(ctx, id)
	if errs.Code(err) == errs.ENOTFOUND || (err == nil && !cat.Active) {
		return errs.Invalid(errs.Field("category_id", "cases.category.not_found"))
	}
	return err
}

func campaignAudit(c *campaigns.Campaign) map[string]any {
	areas := make([]map[string]any, len(c.Areas))
	for i, ar := range c.Areas {
		areas[i] = map[string]any{"unit_id": ar.UnitID, "officer_id": ar.OfficerID}
	}
	return map[string]any{"name": c.Name, "town_id": c.TownID, "starts_on": c.StartsOn, "ends_on": c.EndsOn,
		"recheck_days": c.RecheckDays, "category_id": c.CategoryID, "areas": areas}
}

// CreateCampaign creates a campaign over a town the actor runs campaigns in, with its areas.
func (db *DB) CreateCampaign(ctx context.Context, a Actor, c *campaigns.Campaign) error {
	return db.update(ctx, func(t *Tx) error { return t.createCampaign(ctx, a, c) })
}

func (t *Tx) createCampaign(ctx context.Context, a Actor, c *campaigns.Campaign) error {
	if err := t.fillCampaign(ctx, c); err != nil {
		return err
	}
	if c.TownPath != "" && !a.P.CanAt(authz.RunCampaigns, c.TownPath) {
		if a.Scope(authz.ViewUnits).Contains(c.TownPath) {
			return errs.Forbidden()
		}
		// A town out of reach is as good as unknown.
		c.TownPath, c.TownKind = "", ""
	}
	c.FirstFound, c.LastFound = "", ""
	if err := c.Validate(); err != nil {
		return err
	}
	if err := t.checkCategory(ctx, c.CategoryID); err != nil {
		return err
	}
	now := t.db.clock.Now()
	var by any
	if !a.P.System {
		by = a.P.UserID
	}
	id, err := t.insert(ctx, `INSERT INTO campaigns (town_id, town_path, name, starts_on, ends_on, recheck_days, category_id, notes,
		created_by, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
		c.TownID, c.TownPath, c.Name, c.StartsOn, c.EndsOn, c.RecheckDays, c.CategoryID, c.Notes, by, now, now)
	if err != nil {
		return fmt.Errorf("storage: create campaign: %w", err)
	}
	c.ID, c.Version, c.CreatedAt, c.UpdatedAt = id, 1, now, now
	for i := range c.Areas {
		ar := &c.Areas[i]
		ar.ID, err = t.insert(ctx, `INSERT INTO campaign_areas (campaign_id, position, unit_id, unit_path, officer_id) VALUES (?, ?, ?, ?, ?)`,
			id, ar.Position, ar.UnitID, ar.UnitPath, ar.OfficerID)
		if err != nil {
			return fmt.Errorf("storage: campaign area: %w", err)
		}
	}
	return t.audit(ctx, a, "create", "campaign", id, c.TownPath, nil, campaignAudit(c))
}

// CampaignUpdate is what may change on a campaign once created.
type CampaignUpdate struct {
	Name        string
	StartsOn    string
	EndsOn      string
	RecheckDays int
	CategoryID  int64
	Notes       string
	Version     int64
}

// UpdateCampaign changes a campaign's name, dates, re-check rule, usual category and notes. Its
// dates must still cover the problems found; the re-check rule applies to problems found from now.
func (db *DB) UpdateCampaign(ctx context.Context, a Actor, id int64, up CampaignUpdate) (*campaigns.Campaign, error) {
	var out *campaigns.Campaign
	err := db.update(ctx, func(t *Tx) error {
		// With its figures: the first and last days problems were found on bound the new dates.
		c, s, err := t.campaignIn(ctx, a, id)
		if err != nil {
			return err
		}
		if !s.Run {
			return errs.Forbidden()
		}
		if c.Version != up.Version {
			return errs.Conflict()
		}
		before := campaignAudit(c)
		c.Name, c.StartsOn, c.EndsOn, c.RecheckDays, c.CategoryID, c.Notes = up.Name, up.StartsOn, up.EndsOn, up.RecheckDays, up.CategoryID, up.Notes
		if err := errs.FieldsOf(c.ValidateFields()); err != nil {
			return err
		}
		if err := t.checkCategory(ctx, c.CategoryID); err != nil {
			return err
		}
		now := t.db.clock.Now()
		if err := checkVersion(t.Exec(ctx, `UPDATE campaigns SET name = ?, starts_on = ?, ends_on = ?, recheck_days = ?, category_id = ?,
			notes = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			c.Name, c.StartsOn, c.EndsOn, c.RecheckDays, c.CategoryID, c.Notes, now, id, up.Version)); err != nil {
			return err
		}
		if err := t.audit(ctx, a, "update", "campaign", id, c.TownPath, before, campaignAudit(c)); err != nil {
			return err
		}
		out, _, err = t.campaignIn(ctx, a, id)
		return err
	})
	return out, err
}

// CampaignTowns lists the towns where the actor may run campaigns, by name.
func (db *DB) CampaignTowns(ctx context.Context, a Actor) ([]org.Unit, error) {
	var out []org.Unit
	err := db.view(ctx, func(t *Tx) error {
		cond, args := scopeCond("u.path", a.Scope(authz.RunCampaigns))
		rows, err := t.Query(ctx, "SELECT "+unitCols+" FROM units u WHERE u.kind = ? AND u.active = ? AND "+cond+" ORDER BY u.path LIMIT 1000",
			append([]any{string(org.Town), true}, args...)...)
		if err != nil {
			return fmt.Errorf("storage: campaign towns: %w", err)
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
	sort.SliceStable(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, err
}
