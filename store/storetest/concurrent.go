package storetest

import (
	"fmt"
	"testing"

	"github.com/actiongate/actiongate"
)

// connectorCreateConcurrent creates connectors from many goroutines at once,
// as a server's concurrent requests do, which a driver may commit together:
// each create must succeed or fail on its own. Of the creates racing for one
// id exactly one wins and the others are KindExists; a create that fails for
// another reason (a tag key given twice) fails alone; every winner is stored
// with its permissions and tags.
func (su suite) connectorCreateConcurrent(t *testing.T) {
	su.run(t, "EachOnItsOwn", func(h *h) {
		const n = 96
		perms := []actiongate.Permission{{Principal: "arn:aws:quicksight:us-east-1:111111111111:user/default/alice",
			Actions: []string{"quicksight:DescribeActionConnector"}}}
		// Request i creates id c(i/3): three race for each id. Every 8th
		// request gives a tag key twice.
		badTags := func(i int) bool { return i%8 == 5 }
		errs := race(n, func(i int) error {
			c := newConnector(acct1, fmt.Sprintf("c%03d", i/3))
			c.Name = fmt.Sprintf("Racer %d", i)
			tags := []actiongate.Tag{{Key: "racer", Value: fmt.Sprint(i)}}
			if badTags(i) {
				tags = append(tags, actiongate.Tag{Key: "racer", Value: "again"})
			}
			return h.s.ConnectorCreate(h.ctx, c, sealed(c, 0), perms, tags)
		})
		for id := range n / 3 {
			winner := -1
			for i := 3 * id; i < 3*id+3; i++ {
				switch err := errs[i]; {
				case err == nil:
					if badTags(i) {
						h.t.Errorf("create %d gave a tag key twice and succeeded", i)
					}
					if winner >= 0 {
						h.t.Errorf("creates %d and %d of c%03d both succeeded", winner, i, id)
					}
					winner = i
				case badTags(i):
					// Fails whether or not the id was taken.
				default:
					wantKind(h.t, fmt.Sprintf("create %d of c%03d", i, id), err, actiongate.KindExists)
				}
			}
			if winner < 0 {
				// Only when every racer that could win gave bad tags.
				for i := 3 * id; i < 3*id+3; i++ {
					if !badTags(i) {
						h.t.Errorf("no create of c%03d succeeded", id)
						break
					}
				}
				continue
			}
			got := h.get(acct1, fmt.Sprintf("c%03d", id))
			if want := fmt.Sprintf("Racer %d", winner); got.Name != want || got.Version != 1 {
				h.t.Errorf("c%03d: name %q version %d, want %q version 1", id, got.Name, got.Version, want)
			}
			if tags := h.tags(acct1, got.ID); len(tags) != 1 || tags[0].Value != fmt.Sprint(winner) {
				h.t.Errorf("c%03d: tags %v, want those of create %d", id, tags, winner)
			}
			if p := h.perms(acct1, got.ID); len(p) != 1 {
				h.t.Errorf("c%03d: permissions %v", id, p)
			}
		}
	})
}
