package restjson_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/runtime"
)

// TestCreateChecksTheCatalog creates connectors against a server with the
// runtime: authentication types and EnabledActions are checked against the
// connector type's catalog entry.
func TestCreateChecksTheCatalog(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{runtime: func(st actiongate.Store, s actiongate.Sealer) actiongate.Runtime {
		return runtime.New(runtime.Config{Store: st, Sealer: s, Client: http.DefaultClient})
	}})
	create := func(id, typ, auth, extra string) (int, string) {
		resp, body := e.call(t, "POST", connectorsPath, `{"ActionConnectorId":"`+id+`","Name":"n","Type":"`+typ+`",`+auth+extra+`}`)
		return resp.StatusCode, string(body)
	}
	const (
		apiKey = `"AuthenticationConfig":{"AuthenticationType":"API_KEY","AuthenticationMetadata":{"ApiKeyConnectionMetadata":{"BaseEndpoint":"https://slack.com/api","ApiKey":"xoxb-1"}}}`
		basic  = `"AuthenticationConfig":{"AuthenticationType":"BASIC","AuthenticationMetadata":{"BasicAuthConnectionMetadata":{"BaseEndpoint":"https://slack.com/api","Username":"u","Password":"p"}}}`
	)
	for _, tt := range []struct {
		name, id, typ, auth, extra string
		status                     int
		message                    string
	}{
		{"accepted auth", "a1", "SLACK", apiKey, "", 200, ""},
		{"refused auth", "a2", "SLACK", basic, "", 400, "must be one of OAUTH2_AUTHORIZATION_CODE, API_KEY for a SLACK connector"},
		{"known actions", "a3", "SLACK", apiKey, `,"EnabledActions":["ChatPostMessage"]`, 200, ""},
		{"unknown action", "a4", "SLACK", apiKey, `,"EnabledActions":["CreateIssue"]`, 400, "EnabledActions: names an action that SLACK connectors do not have"},
		{"generic: a document's operation, before the document", "a5", "GENERIC_HTTP", basic, `,"EnabledActions":["GetItem"]`, 200, ""},
	} {
		status, body := create(tt.id, tt.typ, tt.auth, tt.extra)
		if status != tt.status || !strings.Contains(body, tt.message) {
			t.Errorf("%s: %d %s, want %d %q", tt.name, status, body, tt.status, tt.message)
		}
	}
}
