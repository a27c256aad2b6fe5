// Package storetest is the conformance suite of actiongate.Store: the behaviour
// every driver must show, tested through the interface alone. A driver's tests
// call Run with a function that opens an empty store.
//
// The suite assumes only what the Store contract says, plus what the Service
// relies on and the contract leaves implicit, each marked where it is tested:
// lists return min(Limit, remaining) items, "ordered by" means byte order of
// the UTF-8 strings (Go's strings.Compare), NameLike ignores the case of ASCII
// letters, and times read back equal at millisecond precision.
package storetest

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/actiongate/actiongate"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Run runs the conformance suite as subtests of t, one per Store method and
// case. The subtests run in parallel, and each calls open for a store of its
// own, which must be empty (no connectors, secrets, identities, data keys or
// settings) and not shared with another call; Run closes it when the subtest
// ends, and fails the subtest when Close returns an error.
func Run(t *testing.T, open func(t *testing.T) actiongate.Store) {
	s := suite{open: open}
	t.Run("ConnectorCreate", s.connectorCreate)
	t.Run("ConnectorCreateConcurrent", s.connectorCreateConcurrent)
	t.Run("ConnectorGet", s.connectorGet)
	t.Run("ConnectorUpdate", s.connectorUpdate)
	t.Run("ConnectorDelete", s.connectorDelete)
	t.Run("ConnectorList", s.connectorList)
	t.Run("ConnectorCreateMany", s.connectorCreateMany) // drivers that have it
	t.Run("PermissionList", s.permissionList)
	t.Run("PermissionReplace", s.permissionReplace)
	t.Run("TagList", s.tagList)
	t.Run("TagReplace", s.tagReplace)
	t.Run("ConditionalWrites", s.conditionalWrites)
	t.Run("SecretGet", s.secretGet)
	t.Run("SecretList", s.secretList)
	t.Run("SecretReplace", s.secretReplace)
	t.Run("IdentityCreate", s.identityCreate)
	t.Run("IdentityGet", s.identityGet)
	t.Run("IdentityCount", s.identityCount)
	t.Run("IdentityList", s.identityList)
	t.Run("IdentityDelete", s.identityDelete)
	t.Run("DataKeyAdd", s.dataKeyAdd)
	t.Run("DataKeyList", s.dataKeyList)
	t.Run("Setting", s.setting)
	t.Run("Directory", s.directory)
	t.Run("Audit", s.audit)
	t.Run("SecretCreate", s.secretCreate)
	t.Run("SecretDelete", s.secretDelete)
	t.Run("Tokens", s.tokens)
	t.Run("Lease", s.lease)
	t.Run("SignIn", s.signIn)
	t.Run("Spec", s.spec)
	t.Run("ConnectorPending", s.connectorPending)
	t.Run("ConnectorSetStatus", s.connectorSetStatus)
	t.Run("AuditInvocation", s.auditInvocation)
}

type suite struct {
	open func(t *testing.T) actiongate.Store
}

// h is what one subtest works with: its own store and context.
type h struct {
	t   *testing.T
	s   actiongate.Store
	ctx context.Context
}

// start marks t parallel and opens its store.
func (su suite) start(t *testing.T) *h {
	t.Helper()
	t.Parallel()
	s := su.open(t)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return &h{t: t, s: s, ctx: t.Context()}
}

// run runs f as a parallel subtest of t with a store of its own.
func (su suite) run(t *testing.T, name string, f func(h *h)) {
	t.Helper()
	t.Run(name, func(t *testing.T) { f(su.start(t)) })
}

// The accounts of the fixtures.
const (
	acct1 = "111111111111"
	acct2 = "222222222222"
)

// base is the time of the fixtures, at millisecond precision.
var base = time.Date(2026, 3, 4, 5, 6, 7, 89_000_000, time.UTC)

// cmpConnector compares connectors as the store keeps them: without the ARN,
// which the Service derives, and times at millisecond precision. Secret fields
// compare by value (Secret.Equal), so a secret read back must be zero like the
// want.
var cmpConnector = cmp.Options{
	cmpopts.IgnoreFields(actiongate.Connector{}, "ARN"),
	cmp.Comparer(msEqual),
}

// msEqual reports whether a and b are the same instant at millisecond precision.
func msEqual(a, b time.Time) bool {
	return a.Truncate(time.Millisecond).Equal(b.Truncate(time.Millisecond))
}

func (h *h) create(c *actiongate.Connector, secrets []actiongate.SealedSecret, perms []actiongate.Permission, tags []actiongate.Tag) {
	h.t.Helper()
	if err := h.s.ConnectorCreate(h.ctx, c, secrets, perms, tags); err != nil {
		h.t.Fatalf("ConnectorCreate(%s/%s): %v", c.AccountID, c.ID, err)
	}
}

// createSealed creates c with the sealed secrets of its Auth.
func (h *h) createSealed(c *actiongate.Connector) {
	h.t.Helper()
	h.create(c, sealed(c, 0), nil, nil)
}

func (h *h) get(account, id string) *actiongate.Connector {
	h.t.Helper()
	c, err := h.s.ConnectorGet(h.ctx, account, id)
	if err != nil {
		h.t.Fatalf("ConnectorGet(%s/%s): %v", account, id, err)
	}
	checkNoSecrets(h.t, c)
	return c
}

func (h *h) version(account, id string) int64 {
	h.t.Helper()
	return h.get(account, id).Version
}

func (h *h) perms(account, id string) []actiongate.Permission {
	h.t.Helper()
	p, err := h.s.PermissionList(h.ctx, account, id)
	if err != nil {
		h.t.Fatalf("PermissionList(%s/%s): %v", account, id, err)
	}
	return p
}

func (h *h) tags(account, id string) []actiongate.Tag {
	h.t.Helper()
	tags, err := h.s.TagList(h.ctx, account, id)
	if err != nil {
		h.t.Fatalf("TagList(%s/%s): %v", account, id, err)
	}
	return tags
}

func (h *h) secret(ref actiongate.SecretRef) []byte {
	h.t.Helper()
	ct, err := h.s.SecretGet(h.ctx, ref)
	if err != nil {
		h.t.Fatalf("SecretGet(%+v): %v", ref, err)
	}
	return ct
}

func (h *h) list(p actiongate.ConnectorListParams) []*actiongate.Connector {
	h.t.Helper()
	cs, err := h.s.ConnectorList(h.ctx, p)
	if err != nil {
		h.t.Fatalf("ConnectorList(%+v): %v", p, err)
	}
	for _, c := range cs {
		checkNoSecrets(h.t, c)
	}
	return cs
}

// listAll pages through the connectors p selects, limit at a time, checking
// that each page but the last is full, and returns their ids.
func (h *h) listAll(p actiongate.ConnectorListParams, limit int) []string {
	h.t.Helper()
	var ids []string
	p.Limit = limit
	for pages := 0; ; pages++ {
		if pages > 10000 {
			h.t.Fatalf("ConnectorList(%+v): no end after %d pages", p, pages)
		}
		cs := h.list(p)
		if len(cs) > limit {
			h.t.Fatalf("ConnectorList(%+v) returned %d connectors", p, len(cs))
		}
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		if len(cs) < limit {
			// A short page must be the last: the Service ends the
			// pagination on it.
			if len(cs) > 0 {
				p.After = cs[len(cs)-1].ID
				if rest := h.list(p); len(rest) > 0 {
					h.t.Fatalf("ConnectorList(%+v) returned a short page of %d, but %d more follow", p, len(cs), len(rest))
				}
			}
			return ids
		}
		p.After = cs[len(cs)-1].ID
	}
}

// wantKind fails t unless err is of kind k.
func wantKind(t *testing.T, what string, err error, k actiongate.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: got no error, want kind %v", what, k)
	}
	if got := actiongate.KindOf(err); got != k {
		t.Fatalf("%s: got %v (kind %v), want kind %v", what, err, got, k)
	}
}

// wantNoError fails t when err is not nil.
func wantNoError(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v (kind %v)", what, err, actiongate.KindOf(err))
	}
}

// checkNoSecrets fails t when a Secret anywhere in v is not zero.
func checkNoSecrets(t *testing.T, v any) {
	t.Helper()
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(path, v.Elem())
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(path, v.Index(i))
			}
		case reflect.Struct:
			if s, ok := v.Interface().(actiongate.Secret); ok {
				if !s.IsZero() {
					t.Errorf("%s: a secret of %d bytes was read back; a Store returns none", path, s.Len())
				}
				return
			}
			for i := range v.NumField() {
				if f := v.Type().Field(i); f.IsExported() {
					walk(path+"."+f.Name, v.Field(i))
				}
			}
		}
	}
	walk(reflect.TypeOf(v).String(), reflect.ValueOf(v))
}

// race runs n writes at once, after all are ready, and returns their errors.
func race(n int, write func(i int) error) []error {
	errs := make([]error, n)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	for i := range n {
		done.Go(func() {
			ready.Done()
			<-start
			errs[i] = write(i)
		})
	}
	ready.Wait()
	close(start)
	done.Wait()
	return errs
}

// wantOneWinner fails t unless exactly one of errs is nil and every other is
// KindConflict; it returns the winner's index.
func wantOneWinner(t *testing.T, what string, errs []error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			if winner >= 0 {
				t.Errorf("%s: writes %d and %d both won", what, winner, i)
			}
			winner = i
		case actiongate.KindOf(err) != actiongate.KindConflict:
			t.Errorf("%s: write %d: got %v (kind %v), want kind conflict", what, i, err, actiongate.KindOf(err))
		}
	}
	if winner < 0 {
		t.Fatalf("%s: no write won", what)
	}
	return winner
}
