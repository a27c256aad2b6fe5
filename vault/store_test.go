package vault_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/vault"
)

// actiongate.Store is what the service passes as Keyring and SecretStore.
var (
	_ vault.Keyring     = actiongate.Store(nil)
	_ vault.SecretStore = actiongate.Store(nil)
)

// memStore keeps data keys and sealed secrets in memory with the semantics of
// actiongate.Store's DataKeyList, DataKeyAdd, SecretList and SecretReplace: the
// same ordering, the same error kinds, and SecretReplace as an exact
// compare-and-set. It stands in until the SQLite store exists; it copies every
// slice in and out, as a database would.
type memStore struct {
	mu      sync.Mutex
	keys    map[uint32]actiongate.DataKey
	secrets map[actiongate.SecretRef][]byte
}

func newMemStore() *memStore {
	return &memStore{keys: map[uint32]actiongate.DataKey{}, secrets: map[actiongate.SecretRef][]byte{}}
}

func (m *memStore) DataKeyList(ctx context.Context) ([]actiongate.DataKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]actiongate.DataKey, 0, len(m.keys))
	for _, t := range slices.Sorted(maps.Keys(m.keys)) {
		k := m.keys[t]
		k.Wrapped = bytes.Clone(k.Wrapped)
		out = append(out, k)
	}
	return out, nil
}

func (m *memStore) DataKeyAdd(ctx context.Context, k actiongate.DataKey) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.keys[k.Term]; ok {
		return actiongate.Errorf(actiongate.KindExists, "data key term %d exists", k.Term)
	}
	k.Wrapped = bytes.Clone(k.Wrapped)
	m.keys[k.Term] = k
	return nil
}

func compareRef(a, b actiongate.SecretRef) int {
	return cmp.Or(
		cmp.Compare(a.AccountID, b.AccountID),
		cmp.Compare(a.Kind, b.Kind),
		cmp.Compare(a.OwnerID, b.OwnerID),
		cmp.Compare(a.Field, b.Field),
	)
}

func (m *memStore) SecretList(ctx context.Context, after actiongate.SecretRef, limit int) ([]actiongate.SealedSecret, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	refs := slices.SortedFunc(maps.Keys(m.secrets), compareRef)
	var out []actiongate.SealedSecret
	for _, r := range refs {
		if len(out) == limit {
			break
		}
		if compareRef(r, after) > 0 {
			out = append(out, actiongate.SealedSecret{Ref: r, Ciphertext: bytes.Clone(m.secrets[r])})
		}
	}
	return out, nil
}

func (m *memStore) SecretReplace(ctx context.Context, ref actiongate.SecretRef, prev, next []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, ok := m.secrets[ref]
	if !ok {
		return actiongate.Errorf(actiongate.KindNotFound, "secret not found")
	}
	if !bytes.Equal(cur, prev) {
		return actiongate.Errorf(actiongate.KindConflict, "secret changed")
	}
	m.secrets[ref] = bytes.Clone(next)
	return nil
}

// put stores a ciphertext, as a writer of secrets would.
func (m *memStore) put(ref actiongate.SecretRef, ciphertext []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.secrets[ref] = bytes.Clone(ciphertext)
}

func (m *memStore) get(ref actiongate.SecretRef) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return bytes.Clone(m.secrets[ref])
}

func (m *memStore) delete(ref actiongate.SecretRef) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.secrets, ref)
}

// setKey overwrites a stored data key, as corruption or an operator might.
func (m *memStore) setKey(k actiongate.DataKey) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.keys[k.Term] = k
}

func (m *memStore) key(term uint32) actiongate.DataKey {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.keys[term]
}

// testKeyBytes returns a 32-byte root key that differs for every seed.
func testKeyBytes(seed byte) []byte {
	k := make([]byte, 32)
	for i := range k {
		k[i] = seed*31 + byte(i)*7 + 1
	}
	return k
}

// testRoot returns the local root key of testKeyBytes(seed).
func testRoot(t testing.TB, seed byte) vault.RootKey {
	t.Helper()
	k, err := vault.KeyFromEnv(base64.StdEncoding.EncodeToString(testKeyBytes(seed)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// openBarrier opens a Barrier over keys with root, closed at the end of the test.
func openBarrier(t testing.TB, keys vault.Keyring, root vault.RootKey) *vault.Barrier {
	t.Helper()
	b, err := vault.Open(t.Context(), vault.Config{Root: root, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// testRef returns the ref of a connector's field.
func testRef(account, connector, field string) actiongate.SecretRef {
	return actiongate.SecretRef{AccountID: account, Kind: actiongate.SecretConnector, OwnerID: connector, Field: field}
}
