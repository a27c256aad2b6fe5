package sigv4

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"
)

const arnPath = "/resources/arn%3Aaws%3Aquicksight%3Aus-east-1%3A123456789012%3Aaction-connector%2Fmy-id/tags"

// TestVerifyRoundTrip signs requests with the AWS SDK for Go v2 signer, sends
// them with a real client to a real server, and expects Verify to accept them.
// The cases cover the edge cases of the AWS SigV4 test suite that are valid on
// the wire, the ARN in a path, JSON bodies, both forms and the time window.
func TestVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	now := testNow()
	srv := newServer(t, newVerifier(now))

	tests := []struct {
		name    string
		method  string
		target  string // path and query exactly as sent
		headers [][2]string
		body    string
		// tweak changes the request after signing, as another client or a
		// proxy might, without changing its canonical form.
		tweak   func(*http.Request)
		signAt  time.Duration // signing time relative to the server's clock
		presign int           // X-Amz-Expires; 0 signs in the header form
		cred    aws.Credentials
		want    string // access key id
	}{
		{name: "get vanilla", method: "GET", target: "/"},
		{name: "get empty path", method: "GET", target: ""},
		{name: "get vanilla query", method: "GET", target: "/?Param1=value1"},
		{
			name: "header value trim", method: "GET", target: "/",
			headers: [][2]string{{"My-Header1", "   value1  "}, {"My-Header2", `"a   b   c"`}},
		},
		{
			name: "header key duplicate", method: "GET", target: "/",
			headers: [][2]string{{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}},
		},
		{
			name: "header value order", method: "GET", target: "/",
			headers: [][2]string{{"My-Header1", "value4"}, {"My-Header1", "value1"}, {"My-Header1", "value3"}, {"My-Header1", "value2"}},
		},
		{
			name: "header value with tabs signed by the Go SDK", method: "GET", target: "/",
			headers: [][2]string{{"My-Header1", "a\t\tb   c"}},
		},
		{
			name: "header whitespace signed collapsed, sent with tabs", method: "GET", target: "/",
			headers: [][2]string{{"My-Header1", "a b c"}},
			tweak:   func(r *http.Request) { r.Header.Set("My-Header1", "a \t b\t\tc") },
		},
		{
			name: "header key case", method: "POST", target: "/",
			headers: [][2]string{{"my-header1", "value1"}, {"MY-HEADER2", "value2"}},
		},
		{name: "query keys unsorted", method: "GET", target: "/?Param2=value2&Param1=value1"},
		{name: "query key case", method: "GET", target: "/?param=value1&Param=value2"},
		{name: "repeated query keys out of order", method: "GET", target: "/?Param=value2&Param=value1&Param=value10"},
		{name: "query key without value", method: "GET", target: "/?Param1"},
		{name: "query key with empty value", method: "GET", target: "/?Param1=&Param0"},
		{name: "query unreserved", method: "GET", target: "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~09AZaz"},
		{name: "query reserved encoded", method: "GET", target: "/?keys=a%2Bc&sp=a%20b&eq=%3D%26&slash=a%2Fb&star=%2A&tilde=%7E"},
		{name: "query utf-8", method: "GET", target: "/?%E1%88%B4=bar&q=%E2%82%AC"},
		{name: "utf-8 path", method: "GET", target: "/ሴ"},
		{name: "unreserved path", method: "GET", target: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"},
		{name: "encoded space and comma in path", method: "GET", target: "/accounts/111122223333/action-connectors/a%20b%2Cc"},
		{name: "ARN in path", method: "GET", target: arnPath + "?keys=b&keys=a%2Bc"},
		{name: "ARN in path, untag", method: "DELETE", target: arnPath + "?keys=team&keys=cost%20center"},
		{
			name: "POST JSON body", method: "POST", target: "/accounts/111122223333/action-connectors",
			headers: [][2]string{{"Content-Type", "application/json"}},
			body:    `{"ActionConnectorId":"my-id","Name":"Jira","Type":"JIRA","AuthenticationConfig":{}}`,
		},
		{
			name: "PUT UTF-8 JSON body", method: "PUT", target: "/accounts/111122223333/action-connectors/my-id",
			headers: [][2]string{{"Content-Type", "application/json"}},
			body:    `{"Name":"Jïra ☃","Description":"naïve café"}`,
		},
		{
			name: "POST with x-amz-content-sha256", method: "POST", target: arnPath,
			headers: [][2]string{{"Content-Type", "application/json"}, {"X-Amz-Content-Sha256", hashHex([]byte(`{"Tags":[{"Key":"k","Value":"v"}]}`))}},
			body:    `{"Tags":[{"Key":"k","Value":"v"}]}`,
		},
		{
			name: "POST with SDK headers", method: "POST", target: "/accounts/111122223333/search/action-connectors?max-results=10&next-token=a%2Bb%2F%3D",
			headers: [][2]string{
				{"Content-Type", "application/json"},
				{"Amz-Sdk-Invocation-Id", "0b0e6b3c-8d5a-4a40-9a4b-3c1a3d0b6a11"},
				{"Amz-Sdk-Request", "attempt=1; max=3"},
				{"User-Agent", "aws-sdk-go-v2/1.48.0 os/linux lang/go#1.26 md/GOOS#linux api/quicksight#1.113.0"},
			},
			body: `{"Filters":[{"Name":"NAME","Operator":"StringLike","Value":"ji"}]}`,
		},
		{
			name: "host as a real endpoint", method: "GET", target: "/accounts/111122223333/action-connectors",
			tweak: nil, headers: [][2]string{{"Host", "quicksight.us-east-1.amazonaws.com"}},
		},
		{name: "second access key", method: "GET", target: "/", cred: aws.Credentials{AccessKeyID: testAKID2, SecretAccessKey: testSecret2}, want: testAKID2},
		{name: "skew 14m59s behind", method: "GET", target: "/", signAt: -(15*time.Minute - time.Second)},
		{name: "skew 14m59s ahead", method: "GET", target: "/", signAt: 15*time.Minute - time.Second},
		{name: "skew exactly 15m behind", method: "GET", target: "/", signAt: -15 * time.Minute},
		{name: "skew exactly 15m ahead", method: "GET", target: "/", signAt: 15 * time.Minute},
		{name: "presigned GET", method: "GET", target: "/accounts/111122223333/action-connectors?max-results=5", presign: 300},
		{name: "presigned ARN path", method: "GET", target: arnPath + "?keys=b&keys=a%2Bc", presign: 60},
		{
			name: "presigned POST with body", method: "POST", target: "/accounts/111122223333/action-connectors",
			headers: [][2]string{{"Content-Type", "application/json"}},
			body:    `{"Name":"x"}`, presign: 900,
		},
		{name: "presigned expiry minus 1s", method: "GET", target: "/", presign: 600, signAt: -599 * time.Second},
		{name: "presigned expiry exactly", method: "GET", target: "/", presign: 600, signAt: -600 * time.Second},
		{name: "presigned 7 days", method: "GET", target: "/", presign: MaxExpires, signAt: -MaxExpires * time.Second},
		{name: "presigned 14m59s ahead", method: "GET", target: "/", presign: 1, signAt: 15*time.Minute - time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			req := newRequest(t, tt.method, srv.URL, tt.target, body)
			for _, h := range tt.headers {
				if h[0] == "Host" {
					req.Host = h[1]
					continue
				}
				req.Header[h[0]] = append(req.Header[h[0]], h[1])
			}
			cred := tt.cred
			if cred.AccessKeyID == "" {
				cred = credentials()
			}
			at := now.Add(tt.signAt)
			if tt.presign > 0 {
				req = presign(t, req, body, cred, testRegion, testService, at, tt.presign)
			} else {
				signHeader(t, req, body, cred, testRegion, testService, at)
			}
			if tt.tweak != nil {
				tt.tweak(req)
			}
			want := accepted
			if tt.want != "" {
				want.AccessKeyID = tt.want
			}
			if diff := cmp.Diff(want, send(t, req)); diff != "" {
				t.Errorf("Verify of %s %s (-want +got):\n%s", tt.method, tt.target, diff)
			}
		})
	}
}

// TestVerifyVector checks the vector of reliability.md §2.1, signed by the AWS SDK
// for Go v2 for QuickSight: an ARN in the path and repeated query keys.
func TestVerifyVector(t *testing.T) {
	t.Parallel()
	const signature = "8648d7529b605834a75befedfed0e671a88e0456ca92ae80c52718a659373d45"
	raw := "GET " + arnPath + "?keys=b&keys=a%2Bc HTTP/1.1\r\n" +
		"Host: quicksight.us-east-1.amazonaws.com\r\n" +
		"X-Amz-Date: 20260102T030405Z\r\n" +
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/us-east-1/quicksight/aws4_request, " +
		"SignedHeaders=host;x-amz-date, Signature=" + signature + "\r\n\r\n"

	uri, ok := canonicalURI(arnPath)
	wantURI := "/resources/arn%253Aaws%253Aquicksight%253Aus-east-1%253A123456789012%253Aaction-connector%252Fmy-id/tags"
	if !ok || uri != wantURI {
		t.Errorf("canonicalURI(%q) = %q, %v; want %q, true", arnPath, uri, ok, wantURI)
	}
	params, err := parseQuery("keys=b&keys=a%2Bc")
	if q := canonicalQuery(params, false); err != nil || q != "keys=a%2Bc&keys=b" {
		t.Errorf("canonical query = %q, %v; want %q", q, err, "keys=a%2Bc&keys=b")
	}
	c := canonical{
		method: "GET", uri: wantURI, query: "keys=a%2Bc&keys=b",
		names:         []string{"host", "x-amz-date"},
		values:        [][]string{{"quicksight.us-east-1.amazonaws.com"}, {"20260102T030405Z"}},
		signedHeaders: "host;x-amz-date", payloadHash: emptySHA256,
	}
	key := deriveKey([]byte(testSecret), "20260102", testRegion, testService)
	if got := string(c.signature(key, "20260102T030405Z", "20260102/us-east-1/quicksight/aws4_request", trimAll)); got != signature {
		t.Errorf("signature = %s, want %s", got, signature)
	}

	r, body := readWire(t, raw)
	if diff := cmp.Diff(accepted, resultOf(newVerifier(testNow()).Verify(r, body))); diff != "" {
		t.Errorf("Verify (-want +got):\n%s", diff)
	}
	bad := strings.Replace(raw, "keys=b&", "keys=c&", 1)
	r, body = readWire(t, bad)
	if diff := cmp.Diff(rejected(CodeInvalidSignature, msgMismatch), resultOf(newVerifier(testNow()).Verify(r, body))); diff != "" {
		t.Errorf("Verify of a changed query (-want +got):\n%s", diff)
	}
}

// TestVerifySuite runs header-form vectors of the AWS SigV4 test suite
// (awslabs/aws-c-auth tests/aws-signing-test-suite/v4, service "service",
// 2015-08-30T12:36:00Z) through Go's request parser and Verify. Some request
// lines hold raw UTF-8, as in the suite; Go's parser accepts them.
func TestVerifySuite(t *testing.T) {
	t.Parallel()
	const auth = "Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
	tests := []struct {
		name, request string
		want          result
	}{
		{
			name: "get-header-key-duplicate",
			request: "GET / HTTP/1.1\nHost:example.amazonaws.com\nMy-Header1:value2\nMy-Header1:value2\nMy-Header1:value1\n" +
				auth + "SignedHeaders=host;my-header1;x-amz-date, Signature=c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea\nX-Amz-Date:20150830T123600Z\n\n",
			want: accepted,
		},
		{
			// The suite reads the continuation lines of My-Header1 as a list,
			// value1,value2,value3 (its canonical request says so), while HTTP
			// unfolds them into one value (TestVerifyFoldedHeader); the list is
			// sent as three header lines.
			name: "get-header-value-multiline",
			request: "GET / HTTP/1.1\nHost:example.amazonaws.com\nMy-Header1:value1\nMy-Header1:  value2\nMy-Header1:     value3\n" +
				auth + "SignedHeaders=host;my-header1;x-amz-date, Signature=ba17b383a53190154eb5fa66a1b836cc297cc0a3d70a5d00705980573d8ff790\nX-Amz-Date:20150830T123600Z\n\n",
			want: accepted,
		},
		{
			name: "get-header-value-order",
			request: "GET / HTTP/1.1\nHost:example.amazonaws.com\nMy-Header1:value4\nMy-Header1:value1\nMy-Header1:value3\nMy-Header1:value2\n" +
				auth + "SignedHeaders=host;my-header1;x-amz-date, Signature=08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01\nX-Amz-Date:20150830T123600Z\n\n",
			want: accepted,
		},
		{
			name: "get-header-value-trim",
			request: "GET / HTTP/1.1\nHost:example.amazonaws.com\nMy-Header1: value1\nMy-Header2: \"a   b   c\"\n" +
				auth + "SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736\nX-Amz-Date:20150830T123600Z\n\n",
			want: accepted,
		},
		{
			name: "get-unreserved",
			request: "GET /-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz HTTP/1.1\nHost:example.amazonaws.com\n" +
				auth + "SignedHeaders=host;x-amz-date, Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f\nX-Amz-Date:20150830T123600Z\n\n",
			want: accepted,
		},
		{
			name: "get-utf8",
			request: "GET /ሴ HTTP/1.1\nHost:example.amazonaws.com\n" +
				auth + "SignedHeaders=host;x-amz-date, Signature=8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85\nX-Amz-Date:20150830T123600Z\n\n",
			want: accepted,
		},
		{
			name: "get-vanilla-query-order-key-case",
			request: "GET /?Param2=value2&Param1=value1 HTTP/1.1\nHost:example.amazonaws.com\n" +
				auth + "SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500\nX-Amz-Date:20150830T123600Z\n\n",
			want: accepted,
		},
		{
			name: "get-vanilla-query-order-encoded",
			request: "GET /?Param-3=Value3&Param=Value2&%E1%88%B4=Value1 HTTP/1.1\nHost:example.amazonaws.com\n" +
				auth + "SignedHeaders=host;x-amz-date, Signature=371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac\nX-Amz-Date:20150830T123600Z\n\n",
			want: accepted,
		},
		{
			name: "get-vanilla-query-unreserved",
			request: "GET /?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz HTTP/1.1\nHost:example.amazonaws.com\n" +
				auth + "SignedHeaders=host;x-amz-date, Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197\nX-Amz-Date:20150830T123600Z\n\n",
			want: accepted,
		},
		{
			name: "get-vanilla-utf8-query",
			request: "GET /?ሴ=bar HTTP/1.1\nHost:example.amazonaws.com\n" +
				auth + "SignedHeaders=host;x-amz-date, Signature=2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04\nX-Amz-Date:20150830T123600Z\n\n",
			want: accepted,
		},
		{
			name: "post-header-key-sort",
			request: "POST / HTTP/1.1\nHost:example.amazonaws.com\nMy-Header1:value1\n" +
				auth + "SignedHeaders=host;my-header1;x-amz-date, Signature=c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c\nX-Amz-Date:20150830T123600Z\n\n",
			want: accepted,
		},
		{
			// Correctly signed, but actiongate issues no session tokens.
			name: "get-vanilla-with-session-token",
			request: "GET / HTTP/1.1\nHost:example.amazonaws.com\n" +
				auth + "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8\nX-Amz-Date:20150830T123600Z\nX-Amz-Security-Token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267\n\n",
			want: rejected(CodeUnrecognizedClient, msgUnrecognized),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := &Verifier{
				Region:  testRegion,
				Service: "service",
				Now:     func() time.Time { return time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC) },
				Lookup:  lookupOf(map[string]string{testAKID: testSecret}),
			}
			r, body := readWire(t, strings.ReplaceAll(tt.request, "\n", "\r\n"))
			if diff := cmp.Diff(tt.want, resultOf(v.Verify(r, body))); diff != "" {
				t.Errorf("Verify (-want +got):\n%s", diff)
			}
		})
	}
}

// TestVerifyFoldedHeader sends a header folded over three lines (obsolete line
// folding, the suite's get-header-value-multiline) over a raw connection to a
// real server: Go's server unfolds it, and the signature over the unfolded value
// verifies.
func TestVerifyFoldedHeader(t *testing.T) {
	t.Parallel()
	srv := newServer(t, newVerifier(testNow()))
	req := newRequest(t, "GET", srv.URL, "/", nil)
	req.Header.Set("My-Header1", "value1 value2 value3")
	signHeader(t, req, nil, credentials(), testRegion, testService, testNow())

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: %s\r\nMy-Header1: value1\r\n  value2\r\n     value3\r\nX-Amz-Date: %s\r\nAuthorization: %s\r\nConnection: close\r\n\r\n",
		req.URL.Host, req.Header.Get("X-Amz-Date"), req.Header.Get("Authorization"))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res result
	if err := jsonDecode(resp, &res); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(accepted, res); diff != "" {
		t.Errorf("Verify (-want +got):\n%s", diff)
	}
}

// TestVerifyDateHeader checks a request dated by a Date header in ISO 8601 basic
// format instead of X-Amz-Date. The AWS SDKs always send X-Amz-Date, so the
// canonical request is written out by hand.
func TestVerifyDateHeader(t *testing.T) {
	t.Parallel()
	const date = "20260102T030405Z"
	creq := "GET\n/\n\ndate:" + date + "\nhost:example.test\n\ndate;host\n" + emptySHA256
	sts := "AWS4-HMAC-SHA256\n" + date + "\n20260102/us-east-1/quicksight/aws4_request\n" + hashHex([]byte(creq))
	key := deriveKey([]byte(testSecret), "20260102", testRegion, testService)
	sig := hmacHex(key[:], sts)
	raw := "GET / HTTP/1.1\r\nHost: example.test\r\nDate: " + date + "\r\n" +
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/us-east-1/quicksight/aws4_request, SignedHeaders=date;host, Signature=" + sig + "\r\n\r\n"
	r, body := readWire(t, raw)
	if diff := cmp.Diff(accepted, resultOf(newVerifier(testNow()).Verify(r, body))); diff != "" {
		t.Errorf("Verify (-want +got):\n%s", diff)
	}
	// X-Amz-Date wins over Date when both are present.
	r, body = readWire(t, strings.Replace(raw, "\r\n\r\n", "\r\nX-Amz-Date: 20260102T030406Z\r\n\r\n", 1))
	if diff := cmp.Diff(rejected(CodeInvalidSignature, msgMismatch), resultOf(newVerifier(testNow()).Verify(r, body))); diff != "" {
		t.Errorf("Verify with X-Amz-Date too (-want +got):\n%s", diff)
	}
}

// TestVerifyInternalErrors checks the failures that are not the client's: a
// misconfigured Verifier and a failing Lookup give errors that are not *Error.
func TestVerifyInternalErrors(t *testing.T) {
	t.Parallel()
	req := newRequest(t, "GET", "http://example.test", "/", nil)
	signHeader(t, req, nil, credentials(), testRegion, testService, testNow())
	r, body := overWire(t, req)

	storeDown := errors.New("store is down")
	tests := []struct {
		name    string
		v       *Verifier
		wantErr error
	}{
		{name: "no region", v: &Verifier{Lookup: lookupOf(nil)}},
		{name: "no lookup", v: &Verifier{Region: testRegion}},
		{
			name: "lookup fails",
			v: &Verifier{Region: testRegion, Now: testNow, Lookup: func(context.Context, string) ([]byte, error) {
				return nil, storeDown
			}},
			wantErr: storeDown,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, err := tt.v.Verify(r, body)
			var e *Error
			if err == nil || errors.As(err, &e) || id != "" {
				t.Fatalf("Verify = %q, %v; want an error that is not an *Error", id, err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Verify error %v does not wrap %v", err, tt.wantErr)
			}
		})
	}
}

// TestVerifyDefaults checks that the zero Service, MaxSkew and Now mean
// "quicksight", 15 minutes and the real clock.
func TestVerifyDefaults(t *testing.T) {
	t.Parallel()
	v := &Verifier{Region: testRegion, Lookup: lookupOf(map[string]string{testAKID: testSecret})}
	for _, tc := range []struct {
		offset time.Duration
		ok     bool
	}{
		{0, true},
		{-14 * time.Minute, true},
		{14 * time.Minute, true},
		{-16 * time.Minute, false},
		{16 * time.Minute, false},
	} {
		req := newRequest(t, "GET", "http://example.test", "/", nil)
		signHeader(t, req, nil, credentials(), testRegion, testService, time.Now().Add(tc.offset))
		id, err := v.Verify(overWire(t, req))
		if (err == nil) != tc.ok || tc.ok && id != testAKID {
			t.Errorf("signed %v from now: Verify = %q, %v; want ok=%v", tc.offset, id, err, tc.ok)
		}
	}
	// A custom skew narrows the window.
	v.MaxSkew = time.Minute
	req := newRequest(t, "GET", "http://example.test", "/", nil)
	signHeader(t, req, nil, credentials(), testRegion, testService, time.Now().Add(-2*time.Minute))
	if _, err := v.Verify(overWire(t, req)); err == nil {
		t.Errorf("MaxSkew 1m accepted a request signed 2m ago")
	}
}

// TestVerifyKeyCache checks the signing-key cache: a changed secret is never
// served a stale key, only verified requests fill it, it stays bounded, and it
// is safe for concurrent use.
func TestVerifyKeyCache(t *testing.T) {
	t.Parallel()
	secrets := map[string]string{testAKID: testSecret}
	var mu sync.Mutex
	v := &Verifier{Region: testRegion, Now: testNow, Lookup: func(_ context.Context, id string) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		s, ok := secrets[id]
		if !ok {
			return nil, ErrUnknownAccessKey
		}
		return []byte(s), nil
	}}
	signed := func(secret string) (*http.Request, []byte) {
		req := newRequest(t, "GET", "http://example.test", "/", nil)
		signHeader(t, req, nil, aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: secret}, testRegion, testService, testNow())
		return overWire(t, req)
	}
	oldR, oldBody := signed(testSecret)
	if _, err := v.Verify(oldR, oldBody); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if n := v.cachedKeys(); n != 1 {
		t.Fatalf("cache holds %d keys after one verified request, want 1", n)
	}

	// Rotate the secret: the old signature must fail, the new one pass.
	mu.Lock()
	secrets[testAKID] = "rotated-secret"
	mu.Unlock()
	if _, err := v.Verify(oldR, oldBody); err == nil {
		t.Errorf("Verify accepted a signature made with the old secret after rotation")
	}
	if _, err := v.Verify(signed("rotated-secret")); err != nil {
		t.Errorf("Verify with the rotated secret: %v", err)
	}

	// Failed verifications do not fill the cache.
	badR, badBody := signed("wrong-secret")
	before := v.cachedKeys()
	v.Verify(badR, badBody)
	if n := v.cachedKeys(); n != before {
		t.Errorf("a failed verification changed the cache size from %d to %d", before, n)
	}

	// Bounded.
	for i := range maxCachedKeys + 10 {
		v.storeKey(keyID{accessKeyID: fmt.Sprint("K", i)}, signingKey{})
	}
	if n := v.cachedKeys(); n > maxCachedKeys {
		t.Errorf("cache holds %d keys, more than %d", n, maxCachedKeys)
	}

	// Concurrent use (run with -race).
	newR, newBody := signed("rotated-secret")
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 50 {
				if _, err := v.Verify(newR, newBody); err != nil {
					t.Errorf("concurrent Verify: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
}
