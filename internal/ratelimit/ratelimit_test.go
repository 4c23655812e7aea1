package ratelimit

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a settable time for the tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

func TestBurstThenRefusal(t *testing.T) {
	c := newClock()
	l := New(5, 10*time.Minute, WithClock(c.now))
	for i := range 5 {
		if ok, _ := l.Allow("1.2.3.4"); !ok {
			t.Fatalf("event %d of a burst of 5 refused", i+1)
		}
	}
	ok, wait := l.Allow("1.2.3.4")
	if ok {
		t.Fatal("a 6th event within the burst was allowed")
	}
	if wait != 2*time.Minute {
		t.Fatalf("retry after %v, want 2m (one token refills every 10m/5)", wait)
	}
	if l.Remaining("1.2.3.4") != 0 {
		t.Fatalf("remaining %d, want 0", l.Remaining("1.2.3.4"))
	}
}

func TestKeysAreIndependent(t *testing.T) {
	c := newClock()
	l := New(2, time.Minute, WithClock(c.now))
	l.Allow("a")
	l.Allow("a")
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("a: third event allowed")
	}
	for i := range 2 {
		if ok, _ := l.Allow("b"); !ok {
			t.Fatalf("b: event %d refused because of a", i+1)
		}
	}
}

func TestRefill(t *testing.T) {
	c := newClock()
	l := New(5, 10*time.Minute, WithClock(c.now))
	for range 5 {
		l.Allow("k")
	}
	c.advance(2*time.Minute - time.Second)
	if ok, wait := l.Allow("k"); ok || wait != time.Second {
		t.Fatalf("one second before a token refills: ok=%v wait=%v", ok, wait)
	}
	c.advance(time.Second)
	if ok, _ := l.Allow("k"); !ok {
		t.Fatal("a refilled token was not given")
	}
	if ok, _ := l.Allow("k"); ok {
		t.Fatal("only one token had refilled, a second was given")
	}
	// A long pause refills the bucket to its burst, never beyond.
	c.advance(time.Hour)
	if got := l.Remaining("k"); got != 5 {
		t.Fatalf("remaining after an hour %d, want 5", got)
	}
	n := 0
	for {
		if ok, _ := l.Allow("k"); !ok {
			break
		}
		n++
	}
	if n != 5 {
		t.Fatalf("after a long pause %d events allowed, want the burst of 5", n)
	}
}

func TestSteadyRate(t *testing.T) {
	c := newClock()
	l := New(3, 3*time.Second, WithClock(c.now))
	allowed := 0
	// 100 seconds at 10 attempts per second: the burst of 3, then one per second.
	for range 1000 {
		if ok, _ := l.Allow("k"); ok {
			allowed++
		}
		c.advance(100 * time.Millisecond)
	}
	if allowed < 100 || allowed > 103 {
		t.Fatalf("allowed %d over 100 s at 1/s with burst 3", allowed)
	}
}

func TestPeekTakesNothing(t *testing.T) {
	c := newClock()
	l := New(2, time.Minute, WithClock(c.now))
	for range 10 {
		if ok, _ := l.Peek("k"); !ok {
			t.Fatal("peek refused on a full bucket")
		}
	}
	l.Allow("k")
	l.Allow("k")
	if ok, wait := l.Peek("k"); ok || wait != 30*time.Second {
		t.Fatalf("peek on an empty bucket: ok=%v wait=%v", ok, wait)
	}
	if l.Len() != 1 {
		t.Fatalf("peeking remembered keys: %d", l.Len())
	}
}

func TestRefusedEventsTakeNothing(t *testing.T) {
	c := newClock()
	l := New(1, time.Minute, WithClock(c.now))
	l.Allow("k")
	for range 50 { // hammering while refused must not push the refill further out
		l.Allow("k")
	}
	c.advance(time.Minute)
	if ok, _ := l.Allow("k"); !ok {
		t.Fatal("refused attempts delayed the refill")
	}
}

func TestMemoryBounded(t *testing.T) {
	c := newClock()
	l := New(2, time.Minute, WithClock(c.now), WithMaxKeys(100))
	for i := range 1000 {
		l.Allow(fmt.Sprint("key", i))
		if l.Len() > 100 {
			t.Fatalf("%d keys remembered, bound is 100", l.Len())
		}
	}
	// The most recent keys are still limited.
	l.Allow("key999")
	if ok, _ := l.Allow("key999"); ok {
		t.Fatal("the most recent key lost its bucket")
	}
}

func TestFullBucketsForgotten(t *testing.T) {
	c := newClock()
	l := New(2, time.Minute, WithClock(c.now))
	for i := range 50 {
		l.Allow(fmt.Sprint("key", i))
	}
	if l.Len() != 50 {
		t.Fatalf("%d keys, want 50", l.Len())
	}
	c.advance(time.Minute)
	l.Allow("fresh")
	if l.Len() != 1 {
		t.Fatalf("%d keys remembered after every old bucket refilled, want 1", l.Len())
	}
}

func TestConcurrent(t *testing.T) {
	c := newClock()
	l := New(10, time.Hour, WithClock(c.now))
	var ok atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if y, _ := l.Allow("shared"); y {
					ok.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 10 {
		t.Fatalf("%d events allowed from 1000 concurrent attempts, want exactly the burst of 10", ok.Load())
	}
}

func TestDefaults(t *testing.T) {
	l := New(0, 0)
	if ok, _ := l.Allow("k"); !ok {
		t.Fatal("a limiter with nonsense settings refused its first event")
	}
	if l.maxKeys != DefaultMaxKeys {
		t.Fatalf("max keys %d", l.maxKeys)
	}
}
