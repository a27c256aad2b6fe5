package e2e

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func user(name string) string {
	return "arn:aws:quicksight:us-east-1:" + account + ":user/default/" + name
}
func group(name string) string {
	return "arn:aws:quicksight:us-east-1:" + account + ":group/default/" + name
}
func connectorARN(id string) string {
	return "arn:aws:quicksight:us-east-1:" + account + ":action-connector/" + id
}

func noneAuth(endpoint string) *types.AuthConfig {
	return &types.AuthConfig{
		AuthenticationType: types.ConnectionAuthTypeNone,
		AuthenticationMetadata: &types.AuthenticationMetadataMemberNoneConnectionMetadata{
			Value: types.NoneConnectionMetadata{BaseEndpoint: aws.String(endpoint)}},
	}
}

// createNamed creates a connector of type typ named name: with no
// authentication for GENERIC_HTTP, an API key for the other types.
func createNamed(t *testing.T, c *quicksight.Client, id, name string, typ types.ActionConnectorType) {
	t.Helper()
	auth := noneAuth("https://api.example.com")
	if typ != types.ActionConnectorTypeGenericHttp {
		// Types with built-in actions take other authentication types.
		auth = &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeApiKey,
			AuthenticationMetadata: &types.AuthenticationMetadataMemberApiKeyConnectionMetadata{Value: types.APIKeyConnectionMetadata{
				BaseEndpoint: aws.String("https://api.example.com"), ApiKey: aws.String("api-key-" + id)}}}
	}
	_, err := c.CreateActionConnector(context.Background(), &quicksight.CreateActionConnectorInput{
		AwsAccountId: aws.String(account), ActionConnectorId: aws.String(id), Name: aws.String(name),
		Type: typ, AuthenticationConfig: auth,
	})
	if err != nil {
		t.Fatalf("create %s: %v", id, err)
	}
}

// TestConnectorLifecycle creates a connector of every auth type, reads it back
// through the read model, updates, and deletes it.
func TestConnectorLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	c := s.admin()
	cases := []struct {
		id   string
		typ  types.ActionConnectorType
		auth *types.AuthConfig
		want types.ReadAuthenticationMetadata
	}{
		{"key", types.ActionConnectorTypeJiraCloud, &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeApiKey,
			AuthenticationMetadata: &types.AuthenticationMetadataMemberApiKeyConnectionMetadata{Value: types.APIKeyConnectionMetadata{
				BaseEndpoint: aws.String("https://acme.atlassian.net"), ApiKey: aws.String("api-key-value"), Email: aws.String("bot@acme.com")}}},
			&types.ReadAuthenticationMetadataMemberApiKeyConnectionMetadata{Value: types.ReadAPIKeyConnectionMetadata{
				BaseEndpoint: aws.String("https://acme.atlassian.net"), Email: aws.String("bot@acme.com")}}},
		{"basic", types.ActionConnectorTypeSapBusinesspartner, &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeBasic,
			AuthenticationMetadata: &types.AuthenticationMetadataMemberBasicAuthConnectionMetadata{Value: types.BasicAuthConnectionMetadata{
				BaseEndpoint: aws.String("https://sap.acme.com/sap/opu/odata/sap/API_BUSINESS_PARTNER"), Username: aws.String("svc"), Password: aws.String("basic-password-value")}}},
			&types.ReadAuthenticationMetadataMemberBasicAuthConnectionMetadata{Value: types.ReadBasicAuthConnectionMetadata{
				BaseEndpoint: aws.String("https://sap.acme.com/sap/opu/odata/sap/API_BUSINESS_PARTNER"), Username: aws.String("svc")}}},
		{"cc", types.ActionConnectorTypeServicenowNowPlatform, &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeOauth2ClientCredentials,
			AuthenticationMetadata: &types.AuthenticationMetadataMemberClientCredentialsGrantMetadata{Value: types.ClientCredentialsGrantMetadata{
				BaseEndpoint: aws.String("https://acme.service-now.com"), ClientCredentialsSource: types.ClientCredentialsSourcePlainCredentials,
				ClientCredentialsDetails: &types.ClientCredentialsDetailsMemberClientCredentialsGrantDetails{Value: types.ClientCredentialsGrantDetails{
					ClientId: aws.String("client-id"), ClientSecret: aws.String("client-secret-value"), TokenEndpoint: aws.String("https://acme.service-now.com/oauth_token.do")}}}}},
			&types.ReadAuthenticationMetadataMemberClientCredentialsGrantMetadata{Value: types.ReadClientCredentialsGrantMetadata{
				BaseEndpoint: aws.String("https://acme.service-now.com"), ClientCredentialsSource: types.ClientCredentialsSourcePlainCredentials,
				ReadClientCredentialsDetails: &types.ReadClientCredentialsDetailsMemberReadClientCredentialsGrantDetails{Value: types.ReadClientCredentialsGrantDetails{
					ClientId: aws.String("client-id"), TokenEndpoint: aws.String("https://acme.service-now.com/oauth_token.do")}}}}},
		{"code", types.ActionConnectorTypeSlack, &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeOauth2AuthorizationCode,
			AuthenticationMetadata: &types.AuthenticationMetadataMemberAuthorizationCodeGrantMetadata{Value: types.AuthorizationCodeGrantMetadata{
				BaseEndpoint: aws.String("https://slack.com/api"), RedirectUrl: aws.String("https://gate.acme.com/oauth/callback"),
				AuthorizationCodeGrantCredentialsSource: types.AuthorizationCodeGrantCredentialsSourcePlainCredentials,
				AuthorizationCodeGrantCredentialsDetails: &types.AuthorizationCodeGrantCredentialsDetailsMemberAuthorizationCodeGrantDetails{Value: types.AuthorizationCodeGrantDetails{
					ClientId: aws.String("123.456"), ClientSecret: aws.String("code-secret-value"),
					TokenEndpoint: aws.String("https://slack.com/api/oauth.v2.access"), AuthorizationEndpoint: aws.String("https://slack.com/oauth/v2/authorize")}}}}},
			&types.ReadAuthenticationMetadataMemberAuthorizationCodeGrantMetadata{Value: types.ReadAuthorizationCodeGrantMetadata{
				BaseEndpoint: aws.String("https://slack.com/api"), RedirectUrl: aws.String("https://gate.acme.com/oauth/callback"),
				AuthorizationCodeGrantCredentialsSource: types.AuthorizationCodeGrantCredentialsSourcePlainCredentials,
				ReadAuthorizationCodeGrantCredentialsDetails: &types.ReadAuthorizationCodeGrantCredentialsDetailsMemberReadAuthorizationCodeGrantDetails{Value: types.ReadAuthorizationCodeGrantDetails{
					ClientId: aws.String("123.456"), TokenEndpoint: aws.String("https://slack.com/api/oauth.v2.access"), AuthorizationEndpoint: aws.String("https://slack.com/oauth/v2/authorize")}}}}},
		{"iam", types.ActionConnectorTypeAmazonS3, &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeIam,
			AuthenticationMetadata: &types.AuthenticationMetadataMemberIamConnectionMetadata{Value: types.IAMConnectionMetadata{
				RoleArn: aws.String("arn:aws:iam::111122223333:role/Connector")}}},
			&types.ReadAuthenticationMetadataMemberIamConnectionMetadata{Value: types.ReadIamConnectionMetadata{
				RoleArn: aws.String("arn:aws:iam::111122223333:role/Connector"), SourceArn: aws.String(connectorARN("iam"))}}},
		{"none", types.ActionConnectorTypeGenericHttp, noneAuth("https://api.example.com"),
			&types.ReadAuthenticationMetadataMemberNoneConnectionMetadata{Value: types.ReadNoneConnectionMetadata{BaseEndpoint: aws.String("https://api.example.com")}}},
	}
	ignore := cmpopts.IgnoreUnexported(
		types.ReadAPIKeyConnectionMetadata{}, types.ReadBasicAuthConnectionMetadata{}, types.ReadClientCredentialsGrantMetadata{},
		types.ReadClientCredentialsGrantDetails{}, types.ReadAuthorizationCodeGrantMetadata{}, types.ReadAuthorizationCodeGrantDetails{},
		types.ReadIamConnectionMetadata{}, types.ReadNoneConnectionMetadata{},
		types.ReadAuthenticationMetadataMemberApiKeyConnectionMetadata{}, types.ReadAuthenticationMetadataMemberBasicAuthConnectionMetadata{},
		types.ReadAuthenticationMetadataMemberClientCredentialsGrantMetadata{}, types.ReadAuthenticationMetadataMemberAuthorizationCodeGrantMetadata{},
		types.ReadAuthenticationMetadataMemberIamConnectionMetadata{}, types.ReadAuthenticationMetadataMemberNoneConnectionMetadata{},
		types.ReadClientCredentialsDetailsMemberReadClientCredentialsGrantDetails{},
		types.ReadAuthorizationCodeGrantCredentialsDetailsMemberReadAuthorizationCodeGrantDetails{})
	for _, tc := range cases {
		created, err := c.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{
			AwsAccountId: aws.String(account), ActionConnectorId: aws.String(tc.id), Name: aws.String("Connector " + tc.id),
			Type: tc.typ, AuthenticationConfig: tc.auth, Description: aws.String("Made by the e2e test."),
		})
		if err != nil {
			t.Fatalf("create %s: %v", tc.id, err)
		}
		if aws.ToString(created.Arn) != connectorARN(tc.id) || created.CreationStatus != types.ResourceStatusCreationSuccessful ||
			created.Status != 200 || aws.ToString(created.RequestId) == "" {
			t.Errorf("create %s answered %+v", tc.id, created)
		}
		got, err := c.DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String(tc.id)})
		if err != nil {
			t.Fatalf("describe %s: %v", tc.id, err)
		}
		ac := got.ActionConnector
		if ac.AuthenticationConfig.AuthenticationType != tc.auth.AuthenticationType {
			t.Errorf("%s: auth type %s", tc.id, ac.AuthenticationConfig.AuthenticationType)
		}
		if diff := cmp.Diff(tc.want, ac.AuthenticationConfig.AuthenticationMetadata, ignore); diff != "" {
			t.Errorf("%s: read model (-want +got):\n%s", tc.id, diff)
		}
		if aws.ToString(ac.Name) != "Connector "+tc.id || ac.Type != tc.typ || ac.Status != types.ResourceStatusCreationSuccessful ||
			ac.CreatedTime == nil || ac.LastUpdatedTime == nil || aws.ToString(ac.Description) != "Made by the e2e test." {
			t.Errorf("%s: described as %+v", tc.id, ac)
		}
	}

	// Update replaces the whole configuration; the type stays.
	upd, err := c.UpdateActionConnector(ctx, &quicksight.UpdateActionConnectorInput{
		AwsAccountId: aws.String(account), ActionConnectorId: aws.String("key"), Name: aws.String("Renamed"),
		AuthenticationConfig: &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeApiKey,
			AuthenticationMetadata: &types.AuthenticationMetadataMemberApiKeyConnectionMetadata{Value: types.APIKeyConnectionMetadata{
				BaseEndpoint: aws.String("https://other.atlassian.net"), ApiKey: aws.String("api-key-value-2"), Email: aws.String("bot@acme.com")}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if upd.UpdateStatus != types.ResourceStatusUpdateSuccessful || aws.ToString(upd.Arn) != connectorARN("key") {
		t.Errorf("update answered %+v", upd)
	}
	got, err := c.DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String("key")})
	if err != nil {
		t.Fatal(err)
	}
	if ac := got.ActionConnector; aws.ToString(ac.Name) != "Renamed" || ac.Description != nil || ac.Type != types.ActionConnectorTypeJiraCloud ||
		ac.AuthenticationConfig.AuthenticationType != types.ConnectionAuthTypeApiKey || ac.Status != types.ResourceStatusUpdateSuccessful ||
		!ac.LastUpdatedTime.After(*ac.CreatedTime) && !ac.LastUpdatedTime.Equal(*ac.CreatedTime) {
		t.Errorf("after update: %+v", ac)
	}

	del, err := c.DeleteActionConnector(ctx, &quicksight.DeleteActionConnectorInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String("key")})
	if err != nil || aws.ToString(del.Arn) != connectorARN("key") {
		t.Fatalf("delete: %+v, %v", del, err)
	}
	_, err = c.DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String("key")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("describe after delete: %v, want ResourceNotFoundException", err)
	}
}

// TestTypedErrors checks that each error reaches the SDK as its modelled type.
func TestTypedErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	c := s.admin()
	createNamed(t, c, "dup", "Dup", types.ActionConnectorTypeGenericHttp)
	ref := &quicksight.DescribeActionConnectorInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String("missing")}

	_, err := c.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: aws.String(account),
		ActionConnectorId: aws.String("dup"), Name: aws.String("x"), Type: types.ActionConnectorTypeGenericHttp, AuthenticationConfig: noneAuth("https://x.io")})
	expectError[*types.ResourceExistsException](t, "duplicate create", err)

	_, err = c.DescribeActionConnector(ctx, ref)
	expectError[*types.ResourceNotFoundException](t, "describe missing", err)
	_, err = c.DeleteActionConnector(ctx, &quicksight.DeleteActionConnectorInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String("missing")})
	expectError[*types.ResourceNotFoundException](t, "delete missing", err)
	_, err = c.ListTagsForResource(ctx, &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(connectorARN("missing"))})
	expectError[*types.ResourceNotFoundException](t, "tags of missing", err)

	_, err = c.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: aws.String(account),
		ActionConnectorId: aws.String("quicksuite-mine"), Name: aws.String("x"), Type: types.ActionConnectorTypeGenericHttp, AuthenticationConfig: noneAuth("https://x.io")})
	expectError[*types.InvalidParameterValueException](t, "reserved id", err)
	_, err = c.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: aws.String(account),
		ActionConnectorId: aws.String("plain-http"), Name: aws.String("x"), Type: types.ActionConnectorTypeGenericHttp, AuthenticationConfig: noneAuth("http://x.io")})
	expectError[*types.InvalidParameterValueException](t, "http endpoint", err)

	_, err = c.ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: aws.String(account), NextToken: aws.String("bm90LWEtdG9rZW4tYXQtYWxsLXJlYWxseQ==")})
	expectError[*types.InvalidNextTokenException](t, "forged token", err)
	_, err = c.ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: aws.String(account), MaxResults: aws.Int32(101)})
	expectError[*types.InvalidParameterValueException](t, "max-results 101", err)

	_, err = c.ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: aws.String("444455556666")})
	expectError[*types.AccessDeniedException](t, "other account", err)

	var tags []types.Tag
	for i := range 200 {
		tags = append(tags, types.Tag{Key: aws.String(fmt.Sprintf("k%03d", i)), Value: aws.String("v")})
	}
	if _, err := c.TagResource(ctx, &quicksight.TagResourceInput{ResourceArn: aws.String(connectorARN("dup")), Tags: tags}); err != nil {
		t.Fatalf("200 tags: %v", err)
	}
	_, err = c.TagResource(ctx, &quicksight.TagResourceInput{ResourceArn: aws.String(connectorARN("dup")),
		Tags: []types.Tag{{Key: aws.String("one-more"), Value: aws.String("v")}}})
	expectError[*types.LimitExceededException](t, "201st tag", err)

	var grants []types.ResourcePermission
	registerUsers(t, c, "u64")
	for i := range 64 {
		registerUsers(t, c, fmt.Sprintf("u%02d", i))
		grants = append(grants, types.ResourcePermission{Principal: aws.String(user(fmt.Sprintf("u%02d", i))), Actions: []string{"quicksight:DescribeActionConnector"}})
	}
	perm := &quicksight.UpdateActionConnectorPermissionsInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String("dup"), GrantPermissions: grants}
	if _, err := c.UpdateActionConnectorPermissions(ctx, perm); err != nil {
		t.Fatalf("64 principals: %v", err)
	}
	perm.GrantPermissions = []types.ResourcePermission{{Principal: aws.String(user("u64")), Actions: []string{"quicksight:DescribeActionConnector"}}}
	_, err = c.UpdateActionConnectorPermissions(ctx, perm)
	expectError[*types.LimitExceededException](t, "65th principal", err)

	// Signature failures are not modelled errors, but the SDK must see their code.
	_, err = s.client(adminKey, "wrong-secret-wrong-secret-wrong-secret").DescribeActionConnector(ctx, ref)
	expectCode(t, "wrong secret", err, "InvalidSignatureException")
	_, err = s.client("AKIAUNKNOWN000000000", adminSecr).DescribeActionConnector(ctx, ref)
	expectCode(t, "unknown key", err, "UnrecognizedClientException")
}

func expectError[E error](t *testing.T, what string, err error) {
	t.Helper()
	var target E
	if !errors.As(err, &target) {
		t.Errorf("%s: got %v, want %T", what, err, target)
	}
}

func expectCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	var api interface{ ErrorCode() string }
	if !errors.As(err, &api) || api.ErrorCode() != code {
		t.Errorf("%s: got %v, want %s", what, err, code)
	}
}

// TestPagination lists 250 connectors in pages and checks each appears once,
// in order.
func TestPagination(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	c := s.admin()
	var want []string
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range 250 {
		id := fmt.Sprintf("conn-%03d", i)
		want = append(want, id)
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			createNamed(t, c, id, "Paged "+id, types.ActionConnectorTypeGenericHttp)
		}()
	}
	wg.Wait()
	for _, size := range []int32{100, 7, 1} {
		var got []string
		pages := 0
		p := quicksight.NewListActionConnectorsPaginator(c, &quicksight.ListActionConnectorsInput{AwsAccountId: aws.String(account), MaxResults: aws.Int32(size)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("page size %d: %v", size, err)
			}
			pages++
			for _, sum := range page.ActionConnectorSummaries {
				got = append(got, aws.ToString(sum.ActionConnectorId))
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("page size %d: ids (-want +got):\n%s", size, diff)
		}
		if wantPages := (250 + int(size) - 1) / int(size); pages != wantPages {
			t.Errorf("page size %d: %d pages, want %d", size, pages, wantPages)
		}
	}
	// A token is bound to its query: a list token does not resume a search.
	page, err := c.ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: aws.String(account), MaxResults: aws.Int32(10)})
	if err != nil || page.NextToken == nil {
		t.Fatalf("list: %v", err)
	}
	_, err = c.SearchActionConnectors(ctx, &quicksight.SearchActionConnectorsInput{AwsAccountId: aws.String(account), NextToken: page.NextToken,
		Filters: []types.ActionConnectorSearchFilter{{Name: types.ActionConnectorSearchFilterNameEnumActionConnectorName, Operator: types.FilterOperatorStringLike, Value: aws.String("Paged")}}})
	expectError[*types.InvalidNextTokenException](t, "list token in a search", err)
}

// TestSearchFilters checks every search filter against connectors whose
// names, types and grants are known.
func TestSearchFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	c := s.admin()
	createNamed(t, c, "a", "Support Jira", types.ActionConnectorTypeJiraCloud)
	createNamed(t, c, "b", "Sales Jira", types.ActionConnectorTypeJiraCloud)
	createNamed(t, c, "c", "Support Slack", types.ActionConnectorTypeSlack)
	createNamed(t, c, "d", "Jira_1000", types.ActionConnectorTypeGenericHttp)
	createNamed(t, c, "e", "Data 1", types.ActionConnectorTypeGenericHttp)
	registerUsers(t, c, "alice", "bob", "carol")
	createGroups(t, c, "support")
	grant := func(id string, perms ...types.ResourcePermission) {
		t.Helper()
		if _, err := c.UpdateActionConnectorPermissions(ctx, &quicksight.UpdateActionConnectorPermissionsInput{
			AwsAccountId: aws.String(account), ActionConnectorId: aws.String(id), GrantPermissions: perms}); err != nil {
			t.Fatal(err)
		}
	}
	owner := []string{"quicksight:DescribeActionConnector", "quicksight:UpdateActionConnector", "quicksight:DeleteActionConnector"}
	viewer := []string{"quicksight:DescribeActionConnector"}
	grant("a", types.ResourcePermission{Principal: aws.String(user("alice")), Actions: owner})
	grant("b", types.ResourcePermission{Principal: aws.String(user("alice")), Actions: owner}, types.ResourcePermission{Principal: aws.String(user("bob")), Actions: owner})
	grant("c", types.ResourcePermission{Principal: aws.String(user("alice")), Actions: viewer}, types.ResourcePermission{Principal: aws.String(group("support")), Actions: owner})

	tests := []struct {
		name  types.ActionConnectorSearchFilterNameEnum
		op    types.FilterOperator
		value string
		want  []string
	}{
		{types.ActionConnectorSearchFilterNameEnumActionConnectorName, types.FilterOperatorStringEquals, "Support Jira", []string{"a"}},
		{types.ActionConnectorSearchFilterNameEnumActionConnectorName, types.FilterOperatorStringEquals, "support jira", nil},
		{types.ActionConnectorSearchFilterNameEnumActionConnectorName, types.FilterOperatorStringLike, "jira", []string{"a", "b", "d"}},
		{types.ActionConnectorSearchFilterNameEnumActionConnectorName, types.FilterOperatorStringLike, "Support*", []string{"a", "c"}},
		{types.ActionConnectorSearchFilterNameEnumActionConnectorName, types.FilterOperatorStringLike, "*Slack", []string{"c"}},
		{types.ActionConnectorSearchFilterNameEnumActionConnectorName, types.FilterOperatorStringLike, "S*J*a", []string{"a", "b"}},
		{types.ActionConnectorSearchFilterNameEnumActionConnectorName, types.FilterOperatorStringLike, "100%", nil}, // '%' is literal
		{types.ActionConnectorSearchFilterNameEnumActionConnectorName, types.FilterOperatorStringLike, "1000", []string{"d"}},
		{types.ActionConnectorSearchFilterNameEnumActionConnectorName, types.FilterOperatorStringLike, "a_1", []string{"d"}}, // '_' is literal: "Data 1" does not match
		{types.ActionConnectorSearchFilterNameEnumActionConnectorType, types.FilterOperatorStringEquals, "JIRA_CLOUD", []string{"a", "b"}},
		{types.ActionConnectorSearchFilterNameEnumQuicksightOwner, types.FilterOperatorStringEquals, user("alice"), []string{"a", "b"}},
		{types.ActionConnectorSearchFilterNameEnumDirectQuicksightOwner, types.FilterOperatorStringEquals, user("alice"), []string{"a", "b"}},
		{types.ActionConnectorSearchFilterNameEnumDirectQuicksightSoleOwner, types.FilterOperatorStringEquals, user("alice"), []string{"a"}},
		{types.ActionConnectorSearchFilterNameEnumQuicksightViewerOrOwner, types.FilterOperatorStringEquals, user("alice"), []string{"a", "b", "c"}},
		{types.ActionConnectorSearchFilterNameEnumDirectQuicksightViewerOrOwner, types.FilterOperatorStringEquals, user("alice"), []string{"a", "b", "c"}},
		{types.ActionConnectorSearchFilterNameEnumDirectQuicksightSoleOwner, types.FilterOperatorStringEquals, group("support"), []string{"c"}},
		{types.ActionConnectorSearchFilterNameEnumQuicksightOwner, types.FilterOperatorStringEquals, user("carol"), nil},
	}
	for _, tt := range tests {
		var got []string
		p := quicksight.NewSearchActionConnectorsPaginator(c, &quicksight.SearchActionConnectorsInput{AwsAccountId: aws.String(account), MaxResults: 1,
			Filters: []types.ActionConnectorSearchFilter{{Name: tt.name, Operator: tt.op, Value: aws.String(tt.value)}}})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("%s %s %q: %v", tt.name, tt.op, tt.value, err)
			}
			for _, sum := range page.ActionConnectorSummaries {
				got = append(got, aws.ToString(sum.ActionConnectorId))
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s %s %q = %v, want %v", tt.name, tt.op, tt.value, got, tt.want)
		}
	}
	_, err := c.SearchActionConnectors(ctx, &quicksight.SearchActionConnectorsInput{AwsAccountId: aws.String(account),
		Filters: []types.ActionConnectorSearchFilter{{Name: types.ActionConnectorSearchFilterNameEnumActionConnectorType, Operator: types.FilterOperatorStringLike, Value: aws.String("JIRA*")}}})
	expectError[*types.InvalidParameterValueException](t, "StringLike on type", err)
}

// TestPermissionsAndTags round-trips grants, revokes and tags, with the
// connector's ARN in the tag paths.
func TestPermissionsAndTags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	c := s.admin()
	createNamed(t, c, "p1", "Perms", types.ActionConnectorTypeGenericHttp)
	registerUsers(t, c, "alice")
	createGroups(t, c, "ops")
	out, err := c.UpdateActionConnectorPermissions(ctx, &quicksight.UpdateActionConnectorPermissionsInput{
		AwsAccountId: aws.String(account), ActionConnectorId: aws.String("p1"),
		GrantPermissions: []types.ResourcePermission{
			{Principal: aws.String(user("alice")), Actions: []string{"quicksight:UpdateActionConnector", "quicksight:DescribeActionConnector"}},
			{Principal: aws.String(group("ops")), Actions: []string{"quicksight:DescribeActionConnector"}},
		},
		RevokePermissions: []types.ResourcePermission{{Principal: aws.String(group("ops")), Actions: []string{"quicksight:DescribeActionConnector"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []types.ResourcePermission{{Principal: aws.String(user("alice")), Actions: []string{"quicksight:DescribeActionConnector", "quicksight:UpdateActionConnector"}}}
	ignore := cmpopts.IgnoreUnexported(types.ResourcePermission{})
	if diff := cmp.Diff(want, out.Permissions, ignore); diff != "" {
		t.Errorf("update answer (-want +got):\n%s", diff)
	}
	got, err := c.DescribeActionConnectorPermissions(ctx, &quicksight.DescribeActionConnectorPermissionsInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String("p1")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got.Permissions, ignore); diff != "" || aws.ToString(got.Arn) != connectorARN("p1") {
		t.Errorf("describe (-want +got):\n%s arn %s", diff, aws.ToString(got.Arn))
	}

	arn := aws.String(connectorARN("p1"))
	if _, err := c.TagResource(ctx, &quicksight.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{
		{Key: aws.String("env"), Value: aws.String("dev")}, {Key: aws.String("team"), Value: aws.String("ops")}, {Key: aws.String("a+b c"), Value: aws.String("x")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagResource(ctx, &quicksight.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &quicksight.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"team", "a+b c", "absent"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &quicksight.ListTagsForResourceInput{ResourceArn: arn})
	if err != nil {
		t.Fatal(err)
	}
	var kv []string
	for _, tg := range tags.Tags {
		kv = append(kv, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
	}
	if !slices.Equal(kv, []string{"env=prod"}) {
		t.Errorf("tags = %v, want [env=prod]", kv)
	}

	// Deleting the connector takes its permissions and tags with it.
	if _, err := c.DeleteActionConnector(ctx, &quicksight.DeleteActionConnectorInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String("p1")}); err != nil {
		t.Fatal(err)
	}
	createNamed(t, c, "p1", "Perms again", types.ActionConnectorTypeGenericHttp)
	tags, err = c.ListTagsForResource(ctx, &quicksight.ListTagsForResourceInput{ResourceArn: arn})
	if err != nil || len(tags.Tags) != 0 {
		t.Errorf("a re-created connector has tags %v (%v)", tags.Tags, err)
	}
	got, err = c.DescribeActionConnectorPermissions(ctx, &quicksight.DescribeActionConnectorPermissionsInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String("p1")})
	if err != nil || len(got.Permissions) != 0 {
		t.Errorf("a re-created connector has permissions %v (%v)", got.Permissions, err)
	}
}

// TestConcurrentTagWritesLoseNothing races tag writes on one connector: tags
// merge by key, so every write succeeds and every tag is there at the end.
func TestConcurrentTagWritesLoseNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	c := s.admin()
	createNamed(t, c, "race", "Race", types.ActionConnectorTypeGenericHttp)
	var (
		wg   sync.WaitGroup
		want []string
	)
	for i := range 40 {
		key := fmt.Sprintf("k%02d", i)
		want = append(want, key)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.TagResource(ctx, &quicksight.TagResourceInput{ResourceArn: aws.String(connectorARN("race")),
				Tags: []types.Tag{{Key: aws.String(key), Value: aws.String("v")}}}); err != nil {
				t.Errorf("tag %s: %v", key, err)
			}
		}()
	}
	wg.Wait()
	tags, err := c.ListTagsForResource(ctx, &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(connectorARN("race"))})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range tags.Tags {
		got = append(got, aws.ToString(tg.Key))
	}
	if !slices.Equal(got, want) {
		t.Errorf("tags %v, want %v", got, want)
	}
}

// TestConcurrentUpdatesConflict races full updates of one connector: each
// either succeeds or fails with ConflictException, and the connector ends with
// the name of one that succeeded.
func TestConcurrentUpdatesConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	c := s.admin()
	createNamed(t, c, "upd", "Start", types.ActionConnectorTypeGenericHttp)
	var (
		mu        sync.Mutex
		succeeded []string
		conflicts int
		wg        sync.WaitGroup
	)
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("Name %02d", i)
			_, err := c.UpdateActionConnector(ctx, &quicksight.UpdateActionConnectorInput{AwsAccountId: aws.String(account),
				ActionConnectorId: aws.String("upd"), Name: aws.String(name), AuthenticationConfig: noneAuth("https://api.example.com")})
			mu.Lock()
			defer mu.Unlock()
			var conflict *types.ConflictException
			switch {
			case err == nil:
				succeeded = append(succeeded, name)
			case errors.As(err, &conflict):
				conflicts++
			default:
				t.Errorf("update to %s: %v", name, err)
			}
		}()
	}
	wg.Wait()
	got, err := c.DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String("upd")})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(succeeded, aws.ToString(got.ActionConnector.Name)) {
		t.Errorf("final name %q is not one whose update succeeded (%v)", aws.ToString(got.ActionConnector.Name), succeeded)
	}
	if len(succeeded)+conflicts != 30 || len(succeeded) == 0 {
		t.Errorf("%d succeeded, %d conflicts", len(succeeded), conflicts)
	}
	t.Logf("%d updates succeeded, %d lost the race with ConflictException", len(succeeded), conflicts)
}

// TestRestartKeepsEverything stops the server and starts it again on the same
// data directory.
func TestRestartKeepsEverything(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	s := startServer(t, serverOptions{dataDir: dir})
	c := s.admin()
	createNamed(t, c, "persist", "Persistent", types.ActionConnectorTypeGenericHttp)
	createNamed(t, c, "persist2", "Persistent two", types.ActionConnectorTypeGenericHttp)
	if _, err := c.TagResource(ctx, &quicksight.TagResourceInput{ResourceArn: aws.String(connectorARN("persist")),
		Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	page, err := c.ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: aws.String(account), MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	s.stop(t)

	s2 := startServer(t, serverOptions{dataDir: dir})
	c2 := s2.admin()
	got, err := c2.DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String("persist")})
	if err != nil || aws.ToString(got.ActionConnector.Name) != "Persistent" {
		t.Fatalf("after restart: %+v, %v", got, err)
	}
	tags, err := c2.ListTagsForResource(ctx, &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(connectorARN("persist"))})
	if err != nil || len(tags.Tags) != 1 {
		t.Errorf("tags after restart: %v, %v", tags, err)
	}
	// A next token issued before the restart still works after it.
	next, err := c2.ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: aws.String(account), MaxResults: aws.Int32(1), NextToken: page.NextToken})
	if err != nil || len(next.ActionConnectorSummaries) != 1 || aws.ToString(next.ActionConnectorSummaries[0].ActionConnectorId) != "persist2" {
		t.Errorf("token across restart: %+v, %v", next, err)
	}
	if strings.Contains(s2.stdout.String(), "Created the administrator") {
		t.Errorf("the restarted server bootstrapped again:\n%s", s2.stdout.String())
	}
}
