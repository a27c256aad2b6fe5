// Package throttle limits request rates per account and operation class with
// token buckets, as AWS throttles API calls: a caller over its rate gets
// ThrottlingException, which the AWS SDKs retry with backoff.
//
// Buckets live in the process: behind a load balancer, each replica allows the
// configured rate, so the account's total is the rate times the replicas.
package throttle

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Class groups operations that share a bucket.
type Class int

// The operation classes.
const (
	Read  Class = iota // Describe, List, Search
	Write              // Create, Update, Delete, permissions and tags
	numClasses
)

// Limit is the rate of one class: Rate requests per second on average, with
// bursts of up to Burst. A zero Rate means no limit.
type Limit struct {
	Rate  float64
	Burst int
}

// Config configures a Limiter. The zero Config limits nothing.
type Config struct {
	Read, Write Limit
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// idleAfter is how long an account's buckets are kept without use; a bucket
// idle that long is full again, so dropping it changes nothing.
const idleAfter = 10 * time.Minute

// Limiter holds the buckets of every account. It is safe for concurrent use.
type Limiter struct {
	limits [numClasses]Limit
	now    func() time.Time

	mu      sync.Mutex
	buckets map[key]*bucket
	swept   time.Time
}

type key struct {
	account string
	class   Class
}

type bucket struct {
	limiter *rate.Limiter
	used    time.Time
}

// New returns a Limiter for cfg.
func New(cfg Config) *Limiter {
	l := &Limiter{limits: [numClasses]Limit{Read: cfg.Read, Write: cfg.Write}, now: cfg.Now, buckets: make(map[key]*bucket)}
	if l.now == nil {
		l.now = time.Now
	}
	return l
}

// Allow takes a token from the account's bucket of class c and reports
// whether there was one.
func (l *Limiter) Allow(account string, c Class) bool {
	lim := l.limits[c]
	if lim.Rate <= 0 {
		return true
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > idleAfter {
		for k, b := range l.buckets {
			if now.Sub(b.used) > idleAfter {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	k := key{account, c}
	b := l.buckets[k]
	if b == nil {
		b = &bucket{limiter: rate.NewLimiter(rate.Limit(lim.Rate), max(lim.Burst, 1))}
		l.buckets[k] = b
	}
	b.used = now
	return b.limiter.AllowN(now, 1)
}
