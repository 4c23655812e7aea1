package storage

import (
	"context"
	"database/sql"
	"time"
)

// checkpointer copies SQLite's write-ahead log back into the database file from a connection of
// its own, so that the writer never does it. By default SQLite checkpoints inside the commit that
// takes the log past 1,000 pages: the group commit's goroutine then copied pages and synced the
// database file while every request waited (a third of its commit time). Here the writer has
// wal_autocheckpoint off and this goroutine runs a PASSIVE checkpoint, which never blocks the
// writer or the readers, every checkpointEvery. It changes nothing about durability: a commit is
// durable once its log frames are synced, which the writer still does (synchronous=FULL).
type checkpointer struct {
	conn *sql.DB
	stop chan struct{}
	done chan struct{}
}

// checkpointEvery is how often the log is copied back. A longer period copies each page that
// changed many times once; the log grows to what the writer wrote in that time (journal_size_limit
// trims the file after a reset).
const checkpointEvery = 250 * time.Millisecond

func newCheckpointer(conn *sql.DB) *checkpointer {
	c := &checkpointer{conn: conn, stop: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	return c
}

func (c *checkpointer) loop() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.run(context.Background())
		}
	}
}

// run copies what the log holds and the readers no longer need; a failure is left for the next
// tick (the log keeps every commit meanwhile).
func (c *checkpointer) run(ctx context.Context) (logFrames, copied int, err error) {
	var busy int
	err = c.conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &copied)
	return logFrames, copied, err
}

// close stops the goroutine and closes its connection; SQLite checkpoints the log in full when the
// last connection closes.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.conn.Close()
}
