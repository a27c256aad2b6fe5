package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// TestCrossAccountRefusedForEveryOperation has an administrator of another
// account call every action-connector operation on this account's connector:
// each is AccessDeniedException, and the connector is untouched.
func TestCrossAccountRefusedForEveryOperation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	registerUsers(t, s.admin(), "alice")
	createNamed(t, s.admin(), "mine", "Mine", types.ActionConnectorTypeGenericHttp)
	var key struct{ AccessKeyId, SecretAccessKey string }
	json.Unmarshal([]byte(runCLI(t, nil, "keys", "create", "--data-dir", s.DataDir, "--account", "444455556666", "--admin")), &key)
	other := s.client(key.AccessKeyId, key.SecretAccessKey)
	acct, id, arn := aws.String(account), aws.String("mine"), aws.String(connectorARN("mine"))
	grant := []types.ResourcePermission{{Principal: aws.String(user("alice")), Actions: []string{"quicksight:DescribeActionConnector"}}}
	calls := map[string]func() error{
		"CreateActionConnector": func() error {
			_, err := other.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String("theirs"),
				Name: aws.String("x"), Type: types.ActionConnectorTypeGenericHttp, AuthenticationConfig: noneAuth("https://x.io")})
			return err
		},
		"DescribeActionConnector": func() error {
			_, err := other.DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: acct, ActionConnectorId: id})
			return err
		},
		"ListActionConnectors": func() error {
			_, err := other.ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: acct})
			return err
		},
		"SearchActionConnectors": func() error {
			_, err := other.SearchActionConnectors(ctx, &quicksight.SearchActionConnectorsInput{AwsAccountId: acct,
				Filters: []types.ActionConnectorSearchFilter{{Name: types.ActionConnectorSearchFilterNameEnumActionConnectorName, Operator: types.FilterOperatorStringLike, Value: aws.String("M")}}})
			return err
		},
		"UpdateActionConnector": func() error {
			_, err := other.UpdateActionConnector(ctx, &quicksight.UpdateActionConnectorInput{AwsAccountId: acct, ActionConnectorId: id,
				Name: aws.String("Stolen"), AuthenticationConfig: noneAuth("https://evil.example.com")})
			return err
		},
		"DeleteActionConnector": func() error {
			_, err := other.DeleteActionConnector(ctx, &quicksight.DeleteActionConnectorInput{AwsAccountId: acct, ActionConnectorId: id})
			return err
		},
		"DescribeActionConnectorPermissions": func() error {
			_, err := other.DescribeActionConnectorPermissions(ctx, &quicksight.DescribeActionConnectorPermissionsInput{AwsAccountId: acct, ActionConnectorId: id})
			return err
		},
		"UpdateActionConnectorPermissions": func() error {
			_, err := other.UpdateActionConnectorPermissions(ctx, &quicksight.UpdateActionConnectorPermissionsInput{AwsAccountId: acct, ActionConnectorId: id, GrantPermissions: grant})
			return err
		},
		"TagResource": func() error {
			_, err := other.TagResource(ctx, &quicksight.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
			return err
		},
		"UntagResource": func() error {
			_, err := other.UntagResource(ctx, &quicksight.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"k"}})
			return err
		},
		"ListTagsForResource": func() error {
			_, err := other.ListTagsForResource(ctx, &quicksight.ListTagsForResourceInput{ResourceArn: arn})
			return err
		},
	}
	for op, call := range calls {
		var denied *types.AccessDeniedException
		if err := call(); !errors.As(err, &denied) || !strings.Contains(denied.ErrorMessage(), "quicksight:"+op) {
			t.Errorf("%s from another account: %v, want AccessDeniedException naming quicksight:%s", op, err, op)
		}
	}
	got, err := s.admin().DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: acct, ActionConnectorId: id})
	if err != nil || aws.ToString(got.ActionConnector.Name) != "Mine" {
		t.Fatalf("the connector after the attempts: %+v, %v", got, err)
	}
	perms, _ := s.admin().DescribeActionConnectorPermissions(ctx, &quicksight.DescribeActionConnectorPermissionsInput{AwsAccountId: acct, ActionConnectorId: id})
	tags, _ := s.admin().ListTagsForResource(ctx, &quicksight.ListTagsForResourceInput{ResourceArn: arn})
	if len(perms.Permissions) != 0 || len(tags.Tags) != 0 {
		t.Errorf("the attempts left permissions %v and tags %v", perms.Permissions, tags.Tags)
	}
}
