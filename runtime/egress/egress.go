// Package egress guards every outbound HTTP call the service makes to a
// user-supplied URL (a connector's BaseEndpoint, an OAuth TokenEndpoint) against
// server-side request forgery, following research/reliability.md §1.
//
// A Guard's client resolves each host name itself, checks every resolved address
// against the deny list (loopback, private, link-local, CGNAT, multicast, cloud
// metadata and every IANA IPv4 and IPv6 special-purpose prefix) and dials only an
// allowed address, by IP, so DNS rebinding has no gap between check and use. A
// net.Dialer Control hook checks the address actually connected to once more.
// Redirects are never followed, proxies from the environment are never used,
// every phase has a timeout, response bodies are capped, and idempotent requests
// are retried on 429, 502, 503 and 504 with full-jitter backoff.
//
// Denied by default, unless Config.Allow holds the address:
//
//   - cloud metadata, by exact address: 169.254.169.254, fd00:ec2::254,
//     169.254.170.2, 169.254.170.23, fd00:ec2::23, 100.100.100.200,
//     168.63.129.16 (Azure WireServer, a public address) and 192.0.0.192;
//   - IPv4: 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24,
//     192.0.2/24, 192.31.196/24, 192.52.193/24, 192.88.99/24, 192.168/16,
//     192.175.48/24, 198.18/15, 198.51.100/24, 203.0.113/24, 224/4, 240/4 and
//     255.255.255.255;
//   - IPv6: ::, ::1, ::/96 (IPv4-compatible), ::ffff:0:0:0/96, 64:ff9b::/96 and
//     64:ff9b:1::/48 (NAT64), 100::/64, 100:0:0:1::/64, 2001::/23 (with Teredo
//     2001::/32), 2001:db8::/32, 2002::/16 (6to4), 2620:4f:8000::/48, 3fff::/20,
//     5f00::/16, fc00::/7, fe80::/10, fec0::/10, ff00::/8, and everything
//     outside 2000::/3;
//   - IPv4-mapped addresses (::ffff:0:0/96) as their IPv4 address; zoned
//     addresses always.
//
// CheckURL holds the static rules (https only, no user information, ...) that a
// URL must pass before it is stored or dialed; its messages are written for API
// users. Denials found at dial time wrap ErrDenied and name the address and the
// rule; they are for logs only, so the service cannot be used as a port scanner.
//
// The sub-package ssrftest holds the SSRF payload corpus, fake DNS and canary
// listeners that every outbound path of the service is tested with.
package egress

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"
)

// ErrDenied is wrapped by every error that refuses a destination: an address in
// a denied range, a host name whose addresses are all denied, a network other
// than TCP. Match it with errors.Is. The wrapping error's message names the
// address and the rule broken; it belongs in logs, never in an API response.
var ErrDenied = errors.New("egress: destination not allowed")

// ErrTooLarge is returned by a response body's Read once the body is longer than
// Config.MaxResponseBytes; the body is not silently truncated.
var ErrTooLarge = errors.New("egress: response body too large")

// ErrInvalidURL is matched (errors.Is) by every error CheckURL returns.
var ErrInvalidURL = errors.New("egress: invalid URL")

// Config configures a Guard. The zero Config is ready to use: every zero or
// negative field takes the default its comment names.
type Config struct {
	// Allow lists operator-allowed prefixes: an address inside one of them is
	// dialed even when it is loopback, private, link-local, metadata or special
	// purpose (zoned addresses excepted). IPv4-mapped IPv6 prefixes
	// (::ffff:10.0.0.0/104) count as their IPv4 form; other IPv6 prefixes, even
	// ::/0, hold no IPv4-mapped address, as those are dialed over IPv4.
	// Default: none.
	Allow []netip.Prefix

	// Proxy, when set, is the only proxy used (http, https or socks5 URL);
	// environment proxies (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY) are always
	// ignored. The proxy's own address is operator configuration and is dialed
	// without the address check; the proxy then sees the destination and must
	// enforce the egress policy itself. An IP-literal destination is still
	// checked. Default: nil, no proxy.
	Proxy *url.URL

	// Resolver resolves a host name to addresses; network is "ip", "ip4" or
	// "ip6". Default: net.DefaultResolver.LookupNetIP. Tests inject fake DNS here.
	Resolver func(ctx context.Context, network, host string) ([]netip.Addr, error)

	// ConnectTimeout bounds name resolution and the TCP connect together, for
	// each dial. Default 5s.
	ConnectTimeout time.Duration
	// TLSHandshakeTimeout bounds the TLS handshake. Default 5s.
	TLSHandshakeTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for response headers once the
	// request is written. Default 15s.
	ResponseHeaderTimeout time.Duration
	// CallTimeout bounds the whole call: every attempt, the backoff between
	// attempts and reading the response body. It is the client's Timeout; a
	// shorter context deadline also applies. Default 30s.
	CallTimeout time.Duration

	// MaxResponseBytes caps a response body, counted after content decoding:
	// a Read past it fails with ErrTooLarge. Default 10 MiB.
	MaxResponseBytes int64

	// MaxAttempts is the number of attempts in all for a retryable request
	// (GET, HEAD, OPTIONS, PUT, DELETE with no body or a req.GetBody) that is
	// answered 429, 502, 503 or 504. 1 disables retries. Errors (a denied
	// address, a refused connection, a timeout) are not retried. Default 3.
	MaxAttempts int
	// RetryBase is the backoff base: before attempt n+1 the client waits a
	// random duration in [0, RetryBase·2^(n-1)) (full jitter), at most
	// MaxRetryAfter. Default 200ms.
	RetryBase time.Duration
	// MaxRetryAfter caps a Retry-After header (seconds or HTTP-date): a wait up
	// to it is honoured instead of the backoff; a longer one is not, and the
	// response is returned as is, as it is when the wait would outlast the
	// call's deadline. Default 10s.
	MaxRetryAfter time.Duration

	// RootCAs verifies server certificates. Default nil: the system roots
	// (SSL_CERT_FILE and SSL_CERT_DIR are honoured).
	RootCAs *x509.CertPool

	// MaxIdleConnsPerHost is the idle connection pool kept for each host, as
	// this client sits on the hot path of action invocation. Default 128.
	MaxIdleConnsPerHost int
}

// The Config defaults.
const (
	DefaultConnectTimeout        = 5 * time.Second
	DefaultTLSHandshakeTimeout   = 5 * time.Second
	DefaultResponseHeaderTimeout = 15 * time.Second
	DefaultCallTimeout           = 30 * time.Second
	DefaultMaxResponseBytes      = 10 << 20
	DefaultMaxAttempts           = 3
	DefaultRetryBase             = 200 * time.Millisecond
	DefaultMaxRetryAfter         = 10 * time.Second
	DefaultMaxIdleConnsPerHost   = 128
)

// maxResponseHeaderBytes caps the response headers; 1 MiB is far above what any
// API answers.
const maxResponseHeaderBytes = 1 << 20

// Guard makes outbound HTTP calls that cannot reach denied addresses. It is safe
// for concurrent use; create one per configuration and share it.
type Guard struct {
	cfg       Config
	allow     []netip.Prefix
	proxyAddr string // host:port of cfg.Proxy, "" without a proxy
	transport *http.Transport
	client    *http.Client

	// Seams for tests, set in New.
	dial      func(ctx context.Context, network, addr string) (net.Conn, error) // the guarded dialer, by IP
	dialProxy func(ctx context.Context, network, addr string) (net.Conn, error) // the proxy's dialer, unchecked
	sleep     func(ctx context.Context, d time.Duration) error
	jitter    func(n int64) int64 // uniform in [0, n)
}

// New returns a Guard for cfg, with defaults filled in.
func New(cfg Config) *Guard {
	cfg = withDefaults(cfg)
	g := &Guard{cfg: cfg}
	for _, p := range cfg.Allow {
		if p.IsValid() {
			g.allow = append(g.allow, normalizePrefix(p))
		}
	}
	if cfg.Proxy != nil {
		g.proxyAddr = proxyAddr(cfg.Proxy)
	}
	dialer := &net.Dialer{
		Timeout:   cfg.ConnectTimeout,
		KeepAlive: 30 * time.Second,
		Control:   g.control,
	}
	g.dial = dialer.DialContext
	g.dialProxy = proxyDialer(cfg.ConnectTimeout).DialContext
	g.sleep = sleep
	g.jitter = rand.Int64N

	var proxy func(*http.Request) (*url.URL, error) // nil: no proxy, whatever the environment says
	if cfg.Proxy != nil {
		proxy = http.ProxyURL(cfg.Proxy)
	}
	g.transport = &http.Transport{
		Proxy:                  proxy,
		DialContext:            g.dialContext,
		TLSClientConfig:        &tls.Config{RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    cfg.TLSHandshakeTimeout,
		ResponseHeaderTimeout:  cfg.ResponseHeaderTimeout,
		ExpectContinueTimeout:  time.Second,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           8 * cfg.MaxIdleConnsPerHost,
		MaxIdleConnsPerHost:    cfg.MaxIdleConnsPerHost,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: maxResponseHeaderBytes,
	}
	g.client = &http.Client{
		Transport: &transport{g: g},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		Timeout: cfg.CallTimeout,
	}
	return g
}

// Client returns the Guard's HTTP client, the same one on every call, safe for
// concurrent use. It does not follow redirects: a 3xx comes back as the
// response. Callers check user-supplied URLs with CheckURL before using them;
// the client itself accepts any scheme net/http does, so tests can reach plain
// HTTP upstreams on allowed addresses.
func (g *Guard) Client() *http.Client { return g.client }

func withDefaults(c Config) Config {
	c.Allow = append([]netip.Prefix(nil), c.Allow...)
	if c.Resolver == nil {
		c.Resolver = net.DefaultResolver.LookupNetIP
	}
	setDefault(&c.ConnectTimeout, DefaultConnectTimeout)
	setDefault(&c.TLSHandshakeTimeout, DefaultTLSHandshakeTimeout)
	setDefault(&c.ResponseHeaderTimeout, DefaultResponseHeaderTimeout)
	setDefault(&c.CallTimeout, DefaultCallTimeout)
	setDefault(&c.MaxResponseBytes, DefaultMaxResponseBytes)
	setDefault(&c.MaxAttempts, DefaultMaxAttempts)
	setDefault(&c.RetryBase, DefaultRetryBase)
	setDefault(&c.MaxRetryAfter, DefaultMaxRetryAfter)
	setDefault(&c.MaxIdleConnsPerHost, DefaultMaxIdleConnsPerHost)
	return c
}

func setDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// proxyAddr returns the host:port the transport dials to reach proxy u.
func proxyAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch u.Scheme {
		case "https":
			port = "443"
		case "socks5", "socks5h":
			port = "1080"
		default:
			port = "80"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// sleep waits d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
