package storetest

import (
	"fmt"
	"testing"

	"github.com/actiongate/actiongate"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// pageSizes are the limits the pagination tests page with.
var pageSizes = []int{1, 2, 7, 50, 100, 249, 250, 251, 1000}

func (su suite) connectorList(t *testing.T) {
	su.run(t, "Pagination", func(h *h) {
		// 250 connectors whose ids mix case, digits, '-' and '_', created
		// out of order, next to connectors of another account whose ids
		// interleave with them.
		prefixes := []string{"A", "a", "_", "-", "Z", "z", "0"}
		var want []string
		for i := range 250 {
			id := fmt.Sprintf("%s%03d", prefixes[i%len(prefixes)], i*7%250)
			want = append(want, id)
			c := newConnector(acct1, id)
			c.Auth = authFixtures[7].auth() // no secrets: quicker
			h.create(c, nil, nil, nil)
			if i%5 == 0 {
				o := newConnector(acct2, id+"x")
				o.Auth = c.Auth
				h.create(o, nil, nil, nil)
			}
		}
		want = sortedIDs(want)
		for _, size := range pageSizes {
			got := h.listAll(actiongate.ConnectorListParams{AccountID: acct1}, size)
			if diff := cmp.Diff(want, got); diff != "" {
				h.t.Errorf("pages of %d (-want +got):\n%s", size, diff)
			}
		}
		// After need not be an id that exists.
		got := h.list(actiongate.ConnectorListParams{AccountID: acct1, After: "a", Limit: 3})
		var after []string
		for _, id := range want {
			if id > "a" {
				after = append(after, id)
			}
		}
		if diff := cmp.Diff(after[:3], ids(got)); diff != "" {
			h.t.Errorf("ConnectorList after \"a\" (-want +got):\n%s", diff)
		}
		if got := h.list(actiongate.ConnectorListParams{AccountID: acct1, After: want[len(want)-1], Limit: 10}); len(got) != 0 {
			h.t.Errorf("ConnectorList after the last id = %v, want none", ids(got))
		}
	})
	su.run(t, "ByteOrder", func(h *h) {
		// "ordered by id" is the byte order of the ids, as Go compares
		// strings, not a locale's collation.
		in := []string{"b", "B", "a", "A", "_", "-", "0", "a-b", "a_b", "aB", "ab", "Ab"}
		for _, id := range in {
			h.create(newConnector(acct1, id), nil, nil, nil)
		}
		want := []string{"-", "0", "A", "Ab", "B", "_", "a", "a-b", "aB", "a_b", "ab", "b"}
		if diff := cmp.Diff(want, sortedIDs(in)); diff != "" {
			h.t.Fatalf("fixture: (-want +sorted):\n%s", diff)
		}
		if diff := cmp.Diff(want, ids(h.list(actiongate.ConnectorListParams{AccountID: acct1, Limit: 100}))); diff != "" {
			h.t.Errorf("(-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want, h.listAll(actiongate.ConnectorListParams{AccountID: acct1}, 1)); diff != "" {
			h.t.Errorf("pages of 1 (-want +got):\n%s", diff)
		}
	})
	su.run(t, "Empty", func(h *h) {
		if cs := h.list(actiongate.ConnectorListParams{AccountID: acct1, Limit: 10}); len(cs) != 0 {
			h.t.Errorf("ConnectorList of an empty store = %v", ids(cs))
		}
		h.createSealed(newConnector(acct2, "c"))
		if cs := h.list(actiongate.ConnectorListParams{AccountID: acct1, Limit: 10}); len(cs) != 0 {
			h.t.Errorf("ConnectorList of an account without connectors = %v", ids(cs))
		}
	})
	su.run(t, "AccountIsolation", func(h *h) {
		for _, id := range []string{"a", "b", "c"} {
			h.createSealed(newConnector(acct1, id))
		}
		for _, id := range []string{"a", "bb", "d"} {
			h.createSealed(newConnector(acct2, id))
		}
		for account, want := range map[string][]string{acct1: {"a", "b", "c"}, acct2: {"a", "bb", "d"}, "333333333333": nil} {
			got := h.listAll(actiongate.ConnectorListParams{AccountID: account}, 2)
			if diff := cmp.Diff(want, got); diff != "" {
				h.t.Errorf("account %s (-want +got):\n%s", account, diff)
			}
			for _, c := range h.list(actiongate.ConnectorListParams{AccountID: account, Limit: 10}) {
				if c.AccountID != account {
					h.t.Errorf("ConnectorList of %s returned %s of account %s", account, c.ID, c.AccountID)
				}
			}
		}
	})
	su.run(t, "FullConnectors", func(h *h) {
		// A listed connector is what ConnectorGet returns.
		for i, f := range authFixtures {
			c := newConnector(acct1, fmt.Sprintf("c%d", i))
			c.Auth = f.auth()
			if i%2 == 0 {
				c.EnabledActions = nil
				c.Error = &actiongate.ConnectorError{Type: "INTERNAL_FAILURE", Message: "m"}
			}
			h.createSealed(c)
		}
		// A version other than 1.
		wantNoError(h.t, "TagReplace", h.s.TagReplace(h.ctx, acct1, "c1", 1, nil))
		for _, c := range h.list(actiongate.ConnectorListParams{AccountID: acct1, Limit: 100}) {
			if diff := cmp.Diff(h.get(acct1, c.ID), c, cmpConnector); diff != "" {
				h.t.Errorf("listed %s differs from ConnectorGet (-get +list):\n%s", c.ID, diff)
			}
		}
	})
	t.Run("Filter", su.connectorListFilter)
}

// listCase is a filter and the ids of account 1 it selects.
type listCase struct {
	name   string
	filter actiongate.ConnectorFilter
	want   []string
}

// checkFilters lists each case's filter in one page and in pages of 1 and 2,
// and compares the ids with its want.
func (h *h) checkFilters(cases []listCase) {
	h.t.Helper()
	for _, tc := range cases {
		want := sortedIDs(tc.want)
		got := ids(h.list(actiongate.ConnectorListParams{AccountID: acct1, Limit: 1000, Filter: tc.filter}))
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			h.t.Errorf("%s: filter %+v (-want +got):\n%s", tc.name, tc.filter, diff)
			continue
		}
		for _, size := range []int{1, 2} {
			got := h.listAll(actiongate.ConnectorListParams{AccountID: acct1, Filter: tc.filter}, size)
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				h.t.Errorf("%s: filter %+v in pages of %d (-want +got):\n%s", tc.name, tc.filter, size, diff)
			}
		}
	}
}

// createNamed creates a connector of account 1 for each id and name, and in
// account 2 one of each name with the same id.
func (h *h) createNamed(names map[string]string) {
	h.t.Helper()
	for id, name := range names {
		for _, account := range []string{acct1, acct2} {
			c := newConnector(account, id)
			c.Name = name
			h.create(c, nil, nil, nil)
		}
	}
}

func (su suite) connectorListFilter(t *testing.T) {
	su.run(t, "Name", func(h *h) {
		h.createNamed(map[string]string{
			"n1": "Gamma", "n2": "gamma", "n3": "Gamma Ray", "n4": "Sales_2024", "n5": "Sales-2024",
			"n6": "100% Sales", "n7": "1000 Sales", "n8": "Gamma",
		})
		h.checkFilters([]listCase{
			{"exact", actiongate.ConnectorFilter{Name: "Gamma"}, []string{"n1", "n8"}},
			{"case-sensitive", actiongate.ConnectorFilter{Name: "gamma"}, []string{"n2"}},
			{"whole name only", actiongate.ConnectorFilter{Name: "Gam"}, nil},
			{"no wildcard '_'", actiongate.ConnectorFilter{Name: "Sales_2024"}, []string{"n4"}},
			{"no wildcard '%'", actiongate.ConnectorFilter{Name: "100% Sales"}, []string{"n6"}},
			{"no wildcard '*'", actiongate.ConnectorFilter{Name: "Gamma*"}, nil},
			{"no match", actiongate.ConnectorFilter{Name: "Delta"}, nil},
		})
	})
	su.run(t, "NameLike", func(h *h) {
		h.createNamed(map[string]string{
			"l01": "Alpha Sales", "l02": "alpha-sales", "l03": "Beta Sales", "l04": "Sales Alpha",
			"l05": "100% Sales", "l06": "Sales_2024", "l07": "Sales-2024", "l08": "SALESFORCE",
			"l09": "Gamma", "l10": `back\slash`, "l11": "SalesX2024", "l12": "Gamma Gamma",
			"l13": "1000 Sales",
		})
		all := []string{"l01", "l02", "l03", "l04", "l05", "l06", "l07", "l08", "l09", "l10", "l11", "l12", "l13"}
		h.checkFilters([]listCase{
			{"trailing *", actiongate.ConnectorFilter{NameLike: "alpha*"}, []string{"l01", "l02"}},
			{"leading *", actiongate.ConnectorFilter{NameLike: "*sales"}, []string{"l01", "l02", "l03", "l05", "l13"}},
			{"middle *", actiongate.ConnectorFilter{NameLike: "sales*2024"}, []string{"l06", "l07", "l11"}},
			{"both ends", actiongate.ConnectorFilter{NameLike: "*ALPHA*"}, []string{"l01", "l02", "l04"}},
			{"several *", actiongate.ConnectorFilter{NameLike: "*a*a*a*"}, []string{"l01", "l02", "l04", "l12"}},
			{"* alone", actiongate.ConnectorFilter{NameLike: "*"}, all},
			{"** alone", actiongate.ConnectorFilter{NameLike: "**"}, all},
			{"no * is the whole name", actiongate.ConnectorFilter{NameLike: "gamma"}, []string{"l09"}},
			{"no * does not match a part", actiongate.ConnectorFilter{NameLike: "gam"}, nil},
			{"literal _", actiongate.ConnectorFilter{NameLike: "sales_2024"}, []string{"l06"}},
			{"literal _ among *", actiongate.ConnectorFilter{NameLike: "*_*"}, []string{"l06"}},
			{"literal %", actiongate.ConnectorFilter{NameLike: "100%*"}, []string{"l05"}},
			{"literal % among *", actiongate.ConnectorFilter{NameLike: "*%*"}, []string{"l05"}},
			{"literal %, no *", actiongate.ConnectorFilter{NameLike: "%"}, nil},
			{`literal \`, actiongate.ConnectorFilter{NameLike: `*K\S*`}, []string{"l10"}},
			{"case-insensitive", actiongate.ConnectorFilter{NameLike: "sAlEsFoRcE"}, []string{"l08"}},
		})
	})
	// Drivers may serve NameLike from an index of the names' trigrams: these
	// cases hold the characters of index query syntax, runs shorter than a
	// trigram next to longer ones, long patterns, and names changed or
	// deleted after they were indexed.
	su.run(t, "NameLikeIndexed", func(h *h) {
		h.createNamed(map[string]string{
			"x01": `Say "hello" world`, "x02": "NEAR(a b) OR c", "x03": "-minus ^caret col:on",
			"x04": "Straße Ünïcode", "x05": "ab cd ef", "x06": "The quick brown fox jumps over the lazy dog",
			"x07": "Renamed later", "x08": "Deleted later", "x09": "xyzxyz",
		})
		c := h.get(acct1, "x07")
		c.Name = "Now called quux"
		if err := h.s.ConnectorUpdate(h.ctx, c, nil); err != nil {
			h.t.Fatalf("ConnectorUpdate: %v", err)
		}
		if err := h.s.ConnectorDelete(h.ctx, acct1, "x08"); err != nil {
			h.t.Fatalf("ConnectorDelete: %v", err)
		}
		c = newConnector(acct1, "x10")
		c.Name = "Deleted later, again"
		h.create(c, nil, nil, nil)
		h.checkFilters([]listCase{
			{"double quotes", actiongate.ConnectorFilter{NameLike: `*"hello"*`}, []string{"x01"}},
			{"a quote alone", actiongate.ConnectorFilter{NameLike: `*o" w*`}, []string{"x01"}},
			{"query syntax", actiongate.ConnectorFilter{NameLike: "*NEAR(a b) or*"}, []string{"x02"}},
			{"operators", actiongate.ConnectorFilter{NameLike: "-MINUS ^caret*:on"}, []string{"x03"}},
			{"non-ASCII", actiongate.ConnectorFilter{NameLike: "*straße*"}, []string{"x04"}},
			{"non-ASCII case is kept", actiongate.ConnectorFilter{NameLike: "*üNÏ*"}, nil},
			{"short runs only", actiongate.ConnectorFilter{NameLike: "ab*cd*ef"}, []string{"x05"}},
			{"a short run and a long one", actiongate.ConnectorFilter{NameLike: "*qu*LAZY dog"}, []string{"x06"}},
			{"a long pattern", actiongate.ConnectorFilter{NameLike: "*quick brown fox jumps over the lazy*"}, []string{"x06"}},
			{"trigrams in another order", actiongate.ConnectorFilter{NameLike: "*brown quick*"}, nil},
			{"repeated trigrams", actiongate.ConnectorFilter{NameLike: "*yzxyz*"}, []string{"x09"}},
			{"a name changed", actiongate.ConnectorFilter{NameLike: "*called QUUX"}, []string{"x07"}},
			{"the name it had", actiongate.ConnectorFilter{NameLike: "*renamed*"}, nil},
			{"a name deleted and another created", actiongate.ConnectorFilter{NameLike: "deleted later*"}, []string{"x10"}},
		})
	})
	su.run(t, "Type", func(h *h) {
		types := map[string]actiongate.ConnectorType{
			"t1": actiongate.TypeJiraCloud, "t2": actiongate.TypeAmazonS3, "t3": actiongate.TypeJiraCloud,
			"t4": actiongate.TypeSlack, "t5": actiongate.TypeGenericHTTP,
		}
		for id, typ := range types {
			for _, account := range []string{acct1, acct2} {
				c := newConnector(account, id)
				c.Type = typ
				h.create(c, nil, nil, nil)
			}
		}
		o := newConnector(acct2, "t9")
		o.Type = actiongate.TypeJiraCloud
		h.create(o, nil, nil, nil)
		h.checkFilters([]listCase{
			{"JIRA_CLOUD", actiongate.ConnectorFilter{Type: actiongate.TypeJiraCloud}, []string{"t1", "t3"}},
			{"AMAZON_S3", actiongate.ConnectorFilter{Type: actiongate.TypeAmazonS3}, []string{"t2"}},
			{"none of the type", actiongate.ConnectorFilter{Type: actiongate.TypeAsana}, nil},
		})
	})
	su.run(t, "Principal", func(h *h) {
		alice, bob, carol, dave := principal(acct1, "alice"), principal(acct1, "bob"), principal(acct1, "carol"), principal(acct1, "dave")
		perms := map[string][]actiongate.Permission{
			"p1": {{Principal: alice, Actions: ownerActions}},
			"p2": {{Principal: alice, Actions: ownerActions[:1]}, {Principal: bob, Actions: ownerActions}},
			"p3": {{Principal: alice, Actions: ownerActions}, {Principal: bob, Actions: viewerActions}},
			"p4": {{Principal: bob, Actions: ownerActions}},
			"p5": {{Principal: alice, Actions: viewerActions}},
			"p6": nil,
			"p7": {{Principal: alice, Actions: ownerActions[1:2]}, {Principal: carol, Actions: ownerActions}},
		}
		for id, p := range perms {
			h.create(newConnector(acct1, id), nil, p, nil)
		}
		// Account 2 holds the same ids with other grants, which must not
		// leak into account 1's results: alice owns p4 and p6 there, and
		// bob co-owns p1.
		for id, p := range map[string][]actiongate.Permission{
			"p1": {{Principal: alice, Actions: ownerActions}, {Principal: bob, Actions: ownerActions}},
			"p4": {{Principal: alice, Actions: ownerActions}},
			"p6": {{Principal: alice, Actions: ownerActions}},
		} {
			h.create(newConnector(acct2, id), nil, p, nil)
		}
		owner := func(sole bool, who ...string) actiongate.ConnectorFilter {
			return actiongate.ConnectorFilter{Principal: &actiongate.PrincipalFilter{Principals: who, Actions: ownerActions, Sole: sole}}
		}
		viewerOrOwner := func(sole bool, who ...string) actiongate.ConnectorFilter {
			return actiongate.ConnectorFilter{Principal: &actiongate.PrincipalFilter{
				Principals: who, Actions: append(append([]string{}, ownerActions...), viewerActions...), Sole: sole}}
		}
		h.checkFilters([]listCase{
			{"owner", owner(false, alice), []string{"p1", "p2", "p3", "p7"}},
			{"sole owner", owner(true, alice), []string{"p1", "p3"}},
			{"viewer or owner", viewerOrOwner(false, alice), []string{"p1", "p2", "p3", "p5", "p7"}},
			{"sole viewer or owner", viewerOrOwner(true, alice), []string{"p1", "p5"}},
			{"owner, two principals", owner(false, alice, carol), []string{"p1", "p2", "p3", "p7"}},
			{"sole owner, two principals", owner(true, alice, carol), []string{"p1", "p3", "p7"}},
			{"viewer", actiongate.ConnectorFilter{Principal: &actiongate.PrincipalFilter{Principals: []string{bob}, Actions: viewerActions}},
				[]string{"p3"}},
			{"one action", actiongate.ConnectorFilter{Principal: &actiongate.PrincipalFilter{Principals: []string{alice}, Actions: ownerActions[1:2]}},
				[]string{"p1", "p3", "p7"}},
			{"no grants", owner(false, dave), nil},
			{"no grants, sole", owner(true, dave), nil},
			{"principal of another account", owner(false, principal(acct2, "alice")), nil},
		})
	})
	su.run(t, "Combined", func(h *h) {
		alice, bob := principal(acct1, "alice"), principal(acct1, "bob")
		for _, f := range []struct {
			id, name string
			typ      actiongate.ConnectorType
			perms    []actiongate.Permission
		}{
			{"c1", "Jira Prod", actiongate.TypeJiraCloud, []actiongate.Permission{{Principal: alice, Actions: ownerActions}}},
			{"c2", "Jira Test", actiongate.TypeJiraCloud, []actiongate.Permission{{Principal: alice, Actions: ownerActions}, {Principal: bob, Actions: ownerActions}}},
			{"c3", "Jira Prod", actiongate.TypeSlack, []actiongate.Permission{{Principal: alice, Actions: ownerActions}}},
			{"c4", "jira prod", actiongate.TypeJiraCloud, []actiongate.Permission{{Principal: bob, Actions: ownerActions}}},
			{"c5", "Jira Prod", actiongate.TypeJiraCloud, nil},
			{"c6", "JIRA prod 2", actiongate.TypeJiraCloud, []actiongate.Permission{{Principal: alice, Actions: ownerActions}}},
		} {
			c := newConnector(acct1, f.id)
			c.Name, c.Type = f.name, f.typ
			h.create(c, nil, f.perms, nil)
		}
		pf := func(sole bool) *actiongate.PrincipalFilter {
			return &actiongate.PrincipalFilter{Principals: []string{alice}, Actions: ownerActions, Sole: sole}
		}
		h.checkFilters([]listCase{
			{"type and name", actiongate.ConnectorFilter{Type: actiongate.TypeJiraCloud, Name: "Jira Prod"}, []string{"c1", "c5"}},
			{"type and name like", actiongate.ConnectorFilter{Type: actiongate.TypeJiraCloud, NameLike: "jira prod*"}, []string{"c1", "c4", "c5", "c6"}},
			{"name and name like", actiongate.ConnectorFilter{Name: "Jira Prod", NameLike: "*PROD"}, []string{"c1", "c3", "c5"}},
			{"type and principal", actiongate.ConnectorFilter{Type: actiongate.TypeJiraCloud, Principal: pf(false)}, []string{"c1", "c2", "c6"}},
			{"all, sole", actiongate.ConnectorFilter{Type: actiongate.TypeJiraCloud, NameLike: "*prod*", Principal: pf(true)}, []string{"c1", "c6"}},
			{"all, sole, exact name", actiongate.ConnectorFilter{Type: actiongate.TypeJiraCloud, Name: "Jira Prod", NameLike: "jira*", Principal: pf(true)}, []string{"c1"}},
		})
	})
}
