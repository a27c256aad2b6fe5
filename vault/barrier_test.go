package vault_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/vault"
	"github.com/google/go-cmp/cmp"
)

// The Barrier is an actiongate.Sealer.
var _ actiongate.Sealer = (*vault.Barrier)(nil)

func TestSealOpen(t *testing.T) {
	t.Parallel()
	b := openBarrier(t, newMemStore(), testRoot(t, 1))
	ref := testRef("111122223333", "conn-1", "ClientSecret")
	for _, tc := range []struct {
		name      string
		plaintext []byte
		aad       []byte
	}{
		{"empty", nil, ref.AAD()},
		{"one byte", []byte{0}, ref.AAD()},
		{"64 bytes", bytes.Repeat([]byte("s3cr3t!!"), 8), ref.AAD()},
		{"4 KiB", bytes.Repeat([]byte{0xa5}, 4096), ref.AAD()},
		{"no aad", []byte("api-key-value"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ct, err := b.Seal(tc.plaintext, tc.aad)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(ct), len(tc.plaintext)+vault.Overhead; got != want {
				t.Errorf("len(ciphertext) = %d, want %d", got, want)
			}
			if term, err := vault.TermOf(ct); err != nil || term != 1 {
				t.Errorf("TermOf = %d, %v; want 1, nil", term, err)
			}
			got, err := b.Open(ct, tc.aad)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.plaintext, got, cmpBytes); diff != "" {
				t.Errorf("Open(Seal(p)) differs from p (-want +got):\n%s", diff)
			}
		})
	}
}

// cmpBytes treats nil and empty byte slices as equal.
var cmpBytes = cmp.Comparer(func(a, b []byte) bool { return bytes.Equal(a, b) })

// Checklist 4 (Vault Confidential): no 8-byte run of the plaintext appears in the
// ciphertext.
func TestConfidential(t *testing.T) {
	t.Parallel()
	b := openBarrier(t, newMemStore(), testRoot(t, 1))
	random := make([]byte, 256)
	rand.Read(random)
	for _, p := range [][]byte{
		[]byte("canary-client-secret-4f1c9e2a7b3d5f60-canary-client-secret"),
		random,
		bytes.Repeat([]byte{0}, 64),
	} {
		ct, err := b.Seal(p, []byte("aad"))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+8 <= len(p); i++ {
			if bytes.Contains(ct, p[i:i+8]) {
				t.Fatalf("ciphertext contains plaintext bytes %d..%d", i, i+8)
			}
		}
	}
}

// openFails checks that Open rejects ct with one of the package's errors and
// returns no plaintext.
func openFails(t *testing.T, b *vault.Barrier, ct, aad []byte, what string) {
	t.Helper()
	p, err := b.Open(ct, aad)
	if err == nil || p != nil {
		t.Fatalf("%s: Open = %q, %v; want nil and an error", what, p, err)
	}
	if !errors.Is(err, vault.ErrMalformed) && !errors.Is(err, vault.ErrUnknownTerm) && !errors.Is(err, vault.ErrNotAuthentic) {
		t.Fatalf("%s: Open error %v is none of ErrMalformed, ErrUnknownTerm, ErrNotAuthentic", what, err)
	}
}

// Checklist 5 (Vault Integrity): flipping any bit pattern of any single byte of
// a sealed value, truncating it or extending it makes Open fail.
func TestTamper(t *testing.T) {
	t.Parallel()
	b := openBarrier(t, newMemStore(), testRoot(t, 1))
	aad := testRef("111122223333", "conn-1", "Password").AAD()
	rejected := 0
	for _, p := range [][]byte{nil, []byte("hunter2"), bytes.Repeat([]byte("x"), 64)} {
		ct, err := b.Seal(p, aad)
		if err != nil {
			t.Fatal(err)
		}
		for i := range ct {
			for _, mask := range []byte{0x01, 0x80, 0xff} {
				bad := bytes.Clone(ct)
				bad[i] ^= mask
				openFails(t, b, bad, aad, fmt.Sprintf("byte %d ^ %#x", i, mask))
				rejected++
			}
		}
		for n := range len(ct) {
			openFails(t, b, ct[:n], aad, fmt.Sprintf("truncated to %d", n))
		}
		openFails(t, b, append(bytes.Clone(ct), 0), aad, "extended")
		if got, err := b.Open(ct, aad); err != nil || !bytes.Equal(got, p) {
			t.Fatalf("the untouched ciphertext no longer opens: %v", err)
		}
	}
	t.Logf("%d altered ciphertexts rejected", rejected)
}

// Checklist 6 (Vault MoveIntegrityV2): a ciphertext moved to another field, row,
// kind or account does not open.
func TestMove(t *testing.T) {
	t.Parallel()
	b := openBarrier(t, newMemStore(), testRoot(t, 1))
	from := testRef("111122223333", "conn-1", "ClientSecret")
	ct, err := b.Seal([]byte("the-client-secret"), from.AAD())
	if err != nil {
		t.Fatal(err)
	}
	for name, to := range map[string]actiongate.SecretRef{
		"other field":                 testRef("111122223333", "conn-1", "ClientId"),
		"other connector":             testRef("111122223333", "conn-2", "ClientSecret"),
		"other account, same conn id": testRef("444455556666", "conn-1", "ClientSecret"),
		"other kind":                  {AccountID: "111122223333", Kind: actiongate.SecretIdentity, OwnerID: "conn-1", Field: "ClientSecret"},
		"parts shifted":               testRef("111122223333", "conn-1Client", "Secret"),
		"zero ref":                    {},
	} {
		openFails(t, b, ct, to.AAD(), name)
		if _, err := b.Open(ct, to.AAD()); !errors.Is(err, vault.ErrNotAuthentic) {
			t.Errorf("%s: Open error = %v, want ErrNotAuthentic", name, err)
		}
	}
	openFails(t, b, ct, nil, "no aad")
}

// Checklist 7 (Vault Encrypt_Unique): equal plaintexts give distinct nonces and
// ciphertexts.
func TestUnique(t *testing.T) {
	t.Parallel()
	const n = 100_000
	b := openBarrier(t, newMemStore(), testRoot(t, 1))
	p := []byte("the same secret every time")
	nonces := make(map[[12]byte]struct{}, n)
	cts := make(map[string]struct{}, n)
	for range n {
		ct, err := b.Seal(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		nonces[[12]byte(ct[5:17])] = struct{}{}
		cts[string(ct)] = struct{}{}
	}
	if dup := n - len(nonces); dup != 0 {
		t.Errorf("%d duplicate nonces in %d seals", dup, n)
	}
	if dup := n - len(cts); dup != 0 {
		t.Errorf("%d duplicate ciphertexts in %d seals", dup, n)
	}
}

func TestOpenGarbage(t *testing.T) {
	t.Parallel()
	b := openBarrier(t, newMemStore(), testRoot(t, 1))
	valid, err := b.Seal([]byte("secret"), nil)
	if err != nil {
		t.Fatal(err)
	}
	withHeader := func(version byte, term uint32) []byte {
		ct := bytes.Clone(valid)
		ct[0] = version
		ct[1], ct[2], ct[3], ct[4] = byte(term>>24), byte(term>>16), byte(term>>8), byte(term)
		return ct
	}
	random := make([]byte, 1000)
	rand.Read(random)
	for _, tc := range []struct {
		name string
		ct   []byte
		want error
	}{
		{"nil", nil, vault.ErrMalformed},
		{"empty", []byte{}, vault.ErrMalformed},
		{"one byte", []byte{1}, vault.ErrMalformed},
		{"header only", valid[:5], vault.ErrMalformed},
		{"one byte short", valid[:vault.Overhead-1], vault.ErrMalformed},
		{"version 0", withHeader(0, 1), vault.ErrMalformed},
		{"version 2", withHeader(2, 1), vault.ErrMalformed},
		{"term 0", withHeader(1, 0), vault.ErrMalformed},
		{"unknown term", withHeader(1, 7), vault.ErrUnknownTerm},
		{"largest term", withHeader(1, 1<<32-1), vault.ErrUnknownTerm},
		{"random with a valid header", append(valid[:5:5], random...), vault.ErrNotAuthentic},
		{"zeros", make([]byte, 64), vault.ErrMalformed},
	} {
		p, err := b.Open(tc.ct, nil)
		if !errors.Is(err, tc.want) || p != nil {
			t.Errorf("%s: Open = %q, %v; want nil, %v", tc.name, p, err, tc.want)
		}
		if _, err := vault.TermOf(tc.ct); tc.want == vault.ErrMalformed && !errors.Is(err, vault.ErrMalformed) {
			t.Errorf("%s: TermOf error = %v, want ErrMalformed", tc.name, err)
		}
	}
}

func TestSealedBarrier(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, b *vault.Barrier) {
		t.Helper()
		if _, err := b.Seal([]byte("x"), nil); !errors.Is(err, vault.ErrSealed) {
			t.Errorf("Seal error = %v, want ErrSealed", err)
		}
		ct := append([]byte{1, 0, 0, 0, 1}, make([]byte, 40)...)
		if p, err := b.Open(ct, nil); !errors.Is(err, vault.ErrSealed) || p != nil {
			t.Errorf("Open = %q, %v; want ErrSealed", p, err)
		}
		if _, err := b.Rotate(t.Context()); !errors.Is(err, vault.ErrSealed) {
			t.Errorf("Rotate error = %v, want ErrSealed", err)
		}
		if err := b.Reload(t.Context()); !errors.Is(err, vault.ErrSealed) {
			t.Errorf("Reload error = %v, want ErrSealed", err)
		}
		if _, err := vault.Rewrap(t.Context(), b, newMemStore(), 0, nil); !errors.Is(err, vault.ErrSealed) {
			t.Errorf("Rewrap error = %v, want ErrSealed", err)
		}
		if _, err := vault.Status(t.Context(), b, newMemStore()); !errors.Is(err, vault.ErrSealed) {
			t.Errorf("Status error = %v, want ErrSealed", err)
		}
		if got := b.Term(); got != 0 {
			t.Errorf("Term = %d, want 0", got)
		}
		if got := b.String(); got != "vault.Barrier(sealed)" {
			t.Errorf("String = %q", got)
		}
	}
	t.Run("zero", func(t *testing.T) {
		t.Parallel()
		check(t, new(vault.Barrier))
	})
	t.Run("closed", func(t *testing.T) {
		t.Parallel()
		b := openBarrier(t, newMemStore(), testRoot(t, 1))
		ct, err := b.Seal([]byte("x"), nil)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // Close is idempotent
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
		}
		check(t, b)
		if p, err := b.Open(ct, nil); !errors.Is(err, vault.ErrSealed) || p != nil {
			t.Errorf("Open of a valid ciphertext after Close = %q, %v; want ErrSealed", p, err)
		}
	})
}

func TestConfigRequired(t *testing.T) {
	t.Parallel()
	if _, err := vault.Open(t.Context(), vault.Config{Keys: newMemStore()}); err == nil {
		t.Error("Open without Root succeeded")
	}
	if _, err := vault.Open(t.Context(), vault.Config{Root: testRoot(t, 1)}); err == nil {
		t.Error("Open without Keys succeeded")
	}
}

// Config.Rand is the source of data keys and nonces, and its failure fails Seal.
func TestRand(t *testing.T) {
	t.Parallel()
	stream := make([]byte, 32+12)
	for i := range stream {
		stream[i] = byte(i)
	}
	b, err := vault.Open(t.Context(), vault.Config{Root: testRoot(t, 1), Keys: newMemStore(), Rand: bytes.NewReader(stream)})
	if err != nil {
		t.Fatal(err)
	}
	ct, err := b.Seal([]byte("secret"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(stream[32:], ct[5:17]); diff != "" {
		t.Errorf("nonce is not read from Config.Rand (-want +got):\n%s", diff)
	}
	if _, err := b.Seal([]byte("secret"), nil); !errors.Is(err, io.EOF) {
		t.Errorf("Seal with an exhausted Rand: error = %v, want io.EOF", err)
	}
	if _, err := vault.Open(t.Context(), vault.Config{Root: testRoot(t, 1), Keys: newMemStore(), Rand: bytes.NewReader(nil)}); err == nil {
		t.Error("Open with an empty Rand succeeded")
	}
}

// Checklist 11: nothing the package prints shows key material: not the root key
// nor a data key, raw, in hex or in base64.
func TestRedaction(t *testing.T) {
	t.Parallel()
	rootBytes := testKeyBytes(9)
	root := &recordingRoot{RootKey: testRoot(t, 9)}
	store := newMemStore()
	b := openBarrier(t, store, root)
	if _, err := b.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	secrets := [][]byte{rootBytes}
	for _, k := range root.wrapCopies() {
		secrets = append(secrets, k)
	}
	if len(secrets) != 3 {
		t.Fatalf("recorded %d data keys, want 2", len(secrets)-1)
	}

	var out strings.Builder
	for _, v := range []any{b, root.RootKey, struct{ B *vault.Barrier }{b}, []any{b, root.RootKey}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
	}
	log := slog.New(slog.NewJSONHandler(&out, nil))
	log.Info("barrier", "b", b, "root", root.RootKey)
	slog.New(slog.NewTextHandler(&out, nil)).Info("barrier", "b", b, "root", root.RootKey)

	// Error messages of a wrong root key and of a bad key file.
	if _, err := vault.Open(t.Context(), vault.Config{Root: testRoot(t, 10), Keys: store}); err != nil {
		fmt.Fprintln(&out, err)
	}
	wrongLen := base64.StdEncoding.EncodeToString(rootBytes[:31])
	if _, err := vault.KeyFromEnv(wrongLen); err != nil {
		fmt.Fprintln(&out, err)
	}
	text := out.String()
	if !strings.Contains(text, b.String()) || !strings.Contains(text, "wrong root key") {
		t.Fatalf("the test printed less than it meant to:\n%s", text)
	}
	for _, s := range secrets {
		for _, form := range []string{string(s), hex.EncodeToString(s), base64.StdEncoding.EncodeToString(s), base64.RawStdEncoding.EncodeToString(s)[:20], fmt.Sprint(s)} {
			if strings.Contains(text, form) {
				t.Errorf("key material %q appears in the output:\n%s", form, text)
			}
		}
	}
	if strings.Contains(text, wrongLen) {
		t.Errorf("KeyFromEnv's error quotes its value")
	}
}

func BenchmarkSeal(b *testing.B) {
	br := openBarrier(b, newMemStore(), testRoot(b, 1))
	p := bytes.Repeat([]byte("s"), 64)
	aad := testRef("111122223333", "conn-1", "ClientSecret").AAD()
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := br.Seal(p, aad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	br := openBarrier(b, newMemStore(), testRoot(b, 1))
	p := bytes.Repeat([]byte("s"), 64)
	aad := testRef("111122223333", "conn-1", "ClientSecret").AAD()
	ct, err := br.Seal(p, aad)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := br.Open(ct, aad); err != nil {
			b.Fatal(err)
		}
	}
}

// Seal and Open run concurrently with Rotate, Reload and another replica's
// rotations (run with -race).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	store, root := newMemStore(), testRoot(t, 1)
	b := openBarrier(t, store, root)
	other := openBarrier(t, store, root)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			aad := []byte{byte(g)}
			for i := range 200 {
				p := []byte(fmt.Sprintf("secret %d/%d", g, i))
				ct, err := b.Seal(p, aad)
				if err != nil {
					t.Error(err)
					return
				}
				// Half are opened by the other replica, which may have to reload.
				opener := b
				if i%2 == 1 {
					opener = other
				}
				if got, err := opener.Open(ct, aad); err != nil || !bytes.Equal(got, p) {
					t.Errorf("Open = %q, %v", got, err)
					return
				}
			}
		})
	}
	for range 5 {
		wg.Go(func() {
			if _, err := b.Rotate(t.Context()); err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() {
			if err := other.Reload(t.Context()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if b.Term() != 6 {
		t.Errorf("Term after 5 rotations = %d, want 6", b.Term())
	}
}
