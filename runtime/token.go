package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/actiongate/actiongate"
)

// tokenSet is an OAuth token set as it is sealed in the Store.
type tokenSet struct {
	AccessToken  string    `json:"access_token,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	// Issued is when the token set was obtained.
	Issued time.Time `json:"issued,omitzero"`
	// Reconnect records that the authorization server refused the refresh
	// token: the user must sign in again.
	Reconnect bool `json:"reconnect,omitempty"`
}

// tokenCache keeps opened access tokens in memory until they are due for
// renewal, so that invocations do not open the Store's copy each time. A
// token renewed by another process is picked up when this copy falls due.
//
// Entries are keyed by the connector's Version as well, so that a token
// cached before a change of the connector (whose tokens the change may have
// dropped) is not used after it.
type tokenCache struct {
	mu sync.Mutex
	m  map[tokenKey]tokenSet
}

type tokenKey struct {
	ref     actiongate.SecretRef
	version int64
}

// maxCachedTokens bounds the tokens kept; past it the cache starts over.
const maxCachedTokens = 100_000

func (c *tokenCache) get(k tokenKey) (tokenSet, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.m[k]
	return t, ok
}

func (c *tokenCache) put(k tokenKey, t tokenSet) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedTokens {
		c.m = make(map[tokenKey]tokenSet)
	}
	c.m[k] = t
}

// tokenLease is how long one process may take to renew a token before
// another may try; it outlasts the client's call timeout.
const tokenLease = 45 * time.Second

// fresh reports whether t is not yet due for renewal: it has RefreshAhead
// left, or half its lifetime for tokens that live less than twice that. A
// token without an expiry stays fresh.
func (r *Runtime) fresh(t tokenSet) bool {
	if t.AccessToken == "" || t.Reconnect {
		return false
	}
	if t.Expiry.IsZero() {
		return true
	}
	ahead := r.refreshAhead
	if !t.Issued.IsZero() {
		ahead = min(ahead, t.Expiry.Sub(t.Issued)/2)
	}
	return r.now().Add(ahead).Before(t.Expiry)
}

// token returns an access token of c for user ("" for the connector's own,
// client-credentials token), renewing it when it is due.
//
// Renewal happens once per token however many callers and processes want
// it: callers in one process share one renewal (singleflight), and processes
// take a lease in the Store. The lease holder re-reads the token after
// taking the lease, since another process may have renewed it meanwhile,
// and calls the token endpoint with no database transaction open; the
// others poll the Store for the renewed token.
func (r *Runtime) token(ctx context.Context, c *actiongate.Connector, user string) (string, error) {
	ref := actiongate.TokenRef(c.AccountID, c.ID, user)
	if t, ok := r.tokens.get(tokenKey{ref, c.Version}); ok && r.fresh(t) {
		return t.AccessToken, nil
	}
	key := "token\x00" + ref.AccountID + "\x00" + ref.OwnerID + "\x00" + ref.Field
	v, err, _ := r.flight.Do(key, func() (any, error) {
		// The renewal serves every waiting caller, not only the first.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.refreshWait+tokenLease)
		defer cancel()
		return r.renew(ctx, c, user, ref)
	})
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

func (r *Runtime) renew(ctx context.Context, c *actiongate.Connector, user string, ref actiongate.SecretRef) (string, error) {
	lease := "token/" + ref.AccountID + "/" + ref.OwnerID + "/" + ref.Field
	deadline := r.now().Add(r.refreshWait)
	for {
		t, _, err := r.loadToken(ctx, ref)
		if err != nil {
			return "", err
		}
		if t != nil && r.fresh(*t) {
			r.tokens.put(tokenKey{ref, c.Version}, *t)
			return t.AccessToken, nil
		}
		if err := signedIn(c, user, t); err != nil {
			return "", err
		}
		now := r.now()
		won, err := r.store.LeaseAcquire(ctx, lease, r.holder, now, now.Add(tokenLease))
		if err != nil {
			return "", actiongate.Internal(err)
		}
		if won {
			return r.renewHolding(ctx, c, user, ref, lease)
		}
		if r.now().After(deadline) {
			return "", actiongate.Errorf(actiongate.KindTokenResponse, "Renewing the access token of action connector %s took too long; retry.", c.ID)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// renewHolding renews the token while holding its lease.
func (r *Runtime) renewHolding(ctx context.Context, c *actiongate.Connector, user string, ref actiongate.SecretRef, lease string) (string, error) {
	defer func() {
		if err := r.store.LeaseRelease(context.WithoutCancel(ctx), lease, r.holder); err != nil {
			r.log.ErrorContext(ctx, "releasing a lease", "lease", lease, "err", err)
		}
	}()
	t, ct, err := r.loadToken(ctx, ref)
	if err != nil {
		return "", err
	}
	if t != nil && r.fresh(*t) {
		r.tokens.put(tokenKey{ref, c.Version}, *t)
		return t.AccessToken, nil
	}
	if err := signedIn(c, user, t); err != nil {
		return "", err
	}
	var next tokenSet
	if user == "" {
		next, err = r.clientCredentials(ctx, c)
	} else {
		next, err = r.refresh(ctx, c, *t)
	}
	var retrieve *oauth2.RetrieveError
	if user != "" && errors.As(err, &retrieve) && retrieve.ErrorCode == "invalid_grant" {
		// The refresh token is spent or revoked; only a new sign-in helps.
		if err := r.saveToken(ctx, ref, ct, tokenSet{Reconnect: true}); err != nil {
			return "", err
		}
		return "", reconnect(c, user)
	}
	if err != nil {
		return "", r.tokenError(ctx, c, err)
	}
	if err := r.saveToken(ctx, ref, ct, next); err != nil {
		return "", err
	}
	r.tokens.put(tokenKey{ref, c.Version}, next)
	return next.AccessToken, nil
}

// signedIn checks that user has 3LO tokens that can be renewed.
func signedIn(c *actiongate.Connector, user string, t *tokenSet) error {
	switch {
	case user == "":
		return nil
	case t == nil:
		return actiongate.Errorf(actiongate.KindAccessTokenNotFound,
			"User %s has not signed in to action connector %s; start a sign-in with POST .../action-connectors/%s/sign-in.", user, c.ID, c.ID)
	case t.Reconnect || t.RefreshToken == "":
		return reconnect(c, user)
	}
	return nil
}

func reconnect(c *actiongate.Connector, user string) error {
	return actiongate.Errorf(actiongate.KindAccessTokenNotFound,
		"The sign-in of user %s to action connector %s has expired or was revoked; the user must sign in again.", user, c.ID)
}

// tokenError turns a failed token request into the error callers see: the
// OAuth error code and HTTP status, never the endpoint's body.
func (r *Runtime) tokenError(ctx context.Context, c *actiongate.Connector, err error) error {
	r.log.WarnContext(ctx, "token request failed", "account_id", c.AccountID, "connector_id", c.ID, "err", err)
	var retrieve *oauth2.RetrieveError
	if errors.As(err, &retrieve) && retrieve.Response != nil {
		code := retrieve.ErrorCode
		if code == "" {
			code = "no OAuth error code"
		}
		return actiongate.Errorf(actiongate.KindTokenResponse,
			"The token endpoint of action connector %s refused the request: %s (HTTP %d).", c.ID, code, retrieve.Response.StatusCode)
	}
	return actiongate.Errorf(actiongate.KindTokenResponse,
		"The token endpoint of action connector %s could not be reached: the connection failed, timed out, or goes to an address the egress policy does not allow.", c.ID)
}

// loadToken returns the token set stored under ref and its ciphertext; nil
// and nil when there is none.
func (r *Runtime) loadToken(ctx context.Context, ref actiongate.SecretRef) (*tokenSet, []byte, error) {
	ct, err := r.store.SecretGet(ctx, ref)
	if actiongate.KindOf(err) == actiongate.KindNotFound {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, actiongate.Internal(err)
	}
	pt, err := r.sealer.Open(ct, ref.AAD())
	if err != nil {
		return nil, nil, actiongate.Internal(err)
	}
	var t tokenSet
	if err := json.Unmarshal(pt, &t); err != nil {
		return nil, nil, actiongate.Internal(err)
	}
	return &t, ct, nil
}

// saveToken seals t under ref in place of prev (nil: there was none). A
// token another process stored meanwhile is not overwritten: it wins.
func (r *Runtime) saveToken(ctx context.Context, ref actiongate.SecretRef, prev []byte, t tokenSet) error {
	err := r.storeToken(ctx, ref, prev, t)
	switch actiongate.KindOf(err) {
	case actiongate.KindExists, actiongate.KindConflict, actiongate.KindNotFound:
		r.log.WarnContext(ctx, "a token was renewed twice", "account_id", ref.AccountID, "connector_id", ref.OwnerID)
		return nil
	}
	return err
}

// storeToken seals t under ref if the stored ciphertext is still prev (nil:
// there is none). Errors: KindExists, KindConflict, KindNotFound when it is
// not, KindInternal.
func (r *Runtime) storeToken(ctx context.Context, ref actiongate.SecretRef, prev []byte, t tokenSet) error {
	pt, err := json.Marshal(t)
	if err != nil {
		return actiongate.Internal(err)
	}
	ct, err := r.sealer.Seal(pt, ref.AAD())
	if err != nil {
		return actiongate.Internal(err)
	}
	if prev == nil {
		err = r.store.SecretCreate(ctx, actiongate.SealedSecret{Ref: ref, Ciphertext: ct})
	} else {
		err = r.store.SecretReplace(ctx, ref, prev, ct)
	}
	switch k := actiongate.KindOf(err); {
	case err == nil:
		return nil
	case k == actiongate.KindExists || k == actiongate.KindConflict || k == actiongate.KindNotFound:
		return err
	}
	return actiongate.Internal(err)
}

// oauthContext carries the egress guard's client to golang.org/x/oauth2.
func (r *Runtime) oauthContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, r.client)
}

// clientCredentials fetches a token with the client credentials grant (RFC
// 6749 §4.4). The client authenticates with HTTP Basic or, when the endpoint
// refuses that, in the body.
func (r *Runtime) clientCredentials(ctx context.Context, c *actiongate.Connector) (tokenSet, error) {
	cl := c.Auth.ClientCredentials.Client
	if cl == nil {
		return tokenSet{}, actiongate.Errorf(actiongate.KindTokenResponse, "Action connector %s has no OAuth client to fetch tokens with.", c.ID)
	}
	cfg := clientcredentials.Config{
		ClientID:     cl.ClientID,
		ClientSecret: string(cl.ClientSecret.Reveal()),
		TokenURL:     cl.TokenEndpoint,
		AuthStyle:    oauth2.AuthStyleAutoDetect,
	}
	tok, err := cfg.Token(r.oauthContext(ctx))
	if err != nil {
		return tokenSet{}, err
	}
	return r.tokenSet(tok), nil
}

// tokenSet is the token set of an OAuth token response.
func (r *Runtime) tokenSet(tok *oauth2.Token) tokenSet {
	return tokenSet{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry, Issued: r.now()}
}

// authCodeConfig is the OAuth client of a 3LO connector.
func authCodeConfig(c *actiongate.Connector) (*oauth2.Config, error) {
	a := c.Auth.AuthorizationCode
	if a == nil || a.Client == nil || a.AuthorizationEndpoint == "" {
		return nil, actiongate.Errorf(actiongate.KindInvalid,
			"Action connector %s has no OAuth client with an authorization endpoint to sign in with.", c.ID)
	}
	return &oauth2.Config{
		ClientID:     a.Client.ClientID,
		ClientSecret: string(a.Client.ClientSecret.Reveal()),
		Endpoint: oauth2.Endpoint{
			AuthURL:   a.AuthorizationEndpoint,
			TokenURL:  a.Client.TokenEndpoint,
			AuthStyle: oauth2.AuthStyleAutoDetect,
		},
		RedirectURL: a.RedirectURL,
	}, nil
}

// refresh renews a 3LO token set with its refresh token (RFC 6749 §6). When
// the server rotates refresh tokens the new one replaces the old; when it
// sends none the old one is kept.
func (r *Runtime) refresh(ctx context.Context, c *actiongate.Connector, t tokenSet) (tokenSet, error) {
	cfg, err := authCodeConfig(c)
	if err != nil {
		return tokenSet{}, err
	}
	tok, err := cfg.TokenSource(r.oauthContext(ctx), &oauth2.Token{RefreshToken: t.RefreshToken, Expiry: time.Unix(1, 0)}).Token()
	if err != nil {
		return tokenSet{}, err
	}
	next := r.tokenSet(tok)
	if next.RefreshToken == "" {
		next.RefreshToken = t.RefreshToken
	}
	return next, nil
}

// AuthorizationURL returns the URL of c's authorization endpoint that signs
// a user in (RFC 6749 §4.1.1) with state and the S256 challenge of verifier
// (RFC 7636 §4.2).
func (r *Runtime) AuthorizationURL(c *actiongate.Connector, state, verifier string) (string, error) {
	cfg, err := authCodeConfig(c)
	if err != nil {
		return "", err
	}
	return cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), nil
}

// Exchange trades an authorization code for user's tokens on c (RFC 6749
// §4.1.3, with the PKCE verifier) and keeps them sealed, in place of any the
// user had.
func (r *Runtime) Exchange(ctx context.Context, c *actiongate.Connector, user, code, verifier string) error {
	cfg, err := authCodeConfig(c)
	if err != nil {
		return err
	}
	tok, err := cfg.Exchange(r.oauthContext(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return r.tokenError(ctx, c, err)
	}
	t := r.tokenSet(tok)
	ref := actiongate.TokenRef(c.AccountID, c.ID, user)
	for range 3 {
		_, prev, err := r.loadToken(ctx, ref)
		if err != nil {
			return err
		}
		err = r.storeToken(ctx, ref, prev, t)
		if err == nil {
			r.tokens.put(tokenKey{ref, c.Version}, t)
			return nil
		}
		if k := actiongate.KindOf(err); k != actiongate.KindExists && k != actiongate.KindConflict && k != actiongate.KindNotFound {
			return err
		}
	}
	return actiongate.Errorf(actiongate.KindConflict, "The sign-in of user %s raced another; sign in again.", user)
}
