// Package e2e drives the real actiongate binary through real clients: the
// aws-sdk-go-v2 QuickSight client and the AWS CLI.
package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
)

const (
	region    = "us-east-1"
	account   = "111122223333"
	adminKey  = "AKIAE2EADMIN00000001"
	adminSecr = "e2e-admin-secret-access-key-000000000001"
)

// binary is the actiongate binary under test, built once per test process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "actiongate-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "actiongate")
	build := exec.Command("go", "build", "-o", binary, "../cmd/actiongate")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building actiongate:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is one running actiongate process.
type server struct {
	URL     string
	DataDir string
	cmd     *exec.Cmd
	stdout  syncBuffer
	stderr  syncBuffer
	done    chan struct{}
}

// serverOptions adjust how startServer runs the binary.
type serverOptions struct {
	dataDir string   // default: a new temporary directory
	env     []string // extra environment, KEY=VALUE
	args    []string // extra serve flags
	noKeys  bool     // leave the bootstrap key to be generated
}

var addrPattern = regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)

// readSources reads the module's sources, which the binary under test is
// built from, while tests run: go test's cache sees which files a test
// reads, not what the build in TestMain read, and would otherwise answer a
// cached result after a change to the server.
var readSources = sync.OnceFunc(func() {
	filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".sql")) {
			os.ReadFile(p)
		}
		return nil
	})
})

// startServer starts `actiongate serve` on a free loopback port and waits until
// /healthz answers. The process is stopped when the test ends.
func startServer(t testing.TB, o serverOptions) *server {
	t.Helper()
	readSources()
	s := &server{DataDir: o.dataDir, done: make(chan struct{})}
	if s.DataDir == "" {
		s.DataDir = t.TempDir()
	}
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data-dir", s.DataDir}, o.args...)
	s.cmd = exec.Command(binary, args...)
	// Most tests create connectors with endpoints that cannot be verified
	// (example.com); tests of verification turn it on with the flag.
	s.cmd.Env = append(os.Environ(), "ACTIONGATE_VERIFY_CONNECTIONS=false")
	s.cmd.Env = append(s.cmd.Env, o.env...)
	if !o.noKeys {
		s.cmd.Env = append(s.cmd.Env, "ACTIONGATE_BOOTSTRAP_ACCESS_KEY_ID="+adminKey, "ACTIONGATE_BOOTSTRAP_SECRET_ACCESS_KEY="+adminSecr)
	}
	s.cmd.Stdout = &s.stdout
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			s.stderr.Write([]byte(line + "\n"))
			if m := addrPattern.FindStringSubmatch(line); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() { s.stop(t) })
	select {
	case a := <-addr:
		s.URL = "http://" + a
	case <-s.done:
		t.Fatalf("actiongate exited before serving:\n%s", s.stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("actiongate did not start:\n%s", s.stderr.String())
	}
	s.waitHealthy(t)
	return s
}

func (s *server) waitHealthy(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("/healthz did not answer 200:\n%s", s.stderr.String())
}

// stop ends the process gracefully, as an operator's SIGTERM would.
func (s *server) stop(t testing.TB) {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		t.Errorf("actiongate did not stop on SIGINT")
	}
}

// client returns a QuickSight client that signs with the given key and talks
// to s.
func (s *server) client(keyID, secret string) *quicksight.Client {
	return quicksight.New(quicksight.Options{
		Region:           region,
		BaseEndpoint:     aws.String(s.URL),
		Credentials:      credentials.NewStaticCredentialsProvider(keyID, secret, ""),
		RetryMaxAttempts: 1,
	})
}

func (s *server) admin() *quicksight.Client { return s.client(adminKey, adminSecr) }

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// runCLI runs the actiongate binary with args and returns its stdout.
func runCLI(t testing.TB, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("actiongate %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
