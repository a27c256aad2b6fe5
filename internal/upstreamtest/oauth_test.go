package upstreamtest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

const (
	testClientID = "client-1"
	testSecret   = "s3cr3t with spaces&symbols"
	testRedirect = "https://app.example/callback?tenant=t1"
)

// clock is a settable clock for OAuthOptions.Now and STSOptions.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newAS starts an OAuthServer with testClientID registered.
func newAS(t *testing.T, opts OAuthOptions) *OAuthServer {
	t.Helper()
	s := NewOAuthServer(t, opts)
	s.RegisterClient(testClientID, testSecret, testRedirect)
	return s
}

// ctxFor returns a context that makes x/oauth2 use the fake's TLS client.
func ctxFor(t *testing.T, s *OAuthServer) context.Context {
	return context.WithValue(t.Context(), oauth2.HTTPClient, s.Client())
}

func codeConfig(s *OAuthServer, style oauth2.AuthStyle) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     testClientID,
		ClientSecret: testSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: s.AuthorizeURL(), TokenURL: s.TokenURL(), AuthStyle: style},
		RedirectURL:  testRedirect,
		Scopes:       []string{"read", "write"},
	}
}

// redirectOf requests authURL without following redirects and returns the
// Location of the 302 it must answer.
func redirectOf(t *testing.T, s *OAuthServer, authURL string) *url.URL {
	t.Helper()
	c := s.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatalf("GET /authorize: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("GET /authorize: status %d, want 302", resp.StatusCode)
	}
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("GET /authorize: %v", err)
	}
	return loc
}

// authorize runs /authorize with a fresh verifier and returns the code and the
// verifier.
func authorize(t *testing.T, s *OAuthServer, conf *oauth2.Config) (code, verifier string) {
	t.Helper()
	verifier = oauth2.GenerateVerifier()
	state := randomToken()
	loc := redirectOf(t, s, conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)))
	q := loc.Query()
	if q.Get("state") != state || q.Get("code") == "" || q.Get("error") != "" {
		t.Fatalf("redirect %s: want code and state %q", loc, state)
	}
	if q.Get("tenant") != "t1" {
		t.Errorf("redirect %s lost the redirect URI's query", loc)
	}
	return q.Get("code"), verifier
}

// codeFlow runs the authorization code grant to its end.
func codeFlow(t *testing.T, s *OAuthServer, conf *oauth2.Config) *oauth2.Token {
	t.Helper()
	code, verifier := authorize(t, s, conf)
	tok, err := conf.Exchange(ctxFor(t, s), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return tok
}

func refresh(t *testing.T, s *OAuthServer, conf *oauth2.Config, rt string) (*oauth2.Token, error) {
	return conf.TokenSource(ctxFor(t, s), &oauth2.Token{RefreshToken: rt}).Token()
}

// errorCode returns the RFC 6749 §5.2 error code of err, or "" when err is not
// a *oauth2.RetrieveError.
func errorCode(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

func statusOf(err error) int {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		auth      ClientAuth
		style     oauth2.AuthStyle
		wantError string
	}{
		{"basic accepted by default", ClientAuthAny, oauth2.AuthStyleInHeader, ""},
		{"post accepted by default", ClientAuthAny, oauth2.AuthStyleInParams, ""},
		{"basic when basic required", ClientSecretBasic, oauth2.AuthStyleInHeader, ""},
		{"post when basic required", ClientSecretBasic, oauth2.AuthStyleInParams, ErrInvalidClient},
		{"post when post required", ClientSecretPost, oauth2.AuthStyleInParams, ""},
		{"basic when post required", ClientSecretPost, oauth2.AuthStyleInHeader, ErrInvalidClient},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newAS(t, OAuthOptions{ClientAuth: tc.auth})
			conf := &clientcredentials.Config{
				ClientID:     testClientID,
				ClientSecret: testSecret,
				TokenURL:     s.TokenURL(),
				Scopes:       []string{"read"},
				AuthStyle:    tc.style,
			}
			tok, err := conf.Token(ctxFor(t, s))
			if got := s.TokenCalls("client_credentials"); got != 1 {
				t.Errorf("TokenCalls(client_credentials) = %d, want 1", got)
			}
			if tc.wantError != "" {
				if errorCode(err) != tc.wantError || statusOf(err) != http.StatusUnauthorized {
					t.Fatalf("Token: err = %v, want %s with status 401", err, tc.wantError)
				}
				return
			}
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			if tok.TokenType != "Bearer" || tok.RefreshToken != "" || tok.Extra("expires_in") != float64(3600) {
				t.Errorf("token = type %q, refresh %q, expires_in %v; want Bearer, none, 3600", tok.TokenType, tok.RefreshToken, tok.Extra("expires_in"))
			}
			if got := tok.Extra("scope"); got != "read" {
				t.Errorf("scope = %v, want read", got)
			}
			if sub, ok := s.ValidAccessToken(tok.AccessToken); !ok || sub != testClientID {
				t.Errorf("ValidAccessToken = %q, %v; want %q, true", sub, ok, testClientID)
			}
		})
	}
}

func TestClientCredentialsRefusals(t *testing.T) {
	t.Parallel()
	s := newAS(t, OAuthOptions{})
	s.RegisterClient("public", "", testRedirect)
	for _, tc := range []struct {
		name       string
		id, secret string
		want       string
	}{
		{"wrong secret", testClientID, "nope", ErrInvalidClient},
		{"unknown client", "other", testSecret, ErrInvalidClient},
		{"public client", "public", "", ErrUnauthorizedClient},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conf := &clientcredentials.Config{ClientID: tc.id, ClientSecret: tc.secret, TokenURL: s.TokenURL(), AuthStyle: oauth2.AuthStyleInParams}
			if _, err := conf.Token(ctxFor(t, s)); errorCode(err) != tc.want {
				t.Errorf("Token: err = %v, want %s", err, tc.want)
			}
		})
	}
}

func TestAuthorizationCode(t *testing.T) {
	t.Parallel()
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		t.Run(map[oauth2.AuthStyle]string{oauth2.AuthStyleInHeader: "basic", oauth2.AuthStyleInParams: "post"}[style], func(t *testing.T) {
			t.Parallel()
			s := newAS(t, OAuthOptions{Subject: "alice"})
			conf := codeConfig(s, style)
			tok := codeFlow(t, s, conf)
			if tok.RefreshToken == "" || tok.TokenType != "Bearer" || tok.Expiry.IsZero() {
				t.Errorf("token = %+v, want a refresh token, Bearer and an expiry", tok)
			}
			if got := tok.Extra("scope"); got != "read write" {
				t.Errorf("scope = %v, want %q", got, "read write")
			}
			if sub, ok := s.ValidAccessToken(tok.AccessToken); !ok || sub != "alice" {
				t.Errorf("ValidAccessToken = %q, %v; want alice, true", sub, ok)
			}
			if got := s.TokenCalls("authorization_code"); got != 1 {
				t.Errorf("TokenCalls(authorization_code) = %d, want 1", got)
			}
		})
	}
}

func TestAuthorizationCodeReuseRevokes(t *testing.T) {
	t.Parallel()
	s := newAS(t, OAuthOptions{})
	conf := codeConfig(s, oauth2.AuthStyleInHeader)
	code, verifier := authorize(t, s, conf)
	tok, err := conf.Exchange(ctxFor(t, s), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	_, err = conf.Exchange(ctxFor(t, s), code, oauth2.VerifierOption(verifier))
	if errorCode(err) != ErrInvalidGrant || statusOf(err) != http.StatusBadRequest {
		t.Fatalf("second Exchange: err = %v, want invalid_grant 400", err)
	}
	if _, ok := s.ValidAccessToken(tok.AccessToken); ok {
		t.Error("access token of a replayed code is still valid")
	}
	if _, err := refresh(t, s, conf, tok.RefreshToken); errorCode(err) != ErrInvalidGrant {
		t.Errorf("refresh after code replay: err = %v, want invalid_grant", err)
	}
}

func TestAuthorizationCodeRefusals(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newAS(t, OAuthOptions{Now: clk.Now})
	s.RegisterClient("client-2", "other-secret", testRedirect)
	conf := codeConfig(s, oauth2.AuthStyleInHeader)

	t.Run("wrong verifier", func(t *testing.T) {
		code, _ := authorize(t, s, conf)
		_, err := conf.Exchange(ctxFor(t, s), code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
		if errorCode(err) != ErrInvalidGrant {
			t.Errorf("Exchange: err = %v, want invalid_grant", err)
		}
	})
	t.Run("no verifier", func(t *testing.T) {
		code, _ := authorize(t, s, conf)
		if _, err := conf.Exchange(ctxFor(t, s), code); errorCode(err) != ErrInvalidGrant {
			t.Errorf("Exchange: err = %v, want invalid_grant", err)
		}
	})
	t.Run("other redirect_uri", func(t *testing.T) {
		code, verifier := authorize(t, s, conf)
		other := *conf
		other.RedirectURL = "https://app.example/other"
		if _, err := other.Exchange(ctxFor(t, s), code, oauth2.VerifierOption(verifier)); errorCode(err) != ErrInvalidGrant {
			t.Errorf("Exchange: err = %v, want invalid_grant", err)
		}
	})
	t.Run("other client", func(t *testing.T) {
		code, verifier := authorize(t, s, conf)
		other := *conf
		other.ClientID, other.ClientSecret = "client-2", "other-secret"
		if _, err := other.Exchange(ctxFor(t, s), code, oauth2.VerifierOption(verifier)); errorCode(err) != ErrInvalidGrant {
			t.Errorf("Exchange: err = %v, want invalid_grant", err)
		}
	})
	t.Run("expired code", func(t *testing.T) {
		// Not parallel with the others: it moves the shared clock.
		code, verifier := authorize(t, s, conf)
		clk.Advance(CodeLifetime)
		if _, err := conf.Exchange(ctxFor(t, s), code, oauth2.VerifierOption(verifier)); errorCode(err) != ErrInvalidGrant {
			t.Errorf("Exchange: err = %v, want invalid_grant", err)
		}
	})
}

func TestAuthorizeRefusals(t *testing.T) {
	t.Parallel()
	s := newAS(t, OAuthOptions{})
	challenge := oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())
	base := url.Values{
		"response_type":         {"code"},
		"client_id":             {testClientID},
		"redirect_uri":          {testRedirect},
		"state":                 {"st"},
		"code_challenge":        {challenge},
		"code_challenge_method": {"S256"},
	}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for kk, vv := range base {
			q[kk] = vv
		}
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return q
	}

	t.Run("redirected errors", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			query url.Values
			want  string
		}{
			{"plain method", with("code_challenge_method", "plain"), ErrInvalidRequest},
			{"missing method", with("code_challenge_method", ""), ErrInvalidRequest},
			{"missing challenge", with("code_challenge", ""), ErrInvalidRequest},
			{"short challenge", with("code_challenge", "abc"), ErrInvalidRequest},
			{"token response type", with("response_type", "token"), ErrUnsupportedResponseType},
		} {
			t.Run(tc.name, func(t *testing.T) {
				loc := redirectOf(t, s, s.AuthorizeURL()+"?"+tc.query.Encode())
				got := map[string]string{"error": loc.Query().Get("error"), "state": loc.Query().Get("state"), "code": loc.Query().Get("code")}
				want := map[string]string{"error": tc.want, "state": "st", "code": ""}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("redirect %s (-want +got):\n%s", loc, diff)
				}
			})
		}
	})
	t.Run("not redirected", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			query url.Values
		}{
			{"unknown client", with("client_id", "nobody")},
			{"unregistered redirect", with("redirect_uri", "https://evil.example/callback")},
			{"redirect with extra path", with("redirect_uri", "https://app.example/callback/x?tenant=t1")},
			{"missing redirect", with("redirect_uri", "")},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := s.Client()
				c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
				resp, err := c.Get(s.AuthorizeURL() + "?" + tc.query.Encode())
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
					t.Errorf("status %d, Location %q; want 400 and no redirect", resp.StatusCode, resp.Header.Get("Location"))
				}
			})
		}
	})
}

func TestAuthorizeDenyAndIssuer(t *testing.T) {
	t.Parallel()
	s := newAS(t, OAuthOptions{Deny: true, IssuerParam: true})
	conf := codeConfig(s, oauth2.AuthStyleInHeader)
	loc := redirectOf(t, s, conf.AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	q := loc.Query()
	got := map[string]string{"error": q.Get("error"), "state": q.Get("state"), "iss": q.Get("iss"), "code": q.Get("code")}
	want := map[string]string{"error": ErrAccessDenied, "state": "st", "iss": s.URL(), "code": ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("redirect %s (-want +got):\n%s", loc, diff)
	}
}

func TestRefreshRotation(t *testing.T) {
	t.Parallel()
	s := newAS(t, OAuthOptions{})
	conf := codeConfig(s, oauth2.AuthStyleInHeader)
	first := codeFlow(t, s, conf)

	second, err := refresh(t, s, conf, first.RefreshToken)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if second.RefreshToken == first.RefreshToken || second.RefreshToken == "" {
		t.Fatalf("refresh token not rotated: %q", second.RefreshToken)
	}
	third, err := refresh(t, s, conf, second.RefreshToken)
	if err != nil {
		t.Fatalf("refresh with the rotated token: %v", err)
	}
	if _, ok := s.ValidAccessToken(third.AccessToken); !ok {
		t.Fatal("new access token is not valid")
	}

	// Replaying a superseded token revokes the whole family.
	if _, err := refresh(t, s, conf, first.RefreshToken); errorCode(err) != ErrInvalidGrant {
		t.Fatalf("reuse: err = %v, want invalid_grant", err)
	}
	if _, err := refresh(t, s, conf, third.RefreshToken); errorCode(err) != ErrInvalidGrant {
		t.Errorf("latest refresh token after reuse: err = %v, want invalid_grant", err)
	}
	for _, at := range []string{first.AccessToken, second.AccessToken, third.AccessToken} {
		if _, ok := s.ValidAccessToken(at); ok {
			t.Errorf("access token %q of a revoked family is still valid", at)
		}
	}
	if got := s.TokenCalls("refresh_token"); got != 4 {
		t.Errorf("TokenCalls(refresh_token) = %d, want 4", got)
	}
	// Another authorization is a separate family.
	if _, err := refresh(t, s, conf, codeFlow(t, s, conf).RefreshToken); err != nil {
		t.Errorf("refresh in a new family: %v", err)
	}
}

func TestRefreshGrace(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newAS(t, OAuthOptions{Refresh: RotateWithGrace, ReuseGrace: 30 * time.Second, Now: clk.Now})
	conf := codeConfig(s, oauth2.AuthStyleInParams)
	first := codeFlow(t, s, conf)
	if _, err := refresh(t, s, conf, first.RefreshToken); err != nil {
		t.Fatalf("refresh: %v", err)
	}
	clk.Advance(30 * time.Second)
	retry, err := refresh(t, s, conf, first.RefreshToken)
	if err != nil {
		t.Fatalf("reuse within the grace window: %v", err)
	}
	clk.Advance(time.Second)
	if _, err := refresh(t, s, conf, first.RefreshToken); errorCode(err) != ErrInvalidGrant {
		t.Fatalf("reuse after the grace window: err = %v, want invalid_grant", err)
	}
	if _, err := refresh(t, s, conf, retry.RefreshToken); errorCode(err) != ErrInvalidGrant {
		t.Errorf("family after late reuse: err = %v, want invalid_grant", err)
	}
}

func TestRefreshWithoutRotation(t *testing.T) {
	t.Parallel()
	for _, mode := range []RefreshMode{NoRotation, OmitRefreshToken} {
		t.Run(map[RefreshMode]string{NoRotation: "NoRotation", OmitRefreshToken: "OmitRefreshToken"}[mode], func(t *testing.T) {
			t.Parallel()
			s := newAS(t, OAuthOptions{Refresh: mode})
			conf := codeConfig(s, oauth2.AuthStyleInHeader)
			rt := codeFlow(t, s, conf).RefreshToken
			for i := range 3 {
				tok, err := refresh(t, s, conf, rt)
				if err != nil {
					t.Fatalf("refresh %d: %v", i, err)
				}
				// x/oauth2 keeps the old refresh token when the response has none.
				if tok.RefreshToken != rt {
					t.Errorf("refresh %d: refresh token %q, want the original %q", i, tok.RefreshToken, rt)
				}
				present := tok.Extra("refresh_token") != nil
				if present != (mode == NoRotation) {
					t.Errorf("refresh %d: refresh_token member present = %v", i, present)
				}
			}
		})
	}
}

func TestConcurrentRefreshReuse(t *testing.T) {
	t.Parallel()
	s := newAS(t, OAuthOptions{})
	conf := codeConfig(s, oauth2.AuthStyleInHeader)
	rt := codeFlow(t, s, conf).RefreshToken

	const n = 200
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = refresh(t, s, conf, rt) })
	}
	wg.Wait()
	var ok, invalid int
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errorCode(err) == ErrInvalidGrant:
			invalid++
		default:
			t.Errorf("refresh: %v", err)
		}
	}
	if ok != 1 || invalid != n-1 {
		t.Errorf("%d succeeded and %d got invalid_grant; want 1 and %d", ok, invalid, n-1)
	}
	if got := s.TokenCalls("refresh_token"); got != n {
		t.Errorf("TokenCalls(refresh_token) = %d, want %d", got, n)
	}
}

func TestConcurrentTokenCalls(t *testing.T) {
	t.Parallel()
	s := newAS(t, OAuthOptions{})
	conf := &clientcredentials.Config{ClientID: testClientID, ClientSecret: testSecret, TokenURL: s.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader}
	const n = 200
	toks := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			tok, err := conf.Token(ctxFor(t, s))
			if err != nil {
				t.Errorf("Token: %v", err)
				return
			}
			toks[i] = tok.AccessToken
		})
	}
	wg.Wait()
	seen := make(map[string]bool)
	for _, tok := range toks {
		if _, ok := s.ValidAccessToken(tok); !ok || seen[tok] {
			t.Errorf("token %q: valid %v, repeated %v", tok, ok, seen[tok])
		}
		seen[tok] = true
	}
	if got := s.TotalTokenCalls(); got != n {
		t.Errorf("TotalTokenCalls() = %d, want %d", got, n)
	}
}

func TestAccessTokenExpiry(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newAS(t, OAuthOptions{TokenLifetime: 60 * time.Second, Now: clk.Now})
	conf := &clientcredentials.Config{ClientID: testClientID, ClientSecret: testSecret, TokenURL: s.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader}
	get := func() string {
		tok, err := conf.Token(ctxFor(t, s))
		if err != nil {
			t.Fatalf("Token: %v", err)
		}
		if got := tok.Extra("expires_in"); got != float64(60) {
			t.Errorf("expires_in = %v, want 60", got)
		}
		return tok.AccessToken
	}
	valid := func(tok string) bool { _, ok := s.ValidAccessToken(tok); return ok }

	a := get()
	clk.Advance(59 * time.Second)
	if !valid(a) {
		t.Error("token invalid before its lifetime")
	}
	clk.Advance(time.Second)
	if valid(a) {
		t.Error("token valid after its lifetime")
	}

	b, c := get(), get()
	s.Expire(b)
	if valid(b) || !valid(c) {
		t.Errorf("after Expire(b): b valid %v, c valid %v; want false, true", valid(b), valid(c))
	}
	s.ExpireAll()
	if valid(c) {
		t.Error("token valid after ExpireAll")
	}
	if !valid(get()) {
		t.Error("token issued after ExpireAll is invalid")
	}
	if valid("never-issued") {
		t.Error("unknown token is valid")
	}
}

func TestFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		code   string
	}{
		{http.StatusInternalServerError, ""},
		{http.StatusBadRequest, ErrInvalidGrant},
		{http.StatusUnauthorized, ErrInvalidClient},
	} {
		t.Run(http.StatusText(tc.status)+" "+tc.code, func(t *testing.T) {
			t.Parallel()
			s := newAS(t, OAuthOptions{})
			conf := &clientcredentials.Config{ClientID: testClientID, ClientSecret: testSecret, TokenURL: s.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader}
			check := func(step string, wantFail bool) {
				t.Helper()
				_, err := conf.Token(ctxFor(t, s))
				switch {
				case !wantFail && err != nil:
					t.Errorf("%s: %v", step, err)
				case wantFail && (statusOf(err) != tc.status || errorCode(err) != tc.code):
					t.Errorf("%s: err = %v, want status %d, error %q", step, err, tc.status, tc.code)
				}
			}
			s.FailNext(2, tc.status, tc.code)
			check("1st of FailNext(2)", true)
			check("2nd of FailNext(2)", true)
			check("after FailNext(2)", false)
			s.FailWith(tc.status, tc.code)
			for i := range 3 {
				check(fmt.Sprintf("FailWith call %d", i), true)
			}
			s.ClearFailures()
			check("after ClearFailures", false)
			if got := s.TokenCalls("client_credentials"); got != 7 {
				t.Errorf("TokenCalls = %d, want 7", got)
			}
		})
	}
}

func TestLostResponse(t *testing.T) {
	t.Parallel()
	s := newAS(t, OAuthOptions{})
	conf := codeConfig(s, oauth2.AuthStyleInHeader)
	rt := codeFlow(t, s, conf).RefreshToken
	s.LoseNextResponses(1)
	_, err := refresh(t, s, conf, rt)
	if err == nil || errorCode(err) != "" {
		t.Fatalf("refresh with a lost response: err = %v, want a transport error", err)
	}
	// The server rotated before the response was lost: the retry is a reuse.
	if _, err := refresh(t, s, conf, rt); errorCode(err) != ErrInvalidGrant {
		t.Errorf("retry: err = %v, want invalid_grant", err)
	}
	if got := s.TokenCalls("refresh_token"); got != 2 {
		t.Errorf("TokenCalls(refresh_token) = %d, want 2", got)
	}
}

func TestLatencyHonorsCancellation(t *testing.T) {
	t.Parallel()
	s := newAS(t, OAuthOptions{})
	s.Latency(time.Hour)
	conf := &clientcredentials.Config{ClientID: testClientID, ClientSecret: testSecret, TokenURL: s.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader}
	ctx, cancel := context.WithCancel(ctxFor(t, s))
	done := make(chan error, 1)
	go func() {
		_, err := conf.Token(ctx)
		done <- err
	}()
	// Cancel once the call has reached the server, so it is held by Latency.
	for s.TotalTokenCalls() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Token: err = %v, want context.Canceled", err)
	}
	s.Latency(0)
	if _, err := conf.Token(ctxFor(t, s)); err != nil {
		t.Errorf("Token after Latency(0): %v", err)
	}
}

func TestQuirks(t *testing.T) {
	t.Parallel()
	s := newAS(t, OAuthOptions{
		ExpiresInString: true,
		TokenLifetime:   90 * time.Second,
		ExtraFields:     map[string]any{"id_token": "x.y.z", "expires_in": 1, "ext_expires_in": 7200},
	})
	conf := codeConfig(s, oauth2.AuthStyleInHeader)
	tok := codeFlow(t, s, conf)
	got := map[string]any{
		"expires_in":     tok.ExpiresIn,
		"raw expires_in": tok.Extra("expires_in"),
		"id_token":       tok.Extra("id_token"),
		"ext_expires_in": tok.Extra("ext_expires_in"),
	}
	want := map[string]any{
		"expires_in":     int64(90),
		"raw expires_in": "90",
		"id_token":       "x.y.z",
		"ext_expires_in": float64(7200),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("token (-want +got):\n%s", diff)
	}
}

func TestCertPEM(t *testing.T) {
	t.Parallel()
	s := newAS(t, OAuthOptions{})
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CertPEM()) {
		t.Fatal("CertPEM does not parse")
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	t.Cleanup(c.CloseIdleConnections)
	conf := &clientcredentials.Config{ClientID: testClientID, ClientSecret: testSecret, TokenURL: s.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader}
	if _, err := conf.Token(context.WithValue(t.Context(), oauth2.HTTPClient, c)); err != nil {
		t.Errorf("Token with a client trusting CertPEM: %v", err)
	}
}

func TestTokenRequestRefusals(t *testing.T) {
	t.Parallel()
	s := newAS(t, OAuthOptions{})
	post := func(form url.Values, basic bool) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.TokenURL(), strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if basic {
			req.SetBasicAuth(url.QueryEscape(testClientID), url.QueryEscape(testSecret))
		}
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			Error string `json:"error"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("decoding the error body: %v", err)
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", resp.Header.Get("Cache-Control"))
		}
		return resp.StatusCode, body.Error
	}
	type result struct {
		Status int
		Error  string
	}
	for _, tc := range []struct {
		name  string
		form  url.Values
		basic bool
		want  result
	}{
		{"two auth methods", url.Values{"grant_type": {"client_credentials"}, "client_secret": {testSecret}}, true, result{400, ErrInvalidRequest}},
		{"no client", url.Values{"grant_type": {"client_credentials"}}, false, result{401, ErrInvalidClient}},
		{"no grant type", url.Values{}, true, result{400, ErrInvalidRequest}},
		{"password grant", url.Values{"grant_type": {"password"}, "username": {"u"}, "password": {"p"}}, true, result{400, ErrUnsupportedGrantType}},
		{"repeated parameter", url.Values{"grant_type": {"client_credentials", "client_credentials"}}, true, result{400, ErrInvalidRequest}},
		{"refresh without token", url.Values{"grant_type": {"refresh_token"}}, true, result{400, ErrInvalidGrant}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, code := post(tc.form, tc.basic)
			if diff := cmp.Diff(tc.want, result{status, code}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestConcurrentMixed drives every endpoint and accessor from 400 goroutines at
// once; with -race it checks the locking.
func TestConcurrentMixed(t *testing.T) {
	t.Parallel()
	s := newAS(t, OAuthOptions{})
	conf := codeConfig(s, oauth2.AuthStyleInHeader)
	cc := &clientcredentials.Config{ClientID: testClientID, ClientSecret: testSecret, TokenURL: s.TokenURL(), AuthStyle: oauth2.AuthStyleInParams}
	const n = 400
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			switch i % 4 {
			case 0:
				if _, err := cc.Token(ctxFor(t, s)); err != nil {
					t.Errorf("client_credentials: %v", err)
				}
			case 1:
				codeFlow(t, s, conf)
			case 2:
				if _, err := refresh(t, s, conf, codeFlow(t, s, conf).RefreshToken); err != nil {
					t.Errorf("refresh: %v", err)
				}
			case 3:
				s.ValidAccessToken("x")
				s.TokenCalls("refresh_token")
				s.TotalTokenCalls()
				s.ExpireAll()
				s.Latency(0)
				s.ClearFailures()
				s.RegisterClient("client-"+strconv.Itoa(i), "secret", testRedirect)
			}
		})
	}
	wg.Wait()
	want := map[string]int{"client_credentials": n / 4, "authorization_code": n / 2, "refresh_token": n / 4}
	got := map[string]int{}
	for k := range want {
		got[k] = s.TokenCalls(k)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TokenCalls (-want +got):\n%s", diff)
	}
}
