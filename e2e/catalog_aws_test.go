package e2e

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
	gocmp "github.com/google/go-cmp/cmp"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/catalog"
	"github.com/actiongate/actiongate/internal/upstreamtest"
)

// awsCase is one request-shape case of an AWS action: the input, the
// request the service's API reference documents for it, and an answer
// shaped like its documented example.
type awsCase struct {
	action, input string
	// method, path (unescaped) and query (compared as parsed values) are
	// what the service must receive.
	method, path, query string
	// target is the X-Amz-Target header of the JSON protocols; "" for none.
	target string
	// header holds request headers the service must receive.
	header map[string]string
	// body is what the service must receive, compared as JSON when it is
	// JSON and exactly otherwise; "" for no body.
	body string
	// status, header and body of the answer; status 0 is 200.
	status       int
	answerHeader map[string]string
	answer       string
	// output is the invocation's expected Output.
	output string
}

// awsService says how the services of the AMAZON_* types are reached in
// these tests: the SDK id that names their endpoint override and the SigV4
// service name.
var awsService = map[actiongate.ConnectorType]struct{ sdkID, signingName string }{
	actiongate.TypeAmazonS3:                           {"S3", "s3"},
	actiongate.TypeAmazonBedrockRuntime:               {"Bedrock Runtime", "bedrock"},
	actiongate.TypeAmazonBedrockAgentRuntime:          {"Bedrock Agent Runtime", "bedrock"},
	actiongate.TypeAmazonBedrockDataAutomationRuntime: {"Bedrock Data Automation Runtime", "bedrock"},
	actiongate.TypeAmazonTextract:                     {"Textract", "textract"},
	actiongate.TypeAmazonComprehend:                   {"Comprehend", "comprehend"},
	actiongate.TypeAmazonComprehendMedical:            {"ComprehendMedical", "comprehendmedical"},
}

// The server's own AWS credentials in these tests, which the fake STS lets
// assume roles.
const serverKeyID, serverSecretKey = "AKIAE2ESERVERCREDS01", "e2e-server-secret-access-key-00000000001"

// awsServerEnv is the environment of a server whose AWS credentials are
// serverKeyID's, with STS at sts and the SDK endpoint of each service (by
// SDK id) overridden as AWS_ENDPOINT_URL_<ID> does, and no shared config.
func awsServerEnv(t testing.TB, sts *upstreamtest.STSServer, endpoints map[string]string) []string {
	empty := pemFile(t, nil)
	env := []string{"AWS_ACCESS_KEY_ID=" + serverKeyID, "AWS_SECRET_ACCESS_KEY=" + serverSecretKey, "AWS_SESSION_TOKEN=",
		"AWS_REGION=us-east-1", "AWS_ENDPOINT_URL_STS=" + sts.URL(), "AWS_CONFIG_FILE=" + empty, "AWS_SHARED_CREDENTIALS_FILE=" + empty,
		"AWS_PROFILE=", "AWS_EC2_METADATA_DISABLED=true", "SSL_CERT_FILE=" + pemFile(t, sts.CertPEM())}
	for id, u := range endpoints {
		env = append(env, "AWS_ENDPOINT_URL_"+strings.ToUpper(strings.ReplaceAll(id, " ", "_"))+"="+u)
	}
	return env
}

// testAWS creates an IAM connector of typ whose role the server may assume
// at a fake STS, invokes every case through the server against a loopback
// fake of typ's service, and checks the request, its signature with the
// role's credentials and the shaped output. It fails when an action of typ
// has no case.
func testAWS(t *testing.T, typ actiongate.ConnectorType, cases []awsCase) {
	t.Helper()
	ct, ok := catalog.Lookup(typ)
	if !ok {
		t.Fatalf("the catalog has no %s", typ)
	}
	for _, def := range ct.Actions {
		if !slices.ContainsFunc(cases, func(c awsCase) bool { return c.action == def.ID }) {
			t.Errorf("%s action %s has no request-shape case", typ, def.ID)
		}
	}
	const id = "shapes"
	role := "arn:aws:iam::" + account + ":role/QuickSuiteActions"
	svc := awsService[typ]
	sts := upstreamtest.NewSTSServer(t, upstreamtest.STSOptions{})
	sts.AllowCaller(serverKeyID, serverSecretKey)
	sts.AllowRole(role, connectorARN(id)) // the trust policy's sts:ExternalId condition
	fake := upstreamtest.NewAWSService(t, sts, svc.signingName)
	s := startServer(t, serverOptions{env: awsServerEnv(t, sts, map[string]string{svc.sdkID: fake.URL()}),
		args: []string{"--egress-allow", "127.0.0.1/32"}})
	admin := s.admin()
	registerUsers(t, admin, "alice")
	alice := user("alice")
	createConnector(t, admin, id, types.ActionConnectorType(typ), iamAuth(role), alice)

	x := s.adminExt()
	for _, tc := range cases {
		t.Run(tc.action, func(t *testing.T) {
			n := len(fake.Requests())
			fake.Answer(upstreamtest.AWSAnswer{Status: tc.status, Header: tc.answerHeader, Body: []byte(tc.answer)})
			res := invoked(t, tc.action, x.invoke(t, id, tc.action, json.RawMessage(tc.input), alice))
			seen := fake.Requests()[n:]
			if len(seen) != 1 {
				t.Fatalf("the service received %d requests, want 1", len(seen))
			}
			r := seen[0]
			if r.Problem != "" {
				t.Error(r.Problem)
			}
			if r.Method != tc.method || r.Path != tc.path {
				t.Errorf("request = %s %s, want %s %s", r.Method, r.Path, tc.method, tc.path)
			}
			wantQuery, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			if diff := gocmp.Diff(wantQuery, r.Query); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
			if g := r.Header.Get("X-Amz-Target"); g != tc.target {
				t.Errorf("X-Amz-Target = %q, want %q", g, tc.target)
			}
			for k, v := range tc.header {
				if g := r.Header.Get(k); g != v {
					t.Errorf("header %s = %q, want %q", k, g, v)
				}
			}
			switch {
			case tc.body == "":
				if len(r.Body) != 0 {
					t.Errorf("request body %q; want none", r.Body)
				}
			case json.Valid([]byte(tc.body)):
				jsonEqual(t, "body", r.Body, tc.body)
			case string(r.Body) != tc.body:
				t.Errorf("body = %q, want %q", r.Body, tc.body)
			}
			if res.UpstreamStatus != cmp.Or(tc.status, http.StatusOK) {
				t.Errorf("UpstreamStatus = %d", res.UpstreamStatus)
			}
			jsonEqual(t, "Output", res.Output, tc.output)
		})
	}
	calls := sts.Calls()
	if len(calls) != 1 || calls[0].RoleArn != role || calls[0].ExternalId != connectorARN(id) || calls[0].Caller != serverKeyID {
		t.Errorf("AssumeRole calls = %+v; want one, by the server, for %s with the connector's ARN as ExternalId", calls, role)
	}
}

// TestCatalogAmazonS3 checks the S3 actions against the Amazon S3 API
// Reference (REST, XML answers), addressed path-style at a custom endpoint.
func TestCatalogAmazonS3(t *testing.T) {
	t.Parallel()
	const owner = `<Owner><DisplayName>Account+Name</DisplayName><ID>AIDACKCEVSQ6C2EXAMPLE</ID></Owner>`
	testAWS(t, actiongate.TypeAmazonS3, []awsCase{
		{action: "ListBuckets", input: `{"MaxBuckets":2,"Prefix":"amzn","ContinuationToken":"eyJNYXJrZXIiOm51bGx9"}`,
			method: "GET", path: "/", query: "x-id=ListBuckets&max-buckets=2&prefix=amzn&continuation-token=eyJNYXJrZXIiOm51bGx9",
			answerHeader: map[string]string{"Content-Type": "application/xml"},
			answer: `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets><Bucket><CreationDate>2019-12-11T23:32:47+00:00</CreationDate>` +
				`<Name>amzn-s3-demo-bucket</Name><BucketRegion>us-east-1</BucketRegion></Bucket></Buckets>` + owner +
				`<ContinuationToken>eyJNYXJrZXIiOiJhbXpuLXMzIn0=</ContinuationToken><Prefix>amzn</Prefix></ListAllMyBucketsResult>`,
			output: `{"Buckets":[{"BucketRegion":"us-east-1","CreationDate":"2019-12-11T23:32:47Z","Name":"amzn-s3-demo-bucket"}],` +
				`"ContinuationToken":"eyJNYXJrZXIiOiJhbXpuLXMzIn0=","Owner":{"DisplayName":"Account+Name","ID":"AIDACKCEVSQ6C2EXAMPLE"},"Prefix":"amzn"}`},
		{action: "CreateBucket", input: `{"Bucket":"amzn-s3-demo-bucket","CreateBucketConfiguration":{"LocationConstraint":"eu-west-1"},"ObjectOwnership":"BucketOwnerEnforced"}`,
			method: "PUT", path: "/amzn-s3-demo-bucket", header: map[string]string{"X-Amz-Object-Ownership": "BucketOwnerEnforced"},
			body:         `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`,
			answerHeader: map[string]string{"Location": "http://amzn-s3-demo-bucket.s3.amazonaws.com/"},
			output:       `{"Location":"http://amzn-s3-demo-bucket.s3.amazonaws.com/"}`},
		{action: "DeleteBucket", input: `{"Bucket":"amzn-s3-demo-bucket","ExpectedBucketOwner":"111122223333"}`,
			method: "DELETE", path: "/amzn-s3-demo-bucket", header: map[string]string{"X-Amz-Expected-Bucket-Owner": "111122223333"},
			status: http.StatusNoContent, output: `{}`},
		{action: "ListObjectsV2", input: `{"Bucket":"amzn-s3-demo-bucket","Prefix":"reports/","Delimiter":"/","MaxKeys":2,"ContinuationToken":"1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="}`,
			method: "GET", path: "/amzn-s3-demo-bucket",
			query:        "list-type=2&prefix=reports%2F&delimiter=%2F&max-keys=2&continuation-token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D",
			answerHeader: map[string]string{"Content-Type": "application/xml"},
			answer: `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>amzn-s3-demo-bucket</Name>` +
				`<Prefix>reports/</Prefix><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwN=</NextContinuationToken><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>` +
				`<Delimiter>/</Delimiter><IsTruncated>true</IsTruncated><Contents><Key>reports/q1.csv</Key><LastModified>2024-04-01T12:00:00.000Z</LastModified>` +
				`<ETag>"599bab3ed2c697f1d26842727561fd94"</ETag><Size>857</Size><StorageClass>STANDARD</StorageClass></Contents>` +
				`<CommonPrefixes><Prefix>reports/2023/</Prefix></CommonPrefixes></ListBucketResult>`,
			output: `{"CommonPrefixes":[{"Prefix":"reports/2023/"}],"Contents":[{"ETag":"\"599bab3ed2c697f1d26842727561fd94\"","Key":"reports/q1.csv",` +
				`"LastModified":"2024-04-01T12:00:00Z","Size":857,"StorageClass":"STANDARD"}],"Delimiter":"/","IsTruncated":true,"KeyCount":2,"MaxKeys":2,` +
				`"Name":"amzn-s3-demo-bucket","NextContinuationToken":"1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwN=","Prefix":"reports/"}`},
		{action: "GetObject", input: `{"Bucket":"amzn-s3-demo-bucket","Key":"reports/q1.csv","Range":"bytes=0-15"}`,
			method: "GET", path: "/amzn-s3-demo-bucket/reports/q1.csv", query: "x-id=GetObject", header: map[string]string{"Range": "bytes=0-15"},
			status: http.StatusPartialContent,
			answerHeader: map[string]string{"Content-Type": "text/csv", "Content-Range": "bytes 0-15/857", "ETag": `"599bab3ed2c697f1d26842727561fd94"`,
				"Last-Modified": "Mon, 01 Apr 2024 12:00:00 GMT", "Accept-Ranges": "bytes", "x-amz-meta-owner": "finance"},
			answer: "id,total\n1,9.99\n",
			output: `{"AcceptRanges":"bytes","Body":"id,total\n1,9.99\n","ContentLength":16,"ContentRange":"bytes 0-15/857","ContentType":"text/csv",` +
				`"ETag":"\"599bab3ed2c697f1d26842727561fd94\"","LastModified":"2024-04-01T12:00:00Z","Metadata":{"owner":"finance"}}`},
		{action: "GetObject", input: `{"Bucket":"amzn-s3-demo-bucket","Key":"logo.png"}`,
			method: "GET", path: "/amzn-s3-demo-bucket/logo.png", query: "x-id=GetObject",
			answerHeader: map[string]string{"Content-Type": "image/png"},
			answer:       "\x89PNG\r\n\x1a\n",
			output:       `{"Body":"iVBORw0KGgo=","ContentLength":8,"ContentType":"image/png","Encoding":"base64"}`},
		{action: "PutObject", input: `{"Bucket":"amzn-s3-demo-bucket","Key":"reports/q2.csv","Body":"id,total\n2,19.99\n","ContentType":"text/csv","Metadata":{"owner":"finance"}}`,
			method: "PUT", path: "/amzn-s3-demo-bucket/reports/q2.csv", query: "x-id=PutObject",
			header: map[string]string{"Content-Type": "text/csv", "X-Amz-Meta-Owner": "finance"},
			body:   "id,total\n2,19.99\n",
			answerHeader: map[string]string{"ETag": `"6805f2cfc46c0f04559748bb039d69ae"`, "x-amz-server-side-encryption": "AES256",
				"x-amz-checksum-crc32": "AAAAAA==", "x-amz-checksum-type": "FULL_OBJECT"},
			output: `{"ChecksumCRC32":"AAAAAA==","ChecksumType":"FULL_OBJECT","ETag":"\"6805f2cfc46c0f04559748bb039d69ae\"","ServerSideEncryption":"AES256"}`},
		{action: "PutObject", input: `{"Bucket":"amzn-s3-demo-bucket","Key":"logo.png","Body":"iVBORw0KGgo=","Encoding":"base64","ContentType":"image/png"}`,
			method: "PUT", path: "/amzn-s3-demo-bucket/logo.png", query: "x-id=PutObject", header: map[string]string{"Content-Type": "image/png"},
			body:         "\x89PNG\r\n\x1a\n",
			answerHeader: map[string]string{"ETag": `"5d41402abc4b2a76b9719d911017c592"`},
			output:       `{"ETag":"\"5d41402abc4b2a76b9719d911017c592\""}`},
		{action: "DeleteObject", input: `{"Bucket":"amzn-s3-demo-bucket","Key":"reports/q1.csv","VersionId":"UIORUnfndfiufdisojhr398493jfdkjFJjkndnqUifhnw89493jJFJ"}`,
			method: "DELETE", path: "/amzn-s3-demo-bucket/reports/q1.csv", query: "x-id=DeleteObject&versionId=UIORUnfndfiufdisojhr398493jfdkjFJjkndnqUifhnw89493jJFJ",
			status:       http.StatusNoContent,
			answerHeader: map[string]string{"x-amz-version-id": "UIORUnfndfiufdisojhr398493jfdkjFJjkndnqUifhnw89493jJFJ", "x-amz-delete-marker": "true"},
			output:       `{"DeleteMarker":true,"VersionId":"UIORUnfndfiufdisojhr398493jfdkjFJjkndnqUifhnw89493jJFJ"}`},
		{action: "HeadObject", input: `{"Bucket":"amzn-s3-demo-bucket","Key":"reports/q1.csv"}`,
			method: "HEAD", path: "/amzn-s3-demo-bucket/reports/q1.csv",
			answerHeader: map[string]string{"Content-Type": "text/csv", "Content-Length": "857", "ETag": `"599bab3ed2c697f1d26842727561fd94"`,
				"Last-Modified": "Mon, 01 Apr 2024 12:00:00 GMT", "x-amz-meta-owner": "finance", "x-amz-storage-class": "STANDARD_IA"},
			output: `{"ContentLength":857,"ContentType":"text/csv","ETag":"\"599bab3ed2c697f1d26842727561fd94\"","LastModified":"2024-04-01T12:00:00Z",` +
				`"Metadata":{"owner":"finance"},"StorageClass":"STANDARD_IA"}`},
	})
}

// TestCatalogAmazonBedrockRuntime checks the Bedrock Runtime actions against
// the Amazon Bedrock API Reference (restJson1, camelCase members on the
// wire).
func TestCatalogAmazonBedrockRuntime(t *testing.T) {
	t.Parallel()
	const model = "anthropic.claude-3-haiku-20240307-v1:0"
	testAWS(t, actiongate.TypeAmazonBedrockRuntime, []awsCase{
		{action: "InvokeModel", input: `{"ModelId":"` + model + `","Body":{"anthropic_version":"bedrock-2023-05-31","max_tokens":256,"messages":[{"role":"user","content":"Hello"}]}}`,
			method: "POST", path: "/model/" + model + "/invoke",
			header:       map[string]string{"Content-Type": "application/json", "Accept": "application/json"},
			body:         `{"anthropic_version":"bedrock-2023-05-31","max_tokens":256,"messages":[{"role":"user","content":"Hello"}]}`,
			answerHeader: map[string]string{"Content-Type": "application/json", "X-Amzn-Bedrock-Input-Token-Count": "10"},
			answer:       `{"id":"msg_01","type":"message","role":"assistant","content":[{"type":"text","text":"Hi there."}],"stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":4}}`,
			output: `{"Body":{"id":"msg_01","type":"message","role":"assistant","content":[{"type":"text","text":"Hi there."}],"stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":4}},` +
				`"ContentType":"application/json"}`},
		{action: "Converse", input: `{"ModelId":"` + model + `","Messages":[{"Role":"user","Content":[{"Text":"What is in this image?"},{"Image":{"Format":"png","Source":{"Bytes":"iVBORw0KGgo="}}}]}],` +
			`"System":[{"Text":"Answer briefly."}],"InferenceConfig":{"MaxTokens":512,"Temperature":0.5,"StopSequences":["END"]}}`,
			method: "POST", path: "/model/" + model + "/converse", header: map[string]string{"Content-Type": "application/json"},
			body: `{"messages":[{"role":"user","content":[{"text":"What is in this image?"},{"image":{"format":"png","source":{"bytes":"iVBORw0KGgo="}}}]}],` +
				`"system":[{"text":"Answer briefly."}],"inferenceConfig":{"maxTokens":512,"temperature":0.5,"stopSequences":["END"]}}`,
			answerHeader: map[string]string{"Content-Type": "application/json"},
			answer: `{"output":{"message":{"role":"assistant","content":[{"text":"A tiny PNG header."}]}},"stopReason":"end_turn",` +
				`"usage":{"inputTokens":30,"outputTokens":6,"totalTokens":36},"metrics":{"latencyMs":412}}`,
			output: `{"Metrics":{"LatencyMs":412},"Output":{"Message":{"Content":[{"Text":"A tiny PNG header."}],"Role":"assistant"}},"StopReason":"end_turn",` +
				`"Usage":{"InputTokens":30,"OutputTokens":6,"TotalTokens":36}}`},
		{action: "ApplyGuardrail", input: `{"GuardrailIdentifier":"gr1234abcd","GuardrailVersion":"1","Source":"INPUT",` +
			`"Content":[{"Text":{"Text":"Call me at 555-0100 about which stocks to buy.","Qualifiers":["guard_content"]}}],"OutputScope":"INTERVENTIONS"}`,
			method: "POST", path: "/guardrail/gr1234abcd/version/1/apply", header: map[string]string{"Content-Type": "application/json"},
			body:         `{"source":"INPUT","content":[{"text":{"text":"Call me at 555-0100 about which stocks to buy.","qualifiers":["guard_content"]}}],"outputScope":"INTERVENTIONS"}`,
			answerHeader: map[string]string{"Content-Type": "application/json"},
			answer: `{"usage":{"topicPolicyUnits":1,"contentPolicyUnits":1,"wordPolicyUnits":1,"sensitiveInformationPolicyUnits":1,"sensitiveInformationPolicyFreeUnits":0,` +
				`"contextualGroundingPolicyUnits":0},"action":"GUARDRAIL_INTERVENED","actionReason":"Guardrail blocked.","outputs":[{"text":"Sorry, I can't give investment advice."}],` +
				`"assessments":[{"topicPolicy":{"topics":[{"name":"Investment advice","type":"DENY","action":"BLOCKED","detected":true}]},` +
				`"sensitiveInformationPolicy":{"piiEntities":[{"match":"555-0100","type":"PHONE","action":"ANONYMIZED","detected":true}]}}]}`,
			output: `{"Action":"GUARDRAIL_INTERVENED","ActionReason":"Guardrail blocked.","Assessments":[{"SensitiveInformationPolicy":{"PiiEntities":` +
				`[{"Action":"ANONYMIZED","Detected":true,"Match":"555-0100","Type":"PHONE"}]},"TopicPolicy":{"Topics":[{"Action":"BLOCKED","Detected":true,` +
				`"Name":"Investment advice","Type":"DENY"}]}}],"Outputs":[{"Text":"Sorry, I can't give investment advice."}],"Usage":{"ContentPolicyUnits":1,` +
				`"ContextualGroundingPolicyUnits":0,"SensitiveInformationPolicyFreeUnits":0,"SensitiveInformationPolicyUnits":1,"TopicPolicyUnits":1,"WordPolicyUnits":1}}`},
	})
}

// TestCatalogAmazonBedrockAgentRuntime checks the knowledge base, agent and
// reranking actions against the Agents for Amazon Bedrock Runtime API
// Reference. InvokeAgent's answer is an event stream
// (application/vnd.amazon.eventstream) whose events the action gathers
// into one output.
func TestCatalogAmazonBedrockAgentRuntime(t *testing.T) {
	t.Parallel()
	// events encodes an event stream of the events evs, each an event type
	// and its JSON payload, as the service sends them.
	events := func(evs ...[2]string) string {
		var b bytes.Buffer
		enc := eventstream.NewEncoder()
		for _, ev := range evs {
			msg := eventstream.Message{Payload: []byte(ev[1])}
			msg.Headers.Set(":message-type", eventstream.StringValue("event"))
			msg.Headers.Set(":event-type", eventstream.StringValue(ev[0]))
			msg.Headers.Set(":content-type", eventstream.StringValue("application/json"))
			if err := enc.Encode(&b, msg); err != nil {
				t.Fatal(err)
			}
		}
		return b.String()
	}
	// chunk is a chunk event's payload: a part of the agent's answer and
	// its attribution (JSON, "" for none).
	chunk := func(part, attribution string) [2]string {
		payload := `{"bytes":"` + base64.StdEncoding.EncodeToString([]byte(part)) + `"`
		if attribution != "" {
			payload += `,"attribution":` + attribution
		}
		return [2]string{"chunk", payload + "}"}
	}
	const session = "3f9c2a1e-7b4d-4c8e-9a6f-1d2e3f4a5b6c"
	const agentPath = "/agents/AGENT12345/agentAliases/TSTALIASID/sessions/" + session + "/text"
	agentAnswer := map[string]string{"Content-Type": "application/vnd.amazon.eventstream",
		"x-amzn-bedrock-agent-content-type": "application/json", "x-amz-bedrock-agent-session-id": session}
	const agentInput = `"AgentId":"AGENT12345","AgentAliasId":"TSTALIASID","SessionId":"` + session + `"`
	const result = `{"content":{"text":"Refunds are issued within 14 days.","type":"TEXT"},"location":{"type":"S3","s3Location":{"uri":"s3://amzn-s3-demo-bucket/policy.pdf"}},` +
		`"metadata":{"x-amz-bedrock-kb-source-uri":"s3://amzn-s3-demo-bucket/policy.pdf","x-amz-bedrock-kb-document-page-number":3},"score":0.82}`
	const shaped = `{"Content":{"Text":"Refunds are issued within 14 days.","Type":"TEXT"},"Location":{"S3Location":{"Uri":"s3://amzn-s3-demo-bucket/policy.pdf"},"Type":"S3"},` +
		`"Metadata":{"x-amz-bedrock-kb-source-uri":"s3://amzn-s3-demo-bucket/policy.pdf","x-amz-bedrock-kb-document-page-number":3},"Score":0.82}`
	testAWS(t, actiongate.TypeAmazonBedrockAgentRuntime, []awsCase{
		{action: "Retrieve", input: `{"KnowledgeBaseId":"KB12345678","RetrievalQuery":{"Text":"refund policy"},` +
			`"RetrievalConfiguration":{"VectorSearchConfiguration":{"NumberOfResults":3,"OverrideSearchType":"HYBRID"}},"NextToken":"page-2"}`,
			method: "POST", path: "/knowledgebases/KB12345678/retrieve", header: map[string]string{"Content-Type": "application/json"},
			body:         `{"retrievalQuery":{"text":"refund policy"},"retrievalConfiguration":{"vectorSearchConfiguration":{"numberOfResults":3,"overrideSearchType":"HYBRID"}},"nextToken":"page-2"}`,
			answerHeader: map[string]string{"Content-Type": "application/json"},
			answer:       `{"retrievalResults":[` + result + `],"nextToken":"page-3"}`,
			output:       `{"RetrievalResults":[` + shaped + `],"NextToken":"page-3"}`},
		{action: "RetrieveAndGenerate", input: `{"Input":{"Text":"How fast are refunds?"},"RetrieveAndGenerateConfiguration":{"Type":"KNOWLEDGE_BASE",` +
			`"KnowledgeBaseConfiguration":{"KnowledgeBaseId":"KB12345678","ModelArn":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}},` +
			`"SessionId":"3f9c2a1e-7b4d-4c8e-9a6f-1d2e3f4a5b6c"}`,
			method: "POST", path: "/retrieveAndGenerate", header: map[string]string{"Content-Type": "application/json"},
			body: `{"input":{"text":"How fast are refunds?"},"retrieveAndGenerateConfiguration":{"type":"KNOWLEDGE_BASE","knowledgeBaseConfiguration":` +
				`{"knowledgeBaseId":"KB12345678","modelArn":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}},` +
				`"sessionId":"3f9c2a1e-7b4d-4c8e-9a6f-1d2e3f4a5b6c"}`,
			answerHeader: map[string]string{"Content-Type": "application/json"},
			answer: `{"output":{"text":"Refunds are issued within 14 days."},"citations":[{"generatedResponsePart":{"textResponsePart":{"text":"Refunds are issued within 14 days.",` +
				`"span":{"start":0,"end":33}}},"retrievedReferences":[` + result + `]}],"sessionId":"3f9c2a1e-7b4d-4c8e-9a6f-1d2e3f4a5b6c"}`,
			output: `{"Citations":[{"GeneratedResponsePart":{"TextResponsePart":{"Span":{"End":33,"Start":0},"Text":"Refunds are issued within 14 days."}},` +
				`"RetrievedReferences":[{"Content":{"Text":"Refunds are issued within 14 days.","Type":"TEXT"},"Location":{"S3Location":{"Uri":"s3://amzn-s3-demo-bucket/policy.pdf"},"Type":"S3"},` +
				`"Metadata":{"x-amz-bedrock-kb-source-uri":"s3://amzn-s3-demo-bucket/policy.pdf","x-amz-bedrock-kb-document-page-number":3}}]}],` +
				`"Output":{"Text":"Refunds are issued within 14 days."},"SessionId":"3f9c2a1e-7b4d-4c8e-9a6f-1d2e3f4a5b6c"}`},
		{action: "InvokeAgent", input: `{` + agentInput + `,"InputText":"How fast are refunds?","EnableTrace":true,"MemoryId":"memory-0001",` +
			`"SessionState":{"SessionAttributes":{"customerId":"C-42"},"PromptSessionAttributes":{"today":"2024-04-01"}}}`,
			method: "POST", path: agentPath, header: map[string]string{"Content-Type": "application/json"},
			body: `{"enableTrace":true,"inputText":"How fast are refunds?","memoryId":"memory-0001",` +
				`"sessionState":{"sessionAttributes":{"customerId":"C-42"},"promptSessionAttributes":{"today":"2024-04-01"}}}`,
			answerHeader: map[string]string{"Content-Type": "application/vnd.amazon.eventstream", "x-amzn-bedrock-agent-content-type": "application/json",
				"x-amz-bedrock-agent-session-id": session, "x-amz-bedrock-agent-memory-id": "memory-0001"},
			answer: events(
				[2]string{"trace", `{"agentId":"AGENT12345","agentAliasId":"TSTALIASID","agentVersion":"DRAFT","sessionId":"` + session + `",` +
					`"trace":{"orchestrationTrace":{"rationale":{"traceId":"trace-1","text":"The user asks about refunds; search the knowledge base."}}}}`},
				chunk("Refunds are issued ", ""),
				chunk("within 14 days.", `{"citations":[{"generatedResponsePart":{"textResponsePart":{"text":"Refunds are issued within 14 days.",`+
					`"span":{"start":0,"end":33}}},"retrievedReferences":[`+result+`]}]}`)),
			output: `{"Completion":"Refunds are issued within 14 days.","ContentType":"application/json","MemoryId":"memory-0001","SessionId":"` + session + `",` +
				`"Citations":[{"GeneratedResponsePart":{"TextResponsePart":{"Span":{"End":33,"Start":0},"Text":"Refunds are issued within 14 days."}},` +
				`"RetrievedReferences":[{"Content":{"Text":"Refunds are issued within 14 days.","Type":"TEXT"},"Location":{"S3Location":{"Uri":"s3://amzn-s3-demo-bucket/policy.pdf"},"Type":"S3"},` +
				`"Metadata":{"x-amz-bedrock-kb-source-uri":"s3://amzn-s3-demo-bucket/policy.pdf","x-amz-bedrock-kb-document-page-number":3}}]}]}`},
		{action: "InvokeAgent", input: `{` + agentInput + `,"InputText":"Book a table for two at 7pm."}`,
			method: "POST", path: agentPath, header: map[string]string{"Content-Type": "application/json"},
			body: `{"inputText":"Book a table for two at 7pm."}`, answerHeader: agentAnswer,
			answer: events([2]string{"returnControl", `{"invocationId":"inv-0001","invocationInputs":[{"functionInvocationInput":{"actionGroup":"Reservations",` +
				`"actionInvocationType":"RESULT","agentId":"AGENT12345","function":"bookTable","parameters":[{"name":"partySize","type":"integer","value":"2"},` +
				`{"name":"time","type":"string","value":"19:00"}]}}]}`}),
			output: `{"Completion":"","ContentType":"application/json","SessionId":"` + session + `","ReturnControl":{"InvocationId":"inv-0001",` +
				`"InvocationInputs":[{"FunctionInvocationInput":{"ActionGroup":"Reservations","ActionInvocationType":"RESULT","AgentId":"AGENT12345",` +
				`"Function":"bookTable","Parameters":[{"Name":"partySize","Type":"integer","Value":"2"},{"Name":"time","Type":"string","Value":"19:00"}]}}]}}`},
		{action: "InvokeAgent", input: `{` + agentInput + `,"EndSession":true,"SessionState":{"InvocationId":"inv-0001","ReturnControlInvocationResults":` +
			`[{"FunctionResult":{"ActionGroup":"Reservations","Function":"bookTable","ResponseBody":{"TEXT":{"Body":"Booked for 19:00, confirmation R-77."}}}}]}}`,
			method: "POST", path: agentPath, header: map[string]string{"Content-Type": "application/json"},
			body: `{"endSession":true,"sessionState":{"invocationId":"inv-0001","returnControlInvocationResults":` +
				`[{"functionResult":{"actionGroup":"Reservations","function":"bookTable","responseBody":{"TEXT":{"body":"Booked for 19:00, confirmation R-77."}}}}]}}`,
			answerHeader: agentAnswer, answer: events(chunk("Your table for two is booked at 7pm; confirmation R-77.", "")),
			output: `{"Completion":"Your table for two is booked at 7pm; confirmation R-77.","ContentType":"application/json","SessionId":"` + session + `"}`},
		{action: "Rerank", input: `{"Queries":[{"Type":"TEXT","TextQuery":{"Text":"How fast are refunds?"}}],"Sources":[` +
			`{"Type":"INLINE","InlineDocumentSource":{"Type":"TEXT","TextDocument":{"Text":"Shipping takes 3 days."}}},` +
			`{"Type":"INLINE","InlineDocumentSource":{"Type":"TEXT","TextDocument":{"Text":"Refunds are issued within 14 days."}}}],` +
			`"RerankingConfiguration":{"Type":"BEDROCK_RERANKING_MODEL","BedrockRerankingConfiguration":{"ModelConfiguration":` +
			`{"ModelArn":"arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0"},"NumberOfResults":2}},"NextToken":"page-2"}`,
			method: "POST", path: "/rerank", header: map[string]string{"Content-Type": "application/json"},
			body: `{"queries":[{"type":"TEXT","textQuery":{"text":"How fast are refunds?"}}],"sources":[` +
				`{"type":"INLINE","inlineDocumentSource":{"type":"TEXT","textDocument":{"text":"Shipping takes 3 days."}}},` +
				`{"type":"INLINE","inlineDocumentSource":{"type":"TEXT","textDocument":{"text":"Refunds are issued within 14 days."}}}],` +
				`"rerankingConfiguration":{"type":"BEDROCK_RERANKING_MODEL","bedrockRerankingConfiguration":{"modelConfiguration":` +
				`{"modelArn":"arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0"},"numberOfResults":2}},"nextToken":"page-2"}`,
			answerHeader: map[string]string{"Content-Type": "application/json"},
			answer: `{"results":[{"index":1,"relevanceScore":0.97,"document":{"type":"TEXT","textDocument":{"text":"Refunds are issued within 14 days."}}},` +
				`{"index":0,"relevanceScore":0.02,"document":{"type":"TEXT","textDocument":{"text":"Shipping takes 3 days."}}}],"nextToken":"page-3"}`,
			output: `{"NextToken":"page-3","Results":[{"Document":{"TextDocument":{"Text":"Refunds are issued within 14 days."},"Type":"TEXT"},"Index":1,"RelevanceScore":0.97},` +
				`{"Document":{"TextDocument":{"Text":"Shipping takes 3 days."},"Type":"TEXT"},"Index":0,"RelevanceScore":0.02}]}`},
	})
}

// jsonCase is a case of an awsJson1_1 operation: POST / with X-Amz-Target,
// input and answer bodies as the API reference shows them.
func jsonCase(action, target, input, body, answer, output string) awsCase {
	return awsCase{action: action, input: input, method: "POST", path: "/", target: target,
		header: map[string]string{"Content-Type": "application/x-amz-json-1.1"}, body: body,
		answerHeader: map[string]string{"Content-Type": "application/x-amz-json-1.1"}, answer: answer, output: output}
}

// TestCatalogAmazonComprehend checks the Comprehend actions against the
// Amazon Comprehend API Reference (awsJson1_1, target Comprehend_20171127).
func TestCatalogAmazonComprehend(t *testing.T) {
	t.Parallel()
	const text = `{"Text":"Jane Doe from Seattle loved the new AnyCompany phone.","LanguageCode":"en"}`
	same := func(action, input, answer string) awsCase {
		return jsonCase(action, "Comprehend_20171127."+action, input, input, answer, answer)
	}
	testAWS(t, actiongate.TypeAmazonComprehend, []awsCase{
		same("DetectSentiment", text,
			`{"Sentiment":"POSITIVE","SentimentScore":{"Mixed":0.0011,"Negative":0.0006,"Neutral":0.0105,"Positive":0.9878}}`),
		same("DetectEntities", text,
			`{"Entities":[{"BeginOffset":0,"EndOffset":8,"Score":0.9994,"Text":"Jane Doe","Type":"PERSON"},{"BeginOffset":14,"EndOffset":21,"Score":0.9982,"Text":"Seattle","Type":"LOCATION"}]}`),
		same("DetectKeyPhrases", text,
			`{"KeyPhrases":[{"BeginOffset":32,"EndOffset":53,"Score":0.9991,"Text":"the new AnyCompany phone"}]}`),
		same("DetectDominantLanguage", `{"Text":"Bonjour tout le monde"}`,
			`{"Languages":[{"LanguageCode":"fr","Score":0.9974}]}`),
		same("DetectPiiEntities", `{"Text":"Call Jane at 555-0100.","LanguageCode":"en"}`,
			`{"Entities":[{"BeginOffset":5,"EndOffset":9,"Score":0.9998,"Type":"NAME"},{"BeginOffset":13,"EndOffset":21,"Score":0.9999,"Type":"PHONE"}]}`),
	})
}

// TestCatalogAmazonTextract checks the Textract actions against the Amazon
// Textract API Reference (awsJson1_1, target Textract).
func TestCatalogAmazonTextract(t *testing.T) {
	t.Parallel()
	const blocks = `"Blocks":[{"BlockType":"PAGE","Id":"b1","Geometry":{"BoundingBox":{"Height":1,"Left":0,"Top":0,"Width":1}},"Relationships":[{"Type":"CHILD","Ids":["b2"]}]},` +
		`{"BlockType":"LINE","Id":"b2","Text":"Invoice total: $42.00","Confidence":99.4,"Page":1}]`
	testAWS(t, actiongate.TypeAmazonTextract, []awsCase{
		jsonCase("DetectDocumentText", "Textract.DetectDocumentText",
			`{"Document":{"Bytes":"iVBORw0KGgo="}}`, `{"Document":{"Bytes":"iVBORw0KGgo="}}`,
			`{"DocumentMetadata":{"Pages":1},`+blocks+`,"DetectDocumentTextModelVersion":"1.0"}`,
			`{"DocumentMetadata":{"Pages":1},`+blocks+`,"DetectDocumentTextModelVersion":"1.0"}`),
		jsonCase("AnalyzeDocument", "Textract.AnalyzeDocument",
			`{"Document":{"S3Object":{"Bucket":"amzn-s3-demo-bucket","Name":"invoice.png"}},"FeatureTypes":["TABLES","QUERIES"],"QueriesConfig":{"Queries":[{"Text":"What is the invoice total?","Alias":"TOTAL"}]}}`,
			`{"Document":{"S3Object":{"Bucket":"amzn-s3-demo-bucket","Name":"invoice.png"}},"FeatureTypes":["TABLES","QUERIES"],"QueriesConfig":{"Queries":[{"Text":"What is the invoice total?","Alias":"TOTAL"}]}}`,
			`{"DocumentMetadata":{"Pages":1},`+blocks+`,"AnalyzeDocumentModelVersion":"1.0"}`,
			`{"DocumentMetadata":{"Pages":1},`+blocks+`,"AnalyzeDocumentModelVersion":"1.0"}`),
	})
}

// TestCatalogAmazonComprehendMedical checks the Comprehend Medical actions
// against its API Reference (awsJson1_1, target ComprehendMedical_20181030).
func TestCatalogAmazonComprehendMedical(t *testing.T) {
	t.Parallel()
	const text = `{"Text":"Pt is 40yo male, prescribed 10 mg lisinopril daily."}`
	const entities = `{"Entities":[{"Id":0,"BeginOffset":28,"EndOffset":38,"Score":0.997,"Text":"lisinopril","Category":"MEDICATION","Type":"GENERIC_NAME",` +
		`"Traits":[],"Attributes":[{"Type":"DOSAGE","Score":0.99,"RelationshipScore":0.99,"Id":1,"BeginOffset":22,"EndOffset":27,"Text":"10 mg","Category":"MEDICATION","Traits":[]}]}],` +
		`"UnmappedAttributes":[],"ModelVersion":"2.4.0"}`
	const phi = `{"Entities":[{"Id":0,"BeginOffset":6,"EndOffset":10,"Score":0.998,"Text":"40yo","Category":"PROTECTED_HEALTH_INFORMATION","Type":"AGE","Traits":[]}],"ModelVersion":"0.1.0"}`
	testAWS(t, actiongate.TypeAmazonComprehendMedical, []awsCase{
		jsonCase("DetectEntitiesV2", "ComprehendMedical_20181030.DetectEntitiesV2", text, text, entities, entities),
		jsonCase("DetectPHI", "ComprehendMedical_20181030.DetectPHI", text, text, phi, phi),
	})
}

// TestCatalogAmazonBedrockDataAutomationRuntime checks the Bedrock Data
// Automation Runtime actions against its API Reference (awsJson1_1, target
// AmazonBedrockKeystoneRuntimeService, camelCase members on the wire).
func TestCatalogAmazonBedrockDataAutomationRuntime(t *testing.T) {
	t.Parallel()
	const invocation = "arn:aws:bedrock:us-east-1:111122223333:data-automation-invocation/1a2b3c4d-5e6f"
	testAWS(t, actiongate.TypeAmazonBedrockDataAutomationRuntime, []awsCase{
		jsonCase("InvokeDataAutomationAsync", "AmazonBedrockKeystoneRuntimeService.InvokeDataAutomationAsync",
			`{"InputConfiguration":{"S3Uri":"s3://amzn-s3-demo-bucket/in/claim.pdf"},"OutputConfiguration":{"S3Uri":"s3://amzn-s3-demo-bucket/out/"},`+
				`"DataAutomationConfiguration":{"DataAutomationProjectArn":"arn:aws:bedrock:us-east-1:111122223333:data-automation-project/claims","Stage":"LIVE"},`+
				`"DataAutomationProfileArn":"arn:aws:bedrock:us-east-1:111122223333:data-automation-profile/us.data-automation-v1",`+
				`"NotificationConfiguration":{"EventBridgeConfiguration":{"EventBridgeEnabled":true}},"ClientToken":"claim-0001"}`,
			`{"inputConfiguration":{"s3Uri":"s3://amzn-s3-demo-bucket/in/claim.pdf"},"outputConfiguration":{"s3Uri":"s3://amzn-s3-demo-bucket/out/"},`+
				`"dataAutomationConfiguration":{"dataAutomationProjectArn":"arn:aws:bedrock:us-east-1:111122223333:data-automation-project/claims","stage":"LIVE"},`+
				`"dataAutomationProfileArn":"arn:aws:bedrock:us-east-1:111122223333:data-automation-profile/us.data-automation-v1",`+
				`"notificationConfiguration":{"eventBridgeConfiguration":{"eventBridgeEnabled":true}},"clientToken":"claim-0001"}`,
			`{"invocationArn":"`+invocation+`"}`, `{"InvocationArn":"`+invocation+`"}`),
		jsonCase("GetDataAutomationStatus", "AmazonBedrockKeystoneRuntimeService.GetDataAutomationStatus",
			`{"InvocationArn":"`+invocation+`"}`, `{"invocationArn":"`+invocation+`"}`,
			`{"status":"Success","outputConfiguration":{"s3Uri":"s3://amzn-s3-demo-bucket/out/job_metadata.json"}}`,
			`{"Status":"Success","OutputConfiguration":{"S3Uri":"s3://amzn-s3-demo-bucket/out/job_metadata.json"}}`),
	})
}
