// Package policy parses IAM-style identity policies and evaluates them on every
// API call: may this identity perform this action on this resource?
//
// A document is parsed once, by Parse, into an immutable *Policy that any number
// of goroutines may Evaluate at the same time. The grammar is the subset of the
// IAM policy language (IAM User Guide, "IAM JSON policy element reference") that
// actiongate can honour, and Parse refuses everything else rather than ignore it:
//
//	{
//	  "Version": "2012-10-17",
//	  "Statement": [{
//	    "Sid": "ReadJira",
//	    "Effect": "Allow",
//	    "Action": ["quicksight:DescribeActionConnector", "quicksight:List*"],
//	    "Resource": "arn:aws:quicksight:us-east-1:111122223333:action-connector/jira-*"
//	  }]
//	}
//
// Actions are the IAM actions of the Service Authorization Reference
// ("quicksight:CreateActionConnector", ...); resources are ARNs of the form
// arn:${Partition}:quicksight:${Region}:${Account}:action-connector/${ResourceId}.
//
// Evaluation follows IAM's rules for a single identity policy: an explicit Deny
// in any statement that applies wins; otherwise an Allow in any statement that
// applies allows; otherwise the request is implicitly denied (NotAllowed).
package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of the documents Parse accepts.
const (
	// MaxSize is the largest document Parse accepts, in bytes, white space
	// included: 10 KiB, the IAM quota on a managed policy. IAM does not count
	// white space towards its quota, so a pretty-printed document near the IAM
	// limit may need compacting.
	MaxSize = 10 * 1024
	// MaxStatements is the largest number of statements in one document. It
	// bounds the work of one Evaluate together with MaxSize.
	MaxStatements = 100
)

// The policy language versions Parse accepts in the Version member.
const (
	// Version2012 is the current version of the policy language. In it, "${" in
	// a resource starts a policy variable, which actiongate does not support.
	Version2012 = "2012-10-17"
	// Version2008 is the earlier version, in which "${" is literal text.
	Version2008 = "2008-10-17"
)

// Decision is the outcome of evaluating a policy for one request. The zero value
// is NotAllowed, so a Decision that was never set denies.
type Decision int

// The decisions Evaluate returns.
const (
	// NotAllowed is the implicit deny: no statement allows the request, and none
	// denies it explicitly.
	NotAllowed Decision = iota
	// Allow: a statement allows the request and none denies it.
	Allow
	// Deny is the explicit deny: a statement with "Effect": "Deny" applies to
	// the request. It overrides any Allow.
	Deny
)

// String returns "NotAllowed", "Allow" or "Deny".
func (d Decision) String() string {
	switch d {
	case NotAllowed:
		return "NotAllowed"
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return "Decision(" + strconv.Itoa(int(d)) + ")"
}

// Error reports why Parse refused a document. Callers map it to an invalid
// request; its message is written for the author of the policy and names the
// statement and member at fault, as in
// `policy: Statement[1].Condition: conditions are not supported yet`.
type Error struct {
	// Statement is the index of the statement at fault, from 0 (a single
	// statement object is statement 0), or -1 when the fault lies outside any
	// statement.
	Statement int
	// Member is the member at fault, as "Version", "Action" or "Action[2]" for
	// an element of an array; empty when the fault is the whole document or
	// statement. An unknown member is named as the document spells it; the
	// message quotes it when it is not a plain name.
	Member string
	// Reason says what is wrong.
	Reason string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("policy: ")
	if e.Statement >= 0 {
		b.WriteString("Statement[")
		b.WriteString(strconv.Itoa(e.Statement))
		b.WriteString("]")
		if e.Member != "" {
			b.WriteString(".")
		}
	}
	if e.Member != "" {
		b.WriteString(quoteMember(e.Member))
	}
	if e.Statement >= 0 || e.Member != "" {
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// quoteMember returns m as it is when it is a plain name such as "Action[2]",
// and quoted otherwise, so that an unknown member's name cannot bring control
// characters or look-alike punctuation into a message.
func quoteMember(m string) string {
	for i := 0; i < len(m); i++ {
		if c := m[i]; !isAlnumByte(c) && c != '[' && c != ']' {
			return strconv.Quote(m)
		}
	}
	return m
}

// Policy is a parsed identity policy. It is immutable and safe for concurrent
// use. A nil *Policy allows nothing.
type Policy struct {
	deny  []statement // statements with "Effect": "Deny", in document order
	allow []statement // statements with "Effect": "Allow", in document order
}

// statement is one parsed statement, without its effect.
type statement struct {
	actions     []string // patterns, matched without regard to case
	notAction   bool     // the statement applies to actions matching none of actions
	resources   []string // patterns, matched exactly
	notResource bool     // the statement applies to resources matching none of resources
}

// applies reports whether s covers the request for action on resource.
func (s *statement) applies(action, resource string) bool {
	return matchAny(s.actions, action, true) != s.notAction &&
		matchAny(s.resources, resource, false) != s.notResource
}

func matchAny(patterns []string, value string, foldCase bool) bool {
	for _, p := range patterns {
		if match(p, value, foldCase) {
			return true
		}
	}
	return false
}

// Evaluate decides whether p permits action (an IAM action such as
// "quicksight:DescribeActionConnector") on resource (an ARN). It returns Deny
// when a Deny statement applies, else Allow when an Allow statement applies,
// else NotAllowed. A nil p returns NotAllowed.
//
// A statement applies when its action condition and its resource condition
// both hold. Action holds when action matches one of its patterns; NotAction
// when it matches none; Resource and NotResource likewise for resource. Actions
// are matched without regard to ASCII case, resources with it. In patterns '*'
// matches any run of characters, ':' and '/' included, and '?' exactly one
// character.
//
// The cost is at most the total length of the patterns times the length of the
// longer of action and resource; there is no exponential backtracking.
func (p *Policy) Evaluate(action, resource string) Decision {
	if p == nil {
		return NotAllowed
	}
	for i := range p.deny {
		if p.deny[i].applies(action, resource) {
			return Deny
		}
	}
	for i := range p.allow {
		if p.allow[i].applies(action, resource) {
			return Allow
		}
	}
	return NotAllowed
}

// Parse parses an identity policy document. It returns an *Error when the
// document is not one actiongate can honour:
//
//   - larger than MaxSize bytes, not valid UTF-8, not valid JSON, or followed by
//     anything but white space;
//   - not an object; an object with a duplicate or unknown member (member names
//     are case-sensitive); "Version" missing or other than Version2012 or
//     Version2008; "Statement" missing, empty, or with more than MaxStatements
//     statements. "Id" is accepted and ignored;
//   - a statement that is not an object, or has a duplicate or unknown member;
//     "Principal" or "NotPrincipal" (an identity policy has none); "Condition"
//     (not supported yet); "Sid" other than ASCII letters and digits, or equal
//     to another statement's; "Effect" missing or other than "Allow" or "Deny";
//     neither or both of "Action" and "NotAction"; neither or both of
//     "Resource" and "NotResource";
//   - an action or resource list that is empty or holds something other than
//     strings; an action that is not "*" or "service:name", where the service
//     prefix holds ASCII letters, digits and '-' and the name ASCII letters,
//     digits, '_', '-' and the wildcards '*' and '?'; a resource that is not "*"
//     and does not start with "arn:"; under Version2012, a resource holding a
//     policy variable ("${"), which actiongate cannot substitute.
func Parse(doc []byte) (*Policy, error) {
	if len(doc) > MaxSize {
		return nil, docErr("", fmt.Sprintf("the document is %d bytes; the limit is %d", len(doc), MaxSize))
	}
	if !utf8.Valid(doc) {
		return nil, docErr("", "the document is not valid UTF-8")
	}
	var raw json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(doc))
	if err := dec.Decode(&raw); err != nil {
		switch {
		case errors.Is(err, io.EOF):
			return nil, docErr("", "the document is empty")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, docErr("", "not valid JSON: unexpected end of the document")
		}
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, docErr("", fmt.Sprintf("not valid JSON: %v (after %d bytes)", err, syn.Offset))
		}
		return nil, docErr("", "not valid JSON: "+err.Error())
	}
	if rest := bytes.TrimLeft(doc[dec.InputOffset():], " \t\r\n"); len(rest) != 0 {
		return nil, docErr("", fmt.Sprintf("unexpected data after the policy object (after %d bytes)", len(doc)-len(rest)))
	}
	p := &parser{dec: json.NewDecoder(bytes.NewReader(raw))}
	p.dec.UseNumber() // a number where a string belongs is refused by type, whatever its size
	pol, err := p.document()
	if err != nil {
		return nil, err
	}
	return pol, nil
}

func docErr(member, reason string) *Error {
	return &Error{Statement: -1, Member: member, Reason: reason}
}

// parser walks the tokens of a document already known to be valid JSON.
type parser struct {
	dec *json.Decoder
}

// token returns the next token. The input was validated, so an error here is a
// fault of this package; it is still reported, not panicked on.
func (p *parser) token(stmt int, member string) (json.Token, *Error) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, &Error{Statement: stmt, Member: member, Reason: "not valid JSON: " + err.Error()}
	}
	return tok, nil
}

// describe names the JSON type of the value that starts with tok.
func describe(tok json.Token) string {
	switch v := tok.(type) {
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return "null"
	case json.Delim:
		if v == '[' {
			return "an array"
		}
		return "an object"
	}
	return fmt.Sprintf("%T", tok)
}

// key returns the name of the next member of the object being read, after
// checking that it does not repeat one in seen.
func (p *parser) key(stmt int, seen map[string]bool) (string, *Error) {
	tok, err := p.token(stmt, "")
	if err != nil {
		return "", err
	}
	k, _ := tok.(string) // keys of valid JSON are strings
	if seen[k] {
		return "", &Error{Statement: stmt, Member: k, Reason: "duplicate member"}
	}
	seen[k] = true
	return k, nil
}

// str reads a value that must be a string.
func (p *parser) str(stmt int, member string) (string, *Error) {
	tok, err := p.token(stmt, member)
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", &Error{Statement: stmt, Member: member, Reason: "must be a string, not " + describe(tok)}
	}
	return s, nil
}

// strs reads a value that must be a string or a non-empty array of strings.
func (p *parser) strs(stmt int, member string) ([]string, *Error) {
	tok, err := p.token(stmt, member)
	if err != nil {
		return nil, err
	}
	if s, ok := tok.(string); ok {
		return []string{s}, nil
	}
	if tok != json.Delim('[') {
		return nil, &Error{Statement: stmt, Member: member, Reason: "must be a string or an array of strings, not " + describe(tok)}
	}
	var out []string
	for p.dec.More() {
		m := member + "[" + strconv.Itoa(len(out)) + "]"
		s, err := p.str(stmt, m)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if _, err := p.token(stmt, member); err != nil { // ']'
		return nil, err
	}
	if len(out) == 0 {
		return nil, &Error{Statement: stmt, Member: member, Reason: "must not be an empty array"}
	}
	return out, nil
}

func (p *parser) document() (*Policy, *Error) {
	tok, err := p.token(-1, "")
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, docErr("", "the document must be a JSON object, not "+describe(tok))
	}
	var (
		version string
		stmts   []parsed
		seen    = map[string]bool{}
	)
	for p.dec.More() {
		k, err := p.key(-1, seen)
		if err != nil {
			return nil, err
		}
		switch k {
		case "Version":
			if version, err = p.str(-1, k); err != nil {
				return nil, err
			}
			if version != Version2012 && version != Version2008 {
				return nil, docErr(k, fmt.Sprintf("must be %q or %q, not %q", Version2012, Version2008, version))
			}
		case "Id":
			if _, err := p.str(-1, k); err != nil {
				return nil, err
			}
		case "Statement":
			if stmts, err = p.statements(); err != nil {
				return nil, err
			}
		default:
			return nil, docErr(k, "unknown member; a policy has Version, Statement and optionally Id (names are case-sensitive)")
		}
	}
	switch {
	case !seen["Version"]:
		return nil, docErr("Version", fmt.Sprintf("is required; use %q", Version2012))
	case !seen["Statement"]:
		return nil, docErr("Statement", "is required")
	case len(stmts) == 0:
		return nil, docErr("Statement", "must hold at least one statement")
	}
	var pol Policy
	for i, s := range stmts {
		if version == Version2012 {
			for j, r := range s.resources {
				if strings.Contains(r, "${") {
					member := "Resource"
					if s.notResource {
						member = "NotResource"
					}
					return nil, &Error{Statement: i, Member: member + "[" + strconv.Itoa(j) + "]",
						Reason: fmt.Sprintf("policy variables are not supported; under Version %q \"${\" starts one", Version2012)}
				}
			}
		}
		if s.deny {
			pol.deny = append(pol.deny, s.statement)
		} else {
			pol.allow = append(pol.allow, s.statement)
		}
	}
	return &pol, nil
}

// parsed is a statement with its effect, as read from the document.
type parsed struct {
	statement
	deny bool
}

// statements reads the value of the Statement member: one statement object or
// an array of at most MaxStatements of them.
func (p *parser) statements() ([]parsed, *Error) {
	tok, err := p.token(-1, "Statement")
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		s, err := p.statement(0, tok, map[string]bool{})
		if err != nil {
			return nil, err
		}
		return []parsed{s}, nil
	case json.Delim('['):
	default:
		return nil, docErr("Statement", "must be an object or an array of objects, not "+describe(tok))
	}
	var (
		out  []parsed
		sids = map[string]bool{}
	)
	for i := 0; p.dec.More(); i++ {
		if i == MaxStatements {
			return nil, docErr("Statement", fmt.Sprintf("has more than %d statements", MaxStatements))
		}
		tok, err := p.token(i, "")
		if err != nil {
			return nil, err
		}
		s, err := p.statement(i, tok, sids)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if _, err := p.token(-1, "Statement"); err != nil { // ']'
		return nil, err
	}
	return out, nil
}

// statement reads the rest of statement i, whose first token is tok. sids holds
// the Sids of the earlier statements; statement adds its own.
func (p *parser) statement(i int, tok json.Token, sids map[string]bool) (parsed, *Error) {
	var s parsed
	if tok != json.Delim('{') {
		return s, &Error{Statement: i, Reason: "must be an object, not " + describe(tok)}
	}
	var (
		effect string
		seen   = map[string]bool{}
	)
	for p.dec.More() {
		k, err := p.key(i, seen)
		if err != nil {
			return s, err
		}
		switch k {
		case "Sid":
			sid, err := p.str(i, k)
			if err != nil {
				return s, err
			}
			if !isAlnum(sid) {
				return s, &Error{Statement: i, Member: k, Reason: "may hold only ASCII letters and digits"}
			}
			if sid != "" && sids[sid] {
				return s, &Error{Statement: i, Member: k, Reason: fmt.Sprintf("%q is the Sid of an earlier statement; Sids must be unique", sid)}
			}
			sids[sid] = true
		case "Effect":
			if effect, err = p.str(i, k); err != nil {
				return s, err
			}
			if effect != "Allow" && effect != "Deny" {
				return s, &Error{Statement: i, Member: k, Reason: fmt.Sprintf("must be \"Allow\" or \"Deny\", not %q", effect)}
			}
		case "Action", "NotAction":
			if other := negation(k); seen[other] {
				return s, &Error{Statement: i, Member: k, Reason: "a statement has Action or NotAction, not both"}
			}
			if s.actions, err = p.strs(i, k); err != nil {
				return s, err
			}
			for j, a := range s.actions {
				if reason := checkAction(a); reason != "" {
					return s, &Error{Statement: i, Member: k + "[" + strconv.Itoa(j) + "]", Reason: reason}
				}
			}
			s.notAction = k == "NotAction"
		case "Resource", "NotResource":
			if other := negation(k); seen[other] {
				return s, &Error{Statement: i, Member: k, Reason: "a statement has Resource or NotResource, not both"}
			}
			if s.resources, err = p.strs(i, k); err != nil {
				return s, err
			}
			for j, r := range s.resources {
				if r != "*" && !strings.HasPrefix(r, "arn:") {
					return s, &Error{Statement: i, Member: k + "[" + strconv.Itoa(j) + "]",
						Reason: fmt.Sprintf("%q is neither \"*\" nor an ARN (arn:partition:service:region:account:resource)", r)}
				}
			}
			s.notResource = k == "NotResource"
		case "Principal", "NotPrincipal":
			return s, &Error{Statement: i, Member: k, Reason: "an identity policy names no principal; it applies to the identity it is attached to"}
		case "Condition":
			return s, &Error{Statement: i, Member: k, Reason: "conditions are not supported yet"}
		default:
			return s, &Error{Statement: i, Member: k,
				Reason: "unknown member; a statement has Sid, Effect, Action or NotAction, Resource or NotResource (names are case-sensitive)"}
		}
	}
	if _, err := p.token(i, ""); err != nil { // '}'
		return s, err
	}
	switch {
	case effect == "":
		return s, &Error{Statement: i, Member: "Effect", Reason: "is required"}
	case s.actions == nil:
		return s, &Error{Statement: i, Member: "Action", Reason: "is required: a statement needs Action or NotAction"}
	case s.resources == nil:
		return s, &Error{Statement: i, Member: "Resource", Reason: "is required: a statement needs Resource or NotResource"}
	}
	s.deny = effect == "Deny"
	return s, nil
}

// negation returns the member that excludes k: NotAction for Action and so on.
func negation(k string) string {
	if rest, ok := strings.CutPrefix(k, "Not"); ok {
		return rest
	}
	return "Not" + k
}

// checkAction returns why a is not a valid action pattern, or "" when it is.
func checkAction(a string) string {
	if a == "*" {
		return ""
	}
	service, name, ok := strings.Cut(a, ":")
	if !ok || service == "" {
		return fmt.Sprintf("%q has no service prefix; write it as \"service:action\", for example \"quicksight:DescribeActionConnector\", or \"*\"", a)
	}
	for i := 0; i < len(service); i++ {
		if c := service[i]; !isAlnumByte(c) && c != '-' {
			return fmt.Sprintf("%q: the service prefix %q may hold only ASCII letters, digits and '-'", a, service)
		}
	}
	if name == "" {
		return fmt.Sprintf("%q has no action name after the service prefix", a)
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isAlnumByte(c) && !strings.ContainsRune("_-*?", rune(c)) {
			return fmt.Sprintf("%q: the action name may hold only ASCII letters, digits, '_', '-', '*' and '?'", a)
		}
	}
	return ""
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isAlnumByte(s[i]) {
			return false
		}
	}
	return true
}

func isAlnumByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
