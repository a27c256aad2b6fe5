package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/actiongate/actiongate"
	"github.com/google/go-cmp/cmp"
)

// fakeStore keeps the batches appended to it. When gate is not nil, each
// append waits for a value from it; when fail is set, appends fail.
type fakeStore struct {
	mu      sync.Mutex
	batches [][]string // the request ids of each batch
	gate    chan struct{}
	fail    bool
	deleted []time.Time
}

func (f *fakeStore) AuditAppend(ctx context.Context, events ...actiongate.AuditEvent) error {
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return errors.New("database down")
	}
	var ids []string
	for _, e := range events {
		ids = append(ids, e.RequestID)
	}
	f.batches = append(f.batches, ids)
	return nil
}

func (f *fakeStore) AuditDelete(ctx context.Context, before time.Time) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleted = append(f.deleted, before)
	return 3, nil
}

func (f *fakeStore) sizes() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	var n []int
	for _, b := range f.batches {
		n = append(n, len(b))
	}
	return n
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func event(i int) actiongate.AuditEvent {
	return actiongate.AuditEvent{Time: time.Now(), RequestID: fmt.Sprint("r", i), Operation: "Op", Outcome: actiongate.AuditSuccess}
}

func closeRecorder(t *testing.T, r *Recorder) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := r.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// TestBatches checks that full batches are written at once, without waiting
// for the flush interval, and that Close writes the rest in order.
func TestBatches(t *testing.T) {
	t.Parallel()
	st := &fakeStore{}
	r := Start(Config{Store: st, BatchSize: 3, FlushInterval: time.Hour, Logger: quiet()})
	for i := range 7 {
		r.Record(event(i))
	}
	waitFor(t, func() bool { return len(st.sizes()) == 2 })
	if diff := cmp.Diff([]int{3, 3}, st.sizes()); diff != "" {
		t.Errorf("batch sizes before Close (-want +got):\n%s", diff)
	}
	closeRecorder(t, r)
	want := [][]string{{"r0", "r1", "r2"}, {"r3", "r4", "r5"}, {"r6"}}
	if diff := cmp.Diff(want, st.batches); diff != "" {
		t.Errorf("batches (-want +got):\n%s", diff)
	}
	if s := r.Stats(); s.Recorded != 7 || s.Written != 7 || s.Dropped != 0 || s.Failed != 0 {
		t.Errorf("Stats = %+v", s)
	}
}

// TestFlushInterval checks that a batch that does not fill is written after
// the flush interval.
func TestFlushInterval(t *testing.T) {
	t.Parallel()
	st := &fakeStore{}
	r := Start(Config{Store: st, BatchSize: 100, FlushInterval: 20 * time.Millisecond, Logger: quiet()})
	defer closeRecorder(t, r)
	start := time.Now()
	r.Record(event(1))
	r.Record(event(2))
	waitFor(t, func() bool { return len(st.sizes()) == 1 })
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Errorf("written after %v, before the flush interval", d)
	}
	if diff := cmp.Diff([]int{2}, st.sizes()); diff != "" {
		t.Errorf("batch sizes (-want +got):\n%s", diff)
	}
	r.Record(event(3))
	waitFor(t, func() bool { return len(st.sizes()) == 2 })
}

// TestBoundedBuffer checks that Record never blocks: with the store stuck,
// events beyond the buffer are dropped and counted, and Close gives up when
// its context ends.
func TestBoundedBuffer(t *testing.T) {
	t.Parallel()
	st := &fakeStore{gate: make(chan struct{})}
	r := Start(Config{Store: st, BufferSize: 4, BatchSize: 1, FlushInterval: time.Millisecond, Logger: quiet()})
	start := time.Now()
	for i := range 100 {
		r.Record(event(i))
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("100 Records took %v with the store stuck", d)
	}
	s := r.Stats()
	// The writer holds at most one event while it waits, the buffer four.
	if s.Recorded > 5 || s.Recorded+s.Dropped != 100 {
		t.Errorf("Stats = %+v: want at most 5 recorded and the rest dropped", s)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := r.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close with the store stuck = %v, want the context's error", err)
	}
	r.Record(event(100))
	if got := r.Stats().Dropped; got != s.Dropped+1 {
		t.Errorf("Dropped = %d after a Record after Close, want %d", got, s.Dropped+1)
	}
	close(st.gate) // let the writer finish
	closeRecorder(t, r)
	if s := r.Stats(); s.Written != s.Recorded {
		t.Errorf("Stats = %+v: every recorded event should be written once the store answers", s)
	}
}

// TestFailedWrite checks that a batch the store refuses is counted and logged,
// and that the recorder goes on.
func TestFailedWrite(t *testing.T) {
	t.Parallel()
	st := &fakeStore{fail: true}
	var logs strings.Builder
	var mu sync.Mutex
	r := Start(Config{Store: st, BatchSize: 2, FlushInterval: time.Hour,
		Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil))})
	r.Record(event(1))
	r.Record(event(2))
	waitFor(t, func() bool { return r.Stats().Failed == 2 })
	st.mu.Lock()
	st.fail = false
	st.mu.Unlock()
	r.Record(event(3))
	r.CountUnattributed()
	closeRecorder(t, r)
	if s := r.Stats(); s.Written != 1 || s.Failed != 2 || s.Unattributed != 1 {
		t.Errorf("Stats = %+v", s)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, want := range []string{"audit events lost", "events=2", "database down", "requests_total=1"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}

// TestClean checks what Record makes of text a client chose.
func TestClean(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", MaxFieldBytes) // two bytes each
	cases := []struct{ in, want string }{
		{"arn:aws:quicksight:us-east-1:111122223333:action-connector/c", "arn:aws:quicksight:us-east-1:111122223333:action-connector/c"},
		{"a\x00b\nc", "a\uFFFDb\uFFFDc"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{long, long[:MaxFieldBytes]},
		{"x" + long, "x" + long[:MaxFieldBytes-2]},
	}
	for _, c := range cases {
		e := clean(actiongate.AuditEvent{ResourceARN: c.in, Time: time.Date(2026, 1, 2, 3, 4, 5, 6789, time.FixedZone("x", 3600))})
		if e.ResourceARN != c.want {
			t.Errorf("clean(%q) = %q, want %q", c.in, e.ResourceARN, c.want)
		}
		if want := time.Date(2026, 1, 2, 2, 4, 5, 6000, time.UTC); !e.Time.Equal(want) || e.Time.Location() != time.UTC {
			t.Errorf("time %v, want %v", e.Time, want)
		}
	}
}

func TestRetention(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	st := &fakeStore{}
	rt := &Retention{Store: st, MaxAge: 90 * 24 * time.Hour, Now: func() time.Time { return now }}
	n, err := rt.Expire(t.Context())
	if err != nil || n != 3 {
		t.Fatalf("Expire = %d, %v", n, err)
	}
	if want := now.Add(-90 * 24 * time.Hour); len(st.deleted) != 1 || !st.deleted[0].Equal(want) {
		t.Errorf("deleted before %v, want %v", st.deleted, want)
	}
	forever := &Retention{Store: st}
	if n, err := forever.Expire(t.Context()); n != 0 || err != nil || len(st.deleted) != 1 {
		t.Errorf("a zero MaxAge deleted: %d, %v", n, err)
	}
	forever.Run(t.Context()) // returns at once

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		(&Retention{Store: st, MaxAge: time.Hour, Interval: time.Millisecond, Logger: quiet()}).Run(ctx)
		close(done)
	}()
	waitFor(t, func() bool { st.mu.Lock(); defer st.mu.Unlock(); return len(st.deleted) >= 4 })
	cancel()
	<-done
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}
