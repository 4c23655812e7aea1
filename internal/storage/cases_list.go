package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"wuxing/internal/authz"
	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/figures"
	"wuxing/internal/org"
)

// CaseFilter selects cases. Lists page backwards by id (newest first) with BeforeID: keyset
// pagination, which stays fast however deep the page.
type CaseFilter struct {
	UnitID     int64 // in this unit's subtree
	List       cases.List
	CategoryID int64
	Statuses   []cases.Status
	Open       bool // only statuses still being worked
	Overdue    bool
	AssigneeID int64 // dispatched to this person
	Mine       bool  // handed to the actor's own person
	Claimable  bool  // accepted and unassigned, in units where the actor may claim
	Inbox      bool  // escalated to departments the actor handles
	CampaignID int64
	Figure     figures.Count // only the cases a figure counts (see figureCond): figures trace to records
	From, To   time.Time     // submitted in [From, To)
	Query      string        // number or title contains
	BeforeID   int64
	Limit      int
}

// Cases returns one page of the cases the filter selects among those the actor may see, newest
// first, and the id to pass as BeforeID for the next page (0 at the end).
func (db *DB) Cases(ctx context.Context, a Actor, f CaseFilter) ([]cases.Case, int64, error) {
	var out []cases.Case
	var next int64
	err := db.view(ctx, func(t *Tx) error {
		var where []string
		var args []any
		s := a.Scope(authz.ViewCases)
		switch {
		case f.Mine:
			if a.P.PersonID == 0 && !a.P.System {
				return nil
			}
			where = append(where, "c.assignee_kind = ? AND c.assignee_id = ?")
			args = append(args, string(cases.ToPerson), a.P.PersonID)
		case f.Claimable:
			cond, ca := scopeCond("c.unit_path", a.Scope(authz.ClaimCases))
			where = append(where, cond, "c.status = ?")
			args = append(append(args, ca...), string(cases.Accepted))
		case f.Inbox:
			cond, ca := scopeCond("c.handler_path", a.Scope(authz.HandleCases))
			where = append(where, cond, "c.assignee_kind = ?")
			args = append(append(args, ca...), string(cases.ToDepartment))
		default:
			c1, a1 := scopeCond("c.unit_path", s)
			c2, a2 := scopeCond("c.handler_path", s)
			where = append(where, "("+c1+" OR "+c2+")")
			args = append(append(args, a1...), a2...)
		}
		var villages []string
		if f.UnitID != 0 {
			path, err := t.unitPathOf(ctx, f.UnitID)
			if err != nil {
				return err
			}
			c, ca := subtreeCond("c.unit_path", path)
			where = append(where, c)
			args = append(args, ca...)
			if villages, err = t.branchPaths(ctx, path); err != nil {
				return err
			}
		}
		if f.List != "" {
			where = append(where, "c.list = ?")
			args = append(args, string(f.List))
		}
		if f.CategoryID != 0 {
			where = append(where, "c.category_id = ?")
			args = append(args, f.CategoryID)
		}
		if len(f.Statuses) > 0 {
			where = append(where, "c.status IN ("+strings.TrimSuffix(strings.Repeat("?,", len(f.Statuses)), ",")+")")
			for _, st := range f.Statuses {
				args = append(args, string(st))
			}
		}
		if f.Open {
			where = append(where, "c.status IN (?, ?, ?, ?)")
			args = append(args, string(cases.Submitted), string(cases.Accepted), string(cases.Dispatched), string(cases.InProgress))
		}
		if f.Overdue {
			where = append(where, "c.overdue = ?")
			args = append(args, true)
		}
		if f.AssigneeID != 0 {
			where = append(where, "c.assignee_kind = ? AND c.assignee_id = ?")
			args = append(args, string(cases.ToPerson), f.AssigneeID)
		}
		if f.Figure != "" {
			c, ca, ok := figureCond(f.Figure)
			if !ok {
				return errs.Invalid(errs.Field("figure", "figures.count.invalid"))
			}
			where = append(where, c)
			args = append(args, ca...)
		}
		if f.CampaignID != 0 {
			where = append(where, "c.campaign_id = ?")
			args = append(args, f.CampaignID)
		}
		if !f.From.IsZero() {
			where = append(where, "c.submitted_at >= ?")
			args = append(args, f.From)
		}
		if !f.To.IsZero() {
			where = append(where, "c.submitted_at < ?")
			args = append(args, f.To)
		}
		if q := strings.TrimSpace(f.Query); q != "" {
			where = append(where, `(c.number LIKE ? ESCAPE '\' OR c.title LIKE ? ESCAPE '\')`)
			args = append(args, "%"+likeEscape(q)+"%", "%"+likeEscape(q)+"%")
		}
		if f.BeforeID != 0 {
			where = append(where, "c.id < ?")
			args = append(args, f.BeforeID)
		}
		limit := clampLimit(f.Limit)
		q := "SELECT " + caseCols + caseFrom + " WHERE " + strings.Join(where, " AND ") + " ORDER BY c.id DESC LIMIT ?"
		qargs := append(args, limit+1)
		if n := len(villages); n > 0 && n <= maxMergedVillages {
			// A town's or a village's list: each village's newest cases from the (unit_path, id)
			// index, merged, instead of sorting all of the town's cases (a case belongs to a
			// village or community, whose path is its unit_path).
			parts := make([]string, n)
			qargs = nil
			for i, p := range villages {
				parts[i] = "SELECT * FROM (SELECT c.id FROM cases c WHERE c.unit_path = ? AND " + strings.Join(where, " AND ") +
					" ORDER BY c.id DESC LIMIT ?) v"
				qargs = append(append(append(qargs, p), args...), limit+1)
			}
			q = "SELECT " + caseCols + caseFrom + " WHERE c.id IN (SELECT id FROM (" + strings.Join(parts, " UNION ALL ") +
				") m ORDER BY id DESC LIMIT ?) ORDER BY c.id DESC"
			qargs = append(qargs, limit+1)
		}
		rows, err := t.Query(ctx, q, qargs...)
		if err != nil {
			return fmt.Errorf("storage: cases: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCase(rows)
			if err != nil {
				return err
			}
			out = append(out, *c)
		}
		if len(out) > limit {
			out = out[:limit]
			next = out[limit-1].ID
		}
		return rows.Err()
	})
	return out, next, err
}

// maxMergedVillages bounds the villages whose lists a case list merges; a wider unit (a county)
// lists its cases by walking them newest first.
const maxMergedVillages = 64

// branchPaths returns the paths of the villages and communities (active or not: their cases
// stay) in the subtree at path, or none when there are more than maxMergedVillages.
func (t *Tx) branchPaths(ctx context.Context, path string) ([]string, error) {
	sub, sa := subtreeCond("path", path)
	rows, err := t.Query(ctx, "SELECT path FROM units WHERE kind IN (?, ?) AND "+sub+" LIMIT ?",
		append([]any{string(org.Village), string(org.Community)}, append(sa, maxMergedVillages+1)...)...)
	if err != nil {
		return nil, fmt.Errorf("storage: villages of a unit: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if len(out) > maxMergedVillages {
		return nil, rows.Err()
	}
	return out, rows.Err()
}
