package loadgen

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// clock is the time source of the load loops; tests inject a fake one.
type clock interface {
	Now() time.Time
	// SleepUntil returns at t or when ctx is done, with ctx's error.
	SleepUntil(ctx context.Context, t time.Time) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) SleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// opStats is what one worker recorded for one operation.
type opStats struct {
	hist   *Histogram
	errors map[string]int64
}

// recorder holds one worker's measurements; only that worker writes it.
type recorder struct {
	ops        map[string]*opStats
	order      []string // operations in the order first seen
	iterations int64    // measured iterations started
}

func newRecorder() *recorder { return &recorder{ops: map[string]*opStats{}} }

func (r *recorder) record(op string, d time.Duration, code string) {
	s := r.ops[op]
	if s == nil {
		s = &opStats{hist: NewHistogram(), errors: map[string]int64{}}
		r.ops[op] = s
		r.order = append(r.order, op)
	}
	s.hist.Record(d)
	if code != "" {
		s.errors[code]++
	}
}

func (r *recorder) merge(o *recorder) {
	for _, op := range o.order {
		s := o.ops[op]
		t := r.ops[op]
		if t == nil {
			t = &opStats{hist: NewHistogram(), errors: map[string]int64{}}
			r.ops[op] = t
			r.order = append(r.order, op)
		}
		t.hist.Merge(s.hist)
		for k, v := range s.errors {
			t.errors[k] += v
		}
	}
	r.iterations += o.iterations
}

// loop is the load loop of a run, independent of HTTP so that it can be
// tested with a fake clock and a fake send.
type loop struct {
	clock    clock
	workers  int
	rate     float64 // iterations per second; 0 for a closed loop
	warmup   time.Duration
	duration time.Duration
	// iteration returns the steps of iteration i.
	iteration func(i int64) []step
	// send performs one step and returns its error code, "" on success.
	send func(ctx context.Context, s step) string
	// started, if set, is called with the start of the measured window
	// before any request is sent.
	started func(start time.Time)
}

// loopResult is what a loop measured.
type loopResult struct {
	rec        *recorder
	start, end time.Time // the measured window
	scheduled  int64     // open loop: iterations scheduled in the window
}

// run runs the loop: warmup, then the measured window, then it waits for the
// iterations in flight. In a closed loop each worker starts its next
// iteration when the last one ends, and latency is measured from each
// request's send. In an open loop iteration i is scheduled at start+i/rate
// whether or not earlier ones have answered; a free worker takes the next
// iteration, waits for its time and sends it, and the first request's latency
// is measured from the scheduled time, so that time spent queued for a worker
// counts (no coordinated omission). Workers stop taking iterations at the end
// of the window; iterations scheduled in the window but not started by its
// end are counted in scheduled, not in rec.
func (l *loop) run(ctx context.Context) loopResult {
	begin := l.clock.Now()
	res := loopResult{start: begin.Add(l.warmup), rec: newRecorder()}
	res.end = res.start.Add(l.duration)
	if l.started != nil {
		l.started(res.start)
	}
	var interval float64
	if l.rate > 0 {
		interval = float64(time.Second) / l.rate
	}
	at := func(i int64) time.Time { return begin.Add(time.Duration(float64(i) * interval)) }
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		recs = make([]*recorder, l.workers)
	)
	for w := range recs {
		rec := newRecorder()
		recs[w] = rec
		wg.Go(func() {
			for ctx.Err() == nil {
				now := l.clock.Now()
				if !now.Before(res.end) {
					return
				}
				i := next.Add(1) - 1
				sent := now
				if l.rate > 0 {
					sent = at(i)
					if !sent.Before(res.end) {
						return
					}
					if err := l.clock.SleepUntil(ctx, sent); err != nil {
						return
					}
				}
				measured := !sent.Before(res.start)
				if measured {
					rec.iterations++
				}
				for _, s := range l.iteration(i) {
					code := l.send(ctx, s)
					if ctx.Err() != nil {
						return // cut short by the caller: not a measurement
					}
					done := l.clock.Now()
					if measured {
						rec.record(s.op, done.Sub(sent), code)
					}
					if code != "" {
						break // a Delete after a failed Create would only fail
					}
					sent = done
				}
			}
		})
	}
	wg.Wait()
	for _, r := range recs {
		res.rec.merge(r)
	}
	if l.rate > 0 {
		// Iterations with at(i) in [start, end).
		first := ceilIndex(l.warmup, interval)
		last := ceilIndex(l.warmup+l.duration, interval)
		res.scheduled = last - first
	}
	return res
}

// ceilIndex returns the smallest i with i*interval >= d.
func ceilIndex(d time.Duration, interval float64) int64 {
	i := int64(float64(d) / interval)
	for float64(i)*interval < float64(d) {
		i++
	}
	for i > 0 && float64(i-1)*interval >= float64(d) {
		i--
	}
	return i
}
