package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/actiongate/actiongate/catalog"
)

// catalogCommand prints the built-in action catalog: a table of every
// action (default), the whole catalog as JSON (--json), or the README's
// table of types, authentication types and actions (--markdown).
func catalogCommand(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("catalog", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the catalog as JSON: types, authentication types, actions with their input schemas and requests")
	asMarkdown := fs.Bool("markdown", false, "print the README table: per type, its authentication types and its actions with READ or WRITE")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *asJSON && *asMarkdown:
		return errors.New("--json and --markdown exclude each other")
	case *asJSON:
		return catalogJSON(stdout)
	case *asMarkdown:
		_, err := io.WriteString(stdout, catalogMarkdown())
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "TYPE\tACTION\tCLASS\tREQUEST")
	for _, t := range catalog.Types() {
		for _, a := range t.Actions {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", t.Type, a.ID, class(a.Write), performs(a))
		}
	}
	return w.Flush()
}

// performs says how an action is performed: its HTTP method and path, the
// AWS service and operation it calls, or the flow of requests it takes.
func performs(a catalog.Action) string {
	switch {
	case a.AWS != nil:
		return "AWS " + a.AWS.Service + " " + a.AWS.Operation
	case a.Flow != "":
		return "flow " + a.Flow
	}
	return a.Request.Method + " " + a.Request.Path
}

func class(write bool) string {
	if write {
		return "WRITE"
	}
	return "READ"
}

// catalogJSON writes the catalog as one JSON document; each action has
// Request (HTTP), AWS (an AWS operation) or Flow (several requests).
func catalogJSON(w io.Writer) error {
	type action struct {
		ID          string
		Name        string
		Description string
		Class       string
		Request     *catalog.Request      `json:",omitempty"`
		AWS         *catalog.AWSOperation `json:",omitempty"`
		Flow        string                `json:",omitempty"`
		InputSchema json.RawMessage
	}
	type entry struct {
		Type      string
		AuthTypes []string
		Verify    *catalog.Verification `json:",omitempty"`
		Docs      string
		Actions   []action
	}
	var out []entry
	for _, t := range catalog.Types() {
		e := entry{Type: string(t.Type), Verify: t.Verify, Docs: t.Docs}
		for _, a := range t.Auth {
			e.AuthTypes = append(e.AuthTypes, string(a))
		}
		for _, a := range t.Actions {
			ea := action{ID: a.ID, Name: a.Name, Description: a.Description, Class: class(a.Write), AWS: a.AWS, Flow: a.Flow, InputSchema: a.InputSchema}
			if a.AWS == nil && a.Flow == "" {
				ea.Request = &a.Request
			}
			e.Actions = append(e.Actions, ea)
		}
		out = append(out, e)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// catalogMarkdown returns the README's catalog table, one row per type.
func catalogMarkdown() string {
	var b strings.Builder
	b.WriteString("| Type | Auth types | Actions |\n|---|---|---|\n")
	for _, t := range catalog.Types() {
		auths := make([]string, len(t.Auth))
		for i, a := range t.Auth {
			auths[i] = "`" + string(a) + "`"
		}
		actions := make([]string, len(t.Actions))
		for i, a := range t.Actions {
			actions[i] = fmt.Sprintf("`%s` %s", a.ID, class(a.Write))
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", t.Type, strings.Join(auths, ", "), strings.Join(actions, ", "))
	}
	return b.String()
}
