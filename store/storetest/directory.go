package storetest

import (
	"testing"

	"github.com/actiongate/actiongate"
	"github.com/google/go-cmp/cmp"
)

const ns = "default"

func newUser(account, name string) *actiongate.User {
	return &actiongate.User{
		AccountID:             account,
		Namespace:             ns,
		Name:                  name,
		PrincipalID:           "user/" + name,
		Email:                 name + "@example.com",
		Role:                  "AUTHOR",
		IdentityType:          actiongate.IdentityIAM,
		IAMARN:                "arn:aws:iam::" + account + ":user/" + name,
		CustomPermissionsName: "perms",
		ExternalLoginProvider: "COGNITO",
		ExternalLoginURL:      "https://login.example.com",
		ExternalLoginID:       "ext-" + name,
		CreatedTime:           base,
	}
}

func newGroup(account, name string) *actiongate.Group {
	return &actiongate.Group{AccountID: account, Namespace: ns, Name: name, PrincipalID: "group/" + name,
		Description: "Group " + name, CreatedTime: base}
}

func groupPrincipal(account, name string) string {
	return "arn:aws:quicksight:us-east-1:" + account + ":group/default/" + name
}

func (h *h) user(u *actiongate.User) {
	h.t.Helper()
	wantNoError(h.t, "UserCreate "+u.Name, h.s.UserCreate(h.ctx, u))
}

func (h *h) group(g *actiongate.Group) {
	h.t.Helper()
	wantNoError(h.t, "GroupCreate "+g.Name, h.s.GroupCreate(h.ctx, g))
}

func (h *h) member(group, user string) {
	h.t.Helper()
	wantNoError(h.t, "MembershipAdd "+group+"/"+user, h.s.MembershipAdd(h.ctx, acct1, ns, group, user))
}

func groupNames(gs []*actiongate.Group) []string {
	out := []string{}
	for _, g := range gs {
		out = append(out, g.Name)
	}
	return out
}

// directory tests the DirectoryStore methods.
func (su suite) directory(t *testing.T) {
	su.run(t, "UserRoundTrip", func(h *h) {
		u := newUser(acct1, "alice")
		h.user(u)
		got, err := h.s.UserGet(h.ctx, acct1, ns, "alice")
		wantNoError(h.t, "UserGet", err)
		if diff := cmp.Diff(u, got, cmpConnector); diff != "" {
			h.t.Errorf("UserGet (-want +got):\n%s", diff)
		}
		wantKind(h.t, "UserCreate again", h.s.UserCreate(h.ctx, newUser(acct1, "alice")), actiongate.KindExists)
		h.user(newUser(acct2, "alice")) // another account
		_, err = h.s.UserGet(h.ctx, acct1, ns, "Alice")
		wantKind(h.t, "UserGet of another case", err, actiongate.KindNotFound)
		_, err = h.s.UserGet(h.ctx, acct1, "other", "alice")
		wantKind(h.t, "UserGet in another namespace", err, actiongate.KindNotFound)

		up := *u
		up.Email, up.Role, up.CustomPermissionsName, up.ExternalLoginID = "new@example.com", "READER", "", "x"
		up.PrincipalID, up.IAMARN = "changed", "changed" // not updated
		wantNoError(h.t, "UserUpdate", h.s.UserUpdate(h.ctx, &up))
		got, _ = h.s.UserGet(h.ctx, acct1, ns, "alice")
		want := *u
		want.Email, want.Role, want.CustomPermissionsName, want.ExternalLoginID = "new@example.com", "READER", "", "x"
		if diff := cmp.Diff(&want, got, cmpConnector); diff != "" {
			h.t.Errorf("after UserUpdate (-want +got):\n%s", diff)
		}
		wantKind(h.t, "UserUpdate missing", h.s.UserUpdate(h.ctx, newUser(acct1, "nobody")), actiongate.KindNotFound)
		wantKind(h.t, "UserDelete missing", h.s.UserDelete(h.ctx, acct1, ns, "nobody", principal(acct1, "nobody")), actiongate.KindNotFound)
	})
	su.run(t, "UserList", func(h *h) {
		for _, n := range []string{"b", "a", "é", "Z", "c d"} {
			h.user(newUser(acct1, n))
		}
		h.user(newUser(acct2, "x"))
		var names []string
		after := ""
		for {
			us, err := h.s.UserList(h.ctx, actiongate.DirectoryListParams{AccountID: acct1, Namespace: ns, After: after, Limit: 2})
			wantNoError(h.t, "UserList", err)
			for _, u := range us {
				names = append(names, u.Name)
			}
			if len(us) < 2 {
				break
			}
			after = us[len(us)-1].Name
		}
		if diff := cmp.Diff([]string{"Z", "a", "b", "c d", "é"}, names); diff != "" {
			h.t.Errorf("UserList pages (-want +got):\n%s", diff)
		}
		us, err := h.s.UserList(h.ctx, actiongate.DirectoryListParams{AccountID: acct1, Namespace: ns, Limit: 0})
		if err != nil || len(us) != 0 {
			h.t.Errorf("UserList Limit 0 = %v, %v", us, err)
		}
	})
	su.run(t, "GroupRoundTripAndList", func(h *h) {
		g := newGroup(acct1, "team")
		h.group(g)
		got, err := h.s.GroupGet(h.ctx, acct1, ns, "team")
		wantNoError(h.t, "GroupGet", err)
		if diff := cmp.Diff(g, got, cmpConnector); diff != "" {
			h.t.Errorf("GroupGet (-want +got):\n%s", diff)
		}
		wantKind(h.t, "GroupCreate again", h.s.GroupCreate(h.ctx, newGroup(acct1, "team")), actiongate.KindExists)
		up := *g
		up.Description = ""
		wantNoError(h.t, "GroupUpdate", h.s.GroupUpdate(h.ctx, &up))
		got, _ = h.s.GroupGet(h.ctx, acct1, ns, "team")
		if got.Description != "" {
			h.t.Errorf("Description after update = %q", got.Description)
		}
		wantKind(h.t, "GroupUpdate missing", h.s.GroupUpdate(h.ctx, newGroup(acct1, "nope")), actiongate.KindNotFound)
		for _, n := range []string{"team-a", "team_b", "Team", "tea", "other", "teamz"} {
			h.group(newGroup(acct1, n))
		}
		h.group(newGroup(acct2, "team-x"))
		list := func(prefix, after string, limit int) []string {
			gs, err := h.s.GroupList(h.ctx, actiongate.DirectoryListParams{AccountID: acct1, Namespace: ns, NamePrefix: prefix, After: after, Limit: limit})
			wantNoError(h.t, "GroupList", err)
			return groupNames(gs)
		}
		if diff := cmp.Diff([]string{"Team", "other", "tea", "team", "team-a", "team_b", "teamz"}, list("", "", 100)); diff != "" {
			h.t.Errorf("GroupList (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"team", "team-a", "team_b", "teamz"}, list("team", "", 100)); diff != "" {
			h.t.Errorf("GroupList prefix team (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"team_b"}, list("team_", "", 100)); diff != "" {
			h.t.Errorf("GroupList prefix team_ is exact, not a LIKE pattern (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"team_b"}, list("team", "team-a", 1)); diff != "" {
			h.t.Errorf("GroupList prefix team after team-a (-want +got):\n%s", diff)
		}
	})
	su.run(t, "Memberships", func(h *h) {
		for _, n := range []string{"alice", "bob", "carol"} {
			h.user(newUser(acct1, n))
		}
		for _, n := range []string{"eng", "ops"} {
			h.group(newGroup(acct1, n))
		}
		h.member("eng", "bob")
		h.member("eng", "alice")
		h.member("eng", "alice") // again: no error
		h.member("ops", "alice")
		wantKind(h.t, "MembershipAdd no user", h.s.MembershipAdd(h.ctx, acct1, ns, "eng", "nobody"), actiongate.KindNotFound)
		wantKind(h.t, "MembershipAdd no group", h.s.MembershipAdd(h.ctx, acct1, ns, "nope", "alice"), actiongate.KindNotFound)
		wantNoError(h.t, "MembershipGet", h.s.MembershipGet(h.ctx, acct1, ns, "eng", "alice"))
		wantKind(h.t, "MembershipGet non-member", h.s.MembershipGet(h.ctx, acct1, ns, "ops", "bob"), actiongate.KindNotFound)

		members, err := h.s.MembershipList(h.ctx, actiongate.DirectoryListParams{AccountID: acct1, Namespace: ns, Name: "eng", Limit: 10})
		wantNoError(h.t, "MembershipList", err)
		if diff := cmp.Diff([]string{"alice", "bob"}, members); diff != "" {
			h.t.Errorf("MembershipList (-want +got):\n%s", diff)
		}
		members, _ = h.s.MembershipList(h.ctx, actiongate.DirectoryListParams{AccountID: acct1, Namespace: ns, Name: "eng", After: "alice", Limit: 10})
		if diff := cmp.Diff([]string{"bob"}, members); diff != "" {
			h.t.Errorf("MembershipList after alice (-want +got):\n%s", diff)
		}
		_, err = h.s.MembershipList(h.ctx, actiongate.DirectoryListParams{AccountID: acct1, Namespace: ns, Name: "nope", Limit: 10})
		wantKind(h.t, "MembershipList no group", err, actiongate.KindNotFound)

		gs, err := h.s.GroupsOfUser(h.ctx, actiongate.DirectoryListParams{AccountID: acct1, Namespace: ns, Name: "alice", Limit: 10})
		wantNoError(h.t, "GroupsOfUser", err)
		if diff := cmp.Diff([]*actiongate.Group{newGroup(acct1, "eng"), newGroup(acct1, "ops")}, gs, cmpConnector); diff != "" {
			h.t.Errorf("GroupsOfUser (-want +got):\n%s", diff)
		}
		gs, _ = h.s.GroupsOfUser(h.ctx, actiongate.DirectoryListParams{AccountID: acct1, Namespace: ns, Name: "carol", Limit: 10})
		if len(gs) != 0 {
			h.t.Errorf("GroupsOfUser carol = %v", groupNames(gs))
		}
		_, err = h.s.GroupsOfUser(h.ctx, actiongate.DirectoryListParams{AccountID: acct1, Namespace: ns, Name: "nobody", Limit: 10})
		wantKind(h.t, "GroupsOfUser no user", err, actiongate.KindNotFound)

		wantNoError(h.t, "MembershipDelete", h.s.MembershipDelete(h.ctx, acct1, ns, "eng", "bob"))
		wantKind(h.t, "MembershipDelete again", h.s.MembershipDelete(h.ctx, acct1, ns, "eng", "bob"), actiongate.KindNotFound)

		// Deleting a user or a group deletes its memberships.
		wantNoError(h.t, "UserDelete", h.s.UserDelete(h.ctx, acct1, ns, "alice", principal(acct1, "alice")))
		members, _ = h.s.MembershipList(h.ctx, actiongate.DirectoryListParams{AccountID: acct1, Namespace: ns, Name: "eng", Limit: 10})
		if len(members) != 0 {
			h.t.Errorf("members of eng after deleting alice = %v", members)
		}
		h.user(newUser(acct1, "alice")) // a new alice is in no group
		gs, _ = h.s.GroupsOfUser(h.ctx, actiongate.DirectoryListParams{AccountID: acct1, Namespace: ns, Name: "alice", Limit: 10})
		if len(gs) != 0 {
			h.t.Errorf("groups of a new alice = %v", groupNames(gs))
		}
		h.member("ops", "carol")
		wantNoError(h.t, "GroupDelete", h.s.GroupDelete(h.ctx, acct1, ns, "ops", groupPrincipal(acct1, "ops")))
		gs, _ = h.s.GroupsOfUser(h.ctx, actiongate.DirectoryListParams{AccountID: acct1, Namespace: ns, Name: "carol", Limit: 10})
		if len(gs) != 0 {
			h.t.Errorf("groups of carol after deleting ops = %v", groupNames(gs))
		}
		wantKind(h.t, "GroupDelete again", h.s.GroupDelete(h.ctx, acct1, ns, "ops", groupPrincipal(acct1, "ops")), actiongate.KindNotFound)
	})
	su.run(t, "DeleteRemovesPermissions", func(h *h) {
		h.user(newUser(acct1, "alice"))
		h.user(newUser(acct1, "bob"))
		h.group(newGroup(acct1, "eng"))
		alice, bob, eng := principal(acct1, "alice"), principal(acct1, "bob"), groupPrincipal(acct1, "eng")
		h.create(newConnector(acct1, "c1"), nil, []actiongate.Permission{
			{Principal: eng, Actions: viewerActions},
			{Principal: alice, Actions: ownerActions},
			{Principal: bob, Actions: viewerActions},
		}, nil)
		h.create(newConnector(acct1, "c2"), nil, []actiongate.Permission{{Principal: bob, Actions: ownerActions}}, nil)
		// The same ARN text in another account's connector is not touched.
		h.create(newConnector(acct2, "c1"), nil, []actiongate.Permission{{Principal: alice, Actions: ownerActions}}, nil)
		v1, v2 := h.version(acct1, "c1"), h.version(acct1, "c2")

		wantNoError(h.t, "UserDelete", h.s.UserDelete(h.ctx, acct1, ns, "alice", alice))
		want := []actiongate.Permission{{Principal: eng, Actions: viewerActions}, {Principal: bob, Actions: viewerActions}}
		if diff := cmp.Diff(want, h.perms(acct1, "c1")); diff != "" {
			h.t.Errorf("c1 permissions after deleting alice (-want +got):\n%s", diff)
		}
		if got := h.version(acct1, "c1"); got != v1+1 {
			h.t.Errorf("c1 version = %d, want %d: a connector that loses a permission gets a new version", got, v1+1)
		}
		if got := h.version(acct1, "c2"); got != v2 {
			h.t.Errorf("c2 version = %d, want %d unchanged", got, v2)
		}
		if got := h.perms(acct2, "c1"); len(got) != 1 {
			h.t.Errorf("another account's permissions = %v", got)
		}
		wantNoError(h.t, "GroupDelete", h.s.GroupDelete(h.ctx, acct1, ns, "eng", eng))
		want = []actiongate.Permission{{Principal: bob, Actions: viewerActions}}
		if diff := cmp.Diff(want, h.perms(acct1, "c1")); diff != "" {
			h.t.Errorf("c1 permissions after deleting eng (-want +got):\n%s", diff)
		}
	})
}
