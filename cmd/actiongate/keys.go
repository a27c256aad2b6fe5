package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"

	"github.com/actiongate/actiongate"
)

// keysCreate creates an access key and prints it as JSON with AccessKeyId,
// SecretAccessKey, AccountId and Arn.
func keysCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("keys create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		st         storage
		account    = fs.String("account", "", "account the key acts in (12 digits; required)")
		admin      = fs.Bool("admin", false, "the key may do everything in its account")
		policyFile = fs.String("policy", "", "file holding the key's IAM-style identity policy (JSON)")
		user       = fs.String("user", "", "QuickSight user ARN the key acts as when it invokes actions")
		region     = fs.String("region", "us-east-1", "AWS region of the server")
	)
	st.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *account == "" {
		return errors.New("--account is required")
	}
	if *admin && *policyFile != "" {
		return errors.New("give --admin or --policy, not both")
	}
	var policy []byte
	if *policyFile != "" {
		var err error
		if policy, err = os.ReadFile(*policyFile); err != nil {
			return err
		}
	}
	svc, _, _, closeStorage, err := st.open(ctx, *region, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer closeStorage()
	id, secret, err := svc.CreateIdentity(ctx, actiongate.NewIdentity{AccountID: *account, Admin: *admin, Policy: policy, UserARN: *user})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		AccessKeyId, SecretAccessKey, AccountId, Arn string
	}{id.AccessKeyID, string(secret.Reveal()), id.AccountID, id.ARN})
}
