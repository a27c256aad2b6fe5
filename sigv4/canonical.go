package sigv4

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
)

// requestTarget returns the raw path and raw query of r as they arrived on the
// wire: r.RequestURI split at '?', with the scheme and authority of an
// absolute-form target removed. Requests built in process, without RequestURI,
// fall back to r.URL.
func requestTarget(r *http.Request) (path, query string) {
	if r.RequestURI == "" {
		return r.URL.EscapedPath(), r.URL.RawQuery
	}
	path, query, _ = strings.Cut(r.RequestURI, "?")
	if _, rest, ok := strings.Cut(path, "://"); ok && !strings.HasPrefix(path, "/") {
		path = "/"
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			path = rest[i:]
		}
	}
	return path, query
}

// unreserved reports whether c is an RFC 3986 unreserved character, which SigV4
// never percent-encodes.
func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

const upperHex = "0123456789ABCDEF"

// appendEscaped appends s to b with every byte that is not unreserved, and not
// '/' when keepSlash is set, percent-encoded with uppercase hex digits.
func appendEscaped(b []byte, s string, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || keepSlash && c == '/' {
			b = append(b, c)
		} else {
			b = append(b, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return b
}

func escape(s string, keepSlash bool) string {
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) && !(keepSlash && s[i] == '/') {
			return string(appendEscaped(make([]byte, 0, len(s)+16), s, keepSlash))
		}
	}
	return s
}

var errEscape = errors.New("sigv4: malformed percent-encoding")

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// unescape decodes %XX sequences of s. Unlike url.QueryUnescape it leaves '+'
// as it is, as SigV4 requires.
func unescape(s string) (string, error) {
	n := strings.IndexByte(s, '%')
	if n < 0 {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:n]...)
	for i := n; i < len(s); i++ {
		if s[i] != '%' {
			b = append(b, s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", errEscape
		}
		hi, ok1 := unhex(s[i+1])
		lo, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return "", errEscape
		}
		b = append(b, hi<<4|lo)
		i += 2
	}
	return string(b), nil
}

// canonicalURI returns the SigV4 canonical URI of a raw request path for a
// service other than S3: the path encoded once more, '/' kept. An empty path
// is "/". It reports false for a path that does not start with '/', has an
// empty, "." or ".." segment (after percent-decoding) other than the root, or
// holds a malformed percent-encoding.
func canonicalURI(raw string) (string, bool) {
	if raw == "" {
		raw = "/"
	}
	if raw[0] != '/' {
		return "", false
	}
	if raw != "/" {
		for seg := range strings.SplitSeq(raw[1:], "/") {
			dec, err := unescape(seg)
			if err != nil || dec == "" || dec == "." || dec == ".." {
				return "", false
			}
		}
	}
	return escape(raw, true), true
}

// param is one query parameter, percent-decoded.
type param struct{ key, value string }

// parseQuery splits a raw query on '&' and at the first '=' of each piece, and
// percent-decodes keys and values without turning '+' into a space. Empty
// pieces are skipped; a piece without '=' has an empty value. It returns every
// piece it could decode, and errEscape when some piece had a malformed
// percent-encoding.
func parseQuery(raw string) ([]param, error) {
	if raw == "" {
		return nil, nil
	}
	params := make([]param, 0, strings.Count(raw, "&")+1)
	var err error
	for piece := range strings.SplitSeq(raw, "&") {
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		dk, err1 := unescape(k)
		dv, err2 := unescape(v)
		if err1 != nil || err2 != nil {
			err = errEscape
			continue
		}
		params = append(params, param{dk, dv})
	}
	return params, err
}

// canonicalQuery returns the SigV4 canonical query string of params: each key
// and value encoded with the RFC 3986 unreserved set, "k=v" pairs sorted by
// encoded key then encoded value and joined with '&'. With presigned set the
// X-Amz-Signature parameter is left out.
func canonicalQuery(params []param, presigned bool) string {
	enc := make([]param, 0, len(params))
	n := 0
	for _, p := range params {
		if presigned && p.key == "X-Amz-Signature" {
			continue
		}
		e := param{escape(p.key, false), escape(p.value, false)}
		n += len(e.key) + len(e.value) + 2
		enc = append(enc, e)
	}
	slices.SortFunc(enc, func(a, b param) int {
		return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.value, b.value))
	})
	var b strings.Builder
	b.Grow(n)
	for i, p := range enc {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.key)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
}

// headerValues returns the values of the signed header name (lowercase) in the
// order received. Go's server moves some headers out of r.Header: host is read
// from r.Host, a content-length it removed from r.ContentLength, a
// transfer-encoding from r.TransferEncoding.
func headerValues(r *http.Request, name string) ([]string, bool) {
	switch name {
	case "host":
		h := r.Host
		if h == "" && r.URL != nil {
			h = r.URL.Host
		}
		return []string{h}, h != ""
	}
	if vs := r.Header[textproto.CanonicalMIMEHeaderKey(name)]; len(vs) > 0 {
		return vs, true
	}
	switch name {
	case "content-length":
		if r.ContentLength >= 0 {
			return []string{strconv.FormatInt(r.ContentLength, 10)}, true
		}
	case "transfer-encoding":
		if len(r.TransferEncoding) > 0 {
			return []string{strings.Join(r.TransferEncoding, ",")}, true
		}
	}
	return nil, false
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// trimAll is the SigV4 "Trimall" of a header value as most AWS SDKs and the AWS
// test suite apply it: leading and trailing whitespace removed, each inner run
// of whitespace (space, tab, CR, LF, VT, FF) replaced by one space.
func trimAll(v string) string {
	clean := len(v) == 0 || !isSpace(v[0]) && !isSpace(v[len(v)-1])
	for i := 0; clean && i < len(v); i++ {
		clean = v[i] == ' ' && !isSpace(v[i+1]) || !isSpace(v[i])
	}
	if clean {
		return v
	}
	b := make([]byte, 0, len(v))
	space := false
	for i := 0; i < len(v); i++ {
		if isSpace(v[i]) {
			space = len(b) > 0
			continue
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		b = append(b, v[i])
	}
	return string(b)
}

// trimSpaces is the header-value rule of the AWS SDK for Go v2: runs of spaces
// collapsed to one space, then leading and trailing white space (strings.TrimSpace)
// removed; tabs inside the value are kept.
func trimSpaces(v string) string {
	v = strings.Trim(v, " ")
	if strings.Contains(v, "  ") {
		b := make([]byte, 0, len(v))
		for i := 0; i < len(v); i++ {
			if v[i] == ' ' && i > 0 && v[i-1] == ' ' {
				continue
			}
			b = append(b, v[i])
		}
		v = string(b)
	}
	return strings.TrimSpace(v)
}

// canonical holds the parts of a canonical request that do not depend on how
// header values are trimmed.
type canonical struct {
	method, uri, query string
	names              []string   // signed header names, sorted
	values             [][]string // their values, as received
	signedHeaders      string
	payloadHash        string
}

// request returns the canonical request:
// method \n uri \n query \n headers \n\n signed headers \n payload hash,
// each header "name:value" with repeated values joined by ','.
func (c *canonical) request(trim func(string) string) []byte {
	n := len(c.method) + len(c.uri) + len(c.query) + len(c.signedHeaders) + len(c.payloadHash) + 8
	for i, name := range c.names {
		n += len(name) + 2
		for _, v := range c.values[i] {
			n += len(v) + 1
		}
	}
	b := make([]byte, 0, n)
	b = append(append(b, c.method...), '\n')
	b = append(append(b, c.uri...), '\n')
	b = append(append(b, c.query...), '\n')
	for i, name := range c.names {
		b = append(append(b, name...), ':')
		for j, v := range c.values[i] {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, trim(v)...)
		}
		b = append(b, '\n')
	}
	b = append(b, '\n')
	b = append(append(b, c.signedHeaders...), '\n')
	return append(b, c.payloadHash...)
}

// signature returns the hex SigV4 signature of the canonical request under key.
func (c *canonical) signature(key [sha256.Size]byte, date, scope string, trim func(string) string) []byte {
	sum := sha256.Sum256(c.request(trim))
	var hexSum [2 * sha256.Size]byte
	hex.Encode(hexSum[:], sum[:])
	m := hmac.New(sha256.New, key[:])
	m.Write([]byte(algorithm + "\n"))
	m.Write([]byte(date))
	m.Write([]byte{'\n'})
	m.Write([]byte(scope))
	m.Write([]byte{'\n'})
	m.Write(hexSum[:])
	var mac [sha256.Size]byte
	out := make([]byte, 2*sha256.Size)
	hex.Encode(out, m.Sum(mac[:0]))
	return out
}

// matches reports, in constant time, whether signature is the one computed over
// the canonical request with header values trimmed by trim.
func (c *canonical) matches(key [sha256.Size]byte, date, scope, signature string, trim func(string) string) bool {
	return hmac.Equal(c.signature(key, date, scope, trim), []byte(signature))
}

// needsSpacesOnly reports whether some signed header value trims differently
// under trimSpaces than under trimAll, so that a signature made by the AWS SDK
// for Go v2 must be checked separately.
func (c *canonical) needsSpacesOnly() bool {
	for _, vs := range c.values {
		for _, v := range vs {
			if trimAll(v) != trimSpaces(v) {
				return true
			}
		}
	}
	return false
}
