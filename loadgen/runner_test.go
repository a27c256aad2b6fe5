package loadgen

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when slept on or advanced.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) SleepUntil(ctx context.Context, t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
	return ctx.Err()
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// TestOpenLoopCountsQueueing runs an open loop with one worker against a
// server that takes 10ms while the schedule asks for one request every 5ms:
// each request waits for the previous ones, and its latency, measured from
// its scheduled time, grows by 5ms per request (coordinated omission would
// report 10ms for every one).
func TestOpenLoopCountsQueueing(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{now: epoch}
	var sent []time.Time
	l := &loop{clock: clk, workers: 1, rate: 200, duration: time.Second,
		iteration: func(i int64) []step { return []step{{op: "Op"}} },
		send: func(ctx context.Context, s step) string {
			sent = append(sent, clk.Now())
			clk.advance(10 * time.Millisecond)
			return ""
		},
	}
	res := l.run(t.Context())
	// Requests are sent back to back, every 10ms, for the second.
	if len(sent) != 100 {
		t.Fatalf("sent %d requests, want 100", len(sent))
	}
	if res.scheduled != 200 {
		t.Errorf("scheduled %d iterations in the window, want 200", res.scheduled)
	}
	if res.rec.iterations != 100 {
		t.Errorf("measured %d iterations, want 100", res.rec.iterations)
	}
	h := res.rec.ops["Op"].hist
	// Request i is scheduled at 5i ms and answered at 10(i+1) ms.
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 255 * time.Millisecond}, {1, 505 * time.Millisecond}} {
		got := h.Quantile(c.q)
		if d := (got - c.want).Abs(); d > c.want/100 {
			t.Errorf("q%v = %v, want %v", c.q, got, c.want)
		}
	}
	if min := h.Quantile(0); min != 10*time.Millisecond {
		t.Errorf("fastest request %v, want 10ms", min)
	}
}

// TestOpenLoopKeepsSchedule: with a fast server and spare workers every
// scheduled iteration is sent at its time; warmup iterations are not
// measured.
func TestOpenLoopKeepsSchedule(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{now: epoch}
	var sent []time.Time
	l := &loop{clock: clk, workers: 1, rate: 1000, warmup: 100 * time.Millisecond, duration: 500 * time.Millisecond,
		iteration: func(i int64) []step { return []step{{op: "Op"}} },
		send: func(ctx context.Context, s step) string {
			sent = append(sent, clk.Now())
			clk.advance(100 * time.Microsecond)
			return ""
		},
	}
	res := l.run(t.Context())
	if len(sent) != 600 {
		t.Fatalf("sent %d requests, want 600", len(sent))
	}
	for i, at := range sent {
		if want := epoch.Add(time.Duration(i) * time.Millisecond); !at.Equal(want) {
			t.Fatalf("request %d sent at %v, want %v", i, at.Sub(epoch), want.Sub(epoch))
		}
	}
	if res.rec.iterations != 500 || res.scheduled != 500 {
		t.Errorf("measured %d of %d scheduled iterations, want 500 of 500", res.rec.iterations, res.scheduled)
	}
	if got := res.rec.ops["Op"].hist.Max(); got != 100*time.Microsecond {
		t.Errorf("max latency %v, want 100µs", got)
	}
}

// TestClosedLoopStopsAfterFailedStep: a closed loop sends back to back, and
// an iteration's later steps are skipped when one fails.
func TestClosedLoopStopsAfterFailedStep(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{now: epoch}
	creates := 0
	l := &loop{clock: clk, workers: 1, duration: time.Second,
		iteration: func(i int64) []step { return []step{{op: "Create"}, {op: "Delete"}} },
		send: func(ctx context.Context, s step) string {
			clk.advance(time.Millisecond)
			if s.op == "Create" {
				if creates++; creates%5 == 0 {
					return "ThrottlingException"
				}
			}
			return ""
		},
	}
	res := l.run(t.Context())
	c, d := res.rec.ops["Create"], res.rec.ops["Delete"]
	if n := c.hist.Count() + d.hist.Count(); n != 1000 && n != 1001 {
		t.Errorf("%d + %d requests in 1s of 1ms requests, want 1000", c.hist.Count(), d.hist.Count())
	}
	if got := c.errors["ThrottlingException"]; got == 0 || uint64(got)+d.hist.Count() != c.hist.Count() {
		t.Errorf("%d failed Creates, %d Creates, %d Deletes: a Delete must follow each successful Create only", got, c.hist.Count(), d.hist.Count())
	}
}

// TestOpenLoopReal runs a short open loop in real time against a server that
// counts requests. The count is checked with generous bounds, not as timing.
func TestOpenLoopReal(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.Header.Get("Authorization") == "" {
			w.Header().Set("X-Amzn-ErrorType", "MissingAuthenticationTokenException:http://internal.amazon.com/coral/")
			w.WriteHeader(403)
			return
		}
		fmt.Fprint(w, `{"Status":200}`)
	}))
	defer srv.Close()
	cfg, err := Config{Endpoint: srv.URL, AccountID: "111122223333", Rate: 200, Duration: 500 * time.Millisecond,
		Warmup: 100 * time.Millisecond, Credentials: testCreds}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Scenario = baseline
	rep, err := run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := n.Load(); got < 40 || got > 130 {
		t.Errorf("server saw %d requests for 0.6s at 200/s", got)
	}
	if rep.Requests < 30 || rep.Requests > 110 || rep.Errors != 0 || rep.Mode != "open" {
		t.Errorf("report: %d requests, %d errors, mode %s; want about 100, none, open", rep.Requests, rep.Errors, rep.Mode)
	}
}
