package storage

import (
	"context"
	"fmt"
	"strings"

	"wuxing/internal/cases"
	"wuxing/internal/errs"
	"wuxing/internal/org"
)

// PublicUnit returns the active unit with code, as the residents' pages show it: its name and
// kind are public. An unknown or inactive code is not found.
func (db *DB) PublicUnit(ctx context.Context, code string) (*org.Unit, error) {
	code = strings.TrimSpace(code)
	if code == "" || len(code) > 64 {
		return nil, errs.NotFound()
	}
	var u *org.Unit
	err := db.view(ctx, func(t *Tx) error {
		x, err := scanUnit(t.QueryRow(ctx, "SELECT "+unitCols+" FROM units u WHERE u.code = ? AND u.active = ?", code, true))
		if err != nil {
			return notFound(err)
		}
		u = x
		return nil
	})
	return u, err
}

// NoticeStatuses are the statuses a case has once past resolution: the cases the notice board
// (公示栏) publishes. Rejected cases are never published.
var NoticeStatuses = []cases.Status{cases.Resolved, cases.Checked, cases.Rated, cases.Closed}

// PublicNotices returns one page of the notice board of the unit with id unitID: the cases of
// its subtree (of a grid: filed for the grid) past resolution, most recently resolved first, and how many there are in all. The
// cases come whole; the caller publishes only their anonymized public part.
func (db *DB) PublicNotices(ctx context.Context, unitID int64, offset, limit int) ([]cases.Case, int, error) {
	var out []cases.Case
	var total int
	err := db.view(ctx, func(t *Tx) error {
		u, err := t.unit(ctx, unitID)
		if err != nil {
			return err
		}
		// A case's unit is its village or community; a grid's cases are those it was filed for.
		cond, args := subtreeCond("c.unit_path", u.Path)
		if u.Kind == org.Grid {
			cond, args = "c.grid_id = ?", []any{u.ID}
		}
		cond += " AND c.status IN (" + strings.TrimSuffix(strings.Repeat("?,", len(NoticeStatuses)), ",") + ")"
		for _, st := range NoticeStatuses {
			args = append(args, string(st))
		}
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM cases c WHERE "+cond, args...).Scan(&total); err != nil {
			return fmt.Errorf("storage: notices count: %w", err)
		}
		rows, err := t.Query(ctx, "SELECT "+caseCols+caseFrom+" WHERE "+cond+" ORDER BY c.resolved_at DESC, c.id DESC LIMIT ? OFFSET ?",
			append(args, clampLimit(limit), max(offset, 0))...)
		if err != nil {
			return fmt.Errorf("storage: notices: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCase(rows)
			if err != nil {
				return err
			}
			out = append(out, *c)
		}
		return rows.Err()
	})
	return out, total, err
}
