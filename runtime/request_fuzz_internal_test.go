package runtime

import (
	"bytes"
	"encoding/json"
	"io"
	"path"
	"strings"
	"testing"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/catalog"
)

// FuzzTemplateRequest builds the requests of catalog actions with path
// parameters, JSON bodies, raw files and forms from inputs their schemas
// accept: building never panics, and a request it builds stays on the base
// endpoint's host, under its path.
func FuzzTemplateRequest(f *testing.F) {
	type target struct {
		typ actiongate.ConnectorType
		id  string
	}
	targets := []target{
		{actiongate.TypeJiraCloud, "AddAttachment"},
		{actiongate.TypeJiraCloud, "EditIssue"},
		{actiongate.TypeServiceNowNowPlatform, "UploadBinaryAttachment"},
		{actiongate.TypeMicrosoftOneDrive, "UploadFile"},
		{actiongate.TypeMicrosoftOneDrive, "WriteCell"},
	}
	var defs []catalog.Action
	for _, tg := range targets {
		ct, _ := catalog.Lookup(tg.typ)
		def, ok := ct.Action(tg.id)
		if !ok {
			f.Fatalf("the catalog has no %s %s", tg.typ, tg.id)
		}
		defs = append(defs, def)
	}
	f.Add(uint8(0), []byte(`{"issueIdOrKey":"ED-24","file":{"FileName":"a \"b\".png","ContentType":"image/png","Body":"iVBORw0KGgo=","Encoding":"base64"}}`))
	f.Add(uint8(1), []byte(`{"issueIdOrKey":"../../admin","body":{"fields":{"summary":"x"}}}`))
	f.Add(uint8(1), []byte(`{"issueIdOrKey":"..","body":{}}`))
	f.Add(uint8(2), []byte(`{"table_name":"incident","table_sys_id":"d71f","file_name":"x?y#z","file":{"Body":"text","ContentType":"text/plain\r\nX: y"}}`))
	f.Add(uint8(3), []byte(`{"driveId":"b!x","parentItemId":"root","fileName":"../../x","file":{"Body":"%%%","Encoding":"base64"}}`))
	f.Add(uint8(4), []byte(`{"driveId":"b!x","itemId":"01","worksheet":"Sheet1","address":"A1')/../x","body":{"values":[["v"]]}}`))
	const base = "https://api.example.com/base"
	f.Fuzz(func(t *testing.T, which uint8, in []byte) {
		def := defs[int(which)%len(defs)]
		var s schemas
		if s.validate(def.InputSchema, in) != nil {
			return
		}
		var input map[string]any
		dec := json.NewDecoder(bytes.NewReader(in))
		dec.UseNumber()
		if dec.Decode(&input) != nil {
			return
		}
		req, err := templateRequest(t.Context(), base, def.Request, input)
		if err != nil {
			if actiongate.KindOf(err) != actiongate.KindInvalid {
				t.Fatalf("%s: error of kind %v: %v", def.ID, actiongate.KindOf(err), err)
			}
			return
		}
		if req.URL.Scheme != "https" || req.URL.Host != "api.example.com" || !strings.HasPrefix(path.Clean(req.URL.Path), "/base/") {
			t.Fatalf("%s: the request goes to %s, off the base endpoint", def.ID, req.URL)
		}
		if req.Body != nil {
			if _, err := io.ReadAll(req.Body); err != nil {
				t.Fatalf("%s: the body cannot be read: %v", def.ID, err)
			}
		}
	})
}

// TestTemplateRequestDotSegments checks that a path parameter may not be a
// dot segment, which a server would resolve to another item.
func TestTemplateRequestDotSegments(t *testing.T) {
	t.Parallel()
	r := catalog.Request{Method: "GET", Path: "/{id}"}
	for _, id := range []string{".", ".."} {
		if _, err := templateRequest(t.Context(), "https://api.example.com/base", r, map[string]any{"id": id}); actiongate.KindOf(err) != actiongate.KindInvalid {
			t.Errorf("id %q: err = %v, want KindInvalid", id, err)
		}
	}
	req, err := templateRequest(t.Context(), "https://api.example.com/base", r, map[string]any{"id": "..."})
	if err != nil || req.URL.Path != "/base/..." {
		t.Errorf("id \"...\": %v, %v; want /base/...", req, err)
	}
}
