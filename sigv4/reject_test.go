package sigv4

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"
)

// spec describes a request to sign. Zero fields take defaults: GET /, testAKID,
// us-east-1, quicksight, signed at testNow.
type spec struct {
	method, target, body string
	headers              [][2]string
	cred                 aws.Credentials
	region, service      string
	at                   time.Time
}

func (s spec) build(t *testing.T, base string) (*http.Request, []byte) {
	t.Helper()
	if s.method == "" {
		s.method = "GET"
	}
	if s.target == "" {
		s.target = "/"
	}
	var body []byte
	if s.body != "" {
		body = []byte(s.body)
	}
	req := newRequest(t, s.method, base, s.target, body)
	for _, h := range s.headers {
		req.Header[h[0]] = append(req.Header[h[0]], h[1])
	}
	return req, body
}

func (s spec) defaults() spec {
	if s.cred.AccessKeyID == "" {
		s.cred = credentials()
	}
	if s.region == "" {
		s.region = testRegion
	}
	if s.service == "" {
		s.service = testService
	}
	if s.at.IsZero() {
		s.at = testNow()
	}
	return s
}

// header returns the request signed in the header form.
func (s spec) header(t *testing.T, base string) *http.Request {
	t.Helper()
	req, body := s.build(t, base)
	s = s.defaults()
	signHeader(t, req, body, s.cred, s.region, s.service, s.at)
	return req
}

// presigned returns the request presigned for expires seconds.
func (s spec) presigned(t *testing.T, base string, expires int) *http.Request {
	t.Helper()
	req, body := s.build(t, base)
	s = s.defaults()
	return presign(t, req, body, s.cred, s.region, s.service, s.at, expires)
}

// editAuth replaces old with new in the Authorization header of r.
func editAuth(t *testing.T, r *http.Request, old, new string) *http.Request {
	t.Helper()
	a := r.Header.Get("Authorization")
	if !strings.Contains(a, old) {
		t.Fatalf("Authorization %q does not contain %q", a, old)
	}
	r.Header.Set("Authorization", strings.Replace(a, old, new, 1))
	return r
}

// editQuery applies f to the decoded query of r and writes it back.
func editQuery(r *http.Request, f func(url.Values)) *http.Request {
	q := r.URL.Query()
	f(q)
	r.URL.RawQuery = q.Encode()
	return r
}

// TestVerifyRejects sends one request per row of the error table of
// reliability.md §2.3, and for the checks this package adds, and expects the
// exact code, status and message. No message may contain the secret key or a
// session token.
func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	now := testNow()
	srv := newServer(t, newVerifier(now))
	base := srv.URL
	const scope = "AKIDEXAMPLE/20260102/us-east-1/quicksight/aws4_request"
	withHeader := spec{headers: [][2]string{{"My-Header1", "value1"}}}
	post := spec{
		method: "POST", target: "/accounts/111122223333/action-connectors",
		headers: [][2]string{{"Content-Type", "application/json"}},
		body:    `{"ActionConnectorId":"my-id","Name":"Jira"}`,
	}

	tests := []struct {
		name string
		req  func(t *testing.T) *http.Request
		// want is the expected result; a want.Message ending in "Authorization="
		// is completed with the request's Authorization header.
		want result
	}{
		// Missing authentication.
		{
			name: "no Authorization and no X-Amz-Algorithm",
			req:  func(t *testing.T) *http.Request { return newRequest(t, "GET", base, "/", nil) },
			want: rejected(CodeMissingAuthenticationToken, "Missing Authentication Token"),
		},
		{
			name: "Authorization not starting AWS4-",
			req: func(t *testing.T) *http.Request {
				r := newRequest(t, "GET", base, "/", nil)
				r.SetBasicAuth("user", "password")
				return r
			},
			want: rejected(CodeMissingAuthenticationToken, "Missing Authentication Token"),
		},
		{
			name: "SigV2 Authorization",
			req: func(t *testing.T) *http.Request {
				r := newRequest(t, "GET", base, "/", nil)
				r.Header.Set("Authorization", "AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=")
				return r
			},
			want: rejected(CodeMissingAuthenticationToken, "Missing Authentication Token"),
		},

		// Both forms.
		{
			name: "header and query forms both present",
			req: func(t *testing.T) *http.Request {
				r := spec{}.presigned(t, base, 300)
				r.Header.Set("Authorization", spec{}.header(t, base).Header.Get("Authorization"))
				return r
			},
			want: rejected(CodeInvalidSignature, "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."),
		},

		// Incomplete header form.
		{
			name: "Credential missing",
			req: func(t *testing.T) *http.Request {
				return editAuth(t, spec{}.header(t, base), "Credential="+scope+", ", "")
			},
			want: rejected(CodeIncompleteSignature, "Authorization header requires 'Credential' parameter. Authorization="),
		},
		{
			name: "Signature missing",
			req: func(t *testing.T) *http.Request {
				r := spec{}.header(t, base)
				a := r.Header.Get("Authorization")
				return editAuth(t, r, a[strings.Index(a, ", Signature="):], "")
			},
			want: rejected(CodeIncompleteSignature, "Authorization header requires 'Signature' parameter. Authorization="),
		},
		{
			name: "SignedHeaders missing",
			req: func(t *testing.T) *http.Request {
				return editAuth(t, spec{}.header(t, base), "SignedHeaders=host;x-amz-date, ", "")
			},
			want: rejected(CodeIncompleteSignature, "Authorization header requires 'SignedHeaders' parameter. Authorization="),
		},
		{
			name: "no X-Amz-Date and no Date",
			req: func(t *testing.T) *http.Request {
				r := spec{}.header(t, base)
				r.Header.Del("X-Amz-Date")
				return r
			},
			want: rejected(CodeIncompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization="),
		},
		{
			name: "everything missing",
			req: func(t *testing.T) *http.Request {
				r := newRequest(t, "GET", base, "/", nil)
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256")
				return r
			},
			want: rejected(CodeIncompleteSignature, "Authorization header requires 'Credential' parameter. "+
				"Authorization header requires 'Signature' parameter. "+
				"Authorization header requires 'SignedHeaders' parameter. "+
				"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization="),
		},
		{
			name: "parameter without equal sign",
			req: func(t *testing.T) *http.Request {
				return editAuth(t, spec{}.header(t, base), "SignedHeaders=host;x-amz-date", "SignedHeaders")
			},
			want: rejected(CodeIncompleteSignature, "'SignedHeaders' not a valid key=value pair (missing equal-sign) in Authorization header: '"),
		},
		{
			name: "parameter twice",
			req: func(t *testing.T) *http.Request {
				return editAuth(t, spec{}.header(t, base), "SignedHeaders=host;x-amz-date", "SignedHeaders=host;x-amz-date, SignedHeaders=host")
			},
			want: rejected(CodeIncompleteSignature, "Authorization header has more than one 'SignedHeaders' parameter: '"),
		},
		{
			name: "two Authorization headers",
			req: func(t *testing.T) *http.Request {
				r := spec{}.header(t, base)
				r.Header.Add("Authorization", r.Header.Get("Authorization"))
				return r
			},
			want: rejected(CodeIncompleteSignature, "The Authorization header must appear once, not 2 times."),
		},

		// Incomplete query form.
		{
			name: "query form without X-Amz-Date",
			req: func(t *testing.T) *http.Request {
				return editQuery(spec{}.presigned(t, base, 300), func(q url.Values) { q.Del("X-Amz-Date") })
			},
			want: rejected(CodeIncompleteSignature, "AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters."),
		},
		{
			name: "query form with only X-Amz-Algorithm",
			req: func(t *testing.T) *http.Request {
				return newRequest(t, "GET", base, "/?X-Amz-Algorithm=AWS4-HMAC-SHA256", nil)
			},
			want: rejected(CodeIncompleteSignature, "AWS query-string parameters must include 'X-Amz-Credential'. "+
				"AWS query-string parameters must include 'X-Amz-Signature'. "+
				"AWS query-string parameters must include 'X-Amz-SignedHeaders'. "+
				"AWS query-string parameters must include 'X-Amz-Date'. "+
				"AWS query-string parameters must include 'X-Amz-Expires'. "+
				"Re-examine the query-string parameters."),
		},
		{
			name: "query form without X-Amz-Expires",
			req: func(t *testing.T) *http.Request {
				return editQuery(spec{}.presigned(t, base, 300), func(q url.Values) { q.Del("X-Amz-Expires") })
			},
			want: rejected(CodeIncompleteSignature, "AWS query-string parameters must include 'X-Amz-Expires'. Re-examine the query-string parameters."),
		},
		{
			name: "query parameter twice",
			req: func(t *testing.T) *http.Request {
				return editQuery(spec{}.presigned(t, base, 300), func(q url.Values) { q.Add("X-Amz-Date", "20260102T030405Z") })
			},
			want: rejected(CodeIncompleteSignature, "AWS query-string parameter 'X-Amz-Date' must appear once, not 2 times. Re-examine the query-string parameters."),
		},

		// Date format.
		{
			name: "X-Amz-Date not ISO 8601 basic",
			req: func(t *testing.T) *http.Request {
				r := spec{}.header(t, base)
				r.Header.Set("X-Amz-Date", "Fri, 02 Jan 2026 03:04:05 GMT")
				return r
			},
			want: rejected(CodeIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got 'Fri, 02 Jan 2026 03:04:05 GMT'. See http://en.wikipedia.org/wiki/ISO_8601"),
		},
		{
			name: "Date header in RFC 1123",
			req: func(t *testing.T) *http.Request {
				r := spec{}.header(t, base)
				r.Header.Del("X-Amz-Date")
				r.Header.Set("Date", "Fri, 02 Jan 2026 03:04:05 GMT")
				return r
			},
			want: rejected(CodeIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got 'Fri, 02 Jan 2026 03:04:05 GMT'. See http://en.wikipedia.org/wiki/ISO_8601"),
		},
		{
			name: "X-Amz-Date extended format",
			req: func(t *testing.T) *http.Request {
				r := spec{}.header(t, base)
				r.Header.Set("X-Amz-Date", "2026-01-02T03:04:05Z")
				return r
			},
			want: rejected(CodeIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '2026-01-02T03:04:05Z'. See http://en.wikipedia.org/wiki/ISO_8601"),
		},
		{
			name: "X-Amz-Date month 13",
			req: func(t *testing.T) *http.Request {
				r := spec{}.header(t, base)
				r.Header.Set("X-Amz-Date", "20261302T030405Z")
				return r
			},
			want: rejected(CodeIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '20261302T030405Z'. See http://en.wikipedia.org/wiki/ISO_8601"),
		},

		// Time window.
		{
			name: "date 15m01s too old",
			req: func(t *testing.T) *http.Request {
				return spec{at: now.Add(-15*time.Minute - time.Second)}.header(t, base)
			},
			want: rejected(CodeInvalidSignature, "Signature expired: 20260102T024904Z is now earlier than 20260102T024905Z (20260102T030405Z - 15 min.)"),
		},
		{
			name: "date 15m01s in the future",
			req: func(t *testing.T) *http.Request {
				return spec{at: now.Add(15*time.Minute + time.Second)}.header(t, base)
			},
			want: rejected(CodeInvalidSignature, "Signature not yet current: 20260102T031906Z is still later than 20260102T031905Z (20260102T030405Z + 15 min.)"),
		},
		{
			name: "presigned 1s past its expiry",
			req: func(t *testing.T) *http.Request {
				return spec{at: now.Add(-601 * time.Second)}.presigned(t, base, 600)
			},
			want: rejected(CodeInvalidSignature, "Signature expired: 20260102T025404Z is now earlier than 20260102T025405Z (20260102T030405Z - 600 sec.)"),
		},
		{
			name: "presigned 15m01s in the future",
			req: func(t *testing.T) *http.Request {
				return spec{at: now.Add(15*time.Minute + time.Second)}.presigned(t, base, 3600)
			},
			want: rejected(CodeInvalidSignature, "Signature not yet current: 20260102T031906Z is still later than 20260102T031905Z (20260102T030405Z + 15 min.)"),
		},
		{
			name: "X-Amz-Expires 0",
			req:  func(t *testing.T) *http.Request { return spec{}.presigned(t, base, 0) },
			want: rejected(CodeIncompleteSignature, "X-Amz-Expires must be a whole number of seconds from 1 to 604800, got '0'."),
		},
		{
			name: "X-Amz-Expires 604801",
			req:  func(t *testing.T) *http.Request { return spec{}.presigned(t, base, MaxExpires+1) },
			want: rejected(CodeIncompleteSignature, "X-Amz-Expires must be a whole number of seconds from 1 to 604800, got '604801'."),
		},
		{
			name: "X-Amz-Expires negative",
			req: func(t *testing.T) *http.Request {
				return editQuery(spec{}.presigned(t, base, 300), func(q url.Values) { q.Set("X-Amz-Expires", "-1") })
			},
			want: rejected(CodeIncompleteSignature, "X-Amz-Expires must be a whole number of seconds from 1 to 604800, got '-1'."),
		},
		{
			name: "X-Amz-Expires not a number",
			req: func(t *testing.T) *http.Request {
				return editQuery(spec{}.presigned(t, base, 300), func(q url.Values) { q.Set("X-Amz-Expires", "1e3") })
			},
			want: rejected(CodeIncompleteSignature, "X-Amz-Expires must be a whole number of seconds from 1 to 604800, got '1e3'."),
		},

		// Signed headers.
		{
			name: "host not signed",
			req: func(t *testing.T) *http.Request {
				return editAuth(t, spec{}.header(t, base), "SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date")
			},
			want: rejected(CodeInvalidSignature, "'Host' must be a 'SignedHeader' in the AWS Authorization."),
		},
		{
			name: "host not signed, query form",
			req: func(t *testing.T) *http.Request {
				return editQuery(spec{}.presigned(t, base, 300), func(q url.Values) { q.Set("X-Amz-SignedHeaders", "x-amz-date") })
			},
			want: rejected(CodeInvalidSignature, "'Host' must be a 'SignedHeader' in the AWS Authorization."),
		},
		{
			name: "signed headers unsorted",
			req: func(t *testing.T) *http.Request {
				return editAuth(t, spec{}.header(t, base), "SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date;host")
			},
			want: rejected(CodeInvalidSignature, "SignedHeaders must list lowercase header names, sorted and without duplicates, separated by ';'; got 'x-amz-date;host'."),
		},
		{
			name: "signed headers not lowercase",
			req: func(t *testing.T) *http.Request {
				return editAuth(t, spec{}.header(t, base), "SignedHeaders=host;x-amz-date", "SignedHeaders=Host;X-Amz-Date")
			},
			want: rejected(CodeInvalidSignature, "SignedHeaders must list lowercase header names, sorted and without duplicates, separated by ';'; got 'Host;X-Amz-Date'."),
		},
		{
			name: "signed headers duplicate",
			req: func(t *testing.T) *http.Request {
				return editAuth(t, spec{}.header(t, base), "SignedHeaders=host;x-amz-date", "SignedHeaders=host;host;x-amz-date")
			},
			want: rejected(CodeInvalidSignature, "SignedHeaders must list lowercase header names, sorted and without duplicates, separated by ';'; got 'host;host;x-amz-date'."),
		},
		{
			name: "signed header absent",
			req: func(t *testing.T) *http.Request {
				r := withHeader.header(t, base)
				r.Header.Del("My-Header1")
				return r
			},
			want: rejected(CodeInvalidSignature, "The header 'my-header1' is in SignedHeaders but not in the request."),
		},

		// Algorithm.
		{
			name: "wrong algorithm",
			req: func(t *testing.T) *http.Request {
				return editAuth(t, spec{}.header(t, base), "AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA512 ")
			},
			want: rejected(CodeIncompleteSignature, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now)."),
		},
		{
			name: "SigV4a algorithm, query form",
			req: func(t *testing.T) *http.Request {
				return editQuery(spec{}.presigned(t, base, 300), func(q url.Values) { q.Set("X-Amz-Algorithm", "AWS4-ECDSA-P256-SHA256") })
			},
			want: rejected(CodeIncompleteSignature, "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256' (only AWS4-HMAC-SHA256 for now)."),
		},

		// Credential scope.
		{
			name: "credential with 4 elements",
			req: func(t *testing.T) *http.Request {
				return editAuth(t, spec{}.header(t, base), scope, "AKIDEXAMPLE/20260102/us-east-1/quicksight")
			},
			want: rejected(CodeIncompleteSignature, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/20260102/us-east-1/quicksight'"),
		},
		{
			name: "credential with 6 elements",
			req: func(t *testing.T) *http.Request {
				return editAuth(t, spec{}.header(t, base), scope, "AKID/EXAMPLE/20260102/us-east-1/quicksight/aws4_request")
			},
			want: rejected(CodeIncompleteSignature, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/EXAMPLE/20260102/us-east-1/quicksight/aws4_request'"),
		},
		{
			name: "wrong region",
			req:  func(t *testing.T) *http.Request { return spec{region: "us-west-2"}.header(t, base) },
			want: rejected(CodeInvalidSignature, "Credential should be scoped to a valid region, not 'us-west-2'."),
		},
		{
			name: "region in another case",
			req:  func(t *testing.T) *http.Request { return spec{region: "US-EAST-1"}.header(t, base) },
			want: rejected(CodeInvalidSignature, "Credential should be scoped to a valid region, not 'US-EAST-1'."),
		},
		{
			name: "wrong service",
			req:  func(t *testing.T) *http.Request { return spec{service: "quicksite"}.header(t, base) },
			want: rejected(CodeInvalidSignature, "Credential should be scoped to correct service: 'quicksight'."),
		},
		{
			name: "service in another case, query form",
			req:  func(t *testing.T) *http.Request { return spec{service: "QuickSight"}.presigned(t, base, 300) },
			want: rejected(CodeInvalidSignature, "Credential should be scoped to correct service: 'quicksight'."),
		},
		{
			name: "wrong terminator",
			req: func(t *testing.T) *http.Request {
				return editAuth(t, spec{}.header(t, base), "/aws4_request", "/aws4_Request")
			},
			want: rejected(CodeInvalidSignature, "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_Request'."),
		},
		{
			name: "scope date not the request date",
			req: func(t *testing.T) *http.Request {
				return editAuth(t, spec{}.header(t, base), "AKIDEXAMPLE/20260102/", "AKIDEXAMPLE/20260101/")
			},
			want: rejected(CodeInvalidSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260101' != '20260102', from '20260102T030405Z'."),
		},
		{
			name: "wrong region, service, terminator and date at once",
			req: func(t *testing.T) *http.Request {
				return editAuth(t, spec{}.header(t, base), scope, "AKIDEXAMPLE/20260103/eu-west-1/s3/aws5_request")
			},
			want: rejected(CodeInvalidSignature, "Credential should be scoped to a valid region, not 'eu-west-1'. "+
				"Credential should be scoped to correct service: 'quicksight'. "+
				"Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "+
				"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260103' != '20260102', from '20260102T030405Z'."),
		},

		// Access key and session token.
		{
			name: "unknown access key",
			req: func(t *testing.T) *http.Request {
				return spec{cred: aws.Credentials{AccessKeyID: "AKIDUNKNOWN", SecretAccessKey: testSecret}}.header(t, base)
			},
			want: rejected(CodeUnrecognizedClient, "The security token included in the request is invalid."),
		},
		{
			name: "empty access key id",
			req: func(t *testing.T) *http.Request {
				return editAuth(t, spec{}.header(t, base), "Credential=AKIDEXAMPLE/", "Credential=/")
			},
			want: rejected(CodeUnrecognizedClient, "The security token included in the request is invalid."),
		},
		{
			name: "signed session token",
			req: func(t *testing.T) *http.Request {
				c := credentials()
				c.SessionToken = testToken
				return spec{cred: c}.header(t, base)
			},
			want: rejected(CodeUnrecognizedClient, "The security token included in the request is invalid."),
		},
		{
			name: "session token added after signing",
			req: func(t *testing.T) *http.Request {
				r := spec{}.header(t, base)
				r.Header.Set("X-Amz-Security-Token", testToken)
				return r
			},
			want: rejected(CodeUnrecognizedClient, "The security token included in the request is invalid."),
		},
		{
			name: "session token in the query form",
			req: func(t *testing.T) *http.Request {
				c := credentials()
				c.SessionToken = testToken
				return spec{cred: c}.presigned(t, base, 300)
			},
			want: rejected(CodeUnrecognizedClient, "The security token included in the request is invalid."),
		},

		// Signature mismatch.
		{
			name: "method changed",
			req: func(t *testing.T) *http.Request {
				r := spec{}.header(t, base)
				r.Method = "DELETE"
				return r
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},
		{
			name: "path byte changed",
			req: func(t *testing.T) *http.Request {
				r := spec{target: arnPath}.header(t, base)
				r.URL.RawPath = strings.Replace(r.URL.RawPath, "my-id", "my-ie", 1)
				r.URL.Path = strings.Replace(r.URL.Path, "my-id", "my-ie", 1)
				return r
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},
		{
			name: "path encoding changed",
			req: func(t *testing.T) *http.Request {
				r := spec{target: arnPath}.header(t, base)
				r.URL.RawPath = strings.Replace(r.URL.RawPath, "%3A", "%3a", 1)
				return r
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},
		{
			name: "query value changed",
			req: func(t *testing.T) *http.Request {
				r := spec{target: "/?keys=a&keys=b"}.header(t, base)
				r.URL.RawQuery = "keys=a&keys=c"
				return r
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},
		{
			name: "query parameter added",
			req: func(t *testing.T) *http.Request {
				r := spec{target: "/?keys=a"}.header(t, base)
				r.URL.RawQuery = "keys=a&max-results=1"
				return r
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},
		{
			name: "query plus taken as space",
			req: func(t *testing.T) *http.Request {
				r := spec{target: "/?q=a%20b"}.header(t, base)
				r.URL.RawQuery = "q=a+b"
				return r
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},
		{
			name: "presigned query value changed",
			req: func(t *testing.T) *http.Request {
				return editQuery(spec{target: "/?max-results=5"}.presigned(t, base, 300), func(q url.Values) { q.Set("max-results", "6") })
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},
		{
			name: "signed header value changed",
			req: func(t *testing.T) *http.Request {
				r := withHeader.header(t, base)
				r.Header.Set("My-Header1", "value2")
				return r
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},
		{
			name: "signed header value repeated",
			req: func(t *testing.T) *http.Request {
				r := withHeader.header(t, base)
				r.Header.Add("My-Header1", "value1")
				return r
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},
		{
			name: "host changed",
			req: func(t *testing.T) *http.Request {
				r := spec{}.header(t, base)
				r.Host = "localhost" + strings.TrimPrefix(r.URL.Host, "127.0.0.1")
				return r
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},
		{
			name: "body byte changed",
			req: func(t *testing.T) *http.Request {
				r := post.header(t, base)
				b := []byte(post.body)
				b[len(b)-3] ^= 1
				r.Body, r.GetBody = nil, nil
				return withBody(r, b)
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},
		{
			name: "date 1s later",
			req: func(t *testing.T) *http.Request {
				r := spec{}.header(t, base)
				r.Header.Set("X-Amz-Date", "20260102T030406Z")
				return r
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},
		{
			name: "signature bit flipped",
			req: func(t *testing.T) *http.Request {
				r := spec{}.header(t, base)
				a := r.Header.Get("Authorization")
				r.Header.Set("Authorization", a[:len(a)-1]+string(a[len(a)-1]^1))
				return r
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},
		{
			name: "signature in uppercase hex",
			req: func(t *testing.T) *http.Request {
				r := spec{}.header(t, base)
				a := r.Header.Get("Authorization")
				i := strings.Index(a, "Signature=") + len("Signature=")
				r.Header.Set("Authorization", a[:i]+strings.ToUpper(a[i:]))
				return r
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},
		{
			name: "presigned signature changed",
			req: func(t *testing.T) *http.Request {
				return editQuery(spec{}.presigned(t, base, 300), func(q url.Values) {
					s := q.Get("X-Amz-Signature")
					q.Set("X-Amz-Signature", s[:10]+string(s[10]^1)+s[11:])
				})
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},
		{
			name: "wrong secret",
			req: func(t *testing.T) *http.Request {
				return spec{cred: aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret2}}.header(t, base)
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},
		{
			name: "another known key's id",
			req: func(t *testing.T) *http.Request {
				return editAuth(t, spec{}.header(t, base), "Credential=AKIDEXAMPLE/", "Credential="+testAKID2+"/")
			},
			want: rejected(CodeInvalidSignature, msgMismatch),
		},

		// Requests that cannot be canonicalized, and payload hashes.
		{
			name: "path with a dot segment",
			req:  func(t *testing.T) *http.Request { return spec{target: "/accounts/./action-connectors"}.header(t, base) },
			want: rejected(CodeInvalidSignature, msgPath),
		},
		{
			name: "path with a dot-dot segment",
			req: func(t *testing.T) *http.Request {
				return spec{target: "/accounts/x/../action-connectors"}.header(t, base)
			},
			want: rejected(CodeInvalidSignature, msgPath),
		},
		{
			name: "path with an encoded dot-dot segment",
			req: func(t *testing.T) *http.Request {
				return spec{target: "/accounts/x/%2E%2E/action-connectors"}.header(t, base)
			},
			want: rejected(CodeInvalidSignature, msgPath),
		},
		{
			name: "path with an empty segment",
			req:  func(t *testing.T) *http.Request { return spec{target: "/accounts//action-connectors"}.header(t, base) },
			want: rejected(CodeInvalidSignature, msgPath),
		},
		{
			name: "path with a trailing slash",
			req:  func(t *testing.T) *http.Request { return spec{target: "/accounts/111122223333/"}.header(t, base) },
			want: rejected(CodeInvalidSignature, msgPath),
		},
		{
			name: "query with a malformed escape",
			req:  func(t *testing.T) *http.Request { return spec{target: "/?a=1&b=%zz"}.header(t, base) },
			want: rejected(CodeInvalidSignature, msgQuery),
		},
		{
			name: "UNSIGNED-PAYLOAD",
			req: func(t *testing.T) *http.Request {
				s := post
				s.headers = append(s.headers, [2]string{"X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"})
				return s.header(t, base)
			},
			want: rejected(CodeInvalidSignature, "x-amz-content-sha256 'UNSIGNED-PAYLOAD' is not accepted: sign the SHA-256 hash of the request body."),
		},
		{
			name: "x-amz-content-sha256 of another body",
			req: func(t *testing.T) *http.Request {
				s := post
				s.headers = append(s.headers, [2]string{"X-Amz-Content-Sha256", emptySHA256})
				return s.header(t, base)
			},
			want: rejected(CodeInvalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed."),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := tt.req(t)
			want := tt.want
			if strings.HasSuffix(want.Message, "Authorization=") {
				want.Message += req.Header.Get("Authorization")
			}
			if strings.HasSuffix(want.Message, "Authorization header: '") {
				want.Message += req.Header.Get("Authorization") + "'."
			}
			if strings.HasSuffix(want.Message, "parameter: '") {
				want.Message += req.Header.Get("Authorization") + "'."
			}
			got := send(t, req)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Verify (-want +got):\n%s", diff)
			}
			for _, secret := range []string{testSecret, testSecret2, testToken} {
				if strings.Contains(got.Message, secret) {
					t.Errorf("message %q contains a secret or token", got.Message)
				}
			}
		})
	}
}
