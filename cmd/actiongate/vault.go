package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/actiongate/actiongate/vault"
)

// vaultCommand runs "vault status", "vault rotate" or "vault rewrap".
func vaultCommand(ctx context.Context, sub string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var st storage
	st.register(fs)
	batch := vault.DefaultBatch
	if sub == "vault rewrap" {
		fs.IntVar(&batch, "batch", vault.DefaultBatch, "secrets re-encrypted per batch")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	store, err := st.openStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	b, err := st.openVault(ctx, store)
	if err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	defer b.Close()

	switch sub {
	case "vault rotate":
		term, err := b.Rotate(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "New writes now use key term %d. Run 'actiongate vault rewrap' to re-encrypt what older terms protect.\n", term)
		return nil
	case "vault rewrap":
		log := slog.New(slog.NewTextHandler(stderr, nil))
		stats, err := vault.Rewrap(ctx, b, store, batch, func(done int) {
			log.Info("rewrap progress", "done", done)
		})
		fmt.Fprintf(stdout, "scanned %d, rewrapped %d, already current %d, changed meanwhile %d, deleted meanwhile %d, unreadable %d\n",
			stats.Scanned, stats.Rewrapped, stats.Current, stats.Conflicts, stats.Deleted, stats.Unreadable)
		return err
	}
	terms, err := vault.Status(ctx, b, store)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TERM\tCREATED\tSECRETS")
	for _, t := range terms {
		created := "-"
		if !t.Created.IsZero() {
			created = t.Created.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\n", t.Term, created, t.Secrets)
	}
	return tw.Flush()
}
