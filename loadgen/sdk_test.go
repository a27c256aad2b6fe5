package loadgen

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
	"github.com/google/go-cmp/cmp"
)

// wireRequest is what reaches the server, less the signature.
type wireRequest struct {
	Method, URI, ContentType, Body string
}

// TestRequestsMatchSDK checks that every request the scenarios build is the
// one the AWS SDK for Go v2 sends for the same input: method, path, query,
// content type and body bytes.
func TestRequestsMatchSDK(t *testing.T) {
	t.Parallel()
	var (
		mu  sync.Mutex
		got []wireRequest
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, wireRequest{r.Method, r.URL.RequestURI(), r.Header.Get("Content-Type"), string(b)})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"Status":200}`)
	}))
	defer srv.Close()
	sdk := quicksight.New(quicksight.Options{
		Region: DefaultRegion, BaseEndpoint: aws.String(srv.URL), Credentials: aws.NewCredentialsCache(credentialsProvider{}),
		RetryMaxAttempts: 1,
	})
	ctx := t.Context()
	acct := aws.String(testAccount)
	r := requests{account: testAccount, region: DefaultRegion}
	p := &plan{scenario: UpdatePermissions, req: r, tag: "lg0000abcd", connectors: []string{"lg0000abcd-s-0"}, grantees: []string{"u0", "u1"}}
	perm := func(user string) []types.ResourcePermission {
		return []types.ResourcePermission{{Principal: aws.String(r.userARN(user)), Actions: []string{"quicksight:DescribeActionConnector"}}}
	}
	calls := []struct {
		step step
		call func() error
	}{
		{r.create("c-1", "lg0000abcd created 1"), func() error {
			_, err := sdk.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: acct,
				ActionConnectorId: aws.String("c-1"), Name: aws.String("lg0000abcd created 1"), Type: types.ActionConnectorTypeSlack,
				Description: aws.String("Created by the actiongate load generator"),
				AuthenticationConfig: &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeApiKey,
					AuthenticationMetadata: &types.AuthenticationMetadataMemberApiKeyConnectionMetadata{Value: types.APIKeyConnectionMetadata{
						BaseEndpoint: aws.String("https://slack.com/api"), ApiKey: aws.String("xoxb-loadgen-not-a-secret")}}}})
			return err
		}},
		{r.describe("c-1"), func() error {
			_, err := sdk.DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String("c-1")})
			return err
		}},
		{r.delete("c-1"), func() error {
			_, err := sdk.DeleteActionConnector(ctx, &quicksight.DeleteActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String("c-1")})
			return err
		}},
		{r.list(), func() error {
			_, err := sdk.ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: acct, MaxResults: aws.Int32(100)})
			return err
		}},
		{r.search("lg0000abcd"), func() error {
			_, err := sdk.SearchActionConnectors(ctx, &quicksight.SearchActionConnectorsInput{AwsAccountId: acct, MaxResults: 100,
				Filters: []types.ActionConnectorSearchFilter{{Name: types.ActionConnectorSearchFilterNameEnumActionConnectorName,
					Operator: types.FilterOperatorStringLike, Value: aws.String("lg0000abcd")}}})
			return err
		}},
		{p.iteration(0)[0], func() error {
			_, err := sdk.UpdateActionConnectorPermissions(ctx, &quicksight.UpdateActionConnectorPermissionsInput{AwsAccountId: acct,
				ActionConnectorId: aws.String("lg0000abcd-s-0"), GrantPermissions: perm("u0"), RevokePermissions: perm("u1")})
			return err
		}},
		{r.registerUser("u0"), func() error {
			_, err := sdk.RegisterUser(ctx, &quicksight.RegisterUserInput{AwsAccountId: acct, Namespace: aws.String("default"),
				IdentityType: types.IdentityTypeQuicksight, Email: aws.String("u0@loadgen.example.com"), UserRole: types.UserRoleReader,
				UserName: aws.String("u0")})
			return err
		}},
		{r.deleteUser("u0"), func() error {
			_, err := sdk.DeleteUser(ctx, &quicksight.DeleteUserInput{AwsAccountId: acct, Namespace: aws.String("default"), UserName: aws.String("u0")})
			return err
		}},
	}
	cfg, err := Config{Endpoint: srv.URL, AccountID: testAccount, Credentials: testCreds}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.client()
	for _, call := range calls {
		mu.Lock()
		got = nil
		mu.Unlock()
		if err := call.call(); err != nil {
			t.Fatalf("%s: SDK: %v", call.step.op, err)
		}
		if _, err := c.do(context.Background(), call.step, false); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		seen := got
		mu.Unlock()
		if len(seen) != 2 {
			t.Fatalf("%s: server saw %d requests", call.step.op, len(seen))
		}
		if diff := cmp.Diff(seen[0], seen[1]); diff != "" {
			t.Errorf("%s: loadgen request differs from the SDK's (-sdk +loadgen):\n%s", call.step.op, diff)
		}
	}
}

type credentialsProvider struct{}

func (credentialsProvider) Retrieve(context.Context) (aws.Credentials, error) { return testCreds, nil }
