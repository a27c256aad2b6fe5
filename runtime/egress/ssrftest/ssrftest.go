// Package ssrftest holds the SSRF test corpus of research/reliability.md §1.3:
// payload URLs aimed at canary listeners on loopback, a fake DNS, and the
// redirect cases. Every outbound path of the service (action invocation, OAuth
// token endpoints, endpoint validation) runs the same corpus.
//
// The expected result of every payload is the same: it is refused by the
// static URL rules (Payload.Invalid), or the call fails with an error matching
// egress.ErrDenied, or the fake DNS does not know the name; and every canary
// counts 0 accepts. A "connection refused" or a timeout is a failure: it means
// a connect() was attempted.
//
// The harness stays on loopback. The legitimate upstreams of the system tests
// listen on 127.0.0.1, allowlisted exactly (127.0.0.1/32); canaries listen on
// 127.0.0.2 and [::1], which no test allowlists, and no payload names 127.0.0.1.
package ssrftest

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
)

// Payload is one SSRF attempt.
type Payload struct {
	// Name is "row/form", row being the line of the research §1.3 table.
	Name string
	// URL is the payload, as a user would put it in an endpoint field.
	URL string
	// DNS holds the fake DNS answers the payload needs (see Resolver); nil when
	// the host is an address literal or must not resolve. Numeric host names
	// that glibc's resolver turns into addresses (2130706434, 127.2) come in
	// two payloads: one with the glibc answer here, one without.
	DNS map[string][]netip.Addr
	// Invalid reports that the static URL rules (egress.CheckURL, create-time
	// validation) must refuse the URL, so it is never dialed.
	Invalid bool
}

// Payloads returns the corpus aimed at canary4 (an IPv4 loopback address other
// than 127.0.0.1, such as 127.0.0.2) and canary6 (on [::1]). When canary6 is
// the zero AddrPort (no IPv6 loopback), the IPv6 loopback payloads use
// canary4's port. Payloads for addresses that cannot be reached from here
// (private, link-local, metadata, special purpose) use canary4's port too, so
// a guard that fails is seen as a connection error, never as a reached service.
func Payloads(canary4, canary6 netip.AddrPort) []Payload {
	if !canary4.Addr().Is4() {
		panic("ssrftest: canary4 must be an IPv4 address")
	}
	c4 := canary4.Addr().As4()
	p4 := strconv.Itoa(int(canary4.Port()))
	p6 := p4
	v6 := netip.IPv6Loopback()
	if canary6.IsValid() {
		p6 = strconv.Itoa(int(canary6.Port()))
		v6 = canary6.Addr()
	}
	v4 := canary4.Addr()
	hp := func(host string) string { return "https://" + net.JoinHostPort(host, p4) + "/" }
	hp6 := func(host string) string { return "https://" + net.JoinHostPort(host, p6) + "/" }
	dns := func(name string, addrs ...netip.Addr) map[string][]netip.Addr {
		return map[string][]netip.Addr{name: addrs}
	}
	a := netip.MustParseAddr

	var ps []Payload
	add := func(name, url string) { ps = append(ps, Payload{Name: name, URL: url}) }
	addDNS := func(name, url string, d map[string][]netip.Addr) {
		ps = append(ps, Payload{Name: name, URL: url, DNS: d})
	}
	invalid := func(name, url string) { ps = append(ps, Payload{Name: name, URL: url, Invalid: true}) }

	// Row 1: loopback literals.
	add("1/canary IPv4", hp(v4.String()))
	add("1/127.1.2.3", hp("127.1.2.3"))
	add("1/127.255.255.254", hp("127.255.255.254"))
	add("1/::1", hp6("::1"))
	add("1/0:0:0:0:0:0:0:1", hp6("0:0:0:0:0:0:0:1"))
	add("1/0000::1", hp6("0000::1"))
	add("1/::0.0.0.1", hp6("::0.0.0.1"))
	add("1/upper-case scheme", "HTTPS://"+net.JoinHostPort(v4.String(), p4)+"/")
	add("1/metadata path", "https://"+net.JoinHostPort(v4.String(), p4)+"/latest/meta-data/?x=1#f")

	// Row 2: unspecified and this-network (Linux connects 0.0.0.0 and [::] to loopback).
	add("2/0.0.0.0", hp("0.0.0.0"))
	add("2/[::]", hp6("::"))
	add("2/[::0]", hp6("::0"))
	add("2/0.1.2.3", hp("0.1.2.3"))
	addDNS("2/host 0, glibc", hp("0"), dns("0", a("0.0.0.0")))
	add("2/host 0, pure Go", hp("0"))
	addDNS("2/host 0x0, glibc", hp("0x0"), dns("0x0", a("0.0.0.0")))

	// Row 3: the canary's IPv4 address encoded as a host name.
	n := uint32(c4[0])<<24 | uint32(c4[1])<<16 | uint32(c4[2])<<8 | uint32(c4[3])
	encoded := []struct{ form, host string }{
		{"decimal", strconv.FormatUint(uint64(n), 10)},
		{"hex", fmt.Sprintf("0x%08x", n)},
		{"upper hex", fmt.Sprintf("0X%08X", n)},
		{"octal", fmt.Sprintf("0%o", n)},
		{"dotted hex", fmt.Sprintf("0x%x.0x%x.0x%x.0x%x", c4[0], c4[1], c4[2], c4[3])},
		{"dotted octal", fmt.Sprintf("0%o.0%o.0%o.0%o", c4[0], c4[1], c4[2], c4[3])},
		{"mixed octal and hex", fmt.Sprintf("0%o.0x%x.0x%x.0x%x", c4[0], c4[1], c4[2], c4[3])},
		{"a.b short", fmt.Sprintf("%d.%d", c4[0], n&0xffffff)},
		{"a.b.c short", fmt.Sprintf("%d.%d.%d", c4[0], c4[1], n&0xffff)},
		{"hex a.b short", fmt.Sprintf("0x%x.%d", c4[0], n&0xffffff)},
		{"zero padded", fmt.Sprintf("%03d.%03d.%03d.%03d", c4[0], c4[1], c4[2], c4[3])},
		{"trailing dot", v4.String() + "."},
	}
	for _, e := range encoded {
		addDNS("3/"+e.form+", glibc", hp(e.host), dns(e.host, v4))
		add("3/"+e.form+", pure Go", hp(e.host))
	}
	add("3/full-width digits", hp(fullWidth(v4.String(), false)))
	invalid("3/full-width digits and dots", hp(fullWidth(v4.String(), true)))

	// Row 4: IPv6 forms embedding the canary, a private and the metadata address.
	for _, e := range []struct {
		name string
		ip   netip.Addr
	}{
		{"canary", v4},
		{"10.0.0.1", a("10.0.0.1")},
		{"169.254.169.254", a("169.254.169.254")},
	} {
		b := e.ip.As4()
		hi, lo := uint16(b[0])<<8|uint16(b[1]), uint16(b[2])<<8|uint16(b[3])
		for _, f := range []struct{ form, host string }{
			{"IPv4-mapped dotted", "::ffff:" + e.ip.String()},
			{"IPv4-mapped hex", fmt.Sprintf("::ffff:%x:%x", hi, lo)},
			{"IPv4-mapped long", "0:0:0:0:0:ffff:" + e.ip.String()},
			{"IPv4-compatible dotted", "::" + e.ip.String()},
			{"IPv4-compatible hex", fmt.Sprintf("::%x:%x", hi, lo)},
			{"IPv4-translated", fmt.Sprintf("::ffff:0:%x:%x", hi, lo)},
			{"NAT64", fmt.Sprintf("64:ff9b::%x:%x", hi, lo)},
			{"NAT64 dotted", "64:ff9b::" + e.ip.String()},
			{"local-use NAT64", fmt.Sprintf("64:ff9b:1::%x:%x", hi, lo)},
			{"6to4", fmt.Sprintf("2002:%x:%x::1", hi, lo)},
			// Teredo: server 65.54.227.120, client address XORed with all ones.
			{"Teredo", fmt.Sprintf("2001:0:4136:e378:8000:63bf:%x:%x", ^hi, ^lo)},
		} {
			add("4/"+f.form+" of "+e.name, hp(f.host))
		}
	}

	// Row 5: private, CGNAT, ULA, link-local.
	for _, h := range []string{
		"10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255", "192.168.1.1",
		"100.64.0.1", "100.127.255.254", "169.254.0.1",
		"fc00::1", "fd00::1", "fd00::2", "fe80::1",
	} {
		add("5/"+h, hp(h))
	}
	invalid("5/link-local with zone", "https://[fe80::1%25eth0]:"+p4+"/")
	invalid("5/link-local with zone lo", "https://[fe80::1%25lo]:"+p4+"/")

	// Row 6: cloud metadata, by address and by name.
	for _, h := range []string{
		"169.254.169.254", "fd00:ec2::254", "169.254.170.2", "169.254.170.23", "fd00:ec2::23",
		"100.100.100.200", "168.63.129.16", "192.0.0.192",
	} {
		add("6/"+h, hp(h))
	}
	imds := a("169.254.169.254")
	addDNS("6/metadata.google.internal", hp("metadata.google.internal"), dns("metadata.google.internal", imds))
	addDNS("6/metadata.google.internal.", hp("metadata.google.internal."), dns("metadata.google.internal", imds))
	addDNS("6/metadata.amazonaws.com", hp("metadata.amazonaws.com"),
		dns("metadata.amazonaws.com", imds, a("fd00:ec2::254")))
	addDNS("6/instance-data", hp("instance-data"), dns("instance-data", imds))
	addDNS("6/metadata", hp("metadata"), dns("metadata", imds))
	addDNS("6/Azure WireServer by name", hp("wireserver.test"), dns("wireserver.test", a("168.63.129.16")))
	addDNS("6/Alibaba by name", hp("metadata.alibaba.test"), dns("metadata.alibaba.test", a("100.100.100.200")))

	// Row 7: special-purpose addresses Go's IsGlobalUnicast calls global.
	for _, h := range []string{
		"198.18.0.1", "198.19.255.254", "240.0.0.1", "255.255.255.255", "224.0.0.1", "239.255.255.250",
		"192.0.0.1", "192.0.0.8", "192.0.2.1", "198.51.100.1", "203.0.113.1", "192.88.99.1",
		"192.31.196.1", "192.52.193.1", "192.175.48.1",
		"2001:db8::1", "100::1", "100:0:0:1::1", "ff02::1", "ff05::1:3", "2001:2::1", "2001:10::1",
		"2001:20::1", "3fff::1", "5f00::1", "2620:4f:8000::1", "fec0::1", "4000::1",
	} {
		add("7/"+h, hp(h))
	}

	// Row 8: names that resolve to loopback or other denied addresses.
	loop := []netip.Addr{v4, v6}
	for _, h := range []string{"localhost", "LOCALHOST", "localhost.", "foo.localhost", "localhost.localdomain"} {
		addDNS("8/"+h, hp(h), dns(strings.ToLower(strings.TrimSuffix(h, ".")), loop...))
	}
	addDNS("8/ip6-localhost", hp6("ip6-localhost"), dns("ip6-localhost", v6))
	addDNS("8/A canary and AAAA ::1", hp("both.test"), dns("both.test", v4, v6))
	addDNS("8/CNAME chain ending at loopback", hp("cname.test"), dns("cname.test", v4))
	addDNS("8/wildcard DNS naming the address", hp(v4.String()+".nip.test"), dns(v4.String()+".nip.test", v4))
	addDNS("8/resolver answers IPv4-mapped", hp("mapped.test"), dns("mapped.test", netip.AddrFrom16(v4.As16())))
	addDNS("8/resolver answers NAT64", hp("nat64.test"), dns("nat64.test", a("64:ff9b::a9fe:a9fe")))
	addDNS("8/resolver answers a zone", hp("zoned.test"), dns("zoned.test", a("fe80::1%eth0")))
	addDNS("8/private name", hp("intranet.test"), dns("intranet.test", a("10.0.0.1"), a("192.168.0.1")))
	addDNS("8/ULA name", hp("ula.test"), dns("ula.test", a("fd00::2")))
	addDNS("8/unspecified name", hp("zero.test"), dns("zero.test", a("0.0.0.0"), a("::")))
	addDNS("8/many denied answers", hp("many.test"),
		dns("many.test", v4, v6, imds, a("10.0.0.1"), a("fd00::1"), a("fe80::1"), a("100.64.0.1"), a("224.0.0.1")))

	// Row 9: URL parser confusion, refused by the static rules.
	hostPort := net.JoinHostPort(v4.String(), p4)
	for _, c := range []struct{ name, url string }{
		{"user and password", "https://user:pass@" + hostPort + "/"},
		{"user only", "https://evil.test@" + hostPort + "/"},
		{"backslash before @", `https://evil.test\@` + hostPort + "/"},
		{"percent-encoded tab in host", "https://" + v4.String() + "%2509:" + p4 + "/"},
		{"percent-encoded dot in host", "https://" + strings.ReplaceAll(v4.String(), ".", "%2E") + ":" + p4 + "/"},
		{"http", "http://" + hostPort + "/"},
		{"HTTP upper case", "HTTP://" + hostPort + "/"},
		{"file", "file:///etc/passwd"},
		{"file with host", "file://" + hostPort + "/etc/passwd"},
		{"gopher", "gopher://" + hostPort + "/_GET%20/"},
		{"ftp", "ftp://" + hostPort + "/"},
		{"data", "data:text/plain,hello"},
		{"javascript", "javascript:alert(1)"},
		{"xhttps (passes the model regex)", "xhttps://" + hostPort + "/"},
		{"https in fragment", "file:///x#https://" + hostPort + "/"},
		{"opaque", "https:" + hostPort},
		{"scheme-relative", "//" + hostPort + "/"},
		{"no host", "https:///latest/meta-data/"},
		{"empty host with port", "https://:" + p4 + "/"},
		{"port 0", "https://" + v4.String() + ":0/"},
		{"port 65536", "https://" + v4.String() + ":65536/"},
		{"port 99999", "https://" + v4.String() + ":99999/"},
		{"empty port", "https://" + v4.String() + ":/"},
		{"two ports", "https://" + hostPort + ":" + p4 + "/"},
		{"IPv4 in brackets", "https://[" + v4.String() + "]:" + p4 + "/"},
		{"unclosed bracket", "https://[::1:" + p6 + "/"},
		{"host longer than 253", "https://" + strings.Repeat("a.", 127) + "test:" + p4 + "/"},
		{"label longer than 63", "https://" + strings.Repeat("a", 64) + ".test:" + p4 + "/"},
		{"URL longer than 8192", "https://" + hostPort + "/" + strings.Repeat("a", 8192)},
		{"tab", "https://" + hostPort + "/\t"},
		{"newline", "https://" + hostPort + "/\n"},
		{"carriage return in host", "https://" + v4.String() + "\r:" + p4 + "/"},
		{"NUL", "https://" + v4.String() + "\x00.evil.test:" + p4 + "/"},
		{"DEL", "https://" + hostPort + "/\x7f"},
		{"space in host", "https://" + v4.String() + " .evil.test:" + p4 + "/"},
		{"space in path", "https://" + hostPort + "/a b"},
		{"no-break space", "https://" + hostPort + "/\u00a0"},
		{"ideographic full stop", "https://" + strings.ReplaceAll(v4.String(), ".", "\u3002") + ":" + p4 + "/"},
	} {
		invalid("9/"+c.name, c.url)
	}
	// Parser confusion the static rules accept: the host is the canary.
	add("9/@ in fragment", "https://"+hostPort+"#@evil.test/")
	add("9/@ in query", "https://"+hostPort+"/?@evil.test/")
	return ps
}

// fullWidth writes the digits of s as full-width digits (U+FF10...), and its
// dots as full-width full stops (U+FF0E) when dots is true. Go's HTTP client
// maps both back to ASCII through IDNA before dialing.
func fullWidth(s string, dots bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case '0' <= r && r <= '9':
			b.WriteRune('\uff10' + (r - '0'))
		case r == '.' && dots:
			b.WriteRune('\uff0e')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Resolver returns a fake DNS for an egress.Config.Resolver: it answers the
// names in dns, case-insensitively and with or without a final dot, keeping
// the IPv4 answers for network "ip4" and the IPv6 ones for "ip6". Any other
// name fails with a *net.DNSError whose IsNotFound is set, as a real resolver
// reports NXDOMAIN.
func Resolver(dns map[string][]netip.Addr) func(ctx context.Context, network, host string) ([]netip.Addr, error) {
	norm := make(map[string][]netip.Addr, len(dns))
	for name, addrs := range dns {
		norm[normalize(name)] = addrs
	}
	return func(ctx context.Context, network, host string) ([]netip.Addr, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var out []netip.Addr
		for _, ip := range norm[normalize(host)] {
			if network == "ip4" && !ip.Unmap().Is4() || network == "ip6" && ip.Unmap().Is4() {
				continue
			}
			out = append(out, ip)
		}
		if len(out) == 0 {
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		}
		return out, nil
	}
}

func normalize(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) }

// Rebinder returns a fake DNS that answers every name with answers[0], then
// answers[1], and so on, starting over after the last: TTL 0 rebinding. It is
// safe for concurrent use.
func Rebinder(answers ...[]netip.Addr) func(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if len(answers) == 0 {
		panic("ssrftest: Rebinder needs at least one answer")
	}
	var calls atomic.Uint64
	return func(ctx context.Context, network, host string) ([]netip.Addr, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		i := (calls.Add(1) - 1) % uint64(len(answers))
		return append([]netip.Addr(nil), answers[i]...), nil
	}
}

// RedirectCase is one redirect attempt of row 10: the allowed origin answers
// Status with a Location header.
type RedirectCase struct {
	Name     string
	Status   int
	Location string
}

// RedirectCases returns the row-10 cases: 301, 302, 303, 307 and 308, each
// pointing at the canary, at the metadata service over http, at other over
// http (an https-to-http downgrade) and at other itself. other is the https
// URL of a second allowed test host, which must see no request.
func RedirectCases(canary netip.AddrPort, other string) []RedirectCase {
	downgrade := "http://" + strings.TrimPrefix(other, "https://")
	targets := []struct{ name, url string }{
		{"canary", "https://" + canary.String() + "/"},
		{"metadata", "http://169.254.169.254/latest/meta-data/iam/security-credentials/"},
		{"downgrade to http", downgrade},
		{"other allowed host", other},
	}
	var cs []RedirectCase
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, t := range targets {
			cs = append(cs, RedirectCase{Name: strconv.Itoa(status) + " to " + t.name, Status: status, Location: t.url})
		}
	}
	return cs
}
