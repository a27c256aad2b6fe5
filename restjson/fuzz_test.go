package restjson

import (
	"errors"
	"testing"

	"github.com/go-json-experiment/json"
)

// FuzzDecodeCreate feeds arbitrary bodies to the CreateActionConnector
// decoder and binder. Property: no panic; every failure is a 400 wire error;
// whatever decodes re-encodes and decodes to the same value.
func FuzzDecodeCreate(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `{"Name": "a", "Name": "b"}`, `{"name": 1}`, "{\"Name\": \"\xff\"}",
		`{"ActionConnectorId": "c1", "Name": "n", "Type": "SLACK", "AuthenticationConfig": {"AuthenticationType": "API_KEY",
			"AuthenticationMetadata": {"ApiKeyConnectionMetadata": {"BaseEndpoint": "https://slack.com/api", "ApiKey": "k"}}},
			"Permissions": [{"Principal": "p", "Actions": ["a"]}], "Tags": [{"Key": "k", "Value": "v"}], "EnabledActions": []}`,
		`{"AuthenticationConfig": {"AuthenticationMetadata": {"AuthorizationCodeGrantMetadata": {
			"AuthorizationCodeGrantCredentialsDetails": {"AuthorizationCodeGrantDetails": {"ClientSecret": "s"}}}}}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in createRequest
		err := decodeBody(body, &in)
		if err != nil {
			var we *wireError
			if !errors.As(err, &we) || we.Status != 400 {
				t.Fatalf("decode error %v is not a 400 wire error", err)
			}
			return
		}
		var b binder
		b.auth("AuthenticationConfig", in.AuthenticationConfig)
		b.permissions("Permissions", in.Permissions)
		b.tags(in.Tags)
		if b.err != nil {
			var we *wireError
			if !errors.As(b.err, &we) || we.Status != 400 {
				t.Fatalf("bind error %v is not a 400 wire error", b.err)
			}
		}
		again, err := json.Marshal(&in)
		if err != nil {
			t.Fatalf("re-encoding a decoded body: %v", err)
		}
		var in2 createRequest
		if err := decodeBody(again, &in2); err != nil {
			t.Fatalf("re-decoding %s: %v", again, err)
		}
	})
}
