package restjson

import (
	"crypto/subtle"
	"html/template"
	"net/http"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/throttle"
)

// The extension operations of DESIGN.md: listing and invoking a connector's
// actions, 3LO sign-in, and OpenAPI documents. They are signed and answer
// errors like the model's operations.
func (h *Handler) actionRoutes() {
	const connector = "/accounts/{AwsAccountId}/action-connectors/{ActionConnectorId}"
	h.handle("GET "+connector+"/actions", throttle.Read, h.listActions)
	h.handle("POST "+connector+"/actions/{ActionId}/invoke", throttle.Write, h.invokeAction)
	h.handle("POST "+connector+"/sign-in", throttle.Write, h.startSignIn)
	h.handle("PUT "+connector+"/openapi", throttle.Write, h.putOpenAPI)
	h.handle("GET "+connector+"/openapi", throttle.Read, h.getOpenAPI)
	// The browser's part of a sign-in: unsigned, and answered in HTML.
	h.mux.HandleFunc("GET /oauth/start", h.signInStart)
}

type actionOut struct {
	ActionId    string         `json:"ActionId"`
	Name        string         `json:"Name"`
	Description string         `json:"Description"`
	Class       string         `json:"Class"` // READ or WRITE
	Enabled     bool           `json:"Enabled"`
	InputSchema jsontext.Value `json:"InputSchema"`
}

func actionToWire(a actiongate.Action, enabled bool) actionOut {
	class := "READ"
	if a.Write {
		class = "WRITE"
	}
	return actionOut{ActionId: a.ID, Name: a.Name, Description: a.Description, Class: class, Enabled: enabled,
		InputSchema: jsontext.Value(a.InputSchema)}
}

type listActionsResponse struct {
	responseMeta      `json:",inline"`
	Arn               string      `json:"Arn"`
	ActionConnectorId string      `json:"ActionConnectorId"`
	Actions           []actionOut `json:"Actions"`
}

func (h *Handler) listActions(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	c, actions, err := h.svc.ListActionConnectorActions(r.Context(), caller, r.PathValue("AwsAccountId"), r.PathValue("ActionConnectorId"))
	if err != nil {
		return nil, err
	}
	out := &listActionsResponse{Arn: c.ARN, ActionConnectorId: c.ID, Actions: make([]actionOut, len(actions))}
	for i, a := range actions {
		out.Actions[i] = actionToWire(a.Action, a.Enabled)
	}
	return out, nil
}

type invokeRequest struct {
	Input   jsontext.Value `json:"Input"`
	UserArn *string        `json:"UserArn"`
}

type invokeResponse struct {
	responseMeta   `json:",inline"`
	ActionId       string            `json:"ActionId"`
	UpstreamStatus int               `json:"UpstreamStatus"`
	Headers        map[string]string `json:"Headers,omitempty"`
	Output         jsontext.Value    `json:"Output,omitzero"`
	DurationMillis float64           `json:"DurationMillis"`

	result *actiongate.InvokeResult
}

// invocation returns the result the response carries, for the audit record.
func (r *invokeResponse) invocation() *actiongate.InvokeResult { return r.result }

func (h *Handler) invokeAction(r *http.Request, caller *actiongate.Identity, body []byte) (response, error) {
	var in invokeRequest
	if err := decodeBody(body, &in); err != nil {
		return nil, err
	}
	if in.Input.Kind() != 0 && in.Input.Kind() != '{' && in.Input.Kind() != 'n' {
		return nil, invalidParameter("Input must be a JSON object.")
	}
	input := actiongate.InvokeInput{
		AccountID:   r.PathValue("AwsAccountId"),
		ConnectorID: r.PathValue("ActionConnectorId"),
		ActionID:    r.PathValue("ActionId"),
		UserARN:     deref(in.UserArn),
	}
	if in.Input.Kind() == '{' {
		input.Input = []byte(in.Input)
	}
	res, err := h.svc.InvokeAction(r.Context(), caller, input)
	if err != nil {
		return nil, err
	}
	return &invokeResponse{
		ActionId:       res.ActionID,
		UpstreamStatus: res.UpstreamStatus,
		Headers:        res.Headers,
		Output:         jsontext.Value(res.Output),
		DurationMillis: millis(res.Duration),
		result:         res,
	}, nil
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type signInRequest struct {
	UserArn *string `json:"UserArn"`
}

type signInResponse struct {
	responseMeta `json:",inline"`
	SignInUrl    string       `json:"SignInUrl"`
	ExpiresAt    epochSeconds `json:"ExpiresAt"`
}

func (h *Handler) startSignIn(r *http.Request, caller *actiongate.Identity, body []byte) (response, error) {
	var in signInRequest
	if err := decodeBody(body, &in); err != nil {
		return nil, err
	}
	start, err := h.svc.StartSignIn(r.Context(), caller, r.PathValue("AwsAccountId"), r.PathValue("ActionConnectorId"), deref(in.UserArn))
	if err != nil {
		return nil, err
	}
	return &signInResponse{SignInUrl: start.URL, ExpiresAt: epochSeconds(start.Expires)}, nil
}

type putOpenAPIRequest struct {
	Document jsontext.Value `json:"Document"`
	Url      *string        `json:"Url"`
}

type openAPIResponse struct {
	responseMeta      `json:",inline"`
	Arn               string         `json:"Arn"`
	ActionConnectorId string         `json:"ActionConnectorId"`
	Document          jsontext.Value `json:"Document,omitzero"`
	Actions           []actionOut    `json:"Actions,omitempty"`
}

func (h *Handler) putOpenAPI(r *http.Request, caller *actiongate.Identity, body []byte) (response, error) {
	var in putOpenAPIRequest
	if err := decodeBody(body, &in); err != nil {
		return nil, err
	}
	input := actiongate.PutSpecInput{
		AccountID:   r.PathValue("AwsAccountId"),
		ConnectorID: r.PathValue("ActionConnectorId"),
		URL:         deref(in.Url),
	}
	if in.Document.Kind() != 0 && in.Document.Kind() != 'n' {
		if in.Document.Kind() != '{' {
			return nil, invalidParameter("Document must be a JSON object: an OpenAPI 3 document.")
		}
		input.Document = []byte(in.Document)
	}
	c, actions, err := h.svc.PutActionConnectorOpenAPI(r.Context(), caller, input)
	if err != nil {
		return nil, err
	}
	out := &openAPIResponse{Arn: c.ARN, ActionConnectorId: c.ID, Actions: make([]actionOut, len(actions))}
	for i, a := range actions {
		out.Actions[i] = actionToWire(a.Action, a.Enabled)
	}
	return out, nil
}

func (h *Handler) getOpenAPI(r *http.Request, caller *actiongate.Identity, _ []byte) (response, error) {
	c, doc, err := h.svc.GetActionConnectorOpenAPI(r.Context(), caller, r.PathValue("AwsAccountId"), r.PathValue("ActionConnectorId"))
	if err != nil {
		return nil, err
	}
	return &openAPIResponse{Arn: c.ARN, ActionConnectorId: c.ID, Document: jsontext.Value(doc)}, nil
}

// signInCookie binds a sign-in to the browser that started it (RFC 9700
// §4.7.1): the start URL sets it, and the callback is refused without it.
const signInCookie = "actiongate-sign-in"

// signInStart serves the start URL of a sign-in: it redirects the browser to
// the connector's authorization endpoint.
func (h *Handler) signInStart(w http.ResponseWriter, r *http.Request) {
	state := r.URL.Query().Get("state")
	target, err := h.svc.SignInRedirect(r.Context(), state)
	if err != nil {
		h.signInPage(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: signInCookie, Value: state, Path: "/", MaxAge: int(actiongate.SignInTTL / time.Second),
		Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// isSignInCallback reports whether r is the browser coming back from an
// authorization server: an unsigned GET with a state and a code or an error.
// It may arrive at any path, the path of a connector's RedirectUrl.
func isSignInCallback(r *http.Request) bool {
	q := r.URL.Query()
	return r.Method == http.MethodGet && q.Has("state") && (q.Has("code") || q.Has("error")) &&
		r.Header.Get("Authorization") == "" && !q.Has("X-Amz-Signature")
}

// signInCallback completes a sign-in and tells the user how it went.
func (h *Handler) signInCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := q.Get("state")
	if cookie, err := r.Cookie(signInCookie); err != nil || subtle.ConstantTimeCompare([]byte(cookie.Value), []byte(state)) != 1 {
		h.signInPage(w, r, actiongate.Errorf(actiongate.KindInvalid,
			"This sign-in was started in another browser, or its cookie was blocked; start it again from this browser."))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: signInCookie, Path: "/", MaxAge: -1, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	_, err := h.svc.CompleteSignIn(r.Context(), actiongate.SignInCallback{
		Path: r.URL.Path, State: state, Code: q.Get("code"), Error: q.Get("error"),
	})
	h.signInPage(w, r, err)
}

var signInTemplate = template.Must(template.New("sign-in").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · actiongate</title></head>
<body><h1>{{.Title}}</h1><p>{{.Message}}</p></body></html>
`))

// signInPage answers the browser with the outcome of a sign-in step.
func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request, err error) {
	page := struct{ Title, Message string }{"Signed in", "You can close this window and go back to what you were doing."}
	status := http.StatusOK
	if err != nil {
		page.Title, page.Message = "Sign-in failed", actiongate.MessageOf(err)
		status = kindCodes[actiongate.KindOf(err)].status
		if actiongate.KindOf(err) == actiongate.KindInternal {
			h.log.ErrorContext(r.Context(), "sign-in failed", "err", err)
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	signInTemplate.Execute(w, page)
}
