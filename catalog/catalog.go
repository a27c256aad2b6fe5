// Package catalog holds the definitions of actions: what callers see of each
// (id, name, description, read or write, input schema) and how it is
// performed: an HTTP request built from the input and sent to the
// connector's BaseEndpoint, or, for the AMAZON_* types, an operation of an
// AWS service called with the connector's role. Built-in definitions are
// data; the actions of an imported OpenAPI document (package openapi) take
// the same form.
package catalog

import "github.com/actiongate/actiongate"

// Action is an action definition. Exactly one of Request and AWS says how it
// is performed: AWS is set for the actions of the AMAZON_* types and
// Request, then zero, for every other.
type Action struct {
	actiongate.Action
	Request Request
	AWS     *AWSOperation
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
	// Body names the input member sent as the JSON request body; "" sends no
	// body.
	Body string
}

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
