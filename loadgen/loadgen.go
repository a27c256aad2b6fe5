// Package loadgen is actiongate's load generator, for capacity planning. It
// drives a QuickSight action-connector endpoint (actiongate, or anything that
// speaks the same restJson1 API) with one scenario at a fixed concurrency
// (closed loop) or a fixed request rate (open loop, latency measured from the
// scheduled send time), signing every request with the AWS SDK's SigV4 signer
// as clients do. It reports requests per second, latency percentiles and
// error counts per operation, the server's CPU and peak RSS when its process
// id is given, and, with Baseline, the same figures for a bare net/http server
// so that every figure can be read as a ratio of this machine's ceiling.
package loadgen

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Defaults of Config.
const (
	DefaultRegion         = "us-east-1"
	DefaultDuration       = 10 * time.Second
	DefaultClosedWorkers  = 16  // closed loop
	DefaultOpenWorkers    = 256 // open loop: requests in flight at most
	DefaultConnectors     = 100
	DefaultSampleInterval = 100 * time.Millisecond
	DefaultRequestTimeout = 30 * time.Second
	teardownTimeout       = 2 * time.Minute
	maxSetupParallelism   = 16
)

// Config configures a run. Endpoint, AccountID and Credentials are required;
// every other field's zero value works.
type Config struct {
	// Endpoint is the base URL of the API, such as "http://127.0.0.1:8080".
	Endpoint string
	// Region is the signing region; default DefaultRegion.
	Region string
	// AccountID is the 12-digit account the requests address.
	AccountID string
	// Credentials sign every request (AccessKeyID and SecretAccessKey, and
	// SessionToken if any). The identity must be allowed every operation of
	// the scenario, its Setup and its teardown.
	Credentials aws.Credentials
	// Scenario is what to send; default Describe.
	Scenario Scenario
	// Rate, when positive, runs an open loop: this many iterations per second
	// on a fixed schedule. Zero runs a closed loop.
	Rate float64
	// Concurrency is the number of workers. In a closed loop each sends its
	// next iteration when the last one answered (default
	// DefaultClosedWorkers); in an open loop it bounds the iterations in
	// flight (default DefaultOpenWorkers), and iterations that wait for a
	// free worker count the wait in their latency.
	Concurrency int
	// Duration is the measured window; default DefaultDuration.
	Duration time.Duration
	// Warmup is sent before the measured window and not recorded; default 0.
	Warmup time.Duration
	// Connectors is how many connectors Setup creates for Describe and
	// UpdatePermissions to address in turn (default DefaultConnectors); List
	// and Search always have at least 120.
	Connectors int
	// ServerPID, when positive, is the server's process id on this machine:
	// its /proc counters are sampled during the measured window for the
	// report's Server figures.
	ServerPID int
	// SampleInterval is how often /proc is read; default
	// DefaultSampleInterval.
	SampleInterval time.Duration
	// Client sends the requests. Default: keep-alive connections, at least
	// Concurrency idle per host, DefaultRequestTimeout per request.
	Client *http.Client
	// Upstream is the service the Invoke scenario's connector calls
	// (StartUpstream); required for Invoke and Direct, unused otherwise.
	Upstream *Upstream
}

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// withDefaults returns cfg with its defaults filled in, or an error naming
// the first invalid field.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Endpoint == "" {
		return cfg, errors.New("loadgen: Endpoint is required")
	}
	cfg.Endpoint = strings.TrimSuffix(cfg.Endpoint, "/")
	if !accountIDPattern.MatchString(cfg.AccountID) {
		return cfg, fmt.Errorf("loadgen: AccountID %q must be 12 digits", cfg.AccountID)
	}
	if cfg.Credentials.AccessKeyID == "" || cfg.Credentials.SecretAccessKey == "" {
		return cfg, errors.New("loadgen: Credentials need an access key id and a secret access key")
	}
	if cfg.Rate < 0 || cfg.Concurrency < 0 || cfg.Duration < 0 || cfg.Warmup < 0 || cfg.Connectors < 0 {
		return cfg, errors.New("loadgen: Rate, Concurrency, Duration, Warmup and Connectors must not be negative")
	}
	cfg.Region = cmp.Or(cfg.Region, DefaultRegion)
	cfg.Scenario = cmp.Or(cfg.Scenario, Describe)
	if cfg.Rate > 0 {
		cfg.Concurrency = cmp.Or(cfg.Concurrency, DefaultOpenWorkers)
	} else {
		cfg.Concurrency = cmp.Or(cfg.Concurrency, DefaultClosedWorkers)
	}
	cfg.Duration = cmp.Or(cfg.Duration, DefaultDuration)
	cfg.Connectors = cmp.Or(cfg.Connectors, DefaultConnectors)
	cfg.SampleInterval = cmp.Or(cfg.SampleInterval, DefaultSampleInterval)
	if cfg.Client == nil {
		cfg.Client = &http.Client{Transport: newTransport(cfg.Concurrency), Timeout: DefaultRequestTimeout}
	}
	return cfg, nil
}

func (cfg Config) client() *client {
	return &client{endpoint: cfg.Endpoint, region: cfg.Region, creds: cfg.Credentials, signer: v4.NewSigner(), http: cfg.Client}
}

// Run runs cfg.Scenario against cfg.Endpoint: Setup (creating the
// connectors and users the scenario needs, named after a random run tag
// "lg" and 8 hex digits), Warmup, the measured Duration, then a teardown that
// deletes what Setup created, even when ctx is done. It fails when the
// configuration is invalid or Setup fails; errors answered during the run are
// counted in the Report, not returned. A teardown failure is returned with
// the Report. Cancelling ctx ends the run early; the Report then covers what
// was measured.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if _, err := ParseScenario(string(cfg.Scenario)); err != nil {
		return nil, err
	}
	if cfg.Scenario == Invoke && cfg.Upstream == nil {
		return nil, errors.New("loadgen: the Invoke scenario needs an Upstream")
	}
	return run(ctx, cfg)
}

func run(ctx context.Context, cfg Config) (*Report, error) {
	c := cfg.client()
	p := &plan{scenario: cfg.Scenario, req: requests{account: cfg.AccountID, region: cfg.Region}, tag: runTag()}
	par := min(cfg.Concurrency, maxSetupParallelism)
	var conns int64
	if cfg.Upstream != nil {
		conns = cfg.Upstream.Connections()
	}
	cleanup := func() error {
		tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), teardownTimeout)
		defer cancel()
		return p.teardown(tctx, c, par)
	}
	if err := p.setup(ctx, c, cfg.Connectors, par, cfg.Upstream); err != nil {
		return nil, errors.Join(err, cleanup())
	}

	rep := measure(ctx, cfg, p.iteration, func(ctx context.Context, s step) string {
		r, err := c.do(ctx, s, false)
		if err != nil {
			return "RequestBuildError"
		}
		return r.code
	})
	if cfg.Scenario == Invoke {
		rep.UpstreamConnections = cfg.Upstream.Connections() - conns
	}
	return rep, cleanup()
}

// measure runs the load loop of cfg with iteration and send, sampling the
// server (cfg.ServerPID) and this process during the measured window, and
// returns the Report.
func measure(ctx context.Context, cfg Config, iteration func(i int64) []step, send func(ctx context.Context, s step) string) *Report {
	type samplers struct{ server, client *sampler }
	started := make(chan samplers, 1)
	var samplerErr error
	l := &loop{
		clock: realClock{}, workers: cfg.Concurrency, rate: cfg.Rate, warmup: cfg.Warmup, duration: cfg.Duration,
		iteration: iteration,
		send:      send,
		started: func(start time.Time) {
			go func() {
				var s samplers
				if realClock.SleepUntil(realClock{}, ctx, start) == nil {
					var err error
					if cfg.ServerPID > 0 {
						if s.server, err = startSampler(cfg.ServerPID, cfg.SampleInterval); err != nil {
							samplerErr = err
						}
					}
					s.client, _ = startSampler(os.Getpid(), cfg.SampleInterval)
				}
				started <- s
			}()
		},
	}
	res := l.run(ctx)
	s := <-started
	rep := newReport(cfg, res)
	if s.server != nil {
		rep.Server, samplerErr = s.server.finish()
	}
	if s.client != nil {
		rep.Client, _ = s.client.finish()
	}
	if cfg.ServerPID == os.Getpid() {
		rep.Notes = append(rep.Notes, "the server runs in the load generator's process: its CPU and RSS include the load generator's")
	}
	if samplerErr != nil && cfg.ServerPID > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("server process %d not sampled: %v", cfg.ServerPID, samplerErr))
	}
	return rep
}

// CaptureDescribe returns the body of a DescribeActionConnector response from
// cfg.Endpoint, for Baseline: it creates a connector as the Describe scenario
// does, describes it and deletes it.
func CaptureDescribe(ctx context.Context, cfg Config) ([]byte, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c := cfg.client()
	p := &plan{scenario: Describe, req: requests{account: cfg.AccountID, region: cfg.Region}, tag: runTag()}
	err = p.setup(ctx, c, 1, 1, nil)
	var body []byte
	if err == nil {
		var r response
		r, err = c.do(ctx, p.iteration(0)[0], true)
		if err == nil && r.code != "" {
			err = fmt.Errorf("loadgen: DescribeActionConnector: %s: %s", r.code, r.body)
		}
		body = r.body
	}
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), teardownTimeout)
	defer cancel()
	if err := errors.Join(err, p.teardown(tctx, c, 1)); err != nil {
		return nil, err
	}
	return body, nil
}

// Baseline measures the ceiling of this machine for a JSON API: it starts a
// bare net/http server on 127.0.0.1 in this process that answers every
// request with body (a Describe response, see CaptureDescribe) and the
// headers actiongate sends (Content-Type, X-Amzn-RequestId), and runs the
// load of cfg against it: the same loop, concurrency or rate, duration,
// warmup, client and per-request signing; cfg.Endpoint, Scenario and
// ServerPID are ignored. The server shares this process, so Client figures
// include it. Use Report.Compare to relate a run to it.
func Baseline(ctx context.Context, body []byte, cfg Config) (*Report, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		h["X-Amzn-Requestid"] = []string{"00000000-0000-4000-8000-000000000000"}
		w.Write(body)
	}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	cfg.Endpoint = "http://" + ln.Addr().String()
	cfg.ServerPID = 0
	cfg, err = cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	cfg.Scenario = baseline
	return run(ctx, cfg)
}
