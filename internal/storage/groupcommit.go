package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// groupCommit runs SQLite's write transactions on one goroutine and commits the ones that arrive
// together as one database transaction, each in its own savepoint: the way database servers do
// group commit. With synchronous=FULL every commit costs an fsync; grouping lets many
// concurrent requests share one, so durability is not traded for throughput. A request whose
// function fails is rolled back to its savepoint alone; the others still commit. Each caller
// returns only after the commit that holds its work has succeeded.
type groupCommit struct {
	pool *sql.DB
	reqs chan *writeReq
	stop chan struct{}
	done chan struct{}
}

type writeReq struct {
	ctx context.Context
	db  *DB // the caller's store value (its clock stamps the records)
	fn  func(*Tx) error
	res chan error
}

// maxGroup bounds how many transactions share one commit, so one commit's latency stays short.
const maxGroup = 64

func newGroupCommit(pool *sql.DB) *groupCommit {
	g := &groupCommit{pool: pool, reqs: make(chan *writeReq), stop: make(chan struct{}), done: make(chan struct{})}
	go g.loop()
	return g
}

// do runs fn in the next group and waits for its outcome. fn must not itself write through the
// store (it would wait for the group it is part of).
func (g *groupCommit) do(ctx context.Context, db *DB, fn func(*Tx) error) error {
	r := &writeReq{ctx: ctx, db: db, fn: fn, res: make(chan error, 1)}
	select {
	case g.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.stop:
		return fmt.Errorf("storage: database closed")
	}
	// Once taken, the request runs to its outcome: waiting for it keeps "acknowledged" honest.
	return <-r.res
}

func (g *groupCommit) close() {
	close(g.stop)
	<-g.done
}

func (g *groupCommit) loop() {
	defer close(g.done)
	for {
		var first *writeReq
		select {
		case first = <-g.reqs:
		case <-g.stop:
			return
		}
		group := []*writeReq{first}
		// Take whatever else is waiting now; while this group commits, the next one gathers.
	gather:
		for len(group) < maxGroup {
			select {
			case r := <-g.reqs:
				group = append(group, r)
			default:
				break gather
			}
		}
		g.run(group)
	}
}

func (g *groupCommit) run(group []*writeReq) {
	// Once the group is done and the connection free again: prepare the statements it ran
	// unprepared (see stmtCache).
	defer group[0].db.wstmts.prepareWanted()
	fail := func(err error) {
		for _, r := range group {
			r.res <- err
		}
	}
	tx, err := g.pool.BeginTx(context.Background(), nil)
	if err != nil {
		fail(fmt.Errorf("storage: begin: %w", err))
		return
	}
	if len(group) == 1 {
		// Alone in its group: the transaction is the request's own, no savepoint needed.
		r := group[0]
		err := r.ctx.Err()
		if err == nil {
			err = r.fn(&Tx{tx: tx, d: SQLite, db: r.db, sc: r.db.wstmts})
		}
		if err != nil {
			tx.Rollback()
			r.res <- err
			return
		}
		if err := tx.Commit(); err != nil {
			r.res <- fmt.Errorf("storage: commit: %w", err)
			return
		}
		r.res <- nil
		return
	}
	var ok []*writeReq
	for _, r := range group {
		if err := r.ctx.Err(); err != nil {
			r.res <- err
			continue
		}
		if _, err := tx.Exec("SAVEPOINT w"); err != nil {
			r.res <- fmt.Errorf("storage: savepoint: %w", err)
			continue
		}
		if err := r.fn(&Tx{tx: tx, d: SQLite, db: r.db, sc: r.db.wstmts}); err != nil {
			if _, rbErr := tx.Exec("ROLLBACK TO w"); rbErr != nil {
				// The transaction is unusable: nothing of this group may commit.
				tx.Rollback()
				r.res <- err
				for _, o := range ok {
					o.res <- fmt.Errorf("storage: group rolled back: %w", rbErr)
				}
				g.failRest(group, r, rbErr)
				return
			}
			tx.Exec("RELEASE w")
			r.res <- err
			continue
		}
		if _, err := tx.Exec("RELEASE w"); err != nil {
			tx.Rollback()
			r.res <- fmt.Errorf("storage: release: %w", err)
			for _, o := range ok {
				o.res <- fmt.Errorf("storage: group rolled back: %w", err)
			}
			g.failRest(group, r, err)
			return
		}
		ok = append(ok, r)
	}
	if len(ok) == 0 {
		tx.Rollback()
		return
	}
	err = tx.Commit()
	if err != nil {
		err = fmt.Errorf("storage: commit: %w", err)
	}
	for _, r := range ok {
		r.res <- err
	}
}

// failRest answers the requests after r in group, which never ran.
func (g *groupCommit) failRest(group []*writeReq, r *writeReq, cause error) {
	seen := false
	for _, x := range group {
		if seen {
			x.res <- fmt.Errorf("storage: group rolled back: %w", cause)
		}
		if x == r {
			seen = true
		}
	}
}
