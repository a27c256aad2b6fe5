package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The credentials of the AWS SigV4 test suite, and a second key.
const (
	testAKID    = "AKIDEXAMPLE"
	testSecret  = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	testAKID2   = "AKIDSECOND0000000000"
	testSecret2 = "c2Vjb25kLXNlY3JldC1rZXktZm9yLXRlc3RzLW9ubHk"
	testRegion  = "us-east-1"
	testService = "quicksight"
	testToken   = "FQoGZXIvYXdzEXAMPLESESSIONTOKEN"
	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// testNow is the server's clock in most tests: 2026-01-02T03:04:05Z.
func testNow() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

func credentials() aws.Credentials {
	return aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
}

// lookupOf returns a Lookup over a fixed map of access key ids to secrets.
func lookupOf(keys map[string]string) func(context.Context, string) ([]byte, error) {
	return func(_ context.Context, id string) ([]byte, error) {
		s, ok := keys[id]
		if !ok {
			return nil, fmt.Errorf("identity %q: %w", id, ErrUnknownAccessKey)
		}
		return []byte(s), nil
	}
}

// newVerifier returns a Verifier for us-east-1/quicksight whose clock reads now
// and which knows testAKID and testAKID2.
func newVerifier(now time.Time) *Verifier {
	return &Verifier{
		Region: testRegion,
		Now:    func() time.Time { return now },
		Lookup: lookupOf(map[string]string{testAKID: testSecret, testAKID2: testSecret2}),
	}
}

// result is what the test server reports of one Verify call.
type result struct {
	AccessKeyID string
	Code        string
	Status      int
	Message     string
	Internal    string // the text of an error that is not an *Error
}

func resultOf(id string, err error) result {
	res := result{AccessKeyID: id}
	var e *Error
	switch {
	case errors.As(err, &e):
		res.Code, res.Status, res.Message = e.Code, e.Status, e.Message
	case err != nil:
		res.Internal = err.Error()
	}
	return res
}

// accepted is the result of a request that verifies as testAKID.
var accepted = result{AccessKeyID: testAKID}

// rejected returns the result of a failure with code and message.
func rejected(code, msg string) result {
	return result{Code: code, Status: http.StatusForbidden, Message: msg}
}

// newServer starts an HTTP server whose handler reads the body and reports, as
// JSON, what v.Verify says of the request.
func newServer(t *testing.T, v *Verifier) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resultOf(v.Verify(r, body)))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// send sends req with a real client and decodes the server's report.
func send(t *testing.T, req *http.Request) result {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("sending %s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("server answered %s: %s", resp.Status, b)
	}
	var res result
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatalf("decoding the server's report: %v", err)
	}
	return res
}

func hashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// newRequest builds a client request for base+target whose wire request
// target is exactly target: the path and query are kept as written.
func newRequest(t testing.TB, method, base, target string, body []byte) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, base+target, rd)
	if err != nil {
		t.Fatalf("building request %s %s: %v", method, target, err)
	}
	return req
}

// signHeader signs req in the header form with the AWS SDK for Go v2 at time at,
// for region and service, with the SHA-256 of body as the payload hash. The
// signer rewrites the query into canonical order; the raw query as built is put
// back so that the request goes out as the caller wrote it.
func signHeader(t testing.TB, req *http.Request, body []byte, cred aws.Credentials, region, service string, at time.Time) {
	t.Helper()
	raw := req.URL.RawQuery
	if err := v4.NewSigner().SignHTTP(context.Background(), cred, req, hashHex(body), service, region, at); err != nil {
		t.Fatalf("signing: %v", err)
	}
	req.URL.RawQuery = raw
}

// presign presigns req with the AWS SDK for Go v2, valid for expires seconds,
// and returns the request to send: the presigned URL plus the signed headers.
func presign(t testing.TB, req *http.Request, body []byte, cred aws.Credentials, region, service string, at time.Time, expires int) *http.Request {
	t.Helper()
	q := req.URL.Query()
	q.Set("X-Amz-Expires", fmt.Sprint(expires))
	req.URL.RawQuery = q.Encode()
	u, hdr, err := v4.NewSigner().PresignHTTP(context.Background(), cred, req, hashHex(body), service, region, at)
	if err != nil {
		t.Fatalf("presigning: %v", err)
	}
	out, err := http.NewRequest(req.Method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("building presigned request: %v", err)
	}
	if body == nil {
		out.Body, out.ContentLength = nil, 0
	}
	for k, vs := range hdr {
		if k == "Host" {
			out.Host = vs[0]
			continue
		}
		if k == "Content-Length" {
			continue
		}
		out.Header[k] = vs
	}
	return out
}

// overWire serializes a client request as the client transport would and parses
// it back as Go's server does, so that Host, Content-Length and
// Transfer-Encoding end up where a handler finds them.
func overWire(t testing.TB, req *http.Request) (*http.Request, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatalf("writing request: %v", err)
	}
	return readWire(t, buf.String())
}

// readWire parses raw HTTP/1.1 request bytes as Go's server does.
func readWire(t testing.TB, raw string) (*http.Request, []byte) {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatalf("reading request %q: %v", raw, err)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return r, body
}

func jsonDecode(resp *http.Response, v any) error {
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("server answered %s: %s", resp.Status, b)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func hmacHex(key []byte, msg string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// withBody replaces the body of a client request.
func withBody(r *http.Request, b []byte) *http.Request {
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	return r
}
