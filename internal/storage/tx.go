package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"wuxing/internal/authz"
	"wuxing/internal/errs"
)

// Actor is who performs a store call and from where; its principal decides the scope.
type Actor struct {
	P  *authz.Principal
	IP string
}

// System is the actor for the platform's own work (command line, demo, jobs).
var System = Actor{P: authz.SystemPrincipal}

// Scope returns the actor's scope for a permission.
func (a Actor) Scope(p authz.Perm) authz.Scope { return a.P.Scope(p) }

// user is the acting account's id for the records' "by" columns: NULL for the platform itself.
func (a Actor) user() any {
	if a.P == nil || a.P.System || a.P.UserID == 0 {
		return nil
	}
	return a.P.UserID
}

// Tx is a transaction that rebinds placeholders for its dialect.
type Tx struct {
	tx *sql.Tx
	d  Dialect
	db *DB
	sc *stmtCache // the pool's prepared statements (SQLite), nil for none
	// webhookSeen holds the webhook events this transaction queued already (see queueWebhooks).
	webhookSeen map[string]bool
}

// Exec runs a statement.
func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q = t.d.Rebind(q)
	if st := t.sc.get(q); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

// Query runs a query.
func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q = t.d.Rebind(q)
	if st := t.sc.get(q); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, q, args...)
}

// QueryRow runs a query that returns at most one row.
func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	q = t.d.Rebind(q)
	if st := t.sc.get(q); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}

// insert runs an INSERT … RETURNING id and returns the id.
func (t *Tx) insert(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := t.QueryRow(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// update runs fn in a write transaction, committed when fn returns nil.
// On SQLite concurrent callers share one commit (see groupCommit); each still gets its own
// all-or-nothing outcome.
func (db *DB) update(ctx context.Context, fn func(*Tx) error) error {
	if db.gc != nil {
		return db.gc.do(ctx, db, fn)
	}
	return db.run(ctx, db.write, false, fn)
}

// view runs fn in a read-only transaction on the read pool, so a read sees one snapshot.
func (db *DB) view(ctx context.Context, fn func(*Tx) error) error {
	return db.run(ctx, db.read, true, fn)
}

func (db *DB) run(ctx context.Context, pool *sql.DB, readOnly bool, fn func(*Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: readOnly && db.d == Postgres}
	tx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("storage: begin: %w", err)
	}
	sc := db.stmts(pool)
	defer sc.prepareWanted() // after the transaction has given its connection back
	if err := fn(&Tx{tx: tx, d: db.d, db: db, sc: sc}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: commit: %w", err)
	}
	return nil
}

// scopeCond returns a condition limiting the path column col to the scope's subtrees, with its
// arguments. A scope that reaches nothing yields a condition that is never true (deny by default).
// Subtrees are path ranges [p, p+1) so one index range serves each, on both databases (the
// PostgreSQL path columns use the "C" collation, so the order is bytewise as on SQLite).
func scopeCond(col string, s authz.Scope) (string, []any) {
	if s.All {
		return "1=1", nil
	}
	if len(s.Paths) == 0 {
		return "1=0", nil
	}
	parts := make([]string, len(s.Paths))
	args := make([]any, 0, 2*len(s.Paths))
	for i, p := range s.Paths {
		parts[i] = "(" + col + " >= ? AND " + col + " < ?)"
		args = append(args, p, pathEnd(p))
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// pathEnd is the first string after every path that starts with p: p's last byte ("/") plus one.
func pathEnd(p string) string { return p[:len(p)-1] + string(p[len(p)-1]+1) }

// subtreeCond limits col to one subtree.
func subtreeCond(col, path string) (string, []any) {
	return "(" + col + " >= ? AND " + col + " < ?)", []any{path, pathEnd(path)}
}

// errNoRows is sql.ErrNoRows, for helpers that report "not found" themselves.
var errNoRows = sql.ErrNoRows

// notFound maps sql.ErrNoRows to the application's not-found error.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.NotFound()
	}
	return err
}

// audit appends an entry to the audit log in the same transaction as the change it records.
// before and after are marshalled to JSON; personal numbers in them are masked by the caller's
// redact step (see auditView).
func (t *Tx) audit(ctx context.Context, a Actor, action, entity string, id int64, unitPath string, before, after any) error {
	enc := func(v any) (string, error) {
		if v == nil {
			return "", nil
		}
		b, err := json.Marshal(v)
		return string(b), err
	}
	bs, err := enc(before)
	if err != nil {
		return fmt.Errorf("storage: audit: %w", err)
	}
	as, err := enc(after)
	if err != nil {
		return fmt.Errorf("storage: audit: %w", err)
	}
	var uid any
	name := "system"
	if a.P != nil && !a.P.System {
		uid, name = a.P.UserID, a.P.Username
	}
	if unitPath == "" {
		unitPath = "/"
	}
	_, err = t.Exec(ctx, `INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, unit_path, before_data, after_data, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.db.clock.Now(), uid, name, action, entity, id, unitPath, bs, as, a.IP)
	if err != nil {
		return fmt.Errorf("storage: audit: %w", err)
	}
	return nil
}

// nullID turns 0 into NULL for optional foreign keys.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// checkVersion turns an UPDATE … WHERE version = ? that touched no row into a conflict.
func checkVersion(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return errs.Conflict()
	}
	return nil
}

// likeEscape escapes LIKE wildcards in user text; queries use ESCAPE '\'.
func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
