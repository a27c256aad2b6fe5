package runtime

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/actiongate/actiongate/catalog"
)

// TestAWSOperationsCoverCatalog checks that every AWS action of the catalog
// has an operation, and that every member of its input schema is a field
// of the SDK input struct it is decoded into (or one the operation's own
// decoder takes: Body and Encoding), so that no documented member fails at
// run time.
func TestAWSOperationsCoverCatalog(t *testing.T) {
	t.Parallel()
	own := []string{"Body", "Encoding"}
	for _, ct := range catalog.Types() {
		for _, a := range ct.Actions {
			if a.AWS == nil {
				continue
			}
			op, ok := awsOperations[*a.AWS]
			if !ok {
				t.Errorf("%s %s: no AWS operation %+v", ct.Type, a.ID, *a.AWS)
				continue
			}
			in := op.input()
			if in == nil {
				continue
			}
			var s struct {
				Properties map[string]json.RawMessage `json:"properties"`
			}
			if err := json.Unmarshal(a.InputSchema, &s); err != nil {
				t.Fatal(err)
			}
			for name := range s.Properties {
				if _, ok := in.FieldByName(name); !ok && !slices.Contains(own, name) {
					t.Errorf("%s %s: input member %s is not a field of %s", ct.Type, a.ID, name, in)
				}
			}
		}
	}
}
