package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

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
	svc, _, _, closeStorage, err := st.open(ctx, *region, slog.New(slog.NewTextHandler(stderr, nil)), nil)
	if err != nil {
		return err
	}
	defer closeStorage()
	id, secret, err := svc.CreateIdentity(ctx, actiongate.NewIdentity{AccountID: *account, Admin: *admin, Policy: policy, UserARN: *user})
	if err != nil {
		return err
	}
	return printKey(stdout, id, secret)
}

// keysList prints the access keys as JSON lines: AccessKeyId, AccountId, Arn,
// Admin, UserArn, Policy and CreatedTime. Secrets are never printed.
func keysList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("keys list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var st storage
	account := fs.String("account", "", "list only this account's keys")
	st.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	svc, _, _, closeStorage, err := st.open(ctx, "", slog.New(slog.NewTextHandler(stderr, nil)), nil)
	if err != nil {
		return err
	}
	defer closeStorage()
	ids, err := svc.ListIdentities(ctx, *account)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	for _, id := range ids {
		line := struct {
			AccessKeyId, AccountId, Arn string
			Admin                       bool
			UserArn                     string          `json:",omitempty"`
			Policy                      json.RawMessage `json:",omitempty"`
			CreatedTime                 time.Time
		}{id.AccessKeyID, id.AccountID, id.ARN, id.Admin, id.UserARN, id.Policy, id.CreatedTime}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	return nil
}

// keysDelete deletes an access key.
func keysDelete(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return withAccessKey(ctx, "keys delete", "the access key to delete", args, stderr,
		func(svc *actiongate.Service, keyID string) error {
			if err := svc.DeleteIdentity(ctx, keyID); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Deleted access key %s.\n", keyID)
			return nil
		})
}

// keysRotate gives an access key a new secret access key and prints the key
// as keys create does. The old secret stops working at once.
func keysRotate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return withAccessKey(ctx, "keys rotate", "the access key whose secret to replace", args, stderr,
		func(svc *actiongate.Service, keyID string) error {
			id, secret, err := svc.RotateIdentitySecret(ctx, keyID)
			if err != nil {
				return err
			}
			return printKey(stdout, id, secret)
		})
}

// withAccessKey parses the flags of a subcommand that acts on one access key
// (--access-key-id, required, and the storage flags), opens the Service and
// runs do with it.
func withAccessKey(ctx context.Context, name, what string, args []string, stderr io.Writer,
	do func(svc *actiongate.Service, keyID string) error) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var st storage
	keyID := fs.String("access-key-id", "", what+" (required)")
	st.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *keyID == "" {
		return errors.New("--access-key-id is required")
	}
	svc, _, _, closeStorage, err := st.open(ctx, "", slog.New(slog.NewTextHandler(stderr, nil)), nil)
	if err != nil {
		return err
	}
	defer closeStorage()
	return do(svc, *keyID)
}

// printKey prints an access key with its secret as JSON.
func printKey(w io.Writer, id *actiongate.Identity, secret actiongate.Secret) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		AccessKeyId, SecretAccessKey, AccountId, Arn string
	}{id.AccessKeyID, string(secret.Reveal()), id.AccountID, id.ARN})
}
