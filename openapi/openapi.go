// Package openapi turns an imported OpenAPI 3 document, the spec of a
// GENERIC_HTTP connector, into the connector's actions: one catalog.Action
// per operation.
//
// It applies the rules Quick Suite applies to imported documents (research
// §3.18, "OpenAPI connectors"), with two deliberate differences: array
// schemas are accepted, and a request body may list other media types next to
// application/json (only the JSON one is used).
package openapi

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/catalog"
)

// The limits Parse enforces.
const (
	// MaxSize is the largest document accepted, in bytes.
	MaxSize = 1_000_000
	// MaxOperations is the most operations a document may define; it must
	// define at least one.
	MaxOperations = 100
	// MaxDescription is the longest operation description or summary, in
	// characters.
	MaxDescription = 5000
	// MaxSchemas is the most schemas the input schemas of a document's
	// actions may hold together once every $ref is inlined.
	MaxSchemas = 50_000
	// MaxDepth is how deeply schemas may nest, $refs followed.
	MaxDepth = 64
)

// BodyMember is the input member that holds an action's JSON request body.
const BodyMember = "body"

// The extensions Parse reads.
const (
	// extOperationType, on an operation, is "read" or "write".
	extOperationType = "x-amzn-operation-type"
	// extDisplayName, on a parameter, a request body or a schema, labels it
	// in confirmation forms; it becomes the schema's title.
	extDisplayName = "x-amzn-form-display-name"
)

var (
	pathPattern        = regexp.MustCompile(`^/[^/]*(/[^/]*)*$`)
	operationIDPattern = regexp.MustCompile(`^[a-zA-Z0-9_ ]{1,256}$`)
	versionPattern     = regexp.MustCompile(`^3\.[01]\.[0-9]+$`)
	templatePattern    = regexp.MustCompile(`\{([^{}]*)\}`)
)

// methods are the HTTP methods an operation may have, in the order a path's
// operations are checked.
var methods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost,
	http.MethodPut, http.MethodPatch, http.MethodDelete,
}

// Parse checks doc and returns its actions, one per operation, ordered by
// operation id (by action ID, byte-wise).
//
// doc must be an OpenAPI 3.0.x or 3.1.x document written as JSON, at most
// MaxSize bytes, with info, servers and paths, and 1 to MaxOperations
// operations (GET, HEAD, POST, PUT, PATCH or DELETE). Every path must match
// ^/[^/]*(/[^/]*)*$; every operation needs an operationId matching
// ^[a-zA-Z0-9_ ]{1,256}$, unique in the document, and a description or a
// summary, each at most MaxDescription characters. $refs must be local
// (#/...); nothing is ever fetched. Schemas may not use allOf, oneOf, anyOf,
// not, $dynamicRef or circular $refs. Parameters are in the path, the query or
// a header (not a cookie) and have a schema; a request body must offer
// application/json.
//
// Each operation becomes an action:
//   - ID is the operationId with its spaces replaced by underscores;
//   - Name is the summary, or the operationId; Description is the
//     description, or the summary;
//   - Write follows x-amzn-operation-type ("read" or "write"), by default
//     false for GET and HEAD and true for the other methods;
//   - Request.Method is the upper-case method, Request.Path the path template
//     as written (the servers' URLs are ignored: the connector's base
//     endpoint applies);
//   - every path, query and header parameter becomes an input member of the
//     same name (path parameters always required), and Request.Query and
//     Request.Header map parameter names to them; parameters of the path
//     item apply to each of its operations unless the operation declares one
//     of the same name and location; header parameters named Accept,
//     Content-Type or Authorization are ignored, as OpenAPI says;
//   - a JSON request body becomes the member BodyMember, required when the
//     request body is;
//   - InputSchema is a JSON Schema (draft 2020-12) object with those members
//     as properties and additionalProperties false, compact JSON with sorted
//     keys, every $ref inlined. OpenAPI 3.0's nullable and boolean
//     exclusiveMinimum/Maximum are translated; example becomes examples;
//     readOnly properties are left out; x-amzn-form-display-name becomes the
//     title; discriminator, xml, externalDocs and other extensions are
//     dropped.
//
// Security schemes and requirements are ignored: the connector's own
// authentication applies to every action.
//
// Errors are *actiongate.Error of KindInvalid whose message names the place
// in the document and the rule broken, as in
// "paths./issues.post: operationId is required.".
func Parse(doc []byte) ([]catalog.Action, error) {
	if err := checkTop(doc); err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	ctx := context.Background()
	loader.Context = ctx
	t, err := loader.LoadFromData(doc)
	if err != nil {
		if e, ok := errors.AsType[*openapi3.DisallowedExternalRefError](err); ok {
			return nil, invalid("$ref %q points outside the document; only local references (#/...) are allowed.", e.Ref)
		}
		return nil, invalid("The document is not valid OpenAPI: %v.", err)
	}
	ops, err := operations(t)
	if err != nil {
		return nil, err
	}
	if err := t.Validate(ctx, openapi3.DisableExamplesValidation()); err != nil {
		return nil, invalid("The document is not valid OpenAPI: %v.", err)
	}
	conv := &converter{oas30: t.IsOpenAPI30(), budget: MaxSchemas}
	actions := make([]catalog.Action, 0, len(ops))
	for _, o := range ops {
		a, err := conv.action(o)
		if err != nil {
			return nil, err
		}
		actions = append(actions, a)
	}
	slices.SortFunc(actions, func(a, b catalog.Action) int { return cmp.Compare(a.ID, b.ID) })
	return actions, nil
}

func invalid(format string, args ...any) error {
	return actiongate.Errorf(actiongate.KindInvalid, format, args...)
}

// checkTop checks what can be checked before the document is loaded: its
// size, that it is a JSON object, its version and its required members.
func checkTop(doc []byte) error {
	if len(doc) > MaxSize {
		return invalid("The document is %d bytes; at most %d bytes are allowed.", len(doc), MaxSize)
	}
	trimmed := bytes.TrimLeft(doc, " \t\r\n")
	if len(trimmed) == 0 {
		return invalid("The document is empty; an OpenAPI document in JSON is required.")
	}
	if trimmed[0] != '{' {
		return invalid("The document must be a JSON object; YAML and other formats are not accepted.")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return invalid("The document is not valid JSON: %v (at byte %d); YAML and other formats are not accepted.", syn, syn.Offset)
		}
		return invalid("The document is not valid JSON: %v.", err)
	}
	if _, ok := top["swagger"]; ok {
		return invalid("The document is Swagger (OpenAPI 2.0); only OpenAPI 3.0.x and 3.1.x are accepted.")
	}
	raw, ok := top["openapi"]
	if !ok {
		return invalid(`"openapi" is required: the OpenAPI version, 3.0.x or 3.1.x.`)
	}
	var version string
	if err := json.Unmarshal(raw, &version); err != nil {
		return invalid(`"openapi" must be a string: the OpenAPI version, 3.0.x or 3.1.x.`)
	}
	if !versionPattern.MatchString(version) {
		return invalid(`"openapi" is %q; only OpenAPI 3.0.x and 3.1.x are accepted.`, version)
	}
	for _, m := range []struct{ name, kind string }{{"info", "an object"}, {"servers", "a non-empty array"}, {"paths", "an object"}} {
		raw, ok := top[m.name]
		if !ok {
			return invalid("%q is required.", m.name)
		}
		var good bool
		switch m.name {
		case "servers":
			var a []json.RawMessage
			good = json.Unmarshal(raw, &a) == nil && len(a) > 0
		default:
			var o map[string]json.RawMessage
			good = json.Unmarshal(raw, &o) == nil && o != nil
		}
		if !good {
			return invalid("%q must be %s.", m.name, m.kind)
		}
	}
	return nil
}

// operation is one operation of a document, with where it is.
type operation struct {
	path, method string
	loc          string // paths.{path}.{method}
	item         *openapi3.PathItem
	op           *openapi3.Operation
	id           string // the action id
}

// operations returns the operations of t, in the order of their paths and
// methods, once checked against the rules about paths, methods, operation ids
// and descriptions.
func operations(t *openapi3.T) ([]operation, error) {
	if t.Paths == nil {
		return nil, invalid(`"paths" is required.`)
	}
	items := t.Paths.Map()
	paths := make([]string, 0, len(items))
	n := 0
	for p, item := range items {
		paths = append(paths, p)
		if item != nil {
			n += len(item.Operations())
		}
	}
	if n == 0 {
		return nil, invalid("paths: the document defines no operations; 1 to %d are required.", MaxOperations)
	}
	if n > MaxOperations {
		return nil, invalid("paths: the document defines %d operations; at most %d are allowed.", n, MaxOperations)
	}
	slices.Sort(paths)
	var ops []operation
	ids := map[string]operation{} // by action id
	for _, p := range paths {
		item := items[p]
		if item == nil || len(item.Operations()) == 0 {
			continue
		}
		if !pathPattern.MatchString(p) {
			return nil, invalid("paths.%s: a path must start with / and match ^/[^/]*(/[^/]*)*$.", p)
		}
		byMethod := item.Operations()
		for _, m := range slices.Sorted(maps.Keys(byMethod)) {
			if !slices.Contains(methods, m) {
				return nil, invalid("paths.%s.%s: %s operations are not supported; only GET, HEAD, POST, PUT, PATCH and DELETE are.", p, strings.ToLower(m), m)
			}
		}
		for _, m := range methods {
			op := byMethod[m]
			if op == nil {
				continue
			}
			o := operation{path: p, method: m, loc: "paths." + p + "." + strings.ToLower(m), item: item, op: op}
			if op.OperationID == "" {
				return nil, invalid("%s: operationId is required.", o.loc)
			}
			if !operationIDPattern.MatchString(op.OperationID) {
				return nil, invalid("%s: operationId %q must be 1 to 256 letters, digits, underscores and spaces.", o.loc, op.OperationID)
			}
			o.id = strings.ReplaceAll(op.OperationID, " ", "_")
			if other, ok := ids[o.id]; ok {
				if other.op.OperationID != op.OperationID {
					return nil, invalid("%s: operationId %q is that of %s, %q, once spaces become underscores; operation ids must be unique.", o.loc, op.OperationID, other.loc, other.op.OperationID)
				}
				return nil, invalid("%s: operationId %q is also that of %s; operation ids must be unique.", o.loc, op.OperationID, other.loc)
			}
			ids[o.id] = o
			if strings.TrimSpace(op.Description) == "" && strings.TrimSpace(op.Summary) == "" {
				return nil, invalid("%s: a description (or a summary) is required.", o.loc)
			}
			for _, f := range []struct{ name, text string }{{"description", op.Description}, {"summary", op.Summary}} {
				if c := utf8.RuneCountInString(f.text); c > MaxDescription {
					return nil, invalid("%s: the %s is %d characters long; at most %d are allowed.", o.loc, f.name, c, MaxDescription)
				}
			}
			ops = append(ops, o)
		}
	}
	return ops, nil
}

// action returns the action of o.
func (c *converter) action(o operation) (catalog.Action, error) {
	op := o.op
	write := o.method != http.MethodGet && o.method != http.MethodHead
	if v, ok := op.Extensions[extOperationType]; ok {
		switch v {
		case "read":
			write = false
		case "write":
			write = true
		default:
			return catalog.Action{}, invalid(`%s: %s must be "read" or "write".`, o.loc, extOperationType)
		}
	}
	a := catalog.Action{
		Action: actiongate.Action{
			ID:          o.id,
			Name:        cmp.Or(strings.TrimSpace(op.Summary), op.OperationID),
			Description: cmp.Or(strings.TrimSpace(op.Description), strings.TrimSpace(op.Summary)),
			Write:       write,
		},
		Request: catalog.Request{Method: o.method, Path: o.path},
	}

	props := map[string]any{}
	var required []string
	in := map[string]string{} // member -> location of the parameter
	params, err := parameters(o)
	if err != nil {
		return catalog.Action{}, err
	}
	for _, p := range params {
		loc := o.loc + ".parameters." + p.Name
		if p.In == openapi3.ParameterInHeader && isIgnoredHeader(p.Name) {
			continue
		}
		switch p.In {
		case openapi3.ParameterInPath, openapi3.ParameterInQuery, openapi3.ParameterInHeader:
		case openapi3.ParameterInCookie:
			return catalog.Action{}, invalid("%s: cookie parameters are not supported; use path, query or header parameters.", loc)
		default:
			return catalog.Action{}, invalid("%s: parameter location %q is not supported; use path, query or header.", loc, p.In)
		}
		if prev, ok := in[p.Name]; ok {
			return catalog.Action{}, invalid("%s: the %s parameter and the %s parameter are both named %q; parameter names must be unique across locations.", loc, prev, p.In, p.Name)
		}
		if p.Schema == nil {
			return catalog.Action{}, invalid("%s: the parameter must have a schema; content is not supported.", loc)
		}
		in[p.Name] = p.In
		s, err := c.member(p.Schema, loc+".schema", p.Description, p.Extensions)
		if err != nil {
			return catalog.Action{}, err
		}
		props[p.Name] = s
		switch p.In {
		case openapi3.ParameterInPath:
			required = append(required, p.Name)
		case openapi3.ParameterInQuery:
			a.Request.Query = addTo(a.Request.Query, p.Name)
		case openapi3.ParameterInHeader:
			a.Request.Header = addTo(a.Request.Header, p.Name)
		}
		if p.In != openapi3.ParameterInPath && p.Required {
			required = append(required, p.Name)
		}
	}
	for _, m := range templatePattern.FindAllStringSubmatch(o.path, -1) {
		if in[m[1]] != openapi3.ParameterInPath {
			return catalog.Action{}, invalid("%s: the path has {%s} but the operation has no path parameter %q.", o.loc, m[1], m[1])
		}
	}

	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		loc := o.loc + ".requestBody"
		body := rb.Value
		media, err := jsonMedia(body.Content, loc)
		if err != nil {
			return catalog.Action{}, err
		}
		if prev, ok := in[BodyMember]; ok {
			return catalog.Action{}, invalid("%s: the %s parameter %q has the name of the input member that holds the request body; rename the parameter.", loc, prev, BodyMember)
		}
		s, err := c.member(media.Schema, loc+".content.application/json.schema", body.Description, body.Extensions)
		if err != nil {
			return catalog.Action{}, err
		}
		props[BodyMember] = s
		a.Request.Body = BodyMember
		if body.Required {
			required = append(required, BodyMember)
		}
	}

	schema := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		slices.Sort(required)
		schema["required"] = required
	}
	a.InputSchema, err = compile(schema, o.loc)
	if err != nil {
		return catalog.Action{}, err
	}
	return a, nil
}

// parameters returns the parameters of o: those of its path item, then its
// own, one declared by both taking the operation's.
func parameters(o operation) ([]*openapi3.Parameter, error) {
	type key struct{ name, in string }
	var out []*openapi3.Parameter
	shared := map[key]int{} // the path item's, by key: index in out
	for i, r := range o.item.Parameters {
		if r == nil || r.Value == nil {
			return nil, invalid("paths.%s.parameters[%d]: the parameter is empty.", o.path, i)
		}
		k := key{r.Value.Name, r.Value.In}
		if _, ok := shared[k]; ok {
			return nil, invalid("paths.%s.parameters.%s: the %s parameter %q is declared twice.", o.path, k.name, k.in, k.name)
		}
		shared[k] = len(out)
		out = append(out, r.Value)
	}
	own := map[key]bool{}
	for i, r := range o.op.Parameters {
		if r == nil || r.Value == nil {
			return nil, invalid("%s.parameters[%d]: the parameter is empty.", o.loc, i)
		}
		k := key{r.Value.Name, r.Value.In}
		if own[k] {
			return nil, invalid("%s.parameters.%s: the %s parameter %q is declared twice.", o.loc, k.name, k.in, k.name)
		}
		own[k] = true
		if j, ok := shared[k]; ok {
			out[j] = r.Value
			continue
		}
		out = append(out, r.Value)
	}
	return out, nil
}

func isIgnoredHeader(name string) bool {
	return strings.EqualFold(name, "Accept") || strings.EqualFold(name, "Content-Type") || strings.EqualFold(name, "Authorization")
}

func addTo(m map[string]string, name string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[name] = name
	return m
}

// jsonMedia returns the application/json media type of a request body's
// content.
func jsonMedia(content openapi3.Content, loc string) (*openapi3.MediaType, error) {
	types := make([]string, 0, len(content))
	for t, m := range content {
		if mt, _, err := mime.ParseMediaType(t); err == nil && mt == "application/json" && m != nil {
			return m, nil
		}
		types = append(types, t)
	}
	slices.Sort(types)
	if len(types) == 0 {
		return nil, invalid("%s: the request body has no content; only application/json request bodies are supported.", loc)
	}
	return nil, invalid("%s: only application/json request bodies are supported, not %s.", loc, strings.Join(quoteAll(types), ", "))
}

func quoteAll(s []string) []string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return q
}

// compile returns schema as compact JSON once it compiles as JSON Schema
// 2020-12, the way the runtime compiles it, with nothing loaded from outside.
func compile(schema map[string]any, loc string) (json.RawMessage, error) {
	b, err := json.Marshal(schema)
	if err != nil {
		return nil, invalid("%s: the input schema cannot be written as JSON: %v.", loc, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return nil, invalid("%s: the input schema cannot be read back as JSON: %v.", loc, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(noLoader{})
	const url = "urn:actiongate:input"
	if err := c.AddResource(url, v); err != nil {
		return nil, invalid("%s: the input schema is not valid JSON Schema: %v.", loc, err)
	}
	if _, err := c.Compile(url); err != nil {
		return nil, invalid("%s: the input schema is not valid JSON Schema 2020-12: %v.", loc, err)
	}
	return b, nil
}

// noLoader refuses to load any schema: input schemas have their $refs
// inlined.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("loading %s is not allowed", url)
}
