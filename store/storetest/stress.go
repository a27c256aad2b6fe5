package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/actiongate/actiongate"
)

// ConcurrentWriters runs writers goroutines on one account for d, spread over
// stores (handles on one database, as separate processes would hold them).
// Each creates its own connectors, reads them, updates them conditionally on
// what it read, retags and lists them, and deletes some. Any error fails t: no
// lock or serialization error of the database may reach a caller.
func ConcurrentWriters(t *testing.T, stores []actiongate.Store, writers int, d time.Duration) {
	t.Helper()
	ctx := t.Context()
	const account = "111111111111"
	var ops, failures atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := range writers {
		s := stores[w%len(stores)]
		wg.Go(func() {
			fail := func(op string, err error) {
				if failures.Add(1) <= 10 {
					t.Errorf("writer %d: %s: %v", w, op, err)
				}
			}
			for i := 0; time.Now().Before(deadline); i++ {
				id := fmt.Sprintf("w%02d-%d", w, i)
				c := newConnector(account, id)
				if err := s.ConnectorCreate(ctx, c, sealed(c, 0), nil, nil); err != nil {
					fail("ConnectorCreate", err)
					continue
				}
				got, err := s.ConnectorGet(ctx, account, id)
				if err != nil {
					fail("ConnectorGet", err)
					continue
				}
				got.Name = "Updated"
				if err := s.ConnectorUpdate(ctx, got, sealed(got, 1)); err != nil {
					fail("ConnectorUpdate", err)
				}
				if err := s.TagReplace(ctx, account, id, 2, []actiongate.Tag{{Key: "i", Value: fmt.Sprint(i)}}); err != nil {
					fail("TagReplace", err)
				}
				if _, err := s.ConnectorList(ctx, actiongate.ConnectorListParams{AccountID: account, Limit: 20}); err != nil {
					fail("ConnectorList", err)
				}
				if i%4 == 3 {
					if err := s.ConnectorDelete(ctx, account, id); err != nil {
						fail("ConnectorDelete", err)
					}
				}
				ops.Add(1)
			}
		})
	}
	wg.Wait()
	t.Logf("%d writers: %d rounds of create, get, update, retag and list in %v, %d errors", writers, ops.Load(), d, failures.Load())
	if ops.Load() == 0 {
		t.Error("no writer finished a round")
	}
}
