package actiongate

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDomainImportsOnlyStandardLibrary keeps technology at the edges: the
// domain package may depend on the standard library alone, and not on its
// network, SQL or process packages.
func TestDomainImportsOnlyStandardLibrary(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg != "github.com/actiongate/actiongate" {
			t.Errorf("the domain package depends on %s", pkg)
		}
	}
	out, err = exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, banned := range []string{"net/http", "database/sql", "os/exec", "net"} {
			if pkg == banned {
				t.Errorf("the domain package imports %s", pkg)
			}
		}
	}
}
