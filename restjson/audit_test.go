package restjson_test

import (
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/actiongate/actiongate"
)

// auditLog is a restjson.Auditor that keeps what it receives.
type auditLog struct {
	mu           sync.Mutex
	events       []actiongate.AuditEvent
	unattributed int
}

func (l *auditLog) Record(e actiongate.AuditEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func (l *auditLog) CountUnattributed() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.unattributed++
}

// TestAudit sends calls that succeed and fail at every stage and checks the
// audit record of each: one per call whose caller is known, none but a count
// for the others, and nothing of what the request carried.
func TestAudit(t *testing.T) {
	t.Parallel()
	const canary = "canary-audit-5d1c9a"
	log := &auditLog{}
	e := newEnvWith(t, envOptions{audit: log})
	arn := "arn:aws:quicksight:us-east-1:" + testAccount + ":action-connector/c1"
	everyConnector := "arn:aws:quicksight:us-east-1:" + testAccount + ":action-connector/*"

	type step struct {
		method, path, body string
		creds              *aws.Credentials // default the administrator's; nil signature when unsigned
		unsigned           bool
		want               *actiongate.AuditEvent // nil: no record, an unattributed count
	}
	ev := func(op, resource, code string) *actiongate.AuditEvent {
		out := actiongate.AuditSuccess
		if code != "" {
			out = actiongate.AuditFailure
		}
		return &actiongate.AuditEvent{AccountID: testAccount, IdentityARN: "arn:aws:iam::" + testAccount + ":user/actiongate/" + testKeyID,
			AccessKeyID: testKeyID, Operation: op, ResourceARN: resource, Outcome: out, ErrorCode: code, SourceIP: "127.0.0.1", Time: testNow}
	}
	wrongSecret := aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: "wrong-" + canary}
	unknownKey := aws.Credentials{AccessKeyID: "AKIAUNKNOWN000000000", SecretAccessKey: canary}
	steps := []step{
		{method: "POST", path: connectorsPath, body: strings.Replace(validCreate, "xoxb-1", canary, 1),
			want: ev("CreateActionConnector", arn, "")},
		{method: "POST", path: connectorsPath, body: strings.Replace(validCreate, "xoxb-1", canary, 1),
			want: ev("CreateActionConnector", arn[:len(arn)-2]+"*", "ResourceExistsException")},
		{method: "GET", path: connectorsPath + "/c1", want: ev("DescribeActionConnector", arn, "")},
		{method: "GET", path: connectorsPath + "/nope", want: ev("DescribeActionConnector", arn[:len(arn)-2]+"nope", "ResourceNotFoundException")},
		{method: "PUT", path: connectorsPath + "/c1", body: `{"Name": "bad name ", "AuthenticationConfig": {"AuthenticationType": "NONE",
			"AuthenticationMetadata": {"NoneConnectionMetadata": {"BaseEndpoint": "https://` + canary + `.example.com"}}}}`,
			want: ev("UpdateActionConnector", arn, "InvalidParameterValueException")},
		{method: "GET", path: "/accounts/444455556666/action-connectors/c1",
			want: ev("DescribeActionConnector", "arn:aws:quicksight:us-east-1:444455556666:action-connector/c1", "AccessDeniedException")},
		{method: "GET", path: connectorsPath, want: ev("ListActionConnectors", everyConnector, "")},
		{method: "POST", path: "/accounts/" + testAccount + "/search/action-connectors", body: `{"Filters": [{"Name": "ACTION_CONNECTOR_NAME", "Operator": "StringLike", "Value": "` + canary + `"}]}`,
			want: ev("SearchActionConnectors", everyConnector, "")},
		{method: "GET", path: connectorsPath + "/c1/permissions", want: ev("DescribeActionConnectorPermissions", arn, "")},
		{method: "POST", path: connectorsPath + "/c1/permissions", body: `{}`, want: ev("UpdateActionConnectorPermissions", arn, "")},
		{method: "POST", path: "/resources/" + url.PathEscape(arn) + "/tags", body: `{"Tags": [{"Key": "k", "Value": "` + canary + `"}]}`,
			want: ev("TagResource", arn, "")},
		{method: "GET", path: "/resources/" + url.PathEscape(arn) + "/tags", want: ev("ListTagsForResource", arn, "")},
		{method: "DELETE", path: "/resources/" + url.PathEscape(arn) + "/tags?keys=k", want: ev("UntagResource", arn, "")},
		{method: "GET", path: "/nowhere", want: ev("UnknownOperation", "", "UnknownOperationException")},
		{method: "GET", path: connectorsPath + "/c1", creds: &wrongSecret, want: ev("DescribeActionConnector", arn, "InvalidSignatureException")},
		{method: "GET", path: connectorsPath + "/c1", creds: &unknownKey},
		{method: "GET", path: connectorsPath + "/c1", unsigned: true},
		{method: "DELETE", path: connectorsPath + "/c1", want: ev("DeleteActionConnector", arn, "")},
	}
	var want []actiongate.AuditEvent
	unattributed := 0
	for _, s := range steps {
		req := e.request(t, s.method, s.path, s.body)
		if !s.unsigned {
			signer := *e
			if s.creds != nil {
				signer.creds = *s.creds
			}
			signer.sign(t, req, s.body)
		}
		resp, _ := send(t, req)
		if s.want == nil {
			unattributed++
			continue
		}
		w := *s.want
		w.RequestID = resp.Header.Get("X-Amzn-RequestId")
		if got := resp.Header.Get("X-Amzn-ErrorType"); got != w.ErrorCode {
			t.Fatalf("%s %s: error %q, want %q", s.method, s.path, got, w.ErrorCode)
		}
		want = append(want, w)
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	if diff := cmp.Diff(want, log.events, cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("audit records (-want +got):\n%s", diff)
	}
	if log.unattributed != unattributed {
		t.Errorf("%d unattributed calls counted, want %d", log.unattributed, unattributed)
	}
	for _, ev := range log.events {
		if strings.Contains(strings.Join([]string{ev.RequestID, ev.AccountID, ev.IdentityARN, ev.AccessKeyID, ev.UserARN,
			ev.Operation, ev.ResourceARN, ev.ErrorCode, ev.SourceIP}, " "), "canary") {
			t.Errorf("a request's content reached its audit record: %+v", ev)
		}
	}
}
