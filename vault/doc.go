// Package vault encrypts secrets at rest with envelope encryption. It is the only
// code in actiongate that ever holds key material.
//
// # Keys
//
// A root key (the key-encryption key) comes from outside the database: a key file
// (KeyFile), an operator-supplied value (KeyFromEnv) or AWS KMS (KMS). It never
// encrypts secrets itself. It wraps data keys: random 256-bit keys, one per term,
// numbered 1, 2, 3, ... The wrapped data keys are kept in the database through a
// Keyring; the root key is never stored there. Rotate adds the next term, new
// seals use the newest term, and every older term keeps opening what it sealed
// until Rewrap has moved those values to the newest term.
//
// # Ciphertext format
//
// Seal returns, for format version 1:
//
//	offset  size   field
//	0       1      version, 1
//	1       4      term of the data key, big-endian, at least 1
//	5       12     nonce, read from Config.Rand for every seal
//	17      n+16   AES-256-GCM ciphertext of the n-byte plaintext, then the tag
//
// The GCM additional data is bytes 0 to 4 (version and term) followed by the
// caller's aad, so neither the header nor the binding to the caller's record can
// be changed without Open failing. actiongate binds every secret to its
// actiongate.SecretRef.AAD, so a ciphertext copied to another field, record or
// account does not open.
//
// A wrapped data key, as the Keyring stores it, is: version 1 (1 byte), the
// length of the root key's ID (1 byte), that ID, then whatever the root key's
// Wrap returned. The ID is not secret and serves error messages only: Open says
// which root key wrapped a data key that the configured root key cannot unwrap.
//
// # Failure
//
// Everything fails closed. A wrong root key makes Open fail with ErrWrongRootKey;
// a short, malformed, tampered or misbound ciphertext makes (*Barrier).Open fail
// with ErrMalformed, ErrUnknownTerm or ErrNotAuthentic, and no input makes it
// return plaintext it should not or panic. No error message and no String,
// GoString or LogValue of any type in this package contains key material or
// plaintext.
//
// # Limits
//
//   - Random 96-bit nonces are safe for about 2^32 seals per data key (NIST
//     SP 800-38D). Rotate well before that; credentials are written rarely, so a
//     rotation a year leaves a wide margin.
//   - The associated data cannot detect the rollback of a field to an older
//     ciphertext of the same field: both open. Nor can it hide the length of a
//     secret.
//   - Memory hygiene is best effort, as in any garbage-collected language. The
//     package zeroes the data-key and plaintext buffers it owns once done with them
//     and Close drops the keyring, but the expanded AES key schedule lives inside
//     crypto/aes, which offers no way to wipe it; buffers owned by callers, by the
//     AWS SDK (KMS responses) and Go strings (KeyFromEnv's argument) are out of its
//     reach.
package vault
