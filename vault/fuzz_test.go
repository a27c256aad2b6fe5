package vault_test

import (
	"bytes"
	"testing"

	"github.com/actiongate/actiongate/vault"
)

// FuzzOpen: checklist 10. Open never panics, and opens nothing but a ciphertext
// Seal made, with the aad it was made with.
func FuzzOpen(f *testing.F) {
	b := openBarrier(f, newMemStore(), testRoot(f, 1))
	if _, err := b.Rotate(f.Context()); err != nil {
		f.Fatal(err)
	}
	aad := testRef("111122223333", "conn-1", "ClientSecret").AAD()
	type sealed struct{ ct, p []byte }
	var valid []sealed
	for _, p := range [][]byte{nil, []byte("x"), bytes.Repeat([]byte("secret"), 11)} {
		ct, err := b.Seal(p, aad)
		if err != nil {
			f.Fatal(err)
		}
		valid = append(valid, sealed{ct, p})
		f.Add(ct, aad)
		f.Add(ct, []byte{})
		f.Add(ct[:len(ct)-1], aad)
	}
	f.Add([]byte{}, []byte{})
	f.Add([]byte{1, 0, 0, 0, 1}, aad)
	f.Add(bytes.Repeat([]byte{1}, vault.Overhead), aad)
	f.Add(append([]byte{1, 0, 0, 0, 9}, make([]byte, 40)...), aad)
	f.Add(append([]byte{1, 0xff, 0xff, 0xff, 0xff}, make([]byte, 40)...), aad)

	f.Fuzz(func(t *testing.T, ct, a []byte) {
		term, termErr := vault.TermOf(ct)
		p, err := b.Open(ct, a)
		if err == nil {
			if termErr != nil || term == 0 {
				t.Fatalf("Open succeeded where TermOf fails: %v", termErr)
			}
			for _, v := range valid {
				if bytes.Equal(ct, v.ct) && bytes.Equal(a, aad) && bytes.Equal(p, v.p) {
					return
				}
			}
			t.Fatalf("Open opened a ciphertext Seal never made: %x", ct)
		}
		if p != nil {
			t.Fatalf("Open returned plaintext with error %v", err)
		}
	})
}
