package storetest

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/actiongate/actiongate"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func (su suite) permissionList(t *testing.T) {
	su.run(t, "Ordered", func(h *h) {
		// Principals in byte order, each one's actions sorted, whatever
		// the order they were stored in.
		h.createSealed(newConnector(acct1, "c"))
		in := []actiongate.Permission{
			{Principal: principal(acct1, "bob"), Actions: []string{"quicksight:UpdateActionConnector", "quicksight:DescribeActionConnector"}},
			{Principal: principal(acct1, "Zed"), Actions: []string{"quicksight:DescribeActionConnector"}},
			{Principal: "arn:aws:quicksight:us-east-1:111111111111:group/default/admins",
				Actions: []string{"quicksight:UpdateActionConnectorPermissions", "quicksight:DeleteActionConnector", "quicksight:DescribeActionConnector"}},
			{Principal: principal(acct1, "alice"), Actions: []string{"quicksight:DescribeActionConnector"}},
		}
		wantNoError(h.t, "PermissionReplace", h.s.PermissionReplace(h.ctx, acct1, "c", 1, in))
		want := []actiongate.Permission{
			{Principal: "arn:aws:quicksight:us-east-1:111111111111:group/default/admins",
				Actions: []string{"quicksight:DeleteActionConnector", "quicksight:DescribeActionConnector", "quicksight:UpdateActionConnectorPermissions"}},
			{Principal: principal(acct1, "Zed"), Actions: []string{"quicksight:DescribeActionConnector"}},
			{Principal: principal(acct1, "alice"), Actions: []string{"quicksight:DescribeActionConnector"}},
			{Principal: principal(acct1, "bob"), Actions: []string{"quicksight:DescribeActionConnector", "quicksight:UpdateActionConnector"}},
		}
		if diff := gocmp.Diff(want, h.perms(acct1, "c")); diff != "" {
			h.t.Errorf("(-want +got):\n%s", diff)
		}
	})
	su.run(t, "FromCreate", func(h *h) {
		perms := []actiongate.Permission{{Principal: principal(acct1, "b"), Actions: []string{"y", "x"}}, {Principal: principal(acct1, "a"), Actions: []string{"z"}}}
		h.create(newConnector(acct1, "c"), nil, perms, nil)
		want := []actiongate.Permission{{Principal: principal(acct1, "a"), Actions: []string{"z"}}, {Principal: principal(acct1, "b"), Actions: []string{"x", "y"}}}
		if diff := gocmp.Diff(want, h.perms(acct1, "c")); diff != "" {
			h.t.Errorf("(-want +got):\n%s", diff)
		}
	})
	su.run(t, "Empty", func(h *h) {
		h.createSealed(newConnector(acct1, "c"))
		if p := h.perms(acct1, "c"); len(p) != 0 {
			h.t.Errorf("PermissionList of a connector without permissions = %v", p)
		}
	})
	su.run(t, "NotFound", func(h *h) {
		_, err := h.s.PermissionList(h.ctx, acct1, "missing")
		wantKind(h.t, "PermissionList of a missing connector", err, actiongate.KindNotFound)
		h.create(newConnector(acct1, "c"), nil, []actiongate.Permission{{Principal: principal(acct1, "a"), Actions: ownerActions}}, nil)
		_, err = h.s.PermissionList(h.ctx, acct2, "c")
		wantKind(h.t, "PermissionList through another account", err, actiongate.KindNotFound)
	})
}

func (su suite) permissionReplace(t *testing.T) {
	su.run(t, "Replaces", func(h *h) {
		h.create(newConnector(acct1, "c"), nil, []actiongate.Permission{
			{Principal: principal(acct1, "alice"), Actions: ownerActions},
			{Principal: principal(acct1, "bob"), Actions: viewerActions},
		}, nil)
		next := []actiongate.Permission{
			{Principal: principal(acct1, "bob"), Actions: ownerActions},
			{Principal: principal(acct1, "carol"), Actions: viewerActions},
		}
		wantNoError(h.t, "PermissionReplace", h.s.PermissionReplace(h.ctx, acct1, "c", 1, next))
		if diff := gocmp.Diff(next, h.perms(acct1, "c")); diff != "" {
			h.t.Errorf("(-want +got):\n%s", diff)
		}
		if v := h.version(acct1, "c"); v != 2 {
			h.t.Errorf("Version = %d after PermissionReplace, want 2", v)
		}
		wantNoError(h.t, "PermissionReplace with none", h.s.PermissionReplace(h.ctx, acct1, "c", 2, nil))
		if p := h.perms(acct1, "c"); len(p) != 0 {
			h.t.Errorf("PermissionList after replacing with none = %v", p)
		}
		if v := h.version(acct1, "c"); v != 3 {
			h.t.Errorf("Version = %d after two PermissionReplace, want 3", v)
		}
	})
	su.run(t, "OnlyThisConnector", func(h *h) {
		perms := []actiongate.Permission{{Principal: principal(acct1, "alice"), Actions: ownerActions}}
		for _, c := range []*actiongate.Connector{newConnector(acct1, "c"), newConnector(acct1, "d"), newConnector(acct2, "c")} {
			h.create(c, nil, perms, nil)
		}
		wantNoError(h.t, "PermissionReplace", h.s.PermissionReplace(h.ctx, acct1, "c", 1, nil))
		for _, k := range [][2]string{{acct1, "d"}, {acct2, "c"}} {
			if diff := gocmp.Diff(perms, h.perms(k[0], k[1])); diff != "" {
				h.t.Errorf("%s/%s (-want +got):\n%s", k[0], k[1], diff)
			}
			if v := h.version(k[0], k[1]); v != 1 {
				h.t.Errorf("%s/%s: Version = %d, want 1", k[0], k[1], v)
			}
		}
	})
	su.run(t, "Conflict", func(h *h) {
		perms := []actiongate.Permission{{Principal: principal(acct1, "alice"), Actions: ownerActions}}
		h.create(newConnector(acct1, "c"), nil, perms, nil)
		for _, v := range []int64{0, 2, 99} {
			err := h.s.PermissionReplace(h.ctx, acct1, "c", v, nil)
			wantKind(h.t, fmt.Sprintf("PermissionReplace at version %d when 1 is stored", v), err, actiongate.KindConflict)
		}
		if diff := gocmp.Diff(perms, h.perms(acct1, "c")); diff != "" {
			h.t.Errorf("permissions after conflicts (-want +got):\n%s", diff)
		}
		if v := h.version(acct1, "c"); v != 1 {
			h.t.Errorf("Version = %d after conflicts, want 1", v)
		}
	})
	su.run(t, "NotFound", func(h *h) {
		err := h.s.PermissionReplace(h.ctx, acct1, "missing", 1, []actiongate.Permission{{Principal: principal(acct1, "a"), Actions: ownerActions}})
		wantKind(h.t, "PermissionReplace of a missing connector", err, actiongate.KindNotFound)
		h.createSealed(newConnector(acct1, "c"))
		err = h.s.PermissionReplace(h.ctx, acct2, "c", 1, nil)
		wantKind(h.t, "PermissionReplace through another account", err, actiongate.KindNotFound)
	})
	su.run(t, "Concurrent", func(h *h) {
		const n = 16
		h.createSealed(newConnector(acct1, "c"))
		perm := func(i int) []actiongate.Permission {
			return []actiongate.Permission{{Principal: principal(acct1, fmt.Sprint("writer", i)), Actions: ownerActions}}
		}
		errs := race(n, func(i int) error { return h.s.PermissionReplace(h.ctx, acct1, "c", 1, perm(i)) })
		w := wantOneWinner(h.t, "concurrent PermissionReplace", errs)
		if diff := gocmp.Diff(perm(w), h.perms(acct1, "c")); diff != "" {
			h.t.Errorf("permissions after the race (-want +got):\n%s", diff)
		}
	})
}

func (su suite) tagList(t *testing.T) {
	su.run(t, "Ordered", func(h *h) {
		// Keys in byte order; values as stored, the empty one included.
		tags := []actiongate.Tag{{Key: "b", Value: "2"}, {Key: "A", Value: ""}, {Key: "a", Value: "zoë ✓"}, {Key: "_x", Value: "4"}, {Key: "aws:x", Value: "5"}}
		h.create(newConnector(acct1, "c"), nil, nil, tags)
		want := slices.SortedFunc(slices.Values(tags), func(a, b actiongate.Tag) int { return strings.Compare(a.Key, b.Key) })
		if diff := gocmp.Diff(want, h.tags(acct1, "c")); diff != "" {
			h.t.Errorf("(-want +got):\n%s", diff)
		}
		if want[0].Key != "A" || want[1].Key != "_x" {
			h.t.Fatalf("fixture: byte order is %v", want)
		}
	})
	su.run(t, "Empty", func(h *h) {
		h.createSealed(newConnector(acct1, "c"))
		if tags := h.tags(acct1, "c"); len(tags) != 0 {
			h.t.Errorf("TagList of a connector without tags = %v", tags)
		}
	})
	su.run(t, "NotFound", func(h *h) {
		_, err := h.s.TagList(h.ctx, acct1, "missing")
		wantKind(h.t, "TagList of a missing connector", err, actiongate.KindNotFound)
		h.create(newConnector(acct1, "c"), nil, nil, []actiongate.Tag{{Key: "k", Value: "v"}})
		_, err = h.s.TagList(h.ctx, acct2, "c")
		wantKind(h.t, "TagList through another account", err, actiongate.KindNotFound)
	})
}

func (su suite) tagReplace(t *testing.T) {
	su.run(t, "Replaces", func(h *h) {
		h.create(newConnector(acct1, "c"), nil, nil, []actiongate.Tag{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}})
		next := []actiongate.Tag{{Key: "b", Value: "changed"}, {Key: "c", Value: "3"}}
		wantNoError(h.t, "TagReplace", h.s.TagReplace(h.ctx, acct1, "c", 1, next))
		if diff := gocmp.Diff(next, h.tags(acct1, "c")); diff != "" {
			h.t.Errorf("(-want +got):\n%s", diff)
		}
		if v := h.version(acct1, "c"); v != 2 {
			h.t.Errorf("Version = %d after TagReplace, want 2", v)
		}
		wantNoError(h.t, "TagReplace with none", h.s.TagReplace(h.ctx, acct1, "c", 2, nil))
		if tags := h.tags(acct1, "c"); len(tags) != 0 {
			h.t.Errorf("TagList after replacing with none = %v", tags)
		}
		if v := h.version(acct1, "c"); v != 3 {
			h.t.Errorf("Version = %d after two TagReplace, want 3", v)
		}
	})
	su.run(t, "OnlyThisConnector", func(h *h) {
		tags := []actiongate.Tag{{Key: "k", Value: "v"}}
		for _, c := range []*actiongate.Connector{newConnector(acct1, "c"), newConnector(acct1, "d"), newConnector(acct2, "c")} {
			h.create(c, nil, nil, tags)
		}
		wantNoError(h.t, "TagReplace", h.s.TagReplace(h.ctx, acct1, "c", 1, nil))
		for _, k := range [][2]string{{acct1, "d"}, {acct2, "c"}} {
			if diff := gocmp.Diff(tags, h.tags(k[0], k[1])); diff != "" {
				h.t.Errorf("%s/%s (-want +got):\n%s", k[0], k[1], diff)
			}
		}
	})
	su.run(t, "Conflict", func(h *h) {
		tags := []actiongate.Tag{{Key: "k", Value: "v"}}
		h.create(newConnector(acct1, "c"), nil, nil, tags)
		for _, v := range []int64{0, 2, 99} {
			err := h.s.TagReplace(h.ctx, acct1, "c", v, nil)
			wantKind(h.t, fmt.Sprintf("TagReplace at version %d when 1 is stored", v), err, actiongate.KindConflict)
		}
		if diff := gocmp.Diff(tags, h.tags(acct1, "c")); diff != "" {
			h.t.Errorf("tags after conflicts (-want +got):\n%s", diff)
		}
	})
	su.run(t, "NotFound", func(h *h) {
		err := h.s.TagReplace(h.ctx, acct1, "missing", 1, []actiongate.Tag{{Key: "k", Value: "v"}})
		wantKind(h.t, "TagReplace of a missing connector", err, actiongate.KindNotFound)
		h.createSealed(newConnector(acct1, "c"))
		err = h.s.TagReplace(h.ctx, acct2, "c", 1, nil)
		wantKind(h.t, "TagReplace through another account", err, actiongate.KindNotFound)
	})
	su.run(t, "Concurrent", func(h *h) {
		const n = 16
		h.createSealed(newConnector(acct1, "c"))
		errs := race(n, func(i int) error {
			return h.s.TagReplace(h.ctx, acct1, "c", 1, []actiongate.Tag{{Key: "writer", Value: fmt.Sprint(i)}})
		})
		w := wantOneWinner(h.t, "concurrent TagReplace", errs)
		if diff := gocmp.Diff([]actiongate.Tag{{Key: "writer", Value: fmt.Sprint(w)}}, h.tags(acct1, "c")); diff != "" {
			h.t.Errorf("tags after the race (-want +got):\n%s", diff)
		}
	})
}

func identityRef(id *actiongate.Identity) actiongate.SecretRef {
	return actiongate.SecretRef{AccountID: id.AccountID, Kind: actiongate.SecretIdentity, OwnerID: id.AccessKeyID, Field: "SecretAccessKey"}
}

func newIdentity(account, key string) *actiongate.Identity {
	return &actiongate.Identity{
		AccessKeyID: key,
		AccountID:   account,
		ARN:         "arn:aws:iam::" + account + ":user/actiongate/" + key,
		Admin:       true,
		Policy:      []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"quicksight:*","Resource":"*"}]}`),
		UserARN:     "arn:aws:quicksight:us-east-1:" + account + ":user/default/alice",
		CreatedTime: base,
	}
}

func (h *h) createIdentity(id *actiongate.Identity) actiongate.SealedSecret {
	h.t.Helper()
	ref := identityRef(id)
	s := actiongate.SealedSecret{Ref: ref, Ciphertext: ciphertext(ref, 0)}
	wantNoError(h.t, "IdentityCreate", h.s.IdentityCreate(h.ctx, id, s))
	return s
}

// secretFixture stores secrets of connectors and identities of two accounts,
// whose refs sort differently by bytes than by a locale, and returns them in
// ref order.
func (h *h) secretFixture() []actiongate.SealedSecret {
	h.t.Helper()
	var all []actiongate.SealedSecret
	for _, account := range []string{acct2, acct1} {
		for _, id := range []string{"b", "B", "a", "a-1", "a_1"} {
			c := newConnector(account, id)
			secrets := sealed(c, 0)
			for _, field := range []string{"Zeta", "alpha", "_x"} {
				ref := connectorRef(account, id, field)
				secrets = append(secrets, actiongate.SealedSecret{Ref: ref, Ciphertext: ciphertext(ref, 0)})
			}
			h.create(c, secrets, nil, nil)
			all = append(all, secrets...)
		}
		for _, key := range []string{"AKIAZZZZZZZZZZZZ", "AKIA0000000000000"} {
			all = append(all, h.createIdentity(newIdentity(account, key+account)))
		}
	}
	slices.SortFunc(all, func(a, b actiongate.SealedSecret) int { return compareRefs(a.Ref, b.Ref) })
	return all
}

func compareRefs(a, b actiongate.SecretRef) int {
	return cmp.Or(
		strings.Compare(a.AccountID, b.AccountID),
		strings.Compare(string(a.Kind), string(b.Kind)),
		strings.Compare(a.OwnerID, b.OwnerID),
		strings.Compare(a.Field, b.Field),
	)
}

func (su suite) secretGet(t *testing.T) {
	su.run(t, "RoundTrip", func(h *h) {
		for _, s := range h.secretFixture() {
			if ct := h.secret(s.Ref); !gocmp.Equal(ct, s.Ciphertext) {
				h.t.Errorf("SecretGet(%+v) = %q, want %q", s.Ref, ct, s.Ciphertext)
			}
		}
	})
	su.run(t, "NotFound", func(h *h) {
		c := newConnector(acct1, "c")
		h.createSealed(c)
		ref := sealed(c, 0)[0].Ref
		for _, r := range []actiongate.SecretRef{
			{}, // the zero ref
			{AccountID: acct2, Kind: ref.Kind, OwnerID: ref.OwnerID, Field: ref.Field},
			{AccountID: ref.AccountID, Kind: actiongate.SecretIdentity, OwnerID: ref.OwnerID, Field: ref.Field},
			{AccountID: ref.AccountID, Kind: ref.Kind, OwnerID: "C", Field: ref.Field},
			{AccountID: ref.AccountID, Kind: ref.Kind, OwnerID: ref.OwnerID, Field: "apikey"},
		} {
			_, err := h.s.SecretGet(h.ctx, r)
			wantKind(h.t, fmt.Sprintf("SecretGet(%+v)", r), err, actiongate.KindNotFound)
		}
	})
}

func (su suite) secretList(t *testing.T) {
	su.run(t, "Ordered", func(h *h) {
		want := h.secretFixture()
		got, err := h.s.SecretList(h.ctx, actiongate.SecretRef{}, 1000)
		wantNoError(h.t, "SecretList", err)
		if diff := gocmp.Diff(want, got); diff != "" {
			h.t.Errorf("(-want +got):\n%s", diff)
		}
	})
	su.run(t, "Pages", func(h *h) {
		want := h.secretFixture()
		for _, size := range []int{1, 2, 3, 7, len(want) - 1, len(want), len(want) + 1} {
			var got []actiongate.SealedSecret
			var after actiongate.SecretRef
			for pages := 0; ; pages++ {
				if pages > len(want)+1 {
					h.t.Fatalf("pages of %d: no end", size)
				}
				page, err := h.s.SecretList(h.ctx, after, size)
				wantNoError(h.t, "SecretList", err)
				if len(page) > size {
					h.t.Fatalf("SecretList(%d) returned %d", size, len(page))
				}
				got = append(got, page...)
				if len(page) < size {
					break
				}
				after = page[len(page)-1].Ref
			}
			if diff := gocmp.Diff(want, got); diff != "" {
				h.t.Errorf("pages of %d (-want +got):\n%s", size, diff)
			}
		}
	})
	su.run(t, "StrictlyAfter", func(h *h) {
		want := h.secretFixture()
		for i := range want {
			got, err := h.s.SecretList(h.ctx, want[i].Ref, 1000)
			wantNoError(h.t, "SecretList", err)
			if diff := gocmp.Diff(want[i+1:], got, cmpopts.EquateEmpty()); diff != "" {
				h.t.Errorf("after %+v (-want +got):\n%s", want[i].Ref, diff)
			}
		}
		// A ref that is not stored: each part of the tuple counts, in order.
		for _, after := range []actiongate.SecretRef{
			{AccountID: acct1},
			{AccountID: acct1, Kind: actiongate.SecretConnector, OwnerID: "a"},
			{AccountID: acct1, Kind: actiongate.SecretConnector, OwnerID: "a", Field: "ZZ"},
			{AccountID: acct1, Kind: "d"},
			{AccountID: acct2 + "0"},
		} {
			var exp []actiongate.SealedSecret
			for _, s := range want {
				if compareRefs(s.Ref, after) > 0 {
					exp = append(exp, s)
				}
			}
			got, err := h.s.SecretList(h.ctx, after, 1000)
			wantNoError(h.t, "SecretList", err)
			if diff := gocmp.Diff(exp, got, cmpopts.EquateEmpty()); diff != "" {
				h.t.Errorf("after %+v (-want +got):\n%s", after, diff)
			}
		}
	})
	su.run(t, "Empty", func(h *h) {
		got, err := h.s.SecretList(h.ctx, actiongate.SecretRef{}, 10)
		wantNoError(h.t, "SecretList", err)
		if len(got) != 0 {
			h.t.Errorf("SecretList of an empty store = %v", got)
		}
	})
}

func (su suite) secretReplace(t *testing.T) {
	su.run(t, "Swaps", func(h *h) {
		c := newConnector(acct1, "c")
		h.createSealed(c)
		s := sealed(c, 0)[0]
		next := ciphertext(s.Ref, 1)
		wantNoError(h.t, "SecretReplace", h.s.SecretReplace(h.ctx, s.Ref, s.Ciphertext, next))
		if ct := h.secret(s.Ref); !gocmp.Equal(ct, next) {
			h.t.Errorf("SecretGet after SecretReplace = %q, want %q", ct, next)
		}
		// Identity secrets too.
		is := h.createIdentity(newIdentity(acct1, "AKIA1111111111111"))
		wantNoError(h.t, "SecretReplace of an identity secret", h.s.SecretReplace(h.ctx, is.Ref, is.Ciphertext, []byte("rewrapped")))
		_, ct, err := h.s.IdentityGet(h.ctx, "AKIA1111111111111")
		wantNoError(h.t, "IdentityGet", err)
		if string(ct) != "rewrapped" {
			h.t.Errorf("IdentityGet after SecretReplace returned the ciphertext %q", ct)
		}
	})
	su.run(t, "Conflict", func(h *h) {
		c := newConnector(acct1, "c")
		h.createSealed(c)
		s := sealed(c, 0)[0]
		for _, prev := range [][]byte{ciphertext(s.Ref, 7), s.Ciphertext[:len(s.Ciphertext)-1], append(slices.Clone(s.Ciphertext), 0), {}} {
			err := h.s.SecretReplace(h.ctx, s.Ref, prev, []byte("next"))
			wantKind(h.t, fmt.Sprintf("SecretReplace with prev %q", prev), err, actiongate.KindConflict)
		}
		if ct := h.secret(s.Ref); !gocmp.Equal(ct, s.Ciphertext) {
			h.t.Errorf("SecretGet after conflicts = %q, want %q", ct, s.Ciphertext)
		}
	})
	su.run(t, "NotFound", func(h *h) {
		ref := connectorRef(acct1, "missing", "ApiKey")
		wantKind(h.t, "SecretReplace of a missing secret", h.s.SecretReplace(h.ctx, ref, []byte("a"), []byte("b")), actiongate.KindNotFound)
		c := newConnector(acct1, "c")
		h.createSealed(c)
		s := sealed(c, 0)[0]
		wantNoError(h.t, "ConnectorDelete", h.s.ConnectorDelete(h.ctx, acct1, "c"))
		wantKind(h.t, "SecretReplace of a deleted connector's secret", h.s.SecretReplace(h.ctx, s.Ref, s.Ciphertext, []byte("b")), actiongate.KindNotFound)
	})
	su.run(t, "Concurrent", func(h *h) {
		const n = 16
		c := newConnector(acct1, "c")
		h.createSealed(c)
		s := sealed(c, 0)[0]
		errs := race(n, func(i int) error { return h.s.SecretReplace(h.ctx, s.Ref, s.Ciphertext, ciphertext(s.Ref, 100+i)) })
		w := wantOneWinner(h.t, "concurrent SecretReplace", errs)
		if ct, want := h.secret(s.Ref), ciphertext(s.Ref, 100+w); !gocmp.Equal(ct, want) {
			h.t.Errorf("secret after the race = %q, want the winner's %q", ct, want)
		}
	})
}

var cmpIdentity = gocmp.Options{cmpopts.EquateEmpty(), gocmp.Comparer(msEqual)}

func (su suite) identityCreate(t *testing.T) {
	su.run(t, "RoundTrip", func(h *h) {
		full := newIdentity(acct1, "AKIAFULL000000000")
		bare := &actiongate.Identity{AccessKeyID: "AKIABARE000000000", AccountID: acct2,
			ARN: "arn:aws:iam::222222222222:user/actiongate/AKIABARE000000000", CreatedTime: base.Add(time.Millisecond)}
		checkCoverage(h.t, "Identity", []any{full})
		for _, id := range []*actiongate.Identity{full, bare} {
			s := h.createIdentity(id)
			got, ct, err := h.s.IdentityGet(h.ctx, id.AccessKeyID)
			wantNoError(h.t, "IdentityGet", err)
			if diff := gocmp.Diff(id, got, cmpIdentity); diff != "" {
				h.t.Errorf("IdentityGet(%s) (-want +got):\n%s", id.AccessKeyID, diff)
			}
			if !gocmp.Equal(ct, s.Ciphertext) {
				h.t.Errorf("IdentityGet(%s) ciphertext = %q, want %q", id.AccessKeyID, ct, s.Ciphertext)
			}
			if ct := h.secret(s.Ref); !gocmp.Equal(ct, s.Ciphertext) {
				h.t.Errorf("SecretGet(%+v) = %q, want %q", s.Ref, ct, s.Ciphertext)
			}
		}
	})
	su.run(t, "Exists", func(h *h) {
		first := newIdentity(acct1, "AKIADUP0000000000")
		s := h.createIdentity(first)
		// The same key in another account, with another secret: taken all the
		// same, since an access key id names one identity.
		dup := newIdentity(acct2, "AKIADUP0000000000")
		dup.Admin = false
		ref := identityRef(dup)
		err := h.s.IdentityCreate(h.ctx, dup, actiongate.SealedSecret{Ref: ref, Ciphertext: []byte("dup")})
		wantKind(h.t, "IdentityCreate of a taken access key id", err, actiongate.KindExists)
		err = h.s.IdentityCreate(h.ctx, first, s)
		wantKind(h.t, "IdentityCreate twice", err, actiongate.KindExists)
		got, ct, err := h.s.IdentityGet(h.ctx, first.AccessKeyID)
		wantNoError(h.t, "IdentityGet", err)
		if diff := gocmp.Diff(first, got, cmpIdentity); diff != "" {
			h.t.Errorf("identity after duplicates (-want +got):\n%s", diff)
		}
		if !gocmp.Equal(ct, s.Ciphertext) {
			h.t.Errorf("ciphertext after duplicates = %q, want %q", ct, s.Ciphertext)
		}
		_, err = h.s.SecretGet(h.ctx, ref)
		wantKind(h.t, "SecretGet of the failed duplicate's secret", err, actiongate.KindNotFound)
		if n, err := h.s.IdentityCount(h.ctx); err != nil || n != 1 {
			h.t.Errorf("IdentityCount = %d, %v; want 1", n, err)
		}
	})
}

func (su suite) identityGet(t *testing.T) {
	su.run(t, "NotFound", func(h *h) {
		_, _, err := h.s.IdentityGet(h.ctx, "AKIAMISSING000000")
		wantKind(h.t, "IdentityGet of an unknown key", err, actiongate.KindNotFound)
		h.createIdentity(newIdentity(acct1, "AKIAKNOWN00000000"))
		_, _, err = h.s.IdentityGet(h.ctx, "akiaknown00000000")
		wantKind(h.t, "IdentityGet in the wrong case", err, actiongate.KindNotFound)
	})
}

func (su suite) identityCount(t *testing.T) {
	su.run(t, "Counts", func(h *h) {
		for i := range 5 {
			n, err := h.s.IdentityCount(h.ctx)
			wantNoError(h.t, "IdentityCount", err)
			if n != i {
				h.t.Fatalf("IdentityCount = %d, want %d", n, i)
			}
			h.createIdentity(newIdentity([]string{acct1, acct2}[i%2], fmt.Sprintf("AKIACOUNT%08d", i)))
		}
		// Connectors and their secrets are no identities.
		h.createSealed(newConnector(acct1, "c"))
		if n, err := h.s.IdentityCount(h.ctx); err != nil || n != 5 {
			h.t.Errorf("IdentityCount = %d, %v; want 5", n, err)
		}
	})
}

func (su suite) identityList(t *testing.T) {
	su.run(t, "ByAccountOrdered", func(h *h) {
		list, err := h.s.IdentityList(h.ctx, acct1)
		wantNoError(h.t, "IdentityList", err)
		if len(list) != 0 {
			h.t.Fatalf("IdentityList of an empty store = %v", list)
		}
		var want []*actiongate.Identity
		for _, key := range []string{"AKIAB00000000000", "AKIAA00000000000", "AKIAC00000000000"} {
			id := newIdentity(acct1, key)
			h.createIdentity(id)
			want = append(want, id)
		}
		h.createIdentity(newIdentity(acct2, "AKIAOTHER0000000"))
		slices.SortFunc(want, func(a, b *actiongate.Identity) int { return strings.Compare(a.AccessKeyID, b.AccessKeyID) })
		list, err = h.s.IdentityList(h.ctx, acct1)
		wantNoError(h.t, "IdentityList", err)
		if diff := gocmp.Diff(want, list, gocmp.Comparer(msEqual)); diff != "" {
			h.t.Errorf("IdentityList (-want +got):\n%s", diff)
		}
		all, err := h.s.IdentityList(h.ctx, "")
		wantNoError(h.t, "IdentityList of every account", err)
		if len(all) != 4 {
			h.t.Errorf("IdentityList of every account has %d identities, want 4", len(all))
		}
	})
}

func (su suite) identityDelete(t *testing.T) {
	su.run(t, "TakesItsSecret", func(h *h) {
		id := newIdentity(acct1, "AKIADELETE000000")
		secret := h.createIdentity(id)
		other := newIdentity(acct1, "AKIAKEEP00000000")
		h.createIdentity(other)
		wantNoError(h.t, "IdentityDelete", h.s.IdentityDelete(h.ctx, id.AccessKeyID))
		_, _, err := h.s.IdentityGet(h.ctx, id.AccessKeyID)
		wantKind(h.t, "IdentityGet after delete", err, actiongate.KindNotFound)
		_, err = h.s.SecretGet(h.ctx, secret.Ref)
		wantKind(h.t, "SecretGet of a deleted identity's secret", err, actiongate.KindNotFound)
		if _, _, err := h.s.IdentityGet(h.ctx, other.AccessKeyID); err != nil {
			h.t.Errorf("the other identity is gone: %v", err)
		}
		wantKind(h.t, "IdentityDelete twice", h.s.IdentityDelete(h.ctx, id.AccessKeyID), actiongate.KindNotFound)
	})
}

var cmpDataKey = gocmp.Options{gocmp.Comparer(msEqual)}

func (su suite) dataKeyAdd(t *testing.T) {
	su.run(t, "Exists", func(h *h) {
		k := actiongate.DataKey{Term: 2, Wrapped: []byte{0, 1, 2, 0xff}, CreatedTime: base}
		wantNoError(h.t, "DataKeyAdd", h.s.DataKeyAdd(h.ctx, k))
		err := h.s.DataKeyAdd(h.ctx, actiongate.DataKey{Term: 2, Wrapped: []byte("other"), CreatedTime: base.Add(time.Hour)})
		wantKind(h.t, "DataKeyAdd of a taken term", err, actiongate.KindExists)
		got, err := h.s.DataKeyList(h.ctx)
		wantNoError(h.t, "DataKeyList", err)
		if diff := gocmp.Diff([]actiongate.DataKey{k}, got, cmpDataKey); diff != "" {
			h.t.Errorf("(-want +got):\n%s", diff)
		}
	})
	su.run(t, "Concurrent", func(h *h) {
		// Replicas that add the same term at once: one wins, the others
		// get KindExists.
		const n = 8
		errs := race(n, func(i int) error {
			return h.s.DataKeyAdd(h.ctx, actiongate.DataKey{Term: 1, Wrapped: []byte{byte(i)}, CreatedTime: base})
		})
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case actiongate.KindOf(err) != actiongate.KindExists:
				h.t.Errorf("DataKeyAdd %d: %v (kind %v), want kind exists", i, err, actiongate.KindOf(err))
			}
		}
		if won != 1 {
			h.t.Errorf("%d concurrent DataKeyAdd of one term succeeded, want 1", won)
		}
	})
}

func (su suite) dataKeyList(t *testing.T) {
	su.run(t, "Ordered", func(h *h) {
		// By term as a number, from 0 to the largest uint32.
		var want []actiongate.DataKey
		for i, term := range []uint32{3, 0, math.MaxUint32, 10, 1, 2, 1 << 31} {
			k := actiongate.DataKey{Term: term, Wrapped: fmt.Appendf([]byte{0, 0xff}, "wrapped-%d", term),
				CreatedTime: base.Add(time.Duration(i) * time.Second)}
			wantNoError(h.t, "DataKeyAdd", h.s.DataKeyAdd(h.ctx, k))
			want = append(want, k)
		}
		slices.SortFunc(want, func(a, b actiongate.DataKey) int { return cmp.Compare(a.Term, b.Term) })
		got, err := h.s.DataKeyList(h.ctx)
		wantNoError(h.t, "DataKeyList", err)
		if diff := gocmp.Diff(want, got, cmpDataKey); diff != "" {
			h.t.Errorf("(-want +got):\n%s", diff)
		}
	})
	su.run(t, "Empty", func(h *h) {
		got, err := h.s.DataKeyList(h.ctx)
		wantNoError(h.t, "DataKeyList", err)
		if len(got) != 0 {
			h.t.Errorf("DataKeyList of an empty store = %v", got)
		}
	})
}

func (su suite) setting(t *testing.T) {
	su.run(t, "FirstWins", func(h *h) {
		first := []byte{0, 1, 2, 0xff, 'k'}
		got, err := h.s.Setting(h.ctx, "page-token-key", first)
		wantNoError(h.t, "Setting", err)
		if !gocmp.Equal(got, first) {
			h.t.Errorf("Setting on first use = %q, want %q", got, first)
		}
		got, err = h.s.Setting(h.ctx, "page-token-key", []byte("second"))
		wantNoError(h.t, "Setting", err)
		if !gocmp.Equal(got, first) {
			h.t.Errorf("Setting on second use = %q, want the first value %q", got, first)
		}
	})
	su.run(t, "NamesApart", func(h *h) {
		for _, name := range []string{"a", "A", "b", "a.b"} {
			got, err := h.s.Setting(h.ctx, name, []byte("value of "+name))
			wantNoError(h.t, "Setting", err)
			if string(got) != "value of "+name {
				h.t.Errorf("Setting(%q) = %q, want its own value", name, got)
			}
		}
	})
	su.run(t, "Concurrent", func(h *h) {
		const n = 16
		got := make([][]byte, n)
		errs := race(n, func(i int) error {
			var err error
			got[i], err = h.s.Setting(h.ctx, "key", fmt.Appendf(nil, "value %d", i))
			return err
		})
		for i, err := range errs {
			wantNoError(h.t, fmt.Sprintf("Setting %d", i), err)
		}
		for i := range got {
			if !gocmp.Equal(got[i], got[0]) {
				h.t.Errorf("concurrent Setting callers disagree: %q and %q", got[0], got[i])
			}
		}
		if !strings.HasPrefix(string(got[0]), "value ") {
			h.t.Errorf("Setting = %q, not one of the values given", got[0])
		}
		again, err := h.s.Setting(h.ctx, "key", []byte("late"))
		wantNoError(h.t, "Setting", err)
		if !gocmp.Equal(again, got[0]) {
			h.t.Errorf("Setting after the race = %q, want %q", again, got[0])
		}
	})
}
