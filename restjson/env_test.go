package restjson_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/restjson"
	"github.com/actiongate/actiongate/store/sqlite"
	"github.com/actiongate/actiongate/vault"
)

const (
	testRegion  = "us-east-1"
	testAccount = "111122223333"
	testKeyID   = "AKIAIOSFODNN7EXAMPLE"
	testSecret  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// testNow is the fixed clock of wire tests, so that responses are byte-stable.
var testNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// env is a real server (restjson over the Service, SQLite and the vault) on a
// loopback port, with one administrator key.
type env struct {
	url   string
	svc   *actiongate.Service
	store actiongate.Store
	creds aws.Credentials
	now   time.Time
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvWith(t, envOptions{})
}

// envOptions adjust the server of newEnvWith.
type envOptions struct {
	// sealer wraps the vault, to inject faults.
	sealer func(actiongate.Sealer) actiongate.Sealer
	// logs receives the server's logs, at debug level.
	logs io.Writer
	// audit receives the audit records.
	audit restjson.Auditor
	// runtime makes the runtime the Service performs actions with, from the
	// store and the vault; nil for none.
	runtime func(actiongate.Store, actiongate.Sealer) actiongate.Runtime
}

func newEnvWith(t testing.TB, o envOptions) *env {
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
	clock := func() time.Time { return testNow }
	log := slog.New(slog.DiscardHandler)
	if o.logs != nil {
		log = slog.New(slog.NewTextHandler(o.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	var sealer actiongate.Sealer = b
	if o.sealer != nil {
		sealer = o.sealer(b)
	}
	svc := actiongate.NewService(actiongate.Config{Store: st, Sealer: sealer, Region: testRegion, Now: clock, Logger: log,
		PageTokenKey: []byte("0123456789abcdef0123456789abcdef"),
		Rand:         rand.NewChaCha8([32]byte{}), // byte-stable generated ids (PrincipalId)
		Runtime:      runtimeOf(o, st, sealer),
	})
	if _, _, err := svc.CreateIdentity(ctx, actiongate.NewIdentity{AccountID: testAccount, Admin: true,
		AccessKeyID: testKeyID, SecretAccessKey: actiongate.NewSecret([]byte(testSecret))}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(restjson.New(restjson.Config{Service: svc, Now: clock, Logger: log, Audit: o.audit}))
	t.Cleanup(srv.Close)
	return &env{url: srv.URL, svc: svc, store: st, now: testNow,
		creds: aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret}}
}

func runtimeOf(o envOptions, st actiongate.Store, sealer actiongate.Sealer) actiongate.Runtime {
	if o.runtime == nil {
		return nil
	}
	return o.runtime(st, sealer)
}

// request builds a request for path (already escaped) with body.
func (e *env) request(t testing.TB, method, path, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// sign signs req with the AWS SDK's SigV4 signer, as the SDKs do.
func (e *env) sign(t testing.TB, req *http.Request, body string) *http.Request {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), e.creds, req, hex.EncodeToString(sum[:]), "quicksight", testRegion, e.now); err != nil {
		t.Fatal(err)
	}
	return req
}

// call signs and sends a request and returns the response with its body read.
func (e *env) call(t testing.TB, method, path, body string) (*http.Response, []byte) {
	t.Helper()
	return send(t, e.sign(t, e.request(t, method, path, body), body))
}

func send(t testing.TB, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}
