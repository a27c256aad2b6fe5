package upstreamtest

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/actiongate/actiongate/sigv4"
	"github.com/google/uuid"
)

// Defaults and limits of STSServer.
const (
	// DefaultSTSRegion is the signing region when STSOptions.Region is empty.
	DefaultSTSRegion = "us-east-1"
	// DefaultDurationSeconds is the lifetime of issued credentials when the
	// request has no DurationSeconds (AssumeRole API reference).
	DefaultDurationSeconds = 3600
	// MinDurationSeconds and MaxDurationSeconds bound DurationSeconds
	// (AssumeRole API reference: 900 to 43200).
	MinDurationSeconds = 900
	MaxDurationSeconds = 43200
	// STSVersion is the Query API version the fake implements.
	STSVersion = "2011-06-15"
)

// STSOptions configures an STSServer. The zero value works.
type STSOptions struct {
	// Region is the region requests must be signed for. Empty means
	// DefaultSTSRegion.
	Region string
	// Now returns the current time, for the SigV4 time window and credential
	// expiry. Nil means time.Now.
	Now func() time.Time
}

// AssumeRoleCall is one AssumeRole request that passed signature verification
// and parameter validation, whether the role was granted or not.
type AssumeRoleCall struct {
	// Caller is the access key id that signed the request.
	Caller          string
	RoleArn         string
	RoleSessionName string
	ExternalId      string
	// DurationSeconds is the requested lifetime in seconds, 0 when absent.
	DurationSeconds int
}

// STSServer is a loopback AWS Security Token Service implementing the Query API
// action AssumeRole, version 2011-06-15, over POST form bodies (and GET query
// strings, which the Query API also accepts).
//
// Every request must be signed with SigV4 for service "sts" and
// STSOptions.Region by a caller registered with AllowCaller; failures answer
// with the Query API error format (ErrorResponse/Error{Type, Code, Message})
// and the codes of the STS "Common Errors" page: MissingAuthenticationToken,
// IncompleteSignature, SignatureDoesNotMatch, InvalidClientTokenId. A role not
// allowed by AllowRole, or an ExternalId that does not match, gets AccessDenied
// (403). Policy, PolicyArns, Tags and the other optional parameters are
// ignored. Requests signed with temporary credentials (a session token) are
// refused, as package sigv4 refuses them.
type STSServer struct {
	srv      *httptest.Server
	opts     STSOptions
	verifier *sigv4.Verifier

	mu      sync.Mutex
	callers map[string]string // access key id -> secret
	roles   map[string]*stsRole
	issued  map[string]*issuedCredentials
	calls   []AssumeRoleCall
}

type stsRole struct {
	externalID string
	roleID     string // the AROA... unique id of the role
}

type issuedCredentials struct {
	secret, session string
	expires         time.Time
}

// NewSTSServer starts an STSServer on 127.0.0.1 with TLS and closes it when the
// test ends. It has no callers and no roles.
func NewSTSServer(t testing.TB, opts STSOptions) *STSServer {
	t.Helper()
	if opts.Region == "" {
		opts.Region = DefaultSTSRegion
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &STSServer{
		opts:    opts,
		callers: make(map[string]string),
		roles:   make(map[string]*stsRole),
		issued:  make(map[string]*issuedCredentials),
	}
	s.verifier = &sigv4.Verifier{
		Region:  opts.Region,
		Service: "sts",
		Now:     opts.Now,
		Lookup:  s.lookup,
	}
	s.srv = startTLS(t, http.HandlerFunc(s.serve))
	return s
}

// URL returns the server's endpoint, such as https://127.0.0.1:port, for
// sts.Options.BaseEndpoint.
func (s *STSServer) URL() string { return s.srv.URL }

// Client returns a new *http.Client that trusts the server's certificate, for
// aws.Config.HTTPClient.
func (s *STSServer) Client() *http.Client { return clientOf(s.srv) }

// CertPEM returns the server's TLS certificate in PEM form.
func (s *STSServer) CertPEM() []byte { return certPEMOf(s.srv) }

// AllowCaller registers, or replaces, the long-term credentials of a caller
// allowed to sign requests.
func (s *STSServer) AllowCaller(accessKeyID, secretAccessKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callers[accessKeyID] = secretAccessKey
}

// AllowRole lets any registered caller assume roleARN. A non-empty externalID
// must then be sent as ExternalId, exactly (the sts:ExternalId condition of the
// role's trust policy); an empty one accepts any ExternalId or none.
func (s *STSServer) AllowRole(roleARN, externalID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles[roleARN] = &stsRole{externalID: externalID, roleID: "AROA" + randomToken()[:17]}
}

// Calls returns the AssumeRole calls received so far, oldest first.
func (s *STSServer) Calls() []AssumeRoleCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]AssumeRoleCall(nil), s.calls...)
}

// IssuedCredentials returns the secret access key and session token of the
// temporary credentials with accessKeyID that AssumeRole issued. ok is false
// when there are none or they have expired.
func (s *STSServer) IssuedCredentials(accessKeyID string) (secret, session string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.issued[accessKeyID]
	if c == nil || !s.opts.Now().Before(c.expires) {
		return "", "", false
	}
	return c.secret, c.session, true
}

func (s *STSServer) lookup(_ context.Context, accessKeyID string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	secret, ok := s.callers[accessKeyID]
	if !ok {
		return nil, sigv4.ErrUnknownAccessKey
	}
	return []byte(secret), nil
}

// stsError is an error of the Query API ("Common Errors").
type stsError struct {
	status  int
	code    string
	message string
}

func (e *stsError) Error() string { return e.code + ": " + e.message }

func validation(format string, args ...any) *stsError {
	return &stsError{status: http.StatusBadRequest, code: "ValidationError", message: fmt.Sprintf(format, args...)}
}

// fromSigv4 maps a failure of package sigv4, whose codes are those of the JSON
// protocols, to the code and status STS sends (STS "Common Errors").
func fromSigv4(e *sigv4.Error) *stsError {
	switch e.Code {
	case sigv4.CodeMissingAuthenticationToken:
		return &stsError{status: http.StatusForbidden, code: "MissingAuthenticationToken", message: "Request is missing Authentication Token"}
	case sigv4.CodeIncompleteSignature:
		return &stsError{status: http.StatusBadRequest, code: "IncompleteSignature", message: e.Message}
	case sigv4.CodeUnrecognizedClient:
		return &stsError{status: http.StatusForbidden, code: "InvalidClientTokenId", message: e.Message}
	default: // sigv4.CodeInvalidSignature
		return &stsError{status: http.StatusForbidden, code: "SignatureDoesNotMatch", message: e.Message}
	}
}

// serve handles every request and renders its errors.
func (s *STSServer) serve(w http.ResponseWriter, r *http.Request) {
	requestID := uuid.NewString()
	w.Header().Set("x-amzn-RequestId", requestID)
	body, err := s.assumeRole(w, r, requestID)
	if err != nil {
		var e *stsError
		if !errors.As(err, &e) {
			e = &stsError{status: http.StatusInternalServerError, code: "InternalFailure", message: "internal failure"}
		}
		writeXML(w, e.status, errorResponse{
			Xmlns:     stsNamespace,
			Error:     errorDetail{Type: errorType(e.status), Code: e.code, Message: e.message},
			RequestID: requestID,
		})
		return
	}
	writeXML(w, http.StatusOK, body)
}

func errorType(status int) string {
	if status >= 500 {
		return "Receiver"
	}
	return "Sender"
}

func writeXML(w http.ResponseWriter, status int, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	io.WriteString(w, xml.Header)
	w.Write(b)
}

var (
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]*$`)
	externalIDPattern  = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
)

func (s *STSServer) assumeRole(w http.ResponseWriter, r *http.Request, requestID string) (*assumeRoleResponse, error) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return nil, &stsError{status: http.StatusMethodNotAllowed, code: "InvalidAction", message: "Only GET and POST are supported."}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		return nil, &stsError{status: http.StatusRequestEntityTooLarge, code: "ValidationError", message: "The request body is too large."}
	}
	caller, err := s.verifier.Verify(r, body)
	if err != nil {
		var se *sigv4.Error
		if !errors.As(err, &se) {
			return nil, err
		}
		return nil, fromSigv4(se)
	}

	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &stsError{status: http.StatusNotFound, code: "MalformedQueryString", message: "The query string is malformed."}
	}
	if r.Method == http.MethodPost {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, &stsError{status: http.StatusBadRequest, code: "MalformedQueryString", message: "The request body is not a valid form."}
		}
		for k, v := range form {
			params[k] = append(params[k], v...)
		}
	}
	action, version := params.Get("Action"), params.Get("Version")
	if action == "" {
		return nil, &stsError{status: http.StatusBadRequest, code: "MissingAction", message: "The request must contain the parameter Action."}
	}
	if action != "AssumeRole" || version != STSVersion {
		return nil, &stsError{status: http.StatusBadRequest, code: "InvalidAction",
			message: fmt.Sprintf("Could not find operation %s for version %s", action, version)}
	}

	call := AssumeRoleCall{
		Caller:          caller,
		RoleArn:         params.Get("RoleArn"),
		RoleSessionName: params.Get("RoleSessionName"),
		ExternalId:      params.Get("ExternalId"),
	}
	if e := validateAssumeRole(params, &call); e != nil {
		return nil, e
	}
	duration := call.DurationSeconds
	if duration == 0 {
		duration = DefaultDurationSeconds
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, call)
	role := s.roles[call.RoleArn]
	if role == nil || (role.externalID != "" && call.ExternalId != role.externalID) {
		partition, account, _ := splitRoleARN(call.RoleArn)
		return nil, &stsError{status: http.StatusForbidden, code: "AccessDenied", message: fmt.Sprintf(
			"User: arn:%s:iam::%s:user/%s is not authorized to perform: sts:AssumeRole on resource: %s",
			partition, account, caller, call.RoleArn)}
	}

	now := s.opts.Now().UTC()
	keyID := "ASIA" + randomToken()[:16]
	creds := &issuedCredentials{
		secret:  (randomToken() + randomToken())[:40],
		session: "FwoG" + randomToken() + randomToken() + randomToken() + randomToken(),
		expires: now.Add(time.Duration(duration) * time.Second),
	}
	s.issued[keyID] = creds
	partition, account, name := splitRoleARN(call.RoleArn)
	return &assumeRoleResponse{
		Xmlns: stsNamespace,
		Result: assumeRoleResult{
			Credentials: credentialsXML{
				AccessKeyID:     keyID,
				SecretAccessKey: creds.secret,
				SessionToken:    creds.session,
				Expiration:      creds.expires.Truncate(time.Second).Format(time.RFC3339),
			},
			AssumedRoleUser: assumedRoleUser{
				Arn:           fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", partition, account, name, call.RoleSessionName),
				AssumedRoleID: role.roleID + ":" + call.RoleSessionName,
			},
		},
		Metadata: responseMetadata{RequestID: requestID},
	}, nil
}

// validateAssumeRole checks the constraints of the AssumeRole API reference and
// fills call.DurationSeconds.
func validateAssumeRole(params url.Values, call *AssumeRoleCall) *stsError {
	if _, ok := params["RoleArn"]; !ok {
		return validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	}
	if n := len(call.RoleArn); n < 20 || n > 2048 {
		return validation("1 validation error detected: Value '%s' at 'roleArn' failed to satisfy constraint: Member must have length between 20 and 2048", call.RoleArn)
	}
	if _, ok := params["RoleSessionName"]; !ok {
		return validation("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	}
	if n := len(call.RoleSessionName); n < 2 || n > 64 {
		return validation("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64", call.RoleSessionName)
	}
	if !sessionNamePattern.MatchString(call.RoleSessionName) {
		return validation(`1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`, call.RoleSessionName)
	}
	if _, ok := params["ExternalId"]; ok {
		if n := len(call.ExternalId); n < 2 || n > 1224 || !externalIDPattern.MatchString(call.ExternalId) {
			return validation(`1 validation error detected: Value '%s' at 'externalId' failed to satisfy constraint: Member must have length between 2 and 1224 and satisfy regular expression pattern: [\w+=,.@:\/-]*`, call.ExternalId)
		}
	}
	if v, ok := params["DurationSeconds"]; ok {
		d, err := strconv.Atoi(v[0])
		if err != nil {
			return &stsError{status: http.StatusBadRequest, code: "InvalidParameterValue", message: "DurationSeconds must be an integer."}
		}
		if d < MinDurationSeconds {
			return validation("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to %d", d, MinDurationSeconds)
		}
		if d > MaxDurationSeconds {
			return validation("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to %d", d, MaxDurationSeconds)
		}
		call.DurationSeconds = d
	}
	return nil
}

// splitRoleARN returns the partition, account and role name of an IAM role ARN,
// arn:partition:iam::account:role/path/name, with "aws", "000000000000" and the
// whole ARN standing in for parts it lacks.
func splitRoleARN(arn string) (partition, account, name string) {
	partition, account, name = "aws", "000000000000", arn
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return partition, account, name
	}
	if parts[1] != "" {
		partition = parts[1]
	}
	if parts[4] != "" {
		account = parts[4]
	}
	if i := strings.LastIndexByte(parts[5], '/'); i >= 0 {
		name = parts[5][i+1:]
	}
	return partition, account, name
}

const stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// assumeRoleResponse is the documented AssumeRole response body.
type assumeRoleResponse struct {
	XMLName  xml.Name         `xml:"AssumeRoleResponse"`
	Xmlns    string           `xml:"xmlns,attr"`
	Result   assumeRoleResult `xml:"AssumeRoleResult"`
	Metadata responseMetadata `xml:"ResponseMetadata"`
}

type assumeRoleResult struct {
	AssumedRoleUser assumedRoleUser `xml:"AssumedRoleUser"`
	Credentials     credentialsXML  `xml:"Credentials"`
}

type assumedRoleUser struct {
	Arn           string `xml:"Arn"`
	AssumedRoleID string `xml:"AssumedRoleId"`
}

type credentialsXML struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

// errorResponse is the Query API error body.
type errorResponse struct {
	XMLName   xml.Name    `xml:"ErrorResponse"`
	Xmlns     string      `xml:"xmlns,attr"`
	Error     errorDetail `xml:"Error"`
	RequestID string      `xml:"RequestId"`
}

type errorDetail struct {
	Type    string `xml:"Type"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}
