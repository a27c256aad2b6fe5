// Package restjson is the QuickSight wire adapter: it serves the action-connector
// and the users and groups operations of the QuickSight API (restJson1 over
// HTTP, shapes in shared/spec/quicksight-action-connectors.model.json and
// shared/spec/quicksight-users-groups.model.json) on top of an
// actiongate.Service. It verifies every request's AWS Signature Version 4,
// binds the model's routes, query names and members strictly, validates, calls
// the Service, and renders results and errors the way the AWS SDKs expect.
package restjson

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/google/uuid"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/sigv4"
	"github.com/actiongate/actiongate/throttle"
)

// DefaultMaxBodyBytes is the default limit on request bodies: 1 MiB.
const DefaultMaxBodyBytes = 1 << 20

// Config configures a Handler. Service is required.
type Config struct {
	Service *actiongate.Service
	// MaxBodyBytes bounds request bodies; larger ones answer 413.
	// Default DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxSkew is how far a request's signing time may be from the server's
	// clock; default 15 minutes.
	MaxSkew time.Duration
	// Logger receives request failures; default slog.Default().
	Logger *slog.Logger
	// Now is the clock signatures are checked against; default time.Now.
	Now func() time.Time
	// Throttle limits each account's request rate; nil for no limit.
	Throttle *throttle.Limiter
	// Audit records every call whose caller is known; nil records none.
	Audit Auditor
}

// Handler serves the QuickSight action-connector API. It is an http.Handler.
type Handler struct {
	svc      *actiongate.Service
	verifier *sigv4.Verifier
	throttle *throttle.Limiter
	audit    Auditor
	now      func() time.Time
	maxBody  int64
	log      *slog.Logger
	mux      *http.ServeMux
}

// New returns a Handler for cfg.
func New(cfg Config) *Handler {
	h := &Handler{
		svc:      cfg.Service,
		throttle: cfg.Throttle,
		audit:    cfg.Audit,
		now:      cfg.Now,
		maxBody:  cmp.Or(cfg.MaxBodyBytes, DefaultMaxBodyBytes),
		log:      cfg.Logger,
		mux:      http.NewServeMux(),
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	h.verifier = &sigv4.Verifier{
		Region:  cfg.Service.Region(),
		Service: "quicksight",
		MaxSkew: cfg.MaxSkew,
		Now:     cfg.Now,
		Lookup:  h.lookupSecret,
	}
	h.routes()
	return h
}

// operation handles one API operation for an authenticated caller. It returns
// the response body to send with status 200, or an error.
type operation func(r *http.Request, caller *actiongate.Identity, body []byte) (response, error)

func (h *Handler) routes() {
	const (
		connectors = "/accounts/{AwsAccountId}/action-connectors"
		connector  = connectors + "/{ActionConnectorId}"
		tags       = "/resources/{ResourceArn}/tags"
	)
	h.handle("POST "+connectors, throttle.Write, h.createActionConnector)
	h.handle("GET "+connectors, throttle.Read, h.listActionConnectors)
	h.handle("GET "+connector, throttle.Read, h.describeActionConnector)
	h.handle("PUT "+connector, throttle.Write, h.updateActionConnector)
	h.handle("DELETE "+connector, throttle.Write, h.deleteActionConnector)
	h.handle("GET "+connector+"/permissions", throttle.Read, h.describeActionConnectorPermissions)
	h.handle("POST "+connector+"/permissions", throttle.Write, h.updateActionConnectorPermissions)
	h.handle("POST /accounts/{AwsAccountId}/search/action-connectors", throttle.Read, h.searchActionConnectors)
	h.handle("POST "+tags, throttle.Write, h.tagResource)
	h.handle("DELETE "+tags, throttle.Write, h.untagResource)
	h.handle("GET "+tags, throttle.Read, h.listTagsForResource)
	h.directoryRoutes()
	h.actionRoutes()
	unknown := h.wrap("/", throttle.Read, func(*http.Request, *actiongate.Identity, []byte) (response, error) {
		return nil, &wireError{Code: "UnknownOperationException", Status: http.StatusNotFound,
			Message: "The requested operation is not recognized by this service."}
	})
	// A sign-in callback arrives at the path of a connector's RedirectUrl,
	// which no route names.
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if isSignInCallback(r) {
			h.signInCallback(w, r)
			return
		}
		unknown(w, r)
	})
	h.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
}

// ServeHTTP serves the API and GET /healthz.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

// handle registers op under pattern, wrapped in what every operation shares:
// a request id, the bounded body, the signature check, throttling by the
// caller's account in class c, rendering, and the audit record.
func (h *Handler) handle(pattern string, c throttle.Class, op operation) {
	h.mux.HandleFunc(pattern, h.wrap(pattern, c, op))
}

// wrap returns the handler of op under pattern; see handle.
func (h *Handler) wrap(pattern string, c throttle.Class, op operation) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		requestID := uuid.NewString()
		w.Header().Set("X-Amzn-RequestId", requestID)
		a := call{pattern: pattern, requestID: requestID, time: h.now()}
		defer h.record(r, &a)
		defer h.recoverPanic(w, r, &a)
		body, err := h.readBody(w, r)
		if err != nil {
			a.errorCode = h.writeError(w, r, requestID, err)
			return
		}
		a.caller, err = h.authenticate(r, body)
		if err != nil {
			a.errorCode = h.writeError(w, r, requestID, err)
			return
		}
		if h.throttle != nil && !h.throttle.Allow(a.caller.AccountID, c) {
			a.errorCode = h.writeError(w, r, requestID, actiongate.Errorf(actiongate.KindThrottled, "Rate exceeded"))
			return
		}
		out, err := op(r, a.caller, body)
		if err != nil {
			if e, ok := errors.AsType[*actiongate.Error](err); ok {
				a.invocation = e.Upstream
			}
			a.errorCode = h.writeError(w, r, requestID, err)
			return
		}
		if rr, ok := out.(resourceReporter); ok {
			a.resourceARN = rr.auditResource()
		}
		if ir, ok := out.(invocationReporter); ok {
			a.invocation = ir.invocation()
		}
		out.setMeta(requestID)
		writeJSON(w, http.StatusOK, out)
	}
}

// recoverPanic turns a panic in an operation into an InternalFailureException
// and logs where it happened. The panic's value is not logged: it may hold
// anything, secrets included.
func (h *Handler) recoverPanic(w http.ResponseWriter, r *http.Request, a *call) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		a.errorCode = "RequestAborted"
		panic(v)
	}
	h.log.ErrorContext(r.Context(), "operation panicked", "request_id", a.requestID,
		"panic_type", fmt.Sprintf("%T", v), "stack", string(debug.Stack()))
	a.errorCode = h.writeError(w, r, a.requestID, actiongate.Internal(errors.New("operation panicked")))
}

// readBody reads the request body, refusing one over the size limit (413) and,
// when a body is sent, a Content-Type other than JSON (415).
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > h.maxBody {
		return nil, tooLarge(h.maxBody)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, h.maxBody)); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, tooLarge(h.maxBody)
		}
		return nil, serializationError("The request body could not be read.")
	}
	if buf.Len() > 0 {
		if ct := r.Header.Get("Content-Type"); ct != "" {
			mt, _, err := mime.ParseMediaType(ct)
			if err != nil || (mt != "application/json" && mt != "application/x-amz-json-1.1") {
				return nil, &wireError{Code: "UnsupportedMediaTypeException", Status: http.StatusUnsupportedMediaType,
					Message: "The request body must be sent as application/json."}
			}
		}
	}
	return buf.Bytes(), nil
}

func tooLarge(limit int64) error {
	return &wireError{Code: "RequestEntityTooLargeException", Status: http.StatusRequestEntityTooLarge,
		Message: "The request body is larger than the limit of " + formatBytes(limit) + "."}
}

// authenticate verifies the request's signature and returns the identity that
// made it. When the signature does not verify, it returns the error and the
// identity of the access key the request named, if that key exists, so that
// the refusal is audited under it.
func (h *Handler) authenticate(r *http.Request, body []byte) (*actiongate.Identity, error) {
	var slot identitySlot
	ctx := context.WithValue(r.Context(), identitySlotKey{}, &slot)
	if _, err := h.verifier.Verify(r.WithContext(ctx), body); err != nil {
		return slot.id, err
	}
	return slot.id, nil
}

// identitySlot carries the identity that lookupSecret found out of the
// verifier, so that each request reads its identity once.
type identitySlot struct{ id *actiongate.Identity }

type identitySlotKey struct{}

func (h *Handler) lookupSecret(ctx context.Context, accessKeyID string) ([]byte, error) {
	id, secret, err := h.svc.IdentitySecret(ctx, accessKeyID)
	if err != nil {
		if actiongate.KindOf(err) == actiongate.KindNotFound {
			return nil, sigv4.ErrUnknownAccessKey
		}
		return nil, err
	}
	if slot, ok := ctx.Value(identitySlotKey{}).(*identitySlot); ok {
		slot.id = id
	}
	return secret.Reveal(), nil
}

// responseMeta holds the members every successful response has: Status (the
// HTTP status, which QuickSight also sends in the body) and RequestId.
type responseMeta struct {
	Status    int    `json:"Status"`
	RequestId string `json:"RequestId"`
}

func (m *responseMeta) setMeta(requestID string) {
	m.Status, m.RequestId = http.StatusOK, requestID
}

// response is what operations return: a response shape with responseMeta inlined.
type response interface{ setMeta(requestID string) }

func formatBytes(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v, json.Deterministic(true))
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"Message":"An internal error occurred."}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}
