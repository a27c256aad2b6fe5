package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
	"github.com/google/go-cmp/cmp"

	"github.com/actiongate/actiongate/internal/upstreamtest"
)

// The system tests of the action runtime (issue 6): actions invoked through
// the real binary, with signed requests, against upstreams that run on
// loopback in the test. The server allowlists 127.0.0.1/32 for them
// (--egress-allow) and trusts their certificate through SSL_CERT_FILE; every
// httptest TLS server, the fakes of package upstreamtest included, presents
// the same certificate.

// extClient sends SigV4-signed requests to the extension routes of DESIGN.md,
// which the QuickSight SDK does not know.
type extClient struct {
	base  string
	creds aws.Credentials
	http  *http.Client
}

// extTransport is shared by every extClient: enough idle connections for the
// concurrency of the race test.
var extTransport = func() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	return tr
}()

func (s *server) ext(keyID, secret string) *extClient {
	return &extClient{base: s.URL, creds: aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret},
		http: &http.Client{Transport: extTransport, Timeout: 90 * time.Second}}
}

func (s *server) adminExt() *extClient { return s.ext(adminKey, adminSecr) }

// reply is a response of an extension route.
type reply struct {
	Status int
	Code   string // X-Amzn-ErrorType, "" on success
	Body   []byte
}

func (r reply) String() string { return strings.TrimSpace(string(r.Body)) }

// send signs and sends a request with body as its JSON body (none when nil).
// It is safe to call from any goroutine.
func (c *extClient) send(ctx context.Context, method, p string, body any) (reply, error) {
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return reply{}, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+p, bytes.NewReader(b))
	if err != nil {
		return reply{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256(b)
	if err := v4.NewSigner().SignHTTP(ctx, c.creds, req, hex.EncodeToString(sum[:]), "quicksight", region, time.Now()); err != nil {
		return reply{}, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	return reply{Status: resp.StatusCode, Code: resp.Header.Get("X-Amzn-ErrorType"), Body: data}, nil
}

// do is send for the test's goroutine: a failure to get an answer ends t.
func (c *extClient) do(t testing.TB, method, p string, body any) reply {
	t.Helper()
	r, err := c.send(context.Background(), method, p, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, p, err)
	}
	return r
}

func connectorPath(id string) string { return "/accounts/" + account + "/action-connectors/" + id }

// invokeBody is the body of an invocation: Input, and UserArn unless empty.
func invokeBody(input any, userARN string) map[string]any {
	b := map[string]any{"Input": input}
	if userARN != "" {
		b["UserArn"] = userARN
	}
	return b
}

func (c *extClient) sendInvoke(ctx context.Context, id, action string, input any, userARN string) (reply, error) {
	return c.send(ctx, http.MethodPost, connectorPath(id)+"/actions/"+action+"/invoke", invokeBody(input, userARN))
}

func (c *extClient) invoke(t testing.TB, id, action string, input any, userARN string) reply {
	t.Helper()
	return c.do(t, http.MethodPost, connectorPath(id)+"/actions/"+action+"/invoke", invokeBody(input, userARN))
}

// invokeResult is the response of an invocation.
type invokeResult struct {
	ActionId       string
	UpstreamStatus int
	Headers        map[string]string
	Output         json.RawMessage
	DurationMillis float64
	RequestId      string
	Status         int
}

// errorReply is the body of an error, with the members an upstream failure
// adds.
type errorReply struct {
	Message        string
	RequestId      string
	UpstreamStatus int
	Output         json.RawMessage
}

// invoked checks that r is a successful invocation and returns it.
func invoked(t testing.TB, what string, r reply) invokeResult {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("%s: answered %d %s: %s, want 200", what, r.Status, r.Code, r)
	}
	var res invokeResult
	if err := json.Unmarshal(r.Body, &res); err != nil {
		t.Fatalf("%s: %v in %s", what, err, r)
	}
	return res
}

// refused checks that r is the error code with status, and returns its body.
func refused(t testing.TB, what string, r reply, status int, code string) errorReply {
	t.Helper()
	var e errorReply
	json.Unmarshal(r.Body, &e)
	if r.Status != status || r.Code != code {
		t.Errorf("%s: answered %d %s: %s; want %d %s", what, r.Status, r.Code, r, status, code)
	}
	return e
}

// jsonEqual reports the difference between two JSON texts, compared as values.
func jsonEqual(t testing.TB, what string, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("%s: %q is not JSON: %v", what, got, err)
		return
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: the expected %q is not JSON: %v", what, want, err)
	}
	if d := cmp.Diff(w, g); d != "" {
		t.Errorf("%s: JSON differs (-want +got):\n%s", what, d)
	}
}

// seenRequest is a request an upstream received.
type seenRequest struct {
	Method      string
	Path        string // unescaped
	EscapedPath string
	Query       url.Values
	Header      http.Header
	Body        string
}

// restUpstream is a loopback TLS REST service that records what it receives.
// Its answers depend on the last path segment: "text" answers text/plain,
// "missing" 404 with a JSON body, "echo" the credentials it received;
// routes given to newUpstream take precedence by exact path; anything else
// answers {"ok":true,"method":...,"path":...}.
type restUpstream struct {
	*httptest.Server
	mu   sync.Mutex
	seen []seenRequest
}

const upstreamText = "plain words\n"

func newUpstream(t testing.TB, routes map[string]http.HandlerFunc) *restUpstream {
	t.Helper()
	u := &restUpstream{}
	u.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		u.mu.Lock()
		u.seen = append(u.seen, seenRequest{Method: r.Method, Path: r.URL.Path, EscapedPath: r.URL.EscapedPath(),
			Query: r.URL.Query(), Header: r.Header.Clone(), Body: string(body)})
		u.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		if h, ok := routes[r.URL.Path]; ok {
			h(w, r)
			return
		}
		switch path.Base(r.URL.Path) {
		case "text":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, upstreamText)
		case "missing":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"message":"no such item"}`)
		case "echo":
			echo := map[string]string{"authorization": r.Header.Get("Authorization")}
			if u, p, ok := r.BasicAuth(); ok {
				echo["basic"] = u + ":" + p
			}
			writeJSONReply(w, echo)
		default:
			writeJSONReply(w, map[string]any{"ok": true, "method": r.Method, "path": r.URL.Path})
		}
	}))
	t.Cleanup(u.Close)
	return u
}

func writeJSONReply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func (u *restUpstream) count() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.seen)
}

func (u *restUpstream) requests() []seenRequest {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.seen)
}

func (u *restUpstream) last(t testing.TB) seenRequest {
	t.Helper()
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.seen) == 0 {
		t.Fatal("the upstream received no request")
	}
	return u.seen[len(u.seen)-1]
}

// certFile writes the certificate of srv, which every httptest TLS server
// shares, to a PEM file for the server's SSL_CERT_FILE.
func certFile(t testing.TB, srv *httptest.Server) string {
	t.Helper()
	return pemFile(t, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
}

// runtimeOptions are the options of a server that may call loopback
// upstreams on 127.0.0.1 whose certificate is in certPath.
func runtimeOptions(certPath string, args ...string) serverOptions {
	return serverOptions{
		env:  []string{"SSL_CERT_FILE=" + certPath},
		args: append([]string{"--egress-allow", "127.0.0.1/32", "--verify-connections=true"}, args...),
	}
}

// viewers grants each principal Describe, which makes it a viewer.
func viewers(principals ...string) []types.ResourcePermission {
	var ps []types.ResourcePermission
	for _, p := range principals {
		ps = append(ps, types.ResourcePermission{Principal: aws.String(p), Actions: []string{"quicksight:DescribeActionConnector"}})
	}
	return ps
}

// createConnector creates a connector shared with viewers and returns what
// Create answered.
func createConnector(t testing.TB, c *quicksight.Client, id string, typ types.ActionConnectorType, auth *types.AuthConfig, viewerARNs ...string) *quicksight.CreateActionConnectorOutput {
	t.Helper()
	out, err := c.CreateActionConnector(context.Background(), &quicksight.CreateActionConnectorInput{
		AwsAccountId: aws.String(account), ActionConnectorId: aws.String(id), Name: aws.String("Runtime " + id),
		Type: typ, AuthenticationConfig: auth, Permissions: viewers(viewerARNs...),
	})
	if err != nil {
		t.Fatalf("create %s: %v", id, err)
	}
	return out
}

func keyAuth(endpoint, key string) *types.AuthConfig {
	return &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeApiKey,
		AuthenticationMetadata: &types.AuthenticationMetadataMemberApiKeyConnectionMetadata{Value: types.APIKeyConnectionMetadata{
			BaseEndpoint: aws.String(endpoint), ApiKey: aws.String(key)}}}
}

func basicCredentials(endpoint, username, password string) *types.AuthConfig {
	return &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeBasic,
		AuthenticationMetadata: &types.AuthenticationMetadataMemberBasicAuthConnectionMetadata{Value: types.BasicAuthConnectionMetadata{
			BaseEndpoint: aws.String(endpoint), Username: aws.String(username), Password: aws.String(password)}}}
}

func clientCredentialsAuth(endpoint, clientID, secret, tokenURL string) *types.AuthConfig {
	return &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeOauth2ClientCredentials,
		AuthenticationMetadata: &types.AuthenticationMetadataMemberClientCredentialsGrantMetadata{Value: types.ClientCredentialsGrantMetadata{
			BaseEndpoint:            aws.String(endpoint),
			ClientCredentialsSource: types.ClientCredentialsSourcePlainCredentials,
			ClientCredentialsDetails: &types.ClientCredentialsDetailsMemberClientCredentialsGrantDetails{Value: types.ClientCredentialsGrantDetails{
				ClientId: aws.String(clientID), ClientSecret: aws.String(secret), TokenEndpoint: aws.String(tokenURL)}},
		}}}
}

func authCodeAuth(endpoint, redirectURL, clientID, secret, authorizeURL, tokenURL string) *types.AuthConfig {
	return &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeOauth2AuthorizationCode,
		AuthenticationMetadata: &types.AuthenticationMetadataMemberAuthorizationCodeGrantMetadata{Value: types.AuthorizationCodeGrantMetadata{
			BaseEndpoint:                            aws.String(endpoint),
			RedirectUrl:                             aws.String(redirectURL),
			AuthorizationCodeGrantCredentialsSource: types.AuthorizationCodeGrantCredentialsSourcePlainCredentials,
			AuthorizationCodeGrantCredentialsDetails: &types.AuthorizationCodeGrantCredentialsDetailsMemberAuthorizationCodeGrantDetails{
				Value: types.AuthorizationCodeGrantDetails{ClientId: aws.String(clientID), ClientSecret: aws.String(secret),
					AuthorizationEndpoint: aws.String(authorizeURL), TokenEndpoint: aws.String(tokenURL)}},
		}}}
}

func iamAuth(roleARN string) *types.AuthConfig {
	return &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeIam,
		AuthenticationMetadata: &types.AuthenticationMetadataMemberIamConnectionMetadata{Value: types.IAMConnectionMetadata{RoleArn: aws.String(roleARN)}}}
}

// inProgress reports whether a connector awaits verification.
func inProgress(s types.ResourceStatus) bool {
	return s == types.ResourceStatusCreationInProgress || s == types.ResourceStatusUpdateInProgress
}

// settled polls Describe until connector id leaves *_IN_PROGRESS, for at
// most within, and returns it.
func settled(t testing.TB, c *quicksight.Client, id string, within time.Duration) *types.ActionConnector {
	t.Helper()
	got, err := settle(context.Background(), c, id, within)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// settle is settled for any goroutine.
func settle(ctx context.Context, c *quicksight.Client, id string, within time.Duration) (*types.ActionConnector, error) {
	deadline := time.Now().Add(within)
	for {
		got, err := describe(ctx, c, id)
		if err != nil {
			return nil, err
		}
		if !inProgress(got.Status) {
			return got, nil
		}
		if time.Now().After(deadline) {
			return got, &stuckError{id: id, status: got.Status, within: within}
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type stuckError struct {
	id     string
	status types.ResourceStatus
	within time.Duration
}

func (e *stuckError) Error() string {
	return "connector " + e.id + " is still " + string(e.status) + " after " + e.within.String()
}

func errorMessage(c *types.ActionConnector) string {
	if c.Error == nil {
		return ""
	}
	return aws.ToString(c.Error.Message)
}

var httpGet = map[string]any{"Method": "GET", "Path": "/ping"}

// lifetimeDueAfter returns the lifetime to give access tokens so that the
// runtime renews them due after they are issued. The runtime renews a token
// RefreshAhead (60 s) before it expires, or at half its lifetime when that
// comes first, so for due below 60 s the lifetime is twice due. The token
// stays valid at the authorization server until the lifetime ends.
func lifetimeDueAfter(due time.Duration) time.Duration { return 2 * due }

// TestRuntimeGenericHTTP invokes the built-in HttpRequest action of
// GENERIC_HTTP connectors with NONE, API_KEY and BASIC authentication and
// checks what the upstream received, byte for byte where it matters, and
// what the caller got back.
func TestRuntimeGenericHTTP(t *testing.T) {
	t.Parallel()
	up := newUpstream(t, nil)
	s := startServer(t, runtimeOptions(certFile(t, up.Server)))
	admin := s.admin()
	registerUsers(t, admin, "alice")
	const (
		apiKey        = "ak-live-0123456789abcdef"
		basicUser     = "svc-reporter"
		basicPassword = "pa55-w0rd-0f-the-svc"
	)
	base := up.URL + "/api"
	createConnector(t, admin, "open", types.ActionConnectorTypeGenericHttp, noneAuth(base), user("alice"))
	createConnector(t, admin, "keyed", types.ActionConnectorTypeGenericHttp, keyAuth(base, apiKey), user("alice"))
	createConnector(t, admin, "basic", types.ActionConnectorTypeGenericHttp, basicCredentials(base, basicUser, basicPassword), user("alice"))
	basicEncoded := base64.StdEncoding.EncodeToString([]byte(basicUser + ":" + basicPassword))
	x := s.adminExt()
	alice := user("alice")

	for _, tc := range []struct {
		id       string
		wantAuth string   // the Authorization header the upstream must see; "" for none
		secrets  []string // what must never come back
	}{
		{"open", "", nil},
		{"keyed", "Bearer " + apiKey, []string{apiKey}},
		{"basic", "Basic " + basicEncoded, []string{basicPassword, basicEncoded}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			checkAuth := func(what string, got seenRequest) {
				t.Helper()
				if auth := got.Header.Values("Authorization"); tc.wantAuth == "" && len(auth) != 0 || tc.wantAuth != "" && !slices.Equal(auth, []string{tc.wantAuth}) {
					t.Errorf("%s: the upstream saw Authorization %q, want %q", what, auth, tc.wantAuth)
				}
			}

			// GET with a query.
			res := invoked(t, "GET", x.invoke(t, tc.id, "HttpRequest", map[string]any{
				"Method": "GET", "Path": "/items/42", "Query": map[string]any{"q": "a b&c", "tag": []string{"x", "y"}}}, alice))
			got := up.last(t)
			if got.Method != "GET" || got.Path != "/api/items/42" || got.Body != "" {
				t.Errorf("GET: the upstream saw %s %s with body %q, want GET /api/items/42 and no body", got.Method, got.Path, got.Body)
			}
			if d := cmp.Diff(url.Values{"q": {"a b&c"}, "tag": {"x", "y"}}, got.Query); d != "" {
				t.Errorf("GET: the upstream's query differs (-want +got):\n%s", d)
			}
			checkAuth("GET", got)
			if res.ActionId != "HttpRequest" || res.UpstreamStatus != 200 || res.Headers["Content-Type"] != "application/json" {
				t.Errorf("GET answered %+v", res)
			}
			jsonEqual(t, "GET output", res.Output, `{"ok":true,"method":"GET","path":"/api/items/42"}`)

			// POST with a JSON body and a header of the caller's.
			res = invoked(t, "POST", x.invoke(t, tc.id, "HttpRequest", map[string]any{
				"Method": "POST", "Path": "/items", "Headers": map[string]string{"X-Request-Tag": "t-1"},
				"Body": map[string]any{"name": "widget", "count": 3, "tags": []string{"a"}}}, alice))
			got = up.last(t)
			if got.Method != "POST" || got.Path != "/api/items" || len(got.Query) != 0 ||
				got.Header.Get("Content-Type") != "application/json" || got.Header.Get("X-Request-Tag") != "t-1" {
				t.Errorf("POST: the upstream saw %s %s?%v, Content-Type %q, X-Request-Tag %q", got.Method, got.Path, got.Query,
					got.Header.Get("Content-Type"), got.Header.Get("X-Request-Tag"))
			}
			jsonEqual(t, "POST body at the upstream", []byte(got.Body), `{"name":"widget","count":3,"tags":["a"]}`)
			checkAuth("POST", got)
			jsonEqual(t, "POST output", res.Output, `{"ok":true,"method":"POST","path":"/api/items"}`)

			// A text answer is shaped as {"ContentType", "Body"}.
			res = invoked(t, "text", x.invoke(t, tc.id, "HttpRequest", map[string]any{"Method": "GET", "Path": "/text"}, alice))
			want, _ := json.Marshal(map[string]string{"ContentType": "text/plain; charset=utf-8", "Body": upstreamText})
			jsonEqual(t, "text output", res.Output, string(want))

			// An upstream 404 is an UpstreamFailureException carrying it.
			e := refused(t, "404", x.invoke(t, tc.id, "HttpRequest", map[string]any{"Method": "GET", "Path": "/items/missing"}, alice),
				http.StatusFailedDependency, "UpstreamFailureException")
			if e.UpstreamStatus != 404 {
				t.Errorf("404: UpstreamStatus = %d, want 404", e.UpstreamStatus)
			}
			jsonEqual(t, "404 output", e.Output, `{"message":"no such item"}`)

			// Leaving the base path and setting credentials are refused
			// before anything leaves.
			n := up.count()
			for _, in := range []map[string]any{
				{"Method": "GET", "Path": "/../x"},
				{"Method": "GET", "Path": "/items/../../x"},
				{"Method": "GET", "Path": "/%2e%2e/x"},
				{"Method": "GET", "Path": "/ok", "Headers": map[string]string{"Authorization": "Bearer stolen"}},
				{"Method": "GET", "Path": "/ok", "Headers": map[string]string{"authorization": "Basic c3RvbGVu"}},
				{"Method": "GET", "Path": "/ok", "Headers": map[string]string{"Cookie": "session=stolen"}},
				{"Method": "TRACE", "Path": "/ok"},
				{"Method": "GET", "Path": "relative"},
			} {
				r := x.invoke(t, tc.id, "HttpRequest", in, alice)
				if !(r.Status == 400 && r.Code == "InvalidParameterValueException") {
					// "/%2e%2e/x" is unescaped text: it may go out as a
					// literal segment, but must stay under /api.
					if in["Path"] == "/%2e%2e/x" && r.Status == 200 {
						if got := up.last(t); !strings.HasPrefix(got.Path, "/api/") {
							t.Errorf("input %v reached %s, outside the base path", in, got.Path)
						}
						n++
						continue
					}
					t.Errorf("input %v answered %d %s: %s; want 400 InvalidParameterValueException", in, r.Status, r.Code, r)
				}
			}
			if got := up.count(); got != n {
				t.Errorf("refused inputs reached the upstream %d times", got-n)
			}

			// An upstream that echoes the credential gets it redacted.
			res = invoked(t, "echo", x.invoke(t, tc.id, "HttpRequest", map[string]any{"Method": "GET", "Path": "/echo"}, alice))
			checkAuth("echo", up.last(t))
			for _, secret := range tc.secrets {
				if bytes.Contains(res.Output, []byte(secret)) {
					t.Errorf("echo output %s holds the credential %q", res.Output, secret)
				}
			}
			if tc.secrets != nil && !bytes.Contains(res.Output, []byte("[REDACTED]")) {
				t.Errorf("echo output %s does not show the redaction", res.Output)
			}
		})
	}
}

// TestRuntimeUsersAndGrants checks who may invoke: the user bound to a key,
// or a user an administrator names, who holds a grant directly or through a
// group; and only enabled actions.
func TestRuntimeUsersAndGrants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	up := newUpstream(t, nil)
	s := startServer(t, runtimeOptions(certFile(t, up.Server)))
	admin := s.admin()
	registerUsers(t, admin, "alice", "bob", "carol")
	createGroups(t, admin, "readers")
	addMember(t, admin, "readers", "carol")
	base := up.URL + "/api"
	createConnector(t, admin, "shared", types.ActionConnectorTypeGenericHttp, noneAuth(base), user("alice"), group("readers"))

	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
	  "Action":["quicksight:InvokeAction","quicksight:DescribeActionConnector"],
	  "Resource":"arn:aws:quicksight:us-east-1:` + account + `:action-connector/*"}]}`
	policyPath := filepath.Join(t.TempDir(), "policy.json")
	os.WriteFile(policyPath, []byte(policy), 0o600)
	var key struct{ AccessKeyId, SecretAccessKey string }
	if err := json.Unmarshal([]byte(runCLI(t, nil, "keys", "create", "--data-dir", s.DataDir, "--account", account,
		"--policy", policyPath, "--user", user("alice"))), &key); err != nil {
		t.Fatal(err)
	}
	aliceKey := s.ext(key.AccessKeyId, key.SecretAccessKey)
	x := s.adminExt()

	n := up.count()
	invoked(t, "alice's own key", aliceKey.invoke(t, "shared", "HttpRequest", httpGet, ""))
	invoked(t, "alice's own key naming alice", aliceKey.invoke(t, "shared", "HttpRequest", httpGet, user("alice")))
	invoked(t, "the administrator for alice", x.invoke(t, "shared", "HttpRequest", httpGet, user("alice")))
	invoked(t, "the administrator for carol, through her group", x.invoke(t, "shared", "HttpRequest", httpGet, user("carol")))
	if got := up.count() - n; got != 4 {
		t.Errorf("4 invocations reached the upstream %d times", got)
	}

	n = up.count()
	refused(t, "alice's key for bob", aliceKey.invoke(t, "shared", "HttpRequest", httpGet, user("bob")), 401, "AccessDeniedException")
	refused(t, "the administrator for bob, who holds no grant", x.invoke(t, "shared", "HttpRequest", httpGet, user("bob")), 401, "AccessDeniedException")
	refused(t, "a user that does not exist", x.invoke(t, "shared", "HttpRequest", httpGet, user("ghost")), 404, "ResourceNotFoundException")
	refused(t, "the administrator for nobody", x.invoke(t, "shared", "HttpRequest", httpGet, ""), 400, "InvalidParameterValueException")
	refused(t, "a group as the user", x.invoke(t, "shared", "HttpRequest", httpGet, group("readers")), 400, "InvalidParameterValueException")
	refused(t, "an action that does not exist", x.invoke(t, "shared", "NoSuchAction", httpGet, user("alice")), 404, "ResourceNotFoundException")

	// Revoking alice's grant takes effect at once.
	if _, err := admin.UpdateActionConnectorPermissions(ctx, &quicksight.UpdateActionConnectorPermissionsInput{AwsAccountId: acct,
		ActionConnectorId: aws.String("shared"), RevokePermissions: viewers(user("alice"))}); err != nil {
		t.Fatal(err)
	}
	refused(t, "alice's key after the revocation", aliceKey.invoke(t, "shared", "HttpRequest", httpGet, ""), 401, "AccessDeniedException")
	if got := up.count(); got != n {
		t.Errorf("refused invocations reached the upstream %d times", got-n)
	}

	// EnabledActions, an extension member the SDK does not send.
	create := map[string]any{
		"ActionConnectorId": "limited", "Name": "Limited", "Type": "GENERIC_HTTP",
		"AuthenticationConfig": map[string]any{"AuthenticationType": "NONE",
			"AuthenticationMetadata": map[string]any{"NoneConnectionMetadata": map[string]any{"BaseEndpoint": base}}},
		"Permissions":    []map[string]any{{"Principal": user("alice"), "Actions": []string{"quicksight:DescribeActionConnector"}}},
		"EnabledActions": []string{"GetItem"},
	}
	if r := x.do(t, "POST", "/accounts/"+account+"/action-connectors", create); r.Status != 200 {
		t.Fatalf("create with EnabledActions: %d %s", r.Status, r)
	}
	if r := x.do(t, "PUT", connectorPath("limited")+"/openapi", map[string]any{"Document": json.RawMessage(itemsSpec)}); r.Status != 200 {
		t.Fatalf("PUT openapi: %d %s", r.Status, r)
	}
	var list struct {
		Actions []struct {
			ActionId string
			Enabled  bool
		}
	}
	r := x.do(t, "GET", connectorPath("limited")+"/actions", nil)
	json.Unmarshal(r.Body, &list)
	enabled := map[string]bool{}
	for _, a := range list.Actions {
		enabled[a.ActionId] = a.Enabled
	}
	if want := map[string]bool{"HttpRequest": false, "GetItem": true, "UpdateItem": false}; !cmp.Equal(enabled, want) {
		t.Errorf("actions of the limited connector: %v, want %v (%s)", enabled, want, r)
	}
	n = up.count()
	refused(t, "a disabled built-in action", x.invoke(t, "limited", "HttpRequest", httpGet, user("alice")), 400, "InvalidParameterValueException")
	refused(t, "a disabled OpenAPI action", x.invoke(t, "limited", "UpdateItem", map[string]any{"itemId": "1", "body": map[string]any{"name": "n"}}, user("alice")),
		400, "InvalidParameterValueException")
	if got := up.count(); got != n {
		t.Errorf("disabled actions reached the upstream %d times", got-n)
	}
	invoked(t, "the enabled action", x.invoke(t, "limited", "GetItem", map[string]any{"itemId": "7"}, user("alice")))
	if got := up.last(t); got.Method != "GET" || got.Path != "/api/items/7" {
		t.Errorf("GetItem reached %s %s, want GET /api/items/7", got.Method, got.Path)
	}
}

// itemsSpec is a small OpenAPI 3 document: a read with a path and a query
// parameter, and a write with a path parameter, a query parameter and a
// required JSON body.
const itemsSpec = `{
  "openapi": "3.0.3",
  "info": {"title": "Items", "version": "1.0"},
  "servers": [{"url": "https://ignored.example.com/v9"}],
  "paths": {
    "/items/{itemId}": {
      "get": {
        "operationId": "GetItem",
        "summary": "Get an item",
        "parameters": [
          {"name": "itemId", "in": "path", "required": true, "schema": {"type": "string"}},
          {"name": "verbose", "in": "query", "schema": {"type": "boolean"}}
        ],
        "responses": {"200": {"description": "The item"}}
      },
      "put": {
        "operationId": "UpdateItem",
        "summary": "Update an item",
        "parameters": [
          {"name": "itemId", "in": "path", "required": true, "schema": {"type": "string"}},
          {"name": "dryRun", "in": "query", "schema": {"type": "string", "enum": ["yes", "no"]}}
        ],
        "requestBody": {
          "required": true,
          "content": {"application/json": {"schema": {
            "type": "object", "required": ["name"],
            "properties": {"name": {"type": "string"}, "count": {"type": "integer", "minimum": 0}}
          }}}
        },
        "responses": {"200": {"description": "The updated item"}}
      }
    }
  }
}`

// listSpec is a second document, served by the upstream for an import by URL.
const listSpec = `{
  "openapi": "3.1.0",
  "info": {"title": "Lists", "version": "2"},
  "servers": [{"url": "https://ignored.example.com"}],
  "paths": {
    "/lists": {"get": {"operationId": "ListLists", "description": "Lists the lists", "responses": {"200": {"description": "ok"}}}}
  }
}`

// TestRuntimeOpenAPI imports an OpenAPI document inline and by URL and
// invokes its operations.
func TestRuntimeOpenAPI(t *testing.T) {
	t.Parallel()
	up := newUpstream(t, map[string]http.HandlerFunc{
		"/specs/lists.json": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, listSpec)
		},
	})
	s := startServer(t, runtimeOptions(certFile(t, up.Server)))
	admin := s.admin()
	registerUsers(t, admin, "alice")
	createConnector(t, admin, "items", types.ActionConnectorTypeGenericHttp, noneAuth(up.URL+"/api"), user("alice"))
	x := s.adminExt()

	r := x.do(t, "PUT", connectorPath("items")+"/openapi", map[string]any{"Document": json.RawMessage(itemsSpec)})
	if r.Status != 200 {
		t.Fatalf("PUT openapi: %d %s", r.Status, r)
	}
	type action struct {
		ActionId, Name, Class string
		Enabled               bool
		InputSchema           json.RawMessage
	}
	var put, list struct{ Actions []action }
	json.Unmarshal(r.Body, &put)
	r = x.do(t, "GET", connectorPath("items")+"/actions", nil)
	if r.Status != 200 {
		t.Fatalf("GET actions: %d %s", r.Status, r)
	}
	json.Unmarshal(r.Body, &list)
	var ids []string
	schemas := map[string]json.RawMessage{}
	for _, a := range list.Actions {
		ids = append(ids, a.ActionId+" "+a.Class)
		schemas[a.ActionId] = a.InputSchema
		if !a.Enabled {
			t.Errorf("action %s is not enabled", a.ActionId)
		}
	}
	if want := []string{"HttpRequest WRITE", "GetItem READ", "UpdateItem WRITE"}; !slices.Equal(ids, want) {
		t.Errorf("GET actions lists %v, want %v", ids, want)
	}
	if len(put.Actions) < 2 || put.Actions[len(put.Actions)-2].ActionId != "GetItem" || put.Actions[len(put.Actions)-1].ActionId != "UpdateItem" {
		t.Errorf("PUT openapi answered the actions %+v", put.Actions)
	}
	// The input schemas: the parameters and the body as members, path
	// parameters and the required body required, nothing else allowed.
	var update struct {
		Type                 string
		Properties           map[string]json.RawMessage
		Required             []string
		AdditionalProperties *bool
	}
	json.Unmarshal(schemas["UpdateItem"], &update)
	slices.Sort(update.Required)
	if update.Type != "object" || len(update.Properties) != 3 || update.Properties["itemId"] == nil || update.Properties["dryRun"] == nil ||
		update.Properties["body"] == nil || !slices.Equal(update.Required, []string{"body", "itemId"}) ||
		update.AdditionalProperties == nil || *update.AdditionalProperties {
		t.Errorf("UpdateItem's input schema is %s", schemas["UpdateItem"])
	}
	var get struct {
		Properties map[string]json.RawMessage
		Required   []string
	}
	json.Unmarshal(schemas["GetItem"], &get)
	if len(get.Properties) != 2 || get.Properties["verbose"] == nil || !slices.Equal(get.Required, []string{"itemId"}) {
		t.Errorf("GetItem's input schema is %s", schemas["GetItem"])
	}

	// GET openapi gives the document back.
	r = x.do(t, "GET", connectorPath("items")+"/openapi", nil)
	var doc struct{ Document json.RawMessage }
	json.Unmarshal(r.Body, &doc)
	jsonEqual(t, "GET openapi", doc.Document, itemsSpec)

	// An operation with a path parameter that needs escaping, a query
	// parameter and a JSON body.
	res := invoked(t, "UpdateItem", x.invoke(t, "items", "UpdateItem", map[string]any{
		"itemId": "a b/c", "dryRun": "yes", "body": map[string]any{"name": "widget", "count": 2}}, user("alice")))
	got := up.last(t)
	if got.Method != "PUT" || got.EscapedPath != "/api/items/a%20b%2Fc" || got.Header.Get("Content-Type") != "application/json" {
		t.Errorf("UpdateItem reached %s %s with Content-Type %q, want PUT /api/items/a%%20b%%2Fc, application/json",
			got.Method, got.EscapedPath, got.Header.Get("Content-Type"))
	}
	if d := cmp.Diff(url.Values{"dryRun": {"yes"}}, got.Query); d != "" {
		t.Errorf("UpdateItem's query differs (-want +got):\n%s", d)
	}
	jsonEqual(t, "UpdateItem's body at the upstream", []byte(got.Body), `{"name":"widget","count":2}`)
	if res.ActionId != "UpdateItem" || res.UpstreamStatus != 200 {
		t.Errorf("UpdateItem answered %+v", res)
	}
	invoked(t, "GetItem", x.invoke(t, "items", "GetItem", map[string]any{"itemId": "42", "verbose": true}, user("alice")))
	if got := up.last(t); got.Method != "GET" || got.Path != "/api/items/42" || got.Query.Get("verbose") != "true" || got.Body != "" {
		t.Errorf("GetItem reached %s %s?%v with body %q", got.Method, got.Path, got.Query, got.Body)
	}

	// Input that does not match the schema never leaves.
	n := up.count()
	for _, in := range []map[string]any{
		{"itemId": "1"}, // body is required
		{"itemId": "1", "body": map[string]any{"count": 2}},                  // name is required
		{"itemId": "1", "body": map[string]any{"name": "n", "count": "two"}}, // count is an integer
		{"itemId": "1", "body": map[string]any{"name": "n", "count": -1}},    // minimum 0
		{"itemId": "1", "dryRun": "maybe", "body": map[string]any{"name": "n"}},
		{"itemId": "1", "body": map[string]any{"name": "n"}, "extra": true},
		{"body": map[string]any{"name": "n"}}, // the path parameter is required
		{"itemId": 7, "body": map[string]any{"name": "n"}},
	} {
		refused(t, "UpdateItem with "+toJSON(in), x.invoke(t, "items", "UpdateItem", in, user("alice")), 400, "InvalidParameterValueException")
	}
	if got := up.count(); got != n {
		t.Errorf("input refused by the schema reached the upstream %d times", got-n)
	}

	// Import by URL, from the upstream: it replaces the document.
	r = x.do(t, "PUT", connectorPath("items")+"/openapi", map[string]any{"Url": up.URL + "/specs/lists.json"})
	if r.Status != 200 {
		t.Fatalf("PUT openapi by Url: %d %s", r.Status, r)
	}
	r = x.do(t, "GET", connectorPath("items")+"/actions", nil)
	list.Actions = nil
	json.Unmarshal(r.Body, &list)
	ids = nil
	for _, a := range list.Actions {
		ids = append(ids, a.ActionId+" "+a.Class)
	}
	if want := []string{"HttpRequest WRITE", "ListLists READ"}; !slices.Equal(ids, want) {
		t.Errorf("after the import by URL, GET actions lists %v, want %v", ids, want)
	}
	invoked(t, "ListLists", x.invoke(t, "items", "ListLists", nil, user("alice")))
	if got := up.last(t); got.Method != "GET" || got.Path != "/api/lists" {
		t.Errorf("ListLists reached %s %s", got.Method, got.Path)
	}
	refused(t, "an action of the replaced document", x.invoke(t, "items", "GetItem", map[string]any{"itemId": "1"}, user("alice")),
		404, "ResourceNotFoundException")
	refused(t, "an import by an http URL", x.do(t, "PUT", connectorPath("items")+"/openapi", map[string]any{"Url": "http://127.0.0.1:1/x.json"}),
		400, "InvalidParameterValueException")
	refused(t, "an import of a missing document", x.do(t, "PUT", connectorPath("items")+"/openapi", map[string]any{"Url": up.URL + "/specs/missing"}),
		424, "UpstreamFailureException")
}

// TestRuntimeClientCredentials: a client-credentials connector is verified
// by fetching a token in the background, and its actions carry the token.
func TestRuntimeClientCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	up := newUpstream(t, nil)
	as := upstreamtest.NewOAuthServer(t, upstreamtest.OAuthOptions{})
	as.RegisterClient("cc-client", "cc-secret with spaces&symbols")
	cert := certFile(t, up.Server)
	s := startServer(t, runtimeOptions(cert))
	admin := s.admin()
	registerUsers(t, admin, "alice")
	base := up.URL + "/api"

	out := createConnector(t, admin, "cc", types.ActionConnectorTypeGenericHttp,
		clientCredentialsAuth(base, "cc-client", "cc-secret with spaces&symbols", as.TokenURL()), user("alice"))
	if out.CreationStatus != types.ResourceStatusCreationInProgress {
		t.Errorf("Create answered %s, want CREATION_IN_PROGRESS", out.CreationStatus)
	}
	if got := settled(t, admin, "cc", 30*time.Second); got.Status != types.ResourceStatusCreationSuccessful || got.Error != nil {
		t.Fatalf("the connector is %s (%s), want CREATION_SUCCESSFUL", got.Status, errorMessage(got))
	}
	if got := as.TokenCalls("client_credentials"); got != 1 {
		t.Errorf("verification called the token endpoint %d times, want 1", got)
	}
	x := s.adminExt()
	var tokens []string
	for i := range 3 {
		invoked(t, "invoke", x.invoke(t, "cc", "HttpRequest", httpGet, user("alice")))
		auth := up.last(t).Header.Get("Authorization")
		tok, ok := strings.CutPrefix(auth, "Bearer ")
		if sub, valid := as.ValidAccessToken(tok); !ok || !valid || sub != "cc-client" {
			t.Errorf("invocation %d carried Authorization %q: valid %v for %q", i, auth, valid, sub)
		}
		tokens = append(tokens, tok)
	}
	if tokens[0] != tokens[1] || tokens[1] != tokens[2] {
		t.Errorf("the invocations carried different tokens: %q", tokens)
	}
	if got := as.TokenCalls("client_credentials"); got != 1 {
		t.Errorf("after 3 invocations the token endpoint saw %d calls, want 1 (the verification's token is reused)", got)
	}

	// A wrong client secret fails verification, with the OAuth error.
	createConnector(t, admin, "cc-wrong", types.ActionConnectorTypeGenericHttp,
		clientCredentialsAuth(base, "cc-client", "not-the-secret", as.TokenURL()), user("alice"))
	got := settled(t, admin, "cc-wrong", 30*time.Second)
	if got.Status != types.ResourceStatusCreationFailed || !strings.Contains(errorMessage(got), "invalid_client") {
		t.Errorf("with a wrong secret the connector is %s with Error %q, want CREATION_FAILED naming invalid_client", got.Status, errorMessage(got))
	}
	if strings.Contains(errorMessage(got), "not-the-secret") {
		t.Errorf("the Error message holds the secret: %q", errorMessage(got))
	}
	n := up.count()
	refused(t, "invoking a connector that failed verification", x.invoke(t, "cc-wrong", "HttpRequest", httpGet, user("alice")),
		400, "InvalidParameterValueException")

	// An update that breaks the secret is verified again.
	if _, err := admin.UpdateActionConnector(ctx, &quicksight.UpdateActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String("cc-wrong"),
		Name: aws.String("Fixed"), AuthenticationConfig: clientCredentialsAuth(base, "cc-client", "cc-secret with spaces&symbols", as.TokenURL())}); err != nil {
		t.Fatal(err)
	}
	if got := settled(t, admin, "cc-wrong", 30*time.Second); got.Status != types.ResourceStatusUpdateSuccessful {
		t.Errorf("after the fix the connector is %s (%s), want UPDATE_SUCCESSFUL", got.Status, errorMessage(got))
	}
	invoked(t, "the fixed connector", x.invoke(t, "cc-wrong", "HttpRequest", httpGet, user("alice")))
	if got := up.count(); got != n+1 {
		t.Errorf("the upstream saw %d requests, want 1", got-n)
	}

	// Without verification, Create answers CREATION_SUCCESSFUL at once and
	// the token is fetched by the first invocation; a failing token endpoint
	// is then a TokenResponseException.
	as2 := upstreamtest.NewOAuthServer(t, upstreamtest.OAuthOptions{})
	as2.RegisterClient("offline", "offline-secret")
	s2 := startServer(t, runtimeOptions(cert, "--verify-connections=false"))
	admin2 := s2.admin()
	registerUsers(t, admin2, "alice")
	out = createConnector(t, admin2, "unverified", types.ActionConnectorTypeGenericHttp,
		clientCredentialsAuth(base, "offline", "offline-secret", as2.TokenURL()), user("alice"))
	if out.CreationStatus != types.ResourceStatusCreationSuccessful {
		t.Errorf("without verification Create answered %s, want CREATION_SUCCESSFUL", out.CreationStatus)
	}
	if got := as2.TotalTokenCalls(); got != 0 {
		t.Errorf("without verification the token endpoint saw %d calls before any invocation", got)
	}
	x2 := s2.adminExt()
	invoked(t, "the unverified connector", x2.invoke(t, "unverified", "HttpRequest", httpGet, user("alice")))
	if tok, _ := strings.CutPrefix(up.last(t).Header.Get("Authorization"), "Bearer "); tok == "" || as2.TokenCalls("client_credentials") != 1 {
		t.Errorf("the first invocation carried %q after %d token calls", tok, as2.TokenCalls("client_credentials"))
	} else if _, ok := as2.ValidAccessToken(tok); !ok {
		t.Errorf("the first invocation carried a token the server did not issue")
	}
	createConnector(t, admin2, "unverified-wrong", types.ActionConnectorTypeGenericHttp,
		clientCredentialsAuth(base, "offline", "wrong", as2.TokenURL()), user("alice"))
	n = up.count()
	e := refused(t, "a wrong secret, unverified", x2.invoke(t, "unverified-wrong", "HttpRequest", httpGet, user("alice")), 424, "TokenResponseException")
	if !strings.Contains(e.Message, "invalid_client") {
		t.Errorf("TokenResponseException says %q, want it to name invalid_client", e.Message)
	}
	if got := up.count(); got != n {
		t.Errorf("an invocation without a token reached the upstream")
	}
}

// browser is an http.Client like a user's browser: it keeps cookies, follows
// redirects and trusts the test servers' certificate.
func browser(srv *httptest.Server, jar bool) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 30 * time.Second}
	if jar {
		c.Jar, _ = cookiejar.New(nil)
	}
	return c
}

// TestRuntimeThreeLegged runs 3LO sign-in end to end: start URL, authorization
// server, callback, tokens stored, invocation, expiry, refresh with rotation,
// and a refresh the authorization server refuses.
func TestRuntimeThreeLegged(t *testing.T) {
	t.Parallel()
	up := newUpstream(t, nil)
	// Access tokens fall due 4 s after they are issued.
	const due = 4 * time.Second
	as := upstreamtest.NewOAuthServer(t, upstreamtest.OAuthOptions{Subject: "alice@provider", TokenLifetime: lifetimeDueAfter(due)})
	s := startServer(t, runtimeOptions(certFile(t, up.Server)))
	target, _ := url.Parse(s.URL)
	// RedirectUrl must be https: a TLS reverse proxy in front of the server.
	proxy := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(target))
	t.Cleanup(proxy.Close)
	redirect := proxy.URL + "/sn/oauthcallback"
	as.RegisterClient("web-client", "web-secret", redirect)

	admin := s.admin()
	registerUsers(t, admin, "alice")
	alice := user("alice")
	out := createConnector(t, admin, "3lo", types.ActionConnectorTypeGenericHttp,
		authCodeAuth(up.URL+"/api", redirect, "web-client", "web-secret", as.AuthorizeURL(), as.TokenURL()), alice)
	if out.CreationStatus != types.ResourceStatusCreationSuccessful {
		t.Errorf("Create answered %s, want CREATION_SUCCESSFUL", out.CreationStatus)
	}
	x := s.adminExt()

	n := up.count()
	refused(t, "invoking before signing in", x.invoke(t, "3lo", "HttpRequest", httpGet, alice), 403, "AccessTokenNotFoundException")

	signIn := func() (start string) {
		t.Helper()
		r := x.do(t, "POST", connectorPath("3lo")+"/sign-in", map[string]any{"UserArn": alice})
		var out struct {
			SignInUrl string
			ExpiresAt float64
		}
		json.Unmarshal(r.Body, &out)
		if r.Status != 200 || !strings.HasPrefix(out.SignInUrl, proxy.URL+"/") || out.ExpiresAt < float64(time.Now().Unix()) {
			t.Fatalf("sign-in answered %d %s; want a SignInUrl on %s", r.Status, r, proxy.URL)
		}
		return out.SignInUrl
	}
	get := func(c *http.Client, u string, cookie *http.Cookie) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	const signedIn = "<h1>Signed in</h1>"
	const failed = "<h1>Sign-in failed</h1>"

	// The browser opens the start URL and is sent to the authorization
	// server and back to the callback.
	b := browser(proxy, true)
	var callback string
	b.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Path == "/sn/oauthcallback" {
			callback = req.URL.String()
		}
		if len(via) >= 10 {
			return http.ErrUseLastResponse
		}
		return nil
	}
	status, page := get(b, signIn(), nil)
	if status != 200 || !strings.Contains(page, signedIn) || callback == "" {
		t.Fatalf("the sign-in ended with %d at %q:\n%s", status, callback, page)
	}
	if got := as.TokenCalls("authorization_code"); got != 1 {
		t.Errorf("the callback made %d authorization_code calls, want 1", got)
	}

	// A replayed callback, cookie and all, fails: its state was used.
	cb, _ := url.Parse(callback)
	state := cb.Query().Get("state")
	status, page = get(browser(proxy, false), callback, &http.Cookie{Name: "actiongate-sign-in", Value: state})
	if status != 400 || !strings.Contains(page, failed) {
		t.Errorf("a replayed callback answered %d:\n%s", status, page)
	}
	if got := as.TokenCalls("authorization_code"); got != 1 {
		t.Errorf("a replayed callback reached the token endpoint (%d authorization_code calls)", got)
	}

	// A callback without the cookie of the browser that started the sign-in
	// fails; the same callback with it succeeds.
	noJar := browser(proxy, false)
	callback = ""
	noJar.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Path == "/sn/oauthcallback" {
			callback = req.URL.String()
			return http.ErrUseLastResponse
		}
		return nil
	}
	get(noJar, signIn(), nil)
	if callback == "" {
		t.Fatal("the authorization server did not redirect to the callback")
	}
	cb, _ = url.Parse(callback)
	status, page = get(browser(proxy, false), callback, nil)
	if status == 200 || !strings.Contains(page, failed) {
		t.Errorf("a callback without the cookie answered %d:\n%s", status, page)
	}
	status, page = get(browser(proxy, false), callback, &http.Cookie{Name: "actiongate-sign-in", Value: cb.Query().Get("state")})
	if status != 200 || !strings.Contains(page, signedIn) {
		t.Errorf("the callback with its cookie answered %d:\n%s", status, page)
	}
	if got := as.TokenCalls("authorization_code"); got != 2 {
		t.Errorf("%d authorization_code calls, want 2", got)
	}

	// Invocations carry alice's token.
	bearer := func(what string) string {
		t.Helper()
		tok, _ := strings.CutPrefix(up.last(t).Header.Get("Authorization"), "Bearer ")
		if sub, ok := as.ValidAccessToken(tok); !ok || sub != "alice@provider" {
			t.Errorf("%s: the upstream got token %q, valid %v for %q", what, tok, ok, sub)
		}
		return tok
	}
	invoked(t, "after signing in", x.invoke(t, "3lo", "HttpRequest", httpGet, alice))
	first := bearer("after signing in")
	refreshes := as.TokenCalls("refresh_token")

	// The token falls due: the next invocation refreshes it, once, and the
	// rotated refresh token is the one used next time (reuse of the old one
	// would revoke the family).
	for i := range 2 {
		time.Sleep(due + time.Second)
		invoked(t, "after expiry", x.invoke(t, "3lo", "HttpRequest", httpGet, alice))
		tok := bearer("after expiry")
		if tok == first {
			t.Errorf("refresh %d: the invocation carried the token that fell due", i+1)
		}
		first = tok
		if got := as.TokenCalls("refresh_token"); got != refreshes+i+1 {
			t.Errorf("refresh %d: %d refresh_token calls, want %d", i+1, got, refreshes+i+1)
		}
	}
	if got := up.count() - n; got != 3 {
		t.Errorf("the upstream saw %d invocations, want 3", got)
	}

	// The authorization server refuses the refresh token: the user must sign
	// in again, and stays so until they do.
	as.FailWith(400, upstreamtest.ErrInvalidGrant)
	time.Sleep(due + time.Second)
	e := refused(t, "a refused refresh", x.invoke(t, "3lo", "HttpRequest", httpGet, alice), 403, "AccessTokenNotFoundException")
	if !strings.Contains(e.Message, "sign in again") {
		t.Errorf("the refused refresh says %q, want it to ask to sign in again", e.Message)
	}
	as.ClearFailures()
	calls := as.TotalTokenCalls()
	refused(t, "after a refused refresh", x.invoke(t, "3lo", "HttpRequest", httpGet, alice), 403, "AccessTokenNotFoundException")
	if got := as.TotalTokenCalls(); got != calls {
		t.Errorf("a user who must sign in again made %d token calls", got-calls)
	}
	if status, page := get(b, signIn(), nil); status != 200 || !strings.Contains(page, signedIn) {
		t.Fatalf("signing in again ended with %d:\n%s", status, page)
	}
	invoked(t, "after signing in again", x.invoke(t, "3lo", "HttpRequest", httpGet, alice))
	bearer("after signing in again")
}

// TestRuntimeRefreshRace: 200 concurrent invocations over two servers sharing
// one database, on a token that has fallen due, make exactly one call to the
// token endpoint and all succeed.
func TestRuntimeRefreshRace(t *testing.T) {
	t.Parallel()
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		up := newUpstream(t, nil)
		cert := certFile(t, up.Server)
		a := startServer(t, runtimeOptions(cert))
		o := runtimeOptions(cert)
		o.dataDir = a.DataDir
		b := startServer(t, o)
		refreshRace(t, up, a, b)
	})
	if os.Getenv(testDatabaseVar) == "" {
		t.Logf("%s is not set: the race runs on SQLite only", testDatabaseVar)
		return
	}
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		up := newUpstream(t, nil)
		cert := certFile(t, up.Server)
		dbURL := replicaDatabase(t)
		key := make([]byte, 32)
		rand.Read(key)
		var servers []*server
		for range 2 {
			o := runtimeOptions(cert, "--database-url", dbURL)
			o.env = append(o.env, "ACTIONGATE_ROOT_KEY="+base64.StdEncoding.EncodeToString(key))
			servers = append(servers, startServer(t, o))
		}
		refreshRace(t, up, servers[0], servers[1])
	})
}

func refreshRace(t *testing.T, up *restUpstream, a, b *server) {
	// The token falls due 10 s after it is issued: long enough for the 200
	// invocations to finish with the renewed one.
	const due = 10 * time.Second
	as := upstreamtest.NewOAuthServer(t, upstreamtest.OAuthOptions{TokenLifetime: lifetimeDueAfter(due)})
	as.RegisterClient("racer", "racer-secret")
	admin := a.admin()
	registerUsers(t, admin, "alice")
	createConnector(t, admin, "race", types.ActionConnectorTypeGenericHttp,
		clientCredentialsAuth(up.URL+"/api", "racer", "racer-secret", as.TokenURL()), user("alice"))
	if got := settled(t, admin, "race", 40*time.Second); got.Status != types.ResourceStatusCreationSuccessful {
		t.Fatalf("the connector is %s (%s)", got.Status, errorMessage(got))
	}
	if got := as.TokenCalls("client_credentials"); got != 1 {
		t.Fatalf("verification made %d token calls, want 1", got)
	}
	time.Sleep(due + time.Second) // the verification's token falls due

	const n = 200
	clients := []*extClient{a.adminExt(), b.adminExt()}
	before := up.count()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		failures []string
	)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			r, err := clients[i%2].sendInvoke(context.Background(), "race", "HttpRequest", map[string]any{"Method": "GET", "Path": "/race"}, user("alice"))
			if err == nil && r.Status == 200 {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failures = append(failures, err.Error())
			} else {
				failures = append(failures, r.Code+": "+r.String())
			}
		})
	}
	close(start)
	wg.Wait()
	if len(failures) > 0 {
		t.Errorf("%d of %d invocations failed; the first: %s", len(failures), n, failures[0])
	}
	if got := as.TokenCalls("client_credentials"); got != 2 {
		t.Errorf("the race made %d token calls, want exactly 1", got-1)
	}
	tokens := map[string]int{}
	for _, r := range up.requests()[before:] {
		tokens[r.Header.Get("Authorization")]++
	}
	if len(tokens) != 1 {
		t.Errorf("the upstream saw %d different tokens in the race, want 1: %v", len(tokens), tokens)
	}
	for auth := range tokens {
		if _, ok := as.ValidAccessToken(strings.TrimPrefix(auth, "Bearer ")); !ok {
			t.Errorf("the race used %q, not a valid token", auth)
		}
	}
	if got := up.count() - before; got != n-len(failures) {
		t.Errorf("the upstream saw %d requests, want %d", got, n-len(failures))
	}
}

// TestRuntimeIAM: IAM connectors are verified by assuming their role with the
// server's own AWS credentials, the connector's ARN as the external id.
func TestRuntimeIAM(t *testing.T) {
	t.Parallel()
	sts := upstreamtest.NewSTSServer(t, upstreamtest.STSOptions{})
	sts.AllowCaller(serverKeyID, serverSecretKey)
	role := "arn:aws:iam::" + account + ":role/ActionGateS3"
	sts.AllowRole(role, connectorARN("iam-ok"))
	otherRole := "arn:aws:iam::" + account + ":role/OtherConnectorsOnly"
	sts.AllowRole(otherRole, connectorARN("someone-else"))

	o := serverOptions{env: awsServerEnv(t, sts, nil), args: []string{"--egress-allow", "127.0.0.1/32", "--verify-connections=true"}}
	s := startServer(t, o)
	admin := s.admin()

	out := createConnector(t, admin, "iam-ok", types.ActionConnectorTypeAmazonS3, iamAuth(role))
	if out.CreationStatus != types.ResourceStatusCreationInProgress {
		t.Errorf("Create answered %s, want CREATION_IN_PROGRESS", out.CreationStatus)
	}
	createConnector(t, admin, "iam-denied", types.ActionConnectorTypeAmazonS3, iamAuth("arn:aws:iam::"+account+":role/NotAllowed"))
	createConnector(t, admin, "iam-wrong-id", types.ActionConnectorTypeAmazonS3, iamAuth(otherRole))

	if got := settled(t, admin, "iam-ok", 30*time.Second); got.Status != types.ResourceStatusCreationSuccessful || got.Error != nil {
		t.Errorf("iam-ok is %s (%s), want CREATION_SUCCESSFUL", got.Status, errorMessage(got))
	}
	for _, id := range []string{"iam-denied", "iam-wrong-id"} {
		got := settled(t, admin, id, 30*time.Second)
		if got.Status != types.ResourceStatusCreationFailed || !strings.Contains(errorMessage(got), "AccessDenied") {
			t.Errorf("%s is %s with Error %q, want CREATION_FAILED with the STS error AccessDenied", id, got.Status, errorMessage(got))
		}
	}
	var calls []upstreamtest.AssumeRoleCall
	for _, c := range sts.Calls() {
		if c.RoleArn == role {
			calls = append(calls, c)
		}
	}
	if len(calls) != 1 {
		t.Fatalf("STS saw %d AssumeRole calls for %s, want 1: %+v", len(calls), role, sts.Calls())
	}
	if c := calls[0]; c.ExternalId != connectorARN("iam-ok") || c.Caller != serverKeyID || c.RoleSessionName == "" {
		t.Errorf("AssumeRole was called with %+v; want ExternalId %s, signed by %s", c, connectorARN("iam-ok"), serverKeyID)
	}
	for _, c := range sts.Calls() {
		if c.RoleArn == otherRole && c.ExternalId != connectorARN("iam-wrong-id") {
			t.Errorf("AssumeRole of %s carried ExternalId %q, want %s", otherRole, c.ExternalId, connectorARN("iam-wrong-id"))
		}
	}
}

// TestRuntimeVerificationSurvivesRestart kills the server (SIGKILL) while it
// verifies a connector; a new server on the same data finishes the work.
func TestRuntimeVerificationSurvivesRestart(t *testing.T) {
	t.Parallel()
	up := newUpstream(t, nil)
	as := upstreamtest.NewOAuthServer(t, upstreamtest.OAuthOptions{})
	as.RegisterClient("slow", "slow-secret")
	as.Latency(time.Minute)
	cert := certFile(t, up.Server)
	s := startServer(t, runtimeOptions(cert))
	admin := s.admin()
	registerUsers(t, admin, "alice")
	createConnector(t, admin, "slow", types.ActionConnectorTypeGenericHttp,
		clientCredentialsAuth(up.URL+"/api", "slow", "slow-secret", as.TokenURL()), user("alice"))
	deadline := time.Now().Add(20 * time.Second)
	for as.TotalTokenCalls() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("verification did not call the token endpoint")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got, err := describe(context.Background(), admin, "slow"); err != nil || got.Status != types.ResourceStatusCreationInProgress {
		t.Fatalf("before the kill the connector is %v (%v), want CREATION_IN_PROGRESS", got, err)
	}
	s.cmd.Process.Kill()
	<-s.done
	as.Latency(0)

	o := runtimeOptions(cert)
	o.dataDir = s.DataDir
	s2 := startServer(t, o)
	admin = s2.admin()
	got := settled(t, admin, "slow", 60*time.Second)
	if got.Status != types.ResourceStatusCreationSuccessful {
		t.Fatalf("after the restart the connector is %s (%s), want CREATION_SUCCESSFUL", got.Status, errorMessage(got))
	}
	invoked(t, "after the restart", s2.adminExt().invoke(t, "slow", "HttpRequest", httpGet, user("alice")))
	if tok, _ := strings.CutPrefix(up.last(t).Header.Get("Authorization"), "Bearer "); tok == "" {
		t.Error("the invocation carried no token")
	} else if _, ok := as.ValidAccessToken(tok); !ok {
		t.Errorf("the invocation carried %q, not a valid token", tok)
	}
}

// TestRuntimeAudit: every invocation is in the audit log with its action,
// the upstream's status and the user, and never with the credential.
func TestRuntimeAudit(t *testing.T) {
	t.Parallel()
	up := newUpstream(t, nil)
	s := startServer(t, runtimeOptions(certFile(t, up.Server)))
	admin := s.admin()
	registerUsers(t, admin, "alice", "bob")
	const secret = "audit-api-key-never-logged-0123"
	createConnector(t, admin, "audited", types.ActionConnectorTypeGenericHttp, keyAuth(up.URL+"/api", secret), user("alice"))
	x := s.adminExt()
	invoked(t, "a success", x.invoke(t, "audited", "HttpRequest", map[string]any{"Method": "GET", "Path": "/echo"}, user("alice")))
	refused(t, "an upstream 404", x.invoke(t, "audited", "HttpRequest", map[string]any{"Method": "GET", "Path": "/missing"}, user("alice")),
		424, "UpstreamFailureException")
	refused(t, "a user without a grant", x.invoke(t, "audited", "HttpRequest", httpGet, user("bob")), 401, "AccessDeniedException")

	type want struct {
		user, outcome, code string
		status              float64 // 0: no upstream call
	}
	wants := []want{
		{user("alice"), "Success", "", 200},
		{user("alice"), "Failure", "UpstreamFailureException", 404},
		{"", "Failure", "AccessDeniedException", 0}, // the user of a refused call: see below
	}
	var (
		out     string
		invokes []map[string]any
	)
	deadline := time.Now().Add(15 * time.Second)
	for {
		out = runCLI(t, nil, "audit", "--data-dir", s.DataDir)
		invokes = nil
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if line == "" {
				continue
			}
			var e map[string]any
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("actiongate audit printed %q: %v", line, err)
			}
			if e["operation"] == "InvokeAction" {
				invokes = append(invokes, e)
			}
		}
		if len(invokes) >= len(wants) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if strings.Contains(out, secret) {
		t.Errorf("the audit log holds the API key:\n%s", out)
	}
	if len(invokes) != len(wants) {
		t.Fatalf("the audit log holds %d InvokeAction events, want %d:\n%s", len(invokes), len(wants), out)
	}
	// The action id and the upstream status may be named as the CLI likes;
	// they must be there.
	known := []string{"eventTime", "eventId", "requestId", "accountId", "identityArn", "accessKeyId", "userArn", "operation",
		"resourceArn", "outcome", "errorCode", "sourceIp"}
	for i, w := range wants {
		e := invokes[i]
		userOK := e["userArn"] == w.user
		if w.user == "" { // refused before the invocation: the user named may be recorded
			userOK = e["userArn"] == nil || e["userArn"] == user("bob")
		}
		if !userOK || e["outcome"] != w.outcome || (e["errorCode"] != nil || w.code != "") && e["errorCode"] != w.code ||
			e["resourceArn"] != connectorARN("audited") {
			t.Errorf("InvokeAction event %d is %v; want user %s, outcome %s, error %q on %s", i, e, w.user, w.outcome, w.code, connectorARN("audited"))
		}
		var hasAction, hasStatus bool
		for k, v := range e {
			if slices.Contains(known, k) {
				continue
			}
			hasAction = hasAction || v == "HttpRequest"
			hasStatus = hasStatus || v == w.status
		}
		if !hasAction {
			t.Errorf("InvokeAction event %d does not name the action HttpRequest: %v", i, e)
		}
		if w.status != 0 && !hasStatus {
			t.Errorf("InvokeAction event %d does not hold the upstream status %v: %v", i, w.status, e)
		}
	}
}
