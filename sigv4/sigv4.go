// Package sigv4 verifies AWS Signature Version 4 requests on the server side, for
// one region and one service spoken in restJson1 (Amazon QuickSight by default).
//
// It implements the algorithm of the IAM User Guide, "Create a signed AWS API
// request" (canonical request, string to sign, signing key, signature), in its two
// forms: the Authorization header, and the presigned query string (X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders,
// X-Amz-Signature). A request that uses both forms is refused.
//
// Failures are *Error values carrying the code, HTTP status (403, the restJson1
// status of the sigv4 trait's errors) and message that AWS front ends send; the
// HTTP adapter renders them as they are. The checks run in the order AWS applies
// them (recorded by dynalite): required parts, date format, time window, 'host'
// among the signed headers, algorithm, credential scope, access key, signature.
//
// Canonicalization follows the rules the AWS SDKs apply to services other than S3:
//
//   - URI: the path exactly as it arrived on the wire (r.RequestURI before '?'),
//     every byte other than an RFC 3986 unreserved character or '/' percent-encoded
//     once more. An ARN sent as /resources/arn%3Aaws%3A...%2Fmy-id/tags is signed as
//     /resources/arn%253Aaws%253A...%252Fmy-id/tags. Paths with an empty, "." or ".."
//     segment are refused with InvalidSignatureException rather than normalized: no
//     QuickSight route contains one, and refusing removes any doubt over which of
//     the normalized and the raw path the client signed.
//   - Query: the raw query split on '&' and at the first '=', percent-decoded
//     without turning '+' into a space, re-encoded with the RFC 3986 unreserved set,
//     sorted by key then value; X-Amz-Signature is left out in the presigned form.
//   - Headers: lowercase names; values trimmed, runs of whitespace collapsed to one
//     space, repeated headers joined with ',' in the order received. The AWS SDK for
//     Go v2 collapses runs of spaces only, so when a signed value holds a tab the
//     signature is also checked against that form.
//   - Payload: the SHA-256 of the body actually received. An x-amz-content-sha256
//     header, when present, must equal it; UNSIGNED-PAYLOAD is refused.
//
// actiongate issues no session tokens, so a request that carries
// X-Amz-Security-Token, as a header or a query parameter, is refused with
// UnrecognizedClientException.
package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults of the Verifier fields.
const (
	// DefaultService is the signing name of Amazon QuickSight.
	DefaultService = "quicksight"
	// DefaultMaxSkew is the clock skew allowed in either direction, as DynamoDB,
	// STS, S3 and MinIO allow.
	DefaultMaxSkew = 15 * time.Minute
	// MaxExpires is the largest X-Amz-Expires a presigned request may carry:
	// seven days, in seconds.
	MaxExpires = 604800
)

// Codes of the errors Verify returns, as AWS sends them in x-amzn-ErrorType.
const (
	// CodeMissingAuthenticationToken: the request is not signed with SigV4 at all.
	CodeMissingAuthenticationToken = "MissingAuthenticationTokenException"
	// CodeIncompleteSignature: a part of the signature is missing or malformed.
	CodeIncompleteSignature = "IncompleteSignatureException"
	// CodeInvalidSignature: the signature is complete but wrong, out of its time
	// window, scoped elsewhere, or over a request that cannot be canonicalized.
	CodeInvalidSignature = "InvalidSignatureException"
	// CodeUnrecognizedClient: the access key is unknown, or a session token was sent.
	CodeUnrecognizedClient = "UnrecognizedClientException"
)

const (
	algorithm  = "AWS4-HMAC-SHA256"
	terminator = "aws4_request"
	isoBasic   = "20060102T150405Z"

	msgMissing      = "Missing Authentication Token"
	msgBoth         = "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
	msgHostUnsigned = "'Host' must be a 'SignedHeader' in the AWS Authorization."
	msgUnrecognized = "The security token included in the request is invalid."
	msgMismatch     = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgPath  = "The request path is not canonical: it must start with '/' and have no empty, '.' or '..' segment and no malformed percent-encoding."
	msgQuery = "The query string is not canonical: it has a malformed percent-encoding."
)

// ErrUnknownAccessKey is what Verifier.Lookup returns, possibly wrapped, when no
// secret exists for the access key id. Verify turns it into an
// UnrecognizedClientException *Error.
var ErrUnknownAccessKey = errors.New("sigv4: unknown access key")

// Error is a verification failure as AWS reports it: Code goes in x-amzn-ErrorType,
// Status is the HTTP status (always 403, http.StatusForbidden), Message is the text
// of the JSON body. Messages follow AWS's wording; they may echo parts of the
// request (an incomplete Authorization header, a region, a date) but never a
// secret key, a session token or a signature the server computed.
type Error struct {
	Code    string
	Status  int
	Message string
}

// Error returns "Code: Message".
func (e *Error) Error() string { return e.Code + ": " + e.Message }

func newError(code, msg string) *Error {
	return &Error{Code: code, Status: http.StatusForbidden, Message: msg}
}

func incomplete(format string, args ...any) *Error {
	return newError(CodeIncompleteSignature, fmt.Sprintf(format, args...))
}

func invalid(format string, args ...any) *Error {
	return newError(CodeInvalidSignature, fmt.Sprintf(format, args...))
}

// Verifier checks SigV4 signatures of requests for one region and service. Its
// methods may be called concurrently. A Verifier must not be copied after first
// use: it holds a bounded cache of the signing keys of requests that verified,
// keyed by access key id, scope date, region, service and a hash of the secret, so
// a changed secret never reuses a key.
type Verifier struct {
	// Region is the region every credential scope must name, case-exact, such as
	// "us-east-1". Required: Verify fails with an internal error without it.
	Region string
	// Service is the signing name every credential scope must name, case-exact.
	// Empty means DefaultService, "quicksight".
	Service string
	// MaxSkew is how far the request date may lie from Now in either direction,
	// boundary included. Zero or negative means DefaultMaxSkew, 15 minutes. For a
	// presigned request it bounds only how far the date may lie in the future;
	// X-Amz-Expires bounds its age.
	MaxSkew time.Duration
	// Now returns the current time. Nil means time.Now.
	Now func() time.Time
	// Lookup returns the secret access key of accessKeyID, or an error that
	// matches ErrUnknownAccessKey. Any other error is returned from Verify
	// wrapped, and is an internal failure. ctx is the request's context. Verify
	// neither keeps nor modifies the returned slice. Required.
	Lookup func(ctx context.Context, accessKeyID string) ([]byte, error)

	mu   sync.Mutex
	keys map[keyID]signingKey
}

// maxCachedKeys bounds the signing-key cache. When it is full an arbitrary entry
// makes room; each entry is about 100 bytes plus the access key id.
const maxCachedKeys = 1024

type keyID struct{ accessKeyID, date, region, service string }

type signingKey struct {
	secretSum [sha256.Size]byte
	key       [sha256.Size]byte
}

// Verify checks r, whose body has already been read into body (the caller bounds
// its size), and returns the access key id that signed it.
//
// r must be the request as net/http's server produced it: Verify reads the raw
// request target from r.RequestURI (falling back to r.URL.EscapedPath and
// r.URL.RawQuery when it is empty), the host from r.Host, and a signed
// content-length or transfer-encoding that the server moved out of r.Header from
// r.ContentLength and r.TransferEncoding. It does not read r.Body.
//
// A verification failure is an *Error with one of the Code* codes and status 403.
// A failing Lookup, other than ErrUnknownAccessKey, and a Verifier without Region
// or Lookup, give an error that is not an *Error: an internal failure.
func (v *Verifier) Verify(r *http.Request, body []byte) (accessKeyID string, err error) {
	if v.Region == "" {
		return "", errors.New("sigv4: Verifier.Region is empty")
	}
	if v.Lookup == nil {
		return "", errors.New("sigv4: Verifier.Lookup is nil")
	}
	service := v.Service
	if service == "" {
		service = DefaultService
	}
	skew := v.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}

	rawPath, rawQuery := requestTarget(r)
	params, queryErr := parseQuery(rawQuery)

	a, e := authorizationOf(r, params)
	if e != nil {
		return "", e
	}
	t, e := parseDate(a.date)
	if e != nil {
		return "", e
	}
	if e := checkTime(a, t, now().UTC(), skew); e != nil {
		return "", e
	}
	names, e := parseSignedHeaders(a.signedHeaders)
	if e != nil {
		return "", e
	}
	if a.algorithm != algorithm {
		return "", incomplete("Unsupported AWS 'algorithm': '%s' (only %s for now).", a.algorithm, algorithm)
	}
	accessKeyID, e = checkCredential(a, v.Region, service)
	if e != nil {
		return "", e
	}
	if hasSecurityToken(r, params) || accessKeyID == "" {
		return "", newError(CodeUnrecognizedClient, msgUnrecognized)
	}

	uri, ok := canonicalURI(rawPath)
	if !ok {
		return "", newError(CodeInvalidSignature, msgPath)
	}
	if queryErr != nil {
		return "", newError(CodeInvalidSignature, msgQuery)
	}
	values := make([][]string, len(names))
	for i, name := range names {
		vs, ok := headerValues(r, name)
		if !ok {
			return "", invalid("The header '%s' is in SignedHeaders but not in the request.", name)
		}
		values[i] = vs
	}
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	if e := checkContentSHA256(r, payloadHash); e != nil {
		return "", e
	}

	secret, err := v.Lookup(r.Context(), accessKeyID)
	if errors.Is(err, ErrUnknownAccessKey) {
		return "", newError(CodeUnrecognizedClient, msgUnrecognized)
	}
	if err != nil {
		return "", fmt.Errorf("sigv4: looking up access key %q: %w", accessKeyID, err)
	}

	scopeDate := a.date[:8]
	id := keyID{accessKeyID: accessKeyID, date: scopeDate, region: v.Region, service: service}
	secretSum := sha256.Sum256(secret)
	key, cached := v.cachedKey(id, secretSum)
	if !cached {
		key = deriveKey(secret, scopeDate, v.Region, service)
	}
	scope := scopeDate + "/" + v.Region + "/" + service + "/" + terminator
	query := canonicalQuery(params, a.presigned)

	c := canonical{
		method:        r.Method,
		uri:           uri,
		query:         query,
		names:         names,
		values:        values,
		signedHeaders: a.signedHeaders,
		payloadHash:   payloadHash,
	}
	ok = c.matches(key, a.date, scope, a.signature, trimAll)
	if !ok && c.needsSpacesOnly() {
		ok = c.matches(key, a.date, scope, a.signature, trimSpaces)
	}
	if !ok {
		return "", newError(CodeInvalidSignature, msgMismatch)
	}
	if !cached {
		v.storeKey(id, signingKey{secretSum: secretSum, key: key})
	}
	return accessKeyID, nil
}

// authorization holds the signature parts of a request, from either form.
type authorization struct {
	presigned     bool
	algorithm     string
	credential    string
	signedHeaders string
	signature     string
	date          string // X-Amz-Date (or Date), ISO 8601 basic format once checked
	expires       string // X-Amz-Expires, presigned form only
}

// authorizationOf finds the form r is signed in and collects its parts,
// reporting missing ones as AWS does.
func authorizationOf(r *http.Request, params []param) (authorization, *Error) {
	headers := r.Header.Values("Authorization")
	hasHeader := len(headers) > 1 || len(headers) == 1 && strings.TrimSpace(headers[0]) != ""
	hasQuery := false
	for _, p := range params {
		if p.key == "X-Amz-Algorithm" {
			hasQuery = true
			break
		}
	}
	switch {
	case hasHeader && hasQuery:
		return authorization{}, newError(CodeInvalidSignature, msgBoth)
	case hasQuery:
		return presignedAuthorization(params)
	case !hasHeader:
		return authorization{}, newError(CodeMissingAuthenticationToken, msgMissing)
	}
	if len(headers) > 1 {
		return authorization{}, incomplete("The Authorization header must appear once, not %d times.", len(headers))
	}
	h := headers[0]
	if !strings.HasPrefix(strings.TrimSpace(h), "AWS4-") {
		return authorization{}, newError(CodeMissingAuthenticationToken, msgMissing)
	}
	a, e := parseAuthorization(h)
	if e != nil {
		return authorization{}, e
	}
	a.date = r.Header.Get("X-Amz-Date")
	if a.date == "" {
		a.date = r.Header.Get("Date")
	}
	var msg strings.Builder
	for _, p := range [...]struct{ name, value string }{
		{"Credential", a.credential},
		{"Signature", a.signature},
		{"SignedHeaders", a.signedHeaders},
	} {
		if p.value == "" {
			fmt.Fprintf(&msg, "Authorization header requires '%s' parameter. ", p.name)
		}
	}
	if a.date == "" {
		msg.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
	}
	if msg.Len() > 0 {
		return authorization{}, incomplete("%sAuthorization=%s", msg.String(), h)
	}
	return a, nil
}

// parseAuthorization parses an Authorization header value of the form
// "AWS4-HMAC-SHA256 Credential=AKID/20260102/us-east-1/quicksight/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=<hex>". The algorithm is everything
// before the first space or tab; the rest is a comma-separated list of
// key=value pairs around which spaces and tabs are ignored. Unknown keys are
// ignored; a pair without '=', or a known key given a second non-empty value,
// is an IncompleteSignatureException. Missing parameters are left empty for
// the caller to report.
func parseAuthorization(h string) (authorization, *Error) {
	var a authorization
	s := strings.Trim(h, " \t")
	a.algorithm = s
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		a.algorithm, s = s[:i], s[i+1:]
	} else {
		s = ""
	}
	for pair := range strings.SplitSeq(s, ",") {
		pair = strings.Trim(pair, " \t")
		if pair == "" {
			continue
		}
		k, val, ok := strings.Cut(pair, "=")
		if !ok {
			return authorization{}, incomplete("'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", pair, h)
		}
		var dst *string
		switch k {
		case "Credential":
			dst = &a.credential
		case "SignedHeaders":
			dst = &a.signedHeaders
		case "Signature":
			dst = &a.signature
		default:
			continue
		}
		if *dst != "" {
			return authorization{}, incomplete("Authorization header has more than one '%s' parameter: '%s'.", k, h)
		}
		*dst = val
	}
	return a, nil
}

// presignedQueryParams are the query parameters a presigned request must carry,
// in the order AWS reports them missing.
var presignedQueryParams = [...]string{
	"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature",
	"X-Amz-SignedHeaders", "X-Amz-Date", "X-Amz-Expires",
}

func presignedAuthorization(params []param) (authorization, *Error) {
	var got [len(presignedQueryParams)]string
	var msg strings.Builder
	for i, name := range presignedQueryParams {
		n := 0
		for _, p := range params {
			if p.key == name {
				n++
				got[i] = p.value
			}
		}
		if n > 1 {
			return authorization{}, incomplete("AWS query-string parameter '%s' must appear once, not %d times. Re-examine the query-string parameters.", name, n)
		}
		if got[i] == "" {
			fmt.Fprintf(&msg, "AWS query-string parameters must include '%s'. ", name)
		}
	}
	if msg.Len() > 0 {
		msg.WriteString("Re-examine the query-string parameters.")
		return authorization{}, newError(CodeIncompleteSignature, msg.String())
	}
	return authorization{
		presigned:     true,
		algorithm:     got[0],
		credential:    got[1],
		signature:     got[2],
		signedHeaders: got[3],
		date:          got[4],
		expires:       got[5],
	}, nil
}

// parseDate parses an ISO 8601 basic-format UTC time, 20260102T030405Z.
func parseDate(s string) (time.Time, *Error) {
	bad := len(s) != len(isoBasic)
	for i := 0; !bad && i < len(s); i++ {
		switch i {
		case 8:
			bad = s[i] != 'T'
		case 15:
			bad = s[i] != 'Z'
		default:
			bad = s[i] < '0' || s[i] > '9'
		}
	}
	var t time.Time
	if !bad {
		var err error
		t, err = time.Parse(isoBasic, s)
		bad = err != nil
	}
	if bad {
		return time.Time{}, incomplete("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", s)
	}
	return t, nil
}

func formatTime(t time.Time) string { return t.UTC().Format(isoBasic) }

// formatSkew writes a skew as AWS does: "15 min.".
func formatSkew(d time.Duration) string {
	if d%time.Minute == 0 {
		return strconv.FormatInt(int64(d/time.Minute), 10) + " min."
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " sec."
}

// checkTime enforces the time window: |now - t| <= skew for the header form;
// for the presigned form 1 <= X-Amz-Expires <= MaxExpires, now <= t + expires and
// t <= now + skew. Boundaries are accepted.
func checkTime(a authorization, t, now time.Time, skew time.Duration) *Error {
	if late := now.Add(skew); t.After(late) {
		return invalid("Signature not yet current: %s is still later than %s (%s + %s)",
			formatTime(t), formatTime(late), formatTime(now), formatSkew(skew))
	}
	if !a.presigned {
		if early := now.Add(-skew); t.Before(early) {
			return invalid("Signature expired: %s is now earlier than %s (%s - %s)",
				formatTime(t), formatTime(early), formatTime(now), formatSkew(skew))
		}
		return nil
	}
	n, ok := parseExpires(a.expires)
	if !ok {
		return incomplete("X-Amz-Expires must be a whole number of seconds from 1 to %d, got '%s'.", MaxExpires, a.expires)
	}
	age := time.Duration(n) * time.Second
	if early := now.Add(-age); t.Before(early) {
		return invalid("Signature expired: %s is now earlier than %s (%s - %d sec.)",
			formatTime(t), formatTime(early), formatTime(now), n)
	}
	return nil
}

// parseExpires parses X-Amz-Expires: decimal digits only, 1 to MaxExpires.
func parseExpires(s string) (int64, bool) {
	if s == "" || len(s) > 7 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, n >= 1 && n <= MaxExpires
}

// parseSignedHeaders splits SignedHeaders on ';' and checks that it names host
// (in any case, as AWS checks first) and that the names are lowercase tokens,
// strictly sorted, hence free of duplicates.
func parseSignedHeaders(s string) ([]string, *Error) {
	names := strings.Split(s, ";")
	host := false
	for _, n := range names {
		if strings.EqualFold(n, "host") {
			host = true
			break
		}
	}
	if !host {
		return nil, newError(CodeInvalidSignature, msgHostUnsigned)
	}
	for i, n := range names {
		if !isLowerToken(n) || i > 0 && names[i-1] >= n {
			return nil, invalid("SignedHeaders must list lowercase header names, sorted and without duplicates, separated by ';'; got '%s'.", s)
		}
	}
	return names, nil
}

// isLowerToken reports whether s is a non-empty RFC 9110 token without
// uppercase letters.
func isLowerToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// checkCredential checks the credential scope
// <access key id>/<yyyymmdd>/<region>/<service>/aws4_request against the
// Verifier and the request date, and returns the access key id. Trailing slashes
// are ignored, as AWS ignores them.
func checkCredential(a authorization, region, service string) (string, *Error) {
	parts := strings.Split(strings.TrimRight(a.credential, "/"), "/")
	if len(parts) != 5 {
		return "", incomplete("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", a.credential)
	}
	var msgs []string
	if parts[2] != region {
		msgs = append(msgs, fmt.Sprintf("Credential should be scoped to a valid region, not '%s'.", parts[2]))
	}
	if parts[3] != service {
		msgs = append(msgs, fmt.Sprintf("Credential should be scoped to correct service: '%s'.", service))
	}
	if parts[4] != terminator {
		msgs = append(msgs, fmt.Sprintf("Credential should be scoped with a valid terminator: '%s', not '%s'.", terminator, parts[4]))
	}
	if parts[1] != a.date[:8] {
		msgs = append(msgs, fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", parts[1], a.date[:8], a.date))
	}
	if len(msgs) > 0 {
		return "", newError(CodeInvalidSignature, strings.Join(msgs, " "))
	}
	return parts[0], nil
}

// hasSecurityToken reports whether r carries X-Amz-Security-Token, as a header or
// a query parameter, whatever its value.
func hasSecurityToken(r *http.Request, params []param) bool {
	if len(r.Header.Values("X-Amz-Security-Token")) > 0 {
		return true
	}
	for _, p := range params {
		if p.key == "X-Amz-Security-Token" {
			return true
		}
	}
	return false
}

// checkContentSHA256 compares an x-amz-content-sha256 header, when present, with
// the hash of the body received.
func checkContentSHA256(r *http.Request, payloadHash string) *Error {
	vs := r.Header.Values("X-Amz-Content-Sha256")
	if len(vs) == 0 {
		return nil
	}
	if len(vs) == 1 && vs[0] == payloadHash {
		return nil
	}
	if len(vs) == 1 && (vs[0] == "UNSIGNED-PAYLOAD" || strings.HasPrefix(vs[0], "STREAMING-")) {
		return invalid("x-amz-content-sha256 '%s' is not accepted: sign the SHA-256 hash of the request body.", vs[0])
	}
	return newError(CodeInvalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.")
}

// deriveKey derives the SigV4 signing key
// HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
func deriveKey(secret []byte, date, region, service string) [sha256.Size]byte {
	k := make([]byte, 0, 4+len(secret))
	k = append(append(k, "AWS4"...), secret...)
	var key [sha256.Size]byte
	for _, s := range [...]string{date, region, service, terminator} {
		m := hmac.New(sha256.New, k)
		m.Write([]byte(s))
		k = m.Sum(key[:0])
	}
	return key
}

func (v *Verifier) cachedKey(id keyID, secretSum [sha256.Size]byte) ([sha256.Size]byte, bool) {
	v.mu.Lock()
	e, ok := v.keys[id]
	v.mu.Unlock()
	if !ok || subtle.ConstantTimeCompare(e.secretSum[:], secretSum[:]) != 1 {
		return [sha256.Size]byte{}, false
	}
	return e.key, true
}

func (v *Verifier) storeKey(id keyID, k signingKey) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.keys == nil {
		v.keys = make(map[keyID]signingKey)
	}
	if _, ok := v.keys[id]; !ok && len(v.keys) >= maxCachedKeys {
		for old := range v.keys {
			delete(v.keys, old)
			break
		}
	}
	v.keys[id] = k
}

// cachedKeys reports the size of the signing-key cache, for tests.
func (v *Verifier) cachedKeys() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.keys)
}
