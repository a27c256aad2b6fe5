// Package catalog holds the definitions of actions: what callers see of each
// (id, name, description, read or write, input schema) and how it is
// performed: an HTTP request built from the input and sent to the
// connector's BaseEndpoint, or, for the AMAZON_* types, an operation of an
// AWS service called with the connector's role. Built-in definitions are
// data; the actions of an imported OpenAPI document (package openapi) take
// the same form.
package catalog

import "github.com/actiongate/actiongate"

// Action is an action definition. Exactly one of Request, AWS and Flow says
// how it is performed: AWS is set for the actions of the AMAZON_* types;
// Flow names the few actions that take several requests, which package
// runtime performs in code; Request describes every other, and is zero
// when another is set.
type Action struct {
	actiongate.Action
	Request Request
	AWS     *AWSOperation
	Flow    string
}

// Request says how an action's input, a JSON object, becomes the upstream
// HTTP request.
type Request struct {
	Method string // GET, POST, PUT, PATCH or DELETE
	// Path is appended to the connector's BaseEndpoint. Each {name} in it is
	// replaced by the input member name, path-escaped; those members are
	// required by the input schema.
	Path string
	// Query maps query parameter names to the input members that give their
	// values; absent members are left out.
	Query map[string]string
	// Header maps request header names to the input members that give their
	// values; absent members are left out.
	Header map[string]string
	// FixedQuery holds query parameters sent as they are, such as the
	// content type a search action is confined to.
	FixedQuery map[string]string
	// FixedHeader holds request headers sent as they are, such as Jira's
	// X-Atlassian-Token on uploads.
	FixedHeader map[string]string
	// Body names the input member sent as the JSON request body; "" sends no
	// body.
	Body string
	// File names the input member holding a file (see FileSchema), sent as
	// the raw request body with its content type, or as the file part of
	// Form. At most one of Body and File is set.
	File string
	// Form, when set, sends a multipart/form-data body (RFC 7578) of the
	// fields and, last, the file named by File.
	Form *Form
}

// Form is a multipart/form-data request body.
type Form struct {
	// Fields maps form field names to the input members that give their
	// values; absent members are left out. Fields come first, by name.
	Fields map[string]string
	// FilePart is the name of the part holding the file, which comes last
	// (ServiceNow requires it so).
	FilePart string
}

// A file in an action's input is an object of these members, the same as
// the Output of an action that answers with a file:
//
//	Body         the content: text, or base64 when Encoding is "base64"
//	Encoding     "base64" or absent
//	ContentType  the media type; application/octet-stream when absent
//	FileName     the file's name, for multipart uploads
//
// FileSchema is its JSON Schema, which a type's file member refers to with
// "$ref": "#/$defs/file" after defining it under "$defs".
const FileSchema = `{"type":"object","additionalProperties":false,"required":["Body"],"properties":{` +
	`"Body":{"type":"string","description":"The content: text, or base64 when Encoding is base64."},` +
	`"Encoding":{"enum":["base64"],"description":"base64 when Body is base64-encoded bytes."},` +
	`"ContentType":{"type":"string","maxLength":255,"description":"The media type; application/octet-stream when absent."},` +
	`"FileName":{"type":"string","minLength":1,"maxLength":255,"description":"The file's name."}}}`

// AWSOperation is an operation of an AWS service, called with the temporary
// credentials of an IAM connector's role. The action's input members are the
// operation's input members, named as in the service's API reference and
// its SDKs (PascalCase: Bucket, Key, MaxKeys); its id is the operation's name.
type AWSOperation struct {
	// Service is the service's endpoint prefix, as the AWS CLI names it:
	// s3, bedrock-runtime, bedrock-agent-runtime,
	// bedrock-data-automation-runtime, textract, comprehend or
	// comprehendmedical. Each AMAZON_* type has one (AWSService).
	Service string
	// Operation is the operation's name in the service's API reference,
	// such as ListObjectsV2.
	Operation string
}

// awsServices maps each AMAZON_* connector type to the AWS service its
// actions call.
var awsServices = map[actiongate.ConnectorType]string{
	actiongate.TypeAmazonS3:                           "s3",
	actiongate.TypeAmazonBedrockRuntime:               "bedrock-runtime",
	actiongate.TypeAmazonBedrockAgentRuntime:          "bedrock-agent-runtime",
	actiongate.TypeAmazonBedrockDataAutomationRuntime: "bedrock-data-automation-runtime",
	actiongate.TypeAmazonTextract:                     "textract",
	actiongate.TypeAmazonComprehend:                   "comprehend",
	actiongate.TypeAmazonComprehendMedical:            "comprehendmedical",
}

// AWSService returns the AWS service (its endpoint prefix) the actions of
// connector type t call, and false when t is not an AMAZON_* type.
func AWSService(t actiongate.ConnectorType) (string, bool) {
	s, ok := awsServices[t]
	return s, ok
}
