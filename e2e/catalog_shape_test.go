package e2e

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
	gocmp "github.com/google/go-cmp/cmp"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/catalog"
	"github.com/actiongate/actiongate/internal/upstreamtest"
)

// The request-shape tests invoke every action of the catalog through the
// server, against a loopback upstream that checks the request the vendor
// documents for it and answers as the vendor's documented example does.

// shape is one request-shape case of a catalog action: the input, the
// request the vendor documents for it, and an answer shaped like the
// vendor's documented example.
type shape struct {
	action string
	input  string
	// method and path are what the upstream must receive; path is under the
	// connector's base endpoint path.
	method, path string
	// query is the query string the upstream must receive, compared as
	// parsed values; "" for none.
	query string
	// header holds request headers the upstream must receive besides the
	// authorization.
	header map[string]string
	// body is the JSON the upstream must receive; "" for no body, or for
	// the body given by raw or form.
	body string
	// raw is the exact body of a file upload, whose Content-Type header
	// says the type.
	raw string
	// form is a multipart/form-data body the upstream must receive, its
	// parts in order.
	form []formPart
	// status, contentType and answer are the upstream's answer; status 0 is
	// 200 and contentType "" is application/json.
	status      int
	contentType string
	answer      string
	// output is the invocation's expected Output; "" means answer itself.
	output string
}

// formPart is a part of a multipart/form-data body: a field, or a file
// when fileName is set.
type formPart struct {
	name, fileName, contentType, content string
}

// auth says how a type's connector authenticates in its shape test.
type auth int

const (
	apiKeyAuth auth = iota // API_KEY with Email
	oauthAuth              // OAUTH2_AUTHORIZATION_CODE, the user signed in
	basicAuth              // BASIC, sent as RFC 7617 credentials
)

func (a auth) String() string { return string(a.authType()) }

func (a auth) authType() actiongate.AuthType {
	switch a {
	case oauthAuth:
		return actiongate.AuthOAuth2AuthorizationCode
	case basicAuth:
		return actiongate.AuthBasic
	}
	return actiongate.AuthAPIKey
}

// shapeUpstream is a loopback TLS upstream that records each request and
// answers with the case last set.
type shapeUpstream struct {
	*httptest.Server
	mu     sync.Mutex
	answer shape
	seen   []seenRequest
}

func newShapeUpstream(t *testing.T) *shapeUpstream {
	u := &shapeUpstream{}
	u.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the body: %v", err)
		}
		u.mu.Lock()
		u.seen = append(u.seen, seenRequest{Method: r.Method, Path: r.URL.Path, EscapedPath: r.URL.EscapedPath(),
			Query: r.URL.Query(), Header: r.Header.Clone(), Body: string(body)})
		a := u.answer
		u.mu.Unlock()
		w.Header().Set("Content-Type", cmp.Or(a.contentType, "application/json; charset=utf-8"))
		w.WriteHeader(cmp.Or(a.status, http.StatusOK))
		io.WriteString(w, a.answer)
	}))
	t.Cleanup(u.Close)
	return u
}

// next sets the answer to the next request and forgets the requests seen.
func (u *shapeUpstream) next(a shape) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.answer, u.seen = a, nil
}

func (u *shapeUpstream) requests() []seenRequest {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.seen)
}

// testShapes creates a connector of typ authenticated by a, whose base
// endpoint is a loopback upstream at basePath, invokes every case through
// the server as a signed-in user, and checks the request the upstream
// received and the invocation's Output. It fails when an action of typ that
// sends one request (not a flow) has no case, or typ does not accept a.
func testShapes(t *testing.T, typ actiongate.ConnectorType, a auth, basePath string, cases []shape) {
	t.Helper()
	ct, ok := catalog.Lookup(typ)
	if !ok {
		t.Fatalf("the catalog has no %s", typ)
	}
	for _, def := range ct.Actions {
		if def.Flow == "" && !slices.ContainsFunc(cases, func(c shape) bool { return c.action == def.ID }) {
			t.Errorf("%s action %s has no request-shape case", typ, def.ID)
		}
	}
	if !slices.Contains(ct.Auth, a.authType()) {
		t.Errorf("%s does not accept %s, the authentication of its shape test", typ, a)
	}

	up := newShapeUpstream(t)
	s := startServer(t, serverOptions{env: []string{"SSL_CERT_FILE=" + certFile(t, up.Server)},
		args: []string{"--egress-allow", "127.0.0.1/32"}})
	admin := s.admin()
	registerUsers(t, admin, "alice")
	alice := user("alice")
	base := up.URL + basePath
	const id = "shapes"
	var wantAuth func(string) bool
	switch a {
	case apiKeyAuth:
		createConnector(t, admin, id, types.ActionConnectorType(typ), &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeApiKey,
			AuthenticationMetadata: &types.AuthenticationMetadataMemberApiKeyConnectionMetadata{Value: types.APIKeyConnectionMetadata{
				BaseEndpoint: aws.String(base), ApiKey: aws.String("api-key-0123"), Email: aws.String("agent@example.com")}}}, alice)
		want := apiKeyHeader(typ)
		wantAuth = func(h string) bool { return h == want }
	case basicAuth:
		createConnector(t, admin, id, types.ActionConnectorType(typ), basicCredentials(base, "COMM_USER", "s3cret-Passw0rd"), alice)
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte("COMM_USER:s3cret-Passw0rd"))
		wantAuth = func(h string) bool { return h == want }
	case oauthAuth:
		as := upstreamtest.NewOAuthServer(t, upstreamtest.OAuthOptions{})
		target, _ := url.Parse(s.URL)
		proxy := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(target))
		t.Cleanup(proxy.Close)
		redirect := proxy.URL + "/oauth/callback"
		as.RegisterClient("client-1", "client-secret-1", redirect)
		createConnector(t, admin, id, types.ActionConnectorType(typ),
			authCodeAuth(base, redirect, "client-1", "client-secret-1", as.AuthorizeURL(), as.TokenURL()), alice)
		signInWithBrowser(t, s, proxy, id, alice)
		wantAuth = func(h string) bool {
			tok, ok := strings.CutPrefix(h, "Bearer ")
			_, valid := as.ValidAccessToken(tok)
			return ok && valid
		}
	}

	x := s.adminExt()
	// The cases share one upstream, so they run one after another.
	for _, tc := range cases {
		t.Run(tc.action, func(t *testing.T) {
			up.next(tc)
			res := invoked(t, tc.action, x.invoke(t, id, tc.action, json.RawMessage(tc.input), alice))
			seen := up.requests()
			if len(seen) != 1 {
				t.Fatalf("the upstream received %d requests, want 1", len(seen))
			}
			r := seen[0]
			if r.Method != tc.method || r.Path != basePath+tc.path {
				t.Errorf("request = %s %s, want %s %s", r.Method, r.Path, tc.method, basePath+tc.path)
			}
			wantQuery, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			if diff := gocmp.Diff(wantQuery, r.Query); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
			if h := r.Header.Get("Authorization"); !wantAuth(h) {
				t.Errorf("Authorization = %q, not the form %s documents", h, typ)
			}
			for k, v := range tc.header {
				if g := r.Header.Get(k); g != v {
					t.Errorf("header %s = %q, want %q", k, g, v)
				}
			}
			switch {
			case tc.form != nil:
				if diff := gocmp.Diff(tc.form, formParts(t, r), gocmp.AllowUnexported(formPart{})); diff != "" {
					t.Errorf("form (-want +got):\n%s", diff)
				}
			case tc.raw != "":
				if r.Body != tc.raw {
					t.Errorf("body = %q, want %q", r.Body, tc.raw)
				}
			case tc.body == "":
				if len(r.Body) != 0 || r.Header.Get("Content-Type") != "" {
					t.Errorf("request has a body (%s) %q; want none", r.Header.Get("Content-Type"), r.Body)
				}
			default:
				if ct := r.Header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q, want application/json", ct)
				}
				jsonEqual(t, "body", []byte(r.Body), tc.body)
			}
			if res.UpstreamStatus != cmp.Or(tc.status, http.StatusOK) {
				t.Errorf("UpstreamStatus = %d", res.UpstreamStatus)
			}
			want := cmp.Or(tc.output, tc.answer)
			if want == "" {
				if res.Output != nil {
					t.Errorf("Output = %s, want none", res.Output)
				}
				return
			}
			jsonEqual(t, "Output", res.Output, want)
		})
	}
}

// formParts reads the multipart/form-data body of r.
func formParts(t *testing.T, r seenRequest) []formPart {
	t.Helper()
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("Content-Type = %q, want multipart/form-data", r.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(strings.NewReader(r.Body), params["boundary"])
	var parts []formPart
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return parts
		}
		if err != nil {
			t.Fatalf("reading the form: %v", err)
		}
		content, err := io.ReadAll(p)
		if err != nil {
			t.Fatalf("reading the form: %v", err)
		}
		part := formPart{name: p.FormName(), fileName: p.FileName(), content: string(content)}
		if part.fileName != "" {
			part.contentType = p.Header.Get("Content-Type")
		}
		parts = append(parts, part)
	}
}

// signInWithBrowser signs userARN in to connector id as a browser does:
// the sign-in URL, the authorization server, and the callback on proxy, a
// TLS front of s.
func signInWithBrowser(t *testing.T, s *server, proxy *httptest.Server, id, userARN string) {
	t.Helper()
	r := s.adminExt().do(t, "POST", connectorPath(id)+"/sign-in", map[string]any{"UserArn": userARN})
	var out struct{ SignInUrl string }
	if err := json.Unmarshal(r.Body, &out); err != nil || r.Status != http.StatusOK {
		t.Fatalf("sign-in answered %d %s", r.Status, r)
	}
	resp, err := browser(proxy, true).Get(out.SignInUrl)
	if err != nil {
		t.Fatalf("signing in: %v", err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "<h1>Signed in</h1>") {
		t.Fatalf("the sign-in ended with %d:\n%s", resp.StatusCode, page)
	}
}

// apiKeyHeader is the Authorization header each vendor documents for an
// API key "api-key-0123" of the account agent@example.com.
func apiKeyHeader(t actiongate.ConnectorType) string {
	b64 := func(s string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(s)) }
	switch t {
	case actiongate.TypeJiraCloud, actiongate.TypeAtlassianConfluence:
		return b64("agent@example.com:api-key-0123") // Atlassian: Basic auth for REST APIs
	case actiongate.TypeZendeskSuite:
		return b64("agent@example.com/token:api-key-0123") // Zendesk: API token
	case actiongate.TypeBambooHR:
		return b64("api-key-0123:x") // BambooHR: the key as user name
	}
	return "Bearer api-key-0123" // Slack bot tokens, Smartsheet access tokens
}

// pemFile writes PEM certificates to a file for the server's SSL_CERT_FILE.
func pemFile(t testing.TB, pem []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "roots.pem")
	if err := os.WriteFile(p, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
