package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBenchCommand runs `actiongate bench` briefly against a real server with
// each scenario, so that the load tool keeps working.
func TestBenchCommand(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOptions{})
	env := []string{"AWS_ACCESS_KEY_ID=" + adminKey, "AWS_SECRET_ACCESS_KEY=" + adminSecr, "AWS_SESSION_TOKEN=", "AWS_PROFILE=",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}
	for _, scenario := range []string{"Describe", "Create", "List", "Search", "UpdatePermissions"} {
		baseline := fmt.Sprint(scenario == "Describe")
		out := runCLI(t, env, "bench", "--endpoint", s.URL, "--scenario", scenario, "--concurrency", "4",
			"--duration", "300ms", "--warmup", "0s", "--connectors", "5", "--server-pid", fmt.Sprint(s.cmd.Process.Pid),
			"--baseline="+baseline, "--json")
		var rep struct {
			Requests int64            `json:"requests"`
			Errors   int64            `json:"errors"`
			Counts   map[string]int64 `json:"error_counts"`
			Server   *struct {
				PeakRSS float64 `json:"peak_rss_mib"`
			} `json:"server"`
			Ratio *struct {
				RPS float64 `json:"rps"`
			} `json:"ratio"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%s: bench printed %q: %v", scenario, out, err)
		}
		if rep.Requests == 0 || rep.Errors != 0 {
			t.Errorf("%s: %d requests, %d errors %v", scenario, rep.Requests, rep.Errors, rep.Counts)
		}
		if rep.Server == nil || rep.Server.PeakRSS <= 0 {
			t.Errorf("%s: no server figures", scenario)
		}
		if (rep.Ratio != nil && rep.Ratio.RPS > 0) != (scenario == "Describe") {
			t.Errorf("%s: ratio %+v with baseline=%s", scenario, rep.Ratio, baseline)
		}
	}
}

// TestBenchScale runs the scale test of `actiongate bench` at small sizes: it
// seeds the server's database directly and checks that every operation
// answered what was stored (the tool checks each before measuring) and that
// the report holds figures for every size and operation.
func TestBenchScale(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverOptions{})
	env := []string{"AWS_ACCESS_KEY_ID=" + adminKey, "AWS_SECRET_ACCESS_KEY=" + adminSecr, "AWS_SESSION_TOKEN=", "AWS_PROFILE=",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}
	out := runCLI(t, env, "bench", "--endpoint", s.URL, "--account", account, "--scale", "1000,3000",
		"--data-dir", s.DataDir, "--concurrency", "4", "--duration", "200ms", "--warmup", "0s",
		"--server-pid", fmt.Sprint(s.cmd.Process.Pid), "--json")
	var rep struct {
		Steps []struct {
			Connectors int `json:"connectors"`
			InAccount  int `json:"in_account"`
			Seeded     int `json:"seeded"`
			Operations []struct {
				Name             string
				Requests, Errors int64
				Results          int
				Latency          struct {
					P50 float64 `json:"p50_ms"`
				} `json:"latency"`
			}
			Server *struct {
				PeakRSS float64 `json:"peak_rss_mib"`
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("bench --scale printed %q: %v", out, err)
	}
	type opWant struct {
		name    string
		results int
	}
	want := []opWant{{"Describe", 1}, {"List", 100}, {"Search StringEquals", 1}, {"Search StringLike", 1}}
	if len(rep.Steps) != 2 {
		t.Fatalf("%d steps, want 2:\n%s", len(rep.Steps), out)
	}
	for i, st := range rep.Steps {
		if wantN := []int{1000, 3000}[i]; st.Connectors != wantN || st.InAccount != wantN/10 || st.Seeded != []int{1000, 2000}[i] {
			t.Errorf("step %d: %d connectors, %d in the account, %d seeded", i, st.Connectors, st.InAccount, st.Seeded)
		}
		var got []opWant
		for _, op := range st.Operations {
			got = append(got, opWant{op.Name, op.Results})
			if op.Requests == 0 || op.Errors != 0 || op.Latency.P50 <= 0 {
				t.Errorf("step %d, %s: %d requests, %d errors, p50 %v ms", i, op.Name, op.Requests, op.Errors, op.Latency.P50)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("step %d: operations and results %v, want %v", i, got, want)
		}
		if st.Server == nil || st.Server.PeakRSS <= 0 {
			t.Errorf("step %d: no server figures", i)
		}
	}
}

// TestBenchInvoke runs the Invoke scenario of `actiongate bench` briefly. A
// first run against a server that may not reach loopback fails at setup,
// having written the upstream's certificate, and says how to start the
// server; a second, against a server started so, reports the invocations,
// the upstream called directly and the bare baseline, without errors.
func TestBenchInvoke(t *testing.T) {
	t.Parallel()
	env := []string{"AWS_ACCESS_KEY_ID=" + adminKey, "AWS_SECRET_ACCESS_KEY=" + adminSecr, "AWS_SESSION_TOKEN=", "AWS_PROFILE=",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"}
	dir := filepath.Join(t.TempDir(), "upstream")
	certPath := filepath.Join(dir, "cert.pem")
	bench := func(s *server) []string {
		return []string{"bench", "--endpoint", s.URL, "--scenario", "Invoke", "--upstream-dir", dir, "--concurrency", "2",
			"--duration", "300ms", "--warmup", "0s", "--server-pid", fmt.Sprint(s.cmd.Process.Pid), "--json"}
	}

	closed := startServer(t, serverOptions{})
	cmd := exec.Command(binary, bench(closed)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("bench Invoke against a server that may not reach loopback succeeded:\n%s", out)
	}
	if want := "SSL_CERT_FILE=" + certPath + " actiongate serve --egress-allow 127.0.0.1/32"; !strings.Contains(string(out), want) {
		t.Errorf("bench Invoke failed without saying %q:\n%s", want, out)
	}

	s := startServer(t, runtimeOptions(certPath))
	var rep struct {
		Requests   int64            `json:"requests"`
		Errors     int64            `json:"errors"`
		Counts     map[string]int64 `json:"error_counts"`
		Operations []struct{ Name string }
		Direct     *struct {
			Requests   int64            `json:"requests"`
			Errors     int64            `json:"errors"`
			Counts     map[string]int64 `json:"error_counts"`
			Operations []struct{ Name string }
		} `json:"direct"`
		DirectRatio *struct {
			RPS float64 `json:"rps"`
		} `json:"direct_ratio"`
		Added    *struct{} `json:"added"`
		Baseline *struct {
			Requests int64 `json:"requests"`
		} `json:"baseline"`
		UpstreamConnections int64 `json:"upstream_connections"`
		Server              *struct {
			PeakRSS float64 `json:"peak_rss_mib"`
		} `json:"server"`
	}
	outJSON := runCLI(t, env, bench(s)...)
	if err := json.Unmarshal([]byte(outJSON), &rep); err != nil {
		t.Fatalf("bench printed %q: %v", outJSON, err)
	}
	if rep.Requests == 0 || rep.Errors != 0 || len(rep.Operations) != 1 || rep.Operations[0].Name != "InvokeAction" {
		t.Errorf("through actiongate: %d requests, %d errors %v, operations %v", rep.Requests, rep.Errors, rep.Counts, rep.Operations)
	}
	if d := rep.Direct; d == nil || d.Requests == 0 || d.Errors != 0 || len(d.Operations) != 1 || d.Operations[0].Name != "upstream directly" {
		t.Errorf("upstream directly: %+v", d)
	}
	if rep.DirectRatio == nil || rep.DirectRatio.RPS <= 0 || rep.Added == nil {
		t.Errorf("no comparison with the upstream: ratio %+v, added %v", rep.DirectRatio, rep.Added)
	}
	if rep.Baseline == nil || rep.Baseline.Requests == 0 {
		t.Errorf("no baseline: %+v", rep.Baseline)
	}
	if rep.UpstreamConnections <= 0 {
		t.Errorf("the server opened %d connections to the upstream", rep.UpstreamConnections)
	}
	if rep.Server == nil || rep.Server.PeakRSS <= 0 {
		t.Error("no server figures")
	}
}
