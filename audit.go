package actiongate

import (
	"context"
	"time"
)

// AuditEvent records one API call, and later one action invocation: who made
// it, on what, and how it ended. It is shaped after the CloudTrail records of
// QuickSight (shared/research/quicksuite.md §2.4) and, like them, never holds
// what was sent: no request body, no header value, no parameter. Every field is
// a name, an ARN, an id or a code.
type AuditEvent struct {
	// ID is assigned by the Store when it appends the event, increasing in the
	// order of appends within one store; zero before.
	ID int64
	// Time is when the call arrived, kept to the microsecond.
	Time time.Time
	// RequestID is the request id the response carried (X-Amzn-RequestId).
	RequestID string
	// AccountID is the caller's account, which the call may have tried to
	// leave (an AccessDenied cross-account call records the caller's).
	AccountID string
	// IdentityARN and AccessKeyID name the identity that signed the call.
	IdentityARN string
	AccessKeyID string
	// UserARN is the QuickSight user the access key is bound to; empty for none.
	UserARN string
	// Operation is the API operation, as the model names it
	// (CreateActionConnector), or InvokeAction.
	Operation string
	// ResourceARN is the resource the call named: a connector's ARN, the
	// ResourceArn of a tag operation, or
	// arn:aws:quicksight:<region>:<account>:action-connector/* for List and
	// Search. Empty when the call named none.
	ResourceARN string
	// Outcome says whether the call succeeded.
	Outcome AuditOutcome
	// ErrorCode is the error code the caller received
	// (AccessDeniedException); empty on success.
	ErrorCode string
	// ActionID, UpstreamStatus and Duration describe an InvokeAction: the
	// action performed, the status the upstream answered (0 when it did not
	// answer), and how long the upstream call took. Zero for other operations.
	ActionID       string
	UpstreamStatus int
	Duration       time.Duration
	// SourceIP is the address the call came from, as the server saw it (a
	// proxy's address behind one); empty when unknown.
	SourceIP string
}

// AuditOutcome says how an audited call ended.
type AuditOutcome string

// The outcomes of an audited call.
const (
	AuditSuccess AuditOutcome = "Success"
	AuditFailure AuditOutcome = "Failure"
)

// AuditStore keeps the audit log. It is part of Store; the recorder and the
// audit command use it alone.
//
// Times are kept to the microsecond. Text is valid UTF-8 without NUL bytes
// (the recorder makes it so); a driver may refuse other text.
type AuditStore interface {
	// AuditAppend stores events, all or none, each with a new ID; their ID
	// fields are ignored.
	AuditAppend(ctx context.Context, events ...AuditEvent) error
	// AuditList returns the first f.Limit events (all of them when f.Limit <=
	// 0) that match f and come after f.After, ordered by (Time, ID): oldest
	// first, and in append order within one microsecond.
	AuditList(ctx context.Context, f AuditFilter) ([]AuditEvent, error)
	// AuditDelete deletes the events older than before (Time < before) and
	// returns how many it deleted. Deleting by time is idempotent, so that
	// several servers may apply one retention.
	AuditDelete(ctx context.Context, before time.Time) (int, error)
}

// AuditFilter selects audit events. Zero fields do not filter; set fields must
// all hold.
type AuditFilter struct {
	Since time.Time // Time >= Since
	Until time.Time // Time < Until
	// Identity is the IdentityARN or the AccessKeyID of the events.
	Identity    string
	AccountID   string
	ResourceARN string
	Outcome     AuditOutcome
	// After is the position after which the page starts: the Time and ID of
	// the last event of the previous page; zero for the first page.
	After AuditCursor
	Limit int
}

// AuditCursor is a position in the (Time, ID) order of the audit log.
type AuditCursor struct {
	Time time.Time
	ID   int64
}

// IsZero reports whether c is the position before the first event.
func (c AuditCursor) IsZero() bool { return c.Time.IsZero() && c.ID == 0 }

// Cursor returns the position of e, from which the next page starts.
func (e AuditEvent) Cursor() AuditCursor { return AuditCursor{Time: e.Time, ID: e.ID} }
