package gen

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"wuxing/internal/storage"
)

// table is a table the loader fills, with its columns in the order the generator's rows hold them.
type table struct {
	name string
	cols []string
	rows func(*batch) [][]any
}

// optional are columns later migrations add; the loader fills them where the schema has them.
var optional = map[string]bool{"cases.accept_due": true}

// tables are written in this order in each transaction, parents first.
var tables = []table{
	{"units", []string{"id", "parent_id", "kind", "code", "name", "path", "depth", "active", "version", "created_at", "updated_at"},
		func(b *batch) [][]any { return b.units }},
	{"compounds", []string{"id", "unit_id", "name", "address", "three_without", "red_committee", "active", "version", "created_at", "updated_at"},
		func(b *batch) [][]any { return b.compounds }},
	{"households", []string{"id", "unit_id", "compound_id", "address", "active", "version", "created_at", "updated_at"},
		func(b *batch) [][]any { return b.households }},
	{"people", []string{"id", "unit_id", "household_id", "relation", "name", "gender", "birth_date", "phone", "id_number",
		"party_member", "joined_party_on", "categories", "active", "version", "created_at", "updated_at"},
		func(b *batch) [][]any { return b.people }},
	{"cases", []string{"id", "number", "year", "seq", "tracking_code", "unit_id", "unit_path", "grid_id", "handler_unit_id", "handler_path",
		"list", "category_id", "urgency", "channel", "title", "description", "address", "lat", "lng",
		"reporter_person_id", "reporter_household_id", "reporter_name", "reporter_phone", "campaign_id",
		"status", "assignee_kind", "assignee_id", "claimed", "method", "result", "rating", "rating_comment", "reopened", "reworks",
		"escalations", "extension_ask", "deadline", "overdue", "urged_at", "created_by", "idempotency_key",
		"submitted_at", "accepted_at", "dispatched_at", "signed_at", "resolved_at", "checked_at", "rated_at", "closed_at",
		"version", "updated_at", "accept_due"},
		func(b *batch) [][]any { return b.cases }},
	{"case_events", []string{"id", "case_id", "at", "user_id", "actor_name", "action", "from_status", "to_status", "note", "data"},
		func(b *batch) [][]any { return b.events }},
	{"case_counters", []string{"unit_id", "year", "last"}, func(b *batch) [][]any { return b.counters }},
}

// bulkTables are the big tables whose secondary indexes a fresh load drops and builds again at
// the end (one sort instead of millions of random index inserts). Unique constraints stay.
var bulkTables = []string{"households", "people", "cases", "case_events"}

// identityTables have an id the loader sets; PostgreSQL's identity sequences are moved past it.
var identityTables = []string{"units", "compounds", "households", "people", "cases", "case_events"}

// sink writes batches to the database over one connection of the store's write pool (the one
// writer on SQLite), bypassing the store.
type sink struct {
	d       storage.Dialect
	conn    *sql.Conn
	dropped [][2]string // name, definition
	tuned   bool
	buf     []any
	// SQLite: the open transaction, its statements, and the rows written since it began.
	tx      *sql.Tx
	stmts   map[string]*sql.Stmt
	pending int
	// keep lists, per table, which of the generator's columns the schema has (nil: all).
	keep map[string][]int
}

type sinkState struct {
	empty    bool
	next     ids
	prefixes map[string]bool
}

func newSink(ctx context.Context, db *storage.DB) (*sink, error) {
	conn, err := db.Raw().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("gen: connect: %w", err)
	}
	s := &sink{d: db.Dialect(), conn: conn, keep: map[string][]int{}}
	if err := s.columns(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return s, nil
}

// columns checks the generator's columns against the schema: a missing optional column is left
// out, a missing required one is an error (the generator needs updating).
func (s *sink) columns(ctx context.Context) error {
	for _, t := range tables {
		q := "SELECT name FROM pragma_table_info(?)"
		if s.d == storage.Postgres {
			q = "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?"
		}
		rows, err := s.conn.QueryContext(ctx, s.q(q), t.name)
		if err != nil {
			return fmt.Errorf("gen: columns of %s: %w", t.name, err)
		}
		have := map[string]bool{}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return err
			}
			have[c] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var keep []int
		for i, c := range t.cols {
			switch {
			case have[c]:
				keep = append(keep, i)
			case !optional[t.name+"."+c]:
				return fmt.Errorf("gen: the schema has no column %s.%s: the generator needs updating", t.name, c)
			}
		}
		if len(keep) < len(t.cols) {
			s.keep[t.name] = keep
		}
	}
	return nil
}

// shape returns a table's columns and rows as the schema has them.
func (s *sink) shape(t table, rows [][]any) ([]string, [][]any) {
	keep, ok := s.keep[t.name]
	if !ok {
		return t.cols, rows
	}
	cols := make([]string, len(keep))
	for i, k := range keep {
		cols[i] = t.cols[k]
	}
	out := make([][]any, len(rows))
	for j, r := range rows {
		x := make([]any, len(keep))
		for i, k := range keep {
			x[i] = r[k]
		}
		out[j] = x
	}
	return cols, out
}

func (s *sink) close() { s.conn.Close() }

func (s *sink) q(q string) string { return s.d.Rebind(q) }

// state reads what the database holds already: whether it is empty, the next free ids, and the
// province code prefixes in use.
func (s *sink) state(ctx context.Context) (sinkState, error) {
	st := sinkState{prefixes: map[string]bool{}}
	var units, kases int64
	if err := s.conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM units").Scan(&units); err != nil {
		return st, fmt.Errorf("gen: count units: %w", err)
	}
	if err := s.conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM cases").Scan(&kases); err != nil {
		return st, fmt.Errorf("gen: count cases: %w", err)
	}
	st.empty = units == 0 && kases == 0
	for _, x := range []struct {
		t string
		p *int64
	}{{"units", &st.next.unit}, {"compounds", &st.next.compound}, {"households", &st.next.household},
		{"people", &st.next.person}, {"cases", &st.next.kase}, {"case_events", &st.next.event}} {
		if err := s.conn.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM "+x.t).Scan(x.p); err != nil {
			return st, fmt.Errorf("gen: %s: %w", x.t, err)
		}
	}
	rows, err := s.conn.QueryContext(ctx, "SELECT DISTINCT substr(code, 1, 2) FROM units")
	if err != nil {
		return st, fmt.Errorf("gen: unit codes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return st, err
		}
		st.prefixes[p] = true
	}
	return st, rows.Err()
}

// categories reads the active case categories with their time limits.
func (s *sink) categories(ctx context.Context) ([]category, error) {
	rows, err := s.conn.QueryContext(ctx, s.q(`SELECT id, code, name, list, accept_days, days_normal, days_urgent, days_critical
		FROM case_categories WHERE active = ? ORDER BY id`), true)
	if err != nil {
		return nil, fmt.Errorf("gen: categories: %w", err)
	}
	defer rows.Close()
	var out []category
	for rows.Next() {
		var c category
		if err := rows.Scan(&c.id, &c.code, &c.name, &c.list, &c.accept, &c.days[0], &c.days[1], &c.days[2]); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// begin tunes the connection for loading and, on a fresh database, drops the big tables'
// secondary indexes. SQLite: no foreign-key checks (the rows are consistent by construction;
// the tests check them) and no fsync until the end — a load that fails leaves a database to
// delete anyway. PostgreSQL: commits don't wait for the WAL flush.
func (s *sink) begin(ctx context.Context, fresh bool) error {
	var set []string
	if s.d == storage.SQLite {
		set = []string{"PRAGMA foreign_keys = OFF", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -2097152"}
	} else {
		set = []string{"SET synchronous_commit = off"}
	}
	s.tuned = true
	for _, q := range set {
		if _, err := s.conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("gen: %s: %w", q, err)
		}
	}
	if !fresh {
		return nil
	}
	var q string
	if s.d == storage.SQLite {
		q = `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('` +
			strings.Join(bulkTables, "','") + `') ORDER BY name`
	} else {
		q = `SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
			JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
			WHERE n.nspname = current_schema() AND t.relname IN ('` + strings.Join(bulkTables, "','") + `')
			AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) ORDER BY c.relname`
	}
	rows, err := s.conn.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("gen: list indexes: %w", err)
	}
	var idx [][2]string
	for rows.Next() {
		var n, def string
		if err := rows.Scan(&n, &def); err != nil {
			rows.Close()
			return err
		}
		idx = append(idx, [2]string{n, def})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, x := range idx {
		if _, err := s.conn.ExecContext(ctx, "DROP INDEX "+x[0]); err != nil {
			return fmt.Errorf("gen: drop index %s: %w", x[0], err)
		}
		s.dropped = append(s.dropped, x)
	}
	return nil
}

// write writes one batch in one transaction.
func (s *sink) write(ctx context.Context, b *batch) error {
	if s.d == storage.Postgres {
		return s.conn.Raw(func(dc any) error {
			pc := dc.(*stdlib.Conn).Conn()
			tx, err := pc.Begin(ctx)
			if err != nil {
				return err
			}
			defer tx.Rollback(ctx)
			for _, t := range tables {
				if len(t.rows(b)) == 0 {
					continue
				}
				cols, rows := s.shape(t, t.rows(b))
				if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, cols, pgx.CopyFromRows(rows)); err != nil {
					return fmt.Errorf("copy %s: %w", t.name, err)
				}
			}
			return tx.Commit(ctx)
		})
	}
	// On SQLite one transaction spans many batches: the random-keyed unique indexes (case
	// numbers, tracking codes) then write each of their pages once a commit rather than once a
	// batch. The page cache is large enough to hold them.
	if s.tx == nil {
		tx, err := s.conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		s.tx, s.stmts = tx, map[string]*sql.Stmt{}
	}
	for _, t := range tables {
		cols, rows := s.shape(t, t.rows(b))
		if err := s.insert(ctx, t.name, cols, rows); err != nil {
			s.rollback()
			return fmt.Errorf("insert %s: %w", t.name, err)
		}
		s.pending += len(rows)
	}
	if s.pending >= sqliteCommitRows {
		return s.commit()
	}
	return nil
}

// sqliteCommitRows is how many rows (of any table) a SQLite transaction takes before it commits.
const sqliteCommitRows = 4_000_000

func (s *sink) commit() error {
	if s.tx == nil {
		return nil
	}
	for _, st := range s.stmts {
		st.Close()
	}
	err := s.tx.Commit()
	s.tx, s.stmts, s.pending = nil, nil, 0
	return err
}

func (s *sink) rollback() {
	if s.tx == nil {
		return
	}
	for _, st := range s.stmts {
		st.Close()
	}
	s.tx.Rollback()
	s.tx, s.stmts, s.pending = nil, nil, 0
}

// stmt returns the transaction's prepared statement for q.
func (s *sink) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := s.stmts[q]; ok {
		return st, nil
	}
	st, err := s.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	s.stmts[q] = st
	return st, nil
}

// insert writes rows with a prepared multi-row INSERT, many rows a statement, and the rest one
// by one.
func (s *sink) insert(ctx context.Context, name string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	per := max(1, min(100, 30000/len(cols)))
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	head := "INSERT INTO " + name + " (" + strings.Join(cols, ", ") + ") VALUES "
	if len(rows) >= per {
		st, err := s.stmt(ctx, head+strings.TrimSuffix(strings.Repeat(one+",", per), ","))
		if err != nil {
			return err
		}
		for len(rows) >= per {
			s.buf = s.buf[:0]
			for _, r := range rows[:per] {
				s.buf = append(s.buf, r...)
			}
			if _, err := st.ExecContext(ctx, s.buf...); err != nil {
				return err
			}
			rows = rows[per:]
		}
	}
	if len(rows) == 0 {
		return nil
	}
	st, err := s.stmt(ctx, head+one)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if _, err := st.ExecContext(ctx, r...); err != nil {
			return err
		}
	}
	return nil
}

// finish builds the dropped indexes again, moves PostgreSQL's sequences past the loaded ids and
// updates its statistics, and puts the connection's settings back (on SQLite, syncing the file).
func (s *sink) finish(ctx context.Context) error {
	if err := s.commit(); err != nil {
		return fmt.Errorf("gen: commit: %w", err)
	}
	if err := s.restoreIndexes(ctx); err != nil {
		return err
	}
	// The figures' tallies of the loaded cases (what the store keeps in step case by case).
	for _, st := range s.d.TallyRebuild() {
		if _, err := s.conn.ExecContext(ctx, st.SQL, st.Args...); err != nil {
			return fmt.Errorf("gen: tallies: %w", err)
		}
	}
	if s.d == storage.Postgres {
		for _, t := range identityTables {
			q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM %s", t, t)
			if _, err := s.conn.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("gen: sequence of %s: %w", t, err)
			}
		}
		// A bulk load leaves no statistics and no visibility map until autovacuum comes by.
		if _, err := s.conn.ExecContext(ctx, "VACUUM (ANALYZE) units, compounds, households, people, cases, case_events, case_counters, case_tallies"); err != nil {
			return fmt.Errorf("gen: vacuum: %w", err)
		}
	} else if _, err := s.conn.ExecContext(ctx, "ANALYZE"); err != nil {
		// SQLite's planner needs the statistics too (wide case lists walk the key, narrow ones an
		// index). A full ANALYZE, not a sampled one: only the full one fills sqlite_stat4, whose
		// range estimates make the difference for the case list (1.6 ms instead of 320 ms for the
		// first page of 100,000 cases).
		return fmt.Errorf("gen: analyze: %w", err)
	}
	return s.untune(ctx)
}

// abort is finish on the way out of a failed load: indexes back, settings back, errors ignored.
func (s *sink) abort() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	s.rollback()
	s.restoreIndexes(ctx)
	s.untune(ctx)
}

func (s *sink) restoreIndexes(ctx context.Context) error {
	if len(s.dropped) > 0 && s.d == storage.Postgres {
		s.conn.ExecContext(ctx, "SET maintenance_work_mem = '512MB'")
		defer s.conn.ExecContext(ctx, "RESET maintenance_work_mem")
	}
	for len(s.dropped) > 0 {
		x := s.dropped[0]
		if _, err := s.conn.ExecContext(ctx, x[1]); err != nil {
			return fmt.Errorf("gen: build index %s: %w", x[0], err)
		}
		s.dropped = s.dropped[1:]
	}
	return nil
}

func (s *sink) untune(ctx context.Context) error {
	if !s.tuned {
		return nil
	}
	s.tuned = false
	var set []string
	if s.d == storage.SQLite {
		// The store's settings (storage.Open): FULL sync, foreign keys on; then the WAL is
		// folded into the database file.
		set = []string{"PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON", "PRAGMA cache_size = -2000", "PRAGMA wal_checkpoint(TRUNCATE)"}
	} else {
		set = []string{"RESET synchronous_commit"}
	}
	var errs []error
	for _, q := range set {
		if _, err := s.conn.ExecContext(ctx, q); err != nil {
			errs = append(errs, fmt.Errorf("gen: %s: %w", q, err))
		}
	}
	return errors.Join(errs...)
}
