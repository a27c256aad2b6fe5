package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/audit"
	"github.com/actiongate/actiongate/restjson"
	"github.com/actiongate/actiongate/throttle"
	"github.com/actiongate/actiongate/vault"
)

// defaultBootstrapAccount is the account of the first administrator when
// ACTIONGATE_BOOTSTRAP_ACCOUNT_ID is not set.
const defaultBootstrapAccount = "111122223333"

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		st         storage
		out        outbound
		addr       = fs.String("addr", "127.0.0.1:8080", "address to listen on")
		region     = fs.String("region", "us-east-1", "AWS region the API answers for, in signatures and ARNs")
		logLevel   = fs.String("log-level", "info", "least important log level to write: debug, info, warn or error")
		readRate   = fs.Float64("throttle-read-rate", 0, "Describe, List and Search requests per second allowed to each account (0: no limit)")
		readBurst  = fs.Int("throttle-read-burst", 0, "read requests an account may send at once above its rate (default: one second's worth)")
		writeRate  = fs.Float64("throttle-write-rate", 0, "Create, Update, Delete, permission and tag requests per second allowed to each account (0: no limit)")
		writeBurst = fs.Int("throttle-write-burst", 0, "write requests an account may send at once above its rate (default: one second's worth)")
		reload     = fs.Duration("keyring-reload-interval", 30*time.Second, "how often to re-read the vault's key terms, so that a rotation reaches running servers")
		retention  = fs.Duration("audit-retention", 90*24*time.Hour, "how long audit events are kept; older ones are deleted hourly (0: keep every event)")
	)
	st.register(fs)
	out.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	if *reload <= 0 {
		return errors.New("--keyring-reload-interval must be positive")
	}
	if *retention < 0 {
		return errors.New("--audit-retention must not be negative")
	}
	svc, store, barrier, closeStorage, err := st.open(ctx, *region, log, &out)
	if err != nil {
		return err
	}
	defer closeStorage()
	go reloadKeyring(ctx, barrier, *reload, log)
	recorder := audit.Start(audit.Config{Store: store, Logger: log})
	defer closeRecorder(recorder, log) // before the store closes
	go (&audit.Retention{Store: store, MaxAge: *retention, Logger: log}).Run(ctx)
	go svc.RunVerifier(ctx, verifyInterval)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if err := bootstrap(ctx, svc, st.dataDir, "http://"+ln.Addr().String(), *region, stdout); err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	srv := &http.Server{
		Handler: restjson.New(restjson.Config{Service: svc, Logger: log, Audit: recorder, Throttle: throttle.New(throttle.Config{
			Read:  throttle.Limit{Rate: *readRate, Burst: cmp.Or(*readBurst, int(math.Ceil(*readRate)))},
			Write: throttle.Limit{Rate: *writeRate, Burst: cmp.Or(*writeBurst, int(math.Ceil(*writeRate)))},
		})}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("serving the QuickSight action-connector API", "addr", ln.Addr().String(), "region", *region)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// verifyInterval is how often the server looks for connectors awaiting
// verification that it was not told about: left by a stopped process, or
// created through another replica.
const verifyInterval = 15 * time.Second

// closeRecorder writes the audit events still buffered, waiting up to 10
// seconds for the store.
func closeRecorder(r *audit.Recorder, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.Close(ctx); err != nil {
		log.Error("audit events lost at shutdown: the store did not take them in time", "err", err)
	}
}

// reloadKeyring re-reads the vault's keyring every interval until ctx ends, so
// that the server seals with a term that "actiongate vault rotate" or another
// replica added. Opening a value sealed under a newer term reloads at once.
func reloadKeyring(ctx context.Context, b *vault.Barrier, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := b.Reload(ctx); err != nil && ctx.Err() == nil {
				log.Warn("reloading the vault keyring", "err", err)
			}
		}
	}
}

// bootstrap creates the first administrator when there is no identity. Its key
// comes from ACTIONGATE_BOOTSTRAP_ACCESS_KEY_ID and
// ACTIONGATE_BOOTSTRAP_SECRET_ACCESS_KEY when both are set; otherwise one is
// generated, printed once, and written to <data-dir>/bootstrap-credentials in
// the AWS shared-credentials format, mode 0600.
func bootstrap(ctx context.Context, svc *actiongate.Service, dataDir, endpoint, region string, stdout io.Writer) error {
	in := actiongate.NewIdentity{
		AccountID:   cmp.Or(os.Getenv("ACTIONGATE_BOOTSTRAP_ACCOUNT_ID"), defaultBootstrapAccount),
		AccessKeyID: os.Getenv("ACTIONGATE_BOOTSTRAP_ACCESS_KEY_ID"),
	}
	secret := os.Getenv("ACTIONGATE_BOOTSTRAP_SECRET_ACCESS_KEY")
	given := in.AccessKeyID != "" && secret != ""
	if given {
		in.SecretAccessKey = actiongate.NewSecret([]byte(secret))
	} else {
		in.AccessKeyID = ""
	}
	id, key, err := svc.Bootstrap(ctx, in)
	if err != nil || id == nil || given {
		return err
	}
	path, err := filepath.Abs(filepath.Join(dataDir, "bootstrap-credentials"))
	if err != nil {
		return err
	}
	file := fmt.Sprintf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n", id.AccessKeyID, key.Reveal())
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created the administrator of account %s. Its access key is shown once:\n"+
		"  AccessKeyId:     %s\n  SecretAccessKey: %s\n"+
		"Saved to %s (AWS shared-credentials format):\n"+
		"  AWS_SHARED_CREDENTIALS_FILE=%s aws quicksight list-action-connectors --aws-account-id %s --region %s --endpoint-url %s\n",
		id.AccountID, id.AccessKeyID, key.Reveal(), path, path, id.AccountID, region, endpoint)
	return nil
}
