package vault_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/vault"
	"github.com/google/go-cmp/cmp"
)

// mustOpen opens ct with b and the ref's AAD.
func mustOpen(t *testing.T, b *vault.Barrier, ref actiongate.SecretRef, ct []byte) string {
	t.Helper()
	p, err := b.Open(ct, ref.AAD())
	if err != nil {
		t.Fatalf("Open %v: %v", ref, err)
	}
	return string(p)
}

func termOf(t *testing.T, ct []byte) uint32 {
	t.Helper()
	term, err := vault.TermOf(ct)
	if err != nil {
		t.Fatal(err)
	}
	return term
}

func TestRotate(t *testing.T) {
	t.Parallel()
	store, root := newMemStore(), testRoot(t, 1)
	b := openBarrier(t, store, root)
	ref := testRef("111122223333", "conn-1", "ApiKey")
	old, err := b.Seal([]byte("old secret"), ref.AAD())
	if err != nil {
		t.Fatal(err)
	}
	term, err := b.Rotate(t.Context())
	if err != nil || term != 2 || b.Term() != 2 {
		t.Fatalf("Rotate = %d, %v; Term = %d; want 2", term, err, b.Term())
	}
	cur, err := b.Seal([]byte("new secret"), ref.AAD())
	if err != nil {
		t.Fatal(err)
	}
	if termOf(t, old) != 1 || termOf(t, cur) != 2 {
		t.Errorf("terms = %d, %d; want 1, 2", termOf(t, old), termOf(t, cur))
	}
	check := func(b *vault.Barrier) {
		t.Helper()
		if got := mustOpen(t, b, ref, old); got != "old secret" {
			t.Errorf("old = %q", got)
		}
		if got := mustOpen(t, b, ref, cur); got != "new secret" {
			t.Errorf("new = %q", got)
		}
	}
	check(b)
	// After the barrier is closed and opened again (Vault: seal and unseal).
	b.Close()
	b = openBarrier(t, store, root)
	if b.Term() != 2 {
		t.Errorf("reopened Term = %d, want 2", b.Term())
	}
	check(b)
	if term, err := b.Rotate(t.Context()); err != nil || term != 3 {
		t.Errorf("second Rotate = %d, %v; want 3", term, err)
	}
	check(b)
}

// hookKeyring runs beforeAdd ahead of the first DataKeyAdd, to let another
// replica win a race.
type hookKeyring struct {
	*memStore
	once      sync.Once
	beforeAdd func()
}

func (h *hookKeyring) DataKeyAdd(ctx context.Context, k actiongate.DataKey) error {
	h.once.Do(h.beforeAdd)
	return h.memStore.DataKeyAdd(ctx, k)
}

// crossOpen checks that what a seals b opens and the other way round.
func crossOpen(t *testing.T, a, b *vault.Barrier) {
	t.Helper()
	for _, pair := range [][2]*vault.Barrier{{a, b}, {b, a}} {
		ct, err := pair[0].Seal([]byte("shared"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if p, err := pair[1].Open(ct, nil); err != nil || string(p) != "shared" {
			t.Fatalf("Open of the other barrier's seal = %q, %v", p, err)
		}
	}
}

// Two replicas open an empty keyring at once: the loser of DataKeyAdd adopts
// the winner's term 1.
func TestOpenRace(t *testing.T) {
	t.Parallel()
	store, root := newMemStore(), testRoot(t, 1)
	var other *vault.Barrier
	keys := &hookKeyring{memStore: store, beforeAdd: func() { other = openBarrier(t, store, root) }}
	b := openBarrier(t, keys, root)
	if b.Term() != 1 || other.Term() != 1 {
		t.Fatalf("terms = %d, %d; want 1, 1", b.Term(), other.Term())
	}
	crossOpen(t, b, other)
}

// Two replicas rotate at once: the loser adopts the winner's term.
func TestRotateRace(t *testing.T) {
	t.Parallel()
	store, root := newMemStore(), testRoot(t, 1)
	other := openBarrier(t, store, root)
	var otherTerm uint32
	keys := &hookKeyring{memStore: store, beforeAdd: func() {
		var err error
		if otherTerm, err = other.Rotate(t.Context()); err != nil {
			t.Error(err)
		}
	}}
	b := openBarrier(t, keys, root) // term 1 exists: no add
	term, err := b.Rotate(t.Context())
	if err != nil || term != 2 || otherTerm != 2 {
		t.Fatalf("Rotate = %d, %v, other's = %d; want 2, 2", term, err, otherTerm)
	}
	crossOpen(t, b, other)

	// And truly concurrent rotations, many times over.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := b.Rotate(t.Context()); err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() {
			if _, err := other.Rotate(t.Context()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := b.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := other.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if b.Term() != other.Term() || b.Term() < 3 {
		t.Errorf("terms after concurrent rotations: %d and %d", b.Term(), other.Term())
	}
	crossOpen(t, b, other)
}

// Reload sees another Barrier's rotation.
func TestReload(t *testing.T) {
	t.Parallel()
	store, root := newMemStore(), testRoot(t, 1)
	a := openBarrier(t, store, root)
	b := openBarrier(t, store, root)
	if _, err := a.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if b.Term() != 1 {
		t.Fatalf("b.Term = %d before Reload, want 1", b.Term())
	}
	if err := b.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if b.Term() != 2 {
		t.Errorf("b.Term = %d after Reload, want 2", b.Term())
	}
	ct, err := b.Seal([]byte("x"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if termOf(t, ct) != 2 {
		t.Errorf("b seals under term %d, want 2", termOf(t, ct))
	}
	crossOpen(t, a, b)
}

// Open meets a term another replica made and reloads by itself, unless told not
// to.
func TestOpenReloadsForNewerTerm(t *testing.T) {
	t.Parallel()
	store, root := newMemStore(), testRoot(t, 1)
	a := openBarrier(t, store, root)
	b := openBarrier(t, store, root)
	noReload, err := vault.Open(t.Context(), vault.Config{Root: root, Keys: store, ReloadTimeout: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	ct, err := a.Seal([]byte("made after rotation"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := b.Open(ct, nil); err != nil || string(p) != "made after rotation" {
		t.Fatalf("Open of a newer term = %q, %v", p, err)
	}
	if b.Term() != 2 {
		t.Errorf("b.Term = %d after the reload, want 2", b.Term())
	}
	if _, err := noReload.Open(ct, nil); !errors.Is(err, vault.ErrUnknownTerm) {
		t.Errorf("Open with ReloadTimeout -1: error = %v, want ErrUnknownTerm", err)
	}
}

// failingKeyring fails DataKeyList when fail is set.
type failingKeyring struct {
	*memStore
	fail atomic.Bool
}

func (f *failingKeyring) DataKeyList(ctx context.Context) ([]actiongate.DataKey, error) {
	if f.fail.Load() {
		return nil, errors.New("database is down")
	}
	return f.memStore.DataKeyList(ctx)
}

// A failed Reload or Rotate leaves the keyring in use as it was.
func TestReloadFailureKeepsKeyring(t *testing.T) {
	t.Parallel()
	keys := &failingKeyring{memStore: newMemStore()}
	b := openBarrier(t, keys, testRoot(t, 1))
	ct, err := b.Seal([]byte("x"), nil)
	if err != nil {
		t.Fatal(err)
	}
	keys.fail.Store(true)
	if err := b.Reload(t.Context()); err == nil {
		t.Fatal("Reload succeeded")
	}
	if _, err := b.Rotate(t.Context()); err == nil {
		t.Fatal("Rotate succeeded")
	}
	if p, err := b.Open(ct, nil); err != nil || string(p) != "x" {
		t.Errorf("Open after failed Reload = %q, %v", p, err)
	}
	if b.Term() != 1 {
		t.Errorf("Term = %d, want 1", b.Term())
	}
}

// fixture fills a store with n secrets sealed under term 1, rotates, and adds m
// more under term 2. It returns the plaintext of every ref.
func fixture(t *testing.T, store *memStore, b *vault.Barrier, n, m int) map[actiongate.SecretRef]string {
	t.Helper()
	want := map[actiongate.SecretRef]string{}
	seal := func(i int) {
		ref := testRef(fmt.Sprintf("1111%08d", i%3), fmt.Sprintf("conn-%04d", i), []string{"ClientSecret", "Password"}[i%2])
		p := fmt.Sprintf("secret-%d", i)
		ct, err := b.Seal([]byte(p), ref.AAD())
		if err != nil {
			t.Fatal(err)
		}
		store.put(ref, ct)
		want[ref] = p
	}
	for i := range n {
		seal(i)
	}
	if _, err := b.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i := n; i < n+m; i++ {
		seal(i)
	}
	return want
}

// checkAll opens every stored secret and compares it with want; it returns how
// many are sealed under each term.
func checkAll(t *testing.T, store *memStore, b *vault.Barrier, want map[actiongate.SecretRef]string) map[uint32]int {
	t.Helper()
	terms := map[uint32]int{}
	for ref, p := range want {
		ct := store.get(ref)
		if got := mustOpen(t, b, ref, ct); got != p {
			t.Errorf("%v = %q, want %q", ref, got, p)
		}
		terms[termOf(t, ct)]++
	}
	return terms
}

func TestRewrap(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	b := openBarrier(t, store, testRoot(t, 1))
	want := fixture(t, store, b, 50, 10)
	var calls []int
	st, err := vault.Rewrap(t.Context(), b, store, 7, func(done int) { calls = append(calls, done) })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(vault.RewrapStats{Scanned: 60, Rewrapped: 50, Current: 10}, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{7, 14, 21, 28, 35, 42, 49, 56, 60}, calls); diff != "" {
		t.Errorf("progress calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[uint32]int{2: 60}, checkAll(t, store, b, want)); diff != "" {
		t.Errorf("terms after Rewrap (-want +got):\n%s", diff)
	}
	// A second pass finds nothing to do.
	st, err = vault.Rewrap(t.Context(), b, store, 0, nil)
	if err != nil || st != (vault.RewrapStats{Scanned: 60, Current: 60}) {
		t.Errorf("second Rewrap = %+v, %v", st, err)
	}
}

// Checklist 8: a Rewrap interrupted midway, by its progress callback or after
// some rows, loses nothing; run again, by a restarted process, it finishes.
func TestRewrapInterrupted(t *testing.T) {
	t.Parallel()
	t.Run("progress cancels", func(t *testing.T) {
		t.Parallel()
		store, root := newMemStore(), testRoot(t, 1)
		b := openBarrier(t, store, root)
		want := fixture(t, store, b, 100, 0)
		ctx, cancel := context.WithCancel(t.Context())
		st, err := vault.Rewrap(ctx, b, store, 10, func(done int) {
			if done >= 30 {
				cancel()
			}
		})
		if !errors.Is(err, context.Canceled) || st.Rewrapped != 30 {
			t.Fatalf("interrupted Rewrap = %+v, %v; want 30 rewrapped and context.Canceled", st, err)
		}
		if diff := cmp.Diff(map[uint32]int{1: 70, 2: 30}, checkAll(t, store, b, want)); diff != "" {
			t.Errorf("terms midway (-want +got):\n%s", diff)
		}
		b.Close()
		b = openBarrier(t, store, root) // the process restarts
		st, err = vault.Rewrap(t.Context(), b, store, 10, nil)
		if err != nil || st != (vault.RewrapStats{Scanned: 100, Rewrapped: 70, Current: 30}) {
			t.Fatalf("resumed Rewrap = %+v, %v", st, err)
		}
		if diff := cmp.Diff(map[uint32]int{2: 100}, checkAll(t, store, b, want)); diff != "" {
			t.Errorf("terms at the end (-want +got):\n%s", diff)
		}
	})
	t.Run("cancelled after N rows", func(t *testing.T) {
		t.Parallel()
		store, root := newMemStore(), testRoot(t, 1)
		b := openBarrier(t, store, root)
		want := fixture(t, store, b, 100, 0)
		ctx, cancel := context.WithCancel(t.Context())
		s := &hookStore{memStore: store, afterReplace: func(n int, _ actiongate.SecretRef) {
			if n == 37 {
				cancel()
			}
		}}
		st, err := vault.Rewrap(ctx, b, s, 16, nil)
		if !errors.Is(err, context.Canceled) || st.Rewrapped != 37 {
			t.Fatalf("interrupted Rewrap = %+v, %v; want 37 rewrapped and context.Canceled", st, err)
		}
		if diff := cmp.Diff(map[uint32]int{1: 63, 2: 37}, checkAll(t, store, b, want)); diff != "" {
			t.Errorf("terms midway (-want +got):\n%s", diff)
		}
		st, err = vault.Rewrap(t.Context(), openBarrier(t, store, root), store, 16, nil)
		if err != nil || st != (vault.RewrapStats{Scanned: 100, Rewrapped: 63, Current: 37}) {
			t.Fatalf("resumed Rewrap = %+v, %v", st, err)
		}
		if diff := cmp.Diff(map[uint32]int{2: 100}, checkAll(t, store, b, want)); diff != "" {
			t.Errorf("terms at the end (-want +got):\n%s", diff)
		}
	})
}

// hookStore calls beforeReplace and afterReplace around SecretReplace, with the
// number of the call (from 1).
type hookStore struct {
	*memStore
	calls         atomic.Int64
	beforeReplace func(n int, ref actiongate.SecretRef)
	afterReplace  func(n int, ref actiongate.SecretRef)
}

func (h *hookStore) SecretReplace(ctx context.Context, ref actiongate.SecretRef, prev, next []byte) error {
	n := int(h.calls.Add(1))
	if h.beforeReplace != nil {
		h.beforeReplace(n, ref)
	}
	err := h.memStore.SecretReplace(ctx, ref, prev, next)
	if h.afterReplace != nil {
		h.afterReplace(n, ref)
	}
	return err
}

// Rewrap leaves alone what was rewritten or deleted meanwhile, and what does not
// open, and says so.
func TestRewrapConflictDeletedUnreadable(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	b := openBarrier(t, store, testRoot(t, 1))
	want := fixture(t, store, b, 20, 0)
	rewritten, deleted := testRef("111100000000", "conn-0000", "ClientSecret"), testRef("111100000001", "conn-0004", "ClientSecret")
	garbage := testRef("999999999999", "conn-x", "Password")
	store.put(garbage, []byte("not a ciphertext"))
	delete(want, deleted)

	concurrent, err := b.Seal([]byte("written meanwhile"), rewritten.AAD())
	if err != nil {
		t.Fatal(err)
	}
	s := &hookStore{memStore: store, beforeReplace: func(_ int, ref actiongate.SecretRef) {
		switch ref {
		case rewritten:
			store.put(rewritten, concurrent)
		case deleted:
			store.delete(deleted)
		}
	}}
	want[rewritten] = "written meanwhile"
	st, err := vault.Rewrap(t.Context(), b, s, 6, nil)
	if err == nil {
		t.Error("Rewrap with an unreadable secret returned no error")
	}
	if diff := cmp.Diff(vault.RewrapStats{Scanned: 21, Rewrapped: 18, Conflicts: 1, Deleted: 1, Unreadable: 1}, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	checkAll(t, store, b, want)
	if got := string(store.get(garbage)); got != "not a ciphertext" {
		t.Errorf("the unreadable secret became %q", got)
	}
}

// errStore fails SecretList.
type errStore struct{ *memStore }

func (errStore) SecretList(context.Context, actiongate.SecretRef, int) ([]actiongate.SealedSecret, error) {
	return nil, errors.New("database is down")
}

func TestRewrapStoreError(t *testing.T) {
	t.Parallel()
	store := newMemStore()
	b := openBarrier(t, store, testRoot(t, 1))
	if _, err := vault.Rewrap(t.Context(), b, errStore{store}, 0, nil); err == nil {
		t.Error("Rewrap succeeded over a failing store")
	}
	if _, err := vault.Status(t.Context(), b, errStore{store}); err == nil {
		t.Error("Status succeeded over a failing store")
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	t1 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	t2 := t1.Add(24 * time.Hour)
	clock := []time.Time{t1, t2}
	store := newMemStore()
	b, err := vault.Open(t.Context(), vault.Config{Root: testRoot(t, 1), Keys: store, Now: func() time.Time {
		now := clock[0]
		clock = clock[1:]
		return now
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	fixture(t, store, b, 3, 2)
	store.put(testRef("999999999999", "conn-x", "Password"), []byte("garbage"))

	got, err := vault.Status(t.Context(), b, store)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]vault.TermStatus{{Term: 0, Secrets: 1}, {Term: 1, Created: t1, Secrets: 3}, {Term: 2, Created: t2, Secrets: 2}}, got); diff != "" {
		t.Errorf("Status (-want +got):\n%s", diff)
	}
	if _, err := vault.Rewrap(t.Context(), b, store, 0, nil); err == nil {
		t.Fatal("Rewrap over a garbage row returned no error")
	}
	got, err = vault.Status(t.Context(), b, store)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]vault.TermStatus{{Term: 0, Secrets: 1}, {Term: 1, Created: t1, Secrets: 0}, {Term: 2, Created: t2, Secrets: 5}}, got); diff != "" {
		t.Errorf("Status after Rewrap (-want +got):\n%s", diff)
	}

	// A term found in a ciphertext that the keyring lacks is listed without a
	// creation time; Status spans more than one page.
	other := newMemStore()
	ob := openBarrier(t, other, testRoot(t, 2))
	for range 3 {
		if _, err := ob.Rotate(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	fixture(t, other, ob, 0, vault.DefaultBatch+1) // sealed under term 5
	fresh := newMemStore()
	fb := openBarrier(t, fresh, testRoot(t, 2))
	got, err = vault.Status(t.Context(), fb, other)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Term != 1 || got[0].Secrets != 0 || got[1] != (vault.TermStatus{Term: 5, Secrets: vault.DefaultBatch + 1}) {
		t.Errorf("Status with a foreign term = %+v", got)
	}
}
