package postgres

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/actiongate/actiongate"
)

// TestNameSearchUsesIndexes checks the plans of the name filters on a table
// large enough for the planner to prefer indexes: a StringLike pattern with a
// trigram reads connector_name_trgm, an exact name connector_account_name.
func TestNameSearchUsesIndexes(t *testing.T) {
	t.Parallel()
	db := openFresh(t)
	defer db.Close()
	ctx := t.Context()
	var ext string
	if err := db.pool.QueryRow(ctx, `SELECT coalesce((SELECT extversion FROM pg_extension WHERE extname = 'pg_trgm'), '')`).Scan(&ext); err != nil {
		t.Fatal(err)
	}
	if ext == "" {
		t.Skip("the pg_trgm extension is not available on this server: name searches scan the account")
	}
	now := time.Now()
	var cs []*actiongate.Connector
	for i := range 20000 {
		cs = append(cs, &actiongate.Connector{
			AccountID: []string{"111111111111", "222222222222"}[i%2], ID: fmt.Sprintf("c%05d", i),
			Type: actiongate.TypeGenericHTTP, Name: fmt.Sprintf("Connector %d of %s", i, []string{"alpha", "beta", "gamma"}[i%3]),
			Auth:   actiongate.AuthConfig{Type: actiongate.AuthNone, None: &actiongate.NoneAuth{BaseEndpoint: "https://api.example.com"}},
			Status: actiongate.StatusCreationSuccessful, CreatedTime: now, LastUpdatedTime: now,
		})
	}
	if n, err := db.ConnectorCreateMany(ctx, cs); err != nil || n != len(cs) {
		t.Fatalf("ConnectorCreateMany: %d, %v", n, err)
	}
	if _, err := db.pool.Exec(ctx, `ANALYZE connector`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		filter    actiongate.ConnectorFilter
		wantIndex string
		want      int
	}{
		{"like", actiongate.ConnectorFilter{NameLike: "*tor 1234*"}, "connector_name_trgm", 5},
		{"exact", actiongate.ConnectorFilter{Name: "Connector 12345 of alpha"}, "connector_account_name", 1},
	} {
		p := actiongate.ConnectorListParams{AccountID: "222222222222", Limit: 100, Filter: tc.filter}
		q, a := listQuery(p)
		rows, err := db.pool.Query(ctx, `EXPLAIN `+q, a...)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(plan, "\n")
		if !strings.Contains(text, tc.wantIndex) {
			t.Errorf("%s: the plan does not use %s:\n%s", tc.name, tc.wantIndex, text)
		}
		t.Logf("%s:\n%s", tc.name, text)
		got, err := db.ConnectorList(ctx, p)
		if err != nil || len(got) != tc.want {
			t.Errorf("%s: %d connectors, %v; want %d", tc.name, len(got), err, tc.want)
		}
	}
}
