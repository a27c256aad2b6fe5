package e2e

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
)

// TestKeysLifecycle lists, rotates and deletes access keys with the CLI while
// the server runs, and checks what each does to signed requests at once.
func TestKeysLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	registerUsers(t, s.admin(), "alice")
	dir := []string{"--data-dir", s.DataDir}

	// A key bound to a user that does not exist is refused.
	cmd := exec.Command(binary, append([]string{"keys", "create", "--account", account, "--admin", "--user", user("ghost")}, dir...)...)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "does not exist") {
		t.Errorf("keys create --user of a missing user: %v\n%s", err, out)
	}
	var key struct{ AccessKeyId, SecretAccessKey, AccountId, Arn string }
	json.Unmarshal([]byte(runCLI(t, nil, append([]string{"keys", "create", "--account", account, "--admin", "--user", user("alice")}, dir...)...)), &key)
	list := func() string {
		return runCLI(t, nil, append([]string{"keys", "list", "--account", account}, dir...)...)
	}
	listed := list()
	if !strings.Contains(listed, `"AccessKeyId":"`+key.AccessKeyId+`"`) || !strings.Contains(listed, `"UserArn":"`+user("alice")+`"`) ||
		!strings.Contains(listed, `"AccessKeyId":"`+adminKey+`"`) || strings.Contains(listed, key.SecretAccessKey) || strings.Contains(listed, adminSecr) {
		t.Errorf("keys list printed:\n%s", listed)
	}
	describe := func(secret string) error {
		_, err := s.client(key.AccessKeyId, secret).ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: aws.String(account)})
		return err
	}
	if err := describe(key.SecretAccessKey); err != nil {
		t.Fatalf("the new key: %v", err)
	}

	var rotated struct{ AccessKeyId, SecretAccessKey string }
	json.Unmarshal([]byte(runCLI(t, nil, append([]string{"keys", "rotate", "--access-key-id", key.AccessKeyId}, dir...)...)), &rotated)
	if rotated.AccessKeyId != key.AccessKeyId || rotated.SecretAccessKey == key.SecretAccessKey || len(rotated.SecretAccessKey) != 40 {
		t.Fatalf("keys rotate printed %+v", rotated)
	}
	expectCode(t, "the old secret after rotation", describe(key.SecretAccessKey), "InvalidSignatureException")
	if err := describe(rotated.SecretAccessKey); err != nil {
		t.Errorf("the rotated secret: %v", err)
	}

	if out := runCLI(t, nil, append([]string{"keys", "delete", "--access-key-id", key.AccessKeyId}, dir...)...); !strings.Contains(out, "Deleted") {
		t.Errorf("keys delete printed %q", out)
	}
	expectCode(t, "a deleted key", describe(rotated.SecretAccessKey), "UnrecognizedClientException")
	if strings.Contains(list(), key.AccessKeyId) {
		t.Error("keys list still shows the deleted key")
	}
	cmd = exec.Command(binary, append([]string{"keys", "delete", "--access-key-id", key.AccessKeyId}, dir...)...)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "does not exist") {
		t.Errorf("deleting a deleted key: %v\n%s", err, out)
	}
}
