// Package upstreamtest runs loopback fakes of the third-party services the action
// runtime talks to, for tests: an OAuth 2.0 authorization server (OAuthServer),
// the AWS Security Token Service (STSServer), and AWS service endpoints that check
// SigV4 signatures made with the credentials STS issued (AWSService).
//
// The fakes reproduce the documented upstream protocols, not a guess at them, so
// that real clients (golang.org/x/oauth2, the AWS SDK for Go v2) work against them
// unchanged:
//
//   - OAuthServer implements the authorization endpoint of RFC 6749 §4.1.1 with
//     the PKCE extension of RFC 7636 §4.3 (S256 only), and the token endpoint of
//     RFC 6749 §3.2 for the authorization_code (§4.1.3), client_credentials
//     (§4.4.2) and refresh_token (§6) grants, with client authentication by
//     client_secret_basic and client_secret_post (§2.3.1), responses of §5.1 and
//     errors of §5.2. Refresh-token rotation and reuse detection follow RFC 9700
//     §4.14.2. Knobs inject the failures listed in the reliability research (§4.3):
//     errors, latency and lost responses.
//   - STSServer implements the AssumeRole action of the STS Query API, version
//     2011-06-15 ("AWS Security Token Service API Reference", AssumeRole and
//     "Common Errors"), behind SigV4 verification by package sigv4.
//
// Both serve TLS on 127.0.0.1 through net/http/httptest and are closed by
// t.Cleanup. Their Client method returns an *http.Client that trusts the server's
// certificate, and CertPEM returns that certificate for processes started by a
// system test (SSL_CERT_FILE). All methods are safe for concurrent use.
package upstreamtest
