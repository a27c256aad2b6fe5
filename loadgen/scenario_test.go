package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/restjson"
	"github.com/actiongate/actiongate/store/sqlite"
	"github.com/actiongate/actiongate/throttle"
	"github.com/actiongate/actiongate/vault"
)

const testAccount = "111122223333"

var testCreds = aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}

// server is the real stack (restjson over the Service, SQLite and the vault)
// on a loopback port, with one administrator key, as in restjson's tests.
type server struct {
	url   string
	store actiongate.Store
}

func newServer(t testing.TB) *server {
	t.Helper()
	return newThrottledServer(t, nil)
}

// newThrottledServer is newServer with a request rate limit.
func newThrottledServer(t testing.TB, limit *throttle.Limiter) *server {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "actiongate.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	root, err := vault.KeyFromEnv("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		t.Fatal(err)
	}
	b, err := vault.Open(ctx, vault.Config{Root: root, Keys: st})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	svc := actiongate.NewService(actiongate.Config{Store: st, Sealer: b, Region: DefaultRegion, Logger: log,
		PageTokenKey: []byte("0123456789abcdef0123456789abcdef"), Rand: rand.NewChaCha8([32]byte{})})
	if _, _, err := svc.CreateIdentity(ctx, actiongate.NewIdentity{AccountID: testAccount, Admin: true,
		AccessKeyID: testCreds.AccessKeyID, SecretAccessKey: actiongate.NewSecret([]byte(testCreds.SecretAccessKey))}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(restjson.New(restjson.Config{Service: svc, Logger: log, Throttle: limit}))
	t.Cleanup(srv.Close)
	return &server{url: srv.URL, store: st}
}

func (s *server) config() Config {
	return Config{Endpoint: s.url, AccountID: testAccount, Credentials: testCreds, Concurrency: 4,
		Duration: time.Second, Warmup: 50 * time.Millisecond, Connectors: 5}
}

// connectorCount returns how many connectors the account holds.
func (s *server) connectorCount(t *testing.T) int {
	cs, err := s.store.ConnectorList(context.Background(), actiongate.ConnectorListParams{AccountID: testAccount, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(cs)
}

// TestScenarios runs every scenario briefly against the real server: every
// request must answer 200, every operation of the scenario must be measured,
// and teardown must leave the account empty. Invoke needs the runtime and an
// egress policy that allows loopback: e2e's TestBenchInvoke runs it against
// the real binary.
func TestScenarios(t *testing.T) {
	t.Parallel()
	want := map[Scenario][]string{
		Describe:          {opDescribe},
		Create:            {opCreate, opDelete},
		List:              {opList},
		Search:            {opSearch},
		UpdatePermissions: {opUpdatePermissions},
	}
	for _, sc := range Scenarios {
		if sc == Invoke {
			continue
		}
		t.Run(string(sc), func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			cfg := s.config()
			cfg.Scenario = sc
			rep, err := Run(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Errors != 0 || rep.Requests == 0 {
				t.Errorf("%d requests, %d errors: %v", rep.Requests, rep.Errors, rep.ErrorCounts)
			}
			var ops []string
			for _, op := range rep.Operations {
				ops = append(ops, op.Name)
				if op.Requests == 0 || op.RPS <= 0 || op.Latency.P50 <= 0 || op.Latency.Max < op.Latency.P99 {
					t.Errorf("%s: %+v", op.Name, op)
				}
			}
			if strings.Join(ops, ",") != strings.Join(want[sc], ",") {
				t.Errorf("operations %v, want %v", ops, want[sc])
			}
			if n := s.connectorCount(t); n != 0 {
				t.Errorf("%d connectors left after the run", n)
			}
		})
	}
}

// TestScenarioResponses checks what the scenarios' requests return: a page
// of 100 for List and Search, and grants that stick for UpdatePermissions.
func TestScenarioResponses(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	cfg, err := s.config().withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.client()
	for _, sc := range []Scenario{List, Search, UpdatePermissions} {
		p := &plan{scenario: sc, req: requests{account: testAccount, region: DefaultRegion}, tag: runTag()}
		if err := p.setup(t.Context(), c, 4, 4, nil); err != nil {
			t.Fatal(err)
		}
		r, err := c.do(t.Context(), p.iteration(3)[0], true)
		if err != nil || r.status != 200 {
			t.Fatalf("%s: %d %s %v", sc, r.status, r.body, err)
		}
		var out struct {
			ActionConnectorSummaries []struct{ Name string }
			Permissions              []struct{ Principal string }
		}
		if err := json.Unmarshal(r.body, &out); err != nil {
			t.Fatal(err)
		}
		switch sc {
		case List, Search:
			if len(out.ActionConnectorSummaries) != 100 {
				t.Errorf("%s returned %d connectors, want a page of 100", sc, len(out.ActionConnectorSummaries))
			}
			for _, c := range out.ActionConnectorSummaries {
				if sc == Search && !strings.HasPrefix(c.Name, p.tag+" ") {
					t.Errorf("Search for %q returned %q", p.tag, c.Name)
				}
			}
		case UpdatePermissions:
			if len(p.users) != permissionUsers {
				t.Errorf("%d users registered, want %d", len(p.users), permissionUsers)
			}
			if len(out.Permissions) != 1 || !strings.HasSuffix(out.Permissions[0].Principal, "/"+p.users[0]) {
				t.Errorf("permissions after a grant: %+v", out.Permissions)
			}
		}
		if err := p.teardown(t.Context(), c, 4); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.connectorCount(t); n != 0 {
		t.Errorf("%d connectors left", n)
	}
}

// TestBaselineAndReport captures a Describe body, runs a Baseline with it,
// relates a run to it and renders the report, sampling this process as the
// server (the server under test runs in it).
func TestBaselineAndReport(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	cfg := s.config()
	body, err := CaptureDescribe(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(body, []byte(`"ActionConnector"`)) {
		t.Fatalf("captured %s", body)
	}
	cfg.ServerPID = 1 << 30 // no such process: noted, not fatal
	rep, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Server != nil || len(rep.Notes) != 1 || rep.Client == nil {
		t.Errorf("server %+v, client %+v, notes %q", rep.Server, rep.Client, rep.Notes)
	}
	base, err := Baseline(t.Context(), body, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if base.Errors != 0 || base.Requests == 0 || base.Scenario != baseline {
		t.Errorf("baseline: %d requests, %d errors, scenario %s", base.Requests, base.Errors, base.Scenario)
	}
	rep.Compare(base)
	if rep.Ratio.RPS <= 0 || rep.Ratio.P99 <= 0 {
		t.Errorf("ratio %+v", rep.Ratio)
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DescribeActionConnector", "baseline (bare net/http)", "versus baseline", "p99.9 ms", "load generator"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js, &back); err != nil || back.Ratio == nil || back.Baseline == nil || back.Operations[0].Latency.P99 != rep.Operations[0].Latency.P99 {
		t.Errorf("JSON round trip: %v\n%s", err, js)
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	good := Config{Endpoint: "http://127.0.0.1:1", AccountID: testAccount, Credentials: testCreds}
	for name, mod := range map[string]func(*Config){
		"no endpoint":  func(c *Config) { c.Endpoint = "" },
		"bad account":  func(c *Config) { c.AccountID = "123" },
		"no secret":    func(c *Config) { c.Credentials.SecretAccessKey = "" },
		"negative":     func(c *Config) { c.Rate = -1 },
		"bad scenario": func(c *Config) { c.Scenario = "Invoke" },
	} {
		cfg := good
		mod(&cfg)
		if _, err := Run(t.Context(), cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if sc, err := ParseScenario("updatepermissions"); err != nil || sc != UpdatePermissions {
		t.Errorf("ParseScenario: %v %v", sc, err)
	}
}

// TestUnreachable: a run against a closed port fails in Setup, and a Create
// run (no setup) counts transport errors by code.
func TestUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(nil)
	url := srv.URL
	srv.Close()
	cfg := Config{Endpoint: url, AccountID: testAccount, Credentials: testCreds, Duration: 100 * time.Millisecond, Concurrency: 2}
	if _, err := Run(t.Context(), cfg); err == nil {
		t.Error("Describe against a closed port: no error")
	}
	cfg.Scenario = Create
	rep, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errors == 0 || rep.Errors != rep.ErrorCounts["ConnectionRefused"] {
		t.Errorf("errors %d by code %v", rep.Errors, rep.ErrorCounts)
	}
}

// TestThrottledServer: setup and teardown retry ThrottlingException, and the
// run counts the throttled requests by their X-Amzn-ErrorType.
func TestThrottledServer(t *testing.T) {
	t.Parallel()
	s := newThrottledServer(t, throttle.New(throttle.Config{
		Read: throttle.Limit{Rate: 100, Burst: 10}, Write: throttle.Limit{Rate: 20, Burst: 5}}))
	cfg := s.config()
	cfg.Connectors = 12
	cfg.Duration = 500 * time.Millisecond
	rep, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.ErrorCounts["ThrottlingException"]; n == 0 || n != rep.Errors || rep.Requests <= n {
		t.Errorf("%d requests, %d errors by code %v; want some throttled", rep.Requests, rep.Errors, rep.ErrorCounts)
	}
	if n := s.connectorCount(t); n != 0 {
		t.Errorf("%d connectors left after the run", n)
	}
}

// TestWithoutUsersAPI: against a server without RegisterUser (404
// UnknownOperationException), UpdatePermissions setup registers nobody,
// still grants to its user names, and teardown deletes no users.
func TestWithoutUsersAPI(t *testing.T) {
	t.Parallel()
	var userCalls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/users") {
			userCalls.Add(1)
			w.Header().Set("X-Amzn-ErrorType", "UnknownOperationException")
			w.WriteHeader(404)
			return
		}
		io.WriteString(w, `{"Status":200}`)
	}))
	defer srv.Close()
	cfg, err := Config{Endpoint: srv.URL, AccountID: testAccount, Credentials: testCreds}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.client()
	p := &plan{scenario: UpdatePermissions, req: requests{account: testAccount, region: DefaultRegion}, tag: runTag()}
	if err := p.setup(t.Context(), c, 3, 2, nil); err != nil {
		t.Fatal(err)
	}
	if len(p.users) != 0 || len(p.grantees) != permissionUsers || userCalls.Load() != 1 {
		t.Errorf("users %v, grantees %v, %d RegisterUser calls", p.users, p.grantees, userCalls.Load())
	}
	if !bytes.Contains(p.iteration(0)[0].body, []byte(p.grantees[0])) {
		t.Errorf("iteration 0 grants nothing to %s: %s", p.grantees[0], p.iteration(0)[0].body)
	}
	if err := p.teardown(t.Context(), c, 2); err != nil || userCalls.Load() != 1 {
		t.Errorf("teardown: %v, %d RegisterUser or DeleteUser calls", err, userCalls.Load())
	}
}
