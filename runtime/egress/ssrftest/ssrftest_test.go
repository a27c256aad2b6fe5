package ssrftest

import (
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPayloadsWellFormed checks the corpus itself: at least 100 payloads,
// unique names, every §1.3 row 1-9 present, and no payload aimed at 127.0.0.1,
// which the system tests allowlist.
func TestPayloadsWellFormed(t *testing.T) {
	t.Parallel()
	c4 := netip.MustParseAddrPort("127.0.0.2:4001")
	c6 := netip.MustParseAddrPort("[::1]:4002")
	ps := Payloads(c4, c6)
	if len(ps) < 100 {
		t.Errorf("%d payloads, want at least 100", len(ps))
	}
	names := map[string]bool{}
	rows := map[string]int{}
	allowed := netip.MustParseAddr("127.0.0.1")
	for _, p := range ps {
		if names[p.Name] {
			t.Errorf("duplicate payload name %q", p.Name)
		}
		names[p.Name] = true
		row, _, _ := strings.Cut(p.Name, "/")
		rows[row]++
		for name, addrs := range p.DNS {
			for _, a := range addrs {
				if a.Unmap() == allowed {
					t.Errorf("%s: DNS answers %s with 127.0.0.1", p.Name, name)
				}
			}
		}
		if u, err := url.Parse(p.URL); err == nil {
			if ip, err := netip.ParseAddr(u.Hostname()); err == nil && ip.Unmap() == allowed {
				t.Errorf("%s: URL %q names 127.0.0.1", p.Name, p.URL)
			}
		}
	}
	for _, row := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"} {
		if rows[row] == 0 {
			t.Errorf("no payload for row %s", row)
		}
	}
	// Without an IPv6 canary the corpus is the same size.
	if n := len(Payloads(c4, netip.AddrPort{})); n != len(ps) {
		t.Errorf("%d payloads without an IPv6 canary, want %d", n, len(ps))
	}
}

func TestResolver(t *testing.T) {
	t.Parallel()
	v4, v6 := netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("::1")
	r := Resolver(map[string][]netip.Addr{"Both.Test.": {v4, v6}})
	tests := []struct {
		network, host string
		want          []netip.Addr
	}{
		{"ip", "both.test", []netip.Addr{v4, v6}},
		{"ip", "BOTH.TEST.", []netip.Addr{v4, v6}},
		{"ip4", "both.test", []netip.Addr{v4}},
		{"ip6", "both.test", []netip.Addr{v6}},
		{"ip", "other.test", nil},
	}
	for _, c := range tests {
		got, err := r(t.Context(), c.network, c.host)
		if diff := cmp.Diff(c.want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
			t.Errorf("%s %s (-want +got):\n%s", c.network, c.host, diff)
		}
		var dnsErr *net.DNSError
		if c.want == nil && !(errors.As(err, &dnsErr) && dnsErr.IsNotFound) {
			t.Errorf("%s %s: %v, want a not-found DNS error", c.network, c.host, err)
		}
	}
}

func TestRebinder(t *testing.T) {
	t.Parallel()
	a, b := netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("127.0.0.2")
	r := Rebinder([]netip.Addr{a}, []netip.Addr{b})
	var got []netip.Addr
	for range 4 {
		ips, err := r(t.Context(), "ip", "x.test")
		if err != nil || len(ips) != 1 {
			t.Fatalf("Rebinder = %v, %v", ips, err)
		}
		got = append(got, ips[0])
	}
	if want := []netip.Addr{a, b, a, b}; !cmp.Equal(want, got, cmp.Comparer(func(x, y netip.Addr) bool { return x == y })) {
		t.Errorf("answers %v, want %v", got, want)
	}
}

func TestCanary(t *testing.T) {
	t.Parallel()
	c := NewCanary(t, "127.0.0.2:0")
	for range 3 {
		conn, err := net.Dial("tcp", c.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		// The canary closes the connection once it has counted it.
		if _, err := conn.Read(make([]byte, 1)); err == nil {
			t.Error("canary sent data")
		}
		conn.Close()
	}
	if n := c.Accepts(); n != 3 {
		t.Errorf("Accepts = %d, want 3", n)
	}
	if _, err := listenCanary(t, "127.0.0.1:0"); err == nil {
		t.Error("a canary listened on 127.0.0.1")
	}
	var none *Canary
	if none.Addr().IsValid() || none.Accepts() != 0 {
		t.Error("a nil canary reports an address or accepts")
	}
}
