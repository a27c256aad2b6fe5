package audit_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/audit"
	"github.com/actiongate/actiongate/store/sqlite"
)

// benchEvent is a Describe's event as the server records it.
func benchEvent(i int) actiongate.AuditEvent {
	return actiongate.AuditEvent{
		Time:        time.Now(),
		RequestID:   fmt.Sprintf("8ec2b38e-cf14-47cc-9c6b-%012d", i),
		AccountID:   "111122223333",
		IdentityARN: "arn:aws:iam::111122223333:user/actiongate/AKIAWD3BCXOBGWN35Q4U",
		AccessKeyID: "AKIAWD3BCXOBGWN35Q4U",
		Operation:   "DescribeActionConnector",
		ResourceARN: fmt.Sprintf("arn:aws:quicksight:us-east-1:111122223333:action-connector/lg0a1b2c3d-s-%d", i%100),
		Outcome:     actiongate.AuditSuccess,
		SourceIP:    "127.0.0.1",
	}
}

// BenchmarkAppend appends batches of events to SQLite (WAL,
// synchronous=FULL), as the Recorder's writer does, in batches of 256 and of
// the Recorder's default size; ns/op and cpu-ns/op (the process's CPU time,
// the database's writes included) are per event. The events address 100
// connectors, so that each batch touches many index pages, as a server's do:
//
//	go test ./audit -run '^$' -bench Append
func BenchmarkAppend(b *testing.B) {
	for _, size := range []int{256, audit.DefaultBatchSize} {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) { benchAppend(b, size) })
	}
}

func benchAppend(b *testing.B, size int) {
	db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "audit.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	batch := make([]actiongate.AuditEvent, size)
	for i := range batch {
		batch[i] = benchEvent(i)
	}
	b.ReportAllocs()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		if n%len(batch) == 0 {
			// Times grow, as the server's do, so that every index is
			// appended to at its end.
			now := time.Now()
			for i := range batch {
				batch[i].Time = now.Add(time.Duration(i))
			}
			if err := db.AuditAppend(b.Context(), batch...); err != nil {
				b.Fatal(err)
			}
		}
		n++
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(n), "cpu-ns/op")
}

// cpuTime returns the CPU time this process used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRecord measures Record on the request path (cleaning the event and
// queueing it, or dropping it when the buffer is full), with a store that
// discards what it is given.
func BenchmarkRecord(b *testing.B) {
	r := audit.Start(audit.Config{Store: discard{}, Logger: slog.New(slog.DiscardHandler)})
	defer r.Close(b.Context())
	e := benchEvent(0)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r.Record(e)
		}
	})
	if s := r.Stats(); s.Recorded == 0 {
		b.Fatalf("nothing recorded: %+v", s)
	}
}

type discard struct{}

func (discard) AuditAppend(_ context.Context, _ ...actiongate.AuditEvent) error { return nil }
