// Package catalog holds the definitions of actions: what callers see of each
// (id, name, description, read or write, input schema) and how its input
// becomes the upstream HTTP request. Built-in definitions are data; the
// actions of an imported OpenAPI document (package openapi) take the same form.
package catalog

import "github.com/actiongate/actiongate"

// Action is an action definition.
type Action struct {
	actiongate.Action
	Request Request
}

// Request says how an action's input, a JSON object, becomes the upstream
// HTTP request.
type Request struct {
	Method string // GET, POST, PUT, PATCH or DELETE
	// Path is appended to the connector's BaseEndpoint. Each {name} in it is
	// replaced by the input member name, path-escaped; those members are
	// required by the input schema.
	Path string
	// Query maps query parameter names to the input members that give their
	// values; absent members are left out.
	Query map[string]string
	// Header maps request header names to the input members that give their
	// values; absent members are left out.
	Header map[string]string
	// Body names the input member sent as the JSON request body; "" sends no
	// body.
	Body string
}
