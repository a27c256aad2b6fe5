package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
)

// TestREADMECatalogIsCurrent fails when the README's catalog table is not
// what `actiongate catalog --markdown` prints.
func TestREADMECatalogIsCurrent(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const start, end = "<!-- catalog:start -->\n", "<!-- catalog:end -->"
	_, rest, ok1 := strings.Cut(string(readme), start)
	table, _, ok2 := strings.Cut(rest, end)
	if !ok1 || !ok2 {
		t.Fatalf("README.md has no %q … %q section", strings.TrimSpace(start), end)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"catalog", "--markdown"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if table != out.String() {
		t.Errorf("the README's action catalog is out of date; regenerate it with\n" +
			"  go run ./cmd/actiongate catalog --markdown\n" +
			"and put the output between the catalog:start and catalog:end markers of README.md")
	}
}

func TestCatalogCommand(t *testing.T) {
	t.Parallel()
	var out, errs bytes.Buffer
	if err := run(t.Context(), []string{"catalog"}, &out, &errs); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "TYPE ") || !strings.Contains(out.String(), "JIRA_CLOUD") ||
		!strings.Contains(out.String(), "CreateIssue") || !strings.Contains(out.String(), "POST /rest/api/3/issue\n") {
		t.Errorf("table:\n%s", out.String())
	}
	out.Reset()
	if err := run(t.Context(), []string{"catalog", "--json"}, &out, &errs); err != nil {
		t.Fatal(err)
	}
	var cat []struct {
		Type      string
		AuthTypes []string
		Actions   []struct {
			ID, Class   string
			InputSchema json.RawMessage
		}
	}
	if err := json.Unmarshal(out.Bytes(), &cat); err != nil || len(cat) == 0 {
		t.Fatalf("--json: %v: %s", err, out.String())
	}
	for _, c := range cat {
		if len(c.AuthTypes) == 0 || len(c.Actions) == 0 || c.Actions[0].ID == "" || len(c.Actions[0].InputSchema) == 0 {
			t.Errorf("--json entry %s is incomplete", c.Type)
		}
	}
	if err := run(t.Context(), []string{"catalog", "--json", "--markdown"}, &out, &errs); err == nil {
		t.Error("--json with --markdown is accepted")
	}
}

// TestCatalogListsHowActionsRun checks that the table and the JSON say how
// each kind of action runs: an HTTP request, an AWS operation or a flow.
func TestCatalogListsHowActionsRun(t *testing.T) {
	t.Parallel()
	var table, doc strings.Builder
	if err := catalogCommand(t.Context(), nil, &table, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"POST /rest/api/3/issue", "AWS s3 ListObjectsV2", "flow SlackFileUpload"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("the table has no %q", want)
		}
	}
	if err := catalogCommand(t.Context(), []string{"--json"}, &doc, io.Discard); err != nil {
		t.Fatal(err)
	}
	var types []struct {
		Actions []struct {
			ID      string
			Request json.RawMessage
			AWS     json.RawMessage
			Flow    string
		}
	}
	if err := json.Unmarshal([]byte(doc.String()), &types); err != nil {
		t.Fatal(err)
	}
	for _, ty := range types {
		for _, a := range ty.Actions {
			kinds := 0
			for _, set := range []bool{a.Request != nil, a.AWS != nil, a.Flow != ""} {
				if set {
					kinds++
				}
			}
			if kinds != 1 {
				t.Errorf("%s has %d of Request, AWS and Flow, want 1", a.ID, kinds)
			}
		}
	}
}
