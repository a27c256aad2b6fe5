package upstreamtest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Defaults and fixed values of OAuthServer.
const (
	// DefaultSubject is the signed-in user /authorize approves as when
	// OAuthOptions.Subject is empty.
	DefaultSubject = "user-1"
	// DefaultTokenLifetime is the lifetime of access tokens when
	// OAuthOptions.TokenLifetime is zero.
	DefaultTokenLifetime = 3600 * time.Second
	// DefaultReuseGrace is the window of RotateWithGrace when
	// OAuthOptions.ReuseGrace is zero.
	DefaultReuseGrace = 30 * time.Second
	// CodeLifetime is how long an authorization code stays redeemable
	// (RFC 6749 §4.1.2 recommends at most 10 minutes).
	CodeLifetime = 60 * time.Second
)

// OAuth 2.0 error codes the fake sends (RFC 6749 §4.1.2.1 and §5.2).
const (
	ErrInvalidRequest          = "invalid_request"
	ErrInvalidClient           = "invalid_client"
	ErrInvalidGrant            = "invalid_grant"
	ErrUnauthorizedClient      = "unauthorized_client"
	ErrUnsupportedGrantType    = "unsupported_grant_type"
	ErrUnsupportedResponseType = "unsupported_response_type"
	ErrInvalidScope            = "invalid_scope"
	ErrAccessDenied            = "access_denied"
)

// RefreshMode selects how the token endpoint answers the refresh_token grant
// (RFC 6749 §6).
type RefreshMode int

const (
	// RotateRevokeOnReuse, the default, issues a new refresh token on each
	// refresh and supersedes the one presented. Presenting a superseded refresh
	// token revokes the whole token family (every refresh and access token issued
	// from the same authorization) and answers invalid_grant (RFC 9700 §4.14.2).
	RotateRevokeOnReuse RefreshMode = iota
	// RotateWithGrace rotates like RotateRevokeOnReuse but accepts a superseded
	// refresh token for OAuthOptions.ReuseGrace after it was superseded, answering
	// with a fresh pair; after the window, reuse revokes the family.
	RotateWithGrace
	// NoRotation answers each refresh with the same refresh token, which stays
	// valid.
	NoRotation
	// OmitRefreshToken answers each refresh without a refresh_token member; the
	// presented refresh token stays valid (RFC 6749 §5.1 makes it optional).
	OmitRefreshToken
)

// ClientAuth selects the client authentication methods the token endpoint
// accepts (RFC 6749 §2.3.1; names from RFC 7591 §2).
type ClientAuth int

const (
	// ClientAuthAny, the default, accepts client_secret_basic and
	// client_secret_post.
	ClientAuthAny ClientAuth = iota
	// ClientSecretBasic accepts only HTTP Basic authentication.
	ClientSecretBasic
	// ClientSecretPost accepts only client_id and client_secret in the body.
	ClientSecretPost
)

// OAuthOptions configures an OAuthServer. The zero value works.
type OAuthOptions struct {
	// Subject is the signed-in user /authorize approves as, and the subject
	// ValidAccessToken reports for tokens of the authorization_code grant.
	// Empty means DefaultSubject.
	Subject string
	// Deny makes /authorize answer error=access_denied (RFC 6749 §4.1.2.1), as
	// when the user refuses consent.
	Deny bool
	// TokenLifetime is the lifetime of access tokens; expires_in carries it in
	// whole seconds. Zero means DefaultTokenLifetime (3600 s).
	TokenLifetime time.Duration
	// Refresh selects rotation and reuse handling. Zero means
	// RotateRevokeOnReuse.
	Refresh RefreshMode
	// ReuseGrace is the window of RotateWithGrace. Zero means
	// DefaultReuseGrace (30 s).
	ReuseGrace time.Duration
	// ClientAuth restricts client authentication. Zero means both methods.
	ClientAuth ClientAuth
	// ExpiresInString sends expires_in as a JSON string ("3600"), as PayPal
	// does, instead of a number.
	ExpiresInString bool
	// ExtraFields are added to every successful token response, as
	// non-standard members (RFC 6749 §5.1 allows them). They never replace a
	// standard member.
	ExtraFields map[string]any
	// IssuerParam adds iss, the server's URL, to every /authorize redirect
	// (RFC 9207 §2).
	IssuerParam bool
	// Now returns the current time, for code and token expiry. Nil means
	// time.Now.
	Now func() time.Time
}

// OAuthServer is a loopback OAuth 2.0 authorization server. Create it with
// NewOAuthServer and register clients with RegisterClient.
//
// Endpoints:
//
//   - GET /authorize (RFC 6749 §4.1.1, RFC 7636 §4.3): requires
//     response_type=code, a registered client_id, a redirect_uri exactly equal
//     to a registered one, and code_challenge with code_challenge_method=S256.
//     An unknown client or redirect URI gets 400 and no redirect
//     (§4.1.2.1); other errors are redirected as error=... with the state.
//     Otherwise it approves as OAuthOptions.Subject and redirects (302) with a
//     single-use code valid for CodeLifetime and the state.
//   - POST /token (RFC 6749 §3.2): the authorization_code, client_credentials
//     and refresh_token grants, answering as §5.1 and §5.2.
type OAuthServer struct {
	srv  *httptest.Server
	opts OAuthOptions

	mu      sync.Mutex
	clients map[string]*oauthClient
	codes   map[string]*authCode
	access  map[string]*accessToken
	refresh map[string]*refreshToken
	calls   map[string]int // by grant_type, as sent
	total   int
	fail    failure
	latency time.Duration
	lose    int
}

type oauthClient struct {
	id           string
	secret       string
	redirectURIs []string
}

// family is the set of tokens issued from one authorization (one code).
type family struct{ revoked bool }

type authCode struct {
	clientID, redirectURI, challenge, subject, scope string
	expires                                          time.Time
	used                                             bool
	fam                                              *family // set when redeemed
}

type accessToken struct {
	subject string
	expires time.Time
	expired bool
	fam     *family // nil for client_credentials
}

type refreshToken struct {
	clientID, subject, scope string
	fam                      *family
	superseded               bool
	supersededAt             time.Time
}

type failure struct {
	status    int
	code      string
	remaining int // calls left to fail; negative means until cleared
}

// NewOAuthServer starts an OAuthServer on 127.0.0.1 with TLS and closes it when
// the test ends. It has no registered clients.
func NewOAuthServer(t testing.TB, opts OAuthOptions) *OAuthServer {
	t.Helper()
	if opts.Subject == "" {
		opts.Subject = DefaultSubject
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = DefaultTokenLifetime
	}
	if opts.ReuseGrace <= 0 {
		opts.ReuseGrace = DefaultReuseGrace
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &OAuthServer{
		opts:    opts,
		clients: make(map[string]*oauthClient),
		codes:   make(map[string]*authCode),
		access:  make(map[string]*accessToken),
		refresh: make(map[string]*refreshToken),
		calls:   make(map[string]int),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", s.handleAuthorize)
	mux.HandleFunc("POST /token", s.handleToken)
	s.srv = startTLS(t, mux)
	return s
}

// URL returns the server's base URL, such as https://127.0.0.1:port. It is the
// issuer that IssuerParam sends.
func (s *OAuthServer) URL() string { return s.srv.URL }

// AuthorizeURL returns the URL of the authorization endpoint.
func (s *OAuthServer) AuthorizeURL() string { return s.srv.URL + "/authorize" }

// TokenURL returns the URL of the token endpoint.
func (s *OAuthServer) TokenURL() string { return s.srv.URL + "/token" }

// Client returns a new *http.Client that trusts the server's certificate.
func (s *OAuthServer) Client() *http.Client { return clientOf(s.srv) }

// CertPEM returns the server's TLS certificate in PEM form.
func (s *OAuthServer) CertPEM() []byte { return certPEMOf(s.srv) }

// RegisterClient registers, or replaces, client id with secret and the redirect
// URIs /authorize accepts. An empty secret registers a public client (RFC 6749
// §2.1): it identifies itself by client_id alone and may not use the
// client_credentials grant.
func (s *OAuthServer) RegisterClient(id, secret string, redirectURIs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[id] = &oauthClient{id: id, secret: secret, redirectURIs: slices.Clone(redirectURIs)}
}

// FailWith makes every later call to /token fail, until ClearFailures, with
// status and, when oauthError is not empty, a §5.2 JSON body carrying it as
// error. An empty oauthError gives a plain-text body, as a failing proxy sends.
// The call is counted but not otherwise processed.
func (s *OAuthServer) FailWith(status int, oauthError string) {
	s.setFailure(failure{status: status, code: oauthError, remaining: -1})
}

// FailNext makes the next n calls to /token fail as FailWith describes; then
// the server answers normally again. n <= 0 clears the failure.
func (s *OAuthServer) FailNext(n, status int, oauthError string) {
	s.setFailure(failure{status: status, code: oauthError, remaining: max(n, 0)})
}

// ClearFailures cancels FailWith and FailNext.
func (s *OAuthServer) ClearFailures() { s.setFailure(failure{}) }

func (s *OAuthServer) setFailure(f failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = f
}

// Latency delays every later call to /token by d before it is processed (a
// negative or zero d removes the delay). A call whose client goes away during
// the delay is counted but not processed.
func (s *OAuthServer) Latency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = max(d, 0)
}

// LoseNextResponses makes the next n calls to /token be processed in full (a
// refresh rotates, codes are redeemed, tokens are issued) and then closes the
// connection without sending the response: the "lost response" mode of the
// reliability research. Injected failures (FailWith) take precedence and do not
// consume n.
func (s *OAuthServer) LoseNextResponses(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lose = max(n, 0)
}

// TokenCalls returns how many requests /token received with grant_type
// grantType, whatever their outcome.
func (s *OAuthServer) TokenCalls(grantType string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[grantType]
}

// TotalTokenCalls returns how many requests /token received.
func (s *OAuthServer) TotalTokenCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// ValidAccessToken reports whether tok is an access token this server issued
// that is still valid: not older than its lifetime, not expired by Expire or
// ExpireAll, and not in a revoked token family. subject is OAuthOptions.Subject
// for the authorization_code grant and the client id for client_credentials.
func (s *OAuthServer) ValidAccessToken(tok string) (subject string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.access[tok]
	if a == nil || a.expired || (a.fam != nil && a.fam.revoked) || !s.opts.Now().Before(a.expires) {
		return "", false
	}
	return a.subject, true
}

// Expire makes the access token tok invalid now. Unknown tokens are ignored.
func (s *OAuthServer) Expire(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.access[tok]; a != nil {
		a.expired = true
	}
}

// ExpireAll makes every access token issued so far invalid now. Refresh tokens
// are unaffected.
func (s *OAuthServer) ExpireAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.access {
		a.expired = true
	}
}

// oauthError is an error response of RFC 6749 §5.2.
type oauthError struct {
	status      int
	code        string
	description string
	basic       bool // the client tried HTTP Basic: add WWW-Authenticate
}

func errorf(status int, code, description string) *oauthError {
	return &oauthError{status: status, code: code, description: description}
}

// handleAuthorize serves the authorization endpoint, RFC 6749 §4.1.1 with
// RFC 7636 §4.3.
func (s *OAuthServer) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	c := s.clients[q.Get("client_id")]
	s.mu.Unlock()
	// §4.1.2.1: without a valid client and redirect URI, do not redirect.
	if c == nil || len(q["client_id"]) != 1 {
		http.Error(w, "invalid_request: unknown or repeated client_id", http.StatusBadRequest)
		return
	}
	redirect := q.Get("redirect_uri")
	if len(q["redirect_uri"]) != 1 || !slices.Contains(c.redirectURIs, redirect) {
		http.Error(w, "invalid_request: redirect_uri is missing, repeated or not registered for the client", http.StatusBadRequest)
		return
	}
	target, err := url.Parse(redirect)
	if err != nil {
		http.Error(w, "invalid_request: redirect_uri does not parse", http.StatusBadRequest)
		return
	}
	// The redirect URI's own query is kept (§3.1.2).
	params := target.Query()
	if st := q.Get("state"); st != "" {
		params.Set("state", st)
	}
	if s.opts.IssuerParam {
		params.Set("iss", s.srv.URL)
	}
	fail := func(code, description string) {
		params.Set("error", code)
		params.Set("error_description", description)
		target.RawQuery = params.Encode()
		w.Header().Set("Location", target.String())
		w.WriteHeader(http.StatusFound)
	}
	for k, v := range q {
		if len(v) > 1 {
			fail(ErrInvalidRequest, "parameter "+k+" is repeated")
			return
		}
	}
	switch rt := q.Get("response_type"); rt {
	case "code":
	case "":
		fail(ErrInvalidRequest, "response_type is required")
		return
	default:
		fail(ErrUnsupportedResponseType, "only response_type=code is supported")
		return
	}
	challenge := q.Get("code_challenge")
	if challenge == "" {
		fail(ErrInvalidRequest, "code challenge required") // RFC 7636 §4.4.1
		return
	}
	if q.Get("code_challenge_method") != "S256" {
		fail(ErrInvalidRequest, "transform algorithm not supported") // RFC 7636 §4.4.1
		return
	}
	// BASE64URL(SHA256(verifier)) is exactly 43 characters.
	if len(challenge) != 43 || !isUnreserved(challenge) {
		fail(ErrInvalidRequest, "code_challenge is not a base64url-encoded SHA-256 digest")
		return
	}
	if s.opts.Deny {
		fail(ErrAccessDenied, "the resource owner denied the request")
		return
	}

	code := randomToken()
	s.mu.Lock()
	s.codes[code] = &authCode{
		clientID:    c.id,
		redirectURI: redirect,
		challenge:   challenge,
		subject:     s.opts.Subject,
		scope:       q.Get("scope"),
		expires:     s.opts.Now().Add(CodeLifetime),
	}
	s.mu.Unlock()
	params.Set("code", code)
	target.RawQuery = params.Encode()
	w.Header().Set("Location", target.String())
	w.WriteHeader(http.StatusFound)
}

// isUnreserved reports whether s holds only RFC 3986 unreserved characters, the
// alphabet of PKCE verifiers (RFC 7636 §4.1).
func isUnreserved(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~':
		default:
			return false
		}
	}
	return true
}

// handleToken serves the token endpoint and renders its errors, RFC 6749 §5.2.
func (s *OAuthServer) handleToken(w http.ResponseWriter, r *http.Request) {
	resp, lose, e := s.token(w, r)
	if lose {
		// Processed, but the client never hears about it.
		panic(http.ErrAbortHandler)
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	if e != nil {
		if e.code == "" {
			http.Error(w, http.StatusText(e.status), e.status)
			return
		}
		if e.basic && e.status == http.StatusUnauthorized {
			h.Set("WWW-Authenticate", `Basic realm="upstreamtest"`)
		}
		body := map[string]string{"error": e.code}
		if e.description != "" {
			body["error_description"] = e.description
		}
		writeJSON(w, e.status, body)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	w.Write(b)
}

// token processes one token request. lose reports that the response must be
// dropped.
func (s *OAuthServer) token(w http.ResponseWriter, r *http.Request) (resp map[string]any, lose bool, e *oauthError) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	parseErr := r.ParseForm()
	form := r.PostForm
	grant := form.Get("grant_type")

	s.mu.Lock()
	s.calls[grant]++
	s.total++
	latency := s.latency
	s.mu.Unlock()

	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return nil, false, errorf(http.StatusServiceUnavailable, "", "")
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if f := &s.fail; f.status != 0 && f.remaining != 0 {
		if f.remaining > 0 {
			f.remaining--
		}
		return nil, false, errorf(f.status, f.code, "injected failure")
	}
	if s.lose > 0 {
		s.lose--
		lose = true
	}

	if parseErr != nil {
		return nil, lose, errorf(http.StatusBadRequest, ErrInvalidRequest, "the body is not a valid form")
	}
	if mt := r.Header.Get("Content-Type"); !strings.HasPrefix(mt, "application/x-www-form-urlencoded") {
		return nil, lose, errorf(http.StatusBadRequest, ErrInvalidRequest, "the body must be application/x-www-form-urlencoded")
	}
	for k, v := range form {
		if len(v) > 1 { // §3.2
			return nil, lose, errorf(http.StatusBadRequest, ErrInvalidRequest, "parameter "+k+" is repeated")
		}
	}
	c, e := s.authenticate(r, form)
	if e != nil {
		return nil, lose, e
	}
	switch grant {
	case "authorization_code":
		resp, e = s.grantCode(c, form)
	case "client_credentials":
		resp, e = s.grantClientCredentials(c, form)
	case "refresh_token":
		resp, e = s.grantRefresh(c, form)
	case "":
		e = errorf(http.StatusBadRequest, ErrInvalidRequest, "grant_type is required")
	default:
		e = errorf(http.StatusBadRequest, ErrUnsupportedGrantType, "grant_type "+grant+" is not supported")
	}
	return resp, lose, e
}

// authenticate identifies and authenticates the client (RFC 6749 §2.3.1, §3.2.1).
// s.mu is held.
func (s *OAuthServer) authenticate(r *http.Request, form url.Values) (*oauthClient, *oauthError) {
	var id, secret string
	basic := r.Header.Get("Authorization") != ""
	if basic {
		u, p, ok := r.BasicAuth()
		if !ok {
			return nil, &oauthError{status: http.StatusUnauthorized, code: ErrInvalidClient, description: "malformed Authorization header", basic: true}
		}
		// The credentials are form-encoded before Basic encoding (§2.3.1).
		var err1, err2 error
		id, err1 = url.QueryUnescape(u)
		secret, err2 = url.QueryUnescape(p)
		if err1 != nil || err2 != nil {
			return nil, &oauthError{status: http.StatusUnauthorized, code: ErrInvalidClient, description: "malformed Authorization header", basic: true}
		}
		if _, ok := form["client_secret"]; ok {
			return nil, errorf(http.StatusBadRequest, ErrInvalidRequest, "more than one client authentication method")
		}
		if bodyID := form.Get("client_id"); bodyID != "" && bodyID != id {
			return nil, errorf(http.StatusBadRequest, ErrInvalidRequest, "client_id does not match the Authorization header")
		}
		if s.opts.ClientAuth == ClientSecretPost {
			return nil, &oauthError{status: http.StatusUnauthorized, code: ErrInvalidClient, description: "client_secret_basic is not accepted", basic: true}
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
		if id == "" {
			return nil, errorf(http.StatusUnauthorized, ErrInvalidClient, "client authentication is required")
		}
		if _, ok := form["client_secret"]; ok && s.opts.ClientAuth == ClientSecretBasic {
			return nil, errorf(http.StatusUnauthorized, ErrInvalidClient, "client_secret_post is not accepted")
		}
	}
	c := s.clients[id]
	if c == nil || subtle.ConstantTimeCompare([]byte(secret), []byte(c.secret)) != 1 {
		return nil, &oauthError{status: http.StatusUnauthorized, code: ErrInvalidClient, description: "client authentication failed", basic: basic}
	}
	return c, nil
}

// grantCode redeems an authorization code, RFC 6749 §4.1.3 and RFC 7636 §4.6.
// s.mu is held.
func (s *OAuthServer) grantCode(c *oauthClient, form url.Values) (map[string]any, *oauthError) {
	ac := s.codes[form.Get("code")]
	if ac == nil || ac.clientID != c.id {
		return nil, errorf(http.StatusBadRequest, ErrInvalidGrant, "unknown authorization code")
	}
	if ac.used {
		// §4.1.2: deny, and revoke the tokens issued from the code.
		if ac.fam != nil {
			ac.fam.revoked = true
		}
		return nil, errorf(http.StatusBadRequest, ErrInvalidGrant, "authorization code already used")
	}
	ac.used = true
	ac.fam = &family{}
	if !s.opts.Now().Before(ac.expires) {
		return nil, errorf(http.StatusBadRequest, ErrInvalidGrant, "authorization code expired")
	}
	if form.Get("redirect_uri") != ac.redirectURI {
		return nil, errorf(http.StatusBadRequest, ErrInvalidGrant, "redirect_uri differs from the authorization request")
	}
	verifier := form.Get("code_verifier")
	if verifier == "" {
		return nil, errorf(http.StatusBadRequest, ErrInvalidGrant, "code_verifier is required")
	}
	if len(verifier) < 43 || len(verifier) > 128 || !isUnreserved(verifier) {
		return nil, errorf(http.StatusBadRequest, ErrInvalidRequest, "code_verifier must be 43 to 128 unreserved characters")
	}
	sum := sha256.Sum256([]byte(verifier))
	if subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(ac.challenge)) != 1 {
		return nil, errorf(http.StatusBadRequest, ErrInvalidGrant, "code_verifier does not match the code_challenge")
	}
	resp := s.issueAccess(ac.subject, ac.scope, ac.fam)
	rt := randomToken()
	s.refresh[rt] = &refreshToken{clientID: c.id, subject: ac.subject, scope: ac.scope, fam: ac.fam}
	resp["refresh_token"] = rt
	return resp, nil
}

// grantClientCredentials serves RFC 6749 §4.4.2; no refresh token (§4.4.3).
// s.mu is held.
func (s *OAuthServer) grantClientCredentials(c *oauthClient, form url.Values) (map[string]any, *oauthError) {
	if c.secret == "" {
		return nil, errorf(http.StatusBadRequest, ErrUnauthorizedClient, "public clients may not use client_credentials")
	}
	return s.issueAccess(c.id, form.Get("scope"), nil), nil
}

// grantRefresh serves RFC 6749 §6 in the configured RefreshMode. s.mu is held.
func (s *OAuthServer) grantRefresh(c *oauthClient, form url.Values) (map[string]any, *oauthError) {
	presented := form.Get("refresh_token")
	old := s.refresh[presented]
	if old == nil || old.clientID != c.id {
		return nil, errorf(http.StatusBadRequest, ErrInvalidGrant, "unknown refresh token")
	}
	if old.fam.revoked {
		return nil, errorf(http.StatusBadRequest, ErrInvalidGrant, "refresh token revoked")
	}
	now := s.opts.Now()
	if old.superseded {
		inGrace := s.opts.Refresh == RotateWithGrace && !now.After(old.supersededAt.Add(s.opts.ReuseGrace))
		if !inGrace {
			old.fam.revoked = true // RFC 9700 §4.14.2
			return nil, errorf(http.StatusBadRequest, ErrInvalidGrant, "refresh token reuse detected; token family revoked")
		}
	}
	scope := old.scope
	if sc, ok := form["scope"]; ok {
		for _, want := range strings.Fields(sc[0]) {
			if !slices.Contains(strings.Fields(old.scope), want) {
				return nil, errorf(http.StatusBadRequest, ErrInvalidScope, "scope "+want+" was not granted")
			}
		}
		scope = sc[0]
	}
	resp := s.issueAccess(old.subject, scope, old.fam)
	switch s.opts.Refresh {
	case NoRotation:
		resp["refresh_token"] = presented
	case OmitRefreshToken:
	default: // RotateRevokeOnReuse, RotateWithGrace
		rt := randomToken()
		s.refresh[rt] = &refreshToken{clientID: c.id, subject: old.subject, scope: old.scope, fam: old.fam}
		if !old.superseded {
			old.superseded, old.supersededAt = true, now
		}
		resp["refresh_token"] = rt
	}
	return resp, nil
}

// issueAccess records a new access token and returns the members of its §5.1
// response, without refresh_token. s.mu is held.
func (s *OAuthServer) issueAccess(subject, scope string, fam *family) map[string]any {
	tok := randomToken()
	s.access[tok] = &accessToken{subject: subject, expires: s.opts.Now().Add(s.opts.TokenLifetime), fam: fam}
	resp := make(map[string]any, len(s.opts.ExtraFields)+5)
	for k, v := range s.opts.ExtraFields {
		resp[k] = v
	}
	secs := int64(s.opts.TokenLifetime / time.Second)
	resp["access_token"] = tok
	resp["token_type"] = "Bearer"
	if s.opts.ExpiresInString {
		resp["expires_in"] = strconv.FormatInt(secs, 10)
	} else {
		resp["expires_in"] = secs
	}
	if scope != "" {
		resp["scope"] = scope
	} else {
		delete(resp, "scope")
	}
	delete(resp, "refresh_token")
	return resp
}
