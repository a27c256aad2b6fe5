package restjson

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// maxDepth bounds the nesting of request bodies. The deepest member of any
// request is six levels down; 64 leaves room for unknown members without
// letting a body make the decoder recurse deeply.
const maxDepth = 64

// decodeBody decodes a JSON request body into v, a pointer to a wire struct,
// strictly: the body must be one JSON object of valid UTF-8 with no trailing
// data, no duplicate member names and nesting of at most maxDepth. Members bind
// by exact name: a key that differs from a member only in case is an unknown
// member, and unknown members are ignored. An empty body counts as {}.
// Failures are *wireError SerializationException values whose message says what
// is wrong and where, never what value was sent.
func decodeBody(body []byte, v any) error {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return nil
	}
	if trimmed[0] != '{' {
		return serializationError("The request body must be a JSON object.")
	}
	if !utf8.Valid(body) {
		return serializationError("The request body is not valid UTF-8.")
	}
	if depth(trimmed) > maxDepth {
		return serializationError(fmt.Sprintf("The request body nests deeper than %d levels.", maxDepth))
	}
	if err := json.Unmarshal(body, v); err != nil {
		return serializationError(describeDecodeError(err))
	}
	return nil
}

// depth reports the deepest nesting of arrays and objects in b, a JSON text,
// counting brackets outside strings. It does not validate b.
func depth(b []byte) int {
	deepest, d, inString, escaped := 0, 0, false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			d++
			deepest = max(deepest, d)
		case c == '}' || c == ']':
			d--
		}
	}
	return deepest
}

// describeDecodeError writes a user-facing message for a decoding error: the
// rule and the JSON pointer of the place, without the offending value.
func describeDecodeError(err error) string {
	var syn *jsontext.SyntacticError
	var sem *json.SemanticError
	switch {
	case errors.Is(err, jsontext.ErrDuplicateName):
		return "The request body has a duplicate member" + at(pointerOf(err)) + "."
	case errors.As(err, &syn):
		return fmt.Sprintf("The request body is not valid JSON (at byte %d).", syn.ByteOffset)
	case errors.As(err, &sem):
		if sem.GoType != nil {
			return "The request body has a value of the wrong type" + at(string(sem.JSONPointer)) +
				": expected " + jsonTypeName(sem.GoType.String()) + "."
		}
		return "The request body has a value that is not valid" + at(string(sem.JSONPointer)) + "."
	}
	return "The request body is not valid JSON."
}

func pointerOf(err error) string {
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		return string(syn.JSONPointer)
	}
	return ""
}

func at(pointer string) string {
	if pointer == "" {
		return ""
	}
	return " at " + pointer
}

// jsonTypeName names the JSON type a wire Go type decodes from.
func jsonTypeName(goType string) string {
	switch {
	case goType == "string" || goType == "*string" || goType == "actiongate.Secret" || goType == "*actiongate.Secret":
		return "a string"
	case goType == "int" || goType == "*int":
		return "a number"
	case len(goType) > 2 && goType[:2] == "[]" || len(goType) > 3 && goType[:3] == "*[]":
		return "an array"
	}
	return "an object"
}
