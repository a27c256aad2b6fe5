package throttle

import (
	"testing"
	"time"
)

func TestAllow(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(Config{Read: Limit{Rate: 2, Burst: 3}, Write: Limit{Rate: 1, Burst: 1}, Now: func() time.Time { return now }})
	for i := range 3 {
		if !l.Allow("111122223333", Read) {
			t.Fatalf("read %d within the burst was refused", i)
		}
	}
	if l.Allow("111122223333", Read) {
		t.Error("a read past the burst was allowed")
	}
	if !l.Allow("444455556666", Read) {
		t.Error("another account shares the first account's bucket")
	}
	if !l.Allow("111122223333", Write) || l.Allow("111122223333", Write) {
		t.Error("the write bucket does not hold one token")
	}
	now = now.Add(500 * time.Millisecond) // refills one read token at 2/s
	if !l.Allow("111122223333", Read) || l.Allow("111122223333", Read) {
		t.Error("half a second at 2/s did not refill exactly one token")
	}
}

func TestZeroConfigLimitsNothing(t *testing.T) {
	t.Parallel()
	l := New(Config{})
	for range 10_000 {
		if !l.Allow("111122223333", Write) {
			t.Fatal("the zero Config refused a request")
		}
	}
}

func TestIdleBucketsAreDropped(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(Config{Read: Limit{Rate: 1, Burst: 1}, Now: func() time.Time { return now }})
	for i := range 100 {
		l.Allow(string(rune('a'+i%26))+"-account", Read)
	}
	now = now.Add(idleAfter + time.Second)
	l.Allow("fresh", Read)
	if n := len(l.buckets); n != 1 {
		t.Errorf("%d buckets after every other account went idle, want 1", n)
	}
}
