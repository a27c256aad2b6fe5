package actiongate

import (
	"errors"
	"fmt"
)

// Kind classifies an Error. Adapters map kinds to their wire (HTTP status and
// error code, MCP error) in one table each; nothing else decides a status.
type Kind int

// The error kinds. The zero value, KindInternal, is what any error that is not an
// *Error counts as.
const (
	KindInternal         Kind = iota // a fault of the server; the message is generic
	KindInvalid                      // the request breaks a rule of the API
	KindNotFound                     // the named resource does not exist
	KindExists                       // a resource with that identity exists already
	KindConflict                     // a concurrent change won; retrying may succeed
	KindDenied                       // the caller may not do this
	KindLimitExceeded                // a quota or list limit would be passed
	KindInvalidNextToken             // a pagination token is malformed, forged or foreign
	KindThrottled                    // the caller is over its request rate
	// KindAccessTokenNotFound: the user has no 3LO tokens for the connector,
	// or they can no longer be refreshed; the user must sign in (again).
	KindAccessTokenNotFound
	// KindTokenResponse: the connector's token endpoint refused or failed.
	KindTokenResponse
	// KindUpstream: the connector's service could not be reached, or answered
	// with an error (then Error.Upstream holds its answer).
	KindUpstream
)

var kindNames = [...]string{
	KindInternal:         "internal",
	KindInvalid:          "invalid",
	KindNotFound:         "not found",
	KindExists:           "exists",
	KindConflict:         "conflict",
	KindDenied:           "denied",
	KindLimitExceeded:    "limit exceeded",
	KindInvalidNextToken: "invalid next token",
	KindThrottled:        "throttled",

	KindAccessTokenNotFound: "access token not found",
	KindTokenResponse:       "token response",
	KindUpstream:            "upstream",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// ResourceType names the kind of resource an error is about, as QuickSight's
// ExceptionResourceType does. Empty when the error is not about one resource type.
type ResourceType string

// Error is a domain error. Message is written for the user of the API: it names
// the member and the rule, never a secret value. Err is the cause, for logs only.
type Error struct {
	Kind         Kind
	Message      string
	ResourceType ResourceType
	// Upstream is the upstream's answer to a KindUpstream error when there was
	// one: its status and its (bounded, redacted) output.
	Upstream *InvokeResult
	Err      error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of kind k whose message is formatted from format and args.
func Errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps a cause as a KindInternal error whose message reveals nothing of it.
func Internal(cause error) *Error {
	return &Error{Kind: KindInternal, Message: "An internal error occurred.", Err: cause}
}

// KindOf reports the kind of err: the kind of the first *Error in its chain, or
// KindInternal when there is none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// MessageOf reports the user-facing message of err. Errors that are not an *Error,
// and internal ones, get a generic message so that causes never reach users.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != KindInternal {
		return e.Message
	}
	return "An internal error occurred."
}

// ResourceTypeOf reports the ResourceType of the first *Error in err's chain.
func ResourceTypeOf(err error) ResourceType {
	var e *Error
	if errors.As(err, &e) {
		return e.ResourceType
	}
	return ""
}
