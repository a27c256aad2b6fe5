package policy

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics, refuses only with an *Error whose
// message is printable text, never accepts more than MaxSize bytes, and that
// Evaluate on whatever it accepts never panics and returns a known Decision.
func FuzzParse(f *testing.F) {
	for _, doc := range testPolicies() {
		f.Add([]byte(doc), "quicksight:DescribeActionConnector", connectorARN+"jira-cloud")
	}
	for _, doc := range []string{
		`{"Version": "2008-10-17", "Id": "x", "Statement": {"Sid": "A", "Effect": "Allow", "NotAction": "a:*", "NotResource": "arn:${x}"}}`,
		`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {}}]}`,
		`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "a:b", "Action": "a:c", "Resource": "*"}]}`,
		`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]} {}`,
		`{"Version": "2012-10-17", "Statement": []}`,
		`{"Version": "2012-10-17", "Statement": [1, "a", null, true, {}]}`,
		`{"\u0000": "\ud800"}`,
		`[`, `"`, `{}`, ``, `null`,
	} {
		f.Add([]byte(doc), "quicksight:*", "arn:aws:quicksight:us-east-1:111122223333:action-connector/x")
	}
	f.Fuzz(func(t *testing.T, doc []byte, action, resource string) {
		p, err := Parse(doc)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Reason == "" || pe.Statement < -1 {
				t.Fatalf("Parse error = %#v, want a *Error with a reason", err)
			}
			if p != nil {
				t.Fatalf("Parse returned a policy along with the error %v", err)
			}
			msg := err.Error()
			if !utf8.ValidString(msg) || strings.IndexFunc(msg, unicode.IsControl) >= 0 {
				t.Fatalf("Parse error message %q is not printable text", msg)
			}
			return
		}
		if len(doc) > MaxSize {
			t.Fatalf("Parse accepted %d bytes", len(doc))
		}
		if n := len(p.allow) + len(p.deny); n == 0 || n > MaxStatements {
			t.Fatalf("Parse accepted %d statements", n)
		}
		switch d := p.Evaluate(action, resource); d {
		case Allow, Deny, NotAllowed:
		default:
			t.Fatalf("Evaluate returned %v", d)
		}
	})
}

// FuzzMatch checks match against a reference: the pattern translated to an
// anchored regular expression, on short, valid UTF-8 inputs.
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"a*b", "axxb"},
		{"*??", "€"},
		{"?", "é"},
		{"arn:*/jira-*", connectorARN + "jira-1"},
		{"QuickSight:Describe*", "quicksight:describeactionconnector"},
		{"*a*a*a*b", "aaaaaaaaaab"},
		{"a.*[b]+", "a.xx[b]+"},
		{"K", "\u212a"}, // the Kelvin sign folds to 'k' in Unicode, not in ASCII
	} {
		f.Add(s[0], s[1], true)
		f.Add(s[0], s[1], false)
	}
	f.Fuzz(func(t *testing.T, pattern, value string, foldCase bool) {
		if len(pattern) > 64 || len(value) > 256 || !utf8.ValidString(pattern) || !utf8.ValidString(value) {
			t.Skip()
		}
		got := match(pattern, value, foldCase)
		want := referenceMatch(pattern, foldCase).MatchString(value)
		if got != want {
			t.Fatalf("match(%q, %q, %v) = %v, want %v", pattern, value, foldCase, got, want)
		}
	})
}

// referenceMatch translates a glob to an anchored regular expression: '*' to
// ".*", '?' to ".", an ASCII letter to a class of both its cases when foldCase
// is set, and anything else to itself, quoted.
func referenceMatch(pattern string, foldCase bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	for _, r := range pattern {
		switch {
		case r == '*':
			b.WriteString(".*")
		case r == '?':
			b.WriteString(".")
		case foldCase && r < utf8.RuneSelf && unicode.IsLetter(r):
			b.WriteString("[" + string(unicode.ToLower(r)) + string(unicode.ToUpper(r)) + "]")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String())
}
