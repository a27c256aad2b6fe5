package catalog_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/catalog"
)

func TestTypesLoad(t *testing.T) {
	t.Parallel()
	types := catalog.Types()
	if len(types) == 0 {
		t.Fatal("the catalog is empty")
	}
	for i, ct := range types {
		got, ok := catalog.Lookup(ct.Type)
		if !ok || got != ct {
			t.Errorf("Lookup(%s) = %v, %v", ct.Type, got, ok)
		}
		if i > 0 && slices.Index(actiongate.ConnectorTypes, types[i-1].Type) >= slices.Index(actiongate.ConnectorTypes, ct.Type) {
			t.Errorf("%s comes after %s: not in the model's order", ct.Type, types[i-1].Type)
		}
		if ct.Docs == "" {
			t.Errorf("%s names no vendor documentation", ct.Type)
		}
		if _, isAWS := catalog.AWSService(ct.Type); isAWS {
			if !slices.Equal(ct.Auth, []actiongate.AuthType{actiongate.AuthIAM}) {
				t.Errorf("%s accepts %v: an AWS type takes IAM only", ct.Type, ct.Auth)
			}
		} else if slices.Contains(ct.Auth, actiongate.AuthIAM) || slices.Contains(ct.Auth, actiongate.AuthNone) {
			t.Errorf("%s accepts %v: a SaaS type takes no IAM or NONE", ct.Type, ct.Auth)
		}
		if _, ok := ct.Action(ct.Actions[0].ID); !ok {
			t.Errorf("%s.Action(%s) not found", ct.Type, ct.Actions[0].ID)
		}
	}
	for _, typ := range []actiongate.ConnectorType{actiongate.TypeGenericHTTP, "NOPE"} {
		if _, ok := catalog.Lookup(typ); ok {
			t.Errorf("Lookup(%s) found an entry", typ)
		}
	}
}

// TestRequiredMembersRefused checks, for every action, that its input schema
// refuses an input that lacks one of its required members and accepts the
// input that has them all.
func TestRequiredMembersRefused(t *testing.T) {
	t.Parallel()
	for _, ct := range catalog.Types() {
		for _, a := range ct.Actions {
			t.Run(fmt.Sprintf("%s/%s", ct.Type, a.ID), func(t *testing.T) {
				t.Parallel()
				sch := compile(t, a.InputSchema)
				var s struct {
					Required   []string                   `json:"required"`
					Properties map[string]json.RawMessage `json:"properties"`
				}
				if err := json.Unmarshal(a.InputSchema, &s); err != nil {
					t.Fatal(err)
				}
				full := make(map[string]any)
				for _, r := range s.Required {
					full[r] = sample(t, s.Properties[r])
				}
				if err := sch.Validate(roundTrip(t, full)); err != nil {
					t.Fatalf("the input with every required member is refused: %v", err)
				}
				for _, r := range s.Required {
					in := make(map[string]any)
					for k, v := range full {
						if k != r {
							in[k] = v
						}
					}
					err := sch.Validate(roundTrip(t, in))
					var ve *jsonschema.ValidationError
					if !errors.As(err, &ve) || !bytes.Contains([]byte(err.Error()), []byte("'"+r+"'")) {
						t.Errorf("input without %s: err = %v, want a validation error naming it", r, err)
					}
				}
			})
		}
	}
}

// sample returns a value that satisfies a property schema, filling the
// required members of objects recursively.
func sample(t *testing.T, schema json.RawMessage) any {
	t.Helper()
	var s struct {
		Type          string                     `json:"type"`
		Const         any                        `json:"const"`
		MinProperties int                        `json:"minProperties"`
		Enum          []any                      `json:"enum"`
		Minimum       *float64                   `json:"minimum"`
		MinItems      int                        `json:"minItems"`
		Items         json.RawMessage            `json:"items"`
		Required      []string                   `json:"required"`
		Properties    map[string]json.RawMessage `json:"properties"`
		Ref           string                     `json:"$ref"`
	}
	if err := json.Unmarshal(schema, &s); err != nil {
		t.Fatal(err)
	}
	switch {
	case s.Ref == "#/$defs/file":
		return sample(t, json.RawMessage(catalog.FileSchema))
	case s.Const != nil:
		return s.Const
	case len(s.Enum) > 0:
		return s.Enum[0]
	}
	switch s.Type {
	case "string":
		return "x"
	case "integer", "number":
		if s.Minimum != nil {
			return *s.Minimum
		}
		return 1
	case "boolean":
		return true
	case "array":
		out := []any{}
		for range s.MinItems {
			out = append(out, sample(t, s.Items))
		}
		return out
	case "object":
		out := map[string]any{}
		for _, r := range s.Required {
			out[r] = sample(t, s.Properties[r])
		}
		// A union (one member of several) gets its first member by name.
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			if len(out) >= s.MinProperties {
				break
			}
			if _, ok := out[name]; !ok {
				out[name] = sample(t, s.Properties[name])
			}
		}
		return out
	}
	t.Fatalf("no sample for schema %s", schema)
	return nil
}

func roundTrip(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func compile(t *testing.T, schema json.RawMessage) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(jsonschema.SchemeURLLoader{})
	if err := c.AddResource("input.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("input.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}
