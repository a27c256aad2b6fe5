package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// TestPolicyMatrix gives keys identity policies and checks each kind of
// decision through the SDK: allowed, denied by default, denied explicitly
// despite an allow, and wildcard resources.
func TestPolicyMatrix(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	admin := s.admin()
	for _, id := range []string{"jira-1", "jira-2", "slack-1"} {
		createNamed(t, admin, id, id, types.ActionConnectorTypeGenericHttp)
	}
	const policyDoc = `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Effect": "Allow", "Action": ["quicksight:Describe*", "quicksight:ListActionConnectors"], "Resource": "*"},
	    {"Effect": "Allow", "Action": "quicksight:UpdateActionConnector",
	     "Resource": "arn:aws:quicksight:us-east-1:111122223333:action-connector/jira-*"},
	    {"Effect": "Deny", "Action": "quicksight:*", "Resource": "arn:aws:quicksight:*:*:action-connector/jira-?"}
	  ]
	}`
	path := filepath.Join(t.TempDir(), "policy.json")
	os.WriteFile(path, []byte(policyDoc), 0o600)
	var key struct{ AccessKeyId, SecretAccessKey string }
	json.Unmarshal([]byte(runCLI(t, nil, "keys", "create", "--data-dir", s.DataDir, "--account", account, "--policy", path)), &key)
	c := s.client(key.AccessKeyId, key.SecretAccessKey)

	describe := func(id string) error {
		_, err := c.DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String(id)})
		return err
	}
	update := func(id string) error {
		_, err := c.UpdateActionConnector(ctx, &quicksight.UpdateActionConnectorInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String(id),
			Name: aws.String("Renamed"), AuthenticationConfig: noneAuth("https://api.example.com")})
		return err
	}
	del := func(id string) error {
		_, err := c.DeleteActionConnector(ctx, &quicksight.DeleteActionConnectorInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String(id)})
		return err
	}
	list := func() error {
		_, err := c.ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: aws.String(account)})
		return err
	}
	tests := []struct {
		name string
		err  error
		why  string // "" means allowed
	}{
		{"describe allowed by wildcard action", describe("slack-1"), ""},
		{"list allowed", list(), ""},
		{"update allowed on a wildcard resource", update("jira-12"), "ResourceNotFound"}, // allowed, then not found
		{"update outside the resource pattern", update("slack-1"), "because no identity-based policy allows the quicksight:UpdateActionConnector action"},
		{"delete denied by default", del("slack-1"), "because no identity-based policy allows the quicksight:DeleteActionConnector action"},
		{"explicit deny beats allow", describe("jira-1"), "with an explicit deny in an identity-based policy"},
		{"explicit deny beats allowed update", update("jira-2"), "with an explicit deny"},
	}
	for _, tt := range tests {
		var denied *types.AccessDeniedException
		var notFound *types.ResourceNotFoundException
		switch {
		case tt.why == "":
			if tt.err != nil {
				t.Errorf("%s: %v", tt.name, tt.err)
			}
		case tt.why == "ResourceNotFound":
			if !errors.As(tt.err, &notFound) {
				t.Errorf("%s: %v, want ResourceNotFoundException (authorized, then missing)", tt.name, tt.err)
			}
		case !errors.As(tt.err, &denied) || !strings.Contains(denied.ErrorMessage(), tt.why):
			t.Errorf("%s: %v, want AccessDeniedException %q", tt.name, tt.err, tt.why)
		}
	}
	// Nothing the denied calls asked for happened.
	got, err := admin.DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String("slack-1")})
	if err != nil || aws.ToString(got.ActionConnector.Name) != "slack-1" {
		t.Errorf("slack-1 after denied calls: %+v, %v", got, err)
	}
}
