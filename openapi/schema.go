package openapi

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// converter turns OpenAPI schemas into JSON Schema 2020-12 with every $ref
// inlined.
type converter struct {
	// oas30 says the document is OpenAPI 3.0, whose schemas have nullable
	// and boolean exclusiveMinimum and exclusiveMaximum.
	oas30 bool
	// budget is how many more schemas may be written.
	budget int
	// refs and stack are the $refs and schemas being converted, outermost
	// first: meeting one again means a cycle.
	refs  []string
	stack []*openapi3.Schema
}

// member returns the schema of an input member: r's, with description, when
// not empty, and the display name in ext as its description and title.
func (c *converter) member(r *openapi3.SchemaRef, loc, description string, ext map[string]any) (any, error) {
	v, err := c.convert(r, &place{part: loc})
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		if v != true {
			return v, nil
		}
		m = map[string]any{}
	}
	if description = strings.TrimSpace(description); description != "" {
		m["description"] = description
	}
	title, err := displayName(ext, &place{part: loc})
	if err != nil {
		return nil, err
	}
	if title != "" {
		m["title"] = title
	}
	return m, nil
}

// displayName returns the x-amzn-form-display-name in ext, or "".
func displayName(ext map[string]any, loc fmt.Stringer) (string, error) {
	v, ok := ext[extDisplayName]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", invalid("%s: %s must be a string.", loc, extDisplayName)
	}
	return s, nil
}

// convert returns the JSON Schema of r, found at loc: a map, or a bool for a
// boolean schema. A nil r is the schema that accepts anything.
func (c *converter) convert(r *openapi3.SchemaRef, loc *place) (any, error) {
	if r == nil {
		return map[string]any{}, nil
	}
	title, err := displayName(r.Extensions, loc)
	if err != nil {
		return nil, err
	}
	if r.Ref != "" {
		if slices.Contains(c.refs, r.Ref) {
			return nil, invalid("%s: $ref %q is circular (the schema contains itself); circular references are not supported.", loc, r.Ref)
		}
		c.refs = append(c.refs, r.Ref)
		defer func() { c.refs = c.refs[:len(c.refs)-1] }()
		if strings.HasPrefix(r.Ref, "#/") {
			loc = &place{ref: r.Ref}
		}
	}
	s := r.Value
	if s == nil {
		return nil, invalid("%s: $ref %q does not resolve to a schema.", loc, r.Ref)
	}
	if slices.Contains(c.stack, s) {
		return nil, invalid("%s: the schema contains itself through a circular $ref; circular references are not supported.", loc)
	}
	if len(c.stack) >= MaxDepth {
		return nil, invalid("%s: schemas nest more than %d levels deep.", loc, MaxDepth)
	}
	if c.budget--; c.budget < 0 {
		return nil, invalid("%s: the input schemas of the document's operations hold more than %d schemas once their $refs are inlined.", loc, MaxSchemas)
	}
	c.stack = append(c.stack, s)
	defer func() { c.stack = c.stack[:len(c.stack)-1] }()

	for _, k := range []struct {
		name string
		used bool
	}{
		{"allOf", len(s.AllOf) > 0},
		{"oneOf", len(s.OneOf) > 0},
		{"anyOf", len(s.AnyOf) > 0},
		{"not", s.Not != nil},
		{"$dynamicRef", s.DynamicRef != ""},
	} {
		if k.used {
			return nil, invalid("%s: %s is not supported in schemas.", loc, k.name)
		}
	}
	if s.Always != nil {
		return *s.Always, nil
	}

	m := map[string]any{}
	if s.Type != nil && len(*s.Type) > 0 {
		types := slices.Clone(*s.Type)
		if c.oas30 && s.Nullable && !slices.Contains(types, openapi3.TypeNull) {
			types = append(types, openapi3.TypeNull)
		}
		if len(types) == 1 {
			m["type"] = types[0]
		} else {
			m["type"] = types
		}
	}
	if title == "" {
		if title, err = displayName(s.Extensions, loc); err != nil {
			return nil, err
		}
	}
	for k, v := range map[string]string{
		"title":            cmp.Or(title, s.Title),
		"description":      s.Description,
		"format":           s.Format,
		"pattern":          s.Pattern,
		"contentMediaType": s.ContentMediaType,
		"contentEncoding":  s.ContentEncoding,
	} {
		if v != "" {
			m[k] = v
		}
	}
	for k, v := range map[string]bool{
		"uniqueItems": s.UniqueItems,
		"readOnly":    s.ReadOnly,
		"writeOnly":   s.WriteOnly,
		"deprecated":  s.Deprecated,
	} {
		if v {
			m[k] = true
		}
	}
	if s.Enum != nil {
		m["enum"] = s.Enum
	}
	if s.Default != nil {
		m["default"] = s.Default
	}
	if s.Const != nil {
		m["const"] = s.Const
	}
	if len(s.Examples) > 0 {
		m["examples"] = s.Examples
	} else if s.Example != nil {
		m["examples"] = []any{s.Example}
	}

	bound(m, "minimum", "exclusiveMinimum", s.Min, s.ExclusiveMin)
	bound(m, "maximum", "exclusiveMaximum", s.Max, s.ExclusiveMax)
	if s.MultipleOf != nil {
		m["multipleOf"] = *s.MultipleOf
	}
	for k, v := range map[string]uint64{"minLength": s.MinLength, "minItems": s.MinItems, "minProperties": s.MinProps} {
		if v > 0 {
			m[k] = v
		}
	}
	for k, v := range map[string]*uint64{
		"maxLength":     s.MaxLength,
		"maxItems":      s.MaxItems,
		"maxProperties": s.MaxProps,
		"minContains":   s.MinContains,
		"maxContains":   s.MaxContains,
	} {
		if v != nil {
			m[k] = *v
		}
	}

	// Subschemas, in a fixed order so that the first error is always the
	// same one.
	for _, k := range []struct {
		name string
		r    *openapi3.SchemaRef
	}{
		{"items", s.Items},
		{"contains", s.Contains},
		{"propertyNames", s.PropertyNames},
		{"if", s.If},
		{"then", s.Then},
		{"else", s.Else},
		{"contentSchema", s.ContentSchema},
	} {
		if k.r == nil {
			continue
		}
		if m[k.name], err = c.convert(k.r, loc.at(k.name)); err != nil {
			return nil, err
		}
	}
	if len(s.PrefixItems) > 0 {
		items := make([]any, len(s.PrefixItems))
		for i, r := range s.PrefixItems {
			if items[i], err = c.convert(r, loc.at("prefixItems").at(strconv.Itoa(i))); err != nil {
				return nil, err
			}
		}
		m["prefixItems"] = items
	}
	for _, k := range []struct {
		name    string
		schemas openapi3.Schemas
	}{
		{"properties", s.Properties},
		{"patternProperties", s.PatternProperties},
		{"dependentSchemas", s.DependentSchemas},
	} {
		if k.schemas == nil {
			continue
		}
		out := map[string]any{}
		for _, name := range sortedKeys(k.schemas) {
			r := k.schemas[name]
			if k.name == "properties" && r != nil && r.Value != nil && r.Value.ReadOnly {
				continue // not sent in requests
			}
			if out[name], err = c.convert(r, loc.at(k.name).at(name)); err != nil {
				return nil, err
			}
		}
		m[k.name] = out
	}
	if len(s.Required) > 0 {
		var required []string
		for _, name := range s.Required {
			if r := s.Properties[name]; r != nil && r.Value != nil && r.Value.ReadOnly {
				continue
			}
			required = append(required, name)
		}
		if len(required) > 0 {
			m["required"] = required
		}
	}
	if len(s.DependentRequired) > 0 {
		m["dependentRequired"] = s.DependentRequired
	}
	for _, k := range []struct {
		name string
		b    openapi3.BoolSchema
	}{
		{"additionalProperties", s.AdditionalProperties},
		{"unevaluatedItems", s.UnevaluatedItems},
		{"unevaluatedProperties", s.UnevaluatedProperties},
	} {
		switch {
		case k.b.Has != nil:
			m[k.name] = *k.b.Has
		case k.b.Schema != nil:
			if m[k.name], err = c.convert(k.b.Schema, loc.at(k.name)); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

// bound sets the JSON Schema 2020-12 form of an OpenAPI lower or upper bound:
// in OpenAPI 3.0 exclusive is a boolean that modifies value, in 3.1 a number
// of its own.
func bound(m map[string]any, name, exclusiveName string, value *float64, exclusive openapi3.ExclusiveBound) {
	if exclusive.Value != nil {
		m[exclusiveName] = *exclusive.Value
	}
	if value == nil {
		return
	}
	if exclusive.IsTrue() {
		m[exclusiveName] = *value
	} else {
		m[name] = *value
	}
}

// place is where a schema is in the document, in the dotted form of error
// messages; it is written out only for an error.
type place struct {
	parent *place
	// part follows the parent's, after a dot; with no parent, it is the
	// whole start of the place, unless ref is set.
	part string
	// ref is the local $ref the place starts at.
	ref string
}

// at returns the place of part, within p.
func (p *place) at(part string) *place { return &place{parent: p, part: part} }

func (p *place) String() string {
	var parts []string
	for ; p != nil; p = p.parent {
		if p.ref != "" {
			parts = append(parts, pointerLoc(p.ref))
		} else {
			parts = append(parts, p.part)
		}
	}
	slices.Reverse(parts)
	return strings.Join(parts, ".")
}

// pointerLoc returns the place a local $ref points to, in the dotted form of
// error messages: #/components/schemas/Issue is components.schemas.Issue.
func pointerLoc(ref string) string {
	frag := strings.TrimPrefix(ref, "#/")
	if u, err := url.PathUnescape(frag); err == nil {
		frag = u
	}
	parts := strings.Split(frag, "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return strings.Join(parts, ".")
}

func sortedKeys(m openapi3.Schemas) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
