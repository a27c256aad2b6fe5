package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/actiongate/actiongate"
)

// pendingWhere selects the connectors awaiting verification: the condition of
// the partial index connector_pending, with constants, so that the planner
// sees that the query implies it.
const pendingWhere = `status IN ('` + string(actiongate.StatusCreationInProgress) + `', '` +
	string(actiongate.StatusUpdateInProgress) + `')`

// SecretCreate stores a new sealed secret. KindExists when its ref is taken.
func (db *DB) SecretCreate(ctx context.Context, s actiongate.SealedSecret) error {
	r := s.Ref
	return db.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO secret (account_id, kind, owner_id, field, ciphertext) VALUES ($1, $2, $3, $4, $5)`,
			r.AccountID, string(r.Kind), r.OwnerID, r.Field, nonNil(s.Ciphertext))
		return wrap(err, "create secret", errMap{exists: func() *actiongate.Error {
			return actiongate.Errorf(actiongate.KindExists, "The secret %s of %s %s exists already in account %s.",
				r.Field, r.Kind, r.OwnerID, r.AccountID)
		}})
	})
}

// SecretDelete removes every sealed secret of (account, kind, owner), whatever
// its field. Deleting none is not an error.
func (db *DB) SecretDelete(ctx context.Context, account string, kind actiongate.SecretKind, owner string) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM secret WHERE account_id = $1 AND kind = $2 AND owner_id = $3`,
			account, string(kind), owner)
		return wrap(err, "delete secrets", errMap{})
	})
}

// LeaseAcquire gives the lease name to holder until until when it is free, its
// holder's time ran out (until <= now) or holder holds it already, and reports
// whether holder holds it now. It is one INSERT ... ON CONFLICT DO UPDATE ...
// WHERE: an acquirer that meets a row, committed or being inserted by another
// transaction, waits for it and locks it, and tests the condition against its
// newest version, so of racing acquirers of a free lease, in any replica,
// exactly one changes a row.
func (db *DB) LeaseAcquire(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	var n int64
	err := db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO lease (name, holder, until) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
			WHERE lease.until <= $4 OR lease.holder = EXCLUDED.holder`,
			name, holder, until, now)
		n = tag.RowsAffected()
		return wrap(err, "acquire lease", errMap{})
	})
	return err == nil && n > 0, err
}

// LeaseRelease frees the lease if holder holds it; otherwise it does nothing.
func (db *DB) LeaseRelease(ctx context.Context, name, holder string) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM lease WHERE name = $1 AND holder = $2`, name, holder)
		return wrap(err, "release lease", errMap{})
	})
}

func signInNotFound() *actiongate.Error {
	return actiongate.Errorf(actiongate.KindNotFound, "The sign-in does not exist or has ended.")
}

// signInColumns are the columns scanSignIn reads, in its order.
const signInColumns = `state, account_id, connector_id, user_arn, verifier, expires`

// scanSignIn reads a row of signInColumns.
func scanSignIn(row pgx.Row) (*actiongate.SignIn, error) {
	var p actiongate.SignIn
	if err := row.Scan(&p.State, &p.AccountID, &p.ConnectorID, &p.UserARN, &p.Verifier, &p.Expires); err != nil {
		return nil, err
	}
	p.Expires = utc(p.Expires)
	return &p, nil
}

// SignInCreate stores a pending sign-in. KindExists when its State is taken.
func (db *DB) SignInCreate(ctx context.Context, p *actiongate.SignIn) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO sign_in (`+signInColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
			p.State, p.AccountID, p.ConnectorID, p.UserARN, nonNil(p.Verifier), p.Expires)
		return wrap(err, "create sign-in", errMap{exists: func() *actiongate.Error {
			return actiongate.Errorf(actiongate.KindExists, "A sign-in with this state exists already.")
		}})
	})
}

// SignInGet returns the pending sign-in of state, expired or not.
// KindNotFound when there is none.
func (db *DB) SignInGet(ctx context.Context, state string) (*actiongate.SignIn, error) {
	p, err := scanSignIn(db.pool.QueryRow(ctx, `SELECT `+signInColumns+` FROM sign_in WHERE state = $1`, state))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, signInNotFound()
	}
	if err != nil {
		return nil, wrap(err, "get sign-in", errMap{})
	}
	return p, nil
}

// SignInTake removes the pending sign-in of state and returns it, expired or
// not, with one DELETE ... RETURNING: of racing takers, the others wait for
// the first and then find no row. KindNotFound when there is none.
func (db *DB) SignInTake(ctx context.Context, state string) (*actiongate.SignIn, error) {
	var p *actiongate.SignIn
	err := db.write(ctx, func(tx pgx.Tx) error {
		var err error
		p, err = scanSignIn(tx.QueryRow(ctx, `DELETE FROM sign_in WHERE state = $1 RETURNING `+signInColumns, state))
		if errors.Is(err, pgx.ErrNoRows) {
			return signInNotFound()
		}
		return wrap(err, "take sign-in", errMap{})
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
	err := db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM sign_in WHERE expires < $1`, before)
		n = tag.RowsAffected()
		return wrap(err, "purge sign-ins", errMap{})
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// SpecPut stores doc as the connector's OpenAPI document, replacing any other,
// if the connector's version is still version, and increments the version, in
// one transaction: the conditional UPDATE of the version locks the connector's
// row until the document is written. KindNotFound when the connector does not
// exist, KindConflict when its version moved on.
func (db *DB) SpecPut(ctx context.Context, account, id string, version int64, doc []byte) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		if err := bumpVersion(ctx, tx, account, id, version, "put spec"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO connector_spec (account_id, connector_id, doc) VALUES ($1, $2, $3)
			ON CONFLICT (account_id, connector_id) DO UPDATE SET doc = EXCLUDED.doc`, account, id, nonNil(doc))
		return wrap(err, "put spec", errMap{missing: func() *actiongate.Error { return notFound(account, id) }})
	})
}

// SpecGet returns the connector's OpenAPI document, or nil when it has none.
// KindNotFound when the connector does not exist.
func (db *DB) SpecGet(ctx context.Context, account, id string) ([]byte, error) {
	var (
		has bool
		doc []byte
	)
	err := db.pool.QueryRow(ctx, `SELECT s.connector_id IS NOT NULL, s.doc
		FROM connector c LEFT JOIN connector_spec s ON s.account_id = c.account_id AND s.connector_id = c.id
		WHERE c.account_id = $1 AND c.id = $2`, account, id).Scan(&has, &doc)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, notFound(account, id)
	case err != nil:
		return nil, wrap(err, "get spec", errMap{})
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
	rows, err := db.pool.Query(ctx, `SELECT `+connectorColumns+` FROM connector
		WHERE `+pendingWhere+` AND (account_id, id) > ($1::text, $2::text)
		ORDER BY account_id, id LIMIT $3`, afterAccount, afterID, limit)
	if err != nil {
		return nil, wrap(err, "list pending connectors", errMap{})
	}
	defer rows.Close()
	out := []*actiongate.Connector{}
	for rows.Next() {
		c, err := scanConnector(rows)
		if err != nil {
			return nil, wrap(err, "list pending connectors", errMap{})
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list pending connectors", errMap{})
	}
	return out, nil
}

// ConnectorSetStatus sets the connector's status and error (nil clears it) if
// its version is still version, leaving the version and every other column as
// they are. KindNotFound when the connector does not exist, KindConflict when
// its version moved on.
func (db *DB) ConnectorSetStatus(ctx context.Context, account, id string, version int64, status actiongate.Status, cerr *actiongate.ConnectorError) error {
	var errType, errMessage *string
	if cerr != nil {
		errType, errMessage = &cerr.Type, &cerr.Message
	}
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE connector SET status = $4, error_type = $5, error_message = $6
			WHERE account_id = $1 AND id = $2 AND version = $3`,
			account, id, version, string(status), errType, errMessage)
		return checkConditional(ctx, tx, tag.RowsAffected(), err, account, id, "set connector status")
	})
}
