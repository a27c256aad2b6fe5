package loadgen

import (
	"strings"
	"testing"
	"time"
)

// TestScaleLayout checks what the scale test stores: a tenth of the
// connectors in the measured account, the rest over 99 others, ids and names
// unique, and words that no other word contains, so that StringLike *word*
// matches the names of one word only.
func TestScaleLayout(t *testing.T) {
	t.Parallel()
	l := scaleLayout{account: "111122223333"}
	const n = 20000
	accounts := map[string]int{}
	ids, names := map[string]bool{}, map[string]bool{}
	for _, c := range l.connectors(0, n, time.Now()) {
		accounts[c.AccountID]++
		if ids[c.AccountID+"/"+c.ID] || names[c.Name] {
			t.Fatalf("%s/%s named %q is not unique", c.AccountID, c.ID, c.Name)
		}
		ids[c.AccountID+"/"+c.ID], names[c.Name] = true, true
	}
	if len(accounts) != scaleAccounts || accounts[l.account] != n/10 || l.inAccount(n) != n/10 {
		t.Errorf("%d accounts, %d connectors in the measured one (inAccount says %d), want %d and %d",
			len(accounts), accounts[l.account], l.inAccount(n), scaleAccounts, n/10)
	}
	if got := l.connectors(37, 3, time.Now()); got[0].ID != scaleID(37) || got[2].ID != scaleID(39) {
		t.Errorf("connectors(37, 3) holds %s to %s", got[0].ID, got[2].ID)
	}
	for a := range scaleWords {
		for b := range scaleWords {
			if a != b && strings.Contains(scaleName(b), scaleWord(a)) {
				t.Fatalf("the name %q holds word %d, %q", scaleName(b), a, scaleWord(a))
			}
		}
	}
}
