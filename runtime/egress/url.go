package egress

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxURLLength is the longest URL CheckURL accepts, in bytes: the model's
// maximum length of an Endpoint.
const MaxURLLength = 8192

// maxHostLength is the longest DNS name, in bytes (RFC 1035, without the final dot).
const maxHostLength = 253

// urlError is a CheckURL refusal. Its message is a rule written for API users,
// phrased to follow a field name; it never names an address the host resolves to.
type urlError struct{ rule string }

func (e *urlError) Error() string        { return e.rule }
func (e *urlError) Is(target error) bool { return target == ErrInvalidURL }

func invalidURL(rule string) error { return &urlError{rule} }

// CheckURL applies the static rules a user-supplied URL must pass before it is
// stored or dialed, and returns it parsed. The rules: at most MaxURLLength
// bytes of valid UTF-8 with no control or space characters; scheme https
// (in any case); no user information; a host that is a DNS name of at most 253
// bytes (letters, digits, '-', '_', non-ASCII letters, dot-separated labels of
// 1 to 63 bytes), an IPv4 address or a bracketed IPv6 address without a zone;
// a port, if present, from 1 to 65535. An error matches ErrInvalidURL and its
// message names the rule broken, as a predicate for a field name
// ("must use the https scheme."), safe to show to API users.
//
// CheckURL does not resolve the host or judge its addresses: that happens at
// dial time, against the Guard's allow list.
func CheckURL(raw string) (*url.URL, error) {
	if len(raw) > MaxURLLength {
		return nil, invalidURL("must be at most " + strconv.Itoa(MaxURLLength) + " characters long.")
	}
	if !utf8.ValidString(raw) {
		return nil, invalidURL("must be valid UTF-8.")
	}
	for _, r := range raw {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return nil, invalidURL("must not contain spaces or control characters.")
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, invalidURL("must be a valid URL.")
	}
	if u.Scheme != "https" { // url.Parse lowercases the scheme
		return nil, invalidURL("must use the https scheme.")
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, invalidURL("must name a host: https://host/...")
	}
	if u.User != nil {
		return nil, invalidURL("must not contain user information (user:password@).")
	}
	if err := checkHost(u.Host); err != nil {
		return nil, err
	}
	return u, nil
}

// checkHost checks the host[:port] part of a URL.
func checkHost(hostport string) error {
	host, port := hostport, ""
	if strings.HasPrefix(host, "[") {
		end := strings.LastIndexByte(host, ']')
		if end < 0 {
			return invalidURL("must have a valid host.")
		}
		host, port = hostport[1:end], hostport[end+1:]
		if strings.Contains(host, "%") {
			return invalidURL("must not have an IPv6 zone in the host.")
		}
		if ip, err := netip.ParseAddr(host); err != nil || !ip.Is6() {
			return invalidURL("must have a valid IPv6 address between brackets.")
		}
	} else {
		if i := strings.LastIndexByte(host, ':'); i >= 0 {
			host, port = hostport[:i], hostport[i:]
		}
		if err := checkHostName(host); err != nil {
			return err
		}
	}
	if port == "" {
		return nil
	}
	n, err := strconv.ParseUint(strings.TrimPrefix(port, ":"), 10, 16)
	if !strings.HasPrefix(port, ":") || err != nil || n == 0 {
		return invalidURL("must have a port from 1 to 65535, if any.")
	}
	return nil
}

// checkHostName checks a host that is not a bracketed IPv6 address: a DNS name
// or an IPv4 address.
func checkHostName(host string) error {
	if host == "" {
		return invalidURL("must name a host: https://host/...")
	}
	if len(strings.TrimSuffix(host, ".")) > maxHostLength {
		return invalidURL("must have a host name of at most 253 characters.")
	}
	for _, label := range strings.Split(strings.TrimSuffix(host, "."), ".") {
		if label == "" || len(label) > 63 {
			return invalidURL("must have a host name made of dot-separated labels of 1 to 63 characters.")
		}
		for _, r := range label {
			if r >= utf8.RuneSelf {
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
					return invalidURL("must have a host name of letters, digits, hyphens and dots only.")
				}
				continue
			}
			if !isASCIIHostByte(byte(r)) {
				return invalidURL("must have a host name of letters, digits, hyphens and dots only.")
			}
		}
	}
	return nil
}

func isASCIIHostByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}
