package policy

import (
	"sync"

	"github.com/actiongate/actiongate"
)

// maxCached bounds how many parsed documents an Engine keeps.
const maxCached = 1024

// Engine validates and evaluates identity policy documents for the Service
// (it implements actiongate.PolicyEngine). Parsed documents are cached by
// their content, so an identity whose policy changes is evaluated against the
// new one at once, on every replica. The zero Engine is ready to use.
type Engine struct {
	mu     sync.Mutex
	parsed map[string]*Policy
}

var _ actiongate.PolicyEngine = (*Engine)(nil)

// Validate parses doc and returns a KindInvalid error naming the statement
// and member at fault.
func (e *Engine) Validate(doc []byte) error {
	if _, err := e.parse(doc); err != nil {
		return actiongate.Errorf(actiongate.KindInvalid, "The policy is not valid: %s", err.Error())
	}
	return nil
}

// Evaluate reports whether doc allows action on resource, and whether it
// denies it explicitly. A document that does not parse allows nothing.
func (e *Engine) Evaluate(doc []byte, action, resource string) (allowed, explicitDeny bool) {
	p, err := e.parse(doc)
	if err != nil {
		return false, false
	}
	d := p.Evaluate(action, resource)
	return d == Allow, d == Deny
}

func (e *Engine) parse(doc []byte) (*Policy, error) {
	e.mu.Lock()
	p, ok := e.parsed[string(doc)]
	e.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err := Parse(doc)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.parsed == nil || len(e.parsed) >= maxCached {
		e.parsed = make(map[string]*Policy)
	}
	e.parsed[string(doc)] = p
	return p, nil
}
