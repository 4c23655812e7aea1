package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"wuxing/internal/errs"
	"wuxing/internal/evaluation"
	"wuxing/internal/org"
)

// One-time ballots. A ballot is a random token (in the QR code's link) and a short code (typed
// by hand); the database keeps only their hashes, so the printed sheet is shown once, when the
// ballots are issued (see 00300_evaluation.sql). A submitted ballot adds to counters and leaves
// no vote row behind: nothing links its answers to it.

// BallotBatch is one issuing of ballots for a unit.
type BallotBatch struct {
	ID       int64     `json:"id"`
	RoundID  int64     `json:"round_id"`
	UnitID   int64     `json:"unit_id"`
	UnitPath string    `json:"-"`
	UnitName string    `json:"unit_name"`
	Count    int       `json:"count"`
	Used     int       `json:"used"`
	Voided   bool      `json:"voided"`
	IssuedAt time.Time `json:"issued_at"`
}

// IssuedBallot is one ballot as printed: its serial number in the unit, its token and short
// code in the clear. Only IssueBallots ever returns them.
type IssuedBallot struct {
	Serial int
	Token  string
	Code   string // canonical, without the dash; evaluation.FormatCode prints it
}

var tokenEnc = base32.StdEncoding.WithPadding(base32.NoPadding)

func newBallotToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return strings.ToLower(tokenEnc.EncodeToString(b)), nil
}

func newBallotCode() (string, error) {
	b := make([]byte, evaluation.CodeLen)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	n := len(evaluation.CodeAlphabet)
	out := make([]byte, len(b))
	for i := range b {
		// Rejection keeps the symbols uniform.
		for int(b[i]) >= 256-256%n {
			var one [1]byte
			if _, err := rand.Read(one[:]); err != nil {
				return "", err
			}
			b[i] = one[0]
		}
		out[i] = evaluation.CodeAlphabet[int(b[i])%n]
	}
	return string(out), nil
}

// ballotHash is the stored form of a token or code; the prefixes keep the two apart.
func ballotHash(kind, s string) string {
	h := sha256.Sum256([]byte(kind + ":" + s))
	return hex.EncodeToString(h[:])
}

// IssueBallots issues n ballots for a unit of the round (a village or community, or any unit
// below the round's with targets in it): the round must not be closed. The returned ballots are
// the only time their tokens and codes exist in the clear.
func (db *DB) IssueBallots(ctx context.Context, a Actor, roundID, unitID int64, n int) (*BallotBatch, []IssuedBallot, error) {
	var batch *BallotBatch
	var out []IssuedBallot
	err := db.update(ctx, func(t *Tx) error {
		var err error
		batch, out, err = t.issueBallots(ctx, a, roundID, unitID, n)
		return err
	})
	return batch, out, err
}

func (t *Tx) issueBallots(ctx context.Context, a Actor, roundID, unitID int64, n int) (*BallotBatch, []IssuedBallot, error) {
	r, _, err := t.evalRoundRun(ctx, a, roundID)
	if err != nil {
		return nil, nil, err
	}
	if r.Status == evaluation.Closed {
		return nil, nil, errs.New(errs.EUNPROCESSABLE, "evaluation.error.closed")
	}
	var fe []errs.FieldError
	if n < 1 || n > evaluation.MaxBallots {
		fe = append(fe, errs.Field("count", "evaluation.error.count", evaluation.MaxBallots))
	}
	u, err := t.unit(ctx, unitID)
	if err != nil || !org.Within(u.Path, r.UnitPath) {
		fe = append(fe, errs.Field("unit_id", "evaluation.error.ballot_unit"))
	} else {
		cond, args := subtreeCond("unit_path", u.Path)
		var k int
		if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM eval_targets WHERE round_id = ? AND "+cond, append([]any{roundID}, args...)...).Scan(&k); err != nil {
			return nil, nil, err
		}
		if k == 0 {
			fe = append(fe, errs.Field("unit_id", "evaluation.error.ballot_unit"))
		}
	}
	if err := errs.FieldsOf(fe); err != nil {
		return nil, nil, err
	}
	now := t.db.clock.Now()
	var by any
	if !a.P.System {
		by = a.P.UserID
	}
	bid, err := t.insert(ctx, `INSERT INTO eval_ballot_batches (round_id, unit_id, unit_path, count, voided, issued_by, issued_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, roundID, u.ID, u.Path, n, false, by, now)
	if err != nil {
		return nil, nil, fmt.Errorf("storage: ballot batch: %w", err)
	}
	var serial int
	if err := t.QueryRow(ctx, "SELECT COALESCE(MAX(serial), 0) FROM eval_ballots WHERE round_id = ? AND unit_id = ?", roundID, u.ID).Scan(&serial); err != nil {
		return nil, nil, err
	}
	out := make([]IssuedBallot, 0, n)
	for i := 0; i < n; i++ {
		tok, err := newBallotToken()
		if err != nil {
			return nil, nil, fmt.Errorf("storage: ballot token: %w", err)
		}
		code, err := newBallotCode()
		if err != nil {
			return nil, nil, fmt.Errorf("storage: ballot code: %w", err)
		}
		serial++
		if _, err := t.Exec(ctx, `INSERT INTO eval_ballots (round_id, batch_id, unit_id, unit_path, serial, token_hash, code_hash, voided)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, roundID, bid, u.ID, u.Path, serial, ballotHash("t", tok), ballotHash("c", code), false); err != nil {
			return nil, nil, fmt.Errorf("storage: ballot: %w", err)
		}
		out = append(out, IssuedBallot{Serial: serial, Token: tok, Code: code})
	}
	if err := t.audit(ctx, a, "ballots", "eval_round", roundID, u.Path, nil, map[string]any{"unit_id": u.ID, "batch": bid, "count": n}); err != nil {
		return nil, nil, err
	}
	return &BallotBatch{ID: bid, RoundID: roundID, UnitID: u.ID, UnitPath: u.Path, UnitName: u.Name, Count: n, IssuedAt: now}, out, nil
}

// EvalBatches lists the ballot batches of a round the actor sees, with how many were used.
func (db *DB) EvalBatches(ctx context.Context, a Actor, roundID int64) ([]BallotBatch, error) {
	var out []BallotBatch
	err := db.view(ctx, func(t *Tx) error {
		_, s, err := t.evalRoundIn(ctx, a, roundID)
		if err != nil {
			return err
		}
		rows, err := t.Query(ctx, `SELECT b.id, b.round_id, b.unit_id, b.unit_path, u.name, b.count, b.voided, b.issued_at,
			(SELECT COUNT(*) FROM eval_ballots x WHERE x.batch_id = b.id AND x.used_at IS NOT NULL)
			FROM eval_ballot_batches b JOIN units u ON u.id = b.unit_id WHERE b.round_id = ? ORDER BY b.unit_path, b.id`, roundID)
		if err != nil {
			return fmt.Errorf("storage: batches: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var b BallotBatch
			if err := rows.Scan(&b.ID, &b.RoundID, &b.UnitID, &b.UnitPath, &b.UnitName, &b.Count, &b.Voided, &b.IssuedAt, &b.Used); err != nil {
				return err
			}
			if s.sees(b.UnitPath) {
				out = append(out, b)
			}
		}
		return rows.Err()
	})
	return out, err
}

// VoidBallotBatch voids the unused ballots of a batch (a lost or spoiled sheet): they are
// refused from now; those already used stay counted.
func (db *DB) VoidBallotBatch(ctx context.Context, a Actor, roundID, batchID int64) error {
	return db.update(ctx, func(t *Tx) error {
		r, _, err := t.evalRoundRun(ctx, a, roundID)
		if err != nil {
			return err
		}
		if r.Status == evaluation.Closed {
			return errs.New(errs.EUNPROCESSABLE, "evaluation.error.closed")
		}
		var path string
		var voided bool
		if err := t.QueryRow(ctx, "SELECT unit_path, voided FROM eval_ballot_batches WHERE id = ? AND round_id = ?", batchID, roundID).Scan(&path, &voided); err != nil {
			return notFound(err)
		}
		if voided {
			return nil
		}
		if _, err := t.Exec(ctx, "UPDATE eval_ballot_batches SET voided = ? WHERE id = ?", true, batchID); err != nil {
			return err
		}
		if _, err := t.Exec(ctx, "UPDATE eval_ballots SET voided = ? WHERE batch_id = ? AND used_at IS NULL", true, batchID); err != nil {
			return err
		}
		return t.audit(ctx, a, "void", "eval_ballot_batch", batchID, path, nil, map[string]any{"round": roundID})
	})
}

// BallotState says whether a ballot may be used.
type BallotState string

const (
	BallotUsable BallotState = "usable"
	BallotUsed   BallotState = "used"
	BallotVoid   BallotState = "void"
	BallotClosed BallotState = "closed" // the round is not (or no longer) taking ballots
)

// PublicBallot is what the holder of a ballot sees: the round, the unit, the unit's targets
// (names and kinds only) and the dimensions. Nothing else.
type PublicBallot struct {
	RoundName  string
	UnitName   string
	Dimensions []string
	Targets    []PublicTarget
	State      BallotState
	ClosesAt   *time.Time
}

// PublicTarget is a target as a ballot shows it.
type PublicTarget struct {
	ID       int64                 `json:"id"`
	Kind     evaluation.TargetKind `json:"kind"`
	Name     string                `json:"name"`
	UnitName string                `json:"unit_name"`
}

type ballotRow struct {
	id, roundID int64
	unitPath    string
	unitName    string
	voided      bool
	used        bool
}

// ballotByCredential finds a ballot by its token or its short code.
func (t *Tx) ballotByCredential(ctx context.Context, cred string) (*ballotRow, error) {
	cred = strings.TrimSpace(cred)
	if cred == "" || len(cred) > 64 {
		return nil, errs.NotFound()
	}
	code := evaluation.NormalizeCode(cred)
	var b ballotRow
	err := t.QueryRow(ctx, `SELECT b.id, b.round_id, b.unit_path, u.name, b.voided, b.used_at IS NOT NULL FROM eval_ballots b
		JOIN units u ON u.id = b.unit_id WHERE b.token_hash = ? OR b.code_hash = ?`,
		ballotHash("t", strings.ToLower(cred)), ballotHash("c", code)).Scan(&b.id, &b.roundID, &b.unitPath, &b.unitName, &b.voided, &b.used)
	if err != nil {
		return nil, notFound(err)
	}
	return &b, nil
}

// ballotTargets are the targets a ballot of the unit at path rates: those of the unit and below.
func (t *Tx) ballotTargets(ctx context.Context, roundID int64, path string) ([]EvalTarget, error) {
	cond, args := subtreeCond("x.unit_path", path)
	return t.evalTargets(ctx, roundID, cond, args...)
}

// PublicBallot reads a ballot by its token or short code; an unknown one is not found.
func (db *DB) PublicBallot(ctx context.Context, cred string) (*PublicBallot, error) {
	var out *PublicBallot
	err := db.view(ctx, func(t *Tx) error {
		b, err := t.ballotByCredential(ctx, cred)
		if err != nil {
			return err
		}
		r, err := t.evalRound(ctx, b.roundID)
		if err != nil {
			return err
		}
		out = &PublicBallot{RoundName: r.Name, UnitName: b.unitName, Dimensions: r.Dimensions, ClosesAt: r.ClosesAt, State: BallotUsable}
		switch {
		case b.used:
			out.State = BallotUsed
		case b.voided:
			out.State = BallotVoid
		case !r.Accepting(t.db.clock.Now()):
			out.State = BallotClosed
		}
		if out.State != BallotUsable {
			return nil
		}
		xs, err := t.ballotTargets(ctx, r.ID, b.unitPath)
		for _, x := range xs {
			out.Targets = append(out.Targets, PublicTarget{ID: x.ID, Kind: x.Kind, Name: x.Name, UnitName: x.UnitName})
		}
		return err
	})
	return out, err
}

// ballotUsedMark is what a used ballot's used_at holds: a fixed moment that says nothing of when.
var ballotUsedMark = time.Unix(0, 0).UTC()

// BallotError keys, for the pages that explain why a ballot was refused.
const (
	ballotUsedKey   = "evaluation.ballot.used"
	ballotVoidKey   = "evaluation.ballot.void"
	ballotClosedKey = "evaluation.ballot.closed"
)

// SubmitBallot counts a ballot, once. In one transaction: the round must be taking ballots, the
// answers must rate the ballot's own unit's targets on the round's dimensions on the scale, and
// the ballot is marked used by a conditional UPDATE, so of concurrent submissions exactly one
// counts; the others get "used" and change nothing. No audit entry: the audit log keeps the
// caller's address, which a secret ballot must not.
func (db *DB) SubmitBallot(ctx context.Context, cred string, in evaluation.Ballot) error {
	return db.update(ctx, func(t *Tx) error {
		b, err := t.ballotByCredential(ctx, cred)
		if err != nil {
			return err
		}
		switch {
		case b.used:
			return errs.New(errs.ECONFLICT, ballotUsedKey)
		case b.voided:
			return errs.New(errs.EUNPROCESSABLE, ballotVoidKey)
		}
		r, err := t.evalRound(ctx, b.roundID)
		if err != nil {
			return err
		}
		now := t.db.clock.Now()
		if !r.Accepting(now) {
			return errs.New(errs.EUNPROCESSABLE, ballotClosedKey)
		}
		xs, err := t.ballotTargets(ctx, r.ID, b.unitPath)
		if err != nil {
			return err
		}
		ids := make([]int64, len(xs))
		for i, x := range xs {
			ids[i] = x.ID
		}
		rated, err := evaluation.ValidateBallot(in, r.Dimensions, ids)
		if err != nil {
			return err
		}
		// Hold the round open for the length of this transaction: closing it waits for us (and
		// we for it, seeing it closed).
		res, err := t.Exec(ctx, "UPDATE eval_rounds SET version = version WHERE id = ? AND status = ?", r.ID, string(evaluation.Open))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.EUNPROCESSABLE, ballotClosedKey)
		}
		// used_at only marks the ballot used: it holds a fixed moment, never now, since the moment
		// of a ballot's use beside its serial number would tie it to the household it was given to.
		res, err = t.Exec(ctx, "UPDATE eval_ballots SET used_at = ? WHERE id = ? AND used_at IS NULL AND voided = ?", ballotUsedMark, b.id, false)
		if err != nil {
			return fmt.Errorf("storage: use ballot: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.ECONFLICT, ballotUsedKey)
		}
		for _, ans := range in.Answers {
			col := map[evaluation.Rating]string{evaluation.Satisfied: "satisfied", evaluation.Basic: "basic", evaluation.Dissatisfied: "dissatisfied"}[ans.Rating]
			if _, err := t.Exec(ctx, "UPDATE eval_counts SET "+col+" = "+col+" + 1 WHERE target_id = ? AND dimension = ?", ans.TargetID, ans.Dimension); err != nil {
				return fmt.Errorf("storage: count: %w", err)
			}
		}
		for _, id := range rated {
			if _, err := t.Exec(ctx, "UPDATE eval_targets SET ballots = ballots + 1 WHERE id = ?", id); err != nil {
				return fmt.Errorf("storage: count ballot: %w", err)
			}
		}
		for tid, c := range in.Comments {
			c = strings.TrimSpace(c)
			if c == "" {
				continue
			}
			// A random id: the order of comments says nothing of when they came.
			var rb [8]byte
			if _, err := rand.Read(rb[:]); err != nil {
				return err
			}
			id := int64(binary.BigEndian.Uint64(rb[:]) >> 2)
			if _, err := t.Exec(ctx, "INSERT INTO eval_comments (id, round_id, target_id, body) VALUES (?, ?, ?, ?)", id+1, r.ID, tid, c); err != nil {
				return fmt.Errorf("storage: comment: %w", err)
			}
		}
		return nil
	})
}
