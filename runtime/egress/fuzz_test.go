package egress

import (
	"errors"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// FuzzAllowed checks, for any address, that an allowed one lies outside every
// prefix of the spec's deny list and is no metadata address, that an IPv4
// address and its IPv4-mapped form are judged alike, and that an Allow prefix
// holding the address allows it. An IPv6 prefix such as ::/0 does not hold
// IPv4-mapped addresses: they are dialed as IPv4.
func FuzzAllowed(f *testing.F) {
	for _, c := range classification {
		f.Add(netip.MustParseAddr(c.ip).WithZone("").AsSlice(), uint8(32))
	}
	f.Add([]byte{127, 0, 0, 1}, uint8(8))
	f.Add(netip.MustParseAddr("64:ff9b::a9fe:a9fe").AsSlice(), uint8(96))

	denied := make([]netip.Prefix, 0, len(specDenied)+len(specMetadata))
	for _, s := range specDenied {
		denied = append(denied, netip.MustParsePrefix(s))
	}
	for _, s := range specMetadata {
		ip := netip.MustParseAddr(s)
		denied = append(denied, netip.PrefixFrom(ip, ip.BitLen()))
	}
	global := netip.MustParsePrefix("2000::/3")
	g := New(Config{})

	f.Fuzz(func(t *testing.T, b []byte, bits uint8) {
		ip, ok := netip.AddrFromSlice(b)
		if !ok {
			return
		}
		err := g.Allowed(ip)
		if err != nil && !errors.Is(err, ErrDenied) {
			t.Fatalf("Allowed(%s) = %v, does not wrap ErrDenied", ip, err)
		}
		if err == nil {
			u := ip.Unmap()
			for _, p := range denied {
				if p.Contains(u) {
					t.Fatalf("Allowed(%s) = nil, but it is in denied %s", ip, p)
				}
			}
			if u.Is6() && !global.Contains(u) {
				t.Fatalf("Allowed(%s) = nil, but it is IPv6 outside 2000::/3", ip)
			}
			if u.IsLoopback() || u.IsPrivate() || u.IsLinkLocalUnicast() || u.IsMulticast() || u.IsUnspecified() {
				t.Fatalf("Allowed(%s) = nil, but the standard library calls it non-public", ip)
			}
		}
		if ip.Is4() {
			mapped := netip.AddrFrom16(ip.As16())
			if (g.Allowed(mapped) == nil) != (err == nil) {
				t.Fatalf("Allowed(%s) = %v but Allowed(%s) = %v", ip, err, mapped, g.Allowed(mapped))
			}
		}
		// An Allow prefix holding the destination (the IPv4 form of a mapped
		// address, which is what is dialed) allows it, in either notation.
		dst := ip.Unmap()
		p, _ := dst.Prefix(int(bits) % (dst.BitLen() + 1))
		allow := []netip.Prefix{p}
		if dst.Is4() {
			allow = append(allow, netip.PrefixFrom(netip.AddrFrom16(dst.As16()), 96+p.Bits()))
		}
		for _, a := range allow {
			if err := New(Config{Allow: []netip.Prefix{a}}).Allowed(ip); err != nil {
				t.Fatalf("Allowed(%s) with Allow %s = %v, want nil", ip, a, err)
			}
		}
	})
}

// FuzzCheckURL checks that CheckURL never panics, that every refusal matches
// ErrInvalidURL with a user-facing message, and that every URL it accepts is
// short, free of spaces and controls, https, without user information, with a
// host that has no zone and a valid port.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{
		"https://api.example.com/v1", "HTTPS://API.EXAMPLE.COM:443/", "https://[::1]:8443/",
		"https://user:pass@h/", "https://[fe80::1%25eth0]/", "https://h:0/", "https://h:65536/",
		"http://h/", "https:h", "https://127.0.0.1%2509/", `https://evil.test\@127.0.0.1/`,
		"https://１２７.０.０.１/", "https://h/\t", "https://a..b/", "https://h:/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := CheckURL(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidURL) || !strings.HasPrefix(err.Error(), "must ") {
				t.Fatalf("CheckURL(%q) = %v, want a user-facing ErrInvalidURL", s, err)
			}
			return
		}
		if len(s) > MaxURLLength {
			t.Fatalf("CheckURL accepted %d bytes", len(s))
		}
		for _, r := range s {
			if unicode.IsControl(r) || unicode.IsSpace(r) {
				t.Fatalf("CheckURL(%q) accepted a control or space character %U", s, r)
			}
		}
		if u.Scheme != "https" || u.User != nil || u.Opaque != "" {
			t.Fatalf("CheckURL(%q) = %#v: scheme, user or opaque wrong", s, u)
		}
		host := u.Hostname()
		if host == "" || strings.ContainsAny(host, "%@\\/ ") {
			t.Fatalf("CheckURL(%q): host %q", s, host)
		}
		if port := u.Port(); port != "" {
			if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
				t.Fatalf("CheckURL(%q): port %q", s, port)
			}
		}
		again, err := url.Parse(u.String())
		if err != nil || again.Hostname() != host {
			t.Fatalf("CheckURL(%q): %q does not parse back to host %q: %v", s, u.String(), host, err)
		}
	})
}
