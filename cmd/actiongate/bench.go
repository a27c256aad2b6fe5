package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/actiongate/actiongate/loadgen"
)

// bench runs a load scenario against a running server and prints the report.
// Credentials come from the standard AWS chain: AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, AWS_SHARED_CREDENTIALS_FILE, or a profile.
func bench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	names := make([]string, len(loadgen.Scenarios))
	for i, s := range loadgen.Scenarios {
		names[i] = string(s)
	}
	var (
		endpoint    = fs.String("endpoint", "http://127.0.0.1:8080", "base URL of the server")
		region      = fs.String("region", loadgen.DefaultRegion, "signing region")
		account     = fs.String("account", "111122223333", "account the requests address")
		scenario    = fs.String("scenario", string(loadgen.Describe), "what to send: "+strings.Join(names, ", "))
		concurrency = fs.Int("concurrency", 0, "workers: requests in flight in a closed loop, the bound on them in an open loop (default: the scenario's)")
		rate        = fs.Float64("rate", 0, "requests per second on a fixed schedule (open loop); 0 runs a closed loop at --concurrency")
		duration    = fs.Duration("duration", 10*time.Second, "measured window")
		warmup      = fs.Duration("warmup", 2*time.Second, "load sent before the measured window and not recorded")
		connectors  = fs.Int("connectors", 0, "connectors set up for Describe and UpdatePermissions to address (default: the tool's)")
		serverPID   = fs.Int("server-pid", 0, "process id of the server on this machine, to report its CPU and peak RSS")
		baseline    = fs.Bool("baseline", true, "also measure a bare net/http server returning the same bytes as Describe, and report ratios")
		asJSON      = fs.Bool("json", false, "print the report as JSON")
		upstreamDir = fs.String("upstream-dir", "./actiongate-bench-upstream", "with --scenario Invoke: directory of the loopback upstream's certificate (cert.pem, key.pem), created on first use; start the server with SSL_CERT_FILE=<dir>/cert.pem and --egress-allow 127.0.0.1/32")
		scale       = fs.String("scale", "", "run the scale test instead of a scenario: comma-separated numbers of connectors to store (e.g. 10000,100000,1000000) directly in the server's database (--data-dir or --database-url), measuring Describe, List and Search by name at each")
		st          storage
	)
	fs.StringVar(&st.dataDir, "data-dir", "./actiongate-data", "with --scale: the server's data directory, whose SQLite database is seeded")
	fs.StringVar(&st.databaseURL, "database-url", "", "with --scale: the server's PostgreSQL database (postgres://...), seeded instead of SQLite")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var sizes []int
	if *scale != "" {
		for _, f := range strings.Split(*scale, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 10 {
				return fmt.Errorf("--scale: %q is not a number of connectors of 10 or more", f)
			}
			sizes = append(sizes, n)
		}
		if !slices.IsSorted(sizes) {
			return errors.New("--scale: give the sizes in increasing order")
		}
	}
	sc, err := loadgen.ParseScenario(*scenario)
	if err != nil {
		return err
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(*region))
	if err != nil {
		return fmt.Errorf("AWS credentials: %w", err)
	}
	creds, err := awsCfg.Credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("AWS credentials: %w (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_SHARED_CREDENTIALS_FILE)", err)
	}
	cfg := loadgen.Config{
		Endpoint: *endpoint, Region: *region, AccountID: *account, Credentials: creds, Scenario: sc,
		Rate: *rate, Concurrency: *concurrency, Duration: *duration, Warmup: *warmup,
		Connectors: *connectors, ServerPID: *serverPID,
	}
	if *duration <= 0 {
		return errors.New("--duration must be positive")
	}
	if sizes != nil {
		return benchScale(ctx, cfg, sizes, &st, *asJSON, stdout)
	}
	if sc == loadgen.Invoke {
		up, certFile, err := startUpstream(*upstreamDir)
		if err != nil {
			return err
		}
		defer up.Close()
		fmt.Fprintf(stderr, "Invoke: upstream %s; the server must run with SSL_CERT_FILE=%s and --egress-allow 127.0.0.1/32\n", up.URL, certFile)
		cfg.Upstream = up
	}
	rep, err := loadgen.Run(ctx, cfg)
	if ue := (*loadgen.UnreachableUpstreamError)(nil); errors.As(err, &ue) {
		certFile, _ := filepath.Abs(filepath.Join(*upstreamDir, "cert.pem"))
		return fmt.Errorf("%w\nstart the server with:\n  SSL_CERT_FILE=%s actiongate serve --egress-allow 127.0.0.1/32 ...", err, certFile)
	}
	if err != nil {
		return err
	}
	if sc == loadgen.Invoke {
		ref, err := loadgen.Direct(ctx, cfg)
		if err != nil {
			return fmt.Errorf("the upstream directly: %w", err)
		}
		rep.CompareDirect(ref)
	}
	if *baseline {
		body, err := loadgen.CaptureDescribe(ctx, cfg)
		if err != nil {
			return fmt.Errorf("capturing a Describe response for the baseline: %w", err)
		}
		base, err := loadgen.Baseline(ctx, body, cfg)
		if err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
		rep.Compare(base)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.WriteText(stdout)
}

// startUpstream starts the Invoke scenario's loopback upstream with the
// certificate in dir (cert.pem and key.pem), creating both when cert.pem is
// missing, and returns it with the certificate's absolute path.
func startUpstream(dir string) (*loadgen.Upstream, string, error) {
	certFile, err := filepath.Abs(filepath.Join(dir, "cert.pem"))
	if err != nil {
		return nil, "", err
	}
	keyFile := filepath.Join(filepath.Dir(certFile), "key.pem")
	certPEM, err := os.ReadFile(certFile)
	var keyPEM []byte
	if err == nil {
		keyPEM, err = os.ReadFile(keyFile)
	} else if errors.Is(err, fs.ErrNotExist) {
		if certPEM, keyPEM, err = loadgen.NewUpstreamCertificate(time.Now()); err != nil {
			return nil, "", err
		}
		err = errors.Join(os.MkdirAll(filepath.Dir(certFile), 0o755),
			os.WriteFile(keyFile, keyPEM, 0o600), os.WriteFile(certFile, certPEM, 0o644))
	}
	if err != nil {
		return nil, "", fmt.Errorf("--upstream-dir: %w", err)
	}
	up, err := loadgen.StartUpstream(certPEM, keyPEM)
	if err != nil {
		return nil, "", fmt.Errorf("--upstream-dir %s: %w", dir, err)
	}
	return up, certFile, nil
}

// benchScale runs the scale test of loadgen.RunScale, seeding the server's
// database that st names, and prints the report.
func benchScale(ctx context.Context, cfg loadgen.Config, sizes []int, st *storage, asJSON bool, stdout io.Writer) error {
	db, err := st.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	seeder, ok := db.(loadgen.Seeder)
	if !ok {
		return errors.New("--scale: this database cannot be seeded in bulk")
	}
	rep, err := loadgen.RunScale(ctx, loadgen.ScaleConfig{Config: cfg, Sizes: sizes, Store: seeder})
	if rep != nil && len(rep.Steps) > 0 {
		var werr error
		if asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			werr = enc.Encode(rep)
		} else {
			werr = rep.WriteText(stdout)
		}
		err = errors.Join(err, werr)
	}
	return err
}
