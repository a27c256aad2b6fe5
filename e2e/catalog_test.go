package e2e

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// TestCatalogActionThroughTheServer invokes a built-in action of a catalog
// type through the real server: verification with the type's check request,
// then Jira's CreateIssue with an API key, as Atlassian documents it (Basic
// email:token, POST /rest/api/3/issue with the issue as the JSON body). The
// request shape of every catalog action is checked in package runtime; this
// proves the path from the API to them.
func TestCatalogActionThroughTheServer(t *testing.T) {
	t.Parallel()
	up := newUpstream(t, map[string]http.HandlerFunc{
		"/jira/rest/api/3/myself": func(w http.ResponseWriter, r *http.Request) {
			writeJSONReply(w, map[string]any{"accountId": "5b10a2844c20165700ede21g", "emailAddress": "bot@acme.com"})
		},
		"/jira/rest/api/3/issue": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			json.NewEncoder(w).Encode(map[string]any{"id": "10000", "key": "ED-24", "self": "https://your-domain.atlassian.net/rest/api/3/issue/10000"})
		},
	})
	s := startServer(t, runtimeOptions(certFile(t, up.Server)))
	admin := s.admin()
	registerUsers(t, admin, "alice")
	const token = "atl-api-token-0123456789"
	auth := &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeApiKey,
		AuthenticationMetadata: &types.AuthenticationMetadataMemberApiKeyConnectionMetadata{Value: types.APIKeyConnectionMetadata{
			BaseEndpoint: aws.String(up.URL + "/jira"), ApiKey: aws.String(token), Email: aws.String("bot@acme.com")}}}
	out := createConnector(t, admin, "jira", types.ActionConnectorTypeJiraCloud, auth, user("alice"))
	if out.CreationStatus != types.ResourceStatusCreationInProgress {
		t.Errorf("CreationStatus = %s, want CREATION_IN_PROGRESS: the type has a check request", out.CreationStatus)
	}
	if c := settled(t, admin, "jira", 30*time.Second); c.Status != types.ResourceStatusCreationSuccessful {
		t.Fatalf("status after verification = %s (%s)", c.Status, errorMessage(c))
	}
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("bot@acme.com:"+token))
	if got := up.last(t); got.Path != "/jira/rest/api/3/myself" || got.Header.Get("Authorization") != wantAuth {
		t.Errorf("verification request %s %s with %q", got.Method, got.Path, got.Header.Get("Authorization"))
	}

	issue := map[string]any{"fields": map[string]any{"project": map[string]any{"key": "ED"}, "summary": "Printer on fire",
		"issuetype": map[string]any{"name": "Bug"}}}
	res := invoked(t, "CreateIssue", s.adminExt().invoke(t, "jira", "CreateIssue", map[string]any{"body": issue}, user("alice")))
	got := up.last(t)
	if got.Method != "POST" || got.Path != "/jira/rest/api/3/issue" || got.Header.Get("Authorization") != wantAuth ||
		got.Header.Get("Content-Type") != "application/json" {
		t.Errorf("upstream saw %s %s (%q, %q)", got.Method, got.Path, got.Header.Get("Authorization"), got.Header.Get("Content-Type"))
	}
	jsonEqual(t, "the issue sent", []byte(got.Body), `{"fields":{"issuetype":{"name":"Bug"},"project":{"key":"ED"},"summary":"Printer on fire"}}`)
	if res.UpstreamStatus != 201 {
		t.Errorf("UpstreamStatus = %d, want 201", res.UpstreamStatus)
	}
	jsonEqual(t, "the output", res.Output, `{"id":"10000","key":"ED-24","self":"https://your-domain.atlassian.net/rest/api/3/issue/10000"}`)
}
