package vault_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/vault"
)

// recordingRoot is a RootKey that remembers the data-key buffers it is handed by
// Wrap and hands out from Unwrap, to check that the Barrier clears them.
type recordingRoot struct {
	vault.RootKey
	mu        sync.Mutex
	wrapArgs  [][]byte // the slices given to Wrap, as given
	wrapSeen  [][]byte // copies of them, taken on the call
	unwrapped [][]byte // the slices Unwrap returned
}

func (r *recordingRoot) Wrap(ctx context.Context, term uint32, dataKey []byte) ([]byte, error) {
	r.mu.Lock()
	r.wrapArgs = append(r.wrapArgs, dataKey)
	r.wrapSeen = append(r.wrapSeen, bytes.Clone(dataKey))
	r.mu.Unlock()
	return r.RootKey.Wrap(ctx, term, dataKey)
}

func (r *recordingRoot) Unwrap(ctx context.Context, term uint32, wrapped []byte) ([]byte, error) {
	k, err := r.RootKey.Unwrap(ctx, term, wrapped)
	r.mu.Lock()
	r.unwrapped = append(r.unwrapped, k)
	r.mu.Unlock()
	return k, err
}

func (r *recordingRoot) wrapCopies() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.wrapSeen
}

func allZero(b []byte) bool { return len(b) > 0 && bytes.Count(b, []byte{0}) == len(b) }

// Checklist 11: the data-key buffers the Barrier owns are zeroed once their
// cipher is made, when created and when unwrapped.
func TestDataKeysCleared(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	root := &recordingRoot{RootKey: testRoot(t, 1)}
	a := openBarrier(t, store, root)
	if _, err := a.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	openBarrier(t, store, root) // unwraps both terms
	if len(root.wrapArgs) != 2 || len(root.unwrapped) != 2 {
		t.Fatalf("recorded %d wraps and %d unwraps, want 2 and 2", len(root.wrapArgs), len(root.unwrapped))
	}
	for i, k := range root.wrapArgs {
		if allZero(root.wrapSeen[i]) || !allZero(k) {
			t.Errorf("new data key %d was not cleared after wrapping", i+1)
		}
	}
	for i, k := range root.unwrapped {
		if !allZero(k) {
			t.Errorf("unwrapped data key %d was not cleared", i+1)
		}
	}
}

// Checklist 9 (Vault ErrBarrierInvalidKey): a wrong root key, or one with one
// changed byte, does not open the barrier and says so.
func TestWrongRootKey(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	right := testRoot(t, 1)
	b := openBarrier(t, store, right)
	if _, err := b.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	oneByte := testKeyBytes(1)
	oneByte[17] ^= 1
	changed, err := vault.KeyFromEnv(base64.StdEncoding.EncodeToString(oneByte))
	if err != nil {
		t.Fatal(err)
	}
	for name, root := range map[string]vault.RootKey{"other key": testRoot(t, 2), "one byte changed": changed} {
		got, err := vault.Open(t.Context(), vault.Config{Root: root, Keys: store})
		if !errors.Is(err, vault.ErrWrongRootKey) || got != nil {
			t.Errorf("%s: Open = %v, %v; want nil, ErrWrongRootKey", name, got, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, right.ID()) || !strings.Contains(msg, root.ID()) {
			t.Errorf("%s: error %q names neither the wrapping root key %s nor the configured %s", name, msg, right.ID(), root.ID())
		}
	}
	// The right key still opens.
	openBarrier(t, store, right)
}

// One term wrapped by another root key fails the whole Open: fail closed.
func TestWrongRootKeyForOneTerm(t *testing.T) {
	t.Parallel()
	store, other := newMemStore(), newMemStore()
	openBarrier(t, store, testRoot(t, 1))
	ob := openBarrier(t, other, testRoot(t, 2))
	if _, err := ob.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	store.setKey(other.key(2))
	if _, err := vault.Open(t.Context(), vault.Config{Root: testRoot(t, 1), Keys: store}); !errors.Is(err, vault.ErrWrongRootKey) {
		t.Errorf("Open error = %v, want ErrWrongRootKey", err)
	}
}

// A wrapped data key copied to another term does not unwrap.
func TestWrappedKeyMovedToOtherTerm(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	root := testRoot(t, 1)
	b := openBarrier(t, store, root)
	if _, err := b.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	k2 := store.key(2)
	k2.Wrapped = store.key(1).Wrapped
	store.setKey(k2)
	if _, err := vault.Open(t.Context(), vault.Config{Root: root, Keys: store}); !errors.Is(err, vault.ErrWrongRootKey) {
		t.Errorf("Open error = %v, want ErrWrongRootKey", err)
	}
}

func TestCorruptKeyring(t *testing.T) {
	t.Parallel()
	root := testRoot(t, 1)
	for name, k := range map[string]actiongate.DataKey{
		"term 0":          {Term: 0, Wrapped: []byte{1, 0}},
		"empty wrapped":   {Term: 1},
		"bad version":     {Term: 1, Wrapped: []byte{9, 0, 1, 2, 3}},
		"id overruns":     {Term: 1, Wrapped: []byte{1, 200, 'x'}},
		"short blob":      {Term: 1, Wrapped: []byte{1, 0, 1, 2, 3}},
		"garbage blob 60": {Term: 1, Wrapped: append([]byte{1, 0}, bytes.Repeat([]byte{7}, 60)...)},
	} {
		store := newMemStore()
		store.setKey(k)
		if b, err := vault.Open(t.Context(), vault.Config{Root: root, Keys: store}); err == nil {
			t.Errorf("%s: Open succeeded: %v", name, b)
		}
	}
}

func TestKeyFromEnv(t *testing.T) {
	t.Parallel()
	key := testKeyBytes(3)
	enc := base64.StdEncoding.EncodeToString(key)
	for _, tc := range []struct {
		name, value string
		ok          bool
	}{
		{"base64", enc, true},
		{"with newline and spaces", "  " + enc + "\n", true},
		{"empty", "", false},
		{"16 bytes", base64.StdEncoding.EncodeToString(key[:16]), false},
		{"31 bytes", base64.StdEncoding.EncodeToString(key[:31]), false},
		{"33 bytes", base64.StdEncoding.EncodeToString(append(key, 0)), false},
		{"unpadded", base64.RawStdEncoding.EncodeToString(key), false},
		{"hex", strings.Repeat("ab", 32), false},
		{"not base64", strings.Repeat("!", 44), false},
	} {
		k, err := vault.KeyFromEnv(tc.value)
		if (err == nil) != tc.ok {
			t.Errorf("%s: KeyFromEnv error = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && tc.value != "" && strings.Contains(err.Error(), strings.TrimSpace(tc.value)) {
			t.Errorf("%s: the error quotes the value", tc.name)
		}
		if tc.ok && !strings.HasPrefix(k.ID(), "local:") {
			t.Errorf("%s: ID = %q", tc.name, k.ID())
		}
	}
}

func TestKeyFileCreated(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "root.key")
	k1, err := vault.KeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode = %04o, want 0600", perm)
	}
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(content) != 45 || content[44] != '\n' {
		t.Errorf("key file holds %d bytes, want 44 of base64 and a newline", len(content))
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(content)))
	if err != nil || len(raw) != 32 {
		t.Fatalf("key file content does not decode to 32 bytes: %d, %v", len(raw), err)
	}
	if k, err := vault.KeyFromEnv(string(content)); err != nil || k.ID() != k1.ID() {
		t.Errorf("the same key from the environment has ID %v (%v), want %s", k, err, k1.ID())
	}

	// A second load gives the same key: what one sealed, the other opens.
	store := newMemStore()
	b1 := openBarrier(t, store, k1)
	ct, err := b1.Seal([]byte("secret"), []byte("aad"))
	if err != nil {
		t.Fatal(err)
	}
	k2, err := vault.KeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b2 := openBarrier(t, store, k2)
	if p, err := b2.Open(ct, []byte("aad")); err != nil || string(p) != "secret" {
		t.Errorf("Open with the reloaded key file = %q, %v", p, err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want only the key file", len(entries))
	}
}

// Processes that race to create the key file all end up with the same key.
func TestKeyFileCreateRace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "root.key")
	ids := make([]string, 16)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			k, err := vault.KeyFile(path)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = k.ID()
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("KeyFile returned different keys: %q", ids)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want only the key file", len(entries))
	}
}

func TestKeyFileRefused(t *testing.T) {
	t.Parallel()
	good := base64.StdEncoding.EncodeToString(testKeyBytes(4)) + "\n"
	for _, tc := range []struct {
		name    string
		content string
		mode    fs.FileMode
		want    error // nil: any error but ErrKeyFileMode
	}{
		{"mode 0644", good, 0o644, vault.ErrKeyFileMode},
		{"mode 0640", good, 0o640, vault.ErrKeyFileMode},
		{"mode 0604", good, 0o604, vault.ErrKeyFileMode},
		{"mode 0660", good, 0o660, vault.ErrKeyFileMode},
		{"mode 0601", good, 0o601, vault.ErrKeyFileMode},
		{"16 bytes", base64.StdEncoding.EncodeToString(testKeyBytes(4)[:16]) + "\n", 0o600, nil},
		{"33 bytes", base64.StdEncoding.EncodeToString(append(testKeyBytes(4), 1)) + "\n", 0o600, nil},
		{"empty", "", 0o600, nil},
		{"garbage", "this is not a key at all, honestly!!!!!!!!!\n", 0o600, nil},
		{"raw bytes", string(testKeyBytes(4)), 0o600, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "root.key")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			k, err := vault.KeyFile(path)
			switch {
			case err == nil:
				t.Fatalf("KeyFile succeeded: %v", k)
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Fatalf("KeyFile error = %v, want %v", err, tc.want)
			case tc.want == nil && errors.Is(err, vault.ErrKeyFileMode):
				t.Fatalf("KeyFile error = %v, want a content error", err)
			}
			if len(tc.content) > 8 && strings.Contains(err.Error(), strings.TrimSpace(tc.content)) {
				t.Errorf("the error quotes the file's content")
			}
		})
	}
	// Owner-only modes are accepted.
	for _, mode := range []fs.FileMode{0o400, 0o600, 0o700} {
		path := filepath.Join(t.TempDir(), "root.key")
		if err := os.WriteFile(path, []byte(good), mode); err != nil {
			t.Fatal(err)
		}
		if _, err := vault.KeyFile(path); err != nil {
			t.Errorf("mode %04o: %v", mode, err)
		}
	}
	// Not a regular file.
	if _, err := vault.KeyFile(t.TempDir()); !errors.Is(err, vault.ErrKeyFileMode) {
		t.Errorf("KeyFile(directory) error = %v, want ErrKeyFileMode", err)
	}
	// A missing directory is not created.
	if _, err := vault.KeyFile(filepath.Join(t.TempDir(), "missing", "root.key")); err == nil {
		t.Error("KeyFile in a missing directory succeeded")
	}
}
