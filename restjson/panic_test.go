package restjson_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/actiongate/actiongate"
)

// panickingSealer panics while sealing a canary, with the plaintext in its
// panic value: the worst a faulty component could do.
type panickingSealer struct{ actiongate.Sealer }

func (p panickingSealer) Seal(plaintext, aad []byte) ([]byte, error) {
	if bytes.HasPrefix(plaintext, []byte("canary-")) {
		panic("sealing failed for " + string(plaintext))
	}
	return p.Sealer.Seal(plaintext, aad)
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// TestPanicLeaksNothing makes an operation panic with a secret in the panic
// value: the caller gets InternalFailureException, the logs say where it
// panicked, neither holds the secret, and the server goes on serving.
func TestPanicLeaksNothing(t *testing.T) {
	t.Parallel()
	const canary = "canary-panic-3e9f0c"
	var logs lockedBuffer
	e := newEnvWith(t, envOptions{logs: &logs, sealer: func(s actiongate.Sealer) actiongate.Sealer { return panickingSealer{s} }})
	resp, body := e.call(t, "POST", connectorsPath, strings.Replace(validCreate, "xoxb-1", canary, 1))
	checkError(t, resp, body, 500, "InternalFailureException", "An internal error occurred.")
	logged := logs.b.String()
	if strings.Contains(string(body), canary) || strings.Contains(logged, canary) {
		t.Errorf("the secret leaked:\nresponse %s\nlogs %s", body, logged)
	}
	if !strings.Contains(logged, "operation panicked") || !strings.Contains(logged, "panic_type=string") {
		t.Errorf("the panic was not logged:\n%s", logged)
	}
	if resp, body := e.call(t, "GET", connectorsPath, ""); resp.StatusCode != 200 {
		t.Errorf("after the panic: %d %s", resp.StatusCode, body)
	}
}
