package runtime_test

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"log/slog"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/internal/upstreamtest"
	"github.com/actiongate/actiongate/runtime"
	"github.com/actiongate/actiongate/runtime/egress"
)

// clock is a settable clock shared by the runtimes and the authorization
// server of a test.
type clock struct{ t atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.t.Store(time.Now().UnixNano())
	return c
}

func (c *clock) now() time.Time          { return time.Unix(0, c.t.Load()) }
func (c *clock) advance(d time.Duration) { c.t.Add(int64(d)) }

// oauthEnv is an authorization server, a resource server that accepts its
// tokens, and runtimes sharing one store.
type oauthEnv struct {
	*env
	as    *upstreamtest.OAuthServer
	url   string
	clock *clock
}

func newOAuthEnv(t *testing.T, opts upstreamtest.OAuthOptions) *oauthEnv {
	t.Helper()
	c := newClock()
	opts.Now = c.now
	as := upstreamtest.NewOAuthServer(t, opts)
	as.RegisterClient("client-1", "client-secret-1", "https://gate.example/sn/oauthcallback")
	srv, _ := recorder(t, func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if _, valid := as.ValidAccessToken(tok); !ok || !valid {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	})
	e := newEnv(t, srv)
	e.rootsFromPEM(t, as.CertPEM())
	oe := &oauthEnv{env: e, as: as, url: srv.URL, clock: c}
	e.rt = oe.runtime()
	return oe
}

func (e *env) rootsFromPEM(t *testing.T, pem []byte) {
	if !e.roots.AppendCertsFromPEM(pem) {
		t.Fatal("no certificate in PEM")
	}
}

// runtime returns another runtime over the env's store, on the env's clock.
func (e *oauthEnv) runtime() *runtime.Runtime {
	guard := egress.New(egress.Config{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, RootCAs: e.roots})
	return runtime.New(runtime.Config{Store: e.store, Sealer: e.seal, Client: guard.Client(), Logger: slog.New(slog.DiscardHandler), Now: e.clock.now})
}

func (e *oauthEnv) clientCredentials(id string) *actiongate.Connector {
	return connector(id, actiongate.TypeGenericHTTP, actiongate.AuthConfig{Type: actiongate.AuthOAuth2ClientCredentials,
		ClientCredentials: &actiongate.ClientCredentialsAuth{BaseEndpoint: e.url,
			Client: &actiongate.OAuthClient{ClientID: "client-1", ClientSecret: secret("client-secret-1"), TokenEndpoint: e.as.TokenURL()}}})
}

func (e *oauthEnv) authorizationCode(id string) *actiongate.Connector {
	return connector(id, actiongate.TypeGenericHTTP, actiongate.AuthConfig{Type: actiongate.AuthOAuth2AuthorizationCode,
		AuthorizationCode: &actiongate.AuthorizationCodeAuth{BaseEndpoint: e.url, RedirectURL: "https://gate.example/sn/oauthcallback",
			AuthorizationEndpoint: e.as.AuthorizeURL(),
			Client:                &actiongate.OAuthClient{ClientID: "client-1", ClientSecret: secret("client-secret-1"), TokenEndpoint: e.as.TokenURL()}}})
}

const alice = "arn:aws:quicksight:us-east-1:111122223333:user/default/alice"

func TestClientCredentialsRenewedOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	e := newOAuthEnv(t, upstreamtest.OAuthOptions{})
	c := e.clientCredentials("c1")
	if _, err := e.rt.Invoke(t.Context(), httpRequest(c, `{"Method":"GET","Path":"/x"}`)); err != nil {
		t.Fatal(err)
	}
	if n := e.as.TokenCalls("client_credentials"); n != 1 {
		t.Fatalf("token calls after the first invocation = %d, want 1", n)
	}
	// Two runtimes, as two processes sharing one database, and a token that
	// fell due: 200 concurrent invocations renew it once.
	runtimes := []*runtime.Runtime{e.rt, e.runtime()}
	e.clock.advance(3599 * time.Second)
	var wg sync.WaitGroup
	var failures atomic.Int32
	for i := range 200 {
		wg.Go(func() {
			if _, err := runtimes[i%2].Invoke(t.Context(), httpRequest(c, `{"Method":"GET","Path":"/x"}`)); err != nil {
				failures.Add(1)
				t.Log(err)
			}
		})
	}
	wg.Wait()
	if n := e.as.TokenCalls("client_credentials"); n != 2 || failures.Load() != 0 {
		t.Errorf("token calls = %d, failures = %d; want 2 and 0", n, failures.Load())
	}
}

func TestShortLivedTokensAreNotRenewedOnEveryCall(t *testing.T) {
	t.Parallel()
	e := newOAuthEnv(t, upstreamtest.OAuthOptions{TokenLifetime: 20 * time.Second})
	c := e.clientCredentials("c1")
	for range 5 {
		if _, err := e.rt.Invoke(t.Context(), httpRequest(c, `{"Method":"GET","Path":"/x"}`)); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.as.TokenCalls("client_credentials"); n != 1 {
		t.Errorf("token calls = %d, want 1: a 20 s token is renewed at half its life, not before every call", n)
	}
	e.clock.advance(11 * time.Second)
	if _, err := e.rt.Invoke(t.Context(), httpRequest(c, `{"Method":"GET","Path":"/x"}`)); err != nil {
		t.Fatal(err)
	}
	if n := e.as.TokenCalls("client_credentials"); n != 2 {
		t.Errorf("token calls past half the lifetime = %d, want 2", n)
	}
}

func TestTokenEndpointFailure(t *testing.T) {
	t.Parallel()
	e := newOAuthEnv(t, upstreamtest.OAuthOptions{})
	e.as.FailWith(http.StatusInternalServerError, "server_error")
	_, err := e.rt.Invoke(t.Context(), httpRequest(e.clientCredentials("c1"), `{"Method":"GET","Path":"/x"}`))
	if actiongate.KindOf(err) != actiongate.KindTokenResponse {
		t.Fatalf("err = %v, want KindTokenResponse", err)
	}
	if msg := actiongate.MessageOf(err); !strings.Contains(msg, "server_error") || strings.Contains(msg, "client-secret-1") {
		t.Errorf("message = %q: want the OAuth error code, never the secret", msg)
	}
}

// signIn runs the browser's part of a 3LO sign-in against the fake
// authorization server and exchanges the code.
func (e *oauthEnv) signIn(t *testing.T, c *actiongate.Connector, user string) {
	t.Helper()
	const state, verifier = "state-0123456789-0123456789-0123456789-0123", "verifier-0123456789-0123456789-0123456789-0123"
	authURL, err := e.rt.AuthorizationURL(c, state, verifier)
	if err != nil {
		t.Fatal(err)
	}
	browser := e.as.Client()
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := browser.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("state") != state || loc.Query().Get("code") == "" {
		t.Fatalf("authorize answered %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if err := e.rt.Exchange(t.Context(), c, user, loc.Query().Get("code"), verifier); err != nil {
		t.Fatal(err)
	}
}

func TestAuthorizationCodeLifecycle(t *testing.T) {
	t.Parallel()
	e := newOAuthEnv(t, upstreamtest.OAuthOptions{})
	c := e.authorizationCode("c1")
	invoke := func() error {
		call := httpRequest(c, `{"Method":"GET","Path":"/x"}`)
		call.UserARN = alice
		_, err := e.rt.Invoke(t.Context(), call)
		return err
	}
	if err := invoke(); actiongate.KindOf(err) != actiongate.KindAccessTokenNotFound {
		t.Fatalf("before sign-in: err = %v, want KindAccessTokenNotFound", err)
	}
	e.signIn(t, c, alice)
	if err := invoke(); err != nil {
		t.Fatalf("after sign-in: %v", err)
	}
	// The token falls due: it is refreshed, and the rotated refresh token is
	// kept, so that the next refresh works too.
	for i := 1; i <= 2; i++ {
		e.clock.advance(3599 * time.Second)
		if err := invoke(); err != nil {
			t.Fatalf("refresh %d: %v", i, err)
		}
		if n := e.as.TokenCalls("refresh_token"); n != i {
			t.Fatalf("refresh calls = %d, want %d", n, i)
		}
	}
	// The refresh token is revoked: the user must sign in again, and the
	// authorization server is not asked again until they do.
	e.as.FailWith(http.StatusBadRequest, "invalid_grant")
	e.clock.advance(3599 * time.Second)
	if err := invoke(); actiongate.KindOf(err) != actiongate.KindAccessTokenNotFound {
		t.Fatalf("after invalid_grant: err = %v, want KindAccessTokenNotFound", err)
	}
	refused := e.as.TokenCalls("refresh_token")
	for range 3 {
		if err := invoke(); actiongate.KindOf(err) != actiongate.KindAccessTokenNotFound {
			t.Fatalf("after invalid_grant: err = %v, want KindAccessTokenNotFound", err)
		}
	}
	if n := e.as.TokenCalls("refresh_token"); n != refused {
		t.Errorf("refresh calls = %d after the refusal, want %d: none until the user signs in again", n, refused)
	}
	e.as.ClearFailures()
	e.signIn(t, c, alice)
	if err := invoke(); err != nil {
		t.Fatalf("after signing in again: %v", err)
	}
}

func TestUsersTokensAreTheirOwn(t *testing.T) {
	t.Parallel()
	e := newOAuthEnv(t, upstreamtest.OAuthOptions{})
	c := e.authorizationCode("c1")
	e.signIn(t, c, alice)
	call := httpRequest(c, `{"Method":"GET","Path":"/x"}`)
	call.UserARN = "arn:aws:quicksight:us-east-1:111122223333:user/default/bob"
	if _, err := e.rt.Invoke(t.Context(), call); actiongate.KindOf(err) != actiongate.KindAccessTokenNotFound {
		t.Errorf("bob invoking with alice signed in: err = %v, want KindAccessTokenNotFound", err)
	}
}

// TestTolerantOfTokenEndpoints runs the client credentials grant against
// token endpoints as they are found in the wild: accepting only one client
// authentication method, sending expires_in as a string, adding members of
// their own.
func TestTolerantOfTokenEndpoints(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]upstreamtest.OAuthOptions{
		"client_secret_basic only": {ClientAuth: upstreamtest.ClientSecretBasic},
		"client_secret_post only":  {ClientAuth: upstreamtest.ClientSecretPost},
		"expires_in as a string":   {ExpiresInString: true, TokenLifetime: 20 * time.Second},
		"extra members":            {ExtraFields: map[string]any{"instance_url": "https://example.my.salesforce.com", "scope": 7}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newOAuthEnv(t, opts)
			c := e.clientCredentials("c1")
			for range 3 {
				if _, err := e.rt.Invoke(t.Context(), httpRequest(c, `{"Method":"GET","Path":"/x"}`)); err != nil {
					t.Fatal(err)
				}
			}
			if n := e.as.TokenCalls("client_credentials"); n < 1 || n > 2 {
				t.Errorf("token calls = %d, want one token (two calls when the first client authentication method is refused)", n)
			}
			if opts.TokenLifetime != 0 {
				// The lifetime was read from the string: the token falls due.
				e.clock.advance(11 * time.Second)
				before := e.as.TokenCalls("client_credentials")
				if _, err := e.rt.Invoke(t.Context(), httpRequest(c, `{"Method":"GET","Path":"/x"}`)); err != nil {
					t.Fatal(err)
				}
				if e.as.TokenCalls("client_credentials") != before+1 {
					t.Errorf("a 20 s token given as a string was not renewed after 11 s")
				}
			}
		})
	}
}
