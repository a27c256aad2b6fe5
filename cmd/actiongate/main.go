// Command actiongate is the actiongate server and its administration tool.
//
//	actiongate serve            serve the QuickSight action-connector API
//	actiongate bench            load a running server and report throughput and latency
//	actiongate keys create      create an access key
//	actiongate keys list        list access keys
//	actiongate keys delete      delete an access key
//	actiongate keys rotate      replace an access key's secret
//	actiongate vault status     show the encryption key terms and what they protect
//	actiongate vault rotate     start a new key term for new writes
//	actiongate vault rewrap     re-encrypt every secret with the newest term
//	actiongate audit            print the audit log as JSON lines
//	actiongate catalog          print the built-in actions of each connector type
//
// Every flag can also be set through the environment as ACTIONGATE_<FLAG>,
// upper-cased with '-' as '_' (--data-dir is ACTIONGATE_DATA_DIR). A flag on
// the command line wins over the environment.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `actiongate: a self-hosted action connector service speaking the QuickSight API.

Usage:
  actiongate serve [flags]           serve the API (see actiongate serve -h)
  actiongate bench [flags]           load a running server with one scenario and report
  actiongate keys create [flags]     create an access key and print it as JSON
  actiongate keys list [flags]       list access keys as JSON lines (no secrets)
  actiongate keys delete [flags]     delete an access key
  actiongate keys rotate [flags]     give an access key a new secret and print it
  actiongate vault status [flags]    show key terms and how many secrets each protects
  actiongate vault rotate [flags]    add a key term that new writes use
  actiongate vault rewrap [flags]    re-encrypt every secret with the newest term
  actiongate audit [flags]           print audit events as JSON lines, oldest first
  actiongate catalog [flags]         print each connector type's auth types and actions (--json, --markdown)

Every flag also reads ACTIONGATE_<FLAG> from the environment (--data-dir: ACTIONGATE_DATA_DIR).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "actiongate:", err)
		}
		os.Exit(2)
	}
}

// run runs the subcommand named by args[0].
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	sub := args[0]
	if len(args) > 1 && (sub == "keys" || sub == "vault") {
		sub += " " + args[1]
		args = args[1:]
	}
	switch sub {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "bench":
		return bench(ctx, args[1:], stdout, stderr)
	case "keys create":
		return keysCreate(ctx, args[1:], stdout, stderr)
	case "keys list":
		return keysList(ctx, args[1:], stdout, stderr)
	case "keys delete":
		return keysDelete(ctx, args[1:], stdout, stderr)
	case "keys rotate":
		return keysRotate(ctx, args[1:], stdout, stderr)
	case "vault status", "vault rotate", "vault rewrap":
		return vaultCommand(ctx, sub, args[1:], stdout, stderr)
	case "audit":
		return auditCommand(ctx, args[1:], stdout, stderr)
	case "catalog":
		return catalogCommand(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", sub)
}
