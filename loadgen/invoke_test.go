package loadgen

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

func startTestUpstream(t *testing.T) *Upstream {
	t.Helper()
	certPEM, keyPEM, err := NewUpstreamCertificate(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	u, err := StartUpstream(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Close() })
	return u
}

// TestUpstream checks what the Invoke scenario's upstream answers: 1 KB of
// JSON over HTTPS with its certificate for 127.0.0.1, and 401 without the
// connector's key or outside the base path.
func TestUpstream(t *testing.T) {
	t.Parallel()
	u := startTestUpstream(t)
	client := u.directClient(&http.Client{Timeout: 5 * time.Second}, 1)
	get := func(path, auth string) (int, []byte) {
		req, err := http.NewRequestWithContext(t.Context(), "GET", u.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.TLS == nil || resp.Proto != "HTTP/1.1" {
			t.Errorf("%s: TLS %v, %s: want HTTPS over HTTP/1.1", path, resp.TLS != nil, resp.Proto)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, body
	}
	status, body := get(upstreamBasePath+invokePath, "Bearer "+upstreamKey)
	if status != 200 || len(body) != 1024 || !json.Valid(body) {
		t.Errorf("with the key: %d, %d bytes, valid JSON %v: want 200 and 1024 bytes of JSON", status, len(body), json.Valid(body))
	}
	for _, c := range []struct{ path, auth string }{
		{upstreamBasePath + invokePath, ""},
		{upstreamBasePath + invokePath, "Bearer wrong"},
		{"/other" + invokePath, "Bearer " + upstreamKey},
	} {
		if status, _ := get(c.path, c.auth); status != 401 {
			t.Errorf("GET %s with %q: %d, want 401", c.path, c.auth, status)
		}
	}
	// A client that does not trust the certificate fails.
	plain := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{}}, Timeout: 5 * time.Second}
	if resp, err := plain.Get(u.URL + upstreamBasePath + invokePath); err == nil {
		resp.Body.Close()
		t.Error("a client without the upstream's certificate connected")
	}
}

// TestDirect runs the Invoke scenario's reference briefly: every call
// answered, over reused connections.
func TestDirect(t *testing.T) {
	t.Parallel()
	u := startTestUpstream(t)
	cfg := Config{Endpoint: "http://unused.invalid", AccountID: testAccount, Credentials: testCreds, Concurrency: 3,
		Duration: 200 * time.Millisecond, Warmup: 20 * time.Millisecond, Upstream: u}
	rep, err := Direct(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests == 0 || rep.Errors != 0 || len(rep.Operations) != 1 || rep.Operations[0].Name != opDirect {
		t.Errorf("%d requests, %d errors %v, operations %+v", rep.Requests, rep.Errors, rep.ErrorCounts, rep.Operations)
	}
	// A few per worker at most (requests cut at the end of the warmup and
	// of the window close theirs), not one per request.
	if n := u.Connections(); n == 0 || n > rep.Requests/10 {
		t.Errorf("%d connections to the upstream for %d requests: want them reused", n, rep.Requests)
	}
	if _, err := Direct(t.Context(), Config{Endpoint: "http://x", AccountID: testAccount, Credentials: testCreds}); err == nil {
		t.Error("Direct without an Upstream: no error")
	}
}

// TestCompareDirect checks the ratios and added latency of CompareDirect.
func TestCompareDirect(t *testing.T) {
	t.Parallel()
	r := &Report{Mode: "closed", RPS: 1000, Latency: Latency{P50: 0.5, P99: 2}}
	r.CompareDirect(&Report{Mode: "closed", RPS: 4000, Latency: Latency{P50: 0.1, P99: 0.5}})
	if r.DirectRatio == nil || r.DirectRatio.RPS != 0.25 || r.DirectRatio.P50 != 5 || r.DirectRatio.P99 != 4 {
		t.Errorf("DirectRatio %+v, want rps 0.25, p50 5, p99 4", r.DirectRatio)
	}
	if r.Added == nil || r.Added.P50 != 400 || r.Added.P99 != 1500 {
		t.Errorf("Added %+v, want p50 400 µs, p99 1500 µs", r.Added)
	}
}
