package egress

import (
	"errors"
	"net/netip"
	"testing"
)

// specDenied is the deny list as research §1 and the IANA special-purpose
// registries state it, written out independently of the implementation's
// tables: the classification table must cover each, and the fuzz property
// checks that no allowed address lies in one.
var specDenied = []string{
	// IPv4 (IANA IPv4 Special-Purpose Address Registry, multicast, broadcast).
	"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
	"192.0.0.0/24", "192.0.0.0/29", "192.0.0.8/32", "192.0.0.9/32", "192.0.0.10/32", "192.0.0.170/32",
	"192.0.0.171/32", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24",
	"192.168.0.0/16", "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
	"224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
	// IPv6 (IANA IPv6 Special-Purpose Address Registry and the embeddings).
	"::/128", "::1/128", "::/96", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48",
	"100::/64", "100:0:0:1::/64", "2001::/23", "2001::/32", "2001:1::1/128", "2001:1::2/128",
	"2001:1::3/128", "2001:2::/48", "2001:3::/32", "2001:4:112::/48", "2001:10::/28", "2001:20::/28",
	"2001:30::/28", "2001:db8::/32", "2002::/16", "2620:4f:8000::/48", "3fff::/20", "5f00::/16",
	"fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
}

// specMetadata are the cloud metadata addresses of research §1.3 row 6.
var specMetadata = []string{
	"169.254.169.254", "fd00:ec2::254", "169.254.170.2", "169.254.170.23", "fd00:ec2::23",
	"100.100.100.200", "168.63.129.16", "192.0.0.192",
}

// classification lists addresses and whether the zero Config denies them.
var classification = []struct {
	ip     string
	denied bool
}{
	// Public controls.
	{"8.8.8.8", false},
	{"1.1.1.1", false},
	{"2606:4700:4700::1111", false},
	{"2001:4860:4860::8888", false},
	{"93.184.215.14", false},
	{"2a00:1450:4001:82a::200e", false},
	{"::ffff:8.8.8.8", false}, // IPv4-mapped public: judged as 8.8.8.8
	// CGNAT edges.
	{"100.63.255.254", false},
	{"100.64.0.0", true},
	{"100.64.0.1", true},
	{"100.127.255.254", true},
	{"100.127.255.255", true},
	{"100.128.0.1", false},
	// Other range edges.
	{"9.255.255.255", false},
	{"11.0.0.0", false},
	{"172.15.255.255", false},
	{"172.32.0.0", false},
	{"192.167.255.255", false},
	{"192.169.0.0", false},
	{"198.17.255.255", false},
	{"198.20.0.0", false},
	{"223.255.255.255", false},
	{"1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true},
	{"3fff:1000::", false},
	{"3ffe:ffff::1", false},
	// Loopback and unspecified, this network.
	{"127.0.0.1", true},
	{"127.0.0.2", true},
	{"127.255.255.255", true},
	{"::1", true},
	{"0.0.0.0", true},
	{"0.1.2.3", true},
	{"::", true},
	// Private, link-local, broadcast, multicast.
	{"10.0.0.1", true},
	{"172.16.0.1", true},
	{"172.31.255.255", true},
	{"192.168.1.1", true},
	{"169.254.0.1", true},
	{"255.255.255.255", true},
	{"224.0.0.1", true},
	{"239.255.255.250", true},
	{"fc00::1", true},
	{"fd00::1", true},
	{"fe80::1", true},
	{"fe80::1%eth0", true},
	{"fec0::1", true},
	{"ff02::1", true},
	{"ff02::2", true},
	{"ff05::1:3", true},
	// IPv4 special purpose.
	{"192.0.0.1", true},
	{"192.0.0.8", true},
	{"192.0.0.9", true},
	{"192.0.0.10", true},
	{"192.0.0.170", true},
	{"192.0.0.171", true},
	{"192.0.2.1", true},
	{"192.31.196.1", true},
	{"192.52.193.1", true},
	{"192.88.99.1", true},
	{"192.175.48.1", true},
	{"198.18.0.1", true},
	{"198.19.255.255", true},
	{"198.51.100.1", true},
	{"203.0.113.1", true},
	{"240.0.0.1", true},
	{"254.255.255.255", true},
	// IPv6 special purpose.
	{"100::1", true},
	{"100:0:0:1::1", true},
	{"2001::1", true},
	{"2001:1::1", true},
	{"2001:1::2", true},
	{"2001:1::3", true},
	{"2001:2::1", true},
	{"2001:3::1", true},
	{"2001:4:112::1", true},
	{"2001:10::1", true},
	{"2001:20::1", true},
	{"2001:30::1", true},
	{"2001:1ff::1", true},
	{"2001:db8::1", true},
	{"2002::1", true},
	{"2620:4f:8000::1", true},
	{"3fff::1", true},
	{"5f00::1", true},
	{"4000::1", true},
	// Metadata.
	{"169.254.169.254", true},
	{"fd00:ec2::254", true},
	{"169.254.170.2", true},
	{"169.254.170.23", true},
	{"fd00:ec2::23", true},
	{"100.100.100.200", true},
	{"168.63.129.16", true},
	{"192.0.0.192", true},
	// IPv4-mapped (::ffff:0:0/96): judged as the IPv4 address.
	{"::ffff:127.0.0.1", true},
	{"::ffff:7f00:1", true},
	{"::ffff:10.0.0.1", true},
	{"::ffff:169.254.169.254", true},
	{"::ffff:168.63.129.16", true},
	{"::ffff:0.0.0.0", true},
	// IPv4-compatible (::/96) and IPv4-translated (::ffff:0:0:0/96).
	{"::127.0.0.1", true},
	{"::7f00:1", true},
	{"::8.8.8.8", true},
	{"::ffff:0:7f00:1", true},
	{"::ffff:0:808:808", true},
	// NAT64: loopback, private, metadata, and public all denied.
	{"64:ff9b::7f00:1", true},
	{"64:ff9b::a00:1", true},
	{"64:ff9b::a9fe:a9fe", true},
	{"64:ff9b::808:808", true},
	{"64:ff9b:1::7f00:1", true},
	{"64:ff9b:1::a9fe:a9fe", true},
	// 6to4.
	{"2002:7f00:1::1", true},
	{"2002:a00:1::1", true},
	{"2002:a9fe:a9fe::1", true},
	{"2002:808:808::1", true},
	// Teredo (client address XORed with all ones).
	{"2001:0:4136:e378:8000:63bf:80ff:fffe", true}, // 127.0.0.1
	{"2001:0:4136:e378:8000:63bf:f5ff:fffe", true}, // 10.0.0.1
	{"2001:0:4136:e378:8000:63bf:5601:5601", true}, // 169.254.169.254
	{"2001:0:4136:e378:8000:63bf:f7f7:f7f7", true}, // 8.8.8.8
}

func TestAllowed(t *testing.T) {
	t.Parallel()
	g := New(Config{})
	for _, c := range classification {
		t.Run(c.ip, func(t *testing.T) {
			t.Parallel()
			err := g.Allowed(netip.MustParseAddr(c.ip))
			if got := err != nil; got != c.denied {
				t.Fatalf("Allowed(%s) = %v, want denied %v", c.ip, err, c.denied)
			}
			if err != nil && !errors.Is(err, ErrDenied) {
				t.Fatalf("Allowed(%s) = %v, does not wrap ErrDenied", c.ip, err)
			}
		})
	}
	if err := g.Allowed(netip.Addr{}); !errors.Is(err, ErrDenied) {
		t.Errorf("Allowed(zero Addr) = %v, want ErrDenied", err)
	}
}

// TestClassificationCoverage checks that the table holds a denied address in
// every prefix of the spec's deny list and every metadata address, and that
// the implementation's own tables deny their first and last addresses.
func TestClassificationCoverage(t *testing.T) {
	t.Parallel()
	for _, s := range specDenied {
		p := netip.MustParsePrefix(s)
		found := false
		for _, c := range classification {
			ip := netip.MustParseAddr(c.ip).WithZone("")
			if c.denied && (p.Contains(ip) || p.Contains(ip.Unmap())) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no denied address of %s in the classification table", s)
		}
	}
	for _, s := range specMetadata {
		found := false
		for _, c := range classification {
			if c.ip == s && c.denied {
				found = true
			}
		}
		if !found {
			t.Errorf("metadata address %s is not in the classification table", s)
		}
	}
	g := New(Config{})
	for _, rs := range [][]rule{metadataRules, ipv4Rules, ipv6Rules} {
		for _, r := range rs {
			for _, ip := range []netip.Addr{r.prefix.Addr(), lastAddr(r.prefix)} {
				if err := g.Allowed(ip); !errors.Is(err, ErrDenied) {
					t.Errorf("Allowed(%s) in rule %s = %v, want ErrDenied", ip, r.prefix, err)
				}
			}
		}
	}
}

func TestAllowedAllowList(t *testing.T) {
	t.Parallel()
	g := New(Config{Allow: []netip.Prefix{
		netip.MustParsePrefix("127.0.0.1/32"),
		netip.MustParsePrefix("10.1.0.0/16"),
		netip.MustParsePrefix("fd00:1::/32"),
		netip.MustParsePrefix("::ffff:192.168.7.0/120"), // IPv4-mapped: counts as 192.168.7.0/24
		netip.MustParsePrefix("169.254.169.254/32"),
		netip.MustParsePrefix("172.16.5.9/16"), // not masked: counts as 172.16.0.0/16
	}})
	tests := []struct {
		ip      string
		allowed bool
	}{
		{"127.0.0.1", true},
		{"::ffff:127.0.0.1", true},
		{"127.0.0.2", false},
		{"::1", false},
		{"10.1.2.3", true},
		{"10.2.0.1", false},
		{"fd00:1::5", true},
		{"fd00:2::5", false},
		{"192.168.7.200", true},
		{"::ffff:192.168.7.1", true},
		{"192.168.8.1", false},
		{"169.254.169.254", true},
		{"169.254.170.2", false},
		{"172.16.200.1", true},
		{"172.17.0.1", false},
		{"8.8.8.8", true},
		{"fe80::1%eth0", false}, // zoned addresses are never allowed
	}
	for _, c := range tests {
		err := g.Allowed(netip.MustParseAddr(c.ip))
		if got := err == nil; got != c.allowed {
			t.Errorf("Allowed(%s) = %v, want allowed %v", c.ip, err, c.allowed)
		}
	}
}

// lastAddr returns the highest address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	ip, _ := netip.AddrFromSlice(b)
	return ip
}
