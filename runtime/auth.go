package runtime

import (
	"context"
	"encoding/base64"
	"net/http"

	"github.com/actiongate/actiongate"
)

// authenticate puts c's credentials on req, the way c's type and
// authentication type call for, and returns the credential values, for
// redaction from what the upstream answers.
func (r *Runtime) authenticate(ctx context.Context, c *actiongate.Connector, user string, req *http.Request) ([][]byte, error) {
	a := c.Auth
	switch a.Type {
	case actiongate.AuthNone:
		return nil, nil
	case actiongate.AuthAPIKey:
		return apiKey(c.Type, a.APIKey, req), nil
	case actiongate.AuthBasic:
		return basic(req, a.Basic.Username, string(a.Basic.Password.Reveal())), nil
	case actiongate.AuthOAuth2ClientCredentials, actiongate.AuthOAuth2AuthorizationCode:
		if a.Type == actiongate.AuthOAuth2ClientCredentials {
			user = ""
		}
		tok, err := r.token(ctx, c, user)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		return [][]byte{[]byte(tok)}, nil
	}
	return nil, actiongate.Errorf(actiongate.KindInvalid, "Action connector %s authenticates with %s, which calls AWS services through their own actions.", c.ID, a.Type)
}

// apiKey places an API key the way the connector type's service expects it
// (shared/research/quicksuite.md §6.3): HTTP Basic with the email for
// Atlassian and Zendesk (its "{email}/token" form) and BambooHR (the key as
// the user name), and a Bearer token for every other service.
func apiKey(t actiongate.ConnectorType, k *actiongate.APIKeyAuth, req *http.Request) [][]byte {
	key := string(k.APIKey.Reveal())
	switch t {
	case actiongate.TypeJiraCloud, actiongate.TypeAtlassianConfluence:
		return basic(req, k.Email, key)
	case actiongate.TypeZendeskSuite:
		return basic(req, k.Email+"/token", key)
	case actiongate.TypeBambooHR:
		return append(basic(req, key, "x"), []byte(key))
	}
	req.Header.Set("Authorization", "Bearer "+key)
	return [][]byte{[]byte(key)}
}

// basic sets HTTP Basic credentials (RFC 7617) and returns the password and
// the encoded credentials.
func basic(req *http.Request, user, password string) [][]byte {
	req.SetBasicAuth(user, password)
	encoded := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	return [][]byte{[]byte(password), []byte(encoded)}
}
