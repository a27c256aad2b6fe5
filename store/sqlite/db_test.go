package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/store/storetest"
)

func open(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
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

// TestPragmasOnEveryConnection holds every connection the pools can open at
// once and checks each: pragmas are per connection, so one that was set by a
// single Exec would show on one connection only.
func TestPragmasOnEveryConnection(t *testing.T) {
	t.Parallel()
	db := open(t, filepath.Join(t.TempDir(), "p.db"))
	ctx := t.Context()
	for _, pool := range []struct {
		name string
		db   *sql.DB
		n    int
	}{{"writer", db.writer, 1}, {"reader", db.reader, db.reader.Stats().MaxOpenConnections}} {
		if pool.name == "writer" && pool.db.Stats().MaxOpenConnections != 1 {
			t.Errorf("the writer pool may open %d connections, want 1", pool.db.Stats().MaxOpenConnections)
		}
		var conns []*sql.Conn
		for range pool.n {
			c, err := pool.db.Conn(ctx)
			if err != nil {
				t.Fatalf("%s: Conn: %v", pool.name, err)
			}
			conns = append(conns, c)
		}
		for i, c := range conns {
			for _, p := range []struct {
				pragma string
				ok     func(string) bool
				want   string
			}{
				{"journal_mode", func(v string) bool { return v == "wal" }, "wal"},
				{"synchronous", func(v string) bool { return v == "2" }, "2 (FULL)"},
				{"foreign_keys", func(v string) bool { return v == "1" }, "1"},
				{"busy_timeout", func(v string) bool { var n int; fmt.Sscan(v, &n); return n >= 5000 }, ">= 5000"},
				{"secure_delete", func(v string) bool { return v == "1" }, "1"},
				{"query_only", func(v string) bool { return v == map[string]string{"writer": "0", "reader": "1"}[pool.name] },
					map[string]string{"writer": "0", "reader": "1"}[pool.name]},
			} {
				var v string
				if err := c.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(&v); err != nil {
					t.Fatalf("%s connection %d: PRAGMA %s: %v", pool.name, i, p.pragma, err)
				}
				if !p.ok(v) {
					t.Errorf("%s connection %d: %s = %s, want %s", pool.name, i, p.pragma, v, p.want)
				}
			}
		}
		if got := pool.db.Stats().OpenConnections; got != pool.n {
			t.Errorf("%s: %d connections open, want %d distinct ones checked", pool.name, got, pool.n)
		}
		for _, c := range conns {
			c.Close()
		}
	}
}

// TestWriterBeginsImmediate checks that the writer's transactions take the
// write lock at BEGIN: a second process's writer then waits in BEGIN, where the
// busy timeout applies, instead of failing at its first write.
func TestWriterBeginsImmediate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "i.db")
	a, b := open(t, path), open(t, path)
	ctx := t.Context()
	tx, err := a.writer.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// b's read-only pool still reads.
	if _, err := b.IdentityCount(ctx); err != nil {
		t.Fatalf("read while another writer holds its transaction: %v", err)
	}
	// b's writer waits for the lock a's BEGIN took.
	waitCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		done <- b.DataKeyAdd(waitCtx, actiongate.DataKey{Term: 1, Wrapped: []byte("w"), CreatedTime: time.Now()})
	}()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("a write finished (%v) while another process's writer was in a transaction: that BEGIN took no lock", err)
	default:
	}
	tx.Rollback()
	if err := <-done; err != nil {
		t.Fatalf("a write waiting for another process's transaction failed after %v: %v", time.Since(start), err)
	}
}

func TestReaderIsReadOnly(t *testing.T) {
	t.Parallel()
	db := open(t, filepath.Join(t.TempDir(), "r.db"))
	if _, err := db.reader.ExecContext(t.Context(), `INSERT INTO setting (name, value) VALUES ('x', x'00')`); err == nil {
		t.Fatal("a write through the reader pool succeeded")
	}
}

func TestReopen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "reopen.db")
	ctx := t.Context()
	db, err := Open(ctx, path)
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
		db, err = Open(ctx, path)
		if err != nil {
			t.Fatalf("re-Open: %v", err)
		}
		got, err := db.ConnectorGet(ctx, c.AccountID, c.ID)
		if err != nil {
			t.Fatalf("ConnectorGet after re-Open: %v", err)
		}
		if got.Name != c.Name || got.Version != 1 {
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
		if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
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
	path := filepath.Join(t.TempDir(), "newer.db")
	db := open(t, path)
	if _, err := db.writer.ExecContext(t.Context(), `INSERT INTO schema_migrations (version, name, applied_time) VALUES (9999, '9999_future', 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err := Open(t.Context(), path); err == nil {
		db.Close()
		t.Fatal("Open of a database with a newer schema succeeded")
	}
}

func TestOpenConcurrently(t *testing.T) {
	// Processes that start together on a new file migrate it once.
	t.Parallel()
	path := filepath.Join(t.TempDir(), "together.db")
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			db, err := Open(t.Context(), path)
			if err == nil {
				err = db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
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

// TestNoPlaintextInFiles writes a connector whose Auth holds secrets and checks
// that none of them reaches the database or WAL file: the driver stores only
// the sealed secrets it is given.
func TestNoPlaintextInFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := open(t, filepath.Join(dir, "canary.db"))
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
	files, _ := filepath.Glob(filepath.Join(dir, "canary.db*"))
	if len(files) < 2 {
		t.Fatalf("found %v, want the database and its WAL", files)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(canary)) {
			t.Errorf("%s holds a plaintext secret", filepath.Base(f))
		}
	}
}

// TestSecureDelete checks that a deleted ciphertext does not stay readable in
// the file's free pages once the WAL is checkpointed.
func TestSecureDelete(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sd.db")
	db := open(t, path)
	ctx := t.Context()
	const marker = "SEALED-4b7e9a21-marker"
	c := newConnector("111111111111", "c")
	if err := db.ConnectorCreate(ctx, c, apiKeySecret(c, strings.Repeat(marker, 8)), nil, nil); err != nil {
		t.Fatal(err)
	}
	checkpoint := func() {
		if _, err := db.writer.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			t.Fatal(err)
		}
	}
	checkpoint()
	if data, _ := os.ReadFile(path); !bytes.Contains(data, []byte(marker)) {
		t.Fatal("the ciphertext is not in the database file; the test proves nothing")
	}
	if err := db.ConnectorDelete(ctx, c.AccountID, c.ID); err != nil {
		t.Fatal(err)
	}
	checkpoint()
	data, _ := os.ReadFile(path)
	if bytes.Contains(data, []byte(marker)) {
		t.Error("a deleted ciphertext lingers in the database file")
	}
}

// TestConcurrentWriters runs 50 writers on one account for a while, split over
// two DBs on one file as two processes would be, and wants no error: no
// SQLITE_BUSY may reach a caller.
func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	d := 2 * time.Second
	if testing.Short() {
		d = 300 * time.Millisecond
	}
	path := filepath.Join(t.TempDir(), "busy.db")
	dbs := []*DB{open(t, path), open(t, path)}
	storetest.ConcurrentWriters(t, []actiongate.Store{dbs[0], dbs[1]}, 50, d)
}

// TestPrincipalFilterUsesIndex checks that the principal filter looks up the
// permission_principal index rather than scanning permissions.
func TestPrincipalFilterUsesIndex(t *testing.T) {
	t.Parallel()
	db := open(t, filepath.Join(t.TempDir(), "plan.db"))
	rows, err := db.reader.QueryContext(t.Context(), `EXPLAIN QUERY PLAN SELECT c.id FROM connector c
		WHERE c.account_id = ? AND c.id > ? AND c.id IN (SELECT p.connector_id FROM permission p
			WHERE p.account_id = ? AND p.principal IN (?) AND p.action IN (?, ?))
		ORDER BY c.id LIMIT 10`, "a", "", "a", "p", "x", "y")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if !strings.Contains(strings.Join(plan, "\n"), "permission_principal") {
		t.Errorf("the principal filter does not use permission_principal:\n%s", strings.Join(plan, "\n"))
	}
	t.Logf("plan:\n%s", strings.Join(plan, "\n"))
}

// TestFileMode checks that the database and its WAL and shared-memory files
// are readable by their owner alone.
func TestFileMode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := open(t, filepath.Join(dir, "mode.db"))
	c := newConnector("111111111111", "c")
	if err := db.ConnectorCreate(t.Context(), c, apiKeySecret(c, "sealed"), nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"mode.db", "mode.db-wal", "mode.db-shm"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s has mode %v, want -rw-------", name, m)
		}
	}
}

// TestOpenPaths checks paths with characters that mean something in a URI, and
// refuses names that are no file.
func TestOpenPaths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{"a b.db", "q?x=1.db", "h#frag.db", "p%41.db", "c:olon.db", "zoë.db"} {
		path := filepath.Join(dir, name)
		db, err := Open(t.Context(), path)
		if err != nil {
			t.Errorf("Open(%q): %v", name, err)
			continue
		}
		if _, err := db.Setting(t.Context(), "s", []byte("v")); err != nil {
			t.Errorf("%q: Setting: %v", name, err)
		}
		db.Close()
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%q: the database is not where asked: %v", name, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".db") && !strings.HasSuffix(e.Name(), "-wal") && !strings.HasSuffix(e.Name(), "-shm") {
			t.Errorf("stray file %q", e.Name())
		}
	}
	for _, path := range []string{"", ":memory:", "file:x.db?mode=memory"} {
		if db, err := Open(t.Context(), path); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded", path)
		}
	}
}
