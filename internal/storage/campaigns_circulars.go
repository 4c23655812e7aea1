package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/campaigns"
	"wuxing/internal/errs"
)

// Circulars (通报) and commendations (表扬): drafted from a campaign's records for a period,
// edited by the town, then published: numbered per town, kind and year, read-only, and sent to
// the responsible officers and the named units' secretaries. Drafts are seen only by those who
// run the campaign; a published one is seen at town level whole, and by a village through the
// entries of its own areas.

const circularCols = `ci.id, ci.campaign_id, ci.town_id, ci.town_path, t.name, cp.name, ci.kind, ci.status, ci.year, ci.seq, ci.title,
	ci.body, ci.period_from, ci.period_to, ci.deadline, ci.published_at, ci.published_by, ci.version, ci.created_at, ci.updated_at`

const circularFrom = ` FROM circulars ci JOIN units t ON t.id = ci.town_id JOIN campaigns cp ON cp.id = ci.campaign_id`

func scanCircular(sc interface{ Scan(...any) error }) (*campaigns.Circular, error) {
	var c campaigns.Circular
	var pub sql.NullTime
	err := sc.Scan(&c.ID, &c.CampaignID, &c.TownID, &c.TownPath, &c.TownName, &c.CampaignName, &c.Kind, &c.Status, &c.Year, &c.Seq,
		&c.Title, &c.Body, &c.PeriodFrom, &c.PeriodTo, &c.Deadline, &pub, &c.PublishedBy, &c.Version, &c.CreatedAt, &c.UpdatedAt)
	c.PublishedAt = pub.Time
	return &c, err
}

func (t *Tx) circularItems(ctx context.Context, id int64) ([]campaigns.Item, error) {
	rows, err := t.Query(ctx, `SELECT x.id, x.position, x.area_id, COALESCE(x.problem_id, 0), COALESCE(x.case_id, 0), x.unit_id, x.unit_name,
		u.path, COALESCE(x.officer_id, 0), x.officer_name, x.case_number, x.title, x.found_on, x.due_on, x.late_on, x.found, x.rectified
		FROM circular_items x JOIN units u ON u.id = x.unit_id WHERE x.circular_id = ? ORDER BY x.position, x.id`, id)
	if err != nil {
		return nil, fmt.Errorf("storage: circular items: %w", err)
	}
	defer rows.Close()
	var out []campaigns.Item
	for rows.Next() {
		var x campaigns.Item
		if err := rows.Scan(&x.ID, &x.Position, &x.AreaID, &x.ProblemID, &x.CaseID, &x.UnitID, &x.UnitName, &x.UnitPath, &x.OfficerID,
			&x.OfficerName, &x.CaseNumber, &x.Title, &x.FoundOn, &x.DueOn, &x.LateOn, &x.Found, &x.Rectified); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// circularIn reads a circular the actor sees, with the entries they see, and what they may do
// with its campaign.
func (t *Tx) circularIn(ctx context.Context, a Actor, id int64) (*campaigns.Circular, campaignSight, error) {
	c, err := scanCircular(t.QueryRow(ctx, "SELECT "+circularCols+circularFrom+" WHERE ci.id = ?", id))
	if err != nil {
		return nil, campaignSight{}, notFound(err)
	}
	_, s, err := t.campaignIn(ctx, a, c.CampaignID)
	if err != nil {
		return nil, s, err
	}
	if c.Status != campaigns.Published && !s.Run {
		return nil, s, errs.NotFound()
	}
	items, err := t.circularItems(ctx, id)
	if err != nil {
		return nil, s, err
	}
	for _, x := range items {
		if s.sees(x.AreaID) {
			c.Items = append(c.Items, x)
		}
	}
	if !s.All && len(c.Items) == 0 {
		return nil, s, errs.NotFound()
	}
	return c, s, nil
}

// Circular returns a circular the actor sees (a published one, or a draft of a campaign they
// run) with the entries they see.
func (db *DB) Circular(ctx context.Context, a Actor, id int64) (*campaigns.Circular, CampaignAccess, error) {
	var c *campaigns.Circular
	var s campaignSight
	err := db.view(ctx, func(t *Tx) (err error) {
		c, s, err = t.circularIn(ctx, a, id)
		return err
	})
	return c, s.CampaignAccess, err
}

// Circulars lists a campaign's circulars and commendations the actor sees, newest first, without
// their entries.
func (db *DB) Circulars(ctx context.Context, a Actor, campaignID int64) ([]campaigns.Circular, error) {
	var out []campaigns.Circular
	err := db.view(ctx, func(t *Tx) error {
		c, s, err := t.campaignIn(ctx, a, campaignID)
		if err != nil {
			return err
		}
		q := "SELECT " + circularCols + circularFrom + " WHERE ci.campaign_id = ?"
		args := []any{campaignID}
		if !s.Run {
			q += " AND ci.status = ?"
			args = append(args, string(campaigns.Published))
		}
		if !s.All {
			in, ia := areaIn("x.area_id", c.Areas)
			q += " AND EXISTS (SELECT 1 FROM circular_items x WHERE x.circular_id = ci.id AND " + in + ")"
			args = append(args, ia...)
		}
		rows, err := t.Query(ctx, q+" ORDER BY ci.id DESC", args...)
		if err != nil {
			return fmt.Errorf("storage: circulars: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			x, err := scanCircular(rows)
			if err != nil {
				return err
			}
			out = append(out, *x)
		}
		return rows.Err()
	})
	return out, err
}

// NewCircular asks for a draft: its kind, the period its records come from, and its text.
type NewCircular struct {
	Kind     campaigns.Kind
	From, To string
	Title    string
	Body     string
	Deadline string // circulars: empty for the default, the next check after the period
}

// DraftCircular drafts a circular from the problems that became late in the period and are not
// named yet, or a commendation of the areas that rectified everything found in the period on
// time. Nothing to name is an error that changes nothing.
func (db *DB) DraftCircular(ctx context.Context, a Actor, campaignID int64, nc NewCircular) (*campaigns.Circular, error) {
	var out *campaigns.Circular
	err := db.update(ctx, func(t *Tx) (err error) {
		out, err = t.draftCircular(ctx, a, campaignID, nc)
		return err
	})
	return out, err
}

func (t *Tx) draftCircular(ctx context.Context, a Actor, campaignID int64, nc NewCircular) (*campaigns.Circular, error) {
	c, _, err := t.campaignRun(ctx, a, campaignID)
	if err != nil {
		return nil, err
	}
	if err := errs.FieldsOf(campaigns.CheckPeriod(nc.From, nc.To)); err != nil {
		return nil, err
	}
	problems, _, err := t.problems(ctx, c, ProblemFilter{})
	if err != nil {
		return nil, err
	}
	var items []campaigns.Item
	switch nc.Kind {
	case campaigns.Criticism:
		named, err := t.idSet(ctx, `SELECT x.problem_id FROM circular_items x JOIN circulars ci ON ci.id = x.circular_id
			WHERE ci.campaign_id = ? AND ci.kind = ? AND x.problem_id IS NOT NULL`, c.ID, string(campaigns.Criticism))
		if err != nil {
			return nil, err
		}
		items = campaigns.CircularItems(problems, nc.From, nc.To, named)
		if len(items) == 0 {
			return nil, errs.New(errs.EUNPROCESSABLE, "campaigns.circular.nothing_late")
		}
		if nc.Deadline == "" {
			nc.Deadline = campaigns.DueDay(max(nc.To, campaigns.Today(t.db.clock.Now())), c.RecheckDays)
		}
	case campaigns.Commendation:
		items = campaigns.CommendationItems(c.Areas, problems, nc.From, nc.To)
		if len(items) == 0 {
			return nil, errs.New(errs.EUNPROCESSABLE, "campaigns.commendation.nobody")
		}
	default:
		return nil, errs.Invalid(errs.Field("kind", "campaigns.circular.kind_invalid"))
	}
	ci := &campaigns.Circular{CampaignID: c.ID, TownID: c.TownID, TownPath: c.TownPath, TownName: c.TownName, CampaignName: c.Name,
		Kind: nc.Kind, Status: campaigns.Draft, Title: nc.Title, Body: nc.Body, PeriodFrom: nc.From, PeriodTo: nc.To,
		Deadline: nc.Deadline, Items: items}
	if err := ci.Validate(); err != nil {
		return nil, err
	}
	now := t.db.clock.Now()
	var by any
	if !a.P.System {
		by = a.P.UserID
	}
	ci.ID, err = t.insert(ctx, `INSERT INTO circulars (campaign_id, town_id, town_path, kind, status, year, seq, title, body, period_from,
		period_to, deadline, published_by, created_by, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, '', ?, 1, ?, ?)`, c.ID, c.TownID, c.TownPath, string(ci.Kind), string(ci.Status),
		ci.Title, ci.Body, ci.PeriodFrom, ci.PeriodTo, ci.Deadline, by, now, now)
	if err != nil {
		return nil, fmt.Errorf("storage: circular: %w", err)
	}
	ci.Version, ci.CreatedAt, ci.UpdatedAt = 1, now, now
	for i := range ci.Items {
		x := &ci.Items[i]
		x.ID, err = t.insert(ctx, `INSERT INTO circular_items (circular_id, position, area_id, problem_id, case_id, unit_id, unit_name,
			officer_id, officer_name, case_number, title, found_on, due_on, late_on, found, rectified)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ci.ID, x.Position, x.AreaID, nullID(x.ProblemID), nullID(x.CaseID),
			x.UnitID, x.UnitName, nullID(x.OfficerID), x.OfficerName, x.CaseNumber, x.Title, x.FoundOn, x.DueOn, x.LateOn, x.Found, x.Rectified)
		if err != nil {
			return nil, fmt.Errorf("storage: circular item: %w", err)
		}
	}
	return ci, t.audit(ctx, a, "draft", "circular", ci.ID, c.TownPath, nil, circularAudit(ci))
}

func circularAudit(c *campaigns.Circular) map[string]any {
	units := make([]string, len(c.Items))
	for i, x := range c.Items {
		units[i] = x.UnitName
	}
	return map[string]any{"campaign_id": c.CampaignID, "kind": c.Kind, "status": c.Status, "title": c.Title, "period_from": c.PeriodFrom,
		"period_to": c.PeriodTo, "deadline": c.Deadline, "items": len(c.Items), "units": units, "year": c.Year, "seq": c.Seq}
}

// CircularEdit is a change to a draft: its text, deadline and which entries it keeps.
type CircularEdit struct {
	Title    string
	Body     string
	Deadline string
	Keep     []int64 // ids of the entries kept; nil keeps all
	Version  int64
}

// editableCircular reads a draft the actor may change at the version they read.
func (t *Tx) editableCircular(ctx context.Context, a Actor, id, version int64) (*campaigns.Circular, error) {
	c, s, err := t.circularIn(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if !s.Run {
		return nil, errs.Forbidden()
	}
	if !c.Editable() {
		return nil, errs.New(errs.EUNPROCESSABLE, "campaigns.circular.read_only")
	}
	if c.Version != version {
		return nil, errs.Conflict()
	}
	return c, nil
}

// SaveCircular changes a draft's text, deadline and entries.
func (db *DB) SaveCircular(ctx context.Context, a Actor, id int64, ed CircularEdit) (*campaigns.Circular, error) {
	var out *campaigns.Circular
	err := db.update(ctx, func(t *Tx) error {
		c, err := t.editableCircular(ctx, a, id, ed.Version)
		if err != nil {
			return err
		}
		before := circularAudit(c)
		c.Title, c.Body, c.Deadline = ed.Title, ed.Body, ed.Deadline
		var drop []int64
		if ed.Keep != nil {
			keep := map[int64]bool{}
			for _, k := range ed.Keep {
				keep[k] = true
			}
			var kept []campaigns.Item
			for _, x := range c.Items {
				if keep[x.ID] {
					kept = append(kept, x)
				} else {
					drop = append(drop, x.ID)
				}
			}
			c.Items = kept
		}
		if err := c.Validate(); err != nil {
			return err
		}
		for _, x := range drop {
			if _, err := t.Exec(ctx, "DELETE FROM circular_items WHERE id = ? AND circular_id = ?", x, id); err != nil {
				return fmt.Errorf("storage: circular item: %w", err)
			}
		}
		for i := range c.Items {
			c.Items[i].Position = i + 1
			if _, err := t.Exec(ctx, "UPDATE circular_items SET position = ? WHERE id = ?", i+1, c.Items[i].ID); err != nil {
				return err
			}
		}
		if err := checkVersion(t.Exec(ctx, `UPDATE circulars SET title = ?, body = ?, deadline = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`, c.Title, c.Body, c.Deadline, t.db.clock.Now(), id, ed.Version)); err != nil {
			return err
		}
		if err := t.audit(ctx, a, "update", "circular", id, c.TownPath, before, circularAudit(c)); err != nil {
			return err
		}
		out, _, err = t.circularIn(ctx, a, id)
		return err
	})
	return out, err
}

// PublishCircular publishes a draft: it takes the next number of its town, kind and year, can no
// longer change, and is sent to the responsible officers and the named units' secretaries.
func (db *DB) PublishCircular(ctx context.Context, a Actor, id, version int64) (*campaigns.Circular, error) {
	var out *campaigns.Circular
	err := db.update(ctx, func(t *Tx) (err error) {
		out, err = t.publishCircular(ctx, a, id, version)
		return err
	})
	return out, err
}

func (t *Tx) publishCircular(ctx context.Context, a Actor, id, version int64) (*campaigns.Circular, error) {
	c, err := t.editableCircular(ctx, a, id, version)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	now := t.db.clock.Now()
	year := now.In(time.FixedZone("CST", 8*3600)).Year()
	var seq int
	if err := t.QueryRow(ctx, `INSERT INTO circular_counters (town_id, kind, year, last) VALUES (?, ?, ?, 1)
		ON CONFLICT (town_id, kind, year) DO UPDATE SET last = circular_counters.last + 1 RETURNING last`,
		c.TownID, string(c.Kind), year).Scan(&seq); err != nil {
		return nil, fmt.Errorf("storage: circular number: %w", err)
	}
	name := a.P.Username
	if err := checkVersion(t.Exec(ctx, `UPDATE circulars SET status = ?, year = ?, seq = ?, published_at = ?, published_by = ?,
		version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		string(campaigns.Published), year, seq, now, name, now, id, version)); err != nil {
		return nil, err
	}
	c.Status, c.Year, c.Seq, c.PublishedAt, c.PublishedBy = campaigns.Published, year, seq, now, name
	if err := t.notifyCircular(ctx, c); err != nil {
		return nil, err
	}
	if err := t.audit(ctx, a, "publish", "circular", id, c.TownPath, nil, circularAudit(c)); err != nil {
		return nil, err
	}
	out, _, err := t.circularIn(ctx, a, id)
	return out, err
}

// notifyCircular tells each responsible officer and each named unit's secretary, once each, in
// their inbox, with a link to the circular.
func (t *Tx) notifyCircular(ctx context.Context, c *campaigns.Circular) error {
	users := map[int64]int64{} // user → the unit they are told about
	for _, x := range c.Items {
		if x.OfficerID != 0 {
			ids, err := t.idSet(ctx, "SELECT id FROM users WHERE person_id = ? AND active = ?", x.OfficerID, true)
			if err != nil {
				return err
			}
			for id := range ids {
				if _, ok := users[id]; !ok {
					users[id] = x.UnitID
				}
			}
		}
		ids, err := t.idSet(ctx, `SELECT u.id FROM users u JOIN role_bindings b ON b.user_id = u.id
			WHERE b.role = ? AND b.unit_id = ? AND u.active = ?`, string(authz.BranchSecretary), x.UnitID, true)
		if err != nil {
			return err
		}
		for id := range ids {
			if _, ok := users[id]; !ok {
				users[id] = x.UnitID
			}
		}
	}
	kind, key := "circular", "campaigns.notify.circular"
	if c.Kind == campaigns.Commendation {
		kind, key = "commendation", "campaigns.notify.commendation"
	}
	args, err := jsonArgs(c.TownName, c.Year, c.Seq, c.Title)
	if err != nil {
		return err
	}
	link := "/circulars/" + strconv.FormatInt(c.ID, 10)
	now := t.db.clock.Now()
	for uid, unit := range users {
		if _, err := t.Exec(ctx, `INSERT INTO notifications (user_id, kind, case_id, unit_id, message, args, link, created_at)
			VALUES (?, ?, NULL, ?, ?, ?, ?, ?)`, uid, kind, unit, key, args, link, now); err != nil {
			return fmt.Errorf("storage: notify: %w", err)
		}
	}
	return nil
}

// DeleteCircular deletes a draft (its problems may then be named in another).
func (db *DB) DeleteCircular(ctx context.Context, a Actor, id, version int64) error {
	return db.update(ctx, func(t *Tx) error {
		c, err := t.editableCircular(ctx, a, id, version)
		if err != nil {
			return err
		}
		if _, err := t.Exec(ctx, "DELETE FROM circular_items WHERE circular_id = ?", id); err != nil {
			return fmt.Errorf("storage: delete circular: %w", err)
		}
		if err := checkVersion(t.Exec(ctx, "DELETE FROM circulars WHERE id = ? AND version = ?", id, version)); err != nil {
			return err
		}
		return t.audit(ctx, a, "delete", "circular", id, c.TownPath, circularAudit(c), nil)
	})
}

// jsonArgs encodes a notification's message arguments as notifyUser stores them.
func jsonArgs(args ...any) (string, error) {
	b, err := json.Marshal(args)
	return string(b), err
}
