package storetest

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/actiongate/actiongate"
)

func secret(s string) actiongate.Secret { return actiongate.NewSecret([]byte(s)) }

// authFixture is an AuthConfig to round-trip, named for its subtest.
type authFixture struct {
	name string
	auth func() actiongate.AuthConfig
}

// authFixtures hold, together, every field of AuthConfig (fixturesCoverAuth
// checks it), and each auth type with and without its optional members.
var authFixtures = []authFixture{
	{"API_KEY", func() actiongate.AuthConfig {
		return actiongate.AuthConfig{Type: actiongate.AuthAPIKey, APIKey: &actiongate.APIKeyAuth{
			BaseEndpoint: "https://api.example.com/v2", APIKey: secret("api-key-secret"), Email: "ops@example.com"}}
	}},
	{"API_KEY_without_email", func() actiongate.AuthConfig {
		return actiongate.AuthConfig{Type: actiongate.AuthAPIKey, APIKey: &actiongate.APIKeyAuth{
			BaseEndpoint: "https://api.example.com", APIKey: secret("api-key-secret")}}
	}},
	{"BASIC", func() actiongate.AuthConfig {
		return actiongate.AuthConfig{Type: actiongate.AuthBasic, Basic: &actiongate.BasicAuth{
			BaseEndpoint: "https://jira.example.com", Username: "svc-user", Password: secret("hunter2")}}
	}},
	{"OAUTH2_CLIENT_CREDENTIALS", func() actiongate.AuthConfig {
		return actiongate.AuthConfig{Type: actiongate.AuthOAuth2ClientCredentials, ClientCredentials: &actiongate.ClientCredentialsAuth{
			BaseEndpoint:      "https://crm.example.com/api",
			CredentialsSource: actiongate.PlainCredentials,
			Client: &actiongate.OAuthClient{ClientID: "client-1", ClientSecret: secret("client-secret-1"),
				TokenEndpoint: "https://login.example.com/oauth2/token"},
		}}
	}},
	{"OAUTH2_CLIENT_CREDENTIALS_without_client", func() actiongate.AuthConfig {
		return actiongate.AuthConfig{Type: actiongate.AuthOAuth2ClientCredentials, ClientCredentials: &actiongate.ClientCredentialsAuth{
			BaseEndpoint: "https://crm.example.com/api"}}
	}},
	{"OAUTH2_AUTHORIZATION_CODE", func() actiongate.AuthConfig {
		return actiongate.AuthConfig{Type: actiongate.AuthOAuth2AuthorizationCode, AuthorizationCode: &actiongate.AuthorizationCodeAuth{
			BaseEndpoint:      "https://graph.example.com/v1.0",
			RedirectURL:       "https://quicksight.example.com/callback",
			CredentialsSource: actiongate.PlainCredentials,
			Client: &actiongate.OAuthClient{ClientID: "client-2", ClientSecret: secret("client-secret-2"),
				TokenEndpoint: "https://login.example.com/token"},
			AuthorizationEndpoint: "https://login.example.com/authorize",
		}}
	}},
	{"OAUTH2_AUTHORIZATION_CODE_without_client", func() actiongate.AuthConfig {
		return actiongate.AuthConfig{Type: actiongate.AuthOAuth2AuthorizationCode, AuthorizationCode: &actiongate.AuthorizationCodeAuth{
			BaseEndpoint: "https://graph.example.com/v1.0", RedirectURL: "https://quicksight.example.com/callback"}}
	}},
	{"IAM", func() actiongate.AuthConfig {
		return actiongate.AuthConfig{Type: actiongate.AuthIAM, IAM: &actiongate.IAMAuth{
			RoleARN: "arn:aws:iam::111111111111:role/actiongate-s3"}}
	}},
	{"NONE", func() actiongate.AuthConfig {
		return actiongate.AuthConfig{Type: actiongate.AuthNone, None: &actiongate.NoneAuth{
			BaseEndpoint: "https://public.example.com"}}
	}},
}

// newConnector returns a connector of account with every field set but ARN,
// Error and Version: an API_KEY connector of type GENERIC_HTTP.
func newConnector(account, id string) *actiongate.Connector {
	return &actiongate.Connector{
		AccountID:        account,
		ID:               id,
		Type:             actiongate.TypeGenericHTTP,
		Name:             "Connector " + id,
		Description:      "Calls the example API.",
		VPCConnectionARN: "arn:aws:quicksight:us-east-1:" + account + ":vpcConnection/vpc-1",
		Auth:             authFixtures[0].auth(),
		EnabledActions:   []string{"listIssues", "createIssue"},
		Status:           actiongate.StatusCreationSuccessful,
		CreatedTime:      base,
		LastUpdatedTime:  base.Add(90 * 60e9),
	}
}

// secretFields returns the Secret fields of a with the field names that bind
// their ciphertexts, as the Service names them.
func secretFields(a actiongate.AuthConfig) map[string]actiongate.Secret {
	m := map[string]actiongate.Secret{}
	switch {
	case a.APIKey != nil:
		m["ApiKey"] = a.APIKey.APIKey
	case a.Basic != nil:
		m["Password"] = a.Basic.Password
	case a.ClientCredentials != nil && a.ClientCredentials.Client != nil:
		m["ClientSecret"] = a.ClientCredentials.Client.ClientSecret
	case a.AuthorizationCode != nil && a.AuthorizationCode.Client != nil:
		m["ClientSecret"] = a.AuthorizationCode.Client.ClientSecret
	}
	return m
}

// sealed returns stand-ins for the sealed secrets of c's Auth, ordered by field:
// binary ciphertexts, different for each generation gen.
func sealed(c *actiongate.Connector, gen int) []actiongate.SealedSecret {
	var out []actiongate.SealedSecret
	fields := secretFields(c.Auth)
	for _, field := range slices.Sorted(maps.Keys(fields)) {
		ref := connectorRef(c.AccountID, c.ID, field)
		out = append(out, actiongate.SealedSecret{Ref: ref, Ciphertext: ciphertext(ref, gen)})
	}
	return out
}

func connectorRef(account, id, field string) actiongate.SecretRef {
	return actiongate.SecretRef{AccountID: account, Kind: actiongate.SecretConnector, OwnerID: id, Field: field}
}

// ciphertext returns a stand-in ciphertext for ref: binary, with NUL and
// invalid UTF-8 bytes, so that a driver that stores it as text fails.
func ciphertext(ref actiongate.SecretRef, gen int) []byte {
	return fmt.Appendf([]byte{0x00, 0xff, 0xfe, 0x80}, "%s|%s|%s|%s|%d\x00", ref.AccountID, ref.Kind, ref.OwnerID, ref.Field, gen)
}

// stored returns what a Store gives back for c at version: a deep copy with the
// Secret fields of its Auth zero.
func stored(c *actiongate.Connector, version int64) *actiongate.Connector {
	d := *c
	d.Version = version
	d.EnabledActions = slices.Clone(c.EnabledActions)
	if c.Error != nil {
		e := *c.Error
		d.Error = &e
	}
	a := c.Auth
	if m := a.APIKey; m != nil {
		v := *m
		v.APIKey = actiongate.Secret{}
		a.APIKey = &v
	}
	if m := a.Basic; m != nil {
		v := *m
		v.Password = actiongate.Secret{}
		a.Basic = &v
	}
	if m := a.ClientCredentials; m != nil {
		v := *m
		v.Client = withoutSecret(m.Client)
		a.ClientCredentials = &v
	}
	if m := a.AuthorizationCode; m != nil {
		v := *m
		v.Client = withoutSecret(m.Client)
		a.AuthorizationCode = &v
	}
	if m := a.IAM; m != nil {
		v := *m
		a.IAM = &v
	}
	if m := a.None; m != nil {
		v := *m
		a.None = &v
	}
	d.Auth = a
	return &d
}

func withoutSecret(c *actiongate.OAuthClient) *actiongate.OAuthClient {
	if c == nil {
		return nil
	}
	v := *c
	v.ClientSecret = actiongate.Secret{}
	return &v
}

// fieldPaths returns the paths of the leaf fields of type t, following
// pointers, except Secret fields.
func fieldPaths(t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == reflect.TypeFor[actiongate.Secret]() {
		return []string{prefix}
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Type == reflect.TypeFor[actiongate.Secret]() {
			continue
		}
		if f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct ||
			f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[actiongate.Secret]() && !isTime(f.Type) {
			out = append(out, fieldPaths(f.Type, prefix+"."+f.Name)...)
			continue
		}
		out = append(out, prefix+"."+f.Name)
	}
	return out
}

func isTime(t reflect.Type) bool { return t.PkgPath() == "time" && t.Name() == "Time" }

// setPaths adds to set the paths of the leaf fields of v that are not zero.
func setPaths(v reflect.Value, prefix string, set map[string]bool) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Type == reflect.TypeFor[actiongate.Secret]() {
			continue
		}
		fv := v.Field(i)
		if f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct ||
			f.Type.Kind() == reflect.Struct && !isTime(f.Type) {
			setPaths(fv, prefix+"."+f.Name, set)
			continue
		}
		if !fv.IsZero() {
			set[prefix+"."+f.Name] = true
		}
	}
}

// checkCoverage fails t when a non-secret field of the type of values is zero in
// all of them, except those named in except: a fixture that leaves a field
// unset cannot show that a driver stores it.
func checkCoverage(t *testing.T, prefix string, values []any, except ...string) {
	t.Helper()
	set := map[string]bool{}
	for _, v := range values {
		setPaths(reflect.ValueOf(v), prefix, set)
	}
	for _, p := range fieldPaths(reflect.TypeOf(values[0]), prefix) {
		if !set[p] && !slices.Contains(except, p) {
			t.Errorf("no fixture sets %s, so the suite does not show that a Store keeps it", p)
		}
	}
}

// principal returns the ARN of a QuickSight user of account.
func principal(account, name string) string {
	return "arn:aws:quicksight:us-east-1:" + account + ":user/default/" + name
}

// The actions of the principal-filter fixtures.
var (
	ownerActions  = []string{"quicksight:DeleteActionConnector", "quicksight:UpdateActionConnector", "quicksight:UpdateActionConnectorPermissions"}
	viewerActions = []string{"quicksight:DescribeActionConnector"}
)

// sortedIDs returns the ids in byte order.
func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	slices.SortFunc(out, strings.Compare)
	return out
}

func ids(cs []*actiongate.Connector) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}
