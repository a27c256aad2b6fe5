package egress

import (
	"fmt"
	"net/netip"
)

// rule is one denied range and the reason a log line gives for it.
type rule struct {
	prefix netip.Prefix
	reason string
}

func rules(rs ...string) []rule {
	out := make([]rule, 0, len(rs)/2)
	for i := 0; i < len(rs); i += 2 {
		out = append(out, rule{netip.MustParsePrefix(rs[i]), rs[i+1]})
	}
	return out
}

// metadataRules are the cloud metadata endpoints, checked first and by exact
// address: some are inside a denied range anyway, but 168.63.129.16 is public.
var metadataRules = rules(
	"169.254.169.254/32", "cloud metadata (AWS, GCP, Azure, OCI IMDS)",
	"fd00:ec2::254/128", "cloud metadata (AWS IMDS over IPv6)",
	"169.254.170.2/32", "cloud metadata (AWS ECS task metadata)",
	"169.254.170.23/32", "cloud metadata (AWS EKS Pod Identity)",
	"fd00:ec2::23/128", "cloud metadata (AWS EKS Pod Identity over IPv6)",
	"100.100.100.200/32", "cloud metadata (Alibaba Cloud)",
	"168.63.129.16/32", "cloud metadata (Azure WireServer)",
	"192.0.0.192/32", "cloud metadata (Oracle Cloud)",
)

// ipv4Rules deny every prefix of the IANA IPv4 Special-Purpose Address Registry
// (RFC 6890 and updates), multicast and broadcast. A prefix comes before any
// wider one that holds it, so the reason given is the most precise one.
var ipv4Rules = rules(
	"0.0.0.0/8", "this network (0.0.0.0/8, RFC 791)",
	"10.0.0.0/8", "private (10.0.0.0/8, RFC 1918)",
	"100.64.0.0/10", "shared address space, CGNAT (100.64.0.0/10, RFC 6598)",
	"127.0.0.0/8", "loopback (127.0.0.0/8)",
	"169.254.0.0/16", "link-local (169.254.0.0/16, RFC 3927)",
	"172.16.0.0/12", "private (172.16.0.0/12, RFC 1918)",
	"192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24, RFC 6890)",
	"192.0.2.0/24", "documentation TEST-NET-1 (192.0.2.0/24, RFC 5737)",
	"192.31.196.0/24", "AS112-v4 (192.31.196.0/24, RFC 7535)",
	"192.52.193.0/24", "AMT (192.52.193.0/24, RFC 7450)",
	"192.88.99.0/24", "6to4 relay anycast (192.88.99.0/24, RFC 7526)",
	"192.168.0.0/16", "private (192.168.0.0/16, RFC 1918)",
	"192.175.48.0/24", "AS112 direct delegation (192.175.48.0/24, RFC 7534)",
	"198.18.0.0/15", "benchmarking (198.18.0.0/15, RFC 2544)",
	"198.51.100.0/24", "documentation TEST-NET-2 (198.51.100.0/24, RFC 5737)",
	"203.0.113.0/24", "documentation TEST-NET-3 (203.0.113.0/24, RFC 5737)",
	"224.0.0.0/4", "multicast (224.0.0.0/4)",
	"255.255.255.255/32", "limited broadcast (255.255.255.255)",
	"240.0.0.0/4", "reserved (240.0.0.0/4, RFC 1112)",
)

// ipv6Rules deny every prefix of the IANA IPv6 Special-Purpose Address Registry,
// the IPv6 forms that embed an IPv4 address, ULA, link-local, site-local and
// multicast. Addresses outside 2000::/3 are denied after these (ipv6Global).
// IPv4-mapped addresses (::ffff:0:0/96) never get here: Allowed checks their
// IPv4 form, which is also what the dialer connects to.
var ipv6Rules = rules(
	"::/128", "unspecified (::)",
	"::1/128", "loopback (::1)",
	"::/96", "IPv4-compatible (::/96, RFC 4291)",
	"::ffff:0:0:0/96", "IPv4-translated (::ffff:0:0:0/96, RFC 2765)",
	"64:ff9b::/96", "NAT64 (64:ff9b::/96, RFC 6052)",
	"64:ff9b:1::/48", "local-use NAT64 (64:ff9b:1::/48, RFC 8215)",
	"100::/64", "discard-only (100::/64, RFC 6666)",
	"100:0:0:1::/64", "dummy IPv6 prefix (100:0:0:1::/64, RFC 9780)",
	"2001::/32", "Teredo (2001::/32, RFC 4380)",
	"2001::/23", "IETF protocol assignments (2001::/23, RFC 2928)",
	"2001:db8::/32", "documentation (2001:db8::/32, RFC 3849)",
	"2002::/16", "6to4 (2002::/16, RFC 3056)",
	"2620:4f:8000::/48", "AS112 direct delegation (2620:4f:8000::/48, RFC 7534)",
	"3fff::/20", "documentation (3fff::/20, RFC 9637)",
	"5f00::/16", "SRv6 SIDs (5f00::/16, RFC 9602)",
	"fc00::/7", "unique local (fc00::/7, RFC 4193)",
	"fe80::/10", "link-local (fe80::/10)",
	"fec0::/10", "site-local (fec0::/10, deprecated)",
	"ff00::/8", "multicast (ff00::/8)",
)

// ipv6Global is the IPv6 global unicast range; every other IPv6 address is denied.
var ipv6Global = netip.MustParsePrefix("2000::/3")

// Allowed reports whether the Guard may connect to ip: nil, or an error wrapping
// ErrDenied that names the address and the rule it breaks (for logs, never for
// API users). Invalid and zoned addresses are always denied. Otherwise an
// address inside a Config.Allow prefix is allowed, and cloud metadata
// addresses, every range the package documentation lists and IPv6 outside
// 2000::/3 are denied. An IPv4-mapped IPv6 address is judged as its IPv4
// address, which is what the dialer connects to. Allowed does no I/O.
func (g *Guard) Allowed(ip netip.Addr) error {
	if !ip.IsValid() {
		return fmt.Errorf("%w: invalid address", ErrDenied)
	}
	if ip.Zone() != "" {
		return fmt.Errorf("%w: %s is a scoped (zoned) address", ErrDenied, ip)
	}
	orig := ip
	ip = ip.Unmap()
	for _, p := range g.allow {
		if p.Contains(ip) {
			return nil
		}
	}
	if reason := deniedReason(ip); reason != "" {
		return fmt.Errorf("%w: %s is %s", ErrDenied, orig, reason)
	}
	return nil
}

// deniedReason returns why the unmapped address ip is denied by default, or ""
// when it is a public address.
func deniedReason(ip netip.Addr) string {
	for _, r := range metadataRules {
		if r.prefix.Contains(ip) {
			return r.reason
		}
	}
	rs := ipv6Rules
	if ip.Is4() {
		rs = ipv4Rules
	}
	for _, r := range rs {
		if r.prefix.Contains(ip) {
			return r.reason
		}
	}
	if ip.Is6() && !ipv6Global.Contains(ip) {
		return "not IPv6 global unicast (outside 2000::/3)"
	}
	return ""
}

// normalizePrefix masks p and turns an IPv4-mapped IPv6 prefix into its IPv4
// form, so that it contains the unmapped addresses Allowed checks.
func normalizePrefix(p netip.Prefix) netip.Prefix {
	p = p.Masked()
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p
}
