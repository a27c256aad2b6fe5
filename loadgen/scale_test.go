package loadgen

import (
	"strings"
	"testing"
	"time"

	"github.com/actiongate/actiongate/store/sqlite"
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

// TestScaleRerun runs the scale test twice on one database: the same sizes
// again store nothing and measure, a smaller size fails, saying why, since its
// figures would be those of the larger database.
func TestScaleRerun(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	cfg := s.config()
	cfg.Duration, cfg.Warmup = 20*time.Millisecond, 0
	run := func(sizes ...int) (*ScaleReport, error) {
		return RunScale(t.Context(), ScaleConfig{Config: cfg, Sizes: sizes, Store: s.store.(*sqlite.DB)})
	}
	if _, err := run(20, 50); err != nil {
		t.Fatal(err)
	}
	rep, err := run(50)
	if err != nil {
		t.Fatalf("the same largest size again: %v", err)
	}
	if len(rep.Steps) != 1 || rep.Steps[0].Seeded != 0 || len(rep.Steps[0].Operations) != 4 {
		t.Errorf("the same size again: %+v, want one step, nothing seeded, four operations", rep.Steps)
	}
	if _, err := run(20); err == nil || !strings.Contains(err.Error(), "earlier run") {
		t.Errorf("a smaller size on a larger database: %v, want an error naming the earlier run", err)
	}
}
