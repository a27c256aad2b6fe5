package egress

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// dialContext is the transport's DialContext. It resolves host itself with
// Config.Resolver, checks every address, and dials only allowed ones, by IP, in
// the resolver's order until one connects. The Dialer's Control hook checks the
// connected address again. The configured proxy is dialed without the check.
func (g *Guard) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	lookup := "ip"
	switch network {
	case "tcp":
	case "tcp4":
		lookup = "ip4"
	case "tcp6":
		lookup = "ip6"
	default:
		return nil, fmt.Errorf("%w: network %q is not TCP", ErrDenied, network)
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("egress: dial %q: %w", addr, err)
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil || port == 0 {
		return nil, fmt.Errorf("egress: dial %q: invalid port", addr)
	}
	ctx, cancel := context.WithTimeout(ctx, g.cfg.ConnectTimeout)
	defer cancel()

	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		ips, err = g.cfg.Resolver(ctx, lookup, host)
		if err != nil {
			return nil, err
		}
		if len(ips) == 0 {
			return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
		}
	}

	if g.proxyAddr != "" && addr == g.proxyAddr {
		return g.dialEach(ctx, network, ips, uint16(port), g.dialProxy)
	}

	allowed := make([]netip.Addr, 0, len(ips))
	var denied []error
	for _, ip := range ips {
		if err := g.Allowed(ip); err != nil {
			denied = append(denied, err)
			continue
		}
		allowed = append(allowed, ip.Unmap())
	}
	switch {
	case len(allowed) > 0:
	case len(ips) == 1 && ips[0].String() == host:
		return nil, denied[0]
	case len(denied) == 1:
		return nil, fmt.Errorf("%s resolves to a denied address: %w", host, denied[0])
	default:
		return nil, fmt.Errorf("%s resolves to %d denied addresses, the first: %w", host, len(denied), denied[0])
	}
	return g.dialEach(ctx, network, allowed, uint16(port), g.dial)
}

// dialEach dials ips in order until one connects, and returns the first error
// when none does.
func (g *Guard) dialEach(ctx context.Context, network string, ips []netip.Addr, port uint16,
	dial func(ctx context.Context, network, addr string) (net.Conn, error)) (net.Conn, error) {
	var first error
	for _, ip := range ips {
		if network == "tcp4" && !ip.Unmap().Is4() || network == "tcp6" && ip.Unmap().Is4() {
			continue
		}
		c, err := dial(ctx, network, netip.AddrPortFrom(ip, port).String())
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	if first == nil {
		first = &net.AddrError{Err: "no suitable address", Addr: network}
	}
	return nil, first
}

// control is the guarded Dialer's Control hook: it runs after resolution and
// before connect(), on the address actually connected to (after any IDNA or
// IPv4-mapped conversion the standard library made), for defence in depth.
func (g *Guard) control(network, address string, _ syscall.RawConn) error {
	if network != "tcp4" && network != "tcp6" {
		return fmt.Errorf("%w: network %q is not TCP", ErrDenied, network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: unparsable address %q", ErrDenied, address)
	}
	return g.Allowed(ap.Addr())
}

// proxyDialer dials the operator's proxy: TCP only, no address check.
func proxyDialer(timeout time.Duration) *net.Dialer {
	return &net.Dialer{
		Timeout:   timeout,
		KeepAlive: 30 * time.Second,
		Control: func(network, _ string, _ syscall.RawConn) error {
			if network != "tcp4" && network != "tcp6" {
				return fmt.Errorf("%w: network %q is not TCP", ErrDenied, network)
			}
			return nil
		},
	}
}

// transport adds to the guarded http.Transport a check of IP-literal hosts,
// retries with backoff, and the response body cap.
type transport struct{ g *Guard }

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	g := t.g
	// An IP-literal host is checked before anything else, so it is refused even
	// when a proxy would otherwise resolve and dial it.
	if ip, err := netip.ParseAddr(req.URL.Hostname()); err == nil {
		if err := g.Allowed(ip); err != nil {
			closeBody(req)
			return nil, err
		}
	}
	attempts := 1
	if retryable(req) {
		attempts = g.cfg.MaxAttempts
	}
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 {
			r = req.Clone(ctx)
			if req.Body != nil && req.Body != http.NoBody {
				body, err := req.GetBody()
				if err != nil {
					return nil, fmt.Errorf("egress: rewinding request body: %w", err)
				}
				r.Body = body
			}
		}
		resp, err := g.transport.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		wait, retry := g.retryWait(resp, attempt)
		if !retry || attempt >= attempts || tooLate(ctx, wait) {
			resp.Body = &cappedBody{rc: resp.Body, n: g.cfg.MaxResponseBytes, max: g.cfg.MaxResponseBytes}
			return resp, nil
		}
		discard(resp.Body)
		if err := g.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// CloseIdleConnections closes the idle pooled connections, so that
// http.Client.CloseIdleConnections works through this wrapper.
func (t *transport) CloseIdleConnections() { t.g.transport.CloseIdleConnections() }

// retryable reports whether req may be sent again: an idempotent method and a
// body that can be replayed.
func retryable(req *http.Request) bool {
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
	default:
		return false
	}
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// retryWait reports whether resp, the answer to attempt number attempt, calls
// for a retry, and how long to wait first: Retry-After when present and within
// MaxRetryAfter (no retry when longer), else a full-jitter backoff.
func (g *Guard) retryWait(resp *http.Response, attempt int) (time.Duration, bool) {
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
	default:
		return 0, false
	}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		return d, d <= g.cfg.MaxRetryAfter
	}
	ceiling := g.cfg.MaxRetryAfter
	if shift := attempt - 1; shift < 32 && g.cfg.RetryBase<<shift > 0 && g.cfg.RetryBase<<shift < ceiling {
		ceiling = g.cfg.RetryBase << shift
	}
	return time.Duration(g.jitter(int64(ceiling))), true
}

// parseRetryAfter parses a Retry-After value (RFC 9110 §10.2.3): a number of
// seconds or an HTTP-date, a date in the past meaning no wait.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseUint(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if secs > uint64(math.MaxInt64/time.Second) {
			return math.MaxInt64, true // longer than any cap
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// tooLate reports whether ctx ends before a wait of d does, so a retry could
// not complete; the response in hand is then returned instead.
func tooLate(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return ok && time.Until(dl) <= d
}

// maxDrain is how much of a discarded response body is read so that its
// connection can be reused; a longer body's connection is closed instead.
const maxDrain = 64 << 10

func discard(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, maxDrain)
	_ = body.Close()
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// cappedBody is a response body that fails with ErrTooLarge once more than
// max bytes have been read.
type cappedBody struct {
	rc  io.ReadCloser
	n   int64 // bytes left before the cap
	max int64
	err error // sticky ErrTooLarge
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	// Read at most one byte past the cap, to tell "exactly max" from "more".
	if int64(len(p))-1 > b.n {
		p = p[:b.n+1]
	}
	n, err := b.rc.Read(p)
	if int64(n) <= b.n {
		b.n -= int64(n)
		return n, err
	}
	n = int(b.n)
	b.n = 0
	b.err = fmt.Errorf("%w: more than %d bytes", ErrTooLarge, b.max)
	return n, b.err
}

func (b *cappedBody) Close() error { return b.rc.Close() }
