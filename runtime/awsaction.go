package runtime

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentruntime"
	agenttypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentruntime/types"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	brtypes "github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/aws/aws-sdk-go-v2/service/comprehend"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/catalog"
)

// awsOperations are the AWS operations the catalog's actions call
// (catalog.AWSOperation), each through the service's aws-sdk-go-v2 client
// where this module has one, else as a hand-signed awsJson1_1 call
// (awsjson.go).
var awsOperations = map[catalog.AWSOperation]awsOperation{
	{Service: "s3", Operation: "ListBuckets"}:   sdk(newS3, (*s3.Client).ListBuckets),
	{Service: "s3", Operation: "CreateBucket"}:  sdk(newS3, (*s3.Client).CreateBucket),
	{Service: "s3", Operation: "DeleteBucket"}:  sdk(newS3, (*s3.Client).DeleteBucket),
	{Service: "s3", Operation: "ListObjectsV2"}: sdk(newS3, (*s3.Client).ListObjectsV2),
	{Service: "s3", Operation: "GetObject"}:     sdk(newS3, (*s3.Client).GetObject).shapedBy(getObjectOutput),
	{Service: "s3", Operation: "PutObject"}:     sdk(newS3, (*s3.Client).PutObject).decodedBy(putObjectInput),
	{Service: "s3", Operation: "DeleteObject"}:  sdk(newS3, (*s3.Client).DeleteObject),
	{Service: "s3", Operation: "HeadObject"}:    sdk(newS3, (*s3.Client).HeadObject),
	{Service: "bedrock-runtime", Operation: "InvokeModel"}: sdk(bedrockruntime.NewFromConfig, (*bedrockruntime.Client).InvokeModel).
		decodedBy(invokeModelInput).shapedBy(invokeModelOutput),
	{Service: "bedrock-runtime", Operation: "Converse"}:                  sdk(bedrockruntime.NewFromConfig, (*bedrockruntime.Client).Converse),
	{Service: "bedrock-runtime", Operation: "ApplyGuardrail"}:            sdk(bedrockruntime.NewFromConfig, (*bedrockruntime.Client).ApplyGuardrail),
	{Service: "bedrock-agent-runtime", Operation: "Retrieve"}:            sdk(bedrockagentruntime.NewFromConfig, (*bedrockagentruntime.Client).Retrieve),
	{Service: "bedrock-agent-runtime", Operation: "RetrieveAndGenerate"}: sdk(bedrockagentruntime.NewFromConfig, (*bedrockagentruntime.Client).RetrieveAndGenerate),
	{Service: "bedrock-agent-runtime", Operation: "Rerank"}:              sdk(bedrockagentruntime.NewFromConfig, (*bedrockagentruntime.Client).Rerank),
	{Service: "bedrock-agent-runtime", Operation: "InvokeAgent"}: sdk(bedrockagentruntime.NewFromConfig, (*bedrockagentruntime.Client).InvokeAgent).
		shapedBy(invokeAgentOutput),
	{Service: "comprehend", Operation: "DetectSentiment"}:                                sdk(comprehend.NewFromConfig, (*comprehend.Client).DetectSentiment),
	{Service: "comprehend", Operation: "DetectEntities"}:                                 sdk(comprehend.NewFromConfig, (*comprehend.Client).DetectEntities),
	{Service: "comprehend", Operation: "DetectKeyPhrases"}:                               sdk(comprehend.NewFromConfig, (*comprehend.Client).DetectKeyPhrases),
	{Service: "comprehend", Operation: "DetectDominantLanguage"}:                         sdk(comprehend.NewFromConfig, (*comprehend.Client).DetectDominantLanguage),
	{Service: "comprehend", Operation: "DetectPiiEntities"}:                              sdk(comprehend.NewFromConfig, (*comprehend.Client).DetectPiiEntities),
	{Service: "textract", Operation: "DetectDocumentText"}:                               textract.operation("DetectDocumentText"),
	{Service: "textract", Operation: "AnalyzeDocument"}:                                  textract.operation("AnalyzeDocument"),
	{Service: "comprehendmedical", Operation: "DetectEntitiesV2"}:                        comprehendMedical.operation("DetectEntitiesV2"),
	{Service: "comprehendmedical", Operation: "DetectPHI"}:                               comprehendMedical.operation("DetectPHI"),
	{Service: "bedrock-data-automation-runtime", Operation: "InvokeDataAutomationAsync"}: dataAutomation.operation("InvokeDataAutomationAsync"),
	{Service: "bedrock-data-automation-runtime", Operation: "GetDataAutomationStatus"}:   dataAutomation.operation("GetDataAutomationStatus"),
}

// awsOperation performs one AWS operation.
type awsOperation interface {
	perform(ctx context.Context, call awsCall) (awsAnswer, error)
	// input is the SDK input struct the action's input is decoded into;
	// nil when the input goes to the service as it is.
	input() reflect.Type
}

// awsCall is what an operation is performed with.
type awsCall struct {
	// cfg has the server's region and HTTP client and the credentials of
	// the connector's role.
	cfg aws.Config
	// input is the action's input, checked against its schema.
	input []byte
	// limit bounds the output in bytes, object and model bodies included.
	limit int
	now   func() time.Time
}

// awsAnswer is an operation's answer: the HTTP status and the output as
// JSON.
type awsAnswer struct {
	status int
	output []byte
}

// invokeAWS performs def, an action that calls an AWS operation, with the
// role of IAM connector c. The output is the operation's output members as
// JSON, named as in the SDKs (PascalCase); errors the service answers are
// KindUpstream errors carrying its status and "<Code>: <Message>".
func (r *Runtime) invokeAWS(ctx context.Context, c *actiongate.Connector, def catalog.Action, in []byte, start time.Time) (*actiongate.InvokeResult, error) {
	op, ok := awsOperations[*def.AWS]
	if !ok {
		return nil, actiongate.Internal(fmt.Errorf("runtime: no AWS operation %s %s", def.AWS.Service, def.AWS.Operation))
	}
	if c.Auth.IAM == nil {
		return nil, actiongate.Errorf(actiongate.KindInvalid, "Action connector %s calls AWS and needs IAM authentication with a role.", c.ID)
	}
	cfg := r.aws.Copy()
	cfg.Credentials = aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
		return r.roleCredentials(ctx, c)
	})
	ans, err := op.perform(ctx, awsCall{cfg: cfg, input: in, limit: r.maxOutput, now: r.now})
	if err != nil {
		return nil, r.awsError(ctx, c, def.ID, err)
	}
	if len(ans.output) > r.maxOutput {
		return nil, actiongate.Errorf(actiongate.KindUpstream, "The upstream answer is larger than %d bytes.", r.maxOutput)
	}
	return &actiongate.InvokeResult{
		ActionID:       def.ID,
		UpstreamStatus: ans.status,
		Headers:        map[string]string{},
		Output:         ans.output,
		Duration:       r.now().Sub(start),
	}, nil
}

// apiError is an error answer of an AWS service.
type apiError struct {
	status        int
	code, message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message) }

// awsError maps an error of an AWS call: errors of the runtime (role
// assumption) as they are; an error answer of the service to KindUpstream
// with its status and "<Code>: <Message>"; input the SDK refuses to
// KindInvalid; anything else, a failed connection, to unreachable().
func (r *Runtime) awsError(ctx context.Context, c *actiongate.Connector, action string, err error) error {
	var own *actiongate.Error
	if errors.As(err, &own) {
		return own
	}
	var api *apiError
	var sdkAPI smithy.APIError
	var resp *awshttp.ResponseError
	switch {
	case errors.As(err, &api):
	case errors.As(err, &sdkAPI) && errors.As(err, &resp):
		api = &apiError{status: resp.HTTPStatusCode(), code: sdkAPI.ErrorCode(), message: sdkAPI.ErrorMessage()}
	case errors.As(err, &resp): // an answer the SDK could not read as an error
		api = &apiError{status: resp.HTTPStatusCode(), code: http.StatusText(resp.HTTPStatusCode())}
	}
	if api != nil {
		out, _ := json.Marshal(struct{ Code, Message string }{api.code, api.message})
		return &actiongate.Error{
			Kind: actiongate.KindUpstream,
			Message: fmt.Sprintf("The upstream service answered %d %s: %s: %s",
				api.status, http.StatusText(api.status), api.code, api.message),
			Upstream: &actiongate.InvokeResult{ActionID: action, UpstreamStatus: api.status, Output: out},
		}
	}
	var invalid smithy.InvalidParamsError
	if errors.As(err, &invalid) {
		return actiongate.Errorf(actiongate.KindInvalid, "Input is not valid for %s: %s", action, invalid.Error())
	}
	r.log.WarnContext(ctx, "invoking an AWS action", "account_id", c.AccountID, "connector_id", c.ID, "action", action, "err", err)
	return unreachable()
}

// newS3 returns an S3 client for cfg. A custom endpoint
// (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, such as MinIO or a test fake) is
// addressed path-style, with the bucket in the path: such endpoints rarely
// have a DNS name and certificate for every bucket.
func newS3(cfg aws.Config, opts ...func(*s3.Options)) *s3.Client {
	return s3.NewFromConfig(cfg, append(opts, func(o *s3.Options) { o.UsePathStyle = o.BaseEndpoint != nil })...)
}

// sdkOperation is an operation called through an aws-sdk-go-v2 client C,
// with input I, output O and client options P.
type sdkOperation[C, I, O, P any] struct {
	client func(aws.Config, ...func(*P)) *C
	call   func(*C, context.Context, *I, ...func(*P)) (*O, error)
	// decode fills the SDK input from the action's input; nil is
	// decodeInput.
	decode func(in []byte, dst *I) error
	// shape returns the output as JSON, reading any body or event stream
	// of out within ctx; nil is encodeOutput.
	shape func(ctx context.Context, out *O, limit int) ([]byte, error)
}

// sdk returns the operation that calls call on the client made by client:
// sdk(s3.NewFromConfig, (*s3.Client).ListBuckets).
func sdk[C, I, O, P any](client func(aws.Config, ...func(*P)) *C, call func(*C, context.Context, *I, ...func(*P)) (*O, error)) sdkOperation[C, I, O, P] {
	return sdkOperation[C, I, O, P]{client: client, call: call}
}

func (o sdkOperation[C, I, O, P]) decodedBy(f func([]byte, *I) error) sdkOperation[C, I, O, P] {
	o.decode = f
	return o
}

func (o sdkOperation[C, I, O, P]) shapedBy(f func(context.Context, *O, int) ([]byte, error)) sdkOperation[C, I, O, P] {
	o.shape = f
	return o
}

func (o sdkOperation[C, I, O, P]) input() reflect.Type { return reflect.TypeFor[I]() }

func (o sdkOperation[C, I, O, P]) perform(ctx context.Context, call awsCall) (awsAnswer, error) {
	in := new(I)
	decode := o.decode
	if decode == nil {
		decode = decodeInput
	}
	if err := decode(call.input, in); err != nil {
		return awsAnswer{}, err
	}
	out, err := o.call(o.client(call.cfg), ctx, in)
	if err != nil {
		return awsAnswer{}, err
	}
	status := http.StatusOK
	if f := reflect.ValueOf(out).Elem().FieldByName("ResultMetadata"); f.IsValid() {
		m := f.Addr().Interface().(*middleware.Metadata)
		if raw, ok := awsmiddleware.GetRawResponse(*m).(*smithyhttp.Response); ok {
			status = raw.StatusCode
		}
		*m = middleware.Metadata{} // not an output member
	}
	var b []byte
	if o.shape != nil {
		b, err = o.shape(ctx, out, call.limit)
	} else {
		b, err = encodeOutput(out)
	}
	return awsAnswer{status: status, output: b}, err
}

// inputOptions decode an action's input into an SDK input struct: members
// by their exact Go field names (the AWS member names), blobs as base64,
// timestamps in RFC 3339, and unions as objects with one member (the
// Converse and ApplyGuardrail content blocks and the InvokeAgent action
// results the catalog offers).
var inputOptions = json.JoinOptions(
	json.RejectUnknownMembers(true),
	json.WithUnmarshalers(json.JoinUnmarshalers(
		union[brtypes.ContentBlock](&brtypes.ContentBlockMemberText{}, &brtypes.ContentBlockMemberImage{}, &brtypes.ContentBlockMemberDocument{}),
		union[brtypes.ImageSource](&brtypes.ImageSourceMemberBytes{}),
		union[brtypes.DocumentSource](&brtypes.DocumentSourceMemberBytes{}),
		union[brtypes.SystemContentBlock](&brtypes.SystemContentBlockMemberText{}),
		union[brtypes.GuardrailContentBlock](&brtypes.GuardrailContentBlockMemberText{}),
		union[agenttypes.InvocationResultMember](&agenttypes.InvocationResultMemberMemberApiResult{},
			&agenttypes.InvocationResultMemberMemberFunctionResult{}),
	)),
)

// decodeInput decodes an action's input into dst, an SDK input struct.
// Errors: KindInvalid.
func decodeInput[I any](in []byte, dst *I) error {
	if err := json.Unmarshal(in, dst, inputOptions); err != nil {
		var se *json.SemanticError
		if errors.As(err, &se) && se.JSONPointer != "" {
			return actiongate.Errorf(actiongate.KindInvalid, "Input%s does not fit the operation's input.", se.JSONPointer)
		}
		return actiongate.Errorf(actiongate.KindInvalid, "Input does not fit the operation's input.")
	}
	return nil
}

// union decodes a union of an SDK (a Go interface U whose members are the
// structs UMemberName{Value}) from the JSON object {"Name": value}, members
// being the members accepted.
func union[U any](members ...U) *json.Unmarshalers {
	prefix := reflect.TypeFor[U]().Name() + "Member"
	byName := make(map[string]reflect.Type, len(members))
	for _, m := range members {
		t := reflect.TypeOf(m).Elem()
		byName[strings.TrimPrefix(t.Name(), prefix)] = t
	}
	return json.UnmarshalFromFunc(func(dec *jsontext.Decoder, u *U) error {
		if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
			return cmpErr(err, errors.New("a union is an object with one member"))
		}
		tok, err := dec.ReadToken()
		if err != nil || tok.Kind() != '"' {
			return cmpErr(err, errors.New("a union has exactly one member"))
		}
		t, ok := byName[tok.String()]
		if !ok {
			return fmt.Errorf("unknown member %q", tok.String())
		}
		m := reflect.New(t)
		if err := json.UnmarshalDecode(dec, m.Elem().FieldByName("Value").Addr().Interface()); err != nil {
			return err
		}
		if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '}' {
			return cmpErr(err, errors.New("a union has exactly one member"))
		}
		*u = m.Interface().(U)
		return nil
	})
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// outputOptions encode an SDK output struct: members by their Go field
// names, absent (zero) members left out, blobs as base64, timestamps in
// RFC 3339, unions as objects with one member, documents as JSON.
var outputOptions = json.JoinOptions(
	json.OmitZeroStructFields(true),
	json.Deterministic(true),
	json.WithMarshalers(json.MarshalToFunc(marshalSDKValue)),
)

// encodeOutput encodes out, an SDK output struct whose ResultMetadata is
// zero.
func encodeOutput(out any) ([]byte, error) {
	return json.Marshal(out, outputOptions)
}

// smithyDocument is a document value of an SDK (a JSON value inside a
// structure, such as a knowledge base result's metadata).
type smithyDocument interface {
	MarshalSmithyDocument() ([]byte, error)
}

// marshalSDKValue encodes the SDK values the default encoding gets wrong:
// documents, and union members (UMemberName{Value}) as {"Name": value}.
func marshalSDKValue(enc *jsontext.Encoder, v any) error {
	if d, ok := v.(smithyDocument); ok {
		b, err := d.MarshalSmithyDocument()
		if err != nil {
			return err
		}
		return enc.WriteValue(b)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	t := rv.Type()
	name, isMember := unionMember(t.Name())
	if rv.Kind() != reflect.Struct || !isMember {
		return errors.ErrUnsupported
	}
	value, ok := t.FieldByName("Value")
	if !ok || exportedFields(t) != 1 {
		return errors.ErrUnsupported
	}
	if err := enc.WriteToken(jsontext.BeginObject); err != nil {
		return err
	}
	if err := enc.WriteToken(jsontext.String(name)); err != nil {
		return err
	}
	if err := json.MarshalEncode(enc, rv.FieldByIndex(value.Index).Interface()); err != nil {
		return err
	}
	return enc.WriteToken(jsontext.EndObject)
}

// unionMember returns Name, the member's name, of typeName, the name of a
// union member type UMemberName, and whether typeName has that form. A union
// whose own name ends in Member (InvocationInputMember) has members
// UMemberMemberName.
func unionMember(typeName string) (string, bool) {
	_, name, ok := strings.Cut(typeName, "Member")
	if rest, again := strings.CutPrefix(name, "Member"); again {
		name = rest
	}
	return name, ok && name != ""
}

func exportedFields(t reflect.Type) int {
	n := 0
	for f := range t.Fields() {
		if f.IsExported() {
			n++
		}
	}
	return n
}

// takeMembers removes the named members from the JSON object in and
// returns them and the rest.
func takeMembers(in []byte, names ...string) (map[string]jsontext.Value, []byte, error) {
	var all map[string]jsontext.Value
	if err := json.Unmarshal(in, &all); err != nil {
		return nil, nil, actiongate.Errorf(actiongate.KindInvalid, "Input must be a JSON object.")
	}
	taken := make(map[string]jsontext.Value)
	for _, n := range names {
		if v, ok := all[n]; ok {
			taken[n] = v
			delete(all, n)
		}
	}
	rest, err := json.Marshal(all)
	return taken, rest, err
}

// putObjectInput decodes PutObject's input: Body is the object's content,
// text, or base64 when Encoding is "base64" (GetObject's output form).
func putObjectInput(in []byte, dst *s3.PutObjectInput) error {
	taken, rest, err := takeMembers(in, "Body", "Encoding")
	if err != nil {
		return err
	}
	if err := decodeInput(rest, dst); err != nil {
		return err
	}
	var body, encoding string
	if err := json.Unmarshal(taken["Body"], &body); err != nil {
		return actiongate.Errorf(actiongate.KindInvalid, "Input.Body must be a string.")
	}
	if e, ok := taken["Encoding"]; ok {
		json.Unmarshal(e, &encoding)
	}
	content := []byte(body)
	if encoding == "base64" {
		if content, err = base64.StdEncoding.DecodeString(body); err != nil {
			return actiongate.Errorf(actiongate.KindInvalid, "Input.Body is not base64, as Input.Encoding says.")
		}
	}
	dst.Body = bytes.NewReader(content)
	dst.ContentLength = aws.Int64(int64(len(content)))
	return nil
}

// getObjectOutput shapes GetObject's output: the object's metadata members,
// and Body, its content, read up to limit bytes: text for text types
// (Encoding absent), base64 otherwise (Encoding "base64").
func getObjectOutput(_ context.Context, out *s3.GetObjectOutput, limit int) ([]byte, error) {
	defer out.Body.Close()
	content, err := io.ReadAll(io.LimitReader(out.Body, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(content) > limit {
		return nil, actiongate.Errorf(actiongate.KindUpstream, "The object is larger than %d bytes; read it in parts with Range.", limit)
	}
	out.Body = nil
	return withBody(out, content, aws.ToString(out.ContentType), false)
}

// invokeModelInput decodes InvokeModel's input: Body is the model's
// request as JSON, sent as application/json unless ContentType says
// otherwise.
func invokeModelInput(in []byte, dst *bedrockruntime.InvokeModelInput) error {
	taken, rest, err := takeMembers(in, "Body")
	if err != nil {
		return err
	}
	if err := decodeInput(rest, dst); err != nil {
		return err
	}
	dst.Body = []byte(taken["Body"])
	if dst.ContentType == nil {
		dst.ContentType = aws.String("application/json")
	}
	if dst.Accept == nil {
		dst.Accept = aws.String("application/json")
	}
	return nil
}

// invokeModelOutput shapes InvokeModel's output: Body is the model's answer
// as JSON when it is JSON.
func invokeModelOutput(_ context.Context, out *bedrockruntime.InvokeModelOutput, limit int) ([]byte, error) {
	if len(out.Body) > limit {
		return nil, actiongate.Errorf(actiongate.KindUpstream, "The model's answer is larger than %d bytes.", limit)
	}
	content := out.Body
	out.Body = nil
	return withBody(out, content, aws.ToString(out.ContentType), true)
}

// withBody encodes out, an SDK output whose body member is zero, with
// member Body: content as JSON when asJSON and it is JSON, as text when its
// media type is textual and it is UTF-8, and as base64 with member Encoding
// "base64" otherwise.
func withBody(out any, content []byte, contentType string, asJSON bool) ([]byte, error) {
	b, err := encodeOutput(out)
	if err != nil {
		return nil, err
	}
	var members map[string]jsontext.Value
	if err := json.Unmarshal(b, &members); err != nil {
		return nil, err
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	isJSON := mt == "application/json" || strings.HasSuffix(mt, "+json")
	isText := isJSON || strings.HasPrefix(mt, "text/") || mt == "application/xml" || strings.HasSuffix(mt, "+xml") ||
		mt == "application/x-ndjson" || mt == "application/yaml"
	switch {
	case asJSON && isJSON && jsontext.Value(content).IsValid():
		members["Body"] = jsontext.Value(content)
	case isText && utf8.Valid(content):
		members["Body"], _ = json.Marshal(string(content))
	default:
		members["Body"], _ = json.Marshal(base64.StdEncoding.EncodeToString(content))
		members["Encoding"] = jsontext.Value(`"base64"`)
	}
	return json.Marshal(members, json.Deterministic(true))
}
