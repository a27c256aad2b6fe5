package vault

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// kmsKey is a root key that stays in AWS KMS: data keys are wrapped by the KMS
// Encrypt operation and unwrapped by Decrypt, under a symmetric encryption key.
type kmsKey struct {
	client *kms.Client
	keyID  string
}

// KMS returns the root key keyID of AWS KMS (a key ID, key ARN, alias name or
// alias ARN of a symmetric encryption key) reached through client. Wrap calls
// Encrypt and Unwrap calls Decrypt, naming keyID in both and passing the
// encryption context
//
//	"actiongate:purpose": "vault-data-key"
//	"actiongate:term":    the term, in decimal
//
// so that a wrapped key unwraps only for its purpose and term (the context is
// logged in CloudTrail; it holds nothing secret). The caller's IAM principal
// needs kms:Encrypt and kms:Decrypt on the key. Unwrap reports KMS's
// InvalidCiphertextException and IncorrectKeyException as ErrWrongRootKey; other
// errors, such as an unreachable endpoint or AccessDeniedException, are returned
// wrapped as they come.
//
// KMS does not contact KMS; the first Wrap or Unwrap does.
func KMS(client *kms.Client, keyID string) RootKey {
	return &kmsKey{client: client, keyID: keyID}
}

func kmsContext(term uint32) map[string]string {
	return map[string]string{
		"actiongate:purpose": "vault-data-key",
		"actiongate:term":    strconv.FormatUint(uint64(term), 10),
	}
}

func (k *kmsKey) check() error {
	if k.client == nil || k.keyID == "" {
		return errors.New("vault: the KMS root key needs a client and a key ID")
	}
	return nil
}

func (k *kmsKey) Wrap(ctx context.Context, term uint32, dataKey []byte) ([]byte, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	out, err := k.client.Encrypt(ctx, &kms.EncryptInput{
		KeyId:             &k.keyID,
		Plaintext:         dataKey,
		EncryptionContext: kmsContext(term),
	})
	if err != nil {
		return nil, fmt.Errorf("vault: KMS Encrypt: %w", err)
	}
	if len(out.CiphertextBlob) == 0 {
		return nil, errors.New("vault: KMS Encrypt returned no CiphertextBlob")
	}
	return out.CiphertextBlob, nil
}

func (k *kmsKey) Unwrap(ctx context.Context, term uint32, wrapped []byte) ([]byte, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	out, err := k.client.Decrypt(ctx, &kms.DecryptInput{
		KeyId:             &k.keyID,
		CiphertextBlob:    wrapped,
		EncryptionContext: kmsContext(term),
	})
	var invalid *types.InvalidCiphertextException
	var incorrect *types.IncorrectKeyException
	if errors.As(err, &invalid) || errors.As(err, &incorrect) {
		return nil, fmt.Errorf("%w: KMS Decrypt: %w", ErrWrongRootKey, err)
	}
	if err != nil {
		return nil, fmt.Errorf("vault: KMS Decrypt: %w", err)
	}
	return out.Plaintext, nil
}

func (k *kmsKey) ID() string { return "kms:" + k.keyID }

// String, GoString and LogValue show the ID only.
func (k *kmsKey) String() string       { return "vault.RootKey(" + k.ID() + ")" }
func (k *kmsKey) GoString() string     { return k.String() }
func (k *kmsKey) LogValue() slog.Value { return slog.StringValue(k.String()) }
