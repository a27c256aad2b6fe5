package e2e

import (
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// TestCatalogVerification checks that a connector of a catalog type is
// verified with the type's check request: Jira's GET /rest/api/3/myself with
// the API key as Atlassian documents it (Basic email:token).
func TestCatalogVerification(t *testing.T) {
	t.Parallel()
	up := newUpstream(t, map[string]http.HandlerFunc{
		"/jira/rest/api/3/myself": func(w http.ResponseWriter, r *http.Request) {
			writeJSONReply(w, map[string]any{"accountId": "5b10a2844c20165700ede21g", "emailAddress": "bot@acme.com"})
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

}
