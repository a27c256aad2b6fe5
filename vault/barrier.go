package vault

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/actiongate/actiongate"
)

// Sizes of the ciphertext format (see the package documentation).
const (
	formatVersion = 1
	headerLen     = 1 + 4 // version, term
	nonceLen      = 12
	tagLen        = 16
	prefixLen     = headerLen + nonceLen
	// Overhead is how many bytes Seal adds to a plaintext.
	Overhead = prefixLen + tagLen

	dataKeyLen = 32 // AES-256
)

// Keyring stores the wrapped data keys of a Barrier. actiongate.Store satisfies
// it.
type Keyring interface {
	// DataKeyList returns every wrapped data key, in any order.
	DataKeyList(ctx context.Context) ([]actiongate.DataKey, error)
	// DataKeyAdd stores a wrapped data key; it returns an error of
	// actiongate.KindExists when its term is taken.
	DataKeyAdd(ctx context.Context, k actiongate.DataKey) error
}

// Config configures Open. Root and Keys are required; every other field has a
// default.
type Config struct {
	// Root wraps and unwraps the data keys. Required.
	Root RootKey
	// Keys stores the wrapped data keys. Required.
	Keys Keyring
	// Rand is the source of data keys and nonces. It must be safe for concurrent
	// use. Default crypto/rand.Reader.
	Rand io.Reader
	// Now is the clock that stamps the creation of data keys. Default time.Now.
	Now func() time.Time
	// ReloadTimeout bounds the keyring reload that (*Barrier).Open performs when
	// it meets a ciphertext of a term newer than any it holds (another replica
	// rotated). Default 10 seconds; a negative value disables that reload.
	ReloadTimeout time.Duration
}

// Barrier seals and opens secrets with the data keys of its keyring: it
// implements actiongate.Sealer. Open returns a ready Barrier; the zero Barrier is
// sealed and every call on it returns ErrSealed. A Barrier is safe for
// concurrent use.
type Barrier struct {
	root          RootKey
	keys          Keyring
	rand          io.Reader
	now           func() time.Time
	reloadTimeout time.Duration

	mu     sync.Mutex // serialises changes of ring and closed
	closed bool
	// ring is the current keyring, replaced whole on every change so that Seal
	// and Open read it without locking; nil when sealed.
	ring atomic.Pointer[keyring]
}

// keyring is an immutable snapshot of the unwrapped data keys.
type keyring struct {
	terms  map[uint32]*dataKey
	newest *dataKey
}

// dataKey is one unwrapped data key, ready to use. The raw key bytes are not
// kept: only the cipher made from them.
type dataKey struct {
	term    uint32
	wrapped []byte // as stored, to notice a changed row on reload
	created time.Time
	aead    cipher.AEAD
}

func (k *dataKey) String() string       { return fmt.Sprintf("vault.dataKey(term %d, [REDACTED])", k.term) }
func (k *dataKey) GoString() string     { return k.String() }
func (k *dataKey) LogValue() slog.Value { return slog.StringValue(k.String()) }

// newDataKey makes the cipher of a raw data key. It does not keep key; the
// caller clears it.
func newDataKey(term uint32, key, wrapped []byte, created time.Time) (*dataKey, error) {
	if len(key) != dataKeyLen {
		return nil, fmt.Errorf("vault: data key of term %d has %d bytes, want %d", term, len(key), dataKeyLen)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("vault: data key of term %d: %w", term, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("vault: data key of term %d: %w", term, err)
	}
	return &dataKey{term: term, wrapped: wrapped, created: created, aead: aead}, nil
}

// Open returns a Barrier over the data keys in c.Keys, each unwrapped with
// c.Root. When c.Keys holds none it creates term 1, and when another process
// created it first (DataKeyAdd reports actiongate.KindExists) it loads that one.
//
// Open fails, and no Barrier exists, when any data key does not unwrap:
// ErrWrongRootKey when the root key is not the one that wrapped them. Errors of
// c.Keys and of the root key (a KMS outage, say) are returned wrapped.
func Open(ctx context.Context, c Config) (*Barrier, error) {
	if c.Root == nil {
		return nil, errors.New("vault: Config.Root is required")
	}
	if c.Keys == nil {
		return nil, errors.New("vault: Config.Keys is required")
	}
	b := &Barrier{root: c.Root, keys: c.Keys, rand: c.Rand, now: c.Now, reloadTimeout: c.ReloadTimeout}
	if b.rand == nil {
		b.rand = rand.Reader
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.reloadTimeout == 0 {
		b.reloadTimeout = 10 * time.Second
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	ring, err := b.fetch(ctx)
	if err != nil {
		return nil, err
	}
	if ring != nil {
		b.ring.Store(ring)
		return b, nil
	}
	if err := b.add(ctx, 1); err != nil {
		return nil, err
	}
	return b, nil
}

// Seal encrypts plaintext under the newest term and binds it to aad, which Open
// must be given again. Equal plaintexts give different ciphertexts. It returns
// ErrSealed after Close, and the error of Config.Rand if it fails.
func (b *Barrier) Seal(plaintext, aad []byte) ([]byte, error) {
	ring := b.ring.Load()
	if ring == nil {
		return nil, ErrSealed
	}
	k := ring.newest
	out := make([]byte, prefixLen, prefixLen+len(plaintext)+tagLen)
	out[0] = formatVersion
	binary.BigEndian.PutUint32(out[1:headerLen], k.term)
	nonce := out[headerLen:prefixLen]
	if _, err := io.ReadFull(b.rand, nonce); err != nil {
		return nil, fmt.Errorf("vault: reading a nonce: %w", err)
	}
	return k.aead.Seal(out, nonce, plaintext, additionalData(out[:headerLen], aad)), nil
}

// Open decrypts a ciphertext made by Seal with the same aad, under any term of
// the keyring. It never returns plaintext with an error. Errors: ErrMalformed
// for a short or unparsable ciphertext, ErrUnknownTerm for a term the keyring
// lacks, ErrNotAuthentic for an altered ciphertext or another aad, ErrSealed
// after Close.
//
// When the term is newer than the newest it holds, Open first reloads the
// keyring once, within Config.ReloadTimeout, since another replica may have
// rotated; concurrent calls share one reload.
func (b *Barrier) Open(ciphertext, aad []byte) ([]byte, error) {
	term, err := TermOf(ciphertext)
	if err != nil {
		return nil, err
	}
	ring := b.ring.Load()
	if ring == nil {
		return nil, ErrSealed
	}
	k := ring.terms[term]
	if k == nil {
		if k, err = b.reloadFor(term, ring); err != nil {
			return nil, err
		}
	}
	plaintext, err := k.aead.Open(nil, ciphertext[headerLen:prefixLen], ciphertext[prefixLen:], additionalData(ciphertext[:headerLen], aad))
	if err != nil {
		return nil, fmt.Errorf("vault: opening a ciphertext of term %d: %w", term, ErrNotAuthentic)
	}
	return plaintext, nil
}

// TermOf reports the term of the data key that sealed ciphertext, read from its
// header without decrypting it: the header is authenticated only by Open. It
// returns ErrMalformed for a ciphertext too short to be one, of an unknown
// format version or of term 0.
func TermOf(ciphertext []byte) (uint32, error) {
	if len(ciphertext) < Overhead {
		return 0, fmt.Errorf("%w: %d bytes, at least %d expected", ErrMalformed, len(ciphertext), Overhead)
	}
	if ciphertext[0] != formatVersion {
		return 0, fmt.Errorf("%w: unknown format version %d", ErrMalformed, ciphertext[0])
	}
	term := binary.BigEndian.Uint32(ciphertext[1:headerLen])
	if term == 0 {
		return 0, fmt.Errorf("%w: term 0", ErrMalformed)
	}
	return term, nil
}

// additionalData returns the GCM additional data: the ciphertext header, then
// the caller's aad. The header has a fixed length, so the pair is unambiguous.
func additionalData(header, aad []byte) []byte {
	ad := make([]byte, 0, len(header)+len(aad))
	return append(append(ad, header...), aad...)
}

// Term reports the newest term, which Seal uses; 0 when the Barrier is sealed.
func (b *Barrier) Term() uint32 {
	ring := b.ring.Load()
	if ring == nil {
		return 0
	}
	return ring.newest.term
}

// Rotate adds a data key of the next term and makes Seal use it; ciphertexts of
// older terms keep opening. It first reloads the keyring. When another process
// adds that term at the same time (DataKeyAdd reports actiongate.KindExists),
// Rotate adopts the other's key instead: either way a term newer than the one in
// use before the call is in use after it. It returns the newest term, or
// ErrSealed after Close.
func (b *Barrier) Rotate(ctx context.Context) (uint32, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.reload(ctx); err != nil {
		return 0, err
	}
	cur := b.ring.Load().newest.term
	if cur == math.MaxUint32 {
		return 0, errors.New("vault: no term follows the newest")
	}
	if err := b.add(ctx, cur+1); err != nil {
		return 0, err
	}
	return b.ring.Load().newest.term, nil
}

// Reload re-reads the keyring from Config.Keys, so that terms another process
// added are used: the newest for Seal, all for Open. On error, which is of the
// kinds Open returns, the keyring in use stays as it was. It returns ErrSealed
// after Close.
func (b *Barrier) Reload(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.reload(ctx)
}

// Close seals the Barrier: it drops the keyring, and every later call returns
// ErrSealed. (The raw data keys were zeroed as soon as their ciphers were made;
// the ciphers' expanded keys, which crypto/aes cannot wipe, become garbage.) It
// is idempotent and always returns nil.
func (b *Barrier) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.ring.Store(nil)
	return nil
}

// String describes the Barrier without key material.
func (b *Barrier) String() string {
	ring := b.ring.Load()
	if ring == nil {
		return "vault.Barrier(sealed)"
	}
	return fmt.Sprintf("vault.Barrier(%d terms, newest %d, root %s)", len(ring.terms), ring.newest.term, b.root.ID())
}

// GoString is String: the Barrier prints no key material in any verb.
func (b *Barrier) GoString() string { return b.String() }

// LogValue is String, for log/slog.
func (b *Barrier) LogValue() slog.Value { return slog.StringValue(b.String()) }

// reload replaces the keyring with the one stored. b.mu is held.
func (b *Barrier) reload(ctx context.Context) error {
	if b.closed || b.ring.Load() == nil {
		return ErrSealed
	}
	ring, err := b.fetch(ctx)
	if err != nil {
		return err
	}
	if ring == nil {
		return errors.New("vault: the keyring store holds no data keys")
	}
	b.ring.Store(ring)
	return nil
}

// reloadFor reloads the keyring for Open, which met term, unknown to seen. It
// returns term's key, or an error.
func (b *Barrier) reloadFor(term uint32, seen *keyring) (*dataKey, error) {
	unknown := fmt.Errorf("vault: term %d: %w", term, ErrUnknownTerm)
	if term < seen.newest.term || b.reloadTimeout < 0 {
		return nil, unknown
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrSealed
	}
	if cur := b.ring.Load(); cur != seen {
		// The keyring changed since seen was read: take that change as the reload.
		if k := cur.terms[term]; k != nil {
			return k, nil
		}
		return nil, unknown
	}
	ctx, cancel := context.WithTimeout(context.Background(), b.reloadTimeout)
	defer cancel()
	if err := b.reload(ctx); err != nil {
		return nil, fmt.Errorf("vault: term %d: %w: reloading the keyring: %w", term, ErrUnknownTerm, err)
	}
	if k := b.ring.Load().terms[term]; k != nil {
		return k, nil
	}
	return nil, unknown
}

// fetch reads and unwraps the stored data keys, reusing the ciphers of terms in
// the current keyring whose stored bytes did not change. It returns nil when the
// store holds none. b.mu is held.
func (b *Barrier) fetch(ctx context.Context) (*keyring, error) {
	stored, err := b.keys.DataKeyList(ctx)
	if err != nil {
		return nil, fmt.Errorf("vault: listing data keys: %w", err)
	}
	if len(stored) == 0 {
		return nil, nil
	}
	cur := b.ring.Load()
	ring := &keyring{terms: make(map[uint32]*dataKey, len(stored))}
	for _, s := range stored {
		if s.Term == 0 {
			return nil, errors.New("vault: the keyring store holds a data key of term 0")
		}
		if ring.terms[s.Term] != nil {
			return nil, fmt.Errorf("vault: the keyring store holds term %d twice", s.Term)
		}
		k := (*dataKey)(nil)
		if cur != nil {
			if old := cur.terms[s.Term]; old != nil && string(old.wrapped) == string(s.Wrapped) {
				k = old
			}
		}
		if k == nil {
			if k, err = b.unwrap(ctx, s); err != nil {
				return nil, err
			}
		}
		ring.terms[s.Term] = k
		if ring.newest == nil || k.term > ring.newest.term {
			ring.newest = k
		}
	}
	return ring, nil
}

// unwrap unwraps one stored data key with the root key.
func (b *Barrier) unwrap(ctx context.Context, s actiongate.DataKey) (*dataKey, error) {
	id, blob, err := parseWrapped(s.Wrapped)
	if err != nil {
		return nil, fmt.Errorf("vault: data key of term %d: %w", s.Term, err)
	}
	key, err := b.root.Unwrap(ctx, s.Term, blob)
	defer clear(key)
	if err != nil {
		return nil, fmt.Errorf("vault: data key of term %d, wrapped by root key %q, does not unwrap with root key %q: %w", s.Term, id, b.root.ID(), err)
	}
	return newDataKey(s.Term, key, s.Wrapped, s.CreatedTime)
}

// add creates, wraps and stores a data key of term, and puts it in the
// keyring; when the term exists already it reloads the keyring instead. b.mu is
// held.
func (b *Barrier) add(ctx context.Context, term uint32) error {
	key := make([]byte, dataKeyLen)
	defer clear(key)
	if _, err := io.ReadFull(b.rand, key); err != nil {
		return fmt.Errorf("vault: reading a data key: %w", err)
	}
	blob, err := b.root.Wrap(ctx, term, key)
	if err != nil {
		return fmt.Errorf("vault: wrapping the data key of term %d with root key %q: %w", term, b.root.ID(), err)
	}
	wrapped, err := frameWrapped(b.root.ID(), blob)
	if err != nil {
		return err
	}
	k, err := newDataKey(term, key, wrapped, b.now())
	if err != nil {
		return err
	}
	err = b.keys.DataKeyAdd(ctx, actiongate.DataKey{Term: term, Wrapped: wrapped, CreatedTime: k.created})
	if actiongate.KindOf(err) == actiongate.KindExists {
		ring, err := b.fetch(ctx)
		if err != nil {
			return err
		}
		if ring == nil || ring.terms[term] == nil {
			return fmt.Errorf("vault: the keyring store reports term %d taken but does not list it", term)
		}
		b.ring.Store(ring)
		return nil
	}
	if err != nil {
		return fmt.Errorf("vault: storing the data key of term %d: %w", term, err)
	}
	ring := &keyring{terms: map[uint32]*dataKey{term: k}, newest: k}
	if cur := b.ring.Load(); cur != nil {
		for t, old := range cur.terms {
			ring.terms[t] = old
		}
		if cur.newest.term > term {
			ring.newest = cur.newest
		}
	}
	b.ring.Store(ring)
	return nil
}

// frameWrapped prefixes a root key's wrapped blob with the format version and
// the root key's ID.
func frameWrapped(id string, blob []byte) ([]byte, error) {
	if len(id) > math.MaxUint8 {
		return nil, fmt.Errorf("vault: root key ID has %d bytes, at most %d allowed", len(id), math.MaxUint8)
	}
	out := make([]byte, 0, 2+len(id)+len(blob))
	out = append(out, formatVersion, byte(len(id)))
	out = append(out, id...)
	return append(out, blob...), nil
}

// parseWrapped splits a stored wrapped data key into the ID of the root key that
// wrapped it and the root key's blob.
func parseWrapped(b []byte) (id string, blob []byte, err error) {
	if len(b) < 2 || b[0] != formatVersion || len(b) < 2+int(b[1]) {
		return "", nil, errors.New("malformed wrapped data key")
	}
	n := 2 + int(b[1])
	return string(b[2:n]), b[n:], nil
}
