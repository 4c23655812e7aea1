// Package jobs runs the platform's background work: each job every interval, but only while
// this process holds the job's lease in the database, so that two instances of the platform on
// one database never run the same job at once. A job stops when its context is canceled and
// gives its lease up, so another instance can take over at once.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"time"
)

// Leaser takes and gives up named job leases (storage.DB does).
type Leaser interface {
	TryLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
}

// Job is one piece of background work.
type Job struct {
	Name  string        // also the lease's name
	Every time.Duration // how often it runs
	Run   func(ctx context.Context) error
}

// Runner runs jobs under leases held as Holder.
type Runner struct {
	Leases Leaser
	Holder string // unique per process: NewHolder
	Log    *slog.Logger
}

// NewHolder returns a lease holder id unique to this process: host, process id and a random
// part (two processes in containers may share a host name and a pid).
func NewHolder() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// leaseTTL is how long a lease lasts without renewal: three runs, so a slow run keeps it and a
// dead holder's lease passes to another instance within a few intervals.
func leaseTTL(every time.Duration) time.Duration { return max(3*every, 30*time.Second) }

// Start runs each job in its own goroutine until ctx is canceled or the returned stop is
// called; stop waits until every job has finished its run and released its lease.
func (r *Runner) Start(ctx context.Context, jobs ...Job) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.loop(ctx, j)
		}()
	}
	return func() {
		cancel()
		wg.Wait()
	}
}

func (r *Runner) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}

// loop runs one job: at start, then every interval, each time renewing the lease first and
// running only while it is held.
func (r *Runner) loop(ctx context.Context, j Job) {
	held := false
	defer func() {
		// Give the lease up at shutdown with a context of its own: ctx is canceled already.
		rc, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := r.Leases.ReleaseLease(rc, j.Name, r.Holder); err != nil {
			r.log().Warn("job lease release", "job", j.Name, "err", err)
		}
	}()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		ok, err := r.Leases.TryLease(ctx, j.Name, r.Holder, leaseTTL(j.Every))
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			r.log().Error("job lease", "job", j.Name, "err", err)
		case ok != held:
			held = ok
			if ok {
				r.log().Info("job lease taken", "job", j.Name, "holder", r.Holder)
			} else {
				r.log().Info("job lease lost", "job", j.Name, "holder", r.Holder)
			}
		}
		if ok && err == nil {
			r.runOnce(ctx, j)
		}
		timer.Reset(j.Every)
	}
}

// runOnce runs a job, logging its error; a panic is logged, not fatal to the server.
func (r *Runner) runOnce(ctx context.Context, j Job) {
	defer func() {
		if v := recover(); v != nil {
			r.log().Error("job panic", "job", j.Name, "panic", v, "stack", string(debug.Stack()))
		}
	}()
	if err := j.Run(ctx); err != nil && ctx.Err() == nil {
		r.log().Error("job failed", "job", j.Name, "err", err)
	}
}
