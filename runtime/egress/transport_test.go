package egress

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/actiongate/actiongate/runtime/egress/ssrftest"
)

// testGuard starts an allowed TLS upstream on 127.0.0.1 serving h and returns
// it with a Guard that trusts it, whose waits are recorded instead of slept.
func testGuard(t *testing.T, cfg Config, h http.Handler) (*httptest.Server, *Guard, *waits) {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	cfg.RootCAs = x509.NewCertPool()
	cfg.RootCAs.AddCert(srv.Certificate())
	cfg.Allow = append(cfg.Allow, netip.MustParsePrefix("127.0.0.1/32"))
	g := New(cfg)
	w := &waits{}
	g.sleep = w.sleep
	return srv, g, w
}

// waits records the backoff waits a Guard asks for, without sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return ctx.Err()
}

func (w *waits) get() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// script answers the i-th request with statuses[i] (the last one repeating)
// and headers[i], and records the request bodies and connections seen.
type script struct {
	statuses []int
	headers  []map[string]string
	mu       sync.Mutex
	bodies   []string
	conns    map[string]bool
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	i := len(s.bodies)
	s.bodies = append(s.bodies, string(b))
	if s.conns == nil {
		s.conns = map[string]bool{}
	}
	s.conns[r.RemoteAddr] = true
	s.mu.Unlock()
	if i < len(s.headers) {
		for k, v := range s.headers[i] {
			w.Header().Set(k, v)
		}
	}
	w.WriteHeader(s.statuses[min(i, len(s.statuses)-1)])
	io.WriteString(w, strings.Repeat("x", 1000)) // a body to drain
}

func (s *script) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

func TestRetries(t *testing.T) {
	t.Parallel()
	const base = time.Millisecond
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		name       string
		method     string
		body       func() io.Reader // nil: no body
		statuses   []int
		headers    []map[string]string
		wantStatus int
		wantCalls  int
		wantWaits  []time.Duration // nil: only the count (wantCalls-1) is checked
	}{
		{name: "GET 503 then 200", method: "GET", statuses: []int{503, 200}, wantStatus: 200, wantCalls: 2},
		{name: "GET 502, 504, then 200", method: "GET", statuses: []int{502, 504, 200}, wantStatus: 200, wantCalls: 3},
		{name: "GET 503 always: 3 attempts", method: "GET", statuses: []int{503}, wantStatus: 503, wantCalls: 3},
		{name: "HEAD 429 then 200", method: "HEAD", statuses: []int{429, 200}, wantStatus: 200, wantCalls: 2},
		{name: "OPTIONS 503 then 204", method: "OPTIONS", statuses: []int{503, 204}, wantStatus: 204, wantCalls: 2},
		{name: "DELETE 503 then 204", method: "DELETE", statuses: []int{503, 204}, wantStatus: 204, wantCalls: 2},
		{name: "PUT with replayable body", method: "PUT", body: func() io.Reader { return strings.NewReader("payload") },
			statuses: []int{503, 503, 200}, wantStatus: 200, wantCalls: 3},
		{name: "PUT with one-shot body: no retry", method: "PUT",
			body:     func() io.Reader { return io.MultiReader(strings.NewReader("payload")) },
			statuses: []int{503, 200}, wantStatus: 503, wantCalls: 1, wantWaits: []time.Duration{}},
		{name: "POST 503: no retry", method: "POST", body: func() io.Reader { return strings.NewReader("payload") },
			statuses: []int{503, 200}, wantStatus: 503, wantCalls: 1, wantWaits: []time.Duration{}},
		{name: "PATCH 503: no retry", method: "PATCH", statuses: []int{503, 200}, wantStatus: 503, wantCalls: 1,
			wantWaits: []time.Duration{}},
		{name: "GET 500: no retry", method: "GET", statuses: []int{500, 200}, wantStatus: 500, wantCalls: 1,
			wantWaits: []time.Duration{}},
		{name: "GET 501: no retry", method: "GET", statuses: []int{501, 200}, wantStatus: 501, wantCalls: 1,
			wantWaits: []time.Duration{}},
		{name: "Retry-After 1 honoured", method: "GET", statuses: []int{503, 200},
			headers: []map[string]string{{"Retry-After": "1"}}, wantStatus: 200, wantCalls: 2,
			wantWaits: []time.Duration{time.Second}},
		{name: "Retry-After at the cap", method: "GET", statuses: []int{503, 200},
			headers: []map[string]string{{"Retry-After": "10"}}, wantStatus: 200, wantCalls: 2,
			wantWaits: []time.Duration{10 * time.Second}},
		{name: "Retry-After beyond the cap: no retry", method: "GET", statuses: []int{503, 200},
			headers: []map[string]string{{"Retry-After": "11"}}, wantStatus: 503, wantCalls: 1,
			wantWaits: []time.Duration{}},
		{name: "Retry-After huge: no retry", method: "GET", statuses: []int{429, 200},
			headers: []map[string]string{{"Retry-After": "99999999999999999999"}}, wantStatus: 429, wantCalls: 1,
			wantWaits: []time.Duration{}},
		{name: "429 Retry-After HTTP-date past", method: "GET", statuses: []int{429, 200},
			headers: []map[string]string{{"Retry-After": past}}, wantStatus: 200, wantCalls: 2,
			wantWaits: []time.Duration{0}},
		{name: "429 Retry-After HTTP-date beyond the cap", method: "GET", statuses: []int{429, 200},
			headers: []map[string]string{{"Retry-After": future}}, wantStatus: 429, wantCalls: 1,
			wantWaits: []time.Duration{}},
		{name: "Retry-After garbage: backoff", method: "GET", statuses: []int{503, 200},
			headers: []map[string]string{{"Retry-After": "soon"}}, wantStatus: 200, wantCalls: 2},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := &script{statuses: c.statuses, headers: c.headers}
			srv, g, w := testGuard(t, Config{RetryBase: base}, s)
			var body io.Reader
			if c.body != nil {
				body = c.body()
			}
			req, err := http.NewRequestWithContext(t.Context(), c.method, srv.URL, body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := g.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.wantStatus || s.calls() != c.wantCalls {
				t.Errorf("status %d after %d calls, want %d after %d", resp.StatusCode, s.calls(), c.wantStatus, c.wantCalls)
			}
			got := w.get()
			if c.wantWaits != nil {
				if diff := cmp.Diff(c.wantWaits, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("waits (-want +got):\n%s", diff)
				}
			} else if len(got) != c.wantCalls-1 {
				t.Errorf("%d waits, want %d", len(got), c.wantCalls-1)
			}
			if c.body != nil && c.wantCalls > 1 {
				for i, b := range s.bodies {
					if b != "payload" {
						t.Errorf("attempt %d sent body %q, want payload", i+1, b)
					}
				}
			}
			// Discarded bodies were drained and closed: one connection served all.
			if n := len(s.conns); n != 1 {
				t.Errorf("%d connections used, want 1", n)
			}
		})
	}
}

// TestBackoff checks the full-jitter ceilings: RetryBase·2^(n-1), capped at
// MaxRetryAfter.
func TestBackoff(t *testing.T) {
	t.Parallel()
	s := &script{statuses: []int{503}}
	srv, g, w := testGuard(t, Config{RetryBase: 3 * time.Second, MaxRetryAfter: 10 * time.Second, MaxAttempts: 5}, s)
	g.jitter = func(n int64) int64 { return n - 1 } // the top of each range
	resp, err := g.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := []time.Duration{3*time.Second - 1, 6*time.Second - 1, 10*time.Second - 1, 10*time.Second - 1}
	if diff := cmp.Diff(want, w.get()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	if resp.StatusCode != 503 || s.calls() != 5 {
		t.Errorf("status %d after %d calls, want 503 after 5", resp.StatusCode, s.calls())
	}
}

// TestRetryCanceled: a context canceled during the backoff ends the call with
// the context's error, and no further attempt is made.
func TestRetryCanceled(t *testing.T) {
	t.Parallel()
	s := &script{statuses: []int{503, 200}}
	srv, g, _ := testGuard(t, Config{RetryBase: time.Hour, MaxRetryAfter: 2 * time.Hour, CallTimeout: 3 * time.Hour}, s)
	ctx, cancel := context.WithCancel(t.Context())
	g.sleep = func(sctx context.Context, d time.Duration) error {
		cancel()
		return sleep(sctx, d) // the real sleep, which must return at once
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	_, err := g.Client().Do(req)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Do = %v, want context.Canceled", err)
	}
	if s.calls() != 1 {
		t.Errorf("%d calls, want 1", s.calls())
	}
}

// TestRetryNotPastDeadline: when the wait would outlast the context, the
// response in hand is returned instead.
func TestRetryNotPastDeadline(t *testing.T) {
	t.Parallel()
	s := &script{statuses: []int{503, 200}, headers: []map[string]string{{"Retry-After": "3600"}}}
	srv, g, w := testGuard(t, Config{MaxRetryAfter: 2 * time.Hour}, s)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := g.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || s.calls() != 1 || len(w.get()) != 0 {
		t.Errorf("status %d, %d calls, %d waits; want 503, 1, 0", resp.StatusCode, s.calls(), len(w.get()))
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"1", time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"Tue, 24 Nov 2026 18:00:30 GMT", 30 * time.Second, true},
		{"Tuesday, 24-Nov-26 18:00:30 GMT", 30 * time.Second, true},
		{"Tue Nov 24 18:00:30 2026", 30 * time.Second, true},
		{"Tue, 24 Nov 2026 17:00:00 GMT", 0, true},
		{"", 0, false},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
	}
	for _, c := range tests {
		got, ok := parseRetryAfter(c.v, now)
		if got != c.want || ok != c.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", c.v, got, ok, c.want, c.ok)
		}
	}
}

func TestSizeCap(t *testing.T) {
	t.Parallel()
	const max = 1000
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantErr error
		wantLen int
	}{
		{"exactly the cap", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, strings.Repeat("a", max))
		}, nil, max},
		{"one byte over", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, strings.Repeat("a", max+1))
		}, ErrTooLarge, max},
		{"far over, streamed", func(w http.ResponseWriter, r *http.Request) {
			for range 100 {
				io.WriteString(w, strings.Repeat("a", max))
				w.(http.Flusher).Flush()
			}
		}, ErrTooLarge, max},
		{"gzip bomb: counted after decoding", func(w http.ResponseWriter, r *http.Request) {
			var b bytes.Buffer
			z := gzip.NewWriter(&b)
			z.Write(make([]byte, 1<<20))
			z.Close()
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(b.Bytes())
		}, ErrTooLarge, max},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv, g, _ := testGuard(t, Config{MaxResponseBytes: max}, c.handler)
			resp, err := g.Client().Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if !errors.Is(err, c.wantErr) || len(b) != c.wantLen {
				t.Errorf("ReadAll = %d bytes, %v; want %d bytes, %v", len(b), err, c.wantLen, c.wantErr)
			}
			if c.wantErr != nil {
				if _, err := resp.Body.Read(make([]byte, 10)); !errors.Is(err, ErrTooLarge) {
					t.Errorf("Read after the cap = %v, want ErrTooLarge again", err)
				}
			}
		})
	}
}

// TestTimeouts checks that each phase's timeout ends a stalled call. Only the
// outcome is asserted, not how long it took.
func TestTimeouts(t *testing.T) {
	t.Parallel()
	const short = 200 * time.Millisecond
	t.Run("response headers", func(t *testing.T) {
		t.Parallel()
		srv, g, _ := testGuard(t, Config{ResponseHeaderTimeout: short}, http.HandlerFunc(
			func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
		_, err := g.Client().Get(srv.URL)
		if err == nil || !strings.Contains(err.Error(), "timeout awaiting response headers") {
			t.Errorf("Get = %v, want a response header timeout", err)
		}
	})
	t.Run("whole call while reading the body", func(t *testing.T) {
		t.Parallel()
		srv, g, _ := testGuard(t, Config{CallTimeout: short}, http.HandlerFunc(
			func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "partial")
				w.(http.Flusher).Flush()
				<-r.Context().Done()
			}))
		resp, err := g.Client().Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		_, err = io.ReadAll(resp.Body)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("ReadAll = %v, want context.DeadlineExceeded", err)
		}
	})
	t.Run("TLS handshake", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var held []net.Conn
		var mu sync.Mutex
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				mu.Lock()
				held = append(held, c) // accept, then never answer
				mu.Unlock()
			}
		}()
		t.Cleanup(func() {
			ln.Close()
			mu.Lock()
			defer mu.Unlock()
			for _, c := range held {
				c.Close()
			}
		})
		g := New(Config{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, TLSHandshakeTimeout: short})
		_, err = g.Client().Get("https://" + ln.Addr().String() + "/")
		if err == nil || !strings.Contains(err.Error(), "TLS handshake timeout") {
			t.Errorf("Get = %v, want a TLS handshake timeout", err)
		}
	})
}

// TestControlHook dials denied addresses through the guarded dialer directly,
// bypassing the resolver-side check: the Control hook must refuse them before
// connect().
func TestControlHook(t *testing.T) {
	t.Parallel()
	canary := ssrftest.NewCanary(t, "127.0.0.2:0")
	g := New(Config{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	port := strconv.Itoa(int(canary.Addr().Port()))
	for _, addr := range []string{
		"127.0.0.2:" + port, "[::ffff:127.0.0.2]:" + port, "0.0.0.0:" + port, "[::]:" + port, "[::1]:" + port,
	} {
		c, err := g.dial(t.Context(), "tcp", addr)
		if err == nil {
			c.Close()
		}
		if !errors.Is(err, ErrDenied) {
			t.Errorf("dial %s = %v, want ErrDenied", addr, err)
		}
	}
	if _, err := g.dial(t.Context(), "udp", "127.0.0.2:"+port); !errors.Is(err, ErrDenied) {
		t.Errorf("dial udp = %v, want ErrDenied", err)
	}
	if n := canary.Accepts(); n != 0 {
		t.Errorf("canary accepted %d connections, want 0", n)
	}
}

// TestDialChoosesAllowed: a name with allowed and denied addresses is dialed
// on its allowed addresses only, by IP, with one lookup.
func TestDialChoosesAllowed(t *testing.T) {
	t.Parallel()
	var lookups atomic.Int64
	g := New(Config{Resolver: func(ctx context.Context, network, host string) ([]netip.Addr, error) {
		lookups.Add(1)
		if host != "mixed.test" || network != "ip" {
			t.Errorf("lookup %s %s, want ip mixed.test", network, host)
		}
		return []netip.Addr{
			netip.MustParseAddr("127.0.0.2"),
			netip.MustParseAddr("8.8.8.8"),
			netip.MustParseAddr("::1"),
			netip.MustParseAddr("::ffff:1.1.1.1"),
			netip.MustParseAddr("169.254.169.254"),
		}, nil
	}})
	var dialed []string
	g.dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dialed = append(dialed, network+" "+addr)
		return nil, errors.New("fake dial fails") // no packet leaves
	}
	_, err := g.dialContext(t.Context(), "tcp", "mixed.test:443")
	if err == nil || errors.Is(err, ErrDenied) {
		t.Errorf("dialContext = %v, want the fake dial's error", err)
	}
	if diff := cmp.Diff([]string{"tcp 8.8.8.8:443", "tcp 1.1.1.1:443"}, dialed); diff != "" {
		t.Errorf("dialed (-want +got):\n%s", diff)
	}
	if n := lookups.Load(); n != 1 {
		t.Errorf("%d lookups, want 1", n)
	}

	g.cfg.Resolver = ssrftest.Resolver(map[string][]netip.Addr{"internal.test": {
		netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("fd00::1"),
	}})
	dialed = nil
	if _, err := g.dialContext(t.Context(), "tcp", "internal.test:443"); !errors.Is(err, ErrDenied) {
		t.Errorf("dialContext(all denied) = %v, want ErrDenied", err)
	}
	if len(dialed) != 0 {
		t.Errorf("dialed %v for a name with only denied addresses", dialed)
	}
}

func TestClientShared(t *testing.T) {
	t.Parallel()
	g := New(Config{})
	if g.Client() != g.Client() {
		t.Error("Client returns a new client on each call")
	}
	tr := g.transport
	if tr.Proxy != nil || tr.MaxIdleConnsPerHost < 64 || tr.TLSHandshakeTimeout != DefaultTLSHandshakeTimeout ||
		tr.ResponseHeaderTimeout != DefaultResponseHeaderTimeout || g.Client().Timeout != DefaultCallTimeout {
		t.Errorf("transport defaults wrong: proxy set %v, idle per host %d, TLS %v, headers %v, call %v",
			tr.Proxy != nil, tr.MaxIdleConnsPerHost, tr.TLSHandshakeTimeout, tr.ResponseHeaderTimeout, g.Client().Timeout)
	}
	if g.cfg.MaxResponseBytes != 10<<20 || g.cfg.MaxAttempts != 3 || g.cfg.RetryBase != 200*time.Millisecond ||
		g.cfg.MaxRetryAfter != 10*time.Second || g.cfg.ConnectTimeout != 5*time.Second {
		t.Errorf("Config defaults wrong: %+v", g.cfg)
	}
}
