package upstreamtest

import (
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithy "github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
)

const (
	testKeyID     = "AKIAIOSFODNN7EXAMPLE"
	testKeySecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	testRoleARN   = "arn:aws:iam::123456789012:role/path/demo"
	testExternal  = "ext-123"
)

// newSTS starts an STSServer with testKeyID as a caller and testRoleARN allowed
// with testExternal.
func newSTS(t *testing.T, opts STSOptions) *STSServer {
	t.Helper()
	s := NewSTSServer(t, opts)
	s.AllowCaller(testKeyID, testKeySecret)
	s.AllowRole(testRoleARN, testExternal)
	return s
}

// stsClient returns the real SDK client pointed at s, signing with creds.
func stsClient(s *STSServer, creds aws.CredentialsProvider) *sts.Client {
	cfg := aws.Config{
		Region:           DefaultSTSRegion,
		Credentials:      creds,
		HTTPClient:       s.Client(),
		RetryMaxAttempts: 1,
	}
	return sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

func static(id, secret string) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(id, secret, "")
}

// apiError returns the error code and HTTP status the SDK surfaces for err.
func apiError(err error) (code string, status int) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return code, status
}

func TestAssumeRole(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := newSTS(t, STSOptions{Now: clk.Now})
	c := stsClient(s, static(testKeyID, testKeySecret))
	out, err := c.AssumeRole(t.Context(), &sts.AssumeRoleInput{
		RoleArn:         aws.String(testRoleARN),
		RoleSessionName: aws.String("actiongate-session"),
		ExternalId:      aws.String(testExternal),
		DurationSeconds: aws.Int32(900),
		Policy:          aws.String(`{"Version":"2012-10-17","Statement":[]}`),
	})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	cr := out.Credentials
	if cr == nil || out.AssumedRoleUser == nil {
		t.Fatalf("AssumeRole: output without Credentials or AssumedRoleUser: %+v", out)
	}
	secret, session, ok := s.IssuedCredentials(aws.ToString(cr.AccessKeyId))
	type view struct {
		KeyPrefix, Secret, Session, Arn, RoleIDSuffix string
		Expiration                                    time.Time
		Known                                         bool
	}
	got := view{
		KeyPrefix:    aws.ToString(cr.AccessKeyId)[:4],
		Secret:       aws.ToString(cr.SecretAccessKey),
		Session:      aws.ToString(cr.SessionToken),
		Arn:          aws.ToString(out.AssumedRoleUser.Arn),
		RoleIDSuffix: aws.ToString(out.AssumedRoleUser.AssumedRoleId)[strings.IndexByte(aws.ToString(out.AssumedRoleUser.AssumedRoleId), ':')+1:],
		Expiration:   aws.ToTime(cr.Expiration),
		Known:        ok,
	}
	want := view{
		KeyPrefix:    "ASIA",
		Secret:       secret,
		Session:      session,
		Arn:          "arn:aws:sts::123456789012:assumed-role/demo/actiongate-session",
		RoleIDSuffix: "actiongate-session",
		Expiration:   clk.Now().UTC().Add(900 * time.Second).Truncate(time.Second),
		Known:        true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AssumeRole output (-want +got):\n%s", diff)
	}
	if secret == "" || session == "" {
		t.Error("IssuedCredentials returned an empty secret or session token")
	}
	wantCalls := []AssumeRoleCall{{
		Caller:          testKeyID,
		RoleArn:         testRoleARN,
		RoleSessionName: "actiongate-session",
		ExternalId:      testExternal,
		DurationSeconds: 900,
	}}
	if diff := cmp.Diff(wantCalls, s.Calls()); diff != "" {
		t.Errorf("Calls() (-want +got):\n%s", diff)
	}

	// The temporary credentials expire with their DurationSeconds.
	clk.Advance(900 * time.Second)
	if _, _, ok := s.IssuedCredentials(aws.ToString(cr.AccessKeyId)); ok {
		t.Error("IssuedCredentials still valid after DurationSeconds")
	}
}

func TestAssumeRoleDefaultDuration(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := NewSTSServer(t, STSOptions{Now: clk.Now})
	s.AllowCaller(testKeyID, testKeySecret)
	s.AllowRole(testRoleARN, "") // no ExternalId condition
	out, err := stsClient(s, static(testKeyID, testKeySecret)).AssumeRole(t.Context(), &sts.AssumeRoleInput{
		RoleArn:         aws.String(testRoleARN),
		RoleSessionName: aws.String("s1"),
		ExternalId:      aws.String("anything"),
	})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	want := clk.Now().UTC().Add(DefaultDurationSeconds * time.Second).Truncate(time.Second)
	if got := aws.ToTime(out.Credentials.Expiration); !got.Equal(want) {
		t.Errorf("Expiration = %v, want %v", got, want)
	}
}

func TestAssumeRoleRefusals(t *testing.T) {
	t.Parallel()
	s := newSTS(t, STSOptions{})
	s.AllowCaller("AKIAOTHERCALLER00000", "other-secret")
	input := func(role, external string, duration int32) *sts.AssumeRoleInput {
		in := &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("s1")}
		if external != "" {
			in.ExternalId = aws.String(external)
		}
		if duration != 0 {
			in.DurationSeconds = aws.Int32(duration)
		}
		return in
	}
	type result struct {
		Code   string
		Status int
	}
	for _, tc := range []struct {
		name      string
		creds     aws.CredentialsProvider
		in        *sts.AssumeRoleInput
		want      result
		wantCalls int // calls recorded by this case
	}{
		{"wrong ExternalId", static(testKeyID, testKeySecret), input(testRoleARN, "ext-999", 0), result{"AccessDenied", 403}, 1},
		{"missing ExternalId", static(testKeyID, testKeySecret), input(testRoleARN, "", 0), result{"AccessDenied", 403}, 1},
		{"role not configured", static(testKeyID, testKeySecret), input("arn:aws:iam::123456789012:role/other", testExternal, 0), result{"AccessDenied", 403}, 1},
		{"duration too short", static(testKeyID, testKeySecret), input(testRoleARN, testExternal, 600), result{"ValidationError", 400}, 0},
		{"duration too long", static(testKeyID, testKeySecret), input(testRoleARN, testExternal, 43201), result{"ValidationError", 400}, 0},
		{"unsigned", aws.AnonymousCredentials{}, input(testRoleARN, testExternal, 0), result{"MissingAuthenticationToken", 403}, 0},
		{"wrong secret", static(testKeyID, "not-the-secret"), input(testRoleARN, testExternal, 0), result{"SignatureDoesNotMatch", 403}, 0},
		{"unknown access key", static("AKIAUNKNOWN000000000", testKeySecret), input(testRoleARN, testExternal, 0), result{"InvalidClientTokenId", 403}, 0},
		{"session token", credentials.NewStaticCredentialsProvider(testKeyID, testKeySecret, "tok"), input(testRoleARN, testExternal, 0), result{"InvalidClientTokenId", 403}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.Calls())
			out, err := stsClient(s, tc.creds).AssumeRole(t.Context(), tc.in)
			if err == nil {
				t.Fatalf("AssumeRole succeeded: %+v", out.Credentials)
			}
			code, status := apiError(err)
			if diff := cmp.Diff(tc.want, result{code, status}); diff != "" {
				t.Errorf("AssumeRole error %v (-want +got):\n%s", err, diff)
			}
			if got := len(s.Calls()) - before; got != tc.wantCalls {
				t.Errorf("%d calls recorded, want %d", got, tc.wantCalls)
			}
		})
	}
}

// TestSTSErrorFormat checks the raw Query API error body that the SDK parsed
// above.
func TestSTSErrorFormat(t *testing.T) {
	t.Parallel()
	s := newSTS(t, STSOptions{})
	form := url.Values{"Action": {"AssumeRole"}, "Version": {STSVersion}, "RoleArn": {testRoleARN}, "RoleSessionName": {"s1"}}
	resp, err := s.Client().Post(s.URL(), "application/x-www-form-urlencoded; charset=utf-8", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		XMLName xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ ErrorResponse"`
		Type    string   `xml:"Error>Type"`
		Code    string   `xml:"Error>Code"`
		Message string   `xml:"Error>Message"`
		ReqID   string   `xml:"RequestId"`
	}
	if err := xml.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("decoding the error body: %v", err)
	}
	type view struct {
		Status                       int
		ContentType, Type, Code, Msg string
		RequestIDMatches             bool
	}
	got := view{resp.StatusCode, resp.Header.Get("Content-Type"), body.Type, body.Code, body.Message,
		body.ReqID != "" && body.ReqID == resp.Header.Get("x-amzn-RequestId")}
	want := view{403, "text/xml", "Sender", "MissingAuthenticationToken", "Request is missing Authentication Token", true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error response (-want +got):\n%s", diff)
	}
}

func TestSTSIgnoresOtherActions(t *testing.T) {
	t.Parallel()
	s := newSTS(t, STSOptions{})
	_, err := stsClient(s, static(testKeyID, testKeySecret)).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if code, status := apiError(err); code != "InvalidAction" || status != http.StatusBadRequest {
		t.Errorf("GetCallerIdentity: err = %v, want InvalidAction 400", err)
	}
}
