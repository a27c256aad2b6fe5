package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/internal/upstreamtest"
	"github.com/actiongate/actiongate/runtime"
	"github.com/actiongate/actiongate/runtime/egress"
)

// The request shapes of the AWS actions are checked through the server in
// package e2e; these tests cover how the runtime reports what the services
// answer.

// endpoints gives per-service endpoints by SDK id, as AWS_ENDPOINT_URL_<ID>
// does, through the SDK's config-source interface.
type endpoints map[string]string

func (e endpoints) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	u, ok := e[sdkID]
	return u, ok, nil
}

const (
	serverKeyID  = "AKIASERVER0000000001"
	serverSecret = "server-secret-access-key-0000000000000000"
	roleARN      = "arn:aws:iam::111122223333:role/QuickSuiteActions"
)

// awsEnv is a runtime whose server credentials may assume roleARN at a
// fake STS, with the endpoint of a service at a loopback fake.
type awsEnv struct {
	rt   *runtime.Runtime
	svc  *upstreamtest.AWSService
	conn *actiongate.Connector
}

// newAWSEnv starts the fake of the service of typ, known to the SDK as
// sdkID and signing as signingName.
func newAWSEnv(t *testing.T, typ actiongate.ConnectorType, sdkID, signingName string) *awsEnv {
	t.Helper()
	sts := upstreamtest.NewSTSServer(t, upstreamtest.STSOptions{})
	sts.AllowCaller(serverKeyID, serverSecret)
	a := &awsEnv{svc: upstreamtest.NewAWSService(t, sts, signingName)}
	e := newEnv(t)
	e.rootsFromPEM(t, sts.CertPEM())
	guard := egress.New(egress.Config{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, RootCAs: e.roots, RetryBase: time.Millisecond})
	a.rt = runtime.New(runtime.Config{Store: e.store, Sealer: e.seal, Client: guard.Client(), Logger: slog.New(slog.DiscardHandler),
		AWS: aws.Config{
			Region:        "us-east-1",
			Credentials:   credentials.NewStaticCredentialsProvider(serverKeyID, serverSecret, ""),
			ConfigSources: []any{endpoints{"STS": sts.URL(), sdkID: a.svc.URL()}},
		}})
	a.conn = connector("c1", typ, actiongate.AuthConfig{Type: actiongate.AuthIAM, IAM: &actiongate.IAMAuth{RoleARN: roleARN}})
	sts.AllowRole(roleARN, a.conn.ARN) // the trust policy's sts:ExternalId condition
	return a
}

func (a *awsEnv) invoke(t *testing.T, action, input string) (*actiongate.InvokeResult, error) {
	t.Helper()
	return a.rt.Invoke(t.Context(), actiongate.Call{Connector: a.conn, ActionID: action, Input: json.RawMessage(input), UserARN: alice})
}

// TestAWSErrorAnswer checks that an error answer of an AWS service is a
// KindUpstream error with the service's status, code and message, through
// the SDK (S3's XML errors) and without it (awsJson1_1 errors).
func TestAWSErrorAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ                actiongate.ConnectorType
		sdkID, signingName string
		action, input      string
		answer             upstreamtest.AWSAnswer
		status             int
		message            string
	}{
		{actiongate.TypeAmazonS3, "S3", "s3", "ListObjectsV2", `{"Bucket":"amzn-s3-demo-missing"}`, upstreamtest.AWSAnswer{Status: http.StatusNotFound,
			Header: map[string]string{"Content-Type": "application/xml"},
			Body: []byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>` +
				`<BucketName>amzn-s3-demo-missing</BucketName><RequestId>4442587FB7D0A2F9</RequestId></Error>`)},
			http.StatusNotFound, "NoSuchBucket: The specified bucket does not exist"},
		{actiongate.TypeAmazonComprehend, "Comprehend", "comprehend", "DetectDominantLanguage", `{"Text":"Bonjour"}`, upstreamtest.AWSAnswer{Status: http.StatusBadRequest,
			Header: map[string]string{"Content-Type": "application/x-amz-json-1.1"},
			Body:   []byte(`{"__type":"TextSizeLimitExceededException","Message":"Input text size exceeds limit."}`)},
			http.StatusBadRequest, "TextSizeLimitExceededException: Input text size exceeds limit."},
		{actiongate.TypeAmazonTextract, "Textract", "textract", "DetectDocumentText", `{"Document":{"S3Object":{"Bucket":"docs","Name":"scan.png"}}}`, upstreamtest.AWSAnswer{Status: http.StatusBadRequest,
			Header: map[string]string{"Content-Type": "application/x-amz-json-1.1"},
			Body:   []byte(`{"__type":"com.amazonaws.textract#InvalidS3ObjectException","Message":"Unable to get object metadata from S3. Check object key, region and/or access permissions."}`)},
			http.StatusBadRequest, "InvalidS3ObjectException: Unable to get object metadata from S3."},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ), func(t *testing.T) {
			t.Parallel()
			a := newAWSEnv(t, tt.typ, tt.sdkID, tt.signingName)
			a.svc.Answer(tt.answer)
			_, err := a.invoke(t, tt.action, tt.input)
			for _, r := range a.svc.Requests() {
				if r.Problem != "" {
					t.Error(r.Problem)
				}
			}
			var e *actiongate.Error
			if !errors.As(err, &e) || e.Kind != actiongate.KindUpstream || e.Upstream == nil || e.Upstream.UpstreamStatus != tt.status ||
				!strings.Contains(e.Message, tt.message) {
				t.Fatalf("err = %#v; want KindUpstream, status %d, message with %q", err, tt.status, tt.message)
			}
			if strings.Contains(e.Message, serverSecret) || strings.Contains(string(e.Upstream.Output), "Secret") {
				t.Errorf("the error tells a secret: %s %s", e.Message, e.Upstream.Output)
			}
		})
	}
}

// TestAWSRoleRefused checks that a role the server may not assume fails the
// action with the STS answer, before any call to the service.
func TestAWSRoleRefused(t *testing.T) {
	t.Parallel()
	a := newAWSEnv(t, actiongate.TypeAmazonComprehend, "Comprehend", "comprehend")
	a.conn.Auth.IAM.RoleARN = "arn:aws:iam::111122223333:role/NotTrusted"
	_, err := a.invoke(t, "DetectDominantLanguage", `{"Text":"Bonjour"}`)
	if actiongate.KindOf(err) != actiongate.KindUpstream || !strings.Contains(err.Error(), "AccessDenied") || len(a.svc.Requests()) != 0 {
		t.Errorf("err = %v, %d requests; want the STS AccessDenied and no request", err, len(a.svc.Requests()))
	}
}
