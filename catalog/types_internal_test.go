package catalog

import (
	"strings"
	"testing"
)

// TestCheckRefuses feeds check definitions that break each rule, so that the
// rules the embedded files pass are known to be enforced.
func TestCheckRefuses(t *testing.T) {
	t.Parallel()
	const good = `{"type":"JIRA_CLOUD","authTypes":["API_KEY"],"verify":{"method":"GET","path":"/rest/api/3/myself"},"actions":[
		{"id":"GetIssue","name":"Get issue","description":"Returns an issue.","class":"READ",
		 "request":{"method":"GET","path":"/rest/api/3/issue/{issueIdOrKey}","query":{"fields":"fields"}},
		 "input":{"type":"object","additionalProperties":false,"required":["issueIdOrKey"],
		  "properties":{"issueIdOrKey":{"type":"string"},"fields":{"type":"string"}}}}]}`
	if _, err := parse([]byte(good)); err != nil {
		t.Fatalf("the good definition is refused: %v", err)
	}
	tests := []refusal{
		{"unknown type", `"JIRA_CLOUD"`, `"JIRA"`, "not a built-in"},
		{"generic type", `"JIRA_CLOUD"`, `"GENERIC_HTTP"`, "not a built-in"},
		{"unknown auth", `["API_KEY"]`, `["TOKEN"]`, "unknown authentication"},
		{"no auth", `["API_KEY"]`, `[]`, "no authentication"},
		{"verify with a parameter", `"/rest/api/3/myself"`, `"/rest/api/3/{x}"`, "verification"},
		{"id not PascalCase", `"id":"GetIssue"`, `"id":"getIssue"`, "PascalCase"},
		{"unknown class", `"class":"READ"`, `"class":"read"`, "neither READ nor WRITE"},
		{"GET write", `"class":"READ"`, `"class":"WRITE"`, "READ action"},
		{"bad method", `"request":{"method":"GET"`, `"request":{"method":"HEAD"`, "not one of"},
		{"DELETE read", `"request":{"method":"GET"`, `"request":{"method":"DELETE"`, "WRITE action"},
		{"query in path", `{issueIdOrKey}"`, `{issueIdOrKey}?x=1"`, "hold no query"},
		{"path param not required", `"required":["issueIdOrKey"]`, `"required":[]`, "required string or number"},
		{"path param object", `"issueIdOrKey":{"type":"string"}`, `"issueIdOrKey":{"type":"object"}`, "required string or number"},
		{"path param unknown", `/issue/{issueIdOrKey}`, `/issue/{key}`, "required string or number"},
		{"query member unknown", `"query":{"fields":"fields"}`, `"query":{"fields":"field"}`, "not a property"},
		{"header member unknown", `"query":{"fields":"fields"}`, `"header":{"X-A":"a"}`, "not a property"},
		{"body on GET", `"query":{"fields":"fields"}`, `"body":"fields"`, "no body"},
		{"schema does not compile", `"fields":{"type":"string"}`, `"fields":{"type":"strung"}`, "input schema"},
		{"schema not an object", `"input":{"type":"object",`, `"input":{"type":"array",`, "object schema"},
		{"schema fetches", `"fields":{"type":"string"}`, `"fields":{"$ref":"https://example.com/s.json"}`, "input schema"},
		{"no name", `"name":"Get issue"`, `"name":" "`, "name and description"},
		{"unknown member", `"class":"READ"`, `"class":"READ","kind":"x"`, "unknown field"},
	}
	testRefusals(t, good, tests)
	dup := strings.Replace(good, `"actions":[`, `"actions":[`+good[strings.Index(good, `{"id"`):strings.LastIndex(good, "]")]+",", 1)
	if _, err := parse([]byte(dup)); err == nil || !strings.Contains(err.Error(), "defined twice") {
		t.Errorf("a duplicate id: err = %v", err)
	}
}

// TestCheckRefusesAWS feeds check AWS definitions that break each rule of
// the AMAZON_* types.
func TestCheckRefusesAWS(t *testing.T) {
	t.Parallel()
	const good = `{"type":"AMAZON_S3","authTypes":["IAM"],"actions":[
		{"id":"ListObjectsV2","name":"List objects","description":"Lists objects.","class":"READ",
		 "aws":{"service":"s3","operation":"ListObjectsV2"},
		 "input":{"type":"object","additionalProperties":false,"required":["Bucket"],
		  "properties":{"Bucket":{"type":"string"},"MaxKeys":{"type":"integer"}}}}]}`
	if _, err := parse([]byte(good)); err != nil {
		t.Fatalf("the good definition is refused: %v", err)
	}
	tests := []refusal{
		{"other auth", `["IAM"]`, `["IAM","API_KEY"]`, "IAM and nothing else"},
		{"verify", `"actions":[`, `"verify":{"method":"GET","path":"/"},"actions":[`, "no verification request"},
		{"other service", `"service":"s3"`, `"service":"textract"`, "service of the type"},
		{"operation not the id", `"operation":"ListObjectsV2"`, `"operation":"ListObjects"`, "operation names"},
		{"camelCase member", `"MaxKeys":{`, `"maxKeys":{`, "PascalCase"},
		{"required unknown", `"required":["Bucket"]`, `"required":["Bucket","Key"]`, "not a property"},
		{"request and aws", `"aws":{`, `"request":{"method":"GET","path":"/"},"aws":{`, "exactly one of request, aws and flow"},
		{"neither", `"aws":{"service":"s3","operation":"ListObjectsV2"},`, ``, "exactly one of request, aws and flow"},
		{"request only", `"aws":{"service":"s3","operation":"ListObjectsV2"}`, `"request":{"method":"GET","path":"/"}`, "calls an AWS operation"},
		{"IAM for a SaaS type", `"type":"AMAZON_S3","authTypes":["IAM"]`, `"type":"JIRA_CLOUD","authTypes":["API_KEY","IAM"]`, "cannot accept IAM"},
		{"aws for a SaaS type", `"type":"AMAZON_S3","authTypes":["IAM"]`, `"type":"JIRA_CLOUD","authTypes":["API_KEY"]`, "only the actions of AMAZON_* types"},
	}
	testRefusals(t, good, tests)
}

// TestCheckRefusesUploads feeds check upload definitions that break each
// rule of files and forms.
func TestCheckRefusesUploads(t *testing.T) {
	t.Parallel()
	const good = `{"type":"JIRA_CLOUD","authTypes":["API_KEY"],"actions":[
		{"id":"AddAttachment","name":"Add attachment","description":"Attaches a file.","class":"WRITE",
		 "request":{"method":"POST","path":"/rest/api/3/issue/{issueIdOrKey}/attachments","fixedHeader":{"X-Atlassian-Token":"no-check"},
		  "file":"file","form":{"fields":{"comment":"comment"},"filePart":"file"}},
		 "input":{"type":"object","additionalProperties":false,"required":["issueIdOrKey","file"],
		  "properties":{"issueIdOrKey":{"type":"string"},"comment":{"type":"string"},"file":{"$ref":"#/$defs/file"}}}}]}`
	typ, err := parse([]byte(good))
	if err != nil {
		t.Fatalf("the good definition is refused: %v", err)
	}
	if s := string(typ.Actions[0].InputSchema); !strings.Contains(s, `"$defs":{"file":{`) {
		t.Errorf("the input schema does not define the file: %s", s)
	}
	tests := []refusal{
		{"file not the file schema", `"file":{"$ref":"#/$defs/file"}`, `"file":{"type":"object"}`, "must be"},
		{"file and body", `"file":"file",`, `"file":"file","body":"comment",`, "not both"},
		{"form without a part", `"filePart":"file"`, `"filePart":""`, "file part"},
		{"form without a file", `"file":"file",`, ``, "input schema"},
		{"form field unknown", `{"comment":"comment"}`, `{"comment":"note"}`, "not a property"},
		{"file on GET", `"method":"POST","path":"/rest/api/3/issue/{issueIdOrKey}/attachments"`, `"method":"GET","path":"/rest/api/3/issue/{issueIdOrKey}/attachments"`, "READ action"},
		{"fixed credentials", `"X-Atlassian-Token":"no-check"`, `"authorization":"Basic x"`, "fixed header"},
		{"own $defs", `"additionalProperties":false,`, `"additionalProperties":false,"$defs":{},`, "reserved"},
	}
	testRefusals(t, good, tests)
}

// refusal is a change to a good definition and what the error it causes
// must say.
type refusal struct{ name, old, new, want string }

// testRefusals checks that each change to good is refused with its error.
func testRefusals(t *testing.T, good string, tests []refusal) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(good, tt.old) {
				t.Fatalf("the good definition has no %s", tt.old)
			}
			_, err := parse([]byte(strings.Replace(good, tt.old, tt.new, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one saying %q", err, tt.want)
			}
		})
	}
}
