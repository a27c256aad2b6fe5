package restjson_test

import (
	"bytes"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

var update = flag.Bool("update", false, "rewrite the golden files of the wire tests")

// goldenStep is one signed request of the golden scenario; its exact response
// (status, the headers clients read, the JSON body) is in testdata/golden/<name>.golden.
type goldenStep struct {
	name, method, path, body string
	unsigned                 bool
}

const (
	connectorsPath = "/accounts/" + testAccount + "/action-connectors"
	usersPath      = "/accounts/" + testAccount + "/namespaces/default/users"
	groupsPath     = "/accounts/" + testAccount + "/namespaces/default/groups"
)

var connectorARN = url.PathEscape("arn:aws:quicksight:us-east-1:" + testAccount + ":action-connector/jira-1")

// goldenScenario walks every operation once, in an order where each step sees
// the state the previous ones left.
var goldenScenario = []goldenStep{
	{name: "healthz", method: "GET", path: "/healthz", unsigned: true},
	{name: "register-user", method: "POST", path: usersPath, body: `{
		"IdentityType": "QUICKSIGHT", "UserName": "alice", "Email": "alice@example.com", "UserRole": "AUTHOR"}`},
	{name: "register-iam-user", method: "POST", path: usersPath, body: `{
		"IdentityType": "IAM", "IamArn": "arn:aws:iam::111122223333:role/Support", "SessionName": "bob",
		"Email": "bob@example.com", "UserRole": "READER"}`},
	{name: "register-user-duplicate", method: "POST", path: usersPath, body: `{
		"IdentityType": "QUICKSIGHT", "UserName": "alice", "Email": "alice@example.com", "UserRole": "AUTHOR"}`},
	{name: "register-user-identity-center", method: "POST", path: usersPath, body: `{
		"IdentityType": "IAM_IDENTITY_CENTER", "UserName": "carol", "Email": "carol@example.com", "UserRole": "AUTHOR"}`},
	{name: "register-user-other-namespace", method: "POST", path: "/accounts/" + testAccount + "/namespaces/sales/users", body: `{
		"IdentityType": "QUICKSIGHT", "UserName": "carol", "Email": "carol@example.com", "UserRole": "AUTHOR"}`},
	{name: "describe-user", method: "GET", path: usersPath + "/alice"},
	{name: "update-user", method: "PUT", path: usersPath + "/alice", body: `{"Email": "alice@example.org", "Role": "ADMIN"}`},
	{name: "list-users", method: "GET", path: usersPath + "?max-results=1"},
	{name: "create-group", method: "POST", path: groupsPath, body: `{"GroupName": "support", "Description": "Support engineers"}`},
	{name: "create-group-duplicate", method: "POST", path: groupsPath, body: `{"GroupName": "support"}`},
	{name: "update-group", method: "PUT", path: groupsPath + "/support", body: `{"Description": "First-line support"}`},
	{name: "describe-group", method: "GET", path: groupsPath + "/support"},
	{name: "list-groups", method: "GET", path: groupsPath},
	{name: "search-groups", method: "POST", path: "/accounts/" + testAccount + "/namespaces/default/groups-search",
		body: `{"Filters": [{"Name": "GROUP_NAME", "Operator": "StartsWith", "Value": "sup"}]}`},
	{name: "create-group-membership", method: "PUT", path: groupsPath + "/support/members/alice"},
	{name: "create-group-membership-missing-user", method: "PUT", path: groupsPath + "/support/members/nobody"},
	{name: "describe-group-membership", method: "GET", path: groupsPath + "/support/members/alice"},
	{name: "list-group-memberships", method: "GET", path: groupsPath + "/support/members"},
	{name: "list-user-groups", method: "GET", path: usersPath + "/alice/groups"},
	{name: "create-api-key", method: "POST", path: connectorsPath, body: `{
		"ActionConnectorId": "jira-1", "Name": "Jira tickets", "Type": "JIRA_CLOUD",
		"Description": "Creates issues.",
		"AuthenticationConfig": {"AuthenticationType": "API_KEY", "AuthenticationMetadata": {
			"ApiKeyConnectionMetadata": {"BaseEndpoint": "https://example.atlassian.net", "ApiKey": "golden-secret-key", "Email": "bot@example.com"}}},
		"Permissions": [{"Principal": "arn:aws:quicksight:us-east-1:111122223333:user/default/alice",
			"Actions": ["quicksight:DescribeActionConnector", "quicksight:UpdateActionConnector"]}],
		"Tags": [{"Key": "team", "Value": "support"}]}`},
	{name: "create-iam", method: "POST", path: connectorsPath, body: `{
		"ActionConnectorId": "s3-1", "Name": "Buckets", "Type": "AMAZON_S3",
		"AuthenticationConfig": {"AuthenticationType": "IAM", "AuthenticationMetadata": {
			"IamConnectionMetadata": {"RoleArn": "arn:aws:iam::111122223333:role/ActionConnector"}}}}`},
	{name: "create-oauth", method: "POST", path: connectorsPath, body: `{
		"ActionConnectorId": "slack-1", "Name": "Slack", "Type": "SLACK",
		"AuthenticationConfig": {"AuthenticationType": "OAUTH2_AUTHORIZATION_CODE", "AuthenticationMetadata": {
			"AuthorizationCodeGrantMetadata": {"BaseEndpoint": "https://slack.com/api",
				"RedirectUrl": "https://actiongate.example.com/oauth/callback",
				"AuthorizationCodeGrantCredentialsSource": "PLAIN_CREDENTIALS",
				"AuthorizationCodeGrantCredentialsDetails": {"AuthorizationCodeGrantDetails": {
					"ClientId": "123.456", "ClientSecret": "golden-client-secret",
					"TokenEndpoint": "https://slack.com/api/oauth.v2.access",
					"AuthorizationEndpoint": "https://slack.com/oauth/v2/authorize"}}}}}}`},
	{name: "create-duplicate", method: "POST", path: connectorsPath, body: `{
		"ActionConnectorId": "jira-1", "Name": "Again", "Type": "JIRA_CLOUD",
		"AuthenticationConfig": {"AuthenticationType": "NONE", "AuthenticationMetadata": {
			"NoneConnectionMetadata": {"BaseEndpoint": "https://example.atlassian.net"}}}}`},
	{name: "create-invalid-name", method: "POST", path: connectorsPath, body: `{
		"ActionConnectorId": "bad", "Name": "ends with space ", "Type": "JIRA_CLOUD",
		"AuthenticationConfig": {"AuthenticationType": "NONE", "AuthenticationMetadata": {
			"NoneConnectionMetadata": {"BaseEndpoint": "https://example.atlassian.net"}}}}`},
	{name: "create-missing-auth", method: "POST", path: connectorsPath, body: `{"ActionConnectorId": "bad", "Name": "x", "Type": "SLACK"}`},
	{name: "create-malformed", method: "POST", path: connectorsPath, body: `{"ActionConnectorId": "bad",}`},
	{name: "describe", method: "GET", path: connectorsPath + "/jira-1"},
	{name: "describe-iam", method: "GET", path: connectorsPath + "/s3-1"},
	{name: "describe-oauth", method: "GET", path: connectorsPath + "/slack-1"},
	{name: "describe-missing", method: "GET", path: connectorsPath + "/nope"},
	{name: "update", method: "PUT", path: connectorsPath + "/jira-1", body: `{
		"Name": "Jira", "AuthenticationConfig": {"AuthenticationType": "BASIC", "AuthenticationMetadata": {
			"BasicAuthConnectionMetadata": {"BaseEndpoint": "https://example.atlassian.net", "Username": "bot", "Password": "golden-password"}}},
		"EnabledActions": ["CreateIssue", "GetIssue"]}`},
	{name: "describe-updated", method: "GET", path: connectorsPath + "/jira-1"},
	{name: "list-page-1", method: "GET", path: connectorsPath + "?max-results=2"},
	{name: "list-page-2", method: "GET", path: connectorsPath + "?max-results=2&next-token=" + url.QueryEscape("czMtMff5QQRX8bYvUYyxQ1kPZpg=")},
	{name: "list-bad-token", method: "GET", path: connectorsPath + "?next-token=Zm9yZ2VkLXRva2VuLWZvcmdlZC10b2tlbg%3D%3D"},
	{name: "search-name", method: "POST", path: "/accounts/" + testAccount + "/search/action-connectors?max-results=10",
		body: `{"Filters": [{"Name": "ACTION_CONNECTOR_NAME", "Operator": "StringLike", "Value": "sla"}]}`},
	{name: "search-two-filters", method: "POST", path: "/accounts/" + testAccount + "/search/action-connectors",
		body: `{"Filters": [{"Name": "ACTION_CONNECTOR_TYPE", "Operator": "StringEquals", "Value": "SLACK"},
			{"Name": "ACTION_CONNECTOR_NAME", "Operator": "StringLike", "Value": "s"}]}`},
	{name: "permissions-update", method: "POST", path: connectorsPath + "/jira-1/permissions", body: `{
		"GrantPermissions": [{"Principal": "arn:aws:quicksight:us-east-1:111122223333:group/default/support",
			"Actions": ["quicksight:DescribeActionConnector"]}],
		"RevokePermissions": [{"Principal": "arn:aws:quicksight:us-east-1:111122223333:user/default/alice",
			"Actions": ["quicksight:UpdateActionConnector"]}]}`},
	{name: "permissions-namespace", method: "POST", path: connectorsPath + "/jira-1/permissions", body: `{
		"GrantPermissions": [{"Principal": "arn:aws:quicksight:us-east-1:111122223333:namespace/default",
			"Actions": ["quicksight:DescribeActionConnector"]}]}`},
	{name: "permissions-describe", method: "GET", path: connectorsPath + "/jira-1/permissions"},
	{name: "tag", method: "POST", path: "/resources/" + connectorARN + "/tags", body: `{"Tags": [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "it"}]}`},
	{name: "untag", method: "DELETE", path: "/resources/" + connectorARN + "/tags?keys=env&keys=missing"},
	{name: "list-tags", method: "GET", path: "/resources/" + connectorARN + "/tags"},
	{name: "list-tags-foreign-arn", method: "GET", path: "/resources/" + url.PathEscape("arn:aws:quicksight:us-east-1:111122223333:dashboard/d1") + "/tags"},
	{name: "cross-account", method: "GET", path: "/accounts/444455556666/action-connectors"},
	{name: "permissions-missing-user", method: "POST", path: connectorsPath + "/jira-1/permissions", body: `{
		"GrantPermissions": [{"Principal": "arn:aws:quicksight:us-east-1:111122223333:user/default/nobody",
			"Actions": ["quicksight:DescribeActionConnector"]}]}`},
	{name: "delete-group-membership", method: "DELETE", path: groupsPath + "/support/members/alice"},
	{name: "delete-user", method: "DELETE", path: usersPath + "/alice"},
	{name: "describe-user-deleted", method: "GET", path: usersPath + "/alice"},
	{name: "permissions-after-delete-user", method: "GET", path: connectorsPath + "/jira-1/permissions"},
	{name: "delete-group", method: "DELETE", path: groupsPath + "/support"},
	{name: "delete", method: "DELETE", path: connectorsPath + "/jira-1"},
	{name: "describe-deleted", method: "GET", path: connectorsPath + "/jira-1"},
	{name: "unknown-operation", method: "GET", path: "/accounts/" + testAccount + "/dashboards"},
	{name: "unsigned", method: "GET", path: connectorsPath, unsigned: true},
}

func TestGoldenWire(t *testing.T) {
	e := newEnv(t)
	for _, step := range goldenScenario {
		req := e.request(t, step.method, step.path, step.body)
		if !step.unsigned {
			e.sign(t, req, step.body)
		}
		resp, body := send(t, req)
		got := render(t, step, resp, body)
		path := filepath.Join("testdata", "golden", step.name+".golden")
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run go test -update to create it)", step.name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: response differs from %s\n--- got\n%s\n--- want\n%s", step.name, path, got, want)
		}
	}
}

var requestIDPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// render writes a request and its response as the golden form: the request
// line and body, then the status, the headers clients read, and the body
// indented, with the random request id replaced by <request-id>.
func render(t *testing.T, step goldenStep, resp *http.Response, body []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s\n", step.method, step.path)
	if step.body != "" {
		if v := jsontext.Value(step.body); v.IsValid() {
			b.WriteString(indent(t, []byte(step.body)))
		} else {
			b.WriteString(step.body + "\n")
		}
	}
	fmt.Fprintf(&b, "\n%s\n", resp.Status)
	if id := resp.Header.Get("X-Amzn-RequestId"); id != "" {
		if !requestIDPattern.MatchString(id) {
			t.Errorf("%s: X-Amzn-RequestId %q is not a UUID", step.name, id)
		}
		if !bytes.Contains(body, []byte(id)) && resp.Header.Get("Content-Type") == "application/json" {
			t.Errorf("%s: the body does not carry the request id %s", step.name, id)
		}
		b.WriteString("X-Amzn-RequestId: <request-id>\n")
	}
	for _, h := range []string{"Content-Type", "X-Amzn-ErrorType"} {
		if v := resp.Header.Get(h); v != "" {
			fmt.Fprintf(&b, "%s: %s\n", h, v)
		}
	}
	b.WriteString("\n")
	if resp.Header.Get("Content-Type") == "application/json" {
		b.WriteString(requestIDPattern.ReplaceAllString(indent(t, body), "<request-id>"))
	} else {
		b.Write(body)
	}
	return b.Bytes()
}

func indent(t *testing.T, b []byte) string {
	t.Helper()
	v := jsontext.Value(bytes.Clone(b))
	if err := v.Indent(jsontext.WithIndent("  ")); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	return string(v) + "\n"
}
