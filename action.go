package actiongate

import (
	"context"
	"encoding/json"
	"time"
)

// Action is one thing a connector can do in its service.
type Action struct {
	// ID is the upstream operation name in PascalCase (CreateIssue), or the
	// operationId of an imported OpenAPI document.
	ID          string
	Name        string
	Description string
	// Write says the action changes data in the service; false means it only
	// reads.
	Write bool
	// InputSchema is the JSON Schema (draft 2020-12) of the action's input, a
	// JSON object.
	InputSchema json.RawMessage
}

// Call is one action to perform, as the Service hands it to the Runtime once
// the caller, the user and the action have been checked.
type Call struct {
	// Connector carries its secrets.
	Connector *Connector
	// Spec is the connector's imported OpenAPI document; nil when it has none.
	Spec     []byte
	ActionID string
	// Input is the action's input, a JSON object; not yet checked against the
	// action's schema.
	Input json.RawMessage
	// UserARN is the QuickSight user the action is performed for; their 3LO
	// tokens are used.
	UserARN string
}

// InvokeResult is what an upstream answered to an action.
type InvokeResult struct {
	ActionID       string
	UpstreamStatus int
	// Headers holds the upstream response headers worth passing on
	// (Content-Type, pagination links, rate limits), by canonical name.
	Headers map[string]string
	// Output is the upstream's JSON body, or {"ContentType", "Body"} with Body
	// the base64 of any other body; both bounded in size.
	Output json.RawMessage
	// Duration is how long the upstream call took, token fetches included.
	Duration time.Duration
	// UserARN is the QuickSight user the action was performed for.
	UserARN string
}

// Runtime performs actions in the outside services with connectors'
// credentials, and knows which actions each connector has. Errors:
// KindInvalid for input that does not match an action's schema,
// KindAccessTokenNotFound, KindTokenResponse, KindUpstream.
type Runtime interface {
	// Actions returns the actions of c in a stable order; spec is c's OpenAPI
	// document or nil.
	Actions(c *Connector, spec []byte) ([]Action, error)
	// AuthTypes returns the authentication types connectors of type t
	// accept; nil accepts any.
	AuthTypes(t ConnectorType) []AuthType
	// ParseSpec checks an OpenAPI document and returns the actions it defines;
	// KindInvalid says what is wrong with it.
	ParseSpec(doc []byte) ([]Action, error)
	// FetchSpec downloads an OpenAPI document from an https URL.
	FetchSpec(ctx context.Context, url string) ([]byte, error)
	// Invoke performs one action.
	Invoke(ctx context.Context, call Call) (*InvokeResult, error)
	// Verifies reports whether c has a cheap check of its configuration.
	Verifies(c *Connector) bool
	// Verify checks c's configuration against its service: a token fetch, a
	// role assumption, a verification request.
	Verify(ctx context.Context, c *Connector) error
	// AuthorizationURL returns where to send a user to sign in to c (3LO),
	// with state and the S256 challenge of verifier.
	AuthorizationURL(c *Connector, state, verifier string) (string, error)
	// Exchange trades an authorization code for user's tokens on c and keeps
	// them.
	Exchange(ctx context.Context, c *Connector, user, code, verifier string) error
}
