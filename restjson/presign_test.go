package restjson_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestPresignedRequests sends presigned URLs, as v4.Signer.PresignHTTP makes
// them, through the whole stack, with an ARN in the path too.
func TestPresignedRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if resp, body := e.call(t, "POST", connectorsPath, validCreate); resp.StatusCode != 200 {
		t.Fatalf("create: %s", body)
	}
	const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	presign := func(path string, signedAt time.Time, expires string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", e.url+path, nil)
		q := req.URL.Query()
		q.Set("X-Amz-Expires", expires)
		req.URL.RawQuery = q.Encode()
		u, _, err := v4.NewSigner().PresignHTTP(context.Background(), e.creds, req, emptySHA256, "quicksight", testRegion, signedAt)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	get := func(u string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		return send(t, req)
	}
	tests := []struct {
		name, path string
		signedAt   time.Time
		expires    string
		status     int
		code       string
	}{
		{"describe", connectorsPath + "/c1", testNow, "300", 200, ""},
		{"tags by ARN", "/resources/arn%3Aaws%3Aquicksight%3Aus-east-1%3A111122223333%3Aaction-connector%2Fc1/tags", testNow, "300", 200, ""},
		{"list with query", connectorsPath + "?max-results=5", testNow, "300", 200, ""},
		{"expired", connectorsPath + "/c1", testNow.Add(-10 * time.Minute), "300", 403, "InvalidSignatureException"},
		{"signed far ahead", connectorsPath + "/c1", testNow.Add(16 * time.Minute), "3600", 403, "InvalidSignatureException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(presign(tt.path, tt.signedAt, tt.expires))
			if resp.StatusCode != tt.status || resp.Header.Get("X-Amzn-ErrorType") != tt.code {
				t.Errorf("status %d %q, want %d %q: %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), tt.status, tt.code, body)
			}
		})
	}
}
