// Package actiongate holds the domain of the actiongate action-connector service:
// connectors, their authentication configuration, permissions, tags, the identities
// that call the API, the error kinds every adapter maps to its wire, and the Service
// that carries out the use cases.
//
// The package imports only the standard library. Storage, encryption, the wire
// protocol and outbound calls are adapters that live in sub-packages and plug in
// through the small interfaces declared here (Store, Sealer).
package actiongate
