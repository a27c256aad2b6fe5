package runtime

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/catalog"
	"github.com/actiongate/actiongate/runtime/egress"
)

// Invoke performs one action: it checks the input, builds the request,
// authenticates it, sends it and shapes the answer. An upstream status of
// 400 or more is a KindUpstream error carrying the answer.
func (r *Runtime) Invoke(ctx context.Context, call actiongate.Call) (*actiongate.InvokeResult, error) {
	start := r.now()
	c := call.Connector
	defs, err := r.definitions(c, call.Spec)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(defs, func(d catalog.Action) bool { return d.ID == call.ActionID })
	if i < 0 {
		return nil, actiongate.Errorf(actiongate.KindNotFound, "Action connector %s has no action %s.", c.ID, call.ActionID)
	}
	def := defs[i]
	in := call.Input
	if len(bytes.TrimSpace(in)) == 0 {
		in = json.RawMessage("{}")
	}
	if err := r.schemas.validate(def.InputSchema, in); err != nil {
		return nil, err
	}
	switch {
	case def.AWS != nil:
		return r.invokeAWS(ctx, c, def, in, start)
	case def.Flow != "":
		return r.invokeFlow(ctx, call, def, in, start)
	}
	var input map[string]any
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.UseNumber()
	if err := dec.Decode(&input); err != nil {
		return nil, actiongate.Errorf(actiongate.KindInvalid, "Input must be a JSON object.")
	}
	var req *http.Request
	if def.ID == httpRequestID {
		req, err = genericRequest(ctx, c.Auth.BaseEndpoint(), input)
	} else {
		req, err = templateRequest(ctx, c.Auth.BaseEndpoint(), def.Request, input)
	}
	if err != nil {
		return nil, err
	}
	a, err := r.send(ctx, call, req, true)
	if err != nil {
		return nil, err
	}
	return r.result(c, def.ID, a, start)
}

// answer is what an upstream answered, read in full.
type answer struct {
	status int
	header http.Header
	body   []byte
	// secrets are the credentials the request carried, which the answer
	// must not hand back.
	secrets [][]byte
}

// send sends req for call, with the connector's credentials when
// authenticated, and reads the answer, at most maxOutput bytes of it.
func (r *Runtime) send(ctx context.Context, call actiongate.Call, req *http.Request, authenticated bool) (answer, error) {
	c := call.Connector
	var secrets [][]byte
	if authenticated {
		var err error
		if secrets, err = r.authenticate(ctx, c, call.UserARN, req); err != nil {
			return answer{}, err
		}
	}
	resp, err := r.client.Do(req)
	if err != nil {
		r.log.WarnContext(ctx, "invoking an action", "account_id", c.AccountID, "connector_id", c.ID, "action", call.ActionID, "err", err)
		return answer{}, unreachable()
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(r.maxOutput)+1))
	if err != nil && !errors.Is(err, egress.ErrTooLarge) {
		r.log.WarnContext(ctx, "reading an action's answer", "account_id", c.AccountID, "connector_id", c.ID, "action", call.ActionID, "err", err)
		return answer{}, unreachable()
	}
	if err != nil || len(body) > r.maxOutput {
		return answer{}, actiongate.Errorf(actiongate.KindUpstream, "The upstream answer is larger than %d bytes.", r.maxOutput)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: body, secrets: secrets}, nil
}

// result is the invocation's result of action id answered by a. A status
// of 400 or more, or an answer whose type's OK member is false, is a
// KindUpstream error carrying the answer.
func (r *Runtime) result(c *actiongate.Connector, id string, a answer, start time.Time) (*actiongate.InvokeResult, error) {
	res := &actiongate.InvokeResult{
		ActionID:       id,
		UpstreamStatus: a.status,
		Headers:        passedHeaders(a.header, a.secrets),
		Output:         shape(a.header.Get("Content-Type"), redact(a.body, a.secrets)),
		Duration:       r.now().Sub(start),
	}
	if a.status >= 400 {
		return nil, &actiongate.Error{
			Kind:     actiongate.KindUpstream,
			Message:  fmt.Sprintf("The upstream service answered %d %s.", a.status, http.StatusText(a.status)),
			Upstream: res,
		}
	}
	if reason, failed := notOK(c.Type, res.Output); failed {
		return nil, &actiongate.Error{
			Kind:     actiongate.KindUpstream,
			Message:  fmt.Sprintf("The upstream service refused the call: %s.", reason),
			Upstream: res,
		}
	}
	return res, nil
}

// notOK reports whether output, the answer of an action of connector type
// t, says the call failed although its status did not: the type names an
// OK member (Slack's "ok") and the answer has it false. The reason is the
// answer's error member, reduced to a short code.
func notOK(t actiongate.ConnectorType, output json.RawMessage) (reason string, failed bool) {
	ct, ok := catalog.Lookup(t)
	if !ok || ct.OKMember == "" || output == nil {
		return "", false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(output, &m) != nil || string(m[ct.OKMember]) != "false" {
		return "", false
	}
	var code string
	json.Unmarshal(m[ct.ErrorMember], &code)
	if !errorCode.MatchString(code) {
		code = "unknown error"
	}
	return code, true
}

// errorCode is the form of an error code worth repeating in a message.
var errorCode = regexp.MustCompile(`^[a-z0-9_.]{1,64}$`)

// httpRequestID is the built-in action of every GENERIC_HTTP connector.
const httpRequestID = "HttpRequest"

var httpRequestAction = catalog.Action{Action: actiongate.Action{
	ID:          httpRequestID,
	Name:        "HTTP request",
	Description: "Sends an HTTP request to a path under the connector's base endpoint, with the connector's credentials.",
	Write:       true,
	InputSchema: json.RawMessage(`{"type":"object","additionalProperties":false,"required":["Method","Path"],"properties":{` +
		`"Method":{"enum":["GET","HEAD","POST","PUT","PATCH","DELETE"],"description":"The HTTP method."},` +
		`"Path":{"type":"string","pattern":"^/","maxLength":8192,"description":"The path, unescaped, appended to the base endpoint's path."},` +
		`"Query":{"type":"object","additionalProperties":{"type":["string","array"],"items":{"type":"string"}},"description":"Query parameters."},` +
		`"Headers":{"type":"object","additionalProperties":{"type":"string"},"description":"Request headers; credentials are added by the connector."},` +
		`"Body":{"description":"A JSON request body."}}}`),
}}

// refusedHeaders may not be set by an action's input: the connector sets
// credentials, and the transport the framing.
var refusedHeaders = []string{
	"Authorization", "Proxy-Authorization", "Cookie", "Host", "Content-Length", "Transfer-Encoding",
	"Connection", "Upgrade", "Te", "Trailer", "Keep-Alive", "Proxy-Connection", "Expect",
}

// genericRequest builds the request of the HttpRequest action, confined to
// base: same scheme and host, a path under base's path.
func genericRequest(ctx context.Context, base string, in map[string]any) (*http.Request, error) {
	u, err := confine(base, in["Path"].(string))
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	if m, ok := in["Query"].(map[string]any); ok {
		for k, v := range m {
			switch v := v.(type) {
			case string:
				q.Add(k, v)
			case []any:
				for _, s := range v {
					q.Add(k, s.(string))
				}
			}
		}
	}
	u.RawQuery = q.Encode()
	var body io.Reader
	b, hasBody := in["Body"]
	if hasBody {
		j, err := json.Marshal(b)
		if err != nil {
			return nil, actiongate.Errorf(actiongate.KindInvalid, "Input.Body must be JSON.")
		}
		body = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(ctx, in["Method"].(string), u.String(), body)
	if err != nil {
		return nil, actiongate.Errorf(actiongate.KindInvalid, "Input does not make a valid HTTP request.")
	}
	if hasBody {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if m, ok := in["Headers"].(map[string]any); ok {
		for k, v := range m {
			if err := setHeader(req, k, v.(string)); err != nil {
				return nil, err
			}
		}
	}
	return req, nil
}

func setHeader(req *http.Request, name, value string) error {
	canonical := http.CanonicalHeaderKey(name)
	if slices.Contains(refusedHeaders, canonical) || strings.HasPrefix(canonical, "Sec-") {
		return actiongate.Errorf(actiongate.KindInvalid, "Input may not set the %s header.", canonical)
	}
	if !validHeader(name, value) {
		return actiongate.Errorf(actiongate.KindInvalid, "Input header %q has a name or value that is not allowed in HTTP.", name)
	}
	req.Header.Set(name, value)
	return nil
}

func validHeader(name, value string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		if c <= ' ' || c >= 0x7f || strings.ContainsRune("()<>@,;:\\\"/[]?={}", c) {
			return false
		}
	}
	for _, c := range value {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// confine returns the URL of path under base, refusing paths that would
// leave base's path.
func confine(base, path string) (*url.URL, error) {
	u, err := egress.CheckURL(base)
	if err != nil {
		return nil, actiongate.Errorf(actiongate.KindInvalid, "The connector's base endpoint is not usable: %s", err.Error())
	}
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "\\?#") {
		return nil, actiongate.Errorf(actiongate.KindInvalid, "Input.Path must start with / and hold no \\, ? or #; give query parameters in Input.Query.")
	}
	for seg := range strings.SplitSeq(path, "/") {
		if seg == "." || seg == ".." {
			return nil, actiongate.Errorf(actiongate.KindInvalid, "Input.Path may not hold . or .. segments: it stays under the base endpoint.")
		}
	}
	out := *u
	out.Path = strings.TrimSuffix(u.Path, "/") + path
	out.RawPath = ""
	out.RawQuery = ""
	out.Fragment = ""
	return &out, nil
}

// pathParam is a {name} segment of a path template.
var pathParam = regexp.MustCompile(`\{[^{}/]+\}`)

// templateRequest builds the request of a defined action from its input.
func templateRequest(ctx context.Context, base string, t catalog.Request, in map[string]any) (*http.Request, error) {
	var missing error
	path := pathParam.ReplaceAllStringFunc(t.Path, func(m string) string {
		name := m[1 : len(m)-1]
		v, ok := in[name]
		if !ok {
			missing = actiongate.Errorf(actiongate.KindInvalid, "Input.%s is required.", name)
			return ""
		}
		if seg := text(v); seg != "." && seg != ".." {
			return url.PathEscape(seg)
		}
		missing = actiongate.Errorf(actiongate.KindInvalid, "Input.%s may not be . or ..: it names one item.", name)
		return ""
	})
	if missing != nil {
		return nil, missing
	}
	u, err := egress.CheckURL(base)
	if err != nil {
		return nil, actiongate.Errorf(actiongate.KindInvalid, "The connector's base endpoint is not usable: %s", err.Error())
	}
	out := *u
	out.RawPath = strings.TrimSuffix(u.EscapedPath(), "/") + path
	if out.Path, err = url.PathUnescape(out.RawPath); err != nil {
		return nil, actiongate.Errorf(actiongate.KindInvalid, "The action's path is not valid.")
	}
	q := out.Query()
	for param, value := range t.FixedQuery {
		q.Set(param, value)
	}
	for param, member := range t.Query {
		switch v := in[member].(type) {
		case nil:
		case []any:
			for _, e := range v {
				q.Add(param, text(e))
			}
		default:
			q.Add(param, text(v))
		}
	}
	out.RawQuery = q.Encode()
	body, contentType, err := requestBody(t, in)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, t.Method, out.String(), body)
	if err != nil {
		return nil, actiongate.Errorf(actiongate.KindInvalid, "Input does not make a valid HTTP request.")
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	for header, value := range t.FixedHeader {
		req.Header.Set(header, value)
	}
	for header, member := range t.Header {
		if v, ok := in[member]; ok && v != nil {
			if err := setHeader(req, header, text(v)); err != nil {
				return nil, err
			}
		}
	}
	return req, nil
}

// requestBody builds the body of a defined action and its content type: the
// JSON of the Body member, the bytes of the File member, or a form of the
// Form fields and the file; nil when the action sends none or its member is
// absent.
func requestBody(t catalog.Request, in map[string]any) (io.Reader, string, error) {
	switch {
	case t.Body != "":
		v, ok := in[t.Body]
		if !ok {
			return nil, "", nil
		}
		j, err := json.Marshal(v)
		if err != nil {
			return nil, "", actiongate.Errorf(actiongate.KindInvalid, "Input.%s must be JSON.", t.Body)
		}
		return bytes.NewReader(j), "application/json", nil
	case t.File == "":
		return nil, "", nil
	}
	f, err := fileOf(in, t.File)
	if err != nil {
		return nil, "", err
	}
	if t.Form == nil {
		return bytes.NewReader(f.data), f.contentType, nil
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, name := range slices.Sorted(maps.Keys(t.Form.Fields)) {
		if v, ok := in[t.Form.Fields[name]]; ok && v != nil {
			w.WriteField(name, text(v))
		}
	}
	disposition := map[string]string{"name": t.Form.FilePart, "filename": cmp.Or(f.name, "file")}
	part, err := w.CreatePart(textproto.MIMEHeader{
		"Content-Disposition": {mime.FormatMediaType("form-data", disposition)},
		"Content-Type":        {f.contentType},
	})
	if err != nil {
		return nil, "", err
	}
	part.Write(f.data)
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return &b, w.FormDataContentType(), nil
}

// file is a file of an action's input (catalog.FileSchema), decoded.
type file struct {
	name, contentType string
	data              []byte
}

// fileOf decodes the file in the input member, which the input schema
// requires to be a file object.
func fileOf(in map[string]any, member string) (file, error) {
	m, ok := in[member].(map[string]any)
	if !ok {
		return file{}, actiongate.Errorf(actiongate.KindInvalid, "Input.%s is required: a file as {\"Body\", \"Encoding\", \"ContentType\", \"FileName\"}.", member)
	}
	f := file{data: []byte(m["Body"].(string))}
	f.name, _ = m["FileName"].(string)
	f.contentType, _ = m["ContentType"].(string)
	if _, _, err := mime.ParseMediaType(f.contentType); err != nil {
		f.contentType = "application/octet-stream"
	}
	if m["Encoding"] == "base64" {
		var err error
		if f.data, err = base64.StdEncoding.DecodeString(m["Body"].(string)); err != nil {
			return file{}, actiongate.Errorf(actiongate.KindInvalid, "Input.%s.Body is not valid base64.", member)
		}
	}
	return f, nil
}

// text renders an input value as it goes into a path, query or header:
// strings as they are, numbers and booleans in their JSON form, anything
// else as JSON.
func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "true"
		}
		return "false"
	}
	j, _ := json.Marshal(v)
	return string(j)
}

// passedOn lists the upstream headers an invocation returns: content type,
// pagination and rate limits.
var passedOn = []string{"Content-Type", "Link", "Location", "Etag", "Retry-After", "X-Total-Count"}

func passedHeaders(h http.Header, secrets [][]byte) map[string]string {
	out := make(map[string]string)
	for name, vs := range h {
		lower := strings.ToLower(name)
		if slices.Contains(passedOn, name) || strings.HasPrefix(lower, "x-ratelimit-") || strings.HasPrefix(lower, "ratelimit") {
			out[name] = string(redact([]byte(strings.Join(vs, ", ")), secrets))
		}
	}
	return out
}

// shape turns an upstream body into an invocation's Output: JSON as it is,
// text as {"ContentType", "Body"}, anything else with Body in base64 and
// "Encoding": "base64". An empty body is null.
func shape(contentType string, body []byte) json.RawMessage {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	isJSON := mt == "application/json" || strings.HasSuffix(mt, "+json")
	if (isJSON || mt == "") && json.Valid(body) {
		return json.RawMessage(body)
	}
	out := struct {
		ContentType string `json:"ContentType"`
		Body        string `json:"Body"`
		Encoding    string `json:"Encoding,omitempty"`
	}{ContentType: contentType}
	if strings.HasPrefix(mt, "text/") || mt == "application/xml" || strings.HasSuffix(mt, "+xml") {
		out.Body = strings.ToValidUTF8(string(body), "\uFFFD")
	} else {
		out.Body, out.Encoding = base64.StdEncoding.EncodeToString(body), "base64"
	}
	j, _ := json.Marshal(out)
	return j
}

// redact replaces every occurrence of a credential in b, so that an upstream
// that echoes what it received does not hand it to the caller.
func redact(b []byte, secrets [][]byte) []byte {
	for _, s := range secrets {
		if len(s) >= 4 && bytes.Contains(b, s) {
			b = bytes.ReplaceAll(b, s, []byte("[REDACTED]"))
		}
	}
	return b
}
