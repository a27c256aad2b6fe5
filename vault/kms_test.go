package vault_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/google/go-cmp/cmp"

	"github.com/actiongate/actiongate/vault"
)

// fakeKMS is a loopback stand-in for AWS KMS that speaks the documented wire
// protocol of its Encrypt and Decrypt operations: awsJson1.1 (POST /,
// Content-Type application/x-amz-json-1.1, X-Amz-Target TrentService.<Op>),
// blobs in base64, errors as HTTP 400 with {"__type", "message"}. It holds
// symmetric keys under key IDs, resolves key IDs, key ARNs, alias names and
// alias ARNs, binds ciphertexts to their encryption context, and answers
// NotFoundException, IncorrectKeyException, InvalidCiphertextException and
// AccessDeniedException as KMS documents them.
type fakeKMS struct {
	srv     *httptest.Server
	keys    map[string]cipher.AEAD // key ID -> key
	aliases map[string]string      // alias name -> key ID
	denied  map[string]bool        // key IDs the caller may not use

	mu       sync.Mutex
	calls    []string            // operation names
	contexts []map[string]string // encryption contexts received
}

const fakeAccount, fakeRegion = "111122223333", "us-east-1"

func newFakeKMS(t *testing.T) *fakeKMS {
	f := &fakeKMS{keys: map[string]cipher.AEAD{}, aliases: map[string]string{}, denied: map[string]bool{}}
	for _, id := range []string{"1234abcd-12ab-34cd-56ef-1234567890ab", "0987dcba-09fe-87dc-65ba-ab0987654321", "deny0000-0000-0000-0000-000000000000"} {
		k := make([]byte, 32)
		rand.Read(k)
		block, _ := aes.NewCipher(k)
		f.keys[id], _ = cipher.NewGCM(block)
	}
	f.aliases["alias/actiongate"] = "1234abcd-12ab-34cd-56ef-1234567890ab"
	f.denied["deny0000-0000-0000-0000-000000000000"] = true
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// client returns a KMS client of the AWS SDK pointed at the fake, with static
// credentials and no retries.
func (f *fakeKMS) client() *kms.Client {
	return kms.New(kms.Options{
		Region:           fakeRegion,
		BaseEndpoint:     aws.String(f.srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
		HTTPClient:       f.srv.Client(),
		RetryMaxAttempts: 1,
	})
}

func arn(id string) string {
	return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", fakeRegion, fakeAccount, id)
}

// resolve returns the key ID named by a key ID, key ARN, alias name or alias ARN.
func (f *fakeKMS) resolve(name string) (string, bool) {
	if i := strings.Index(name, ":key/"); strings.HasPrefix(name, "arn:") && i >= 0 {
		name = name[i+len(":key/"):]
	} else if i := strings.Index(name, ":alias/"); strings.HasPrefix(name, "arn:") && i >= 0 {
		name = name[i+1:]
	}
	if id, ok := f.aliases[name]; ok {
		name = id
	}
	_, ok := f.keys[name]
	return name, ok
}

// contextAAD encodes an encryption context unambiguously: sorted pairs, each
// string length-prefixed.
func contextAAD(ec map[string]string) []byte {
	var b []byte
	for _, k := range slices.Sorted(maps.Keys(ec)) {
		for _, s := range []string{k, ec[k]} {
			b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
			b = append(b, s...)
		}
	}
	return b
}

type kmsRequest struct {
	KeyId             string
	Plaintext         []byte // base64 in JSON, as encoding/json does for []byte
	CiphertextBlob    []byte
	EncryptionContext map[string]string
}

func (f *fakeKMS) fail(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
}

func (f *fakeKMS) serve(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/":
		f.fail(w, 404, "UnknownOperationException", "")
		return
	case r.Header.Get("Content-Type") != "application/x-amz-json-1.1":
		f.fail(w, 400, "SerializationException", "wrong content type")
		return
	case !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") || !strings.Contains(auth, "/"+fakeRegion+"/kms/aws4_request"):
		f.fail(w, 400, "MissingAuthenticationTokenException", "request is not signed with SigV4 for kms")
		return
	}
	var req kmsRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		f.fail(w, 400, "SerializationException", err.Error())
		return
	}
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
	f.mu.Lock()
	f.calls = append(f.calls, op)
	f.contexts = append(f.contexts, req.EncryptionContext)
	f.mu.Unlock()

	switch op {
	case "Encrypt":
		id, ok := f.resolve(req.KeyId)
		if !ok {
			f.fail(w, 400, "NotFoundException", "Key '"+req.KeyId+"' does not exist")
			return
		}
		if f.denied[id] {
			f.fail(w, 400, "AccessDeniedException", "not authorized to perform kms:Encrypt")
			return
		}
		if n := len(req.Plaintext); n < 1 || n > 4096 {
			f.fail(w, 400, "ValidationException", "Plaintext length")
			return
		}
		// The blob: key ID length, key ID, nonce, sealed plaintext.
		blob := append([]byte{byte(len(id))}, id...)
		nonce := make([]byte, 12)
		rand.Read(nonce)
		blob = append(blob, nonce...)
		blob = f.keys[id].Seal(blob, nonce, req.Plaintext, contextAAD(req.EncryptionContext))
		json.NewEncoder(w).Encode(map[string]any{"CiphertextBlob": blob, "KeyId": arn(id), "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"})
	case "Decrypt":
		b := req.CiphertextBlob
		if len(b) < 1 || len(b) < 1+int(b[0])+12+16 {
			f.fail(w, 400, "InvalidCiphertextException", "")
			return
		}
		blobKey := string(b[1 : 1+int(b[0])])
		if _, ok := f.keys[blobKey]; !ok {
			f.fail(w, 400, "InvalidCiphertextException", "")
			return
		}
		if req.KeyId != "" {
			id, ok := f.resolve(req.KeyId)
			if !ok {
				f.fail(w, 400, "NotFoundException", "Key '"+req.KeyId+"' does not exist")
				return
			}
			if id != blobKey {
				f.fail(w, 400, "IncorrectKeyException", "The key ID in the request does not identify a KMS key that can perform this operation.")
				return
			}
		}
		if f.denied[blobKey] {
			f.fail(w, 400, "AccessDeniedException", "not authorized to perform kms:Decrypt")
			return
		}
		rest := b[1+int(b[0]):]
		p, err := f.keys[blobKey].Open(nil, rest[:12], rest[12:], contextAAD(req.EncryptionContext))
		if err != nil {
			f.fail(w, 400, "InvalidCiphertextException", "")
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"Plaintext": p, "KeyId": arn(blobKey), "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"})
	default:
		f.fail(w, 400, "UnknownOperationException", op)
	}
}

func TestKMS(t *testing.T) {
	t.Parallel()
	f := newFakeKMS(t)
	store := newMemStore()
	root := vault.KMS(f.client(), "alias/actiongate")
	if got := root.ID(); got != "kms:alias/actiongate" {
		t.Errorf("ID = %q", got)
	}
	a := openBarrier(t, store, root) // Encrypt of term 1
	// Encrypt of term 2.
	if _, err := a.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}
	ref := testRef("111122223333", "conn-1", "ClientSecret")
	ct, err := a.Seal([]byte("kms-protected"), ref.AAD())
	if err != nil {
		t.Fatal(err)
	}
	// Another process, naming the key by its ARN, unwraps through Decrypt.
	b := openBarrier(t, store, vault.KMS(f.client(), arn("1234abcd-12ab-34cd-56ef-1234567890ab")))
	if got := mustOpen(t, b, ref, ct); got != "kms-protected" {
		t.Errorf("Open = %q", got)
	}
	want := []string{"Encrypt", "Encrypt", "Decrypt", "Decrypt"}
	if diff := cmp.Diff(want, f.calls); diff != "" {
		t.Errorf("KMS calls (-want +got):\n%s", diff)
	}
	ctx := func(term string) map[string]string {
		return map[string]string{"actiongate:purpose": "vault-data-key", "actiongate:term": term}
	}
	if diff := cmp.Diff([]map[string]string{ctx("1"), ctx("2"), ctx("1"), ctx("2")}, f.contexts); diff != "" {
		t.Errorf("encryption contexts (-want +got):\n%s", diff)
	}
	if s := fmt.Sprintf("%v %#v", root, root); strings.Contains(s, "0x") || !strings.Contains(s, "alias/actiongate") {
		t.Errorf("the KMS root key prints as %q", s)
	}
}

func TestKMSWrongKey(t *testing.T) {
	t.Parallel()
	f := newFakeKMS(t)
	store := newMemStore()
	a := openBarrier(t, store, vault.KMS(f.client(), "alias/actiongate"))
	if _, err := a.Rotate(t.Context()); err != nil {
		t.Fatal(err)
	}

	// Another KMS key: IncorrectKeyException.
	_, err := vault.Open(t.Context(), vault.Config{Root: vault.KMS(f.client(), "0987dcba-09fe-87dc-65ba-ab0987654321"), Keys: store})
	if !errors.Is(err, vault.ErrWrongRootKey) {
		t.Errorf("Open with another KMS key: error = %v, want ErrWrongRootKey", err)
	}
	// A local key over KMS-wrapped data keys.
	_, err = vault.Open(t.Context(), vault.Config{Root: testRoot(t, 1), Keys: store})
	if !errors.Is(err, vault.ErrWrongRootKey) || !strings.Contains(err.Error(), "kms:alias/actiongate") {
		t.Errorf("Open with a local key: error = %v, want ErrWrongRootKey naming the KMS key", err)
	}
	// A wrapped key moved to another term: the encryption context differs, so
	// InvalidCiphertextException.
	k2 := store.key(2)
	k2.Wrapped = store.key(1).Wrapped
	store.setKey(k2)
	_, err = vault.Open(t.Context(), vault.Config{Root: vault.KMS(f.client(), "alias/actiongate"), Keys: store})
	if !errors.Is(err, vault.ErrWrongRootKey) {
		t.Errorf("Open with a moved data key: error = %v, want ErrWrongRootKey", err)
	}
}

// Errors that do not say the key is wrong are not ErrWrongRootKey: access
// denied, an unknown key, an unreachable endpoint, a missing client.
func TestKMSOtherErrors(t *testing.T) {
	t.Parallel()
	f := newFakeKMS(t)
	for name, root := range map[string]vault.RootKey{
		"access denied": vault.KMS(f.client(), "deny0000-0000-0000-0000-000000000000"),
		"unknown key":   vault.KMS(f.client(), "alias/missing"),
		"no client":     vault.KMS(nil, "alias/actiongate"),
		"no key ID":     vault.KMS(f.client(), ""),
	} {
		_, err := vault.Open(t.Context(), vault.Config{Root: root, Keys: newMemStore()})
		if err == nil || errors.Is(err, vault.ErrWrongRootKey) {
			t.Errorf("%s: Open error = %v, want an error that is not ErrWrongRootKey", name, err)
		}
	}

	store := newMemStore()
	openBarrier(t, store, vault.KMS(f.client(), "alias/actiongate"))
	down := newFakeKMS(t)
	down.srv.Close()
	_, err := vault.Open(t.Context(), vault.Config{Root: vault.KMS(down.client(), "alias/actiongate"), Keys: store})
	if err == nil || errors.Is(err, vault.ErrWrongRootKey) {
		t.Errorf("KMS unreachable: Open error = %v, want an error that is not ErrWrongRootKey", err)
	}
}
