package restjson_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/actiongate/actiongate"
)

// The benchmarks send signed requests over loopback HTTP to the real stack:
// SigV4 verification, binding, the Service, the vault and SQLite (WAL,
// synchronous=FULL). Requests are signed with the AWS SDK signer per request,
// as clients do, so client signing counts in the figures. Each runs with the
// vault ("sealed") and with a pass-through sealer ("plaintext") to show what
// encryption costs; the pass-through exists only here.

// plaintextSealer stores secrets as they are. It measures the cost of the
// vault and must never be used outside this benchmark.
type plaintextSealer struct{}

func (plaintextSealer) Seal(p, _ []byte) ([]byte, error) { return append([]byte(nil), p...), nil }
func (plaintextSealer) Open(c, _ []byte) ([]byte, error) { return append([]byte(nil), c...), nil }

var sealers = []struct {
	name string
	opts envOptions
}{
	{"sealed", envOptions{}},
	{"plaintext", envOptions{sealer: func(actiongate.Sealer) actiongate.Sealer { return plaintextSealer{} }}},
}

func BenchmarkDescribe(b *testing.B) {
	for _, s := range sealers {
		b.Run(s.name, func(b *testing.B) {
			e := newEnvWith(b, s.opts)
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
		})
	}
}

func BenchmarkCreate(b *testing.B) {
	for _, s := range sealers {
		b.Run(s.name, func(b *testing.B) {
			e := newEnvWith(b, s.opts)
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
		})
	}
}
