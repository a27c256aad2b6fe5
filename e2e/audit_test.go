package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// requestIDs is an http.RoundTripper that keeps the request id of every
// response, in order.
type requestIDs struct {
	mu  sync.Mutex
	ids []string
}

func (r *requestIDs) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		r.mu.Lock()
		r.ids = append(r.ids, resp.Header.Get("X-Amzn-RequestId"))
		r.mu.Unlock()
	}
	return resp, err
}

func (r *requestIDs) last(t *testing.T) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ids) == 0 {
		t.Fatal("no response yet")
	}
	return r.ids[len(r.ids)-1]
}

// auditEntry is a line of `actiongate audit`.
type auditEntry struct {
	EventTime   string `json:"eventTime"`
	EventID     int64  `json:"eventId"`
	RequestID   string `json:"requestId"`
	AccountID   string `json:"accountId"`
	IdentityARN string `json:"identityArn"`
	AccessKeyID string `json:"accessKeyId"`
	UserARN     string `json:"userArn"`
	Operation   string `json:"operation"`
	ResourceARN string `json:"resourceArn"`
	Outcome     string `json:"outcome"`
	ErrorCode   string `json:"errorCode"`
	SourceIP    string `json:"sourceIp"`

	ActionID       string  `json:"actionId"`
	UpstreamStatus int     `json:"upstreamStatus"`
	DurationMillis float64 `json:"durationMillis"`
}

// runAudit runs `actiongate audit` on dir with args and returns its output and
// its lines decoded, refusing unknown members.
func runAudit(t *testing.T, dir string, args ...string) (string, []auditEntry) {
	t.Helper()
	out := runCLI(t, nil, append([]string{"audit", "--data-dir", dir}, args...)...)
	var entries []auditEntry
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var e auditEntry
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("actiongate audit printed %q: %v", line, err)
		}
		entries = append(entries, e)
	}
	return out, entries
}

// TestAuditLog drives calls that succeed and fail through the AWS SDK, as two
// identities, and checks what `actiongate audit` prints for each filter: every
// call, with the request id its response carried, and none of the secrets the
// calls sent.
func TestAuditLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	var cs canaries
	ids := &requestIDs{}
	client := func(key, secret string) *quicksight.Client {
		return quicksight.New(quicksight.Options{Region: region, BaseEndpoint: aws.String(s.URL), RetryMaxAttempts: 1,
			Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""), HTTPClient: &http.Client{Transport: ids}})
	}
	admin := client(adminKey, adminSecr)
	const other = "444455556666"
	bob := "arn:aws:quicksight:us-east-1:" + other + ":user/default/bob"
	// bob must exist before a key can act as him: an administrator of the
	// other account registers him, which is the log's first event.
	var setupKey, key struct{ AccessKeyId, SecretAccessKey, Arn string }
	if err := json.Unmarshal([]byte(runCLI(t, nil, "keys", "create", "--data-dir", s.DataDir, "--account", other, "--admin")), &setupKey); err != nil {
		t.Fatal(err)
	}
	if _, err := client(setupKey.AccessKeyId, setupKey.SecretAccessKey).RegisterUser(ctx, &quicksight.RegisterUserInput{
		AwsAccountId: aws.String(other), Namespace: aws.String("default"), IdentityType: types.IdentityTypeQuicksight,
		UserName: aws.String("bob"), Email: aws.String("bob@example.com"), UserRole: types.UserRoleReader}); err != nil {
		t.Fatal(err)
	}
	setup := auditEntry{Operation: "RegisterUser", ResourceARN: "arn:aws:quicksight:us-east-1:" + other + ":user/default/*", Outcome: "Success",
		AccountID: other, IdentityARN: setupKey.Arn, AccessKeyID: setupKey.AccessKeyId, RequestID: ids.last(t), SourceIP: "127.0.0.1"}
	if err := json.Unmarshal([]byte(runCLI(t, nil, "keys", "create", "--data-dir", s.DataDir, "--account", other, "--admin", "--user", bob)), &key); err != nil {
		t.Fatal(err)
	}
	second := client(key.AccessKeyId, key.SecretAccessKey)

	adminARN := "arn:aws:iam::" + account + ":user/actiongate/" + adminKey
	acct := aws.String(account)
	apiKey := func(secret string) *types.AuthConfig {
		return &types.AuthConfig{AuthenticationType: types.ConnectionAuthTypeApiKey, AuthenticationMetadata: &types.AuthenticationMetadataMemberApiKeyConnectionMetadata{
			Value: types.APIKeyConnectionMetadata{BaseEndpoint: aws.String("https://acme.atlassian.net"), ApiKey: aws.String(secret)}}}
	}
	everyConnector := "arn:aws:quicksight:us-east-1:" + account + ":action-connector/*"
	steps := []struct {
		call func() error
		want auditEntry // RequestID, AccountID, IdentityARN, AccessKeyID and SourceIP filled in below
	}{
		{func() error {
			_, err := admin.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String("audited"),
				Name: aws.String("audited"), Type: types.ActionConnectorTypeJiraCloud, AuthenticationConfig: apiKey(cs.next(t, "succeeding"))})
			return err
		}, auditEntry{Operation: "CreateActionConnector", ResourceARN: connectorARN("audited"), Outcome: "Success"}},
		{func() error {
			_, err := admin.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String("invalid"),
				Name: aws.String("ends with a space "), Type: types.ActionConnectorTypeJiraCloud, AuthenticationConfig: apiKey(cs.next(t, "failing"))})
			return err
		}, auditEntry{Operation: "CreateActionConnector", ResourceARN: everyConnector, Outcome: "Failure", ErrorCode: "InvalidParameterValueException"}},
		{func() error {
			_, err := admin.DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String("audited")})
			return err
		}, auditEntry{Operation: "DescribeActionConnector", ResourceARN: connectorARN("audited"), Outcome: "Success"}},
		{func() error {
			_, err := admin.DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String("missing")})
			return err
		}, auditEntry{Operation: "DescribeActionConnector", ResourceARN: connectorARN("missing"), Outcome: "Failure", ErrorCode: "ResourceNotFoundException"}},
		{func() error {
			_, err := admin.DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: aws.String(other), ActionConnectorId: aws.String("theirs")})
			return err
		}, auditEntry{Operation: "DescribeActionConnector", ResourceARN: "arn:aws:quicksight:us-east-1:" + other + ":action-connector/theirs",
			Outcome: "Failure", ErrorCode: "AccessDeniedException"}},
		{func() error {
			_, err := admin.ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: acct})
			return err
		}, auditEntry{Operation: "ListActionConnectors", ResourceARN: everyConnector, Outcome: "Success"}},
		{func() error {
			_, err := admin.TagResource(ctx, &quicksight.TagResourceInput{ResourceArn: aws.String(connectorARN("audited")),
				Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("ops")}}})
			return err
		}, auditEntry{Operation: "TagResource", ResourceARN: connectorARN("audited"), Outcome: "Success"}},
		{func() error {
			_, err := second.SearchActionConnectors(ctx, &quicksight.SearchActionConnectorsInput{AwsAccountId: aws.String(other),
				Filters: []types.ActionConnectorSearchFilter{{Name: types.ActionConnectorSearchFilterNameEnumActionConnectorName,
					Operator: types.FilterOperatorStringLike, Value: aws.String("a")}}})
			return err
		}, auditEntry{Operation: "SearchActionConnectors", ResourceARN: "arn:aws:quicksight:us-east-1:" + other + ":action-connector/*",
			Outcome: "Success", AccountID: other, IdentityARN: key.Arn, AccessKeyID: key.AccessKeyId, UserARN: bob}},
		{func() error {
			_, err := admin.DeleteActionConnector(ctx, &quicksight.DeleteActionConnectorInput{AwsAccountId: acct, ActionConnectorId: aws.String("audited")})
			return err
		}, auditEntry{Operation: "DeleteActionConnector", ResourceARN: connectorARN("audited"), Outcome: "Success"}},
	}
	want := []auditEntry{setup}
	for i, step := range steps {
		err := step.call()
		if (err == nil) != (step.want.Outcome == "Success") || (err != nil && !strings.Contains(err.Error(), step.want.ErrorCode)) {
			t.Fatalf("step %d (%s): %v, want outcome %s %s", i, step.want.Operation, err, step.want.Outcome, step.want.ErrorCode)
		}
		w := step.want
		w.RequestID = ids.last(t)
		if w.AccountID == "" {
			w.AccountID, w.IdentityARN, w.AccessKeyID = account, adminARN, adminKey
		}
		w.SourceIP = "127.0.0.1"
		want = append(want, w)
	}

	// The server writes its audit events within a fraction of a second;
	// the command reads them while it runs.
	var all []auditEntry
	var outputs []string
	deadline := time.Now().Add(10 * time.Second)
	for {
		var out string
		out, all = runAudit(t, s.DataDir)
		if len(all) >= len(want) || time.Now().After(deadline) {
			outputs = append(outputs, out)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	ignoreTimeAndID := func(es []auditEntry) []auditEntry {
		out := make([]auditEntry, len(es))
		for i, e := range es {
			e.EventTime, e.EventID = "", 0
			out[i] = e
		}
		return out
	}
	if diff := cmp.Diff(want, ignoreTimeAndID(all)); diff != "" {
		t.Fatalf("actiongate audit (-want +got):\n%s", diff)
	}
	for i, e := range all {
		if _, err := time.Parse(time.RFC3339, e.EventTime); err != nil || e.EventID == 0 {
			t.Errorf("line %d: eventTime %q, eventId %d", i, e.EventTime, e.EventID)
		}
		if i > 0 && e.EventTime < all[i-1].EventTime {
			t.Errorf("line %d is older than line %d: %s < %s", i, i-1, e.EventTime, all[i-1].EventTime)
		}
	}

	pick := func(idx ...int) []auditEntry {
		var out []auditEntry
		for _, i := range idx {
			out = append(out, want[i])
		}
		return out
	}
	filters := []struct {
		args []string
		want []auditEntry
	}{
		{[]string{"--identity", adminKey}, pick(1, 2, 3, 4, 5, 6, 7, 9)},
		{[]string{"--identity", key.Arn}, pick(8)},
		{[]string{"--resource", connectorARN("audited")}, pick(1, 3, 7, 9)},
		{[]string{"--resource", everyConnector}, pick(2, 6)},
		{[]string{"--outcome", "Failure"}, pick(2, 4, 5)},
		{[]string{"--outcome", "Success", "--account", account}, pick(1, 3, 6, 7, 9)},
		{[]string{"--account", other}, pick(0, 8)},
		{[]string{"--since", all[6].EventTime}, pick(6, 7, 8, 9)},
		{[]string{"--until", all[6].EventTime}, pick(0, 1, 2, 3, 4, 5)},
		{[]string{"--since", all[3].EventTime, "--until", all[5].EventTime, "--identity", adminARN}, pick(3, 4)},
		{[]string{"--since", "1h"}, want},
		{[]string{"--until", "1h"}, nil},
		{[]string{"--limit", "2"}, pick(0, 1)},
	}
	for _, f := range filters {
		out, got := runAudit(t, s.DataDir, f.args...)
		outputs = append(outputs, out)
		if diff := cmp.Diff(f.want, ignoreTimeAndID(got), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("actiongate audit %s (-want +got):\n%s", strings.Join(f.args, " "), diff)
		}
	}
	for _, v := range cs.values {
		for _, f := range forms(v) {
			for _, out := range outputs {
				if strings.Contains(out, f) {
					t.Errorf("canary %s found in the audit output as %q", v, f)
				}
			}
		}
	}
}

// TestAuditRetention restarts a server with a retention shorter than the age
// of the events it finds, which it deletes at once.
func TestAuditRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{})
	if _, err := s.admin().ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: aws.String(account)}); err != nil {
		t.Fatal(err)
	}
	s.stop(t)
	if _, got := runAudit(t, s.DataDir); len(got) != 1 {
		t.Fatalf("before the retention: %d events, want 1", len(got))
	}
	time.Sleep(1100 * time.Millisecond)
	s = startServer(t, serverOptions{dataDir: s.DataDir, args: []string{"--audit-retention", "1s"}})
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, got := runAudit(t, s.DataDir)
		if len(got) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("events older than the retention remain: %+v", got)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(s.stderr.String(), "deleted expired audit events") {
		t.Errorf("the deletion was not logged:\n%s", s.stderr.String())
	}
}

// TestAuditLogReplicas checks that the calls served by every replica of a
// PostgreSQL deployment reach one audit log, which `actiongate audit
// --database-url` reads.
func TestAuditLogReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := startCluster(t, 2)
	var want []string
	for i := range 6 {
		_, client := c.client()
		_, err := client.DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: aws.String(account),
			ActionConnectorId: aws.String(fmt.Sprint("missing-", i))})
		var re interface{ ServiceRequestID() string }
		if !errors.As(err, &re) {
			t.Fatalf("describe: %v", err)
		}
		want = append(want, re.ServiceRequestID())
	}
	dir := t.TempDir()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out := runCLI(t, []string{"ACTIONGATE_DATABASE_URL=" + c.dbURL}, "audit", "--data-dir", dir,
			"--outcome", "Failure", "--resource", connectorARN("missing-3"))
		if strings.Count(out, "\n") == 1 && strings.Contains(out, want[3]) && strings.Contains(out, `"errorCode":"ResourceNotFoundException"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("actiongate audit printed %q, want the event of request %s", out, want[3])
		}
		time.Sleep(50 * time.Millisecond)
	}
	var got []string
	for {
		_, entries := runAudit(t, dir, "--database-url", c.dbURL)
		got = got[:0]
		for _, e := range entries {
			got = append(got, e.RequestID)
		}
		if len(got) >= len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request ids in the audit log (-want +got):\n%s", diff)
	}
}

// TestAuditThrottled checks that a throttled call is recorded as a failure.
func TestAuditThrottled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{args: []string{"--throttle-read-rate", "0.01", "--throttle-read-burst", "1"}})
	in := &quicksight.ListActionConnectorsInput{AwsAccountId: aws.String(account)}
	if _, err := s.admin().ListActionConnectors(ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := s.admin().ListActionConnectors(ctx, in); err == nil || !strings.Contains(err.Error(), "ThrottlingException") {
		t.Fatalf("second list: %v, want ThrottlingException", err)
	}
	s.stop(t) // flushes the audit events
	_, got := runAudit(t, s.DataDir, "--outcome", "Failure")
	if len(got) != 1 || got[0].Operation != "ListActionConnectors" || got[0].ErrorCode != "ThrottlingException" || got[0].AccessKeyID != adminKey {
		t.Errorf("failures in the audit log: %+v, want the throttled list", got)
	}
}
