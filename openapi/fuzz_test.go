package openapi_test

import (
	"encoding/json"
	"testing"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/openapi"
)

func FuzzParse(f *testing.F) {
	f.Add(readFile(f, "testdata/issues.json"))
	for _, s := range []string{
		"",
		"{}",
		"openapi: 3.0.3\n",
		`{"swagger":"2.0"}`,
		spec(`{"/things":{"get":`+op("listThings", "")+`}}`, `{}`),
		param(`{"name":"session","in":"cookie","schema":{"type":"string"}}`),
		param(`{"name":"q","in":"query","required":true,"schema":{"type":"array","items":{"type":"integer"}}}`),
		body(`{"$ref":"#/components/schemas/Node"}`, `{"Node":{"type":"object","properties":{"next":{"$ref":"#/components/schemas/Node"}}}}`),
		body(`{"type":"object","properties":{"a":{"type":"string","nullable":true,"minimum":1,"exclusiveMinimum":true}}}`, `{}`),
		body(`{"$ref":"https://example.com/x.json"}`, `{}`),
		body(nested(10), `{}`),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		actions, err := openapi.Parse(doc)
		if err != nil {
			if k := actiongate.KindOf(err); k != actiongate.KindInvalid {
				t.Fatalf("Parse error of kind %v, want invalid: %v", k, err)
			}
			if actions != nil {
				t.Fatalf("Parse returned actions and an error")
			}
			return
		}
		if n := len(actions); n < 1 || n > openapi.MaxOperations {
			t.Fatalf("Parse returned %d actions", n)
		}
		for _, a := range actions {
			if !json.Valid(a.InputSchema) {
				t.Fatalf("%s: InputSchema is not JSON: %s", a.ID, a.InputSchema)
			}
		}
	})
}
