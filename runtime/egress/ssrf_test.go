package egress_test

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/actiongate/actiongate/runtime/egress"
	"github.com/actiongate/actiongate/runtime/egress/ssrftest"
)

// loopback1 is the test-only allow rule: the legitimate upstreams listen on
// 127.0.0.1; canaries listen elsewhere on loopback and stay denied.
var loopback1 = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}

// upstream starts an allowed TLS server on 127.0.0.1 and returns it with a
// Config that trusts it and allows 127.0.0.1/32.
func upstream(t *testing.T, h http.Handler) (*httptest.Server, egress.Config) {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	return srv, egress.Config{Allow: loopback1, RootCAs: roots, ConnectTimeout: 2 * time.Second}
}

// isNotFound reports whether err is a DNS "no such host".
func isNotFound(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && dnsErr.IsNotFound
}

// TestPayloads runs the SSRF corpus through the Guard's client: every payload
// must be refused by CheckURL, or denied before connect() (ErrDenied), or be a
// name the fake DNS does not know; and no canary may accept a connection.
func TestPayloads(t *testing.T) {
	t.Parallel()
	c4, c6 := ssrftest.Canaries(t)
	payloads := ssrftest.Payloads(c4.Addr(), c6.Addr())
	if len(payloads) < 100 {
		t.Fatalf("corpus holds %d payloads, want at least 100", len(payloads))
	}
	var denied, notFound, invalid atomic.Int64
	t.Run("corpus", func(t *testing.T) {
		for _, p := range payloads {
			t.Run(p.Name, func(t *testing.T) {
				t.Parallel()
				g := egress.New(egress.Config{
					Allow:          loopback1,
					Resolver:       ssrftest.Resolver(p.DNS),
					ConnectTimeout: 2 * time.Second,
				})
				_, checkErr := egress.CheckURL(p.URL)
				if p.Invalid != (checkErr != nil) {
					t.Fatalf("CheckURL(%q) = %v, want refused %v", p.URL, checkErr, p.Invalid)
				}
				if checkErr != nil && !errors.Is(checkErr, egress.ErrInvalidURL) {
					t.Fatalf("CheckURL(%q) = %v, does not match ErrInvalidURL", p.URL, checkErr)
				}
				req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, p.URL, nil)
				if err != nil {
					if !p.Invalid {
						t.Fatalf("NewRequest(%q): %v", p.URL, err)
					}
					invalid.Add(1)
					return
				}
				req.Header.Set("X-API-Key", "canary-secret")
				resp, err := g.Client().Do(req)
				if err == nil {
					resp.Body.Close()
					t.Fatalf("GET %q answered %s, want an error", p.URL, resp.Status)
				}
				if p.Invalid {
					// Refused statically; the client, used without CheckURL,
					// must still not reach a canary (checked below).
					invalid.Add(1)
					return
				}
				switch {
				case errors.Is(err, egress.ErrDenied):
					denied.Add(1)
				case isNotFound(err):
					notFound.Add(1)
				default:
					t.Errorf("GET %q: %v; want ErrDenied or an unknown name (a connect was tried)", p.URL, err)
				}
			})
		}
	})
	if n4, n6 := c4.Accepts(), c6.Accepts(); n4 != 0 || n6 != 0 {
		t.Errorf("canaries accepted %d (IPv4) and %d (IPv6) connections, want 0", n4, n6)
	}
	t.Logf("%d payloads: %d denied, %d unknown names, %d refused by CheckURL",
		len(payloads), denied.Load(), notFound.Load(), invalid.Load())
}

// TestRebinding: a name alternately resolves to an allowed address and to the
// canary, with TTL 0. The Guard resolves once per connection and dials the
// address it checked, so exactly the canary answers are denied and the canary,
// listening on the same port as the allowed upstream, is never reached.
func TestRebinding(t *testing.T) {
	t.Parallel()
	srv, cfg := upstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	port := netip.MustParseAddrPort(srv.Listener.Addr().String()).Port()
	canary := ssrftest.NewCanary(t, "127.0.0.2:"+strconv.Itoa(int(port)))

	var lookups atomic.Int64
	rebind := ssrftest.Rebinder(
		[]netip.Addr{netip.MustParseAddr("127.0.0.1")}, // stands in for a public address: no packet leaves the host
		[]netip.Addr{canary.Addr().Addr()},
	)
	cfg.Resolver = func(ctx context.Context, network, host string) ([]netip.Addr, error) {
		lookups.Add(1)
		return rebind(ctx, network, host)
	}
	client := egress.New(cfg).Client()
	// example.com is a name the test certificate holds; the fake DNS answers it.
	target := "https://example.com:" + strconv.Itoa(int(port)) + "/"

	const iterations = 1000
	var ok, denied int
	for range iterations {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, target, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Close = true // a new connection, so a new resolution, every time
		resp, err := client.Do(req)
		switch {
		case err == nil:
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "ok" {
				t.Fatalf("body %q, want ok", body)
			}
			ok++
		case errors.Is(err, egress.ErrDenied):
			denied++
		default:
			t.Fatalf("iteration: %v", err)
		}
	}
	if got := canary.Accepts(); got != 0 {
		t.Errorf("canary accepted %d connections over %d iterations, want 0", got, iterations)
	}
	got := [3]int64{int64(ok), int64(denied), lookups.Load()}
	if want := [3]int64{iterations / 2, iterations / 2, iterations}; got != want {
		t.Errorf("(ok, denied, lookups) = %v, want %v", got, want)
	}
}

// TestRedirectsNotFollowed: the allowed origin answers every redirect status
// towards the canary, the metadata service, an http downgrade and another
// allowed host. The client returns the 3xx; nobody else sees a request.
func TestRedirectsNotFollowed(t *testing.T) {
	t.Parallel()
	canary := ssrftest.NewCanary(t, "127.0.0.2:0")
	var otherHits atomic.Int64
	other, _ := upstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
	}))
	cases := ssrftest.RedirectCases(canary.Addr(), other.URL+"/steal")
	if len(cases) != 20 {
		t.Fatalf("%d redirect cases, want 5 statuses × 4 targets", len(cases))
	}
	origin, cfg := upstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(r.URL.Query().Get("case"))
		if err != nil || i < 0 || i >= len(cases) {
			http.Error(w, "no case", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, cases[i].Location, cases[i].Status)
	}))
	// The other host's certificate is the same test certificate; trust it too.
	cfg.RootCAs.AddCert(other.Certificate())
	client := egress.New(cfg).Client()

	for i, c := range cases {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			req, err := http.NewRequestWithContext(t.Context(), method, origin.URL+"/?case="+strconv.Itoa(i), nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-API-Key", "secret")
			req.Header.Set("Authorization", "Bearer secret")
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", method, c.Name, err)
			}
			resp.Body.Close()
			if got, want := []any{resp.StatusCode, resp.Header.Get("Location")}, []any{c.Status, c.Location}; !cmp.Equal(got, want) {
				t.Errorf("%s %s: (status, Location) = %v, want %v", method, c.Name, got, want)
			}
		}
	}
	if n := canary.Accepts(); n != 0 {
		t.Errorf("canary accepted %d connections, want 0", n)
	}
	if n := otherHits.Load(); n != 0 {
		t.Errorf("the other allowed host received %d requests, want 0", n)
	}
}

// TestEnvironmentProxyIgnored sets every proxy variable to a canary: the Guard
// must go direct. A configured Proxy, by contrast, is used, and an IP-literal
// destination is still checked before the proxy is contacted.
func TestEnvironmentProxyIgnored(t *testing.T) {
	envProxy := ssrftest.NewCanary(t, "127.0.0.2:0")
	proxyURL := "http://" + envProxy.Addr().String()
	for _, k := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"} {
		t.Setenv(k, proxyURL)
	}
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")

	srv, cfg := upstream(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "direct")
	}))
	port := strconv.Itoa(int(netip.MustParseAddrPort(srv.Listener.Addr().String()).Port()))
	// A name, not a loopback literal: net/http never proxies loopback literals
	// or "localhost", so only a name can show the environment is ignored.
	cfg.Resolver = ssrftest.Resolver(map[string][]netip.Addr{"example.com": {netip.MustParseAddr("127.0.0.1")}})
	get := func(g *egress.Guard, target string) (string, error) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, target, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := g.Client().Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}

	body, err := get(egress.New(cfg), "https://example.com:"+port+"/")
	if err != nil || body != "direct" {
		t.Fatalf("GET through the Guard = %q, %v; want a direct answer", body, err)
	}
	if n := envProxy.Accepts(); n != 0 {
		t.Fatalf("the environment's proxy accepted %d connections, want 0", n)
	}

	// A configured proxy is used (the canary closes the connection at once).
	cfgProxy := ssrftest.NewCanary(t, "127.0.0.2:0")
	cfg.Proxy = &url.URL{Scheme: "http", Host: cfgProxy.Addr().String()}
	g := egress.New(cfg)
	if _, err := get(g, "https://example.com:"+port+"/"); err == nil {
		t.Fatal("GET through the canary proxy succeeded")
	}
	if n := cfgProxy.Accepts(); n != 1 {
		t.Errorf("the configured proxy accepted %d connections, want 1", n)
	}
	if _, err := get(g, "https://169.254.169.254/"); !errors.Is(err, egress.ErrDenied) {
		t.Errorf("GET a metadata literal through the proxy: %v, want ErrDenied", err)
	}
	if n := cfgProxy.Accepts(); n != 1 {
		t.Errorf("the configured proxy accepted %d connections after a denied literal, want still 1", n)
	}
	if n := envProxy.Accepts(); n != 0 {
		t.Errorf("the environment's proxy accepted %d connections, want 0", n)
	}
}

// TestDefaultResolver resolves "localhost" with the real resolver (the hosts
// file, no network): its loopback addresses are denied before any connect,
// under the pure-Go and the cgo resolver alike.
func TestDefaultResolver(t *testing.T) {
	t.Parallel()
	canary := ssrftest.NewCanary(t, "127.0.0.2:0")
	port := strconv.Itoa(int(canary.Addr().Port()))
	g := egress.New(egress.Config{})
	for _, target := range []string{"https://localhost:" + port + "/", "https://127.0.0.2:" + port + "/"} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, target, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := g.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, egress.ErrDenied) {
			t.Errorf("GET %s: %v, want ErrDenied", target, err)
		}
	}
	if n := canary.Accepts(); n != 0 {
		t.Errorf("canary accepted %d connections, want 0", n)
	}
}
