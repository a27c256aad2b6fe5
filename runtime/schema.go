package runtime

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/actiongate/actiongate"
)

// schemas compiles JSON Schemas once and keeps them by content.
type schemas struct {
	mu       sync.Mutex
	compiled map[[sha256.Size]byte]*jsonschema.Schema
}

// validate checks input, a JSON object, against schema. Errors are
// KindInvalid and say where the input breaks which rule.
func (s *schemas) validate(schema, input json.RawMessage) error {
	sch, err := s.compile(schema)
	if err != nil {
		return actiongate.Internal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(input))
	if err != nil {
		return actiongate.Errorf(actiongate.KindInvalid, "Input must be a JSON object.")
	}
	if _, ok := v.(map[string]any); !ok {
		return actiongate.Errorf(actiongate.KindInvalid, "Input must be a JSON object.")
	}
	err = sch.Validate(v)
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		return actiongate.Errorf(actiongate.KindInvalid, "Input does not match the action's input schema: %s", describe(ve))
	}
	return err
}

func (s *schemas) compile(schema json.RawMessage) (*jsonschema.Schema, error) {
	key := sha256.Sum256(schema)
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.compiled[key]; ok {
		return sch, nil
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(jsonschema.SchemeURLLoader{}) // nothing is ever fetched
	if err := c.AddResource("input.json", doc); err != nil {
		return nil, err
	}
	sch, err := c.Compile("input.json")
	if err != nil {
		return nil, err
	}
	if s.compiled == nil {
		s.compiled = make(map[[sha256.Size]byte]*jsonschema.Schema)
	}
	s.compiled[key] = sch
	return sch, nil
}

var english = message.NewPrinter(language.English)

// describe renders the leaf causes of a validation error as
// "at /path: message" phrases.
func describe(ve *jsonschema.ValidationError) string {
	var parts []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			at := "/" + strings.Join(e.InstanceLocation, "/")
			parts = append(parts, fmt.Sprintf("at %s: %s", at, e.ErrorKind.LocalizedString(english)))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	if len(parts) > 5 {
		parts = append(parts[:5], fmt.Sprintf("and %d more", len(parts)-5))
	}
	return strings.Join(parts, "; ") + "."
}
