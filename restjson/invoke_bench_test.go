package restjson_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/runtime"
	"github.com/actiongate/actiongate/runtime/egress"
)

// BenchmarkInvoke measures an invocation through the whole server (signature,
// user and grant checks, secrets, the runtime) against a loopback TLS
// upstream, with the test's client calling the server in process.
func BenchmarkInvoke(b *testing.B) {
	up := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"42","title":"Printer on fire","state":"open"}`))
	}))
	b.Cleanup(up.Close)
	e := newEnvWith(b, envOptions{runtime: func(st actiongate.Store, s actiongate.Sealer) actiongate.Runtime {
		roots := up.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
		guard := egress.New(egress.Config{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, RootCAs: roots})
		return runtime.New(runtime.Config{Store: st, Sealer: s, Client: guard.Client()})
	}})
	for _, step := range []struct{ method, path, body string }{
		{"POST", "/accounts/" + testAccount + "/namespaces/default/users", `{"IdentityType":"QUICKSIGHT","UserName":"alice","Email":"alice@example.com","UserRole":"READER"}`},
		{"POST", connectorsPath, `{"ActionConnectorId":"bench","Name":"bench","Type":"GENERIC_HTTP","AuthenticationConfig":{"AuthenticationType":"API_KEY",
			"AuthenticationMetadata":{"ApiKeyConnectionMetadata":{"BaseEndpoint":"` + up.URL + `/api","ApiKey":"ak-bench-0123456789"}}},
			"Permissions":[{"Principal":"arn:aws:quicksight:us-east-1:111122223333:user/default/alice","Actions":["quicksight:DescribeActionConnector"]}]}`},
	} {
		if resp, body := e.call(b, step.method, step.path, step.body); resp.StatusCode != 200 {
			b.Fatalf("%s %s: %s", step.method, step.path, body)
		}
	}
	invoke := `{"Input":{"Method":"GET","Path":"/issues/42"},"UserArn":"arn:aws:quicksight:us-east-1:111122223333:user/default/alice"}`
	b.ReportAllocs()
	for b.Loop() {
		if resp, body := e.call(b, "POST", connectorsPath+"/bench/actions/HttpRequest/invoke", invoke); resp.StatusCode != 200 {
			b.Fatalf("invoke: %s", body)
		}
	}
}
