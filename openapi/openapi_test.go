package openapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/catalog"
	"github.com/actiongate/actiongate/openapi"
)

// asJSON compares json.RawMessage values as the JSON values they hold.
var asJSON = cmp.Transformer("parseJSON", func(raw json.RawMessage) any {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Sprintf("invalid JSON %q: %v", raw, err)
	}
	return v
})

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseIssueTracker(t *testing.T) {
	t.Parallel()
	doc := readFile(t, "testdata/issues.json")
	got, err := openapi.Parse(doc)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := []catalog.Action{
		{
			Action: actiongate.Action{
				ID:          "Create_issue",
				Name:        "Create issue",
				Description: "Opens a new issue.",
				Write:       true,
				InputSchema: json.RawMessage(`{
					"type": "object",
					"properties": {
						"body": {
							"type": "object",
							"description": "The issue to open.",
							"properties": {
								"title": {"type": "string", "description": "A one-line summary.", "maxLength": 200},
								"body": {"type": ["string", "null"]},
								"labels": {"type": "array", "uniqueItems": true,
									"items": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"}},
								"assignee": {"type": "object", "title": "Assignee",
									"properties": {"login": {"type": "string"}}}
							},
							"required": ["title"],
							"additionalProperties": false
						}
					},
					"required": ["body"],
					"additionalProperties": false
				}`),
			},
			Request: catalog.Request{Method: "POST", Path: "/issues", Body: "body"},
		},
		{
			Action: actiongate.Action{
				ID:          "deleteIssue",
				Name:        "Delete an issue",
				Description: "Deletes an issue for good.",
				Write:       true,
				InputSchema: json.RawMessage(`{
					"type": "object",
					"properties": {
						"issueId": {"type": "integer", "minimum": 1, "description": "The issue to delete."}
					},
					"required": ["issueId"],
					"additionalProperties": false
				}`),
			},
			Request: catalog.Request{Method: "DELETE", Path: "/issues/{issueId}"},
		},
		{
			Action: actiongate.Action{
				ID:          "getIssue",
				Name:        "Get an issue",
				Description: "Get an issue",
				InputSchema: json.RawMessage(`{
					"type": "object",
					"properties": {
						"issueId": {"type": "integer", "format": "int64", "description": "The issue number."}
					},
					"required": ["issueId"],
					"additionalProperties": false
				}`),
			},
			Request: catalog.Request{Method: "GET", Path: "/issues/{issueId}"},
		},
		{
			Action: actiongate.Action{
				ID:          "listIssues",
				Name:        "List issues",
				Description: "Lists the issues of the tracker, newest first.",
				InputSchema: json.RawMessage(`{
					"type": "object",
					"properties": {
						"state": {"type": "string", "enum": ["open", "closed"], "default": "open",
							"description": "Only issues in this state."},
						"labels": {"type": "array", "items": {"type": "string"}, "title": "Labels"},
						"per_page": {"type": "integer", "minimum": 1, "maximum": 100, "examples": [30]},
						"X-Request-Id": {"type": "string", "format": "uuid"}
					},
					"required": ["per_page"],
					"additionalProperties": false
				}`),
			},
			Request: catalog.Request{
				Method: "GET",
				Path:   "/issues",
				Query:  map[string]string{"state": "state", "labels": "labels", "per_page": "per_page"},
				Header: map[string]string{"X-Request-Id": "X-Request-Id"},
			},
		},
		{
			Action: actiongate.Action{
				ID:          "searchIssues",
				Name:        "Search issues",
				Description: "Search issues",
				Write:       false,
				InputSchema: json.RawMessage(`{
					"type": "object",
					"properties": {
						"body": {
							"type": "object",
							"properties": {
								"query": {"type": "string", "minLength": 1, "maxLength": 256, "title": "Search text"},
								"score": {"type": "number", "exclusiveMinimum": 0, "maximum": 1}
							},
							"required": ["query"]
						}
					},
					"additionalProperties": false
				}`),
			},
			Request: catalog.Request{Method: "POST", Path: "/issues/search", Body: "body"},
		},
	}
	if diff := cmp.Diff(want, got, asJSON); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}

	// The schemas are compact and the same on every call.
	again, err := openapi.Parse(doc)
	if err != nil {
		t.Fatalf("Parse again: %v", err)
	}
	for i, a := range got {
		var compact bytes.Buffer
		if err := json.Compact(&compact, a.InputSchema); err != nil {
			t.Fatalf("%s: InputSchema is not JSON: %v", a.ID, err)
		}
		if !bytes.Equal(compact.Bytes(), a.InputSchema) {
			t.Errorf("%s: InputSchema is not compact: %s", a.ID, a.InputSchema)
		}
		if !bytes.Equal(again[i].InputSchema, a.InputSchema) {
			t.Errorf("%s: InputSchema differs between calls:\n%s\n%s", a.ID, a.InputSchema, again[i].InputSchema)
		}
	}
}

// spec returns an OpenAPI 3.0 document with paths and components, valid
// otherwise.
func spec(paths, components string) string {
	return `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"servers":[{"url":"https://api.example.com"}],` +
		`"paths":` + paths + `,"components":` + components + `}`
}

// op returns an operation with id and extra members, valid otherwise.
func op(id, extra string) string {
	if extra != "" {
		extra = "," + extra
	}
	return `{"operationId":"` + id + `","summary":"Do ` + id + `","responses":{"200":{"description":"ok"}}` + extra + `}`
}

// body returns a POST /things document whose request body has schema and
// whose components hold schemas.
func body(schema, schemas string) string {
	return spec(`{"/things":{"post":`+op("createThing", `"requestBody":{"content":{"application/json":{"schema":`+schema+`}}}`)+`}}`,
		`{"schemas":`+schemas+`}`)
}

// param returns a GET /things document with one parameter.
func param(p string) string {
	return spec(`{"/things":{"get":`+op("listThings", `"parameters":[`+p+`]`)+`}}`, `{}`)
}

// bodySchema returns the schema of the body member of the only action of doc.
func bodySchema(t *testing.T, doc string) any {
	t.Helper()
	actions, err := openapi.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(actions) != 1 {
		t.Fatalf("Parse returned %d actions, want 1", len(actions))
	}
	var s struct{ Properties map[string]any }
	if err := json.Unmarshal(actions[0].InputSchema, &s); err != nil {
		t.Fatal(err)
	}
	return s.Properties["body"]
}

func TestParseSchemas(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		doc     string
		want    string // the body member's schema
		version string
	}{
		{
			name: "array body",
			doc:  body(`{"type":"array","items":{"$ref":"#/components/schemas/Tag"},"minItems":1}`, `{"Tag":{"type":"string"}}`),
			want: `{"type":"array","items":{"type":"string"},"minItems":1}`,
		},
		{
			name: "no schema accepts anything",
			doc:  spec(`{"/things":{"post":`+op("createThing", `"requestBody":{"content":{"application/json":{}}}`)+`}}`, `{}`),
			want: `{}`,
		},
		{
			name: "3.0 exclusive bounds and nullable without type",
			doc:  body(`{"type":"integer","minimum":1,"maximum":9,"exclusiveMaximum":true,"nullable":true}`, `{}`),
			want: `{"type":["integer","null"],"minimum":1,"exclusiveMaximum":9}`,
		},
		{
			name: "openapi extras are dropped",
			doc: body(`{"type":"object","properties":{"a":{"type":"string","x-internal":true,"xml":{"name":"A"},"externalDocs":{"url":"https://x.example"}}},`+
				`"discriminator":{"propertyName":"a"}}`, `{}`),
			want: `{"type":"object","properties":{"a":{"type":"string"}}}`,
		},
		{
			name: "display name next to $ref wins",
			doc: body(`{"type":"object","properties":{"owner":{"$ref":"#/components/schemas/User","x-amzn-form-display-name":"Owner"}}}`,
				`{"User":{"type":"string","title":"User","x-amzn-form-display-name":"Person"}}`),
			want: `{"type":"object","properties":{"owner":{"type":"string","title":"Owner"}}}`,
		},
		{
			name: "read-only properties are left out",
			doc:  body(`{"type":"object","required":["id","name"],"properties":{"id":{"type":"string","readOnly":true},"name":{"type":"string","writeOnly":true}}}`, `{}`),
			want: `{"type":"object","required":["name"],"properties":{"name":{"type":"string","writeOnly":true}}}`,
		},
		{
			name: "shared schema is inlined twice",
			doc:  body(`{"type":"object","properties":{"a":{"$ref":"#/components/schemas/S"},"b":{"$ref":"#/components/schemas/S"}}}`, `{"S":{"type":"boolean"}}`),
			want: `{"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"boolean"}}}`,
		},
		{
			name: "openapi 3.1 keywords",
			doc: strings.Replace(body(`{"type":["object","null"],"properties":{"n":{"type":"number","exclusiveMinimum":0,"examples":[1]},`+
				`"c":{"const":"x"},"t":{"type":"array","prefixItems":[{"type":"string"}],"items":false}},"additionalProperties":{"type":"integer"}}`, `{}`),
				`"3.0.3"`, `"3.1.0"`, 1),
			want: `{"type":["object","null"],"properties":{"n":{"type":"number","exclusiveMinimum":0,"examples":[1]},` +
				`"c":{"const":"x"},"t":{"type":"array","prefixItems":[{"type":"string"}],"items":false}},"additionalProperties":{"type":"integer"}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := bodySchema(t, tt.doc)
			var want any
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("body schema mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseParameters(t *testing.T) {
	t.Parallel()
	doc := spec(`{"/things/{id}":{
		"parameters":[
			{"name":"id","in":"path","required":true,"schema":{"type":"string"},"description":"path level"},
			{"name":"verbose","in":"query","schema":{"type":"boolean"}}
		],
		"get":`+op("getThing", `"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"integer"},"description":"operation level"}]`)+`,
		"head":`+op("headThing", "")+`,
		"put":`+op("putThing", `"x-amzn-operation-type":"write"`)+`}}`, `{}`)
	actions, err := openapi.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	schema := func(id string) string {
		return `{"type":"object","additionalProperties":false,"required":["id"],"properties":{` +
			`"id":` + id + `,"verbose":{"type":"boolean"}}}`
	}
	req := func(method string) catalog.Request {
		return catalog.Request{Method: method, Path: "/things/{id}", Query: map[string]string{"verbose": "verbose"}}
	}
	want := []catalog.Action{
		{Action: actiongate.Action{ID: "getThing", Name: "Do getThing", Description: "Do getThing",
			InputSchema: json.RawMessage(schema(`{"type":"integer","description":"operation level"}`))}, Request: req("GET")},
		{Action: actiongate.Action{ID: "headThing", Name: "Do headThing", Description: "Do headThing",
			InputSchema: json.RawMessage(schema(`{"type":"string","description":"path level"}`))}, Request: req("HEAD")},
		{Action: actiongate.Action{ID: "putThing", Name: "Do putThing", Description: "Do putThing", Write: true,
			InputSchema: json.RawMessage(schema(`{"type":"string","description":"path level"}`))}, Request: req("PUT")},
	}
	if diff := cmp.Diff(want, actions, asJSON); diff != "" {
		t.Errorf("Parse mismatch (-want +got):\n%s", diff)
	}
}

// TestInputSchemasCompile checks the schemas the way the runtime uses them.
func TestInputSchemasCompile(t *testing.T) {
	t.Parallel()
	actions, err := openapi.Parse(readFile(t, "testdata/issues.json"))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	byID := map[string]catalog.Action{}
	for _, a := range actions {
		byID[a.ID] = a
	}
	tests := []struct {
		id        string
		good, bad string
	}{
		{"listIssues", `{"per_page":30,"state":"closed","labels":["bug"],"X-Request-Id":"x"}`, `{"per_page":30,"state":"merged"}`},
		{"listIssues", `{"per_page":1}`, `{}`},
		{"listIssues", `{"per_page":100}`, `{"per_page":100,"page":2}`},
		{"listIssues", `{"per_page":5,"labels":[]}`, `{"per_page":5,"labels":"bug"}`},
		{"getIssue", `{"issueId":7}`, `{"issueId":"seven"}`},
		{"deleteIssue", `{"issueId":1}`, `{"issueId":0}`},
		{"Create_issue", `{"body":{"title":"Crash","body":null,"labels":["bug","p1"],"assignee":{"login":"ana"}}}`, `{"body":{"title":"Crash","id":3}}`},
		{"Create_issue", `{"body":{"title":"Crash"}}`, `{"body":{"title":"Crash","labels":["Bug"]}}`},
		{"Create_issue", `{"body":{"title":"Crash","labels":["a","b"]}}`, `{"body":{"title":"Crash","labels":["a","a"]}}`},
		{"Create_issue", `{"body":{"title":"Crash"}}`, `{"title":"Crash"}`},
		{"searchIssues", `{"body":{"query":"crash","score":0.5}}`, `{"body":{"query":"crash","score":0}}`},
		{"searchIssues", `{}`, `{"body":{"query":""}}`},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			a, ok := byID[tt.id]
			if !ok {
				t.Fatalf("no action %q", tt.id)
			}
			c := jsonschema.NewCompiler()
			schema, err := jsonschema.UnmarshalJSON(bytes.NewReader(a.InputSchema))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.AddResource("input.json", schema); err != nil {
				t.Fatal(err)
			}
			sch, err := c.Compile("input.json")
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			for _, in := range []struct {
				input string
				ok    bool
			}{{tt.good, true}, {tt.bad, false}} {
				v, err := jsonschema.UnmarshalJSON(strings.NewReader(in.input))
				if err != nil {
					t.Fatal(err)
				}
				if err := sch.Validate(v); (err == nil) != in.ok {
					t.Errorf("Validate(%s) = %v, want ok %v", in.input, err, in.ok)
				}
			}
		})
	}
}

// operations returns n operations, one a path.
func operations(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"/things%d":{"get":%s}`, i, op(fmt.Sprintf("op%d", i), ""))
	}
	b.WriteString("}")
	return b.String()
}

// nested returns a schema n levels deep.
func nested(n int) string {
	return strings.Repeat(`{"type":"array","items":`, n) + `{"type":"string"}` + strings.Repeat("}", n)
}

// laughs returns schemas S0 to Sn, each holding the next twice.
func laughs(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, `"S%d":{"type":"object","properties":{"a":{"$ref":"#/components/schemas/S%d"},"b":{"$ref":"#/components/schemas/S%d"}}},`, i, i+1, i+1)
	}
	fmt.Fprintf(&b, `"S%d":{"type":"string"}}`, n)
	return b.String()
}

func TestParseRefusals(t *testing.T) {
	t.Parallel()
	valid := spec(`{"/things":{"get":`+op("listThings", "")+`}}`, `{}`)
	tests := []struct {
		name  string
		doc   string
		words []string // in the message, in any case
	}{
		{"empty", "", []string{"empty"}},
		{"yaml", "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths: {}\n", []string{"JSON", "YAML"}},
		{"json array", `[` + valid + `]`, []string{"JSON object"}},
		{"broken json", valid[:len(valid)-1], []string{"not valid JSON"}},
		{"too large", valid + strings.Repeat(" ", openapi.MaxSize-len(valid)+1), []string{"1000001 bytes", "at most 1000000"}},
		{"swagger", `{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{}}`, []string{"Swagger", "2.0", "3.0.x"}},
		{"openapi 3.2", strings.Replace(valid, `"3.0.3"`, `"3.2.0"`, 1), []string{`"3.2.0"`, "3.0.x and 3.1.x"}},
		{"openapi missing", strings.Replace(valid, `"openapi":"3.0.3",`, ``, 1), []string{`"openapi" is required`}},
		{"openapi not a string", strings.Replace(valid, `"3.0.3"`, `3`, 1), []string{`"openapi" must be a string`}},
		{"info missing", strings.Replace(valid, `"info":{"title":"t","version":"1"},`, ``, 1), []string{`"info" is required`}},
		{"servers missing", strings.Replace(valid, `"servers":[{"url":"https://api.example.com"}],`, ``, 1), []string{`"servers" is required`}},
		{"servers empty", strings.Replace(valid, `[{"url":"https://api.example.com"}]`, `[]`, 1), []string{`"servers" must be a non-empty array`}},
		{"paths missing", `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"servers":[{"url":"https://a.example"}]}`, []string{`"paths" is required`}},
		{"no operations", spec(`{"/things":{}}`, `{}`), []string{"no operations", "1 to 100"}},
		{"101 operations", spec(operations(101), `{}`), []string{"101 operations", "at most 100"}},
		{"options operation", spec(`{"/a":{"options":`+op("a", "")+`}}`, `{}`), []string{"paths./a.options", "OPTIONS operations are not supported"}},
		{"bad path pattern", spec(`{"things":{"get":`+op("listThings", "")+`}}`, `{}`), []string{"paths.things", "must start with /", "^/[^/]*(/[^/]*)*$"}},
		{"operationId missing", spec(`{"/issues":{"post":{"summary":"s","responses":{"200":{"description":"ok"}}}}}`, `{}`), []string{"paths./issues.post: operationId is required."}},
		{"operationId with a dash", spec(`{"/things":{"get":`+op("list-things", "")+`}}`, `{}`), []string{"paths./things.get", `"list-things"`, "letters, digits, underscores and spaces"}},
		{"operationId too long", spec(`{"/things":{"get":`+op(strings.Repeat("a", 257), "")+`}}`, `{}`), []string{"paths./things.get", "1 to 256"}},
		{"operationId duplicate", spec(`{"/a":{"get":`+op("same", "")+`},"/b":{"get":`+op("same", "")+`}}`, `{}`), []string{"paths./b.get", `operationId "same" is also that of paths./a.get;`, "unique"}},
		{"operationId duplicate once spaces become underscores", spec(`{"/a":{"get":`+op("get thing", "")+`},"/b":{"get":`+op("get_thing", "")+`}}`, `{}`), []string{"paths./b.get", "underscores", "unique"}},
		{"description missing", spec(`{"/things":{"get":{"operationId":"x","description":"  ","responses":{"200":{"description":"ok"}}}}}`, `{}`), []string{"paths./things.get", "description", "required"}},
		{"description too long", spec(`{"/things":{"get":`+op("x", `"description":"`+strings.Repeat("é", 5001)+`"`)+`}}`, `{}`), []string{"paths./things.get", "description is 5001 characters", "at most 5000"}},
		{"summary too long", spec(`{"/things":{"get":{"operationId":"x","summary":"`+strings.Repeat("s", 5001)+`","responses":{"200":{"description":"ok"}}}}}`, `{}`), []string{"summary is 5001 characters"}},
		{"operation type", spec(`{"/things":{"get":`+op("x", `"x-amzn-operation-type":"delete"`)+`}}`, `{}`), []string{"paths./things.get", "x-amzn-operation-type", `"read" or "write"`}},
		{"xml request body", spec(`{"/things":{"post":`+op("x", `"requestBody":{"content":{"application/xml":{"schema":{"type":"object"}}}}`)+`}}`, `{}`), []string{"paths./things.post.requestBody", "only application/json", `"application/xml"`}},
		{"form request body", spec(`{"/things":{"post":`+op("x", `"requestBody":{"content":{"application/x-www-form-urlencoded":{}}}`)+`}}`, `{}`), []string{"only application/json"}},
		{"cookie parameter", param(`{"name":"session","in":"cookie","schema":{"type":"string"}}`), []string{"paths./things.get.parameters.session", "cookie parameters are not supported"}},
		{"parameter name in two locations", param(`{"name":"v","in":"query","schema":{"type":"string"}},{"name":"v","in":"header","schema":{"type":"string"}}`), []string{"query", "header", `"v"`, "unique"}},
		{"parameter named body", spec(`{"/things":{"post":`+op("x", `"parameters":[{"name":"body","in":"query","schema":{"type":"string"}}],"requestBody":{"content":{"application/json":{}}}`)+`}}`, `{}`), []string{"requestBody", `"body"`, "rename"}},
		{"parameter with content", param(`{"name":"filter","in":"query","content":{"application/json":{"schema":{"type":"object"}}}}`), []string{"parameters.filter", "schema", "content is not supported"}},
		{"path parameter missing", spec(`{"/things/{id}":{"get":`+op("x", "")+`}}`, `{}`), []string{"id"}},
		{"oneOf", body(`{"oneOf":[{"type":"string"},{"type":"integer"}]}`, `{}`), []string{"paths./things.post.requestBody.content.application/json.schema", "oneOf is not supported"}},
		{"anyOf", body(`{"type":"object","properties":{"a":{"anyOf":[{"type":"string"}]}}}`, `{}`), []string{"schema.properties.a", "anyOf is not supported"}},
		{"allOf in a component", body(`{"$ref":"#/components/schemas/A"}`, `{"A":{"allOf":[{"type":"object"}]}}`), []string{"components.schemas.A:", "allOf is not supported"}},
		{"not in a parameter", param(`{"name":"q","in":"query","schema":{"not":{"type":"integer"}}}`), []string{"parameters.q.schema", "not is not supported"}},
		{"circular $ref", body(`{"$ref":"#/components/schemas/Node"}`, `{"Node":{"type":"object","properties":{"next":{"$ref":"#/components/schemas/Node"}}}}`), []string{"components.schemas.Node.properties.next", "circular", `"#/components/schemas/Node"`}},
		{"circular $ref through arrays", body(`{"$ref":"#/components/schemas/A"}`, `{"A":{"type":"array","items":{"$ref":"#/components/schemas/B"}},"B":{"type":"object","additionalProperties":{"$ref":"#/components/schemas/A"}}}`), []string{"circular"}},
		{"unresolved $ref", body(`{"$ref":"#/components/schemas/Missing"}`, `{}`), []string{"Missing"}},
		{"external $ref", body(`{"$ref":"https://schemas.example.com/thing.json"}`, `{}`), []string{`"https://schemas.example.com/thing.json"`, "outside the document", "local"}},
		{"file $ref", body(`{"$ref":"other.json#/Thing"}`, `{}`), []string{`"other.json#/Thing"`, "outside the document"}},
		{"dynamicRef", strings.Replace(body(`{"$dynamicRef":"#node"}`, `{}`), `"3.0.3"`, `"3.1.0"`, 1), []string{"$dynamicRef is not supported"}},
		{"too deep", body(nested(openapi.MaxDepth+1), `{}`), []string{"nest more than 64 levels"}},
		{"too many schemas once inlined", body(`{"$ref":"#/components/schemas/S0"}`, laughs(20)), []string{"components.schemas.S", fmt.Sprintf("more than %d schemas", openapi.MaxSchemas)}},
		{"invalid openapi", spec(`{"/things":{"get":{"operationId":"x","summary":"s"}}}`, `{}`), []string{"not valid OpenAPI", "responses"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			actions, err := openapi.Parse([]byte(tt.doc))
			if err == nil {
				t.Fatalf("Parse returned %d actions and no error", len(actions))
			}
			var e *actiongate.Error
			if !errors.As(err, &e) || e.Kind != actiongate.KindInvalid {
				t.Fatalf("Parse error = %v (%T), want a KindInvalid *actiongate.Error", err, err)
			}
			msg := strings.ToLower(e.Message)
			for _, w := range tt.words {
				if !strings.Contains(msg, strings.ToLower(w)) {
					t.Errorf("message %q does not say %q", e.Message, w)
				}
			}
		})
	}
}

func TestParseAcceptsLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		n    int
	}{
		{"100 operations", spec(operations(100), `{}`), 100},
		{"description of 5000 characters", spec(`{"/things":{"get":`+op("x", `"description":"`+strings.Repeat("é", 5000)+`"`)+`}}`, `{}`), 1},
		{"operationId of 256 characters", spec(`{"/things":{"get":`+op(strings.Repeat("a", 256), "")+`}}`, `{}`), 1},
		{"schemas 64 levels deep", body(nested(openapi.MaxDepth-1), `{}`), 1},
		{"openapi 3.1", strings.Replace(spec(`{"/things":{"get":`+op("x", "")+`}}`, `{}`), `"3.0.3"`, `"3.1.1"`, 1), 1},
		{"leading whitespace", "\n\t " + spec(`{"/things":{"get":`+op("x", "")+`}}`, `{}`), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			actions, err := openapi.Parse([]byte(tt.doc))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(actions) != tt.n {
				t.Errorf("Parse returned %d actions, want %d", len(actions), tt.n)
			}
		})
	}
}

// TestParseDoesNotFetch checks that no $ref is followed outside the document.
func TestParseDoesNotFetch(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"type":"string"}`)
	}))
	t.Cleanup(srv.Close)
	refs := []string{
		srv.URL + "/thing.json",
		srv.URL + "/doc.json#/components/schemas/Thing",
		"file:///etc/passwd",
		"/etc/passwd",
		"testdata/issues.json#/components/schemas/Issue",
	}
	for _, ref := range refs {
		for _, doc := range []string{
			body(`{"$ref":"`+ref+`"}`, `{}`),
			param(`{"$ref":"` + ref + `"}`),
			spec(`{"/things":{"$ref":"`+ref+`"}}`, `{}`),
		} {
			_, err := openapi.Parse([]byte(doc))
			if actiongate.KindOf(err) != actiongate.KindInvalid {
				t.Errorf("$ref %q: Parse error = %v, want KindInvalid", ref, err)
			}
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the server was asked %d times", n)
	}
}
