package vault

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// RootKey wraps the data keys of a Barrier (it is the key-encryption key). The
// three implementations are KeyFile, KeyFromEnv and KMS.
type RootKey interface {
	// Wrap encrypts the data key of term, binding it to term so that the result
	// does not unwrap as another term's key. It must not keep dataKey.
	Wrap(ctx context.Context, term uint32, dataKey []byte) ([]byte, error)
	// Unwrap returns the data key of term that Wrap wrapped; the caller owns it
	// and clears it. It returns an error wrapping ErrWrongRootKey when wrapped
	// was not made by this key for term, and other errors as they come.
	Unwrap(ctx context.Context, term uint32, wrapped []byte) ([]byte, error)
	// ID names the key without revealing it; it is stored with every data key
	// the key wraps and appears in error messages.
	ID() string
}

// rootKeyLen is the length of a local root key: AES-256.
const rootKeyLen = 32

// localKey is a root key held in memory: from a key file or the environment. It
// wraps with AES-256-GCM: a 12-byte random nonce, then the sealed data key, with
// additional data naming the purpose and the term.
type localKey struct {
	id   string
	aead cipher.AEAD
}

// newLocalKey makes a root key of the 32 bytes of key, which it does not keep.
func newLocalKey(key []byte) (*localKey, error) {
	if len(key) != rootKeyLen {
		return nil, fmt.Errorf("vault: a root key must have %d bytes, not %d", rootKeyLen, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("vault: root key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("vault: root key: %w", err)
	}
	// The ID is a fingerprint: 64 bits of a domain-separated SHA-256 of a
	// 256-bit random key tell nothing about the key.
	h := sha256.New()
	h.Write([]byte("actiongate/vault/root-key-id/v1\x00"))
	h.Write(key)
	return &localKey{id: "local:" + hex.EncodeToString(h.Sum(nil)[:8]), aead: aead}, nil
}

// wrapAAD is the additional data of a wrapped data key: its purpose and term.
func wrapAAD(term uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte("actiongate/vault/data-key/v1\x00"), term)
}

func (k *localKey) Wrap(_ context.Context, term uint32, dataKey []byte) ([]byte, error) {
	nonce := make([]byte, nonceLen, nonceLen+len(dataKey)+tagLen)
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("vault: reading a nonce: %w", err)
	}
	return k.aead.Seal(nonce, nonce, dataKey, wrapAAD(term)), nil
}

func (k *localKey) Unwrap(_ context.Context, term uint32, wrapped []byte) ([]byte, error) {
	if len(wrapped) < nonceLen+tagLen {
		return nil, fmt.Errorf("%w: the wrapped data key is %d bytes long", ErrWrongRootKey, len(wrapped))
	}
	key, err := k.aead.Open(nil, wrapped[:nonceLen], wrapped[nonceLen:], wrapAAD(term))
	if err != nil {
		return nil, fmt.Errorf("%w: the data key does not authenticate", ErrWrongRootKey)
	}
	return key, nil
}

func (k *localKey) ID() string { return k.id }

// String, GoString and LogValue show the ID only.
func (k *localKey) String() string       { return "vault.RootKey(" + k.id + ")" }
func (k *localKey) GoString() string     { return k.String() }
func (k *localKey) LogValue() slog.Value { return slog.StringValue(k.String()) }

// KeyFromEnv returns the root key encoded in value: 32 bytes in standard base64
// with padding, surrounding white space ignored, as `openssl rand -base64 32`
// prints. The caller reads value from ACTIONGATE_ROOT_KEY, and had best unset
// that variable afterwards: a Go string cannot be wiped. Errors never quote
// value.
func KeyFromEnv(value string) (RootKey, error) {
	src := []byte(strings.TrimSpace(value))
	defer clear(src)
	key := make([]byte, base64.StdEncoding.DecodedLen(len(src)))
	defer clear(key)
	n, err := base64.StdEncoding.Decode(key, src)
	if err != nil || n != rootKeyLen {
		return nil, fmt.Errorf("vault: the root key must be %d bytes in base64, as `openssl rand -base64 %d` prints", rootKeyLen, rootKeyLen)
	}
	return newLocalKey(key[:n])
}

// keyFileMaxLen bounds what KeyFile reads: a key file is 45 bytes.
const keyFileMaxLen = 1 << 10

// KeyFile returns the root key kept in the file at path, creating the file with
// a new random key when it does not exist.
//
// The file holds the 32-byte key in standard base64 with padding and a newline
// (45 bytes); surrounding white space is ignored on reading. It is created with
// mode 0600, written to a temporary file in the same directory, synced, and
// then hard-linked into place, so that readers never see a partial key and of
// processes that race to create it all use the first one's key. The directory
// must exist.
//
// KeyFile refuses, with ErrKeyFileMode, a file that is not regular (symbolic
// links are followed) or whose mode grants group or other users any
// permission; and, with an error that does not quote the content, a file that
// does not hold 32 bytes in base64.
func KeyFile(path string) (RootKey, error) {
	k, err := loadKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	if err := createKeyFile(path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	return loadKeyFile(path)
}

func loadKeyFile(path string) (RootKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("vault: root key file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("vault: root key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrKeyFileMode, path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %04o, which lets its group or others access it; run chmod 600 %s", ErrKeyFileMode, path, perm, path)
	}
	content, err := io.ReadAll(io.LimitReader(f, keyFileMaxLen))
	defer clear(content)
	if err != nil {
		return nil, fmt.Errorf("vault: root key file %s: %w", path, err)
	}
	key := make([]byte, base64.StdEncoding.DecodedLen(len(content)))
	defer clear(key)
	n, err := base64.StdEncoding.Decode(key, bytes.TrimSpace(content))
	if err != nil || n != rootKeyLen {
		return nil, fmt.Errorf("vault: root key file %s must hold %d bytes in base64 and a newline", path, rootKeyLen)
	}
	return newLocalKey(key[:n])
}

// createKeyFile writes a new random key to path, atomically; it returns an error
// wrapping fs.ErrExist when path exists.
func createKeyFile(path string) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*") // mode 0600
	if err != nil {
		return fmt.Errorf("vault: creating root key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()

	key := make([]byte, rootKeyLen)
	defer clear(key)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("vault: creating root key file: %w", err)
	}
	content := make([]byte, base64.StdEncoding.EncodedLen(rootKeyLen)+1)
	defer clear(content)
	base64.StdEncoding.Encode(content, key)
	content[len(content)-1] = '\n'

	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("vault: creating root key file: %w", err)
	}
	if _, err := tmp.Write(content); err != nil {
		return fmt.Errorf("vault: creating root key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("vault: creating root key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("vault: creating root key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		return fmt.Errorf("vault: creating root key file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // make the new name durable; best effort
		d.Close()
	}
	return nil
}
