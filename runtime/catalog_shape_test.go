package runtime_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/catalog"
	"github.com/actiongate/actiongate/internal/upstreamtest"
)

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
	// body is the JSON the upstream must receive; "" for no body.
	body string
	// status, contentType and answer are the upstream's answer; status 0 is
	// 200 and contentType "" is application/json.
	status      int
	contentType string
	answer      string
	// output is the invocation's expected Output; "" means answer itself.
	output string
}

// auth says how a type's connector authenticates in its shape test.
type auth int

const (
	apiKeyAuth auth = iota // API_KEY with Email
	oauthAuth              // OAUTH2_AUTHORIZATION_CODE, a user signed in
	basicAuth              // BASIC, sent as RFC 7617 credentials
)

// received is what the upstream received.
type received struct {
	method, path string
	query        url.Values
	header       http.Header
	body         []byte
}

// testShapes invokes every case through the runtime against a loopback TLS
// upstream whose base endpoint path is basePath, checks the request and the
// shaped output, and fails when an action of typ has no case or typ does not
// accept the authentication a.
func testShapes(t *testing.T, typ actiongate.ConnectorType, a auth, basePath string, cases []shape) {
	t.Helper()
	ct, ok := catalog.Lookup(typ)
	if !ok {
		t.Fatalf("the catalog has no %s", typ)
	}
	for _, def := range ct.Actions {
		if !slices.ContainsFunc(cases, func(c shape) bool { return c.action == def.ID }) {
			t.Errorf("%s action %s has no request-shape case", typ, def.ID)
		}
	}
	if !slices.Contains(ct.Auth, authType(a)) {
		t.Errorf("%s does not accept %s, the authentication of its shape test", typ, authType(a))
	}

	got := make(chan received, 1)
	answers := make(chan shape, 1)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the body: %v", err)
		}
		got <- received{r.Method, r.URL.Path, r.URL.Query(), r.Header.Clone(), body}
		answer := <-answers
		w.Header().Set("Content-Type", cmpOr(answer.contentType, "application/json; charset=utf-8"))
		w.WriteHeader(cmpOr(answer.status, http.StatusOK))
		io.WriteString(w, answer.answer)
	}))
	t.Cleanup(srv.Close)
	e := newEnv(t, srv)
	base := srv.URL + basePath
	var c *actiongate.Connector
	var wantAuth func(string) bool
	switch a {
	case apiKeyAuth:
		c = connector("c1", typ, actiongate.AuthConfig{Type: actiongate.AuthAPIKey,
			APIKey: &actiongate.APIKeyAuth{BaseEndpoint: base, APIKey: secret("api-key-0123"), Email: "agent@example.com"}})
		want := apiKeyHeader(typ)
		wantAuth = func(h string) bool { return h == want }
	case basicAuth:
		c = connector("c1", typ, actiongate.AuthConfig{Type: actiongate.AuthBasic,
			Basic: &actiongate.BasicAuth{BaseEndpoint: base, Username: "COMM_USER", Password: secret("s3cret-Passw0rd")}})
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte("COMM_USER:s3cret-Passw0rd"))
		wantAuth = func(h string) bool { return h == want }
	case oauthAuth:
		as := upstreamtest.NewOAuthServer(t, upstreamtest.OAuthOptions{})
		as.RegisterClient("client-1", "client-secret-1", "https://gate.example/sn/oauthcallback")
		e.rootsFromPEM(t, as.CertPEM())
		e.rt = e.runtime()
		oe := &oauthEnv{env: e, as: as, url: base, clock: newClock()}
		c = connector("c1", typ, actiongate.AuthConfig{Type: actiongate.AuthOAuth2AuthorizationCode,
			AuthorizationCode: &actiongate.AuthorizationCodeAuth{BaseEndpoint: base, RedirectURL: "https://gate.example/sn/oauthcallback",
				AuthorizationEndpoint: as.AuthorizeURL(),
				Client:                &actiongate.OAuthClient{ClientID: "client-1", ClientSecret: secret("client-secret-1"), TokenEndpoint: as.TokenURL()}}})
		oe.signIn(t, c, alice)
		wantAuth = func(h string) bool {
			tok, ok := strings.CutPrefix(h, "Bearer ")
			_, valid := as.ValidAccessToken(tok)
			return ok && valid
		}
	}

	// The cases share one upstream, so they run one after another.
	for _, tc := range cases {
		t.Run(tc.action, func(t *testing.T) {
			answers <- tc
			defer func() {
				select { // not taken when the request never left
				case <-answers:
				default:
				}
				select { // not read when the invocation failed
				case <-got:
				default:
				}
			}()
			res, err := e.rt.Invoke(t.Context(), actiongate.Call{Connector: c, ActionID: tc.action, Input: json.RawMessage(tc.input), UserARN: alice})
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			r := <-got
			if r.method != tc.method || r.path != basePath+tc.path {
				t.Errorf("request = %s %s, want %s %s", r.method, r.path, tc.method, basePath+tc.path)
			}
			wantQuery, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantQuery, r.query); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
			if h := r.header.Get("Authorization"); !wantAuth(h) {
				t.Errorf("Authorization = %q, not the form %s documents", h, typ)
			}
			for k, v := range tc.header {
				if g := r.header.Get(k); g != v {
					t.Errorf("header %s = %q, want %q", k, g, v)
				}
			}
			if tc.body == "" {
				if len(r.body) != 0 || r.header.Get("Content-Type") != "" {
					t.Errorf("request has a body (%s) %q; want none", r.header.Get("Content-Type"), r.body)
				}
			} else {
				if ct := r.header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q, want application/json", ct)
				}
				if diff := cmp.Diff(decode(t, tc.body), decode(t, string(r.body))); diff != "" {
					t.Errorf("body (-want +got):\n%s", diff)
				}
			}
			if res.UpstreamStatus != cmpOr(tc.status, http.StatusOK) {
				t.Errorf("UpstreamStatus = %d", res.UpstreamStatus)
			}
			want := cmpOr(tc.output, tc.answer)
			if want == "" {
				if res.Output != nil {
					t.Errorf("Output = %s, want none", res.Output)
				}
				return
			}
			if diff := cmp.Diff(decode(t, want), decode(t, string(res.Output))); diff != "" {
				t.Errorf("Output (-want +got):\n%s", diff)
			}
		})
	}
}

func authType(a auth) actiongate.AuthType {
	switch a {
	case oauthAuth:
		return actiongate.AuthOAuth2AuthorizationCode
	case basicAuth:
		return actiongate.AuthBasic
	}
	return actiongate.AuthAPIKey
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

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, s)
	}
	return v
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// TestCatalogActionsListed checks that a connector's actions are its
// type's catalog actions, after HttpRequest for GENERIC_HTTP only.
func TestCatalogActionsListed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, ct := range catalog.Types() {
		c := connector("c1", ct.Type, actiongate.AuthConfig{})
		got, err := e.rt.Actions(c, nil)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range got {
			ids = append(ids, a.ID)
		}
		var want []string
		for _, a := range ct.Actions {
			want = append(want, a.ID)
		}
		if diff := cmp.Diff(want, ids); diff != "" {
			t.Errorf("%s actions (-want +got):\n%s", ct.Type, diff)
		}
	}
	got, err := e.rt.Actions(connector("g", actiongate.TypeGenericHTTP, actiongate.AuthConfig{}), nil)
	if err != nil || len(got) != 1 || got[0].ID != "HttpRequest" {
		t.Errorf("GENERIC_HTTP actions = %v, %v; want HttpRequest only", got, err)
	}
}
