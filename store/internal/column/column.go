// Package column holds how the SQL store drivers encode domain values that have
// no SQL type of their own: a connector's authentication configuration and its
// enabled actions as JSON documents, and a NameLike pattern as a LIKE pattern.
// Every driver uses these encodings, so that a database written by one reads the
// same through another.
package column

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/actiongate/actiongate"
)

// auth is the stored shape of an actiongate.AuthConfig: its type and the
// non-secret fields of its one metadata member. Secret fields have no place in
// it, so no secret can reach the column whatever AuthConfig holds.
type auth struct {
	Type              actiongate.AuthType `json:"type"`
	APIKey            *apiKeyAuth         `json:"apiKey,omitempty"`
	Basic             *basicAuth          `json:"basic,omitempty"`
	ClientCredentials *clientCredentials  `json:"clientCredentials,omitempty"`
	AuthorizationCode *authorizationCode  `json:"authorizationCode,omitempty"`
	IAM               *iamAuth            `json:"iam,omitempty"`
	None              *noneAuth           `json:"none,omitempty"`
}

type apiKeyAuth struct {
	BaseEndpoint string `json:"baseEndpoint"`
	Email        string `json:"email,omitempty"`
}

type basicAuth struct {
	BaseEndpoint string `json:"baseEndpoint"`
	Username     string `json:"username"`
}

type clientCredentials struct {
	BaseEndpoint      string                       `json:"baseEndpoint"`
	CredentialsSource actiongate.CredentialsSource `json:"credentialsSource,omitempty"`
	Client            *oauthClient                 `json:"client,omitempty"`
}

type authorizationCode struct {
	BaseEndpoint          string                       `json:"baseEndpoint"`
	RedirectURL           string                       `json:"redirectUrl"`
	CredentialsSource     actiongate.CredentialsSource `json:"credentialsSource,omitempty"`
	Client                *oauthClient                 `json:"client,omitempty"`
	AuthorizationEndpoint string                       `json:"authorizationEndpoint,omitempty"`
}

type oauthClient struct {
	ClientID      string `json:"clientId"`
	TokenEndpoint string `json:"tokenEndpoint"`
}

type iamAuth struct {
	RoleARN string `json:"roleArn"`
}

type noneAuth struct {
	BaseEndpoint string `json:"baseEndpoint"`
}

// EncodeAuth returns the JSON document stored for a: every field of a except the
// actiongate.Secret ones, which are sealed and stored apart.
func EncodeAuth(a actiongate.AuthConfig) ([]byte, error) {
	d := auth{Type: a.Type}
	if m := a.APIKey; m != nil {
		d.APIKey = &apiKeyAuth{BaseEndpoint: m.BaseEndpoint, Email: m.Email}
	}
	if m := a.Basic; m != nil {
		d.Basic = &basicAuth{BaseEndpoint: m.BaseEndpoint, Username: m.Username}
	}
	if m := a.ClientCredentials; m != nil {
		d.ClientCredentials = &clientCredentials{
			BaseEndpoint:      m.BaseEndpoint,
			CredentialsSource: m.CredentialsSource,
			Client:            encodeClient(m.Client),
		}
	}
	if m := a.AuthorizationCode; m != nil {
		d.AuthorizationCode = &authorizationCode{
			BaseEndpoint:          m.BaseEndpoint,
			RedirectURL:           m.RedirectURL,
			CredentialsSource:     m.CredentialsSource,
			Client:                encodeClient(m.Client),
			AuthorizationEndpoint: m.AuthorizationEndpoint,
		}
	}
	if m := a.IAM; m != nil {
		d.IAM = &iamAuth{RoleARN: m.RoleARN}
	}
	if m := a.None; m != nil {
		d.None = &noneAuth{BaseEndpoint: m.BaseEndpoint}
	}
	return json.Marshal(d)
}

func encodeClient(c *actiongate.OAuthClient) *oauthClient {
	if c == nil {
		return nil
	}
	return &oauthClient{ClientID: c.ClientID, TokenEndpoint: c.TokenEndpoint}
}

// DecodeAuth returns the AuthConfig stored as b by EncodeAuth. Its Secret
// fields are zero.
func DecodeAuth(b []byte) (actiongate.AuthConfig, error) {
	var d auth
	if err := json.Unmarshal(b, &d); err != nil {
		return actiongate.AuthConfig{}, fmt.Errorf("decode stored auth config: %w", err)
	}
	a := actiongate.AuthConfig{Type: d.Type}
	if m := d.APIKey; m != nil {
		a.APIKey = &actiongate.APIKeyAuth{BaseEndpoint: m.BaseEndpoint, Email: m.Email}
	}
	if m := d.Basic; m != nil {
		a.Basic = &actiongate.BasicAuth{BaseEndpoint: m.BaseEndpoint, Username: m.Username}
	}
	if m := d.ClientCredentials; m != nil {
		a.ClientCredentials = &actiongate.ClientCredentialsAuth{
			BaseEndpoint:      m.BaseEndpoint,
			CredentialsSource: m.CredentialsSource,
			Client:            decodeClient(m.Client),
		}
	}
	if m := d.AuthorizationCode; m != nil {
		a.AuthorizationCode = &actiongate.AuthorizationCodeAuth{
			BaseEndpoint:          m.BaseEndpoint,
			RedirectURL:           m.RedirectURL,
			CredentialsSource:     m.CredentialsSource,
			Client:                decodeClient(m.Client),
			AuthorizationEndpoint: m.AuthorizationEndpoint,
		}
	}
	if m := d.IAM; m != nil {
		a.IAM = &actiongate.IAMAuth{RoleARN: m.RoleARN}
	}
	if m := d.None; m != nil {
		a.None = &actiongate.NoneAuth{BaseEndpoint: m.BaseEndpoint}
	}
	return a, nil
}

func decodeClient(c *oauthClient) *actiongate.OAuthClient {
	if c == nil {
		return nil
	}
	return &actiongate.OAuthClient{ClientID: c.ClientID, TokenEndpoint: c.TokenEndpoint}
}

// EncodeActions returns the JSON document stored for a connector's enabled
// actions, or nil (SQL NULL) when actions is nil, which means every action; an
// empty, non-nil list is stored as [].
func EncodeActions(actions []string) ([]byte, error) {
	if actions == nil {
		return nil, nil
	}
	return json.Marshal(actions)
}

// DecodeActions returns the enabled actions stored as b by EncodeActions: nil
// for a nil b, and a non-nil slice otherwise.
func DecodeActions(b []byte) ([]string, error) {
	if b == nil {
		return nil, nil
	}
	actions := []string{}
	if err := json.Unmarshal(b, &actions); err != nil {
		return nil, fmt.Errorf("decode stored enabled actions: %w", err)
	}
	if actions == nil { // the document was null
		actions = []string{}
	}
	return actions, nil
}

// LikeEscape is the escape character of the patterns LikePattern returns; SQL
// using them must say ESCAPE '\'.
const LikeEscape = `\`

// LikePattern turns a ConnectorFilter.NameLike pattern, where '*' stands for any
// run of characters and every other character for itself, into a SQL LIKE
// pattern: '*' becomes '%', and a literal '%', '_' or '\' is escaped with
// LikeEscape.
func LikePattern(nameLike string) string {
	var b strings.Builder
	for _, r := range nameLike {
		switch r {
		case '*':
			b.WriteByte('%')
		case '%', '_', '\\':
			b.WriteString(LikeEscape)
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
