package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/store/storetest"
)

// testURLVar names the environment variable that holds the URL of a database
// the tests may create schemas in.
const testURLVar = "ACTIONGATE_TEST_DATABASE_URL"

// testURL returns the URL of the test database. It skips t when none is given,
// and fails it instead when CI is set: there the PostgreSQL tests must run.
func testURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(testURLVar)
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is not: the PostgreSQL store is left untested", testURLVar)
		}
		t.Skipf("set %s (e.g. postgres://postgres@127.0.0.1:5432/actiongate_test?sslmode=disable) to test the PostgreSQL store", testURLVar)
	}
	return u
}

// storeSlots bounds how many test stores are open at once, so that parallel
// subtests, each with a pool of its own, stay well under max_connections.
var storeSlots = make(chan struct{}, 8)

// newSchema creates an empty schema of its own for t in the test database and
// returns a URL whose connections use it, with a pool of at most 4
// connections. The schema is dropped when t ends.
func newSchema(t testing.TB) string {
	t.Helper()
	base := testURL(t)
	b := make([]byte, 8)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
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
	if err := admin(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if err := admin(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	params := map[string]string{"search_path": schema, "pool_max_conns": "4"}
	if !strings.Contains(base, "://") { // a keyword/value connection string
		for k, v := range params {
			base += " " + k + "=" + v
		}
		return base
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s does not parse as a URL", testURLVar)
	}
	q := u.Query()
	for k, v := range params {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// openFresh opens a store on a new, empty schema of t's own. The caller closes
// it; the schema goes when t ends.
func openFresh(t testing.TB) *DB {
	t.Helper()
	storeSlots <- struct{}{}
	t.Cleanup(func() { <-storeSlots })
	db, err := Open(context.Background(), newSchema(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return db
}

func TestConformance(t *testing.T) {
	testURL(t)
	t.Parallel()
	storetest.Run(t, func(t *testing.T) actiongate.Store { return openFresh(t) })
}

func TestMigrations(t *testing.T) {
	t.Parallel()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.version != i+1 {
			t.Errorf("migration %s has version %d, want %d: versions run 1, 2, 3, ...", m.name, m.version, i+1)
		}
	}
}

// TestMigrateConcurrently opens one fresh schema from several pools at once, as
// replicas that start together do: every Open succeeds, and each migration is
// applied and recorded once.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	u := newSchema(t)
	const n = 8
	dbs := make([]*DB, n)
	errs := make([]error, n)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	for i := range n {
		done.Go(func() {
			ready.Done()
			<-start
			dbs[i], errs[i] = Open(t.Context(), u)
		})
	}
	ready.Wait()
	close(start)
	done.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		} else {
			defer dbs[i].Close()
		}
	}
	if t.Failed() {
		return
	}
	ms, _ := migrations()
	var rows, distinct int
	if err := dbs[0].pool.QueryRow(t.Context(), `SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != len(ms) || distinct != len(ms) {
		t.Errorf("schema_migrations holds %d rows of %d versions, want %d of %d", rows, distinct, len(ms), len(ms))
	}
	// Every replica works on the one schema.
	for i, db := range dbs {
		if _, err := db.Setting(t.Context(), "s", fmt.Appendf(nil, "from %d", i)); err != nil {
			t.Errorf("Setting through replica %d: %v", i, err)
		}
	}
}

func TestReopen(t *testing.T) {
	t.Parallel()
	u := newSchema(t)
	ctx := t.Context()
	db, err := Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	c := newConnector("111111111111", "c")
	if err := db.ConnectorCreate(ctx, c, apiKeySecret(c, "sealed"), nil, []actiongate.Tag{{Key: "k", Value: "v"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Setting(ctx, "s", []byte("first")); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for range 2 { // re-opening migrates nothing and loses nothing
		db, err = Open(ctx, u)
		if err != nil {
			t.Fatalf("re-Open: %v", err)
		}
		got, err := db.ConnectorGet(ctx, c.AccountID, c.ID)
		if err != nil {
			t.Fatalf("ConnectorGet after re-Open: %v", err)
		}
		if got.Name != c.Name || got.Version != 1 || !got.CreatedTime.Equal(c.CreatedTime.Truncate(time.Microsecond)) {
			t.Errorf("after re-Open: %+v", got)
		}
		ct, err := db.SecretGet(ctx, apiKeySecret(c, "")[0].Ref)
		if err != nil || string(ct) != "sealed" {
			t.Errorf("SecretGet after re-Open = %q, %v", ct, err)
		}
		if v, err := db.Setting(ctx, "s", []byte("second")); err != nil || string(v) != "first" {
			t.Errorf("Setting after re-Open = %q, %v", v, err)
		}
		var n int
		if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		ms, _ := migrations()
		if n != len(ms) {
			t.Errorf("schema_migrations has %d rows, want %d", n, len(ms))
		}
		if err := db.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	u := newSchema(t)
	db, err := Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(t.Context(), `INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err := Open(t.Context(), u); err == nil {
		db.Close()
		t.Fatal("Open of a database with a newer schema succeeded")
	} else if !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open of a newer schema: %v", err)
	}
}

// TestOpenHidesPassword checks that Open's errors, which reach logs, do not
// repeat the password of the URL. It needs no database.
func TestOpenHidesPassword(t *testing.T) {
	t.Parallel()
	const password = "pw-8c1f0e-secret"
	for _, u := range []string{
		"postgres://actiongate:" + password + "@127.0.0.1:1/actiongate?sslmode=disable&connect_timeout=5", // nothing listens
		"postgres://actiongate:" + password + "@127.0.0.1:notaport/actiongate",
		"postgres://actiongate:" + password + "@127.0.0.1/actiongate?sslmode=bogus",
	} {
		db, err := Open(t.Context(), u)
		if err == nil {
			db.Close()
			t.Errorf("Open succeeded on a URL that should fail")
			continue
		}
		if strings.Contains(err.Error(), password) {
			t.Errorf("Open's error shows the password: %v", err)
		}
		t.Logf("Open: %v", err)
	}
}

// TestTextColumnsCollateC checks that every text column the store compares or
// orders is of the "C" collation, so that orderings are by bytes whatever the
// database's locale (the conformance suite's byte-order tests cannot show
// this on a database whose default collation is already C).
func TestTextColumnsCollateC(t *testing.T) {
	t.Parallel()
	db := openFresh(t)
	defer db.Close()
	want := map[string][]string{
		"connector":  {"account_id", "id", "type", "name"},
		"permission": {"account_id", "connector_id", "principal", "action"},
		"tag":        {"account_id", "connector_id", "key"},
		"secret":     {"account_id", "kind", "owner_id", "field"},
		"identity":   {"access_key_id", "account_id"},
		"setting":    {"name"},

		"quicksight_user":  {"account_id", "namespace", "name"},
		"quicksight_group": {"account_id", "namespace", "name"},
		"group_membership": {"account_id", "namespace", "group_name", "user_name"},
	}
	for table, cols := range want {
		for _, col := range cols {
			var collation *string
			err := db.pool.QueryRow(t.Context(), `SELECT collation_name FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`, table, col).Scan(&collation)
			if err != nil {
				t.Fatalf("%s.%s: %v", table, col, err)
			}
			if collation == nil || *collation != "C" {
				t.Errorf("%s.%s has collation %v, want C", table, col, collation)
			}
		}
	}
}

// TestWriteRetriesSerializationFailures checks that write runs a transaction
// again when PostgreSQL aborts it with a serialization failure or a deadlock,
// and returns KindConflict when every attempt fails so.
func TestWriteRetriesSerializationFailures(t *testing.T) {
	t.Parallel()
	db := openFresh(t)
	defer db.Close()
	ctx := t.Context()
	for _, code := range []string{codeSerializationFailure, codeDeadlockDetected} {
		raise := `DO $$ BEGIN RAISE EXCEPTION 'injected' USING ERRCODE = '` + code + `'; END $$`
		attempts := 0
		err := db.write(ctx, func(tx pgx.Tx) error {
			attempts++
			if attempts < 3 {
				_, err := tx.Exec(ctx, raise)
				return wrap(err, "injected", errMap{})
			}
			_, err := tx.Exec(ctx, `INSERT INTO setting (name, value) VALUES ($1, 'v')`, "retried-"+code)
			return err
		})
		if err != nil || attempts != 3 {
			t.Errorf("%s: write returned %v after %d attempts, want success at the third", code, err, attempts)
		}
		attempts = 0
		err = db.write(ctx, func(tx pgx.Tx) error {
			attempts++
			_, err := tx.Exec(ctx, raise)
			return wrap(err, "injected", errMap{})
		})
		if actiongate.KindOf(err) != actiongate.KindConflict || attempts != maxAttempts {
			t.Errorf("%s: write returned %v (kind %v) after %d attempts, want kind conflict after %d", code, err, actiongate.KindOf(err), attempts, maxAttempts)
		}
	}
	// Other errors are not retried.
	attempts := 0
	err := db.write(ctx, func(tx pgx.Tx) error {
		attempts++
		_, err := tx.Exec(ctx, `SELECT 1/0`)
		return err
	})
	if err == nil || attempts != 1 || actiongate.KindOf(err) != actiongate.KindInternal {
		t.Errorf("division by zero: %v (kind %v) after %d attempts, want one internal error", err, actiongate.KindOf(err), attempts)
	}
}

// TestPrincipalFilterUsesIndex loads an account of many connectors, few of them
// granted to the principal asked for, and checks that the plan of the principal
// filter reads permission through an index, not by a sequential scan.
func TestPrincipalFilterUsesIndex(t *testing.T) {
	t.Parallel()
	db := openFresh(t)
	defer db.Close()
	ctx := t.Context()
	const account = "111111111111"
	if _, err := db.pool.Exec(ctx, `
		INSERT INTO connector (account_id, id, type, name, auth, status, created_time, last_updated_time, version)
		SELECT $1, 'c' || lpad(i::text, 5, '0'), 'GENERIC_HTTP', 'Connector ' || i, '{"type":"NONE"}', 'CREATION_SUCCESSFUL', now(), now(), 1
		FROM generate_series(1, 5000) AS i`, account); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `
		INSERT INTO permission (account_id, connector_id, principal, action)
		SELECT $1, 'c' || lpad(i::text, 5, '0'), 'arn:aws:quicksight:us-east-1:111111111111:user/default/u' || (i % 1000), a
		FROM generate_series(1, 5000) AS i,
			unnest(ARRAY['quicksight:DescribeActionConnector', 'quicksight:UpdateActionConnector']) AS a`, account); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	for _, sole := range []bool{false, true} {
		q, a := listQuery(actiongate.ConnectorListParams{AccountID: account, Limit: 100, Filter: actiongate.ConnectorFilter{
			Principal: &actiongate.PrincipalFilter{
				Principals: []string{"arn:aws:quicksight:us-east-1:111111111111:user/default/u7"},
				Actions:    []string{"quicksight:UpdateActionConnector"},
				Sole:       sole,
			}}})
		rows, err := db.pool.Query(ctx, `EXPLAIN `+q, a...)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(plan, "\n")
		if strings.Contains(text, "Seq Scan on permission") || !strings.Contains(text, "permission_principal") && !strings.Contains(text, "permission_pkey") {
			t.Errorf("sole=%v: the principal filter does not read permission through an index:\n%s", sole, text)
		}
		t.Logf("sole=%v plan:\n%s", sole, text)
		got, err := db.ConnectorList(ctx, actiongate.ConnectorListParams{AccountID: account, Limit: 100, Filter: actiongate.ConnectorFilter{
			Principal: &actiongate.PrincipalFilter{Principals: []string{"arn:aws:quicksight:us-east-1:111111111111:user/default/u7"},
				Actions: []string{"quicksight:UpdateActionConnector"}, Sole: sole}}})
		if err != nil || len(got) != 5 {
			t.Errorf("sole=%v: %d connectors, %v; want 5", sole, len(got), err)
		}
	}
}

// TestNoPlaintextInDatabase writes connectors whose Auth holds secrets and
// checks that none of them reaches a row: the driver stores only the sealed
// secrets it is given.
func TestNoPlaintextInDatabase(t *testing.T) {
	t.Parallel()
	db := openFresh(t)
	defer db.Close()
	ctx := t.Context()
	const canary = "CANARY-6f1d3c0e-plaintext"
	c := newConnector("111111111111", "c")
	c.Auth.APIKey.APIKey = actiongate.NewSecret([]byte(canary + "-apikey"))
	if err := db.ConnectorCreate(ctx, c, apiKeySecret(c, "sealed"), nil, nil); err != nil {
		t.Fatal(err)
	}
	u := *c
	u.Version = 1
	u.Auth = actiongate.AuthConfig{Type: actiongate.AuthOAuth2ClientCredentials, ClientCredentials: &actiongate.ClientCredentialsAuth{
		BaseEndpoint: "https://api.example.com", Client: &actiongate.OAuthClient{ClientID: "id",
			ClientSecret: actiongate.NewSecret([]byte(canary + "-client")), TokenEndpoint: "https://login.example.com/token"}}}
	if err := db.ConnectorUpdate(ctx, &u, nil); err != nil {
		t.Fatal(err)
	}
	b := *c
	b.ID = "basic"
	b.Auth = actiongate.AuthConfig{Type: actiongate.AuthBasic, Basic: &actiongate.BasicAuth{
		BaseEndpoint: "https://api.example.com", Username: "u", Password: actiongate.NewSecret([]byte(canary + "-password"))}}
	if err := db.ConnectorCreate(ctx, &b, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"connector", "permission", "tag", "secret", "identity", "data_key", "setting"} {
		var dump string
		if err := db.pool.QueryRow(ctx, `SELECT coalesce(string_agg(t::text, E'\n'), '') FROM `+table+` t`).Scan(&dump); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(dump, canary) {
			t.Errorf("table %s holds a plaintext secret", table)
		}
	}
}

// TestConcurrentWriters runs writers on one account for a while, split over two
// DBs on one schema as two replicas would be, and wants no error: no deadlock,
// serialization failure or lost conditional write may reach a caller.
func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	d := time.Second
	if testing.Short() {
		d = 300 * time.Millisecond
	}
	u := newSchema(t)
	var dbs []*DB
	for range 2 {
		db, err := Open(t.Context(), u)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dbs = append(dbs, db)
	}
	storetest.ConcurrentWriters(t, []actiongate.Store{dbs[0], dbs[1]}, 16, d)
}

func newConnector(account, id string) *actiongate.Connector {
	now := time.Now()
	return &actiongate.Connector{
		AccountID: account, ID: id, Type: actiongate.TypeGenericHTTP, Name: "Connector " + id,
		Auth: actiongate.AuthConfig{Type: actiongate.AuthAPIKey, APIKey: &actiongate.APIKeyAuth{
			BaseEndpoint: "https://api.example.com", APIKey: actiongate.NewSecret([]byte("k"))}},
		Status: actiongate.StatusCreationSuccessful, CreatedTime: now, LastUpdatedTime: now,
	}
}

func apiKeySecret(c *actiongate.Connector, ct string) []actiongate.SealedSecret {
	return []actiongate.SealedSecret{{Ref: actiongate.SecretRef{AccountID: c.AccountID, Kind: actiongate.SecretConnector,
		OwnerID: c.ID, Field: "ApiKey"}, Ciphertext: []byte(ct)}}
}

// BenchmarkStore runs the drivers' shared benchmarks, each on a fresh schema.
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) actiongate.Store {
		db := openFresh(b)
		b.Cleanup(func() { db.Close() })
		return db
	})
}
