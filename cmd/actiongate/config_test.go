package main

import (
	"flag"
	"io"
	"testing"
	"time"
)

// TestFlagsFromEnvironment checks the contract that every flag also reads
// ACTIONGATE_<FLAG>, and that the command line wins over the environment.
func TestFlagsFromEnvironment(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", "127.0.0.1:8080", "")
	region := fs.String("region", "us-east-1", "")
	reload := fs.Duration("keyring-reload-interval", 30*time.Second, "")
	var st storage
	st.register(fs)
	t.Setenv("ACTIONGATE_ADDR", "0.0.0.0:9000")
	t.Setenv("ACTIONGATE_DATA_DIR", "/var/lib/actiongate")
	t.Setenv("ACTIONGATE_KEYRING_RELOAD_INTERVAL", "5s")
	t.Setenv("ACTIONGATE_REGION", "eu-west-1")
	if err := parseFlags(fs, []string{"--region", "ap-south-1"}); err != nil {
		t.Fatal(err)
	}
	if *addr != "0.0.0.0:9000" || st.dataDir != "/var/lib/actiongate" || *reload != 5*time.Second {
		t.Errorf("environment not applied: addr %q, data dir %q, reload %v", *addr, st.dataDir, *reload)
	}
	if *region != "ap-south-1" {
		t.Errorf("region %q: the command line must win over ACTIONGATE_REGION", *region)
	}
}

func TestFlagsFromEnvironmentRejectsBadValues(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Duration("keyring-reload-interval", time.Second, "")
	t.Setenv("ACTIONGATE_KEYRING_RELOAD_INTERVAL", "soon")
	if err := parseFlags(fs, nil); err == nil {
		t.Error("a malformed ACTIONGATE_KEYRING_RELOAD_INTERVAL was accepted")
	}
	if err := parseFlags(flag.NewFlagSet("x", flag.ContinueOnError), []string{"stray"}); err == nil {
		t.Error("a stray argument was accepted")
	}
}
