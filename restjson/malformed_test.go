package restjson_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/actiongate/actiongate"
)

const validCreate = `{"ActionConnectorId": "c1", "Name": "n", "Type": "SLACK",
	"AuthenticationConfig": {"AuthenticationType": "API_KEY", "AuthenticationMetadata": {
		"ApiKeyConnectionMetadata": {"BaseEndpoint": "https://slack.com/api", "ApiKey": "xoxb-1"}}}}`

// TestMalformedBodies sends bodies that must be refused before anything is
// stored, and checks the code, the status and that nothing was created.
func TestMalformedBodies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	t.Cleanup(func() { // after every subtest: a refused request changes nothing
		cs, err := e.store.ConnectorList(context.Background(), actiongate.ConnectorListParams{AccountID: testAccount, Limit: 10})
		if err != nil || len(cs) != 0 {
			t.Errorf("after refused requests the account holds %d connectors (err %v)", len(cs), err)
		}
	})
	tests := []struct {
		name, body, code, message string
		status                    int
	}{
		// Smithy RestJsonInvalidJsonBody and RestJsonTechnicallyValidJsonBody.
		{"open brackets", `{[`, "SerializationException", "not valid JSON", 400},
		{"trailing bytes", validCreate + `abc`, "SerializationException", "not valid JSON", 400},
		{"leading bytes", `abc` + validCreate, "SerializationException", "must be a JSON object", 400},
		{"line comment", "{\"Name\": \"n\" // c\n}", "SerializationException", "not valid JSON", 400},
		{"block comment", `{"Name": /* c */ "n"}`, "SerializationException", "not valid JSON", 400},
		{"form feed whitespace", "{\f\"Name\": \"n\"}", "SerializationException", "not valid JSON", 400},
		{"single quotes", `{'Name': 'n'}`, "SerializationException", "not valid JSON", 400},
		{"trailing comma", `{"Name": "n",}`, "SerializationException", "not valid JSON", 400},
		{"array", `[]`, "SerializationException", "must be a JSON object", 400},
		{"number", `10`, "SerializationException", "must be a JSON object", 400},
		{"null", `null`, "SerializationException", "must be a JSON object", 400},
		// Stricter than Go's encoding/json.
		{"duplicate key", `{"Name": "a", "Name": "b"}`, "SerializationException", "duplicate member at /Name", 400},
		{"duplicate nested key", strings.Replace(validCreate, `"ApiKey": "xoxb-1"`, `"ApiKey": "a", "ApiKey": "b"`, 1),
			"SerializationException", "duplicate member", 400},
		{"invalid UTF-8", strings.Replace(validCreate, `"n"`, "\"\xff\"", 1), "SerializationException", "not valid UTF-8", 400},
		{"lone surrogate", strings.Replace(validCreate, `"n"`, `"\ud800"`, 1), "SerializationException", "", 400},
		{"depth 65", `{"x":` + strings.Repeat("[", 64) + strings.Repeat("]", 64) + `}`, "SerializationException", "deeper than 64", 400},
		{"depth 10001", `{"x":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`, "SerializationException", "deeper than 64", 400},
		{"wrong type", strings.Replace(validCreate, `"n"`, `5`, 1), "SerializationException", "wrong type at /Name: expected a string", 400},
		{"wrong nested type", strings.Replace(validCreate, `"xoxb-1"`, `{}`, 1), "SerializationException",
			"at /AuthenticationConfig/AuthenticationMetadata/ApiKeyConnectionMetadata/ApiKey", 400},
		// Case variants are unknown members, so the real member is missing.
		{"case variant", strings.Replace(validCreate, `"Name"`, `"name"`, 1), "InvalidParameterValueException", "Name: is required.", 400},
		{"case variant secret", strings.Replace(validCreate, `"ApiKey"`, `"APIKEY"`, 1), "InvalidParameterValueException",
			"ApiKeyConnectionMetadata.ApiKey: is required.", 400},
		{"null member", strings.Replace(validCreate, `"n"`, `null`, 1), "InvalidParameterValueException", "Name: is required.", 400},
		{"empty body", ``, "InvalidParameterValueException", "ActionConnectorId: is required.", 400},
		{"empty union", strings.Replace(validCreate, `"AuthenticationMetadata": {`, `"AuthenticationMetadata": {}, "X": {`, 1),
			"InvalidParameterValueException", "must set exactly one member, got 0", 400},
		{"too large", `{"Description": "` + strings.Repeat("a", 1<<20) + `"}`, "RequestEntityTooLargeException", "larger than the limit of 1 MiB", 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := e.call(t, "POST", connectorsPath, tt.body)
			checkError(t, resp, body, tt.status, tt.code, tt.message)
		})
	}
}

func checkError(t *testing.T, resp *http.Response, body []byte, status int, code, message string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("status = %d, want %d; body %s", resp.StatusCode, status, body)
	}
	if got := resp.Header.Get("X-Amzn-ErrorType"); got != code {
		t.Errorf("X-Amzn-ErrorType = %q, want %q", got, code)
	}
	var out struct{ Message, RequestId string }
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("error body is not JSON: %s", body)
	}
	if !strings.Contains(out.Message, message) {
		t.Errorf("Message = %q, want it to contain %q", out.Message, message)
	}
	if out.RequestId == "" || out.RequestId != resp.Header.Get("X-Amzn-RequestId") {
		t.Errorf("RequestId %q does not match the header %q", out.RequestId, resp.Header.Get("X-Amzn-RequestId"))
	}
}

func TestUnknownMembersIgnored(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := strings.Replace(validCreate, `"Name": "n"`, `"Name": "n", "FutureMember": {"deep": [1, 2, {"x": null}]}`, 1)
	resp, b := e.call(t, "POST", connectorsPath, body)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
}

func TestContentType(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	req := e.request(t, "POST", connectorsPath, validCreate)
	req.Header.Set("Content-Type", "text/plain")
	resp, body := send(t, e.sign(t, req, validCreate))
	checkError(t, resp, body, 415, "UnsupportedMediaTypeException", "application/json")

	req = e.request(t, "POST", connectorsPath, validCreate)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if resp, body := send(t, e.sign(t, req, validCreate)); resp.StatusCode != 200 {
		t.Errorf("application/json with a charset: status %d: %s", resp.StatusCode, body)
	}
}

// TestHugeContentLength announces a 10 GiB body and sends none: the server
// must answer 413 at once instead of waiting for it.
func TestHugeContentLength(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	req := "POST " + connectorsPath + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10737418240\r\n\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	if !bytes.HasPrefix(buf[:n], []byte("HTTP/1.1 413")) {
		t.Errorf("answer %q, want 413", buf[:n])
	}
}
