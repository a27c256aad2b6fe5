package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/actiongate/actiongate"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func (su suite) connectorCreate(t *testing.T) {
	t.Run("RoundTrip", func(t *testing.T) {
		for _, f := range authFixtures {
			su.run(t, f.name, func(h *h) {
				c := newConnector(acct1, "conn-"+f.name)
				c.Auth = f.auth()
				h.create(c, sealed(c, 0), nil, nil)
				got := h.get(acct1, c.ID)
				if diff := cmp.Diff(stored(c, 1), got, cmpConnector); diff != "" {
					t.Errorf("ConnectorGet after ConnectorCreate (-want +got):\n%s", diff)
				}
				for _, s := range sealed(c, 0) {
					if ct := h.secret(s.Ref); !cmp.Equal(ct, s.Ciphertext) {
						t.Errorf("SecretGet(%+v) = %q, want %q", s.Ref, ct, s.Ciphertext)
					}
				}
			})
		}
	})
	t.Run("FixturesCoverEveryField", func(t *testing.T) {
		// Not a test of the store: it keeps the fixtures above complete
		// when AuthConfig or Connector grow a field.
		var auths []any
		for _, f := range authFixtures {
			auths = append(auths, f.auth())
		}
		checkCoverage(t, "AuthConfig", auths)
		conns := []any{&actiongate.Connector{Version: 1, Error: &actiongate.ConnectorError{Type: "INTERNAL_FAILURE", Message: "m"}}}
		for _, f := range authFixtures {
			c := newConnector(acct1, "c")
			c.Auth = f.auth()
			conns = append(conns, c)
		}
		checkCoverage(t, "Connector", conns, "Connector.ARN") // derived by the Service, not stored
	})
	t.Run("EnabledActions", func(t *testing.T) {
		// nil means every action of the type; empty, none.
		for name, actions := range map[string][]string{
			"nil":   nil,
			"empty": {},
			"one":   {"getObject"},
			"many":  {"z-last", "a-first", "m:middle/1.2@x"},
		} {
			su.run(t, name, func(h *h) {
				c := newConnector(acct1, "c")
				c.EnabledActions = actions
				h.createSealed(c)
				got := h.get(acct1, "c").EnabledActions
				if diff := cmp.Diff(actions, got); diff != "" || (actions == nil) != (got == nil) {
					t.Errorf("EnabledActions: stored %#v, read back %#v", actions, got)
				}
			})
		}
	})
	t.Run("Error", func(t *testing.T) {
		for name, e := range map[string]*actiongate.ConnectorError{
			"nil":          nil,
			"set":          {Type: "INTERNAL_FAILURE", Message: "The endpoint answered 503."},
			"emptyMessage": {Type: "INTERNAL_FAILURE"},
		} {
			su.run(t, name, func(h *h) {
				c := newConnector(acct1, "c")
				c.Status = actiongate.StatusCreationFailed
				c.Error = e
				h.createSealed(c)
				if diff := cmp.Diff(stored(c, 1), h.get(acct1, "c"), cmpConnector); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	})
	su.run(t, "TimesAtMillisecondPrecision", func(h *h) {
		// A time with nanoseconds, in a zone that is not UTC, reads back as the
		// same instant at millisecond precision (the precision is a lower bound).
		zone := time.FixedZone("UTC+05:30", 5*3600+30*60)
		c := newConnector(acct1, "c")
		c.CreatedTime = time.Date(2026, 1, 2, 3, 4, 5, 123_456_789, zone)
		c.LastUpdatedTime = time.Date(2099, 12, 31, 23, 59, 59, 999_000_001, time.UTC)
		h.createSealed(c)
		got := h.get(acct1, "c")
		for _, tc := range []struct {
			name      string
			got, want time.Time
		}{{"CreatedTime", got.CreatedTime, c.CreatedTime}, {"LastUpdatedTime", got.LastUpdatedTime, c.LastUpdatedTime}} {
			if !tc.got.Truncate(time.Millisecond).Equal(tc.want.Truncate(time.Millisecond)) {
				h.t.Errorf("%s = %v, want %v at millisecond precision", tc.name, tc.got, tc.want)
			}
		}
	})
	su.run(t, "VersionIsOne", func(h *h) {
		c := newConnector(acct1, "c")
		c.Version = 7 // ignored: a new connector starts at 1
		h.createSealed(c)
		if v := h.version(acct1, "c"); v != 1 {
			h.t.Errorf("Version = %d after ConnectorCreate, want 1", v)
		}
	})
	su.run(t, "WithSecretsPermissionsAndTags", func(h *h) {
		c := newConnector(acct1, "c")
		perms := []actiongate.Permission{
			{Principal: principal(acct1, "alice"), Actions: []string{"quicksight:DescribeActionConnector", "quicksight:UpdateActionConnector"}},
			{Principal: principal(acct1, "bob"), Actions: []string{"quicksight:DescribeActionConnector"}},
		}
		tags := []actiongate.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "data"}}
		h.create(c, sealed(c, 0), perms, tags)
		if diff := cmp.Diff(perms, h.perms(acct1, "c")); diff != "" {
			h.t.Errorf("PermissionList (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(tags, h.tags(acct1, "c")); diff != "" {
			h.t.Errorf("TagList (-want +got):\n%s", diff)
		}
		for _, s := range sealed(c, 0) {
			if ct := h.secret(s.Ref); !cmp.Equal(ct, s.Ciphertext) {
				h.t.Errorf("SecretGet(%+v) = %q, want %q", s.Ref, ct, s.Ciphertext)
			}
		}
	})
	su.run(t, "Exists", func(h *h) {
		first := newConnector(acct1, "c")
		perms := []actiongate.Permission{{Principal: principal(acct1, "alice"), Actions: ownerActions}}
		tags := []actiongate.Tag{{Key: "k", Value: "first"}}
		h.create(first, sealed(first, 0), perms, tags)

		// The duplicate changes nothing of the first: not its fields, secrets,
		// permissions or tags.
		dup := newConnector(acct1, "c")
		dup.Name = "Duplicate"
		err := h.s.ConnectorCreate(h.ctx, dup, sealed(dup, 1),
			[]actiongate.Permission{{Principal: principal(acct1, "mallory"), Actions: ownerActions}},
			[]actiongate.Tag{{Key: "k", Value: "dup"}, {Key: "other", Value: "dup"}})
		wantKind(h.t, "ConnectorCreate of an existing id", err, actiongate.KindExists)
		if diff := cmp.Diff(stored(first, 1), h.get(acct1, "c"), cmpConnector); diff != "" {
			h.t.Errorf("connector after a duplicate create (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(perms, h.perms(acct1, "c")); diff != "" {
			h.t.Errorf("PermissionList after a duplicate create (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(tags, h.tags(acct1, "c")); diff != "" {
			h.t.Errorf("TagList after a duplicate create (-want +got):\n%s", diff)
		}
		for _, s := range sealed(first, 0) {
			if ct := h.secret(s.Ref); !cmp.Equal(ct, s.Ciphertext) {
				h.t.Errorf("secret %s after a duplicate create = %q, want the first's %q", s.Ref.Field, ct, s.Ciphertext)
			}
		}
	})
	su.run(t, "SameIDInAnotherAccount", func(h *h) {
		a, b := newConnector(acct1, "c"), newConnector(acct2, "c")
		b.Name = "Other account"
		h.createSealed(a)
		h.createSealed(b)
		if diff := cmp.Diff(stored(a, 1), h.get(acct1, "c"), cmpConnector); diff != "" {
			h.t.Errorf("account 1 (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(stored(b, 1), h.get(acct2, "c"), cmpConnector); diff != "" {
			h.t.Errorf("account 2 (-want +got):\n%s", diff)
		}
	})
	su.run(t, "AllOrNothing", func(h *h) {
		// A create that fails part-way, here on a secret whose ref another
		// connector holds, leaves nothing behind, and the other connector's
		// secret as it was.
		owner := newConnector(acct1, "owner")
		h.createSealed(owner)
		taken := sealed(owner, 0)[0]

		c := newConnector(acct1, "c")
		stolen := actiongate.SealedSecret{Ref: taken.Ref, Ciphertext: []byte("other")}
		err := h.s.ConnectorCreate(h.ctx, c, append(sealed(c, 0), stolen),
			[]actiongate.Permission{{Principal: principal(acct1, "alice"), Actions: ownerActions}},
			[]actiongate.Tag{{Key: "k", Value: "v"}})
		if err == nil {
			h.t.Fatal("ConnectorCreate with a secret ref that is taken succeeded")
		}
		_, err = h.s.ConnectorGet(h.ctx, acct1, "c")
		wantKind(h.t, "ConnectorGet after a failed create", err, actiongate.KindNotFound)
		for _, s := range sealed(c, 0) {
			_, err := h.s.SecretGet(h.ctx, s.Ref)
			wantKind(h.t, "SecretGet of the failed create's secret", err, actiongate.KindNotFound)
		}
		if ct := h.secret(taken.Ref); !cmp.Equal(ct, taken.Ciphertext) {
			h.t.Errorf("the other connector's secret = %q, want %q", ct, taken.Ciphertext)
		}
		// The id is free.
		h.create(c, sealed(c, 0), nil, nil)
		if p := h.perms(acct1, "c"); len(p) != 0 {
			h.t.Errorf("permissions of the failed create survived: %v", p)
		}
		if tags := h.tags(acct1, "c"); len(tags) != 0 {
			h.t.Errorf("tags of the failed create survived: %v", tags)
		}
	})
}

func (su suite) connectorGet(t *testing.T) {
	su.run(t, "NotFound", func(h *h) {
		_, err := h.s.ConnectorGet(h.ctx, acct1, "missing")
		wantKind(h.t, "ConnectorGet of a missing connector", err, actiongate.KindNotFound)
	})
	su.run(t, "AnotherAccount", func(h *h) {
		h.createSealed(newConnector(acct1, "c"))
		_, err := h.s.ConnectorGet(h.ctx, acct2, "c")
		wantKind(h.t, "ConnectorGet through another account", err, actiongate.KindNotFound)
	})
	su.run(t, "IDIsCaseSensitive", func(h *h) {
		h.createSealed(newConnector(acct1, "Conn"))
		_, err := h.s.ConnectorGet(h.ctx, acct1, "conn")
		wantKind(h.t, "ConnectorGet of conn when Conn exists", err, actiongate.KindNotFound)
		h.createSealed(newConnector(acct1, "conn"))
		if got := h.get(acct1, "conn"); got.ID != "conn" {
			h.t.Errorf("ConnectorGet(conn).ID = %q", got.ID)
		}
	})
	su.run(t, "NoSecrets", func(h *h) {
		// Every auth fixture with a secret, read back: the Secret fields
		// are zero (h.get checks every Secret in the result).
		for i, f := range authFixtures {
			c := newConnector(acct1, fmt.Sprintf("c%d", i))
			c.Auth = f.auth()
			h.createSealed(c)
			h.get(acct1, c.ID)
		}
	})
}

func (su suite) connectorUpdate(t *testing.T) {
	su.run(t, "Replaces", func(h *h) {
		c := newConnector(acct1, "c")
		c.Error = &actiongate.ConnectorError{Type: "INTERNAL_FAILURE", Message: "old"}
		h.createSealed(c)

		// Changed the way the Service changes a connector, auth type included.
		u := stored(c, 1)
		u.Name = "Renamed"
		u.Description = ""
		u.VPCConnectionARN = ""
		u.Auth = authFixtures[2].auth() // BASIC: the ApiKey secret goes, Password comes
		u.EnabledActions = nil
		u.Status = actiongate.StatusUpdateSuccessful
		u.Error = nil
		u.LastUpdatedTime = base.Add(48 * time.Hour)
		wantNoError(h.t, "ConnectorUpdate", h.s.ConnectorUpdate(h.ctx, u, sealed(u, 1)))
		if diff := cmp.Diff(stored(u, 2), h.get(acct1, "c"), cmpConnector); diff != "" {
			h.t.Errorf("ConnectorGet after ConnectorUpdate (-want +got):\n%s", diff)
		}
		_, err := h.s.SecretGet(h.ctx, connectorRef(acct1, "c", "ApiKey"))
		wantKind(h.t, "SecretGet of a secret the update dropped", err, actiongate.KindNotFound)
		for _, s := range sealed(u, 1) {
			if ct := h.secret(s.Ref); !cmp.Equal(ct, s.Ciphertext) {
				h.t.Errorf("SecretGet(%s) = %q, want %q", s.Ref.Field, ct, s.Ciphertext)
			}
		}

		// And back, with the same fields replaced by new ciphertexts.
		u2 := stored(c, 2)
		wantNoError(h.t, "ConnectorUpdate", h.s.ConnectorUpdate(h.ctx, u2, sealed(u2, 2)))
		if diff := cmp.Diff(stored(c, 3), h.get(acct1, "c"), cmpConnector); diff != "" {
			h.t.Errorf("ConnectorGet after a second ConnectorUpdate (-want +got):\n%s", diff)
		}
		if ct, want := h.secret(connectorRef(acct1, "c", "ApiKey")), sealed(u2, 2)[0].Ciphertext; !cmp.Equal(ct, want) {
			h.t.Errorf("SecretGet(ApiKey) = %q, want %q", ct, want)
		}
		_, err = h.s.SecretGet(h.ctx, connectorRef(acct1, "c", "Password"))
		wantKind(h.t, "SecretGet of a secret the update dropped", err, actiongate.KindNotFound)
	})
	su.run(t, "WithoutSecrets", func(h *h) {
		c := newConnector(acct1, "c")
		h.createSealed(c)
		u := stored(c, 1)
		u.Auth = authFixtures[7].auth() // IAM: no secret
		wantNoError(h.t, "ConnectorUpdate", h.s.ConnectorUpdate(h.ctx, u, nil))
		_, err := h.s.SecretGet(h.ctx, connectorRef(acct1, "c", "ApiKey"))
		wantKind(h.t, "SecretGet after an update to an auth without secrets", err, actiongate.KindNotFound)
	})
	su.run(t, "VersionIncrements", func(h *h) {
		c := newConnector(acct1, "c")
		h.createSealed(c)
		for v := int64(1); v <= 5; v++ {
			u := h.get(acct1, "c")
			if u.Version != v {
				h.t.Fatalf("Version = %d, want %d", u.Version, v)
			}
			u.Name = fmt.Sprintf("Name %d", v)
			wantNoError(h.t, "ConnectorUpdate", h.s.ConnectorUpdate(h.ctx, u, nil))
			if u.Version != v {
				h.t.Errorf("ConnectorUpdate changed its argument's Version from %d to %d; the Service increments it", v, u.Version)
			}
		}
		if v := h.version(acct1, "c"); v != 6 {
			h.t.Errorf("Version = %d after 5 updates, want 6", v)
		}
	})
	su.run(t, "NotFound", func(h *h) {
		c := newConnector(acct1, "missing")
		c.Version = 1
		wantKind(h.t, "ConnectorUpdate of a missing connector", h.s.ConnectorUpdate(h.ctx, c, sealed(c, 0)), actiongate.KindNotFound)
		_, err := h.s.SecretGet(h.ctx, sealed(c, 0)[0].Ref)
		wantKind(h.t, "SecretGet after a failed update", err, actiongate.KindNotFound)
		h.createSealed(newConnector(acct1, "c"))
		c = stored(newConnector(acct2, "c"), 1)
		wantKind(h.t, "ConnectorUpdate through another account", h.s.ConnectorUpdate(h.ctx, c, nil), actiongate.KindNotFound)
	})
	su.run(t, "Conflict", func(h *h) {
		c := newConnector(acct1, "c")
		h.createSealed(c)
		u := stored(c, 1)
		u.Name = "First"
		wantNoError(h.t, "ConnectorUpdate", h.s.ConnectorUpdate(h.ctx, u, sealed(u, 1)))
		for _, v := range []int64{0, 1, 3, 100} {
			stale := stored(c, v)
			stale.Name = "Stale"
			stale.Auth = authFixtures[2].auth()
			err := h.s.ConnectorUpdate(h.ctx, stale, sealed(stale, 9))
			wantKind(h.t, fmt.Sprintf("ConnectorUpdate at version %d when 2 is stored", v), err, actiongate.KindConflict)
		}
		// Nothing of the losing writes is stored: not the connector, not
		// its secrets.
		if diff := cmp.Diff(stored(u, 2), h.get(acct1, "c"), cmpConnector); diff != "" {
			h.t.Errorf("connector after conflicting updates (-want +got):\n%s", diff)
		}
		if ct, want := h.secret(connectorRef(acct1, "c", "ApiKey")), sealed(u, 1)[0].Ciphertext; !cmp.Equal(ct, want) {
			h.t.Errorf("secret after conflicting updates = %q, want %q", ct, want)
		}
		_, err := h.s.SecretGet(h.ctx, connectorRef(acct1, "c", "Password"))
		wantKind(h.t, "SecretGet of a conflicting update's secret", err, actiongate.KindNotFound)
	})
	su.run(t, "KeepsPermissionsAndTags", func(h *h) {
		c := newConnector(acct1, "c")
		perms := []actiongate.Permission{{Principal: principal(acct1, "alice"), Actions: ownerActions}}
		tags := []actiongate.Tag{{Key: "k", Value: "v"}}
		h.create(c, sealed(c, 0), perms, tags)
		u := stored(c, 1)
		u.Name = "Renamed"
		wantNoError(h.t, "ConnectorUpdate", h.s.ConnectorUpdate(h.ctx, u, sealed(u, 1)))
		if diff := cmp.Diff(perms, h.perms(acct1, "c")); diff != "" {
			h.t.Errorf("PermissionList after ConnectorUpdate (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(tags, h.tags(acct1, "c")); diff != "" {
			h.t.Errorf("TagList after ConnectorUpdate (-want +got):\n%s", diff)
		}
	})
	su.run(t, "Concurrent", func(h *h) {
		// N writers read version v, then update at once: one wins, the
		// others get KindConflict, and the version moves by one.
		const n = 16
		h.createSealed(newConnector(acct1, "c"))
		read := make([]*actiongate.Connector, n)
		for i := range read {
			read[i] = h.get(acct1, "c")
			read[i].Name = fmt.Sprintf("Writer %d", i)
		}
		errs := race(n, func(i int) error {
			return h.s.ConnectorUpdate(h.ctx, read[i], sealed(read[i], i))
		})
		w := wantOneWinner(h.t, "concurrent ConnectorUpdate", errs)
		if diff := cmp.Diff(stored(read[w], 2), h.get(acct1, "c"), cmpConnector); diff != "" {
			h.t.Errorf("connector after the race (-want +got):\n%s", diff)
		}
		if ct, want := h.secret(connectorRef(acct1, "c", "ApiKey")), sealed(read[w], w)[0].Ciphertext; !cmp.Equal(ct, want) {
			h.t.Errorf("secret after the race = %q, want the winner's %q", ct, want)
		}
	})
}

func (su suite) connectorDelete(t *testing.T) {
	su.run(t, "Cascades", func(h *h) {
		c := newConnector(acct1, "c")
		secrets := sealed(c, 0)
		h.create(c, secrets, []actiongate.Permission{{Principal: principal(acct1, "alice"), Actions: ownerActions}},
			[]actiongate.Tag{{Key: "k", Value: "v"}})
		wantNoError(h.t, "ConnectorDelete", h.s.ConnectorDelete(h.ctx, acct1, "c"))

		_, err := h.s.ConnectorGet(h.ctx, acct1, "c")
		wantKind(h.t, "ConnectorGet after ConnectorDelete", err, actiongate.KindNotFound)
		_, err = h.s.PermissionList(h.ctx, acct1, "c")
		wantKind(h.t, "PermissionList after ConnectorDelete", err, actiongate.KindNotFound)
		_, err = h.s.TagList(h.ctx, acct1, "c")
		wantKind(h.t, "TagList after ConnectorDelete", err, actiongate.KindNotFound)
		for _, s := range secrets {
			_, err := h.s.SecretGet(h.ctx, s.Ref)
			wantKind(h.t, "SecretGet after ConnectorDelete", err, actiongate.KindNotFound)
		}
		all, err := h.s.SecretList(h.ctx, actiongate.SecretRef{}, 100)
		wantNoError(h.t, "SecretList", err)
		if len(all) != 0 {
			h.t.Errorf("SecretList after ConnectorDelete = %v, want none", all)
		}
		if cs := h.list(actiongate.ConnectorListParams{AccountID: acct1, Limit: 10}); len(cs) != 0 {
			h.t.Errorf("ConnectorList after ConnectorDelete = %v, want none", ids(cs))
		}
	})
	su.run(t, "NotFound", func(h *h) {
		wantKind(h.t, "ConnectorDelete of a missing connector", h.s.ConnectorDelete(h.ctx, acct1, "missing"), actiongate.KindNotFound)
		h.createSealed(newConnector(acct1, "c"))
		wantKind(h.t, "ConnectorDelete through another account", h.s.ConnectorDelete(h.ctx, acct2, "c"), actiongate.KindNotFound)
		wantNoError(h.t, "ConnectorDelete", h.s.ConnectorDelete(h.ctx, acct1, "c"))
		wantKind(h.t, "ConnectorDelete twice", h.s.ConnectorDelete(h.ctx, acct1, "c"), actiongate.KindNotFound)
	})
	su.run(t, "RecreateStartsClean", func(h *h) {
		c := newConnector(acct1, "c")
		h.create(c, sealed(c, 0), []actiongate.Permission{{Principal: principal(acct1, "alice"), Actions: ownerActions}},
			[]actiongate.Tag{{Key: "k", Value: "v"}})
		wantNoError(h.t, "TagReplace", h.s.TagReplace(h.ctx, acct1, "c", 1, nil))
		wantNoError(h.t, "ConnectorDelete", h.s.ConnectorDelete(h.ctx, acct1, "c"))

		again := newConnector(acct1, "c")
		again.Auth = authFixtures[7].auth() // IAM: no secrets
		h.create(again, nil, nil, nil)
		if diff := cmp.Diff(stored(again, 1), h.get(acct1, "c"), cmpConnector); diff != "" {
			h.t.Errorf("recreated connector (-want +got):\n%s", diff)
		}
		if p := h.perms(acct1, "c"); len(p) != 0 {
			h.t.Errorf("the recreated connector has the old permissions %v", p)
		}
		if tags := h.tags(acct1, "c"); len(tags) != 0 {
			h.t.Errorf("the recreated connector has the old tags %v", tags)
		}
		_, err := h.s.SecretGet(h.ctx, connectorRef(acct1, "c", "ApiKey"))
		wantKind(h.t, "SecretGet of the old connector's secret", err, actiongate.KindNotFound)
	})
	su.run(t, "OthersUntouched", func(h *h) {
		perms := []actiongate.Permission{{Principal: principal(acct1, "alice"), Actions: ownerActions}}
		tags := []actiongate.Tag{{Key: "k", Value: "v"}}
		// Same account, another id; same id, another account; an id that
		// extends the deleted one.
		var keep []*actiongate.Connector
		for _, c := range []*actiongate.Connector{newConnector(acct1, "other"), newConnector(acct2, "c"), newConnector(acct1, "c2")} {
			h.create(c, sealed(c, 0), perms, tags)
			keep = append(keep, c)
		}
		c := newConnector(acct1, "c")
		h.create(c, sealed(c, 0), perms, tags)
		id := &actiongate.Identity{AccessKeyID: "AKIAC0000000000000", AccountID: acct1, ARN: "arn:aws:iam::111111111111:user/c",
			CreatedTime: base}
		idSecret := actiongate.SealedSecret{Ref: actiongate.SecretRef{AccountID: acct1, Kind: actiongate.SecretIdentity,
			OwnerID: id.AccessKeyID, Field: "SecretAccessKey"}, Ciphertext: []byte("identity")}
		wantNoError(h.t, "IdentityCreate", h.s.IdentityCreate(h.ctx, id, idSecret))

		wantNoError(h.t, "ConnectorDelete", h.s.ConnectorDelete(h.ctx, acct1, "c"))
		for _, k := range keep {
			if diff := cmp.Diff(stored(k, 1), h.get(k.AccountID, k.ID), cmpConnector); diff != "" {
				h.t.Errorf("%s/%s (-want +got):\n%s", k.AccountID, k.ID, diff)
			}
			if diff := cmp.Diff(perms, h.perms(k.AccountID, k.ID)); diff != "" {
				h.t.Errorf("permissions of %s/%s (-want +got):\n%s", k.AccountID, k.ID, diff)
			}
			if diff := cmp.Diff(tags, h.tags(k.AccountID, k.ID)); diff != "" {
				h.t.Errorf("tags of %s/%s (-want +got):\n%s", k.AccountID, k.ID, diff)
			}
			for _, s := range sealed(k, 0) {
				if ct := h.secret(s.Ref); !cmp.Equal(ct, s.Ciphertext) {
					h.t.Errorf("secret %+v = %q, want %q", s.Ref, ct, s.Ciphertext)
				}
			}
		}
		if ct := h.secret(idSecret.Ref); !cmp.Equal(ct, idSecret.Ciphertext) {
			h.t.Errorf("identity secret = %q, want %q", ct, idSecret.Ciphertext)
		}
	})
}

// conditionalWrites checks that ConnectorUpdate, PermissionReplace and
// TagReplace share one version: of writes of any of them at the same version,
// one wins.
func (su suite) conditionalWrites(t *testing.T) {
	su.run(t, "ShareOneVersion", func(h *h) {
		const n = 12
		c := newConnector(acct1, "c")
		h.createSealed(c)
		errs := race(n, func(i int) error {
			switch i % 3 {
			case 0:
				u := stored(c, 1)
				u.Name = fmt.Sprintf("Writer %d", i)
				return h.s.ConnectorUpdate(h.ctx, u, sealed(u, i))
			case 1:
				return h.s.PermissionReplace(h.ctx, acct1, "c", 1,
					[]actiongate.Permission{{Principal: principal(acct1, fmt.Sprint("p", i)), Actions: ownerActions}})
			default:
				return h.s.TagReplace(h.ctx, acct1, "c", 1, []actiongate.Tag{{Key: "writer", Value: fmt.Sprint(i)}})
			}
		})
		w := wantOneWinner(h.t, "concurrent writes of one version", errs)
		if v := h.version(acct1, "c"); v != 2 {
			h.t.Errorf("Version = %d after the race, want 2", v)
		}
		wantName, wantPerms, wantTags := c.Name, []actiongate.Permission(nil), []actiongate.Tag(nil)
		switch w % 3 {
		case 0:
			wantName = fmt.Sprintf("Writer %d", w)
		case 1:
			wantPerms = []actiongate.Permission{{Principal: principal(acct1, fmt.Sprint("p", w)), Actions: ownerActions}}
		default:
			wantTags = []actiongate.Tag{{Key: "writer", Value: fmt.Sprint(w)}}
		}
		if got := h.get(acct1, "c").Name; got != wantName {
			h.t.Errorf("Name = %q, want %q", got, wantName)
		}
		if diff := cmp.Diff(wantPerms, h.perms(acct1, "c"), cmpopts.EquateEmpty()); diff != "" {
			h.t.Errorf("permissions after the race (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantTags, h.tags(acct1, "c"), cmpopts.EquateEmpty()); diff != "" {
			h.t.Errorf("tags after the race (-want +got):\n%s", diff)
		}
	})
}
