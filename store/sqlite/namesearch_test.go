package sqlite

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actiongate/actiongate"
)

func TestTrigramQuery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"*", ""},
		{"ab*cd", ""},
		{"*abc*", `"abc"`},
		{"*ABCD*", `"ABCD"`},
		{"abc*defg", `"abc" AND "defg"`},
		{"ab*cde*f", `"cde"`},
		{`*say "hi"*`, `"say ""hi"""`},
		{"*straße*", `"straße"`},
		{"*né*", ""},
		{"*NEAR(a b) OR c*", `"NEAR(a b) OR c"`},
	} {
		if got := trigramQuery(tc.in); got != tc.want {
			t.Errorf("trigramQuery(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestNameSearchUsesIndexes checks the plans of the name filters: StringLike
// patterns with a trigram look up connector_name_trigram (a MATCH on the
// virtual table), exact names use
// connector_account_name, and neither scans the account.
func TestNameSearchUsesIndexes(t *testing.T) {
	t.Parallel()
	db := open(t, filepath.Join(t.TempDir(), "plan.db"))
	ctx := t.Context()
	var cs []*actiongate.Connector
	for i := range 3000 {
		c := newConnector([]string{"111111111111", "222222222222"}[i%2], fmt.Sprintf("c%05d", i))
		c.Name = fmt.Sprintf("Connector %d of %s", i, []string{"alpha", "beta", "gamma"}[i%3])
		cs = append(cs, c)
	}
	if _, err := db.ConnectorCreateMany(ctx, cs); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		filter    actiongate.ConnectorFilter
		wantIndex string
		want      int
	}{
		{"like", actiongate.ConnectorFilter{NameLike: "*tor 12*"}, "VIRTUAL TABLE INDEX 0:M", 55},
		{"exact", actiongate.ConnectorFilter{Name: "Connector 1234 of beta"}, "connector_account_name", 0},
		{"exact, found", actiongate.ConnectorFilter{Name: "Connector 1233 of alpha"}, "connector_account_name", 1},
	} {
		p := actiongate.ConnectorListParams{AccountID: "222222222222", Limit: 100, Filter: tc.filter}
		q, args := listQuery(p)
		rows, err := db.reader.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		text := strings.Join(plan, "\n")
		if !strings.Contains(text, tc.wantIndex) {
			t.Errorf("%s: the plan does not use %s:\n%s", tc.name, tc.wantIndex, text)
		}
		t.Logf("%s:\n%s", tc.name, text)
		got, err := db.ConnectorList(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.want {
			t.Errorf("%s: %d connectors, want %d", tc.name, len(got), tc.want)
		}
		for _, c := range got {
			if !strings.Contains(strings.ToLower(c.Name), "tor 12") && c.Name != tc.filter.Name {
				t.Errorf("%s: %s named %q does not match", tc.name, c.ID, c.Name)
			}
		}
	}
}
