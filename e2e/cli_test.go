package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAWSCLI drives the server with the AWS CLI, as users type it.
func TestAWSCLI(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("aws"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("the AWS CLI is not installed; CI must have it")
		}
		t.Skip("the AWS CLI is not installed")
	}
	s := startServer(t, serverOptions{})
	home := t.TempDir()
	creds := filepath.Join(home, "credentials")
	os.WriteFile(creds, []byte("[default]\naws_access_key_id = "+adminKey+"\naws_secret_access_key = "+adminSecr+"\n"), 0o600)
	aws := func(args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command("aws", append([]string{"quicksight"}, append(args, "--endpoint-url", s.URL, "--region", region, "--output", "json")...)...)
		cmd.Env = []string{"AWS_SHARED_CREDENTIALS_FILE=" + creds, "AWS_CONFIG_FILE=" + filepath.Join(home, "config"), "HOME=" + home}
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "HOME=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws quicksight %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		var v map[string]any
		if len(out) > 0 {
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatalf("aws quicksight %s printed %s", args[0], out)
			}
		}
		return v
	}
	arn := "arn:aws:quicksight:us-east-1:" + account + ":action-connector/cli-jira"
	out := aws("create-action-connector", "--aws-account-id", account, "--action-connector-id", "cli-jira",
		"--name", "CLI Jira", "--type", "JIRA_CLOUD", "--authentication-config",
		`{"AuthenticationType":"API_KEY","AuthenticationMetadata":{"ApiKeyConnectionMetadata":{"BaseEndpoint":"https://acme.atlassian.net","ApiKey":"cli-secret","Email":"bot@acme.com"}}}`,
		"--tags", "Key=team,Value=support")
	if out["Arn"] != arn || out["CreationStatus"] != "CREATION_SUCCESSFUL" || out["Status"] != float64(200) {
		t.Errorf("create printed %v", out)
	}
	out = aws("describe-action-connector", "--aws-account-id", account, "--action-connector-id", "cli-jira")
	ac, _ := out["ActionConnector"].(map[string]any)
	if ac["Name"] != "CLI Jira" || strings.Contains(toJSON(out), "cli-secret") {
		t.Errorf("describe printed %v", out)
	}
	out = aws("list-action-connectors", "--aws-account-id", account)
	if sums, _ := out["ActionConnectorSummaries"].([]any); len(sums) != 1 {
		t.Errorf("list printed %v", out)
	}
	out = aws("search-action-connectors", "--aws-account-id", account, "--filters", "Name=ACTION_CONNECTOR_NAME,Operator=StringLike,Value=jira")
	if sums, _ := out["ActionConnectorSummaries"].([]any); len(sums) != 1 {
		t.Errorf("search printed %v", out)
	}
	out = aws("register-user", "--aws-account-id", account, "--namespace", "default", "--identity-type", "QUICKSIGHT",
		"--user-name", "alice", "--email", "alice@example.com", "--user-role", "AUTHOR")
	if u, _ := out["User"].(map[string]any); u["Arn"] != "arn:aws:quicksight:us-east-1:"+account+":user/default/alice" {
		t.Errorf("register-user printed %v", out)
	}
	aws("update-action-connector", "--aws-account-id", account, "--action-connector-id", "cli-jira", "--name", "CLI Jira 2",
		"--authentication-config", `{"AuthenticationType":"API_KEY","AuthenticationMetadata":{"ApiKeyConnectionMetadata":{"BaseEndpoint":"https://acme.atlassian.net","ApiKey":"cli-secret-2","Email":"bot@acme.com"}}}`)
	out = aws("update-action-connector-permissions", "--aws-account-id", account, "--action-connector-id", "cli-jira",
		"--grant-permissions", `[{"Principal":"arn:aws:quicksight:us-east-1:`+account+`:user/default/alice","Actions":["quicksight:DescribeActionConnector"]}]`)
	if perms, _ := out["Permissions"].([]any); len(perms) != 1 {
		t.Errorf("permissions printed %v", out)
	}
	aws("tag-resource", "--resource-arn", arn, "--tags", "Key=env,Value=prod")
	aws("untag-resource", "--resource-arn", arn, "--tag-keys", "team")
	out = aws("list-tags-for-resource", "--resource-arn", arn)
	if toJSON(out["Tags"]) != `[{"Key":"env","Value":"prod"}]` {
		t.Errorf("tags printed %v", out)
	}
	out = aws("delete-action-connector", "--aws-account-id", account, "--action-connector-id", "cli-jira")
	if out["Arn"] != arn {
		t.Errorf("delete printed %v", out)
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
