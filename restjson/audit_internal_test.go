package restjson

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestOperationNamesMatchRoutes checks that every pattern operationNames names
// is a route the Handler registers, so that a renamed route does not lose its
// audit name silently.
func TestOperationNamesMatchRoutes(t *testing.T) {
	t.Parallel()
	h := &Handler{mux: http.NewServeMux()}
	h.routes()
	for pattern, name := range operationNames {
		if pattern == "/" {
			continue
		}
		method, path, _ := strings.Cut(pattern, " ")
		for _, v := range []string{"{AwsAccountId}", "{ActionConnectorId}", "{ResourceArn}", "{Namespace}",
			"{UserName}", "{GroupName}", "{MemberName}"} {
			path = strings.ReplaceAll(path, v, "x")
		}
		if _, got := h.mux.Handler(httptest.NewRequest(method, path, nil)); got != pattern {
			t.Errorf("%s is named for %q, but %s %s reaches %q", name, pattern, method, path, got)
		}
	}
}
