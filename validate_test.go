package actiongate

import (
	"strings"
	"testing"
)

func ptr(s string) *string { return &s }

// TestValidationRules checks each model constraint at and beyond its bounds.
func TestValidationRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		err     error
		wantErr string // substring of the message; "" means valid
	}{
		{"account 12 digits", ValidateAccountID("111122223333"), ""},
		{"account 11 digits", ValidateAccountID("11112222333"), "AwsAccountId: must be 12 digits."},
		{"account letters", ValidateAccountID("11112222333a"), "AwsAccountId"},
		{"account trailing newline", ValidateAccountID("111122223333\n"), "AwsAccountId"},

		{"id length 1", ValidateConnectorID("a"), ""},
		{"id length 512", ValidateConnectorID(strings.Repeat("a", 512)), ""},
		{"id length 513", ValidateConnectorID(strings.Repeat("a", 513)), "ActionConnectorId: must be between 1 and 512"},
		{"id empty", ValidateConnectorID(""), "ActionConnectorId: must be between 1 and 512"},
		{"id slash", ValidateConnectorID("a/b"), "ActionConnectorId: must contain only"},
		{"id dots", ValidateConnectorID(".."), "ActionConnectorId"},
		{"id space", ValidateConnectorID("a b"), "ActionConnectorId"},
		{"id percent", ValidateConnectorID("a%2Fb"), "ActionConnectorId"},
		{"id unicode", ValidateConnectorID("é"), "ActionConnectorId"},
		{"id reserved prefix", validateNewConnectorID("quicksuite-x"), "must not start with \"quicksuite-\""},
		{"id reserved prefix upper", validateNewConnectorID("QuickSuite-x"), "reserved"},
		{"id near reserved prefix", validateNewConnectorID("quicksuitex"), ""},

		{"name", validateName("My S3 connector_1"), ""},
		{"name one char", validateName("a"), ""},
		{"name 255", validateName(strings.Repeat("a", 255)), ""},
		{"name 256", validateName(strings.Repeat("a", 256)), "Name: must be between 1 and 255"},
		{"name empty", validateName(""), "Name: must be between 1 and 255"},
		{"name trailing space", validateName("abc "), "Name: must start and end"},
		{"name leading dash", validateName("-abc"), "Name: must start and end"},
		{"name colon", validateName("a:b"), "Name"},

		{"description absent", validateDescription(nil), ""},
		{"description", validateDescription(ptr("Reads tickets, fast! Really?")), ""},
		{"description 2048", validateDescription(ptr(strings.Repeat("a", 2048))), ""},
		{"description 2049", validateDescription(ptr(strings.Repeat("a", 2049))), "Description: must be between 1 and 2048"},
		{"description empty", validateDescription(ptr("")), "Description: must be between 1 and 2048"},
		{"description paren", validateDescription(ptr("KB (ID: 1)")), "Description: must contain only"},
		{"description newline", validateDescription(ptr("a\nb")), "Description"},

		{"vpc absent", validateVPCConnectionARN(nil), ""},
		{"vpc", validateVPCConnectionARN(ptr("arn:aws:quicksight:us-east-1:111122223333:vpcConnection/vpc-1")), ""},
		{"vpc not an arn", validateVPCConnectionARN(ptr("vpc-1")), "VpcConnectionArn"},

		{"type", validateConnectorType(TypeJiraCloud), ""},
		{"type unknown", validateConnectorType("MODEL_CONTEXT_PROTOCOL"), "Type: must be one of"},
		{"type lower case", validateConnectorType("jira_cloud"), "Type"},

		{"endpoint", validateEndpoint("E", "https://example.com/api"), ""},
		{"endpoint http", validateEndpoint("E", "http://example.com"), "E: must be an https:// URL"},
		{"endpoint no host", validateEndpoint("E", "https://"), "E: must be an https:// URL"},
		{"endpoint user info", validateEndpoint("E", "https://u:p@example.com"), "E: must be an https:// URL"},
		{"endpoint upper scheme", validateEndpoint("E", "HTTPS://example.com"), "E"},
		{"endpoint newline", validateEndpoint("E", "https://example.com/\n"), "E"},
		{"endpoint 8192", validateEndpoint("E", "https://e.com/"+strings.Repeat("a", 8192-14)), ""},
		{"endpoint 8193", validateEndpoint("E", "https://e.com/"+strings.Repeat("a", 8193-14)), "E: must be between 1 and 8192"},

		{"enabled actions", validateEnabledActions([]string{"CreateIssue", "tool:name/v1"}), ""},
		{"enabled actions 101", validateEnabledActions(make([]string, 101)), "EnabledActions: must have at most 100"},
		{"enabled action space", validateEnabledActions([]string{"a b"}), "EnabledActions"},

		{"tags", validateTags([]Tag{{"k", "v"}}), ""},
		{"tags empty", validateTags([]Tag{}), "Tags: must have between 1 and 200"},
		{"tags 201", validateTags(make([]Tag, 201)), "Tags: must have between 1 and 200"},
		{"tag key 128", validateTags([]Tag{{strings.Repeat("k", 128), "v"}}), ""},
		{"tag key 129", validateTags([]Tag{{strings.Repeat("k", 129), "v"}}), "Tags.Key"},
		{"tag key code points", validateTags([]Tag{{strings.Repeat("👍", 128), "v"}}), ""},
		{"tag value 257", validateTags([]Tag{{"k", strings.Repeat("v", 257)}}), "Tags.Value"},
		{"tag value empty", validateTags([]Tag{{"k", ""}}), "Tags.Value"},
		{"tag duplicate key", validateTags([]Tag{{"k", "1"}, {"k", "2"}}), "appears more than once"},
		{"tag key NUL", validateTags([]Tag{{"a\x00b", "v"}}), "Tags.Key: must not contain control characters."},
		{"tag value newline", validateTags([]Tag{{"k", "a\nb"}}), "Tags.Value: must not contain control characters."},
		{"tag value unicode", validateTags([]Tag{{"k", "Zürich 👍"}}), ""},
		{"tag keys NUL", validateTagKeys([]string{"\x00"}), "TagKeys: must not contain control characters."},
		{"tag keys", validateTagKeys([]string{"k"}), ""},
		{"tag keys empty", validateTagKeys(nil), "TagKeys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkRule(t, tt.err, tt.wantErr)
		})
	}
}

func checkRule(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("got no error, want one containing %q", want)
	}
	if KindOf(err) != KindInvalid {
		t.Errorf("kind = %v, want invalid", KindOf(err))
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}

func TestValidatePermissions(t *testing.T) {
	t.Parallel()
	const user = "arn:aws:quicksight:us-east-1:111122223333:user/default/alice"
	describe := []string{"quicksight:DescribeActionConnector"}
	tests := []struct {
		name  string
		perms []Permission
		want  string
	}{
		{"user", []Permission{{user, describe}}, ""},
		{"group", []Permission{{"arn:aws:quicksight:us-east-1:111122223333:group/default/team", describe}}, ""},
		{"empty list", []Permission{}, "P: must have between 1 and 64"},
		{"65 principals", make([]Permission, 65), "P: must have between 1 and 64"},
		{"namespace", []Permission{{"arn:aws:quicksight:us-east-1:111122223333:namespace/default", describe}}, "namespaces and account roots"},
		{"account root", []Permission{{"arn:aws:iam::111122223333:root", describe}}, "namespaces and account roots"},
		{"other account", []Permission{{"arn:aws:quicksight:us-east-1:444455556666:user/default/bob", describe}}, "connector's account 111122223333"},
		{"other region", []Permission{{"arn:aws:quicksight:eu-west-1:111122223333:user/default/bob", describe}}, "region us-east-1"},
		{"no actions", []Permission{{user, nil}}, "P.Actions: must have between 1 and 20"},
		{"NUL in principal", []Permission{{user + "\x00", describe}}, "P.Principal: must not contain control characters."},
		{"21 actions", []Permission{{user, make([]string, 21)}}, "P.Actions: must have between 1 and 20"},
		{"foreign action", []Permission{{user, []string{"quicksight:DescribeDashboard"}}}, "is not an action-connector action"},
		{"action without prefix", []Permission{{user, []string{"DescribeActionConnector"}}}, "is not an action-connector action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkRule(t, validatePermissions("P", tt.perms, "us-east-1", "111122223333"), tt.want)
		})
	}
}

func TestValidateAuth(t *testing.T) {
	t.Parallel()
	const ep = "https://example.atlassian.net"
	key := NewSecret([]byte("k"))
	client := &OAuthClient{ClientID: "id", ClientSecret: key, TokenEndpoint: ep + "/token"}
	tests := []struct {
		name string
		auth AuthConfig
		want string
	}{
		{"api key", AuthConfig{Type: AuthAPIKey, APIKey: &APIKeyAuth{BaseEndpoint: ep, APIKey: key, Email: "a@b.co"}}, ""},
		{"api key bad email", AuthConfig{Type: AuthAPIKey, APIKey: &APIKeyAuth{BaseEndpoint: ep, APIKey: key, Email: "nope"}}, "ApiKeyConnectionMetadata.Email"},
		{"api key empty", AuthConfig{Type: AuthAPIKey, APIKey: &APIKeyAuth{BaseEndpoint: ep}}, "ApiKeyConnectionMetadata.ApiKey"},
		{"api key http", AuthConfig{Type: AuthAPIKey, APIKey: &APIKeyAuth{BaseEndpoint: "http://x", APIKey: key}}, "ApiKeyConnectionMetadata.BaseEndpoint"},
		{"basic", AuthConfig{Type: AuthBasic, Basic: &BasicAuth{BaseEndpoint: ep, Username: "u", Password: key}}, ""},
		{"basic colon user", AuthConfig{Type: AuthBasic, Basic: &BasicAuth{BaseEndpoint: ep, Username: "u:x", Password: key}}, "Username"},
		{"client credentials", AuthConfig{Type: AuthOAuth2ClientCredentials, ClientCredentials: &ClientCredentialsAuth{BaseEndpoint: ep, CredentialsSource: PlainCredentials, Client: client}}, ""},
		{"client credentials no details", AuthConfig{Type: AuthOAuth2ClientCredentials, ClientCredentials: &ClientCredentialsAuth{BaseEndpoint: ep}}, ""},
		{"client credentials bad source", AuthConfig{Type: AuthOAuth2ClientCredentials, ClientCredentials: &ClientCredentialsAuth{BaseEndpoint: ep, CredentialsSource: "VAULT"}}, "ClientCredentialsSource"},
		{"client credentials http token", AuthConfig{Type: AuthOAuth2ClientCredentials, ClientCredentials: &ClientCredentialsAuth{BaseEndpoint: ep,
			Client: &OAuthClient{ClientID: "id", TokenEndpoint: "http://x/token"}}}, "ClientCredentialsGrantDetails.TokenEndpoint"},
		{"client id 1025", AuthConfig{Type: AuthOAuth2ClientCredentials, ClientCredentials: &ClientCredentialsAuth{BaseEndpoint: ep,
			Client: &OAuthClient{ClientID: strings.Repeat("i", 1025), TokenEndpoint: ep}}}, "ClientId"},
		{"client secret 2049", AuthConfig{Type: AuthOAuth2ClientCredentials, ClientCredentials: &ClientCredentialsAuth{BaseEndpoint: ep,
			Client: &OAuthClient{ClientID: "i", ClientSecret: NewSecret([]byte(strings.Repeat("s", 2049))), TokenEndpoint: ep}}}, "ClientSecret"},
		{"authorization code", AuthConfig{Type: AuthOAuth2AuthorizationCode, AuthorizationCode: &AuthorizationCodeAuth{BaseEndpoint: ep,
			RedirectURL: ep + "/cb", Client: client, AuthorizationEndpoint: ep + "/authorize"}}, ""},
		{"authorization code no redirect", AuthConfig{Type: AuthOAuth2AuthorizationCode, AuthorizationCode: &AuthorizationCodeAuth{BaseEndpoint: ep}}, "RedirectUrl"},
		{"authorization code http authorize", AuthConfig{Type: AuthOAuth2AuthorizationCode, AuthorizationCode: &AuthorizationCodeAuth{BaseEndpoint: ep,
			RedirectURL: ep, Client: client, AuthorizationEndpoint: "http://x"}}, "AuthorizationEndpoint"},
		{"iam", AuthConfig{Type: AuthIAM, IAM: &IAMAuth{RoleARN: "arn:aws:iam::111122223333:role/Connector"}}, ""},
		{"iam short", AuthConfig{Type: AuthIAM, IAM: &IAMAuth{RoleARN: "arn:aws:iam::1:role"}}, "RoleArn: must be between 20 and 2048"},
		{"iam not a role", AuthConfig{Type: AuthIAM, IAM: &IAMAuth{RoleARN: "arn:aws:iam::111122223333:user/Connector"}}, "RoleArn: must be an IAM role ARN"},
		{"none", AuthConfig{Type: AuthNone, None: &NoneAuth{BaseEndpoint: ep}}, ""},
		{"unknown type", AuthConfig{Type: "KERBEROS", None: &NoneAuth{BaseEndpoint: ep}}, "AuthenticationType: must be one of"},
		{"no member", AuthConfig{Type: AuthNone}, "must set exactly one member, got 0"},
		{"two members", AuthConfig{Type: AuthNone, None: &NoneAuth{BaseEndpoint: ep}, IAM: &IAMAuth{}}, "must set exactly one member, got 2"},
		{"mismatch", AuthConfig{Type: AuthAPIKey, None: &NoneAuth{BaseEndpoint: ep}}, "NoneConnectionMetadata: does not match AuthenticationType API_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkRule(t, validateAuth(tt.auth), tt.want)
		})
	}
}

// TestSensitiveValuesNotEchoed checks that rules on sensitive members name the
// member and the rule but never the value.
func TestSensitiveValuesNotEchoed(t *testing.T) {
	t.Parallel()
	const canary = "canary-7f3a9"
	errs := []error{
		validateName(canary + " "),
		validateDescription(ptr(canary + "()")),
		validateAuth(AuthConfig{Type: AuthAPIKey, APIKey: &APIKeyAuth{BaseEndpoint: "https://x.io", APIKey: NewSecret([]byte(canary)), Email: canary}}),
		validateAuth(AuthConfig{Type: AuthBasic, Basic: &BasicAuth{BaseEndpoint: "https://x.io", Username: canary + ":", Password: NewSecret([]byte(canary))}}),
	}
	for i, err := range errs {
		if err == nil {
			t.Fatalf("case %d: no error", i)
		}
		if strings.Contains(err.Error(), canary) {
			t.Errorf("case %d: message %q echoes the value", i, err)
		}
	}
}
