package actiongate

import (
	"context"
	"encoding/binary"
	"time"
)

// Store persists connectors, their permissions, tags and sealed secrets, the
// identities that call the API, and the vault's data keys. Drivers hold SQL, not
// business rules: every rule is applied by the Service before a Store call.
//
// Connectors are stored without their ARN, which the Service derives, and
// times are kept to the microsecond. Orderings are by bytes (Go's
// strings.Compare), whatever the database's collation.
//
// Errors: a missing resource is KindNotFound, a duplicate KindExists, a write
// whose expected version is no longer current KindConflict; anything else is
// returned as it is and counts as KindInternal. Every method is safe for
// concurrent use, also by several processes sharing one database.
type Store interface {
	DirectoryStore

	AuditStore   // the audit log, in audit.go
	RuntimeStore // tokens, leases, sign-ins, OpenAPI documents; in store_runtime.go

	// ConnectorCreate stores a new connector, with stored Version 1, and its
	// sealed secrets, permissions and tags, all or nothing. c is not changed.
	ConnectorCreate(ctx context.Context, c *Connector, secrets []SealedSecret, perms []Permission, tags []Tag) error
	// ConnectorGet returns the connector, without secrets.
	ConnectorGet(ctx context.Context, account, id string) (*Connector, error)
	// ConnectorUpdate replaces the stored connector and all its sealed secrets if
	// the stored Version equals c.Version; the stored Version becomes
	// c.Version+1. c is not changed.
	ConnectorUpdate(ctx context.Context, c *Connector, secrets []SealedSecret) error
	// ConnectorDelete removes the connector with its secrets, permissions and tags.
	ConnectorDelete(ctx context.Context, account, id string) error
	// ConnectorList returns the first p.Limit connectors (all of them when fewer
	// remain; none when p.Limit <= 0) of p.AccountID that match p.Filter and
	// whose id sorts after p.After, ordered by id.
	ConnectorList(ctx context.Context, p ConnectorListParams) ([]*Connector, error)

	// PermissionList returns the connector's permissions ordered by principal,
	// each with its actions sorted.
	PermissionList(ctx context.Context, account, id string) ([]Permission, error)
	// PermissionReplace replaces the connector's permissions if its Version equals
	// version, and then increments the Version.
	PermissionReplace(ctx context.Context, account, id string, version int64, perms []Permission) error
	// TagList returns the connector's tags ordered by key.
	TagList(ctx context.Context, account, id string) ([]Tag, error)
	// TagReplace replaces the connector's tags if its Version equals version, and
	// then increments the Version.
	TagReplace(ctx context.Context, account, id string, version int64, tags []Tag) error

	// SecretGet returns the ciphertext stored under ref.
	SecretGet(ctx context.Context, ref SecretRef) ([]byte, error)
	// SecretList returns at most limit sealed secrets whose refs sort after after
	// (by AccountID, Kind, OwnerID, Field); the zero SecretRef starts at the first.
	SecretList(ctx context.Context, after SecretRef, limit int) ([]SealedSecret, error)
	// SecretReplace sets the ciphertext of ref to next if it is still prev; it
	// returns KindConflict when it is not, KindNotFound when ref is gone.
	SecretReplace(ctx context.Context, ref SecretRef, prev, next []byte) error

	// IdentityCreate stores an identity and its sealed secret access key, whose
	// Ref is (id.AccountID, SecretIdentity, id.AccessKeyID, "SecretAccessKey").
	IdentityCreate(ctx context.Context, id *Identity, secret SealedSecret) error
	// IdentityGet returns the identity of an access key and its sealed secret.
	IdentityGet(ctx context.Context, accessKeyID string) (*Identity, []byte, error)
	// IdentityCount returns how many identities exist.
	IdentityCount(ctx context.Context) (int, error)
	// IdentityList returns the identities of account ordered by access key id,
	// or of every account when account is "".
	IdentityList(ctx context.Context, account string) ([]*Identity, error)
	// IdentityDelete removes an identity with its sealed secret; KindNotFound
	// when the access key is unknown.
	IdentityDelete(ctx context.Context, accessKeyID string) error

	// DataKeyList returns the vault's wrapped data keys ordered by term.
	DataKeyList(ctx context.Context) ([]DataKey, error)
	// DataKeyAdd stores a wrapped data key; KindExists if its term is taken.
	DataKeyAdd(ctx context.Context, k DataKey) error

	// Setting returns the value stored under name, first storing value there if
	// name has none yet. Concurrent callers all get the first value stored.
	Setting(ctx context.Context, name string, value []byte) ([]byte, error)

	// Close releases the store's resources.
	Close() error
}

// ConnectorListParams selects a page of connectors.
type ConnectorListParams struct {
	AccountID string
	After     string // exclusive lower bound on the id; "" for the first page
	Limit     int
	Filter    ConnectorFilter
}

// ConnectorFilter narrows a connector list. Zero fields do not filter; set
// fields must all hold.
type ConnectorFilter struct {
	Name string // the name equals this, exactly
	// NameLike is a pattern the name matches ignoring ASCII case (names are
	// ASCII), where '*' stands for any run of characters and every other
	// character for itself.
	NameLike  string
	Type      ConnectorType
	Principal *PrincipalFilter
}

// PrincipalFilter keeps connectors on which one of Principals holds one of Actions.
type PrincipalFilter struct {
	Principals []string
	Actions    []string
	// Sole also requires that no other principal holds one of Actions.
	Sole bool
}

// SecretKind says what kind of record a sealed secret belongs to.
type SecretKind string

// The kinds of record that own secrets.
const (
	SecretConnector SecretKind = "connector" // OwnerID: the connector id
	SecretIdentity  SecretKind = "identity"  // OwnerID: the access key id
	SecretToken     SecretKind = "token"     // OwnerID: the connector id; see TokenRef
	SecretSignIn    SecretKind = "sign-in"   // AAD only; see SignInVerifierRef
)

// SecretRef is the identity of one sealed secret: the record that owns it and the
// field. It is bound into the ciphertext as associated data, so a ciphertext
// moved to another record or field does not open.
type SecretRef struct {
	AccountID string
	Kind      SecretKind
	OwnerID   string
	Field     string
}

// AAD returns the associated data that binds a ciphertext to ref: its parts, each
// prefixed with its length, so that no two refs encode alike.
func (r SecretRef) AAD() []byte {
	b := []byte("actiongate/secret/v1")
	for _, s := range []string{r.AccountID, string(r.Kind), r.OwnerID, r.Field} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	return b
}

// SealedSecret is a secret as the Store keeps it: encrypted, bound to its ref.
type SealedSecret struct {
	Ref        SecretRef
	Ciphertext []byte
}

// Sealer encrypts and decrypts secrets. Seal binds the ciphertext to aad; Open
// fails unless given the same aad and an unaltered ciphertext. Implementations
// never return plaintext on failure.
type Sealer interface {
	Seal(plaintext, aad []byte) ([]byte, error)
	Open(ciphertext, aad []byte) ([]byte, error)
}

// DataKey is a vault data key as the Store keeps it: wrapped by the root key.
type DataKey struct {
	Term        uint32
	Wrapped     []byte
	CreatedTime time.Time
}
