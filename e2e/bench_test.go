package e2e

import (
	"encoding/json"
	"fmt"
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
