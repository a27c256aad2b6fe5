package actiongate

import (
	"context"
	"crypto/rand"
	"math/big"
	"regexp"
	"time"
)

// Identity is a caller of the API: an access key in one account, with what it may
// do. Its secret access key is kept sealed in the Store (SecretRef kind
// SecretIdentity) and opened only to verify request signatures.
type Identity struct {
	AccessKeyID string
	AccountID   string
	// ARN names the identity in messages and audit records,
	// arn:aws:iam::<account>:user/<name>.
	ARN string
	// Admin identities may do everything in their own account.
	Admin bool
	// Policy is an IAM-style identity policy document (JSON); empty for none.
	Policy []byte
	// UserARN is the QuickSight user the key acts as when it invokes actions; empty
	// for none.
	UserARN     string
	CreatedTime time.Time
}

// PolicyEngine validates and evaluates IAM-style identity policy documents
// (Version, Statements with Effect, Action and Resource, wildcards '*' and '?',
// explicit Deny winning over Allow, default deny).
type PolicyEngine interface {
	// Validate returns a KindInvalid error saying what is wrong with doc.
	Validate(doc []byte) error
	// Evaluate reports whether doc allows action on resource and whether it
	// denies it explicitly.
	Evaluate(doc []byte, action, resource string) (allowed, explicitDeny bool)
}

// NewIdentity describes an identity to create.
type NewIdentity struct {
	AccountID string
	Admin     bool
	Policy    []byte // optional IAM-style policy document
	UserARN   string // optional QuickSight user the key acts as
	// AccessKeyID and SecretAccessKey are generated when empty. Both or neither.
	AccessKeyID     string
	SecretAccessKey Secret
}

var (
	accessKeyIDPattern = regexp.MustCompile(`^[A-Z0-9]{16,128}$`)
)

// CreateIdentity creates an identity and returns it with its secret access key,
// which is shown to the caller once and kept only sealed. Errors: KindInvalid,
// KindExists when the access key id is taken.
func (s *Service) CreateIdentity(ctx context.Context, in NewIdentity) (*Identity, Secret, error) {
	if err := ValidateAccountID(in.AccountID); err != nil {
		return nil, Secret{}, err
	}
	if (in.AccessKeyID == "") != in.SecretAccessKey.IsZero() {
		return nil, Secret{}, Errorf(KindInvalid, "Give both an access key id and a secret access key, or neither.")
	}
	if in.AccessKeyID == "" {
		in.AccessKeyID = "AKIA" + s.randomString(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
		in.SecretAccessKey = s.newSecretAccessKey()
	}
	if !accessKeyIDPattern.MatchString(in.AccessKeyID) {
		return nil, Secret{}, Errorf(KindInvalid, "An access key id must be 16 to 128 upper-case letters and digits.")
	}
	if n := in.SecretAccessKey.Len(); n < 16 || n > 128 {
		return nil, Secret{}, Errorf(KindInvalid, "A secret access key must be 16 to 128 characters long.")
	}
	if in.UserARN != "" {
		m := principalPattern.FindStringSubmatch(in.UserARN)
		if m == nil || m[3] != "user" {
			return nil, Secret{}, Errorf(KindInvalid, "The user must be a QuickSight user ARN (arn:aws:quicksight:<region>:<account>:user/<namespace>/<name>).")
		}
		if m[1] != s.region || m[2] != in.AccountID {
			return nil, Secret{}, Errorf(KindInvalid, "The user must be in the key's account %s and region %s.", in.AccountID, s.region)
		}
		if _, err := s.store.UserGet(ctx, m[2], m[4], m[5]); err != nil {
			if KindOf(err) == KindNotFound {
				return nil, Secret{}, Errorf(KindInvalid, "User %s does not exist: register it first.", in.UserARN)
			}
			return nil, Secret{}, Internal(err)
		}
	}
	if len(in.Policy) > 0 {
		if s.policies == nil {
			return nil, Secret{}, Errorf(KindInvalid, "This server evaluates no identity policies; create an administrator key instead.")
		}
		if err := s.policies.Validate(in.Policy); err != nil {
			return nil, Secret{}, err
		}
	}
	id := &Identity{
		AccessKeyID: in.AccessKeyID,
		AccountID:   in.AccountID,
		ARN:         "arn:aws:iam::" + in.AccountID + ":user/actiongate/" + in.AccessKeyID,
		Admin:       in.Admin,
		Policy:      in.Policy,
		UserARN:     in.UserARN,
		CreatedTime: s.clock(),
	}
	ref := identitySecretRef(id)
	ct, err := s.sealer.Seal(in.SecretAccessKey.Reveal(), ref.AAD())
	if err != nil {
		return nil, Secret{}, Internal(err)
	}
	if err := s.store.IdentityCreate(ctx, id, SealedSecret{Ref: ref, Ciphertext: ct}); err != nil {
		if KindOf(err) == KindExists {
			return nil, Secret{}, Errorf(KindExists, "Access key %s exists already.", id.AccessKeyID)
		}
		return nil, Secret{}, Internal(err)
	}
	return id, in.SecretAccessKey, nil
}

// IdentitySecret returns the identity of an access key with its secret access
// key, for verifying a request signature. KindNotFound for an unknown key.
func (s *Service) IdentitySecret(ctx context.Context, accessKeyID string) (*Identity, Secret, error) {
	id, ct, err := s.store.IdentityGet(ctx, accessKeyID)
	if err != nil {
		if KindOf(err) == KindNotFound {
			return nil, Secret{}, Errorf(KindNotFound, "Unknown access key.")
		}
		return nil, Secret{}, Internal(err)
	}
	pt, err := s.sealer.Open(ct, identitySecretRef(id).AAD())
	if err != nil {
		return nil, Secret{}, Internal(err)
	}
	return id, Secret{b: pt}, nil
}

// ListIdentities returns the identities of account, or of every account when
// account is "", ordered by access key id. It is for operators, not the API.
func (s *Service) ListIdentities(ctx context.Context, account string) ([]*Identity, error) {
	if account != "" {
		if err := ValidateAccountID(account); err != nil {
			return nil, err
		}
	}
	ids, err := s.store.IdentityList(ctx, account)
	if err != nil {
		return nil, Internal(err)
	}
	return ids, nil
}

// DeleteIdentity deletes an access key; requests signed with it fail from the
// next one on, on every replica. KindNotFound for an unknown key.
func (s *Service) DeleteIdentity(ctx context.Context, accessKeyID string) error {
	if err := s.store.IdentityDelete(ctx, accessKeyID); err != nil {
		if KindOf(err) == KindNotFound {
			return Errorf(KindNotFound, "Access key %s does not exist.", accessKeyID)
		}
		return Internal(err)
	}
	return nil
}

// RotateIdentitySecret gives an access key a new secret access key and returns
// it; the old secret stops working at once. KindNotFound for an unknown key,
// KindConflict when another rotation of the key won the race.
func (s *Service) RotateIdentitySecret(ctx context.Context, accessKeyID string) (*Identity, Secret, error) {
	id, prev, err := s.store.IdentityGet(ctx, accessKeyID)
	if err != nil {
		if KindOf(err) == KindNotFound {
			return nil, Secret{}, Errorf(KindNotFound, "Access key %s does not exist.", accessKeyID)
		}
		return nil, Secret{}, Internal(err)
	}
	secret := s.newSecretAccessKey()
	ref := identitySecretRef(id)
	next, err := s.sealer.Seal(secret.Reveal(), ref.AAD())
	if err != nil {
		return nil, Secret{}, Internal(err)
	}
	if err := s.store.SecretReplace(ctx, ref, prev, next); err != nil {
		switch KindOf(err) {
		case KindConflict:
			return nil, Secret{}, Errorf(KindConflict, "Access key %s was rotated by another request at the same time.", accessKeyID)
		case KindNotFound:
			return nil, Secret{}, Errorf(KindNotFound, "Access key %s does not exist.", accessKeyID)
		}
		return nil, Secret{}, Internal(err)
	}
	return id, secret, nil
}

func (s *Service) newSecretAccessKey() Secret {
	return NewSecret([]byte(s.randomString(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")))
}

// Bootstrap creates the first administrator, for in.AccountID, when no identity
// exists yet, and returns nil when identities exist already. Two processes that
// start together on an empty database may each create one; both are valid.
func (s *Service) Bootstrap(ctx context.Context, in NewIdentity) (*Identity, Secret, error) {
	n, err := s.store.IdentityCount(ctx)
	if err != nil {
		return nil, Secret{}, Internal(err)
	}
	if n > 0 {
		return nil, Secret{}, nil
	}
	in.Admin = true
	id, secret, err := s.CreateIdentity(ctx, in)
	if KindOf(err) == KindExists { // a replica bootstrapped the same given key
		return nil, Secret{}, nil
	}
	return id, secret, err
}

func identitySecretRef(id *Identity) SecretRef {
	return SecretRef{AccountID: id.AccountID, Kind: SecretIdentity, OwnerID: id.AccessKeyID, Field: "SecretAccessKey"}
}

// randomString returns n characters drawn uniformly from alphabet.
func (s *Service) randomString(n int, alphabet string) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range b {
		v, err := rand.Int(s.rand, max)
		if err != nil {
			panic("actiongate: no randomness: " + err.Error())
		}
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}
