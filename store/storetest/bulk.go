package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/actiongate/actiongate"
	"github.com/google/go-cmp/cmp"
)

// bulkCreator is the bulk load that drivers offer besides the Store contract,
// for the scale test of actiongate bench.
type bulkCreator interface {
	// ConnectorCreateMany stores connectors without secrets, permissions or
	// tags, at Version 1, skipping (and not counting) those whose id is
	// taken in their account, all or nothing; it returns how many it stored.
	ConnectorCreateMany(ctx context.Context, cs []*actiongate.Connector) (int, error)
}

func (su suite) connectorCreateMany(t *testing.T) {
	su.run(t, "StoresAndSkipsTaken", func(h *h) {
		b, ok := h.s.(bulkCreator)
		if !ok {
			h.t.Skip("the driver has no ConnectorCreateMany")
		}
		taken := newConnector(acct2, "b0001")
		taken.Name = "Created before"
		h.createSealed(taken)
		var cs []*actiongate.Connector
		for i := range 250 {
			c := newConnector([]string{acct1, acct2}[i%2], fmt.Sprintf("b%04d", i))
			c.Name = fmt.Sprintf("Bulk %04d", i)
			c.Auth = authFixtures[len(authFixtures)-1].auth() // NONE: no secrets
			c.Version = 7                                     // stored as 1
			cs = append(cs, c)
		}
		cs = append(cs, cs[3]) // given twice: stored once
		n, err := b.ConnectorCreateMany(h.ctx, cs)
		wantNoError(h.t, "ConnectorCreateMany", err)
		if n != 249 {
			h.t.Errorf("ConnectorCreateMany stored %d connectors, want 249 (250 less the taken one)", n)
		}
		if got := h.get(acct2, "b0001"); got.Name != "Created before" {
			h.t.Errorf("the connector created before was changed: %+v", got)
		}
		for _, i := range []int{0, 2, 3, 248} {
			want := *cs[i]
			want.Version = 1
			if diff := cmp.Diff(&want, h.get(want.AccountID, want.ID), cmpConnector); diff != "" {
				h.t.Errorf("connector %d read back (-want +got):\n%s", i, diff)
			}
		}
		if got := len(h.listAll(actiongate.ConnectorListParams{AccountID: acct2}, 100)); got != 125 {
			h.t.Errorf("account 2 lists %d connectors, want 125", got)
		}
		// The name indexes know the new connectors.
		got := ids(h.list(actiongate.ConnectorListParams{AccountID: acct1, Limit: 100,
			Filter: actiongate.ConnectorFilter{NameLike: "*BULK 01*"}}))
		if want := []string{"b0100", "b0102", "b0104", "b0106", "b0108", "b0110", "b0112", "b0114", "b0116", "b0118",
			"b0120", "b0122", "b0124", "b0126", "b0128", "b0130", "b0132", "b0134", "b0136", "b0138", "b0140", "b0142",
			"b0144", "b0146", "b0148", "b0150", "b0152", "b0154", "b0156", "b0158", "b0160", "b0162", "b0164", "b0166",
			"b0168", "b0170", "b0172", "b0174", "b0176", "b0178", "b0180", "b0182", "b0184", "b0186", "b0188", "b0190",
			"b0192", "b0194", "b0196", "b0198"}; !cmp.Equal(want, got) {
			h.t.Errorf("NameLike *BULK 01* found %v, want %v", got, want)
		}
		got = ids(h.list(actiongate.ConnectorListParams{AccountID: acct2, Limit: 100,
			Filter: actiongate.ConnectorFilter{Name: "Bulk 0201"}}))
		if !cmp.Equal([]string{"b0201"}, got) {
			h.t.Errorf("Name Bulk 0201 found %v", got)
		}
		n, err = b.ConnectorCreateMany(h.ctx, nil)
		if n != 0 || err != nil {
			h.t.Errorf("ConnectorCreateMany(nil) = %d, %v; want 0, nil", n, err)
		}
	})
}
