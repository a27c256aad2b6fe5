package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBoto3 drives the server with boto3, the Python SDK, through
// testdata/boto3_session.py: paginators, typed exceptions and tags.
func TestBoto3(t *testing.T) {
	t.Parallel()
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 with boto3 is not installed; CI must have it")
		}
		t.Skip("python3 with boto3 is not installed")
	}
	s := startServer(t, serverOptions{})
	cmd := exec.Command("python3", "testdata/boto3_session.py", s.URL)
	cmd.Env = []string{"AWS_ACCESS_KEY_ID=" + adminKey, "AWS_SECRET_ACCESS_KEY=" + adminSecr,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "boto3 session passed") {
		t.Fatalf("boto3 session: %v\n%s", err, out)
	}
}
