package runtime

import (
	"testing"

	"github.com/actiongate/actiongate/catalog"
)

// TestFlowsCoverCatalog checks that every flow the catalog names is one the
// runtime performs, and that every flow is used.
func TestFlowsCoverCatalog(t *testing.T) {
	t.Parallel()
	used := make(map[string]bool)
	for _, ct := range catalog.Types() {
		for _, a := range ct.Actions {
			if a.Flow == "" {
				continue
			}
			used[a.Flow] = true
			if _, ok := flows[a.Flow]; !ok {
				t.Errorf("%s %s: no flow %s", ct.Type, a.ID, a.Flow)
			}
		}
	}
	for name := range flows {
		if !used[name] {
			t.Errorf("flow %s is not used by any action", name)
		}
	}
}
