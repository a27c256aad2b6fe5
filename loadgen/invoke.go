package loadgen

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// The Invoke scenario's connector and the upstream it addresses.
const (
	// upstreamBasePath is the path of the connector's BaseEndpoint on the
	// Upstream; invocations GET upstreamBasePath+invokePath.
	upstreamBasePath = "/api"
	invokePath       = "/items/42"
	// upstreamKey is the connector's API key, which actiongate sends to the
	// upstream as a Bearer token; the upstream refuses requests without it.
	upstreamKey = "ag-loadgen-upstream-key-0123456789"
	invokeTries = 20 // probe invocations in setup, 250 ms apart, while the connector is in progress
)

// upstreamBody is what the Upstream answers: 1 KB of JSON (1024 bytes).
var upstreamBody = func() []byte {
	item := map[string]any{"id": "42", "title": "Printer on fire", "state": "open",
		"labels": []string{"hardware", "urgent"}, "assignee": "alice"}
	b, _ := json.Marshal(item)
	pad := 1024 - len(b) - len(`,"notes":""`)
	item["notes"] = strings.Repeat("x", pad)
	b, _ = json.Marshal(item)
	return b
}()

// Upstream is a loopback HTTPS service for the Invoke scenario, run in the
// load generator's process: every GET under /api with the expected Bearer
// key is answered 200 with 1 KB of JSON, anything else 401. It speaks
// HTTP/1.1 only, so that actiongate and the direct reference use it alike.
type Upstream struct {
	// URL is its base URL, "https://127.0.0.1:<port>".
	URL   string
	roots *x509.CertPool
	srv   *http.Server
	conns atomic.Int64
}

// NewUpstreamCertificate returns a self-signed ECDSA P-256 certificate for
// the address 127.0.0.1, valid from now for a year, and its private key, both
// PEM-encoded, for StartUpstream. The server under test must trust the
// certificate (SSL_CERT_FILE).
func NewUpstreamCertificate(now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "actiongate bench upstream"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), nil
}

// StartUpstream starts an Upstream on a free port of 127.0.0.1 with the
// certificate and key given (PEM, as NewUpstreamCertificate returns them).
// Close stops it.
func StartUpstream(certPEM, keyPEM []byte) (*Upstream, error) {
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("loadgen: upstream certificate: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(certPEM) {
		return nil, errors.New("loadgen: upstream certificate: no certificate in the PEM")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{
		Handler:           http.HandlerFunc(serveUpstream),
		ReadHeaderTimeout: 10 * time.Second,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}},
		TLSNextProto:      map[string]func(*http.Server, *tls.Conn, http.Handler){}, // no HTTP/2
	}
	u := &Upstream{URL: "https://" + ln.Addr().String(), roots: roots, srv: srv}
	srv.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			u.conns.Add(1)
		}
	}
	go srv.Serve(tls.NewListener(ln, srv.TLSConfig))
	return u, nil
}

// Connections returns how many connections the Upstream has accepted since
// it started: a client that reuses its connections opens about as many as
// it has requests in flight.
func (u *Upstream) Connections() int64 { return u.conns.Load() }

func serveUpstream(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if r.Header.Get("Authorization") != "Bearer "+upstreamKey || !strings.HasPrefix(r.URL.Path, upstreamBasePath+"/") {
		h["Content-Type"] = []string{"application/json"}
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"message":"unauthorized"}`))
		return
	}
	h["Content-Type"] = []string{"application/json"}
	w.Write(upstreamBody)
}

// Close stops the Upstream, closing its connections.
func (u *Upstream) Close() error { return u.srv.Close() }

// directClient returns a client like c, whose transport also trusts the
// Upstream's certificate.
func (u *Upstream) directClient(c *http.Client, conns int) *http.Client {
	tr, ok := c.Transport.(*http.Transport)
	if ok {
		tr = tr.Clone()
	} else {
		tr = newTransport(conns)
	}
	tr.TLSClientConfig = &tls.Config{RootCAs: u.roots}
	return &http.Client{Transport: tr, Timeout: c.Timeout}
}

// Wire shapes of the Invoke scenario's setup and requests.
type (
	createGenericInput struct {
		ActionConnectorID    string       `json:"ActionConnectorId"`
		AuthenticationConfig authConfig   `json:"AuthenticationConfig"`
		Name                 string       `json:"Name"`
		Permissions          []permission `json:"Permissions"`
		Type                 string       `json:"Type"`
	}
	invokeInput struct {
		Input   httpRequestInput `json:"Input"`
		UserArn string           `json:"UserArn"`
	}
	httpRequestInput struct {
		Method string `json:"Method"`
		Path   string `json:"Path"`
	}
)

func (r requests) createGeneric(id, name, baseEndpoint, grantee string) step {
	return step{op: opCreate, method: "POST", path: r.connectors(), body: mustJSON(createGenericInput{
		ActionConnectorID: id,
		AuthenticationConfig: authConfig{
			AuthenticationMetadata: authMetadata{APIKeyConnectionMetadata: apiKeyMetadata{
				APIKey: upstreamKey, BaseEndpoint: baseEndpoint}},
			AuthenticationType: "API_KEY",
		},
		Name:        name,
		Permissions: []permission{{Actions: []string{"quicksight:DescribeActionConnector"}, Principal: r.userARN(grantee)}},
		Type:        "GENERIC_HTTP",
	})}
}

func (r requests) invoke(id, user string) step {
	return step{op: opInvoke, method: "POST",
		path: r.connectors() + "/" + url.PathEscape(id) + "/actions/HttpRequest/invoke",
		body: mustJSON(invokeInput{Input: httpRequestInput{Method: "GET", Path: invokePath}, UserArn: r.userARN(user)})}
}

// setupInvoke registers a user, creates a GENERIC_HTTP connector to
// upstream granted to it, and invokes its HttpRequest action once, waiting
// while the connector is still in progress.
func (p *plan) setupInvoke(ctx context.Context, c *client, upstream *Upstream) error {
	if upstream == nil {
		return errors.New("loadgen: the Invoke scenario needs an Upstream")
	}
	user := p.tag + "-invoker"
	r, err := c.doRetry(ctx, p.req.registerUser(user), true)
	if err != nil {
		return err
	}
	if r.code != "" {
		return fmt.Errorf("loadgen: setup: RegisterUser %s: %s: %s", user, r.code, r.body)
	}
	p.users = append(p.users, user)
	p.invoker = user
	id := p.connectorID("invoke", 0)
	r, err = c.doRetry(ctx, p.req.createGeneric(id, p.tag+" invoke", upstream.URL+upstreamBasePath, user), true)
	if err != nil {
		return err
	}
	if r.code != "" {
		return fmt.Errorf("loadgen: setup: CreateActionConnector %s: %s: %s", id, r.code, r.body)
	}
	p.connectors = []string{id}
	for try := 1; ; try++ {
		r, err = c.doRetry(ctx, p.req.invoke(id, user), true)
		if err != nil {
			return err
		}
		if r.code == "" {
			return nil
		}
		if r.code != "ConflictException" || try == invokeTries {
			break
		}
		if err := (realClock{}).SleepUntil(ctx, time.Now().Add(250*time.Millisecond)); err != nil {
			return err
		}
	}
	err = fmt.Errorf("loadgen: setup: invoking HttpRequest on %s: %s: %s", id, r.code, r.body)
	if r.code == "UpstreamFailureException" {
		err = &UnreachableUpstreamError{URL: upstream.URL, Err: err}
	}
	return err
}

// UnreachableUpstreamError is the error of Run for Invoke when the server
// could not call the Upstream: it does not trust the Upstream's certificate
// (SSL_CERT_FILE), or its egress guard does not allow 127.0.0.1
// (--egress-allow 127.0.0.1/32).
type UnreachableUpstreamError struct {
	URL string // the Upstream's
	Err error
}

func (e *UnreachableUpstreamError) Error() string {
	return fmt.Sprintf("the server could not reach the upstream at %s: start it with --egress-allow 127.0.0.1/32 and with SSL_CERT_FILE naming the upstream's certificate (%v)", e.URL, e.Err)
}

func (e *UnreachableUpstreamError) Unwrap() error { return e.Err }

// Direct measures the reference of the Invoke scenario: the load of cfg sent
// to cfg.Upstream directly, each iteration the GET that actiongate sends it
// for one invocation (with the connector's Bearer key, not signed with
// SigV4), by the same loop, concurrency or rate, duration and warmup, and a
// client with the same transport settings that also trusts the Upstream's
// certificate. The Upstream shares this process, so Client figures include
// it. Use Report.CompareDirect to relate an Invoke run to it.
func Direct(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Upstream == nil {
		return nil, errors.New("loadgen: Direct needs an Upstream")
	}
	cfg.Endpoint = cfg.Upstream.URL
	cfg.ServerPID = 0
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	cfg.Scenario = direct
	c := cfg.client()
	c.http = cfg.Upstream.directClient(cfg.Client, cfg.Concurrency)
	st := step{op: opDirect, method: "GET", path: upstreamBasePath + invokePath, bearer: upstreamKey}
	if r, err := c.do(ctx, st, false); err != nil || r.code != "" {
		return nil, fmt.Errorf("loadgen: calling the upstream directly: %v %s", err, r.code)
	}
	return measure(ctx, cfg, func(int64) []step { return []step{st} }, func(ctx context.Context, s step) string {
		r, err := c.do(ctx, s, false)
		if err != nil {
			return "RequestBuildError"
		}
		return r.code
	}), nil
}
