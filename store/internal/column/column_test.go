package column

import (
	"strings"
	"testing"

	"github.com/actiongate/actiongate"
	"github.com/google/go-cmp/cmp"
)

func secret(s string) actiongate.Secret { return actiongate.NewSecret([]byte(s)) }

// TestEncodeAuthGolden pins the stored shape: documents already in databases
// must keep decoding, so a change to it needs a migration.
func TestEncodeAuthGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		auth actiongate.AuthConfig
		want string
	}{
		{actiongate.AuthConfig{Type: actiongate.AuthAPIKey, APIKey: &actiongate.APIKeyAuth{
			BaseEndpoint: "https://a.example.com", APIKey: secret("SECRET-1"), Email: "e@example.com"}},
			`{"type":"API_KEY","apiKey":{"baseEndpoint":"https://a.example.com","email":"e@example.com"}}`},
		{actiongate.AuthConfig{Type: actiongate.AuthBasic, Basic: &actiongate.BasicAuth{
			BaseEndpoint: "https://b.example.com", Username: "u", Password: secret("SECRET-2")}},
			`{"type":"BASIC","basic":{"baseEndpoint":"https://b.example.com","username":"u"}}`},
		{actiongate.AuthConfig{Type: actiongate.AuthOAuth2ClientCredentials, ClientCredentials: &actiongate.ClientCredentialsAuth{
			BaseEndpoint: "https://c.example.com", CredentialsSource: actiongate.PlainCredentials,
			Client: &actiongate.OAuthClient{ClientID: "id", ClientSecret: secret("SECRET-3"), TokenEndpoint: "https://t.example.com"}}},
			`{"type":"OAUTH2_CLIENT_CREDENTIALS","clientCredentials":{"baseEndpoint":"https://c.example.com","credentialsSource":"PLAIN_CREDENTIALS","client":{"clientId":"id","tokenEndpoint":"https://t.example.com"}}}`},
		{actiongate.AuthConfig{Type: actiongate.AuthOAuth2AuthorizationCode, AuthorizationCode: &actiongate.AuthorizationCodeAuth{
			BaseEndpoint: "https://d.example.com", RedirectURL: "https://r.example.com",
			Client:                &actiongate.OAuthClient{ClientID: "id", ClientSecret: secret("SECRET-4"), TokenEndpoint: "https://t.example.com"},
			AuthorizationEndpoint: "https://z.example.com"}},
			`{"type":"OAUTH2_AUTHORIZATION_CODE","authorizationCode":{"baseEndpoint":"https://d.example.com","redirectUrl":"https://r.example.com","client":{"clientId":"id","tokenEndpoint":"https://t.example.com"},"authorizationEndpoint":"https://z.example.com"}}`},
		{actiongate.AuthConfig{Type: actiongate.AuthIAM, IAM: &actiongate.IAMAuth{RoleARN: "arn:aws:iam::111111111111:role/r"}},
			`{"type":"IAM","iam":{"roleArn":"arn:aws:iam::111111111111:role/r"}}`},
		{actiongate.AuthConfig{Type: actiongate.AuthNone, None: &actiongate.NoneAuth{BaseEndpoint: "https://n.example.com"}},
			`{"type":"NONE","none":{"baseEndpoint":"https://n.example.com"}}`},
		{actiongate.AuthConfig{}, `{"type":""}`},
	} {
		b, err := EncodeAuth(tc.auth)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want {
			t.Errorf("EncodeAuth(%s) =\n%s\nwant\n%s", tc.auth.Type, b, tc.want)
		}
		if strings.Contains(string(b), "SECRET") || strings.Contains(string(b), "REDACTED") {
			t.Errorf("EncodeAuth(%s) holds a secret: %s", tc.auth.Type, b)
		}
		got, err := DecodeAuth(b)
		if err != nil {
			t.Fatal(err)
		}
		want := tc.auth
		switch {
		case want.APIKey != nil:
			v := *want.APIKey
			v.APIKey = actiongate.Secret{}
			want.APIKey = &v
		case want.Basic != nil:
			v := *want.Basic
			v.Password = actiongate.Secret{}
			want.Basic = &v
		case want.ClientCredentials != nil:
			v, c := *want.ClientCredentials, *want.ClientCredentials.Client
			c.ClientSecret = actiongate.Secret{}
			v.Client = &c
			want.ClientCredentials = &v
		case want.AuthorizationCode != nil:
			v, c := *want.AuthorizationCode, *want.AuthorizationCode.Client
			c.ClientSecret = actiongate.Secret{}
			v.Client = &c
			want.AuthorizationCode = &v
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("DecodeAuth(EncodeAuth(%s)) (-want +got):\n%s", tc.auth.Type, diff)
		}
	}
}

func TestDecodeAuthRejectsGarbage(t *testing.T) {
	t.Parallel()
	if _, err := DecodeAuth([]byte(`{"type":`)); err == nil {
		t.Error("DecodeAuth of truncated JSON succeeded")
	}
}

func TestActions(t *testing.T) {
	t.Parallel()
	for _, actions := range [][]string{nil, {}, {"a"}, {"b", "a", `q"uote`}} {
		b, err := EncodeActions(actions)
		if err != nil {
			t.Fatal(err)
		}
		if (actions == nil) != (b == nil) {
			t.Errorf("EncodeActions(%#v) = %q: nil must map to nil, and only nil", actions, b)
		}
		got, err := DecodeActions(b)
		if err != nil {
			t.Fatal(err)
		}
		if !cmp.Equal(actions, got) || (actions == nil) != (got == nil) {
			t.Errorf("DecodeActions(EncodeActions(%#v)) = %#v", actions, got)
		}
	}
	if got, err := DecodeActions([]byte("null")); err != nil || got == nil || len(got) != 0 {
		t.Errorf(`DecodeActions("null") = %#v, %v; want an empty list`, got, err)
	}
}

func TestLikePattern(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":            "",
		"abc":         "abc",
		"*":           "%",
		"a*b*":        "a%b%",
		"100%":        `100\%`,
		"a_b":         `a\_b`,
		`back\slash`:  `back\\slash`,
		"*_%\\*":      `%\_\%\\%`,
		"zoë*":        "zoë%",
		"[ab]?^$.{2}": "[ab]?^$.{2}",
	} {
		if got := LikePattern(in); got != want {
			t.Errorf("LikePattern(%q) = %q, want %q", in, got, want)
		}
	}
}
