package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/actiongate/actiongate"
)

func secretNotFound(ref actiongate.SecretRef) *actiongate.Error {
	return actiongate.Errorf(actiongate.KindNotFound, "No secret %s of %s %s in account %s.", ref.Field, ref.Kind, ref.OwnerID, ref.AccountID)
}

// SecretGet returns the ciphertext stored under ref. KindNotFound when there
// is none.
func (db *DB) SecretGet(ctx context.Context, ref actiongate.SecretRef) ([]byte, error) {
	var ct []byte
	err := db.readRow(ctx, `SELECT ciphertext FROM secret
		WHERE account_id = ? AND kind = ? AND owner_id = ? AND field = ?`,
		ref.AccountID, string(ref.Kind), ref.OwnerID, ref.Field).Scan(&ct)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, secretNotFound(ref)
	}
	if err != nil {
		return nil, wrap(err, "get secret", nil)
	}
	return ct, nil
}

// SecretList returns at most limit sealed secrets whose refs sort after after,
// by (AccountID, Kind, OwnerID, Field) in byte order; the zero SecretRef starts
// at the first. A limit below 1 returns none.
func (db *DB) SecretList(ctx context.Context, after actiongate.SecretRef, limit int) ([]actiongate.SealedSecret, error) {
	if limit < 1 {
		return []actiongate.SealedSecret{}, nil
	}
	q := `SELECT account_id, kind, owner_id, field, ciphertext FROM secret`
	args := []any{}
	if after != (actiongate.SecretRef{}) {
		q += ` WHERE (account_id, kind, owner_id, field) > (?, ?, ?, ?)`
		args = append(args, after.AccountID, string(after.Kind), after.OwnerID, after.Field)
	}
	q += ` ORDER BY account_id, kind, owner_id, field LIMIT ?`
	args = append(args, limit)
	rows, err := db.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(err, "list secrets", nil)
	}
	defer rows.Close()
	out := []actiongate.SealedSecret{}
	for rows.Next() {
		var (
			s    actiongate.SealedSecret
			kind string
		)
		if err := rows.Scan(&s.Ref.AccountID, &kind, &s.Ref.OwnerID, &s.Ref.Field, &s.Ciphertext); err != nil {
			return nil, wrap(err, "list secrets", nil)
		}
		s.Ref.Kind = actiongate.SecretKind(kind)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list secrets", nil)
	}
	return out, nil
}

// SecretReplace sets the ciphertext of ref to next if it is still prev.
// KindConflict when it is not, KindNotFound when ref has no secret.
func (db *DB) SecretReplace(ctx context.Context, ref actiongate.SecretRef, prev, next []byte) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE secret SET ciphertext = ?
			WHERE account_id = ? AND kind = ? AND owner_id = ? AND field = ? AND ciphertext = ?`,
			nonNil(next), ref.AccountID, string(ref.Kind), ref.OwnerID, ref.Field, nonNil(prev))
		if err != nil {
			return wrap(err, "replace secret", nil)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return wrap(err, "replace secret", nil)
		}
		if n > 0 {
			return nil
		}
		var one int
		err = tx.QueryRowContext(ctx, `SELECT 1 FROM secret
			WHERE account_id = ? AND kind = ? AND owner_id = ? AND field = ?`,
			ref.AccountID, string(ref.Kind), ref.OwnerID, ref.Field).Scan(&one)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return secretNotFound(ref)
		case err != nil:
			return wrap(err, "replace secret", nil)
		}
		return actiongate.Errorf(actiongate.KindConflict, "The secret %s of %s %s in account %s was changed by another write.",
			ref.Field, ref.Kind, ref.OwnerID, ref.AccountID)
	})
}

// insertSecrets stores sealed secrets.
func insertSecrets(ctx context.Context, tx *sql.Tx, secrets []actiongate.SealedSecret) error {
	if len(secrets) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO secret (account_id, kind, owner_id, field, ciphertext) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return wrap(err, "insert secret", nil)
	}
	defer st.Close()
	for _, s := range secrets {
		r := s.Ref
		if _, err := st.ExecContext(ctx, r.AccountID, string(r.Kind), r.OwnerID, r.Field, nonNil(s.Ciphertext)); err != nil {
			// A taken ref is a fault, not KindExists: the owner is new, so
			// the ref belongs to another record or appears twice.
			return wrap(err, "insert secret "+r.Field, nil)
		}
	}
	return nil
}

// deleteConnectorSecrets deletes the sealed secrets of a connector.
func deleteConnectorSecrets(ctx context.Context, tx *sql.Tx, account, id string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM secret WHERE account_id = ? AND kind = ? AND owner_id = ?`,
		account, string(actiongate.SecretConnector), id)
	return wrap(err, "delete connector secrets", nil)
}

// deleteConnectorSecretsAndTokens deletes the sealed secrets of a connector
// and its cached tokens (kind token, owned by the connector id), as
// ConnectorDelete does, and ConnectorCreate, for what a deleted connector of
// the same id left behind; ConnectorUpdate keeps the tokens.
func deleteConnectorSecretsAndTokens(ctx context.Context, tx *sql.Tx, account, id string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM secret WHERE account_id = ? AND kind IN (?, ?) AND owner_id = ?`,
		account, string(actiongate.SecretConnector), string(actiongate.SecretToken), id)
	return wrap(err, "delete connector secrets", nil)
}

// nonNil returns b, or an empty slice for nil, which the driver would bind as
// NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
