package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// recorder is an http.RoundTripper that keeps every response's status line,
// headers and body.
type recorder struct {
	mu   sync.Mutex
	seen bytes.Buffer
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(&r.seen, "%s\n", resp.Status)
	resp.Header.Write(&r.seen)
	r.seen.Write(body)
	r.seen.WriteString("\n")
	return resp, nil
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen.String()
}

// canary returns a unique secret value to plant, and remembers it.
type canaries struct{ values []string }

func (c *canaries) next(t *testing.T, field string) string {
	b := make([]byte, 12)
	rand.Read(b)
	v := "canary-" + field + "-" + hex.EncodeToString(b)
	c.values = append(c.values, v)
	return v
}

// forms returns the ways a value may leak: raw, base64 (also of user:value
// as Basic authentication encodes it), URL-encoded and JSON-escaped.
func forms(v string) []string {
	j, _ := json.Marshal(v)
	return []string{
		v,
		base64.StdEncoding.EncodeToString([]byte(v)),
		base64.RawURLEncoding.EncodeToString([]byte(v)),
		base64.StdEncoding.EncodeToString([]byte("svc:" + v)),
		url.QueryEscape(v),
		url.PathEscape(v),
		strings.Trim(string(j), `"`),
	}
}

// TestCanarySweep plants canary secrets in every secret field, drives every
// operation with them, successful and failing, and then searches everything
// the product wrote for them: the database and its WAL, the server's logs,
// every response header and body, and the output of keys create and audit.
func TestCanarySweep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var cs canaries
	identitySecret := cs.next(t, "identity")
	dir := t.TempDir()
	s := startServer(t, serverOptions{dataDir: dir, noKeys: true, args: []string{"--log-level", "debug"},
		env: []string{"ACTIONGATE_BOOTSTRAP_ACCESS_KEY_ID=AKIACANARY0000000001", "ACTIONGATE_BOOTSTRAP_SECRET_ACCESS_KEY=" + identitySecret}})
	rec := &recorder{}
	c := quicksight.New(quicksight.Options{Region: region, BaseEndpoint: aws.String(s.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIACANARY0000000001", identitySecret, ""),
		HTTPClient:  &http.Client{Transport: rec}})

	auths := func() map[string]*types.AuthConfig {
		return map[string]*types.AuthConfig{
			"key": {AuthenticationType: types.ConnectionAuthTypeApiKey, AuthenticationMetadata: &types.AuthenticationMetadataMemberApiKeyConnectionMetadata{
				Value: types.APIKeyConnectionMetadata{BaseEndpoint: aws.String("https://acme.atlassian.net"), ApiKey: aws.String(cs.next(t, "apikey"))}}},
			"basic": {AuthenticationType: types.ConnectionAuthTypeBasic, AuthenticationMetadata: &types.AuthenticationMetadataMemberBasicAuthConnectionMetadata{
				Value: types.BasicAuthConnectionMetadata{BaseEndpoint: aws.String("https://sap.acme.com"), Username: aws.String("svc"), Password: aws.String(cs.next(t, "password"))}}},
			"cc": {AuthenticationType: types.ConnectionAuthTypeOauth2ClientCredentials, AuthenticationMetadata: &types.AuthenticationMetadataMemberClientCredentialsGrantMetadata{
				Value: types.ClientCredentialsGrantMetadata{BaseEndpoint: aws.String("https://acme.service-now.com"),
					ClientCredentialsDetails: &types.ClientCredentialsDetailsMemberClientCredentialsGrantDetails{Value: types.ClientCredentialsGrantDetails{
						ClientId: aws.String("id"), ClientSecret: aws.String(cs.next(t, "ccsecret")), TokenEndpoint: aws.String("https://acme.service-now.com/oauth_token.do")}}}}},
			"code": {AuthenticationType: types.ConnectionAuthTypeOauth2AuthorizationCode, AuthenticationMetadata: &types.AuthenticationMetadataMemberAuthorizationCodeGrantMetadata{
				Value: types.AuthorizationCodeGrantMetadata{BaseEndpoint: aws.String("https://slack.com/api"), RedirectUrl: aws.String("https://gate.acme.com/cb"),
					AuthorizationCodeGrantCredentialsDetails: &types.AuthorizationCodeGrantCredentialsDetailsMemberAuthorizationCodeGrantDetails{Value: types.AuthorizationCodeGrantDetails{
						ClientId: aws.String("id"), ClientSecret: aws.String(cs.next(t, "codesecret")),
						TokenEndpoint: aws.String("https://slack.com/api/oauth.v2.access"), AuthorizationEndpoint: aws.String("https://slack.com/oauth/v2/authorize")}}}}},
		}
	}
	acct := aws.String(account)
	for id, auth := range auths() {
		if _, err := c.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String(id),
			Name: aws.String(id), Type: types.ActionConnectorTypeGenericHttp, AuthenticationConfig: auth}); err != nil {
			t.Fatalf("create %s: %v", id, err)
		}
		// Failing requests that carry secrets: a duplicate, an invalid name,
		// a cross-account create, an unsigned one.
		c.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String(id),
			Name: aws.String(id), Type: types.ActionConnectorTypeGenericHttp, AuthenticationConfig: auth})
		c.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String(id + "-bad"),
			Name: aws.String("bad name "), Type: types.ActionConnectorTypeGenericHttp, AuthenticationConfig: auth})
		c.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: aws.String("444455556666"), ActionConnectorId: aws.String(id),
			Name: aws.String(id), Type: types.ActionConnectorTypeGenericHttp, AuthenticationConfig: auth})
	}
	for id, auth := range auths() {
		if _, err := c.UpdateActionConnector(ctx, &quicksight.UpdateActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String(id),
			Name: aws.String(id + " v2"), AuthenticationConfig: auth}); err != nil {
			t.Fatalf("update %s: %v", id, err)
		}
		c.UpdateActionConnector(ctx, &quicksight.UpdateActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String("missing-" + id),
			Name: aws.String(id), AuthenticationConfig: auth})
		c.DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String(id)})
		c.DescribeActionConnectorPermissions(ctx, &quicksight.DescribeActionConnectorPermissionsInput{AwsAccountId: acct, ActionConnectorId: aws.String(id)})
		c.TagResource(ctx, &quicksight.TagResourceInput{ResourceArn: aws.String(connectorARN(id)), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
		c.ListTagsForResource(ctx, &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(connectorARN(id))})
	}
	c.ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: acct})
	c.SearchActionConnectors(ctx, &quicksight.SearchActionConnectorsInput{AwsAccountId: acct,
		Filters: []types.ActionConnectorSearchFilter{{Name: types.ActionConnectorSearchFilterNameEnumActionConnectorName, Operator: types.FilterOperatorStringLike, Value: aws.String("e")}}})

	// Malformed bodies around a secret, signed, and a wrongly signed one.
	malformed := []string{
		`{"ActionConnectorId": "m", "Name": "m", "Type": "GENERIC_HTTP", "AuthenticationConfig": {"AuthenticationType": "API_KEY",
			"AuthenticationMetadata": {"ApiKeyConnectionMetadata": {"BaseEndpoint": "https://x.io", "ApiKey": "` + cs.next(t, "malformed") + `"}}},}`,
		`{"AuthenticationConfig": {"AuthenticationMetadata": {"ApiKeyConnectionMetadata": {"ApiKey": ["` + cs.next(t, "wrongtype") + `"]}}}}`,
		`{"Name": "a", "Name": "` + cs.next(t, "duplicate") + `"}`,
		`{"AuthenticationConfig": {"AuthenticationMetadata": {"BasicAuthConnectionMetadata": {"Password": "` + cs.next(t, "utf8") + "\xff" + `"}}}}`,
	}
	for i, body := range malformed {
		secret := identitySecret
		if i == len(malformed)-1 {
			secret = "wrong-secret-wrong-secret-wrong-secret-0"
		}
		signedPost(t, rec, s.URL+"/accounts/"+account+"/action-connectors", body, secret)
	}

	for id := range auths() {
		if _, err := c.DeleteActionConnector(ctx, &quicksight.DeleteActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String(id)}); err != nil {
			t.Fatalf("delete %s: %v", id, err)
		}
	}
	keysOut := runCLI(t, nil, "keys", "create", "--data-dir", dir, "--account", account, "--admin")

	files := readDataFiles(t, dir) // while the server runs: the WAL is not yet checkpointed
	s.stop(t)
	files += readDataFiles(t, dir)
	auditOut := runCLI(t, nil, "audit", "--data-dir", dir) // the server flushed its audit events on stopping
	if !strings.Contains(auditOut, `"operation":"UpdateActionConnector"`) {
		t.Fatalf("the audit log lacks the calls, so the sweep would prove little:\n%s", auditOut)
	}
	places := map[string]string{
		"database and WAL files":   files,
		"server stdout and stderr": s.stdout.String() + s.stderr.String(),
		"responses":                rec.String(),
		"keys create output":       keysOut,
		"audit output":             auditOut,
	}
	if !strings.Contains(places["server stdout and stderr"], "level=DEBUG") {
		t.Fatalf("the server did not log at debug level, so the sweep would prove little")
	}
	hits := 0
	for _, v := range cs.values {
		for _, f := range forms(v) {
			for place, text := range places {
				if strings.Contains(text, f) {
					hits++
					t.Errorf("canary %s found in %s as %q", v, place, f)
				}
			}
		}
	}
	t.Logf("%d canaries in %d forms searched in %d bytes: %d hits", len(cs.values), len(forms("x")),
		len(files)+len(places["server stdout and stderr"])+len(places["responses"])+len(keysOut)+len(auditOut), hits)
}

// signedPost sends body to url signed with the canary identity's key id and
// the given secret, recording the response.
func signedPost(t *testing.T, rec *recorder, url, body, secret string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: "AKIACANARY0000000001", SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "quicksight", region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: rec}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 400 {
		t.Errorf("malformed request answered %s", resp.Status)
	}
}

// readDataFiles returns the bytes of every file in the data directory.
func readDataFiles(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err == nil {
			b.Write(data)
		}
	}
	return b.String()
}
