package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/policy"
	"github.com/actiongate/actiongate/store/postgres"
	"github.com/actiongate/actiongate/store/sqlite"
	"github.com/actiongate/actiongate/vault"
)

// storage holds the flags that say where the data lives and how it is
// encrypted; every subcommand that touches data shares them.
type storage struct {
	dataDir     string
	databaseURL string
	rootKeyFile string
	kmsKeyID    string
}

func (s *storage) register(fs *flag.FlagSet) {
	fs.StringVar(&s.dataDir, "data-dir", "./actiongate-data", "directory for the SQLite database, the root key file and bootstrap credentials")
	fs.StringVar(&s.databaseURL, "database-url", "", "database to use instead of SQLite in the data directory (postgres://...)")
	fs.StringVar(&s.rootKeyFile, "root-key-file", "", "file holding the root key, created on first start (default <data-dir>/root.key); ignored when ACTIONGATE_ROOT_KEY or --kms-key-id is set")
	fs.StringVar(&s.kmsKeyID, "kms-key-id", "", "AWS KMS key (id, ARN or alias) that wraps the data keys, instead of a local root key")
}

// parseFlags parses args into fs after filling every flag that the command
// line does not set from its ACTIONGATE_<FLAG> environment variable.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		name := "ACTIONGATE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s: %v", name, e)
			}
		}
	})
	return err
}

// openStore opens the database the flags name: PostgreSQL for a postgres:// or
// postgresql:// URL, otherwise SQLite in the data directory, which is created
// if needed. A URL of any other scheme is refused; errors never repeat the URL,
// which may hold a password.
func (s *storage) openStore(ctx context.Context) (actiongate.Store, error) {
	if s.databaseURL != "" {
		scheme, _, ok := strings.Cut(s.databaseURL, "://")
		scheme = strings.ToLower(scheme)
		switch {
		case ok && (scheme == "postgres" || scheme == "postgresql"):
			return postgres.Open(ctx, s.databaseURL)
		case ok && scheme != "" && strings.Trim(scheme, "abcdefghijklmnopqrstuvwxyz0123456789+.-") == "":
			return nil, fmt.Errorf("--database-url: the scheme %s:// is not supported; use a postgres:// or postgresql:// URL", scheme)
		}
		return nil, errors.New("--database-url: must be a postgres:// or postgresql:// URL")
	}
	if err := os.MkdirAll(s.dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	return sqlite.Open(ctx, filepath.Join(s.dataDir, "actiongate.db"))
}

// openVault opens the vault over st with the root key the configuration
// names: ACTIONGATE_ROOT_KEY, else the KMS key, else the root key file.
func (s *storage) openVault(ctx context.Context, st actiongate.Store) (*vault.Barrier, error) {
	root, err := s.rootKey(ctx)
	if err != nil {
		return nil, err
	}
	return vault.Open(ctx, vault.Config{Root: root, Keys: st})
}

func (s *storage) rootKey(ctx context.Context) (vault.RootKey, error) {
	env, fromEnv := os.LookupEnv("ACTIONGATE_ROOT_KEY")
	switch {
	case fromEnv && s.kmsKeyID != "":
		return nil, errors.New("set either ACTIONGATE_ROOT_KEY or --kms-key-id, not both")
	case fromEnv:
		os.Unsetenv("ACTIONGATE_ROOT_KEY")
		return vault.KeyFromEnv(env)
	case s.kmsKeyID != "":
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("AWS configuration for KMS: %w", err)
		}
		return vault.KMS(kms.NewFromConfig(cfg), s.kmsKeyID), nil
	}
	path := s.rootKeyFile
	if path == "" {
		if err := os.MkdirAll(s.dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("data directory: %w", err)
		}
		path = filepath.Join(s.dataDir, "root.key")
	}
	return vault.KeyFile(path)
}

// open opens the store and the vault and returns a Service over them, with the
// pagination key every replica shares. close releases both.
//
// With out, the service performs actions and verifies connectors as out
// says; without (nil), for the commands that only manage data, it does not.
func (s *storage) open(ctx context.Context, region string, log *slog.Logger, out *outbound) (svc *actiongate.Service, st actiongate.Store, b *vault.Barrier, close func(), err error) {
	st, err = s.openStore(ctx)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	b, err = s.openVault(ctx, st)
	if err != nil {
		st.Close()
		return nil, nil, nil, nil, fmt.Errorf("vault: %w", err)
	}
	key := make([]byte, 32)
	if _, err := io.ReadFull(rand.Reader, key); err != nil {
		return nil, nil, nil, nil, err
	}
	if key, err = st.Setting(ctx, "page-token-key", key); err != nil {
		b.Close()
		st.Close()
		return nil, nil, nil, nil, err
	}
	cfg := actiongate.Config{Store: st, Sealer: b, Region: region, PageTokenKey: key, Logger: log, Policies: &policy.Engine{}}
	if out != nil {
		rt, err := out.runtime(ctx, st, b, region, log)
		if err != nil {
			b.Close()
			st.Close()
			return nil, nil, nil, nil, err
		}
		cfg.Runtime, cfg.SkipVerification = rt, !out.verify
	}
	svc = actiongate.NewService(cfg)
	return svc, st, b, func() { b.Close(); st.Close() }, nil
}
