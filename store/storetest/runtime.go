package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/actiongate/actiongate"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The RuntimeStore: secrets created and deleted one owner at a time, cached
// tokens, leases, pending sign-ins, OpenAPI documents, the lifecycle state of
// connectors awaiting verification, and the invocation fields of the audit log.

func (su suite) secretCreate(t *testing.T) {
	su.run(t, "RoundTrip", func(h *h) {
		ref := actiongate.TokenRef(acct1, "c", principal(acct1, "alice"))
		ct := ciphertext(ref, 0)
		wantNoError(h.t, "SecretCreate", h.s.SecretCreate(h.ctx, actiongate.SealedSecret{Ref: ref, Ciphertext: ct}))
		if got := h.secret(ref); !gocmp.Equal(got, ct) {
			h.t.Errorf("SecretGet = %q, want %q", got, ct)
		}
	})
	su.run(t, "Exists", func(h *h) {
		ref := actiongate.TokenRef(acct1, "c", "")
		first := ciphertext(ref, 0)
		wantNoError(h.t, "SecretCreate", h.s.SecretCreate(h.ctx, actiongate.SealedSecret{Ref: ref, Ciphertext: first}))
		err := h.s.SecretCreate(h.ctx, actiongate.SealedSecret{Ref: ref, Ciphertext: ciphertext(ref, 1)})
		wantKind(h.t, "SecretCreate of a taken ref", err, actiongate.KindExists)
		if got := h.secret(ref); !gocmp.Equal(got, first) {
			h.t.Errorf("SecretGet after a refused create = %q, want the first %q", got, first)
		}
		// Refs that differ in one part only are not taken.
		for _, other := range []actiongate.SecretRef{
			actiongate.TokenRef(acct2, "c", ""),
			actiongate.TokenRef(acct1, "d", ""),
			actiongate.TokenRef(acct1, "c", principal(acct1, "alice")),
			connectorRef(acct1, "c", ref.Field),
		} {
			err := h.s.SecretCreate(h.ctx, actiongate.SealedSecret{Ref: other, Ciphertext: ciphertext(other, 0)})
			wantNoError(h.t, fmt.Sprintf("SecretCreate(%+v)", other), err)
		}
	})
	su.run(t, "Concurrent", func(h *h) {
		// Of racing creators of one ref, exactly one stores its secret.
		const n = 16
		ref := actiongate.TokenRef(acct1, "c", "")
		errs := race(n, func(i int) error {
			return h.s.SecretCreate(h.ctx, actiongate.SealedSecret{Ref: ref, Ciphertext: ciphertext(ref, i)})
		})
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				h.t.Errorf("creates %d and %d both won", winner, i)
			case err == nil:
				winner = i
			case actiongate.KindOf(err) != actiongate.KindExists:
				h.t.Errorf("create %d: got %v (kind %v), want kind exists", i, err, actiongate.KindOf(err))
			}
		}
		if winner < 0 {
			h.t.Fatal("no create won")
		}
		if got, want := h.secret(ref), ciphertext(ref, winner); !gocmp.Equal(got, want) {
			h.t.Errorf("SecretGet = %q, want the winner's %q", got, want)
		}
	})
}

func (su suite) secretDelete(t *testing.T) {
	su.run(t, "OnlyThatOwnerAndKind", func(h *h) {
		gone := []actiongate.SecretRef{
			actiongate.TokenRef(acct1, "c", ""),
			actiongate.TokenRef(acct1, "c", principal(acct1, "alice")),
		}
		kept := []actiongate.SecretRef{
			actiongate.TokenRef(acct1, "d", ""),
			actiongate.TokenRef(acct1, "c-2", ""),
			actiongate.TokenRef(acct2, "c", ""),
			connectorRef(acct1, "c", "ApiKey"),
		}
		for _, ref := range slices.Concat(gone, kept) {
			h.secretCreate(ref)
		}
		wantNoError(h.t, "SecretDelete", h.s.SecretDelete(h.ctx, acct1, actiongate.SecretToken, "c"))
		for _, ref := range gone {
			_, err := h.s.SecretGet(h.ctx, ref)
			wantKind(h.t, fmt.Sprintf("SecretGet(%+v) after SecretDelete", ref), err, actiongate.KindNotFound)
		}
		for _, ref := range kept {
			if got, want := h.secret(ref), ciphertext(ref, 0); !gocmp.Equal(got, want) {
				h.t.Errorf("SecretGet(%+v) = %q, want %q", ref, got, want)
			}
		}
	})
	su.run(t, "None", func(h *h) {
		wantNoError(h.t, "SecretDelete of an owner without secrets", h.s.SecretDelete(h.ctx, acct1, actiongate.SecretToken, "c"))
		wantNoError(h.t, "SecretDelete again", h.s.SecretDelete(h.ctx, acct1, actiongate.SecretToken, "c"))
	})
}

// tokens: a connector's cached tokens go with it, and only its.
func (su suite) tokens(t *testing.T) {
	su.run(t, "DeletedWithConnector", func(h *h) {
		c := newConnector(acct1, "c")
		h.createSealed(c)
		h.createSealed(newConnector(acct1, "d"))
		h.createSealed(newConnector(acct2, "c"))
		gone := []actiongate.SecretRef{
			actiongate.TokenRef(acct1, "c", ""),
			actiongate.TokenRef(acct1, "c", principal(acct1, "alice")),
			actiongate.TokenRef(acct1, "c", principal(acct1, "bob")),
		}
		kept := []actiongate.SecretRef{
			actiongate.TokenRef(acct1, "d", ""),
			actiongate.TokenRef(acct2, "c", principal(acct2, "alice")),
			// Not a token: another kind owned by the same id.
			{AccountID: acct1, Kind: actiongate.SecretIdentity, OwnerID: "c", Field: "SecretAccessKey"},
		}
		for _, ref := range slices.Concat(gone, kept) {
			h.secretCreate(ref)
		}
		wantNoError(h.t, "ConnectorDelete", h.s.ConnectorDelete(h.ctx, acct1, "c"))
		for _, ref := range append(gone, sealed(c, 0)[0].Ref) {
			_, err := h.s.SecretGet(h.ctx, ref)
			wantKind(h.t, fmt.Sprintf("SecretGet(%+v) after ConnectorDelete", ref), err, actiongate.KindNotFound)
		}
		for _, ref := range kept {
			if got, want := h.secret(ref), ciphertext(ref, 0); !gocmp.Equal(got, want) {
				h.t.Errorf("SecretGet(%+v) = %q, want %q", ref, got, want)
			}
		}
	})
}

func (su suite) lease(t *testing.T) {
	const name = "token-refresh/" + acct1 + "/c"
	su.run(t, "Lifecycle", func(h *h) {
		// A holds it for a minute from base.
		h.wantLease(name, "A", base, base.Add(time.Minute), true)
		// B may not take it while A's time runs, up to its last microsecond.
		h.wantLease(name, "B", base.Add(30*time.Second), base.Add(2*time.Minute), false)
		h.wantLease(name, "B", base.Add(time.Minute-time.Microsecond), base.Add(2*time.Minute), false)
		// Once it ran out (until <= now), B takes it, and A has lost it.
		h.wantLease(name, "B", base.Add(time.Minute), base.Add(2*time.Minute), true)
		h.wantLease(name, "A", base.Add(time.Minute), base.Add(3*time.Minute), false)
		// B's acquiring again extends its time: C cannot take it after
		// B's first until.
		h.wantLease(name, "B", base.Add(90*time.Second), base.Add(5*time.Minute), true)
		h.wantLease(name, "C", base.Add(3*time.Minute), base.Add(6*time.Minute), false)
		// A release by another than the holder does nothing.
		wantNoError(h.t, "LeaseRelease by A", h.s.LeaseRelease(h.ctx, name, "A"))
		wantNoError(h.t, "LeaseRelease by C", h.s.LeaseRelease(h.ctx, name, "C"))
		h.wantLease(name, "C", base.Add(3*time.Minute), base.Add(6*time.Minute), false)
		// Released by its holder, anyone may take it, however early.
		wantNoError(h.t, "LeaseRelease by B", h.s.LeaseRelease(h.ctx, name, "B"))
		h.wantLease(name, "C", base, base.Add(time.Minute), true)
		// Releasing a lease one no longer holds, or one that is free, does nothing.
		wantNoError(h.t, "LeaseRelease by B again", h.s.LeaseRelease(h.ctx, name, "B"))
		wantNoError(h.t, "LeaseRelease of a free lease", h.s.LeaseRelease(h.ctx, "free", "B"))
		h.wantLease(name, "B", base, base.Add(time.Minute), false)
	})
	su.run(t, "Independent", func(h *h) {
		// Leases of different names do not meet; holders are compared
		// exactly.
		h.wantLease(name, "A", base, base.Add(time.Minute), true)
		h.wantLease(name+"/other", "B", base, base.Add(time.Minute), true)
		h.wantLease(name, "a", base, base.Add(time.Minute), false)
		wantNoError(h.t, "LeaseRelease", h.s.LeaseRelease(h.ctx, name+"/other", "B"))
		h.wantLease(name, "B", base, base.Add(time.Minute), false)
	})
	su.run(t, "Concurrent", func(h *h) {
		// Of racing acquirers of a free lease, exactly one wins, and the
		// others learn that they lost without an error.
		const n = 50
		won := make([]bool, n)
		errs := race(n, func(i int) error {
			var err error
			won[i], err = h.s.LeaseAcquire(h.ctx, name, fmt.Sprint("holder-", i), base, base.Add(time.Minute))
			return err
		})
		var winners []int
		for i, err := range errs {
			wantNoError(h.t, fmt.Sprintf("LeaseAcquire %d", i), err)
			if won[i] {
				winners = append(winners, i)
			}
		}
		if len(winners) != 1 {
			h.t.Fatalf("acquirers %v won the lease; want exactly one", winners)
		}
		// The winner holds it: it may extend it, the others may not take it.
		w := winners[0]
		h.wantLease(name, fmt.Sprint("holder-", w), base.Add(time.Second), base.Add(2*time.Minute), true)
		h.wantLease(name, fmt.Sprint("holder-", (w+1)%n), base.Add(time.Second), base.Add(2*time.Minute), false)
	})
	su.run(t, "ConcurrentExpired", func(h *h) {
		// Of racing acquirers of a lease whose time ran out, exactly one wins.
		const n = 50
		h.wantLease(name, "old", base, base.Add(time.Minute), true)
		won := make([]bool, n)
		errs := race(n, func(i int) error {
			var err error
			won[i], err = h.s.LeaseAcquire(h.ctx, name, fmt.Sprint("holder-", i), base.Add(time.Hour), base.Add(2*time.Hour))
			return err
		})
		count := 0
		for i, err := range errs {
			wantNoError(h.t, fmt.Sprintf("LeaseAcquire %d", i), err)
			if won[i] {
				count++
			}
		}
		if count != 1 {
			h.t.Fatalf("%d acquirers won the expired lease; want exactly one", count)
		}
	})
}

// wantLease fails the test unless LeaseAcquire(name, holder, now, until)
// reports want.
func (h *h) wantLease(name, holder string, now, until time.Time, want bool) {
	h.t.Helper()
	got, err := h.s.LeaseAcquire(h.ctx, name, holder, now, until)
	wantNoError(h.t, "LeaseAcquire", err)
	if got != want {
		h.t.Fatalf("LeaseAcquire(%q, %q, now %v, until %v) = %v, want %v",
			name, holder, now.Format(time.RFC3339Nano), until.Format(time.RFC3339Nano), got, want)
	}
}

// newSignIn returns a sign-in to connector c of acct1 for alice, expiring at
// base plus the given microseconds, with a binary sealed verifier.
func newSignIn(state string, expiresMicros int) *actiongate.SignIn {
	return &actiongate.SignIn{
		State:       state,
		AccountID:   acct1,
		ConnectorID: "c",
		UserARN:     principal(acct1, "alice"),
		Verifier:    ciphertext(actiongate.SignInVerifierRef(acct1, state), 0),
		Expires:     base.Add(time.Duration(expiresMicros) * time.Microsecond),
	}
}

func (su suite) signIn(t *testing.T) {
	su.run(t, "RoundTrip", func(h *h) {
		// Every field comes back, the time to the microsecond; an
		// expired sign-in is returned as well: the caller checks Expires.
		p := newSignIn("state-A_-1", 123)
		wantNoError(h.t, "SignInCreate", h.s.SignInCreate(h.ctx, p))
		got, err := h.s.SignInGet(h.ctx, p.State)
		wantNoError(h.t, "SignInGet", err)
		if diff := gocmp.Diff(p, got); diff != "" {
			h.t.Errorf("SignInGet (-want +got):\n%s", diff)
		}
		got, err = h.s.SignInGet(h.ctx, p.State)
		wantNoError(h.t, "SignInGet again", err)
		if diff := gocmp.Diff(p, got); diff != "" {
			h.t.Errorf("SignInGet again: Get does not consume (-want +got):\n%s", diff)
		}
	})
	su.run(t, "Exists", func(h *h) {
		p := newSignIn("state", 0)
		wantNoError(h.t, "SignInCreate", h.s.SignInCreate(h.ctx, p))
		other := newSignIn("state", 1)
		other.AccountID, other.ConnectorID = acct2, "d"
		wantKind(h.t, "SignInCreate of a taken state", h.s.SignInCreate(h.ctx, other), actiongate.KindExists)
		got, err := h.s.SignInGet(h.ctx, "state")
		wantNoError(h.t, "SignInGet", err)
		if diff := gocmp.Diff(p, got); diff != "" {
			h.t.Errorf("SignInGet after a refused create (-want +got):\n%s", diff)
		}
	})
	su.run(t, "NotFound", func(h *h) {
		_, err := h.s.SignInGet(h.ctx, "missing")
		wantKind(h.t, "SignInGet of a missing state", err, actiongate.KindNotFound)
		_, err = h.s.SignInTake(h.ctx, "missing")
		wantKind(h.t, "SignInTake of a missing state", err, actiongate.KindNotFound)
		wantNoError(h.t, "SignInCreate", h.s.SignInCreate(h.ctx, newSignIn("state", 0)))
		_, err = h.s.SignInGet(h.ctx, "STATE")
		wantKind(h.t, "SignInGet of the state in another case", err, actiongate.KindNotFound)
	})
	su.run(t, "Take", func(h *h) {
		p, q := newSignIn("state-1", 0), newSignIn("state-2", 0)
		wantNoError(h.t, "SignInCreate", h.s.SignInCreate(h.ctx, p))
		wantNoError(h.t, "SignInCreate", h.s.SignInCreate(h.ctx, q))
		got, err := h.s.SignInTake(h.ctx, p.State)
		wantNoError(h.t, "SignInTake", err)
		if diff := gocmp.Diff(p, got); diff != "" {
			h.t.Errorf("SignInTake (-want +got):\n%s", diff)
		}
		_, err = h.s.SignInTake(h.ctx, p.State)
		wantKind(h.t, "SignInTake a second time", err, actiongate.KindNotFound)
		_, err = h.s.SignInGet(h.ctx, p.State)
		wantKind(h.t, "SignInGet after SignInTake", err, actiongate.KindNotFound)
		// The other sign-in is still there.
		got, err = h.s.SignInGet(h.ctx, q.State)
		wantNoError(h.t, "SignInGet of the other", err)
		if diff := gocmp.Diff(q, got); diff != "" {
			h.t.Errorf("SignInGet of the other (-want +got):\n%s", diff)
		}
	})
	su.run(t, "ConcurrentTake", func(h *h) {
		// Of racing takers, exactly one gets the sign-in; the others find
		// none.
		const n = 50
		p := newSignIn("state", 0)
		wantNoError(h.t, "SignInCreate", h.s.SignInCreate(h.ctx, p))
		taken := make([]*actiongate.SignIn, n)
		errs := race(n, func(i int) error {
			var err error
			taken[i], err = h.s.SignInTake(h.ctx, p.State)
			return err
		})
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				h.t.Errorf("takers %d and %d both got the sign-in", winner, i)
			case err == nil:
				winner = i
			case actiongate.KindOf(err) != actiongate.KindNotFound:
				h.t.Errorf("taker %d: got %v (kind %v), want kind not found", i, err, actiongate.KindOf(err))
			}
		}
		if winner < 0 {
			h.t.Fatal("no taker got the sign-in")
		}
		if diff := gocmp.Diff(p, taken[winner]); diff != "" {
			h.t.Errorf("the sign-in taken (-want +got):\n%s", diff)
		}
	})
	su.run(t, "Purge", func(h *h) {
		// Expires < before goes; Expires >= before stays.
		for i, us := range []int{-1_000_000, 0, 1, 2_000_000} {
			wantNoError(h.t, "SignInCreate", h.s.SignInCreate(h.ctx, newSignIn(fmt.Sprint("state-", i), us)))
		}
		n, err := h.s.SignInPurge(h.ctx, base.Add(time.Microsecond))
		wantNoError(h.t, "SignInPurge", err)
		if n != 2 {
			h.t.Errorf("SignInPurge removed %d sign-ins, want 2", n)
		}
		for i, want := range []bool{false, false, true, true} {
			_, err := h.s.SignInGet(h.ctx, fmt.Sprint("state-", i))
			switch {
			case want:
				wantNoError(h.t, fmt.Sprintf("SignInGet(state-%d) after SignInPurge", i), err)
			default:
				wantKind(h.t, fmt.Sprintf("SignInGet(state-%d) after SignInPurge", i), err, actiongate.KindNotFound)
			}
		}
		n, err = h.s.SignInPurge(h.ctx, base.Add(time.Microsecond))
		wantNoError(h.t, "SignInPurge again", err)
		if n != 0 {
			h.t.Errorf("SignInPurge again removed %d sign-ins, want 0", n)
		}
	})
}

// specDoc returns a stand-in OpenAPI document of generation gen: bytes as
// given, a NUL and invalid UTF-8 among them, so that a driver that parses or
// stores it as text fails.
func specDoc(gen int) []byte {
	return fmt.Appendf(nil, "openapi: 3.0.3\ninfo: {title: \"Issues ✓\", version: \"%d\"}\npaths: {}\n\x00\xff\xfe", gen)
}

func (su suite) spec(t *testing.T) {
	su.run(t, "None", func(h *h) {
		h.createSealed(newConnector(acct1, "c"))
		doc, err := h.s.SpecGet(h.ctx, acct1, "c")
		wantNoError(h.t, "SpecGet", err)
		if doc != nil {
			h.t.Errorf("SpecGet of a connector without a document = %q, want nil", doc)
		}
	})
	su.run(t, "PutAndReplace", func(h *h) {
		h.createSealed(newConnector(acct1, "c"))
		h.createSealed(newConnector(acct1, "d"))
		wantNoError(h.t, "SpecPut", h.s.SpecPut(h.ctx, acct1, "c", 1, specDoc(0)))
		h.wantSpec(acct1, "c", specDoc(0))
		if v := h.version(acct1, "c"); v != 2 {
			h.t.Errorf("Version = %d after SpecPut, want 2", v)
		}
		wantNoError(h.t, "SpecPut again", h.s.SpecPut(h.ctx, acct1, "c", 2, specDoc(1)))
		h.wantSpec(acct1, "c", specDoc(1))
		if v := h.version(acct1, "c"); v != 3 {
			h.t.Errorf("Version = %d after two SpecPut, want 3", v)
		}
		// Only this connector's.
		h.wantSpec(acct1, "d", nil)
		if v := h.version(acct1, "d"); v != 1 {
			h.t.Errorf("Version of another connector = %d, want 1", v)
		}
	})
	su.run(t, "Conflict", func(h *h) {
		h.createSealed(newConnector(acct1, "c"))
		wantNoError(h.t, "SpecPut", h.s.SpecPut(h.ctx, acct1, "c", 1, specDoc(0)))
		for _, v := range []int64{0, 1, 3} {
			err := h.s.SpecPut(h.ctx, acct1, "c", v, specDoc(9))
			wantKind(h.t, fmt.Sprintf("SpecPut at version %d when 2 is stored", v), err, actiongate.KindConflict)
		}
		h.wantSpec(acct1, "c", specDoc(0))
		if v := h.version(acct1, "c"); v != 2 {
			h.t.Errorf("Version = %d after conflicts, want 2", v)
		}
	})
	su.run(t, "NotFound", func(h *h) {
		wantKind(h.t, "SpecPut of a missing connector", h.s.SpecPut(h.ctx, acct1, "missing", 1, specDoc(0)), actiongate.KindNotFound)
		_, err := h.s.SpecGet(h.ctx, acct1, "missing")
		wantKind(h.t, "SpecGet of a missing connector", err, actiongate.KindNotFound)
		h.createSealed(newConnector(acct1, "c"))
		wantNoError(h.t, "SpecPut", h.s.SpecPut(h.ctx, acct1, "c", 1, specDoc(0)))
		wantKind(h.t, "SpecPut through another account", h.s.SpecPut(h.ctx, acct2, "c", 1, specDoc(1)), actiongate.KindNotFound)
		_, err = h.s.SpecGet(h.ctx, acct2, "c")
		wantKind(h.t, "SpecGet through another account", err, actiongate.KindNotFound)
	})
	su.run(t, "DeletedWithConnector", func(h *h) {
		h.createSealed(newConnector(acct1, "c"))
		h.createSealed(newConnector(acct2, "c"))
		wantNoError(h.t, "SpecPut", h.s.SpecPut(h.ctx, acct1, "c", 1, specDoc(0)))
		wantNoError(h.t, "SpecPut", h.s.SpecPut(h.ctx, acct2, "c", 1, specDoc(1)))
		wantNoError(h.t, "ConnectorDelete", h.s.ConnectorDelete(h.ctx, acct1, "c"))
		_, err := h.s.SpecGet(h.ctx, acct1, "c")
		wantKind(h.t, "SpecGet after ConnectorDelete", err, actiongate.KindNotFound)
		// A new connector of the same id starts without a document.
		h.createSealed(newConnector(acct1, "c"))
		h.wantSpec(acct1, "c", nil)
		h.wantSpec(acct2, "c", specDoc(1))
	})
	su.run(t, "Concurrent", func(h *h) {
		const n = 16
		h.createSealed(newConnector(acct1, "c"))
		errs := race(n, func(i int) error { return h.s.SpecPut(h.ctx, acct1, "c", 1, specDoc(i)) })
		w := wantOneWinner(h.t, "concurrent SpecPut", errs)
		h.wantSpec(acct1, "c", specDoc(w))
		if v := h.version(acct1, "c"); v != 2 {
			h.t.Errorf("Version = %d after the race, want 2", v)
		}
	})
}

// wantSpec fails the test unless SpecGet returns want (nil: no document).
func (h *h) wantSpec(account, id string, want []byte) {
	h.t.Helper()
	got, err := h.s.SpecGet(h.ctx, account, id)
	wantNoError(h.t, "SpecGet", err)
	if (got == nil) != (want == nil) || !gocmp.Equal(got, want, cmpopts.EquateEmpty()) {
		h.t.Errorf("SpecGet(%s/%s) = %q, want %q", account, id, got, want)
	}
}

func (su suite) connectorPending(t *testing.T) {
	// fixture creates connectors of both accounts in every status and returns
	// the pending ones in (AccountID, ID) order, as stored.
	fixture := func(h *h) []*actiongate.Connector {
		statuses := []actiongate.Status{
			actiongate.StatusCreationInProgress, actiongate.StatusCreationSuccessful, actiongate.StatusCreationFailed,
			actiongate.StatusUpdateInProgress, actiongate.StatusUpdateSuccessful, actiongate.StatusUpdateFailed,
			actiongate.StatusDeleted,
		}
		var pending []*actiongate.Connector
		// acct2 first, and ids whose byte order is not their case-folded
		// order, so that an ordering by creation or by collation shows.
		for _, account := range []string{acct2, acct1} {
			for i, prefix := range []string{"b", "B", "a", "_"} {
				for j, st := range statuses {
					c := newConnector(account, fmt.Sprintf("%s%d", prefix, j))
					c.Status = st
					if (i+j)%3 == 0 {
						c.Error = &actiongate.ConnectorError{Type: "INTERNAL_FAILURE", Message: "m"}
					}
					h.createSealed(c)
					if st == actiongate.StatusCreationInProgress || st == actiongate.StatusUpdateInProgress {
						pending = append(pending, stored(c, 1))
					}
				}
			}
		}
		slices.SortFunc(pending, func(a, b *actiongate.Connector) int {
			return cmp.Or(strings.Compare(a.AccountID, b.AccountID), strings.Compare(a.ID, b.ID))
		})
		return pending
	}
	su.run(t, "All", func(h *h) {
		want := fixture(h)
		got := h.pending("", "", 1000)
		if diff := gocmp.Diff(want, got, cmpConnector); diff != "" {
			h.t.Errorf("ConnectorPending (-want +got):\n%s", diff)
		}
	})
	su.run(t, "Pages", func(h *h) {
		want := fixture(h)
		for _, limit := range []int{1, 3, len(want)} {
			var got []*actiongate.Connector
			account, id := "", ""
			for pages := 0; ; pages++ {
				if pages > 100 {
					h.t.Fatalf("limit %d: no end after %d pages", limit, pages)
				}
				page := h.pending(account, id, limit)
				if len(page) > limit {
					h.t.Fatalf("limit %d: a page of %d", limit, len(page))
				}
				got = append(got, page...)
				if len(page) < limit {
					break
				}
				last := page[len(page)-1]
				account, id = last.AccountID, last.ID
			}
			if diff := gocmp.Diff(ids(want), ids(got)); diff != "" {
				h.t.Errorf("limit %d: ids paged (-want +got):\n%s", limit, diff)
			}
			if diff := gocmp.Diff(want, got, cmpConnector); diff != "" {
				h.t.Errorf("limit %d: connectors paged (-want +got):\n%s", limit, diff)
			}
		}
	})
	su.run(t, "Cursor", func(h *h) {
		want := fixture(h)
		// The fixture: 8 pending connectors of acct1, then 8 of acct2,
		// each account's ids B0 B3 _0 _3 a0 a3 b0 b3.
		if len(want) != 16 || want[7].AccountID != acct1 || want[8].AccountID != acct2 || want[12].ID != "a0" {
			h.t.Fatalf("fixture: pending %v", ids(want))
		}
		// A cursor that names no connector starts where it would sort.
		cases := []struct {
			account, id string
			want        int // the index in want of the first returned
		}{
			{acct1, "", 0},
			{acct1, "\x7f", 8},       // after every id of acct1
			{acct1 + "0", "", 8},     // between the accounts
			{acct2, "a", 12},         // between _3 and a0
			{acct2, "zzz", 16},       // after all
			{acct1, want[1].ID, 2},   // after an existing one
			{acct2, want[15].ID, 16}, // after the last
		}
		for _, c := range cases {
			got := h.pending(c.account, c.id, 1000)
			if diff := gocmp.Diff(ids(want[c.want:]), ids(got), cmpopts.EquateEmpty()); diff != "" {
				h.t.Errorf("after (%q, %q) (-want +got):\n%s", c.account, c.id, diff)
			}
		}
	})
	su.run(t, "Limit", func(h *h) {
		want := fixture(h)
		for _, limit := range []int{-1, 0} {
			if got := h.pending("", "", limit); len(got) != 0 {
				h.t.Errorf("ConnectorPending with limit %d returned %d connectors", limit, len(got))
			}
		}
		if got := h.pending("", "", 2); !slices.Equal(ids(got), ids(want[:2])) {
			h.t.Errorf("ConnectorPending with limit 2 = %v, want %v", ids(got), ids(want[:2]))
		}
	})
	su.run(t, "FollowsStatus", func(h *h) {
		// Leaving an in-progress status leaves the list; entering one joins it.
		c := newConnector(acct1, "c")
		c.Status = actiongate.StatusCreationInProgress
		h.createSealed(c)
		d := newConnector(acct1, "d")
		h.createSealed(d)
		if got := ids(h.pending("", "", 10)); !slices.Equal(got, []string{"c"}) {
			h.t.Fatalf("ConnectorPending = %v, want [c]", got)
		}
		wantNoError(h.t, "ConnectorSetStatus", h.s.ConnectorSetStatus(h.ctx, acct1, "c", 1, actiongate.StatusCreationSuccessful, nil))
		wantNoError(h.t, "ConnectorSetStatus", h.s.ConnectorSetStatus(h.ctx, acct1, "d", 1, actiongate.StatusUpdateInProgress, nil))
		if got := ids(h.pending("", "", 10)); !slices.Equal(got, []string{"d"}) {
			h.t.Errorf("ConnectorPending after status changes = %v, want [d]", got)
		}
	})
}

func (h *h) pending(afterAccount, afterID string, limit int) []*actiongate.Connector {
	h.t.Helper()
	cs, err := h.s.ConnectorPending(h.ctx, afterAccount, afterID, limit)
	if err != nil {
		h.t.Fatalf("ConnectorPending(%q, %q, %d): %v", afterAccount, afterID, limit, err)
	}
	for _, c := range cs {
		checkNoSecrets(h.t, c)
	}
	return cs
}

func (su suite) connectorSetStatus(t *testing.T) {
	su.run(t, "SetsAndClears", func(h *h) {
		c := newConnector(acct1, "c")
		c.Status = actiongate.StatusCreationInProgress
		h.createSealed(c)
		cerr := &actiongate.ConnectorError{Type: "INVALID_CONFIGURATION", Message: "The token endpoint answered 401 ✗."}
		wantNoError(h.t, "ConnectorSetStatus", h.s.ConnectorSetStatus(h.ctx, acct1, "c", 1, actiongate.StatusCreationFailed, cerr))
		// Status and Error change; the Version and every other field do not.
		want := stored(c, 1)
		want.Status, want.Error = actiongate.StatusCreationFailed, &actiongate.ConnectorError{Type: cerr.Type, Message: cerr.Message}
		if diff := gocmp.Diff(want, h.get(acct1, "c"), cmpConnector); diff != "" {
			h.t.Errorf("after ConnectorSetStatus with an error (-want +got):\n%s", diff)
		}
		wantNoError(h.t, "ConnectorSetStatus", h.s.ConnectorSetStatus(h.ctx, acct1, "c", 1, actiongate.StatusUpdateSuccessful, nil))
		want.Status, want.Error = actiongate.StatusUpdateSuccessful, nil
		if diff := gocmp.Diff(want, h.get(acct1, "c"), cmpConnector); diff != "" {
			h.t.Errorf("after ConnectorSetStatus without an error (-want +got):\n%s", diff)
		}
		// Secrets are left as they are.
		for _, s := range sealed(c, 0) {
			if ct := h.secret(s.Ref); !gocmp.Equal(ct, s.Ciphertext) {
				h.t.Errorf("SecretGet(%+v) = %q, want %q", s.Ref, ct, s.Ciphertext)
			}
		}
	})
	su.run(t, "Conflict", func(h *h) {
		c := newConnector(acct1, "c")
		c.Status = actiongate.StatusUpdateInProgress
		h.createSealed(c)
		wantNoError(h.t, "TagReplace", h.s.TagReplace(h.ctx, acct1, "c", 1, []actiongate.Tag{{Key: "k", Value: "v"}}))
		for _, v := range []int64{0, 1, 3} {
			err := h.s.ConnectorSetStatus(h.ctx, acct1, "c", v, actiongate.StatusUpdateFailed, &actiongate.ConnectorError{Type: "t", Message: "m"})
			wantKind(h.t, fmt.Sprintf("ConnectorSetStatus at version %d when 2 is stored", v), err, actiongate.KindConflict)
		}
		if diff := gocmp.Diff(stored(c, 2), h.get(acct1, "c"), cmpConnector); diff != "" {
			h.t.Errorf("after conflicts (-want +got):\n%s", diff)
		}
		wantNoError(h.t, "ConnectorSetStatus at the stored version", h.s.ConnectorSetStatus(h.ctx, acct1, "c", 2, actiongate.StatusUpdateSuccessful, nil))
		if got := h.get(acct1, "c"); got.Status != actiongate.StatusUpdateSuccessful || got.Version != 2 {
			h.t.Errorf("after ConnectorSetStatus: Status %s, Version %d; want %s, 2", got.Status, got.Version, actiongate.StatusUpdateSuccessful)
		}
	})
	su.run(t, "NotFound", func(h *h) {
		err := h.s.ConnectorSetStatus(h.ctx, acct1, "missing", 1, actiongate.StatusCreationSuccessful, nil)
		wantKind(h.t, "ConnectorSetStatus of a missing connector", err, actiongate.KindNotFound)
		h.createSealed(newConnector(acct1, "c"))
		err = h.s.ConnectorSetStatus(h.ctx, acct2, "c", 1, actiongate.StatusCreationSuccessful, nil)
		wantKind(h.t, "ConnectorSetStatus through another account", err, actiongate.KindNotFound)
	})
	su.run(t, "Concurrent", func(h *h) {
		// Racing with a versioned update, a status write at the old version
		// either lands before it or loses; it never undoes the update.
		const n = 16
		c := newConnector(acct1, "c")
		c.Status = actiongate.StatusCreationInProgress
		h.createSealed(c)
		next := newConnector(acct1, "c")
		next.Version, next.Status, next.Name = 1, actiongate.StatusUpdateInProgress, "Updated"
		errs := race(n, func(i int) error {
			if i == 0 {
				return h.s.ConnectorUpdate(h.ctx, next, sealed(next, 1))
			}
			return h.s.ConnectorSetStatus(h.ctx, acct1, "c", 1, actiongate.StatusCreationSuccessful, nil)
		})
		wantNoError(h.t, "ConnectorUpdate", errs[0])
		for i, err := range errs[1:] {
			if err != nil && actiongate.KindOf(err) != actiongate.KindConflict {
				h.t.Errorf("ConnectorSetStatus %d: got %v (kind %v), want nil or kind conflict", i+1, err, actiongate.KindOf(err))
			}
		}
		if diff := gocmp.Diff(stored(next, 2), h.get(acct1, "c"), cmpConnector); diff != "" {
			h.t.Errorf("after the race (-want +got):\n%s", diff)
		}
	})
}

// auditInvocation: the fields of an InvokeAction round-trip, Duration to the
// microsecond, and default to zero for other events.
func (su suite) auditInvocation(t *testing.T) {
	su.run(t, "RoundTrip", func(h *h) {
		invoke := auditEvent(0, acct1, "AKIAAUDIT00000000001", "InvokeAction", actiongate.AuditFailure)
		invoke.ErrorCode = "UpstreamServiceException"
		invoke.ActionID = "createIssue"
		invoke.UpstreamStatus = 502
		invoke.Duration = 1_234_567 * time.Microsecond
		unanswered := auditEvent(1, acct1, "AKIAAUDIT00000000001", "InvokeAction", actiongate.AuditFailure)
		unanswered.ActionID, unanswered.Duration = "listIssues", 30*time.Second
		long := auditEvent(2, acct1, "AKIAAUDIT00000000001", "InvokeAction", actiongate.AuditSuccess)
		long.ActionID, long.UpstreamStatus, long.Duration = "getObject", 200, 36*time.Hour+time.Microsecond
		other := auditEvent(3, acct1, "AKIAAUDIT00000000001", "DescribeActionConnector", actiongate.AuditSuccess)
		in := []actiongate.AuditEvent{invoke, unanswered, long, other}
		wantNoError(h.t, "AuditAppend", h.s.AuditAppend(h.ctx, in...))
		got := h.auditList(actiongate.AuditFilter{})
		if diff := gocmp.Diff(in, got, cmpopts.IgnoreFields(actiongate.AuditEvent{}, "ID")); diff != "" {
			h.t.Errorf("(-want +got):\n%s", diff)
		}
	})
}

// secretCreate stores the stand-in ciphertext of generation 0 under ref.
func (h *h) secretCreate(ref actiongate.SecretRef) {
	h.t.Helper()
	if err := h.s.SecretCreate(h.ctx, actiongate.SealedSecret{Ref: ref, Ciphertext: ciphertext(ref, 0)}); err != nil {
		h.t.Fatalf("SecretCreate(%+v): %v", ref, err)
	}
}
