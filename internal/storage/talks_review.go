package storage

import (
	"context"
	"database/sql"
	"fmt"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
	"wuxing/internal/org"
	"wuxing/internal/talks"
)

// The party's annual review of members (民主评议党员) is kept per branch and year. Opening it
// lists every active party member of the branch; each entry is then filled in (ReviewMembers
// at the branch) and the branch decides the grade. The cap on 优秀 is checked in the same
// transaction that saves a grade, against every entry of the review, with the review's row
// locked first so two officials grading at once cannot both pass the check.

// ReviewSheet is a branch's review for a year, with the year's evaluation results and talks of
// each member beside it.
type ReviewSheet struct {
	Unit    *org.Unit
	Year    int
	Review  *talks.Review // nil until opened
	CanEdit bool
	Results map[int64][]talks.Result // per person: rounds closed that year
	Talks   map[int64][]talks.Talk   // per person: talks held that year
}

const reviewEntryCols = `e.id, e.review_id, e.person_id, e.self_review, e.mutual_score, e.poll_excellent, e.poll_qualified, e.poll_basic,
	e.poll_unqualified, e.grade, e.decided_by, e.decided_at, e.version, p.name, u.name`

func scanReviewEntry(sc interface{ Scan(...any) error }) (*talks.Entry, error) {
	var e talks.Entry
	var at sql.NullTime
	err := sc.Scan(&e.ID, &e.ReviewID, &e.PersonID, &e.SelfReview, &e.MutualScore, &e.Poll.Excellent, &e.Poll.Qualified, &e.Poll.Basic,
		&e.Poll.Unqualified, &e.Grade, &e.DecidedBy, &at, &e.Version, &e.PersonName, &e.UnitName)
	if at.Valid {
		e.DecidedAt = &at.Time
	}
	return &e, err
}

// review reads a review with its entries, without scope.
func (t *Tx) review(ctx context.Context, where string, args ...any) (*talks.Review, error) {
	var r talks.Review
	err := t.QueryRow(ctx, `SELECT rv.id, rv.year, rv.unit_id, rv.unit_path, u.name, rv.excellent_share, rv.version, rv.created_at
		FROM annual_reviews rv JOIN units u ON u.id = rv.unit_id WHERE `+where, args...).
		Scan(&r.ID, &r.Year, &r.UnitID, &r.UnitPath, &r.UnitName, &r.ExcellentShare, &r.Version, &r.CreatedAt)
	if err != nil {
		return nil, notFound(err)
	}
	rows, err := t.Query(ctx, "SELECT "+reviewEntryCols+` FROM annual_review_entries e JOIN people p ON p.id = e.person_id
		JOIN units u ON u.id = p.unit_id WHERE e.review_id = ? ORDER BY u.path, p.name, e.id`, r.ID)
	if err != nil {
		return nil, fmt.Errorf("storage: review entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanReviewEntry(rows)
		if err != nil {
			return nil, err
		}
		r.Entries = append(r.Entries, *e)
	}
	return &r, rows.Err()
}

// reviewUnit reads a branch for its annual review: seen with ViewEvaluations or ReviewMembers.
func (t *Tx) reviewUnit(ctx context.Context, a Actor, unitID int64) (*org.Unit, bool, error) {
	u, err := t.unit(ctx, unitID)
	if err != nil {
		return nil, false, err
	}
	edit := a.P.CanAt(authz.ReviewMembers, u.Path)
	if !edit && !a.P.CanAt(authz.ViewEvaluations, u.Path) {
		return nil, false, errs.NotFound()
	}
	if !u.Kind.IsBranch() {
		return nil, false, errs.Invalid(errs.Field("unit_id", "talks.error.review_unit"))
	}
	return u, edit, nil
}

// ReviewSheet returns a branch's annual review for a year (Review nil when not opened yet) with
// the year's evaluation results and talks of its members.
func (db *DB) ReviewSheet(ctx context.Context, a Actor, unitID int64, year int) (*ReviewSheet, error) {
	var s *ReviewSheet
	err := db.view(ctx, func(t *Tx) error {
		u, edit, err := t.reviewUnit(ctx, a, unitID)
		if err != nil {
			return err
		}
		s = &ReviewSheet{Unit: u, Year: year, CanEdit: edit, Results: map[int64][]talks.Result{}, Talks: map[int64][]talks.Talk{}}
		r, err := t.review(ctx, "rv.unit_id = ? AND rv.year = ?", unitID, year)
		if errs.Code(err) == errs.ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		s.Review = r
		var ids []int64
		for _, e := range r.Entries {
			ids = append(ids, e.PersonID)
		}
		if len(ids) == 0 {
			return nil
		}
		in, ia := talkIDsIn("et.person_id", ids)
		from, to := yearBounds(year)
		hist, err := t.talkHistories(ctx, in+" AND r.closed_at >= ? AND r.closed_at < ?", append(ia, from, to))
		if err != nil {
			return err
		}
		for k, h := range hist {
			s.Results[k.ID] = h
		}
		kin, ka := talkIDsIn("k.person_id", ids)
		rows, err := t.Query(ctx, "SELECT "+talkCols+talkFrom+" WHERE "+kin+" AND k.talked_on >= ? AND k.talked_on < ? ORDER BY k.talked_on",
			append(ka, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1))...)
		if err != nil {
			return fmt.Errorf("storage: review talks: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			k, _, err := scanTalk(rows)
			if err != nil {
				return err
			}
			s.Talks[k.PersonID] = append(s.Talks[k.PersonID], *k)
		}
		return rows.Err()
	})
	return s, err
}

// Reviews lists the annual reviews of a year the actor sees (ViewEvaluations or ReviewMembers
// over the branch).
func (db *DB) Reviews(ctx context.Context, a Actor, year int) ([]talks.Review, error) {
	var out []talks.Review
	err := db.view(ctx, func(t *Tx) error {
		v, va := scopeCond("rv.unit_path", a.Scope(authz.ViewEvaluations))
		r, ra := scopeCond("rv.unit_path", a.Scope(authz.ReviewMembers))
		rows, err := t.Query(ctx, `SELECT rv.id, rv.year, rv.unit_id, rv.unit_path, u.name, rv.excellent_share, rv.version, rv.created_at
			FROM annual_reviews rv JOIN units u ON u.id = rv.unit_id WHERE rv.year = ? AND (`+v+" OR "+r+`) ORDER BY rv.unit_path LIMIT 1000`,
			append(append([]any{year}, va...), ra...)...)
		if err != nil {
			return fmt.Errorf("storage: reviews: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var x talks.Review
			if err := rows.Scan(&x.ID, &x.Year, &x.UnitID, &x.UnitPath, &x.UnitName, &x.ExcellentShare, &x.Version, &x.CreatedAt); err != nil {
				return err
			}
			out = append(out, x)
		}
		return rows.Err()
	})
	return out, err
}

// ReviewBranches lists the branches (villages and communities) where the actor may open a review.
func (db *DB) ReviewBranches(ctx context.Context, a Actor) ([]org.Unit, error) {
	var out []org.Unit
	err := db.view(ctx, func(t *Tx) error {
		c, ca := scopeCond("u.path", a.Scope(authz.ReviewMembers))
		rows, err := t.Query(ctx, "SELECT u.id, u.name, u.path, u.kind FROM units u WHERE u.kind IN (?, ?) AND u.active = ? AND "+c+
			" ORDER BY u.path LIMIT 1000", append([]any{string(org.Village), string(org.Community), true}, ca...)...)
		if err != nil {
			return fmt.Errorf("storage: review branches: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var u org.Unit
			if err := rows.Scan(&u.ID, &u.Name, &u.Path, &u.Kind); err != nil {
				return err
			}
			out = append(out, u)
		}
		return rows.Err()
	})
	return out, err
}

func yearBounds(year int) (any, any) {
	from := talks.YearStart(year)
	return from, talks.YearStart(year + 1)
}

// OpenReview opens a branch's annual review for a year, listing every active party member of
// the branch; the share of 优秀 is the rule's at that moment.
func (db *DB) OpenReview(ctx context.Context, a Actor, unitID int64, year int) (*talks.Review, error) {
	var r *talks.Review
	err := db.update(ctx, func(t *Tx) error {
		u, edit, err := t.reviewUnit(ctx, a, unitID)
		if err != nil {
			return err
		}
		if !edit {
			return errs.Forbidden()
		}
		now := t.db.clock.Now()
		if this := talks.YearOf(now); year < 2000 || year > this {
			return errs.Invalid(errs.Field("year", "talks.error.year"))
		}
		w, err := t.talkWorld(ctx)
		if err != nil {
			return err
		}
		share := w.rule(u.Path).ExcellentShare
		id, err := t.insert(ctx, `INSERT INTO annual_reviews (year, unit_id, unit_path, excellent_share, created_by, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 1, ?, ?)`, year, u.ID, u.Path, share, a.user(), now, now)
		if err != nil {
			if t.d.IsUniqueViolation(err) {
				return errs.Conflict()
			}
			return fmt.Errorf("storage: open review: %w", err)
		}
		c, ca := subtreeCond("pu.path", u.Path)
		_, err = t.Exec(ctx, `INSERT INTO annual_review_entries (review_id, person_id, updated_at)
			SELECT ?, p.id, ? FROM people p JOIN units pu ON pu.id = p.unit_id WHERE p.party_member = ? AND p.active = ? AND `+c,
			append([]any{id, now, true, true}, ca...)...)
		if err != nil {
			return fmt.Errorf("storage: review entries: %w", err)
		}
		if r, err = t.review(ctx, "rv.id = ?", id); err != nil {
			return err
		}
		return t.audit(ctx, a, "review.open", "annual_review", id, u.Path, nil,
			map[string]any{"year": year, "unit_id": u.ID, "members": len(r.Entries), "excellent_share": share})
	})
	return r, err
}

// ReviewEntry returns one entry and its review, if the actor sees the branch.
func (db *DB) ReviewEntry(ctx context.Context, a Actor, id int64) (*talks.Entry, *talks.Review, bool, error) {
	var e *talks.Entry
	var r *talks.Review
	var edit bool
	err := db.view(ctx, func(t *Tx) (err error) {
		e, r, edit, err = t.reviewEntryIn(ctx, a, id)
		return err
	})
	return e, r, edit, err
}

func (t *Tx) reviewEntryIn(ctx context.Context, a Actor, id int64) (*talks.Entry, *talks.Review, bool, error) {
	var rid int64
	if err := t.QueryRow(ctx, "SELECT review_id FROM annual_review_entries WHERE id = ?", id).Scan(&rid); err != nil {
		return nil, nil, false, notFound(err)
	}
	r, err := t.review(ctx, "rv.id = ?", rid)
	if err != nil {
		return nil, nil, false, err
	}
	edit := a.P.CanAt(authz.ReviewMembers, r.UnitPath)
	if !edit && !a.P.CanAt(authz.ViewEvaluations, r.UnitPath) {
		return nil, nil, false, errs.NotFound()
	}
	for i := range r.Entries {
		if r.Entries[i].ID == id {
			return &r.Entries[i], r, edit, nil
		}
	}
	return nil, nil, false, errs.NotFound()
}

// SaveReviewEntry saves one member's entry (in.Version is the version read). A grade that would
// put more members at 优秀 than the review's share allows is refused and nothing changes.
func (db *DB) SaveReviewEntry(ctx context.Context, a Actor, id int64, in talks.Entry) (*talks.Entry, error) {
	var out *talks.Entry
	err := db.update(ctx, func(t *Tx) error {
		if err := in.Validate(); err != nil {
			return err
		}
		// Lock the review first (PostgreSQL: the row lock orders concurrent graders; SQLite has
		// one writer), then read every entry under that lock.
		var rid int64
		if err := t.QueryRow(ctx, "SELECT review_id FROM annual_review_entries WHERE id = ?", id).Scan(&rid); err != nil {
			return notFound(err)
		}
		now := t.db.clock.Now()
		if _, err := t.Exec(ctx, "UPDATE annual_reviews SET updated_at = ? WHERE id = ?", now, rid); err != nil {
			return fmt.Errorf("storage: lock review: %w", err)
		}
		e, r, edit, err := t.reviewEntryIn(ctx, a, id)
		if err != nil {
			return err
		}
		if !edit {
			return errs.Forbidden()
		}
		if e.Version != in.Version {
			return errs.Conflict()
		}
		// e points into r.Entries: keep the entry as it was before the check changes its grade.
		before := *e
		for i := range r.Entries {
			if r.Entries[i].ID == id {
				r.Entries[i].Grade = in.Grade
			}
		}
		if err := talks.CheckExcellent(r.Entries, r.ExcellentShare); err != nil {
			return err
		}
		decidedBy, decidedAt := before.DecidedBy, before.DecidedAt
		if in.Grade != before.Grade {
			_, decidedBy = actorRef(a)
			decidedAt = &now
			if in.Grade == "" {
				decidedBy, decidedAt = "", nil
			}
		}
		var at any
		if decidedAt != nil {
			at = *decidedAt
		}
		if err := checkVersion(t.Exec(ctx, `UPDATE annual_review_entries SET self_review = ?, mutual_score = ?, poll_excellent = ?, poll_qualified = ?,
			poll_basic = ?, poll_unqualified = ?, grade = ?, decided_by = ?, decided_at = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`, in.SelfReview, in.MutualScore, in.Poll.Excellent, in.Poll.Qualified, in.Poll.Basic, in.Poll.Unqualified,
			string(in.Grade), decidedBy, at, now, id, in.Version)); err != nil {
			return err
		}
		out = e
		out.SelfReview, out.MutualScore, out.Poll, out.Grade = in.SelfReview, in.MutualScore, in.Poll, in.Grade
		out.DecidedBy, out.DecidedAt, out.Version = decidedBy, decidedAt, in.Version+1
		return t.audit(ctx, a, "review.entry", "annual_review_entry", id, r.UnitPath,
			map[string]any{"grade": string(before.Grade), "mutual_score": before.MutualScore, "poll": before.Poll},
			map[string]any{"grade": string(in.Grade), "mutual_score": in.MutualScore, "poll": in.Poll})
	})
	return out, err
}
