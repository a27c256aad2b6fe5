package runtime

import (
	"encoding/base64"
	"net/http"
	"slices"
	"testing"

	"github.com/actiongate/actiongate"
)

func TestAPIKeyPlacement(t *testing.T) {
	t.Parallel()
	basic := func(user, pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	// shared/research/quicksuite.md §6.3.
	tests := []struct {
		typ        actiongate.ConnectorType
		want       string
		wantAccept string
	}{
		{actiongate.TypeJiraCloud, basic("ops@example.com", "key-12345"), ""},
		{actiongate.TypeAtlassianConfluence, basic("ops@example.com", "key-12345"), ""},
		{actiongate.TypeZendeskSuite, basic("ops@example.com/token", "key-12345"), ""},
		{actiongate.TypeBambooHR, basic("key-12345", "x"), ""},
		{actiongate.TypeSlack, "Bearer key-12345", ""},
		{actiongate.TypeSmartsheet, "Bearer key-12345", ""},
		{actiongate.TypeAsana, "Bearer key-12345", ""},
		{actiongate.TypeGenericHTTP, "Bearer key-12345", ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("GET", "https://api.example.com/x", nil)
		secrets := apiKey(tt.typ, &actiongate.APIKeyAuth{APIKey: actiongate.NewSecret([]byte("key-12345")), Email: "ops@example.com"}, req)
		if got := req.Header.Get("Authorization"); got != tt.want {
			t.Errorf("%s: Authorization = %q, want %q", tt.typ, got, tt.want)
		}
		if got := req.Header.Get("Accept"); got != tt.wantAccept {
			t.Errorf("%s: Accept = %q, want %q", tt.typ, got, tt.wantAccept)
		}
		if !slices.ContainsFunc(secrets, func(s []byte) bool { return string(s) == "key-12345" }) {
			t.Errorf("%s: secrets to redact = %q, want the key among them", tt.typ, secrets)
		}
	}
}
