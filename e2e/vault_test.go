package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// TestVaultRotationWhileServing rotates the key while the server runs: new
// writes move to the new term without a restart, rewrap moves the old ones,
// and everything stays readable.
func TestVaultRotationWhileServing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{args: []string{"--keyring-reload-interval", "100ms"}})
	c := s.admin()
	createKeyed := func(id string) {
		t.Helper()
		if _, err := c.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: aws.String(account),
			ActionConnectorId: aws.String(id), Name: aws.String(id), Type: types.ActionConnectorTypeSlack,
			AuthenticationConfig: &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeApiKey,
				AuthenticationMetadata: &types.AuthenticationMetadataMemberApiKeyConnectionMetadata{Value: types.APIKeyConnectionMetadata{
					BaseEndpoint: aws.String("https://slack.com/api"), ApiKey: aws.String("xoxb-" + id)}}}}); err != nil {
			t.Fatal(err)
		}
	}
	status := func() string { return runCLI(t, nil, "vault", "status", "--data-dir", s.DataDir) }
	createKeyed("before")
	// Term 1 protects the administrator's secret key and the connector's API key.
	if st := status(); !strings.Contains(st, "1     ") || !strings.Contains(st, " 2\n") {
		t.Fatalf("status before rotation:\n%s", st)
	}
	if out := runCLI(t, nil, "vault", "rotate", "--data-dir", s.DataDir); !strings.Contains(out, "key term 2") {
		t.Fatalf("rotate printed %q", out)
	}
	time.Sleep(500 * time.Millisecond) // several reload intervals
	createKeyed("after")
	want := "TERM  CREATED               SECRETS\n"
	st := status()
	lines := strings.Split(strings.TrimSpace(st), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[1], " 2") || !strings.HasSuffix(lines[2], " 1") || !strings.HasPrefix(st, want) {
		t.Fatalf("after rotation and a write, status is:\n%s", st)
	}
	out := runCLI(t, nil, "vault", "rewrap", "--data-dir", s.DataDir)
	if !strings.Contains(out, "rewrapped 2") {
		t.Errorf("rewrap printed %q", out)
	}
	lines = strings.Split(strings.TrimSpace(status()), "\n")
	if !strings.HasSuffix(lines[1], " 0") || !strings.HasSuffix(lines[2], " 3") {
		t.Errorf("after rewrap, status is:\n%s", strings.Join(lines, "\n"))
	}
	// The administrator's key still verifies signatures, and connectors read back.
	for _, id := range []string{"before", "after"} {
		if _, err := c.DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String(id)}); err != nil {
			t.Errorf("describe %s after rewrap: %v", id, err)
		}
	}
}
