package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"wuxing/internal/errs"
	"wuxing/internal/evaluation"
	"wuxing/internal/org"
	"wuxing/internal/photo"
)

// Meeting mode: the tally of a paper vote at a unit's meeting, with a photo of the tally sheet,
// entered by one official and confirmed by another. Only confirmed tallies count.

// Tally statuses.
const (
	evalTallyEntered   = "entered"
	evalTallyConfirmed = "confirmed"
)

// EvalTally is a meeting's tally for one unit of a round.
type EvalTally struct {
	ID              int64                  `json:"id"`
	RoundID         int64                  `json:"round_id"`
	UnitID          int64                  `json:"unit_id"`
	UnitPath        string                 `json:"-"`
	UnitName        string                 `json:"unit_name"`
	BallotsIssued   int                    `json:"ballots_issued"`
	Status          string                 `json:"status"`
	Notes           string                 `json:"notes"`
	EnteredBy       int64                  `json:"entered_by"`
	EnteredByName   string                 `json:"entered_by_name"`
	EnteredAt       time.Time              `json:"entered_at"`
	ConfirmedBy     int64                  `json:"confirmed_by,omitempty"`
	ConfirmedByName string                 `json:"confirmed_by_name,omitempty"`
	ConfirmedAt     *time.Time             `json:"confirmed_at,omitempty"`
	Version         int64                  `json:"version"`
	PhotoID         int64                  `json:"photo_id"`
	Lines           []evaluation.TallyLine `json:"-"`
}

// Confirmed reports whether the tally counts.
func (x *EvalTally) Confirmed() bool { return x.Status == evalTallyConfirmed }

const evalTallyCols = `y.id, y.round_id, y.unit_id, y.unit_path, u.name, y.ballots_issued, y.status, y.notes, y.entered_by,
	COALESCE((SELECT username FROM users WHERE id = y.entered_by), ''), y.entered_at, COALESCE(y.confirmed_by, 0),
	COALESCE((SELECT username FROM users WHERE id = y.confirmed_by), ''), y.confirmed_at, y.version,
	COALESCE((SELECT MAX(id) FROM eval_tally_photos p WHERE p.tally_id = y.id), 0)`

const evalTallyFrom = ` FROM eval_tallies y JOIN units u ON u.id = y.unit_id`

func scanEvalTally(sc interface{ Scan(...any) error }) (*EvalTally, error) {
	var x EvalTally
	var conf sql.NullTime
	err := sc.Scan(&x.ID, &x.RoundID, &x.UnitID, &x.UnitPath, &x.UnitName, &x.BallotsIssued, &x.Status, &x.Notes, &x.EnteredBy,
		&x.EnteredByName, &x.EnteredAt, &x.ConfirmedBy, &x.ConfirmedByName, &conf, &x.Version, &x.PhotoID)
	x.ConfirmedAt = nullTime(conf)
	return &x, err
}

func (t *Tx) evalTallyLines(ctx context.Context, x *EvalTally) error {
	rows, err := t.Query(ctx, `SELECT l.target_id, l.dimension, l.satisfied, l.basic, l.dissatisfied FROM eval_tally_lines l
		JOIN eval_targets g ON g.id = l.target_id WHERE l.tally_id = ? ORDER BY g.unit_path, g.position, l.dimension`, x.ID)
	if err != nil {
		return fmt.Errorf("storage: tally lines: %w", err)
	}
	defer rows.Close()
	x.Lines = nil
	for rows.Next() {
		var l evaluation.TallyLine
		if err := rows.Scan(&l.TargetID, &l.Dimension, &l.Satisfied, &l.Basic, &l.Dissatisfied); err != nil {
			return err
		}
		x.Lines = append(x.Lines, l)
	}
	return rows.Err()
}

// evalTallyIn reads a tally the actor sees (with its round and the actor's sight of it).
func (t *Tx) evalTallyIn(ctx context.Context, a Actor, id int64) (*EvalTally, *evaluation.Round, evalSight, error) {
	x, err := scanEvalTally(t.QueryRow(ctx, "SELECT "+evalTallyCols+evalTallyFrom+" WHERE y.id = ?", id))
	if err != nil {
		return nil, nil, evalSight{}, notFound(err)
	}
	r, s, err := t.evalRoundIn(ctx, a, x.RoundID)
	if err != nil {
		return nil, nil, s, err
	}
	if !s.sees(x.UnitPath) && !s.tallies(x.UnitPath) {
		return nil, nil, s, errs.NotFound()
	}
	if err := t.evalTallyLines(ctx, x); err != nil {
		return nil, nil, s, err
	}
	return x, r, s, nil
}

// EvalTallies lists the tallies of a round the actor sees.
func (db *DB) EvalTallies(ctx context.Context, a Actor, roundID int64) ([]EvalTally, error) {
	var out []EvalTally
	err := db.view(ctx, func(t *Tx) error {
		_, s, err := t.evalRoundIn(ctx, a, roundID)
		if err != nil {
			return err
		}
		rows, err := t.Query(ctx, "SELECT "+evalTallyCols+evalTallyFrom+" WHERE y.round_id = ? ORDER BY y.unit_path", roundID)
		if err != nil {
			return fmt.Errorf("storage: tallies: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			x, err := scanEvalTally(rows)
			if err != nil {
				return err
			}
			if s.sees(x.UnitPath) || s.tallies(x.UnitPath) {
				out = append(out, *x)
			}
		}
		return rows.Err()
	})
	return out, err
}

// EvalTally returns a tally the actor sees, with its lines.
func (db *DB) EvalTally(ctx context.Context, a Actor, id int64) (*EvalTally, error) {
	var out *EvalTally
	err := db.view(ctx, func(t *Tx) (err error) {
		out, _, _, err = t.evalTallyIn(ctx, a, id)
		return err
	})
	return out, err
}

// EvalTallyForUnit returns the tally of a unit in a round, nil when none was entered.
func (db *DB) EvalTallyForUnit(ctx context.Context, a Actor, roundID, unitID int64) (*EvalTally, error) {
	var out *EvalTally
	err := db.view(ctx, func(t *Tx) error {
		var id int64
		err := t.QueryRow(ctx, "SELECT id FROM eval_tallies WHERE round_id = ? AND unit_id = ?", roundID, unitID).Scan(&id)
		if err == sql.ErrNoRows {
			_, _, err = t.evalRoundIn(ctx, a, roundID)
			return err
		}
		if err != nil {
			return err
		}
		out, _, _, err = t.evalTallyIn(ctx, a, id)
		return err
	})
	return out, err
}

// NewTally is a meeting's tally as entered.
type NewTally struct {
	BallotsIssued int
	Lines         []evaluation.TallyLine
	Notes         string
	Photo         *photo.Photo // the tally sheet; required unless the tally being corrected has one
	Version       int64        // of the tally being corrected; 0 for a new one
}

// EnterTally enters (or, before its confirmation, corrects) the tally of a unit's meeting: the
// round must be open, the actor must hold EnterTallies at the unit, every line must be one of the
// unit's targets on one of the round's dimensions and count no more answers than ballots were
// issued. A correction goes back to waiting for confirmation, by someone other than its enterer.
func (db *DB) EnterTally(ctx context.Context, a Actor, roundID, unitID int64, nt NewTally) (*EvalTally, error) {
	var out *EvalTally
	err := db.update(ctx, func(t *Tx) error {
		r, s, err := t.evalRoundIn(ctx, a, roundID)
		if err != nil {
			return err
		}
		u, err := t.unit(ctx, unitID)
		if err != nil || !org.Within(u.Path, r.UnitPath) || (!s.sees(u.Path) && !s.tallies(u.Path)) {
			return errs.NotFound()
		}
		if !s.tallies(u.Path) {
			return errs.Forbidden()
		}
		if r.Status != evaluation.Open {
			return errs.New(errs.EUNPROCESSABLE, "evaluation.error.not_open")
		}
		xs, err := t.ballotTargets(ctx, roundID, u.Path)
		if err != nil {
			return err
		}
		ids := make([]int64, len(xs))
		for i, x := range xs {
			ids[i] = x.ID
		}
		fe := []errs.FieldError{}
		if len(xs) == 0 {
			fe = append(fe, errs.Field("unit_id", "evaluation.error.ballot_unit"))
		}
		nt.Notes = strings.TrimSpace(nt.Notes)
		if utf8.RuneCountInString(nt.Notes) > evaluation.MaxNotes {
			fe = append(fe, errs.Field("notes", "validation.too_long", evaluation.MaxNotes))
		}
		if err := evaluation.ValidateTally(nt.BallotsIssued, r.Dimensions, ids, nt.Lines); err != nil {
			fe = append(fe, errs.As(err).Fields...)
		}
		var old *EvalTally
		var oldID int64
		switch err := t.QueryRow(ctx, "SELECT id FROM eval_tallies WHERE round_id = ? AND unit_id = ?", roundID, unitID).Scan(&oldID); err {
		case nil:
			if old, _, _, err = t.evalTallyIn(ctx, a, oldID); err != nil {
				return err
			}
		case sql.ErrNoRows:
		default:
			return err
		}
		if old != nil && old.Confirmed() {
			return errs.New(errs.EUNPROCESSABLE, "evaluation.error.tally_confirmed")
		}
		if old != nil && old.Version != nt.Version {
			return errs.Conflict()
		}
		if old == nil && nt.Version != 0 {
			return errs.Conflict()
		}
		if nt.Photo == nil && (old == nil || old.PhotoID == 0) {
			fe = append(fe, errs.Field(photo.Field, "evaluation.error.photo"))
		}
		if err := errs.FieldsOf(fe); err != nil {
			return err
		}
		now := t.db.clock.Now()
		var by int64
		if !a.P.System {
			by = a.P.UserID
		}
		id := oldID
		if old == nil {
			id, err = t.insert(ctx, `INSERT INTO eval_tallies (round_id, unit_id, unit_path, ballots_issued, status, notes, entered_by, entered_at, version)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`, roundID, u.ID, u.Path, nt.BallotsIssued, evalTallyEntered, nt.Notes, by, now)
			if err != nil {
				if t.d.IsUniqueViolation(err) {
					return errs.Conflict()
				}
				return fmt.Errorf("storage: tally: %w", err)
			}
		} else {
			if err := checkVersion(t.Exec(ctx, `UPDATE eval_tallies SET ballots_issued = ?, notes = ?, entered_by = ?, entered_at = ?,
				version = version + 1 WHERE id = ? AND version = ? AND status = ?`, nt.BallotsIssued, nt.Notes, by, now, id, nt.Version, evalTallyEntered)); err != nil {
				return err
			}
			if _, err := t.Exec(ctx, "DELETE FROM eval_tally_lines WHERE tally_id = ?", id); err != nil {
				return err
			}
		}
		for _, l := range nt.Lines {
			if _, err := t.Exec(ctx, `INSERT INTO eval_tally_lines (tally_id, target_id, dimension, satisfied, basic, dissatisfied) VALUES (?, ?, ?, ?, ?, ?)`,
				id, l.TargetID, l.Dimension, l.Satisfied, l.Basic, l.Dissatisfied); err != nil {
				return fmt.Errorf("storage: tally line: %w", err)
			}
		}
		if p := nt.Photo; p != nil {
			if len(p.Data) == 0 || len(p.Thumb) == 0 || (p.ContentType != photo.JPEG && p.ContentType != photo.PNG) {
				return fmt.Errorf("storage: tally photo: not processed")
			}
			if _, err := t.Exec(ctx, `INSERT INTO eval_tally_photos (tally_id, content_type, width, height, bytes, data, thumb, thumb_width,
				thumb_height, sha256, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, p.ContentType, p.Width, p.Height, int64(len(p.Data)), p.Data, p.Thumb, p.ThumbWidth, p.ThumbHeight, p.SHA256, nullID(by), now); err != nil {
				return fmt.Errorf("storage: tally photo: %w", err)
			}
		}
		after := map[string]any{"unit_id": u.ID, "ballots_issued": nt.BallotsIssued, "lines": len(nt.Lines), "photo": nt.Photo != nil}
		action := "enter"
		if old != nil {
			action = "correct"
		}
		if err := t.audit(ctx, a, action, "eval_tally", id, u.Path, nil, after); err != nil {
			return err
		}
		out, _, _, err = t.evalTallyIn(ctx, a, id)
		return err
	})
	return out, err
}

// ConfirmTally confirms a tally entered by someone else: from then it counts and is final.
// (The platform's own actor, for the demo loader and the command line, is no person and may
// confirm what it entered.)
func (db *DB) ConfirmTally(ctx context.Context, a Actor, id, version int64) (*EvalTally, error) {
	var out *EvalTally
	err := db.update(ctx, func(t *Tx) error {
		x, r, s, err := t.evalTallyIn(ctx, a, id)
		if err != nil {
			return err
		}
		if !s.tallies(x.UnitPath) {
			return errs.Forbidden()
		}
		if x.Version != version {
			return errs.Conflict()
		}
		if r.Status != evaluation.Open {
			return errs.New(errs.EUNPROCESSABLE, "evaluation.error.not_open")
		}
		if x.Confirmed() {
			return errs.New(errs.EUNPROCESSABLE, "evaluation.error.tally_confirmed")
		}
		var by int64
		if !a.P.System {
			by = a.P.UserID
			if by == x.EnteredBy {
				return errs.New(errs.EUNPROCESSABLE, "evaluation.error.same_person")
			}
		}
		now := t.db.clock.Now()
		if err := checkVersion(t.Exec(ctx, `UPDATE eval_tallies SET status = ?, confirmed_by = ?, confirmed_at = ?, version = version + 1
			WHERE id = ? AND version = ? AND status = ?`, evalTallyConfirmed, nullID(by), now, id, version, evalTallyEntered)); err != nil {
			return err
		}
		if err := t.audit(ctx, a, "confirm", "eval_tally", id, x.UnitPath, map[string]any{"status": x.Status},
			map[string]any{"status": evalTallyConfirmed}); err != nil {
			return err
		}
		out, _, _, err = t.evalTallyIn(ctx, a, id)
		return err
	})
	return out, err
}

// EvalTallyPhoto returns the sheet's photo (or its thumbnail) of a tally the actor sees.
func (db *DB) EvalTallyPhoto(ctx context.Context, a Actor, tallyID int64, thumb bool) (*CasePhoto, error) {
	var out *CasePhoto
	err := db.view(ctx, func(t *Tx) error {
		if _, _, _, err := t.evalTallyIn(ctx, a, tallyID); err != nil {
			return err
		}
		col := "data"
		if thumb {
			col = "thumb"
		}
		var p CasePhoto
		err := t.QueryRow(ctx, "SELECT id, content_type, "+col+", sha256, created_at FROM eval_tally_photos WHERE tally_id = ? ORDER BY id DESC LIMIT 1",
			tallyID).Scan(&p.ID, &p.ContentType, &p.Data, &p.SHA256, &p.CreatedAt)
		if err != nil {
			return notFound(err)
		}
		if thumb {
			p.ContentType = photo.JPEG
		}
		p.Bytes = int64(len(p.Data))
		out = &p
		return nil
	})
	return out, err
}
