package storetest

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/actiongate/actiongate"
)

const benchAccount = "111111111111"

// Bench measures a driver's hot paths with the same workload on every engine,
// so their figures compare: reading one connector of 1,000 (serially and from
// GOMAXPROCS goroutines), creating one with a secret, two permissions and two
// tags (one committed transaction), serially and from 64 goroutines at once
// (which a driver may commit together), and reading a page of 100. open returns a
// new, empty store, closed by the caller's cleanup.
func Bench(b *testing.B, open func(b *testing.B) actiongate.Store) {
	b.Run("ConnectorGet", func(b *testing.B) {
		s := benchStore(b, open, 1000)
		ctx := b.Context()
		i := 0
		for b.Loop() {
			if _, err := s.ConnectorGet(ctx, benchAccount, fmt.Sprintf("c%06d", i%1000)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("ConnectorGetParallel", func(b *testing.B) {
		s := benchStore(b, open, 1000)
		ctx := b.Context()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if _, err := s.ConnectorGet(ctx, benchAccount, fmt.Sprintf("c%06d", i%1000)); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
	b.Run("ConnectorCreate", func(b *testing.B) {
		s := benchStore(b, open, 0)
		i := 0
		for b.Loop() {
			if err := benchCreate(b, s, fmt.Sprintf("n%09d", i)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("ConnectorCreateParallel", func(b *testing.B) {
		s := benchStore(b, open, 0)
		var next atomic.Int64
		// 64 writers whatever GOMAXPROCS is, as a server's concurrent
		// requests would be.
		b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := benchCreate(b, s, fmt.Sprintf("p%09d", next.Add(1))); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("ConnectorList", func(b *testing.B) {
		s := benchStore(b, open, 1000)
		ctx := b.Context()
		for b.Loop() {
			cs, err := s.ConnectorList(ctx, actiongate.ConnectorListParams{AccountID: benchAccount, After: "c000450", Limit: 100})
			if err != nil || len(cs) != 100 {
				b.Fatal(len(cs), err)
			}
		}
	})
}

// benchStore opens a store holding n connectors, created by four writers.
func benchStore(b *testing.B, open func(b *testing.B) actiongate.Store, n int) actiongate.Store {
	b.Helper()
	s := open(b)
	var (
		wg   sync.WaitGroup
		once sync.Once
		err  error
	)
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < n; i += 4 {
				if e := benchCreate(b, s, fmt.Sprintf("c%06d", i)); e != nil {
					once.Do(func() { err = e })
					return
				}
			}
		})
	}
	wg.Wait()
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func benchCreate(b *testing.B, s actiongate.Store, id string) error {
	c := newConnector(benchAccount, id)
	perms := []actiongate.Permission{
		{Principal: "arn:aws:quicksight:us-east-1:111111111111:user/default/alice", Actions: []string{"quicksight:DescribeActionConnector", "quicksight:UpdateActionConnector"}},
		{Principal: "arn:aws:quicksight:us-east-1:111111111111:group/default/ops", Actions: []string{"quicksight:DescribeActionConnector"}},
	}
	tags := []actiongate.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "data"}}
	return s.ConnectorCreate(b.Context(), c, sealed(c, 0), perms, tags)
}
