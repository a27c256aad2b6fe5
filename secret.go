package actiongate

import (
	"crypto/subtle"
	"encoding/json"
	"log/slog"
)

// redacted is what a Secret prints as, wherever it is formatted.
const redacted = "[REDACTED]"

// Secret is a credential value: an API key, a password, a client secret, a token
// or a secret access key. It prints, logs and marshals as "[REDACTED]"; the value
// is read only through Reveal, by the code that seals it or uses it on the wire.
// The zero Secret is empty.
type Secret struct {
	b []byte
}

// NewSecret returns a Secret holding a copy of b.
func NewSecret(b []byte) Secret {
	return Secret{b: append([]byte(nil), b...)}
}

// Reveal returns the secret's bytes. Callers must not keep, log or return them.
func (s Secret) Reveal() []byte { return s.b }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return len(s.b) == 0 }

// Len reports the secret's length in bytes.
func (s Secret) Len() int { return len(s.b) }

// Equal reports whether s and t hold the same bytes, in time independent of
// where they differ.
func (s Secret) Equal(t Secret) bool { return subtle.ConstantTimeCompare(s.b, t.b) == 1 }

// Wipe overwrites the secret's bytes with zeros.
func (s Secret) Wipe() { clear(s.b) }

func (Secret) String() string               { return redacted }
func (Secret) GoString() string             { return redacted }
func (Secret) LogValue() slog.Value         { return slog.StringValue(redacted) }
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// MarshalJSON encodes the secret as the string "[REDACTED]".
func (Secret) MarshalJSON() ([]byte, error) { return json.Marshal(redacted) }

// UnmarshalJSON reads a JSON string into the secret. It exists so that request
// decoders can bind secret members directly into a Secret.
func (s *Secret) UnmarshalJSON(b []byte) error {
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	s.b = []byte(v)
	return nil
}
