package restjson

import (
	"errors"
	"net/http"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/sigv4"
)

// wireError is an error that is already in wire terms: the binding's own
// failures (malformed JSON, missing members, unknown routes) and signature
// failures.
type wireError struct {
	Code    string
	Status  int
	Message string
}

func (e *wireError) Error() string { return e.Code + ": " + e.Message }

func serializationError(msg string) *wireError {
	return &wireError{Code: "SerializationException", Status: http.StatusBadRequest, Message: msg}
}

func invalidParameter(msg string) *wireError {
	return &wireError{Code: "InvalidParameterValueException", Status: http.StatusBadRequest, Message: msg}
}

// kindCodes maps each domain error kind to the QuickSight error shape and HTTP
// status of the model. It is the only place that does.
var kindCodes = map[actiongate.Kind]struct {
	code   string
	status int
}{
	actiongate.KindInternal:         {"InternalFailureException", http.StatusInternalServerError},
	actiongate.KindInvalid:          {"InvalidParameterValueException", http.StatusBadRequest},
	actiongate.KindNotFound:         {"ResourceNotFoundException", http.StatusNotFound},
	actiongate.KindExists:           {"ResourceExistsException", http.StatusConflict},
	actiongate.KindConflict:         {"ConflictException", http.StatusConflict},
	actiongate.KindDenied:           {"AccessDeniedException", http.StatusUnauthorized},
	actiongate.KindLimitExceeded:    {"LimitExceededException", http.StatusConflict},
	actiongate.KindInvalidNextToken: {"InvalidNextTokenException", http.StatusBadRequest},
	actiongate.KindThrottled:        {"ThrottlingException", http.StatusTooManyRequests},

	// Not in the model: the errors of invoking actions (DESIGN.md; the
	// first two are Quick Suite's own names).
	actiongate.KindAccessTokenNotFound: {"AccessTokenNotFoundException", http.StatusForbidden},
	actiongate.KindTokenResponse:       {"TokenResponseException", http.StatusFailedDependency},
	actiongate.KindUpstream:            {"UpstreamFailureException", http.StatusFailedDependency},
}

// errorBody is the JSON body of every error response.
type errorBody struct {
	Message      string `json:"Message"`
	RequestId    string `json:"RequestId"`
	ResourceType string `json:"ResourceType,omitempty"`
	// UpstreamStatus and Output carry the answer of an upstream that
	// refused an action (UpstreamFailureException).
	UpstreamStatus int            `json:"UpstreamStatus,omitzero"`
	Output         jsontext.Value `json:"Output,omitzero"`
}

// writeError renders err: its code in X-Amzn-ErrorType, its status, and a body
// with the message and request id. Internal errors are logged with their cause
// and answered with a generic message. It returns the code.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, requestID string, err error) string {
	var (
		code, msg, resourceType string
		status                  int
		we                      *wireError
		se                      *sigv4.Error
		upstream                *actiongate.InvokeResult
	)
	switch {
	case errors.As(err, &we):
		code, status, msg = we.Code, we.Status, we.Message
	case errors.As(err, &se):
		code, status, msg = se.Code, se.Status, se.Message
	default:
		kind := actiongate.KindOf(err)
		c := kindCodes[kind]
		code, status, msg = c.code, c.status, actiongate.MessageOf(err)
		resourceType = string(actiongate.ResourceTypeOf(err))
		if e, ok := errors.AsType[*actiongate.Error](err); ok && e.Upstream != nil {
			upstream = e.Upstream
		}
		if kind == actiongate.KindInternal {
			h.log.ErrorContext(r.Context(), "request failed", "request_id", requestID, "err", err)
		}
	}
	h.log.DebugContext(r.Context(), "request refused", "request_id", requestID, "code", code, "status", status)
	w.Header().Set("X-Amzn-ErrorType", code)
	body := errorBody{Message: msg, RequestId: requestID, ResourceType: resourceType}
	if upstream != nil {
		body.UpstreamStatus, body.Output = upstream.UpstreamStatus, jsontext.Value(upstream.Output)
	}
	writeJSON(w, status, body)
	return code
}
