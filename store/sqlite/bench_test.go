package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/actiongate/actiongate"
)

const benchAccount = "111111111111"

// benchDB opens a database holding n connectors with a secret, two permissions
// and two tags each.
func benchDB(b *testing.B, n int) *DB {
	b.Helper()
	db, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	for i := range n {
		createBench(b, db, fmt.Sprintf("c%06d", i))
	}
	return db
}

func createBench(b *testing.B, db *DB, id string) {
	c := newConnector(benchAccount, id)
	c.EnabledActions = []string{"listIssues", "createIssue"}
	perms := []actiongate.Permission{
		{Principal: "arn:aws:quicksight:us-east-1:111111111111:user/default/alice", Actions: []string{"quicksight:DescribeActionConnector", "quicksight:UpdateActionConnector"}},
		{Principal: "arn:aws:quicksight:us-east-1:111111111111:group/default/ops", Actions: []string{"quicksight:DescribeActionConnector"}},
	}
	tags := []actiongate.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "data"}}
	if err := db.ConnectorCreate(b.Context(), c, apiKeySecret(c, "sealed-ciphertext-of-about-sixty-bytes-0123456789abcdef"), perms, tags); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkConnectorGet reads one connector of 1,000.
func BenchmarkConnectorGet(b *testing.B) {
	db := benchDB(b, 1000)
	ctx := b.Context()
	i := 0
	for b.Loop() {
		if _, err := db.ConnectorGet(ctx, benchAccount, fmt.Sprintf("c%06d", i%1000)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkConnectorGetParallel reads connectors from GOMAXPROCS goroutines
// through the reader pool.
func BenchmarkConnectorGetParallel(b *testing.B) {
	db := benchDB(b, 1000)
	ctx := b.Context()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := db.ConnectorGet(ctx, benchAccount, fmt.Sprintf("c%06d", i%1000)); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkConnectorCreate creates a connector with a secret, two permissions
// and two tags: one committed (fsynced) transaction each.
func BenchmarkConnectorCreate(b *testing.B) {
	db := benchDB(b, 0)
	i := 0
	for b.Loop() {
		createBench(b, db, fmt.Sprintf("n%09d", i))
		i++
	}
}

// BenchmarkConnectorList reads a page of 100 of 1,000 connectors.
func BenchmarkConnectorList(b *testing.B) {
	db := benchDB(b, 1000)
	ctx := b.Context()
	for b.Loop() {
		cs, err := db.ConnectorList(ctx, actiongate.ConnectorListParams{AccountID: benchAccount, After: "c000450", Limit: 100})
		if err != nil || len(cs) != 100 {
			b.Fatal(len(cs), err)
		}
	}
}
