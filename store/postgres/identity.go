package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/actiongate/actiongate"
)

// IdentityCreate stores an identity and its sealed secret access key, whose ref
// should be of kind actiongate.SecretIdentity, owned by the access key id in the
// identity's account, as IdentityGet finds it there. KindExists when the access
// key id is taken; a secret ref that is taken fails it as a fault.
func (db *DB) IdentityCreate(ctx context.Context, id *actiongate.Identity, secret actiongate.SealedSecret) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		var b batch
		b.add("insert identity", errMap{exists: func() *actiongate.Error {
			return actiongate.Errorf(actiongate.KindExists, "Access key %s exists already.", id.AccessKeyID)
		}}, `INSERT INTO identity (access_key_id, account_id, arn, admin, policy, user_arn, created_time)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			id.AccessKeyID, id.AccountID, id.ARN, id.Admin, id.Policy, id.UserARN, id.CreatedTime)
		addInsertSecrets(&b, []actiongate.SealedSecret{secret})
		return b.run(ctx, tx)
	})
}

// IdentityGet returns the identity of an access key and the ciphertext of its
// secret access key. KindNotFound when the key, or its secret, is unknown.
func (db *DB) IdentityGet(ctx context.Context, accessKeyID string) (*actiongate.Identity, []byte, error) {
	var (
		id      actiongate.Identity
		created time.Time
		ct      []byte
	)
	err := db.pool.QueryRow(ctx, `SELECT i.access_key_id, i.account_id, i.arn, i.admin, i.policy,
			i.user_arn, i.created_time, s.ciphertext
		FROM identity i JOIN secret s
			ON s.account_id = i.account_id AND s.kind = $1 AND s.owner_id = i.access_key_id
		WHERE i.access_key_id = $2
		ORDER BY s.field LIMIT 1`, string(actiongate.SecretIdentity), accessKeyID).
		Scan(&id.AccessKeyID, &id.AccountID, &id.ARN, &id.Admin, &id.Policy, &id.UserARN, &created, &ct)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, actiongate.Errorf(actiongate.KindNotFound, "Access key %s does not exist.", accessKeyID)
	}
	if err != nil {
		return nil, nil, wrap(err, "get identity", errMap{})
	}
	id.CreatedTime = utc(created)
	return &id, ct, nil
}

// IdentityCount returns how many identities exist, in every account.
func (db *DB) IdentityCount(ctx context.Context) (int, error) {
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM identity`).Scan(&n); err != nil {
		return 0, wrap(err, "count identities", errMap{})
	}
	return n, nil
}

// IdentityList returns the identities of account, or of every account when
// account is "", ordered by access key id.
func (db *DB) IdentityList(ctx context.Context, account string) ([]*actiongate.Identity, error) {
	rows, err := db.pool.Query(ctx, `SELECT access_key_id, account_id, arn, admin, policy, user_arn, created_time
		FROM identity WHERE $1 = '' OR account_id = $1 ORDER BY access_key_id`, account)
	if err != nil {
		return nil, wrap(err, "list identities", errMap{})
	}
	defer rows.Close()
	out := []*actiongate.Identity{}
	for rows.Next() {
		var (
			id      actiongate.Identity
			created time.Time
		)
		if err := rows.Scan(&id.AccessKeyID, &id.AccountID, &id.ARN, &id.Admin, &id.Policy, &id.UserARN, &created); err != nil {
			return nil, wrap(err, "list identities", errMap{})
		}
		id.CreatedTime = utc(created)
		out = append(out, &id)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list identities", errMap{})
	}
	return out, nil
}

// IdentityDelete removes an identity and its sealed secret in one transaction.
// KindNotFound when the access key is unknown.
func (db *DB) IdentityDelete(ctx context.Context, accessKeyID string) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		var account string
		err := tx.QueryRow(ctx, `DELETE FROM identity WHERE access_key_id = $1 RETURNING account_id`, accessKeyID).Scan(&account)
		if errors.Is(err, pgx.ErrNoRows) {
			return actiongate.Errorf(actiongate.KindNotFound, "Access key %s does not exist.", accessKeyID)
		}
		if err != nil {
			return wrap(err, "delete identity", errMap{})
		}
		if _, err := tx.Exec(ctx, `DELETE FROM secret WHERE account_id = $1 AND kind = $2 AND owner_id = $3`,
			account, string(actiongate.SecretIdentity), accessKeyID); err != nil {
			return wrap(err, "delete identity secret", errMap{})
		}
		return nil
	})
}

// DataKeyList returns the vault's wrapped data keys ordered by term.
func (db *DB) DataKeyList(ctx context.Context) ([]actiongate.DataKey, error) {
	rows, err := db.pool.Query(ctx, `SELECT term, wrapped, created_time FROM data_key ORDER BY term`)
	if err != nil {
		return nil, wrap(err, "list data keys", errMap{})
	}
	defer rows.Close()
	out := []actiongate.DataKey{}
	for rows.Next() {
		var (
			k       actiongate.DataKey
			term    int64
			created time.Time
		)
		if err := rows.Scan(&term, &k.Wrapped, &created); err != nil {
			return nil, wrap(err, "list data keys", errMap{})
		}
		k.Term = uint32(term) // the column's CHECK keeps it a uint32
		k.CreatedTime = utc(created)
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list data keys", errMap{})
	}
	return out, nil
}

// DataKeyAdd stores a wrapped data key. KindExists when its term is taken: of
// replicas that add one term at once, one wins and the others, having waited
// for its commit, get KindExists.
func (db *DB) DataKeyAdd(ctx context.Context, k actiongate.DataKey) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO data_key (term, wrapped, created_time) VALUES ($1, $2, $3)`,
		int64(k.Term), nonNil(k.Wrapped), k.CreatedTime)
	return wrap(err, "add data key", errMap{exists: func() *actiongate.Error {
		return actiongate.Errorf(actiongate.KindExists, "A data key of term %d exists already.", k.Term)
	}})
}

// Setting returns the value stored under name, first storing value there when
// name has none. Concurrent callers, in this process or another, all get the
// value stored first: an INSERT ... ON CONFLICT DO NOTHING waits for a
// concurrent insert of name to commit, and the SELECT that follows it, a
// statement of its own at READ COMMITTED, reads the committed value. A nil
// value is stored as an empty one.
func (db *DB) Setting(ctx context.Context, name string, value []byte) ([]byte, error) {
	var stored []byte
	err := db.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO setting (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
			name, nonNil(value)); err != nil {
			return wrap(err, "store setting", errMap{})
		}
		err := tx.QueryRow(ctx, `SELECT value FROM setting WHERE name = $1`, name).Scan(&stored)
		return wrap(err, "read setting", errMap{})
	})
	if err != nil {
		return nil, err
	}
	return stored, nil
}
