package actiongate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretRedacts(t *testing.T) {
	t.Parallel()
	const value = "sk-live-canary"
	s := NewSecret([]byte(value))
	holder := struct {
		Key Secret
		Ptr *Secret
	}{s, &s}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "secret", s, "holder", holder)
	marshaled, err := json.Marshal(holder)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{
		s.String(), s.GoString(),
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q", s, s, s, s, s),
		fmt.Sprintf("%v %+v %#v", holder, holder, holder),
		string(marshaled), logs.String(),
		fmt.Errorf("wrapped: %v", s).Error(),
	} {
		if strings.Contains(out, value) {
			t.Errorf("output %q reveals the secret", out)
		}
		if !strings.Contains(out, "REDACTED") {
			t.Errorf("output %q does not say REDACTED", out)
		}
	}
	if string(s.Reveal()) != value {
		t.Errorf("Reveal = %q", s.Reveal())
	}
}

func TestSecretUnmarshalAndCompare(t *testing.T) {
	t.Parallel()
	var s Secret
	if err := json.Unmarshal([]byte(`"abc"`), &s); err != nil {
		t.Fatal(err)
	}
	if !s.Equal(NewSecret([]byte("abc"))) || s.Equal(NewSecret([]byte("abd"))) || s.Equal(Secret{}) {
		t.Error("Equal disagrees with the bytes")
	}
	if err := json.Unmarshal([]byte(`123`), &s); err == nil {
		t.Error("a number unmarshaled into a Secret")
	}
	b := []byte("copy")
	c := NewSecret(b)
	b[0] = 'X'
	if string(c.Reveal()) != "copy" {
		t.Error("NewSecret does not copy its input")
	}
	c.Wipe()
	if !bytes.Equal(c.Reveal(), make([]byte, 4)) {
		t.Error("Wipe left bytes behind")
	}
}
