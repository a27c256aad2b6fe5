package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/store/storetest"
)

// BenchmarkStore runs the drivers' shared benchmarks on a fresh database file.
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) actiongate.Store {
		db, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		return db
	})
}
