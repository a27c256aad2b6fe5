package runtime_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/runtime"
	"github.com/actiongate/actiongate/runtime/egress"
	"github.com/actiongate/actiongate/store/sqlite"
	"github.com/actiongate/actiongate/vault"
)

// env is a runtime over a real SQLite store and vault, whose outbound calls
// go through the egress guard, allowed to reach 127.0.0.1 and trusting the
// certificates of the test's TLS servers.
type env struct {
	store *sqlite.DB
	seal  actiongate.Sealer
	roots *x509.CertPool
	rt    *runtime.Runtime
}

func newEnv(t testing.TB, servers ...*httptest.Server) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "actiongate.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	root, err := vault.KeyFromEnv("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		t.Fatal(err)
	}
	b, err := vault.Open(ctx, vault.Config{Root: root, Keys: st})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{store: st, seal: b, roots: x509.NewCertPool()}
	for _, s := range servers {
		e.trust(s.Certificate())
	}
	e.rt = e.runtime()
	return e
}

func (e *env) trust(c *x509.Certificate) { e.roots.AddCert(c) }

// runtime returns a new Runtime over the env's store: another process, as
// far as tokens and leases are concerned.
func (e *env) runtime() *runtime.Runtime {
	guard := egress.New(egress.Config{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, RootCAs: e.roots, RetryBase: time.Millisecond})
	return runtime.New(runtime.Config{Store: e.store, Sealer: e.seal, Client: guard.Client(), Logger: slog.New(slog.DiscardHandler)})
}

// connector returns a connector of type t with auth a, as the Service hands
// it over: ARN set, secrets open.
func connector(id string, t actiongate.ConnectorType, a actiongate.AuthConfig) *actiongate.Connector {
	return &actiongate.Connector{AccountID: "111122223333", ID: id, ARN: actiongate.ConnectorARN("us-east-1", "111122223333", id),
		Type: t, Name: id, Auth: a, Status: actiongate.StatusCreationSuccessful, Version: 1}
}

func secret(s string) actiongate.Secret { return actiongate.NewSecret([]byte(s)) }

// request is what an upstream received.
type request struct {
	Method, Path, RawQuery, Authorization, ContentType string
	Body                                               string
}

// recorder is a TLS upstream that records requests and answers with answer.
func recorder(t testing.TB, answer http.HandlerFunc) (*httptest.Server, <-chan request) {
	got := make(chan request, 100)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the body: %v", err)
		}
		select {
		case got <- request{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(body)}:
		default: // a test that sends many requests does not read them
		}
		answer(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func jsonAnswer(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
