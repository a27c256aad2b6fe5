package actiongate

import (
	"context"
	"time"
)

// RuntimeStore keeps what performing actions needs besides the connectors
// themselves: cached OAuth tokens (sealed secrets of kind SecretToken), leases
// that let one process at a time refresh a token or verify a connector,
// pending 3LO sign-ins, imported OpenAPI documents, and the lifecycle state of
// connectors awaiting verification. It is part of Store.
//
// ConnectorDelete removes a connector's tokens (kind SecretToken, owned by the
// connector id) and its OpenAPI document along with it.
type RuntimeStore interface {
	// SecretCreate stores a new sealed secret; KindExists when its ref is taken.
	SecretCreate(ctx context.Context, s SealedSecret) error
	// SecretDelete removes every sealed secret of (account, kind, owner),
	// whatever its field. Deleting none is not an error.
	SecretDelete(ctx context.Context, account string, kind SecretKind, owner string) error

	// LeaseAcquire gives the lease name to holder until until, when no one
	// holds it, its holder's time has run out (until <= now), or holder holds
	// it already, and reports whether holder holds it now. Exactly one of
	// concurrent acquirers of a free lease wins.
	LeaseAcquire(ctx context.Context, name, holder string, now, until time.Time) (bool, error)
	// LeaseRelease frees the lease if holder holds it; otherwise it does nothing.
	LeaseRelease(ctx context.Context, name, holder string) error

	// SignInCreate stores a pending sign-in; KindExists when its State is taken.
	SignInCreate(ctx context.Context, p *SignIn) error
	// SignInGet returns the pending sign-in of state; KindNotFound when there
	// is none.
	SignInGet(ctx context.Context, state string) (*SignIn, error)
	// SignInTake removes the pending sign-in of state and returns it;
	// KindNotFound when there is none. Of concurrent takers exactly one gets it.
	SignInTake(ctx context.Context, state string) (*SignIn, error)
	// SignInPurge removes the pending sign-ins that expired before before and
	// returns how many it removed.
	SignInPurge(ctx context.Context, before time.Time) (int, error)

	// SpecPut stores doc as the connector's OpenAPI document, replacing any
	// other, if the connector's Version equals version, and then increments the
	// Version. KindNotFound, KindConflict.
	SpecPut(ctx context.Context, account, id string, version int64, doc []byte) error
	// SpecGet returns the connector's OpenAPI document, or nil when it has
	// none; KindNotFound when the connector does not exist.
	SpecGet(ctx context.Context, account, id string) ([]byte, error)

	// ConnectorPending returns at most limit connectors, of every account, whose
	// Status is CREATION_IN_PROGRESS or UPDATE_IN_PROGRESS, ordered by
	// (AccountID, ID) and starting after (afterAccount, afterID).
	ConnectorPending(ctx context.Context, afterAccount, afterID string, limit int) ([]*Connector, error)
	// ConnectorSetStatus sets the connector's Status and Error (nil clears it)
	// if its Version equals version. The Version does not change.
	// KindNotFound, KindConflict.
	ConnectorSetStatus(ctx context.Context, account, id string, version int64, status Status, cerr *ConnectorError) error
}

// SignIn is a 3LO sign-in in progress: a user was sent to the connector's
// authorization endpoint and is expected back at its redirect URL with State.
type SignIn struct {
	// State is the OAuth state parameter: 256 random bits, base64url. It is
	// the sign-in's key and is used once.
	State       string
	AccountID   string
	ConnectorID string
	UserARN     string
	// Verifier is the sealed PKCE code verifier (RFC 7636), bound to
	// SignInVerifierRef(State, AccountID).
	Verifier []byte
	// Expires is when the sign-in stops being accepted.
	Expires time.Time
}

// SignInVerifierRef is the ref whose AAD binds the sealed code verifier of
// the sign-in with state in account. The verifier lives in the SignIn record,
// not in the secret table; the ref only names what it is bound to.
func SignInVerifierRef(account, state string) SecretRef {
	return SecretRef{AccountID: account, Kind: SecretSignIn, OwnerID: state, Field: "CodeVerifier"}
}

// TokenRef is the ref of the cached OAuth token set of a connector: the
// connector's own (client credentials) when user is "", else user's (3LO).
func TokenRef(account, connector, user string) SecretRef {
	field := "ServiceToken"
	if user != "" {
		field = "User:" + user
	}
	return SecretRef{AccountID: account, Kind: SecretToken, OwnerID: connector, Field: field}
}
