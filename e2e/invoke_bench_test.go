package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// BenchmarkInvoke measures what actiongate adds to an action: the same
// client calls a loopback TLS upstream directly, and through actiongate with
// an API_KEY GENERIC_HTTP connector (signature check, user and grant checks,
// opening the key, the egress guard, the upstream call, shaping). Compare
// the ns/op of the two sub-benchmarks of one run:
//
//	go test ./e2e -run '^$' -bench Invoke -benchtime 3s
func BenchmarkInvoke(b *testing.B) {
	up := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"42","title":"Printer on fire","state":"open"}`))
	}))
	defer up.Close()
	s := startServer(b, runtimeOptions(certFile(b, up)))
	admin := s.admin()
	registerUsers(b, admin, "alice")
	createConnector(b, admin, "bench", types.ActionConnectorTypeGenericHttp, keyAuth(up.URL+"/api", "ak-bench-0123456789"), user("alice"))

	roots := x509.NewCertPool()
	roots.AddCert(up.Certificate())
	tr := extTransport.Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: roots}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	x := s.adminExt()
	x.http = client
	input := map[string]any{"Method": "GET", "Path": "/issues/42"}

	b.Run("upstream-direct", func(b *testing.B) {
		for b.Loop() {
			req, _ := http.NewRequest(http.MethodGet, up.URL+"/api/issues/42", nil)
			req.Header.Set("Authorization", "Bearer ak-bench-0123456789")
			resp, err := client.Do(req)
			if err != nil || resp.StatusCode != 200 {
				b.Fatalf("direct call: %v", err)
			}
			drain(resp)
		}
	})
	b.Run("through-actiongate", func(b *testing.B) {
		for b.Loop() {
			r, err := x.sendInvoke(context.Background(), "bench", "HttpRequest", input, user("alice"))
			if err != nil || r.Status != 200 {
				b.Fatalf("invoke: %v %s", err, r)
			}
		}
	})
}

func drain(resp *http.Response) {
	defer resp.Body.Close()
	buf := make([]byte, 4096)
	for {
		if _, err := resp.Body.Read(buf); err != nil {
			return
		}
	}
}
