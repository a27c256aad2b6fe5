package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/actiongate/actiongate"
)

// pendingWhere selects the connectors awaiting verification. It is the WHERE
// clause of the partial index connector_pending, repeated exactly, since
// SQLite uses a partial index only for a query that names its condition.
const pendingWhere = `status IN ('` + string(actiongate.StatusCreationInProgress) + `', '` +
	string(actiongate.StatusUpdateInProgress) + `')`

// pendingQuery is the query of ConnectorPending: the pending connectors after
// a cursor (account_id, id), at most a limit of them.
const pendingQuery = `SELECT ` + connectorColumns + ` FROM connector
	WHERE ` + pendingWhere + ` AND (account_id, id) > (?, ?)
	ORDER BY account_id, id LIMIT ?`

// SecretCreate stores a new sealed secret. KindExists when its ref is taken.
func (db *DB) SecretCreate(ctx context.Context, s actiongate.SealedSecret) error {
	r := s.Ref
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO secret (account_id, kind, owner_id, field, ciphertext) VALUES (?, ?, ?, ?, ?)`,
			r.AccountID, string(r.Kind), r.OwnerID, r.Field, nonNil(s.Ciphertext))
		return wrap(err, "create secret", func() *actiongate.Error {
			return actiongate.Errorf(actiongate.KindExists, "The secret %s of %s %s exists already in account %s.",
				r.Field, r.Kind, r.OwnerID, r.AccountID)
		})
	})
}

// SecretDelete removes every sealed secret of (account, kind, owner), whatever
// its field. Deleting none is not an error.
func (db *DB) SecretDelete(ctx context.Context, account string, kind actiongate.SecretKind, owner string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM secret WHERE account_id = ? AND kind = ? AND owner_id = ?`,
			account, string(kind), owner)
		return wrap(err, "delete secrets", nil)
	})
}

// LeaseAcquire gives the lease name to holder until until when it is free, its
// holder's time ran out (until <= now) or holder holds it already, and reports
// whether holder holds it now. It is one conditional upsert: an upsert whose
// DO UPDATE condition fails changes no row. The writer connection, and
// SQLite's lock on the file, serialize acquirers of every process.
func (db *DB) LeaseAcquire(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO lease (name, holder, until) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
			WHERE lease.until <= ? OR lease.holder = excluded.holder`,
			name, holder, micros(until), micros(now))
		if err != nil {
			return wrap(err, "acquire lease", nil)
		}
		n, err = res.RowsAffected()
		return wrap(err, "acquire lease", nil)
	})
	return n > 0, err
}

// LeaseRelease frees the lease if holder holds it; otherwise it does nothing.
func (db *DB) LeaseRelease(ctx context.Context, name, holder string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM lease WHERE name = ? AND holder = ?`, name, holder)
		return wrap(err, "release lease", nil)
	})
}

func signInNotFound() *actiongate.Error {
	return actiongate.Errorf(actiongate.KindNotFound, "The sign-in does not exist or has ended.")
}

// signInColumns are the columns scanSignIn reads, in its order.
const signInColumns = `state, account_id, connector_id, user_arn, verifier, expires`

// scanSignIn reads a row of signInColumns.
func scanSignIn(row interface{ Scan(...any) error }) (*actiongate.SignIn, error) {
	var (
		p       actiongate.SignIn
		expires int64
	)
	if err := row.Scan(&p.State, &p.AccountID, &p.ConnectorID, &p.UserARN, &p.Verifier, &expires); err != nil {
		return nil, err
	}
	p.Expires = fromMicros(expires)
	return &p, nil
}

// SignInCreate stores a pending sign-in. KindExists when its State is taken.
func (db *DB) SignInCreate(ctx context.Context, p *actiongate.SignIn) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sign_in (`+signInColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
			p.State, p.AccountID, p.ConnectorID, p.UserARN, nonNil(p.Verifier), micros(p.Expires))
		return wrap(err, "create sign-in", func() *actiongate.Error {
			return actiongate.Errorf(actiongate.KindExists, "A sign-in with this state exists already.")
		})
	})
}

// SignInGet returns the pending sign-in of state, expired or not.
// KindNotFound when there is none.
func (db *DB) SignInGet(ctx context.Context, state string) (*actiongate.SignIn, error) {
	p, err := scanSignIn(db.readRow(ctx, `SELECT `+signInColumns+` FROM sign_in WHERE state = ?`, state))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, signInNotFound()
	}
	if err != nil {
		return nil, wrap(err, "get sign-in", nil)
	}
	return p, nil
}

// SignInTake removes the pending sign-in of state and returns it, expired or
// not, with one DELETE ... RETURNING. KindNotFound when there is none.
func (db *DB) SignInTake(ctx context.Context, state string) (*actiongate.SignIn, error) {
	var p *actiongate.SignIn
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		p, err = scanSignIn(tx.QueryRowContext(ctx, `DELETE FROM sign_in WHERE state = ? RETURNING `+signInColumns, state))
		if errors.Is(err, sql.ErrNoRows) {
			return signInNotFound()
		}
		return wrap(err, "take sign-in", nil)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// SignInPurge removes the pending sign-ins that expired before before
// (Expires < before) and returns how many it removed.
func (db *DB) SignInPurge(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sign_in WHERE expires < ?`, micros(before))
		if err != nil {
			return wrap(err, "purge sign-ins", nil)
		}
		n, err = res.RowsAffected()
		return wrap(err, "purge sign-ins", nil)
	})
	return int(n), err
}

// SpecPut stores doc as the connector's OpenAPI document, replacing any other,
// if the connector's version is still version, and increments the version, in
// one transaction. KindNotFound when the connector does not exist,
// KindConflict when its version moved on.
func (db *DB) SpecPut(ctx context.Context, account, id string, version int64, doc []byte) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := bumpVersion(ctx, tx, account, id, version, "put spec"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO connector_spec (account_id, connector_id, doc) VALUES (?, ?, ?)
			ON CONFLICT (account_id, connector_id) DO UPDATE SET doc = excluded.doc`, account, id, nonNil(doc))
		return wrap(err, "put spec", nil)
	})
}

// SpecGet returns the connector's OpenAPI document, or nil when it has none.
// KindNotFound when the connector does not exist.
func (db *DB) SpecGet(ctx context.Context, account, id string) ([]byte, error) {
	var (
		has bool
		doc []byte
	)
	err := db.readRow(ctx, `SELECT s.connector_id IS NOT NULL, s.doc
		FROM connector c LEFT JOIN connector_spec s ON s.account_id = c.account_id AND s.connector_id = c.id
		WHERE c.account_id = ? AND c.id = ?`, account, id).Scan(&has, &doc)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, notFound(account, id)
	case err != nil:
		return nil, wrap(err, "get spec", nil)
	case !has:
		return nil, nil
	}
	return nonNil(doc), nil
}

// ConnectorPending returns at most limit connectors, of every account, whose
// status is CREATION_IN_PROGRESS or UPDATE_IN_PROGRESS, ordered by
// (account_id, id) in byte order and starting after (afterAccount, afterID);
// ("", "") starts at the first. A limit below 1 returns none. The partial
// index connector_pending holds just these rows, in this order.
func (db *DB) ConnectorPending(ctx context.Context, afterAccount, afterID string, limit int) ([]*actiongate.Connector, error) {
	if limit < 1 {
		return []*actiongate.Connector{}, nil
	}
	rows, err := db.readRows(ctx, pendingQuery, afterAccount, afterID, limit)
	if err != nil {
		return nil, wrap(err, "list pending connectors", nil)
	}
	defer rows.Close()
	out := []*actiongate.Connector{}
	for rows.Next() {
		c, err := scanConnector(rows)
		if err != nil {
			return nil, wrap(err, "list pending connectors", nil)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list pending connectors", nil)
	}
	return out, nil
}

// ConnectorSetStatus sets the connector's status and error (nil clears it) if
// its version is still version, leaving the version and every other column as
// they are. KindNotFound when the connector does not exist, KindConflict when
// its version moved on.
func (db *DB) ConnectorSetStatus(ctx context.Context, account, id string, version int64, status actiongate.Status, cerr *actiongate.ConnectorError) error {
	var errType, errMessage sql.NullString
	if cerr != nil {
		errType = sql.NullString{String: cerr.Type, Valid: true}
		errMessage = sql.NullString{String: cerr.Message, Valid: true}
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE connector SET status = ?, error_type = ?, error_message = ?
			WHERE account_id = ? AND id = ? AND version = ?`,
			string(status), errType, errMessage, account, id, version)
		return checkConditional(ctx, tx, res, err, account, id, "set connector status")
	})
}
