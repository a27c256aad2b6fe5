package policy

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const connectorARN = "arn:aws:quicksight:us-east-1:111122223333:action-connector/"

func mustParse(t testing.TB, doc string) *Policy {
	t.Helper()
	p, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse(%s): %v", doc, err)
	}
	return p
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want Policy
	}{
		{
			name: "single statement object",
			doc: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
				"Action": "quicksight:DescribeActionConnector", "Resource": "*"}}`,
			want: Policy{allow: []statement{{
				actions: []string{"quicksight:DescribeActionConnector"}, resources: []string{"*"},
			}}},
		},
		{
			name: "array of statements split by effect in document order",
			doc: `{"Version": "2012-10-17", "Statement": [
				{"Sid": "A1", "Effect": "Allow", "Action": "quicksight:List*", "Resource": "*"},
				{"Sid": "D1", "Effect": "Deny", "Action": "quicksight:Delete*", "Resource": "*"},
				{"Sid": "A2", "Effect": "Allow", "Action": "quicksight:Describe*", "Resource": "*"}
			]}`,
			want: Policy{
				allow: []statement{
					{actions: []string{"quicksight:List*"}, resources: []string{"*"}},
					{actions: []string{"quicksight:Describe*"}, resources: []string{"*"}},
				},
				deny: []statement{{actions: []string{"quicksight:Delete*"}, resources: []string{"*"}}},
			},
		},
		{
			name: "arrays of actions and resources",
			doc: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
				"Action": ["quicksight:DescribeActionConnector", "quicksight:UpdateActionConnector"],
				"Resource": ["` + connectorARN + `jira-*", "` + connectorARN + `slack-?"]}]}`,
			want: Policy{allow: []statement{{
				actions:   []string{"quicksight:DescribeActionConnector", "quicksight:UpdateActionConnector"},
				resources: []string{connectorARN + "jira-*", connectorARN + "slack-?"},
			}}},
		},
		{
			name: "NotAction and NotResource",
			doc: `{"Version": "2012-10-17", "Statement": [
				{"Effect": "Deny", "NotAction": ["quicksight:Describe*", "quicksight:List*"], "Resource": "*"},
				{"Effect": "Allow", "Action": "*", "NotResource": "` + connectorARN + `prod-*"}
			]}`,
			want: Policy{
				deny: []statement{{
					actions: []string{"quicksight:Describe*", "quicksight:List*"}, notAction: true, resources: []string{"*"},
				}},
				allow: []statement{{
					actions: []string{"*"}, resources: []string{connectorARN + "prod-*"}, notResource: true,
				}},
			},
		},
		{
			name: "Version 2008 keeps ${ literal, Id is ignored, members in any order",
			doc: `{"Statement": [{"Resource": "` + connectorARN + `${x}", "Action": "quicksight:*", "Effect": "Allow"}],
				"Id": "doc-1", "Version": "2008-10-17"}`,
			want: Policy{allow: []statement{{actions: []string{"quicksight:*"}, resources: []string{connectorARN + "${x}"}}}},
		},
		{
			name: "escaped member names, empty Sids, surrounding white space",
			doc: " \r\n\t{\"Version\": \"2012-10-17\", \"Statement\": [" +
				`{"Sid": "", "Eff\u0065ct": "Allow", "Action": "QuickSight:Describe*", "Resource": "*"},` +
				`{"Sid": "", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/x"}` +
				"]}\n\n",
			want: Policy{allow: []statement{
				{actions: []string{"QuickSight:Describe*"}, resources: []string{"*"}},
				{actions: []string{"iam:PassRole"}, resources: []string{"arn:aws:iam::111122223333:role/x"}},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse([]byte(tt.doc))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(&tt.want, got, cmp.AllowUnexported(Policy{}, statement{})); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	// stmt wraps statement members in a valid document.
	stmt := func(members string) string {
		return `{"Version": "2012-10-17", "Statement": [{` + members + `}]}`
	}
	const ok = `"Effect": "Allow", "Action": "quicksight:*", "Resource": "*"`
	okStmt := `{` + ok + `}`
	many := `{"Version": "2012-10-17", "Statement": [` + strings.Repeat(okStmt+",", MaxStatements) + okStmt + `]}`
	big := `{"Version": "2012-10-17", "Id": "` + strings.Repeat("x", MaxSize) + `", "Statement": ` + okStmt + `}`

	tests := []struct {
		name   string
		doc    string
		stmt   int    // want Error.Statement
		member string // want Error.Member
		reason string // a substring of the want Error.Reason
	}{
		{"empty", ``, -1, "", "the document is empty"},
		{"only white space", " \n", -1, "", "the document is empty"},
		{"truncated", `{"Version": "2012-10-17", "Statement": [`, -1, "", "not valid JSON: unexpected end"},
		{"syntax error", `{"Version" "2012-10-17"}`, -1, "", "not valid JSON: invalid character"},
		{"single quotes", `{'Version': '2012-10-17'}`, -1, "", "not valid JSON"},
		{"trailing object", `{"Version": "2012-10-17", "Statement": ` + okStmt + `} {}`, -1, "", "unexpected data after the policy object"},
		{"trailing garbage", `{"Version": "2012-10-17", "Statement": ` + okStmt + `}x`, -1, "", "unexpected data after the policy object"},
		{"invalid UTF-8", "{\"Version\": \"2012-10-17\", \"Id\": \"\xff\"}", -1, "", "not valid UTF-8"},
		{"too large", big, -1, "", "the limit is 10240"},
		{"array document", `[` + okStmt + `]`, -1, "", "must be a JSON object, not an array"},
		{"string document", `"policy"`, -1, "", "must be a JSON object, not a string"},
		{"duplicate Version", `{"Version": "2012-10-17", "Version": "2008-10-17", "Statement": ` + okStmt + `}`, -1, "Version", "duplicate member"},
		{"duplicate Statement", `{"Version": "2012-10-17", "Statement": ` + okStmt + `, "Statement": ` + okStmt + `}`, -1, "Statement", "duplicate member"},
		{"unknown member", `{"Version": "2012-10-17", "Statement": ` + okStmt + `, "Extra": 1}`, -1, "Extra", "unknown member"},
		{"member names are case-sensitive", `{"version": "2012-10-17", "Statement": ` + okStmt + `}`, -1, "version", "case-sensitive"},
		{"missing Version", `{"Statement": ` + okStmt + `}`, -1, "Version", "is required"},
		{"unknown Version", `{"Version": "2012-10-18", "Statement": ` + okStmt + `}`, -1, "Version", `must be "2012-10-17" or "2008-10-17"`},
		{"Version not a string", `{"Version": 2012, "Statement": ` + okStmt + `}`, -1, "Version", "must be a string, not a number"},
		{"Version a huge number", `{"Version": 1e999, "Statement": ` + okStmt + `}`, -1, "Version", "must be a string, not a number"},
		{"Id not a string", `{"Version": "2012-10-17", "Id": null, "Statement": ` + okStmt + `}`, -1, "Id", "must be a string, not null"},
		{"missing Statement", `{"Version": "2012-10-17"}`, -1, "Statement", "is required"},
		{"empty Statement", `{"Version": "2012-10-17", "Statement": []}`, -1, "Statement", "at least one statement"},
		{"Statement a string", `{"Version": "2012-10-17", "Statement": "x"}`, -1, "Statement", "must be an object or an array of objects, not a string"},
		{"too many statements", many, -1, "Statement", "more than 100 statements"},
		{"statement not an object", `{"Version": "2012-10-17", "Statement": [` + okStmt + `, true]}`, 1, "", "must be an object, not true"},
		{"Principal", stmt(ok + `, "Principal": {"AWS": "*"}`), 0, "Principal", "an identity policy names no principal"},
		{"NotPrincipal", stmt(ok + `, "NotPrincipal": "*"`), 0, "NotPrincipal", "an identity policy names no principal"},
		{"Condition", stmt(ok + `, "Condition": {"StringEquals": {"aws:RequestTag/team": "x"}}`), 0, "Condition", "conditions are not supported yet"},
		{"unknown statement member", stmt(ok + `, "Actions": "x"`), 0, "Actions", "unknown member"},
		{"statement member case", stmt(`"effect": "Allow", "Action": "quicksight:*", "Resource": "*"`), 0, "effect", "case-sensitive"},
		{"duplicate statement member", stmt(ok + `, "Effect": "Deny"`), 0, "Effect", "duplicate member"},
		{"duplicate through an escape", stmt(ok + `, "Eff\u0065ct": "Deny"`), 0, "Effect", "duplicate member"},
		{"index of a later statement", `{"Version": "2012-10-17", "Statement": [` + okStmt + `,` + okStmt + `,{` + ok + `, "Condition": {}}]}`, 2, "Condition", "not supported yet"},
		{"missing Effect", stmt(`"Action": "quicksight:*", "Resource": "*"`), 0, "Effect", "is required"},
		{"Effect in lower case", stmt(`"Effect": "allow", "Action": "quicksight:*", "Resource": "*"`), 0, "Effect", `must be "Allow" or "Deny", not "allow"`},
		{"missing Action", stmt(`"Effect": "Allow", "Resource": "*"`), 0, "Action", "needs Action or NotAction"},
		{"Action and NotAction", stmt(ok + `, "NotAction": "quicksight:Delete*"`), 0, "NotAction", "Action or NotAction, not both"},
		{"NotAction and Action", stmt(`"Effect": "Allow", "NotAction": "a:b", "Action": "a:c", "Resource": "*"`), 0, "Action", "not both"},
		{"missing Resource", stmt(`"Effect": "Allow", "Action": "quicksight:*"`), 0, "Resource", "needs Resource or NotResource"},
		{"Resource and NotResource", stmt(ok + `, "NotResource": "*"`), 0, "NotResource", "Resource or NotResource, not both"},
		{"empty Action", stmt(`"Effect": "Allow", "Action": [], "Resource": "*"`), 0, "Action", "must not be an empty array"},
		{"empty NotResource", stmt(`"Effect": "Allow", "Action": "a:b", "NotResource": []`), 0, "NotResource", "must not be an empty array"},
		{"Action an object", stmt(`"Effect": "Allow", "Action": {}, "Resource": "*"`), 0, "Action", "must be a string or an array of strings, not an object"},
		{"Action element a number", stmt(`"Effect": "Allow", "Action": ["quicksight:*", 3], "Resource": "*"`), 0, "Action[1]", "must be a string, not a number"},
		{"Resource element an array", stmt(`"Effect": "Allow", "Action": "a:b", "Resource": ["*", "*", []]`), 0, "Resource[2]", "must be a string, not an array"},
		{"action without service prefix", stmt(`"Effect": "Allow", "Action": "DescribeActionConnector", "Resource": "*"`), 0, "Action[0]", "has no service prefix"},
		{"action with empty service prefix", stmt(`"Effect": "Allow", "Action": ":Describe*", "Resource": "*"`), 0, "Action[0]", "has no service prefix"},
		{"empty action", stmt(`"Effect": "Allow", "NotAction": ["quicksight:*", ""], "Resource": "*"`), 0, "NotAction[1]", "has no service prefix"},
		{"action without name", stmt(`"Effect": "Allow", "Action": "quicksight:", "Resource": "*"`), 0, "Action[0]", "no action name"},
		{"wildcard in service prefix", stmt(`"Effect": "Allow", "Action": "quick*:Describe*", "Resource": "*"`), 0, "Action[0]", "the service prefix"},
		{"space in action name", stmt(`"Effect": "Allow", "Action": "quicksight:Describe Action", "Resource": "*"`), 0, "Action[0]", "the action name may hold only"},
		{"second colon in action", stmt(`"Effect": "Allow", "Action": "quicksight:a:b", "Resource": "*"`), 0, "Action[0]", "the action name may hold only"},
		{"resource not an ARN", stmt(`"Effect": "Allow", "Action": "a:b", "Resource": "action-connector/*"`), 0, "Resource[0]", "neither \"*\" nor an ARN"},
		{"empty resource", stmt(`"Effect": "Allow", "Action": "a:b", "Resource": ["*", ""]`), 0, "Resource[1]", "neither \"*\" nor an ARN"},
		{"policy variable", `{"Version": "2012-10-17", "Statement": [` + okStmt + `, {"Effect": "Deny", "Action": "a:b",
			"NotResource": ["*", "` + connectorARN + `${aws:username}-*"]}]}`, 1, "NotResource[1]", "policy variables are not supported"},
		{"policy variable before Version", `{"Statement": {"Effect": "Deny", "Action": "a:b",
			"Resource": "` + connectorARN + `${aws:username}"}, "Version": "2012-10-17"}`, 0, "Resource[0]", "policy variables are not supported"},
		{"Sid with punctuation", stmt(`"Sid": "read-jira", ` + ok), 0, "Sid", "only ASCII letters and digits"},
		{"Sid not a string", stmt(`"Sid": 1, ` + ok), 0, "Sid", "must be a string, not a number"},
		{"duplicate Sid", `{"Version": "2012-10-17", "Statement": [{"Sid": "S1", ` + ok + `}, {"Sid": "S1", ` + ok + `}]}`, 1, "Sid", `"S1" is the Sid of an earlier statement`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Parse([]byte(tt.doc))
			if err == nil {
				t.Fatalf("Parse(%s) = %+v, want an error", tt.doc, p)
			}
			if p != nil {
				t.Errorf("Parse returned a policy along with the error %v", err)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error %v (%T), want a *policy.Error", err, err)
			}
			if pe.Statement != tt.stmt || pe.Member != tt.member || !strings.Contains(pe.Reason, tt.reason) {
				t.Errorf("Parse error = {Statement: %d, Member: %q, Reason: %q}, want {%d, %q, containing %q}",
					pe.Statement, pe.Member, pe.Reason, tt.stmt, tt.member, tt.reason)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  Error
		want string
	}{
		{Error{Statement: -1, Reason: "the document is empty"}, "policy: the document is empty"},
		{Error{Statement: -1, Member: "Version", Reason: "is required"}, "policy: Version: is required"},
		{Error{Statement: 3, Reason: "must be an object"}, "policy: Statement[3]: must be an object"},
		{Error{Statement: 1, Member: "Condition", Reason: "conditions are not supported yet"},
			"policy: Statement[1].Condition: conditions are not supported yet"},
		{Error{Statement: 0, Member: "Action[2]", Reason: "x"}, "policy: Statement[0].Action[2]: x"},
		{Error{Statement: 0, Member: "bad\nname.", Reason: "unknown member"}, `policy: Statement[0]."bad\nname.": unknown member`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// testPolicies returns the documents TestEvaluate evaluates, by name.
func testPolicies() map[string]string {
	return map[string]string{
		"jira": `{"Version": "2012-10-17", "Statement": [
		{"Sid": "ReadJira", "Effect": "Allow", "Action": "quicksight:Describe*", "Resource": "` + connectorARN + `jira-*"},
		{"Sid": "List", "Effect": "Allow", "Action": ["quicksight:ListActionConnectors", "quicksight:SearchActionConnectors"], "Resource": "*"},
		{"Sid": "OwnProd", "Effect": "Allow", "Action": "quicksight:*ActionConnector", "Resource": "` + connectorARN + `jira-prod"},
		{"Sid": "NoDelete", "Effect": "Deny", "Action": "quicksight:DeleteActionConnector", "Resource": "` + connectorARN + `*"},
		{"Sid": "Teams", "Effect": "Allow", "Action": "quicksight:UpdateActionConnector", "Resource": "` + connectorARN + `team?-bot"},
		{"Sid": "AnyRegion", "Effect": "Allow", "Action": "quicksight:DescribeActionConnectorPermissions",
			"Resource": "arn:aws:quicksight:*:111122223333:action-connector/*"}
	]}`,
		"readOnly": `{"Version": "2012-10-17", "Statement": [
		{"Effect": "Allow", "Action": "*", "Resource": "*"},
		{"Effect": "Deny", "NotAction": ["quicksight:Describe*", "quicksight:List*"], "Resource": "*"}
	]}`,
		"notProd": `{"Version": "2012-10-17", "Statement":
		{"Effect": "Allow", "Action": "quicksight:*", "NotResource": ["` + connectorARN + `prod-*", "` + connectorARN + `secret"]}}`,
		"everything": `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`,
		"denyAll":    `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}`,
	}
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	parsed := map[string]*Policy{"nil": nil}
	for name, doc := range testPolicies() {
		parsed[name] = mustParse(t, doc)
	}
	const (
		describe = "quicksight:DescribeActionConnector"
		update   = "quicksight:UpdateActionConnector"
		del      = "quicksight:DeleteActionConnector"
		create   = "quicksight:CreateActionConnector"
		list     = "quicksight:ListActionConnectors"
		perms    = "quicksight:DescribeActionConnectorPermissions"
	)
	tests := []struct {
		policy, action, resource string
		want                     Decision
	}{
		{"jira", describe, connectorARN + "jira-cloud", Allow},
		{"jira", describe, connectorARN + "jira-", Allow},
		{"jira", "QUICKSIGHT:DESCRIBEACTIONCONNECTOR", connectorARN + "jira-cloud", Allow},
		{"jira", "quicksight:describeactionconnector", connectorARN + "jira-cloud", Allow},
		{"jira", describe, connectorARN + "slack-1", NotAllowed},
		{"jira", describe, connectorARN + "Jira-cloud", NotAllowed}, // resources are case-sensitive
		{"jira", describe, connectorARN + "jira", NotAllowed},
		{"jira", describe, "arn:aws:quicksight:us-west-2:111122223333:action-connector/jira-cloud", NotAllowed},
		{"jira", list, "*", Allow},
		{"jira", "quicksight:SearchActionConnectors", connectorARN + "anything", Allow},
		{"jira", update, connectorARN + "jira-prod", Allow},
		{"jira", update, connectorARN + "jira-prod2", NotAllowed},
		{"jira", del, connectorARN + "jira-prod", Deny}, // explicit deny beats the Allow of OwnProd
		{"jira", del, connectorARN + "slack-1", Deny},
		{"jira", "QuickSight:deleteActionConnector", connectorARN + "x", Deny},
		{"jira", del, "arn:aws:quicksight:us-east-1:111122223333:dashboard/x", NotAllowed},
		{"jira", create, connectorARN + "jira-new", NotAllowed}, // Create does not match Describe* or *ActionConnector on jira-new
		{"jira", update, connectorARN + "team1-bot", Allow},
		{"jira", update, connectorARN + "teamé-bot", Allow}, // '?' is one character, not one byte
		{"jira", update, connectorARN + "team-bot", NotAllowed},
		{"jira", update, connectorARN + "team12-bot", NotAllowed},
		{"jira", perms, "arn:aws:quicksight:eu-west-1:111122223333:action-connector/x", Allow},
		{"jira", perms, "arn:aws:quicksight:eu-west-1:444455556666:action-connector/x", NotAllowed},
		{"jira", "iam:PassRole", connectorARN + "jira-prod", NotAllowed},
		{"jira", "", "", NotAllowed},

		{"readOnly", describe, connectorARN + "x", Allow},
		{"readOnly", perms, connectorARN + "x", Allow},
		{"readOnly", "quicksight:listactionconnectors", "*", Allow}, // NotAction folds case too
		{"readOnly", del, connectorARN + "x", Deny},
		{"readOnly", create, connectorARN + "x", Deny},
		{"readOnly", "iam:PassRole", "arn:aws:iam::111122223333:role/r", Deny},

		{"notProd", describe, connectorARN + "dev-1", Allow},
		{"notProd", del, connectorARN + "dev-1", Allow},
		{"notProd", describe, connectorARN + "prod-1", NotAllowed},
		{"notProd", describe, connectorARN + "secret", NotAllowed},
		{"notProd", describe, connectorARN + "secrets", Allow},
		{"notProd", "iam:PassRole", connectorARN + "dev-1", NotAllowed},

		{"everything", describe, connectorARN + "x", Allow},
		{"everything", "", "", Allow},
		{"denyAll", describe, connectorARN + "x", Deny},

		{"nil", describe, connectorARN + "x", NotAllowed},
		{"nil", "", "", NotAllowed},
	}
	for _, tt := range tests {
		if got := parsed[tt.policy].Evaluate(tt.action, tt.resource); got != tt.want {
			t.Errorf("%s.Evaluate(%q, %q) = %v, want %v", tt.policy, tt.action, tt.resource, got, tt.want)
		}
	}
}

// TestEvaluateConcurrent evaluates one policy from many goroutines; run with
// -race it checks that a Policy is safe for concurrent use.
func TestEvaluateConcurrent(t *testing.T) {
	t.Parallel()
	p := mustParse(t, testPolicies()["jira"])
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if got := p.Evaluate("quicksight:DeleteActionConnector", connectorARN+"jira-prod"); got != Deny {
					t.Errorf("Evaluate = %v, want Deny", got)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestDecisionString(t *testing.T) {
	t.Parallel()
	for d, want := range map[Decision]string{NotAllowed: "NotAllowed", Allow: "Allow", Deny: "Deny", 7: "Decision(7)"} {
		if got := d.String(); got != want {
			t.Errorf("Decision(%d).String() = %q, want %q", int(d), got, want)
		}
	}
	var zero Decision
	if zero != NotAllowed {
		t.Errorf("the zero Decision is %v, want NotAllowed", zero)
	}
}

// BenchmarkEvaluate evaluates a five-statement policy for a mix of requests
// that end in Allow, Deny and NotAllowed.
func BenchmarkEvaluate(b *testing.B) {
	p := mustParse(b, `{"Version": "2012-10-17", "Statement": [
		{"Effect": "Allow", "Action": "quicksight:Describe*", "Resource": "`+connectorARN+`jira-*"},
		{"Effect": "Allow", "Action": ["quicksight:ListActionConnectors", "quicksight:SearchActionConnectors"], "Resource": "*"},
		{"Effect": "Allow", "Action": "quicksight:*ActionConnector", "Resource": "`+connectorARN+`jira-prod"},
		{"Effect": "Deny", "Action": "quicksight:DeleteActionConnector", "Resource": "`+connectorARN+`*"},
		{"Effect": "Allow", "Action": "quicksight:UpdateActionConnector*", "NotResource": "`+connectorARN+`prod-*"}
	]}`)
	requests := [][2]string{
		{"quicksight:DescribeActionConnector", connectorARN + "jira-cloud"},      // Allow
		{"quicksight:DeleteActionConnector", connectorARN + "jira-prod"},         // Deny
		{"quicksight:UpdateActionConnector", connectorARN + "prod-salesforce-1"}, // NotAllowed
		{"quicksight:ListActionConnectors", "*"},                                 // Allow
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := requests[i%len(requests)]
		p.Evaluate(r[0], r[1])
		i++
	}
}
