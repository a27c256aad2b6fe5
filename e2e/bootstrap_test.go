package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// TestBootstrapCredentialsFile starts a server with no bootstrap key: it must
// generate one, print it once, and write an AWS shared-credentials file, mode
// 0600, that the SDK's own config loading uses as it is.
func TestBootstrapCredentialsFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	s := startServer(t, serverOptions{dataDir: dir, noKeys: true})
	path := filepath.Join(dir, "bootstrap-credentials")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, info.Mode().Perm())
	}
	if !strings.Contains(s.stdout.String(), "Created the administrator of account "+account) {
		t.Errorf("stdout does not announce the key:\n%s", s.stdout.String())
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedCredentialsFiles([]string{path}),
		config.WithSharedConfigFiles(nil), config.WithRegion(region))
	if err != nil {
		t.Fatal(err)
	}
	c := quicksight.NewFromConfig(cfg, func(o *quicksight.Options) { o.BaseEndpoint = aws.String(s.URL) })
	if _, err := c.ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: aws.String(account)}); err != nil {
		t.Fatalf("listing with the bootstrap credentials: %v", err)
	}
	// The key is shown once: a restart neither prints nor rewrites it.
	before, _ := os.ReadFile(path)
	s.stop(t)
	s2 := startServer(t, serverOptions{dataDir: dir, noKeys: true})
	after, _ := os.ReadFile(path)
	if strings.Contains(s2.stdout.String(), "SecretAccessKey") || string(before) != string(after) {
		t.Errorf("the restarted server issued another key:\n%s", s2.stdout.String())
	}
}

// TestKeysCreate creates keys with the CLI while the server runs: an
// administrator key of another account works there and nowhere else, and a
// key with a policy but no allowance is denied.
func TestKeysCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	var key struct{ AccessKeyId, SecretAccessKey, AccountId, Arn string }
	out := runCLI(t, nil, "keys", "create", "--data-dir", s.DataDir, "--account", "444455556666", "--admin")
	if err := json.Unmarshal([]byte(out), &key); err != nil {
		t.Fatalf("keys create printed %q: %v", out, err)
	}
	if key.AccountId != "444455556666" || !strings.HasPrefix(key.AccessKeyId, "AKIA") || len(key.SecretAccessKey) != 40 ||
		key.Arn != "arn:aws:iam::444455556666:user/actiongate/"+key.AccessKeyId {
		t.Errorf("keys create printed %+v", key)
	}
	c := s.client(key.AccessKeyId, key.SecretAccessKey)
	if _, err := c.ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: aws.String("444455556666")}); err != nil {
		t.Errorf("the new key in its account: %v", err)
	}
	_, err := c.ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: aws.String(account)})
	var denied *types.AccessDeniedException
	if !errors.As(err, &denied) {
		t.Errorf("the new key in another account: %v, want AccessDeniedException", err)
	}

	policy := filepath.Join(t.TempDir(), "policy.json")
	os.WriteFile(policy, []byte(`{"Version": "2012-10-17", "Statement": []}`), 0o600)
	cmd := exec.Command(binary, "keys", "create", "--data-dir", s.DataDir, "--account", account, "--policy", policy)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "policy is not valid") {
		t.Errorf("keys create with an empty policy: %v\n%s", err, out)
	}
}
