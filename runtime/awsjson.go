package runtime

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/actiongate/actiongate"
)

// jsonService is an AWS service of the awsJson1_1 protocol (POST / with
// X-Amz-Target: <targetPrefix>.<Operation> and a JSON body of
// Content-Type application/x-amz-json-1.1, answered with JSON; errors carry
// __type and message), called without an SDK client and signed with the
// SDK's own SigV4 signer. Textract, Comprehend Medical and Bedrock Data
// Automation Runtime are called this way because their aws-sdk-go-v2
// modules (service/textract, service/comprehendmedical,
// service/bedrockdataautomationruntime) are not available to this build;
// with the protocol this small, a hand-written call costs less than a
// vendored client. Calls are not retried.
type jsonService struct {
	// sdkID names the service's endpoint override:
	// AWS_ENDPOINT_URL_<SDKID> in the environment, or the services section
	// of the shared config file.
	sdkID string
	// prefix is the endpoint prefix: https://<prefix>.<region>.amazonaws.com.
	prefix string
	// signingName is the SigV4 service name.
	signingName  string
	targetPrefix string
	// camelCase says the service's members are camelCase on the wire, while
	// actions name them in PascalCase as every other AWS action does. The
	// catalog's schemas of such a service hold no free-form maps, whose keys
	// the conversion would change.
	camelCase bool
}

var (
	// textract is Amazon Textract, model textract-2018-06-27.
	textract = &jsonService{sdkID: "Textract", prefix: "textract", signingName: "textract", targetPrefix: "Textract"}
	// comprehendMedical is Amazon Comprehend Medical, model
	// comprehendmedical-2018-10-30.
	comprehendMedical = &jsonService{sdkID: "ComprehendMedical", prefix: "comprehendmedical",
		signingName: "comprehendmedical", targetPrefix: "ComprehendMedical_20181030"}
	// dataAutomation is Runtime for Amazon Bedrock Data Automation, model
	// bedrock-data-automation-runtime-2024-06-13.
	dataAutomation = &jsonService{sdkID: "Bedrock Data Automation Runtime", prefix: "bedrock-data-automation-runtime",
		signingName: "bedrock", targetPrefix: "AmazonBedrockKeystoneRuntimeService", camelCase: true}
)

// jsonOperation is an operation of a jsonService.
type jsonOperation struct {
	service *jsonService
	name    string
}

func (s *jsonService) operation(name string) jsonOperation { return jsonOperation{s, name} }

func (o jsonOperation) input() reflect.Type { return nil }

// serviceEndpointProvider is what the aws-sdk-go-v2 config sources
// (environment, shared config) implement to give per-service endpoints, as
// the SDK clients read them.
type serviceEndpointProvider interface {
	GetServiceBaseEndpoint(ctx context.Context, sdkID string) (string, bool, error)
}

// endpoint resolves the service's endpoint as the SDK clients do: the
// service's own override, else cfg.BaseEndpoint (AWS_ENDPOINT_URL), else the
// regional endpoint.
func (s *jsonService) endpoint(ctx context.Context, cfg aws.Config) string {
	for _, src := range cfg.ConfigSources {
		if p, ok := src.(serviceEndpointProvider); ok {
			if v, found, err := p.GetServiceBaseEndpoint(ctx, s.sdkID); err == nil && found {
				return v
			}
		}
	}
	if cfg.BaseEndpoint != nil {
		return *cfg.BaseEndpoint
	}
	return "https://" + s.prefix + "." + cfg.Region + ".amazonaws.com"
}

func (o jsonOperation) perform(ctx context.Context, call awsCall) (awsAnswer, error) {
	s := o.service
	body := call.input
	if s.camelCase {
		var err error
		if body, err = renameMembers(body, lowerFirst); err != nil {
			return awsAnswer{}, actiongate.Errorf(actiongate.KindInvalid, "Input must be a JSON object.")
		}
	}
	url := strings.TrimSuffix(s.endpoint(ctx, call.cfg), "/") + "/"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return awsAnswer{}, actiongate.Errorf(actiongate.KindInvalid, "The endpoint of %s is not a valid URL.", s.sdkID)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", s.targetPrefix+"."+o.name)
	creds, err := call.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return awsAnswer{}, err
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), s.signingName, call.cfg.Region, call.now()); err != nil {
		return awsAnswer{}, err
	}
	resp, err := call.cfg.HTTPClient.Do(req)
	if err != nil {
		return awsAnswer{}, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, int64(call.limit)+1))
	if err != nil {
		return awsAnswer{}, err
	}
	if len(out) > call.limit {
		return awsAnswer{}, actiongate.Errorf(actiongate.KindUpstream, "The upstream answer is larger than %d bytes.", call.limit)
	}
	if resp.StatusCode >= 300 {
		return awsAnswer{}, jsonError(resp, out)
	}
	if !json.Valid(out) {
		return awsAnswer{}, fmt.Errorf("%s %s answered %d with a body that is not JSON", s.sdkID, o.name, resp.StatusCode)
	}
	if s.camelCase {
		if out, err = renameMembers(out, upperFirst); err != nil {
			return awsAnswer{}, err
		}
	}
	return awsAnswer{status: resp.StatusCode, output: out}, nil
}

// jsonError reads an awsJson1_1 error answer: the code from the
// X-Amzn-ErrorType header or the body's __type (either may carry a
// namespace before # and details after :), the message from message or
// Message.
func jsonError(resp *http.Response, body []byte) error {
	var e struct {
		Type     string `json:"__type"`
		Message  string `json:"message"`
		MessageU string `json:"Message"`
	}
	json.Unmarshal(body, &e)
	code := resp.Header.Get("X-Amzn-ErrorType")
	if code == "" {
		code = e.Type
	}
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	code, _, _ = strings.Cut(code, ":")
	if code == "" {
		code = http.StatusText(resp.StatusCode)
	}
	msg := e.Message
	if msg == "" {
		msg = e.MessageU
	}
	return &apiError{status: resp.StatusCode, code: code, message: msg}
}

// renameMembers renames the members of every object in the JSON value b.
func renameMembers(b []byte, rename func(string) string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, errors.New("not a JSON object")
	}
	return json.Marshal(renamed(v, rename))
}

func renamed(v any, rename func(string) string) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[rename(k)] = renamed(e, rename)
		}
		return out
	case []any:
		for i, e := range v {
			v[i] = renamed(e, rename)
		}
	}
	return v
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
