package e2e

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
	"github.com/jackc/pgx/v5"
)

// testDatabaseVar names the environment variable that holds the URL of a
// PostgreSQL database; the replica tests create a database of their own on its
// server.
const testDatabaseVar = "ACTIONGATE_TEST_DATABASE_URL"

// replicaDatabase creates a database of t's own on the PostgreSQL server that
// ACTIONGATE_TEST_DATABASE_URL names, and returns its URL. It skips t when the
// variable is unset, and fails it when CI is set too. The database is dropped
// when t ends: servers started after this call have stopped by then, since
// cleanups run last in, first out.
func replicaDatabase(t testing.TB) string {
	t.Helper()
	base := os.Getenv(testDatabaseVar)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is not: the replica tests do not run", testDatabaseVar)
		}
		t.Skipf("set %s (e.g. postgres://postgres@127.0.0.1:5432/actiongate_test?sslmode=disable) to run actiongate replicas on PostgreSQL", testDatabaseVar)
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL", testDatabaseVar)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "actiongate_e2e_" + hex.EncodeToString(b)
	admin := func(sql string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := admin(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if err := admin(`DROP DATABASE ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// cluster is replicas of `actiongate serve` on one PostgreSQL database, with
// the same root key and bootstrap key, and each a data directory of its own.
type cluster struct {
	dbURL   string
	rootKey string // ACTIONGATE_ROOT_KEY: base64 of 32 random bytes
	servers []*server
	clients []*quicksight.Client
	next    atomic.Uint64
}

// startCluster starts n replicas on a new database.
func startCluster(t testing.TB, n int) *cluster {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	c := &cluster{dbURL: replicaDatabase(t), rootKey: base64.StdEncoding.EncodeToString(key),
		servers: make([]*server, n), clients: make([]*quicksight.Client, n)}
	for i := range n {
		s := startServer(t, c.options(t.TempDir()))
		c.servers[i], c.clients[i] = s, replicaClient(s)
	}
	return c
}

func (c *cluster) options(dataDir string) serverOptions {
	return serverOptions{
		dataDir: dataDir,
		env:     []string{"ACTIONGATE_ROOT_KEY=" + c.rootKey},
		args:    []string{"--database-url", c.dbURL, "--keyring-reload-interval", "200ms"},
	}
}

// restart starts replica i again on its data directory, after it stopped.
func (c *cluster) restart(t testing.TB, i int) {
	t.Helper()
	s := startServer(t, c.options(c.servers[i].DataDir))
	c.servers[i], c.clients[i] = s, replicaClient(s)
}

// client returns the replicas' clients in turn, with the replica's index.
func (c *cluster) client() (int, *quicksight.Client) {
	i := int((c.next.Add(1) - 1) % uint64(len(c.clients)))
	return i, c.clients[i]
}

// replicaClient returns an administrator's client of s, like s.admin, that keeps
// enough idle connections for the concurrency of these tests.
func replicaClient(s *server) *quicksight.Client {
	return quicksight.New(quicksight.Options{
		Region:       region,
		BaseEndpoint: aws.String(s.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(adminKey, adminSecr, ""),
		HTTPClient: awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.MaxIdleConnsPerHost = 64
		}),
		RetryMaxAttempts: 1,
	})
}

func createKeyed(ctx context.Context, c *quicksight.Client, id string) error {
	_, err := c.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: aws.String(account),
		ActionConnectorId: aws.String(id), Name: aws.String("Replicated " + id), Type: types.ActionConnectorTypeGenericHttp,
		AuthenticationConfig: keyAuth("https://api.example.com", "api-key-of-"+id)})
	return err
}

func describe(ctx context.Context, c *quicksight.Client, id string) (*types.ActionConnector, error) {
	out, err := c.DescribeActionConnector(ctx, &quicksight.DescribeActionConnectorInput{AwsAccountId: aws.String(account), ActionConnectorId: aws.String(id)})
	if err != nil {
		return nil, err
	}
	return out.ActionConnector, nil
}

// listAll pages through the account's connectors, size at a time, asking
// replica k%len(clients) for page k with the token another replica issued.
func listAll(ctx context.Context, clients []*quicksight.Client, size int32) ([]string, error) {
	var (
		ids   []string
		token *string
	)
	for page := 0; ; page++ {
		out, err := clients[page%len(clients)].ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{
			AwsAccountId: aws.String(account), MaxResults: aws.Int32(size), NextToken: token})
		if err != nil {
			return ids, fmt.Errorf("page %d: %w", page, err)
		}
		for _, s := range out.ActionConnectorSummaries {
			ids = append(ids, aws.ToString(s.ActionConnectorId))
		}
		if out.NextToken == nil {
			return ids, nil
		}
		token = out.NextToken
	}
}

// TestReplicas runs three replicas on one PostgreSQL database and drives them
// round-robin through the SDK: what one writes the others read, a page token
// of one works on another, concurrent merges lose nothing and concurrent
// updates conflict cleanly, a replica killed with SIGKILL while creates are in
// flight loses no acknowledged create, and a restarted replica rejoins.
func TestReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cl := startCluster(t, 3)
	if boots := countBootstraps(cl); boots > 1 {
		t.Errorf("%d replicas bootstrapped an administrator; one may", boots)
	}

	t.Run("CreatesVisibleEverywhere", func(t *testing.T) {
		for i := range 6 {
			id := fmt.Sprintf("vis-%d", i)
			r, c := cl.client()
			if err := createKeyed(ctx, c, id); err != nil {
				t.Fatalf("create %s on replica %d: %v", id, r, err)
			}
			for o, oc := range cl.clients {
				got, err := describe(ctx, oc, id)
				if err != nil || aws.ToString(got.Name) != "Replicated "+id || got.AuthenticationConfig.AuthenticationType != types.ConnectionAuthTypeApiKey {
					t.Errorf("%s, created on replica %d, described on replica %d: %+v, %v", id, r, o, got, err)
				}
			}
		}
		// A delete on one is seen by the others.
		if _, err := cl.clients[1].DeleteActionConnector(ctx, &quicksight.DeleteActionConnectorInput{AwsAccountId: aws.String(account),
			ActionConnectorId: aws.String("vis-0")}); err != nil {
			t.Fatal(err)
		}
		for o, oc := range cl.clients {
			_, err := describe(ctx, oc, "vis-0")
			expectError[*types.ResourceNotFoundException](t, fmt.Sprintf("describe on replica %d after a delete on replica 1", o), err)
		}
	})

	t.Run("PageTokensAcrossReplicas", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				r, c := cl.client()
				if err := createKeyed(ctx, c, fmt.Sprintf("page-%02d", i)); err != nil {
					t.Errorf("create page-%02d on replica %d: %v", i, r, err)
				}
			})
		}
		wg.Wait()
		want, err := listAll(ctx, cl.clients[:1], 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) != 25 || !slices.IsSorted(want) {
			t.Fatalf("replica 0 lists %d connectors %v, want 25 in order", len(want), want)
		}
		for _, size := range []int32{1, 3, 7} {
			got, err := listAll(ctx, cl.clients, size)
			if err != nil {
				t.Fatalf("pages of %d across replicas: %v", size, err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("pages of %d across replicas: %v, want %v", size, got, want)
			}
		}
	})

	t.Run("ConcurrentTagsLoseNothing", func(t *testing.T) {
		if err := createKeyed(ctx, cl.clients[0], "tagged"); err != nil {
			t.Fatal(err)
		}
		const n = 30
		var wg sync.WaitGroup
		var want []string
		for i := range n {
			key := fmt.Sprintf("k%02d", i)
			want = append(want, key)
			c := cl.clients[i%len(cl.clients)]
			wg.Go(func() {
				if _, err := c.TagResource(ctx, &quicksight.TagResourceInput{ResourceArn: aws.String(connectorARN("tagged")),
					Tags: []types.Tag{{Key: aws.String(key), Value: aws.String("v")}}}); err != nil {
					t.Errorf("tag %s on replica %d: %v", key, i%len(cl.clients), err)
				}
			})
		}
		wg.Wait()
		for r, c := range cl.clients {
			out, err := c.ListTagsForResource(ctx, &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(connectorARN("tagged"))})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tg := range out.Tags {
				got = append(got, aws.ToString(tg.Key))
			}
			if !slices.Equal(got, want) {
				t.Errorf("replica %d lists tags %v, want %v", r, got, want)
			}
		}
	})

	t.Run("ConcurrentUpdatesConflict", func(t *testing.T) {
		if err := createKeyed(ctx, cl.clients[0], "updated"); err != nil {
			t.Fatal(err)
		}
		const n = 30
		var (
			mu        sync.Mutex
			succeeded []string
			conflicts int
			wg        sync.WaitGroup
		)
		for i := range n {
			c := cl.clients[i%len(cl.clients)]
			wg.Go(func() {
				name := fmt.Sprintf("Name %02d", i)
				_, err := c.UpdateActionConnector(ctx, &quicksight.UpdateActionConnectorInput{AwsAccountId: aws.String(account),
					ActionConnectorId: aws.String("updated"), Name: aws.String(name), AuthenticationConfig: keyAuth("https://api.example.com", "key-"+name)})
				mu.Lock()
				defer mu.Unlock()
				var conflict *types.ConflictException
				switch {
				case err == nil:
					succeeded = append(succeeded, name)
				case errors.As(err, &conflict):
					conflicts++
				default:
					t.Errorf("update to %s on replica %d: %v", name, i%len(cl.clients), err)
				}
			})
		}
		wg.Wait()
		if len(succeeded) == 0 || len(succeeded)+conflicts != n {
			t.Errorf("%d updates succeeded, %d conflicted, of %d", len(succeeded), conflicts, n)
		}
		for r, c := range cl.clients {
			got, err := describe(ctx, c, "updated")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(succeeded, aws.ToString(got.Name)) {
				t.Errorf("replica %d: final name %q is not one whose update succeeded (%v)", r, aws.ToString(got.Name), succeeded)
			}
		}
		t.Logf("%d updates succeeded, %d got ConflictException", len(succeeded), conflicts)
	})

	t.Run("KillMidRun", func(t *testing.T) {
		// Four writers per replica create connectors, each with a sealed
		// secret, until told to stop. Replica 0 is killed once it has
		// acknowledged 25 creates, while creates are in flight on all three.
		var (
			mu      sync.Mutex
			acked   []string
			perRep  [3]int
			active0 atomic.Int64 // creates in flight on replica 0
			lost    atomic.Int64 // creates that were in flight on replica 0 when it died
			killed  atomic.Bool
			stop    = make(chan struct{})
			wg      sync.WaitGroup
		)
		for r := range cl.clients {
			c := cl.clients[r]
			for w := range 4 {
				wg.Go(func() {
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						id := fmt.Sprintf("kill-%d-%d-%04d", r, w, i)
						if r == 0 {
							if killed.Load() {
								return
							}
							active0.Add(1)
						}
						err := createKeyed(ctx, c, id)
						if r == 0 {
							active0.Add(-1)
						}
						switch {
						case err == nil:
							mu.Lock()
							acked = append(acked, id)
							perRep[r]++
							mu.Unlock()
						case r == 0 && killed.Load():
							lost.Add(1)
							return
						default:
							t.Errorf("create %s on replica %d: %v", id, r, err)
							return
						}
					}
				})
			}
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			mu.Lock()
			n := perRep[0]
			mu.Unlock()
			if n >= 25 && active0.Load() > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("replica 0 acknowledged %d creates in 30 s", n)
			}
			time.Sleep(time.Millisecond)
		}
		victim := cl.servers[0]
		killed.Store(true)
		if err := victim.cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		activeAtKill := active0.Load()
		<-victim.done
		time.Sleep(300 * time.Millisecond) // the survivors go on writing
		close(stop)
		wg.Wait()
		t.Logf("acknowledged creates: %d by replica 0, %d and %d by the survivors; %d creates in flight on replica 0 at SIGKILL, %d of them failed",
			perRep[0], perRep[1], perRep[2], activeAtKill, lost.Load())
		// Every acknowledged create is there, read through a survivor.
		for i, id := range acked {
			c := cl.clients[1+i%2]
			got, err := describe(ctx, c, id)
			if err != nil || aws.ToString(got.Name) != "Replicated "+id {
				t.Errorf("acknowledged create %s, described on replica %d: %+v, %v", id, 1+i%2, got, err)
			}
		}
		// And every secret still opens: after a rotation, rewrap opens each
		// one under its old term and reseals it; one that did not open would
		// be counted as unreadable and make the command fail.
		env := []string{"ACTIONGATE_ROOT_KEY=" + cl.rootKey}
		dir := t.TempDir()
		if out := runCLI(t, env, "vault", "rotate", "--database-url", cl.dbURL, "--data-dir", dir); !regexp.MustCompile(`key term 2\b`).MatchString(out) {
			t.Fatalf("vault rotate printed %q", out)
		}
		out := runCLI(t, env, "vault", "rewrap", "--database-url", cl.dbURL, "--data-dir", dir)
		m := regexp.MustCompile(`rewrapped (\d+),.* unreadable (\d+)`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("vault rewrap printed %q", out)
		}
		t.Logf("vault rewrap: %s", strings.TrimSpace(out))
		rewrapped, _ := strconv.Atoi(m[1])
		if m[2] != "0" || rewrapped < len(acked)+1 { // + the administrator's key
			t.Errorf("vault rewrap: %s; want every one of the %d acknowledged connectors' secrets and the administrator's opened", out, len(acked))
		}
		// The survivors still serve; their keyrings reload the new term.
		for r := 1; r < 3; r++ {
			if err := createKeyed(ctx, cl.clients[r], fmt.Sprintf("after-kill-%d", r)); err != nil {
				t.Errorf("create on replica %d after the kill: %v", r, err)
			}
		}
	})

	t.Run("RestartRejoins", func(t *testing.T) {
		cl.restart(t, 0)
		if boots := countBootstraps(cl); boots > 1 {
			t.Errorf("after the restart, %d replicas bootstrapped an administrator", boots)
		}
		want, err := listAll(ctx, cl.clients[1:2], 100)
		if err != nil {
			t.Fatal(err)
		}
		got, err := listAll(ctx, cl.clients[:1], 100)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("the restarted replica lists %d connectors, a survivor %d", len(got), len(want))
		}
		for _, id := range want {
			if _, err := describe(ctx, cl.clients[0], id); err != nil {
				t.Errorf("describe %s on the restarted replica: %v", id, err)
			}
		}
		if err := createKeyed(ctx, cl.clients[0], "rejoined"); err != nil {
			t.Fatal(err)
		}
		if _, err := cl.clients[2].UpdateActionConnector(ctx, &quicksight.UpdateActionConnectorInput{AwsAccountId: aws.String(account),
			ActionConnectorId: aws.String("rejoined"), Name: aws.String("Renamed on 2"), AuthenticationConfig: keyAuth("https://api.example.com", "k2")}); err != nil {
			t.Fatal(err)
		}
		for r, c := range cl.clients {
			got, err := describe(ctx, c, "rejoined")
			if err != nil || aws.ToString(got.Name) != "Renamed on 2" {
				t.Errorf("replica %d describes rejoined as %+v, %v", r, got, err)
			}
		}
	})
}

// countBootstraps counts the replicas that printed a generated administrator's
// key. The harness gives every replica the same bootstrap key, so none
// generates one; a replica that did would have found no identity.
func countBootstraps(cl *cluster) int {
	n := 0
	for _, s := range cl.servers {
		if regexp.MustCompile(`Created the administrator`).MatchString(s.stdout.String()) {
			n++
		}
	}
	return n
}

// BenchmarkReplicas measures DescribeActionConnector throughput through the
// SDK, from 32 concurrent callers, against one replica and then spread
// round-robin over three replicas of one database; each sub-benchmark
// reports requests per second, and the parent logs the ratio. For a fixed
// count of requests, run
//
//	go test -run '^$' -bench Replicas -benchtime 3000x ./e2e/
func BenchmarkReplicas(b *testing.B) {
	const (
		concurrency = 32
		connectors  = 100
	)
	ctx := context.Background()
	cl := startCluster(b, 3)
	var wg sync.WaitGroup
	for i := range connectors {
		wg.Go(func() {
			if err := createKeyed(ctx, cl.clients[i%3], fmt.Sprintf("bench-%03d", i)); err != nil {
				b.Error(err)
			}
		})
	}
	wg.Wait()
	if b.Failed() {
		return
	}
	rates := map[int]float64{}
	for _, replicas := range []int{1, 3} {
		b.Run(fmt.Sprintf("replicas=%d", replicas), func(b *testing.B) {
			var next atomic.Int64
			var wg sync.WaitGroup
			start := time.Now()
			for w := range concurrency {
				c := cl.clients[w%replicas]
				wg.Go(func() {
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						if _, err := describe(ctx, c, fmt.Sprintf("bench-%03d", i%connectors)); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			rate := float64(b.N) / time.Since(start).Seconds()
			b.ReportMetric(rate, "req/s")
			rates[replicas] = rate
		})
	}
	if rates[1] > 0 && rates[3] > 0 {
		b.Logf("Describe at concurrency %d: 1 replica %.0f req/s, 3 replicas %.0f req/s, ratio %.2f",
			concurrency, rates[1], rates[3], rates[3]/rates[1])
	}
}
