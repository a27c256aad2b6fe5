package restjson_test

import (
	"fmt"
	"sync/atomic"
	"testing"
)

// The benchmarks send signed requests over loopback HTTP to the real stack:
// SigV4 verification, binding, the Service, the vault and SQLite (WAL,
// synchronous=FULL). Requests are signed with the AWS SDK signer per request,
// as clients do, so client signing counts in the figures.

func BenchmarkDescribe(b *testing.B) {
	e := newEnv(b)
	if resp, body := e.call(b, "POST", connectorsPath, validCreate); resp.StatusCode != 200 {
		b.Fatalf("create: %s", body)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if resp, body := e.call(b, "GET", connectorsPath+"/c1", ""); resp.StatusCode != 200 {
				b.Fatalf("describe: %s", body)
			}
		}
	})
}

func BenchmarkCreate(b *testing.B) {
	e := newEnv(b)
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := fmt.Sprintf(`{"ActionConnectorId": "c%d", "Name": "n", "Type": "SLACK",
				"AuthenticationConfig": {"AuthenticationType": "API_KEY", "AuthenticationMetadata": {
				"ApiKeyConnectionMetadata": {"BaseEndpoint": "https://slack.com/api", "ApiKey": "xoxb-1"}}}}`, n.Add(1))
			if resp, out := e.call(b, "POST", connectorsPath, body); resp.StatusCode != 200 {
				b.Fatalf("create: %s", out)
			}
		}
	})
}
