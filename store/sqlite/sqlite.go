// Package sqlite is the embedded actiongate.Store: one SQLite database file,
// through the pure-Go modernc.org/sqlite driver, so the binary builds with
// CGO_ENABLED=0.
//
// A DB holds two connection pools on the file: one writer connection, through
// which every write goes in a BEGIN IMMEDIATE transaction, and a pool of
// read-only readers. Every connection runs in WAL mode with synchronous=FULL (a
// commit survives power loss), foreign keys on, a 10 s busy timeout and
// secure_delete on, so that deleted ciphertexts do not linger in free pages.
// The schema is created and upgraded by numbered migrations embedded in the
// binary. Several processes may share one database file.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/actiongate/actiongate"
	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// BusyTimeout is how long a connection waits for another connection's lock,
// in this or another process, before a statement fails with SQLITE_BUSY.
const BusyTimeout = 10 * time.Second

// DB is an actiongate.Store kept in one SQLite database file. It is safe for
// concurrent use.
type DB struct {
	writer *sql.DB // one connection; every transaction BEGIN IMMEDIATE
	reader *sql.DB // read-only connections, deferred transactions
	// reads holds the reader's prepared statements by query text, so that
	// the hot reads are not parsed again on every call.
	reads sync.Map // string -> *sql.Stmt
	// creates batches concurrent ConnectorCreate calls into one commit.
	creates createGroup
}

var _ actiongate.Store = (*DB)(nil)

// Open opens the database file at path, creating it with mode 0600 when it does
// not exist (SQLite gives its WAL and shared-memory files the same mode), and
// brings its schema up to date. path names a file: not ":memory:", nor a
// "file:" URI. Open fails when the file was migrated by a newer build, whose
// schema this one does not know.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("sqlite: %q is not the path of a database file", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		f.Close()
	case !errors.Is(err, fs.ErrExist):
		return nil, fmt.Errorf("sqlite: create %s: %w", path, err)
	}
	writer, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)
	// The first connection switches the file to WAL; migrating before the
	// readers open means they find it so.
	if err := migrate(ctx, writer); err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: migrate %s: %w", path, err)
	}
	reader, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	if err := reader.PingContext(ctx); err != nil {
		writer.Close()
		reader.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return &DB{writer: writer, reader: reader}, nil
}

// dsn returns the modernc.org/sqlite data source name of the file at path. The
// pragmas are in the DSN, not executed once, because each pooled connection
// needs them. The writer begins its transactions IMMEDIATE: a deferred
// transaction that reads and then writes can fail with SQLITE_BUSY at once,
// without waiting for the busy timeout. Readers are query_only.
func dsn(path string, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "secure_delete(ON)")
	if writer {
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(ON)")
	}
	u := url.URL{Path: path}
	return "file:" + u.EscapedPath() + "?" + q.Encode()
}

// Close closes both connection pools.
func (db *DB) Close() error {
	var errs []error
	db.reads.Range(func(_, st any) bool {
		errs = append(errs, st.(*sql.Stmt).Close())
		return true
	})
	return errors.Join(append(errs, db.reader.Close(), db.writer.Close())...)
}

// readRow runs a single-row read with a statement prepared once on the
// reader pool (database/sql prepares it again on each connection it meets).
func (db *DB) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := db.readStmt(ctx, query)
	if err != nil {
		return db.reader.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// readRows is readRow for reads of several rows.
func (db *DB) readRows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := db.readStmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (db *DB) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := db.reads.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.reader.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.reads.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// write runs f in a transaction on the writer connection and commits it when f
// returns nil.
func (db *DB) write(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// isUniqueViolation reports whether err is a PRIMARY KEY or UNIQUE constraint
// violation.
func isUniqueViolation(err error) bool {
	var e *msqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	c := e.Code()
	return c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || c == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}

// wrap returns err with the operation op named, and as a KindExists error when
// it is a uniqueness violation.
func wrap(err error, op string, exists func() *actiongate.Error) error {
	if err == nil {
		return nil
	}
	var ae *actiongate.Error
	if errors.As(err, &ae) {
		return err
	}
	if exists != nil && isUniqueViolation(err) {
		e := exists()
		e.Err = err
		return e
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// micros returns t as the stored time: microseconds since the Unix epoch.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros returns the time stored as us, in UTC.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
