package storage

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps the prepared statements of one SQLite pool, by SQL text. The SQLite driver
// parses and plans a statement on every call that is not prepared; for the statements a request
// runs again and again that was a third of the server's CPU (wuxing bench, intake). Prepared
// through database/sql, a statement is parsed once per connection: Tx.StmtContext reuses the
// statement already prepared on the transaction's connection, or prepares it there once.
// PostgreSQL needs none of this: pgx caches its statements per connection itself.
//
// A statement is prepared on the pool, which needs a free connection: never from inside a
// transaction (the writer pool has one connection, which that transaction holds). So the first
// time a statement is seen it runs unprepared and is noted as wanted; the pool prepares what is
// wanted once the transaction has ended (prepareWanted).
type stmtCache struct {
	pool   *sql.DB
	mu     sync.Mutex
	m      map[string]*sql.Stmt
	wanted map[string]bool
}

// stmtCacheMax bounds the cache: statements built with a variable number of placeholders (IN
// lists, filters) beyond it are simply not cached.
const stmtCacheMax = 1000

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, m: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// get returns the prepared statement for q, or nil (the caller runs q directly), noting it as
// wanted the first time.
func (c *stmtCache) get(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.m[q]
	if !ok && len(c.m)+len(c.wanted) < stmtCacheMax {
		c.wanted[q] = true
	}
	return st
}

// prepareWanted prepares the statements noted as wanted. A statement that does not prepare is
// dropped: it runs unprepared and reports its own error there.
func (c *stmtCache) prepareWanted() {
	if c == nil {
		return
	}
	c.mu.Lock()
	if len(c.wanted) == 0 {
		c.mu.Unlock()
		return
	}
	var qs []string
	for q := range c.wanted {
		qs = append(qs, q)
	}
	clear(c.wanted)
	c.mu.Unlock()
	for _, q := range qs {
		st, err := c.pool.PrepareContext(context.Background(), q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, ok := c.m[q]; ok || len(c.m) >= stmtCacheMax {
			st.Close()
		} else {
			c.m[q] = st
		}
		c.mu.Unlock()
	}
}

// close closes every statement, before the pool closes.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}
