package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/actiongate/actiongate"
)

// IdentityCreate stores an identity and its sealed secret access key, whose ref
// should be of kind actiongate.SecretIdentity, owned by the access key id in the
// identity's account, as IdentityGet finds it there. KindExists when the access
// key id is taken; a secret ref that is taken fails it as a fault.
func (db *DB) IdentityCreate(ctx context.Context, id *actiongate.Identity, secret actiongate.SealedSecret) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO identity
			(access_key_id, account_id, arn, admin, policy, user_arn, created_time) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id.AccessKeyID, id.AccountID, id.ARN, id.Admin, id.Policy, id.UserARN, micros(id.CreatedTime)); err != nil {
			return wrap(err, "insert identity", func() *actiongate.Error {
				return actiongate.Errorf(actiongate.KindExists, "Access key %s exists already.", id.AccessKeyID)
			})
		}
		return insertSecrets(ctx, tx, []actiongate.SealedSecret{secret})
	})
}

// IdentityGet returns the identity of an access key and the ciphertext of its
// secret access key. KindNotFound when the key, or its secret, is unknown.
func (db *DB) IdentityGet(ctx context.Context, accessKeyID string) (*actiongate.Identity, []byte, error) {
	var (
		id      actiongate.Identity
		created int64
		ct      []byte
	)
	err := db.readRow(ctx, `SELECT i.access_key_id, i.account_id, i.arn, i.admin, i.policy,
			i.user_arn, i.created_time, s.ciphertext
		FROM identity i JOIN secret s
			ON s.account_id = i.account_id AND s.kind = ? AND s.owner_id = i.access_key_id
		WHERE i.access_key_id = ?
		ORDER BY s.field LIMIT 1`, string(actiongate.SecretIdentity), accessKeyID).
		Scan(&id.AccessKeyID, &id.AccountID, &id.ARN, &id.Admin, &id.Policy, &id.UserARN, &created, &ct)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, actiongate.Errorf(actiongate.KindNotFound, "Access key %s does not exist.", accessKeyID)
	}
	if err != nil {
		return nil, nil, wrap(err, "get identity", nil)
	}
	id.CreatedTime = fromMicros(created)
	return &id, ct, nil
}

// IdentityCount returns how many identities exist, in every account.
func (db *DB) IdentityCount(ctx context.Context) (int, error) {
	var n int
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM identity`).Scan(&n); err != nil {
		return 0, wrap(err, "count identities", nil)
	}
	return n, nil
}

// IdentityList returns the identities of account, or of every account when
// account is "", ordered by access key id.
func (db *DB) IdentityList(ctx context.Context, account string) ([]*actiongate.Identity, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT access_key_id, account_id, arn, admin, policy, user_arn, created_time
		FROM identity WHERE ? = '' OR account_id = ? ORDER BY access_key_id`, account, account)
	if err != nil {
		return nil, wrap(err, "list identities", nil)
	}
	defer rows.Close()
	out := []*actiongate.Identity{}
	for rows.Next() {
		var (
			id      actiongate.Identity
			created int64
		)
		if err := rows.Scan(&id.AccessKeyID, &id.AccountID, &id.ARN, &id.Admin, &id.Policy, &id.UserARN, &created); err != nil {
			return nil, wrap(err, "list identities", nil)
		}
		id.CreatedTime = fromMicros(created)
		out = append(out, &id)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list identities", nil)
	}
	return out, nil
}

// IdentityDelete removes an identity and its sealed secret in one transaction.
// KindNotFound when the access key is unknown.
func (db *DB) IdentityDelete(ctx context.Context, accessKeyID string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		var account string
		err := tx.QueryRowContext(ctx, `DELETE FROM identity WHERE access_key_id = ? RETURNING account_id`, accessKeyID).Scan(&account)
		if errors.Is(err, sql.ErrNoRows) {
			return actiongate.Errorf(actiongate.KindNotFound, "Access key %s does not exist.", accessKeyID)
		}
		if err != nil {
			return wrap(err, "delete identity", nil)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM secret WHERE account_id = ? AND kind = ? AND owner_id = ?`,
			account, string(actiongate.SecretIdentity), accessKeyID); err != nil {
			return wrap(err, "delete identity secret", nil)
		}
		return nil
	})
}

// DataKeyList returns the vault's wrapped data keys ordered by term.
func (db *DB) DataKeyList(ctx context.Context) ([]actiongate.DataKey, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT term, wrapped, created_time FROM data_key ORDER BY term`)
	if err != nil {
		return nil, wrap(err, "list data keys", nil)
	}
	defer rows.Close()
	out := []actiongate.DataKey{}
	for rows.Next() {
		var (
			k       actiongate.DataKey
			created int64
		)
		if err := rows.Scan(&k.Term, &k.Wrapped, &created); err != nil {
			return nil, wrap(err, "list data keys", nil)
		}
		k.CreatedTime = fromMicros(created)
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list data keys", nil)
	}
	return out, nil
}

// DataKeyAdd stores a wrapped data key. KindExists when its term is taken.
func (db *DB) DataKeyAdd(ctx context.Context, k actiongate.DataKey) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO data_key (term, wrapped, created_time) VALUES (?, ?, ?)`,
			int64(k.Term), nonNil(k.Wrapped), micros(k.CreatedTime))
		return wrap(err, "add data key", func() *actiongate.Error {
			return actiongate.Errorf(actiongate.KindExists, "A data key of term %d exists already.", k.Term)
		})
	})
}

// Setting returns the value stored under name, first storing value there when
// name has none. Concurrent callers, in this process or another, all get the
// value stored first. A nil value is stored as an empty one.
func (db *DB) Setting(ctx context.Context, name string, value []byte) ([]byte, error) {
	var stored []byte
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
			name, nonNil(value)); err != nil {
			return wrap(err, "store setting", nil)
		}
		err := tx.QueryRowContext(ctx, `SELECT value FROM setting WHERE name = ?`, name).Scan(&stored)
		return wrap(err, "read setting", nil)
	})
	if err != nil {
		return nil, err
	}
	return stored, nil
}
