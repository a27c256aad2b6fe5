// Package postgres is the actiongate.Store for PostgreSQL, through a pgx
// connection pool, for deployments where several actiongate replicas share one
// database.
//
// Replicas stay consistent through the database alone, never through locks in
// a process: every write is one transaction, and a write that depends on what
// was read before is a conditional UPDATE ... WHERE version = $n (or, for a
// secret, WHERE ciphertext = $prev) whose zero-row outcome is told apart into
// KindNotFound and KindConflict. Transactions run at READ COMMITTED, set on
// every connection and on every transaction, whatever the server's default:
// there a conditional UPDATE that waited for a concurrent writer re-reads the
// row that writer committed, so that of racing writers exactly one wins and
// the others see KindConflict, without serialization failures.
//
// Serialization failures and deadlocks (SQLSTATE 40001, 40P01) can still reach
// a transaction, a deadlock for instance between two creates whose secrets
// take each other's refs. The driver runs such a transaction again, four
// attempts in all, since PostgreSQL rolled all of it back; when the last
// attempt fails too, it returns KindConflict. Other errors are classified by
// SQLSTATE, never by message text: unique_violation is KindExists where the
// contract says so (a connector id, an access key id, a data key term) and a
// fault elsewhere (a taken secret ref, a tag key given twice).
//
// The schema is created and upgraded by numbered migrations embedded in the
// binary, applied by Open in the schema that the connection's search_path
// selects first. Text that the store contract orders by bytes is COLLATE "C",
// and times are timestamptz, which keeps microseconds.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/actiongate/actiongate"
)

// DB is an actiongate.Store kept in a PostgreSQL database. It is safe for
// concurrent use, also by several processes on one database.
type DB struct {
	pool *pgxpool.Pool
}

var _ actiongate.Store = (*DB)(nil)

// Open connects to the database that url names and brings its schema up to
// date. url is a PostgreSQL connection string as pgx reads it, usually
// postgres://user:password@host:port/database?sslmode=verify-full; its
// parameters also set the pool (pool_max_conns, default the larger of 4 and the
// number of CPUs) and the session (search_path, application_name, default
// "actiongate"). Open fails when the database's encoding is not UTF8, or when
// its schema was migrated by a newer build, whose schema this one does not
// know. Errors never repeat the password of url.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: the database URL does not parse: %w", err)
	}
	params := cfg.ConnConfig.RuntimeParams
	params["default_transaction_isolation"] = "read committed"
	if params["application_name"] == "" {
		params["application_name"] = "actiongate"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: migrate: %w", err)
	}
	return &DB{pool: pool}, nil
}

// Close closes every connection of the pool, after waiting for those in use to
// be released. It always returns nil.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// SQLSTATE codes the driver acts on.
const (
	codeUniqueViolation      = "23505"
	codeForeignKeyViolation  = "23503"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
)

// maxAttempts bounds how often write runs a transaction that PostgreSQL aborted
// with a serialization failure or a deadlock.
const maxAttempts = 4

// txOptions are the options of every transaction of the driver.
var txOptions = pgx.TxOptions{IsoLevel: pgx.ReadCommitted}

// write runs f in a READ COMMITTED transaction and commits it when f returns
// nil. A transaction aborted by a serialization failure or a deadlock is run
// again, after a short random pause; when it fails so maxAttempts times the
// error is KindConflict.
func (db *DB) write(ctx context.Context, f func(tx pgx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := db.writeOnce(ctx, f)
		if err == nil || !retryable(err) {
			return err
		}
		if attempt == maxAttempts {
			return &actiongate.Error{Kind: actiongate.KindConflict,
				Message: "The write lost to concurrent writes of the same rows; retry.", Err: err}
		}
		pause := time.Duration(1+rand.IntN(attempt*5)) * time.Millisecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
	}
}

func (db *DB) writeOnce(ctx context.Context, f func(tx pgx.Tx) error) error {
	tx, err := db.pool.BeginTx(ctx, txOptions)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	defer tx.Rollback(ctx) // after Commit, a no-op
	if err := f(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return nil
}

// retryable reports whether err aborted its transaction in a way that running
// it again may mend.
func retryable(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && (e.Code == codeSerializationFailure || e.Code == codeDeadlockDetected)
}

// errMap says which domain errors a statement's constraint violations stand
// for; a nil member leaves that violation a fault.
type errMap struct {
	exists  func() *actiongate.Error // unique_violation
	missing func() *actiongate.Error // foreign_key_violation
}

// wrap returns err with the operation op named, or as the domain error m gives
// for its SQLSTATE. Domain errors pass through.
func wrap(err error, op string, m errMap) error {
	if err == nil {
		return nil
	}
	var ae *actiongate.Error
	if errors.As(err, &ae) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		var e *actiongate.Error
		switch {
		case pe.Code == codeUniqueViolation && m.exists != nil:
			e = m.exists()
		case pe.Code == codeForeignKeyViolation && m.missing != nil:
			e = m.missing()
		}
		if e != nil {
			e.Err = err
			return e
		}
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// batch is statements sent in one round trip, each with the name of its
// operation and the domain errors its violations stand for.
type batch struct {
	b    pgx.Batch
	ops  []string
	maps []errMap
}

func (b *batch) add(op string, m errMap, sql string, args ...any) {
	b.b.Queue(sql, args...)
	b.ops = append(b.ops, op)
	b.maps = append(b.maps, m)
}

// run sends the statements in tx and returns the first error, wrapped as its
// statement says. The server skips the statements after a failed one.
func (b *batch) run(ctx context.Context, tx pgx.Tx) error {
	if len(b.ops) == 0 {
		return nil
	}
	br := tx.SendBatch(ctx, &b.b)
	for i, op := range b.ops {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return wrap(err, op, b.maps[i])
		}
	}
	return wrap(br.Close(), b.ops[len(b.ops)-1], errMap{})
}

// utc returns t in UTC; pgx reads timestamptz in the local zone.
func utc(t time.Time) time.Time { return t.UTC() }

// nonNil returns b, or an empty slice for nil, which pgx would send as NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
