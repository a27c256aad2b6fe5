package sigv4

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCanonicalURI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw, want string
		ok        bool
	}{
		{"", "/", true},
		{"/", "/", true},
		{"/accounts/111122223333/action-connectors", "/accounts/111122223333/action-connectors", true},
		{arnPath, "/resources/arn%253Aaws%253Aquicksight%253Aus-east-1%253A123456789012%253Aaction-connector%252Fmy-id/tags", true},
		{"/%E1%88%B4", "/%25E1%2588%25B4", true},
		{"/ሴ", "/%E1%88%B4", true}, // raw UTF-8 on the wire, as in the AWS suite
		{"/-._~AZaz09", "/-._~AZaz09", true},
		{"/a:b@c!$&'()*+,;=", "/a%3Ab%40c%21%24%26%27%28%29%2A%2B%2C%3B%3D", true},
		{"/a%20b", "/a%2520b", true},
		{"/..a/b..", "/..a/b..", true},
		{"/.well-known", "/.well-known", true},
		{"/a/./b", "", false},
		{"/a/../b", "", false},
		{"/..", "", false},
		{"/.", "", false},
		{"/a/%2e/b", "", false},
		{"/a/%2E%2e", "", false},
		{"//a", "", false},
		{"/a//b", "", false},
		{"/a/", "", false},
		{"a/b", "", false},
		{"*", "", false},
		{"/a%2", "", false},
		{"/a%zz", "", false},
	}
	for _, tt := range tests {
		got, ok := canonicalURI(tt.raw)
		if got != tt.want || ok != tt.ok {
			t.Errorf("canonicalURI(%q) = %q, %v; want %q, %v", tt.raw, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCanonicalQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw       string
		presigned bool
		want      string
		wantErr   bool
	}{
		{raw: "", want: ""},
		{raw: "Param1=value1", want: "Param1=value1"},
		{raw: "Param2=value2&Param1=value1", want: "Param1=value1&Param2=value2"},
		{raw: "Param=value2&Param=value1", want: "Param=value1&Param=value2"},
		{raw: "b=1&B=2&a=3", want: "B=2&a=3&b=1"},
		{raw: "Param1", want: "Param1="},
		{raw: "Param1=", want: "Param1="},
		{raw: "=v", want: "=v"},
		{raw: "a=1&&b=2&", want: "a=1&b=2"},
		{raw: "a=b=c", want: "a=b%3Dc"},
		{raw: "keys=b&keys=a%2Bc", want: "keys=a%2Bc&keys=b"},
		{raw: "q=a+b", want: "q=a%2Bb"}, // '+' is not a space
		{raw: "q=a%20b", want: "q=a%20b"},
		{raw: "q=%7e%2a%2D", want: "q=~%2A-"},
		{raw: "%E1%88%B4=bar", want: "%E1%88%B4=bar"},
		{raw: "ሴ=bar", want: "%E1%88%B4=bar"},
		{raw: "a=;b", want: "a=%3Bb"},
		{raw: "Param-3=Value3&Param=Value2&%E1%88%B4=Value1", want: "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"},
		{raw: "a=1&a=1", want: "a=1&a=1"},
		{raw: "X-Amz-Signature=abc&X-Amz-Date=1", want: "X-Amz-Date=1&X-Amz-Signature=abc"},
		{raw: "X-Amz-Signature=abc&X-Amz-Date=1", presigned: true, want: "X-Amz-Date=1"},
		{raw: "a=%zz&b=1", want: "b=1", wantErr: true},
		{raw: "a=%", want: "", wantErr: true},
	}
	for _, tt := range tests {
		params, err := parseQuery(tt.raw)
		got := canonicalQuery(params, tt.presigned)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("canonicalQuery(%q, %v) = %q, err %v; want %q, err %v", tt.raw, tt.presigned, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestTrimHeaderValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, all, spaces string
	}{
		{"value1", "value1", "value1"},
		{"", "", ""},
		{"   value1  ", "value1", "value1"},
		{`"a   b   c"`, `"a b c"`, `"a b c"`},
		{"a\t\tb  c", "a b c", "a\t\tb c"},
		{"value1\n  value2\n     value3", "value1 value2 value3", "value1\n value2\n value3"},
		{"\ta b\t", "a b", "a b"},
		{"  ", "", ""},
		{"a \t b", "a b", "a \t b"},
	}
	for _, tt := range tests {
		if got := trimAll(tt.in); got != tt.all {
			t.Errorf("trimAll(%q) = %q, want %q", tt.in, got, tt.all)
		}
		if got := trimSpaces(tt.in); got != tt.spaces {
			t.Errorf("trimSpaces(%q) = %q, want %q", tt.in, got, tt.spaces)
		}
	}
}

func TestParseAuthorization(t *testing.T) {
	t.Parallel()
	const sig = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
	const cred = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"
	tests := []struct {
		name, header string
		want         authorization
		wantErr      string
	}{
		{
			name:   "SDK form",
			header: "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host;x-amz-date, Signature=" + sig,
			want:   authorization{algorithm: algorithm, credential: cred, signedHeaders: "host;x-amz-date", signature: sig},
		},
		{
			name:   "no spaces after commas, other order",
			header: "AWS4-HMAC-SHA256 Signature=" + sig + ",Credential=" + cred + ",SignedHeaders=host",
			want:   authorization{algorithm: algorithm, credential: cred, signedHeaders: "host", signature: sig},
		},
		{
			name:   "surrounding whitespace and trailing comma",
			header: "  AWS4-HMAC-SHA256  Credential=" + cred + " ,\tSignedHeaders=host , Signature=" + sig + ", ",
			want:   authorization{algorithm: algorithm, credential: cred, signedHeaders: "host", signature: sig},
		},
		{
			name:   "unknown parameter ignored",
			header: "AWS4-HMAC-SHA256 Credential=" + cred + ", Foo=bar, SignedHeaders=host, Signature=" + sig,
			want:   authorization{algorithm: algorithm, credential: cred, signedHeaders: "host", signature: sig},
		},
		{
			name:   "value holding '='",
			header: "AWS4-HMAC-SHA256 Credential=AKID=/20150830/us-east-1/service/aws4_request",
			want:   authorization{algorithm: algorithm, credential: "AKID=/20150830/us-east-1/service/aws4_request"},
		},
		{name: "algorithm only", header: "AWS4-HMAC-SHA256", want: authorization{algorithm: algorithm}},
		{name: "empty", header: "", want: authorization{}},
		{
			name:    "pair without equal sign",
			header:  "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders, Signature=" + sig,
			wantErr: CodeIncompleteSignature,
		},
		{
			name:    "duplicate Signature",
			header:  "AWS4-HMAC-SHA256 Signature=a, Signature=b",
			wantErr: CodeIncompleteSignature,
		},
	}
	for _, tt := range tests {
		got, err := parseAuthorization(tt.header)
		if tt.wantErr != "" {
			if err == nil || err.Code != tt.wantErr || err.Status != http.StatusForbidden {
				t.Errorf("%s: parseAuthorization(%q) error = %v, want code %s", tt.name, tt.header, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: parseAuthorization(%q): %v", tt.name, tt.header, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(authorization{})); diff != "" {
			t.Errorf("%s: parseAuthorization(%q) (-want +got):\n%s", tt.name, tt.header, diff)
		}
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in string
		ok bool
	}{
		{"20260102T030405Z", true},
		{"20240229T235959Z", true},
		{"20250229T000000Z", false},
		{"20260102T030405", false},
		{"20260102T030405z", false},
		{"2026-01-02T03:04:05Z", false},
		{"+0260102T030405Z", false},
		{"20260102 030405Z", false},
		{"20260102T240000Z", false},
		{"", false},
	}
	for _, tt := range tests {
		_, err := parseDate(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("parseDate(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
		}
		if err != nil && err.Code != CodeIncompleteSignature {
			t.Errorf("parseDate(%q) code = %s, want %s", tt.in, err.Code, CodeIncompleteSignature)
		}
	}
}

func TestParseExpires(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1", 1, true},
		{"604800", 604800, true},
		{"0604800", 604800, true},
		{"0", 0, false},
		{"604801", 0, false},
		{"-1", 0, false},
		{"+5", 0, false},
		{" 5", 0, false},
		{"99999999999999999999", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseExpires(tt.in)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("parseExpires(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseSignedHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []string
		wantMsg string
	}{
		{in: "host", want: []string{"host"}},
		{in: "content-length;content-type;host;x-amz-date", want: []string{"content-length", "content-type", "host", "x-amz-date"}},
		{in: "", wantMsg: msgHostUnsigned},
		{in: "x-amz-date", wantMsg: msgHostUnsigned},
		{in: "hosts;x-amz-date", wantMsg: msgHostUnsigned},
		{in: "HOST", wantMsg: "SignedHeaders must list lowercase header names, sorted and without duplicates, separated by ';'; got 'HOST'."},
		{in: "host;", wantMsg: "SignedHeaders must list lowercase header names, sorted and without duplicates, separated by ';'; got 'host;'."},
		{in: "host;host", wantMsg: "SignedHeaders must list lowercase header names, sorted and without duplicates, separated by ';'; got 'host;host'."},
		{in: "x;host", wantMsg: "SignedHeaders must list lowercase header names, sorted and without duplicates, separated by ';'; got 'x;host'."},
		{in: "host;my header", wantMsg: "SignedHeaders must list lowercase header names, sorted and without duplicates, separated by ';'; got 'host;my header'."},
	}
	for _, tt := range tests {
		got, err := parseSignedHeaders(tt.in)
		var msg string
		if err != nil {
			msg = err.Message
		}
		if msg != tt.wantMsg || !cmp.Equal(got, tt.want) {
			t.Errorf("parseSignedHeaders(%q) = %q, %q; want %q, %q", tt.in, got, msg, tt.want, tt.wantMsg)
		}
	}
}

func TestRequestTarget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		requestURI, path, query string
	}{
		{"/a%2Fb?x=1", "/a%2Fb", "x=1"},
		{"/a", "/a", ""},
		{"/?", "/", ""},
		{"http://example.test/a%3Ab?q", "/a%3Ab", "q"},
		{"http://example.test", "/", ""},
		{"*", "*", ""},
	}
	for _, tt := range tests {
		r := &http.Request{RequestURI: tt.requestURI}
		path, query := requestTarget(r)
		if path != tt.path || query != tt.query {
			t.Errorf("requestTarget(%q) = %q, %q; want %q, %q", tt.requestURI, path, query, tt.path, tt.query)
		}
	}
	// Without RequestURI (a request built in process), r.URL is used.
	r, _ := http.NewRequest("GET", "http://example.test"+arnPath+"?a=1", nil)
	if path, query := requestTarget(r); path != arnPath || query != "a=1" {
		t.Errorf("requestTarget of a client request = %q, %q; want %q, %q", path, query, arnPath, "a=1")
	}
}
