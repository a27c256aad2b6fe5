package vault

import "errors"

// The errors of the package. Each is returned wrapped, with context that names
// terms and key IDs but never key material or plaintext; test with errors.Is.
var (
	// ErrSealed is returned by every operation of a Barrier that was closed, and
	// of the zero Barrier.
	ErrSealed = errors.New("vault: barrier is sealed")

	// ErrWrongRootKey is returned when a data key does not unwrap with the
	// configured root key: the key is not the one that wrapped it, or the wrapped
	// key was altered or moved to another term.
	ErrWrongRootKey = errors.New("vault: wrong root key")

	// ErrMalformed is returned for a ciphertext that is too short, has an unknown
	// format version or term 0.
	ErrMalformed = errors.New("vault: malformed ciphertext")

	// ErrUnknownTerm is returned for a ciphertext sealed under a term the keyring
	// does not hold, even after reloading it.
	ErrUnknownTerm = errors.New("vault: ciphertext sealed under an unknown key term")

	// ErrNotAuthentic is returned when a ciphertext fails authentication: it was
	// altered, or it is opened with other associated data than it was sealed with.
	ErrNotAuthentic = errors.New("vault: ciphertext is not authentic for this associated data")

	// ErrKeyFileMode is returned by KeyFile for a key file that grants its group or
	// other users any permission, or is not a regular file.
	ErrKeyFileMode = errors.New("vault: insecure key file")
)
