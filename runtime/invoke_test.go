package runtime_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/catalog"
)

func TestAPIKeyGenericIsBearer(t *testing.T) {
	t.Parallel()
	srv, got := recorder(t, jsonAnswer(`{}`))
	e := newEnv(t, srv)
	c := connector("c1", actiongate.TypeGenericHTTP, actiongate.AuthConfig{Type: actiongate.AuthAPIKey,
		APIKey: &actiongate.APIKeyAuth{BaseEndpoint: srv.URL, APIKey: secret("key-12345")}})
	if _, err := e.rt.Invoke(t.Context(), httpRequest(c, `{"Method":"GET","Path":"/me"}`)); err != nil {
		t.Fatal(err)
	}
	if r := <-got; r.Authorization != "Bearer key-12345" {
		t.Errorf("Authorization = %q, want the key as a Bearer token", r.Authorization)
	}
}

// httpRequest is a call of the HttpRequest action of c.
func httpRequest(c *actiongate.Connector, input string) actiongate.Call {
	return actiongate.Call{Connector: c, ActionID: "HttpRequest", Input: json.RawMessage(input), UserARN: "arn:aws:quicksight:us-east-1:111122223333:user/default/alice"}
}

func TestHTTPRequest(t *testing.T) {
	t.Parallel()
	srv, got := recorder(t, jsonAnswer(`{"id":7,"echo":"s3cr3t-password"}`))
	e := newEnv(t, srv)
	c := connector("c1", actiongate.TypeGenericHTTP, actiongate.AuthConfig{Type: actiongate.AuthBasic,
		Basic: &actiongate.BasicAuth{BaseEndpoint: srv.URL + "/api/v2/", Username: "svc", Password: secret("s3cr3t-password")}})
	res, err := e.rt.Invoke(t.Context(), httpRequest(c,
		`{"Method":"POST","Path":"/issues/a b","Query":{"q":"x y","tag":["a","b"]},"Headers":{"X-Trace":"t1"},"Body":{"title":"hi"}}`))
	if err != nil {
		t.Fatal(err)
	}
	r := <-got
	want := request{Method: "POST", Path: "/api/v2/issues/a b", RawQuery: "q=x+y&tag=a&tag=b",
		Authorization: "Basic " + base64.StdEncoding.EncodeToString([]byte("svc:s3cr3t-password")),
		ContentType:   "application/json", Body: `{"title":"hi"}`}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("upstream request (-want +got):\n%s", diff)
	}
	if res.UpstreamStatus != 200 || res.Headers["Content-Type"] != "application/json" {
		t.Errorf("result = %d %v", res.UpstreamStatus, res.Headers)
	}
	// The upstream echoed the password: it is redacted.
	if diff := cmp.Diff(`{"id":7,"echo":"[REDACTED]"}`, string(res.Output)); diff != "" {
		t.Errorf("Output (-want +got):\n%s", diff)
	}
}

func TestHTTPRequestRefusals(t *testing.T) {
	t.Parallel()
	srv, got := recorder(t, jsonAnswer(`{}`))
	e := newEnv(t, srv)
	c := connector("c1", actiongate.TypeGenericHTTP, actiongate.AuthConfig{Type: actiongate.AuthNone,
		None: &actiongate.NoneAuth{BaseEndpoint: srv.URL + "/api"}})
	for name, input := range map[string]string{
		"dot-dot":         `{"Method":"GET","Path":"/../admin"}`,
		"dot-dot at end":  `{"Method":"GET","Path":"/x/.."}`,
		"no slash":        `{"Method":"GET","Path":"admin"}`,
		"query in path":   `{"Method":"GET","Path":"/x?y=1"}`,
		"backslash":       `{"Method":"GET","Path":"/x\\..\\y"}`,
		"authorization":   `{"Method":"GET","Path":"/x","Headers":{"Authorization":"Bearer mine"}}`,
		"host header":     `{"Method":"GET","Path":"/x","Headers":{"host":"evil.test"}}`,
		"header newline":  `{"Method":"GET","Path":"/x","Headers":{"X-A":"a\r\nX-B: b"}}`,
		"unknown method":  `{"Method":"TRACE","Path":"/x"}`,
		"unknown member":  `{"Method":"GET","Path":"/x","Url":"https://evil.test"}`,
		"missing path":    `{"Method":"GET"}`,
		"not an object":   `[1]`,
		"query not shape": `{"Method":"GET","Path":"/x","Query":{"a":1}}`,
	} {
		_, err := e.rt.Invoke(t.Context(), httpRequest(c, input))
		if actiongate.KindOf(err) != actiongate.KindInvalid {
			t.Errorf("%s: err = %v, want KindInvalid", name, err)
		}
	}
	select {
	case r := <-got:
		t.Errorf("the upstream received %+v", r)
	default:
	}
}

func TestOutputShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, contentType, body, want string
		status                        int
	}{
		{"json", "application/json; charset=utf-8", `{"a":[1,2]}`, `{"a":[1,2]}`, 200},
		{"problem json", "application/problem+json", `{"title":"x"}`, `{"title":"x"}`, 200},
		{"text", "text/plain", "hello", `{"ContentType":"text/plain","Body":"hello"}`, 200},
		{"binary", "application/octet-stream", "\x00\x01", `{"ContentType":"application/octet-stream","Body":"AAE=","Encoding":"base64"}`, 200},
		{"empty", "", "", ``, 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := recorder(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			})
			e := newEnv(t, srv)
			c := connector("c1", actiongate.TypeGenericHTTP, actiongate.AuthConfig{Type: actiongate.AuthNone, None: &actiongate.NoneAuth{BaseEndpoint: srv.URL}})
			res, err := e.rt.Invoke(t.Context(), httpRequest(c, `{"Method":"GET","Path":"/"}`))
			if err != nil {
				t.Fatal(err)
			}
			if string(res.Output) != tt.want || res.UpstreamStatus != tt.status {
				t.Errorf("Output = %d %s, want %d %s", res.UpstreamStatus, res.Output, tt.status, tt.want)
			}
		})
	}
}

func TestUpstreamErrorCarriesAnswer(t *testing.T) {
	t.Parallel()
	srv, _ := recorder(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"errorMessages":["Issue does not exist"]}`))
	})
	e := newEnv(t, srv)
	c := connector("c1", actiongate.TypeGenericHTTP, actiongate.AuthConfig{Type: actiongate.AuthNone, None: &actiongate.NoneAuth{BaseEndpoint: srv.URL}})
	_, err := e.rt.Invoke(t.Context(), httpRequest(c, `{"Method":"GET","Path":"/issue/1"}`))
	e2, ok := err.(*actiongate.Error)
	if !ok || e2.Kind != actiongate.KindUpstream || e2.Upstream == nil {
		t.Fatalf("err = %#v, want a KindUpstream *Error with the answer", err)
	}
	if e2.Upstream.UpstreamStatus != 404 || !strings.Contains(string(e2.Upstream.Output), "Issue does not exist") {
		t.Errorf("Upstream = %d %s", e2.Upstream.UpstreamStatus, e2.Upstream.Output)
	}
	if !strings.Contains(e2.Message, "404") {
		t.Errorf("Message = %q, want the status", e2.Message)
	}
}

func TestUnreachableUpstreamsLookAlike(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	msgs := map[string]bool{}
	for _, base := range []string{
		"https://127.0.0.2:9",      // denied by the egress guard
		"https://127.0.0.1:1",      // allowed, refused by the host
		"https://10.255.255.1:443", // denied, private
	} {
		c := connector("c1", actiongate.TypeGenericHTTP, actiongate.AuthConfig{Type: actiongate.AuthNone, None: &actiongate.NoneAuth{BaseEndpoint: base}})
		_, err := e.rt.Invoke(context.Background(), httpRequest(c, `{"Method":"POST","Path":"/"}`))
		if actiongate.KindOf(err) != actiongate.KindUpstream {
			t.Fatalf("%s: err = %v, want KindUpstream", base, err)
		}
		msgs[actiongate.MessageOf(err)] = true
	}
	if len(msgs) != 1 {
		t.Errorf("the messages tell the failures apart: %v", msgs)
	}
}

// TestCatalogActionsListed checks that a connector's actions are its
// type's catalog actions, after HttpRequest for GENERIC_HTTP only.
func TestCatalogActionsListed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, ct := range catalog.Types() {
		c := connector("c1", ct.Type, actiongate.AuthConfig{})
		got, err := e.rt.Actions(c, nil)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range got {
			ids = append(ids, a.ID)
		}
		var want []string
		for _, a := range ct.Actions {
			want = append(want, a.ID)
		}
		if diff := cmp.Diff(want, ids); diff != "" {
			t.Errorf("%s actions (-want +got):\n%s", ct.Type, diff)
		}
	}
	got, err := e.rt.Actions(connector("g", actiongate.TypeGenericHTTP, actiongate.AuthConfig{}), nil)
	if err != nil || len(got) != 1 || got[0].ID != "HttpRequest" {
		t.Errorf("GENERIC_HTTP actions = %v, %v; want HttpRequest only", got, err)
	}
}
