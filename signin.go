package actiongate

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"io"
	"net/url"
	"strings"
	"time"
)

// SignInTTL is how long a user has to complete a 3LO sign-in once started.
const SignInTTL = 10 * time.Minute

// SignInStart is where to send a user to sign in to a 3LO connector.
type SignInStart struct {
	// URL is the start URL: the origin of the connector's RedirectUrl, path
	// /oauth/start, and the sign-in's state. Opening it redirects to the
	// connector's authorization endpoint.
	URL     string
	State   string
	Expires time.Time
}

// StartSignIn begins a 3LO sign-in (RFC 6749 §4.1 with PKCE, RFC 7636) of a
// QuickSight user to an OAUTH2_AUTHORIZATION_CODE connector. The caller and
// the user are checked as by InvokeAction. It keeps the sign-in's state and
// sealed code verifier for SignInTTL and returns the start URL to give the
// user. Errors: KindInvalid when the connector does not sign users in,
// KindDenied, KindNotFound.
func (s *Service) StartSignIn(ctx context.Context, caller *Identity, account, id, userARN string) (*SignInStart, error) {
	c, user, err := s.usableConnector(ctx, caller, account, id, userARN)
	if err != nil {
		return nil, err
	}
	a := c.Auth.AuthorizationCode
	if a == nil {
		return nil, Errorf(KindInvalid, "Action connector %s authenticates with %s; only OAUTH2_AUTHORIZATION_CODE connectors sign users in.", c.ID, c.Auth.Type)
	}
	if a.Client == nil || a.AuthorizationEndpoint == "" {
		return nil, Errorf(KindInvalid, "Action connector %s has no OAuth client with an authorization endpoint; set AuthorizationCodeGrantCredentialsDetails with UpdateActionConnector.", c.ID)
	}
	redirect, err := url.Parse(a.RedirectURL)
	if err != nil || redirect.Host == "" {
		return nil, Errorf(KindInvalid, "The RedirectUrl of action connector %s is not a URL.", c.ID)
	}
	state, err := s.randomToken()
	if err != nil {
		return nil, err
	}
	verifier, err := s.randomToken()
	if err != nil {
		return nil, err
	}
	sealed, err := s.sealer.Seal([]byte(verifier), SignInVerifierRef(account, state).AAD())
	if err != nil {
		return nil, Internal(err)
	}
	now := s.now()
	p := &SignIn{State: state, AccountID: account, ConnectorID: c.ID, UserARN: user, Verifier: sealed, Expires: now.Add(SignInTTL)}
	if _, err := s.store.SignInPurge(ctx, now); err != nil {
		return nil, Internal(err)
	}
	if err := s.store.SignInCreate(ctx, p); err != nil {
		return nil, Internal(err)
	}
	start := url.URL{Scheme: redirect.Scheme, Host: redirect.Host, Path: "/oauth/start", RawQuery: url.Values{"state": {state}}.Encode()}
	return &SignInStart{URL: start.String(), State: state, Expires: p.Expires}, nil
}

// randomToken returns 256 random bits, base64url without padding: 43
// characters, fit for an OAuth state (RFC 6749 §10.10) and a PKCE code
// verifier (RFC 7636 §4.1).
func (s *Service) randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return "", Internal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// SignInRedirect returns the authorization endpoint URL that the start URL
// of a pending sign-in redirects to. KindInvalid when the sign-in is
// unknown, used or expired.
func (s *Service) SignInRedirect(ctx context.Context, state string) (string, error) {
	p, err := s.store.SignInGet(ctx, state)
	if err := s.pendingSignIn(p, err); err != nil {
		return "", err
	}
	c, err := s.store.ConnectorGet(ctx, p.AccountID, p.ConnectorID)
	if err != nil {
		return "", s.storeError(err, p.ConnectorID)
	}
	verifier, err := s.sealer.Open(p.Verifier, SignInVerifierRef(p.AccountID, p.State).AAD())
	if err != nil {
		return "", Internal(err)
	}
	return s.runtime.AuthorizationURL(c, p.State, string(verifier))
}

// SignInCallback is what the authorization server sent the user back with
// (RFC 6749 §4.1.2), and where.
type SignInCallback struct {
	Path  string // the path the callback arrived at
	State string
	Code  string
	// Error is the error code of a refused authorization; "" on success.
	Error string
}

// CompleteSignIn finishes a 3LO sign-in: it takes the pending sign-in of
// in.State (each is used once), checks that the callback arrived at the
// connector's RedirectUrl, exchanges the code with the PKCE verifier, and
// keeps the user's tokens. It returns the sign-in. Errors: KindInvalid for an
// unknown, used or expired state or the wrong callback path, KindDenied when
// the authorization server refused, KindTokenResponse.
func (s *Service) CompleteSignIn(ctx context.Context, in SignInCallback) (*SignIn, error) {
	p, err := s.store.SignInTake(ctx, in.State)
	if err := s.pendingSignIn(p, err); err != nil {
		return nil, err
	}
	if in.Error != "" {
		return nil, Errorf(KindDenied, "The authorization server did not sign the user in: %s.", oauthErrorCode(in.Error))
	}
	if in.Code == "" {
		return nil, Errorf(KindInvalid, "The callback carries no authorization code.")
	}
	c, err := s.store.ConnectorGet(ctx, p.AccountID, p.ConnectorID)
	if err != nil {
		return nil, s.storeError(err, p.ConnectorID)
	}
	c.ARN = ConnectorARN(s.region, c.AccountID, c.ID)
	a := c.Auth.AuthorizationCode
	if a == nil {
		return nil, Errorf(KindInvalid, "Action connector %s no longer signs users in.", c.ID)
	}
	redirect, err := url.Parse(a.RedirectURL)
	if err != nil || subtle.ConstantTimeCompare([]byte(redirect.Path), []byte(in.Path)) != 1 {
		return nil, Errorf(KindInvalid, "This sign-in belongs at the RedirectUrl of action connector %s, not here.", c.ID)
	}
	if err := s.openSecrets(ctx, c); err != nil {
		return nil, err
	}
	verifier, err := s.sealer.Open(p.Verifier, SignInVerifierRef(p.AccountID, p.State).AAD())
	if err != nil {
		return nil, Internal(err)
	}
	if err := s.runtime.Exchange(ctx, c, p.UserARN, in.Code, string(verifier)); err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "user signed in", "account_id", p.AccountID, "connector_id", p.ConnectorID, "user_arn", p.UserARN)
	return p, nil
}

// pendingSignIn checks the result of fetching a pending sign-in.
func (s *Service) pendingSignIn(p *SignIn, err error) error {
	if KindOf(err) == KindNotFound || err == nil && !s.now().Before(p.Expires) {
		return Errorf(KindInvalid, "This sign-in is unknown, was used already, or has expired; start a new one.")
	}
	if err != nil {
		return Internal(err)
	}
	return nil
}

// oauthErrorCode keeps an error code from a callback printable and short:
// RFC 6749 §4.1.2.1 codes are ASCII letters and underscores.
func oauthErrorCode(code string) string {
	code = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' {
			return r
		}
		return -1
	}, code)
	if len(code) > 64 {
		code = code[:64]
	}
	return code
}
