package catalog

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/actiongate/actiongate"
)

// Type is the catalog entry of a connector type: the authentication types it
// accepts, the request that cheaply checks its credentials, and its actions.
type Type struct {
	Type actiongate.ConnectorType
	// Auth lists the authentication types a connector of this type may use,
	// in the order of shared/research/quicksuite.md §3.1.
	Auth []actiongate.AuthType
	// Verify is a cheap read that succeeds only with working credentials;
	// nil when the type has none.
	Verify *Verification
	// Docs is the address of the vendor's API reference the definitions
	// follow.
	Docs string
	// OKMember names a boolean member of the type's JSON answers that is
	// false when the call failed, even with a success status (Slack's "ok");
	// ErrorMember then names the member that says why. "" when the status
	// alone tells.
	OKMember, ErrorMember string
	// Actions are in the order of the type's file, ids unique.
	Actions []Action
}

// Verification is a request sent to a connector's BaseEndpoint to check its
// credentials, without input.
type Verification struct {
	Method string
	Path   string
}

// Action returns the action of t with id, and whether there is one.
func (t *Type) Action(id string) (Action, bool) {
	i := slices.IndexFunc(t.Actions, func(a Action) bool { return a.ID == id })
	if i < 0 {
		return Action{}, false
	}
	return t.Actions[i], true
}

// Lookup returns the catalog entry of connector type t; false when the
// catalog has none (GENERIC_HTTP, MODEL_CONTEXT_PROTOCOL and the types not
// yet defined). The entry is shared: callers must not modify it.
func Lookup(t actiongate.ConnectorType) (*Type, bool) {
	for _, e := range Types() {
		if e.Type == t {
			return e, true
		}
	}
	return nil, false
}

// Types returns every catalog entry, in the order of
// actiongate.ConnectorTypes. The entries are shared: callers must not modify
// them.
func Types() []*Type {
	return loaded()
}

//go:embed types/*.json
var files embed.FS

// loaded parses the embedded files once. A file that does not parse or
// breaks a rule of check is a bug in the binary, so it panics; the package's
// tests load every file.
var loaded = sync.OnceValue(func() []*Type {
	types, err := load(files)
	if err != nil {
		panic("catalog: " + err.Error())
	}
	return types
})

// file is the JSON form of one connector type's definitions
// (catalog/types/*.json).
type file struct {
	Type      actiongate.ConnectorType `json:"type"`
	AuthTypes []actiongate.AuthType    `json:"authTypes"`
	Verify    *struct {
		Method string `json:"method"`
		Path   string `json:"path"`
	} `json:"verify"`
	Docs        string       `json:"docs"`
	OKMember    string       `json:"okMember"`
	ErrorMember string       `json:"errorMember"`
	Actions     []fileAction `json:"actions"`
}

type fileAction struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// Class is READ or WRITE.
	Class string `json:"class"`
	// Docs is the vendor's reference page of the upstream call.
	Docs  string          `json:"docs"`
	Input json.RawMessage `json:"input"`
	// Request is set for an HTTP action, AWS for an AWS operation.
	Request *struct {
		Method      string            `json:"method"`
		Path        string            `json:"path"`
		Query       map[string]string `json:"query"`
		Header      map[string]string `json:"header"`
		FixedQuery  map[string]string `json:"fixedQuery"`
		FixedHeader map[string]string `json:"fixedHeader"`
		Body        string            `json:"body"`
		File        string            `json:"file"`
		Form        *struct {
			Fields   map[string]string `json:"fields"`
			FilePart string            `json:"filePart"`
		} `json:"form"`
	} `json:"request"`
	AWS *struct {
		Service   string `json:"service"`
		Operation string `json:"operation"`
	} `json:"aws"`
	// Flow names a flow of several requests that package runtime performs.
	Flow string `json:"flow"`
}

// load parses and checks every types/*.json file of fsys.
func load(fsys fs.FS) ([]*Type, error) {
	names, err := fs.Glob(fsys, "types/*.json")
	if err != nil {
		return nil, err
	}
	var out []*Type
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		t, err := parse(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if slices.ContainsFunc(out, func(o *Type) bool { return o.Type == t.Type }) {
			return nil, fmt.Errorf("%s: type %s is defined twice", name, t.Type)
		}
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *Type) int {
		return slices.Index(actiongate.ConnectorTypes, a.Type) - slices.Index(actiongate.ConnectorTypes, b.Type)
	})
	return out, nil
}

// parse decodes one type's file strictly and checks it.
func parse(b []byte) (*Type, error) {
	var f file
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	t := &Type{Type: f.Type, Auth: f.AuthTypes, Docs: f.Docs, OKMember: f.OKMember, ErrorMember: f.ErrorMember}
	if f.Verify != nil {
		t.Verify = &Verification{Method: f.Verify.Method, Path: f.Verify.Path}
	}
	for _, a := range f.Actions {
		input := a.Input
		if a.Request != nil && a.Request.File != "" {
			var err error
			if input, err = withFileSchema(input); err != nil {
				return nil, fmt.Errorf("action %s: input schema: %w", a.ID, err)
			}
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, input); err != nil {
			return nil, fmt.Errorf("action %s: input schema: %w", a.ID, err)
		}
		if a.Class != "READ" && a.Class != "WRITE" {
			return nil, fmt.Errorf("action %s: class %q is neither READ nor WRITE", a.ID, a.Class)
		}
		if n := count(a.Request != nil, a.AWS != nil, a.Flow != ""); n != 1 {
			return nil, fmt.Errorf("action %s: needs exactly one of request, aws and flow", a.ID)
		}
		def := Action{Action: actiongate.Action{ID: a.ID, Name: a.Name, Description: a.Description, Write: a.Class == "WRITE", InputSchema: compact.Bytes()}}
		if r := a.Request; r != nil {
			def.Request = Request{Method: r.Method, Path: r.Path, Query: r.Query, Header: r.Header, FixedQuery: r.FixedQuery, FixedHeader: r.FixedHeader, Body: r.Body, File: r.File}
			if r.Form != nil {
				def.Request.Form = &Form{Fields: r.Form.Fields, FilePart: r.Form.FilePart}
			}
		} else if a.AWS != nil {
			def.AWS = &AWSOperation{Service: a.AWS.Service, Operation: a.AWS.Operation}
		}
		def.Flow = a.Flow
		t.Actions = append(t.Actions, def)
	}
	if err := check(t); err != nil {
		return nil, err
	}
	return t, nil
}

// count returns how many of bs are true.
func count(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

var (
	// actionID is the form of an action id: an upstream operation name in
	// PascalCase.
	actionID = regexp.MustCompile(`^[A-Z][A-Za-z0-9]{0,63}$`)
	// pathParam is a {name} segment of a path template, as runtime reads it.
	pathParam = regexp.MustCompile(`\{([^{}/]+)\}`)
	methods   = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
	// ownHeaders are the headers the runtime sets on requests, which a
	// definition may not fix.
	ownHeaders = []string{"Authorization", "Content-Type", "Content-Length", "Host", "Cookie"}
)

// check enforces the rules every definition of t follows: a known type and
// known authentication types, IAM alone for the AMAZON_* types and never for
// the others; unique PascalCase ids; names and descriptions; an input schema
// that compiles (draft 2020-12, nothing fetched) and is an object schema.
// HTTP actions: a valid method, with GET only for reads and PUT, PATCH and
// DELETE only for writes; every {param} of the path a required string or
// number property; every query, header, body and form member a property; a
// JSON body or a file (FileSchema), not both, and none with GET. AWS
// actions (those of the AMAZON_* types, and only those): the type's service,
// the operation named by the id, PascalCase members.
func check(t *Type) error {
	if !slices.Contains(actiongate.ConnectorTypes, t.Type) || t.Type == actiongate.TypeGenericHTTP {
		return fmt.Errorf("type %q is not a built-in connector type", t.Type)
	}
	if len(t.Auth) == 0 {
		return fmt.Errorf("type %s accepts no authentication type", t.Type)
	}
	for _, a := range t.Auth {
		if !slices.Contains(actiongate.AuthTypes, a) {
			return fmt.Errorf("type %s: unknown authentication type %q", t.Type, a)
		}
	}
	service, isAWS := awsServices[t.Type]
	switch {
	case isAWS && !slices.Equal(t.Auth, []actiongate.AuthType{actiongate.AuthIAM}):
		return fmt.Errorf("type %s calls AWS with an IAM role: it accepts IAM and nothing else", t.Type)
	case isAWS && t.Verify != nil:
		return fmt.Errorf("type %s is verified by assuming its role: it has no verification request", t.Type)
	case !isAWS && slices.Contains(t.Auth, actiongate.AuthIAM):
		return fmt.Errorf("type %s is not an AWS service: it cannot accept IAM", t.Type)
	}
	if v := t.Verify; v != nil && (!slices.Contains(methods, v.Method) || !strings.HasPrefix(v.Path, "/") || pathParam.MatchString(v.Path)) {
		return fmt.Errorf("type %s: the verification request needs a method and a path without parameters", t.Type)
	}
	if (t.OKMember == "") != (t.ErrorMember == "") {
		return fmt.Errorf("type %s: okMember and errorMember go together", t.Type)
	}
	if len(t.Actions) == 0 {
		return fmt.Errorf("type %s has no actions", t.Type)
	}
	seen := make(map[string]bool)
	for _, a := range t.Actions {
		if !actionID.MatchString(a.ID) {
			return fmt.Errorf("action id %q is not PascalCase", a.ID)
		}
		if seen[a.ID] {
			return fmt.Errorf("action %s is defined twice", a.ID)
		}
		seen[a.ID] = true
		if err := checkAction(a, service); err != nil {
			return fmt.Errorf("action %s: %w", a.ID, err)
		}
	}
	return nil
}

// inputSchema is what check reads of an input schema.
type inputSchema struct {
	Type       string   `json:"type"`
	Required   []string `json:"required"`
	Properties map[string]struct {
		Type string `json:"type"`
		Ref  string `json:"$ref"`
	} `json:"properties"`
}

// checkAction checks a, an action of a type whose actions call the AWS
// service named service, or of a type of HTTP actions when service is "".
func checkAction(a Action, service string) error {
	if strings.TrimSpace(a.Name) == "" || strings.TrimSpace(a.Description) == "" {
		return fmt.Errorf("name and description are required")
	}
	if _, err := compile(a.InputSchema); err != nil {
		return fmt.Errorf("input schema: %w", err)
	}
	var s inputSchema
	if err := json.Unmarshal(a.InputSchema, &s); err != nil || s.Type != "object" {
		return fmt.Errorf("input schema must be an object schema with typed properties")
	}
	if service != "" {
		return checkAWS(a, service, s)
	}
	switch {
	case a.AWS != nil:
		return fmt.Errorf("only the actions of AMAZON_* types call AWS operations")
	case a.Flow != "":
		return nil
	}
	return checkRequest(a, s)
}

// memberName is the form of an AWS operation's input member.
var memberName = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)

// checkAWS checks an action that calls an operation of service.
func checkAWS(a Action, service string, s inputSchema) error {
	op := a.AWS
	switch {
	case op == nil || !reflect.ValueOf(a.Request).IsZero() || a.Flow != "":
		return fmt.Errorf("an action of an AMAZON_* type calls an AWS operation and sends no HTTP request")
	case op.Service != service:
		return fmt.Errorf("service %q is not %q, the service of the type", op.Service, service)
	case op.Operation != a.ID:
		return fmt.Errorf("operation %q is not the action id: ids are the operation names", op.Operation)
	}
	for name := range s.Properties {
		if !memberName.MatchString(name) {
			return fmt.Errorf("input member %q is not PascalCase, as AWS names members", name)
		}
	}
	for _, name := range s.Required {
		if _, ok := s.Properties[name]; !ok {
			return fmt.Errorf("required member %q is not a property of the input schema", name)
		}
	}
	return nil
}

// checkRequest checks an action that sends an HTTP request.
func checkRequest(a Action, s inputSchema) error {
	r := a.Request
	switch {
	case !slices.Contains(methods, r.Method):
		return fmt.Errorf("method %q is not one of %v", r.Method, methods)
	case r.Method == "GET" && a.Write:
		return fmt.Errorf("a GET request is a READ action")
	case (r.Method == "PUT" || r.Method == "PATCH" || r.Method == "DELETE") && !a.Write:
		return fmt.Errorf("a %s request is a WRITE action", r.Method)
	case r.Method == "GET" && r.Body != "":
		return fmt.Errorf("a GET request has no body")
	case !strings.HasPrefix(r.Path, "/") || strings.ContainsAny(r.Path, "?#"):
		return fmt.Errorf("path %q must start with / and hold no query", r.Path)
	}
	for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
		p, ok := s.Properties[m[1]]
		if !ok || !slices.Contains(s.Required, m[1]) || (p.Type != "string" && p.Type != "integer" && p.Type != "number") {
			return fmt.Errorf("path parameter {%s} must be a required string or number property", m[1])
		}
	}
	switch {
	case r.Body != "" && r.File != "":
		return fmt.Errorf("a request has a JSON body or a file, not both")
	case r.Form != nil && (r.File == "" || r.Form.FilePart == ""):
		return fmt.Errorf("a form names its file member and file part")
	case r.File != "" && r.Method == "GET":
		return fmt.Errorf("a GET request has no body")
	case slices.ContainsFunc(slices.Collect(maps.Keys(r.FixedHeader)), func(h string) bool {
		return slices.Contains(ownHeaders, http.CanonicalHeaderKey(h))
	}):
		return fmt.Errorf("a fixed header may not be one the runtime sets: %v", ownHeaders)
	case r.File != "" && s.Properties[r.File].Ref != "#/$defs/file":
		return fmt.Errorf("file member %q must be {\"$ref\": \"#/$defs/file\"}", r.File)
	}
	members := make([]string, 0, len(r.Query)+len(r.Header)+1)
	for _, m := range r.Query {
		members = append(members, m)
	}
	for _, m := range r.Header {
		members = append(members, m)
	}
	if r.Body != "" {
		members = append(members, r.Body)
	}
	if r.Form != nil {
		for _, m := range r.Form.Fields {
			members = append(members, m)
		}
	}
	for _, m := range members {
		if _, ok := s.Properties[m]; !ok {
			return fmt.Errorf("member %q of the request is not a property of the input schema", m)
		}
	}
	return nil
}

// withFileSchema adds FileSchema to an input schema as $defs.file, which
// the schema's file member refers to.
func withFileSchema(schema json.RawMessage) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(schema, &m); err != nil {
		return nil, err
	}
	if _, ok := m["$defs"]; ok {
		return nil, fmt.Errorf("$defs is reserved for the file schema")
	}
	m["$defs"] = json.RawMessage(`{"file":` + FileSchema + `}`)
	return json.Marshal(m)
}

// compile compiles an input schema as the runtime does: draft 2020-12, no
// loader, so a $ref outside the document fails.
func compile(schema json.RawMessage) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.UseLoader(jsonschema.SchemeURLLoader{})
	if err := c.AddResource("input.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("input.json")
}
