package ssrftest

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
)

// Canary is a TCP listener on a loopback address that counts the connections
// it accepts and closes each at once. An SSRF payload aimed at a canary proves
// the guard held only if Accepts stays 0. The methods of a nil *Canary report
// the zero address and 0 accepts, so an unavailable IPv6 canary needs no
// special case.
type Canary struct {
	ln      net.Listener
	addr    netip.AddrPort
	accepts atomic.Int64
	wg      sync.WaitGroup
}

// NewCanary listens on addr ("127.0.0.2:0", "[::1]:0", or a fixed port) until
// the test ends, and fails the test when it cannot. addr must not be on
// 127.0.0.1, which the system tests allowlist for their legitimate upstreams.
// Linux routes all of 127.0.0.0/8 to the loopback interface; other systems may
// need an alias for 127.0.0.2.
func NewCanary(t testing.TB, addr string) *Canary {
	t.Helper()
	c, err := listenCanary(t, addr)
	if err != nil {
		t.Fatalf("ssrftest: canary: %v", err)
	}
	return c
}

// Canaries returns a canary on 127.0.0.2 and one on [::1], both on free ports.
// v6 is nil when the host has no IPv6 loopback.
func Canaries(t testing.TB) (v4, v6 *Canary) {
	t.Helper()
	v4 = NewCanary(t, "127.0.0.2:0")
	v6, err := listenCanary(t, "[::1]:0")
	if err != nil {
		t.Logf("ssrftest: no IPv6 loopback canary: %v", err)
		return v4, nil
	}
	return v4, v6
}

func listenCanary(t testing.TB, addr string) (*Canary, error) {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		if ip, err := netip.ParseAddr(host); err == nil && ip.Unmap() == netip.AddrFrom4([4]byte{127, 0, 0, 1}) {
			return nil, errors.New("canaries must not listen on 127.0.0.1, which the tests allowlist")
		}
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &Canary{ln: ln, addr: ln.Addr().(*net.TCPAddr).AddrPort()}
	c.wg.Add(1)
	go c.serve()
	t.Cleanup(func() {
		_ = ln.Close()
		c.wg.Wait()
	})
	return c, nil
}

func (c *Canary) serve() {
	defer c.wg.Done()
	for {
		conn, err := c.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // a transient failure such as EMFILE
		}
		c.accepts.Add(1)
		_ = conn.Close()
	}
}

// Addr returns the address the canary listens on; the zero AddrPort for a nil
// canary.
func (c *Canary) Addr() netip.AddrPort {
	if c == nil {
		return netip.AddrPort{}
	}
	return c.addr
}

// Accepts returns the number of connections accepted so far; 0 for a nil canary.
func (c *Canary) Accepts() int64 {
	if c == nil {
		return 0
	}
	return c.accepts.Load()
}
