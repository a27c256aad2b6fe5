package sigv4

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// FuzzParseAuthorization checks that the Authorization parser never panics,
// fails only with IncompleteSignatureException, returns fields without ',', and
// parses its own rendering of a result back to the same result.
func FuzzParseAuthorization(f *testing.F) {
	const cred = "AKIDEXAMPLE/20260102/us-east-1/quicksight/aws4_request"
	const sig = "8648d7529b605834a75befedfed0e671a88e0456ca92ae80c52718a659373d45"
	for _, s := range []string{
		"AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host;x-amz-date, Signature=" + sig,
		"AWS4-HMAC-SHA256 Signature=" + sig + ",Credential=" + cred + ",SignedHeaders=host",
		"AWS4-HMAC-SHA256",
		"AWS4-HMAC-SHA256 Credential",
		"AWS4-HMAC-SHA256 Credential=a, Credential=b",
		"  AWS4-X  Credential==, ,,SignedHeaders=;;, Signature=\t",
		"Basic dXNlcjpwYXNz",
		"",
		"AWS4-HMAC-SHA256 Credential=a=b/c, Foo=bar=baz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		a, err := parseAuthorization(h)
		if err != nil {
			if err.Code != CodeIncompleteSignature || err.Status != http.StatusForbidden || err.Message == "" {
				t.Fatalf("parseAuthorization(%q) error = %+v", h, err)
			}
			return
		}
		for _, v := range []string{a.credential, a.signedHeaders, a.signature} {
			if strings.Contains(v, ",") {
				t.Fatalf("parseAuthorization(%q) returned a field with ',': %q", h, v)
			}
		}
		if strings.ContainsAny(a.algorithm, " \t") {
			t.Fatalf("parseAuthorization(%q) returned algorithm %q with white space", h, a.algorithm)
		}
		if a.algorithm == "" {
			return // no rendering keeps an empty algorithm
		}
		var pairs []string
		for _, p := range [...][2]string{{"Credential", a.credential}, {"SignedHeaders", a.signedHeaders}, {"Signature", a.signature}} {
			if p[1] != "" {
				pairs = append(pairs, p[0]+"="+p[1])
			}
		}
		rendering := a.algorithm + " " + strings.Join(pairs, ", ")
		again, err := parseAuthorization(rendering)
		if err != nil {
			t.Fatalf("parseAuthorization(%q) of the rendering of %q: %v", rendering, h, err)
		}
		if diff := cmp.Diff(a, again, cmp.AllowUnexported(authorization{})); diff != "" {
			t.Fatalf("rendering %q of %q parses differently (-first +again):\n%s", rendering, h, diff)
		}
	})
}

// FuzzCanonicalQuery checks that query canonicalization never panics, writes
// only unreserved characters, uppercase percent-escapes, '=' and '&', and is
// idempotent: canonicalizing a canonical query gives it back.
func FuzzCanonicalQuery(f *testing.F) {
	for _, s := range []string{
		"",
		"keys=b&keys=a%2Bc",
		"Param2=value2&Param1=value1",
		"Param1",
		"a=1&&b=&=c&d",
		"q=a+b&r=%20&s=%7e",
		"%E1%88%B4=bar&ሴ=baz",
		"a=%zz&b=%",
		"X-Amz-Signature=x&X-Amz-Date=20260102T030405Z",
		"a=b=c;d",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, raw string, presigned bool) {
		params, _ := parseQuery(raw)
		q := canonicalQuery(params, presigned)
		for i := 0; i < len(q); i++ {
			c := q[i]
			switch {
			case unreserved(c) || c == '=' || c == '&':
			case c == '%' && i+2 < len(q) && strings.IndexByte(upperHex, q[i+1]) >= 0 && strings.IndexByte(upperHex, q[i+2]) >= 0:
				i += 2
			default:
				t.Fatalf("canonicalQuery of %q = %q: byte %q at %d", raw, q, c, i)
			}
		}
		again, err := parseQuery(q)
		if err != nil {
			t.Fatalf("canonical query %q of %q does not parse: %v", q, raw, err)
		}
		if q2 := canonicalQuery(again, presigned); q2 != q {
			t.Fatalf("canonicalQuery not idempotent for %q: %q then %q", raw, q, q2)
		}
	})
}

// FuzzCanonicalURI checks that path canonicalization never panics, and that an
// accepted path's canonical form holds only unreserved characters, '/' and
// uppercase percent-escapes, one '%' per encoded byte of the raw path.
func FuzzCanonicalURI(f *testing.F) {
	for _, s := range []string{"/", "", arnPath, "/ሴ", "/a/../b", "/a//b", "/%2e", "/a%2", "*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, ok := canonicalURI(raw)
		if !ok {
			return
		}
		if u[0] != '/' {
			t.Fatalf("canonicalURI(%q) = %q does not start with '/'", raw, u)
		}
		dec, err := unescape(u)
		if err != nil || dec != orRoot(raw) {
			t.Fatalf("canonicalURI(%q) = %q decodes to %q, %v", raw, u, dec, err)
		}
		if strings.Count(u, "/") != strings.Count(orRoot(raw), "/") {
			t.Fatalf("canonicalURI(%q) = %q changed the segments", raw, u)
		}
	})
}

func orRoot(raw string) string {
	if raw == "" {
		return "/"
	}
	return raw
}

// FuzzVerify feeds arbitrary request bytes through Go's request parser and
// Verify: Verify must not panic, must return an *Error or accept, and must
// never accept a request whose bytes differ from a known signed one.
func FuzzVerify(f *testing.F) {
	signed := "POST /accounts/111122223333/action-connectors?max-results=5 HTTP/1.1\r\n" +
		"Host: example.test\r\nContent-Type: application/json\r\nContent-Length: 12\r\n" +
		"X-Amz-Date: 20260102T030405Z\r\n" +
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/us-east-1/quicksight/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date, Signature=SIG\r\n\r\n" +
		`{"Name":"x"}`
	// Sign the seed for real, so that the fuzzer starts from a valid request.
	r, body := readWire(f, strings.Replace(signed, "SIG", strings.Repeat("0", 64), 1))
	c := canonical{
		method: r.Method, uri: "/accounts/111122223333/action-connectors", query: "max-results=5",
		names:         []string{"content-length", "content-type", "host", "x-amz-date"},
		values:        [][]string{{"12"}, {"application/json"}, {"example.test"}, {"20260102T030405Z"}},
		signedHeaders: "content-length;content-type;host;x-amz-date", payloadHash: hashHex(body),
	}
	key := deriveKey([]byte(testSecret), "20260102", testRegion, testService)
	sig := string(c.signature(key, "20260102T030405Z", "20260102/us-east-1/quicksight/aws4_request", trimAll))
	valid := strings.Replace(signed, "SIG", sig, 1)
	f.Add(valid)
	f.Add(strings.Replace(valid, "max-results=5", "max-results=6", 1))
	f.Add("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: AWS4-HMAC-SHA256\r\n\r\n")
	f.Add("GET /?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2Fb HTTP/1.1\r\nHost: x\r\n\r\n")

	v := newVerifier(testNow())
	f.Fuzz(func(t *testing.T, raw string) {
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		id, err := v.Verify(r, body)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Verify returned %T %v, want *Error", err, err)
			}
			return
		}
		if id != testAKID {
			t.Fatalf("Verify accepted access key %q", id)
		}
		// Accepted requests must be equivalent to the valid seed.
		if r.Method != "POST" || r.Host != "example.test" || string(body) != `{"Name":"x"}` ||
			r.Header.Get("X-Amz-Date") != "20260102T030405Z" {
			t.Fatalf("Verify accepted a different request: %q", raw)
		}
	})
}

// BenchmarkVerify verifies a header-form POST with a small JSON body, as the AWS
// SDK for Go v2 signs it, once parsed by Go's server.
func BenchmarkVerify(b *testing.B) {
	body := []byte(`{"ActionConnectorId":"my-id","Name":"Jira","Type":"JIRA"}`)
	req := newRequest(b, "POST", "http://quicksight.us-east-1.amazonaws.com", "/accounts/111122223333/action-connectors", body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Amz-Sdk-Invocation-Id", "0b0e6b3c-8d5a-4a40-9a4b-3c1a3d0b6a11")
	req.Header.Set("Amz-Sdk-Request", "attempt=1; max=3")
	now := testNow()
	signHeader(b, req, body, credentials(), testRegion, testService, now)
	r, got := overWire(b, req)
	v := newVerifier(now.Add(time.Minute))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(r, got); err != nil {
			b.Fatal(err)
		}
	}
}
