package runtime

import (
	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/catalog"
)

// genericAuthTypes are the authentication types of a GENERIC_HTTP connector:
// every type that works with a base endpoint (shared/research/quicksuite.md
// §3.17).
var genericAuthTypes = []actiongate.AuthType{
	actiongate.AuthOAuth2AuthorizationCode, actiongate.AuthOAuth2ClientCredentials,
	actiongate.AuthAPIKey, actiongate.AuthBasic, actiongate.AuthNone,
}

// AuthTypes returns the authentication types connectors of type t accept:
// the catalog's for the types it defines, those that work with a base
// endpoint for GENERIC_HTTP, and nil (any) for types the catalog does not
// define yet.
func (r *Runtime) AuthTypes(t actiongate.ConnectorType) []actiongate.AuthType {
	if t == actiongate.TypeGenericHTTP {
		return genericAuthTypes
	}
	if e, ok := catalog.Lookup(t); ok {
		return e.Auth
	}
	return nil
}
