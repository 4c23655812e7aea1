// Package ratelimit limits how often each key (a client address, say) may do something: a
// token bucket per key, with a clock the caller can set and a bound on the keys it remembers.
//
// Each bucket holds up to Burst tokens and refills at Burst per Per; an event takes one token.
// The bucket is kept as the single instant at which it will be full again (the "theoretical
// arrival time" of GCRA, an exact equivalent of the token bucket), so a key costs one time
// value and no refill arithmetic drifts.
package ratelimit

import (
	"container/list"
	"sync"
	"time"
)

// DefaultMaxKeys bounds the keys a Limiter remembers unless told otherwise.
const DefaultMaxKeys = 10000

// Limiter is a set of token buckets, one per key. It is safe for concurrent use.
type Limiter struct {
	burst    int
	per      time.Duration // time to refill an empty bucket
	interval time.Duration // time to refill one token: per / burst
	now      func() time.Time
	maxKeys  int

	mu   sync.Mutex
	keys map[string]*list.Element // key → element of lru holding *entry
	lru  *list.List               // most recently used at the front
}

type entry struct {
	key  string
	full time.Time // when the bucket is full again; at or before now means full
}

// Option configures a Limiter.
type Option func(*Limiter)

// WithClock makes the limiter read the time from now (a test clock, say).
func WithClock(now func() time.Time) Option { return func(l *Limiter) { l.now = now } }

// WithMaxKeys bounds the keys remembered. When more keys are active, the least recently used
// bucket is forgotten, which makes it full again: memory stays bounded at the price of some
// leniency under a flood of distinct keys.
func WithMaxKeys(n int) Option {
	return func(l *Limiter) {
		if n > 0 {
			l.maxKeys = n
		}
	}
}

// New returns a limiter allowing each key burst events at once and burst events per period
// on average: New(5, 10*time.Minute) is "5 per 10 minutes". burst and per must be positive.
func New(burst int, per time.Duration, opts ...Option) *Limiter {
	if burst < 1 {
		burst = 1
	}
	if per <= 0 {
		per = time.Second
	}
	l := &Limiter{burst: burst, per: per, interval: per / time.Duration(burst), now: time.Now, maxKeys: DefaultMaxKeys,
		keys: map[string]*list.Element{}, lru: list.New()}
	if l.interval <= 0 {
		l.interval = 1
	}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Allow takes a token from key's bucket. It reports whether there was one and, when there was
// not, how long until there is.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	return l.take(key, true)
}

// Peek reports what Allow would, without taking the token: for callers that charge only for
// what succeeds (a report that was filed, not one refused for a typo).
func (l *Limiter) Peek(key string) (ok bool, retryAfter time.Duration) {
	return l.take(key, false)
}

func (l *Limiter) take(key string, take bool) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forgetFull(now)
	var e *entry
	if el, found := l.keys[key]; found {
		e = el.Value.(*entry)
		if take {
			l.lru.MoveToFront(el)
		}
	}
	full := now
	if e != nil && e.full.After(now) {
		full = e.full
	}
	next := full.Add(l.interval)
	// The bucket holds burst tokens: taking one is allowed while the refill owed stays within
	// one full period.
	if wait := next.Sub(now) - l.per; wait > 0 {
		return false, wait
	}
	if !take {
		return true, 0
	}
	if e == nil {
		for l.lru.Len() >= l.maxKeys {
			l.remove(l.lru.Back())
		}
		e = &entry{key: key}
		l.keys[key] = l.lru.PushFront(e)
	}
	e.full = next
	return true, 0
}

// Remaining returns how many tokens key's bucket holds now, without taking one.
func (l *Limiter) Remaining(key string) int {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	el, ok := l.keys[key]
	if !ok {
		return l.burst
	}
	owed := el.Value.(*entry).full.Sub(now)
	if owed <= 0 {
		return l.burst
	}
	// Tokens missing: owed refill time in whole intervals, rounded up.
	missing := int((owed + l.interval - 1) / l.interval)
	return max(0, l.burst-missing)
}

// Len returns how many keys the limiter remembers.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}

// forgetFull drops buckets that have refilled completely: they behave exactly like keys never
// seen. The least recently used are at the back, so it stops at the first bucket not yet full.
func (l *Limiter) forgetFull(now time.Time) {
	for el := l.lru.Back(); el != nil; el = l.lru.Back() {
		if el.Value.(*entry).full.After(now) {
			return
		}
		l.remove(el)
	}
}

func (l *Limiter) remove(el *list.Element) {
	delete(l.keys, el.Value.(*entry).key)
	l.lru.Remove(el)
}
