package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/store/sqlite"
	"github.com/actiongate/actiongate/store/storetest"
)

// openTemp opens a new database in a directory of t's own. Run closes it.
func openTemp(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "actiongate.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return db
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) actiongate.Store { return openTemp(t) })
}
