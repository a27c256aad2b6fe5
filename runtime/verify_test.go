package runtime_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/actiongate/actiongate"
)

func TestVerificationRequest(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status  int
		wantErr bool
	}{{200, false}, {401, true}} {
		srv, got := recorder(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(tt.status)
			w.Write([]byte(`{"accountId":"5b10a2844c20165700ede21g"}`))
		})
		e := newEnv(t, srv)
		c := connector("jira", actiongate.TypeJiraCloud, actiongate.AuthConfig{Type: actiongate.AuthAPIKey,
			APIKey: &actiongate.APIKeyAuth{BaseEndpoint: srv.URL, APIKey: secret("atl-token-1234"), Email: "ops@example.com"}})
		if !e.rt.Verifies(c) {
			t.Fatal("a JIRA_CLOUD API_KEY connector has no check; want its verification request")
		}
		err := e.rt.Verify(t.Context(), c)
		if r := <-got; r.Method != "GET" || r.Path != "/rest/api/3/myself" || !strings.HasPrefix(r.Authorization, "Basic ") {
			t.Errorf("verification request = %s %s (%q), want GET /rest/api/3/myself with Basic credentials", r.Method, r.Path, r.Authorization)
		}
		if tt.wantErr != (err != nil) || err != nil && !strings.Contains(actiongate.MessageOf(err), "401") {
			t.Errorf("upstream %d: Verify = %v", tt.status, err)
		}
	}
	// A verification path with a query (ServiceNow's).
	srv, got := recorder(t, jsonAnswer(`{"result":[]}`))
	e := newEnv(t, srv)
	c := connector("snow", actiongate.TypeServiceNowNowPlatform, actiongate.AuthConfig{Type: actiongate.AuthOAuth2ClientCredentials,
		ClientCredentials: &actiongate.ClientCredentialsAuth{BaseEndpoint: srv.URL}})
	c.Auth = actiongate.AuthConfig{Type: actiongate.AuthBasic, Basic: &actiongate.BasicAuth{BaseEndpoint: srv.URL, Username: "u", Password: secret("p4ssword")}}
	if err := e.rt.Verify(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	if r := <-got; r.Path != "/api/now/table/sys_user" || r.RawQuery != "sysparm_limit=1" {
		t.Errorf("verification request = %s ? %s, want /api/now/table/sys_user ? sysparm_limit=1", r.Path, r.RawQuery)
	}

	threeLegged := connector("jira3lo", actiongate.TypeJiraCloud, actiongate.AuthConfig{Type: actiongate.AuthOAuth2AuthorizationCode,
		AuthorizationCode: &actiongate.AuthorizationCodeAuth{BaseEndpoint: "https://api.atlassian.com/ex/jira/x", RedirectURL: "https://gate.example/cb"}})
	if newEnv(t).rt.Verifies(threeLegged) {
		t.Error("a 3LO connector has a check, but it has no token before a user signs in")
	}
}

// TestVerifySlackOKFalse checks that Slack's auth.test answering HTTP 200
// with "ok": false, as it does for a revoked token, fails verification.
func TestVerifySlackOKFalse(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		answer  string
		wantErr string
	}{
		{`{"ok":false,"error":"invalid_auth"}`, "invalid_auth"},
		{`{"ok":false,"error":"<script>"}`, "unknown error"},
		{`{"ok":true,"url":"https://subarachnoiddivision.slack.com/","team":"Subarachnoid Division","user":"grace","team_id":"T12345","user_id":"W12345"}`, ""},
	} {
		srv, got := recorder(t, jsonAnswer(tt.answer))
		e := newEnv(t, srv)
		c := connector("slack", actiongate.TypeSlack, actiongate.AuthConfig{Type: actiongate.AuthAPIKey,
			APIKey: &actiongate.APIKeyAuth{BaseEndpoint: srv.URL + "/api", APIKey: secret("xoxb-revoked-0123")}})
		err := e.rt.Verify(t.Context(), c)
		if r := <-got; r.Method != "POST" || r.Path != "/api/auth.test" {
			t.Errorf("verification request = %s %s, want POST /api/auth.test", r.Method, r.Path)
		}
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (actiongate.KindOf(err) != actiongate.KindUpstream || !strings.Contains(actiongate.MessageOf(err), tt.wantErr)) {
			t.Errorf("answer %s: Verify = %v, want an upstream error naming %q", tt.answer, err, tt.wantErr)
		}
	}
}
