package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
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

// TestRewrapKilledMidway seeds 10,000 secrets, rotates, kills `vault rewrap`
// with SIGKILL partway, and runs it again: every secret ends on the new term
// and every one still opens.
func TestRewrapKilledMidway(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 10,000 secrets")
	}
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	c := s.admin()
	const n = 10_000
	var wg sync.WaitGroup
	ids := make(chan int)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ids {
				id := fmt.Sprintf("k%05d", i)
				if _, err := c.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: aws.String(account),
					ActionConnectorId: aws.String(id), Name: aws.String(id), Type: types.ActionConnectorTypeSlack,
					AuthenticationConfig: &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeApiKey,
						AuthenticationMetadata: &types.AuthenticationMetadataMemberApiKeyConnectionMetadata{Value: types.APIKeyConnectionMetadata{
							BaseEndpoint: aws.String("https://slack.com/api"), ApiKey: aws.String("xoxb-" + id)}}}}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	for i := range n {
		ids <- i
	}
	close(ids)
	wg.Wait()
	s.stop(t) // the CLI alone works on the database from here on
	runCLI(t, nil, "vault", "rotate", "--data-dir", s.DataDir)

	rewrap := exec.Command(binary, "vault", "rewrap", "--data-dir", s.DataDir, "--batch", "50")
	var stderr syncBuffer
	rewrap.Stderr = &stderr
	if err := rewrap.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once it has made progress but before it is done.
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stderr.String(), "done=500") && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	rewrap.Process.Kill()
	rewrap.Wait()
	before := termCounts(t, runCLI(t, nil, "vault", "status", "--data-dir", s.DataDir))
	if before[1] == 0 || before[2] == 0 || before[1]+before[2] != n+1 {
		t.Fatalf("after the kill, terms hold %v: the rewrap was not interrupted midway", before)
	}
	out := runCLI(t, nil, "vault", "rewrap", "--data-dir", s.DataDir)
	after := termCounts(t, runCLI(t, nil, "vault", "status", "--data-dir", s.DataDir))
	if after[1] != 0 || after[2] != n+1 || !strings.Contains(out, "unreadable 0") {
		t.Fatalf("after the second rewrap, terms hold %v (%s)", after, out)
	}
	t.Logf("killed after %d of %d secrets had moved; the second run moved the rest: %s", before[2], n+1, strings.TrimSpace(out))

	// Everything still opens: the server starts (its key verifies) and serves.
	s2 := startServer(t, serverOptions{dataDir: s.DataDir})
	if _, err := s2.admin().DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String("k09999")}); err != nil {
		t.Fatal(err)
	}
}

// termCounts parses `vault status` output into secrets per term.
func termCounts(t *testing.T, status string) map[int]int {
	t.Helper()
	m := make(map[int]int)
	for _, line := range strings.Split(strings.TrimSpace(status), "\n")[1:] {
		var term, count int
		var created string
		if _, err := fmt.Sscan(line, &term, &created, &count); err != nil {
			t.Fatalf("status line %q: %v", line, err)
		}
		m[term] = count
	}
	return m
}
