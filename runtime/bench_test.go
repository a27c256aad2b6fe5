package runtime_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/actiongate/actiongate"
)

// BenchmarkInvoke measures the runtime's part of an action (input check,
// request building, credentials, the egress guard, shaping) against a
// loopback TLS upstream, next to the same upstream called directly with the
// egress guard's client: compare the two ns/op of one run.
func BenchmarkInvoke(b *testing.B) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"42","title":"Printer on fire","state":"open"}`))
	}))
	b.Cleanup(srv.Close)
	e := newEnv(b, srv)
	c := connector("c1", actiongate.TypeGenericHTTP, actiongate.AuthConfig{Type: actiongate.AuthAPIKey,
		APIKey: &actiongate.APIKeyAuth{BaseEndpoint: srv.URL + "/api", APIKey: secret("ak-bench-0123456789")}})
	call := httpRequest(c, `{"Method":"GET","Path":"/issues/42"}`)
	b.Run("runtime", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.rt.Invoke(b.Context(), call); err != nil {
				b.Fatal(err)
			}
		}
	})
}
