package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestPendingUsesIndex checks that ConnectorPending reads the partial index
// connector_pending, in its order, rather than scanning every connector:
// SQLite uses a partial index only when the query repeats its condition.
func TestPendingUsesIndex(t *testing.T) {
	t.Parallel()
	db := open(t, filepath.Join(t.TempDir(), "plan.db"))
	rows, err := db.reader.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+pendingQuery, "a", "b", 10)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	p := strings.Join(plan, "\n")
	if !strings.Contains(p, "USING INDEX connector_pending") || strings.Contains(p, "TEMP B-TREE") {
		t.Errorf("ConnectorPending does not read connector_pending in order:\n%s", p)
	}
	t.Logf("plan:\n%s", p)
}
