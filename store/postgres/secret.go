package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/actiongate/actiongate"
)

func secretNotFound(ref actiongate.SecretRef) *actiongate.Error {
	return actiongate.Errorf(actiongate.KindNotFound, "No secret %s of %s %s in account %s.", ref.Field, ref.Kind, ref.OwnerID, ref.AccountID)
}

// SecretGet returns the ciphertext stored under ref. KindNotFound when there
// is none.
func (db *DB) SecretGet(ctx context.Context, ref actiongate.SecretRef) ([]byte, error) {
	var ct []byte
	err := db.pool.QueryRow(ctx, `SELECT ciphertext FROM secret
		WHERE account_id = $1 AND kind = $2 AND owner_id = $3 AND field = $4`,
		ref.AccountID, string(ref.Kind), ref.OwnerID, ref.Field).Scan(&ct)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, secretNotFound(ref)
	}
	if err != nil {
		return nil, wrap(err, "get secret", errMap{})
	}
	return ct, nil
}

// SecretList returns at most limit sealed secrets whose refs sort after after,
// by (AccountID, Kind, OwnerID, Field) in byte order; the zero SecretRef starts
// at the first. A limit below 1 returns none. The row comparison walks the
// primary key of secret.
func (db *DB) SecretList(ctx context.Context, after actiongate.SecretRef, limit int) ([]actiongate.SealedSecret, error) {
	if limit < 1 {
		return []actiongate.SealedSecret{}, nil
	}
	q := `SELECT account_id, kind, owner_id, field, ciphertext FROM secret`
	var a args
	if after != (actiongate.SecretRef{}) {
		q += ` WHERE (account_id, kind, owner_id, field) > (` + a.add(after.AccountID) + `::text, ` +
			a.add(string(after.Kind)) + `::text, ` + a.add(after.OwnerID) + `::text, ` + a.add(after.Field) + `::text)`
	}
	q += ` ORDER BY account_id, kind, owner_id, field LIMIT ` + a.add(limit)
	rows, err := db.pool.Query(ctx, q, a...)
	if err != nil {
		return nil, wrap(err, "list secrets", errMap{})
	}
	defer rows.Close()
	out := []actiongate.SealedSecret{}
	for rows.Next() {
		var (
			s    actiongate.SealedSecret
			kind string
		)
		if err := rows.Scan(&s.Ref.AccountID, &kind, &s.Ref.OwnerID, &s.Ref.Field, &s.Ciphertext); err != nil {
			return nil, wrap(err, "list secrets", errMap{})
		}
		s.Ref.Kind = actiongate.SecretKind(kind)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list secrets", errMap{})
	}
	return out, nil
}

// SecretReplace sets the ciphertext of ref to next if it is still prev.
// KindConflict when it is not, KindNotFound when ref has no secret.
func (db *DB) SecretReplace(ctx context.Context, ref actiongate.SecretRef, prev, next []byte) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE secret SET ciphertext = $5
			WHERE account_id = $1 AND kind = $2 AND owner_id = $3 AND field = $4 AND ciphertext = $6`,
			ref.AccountID, string(ref.Kind), ref.OwnerID, ref.Field, nonNil(next), nonNil(prev))
		if err != nil {
			return wrap(err, "replace secret", errMap{})
		}
		if tag.RowsAffected() > 0 {
			return nil
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM secret
			WHERE account_id = $1 AND kind = $2 AND owner_id = $3 AND field = $4)`,
			ref.AccountID, string(ref.Kind), ref.OwnerID, ref.Field).Scan(&exists); err != nil {
			return wrap(err, "replace secret", errMap{})
		}
		if !exists {
			return secretNotFound(ref)
		}
		return actiongate.Errorf(actiongate.KindConflict, "The secret %s of %s %s in account %s was changed by another write.",
			ref.Field, ref.Kind, ref.OwnerID, ref.AccountID)
	})
}

// addInsertSecrets adds to b the statement that stores sealed secrets. A ref
// that is taken fails it as a fault, not KindExists: the owner is new, so the
// ref belongs to another record or appears twice.
func addInsertSecrets(b *batch, secrets []actiongate.SealedSecret) {
	if len(secrets) == 0 {
		return
	}
	n := len(secrets)
	accounts, kinds, owners, fields := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	cts := make([][]byte, n)
	for i, s := range secrets {
		r := s.Ref
		accounts[i], kinds[i], owners[i], fields[i], cts[i] = r.AccountID, string(r.Kind), r.OwnerID, r.Field, nonNil(s.Ciphertext)
	}
	b.add("insert secrets", errMap{}, `INSERT INTO secret (account_id, kind, owner_id, field, ciphertext)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[])`,
		accounts, kinds, owners, fields, cts)
}

// addDeleteConnectorSecrets adds to b the statement that deletes the sealed
// secrets of a connector.
func addDeleteConnectorSecrets(b *batch, account, id string) {
	b.add("delete connector secrets", errMap{}, `DELETE FROM secret WHERE account_id = $1 AND kind = $2 AND owner_id = $3`,
		account, string(actiongate.SecretConnector), id)
}

// addDeleteTokenSecrets adds to b the statement that deletes the cached tokens
// of a connector (kind token, owned by the connector id), as ConnectorDelete
// does, and ConnectorCreate, for tokens left behind by a deleted connector of
// the same id; ConnectorUpdate keeps them.
func addDeleteTokenSecrets(b *batch, account, id string) {
	b.add("delete connector tokens", errMap{}, `DELETE FROM secret WHERE account_id = $1 AND kind = $2 AND owner_id = $3`,
		account, string(actiongate.SecretToken), id)
}
