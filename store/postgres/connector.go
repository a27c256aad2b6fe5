package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/store/internal/column"
)

// connectorColumns are the columns scanConnector reads, in its order.
const connectorColumns = `account_id, id, type, name, description, vpc_connection_arn, auth,
	enabled_actions, status, error_type, error_message, created_time, last_updated_time, version`

// connectorValueColumns are the columns connectorValues gives, in its order:
// all of them but the key and the version.
const connectorValueColumns = `type, name, description, vpc_connection_arn, auth,
	enabled_actions, status, error_type, error_message, created_time, last_updated_time`

func notFound(account, id string) *actiongate.Error {
	return actiongate.Errorf(actiongate.KindNotFound, "Action connector %s does not exist in account %s.", id, account)
}

func conflict(account, id string) *actiongate.Error {
	return actiongate.Errorf(actiongate.KindConflict, "Action connector %s in account %s was changed by another write.", id, account)
}

// connectorValues returns the values of connectorValueColumns for c.
func connectorValues(c *actiongate.Connector) ([]any, error) {
	auth, err := column.EncodeAuth(c.Auth)
	if err != nil {
		return nil, err
	}
	actions, err := column.EncodeActions(c.EnabledActions) // nil: SQL NULL
	if err != nil {
		return nil, err
	}
	var errType, errMessage *string
	if c.Error != nil {
		errType, errMessage = &c.Error.Type, &c.Error.Message
	}
	return []any{string(c.Type), c.Name, c.Description, c.VPCConnectionARN, auth,
		actions, string(c.Status), errType, errMessage, c.CreatedTime, c.LastUpdatedTime}, nil
}

// scanConnector reads a row of connectorColumns.
func scanConnector(row pgx.Row) (*actiongate.Connector, error) {
	var (
		c                   actiongate.Connector
		typ, status         string
		auth, actions       []byte
		errType, errMessage *string
		created, updated    time.Time
	)
	if err := row.Scan(&c.AccountID, &c.ID, &typ, &c.Name, &c.Description, &c.VPCConnectionARN, &auth,
		&actions, &status, &errType, &errMessage, &created, &updated, &c.Version); err != nil {
		return nil, err
	}
	c.Type = actiongate.ConnectorType(typ)
	c.Status = actiongate.Status(status)
	var err error
	if c.Auth, err = column.DecodeAuth(auth); err != nil {
		return nil, err
	}
	if c.EnabledActions, err = column.DecodeActions(actions); err != nil {
		return nil, err
	}
	if errType != nil || errMessage != nil {
		c.Error = &actiongate.ConnectorError{}
		if errType != nil {
			c.Error.Type = *errType
		}
		if errMessage != nil {
			c.Error.Message = *errMessage
		}
	}
	c.CreatedTime = utc(created)
	c.LastUpdatedTime = utc(updated)
	return &c, nil
}

// ConnectorCreate stores a new connector at Version 1, whatever c.Version
// holds, with its sealed secrets, permissions and tags, in one transaction; c
// itself is not changed. KindExists when the account has a connector with c.ID.
// A secret ref that is taken, or a tag key given twice, fails the create as a
// fault of the caller.
func (db *DB) ConnectorCreate(ctx context.Context, c *actiongate.Connector, secrets []actiongate.SealedSecret, perms []actiongate.Permission, tags []actiongate.Tag) error {
	values, err := connectorValues(c)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx pgx.Tx) error {
		var b batch
		b.add("insert connector", errMap{exists: func() *actiongate.Error {
			return actiongate.Errorf(actiongate.KindExists, "Action connector %s exists already in account %s.", c.ID, c.AccountID)
		}}, `INSERT INTO connector (account_id, id, `+connectorValueColumns+`, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1)`,
			append([]any{c.AccountID, c.ID}, values...)...)
		// A connector that did not exist owns no secrets; remove any left
		// behind so that the new one starts clean.
		addDeleteConnectorSecrets(&b, c.AccountID, c.ID)
		addDeleteTokenSecrets(&b, c.AccountID, c.ID)
		addInsertSecrets(&b, secrets)
		addInsertPermissions(&b, c.AccountID, c.ID, perms)
		addInsertTags(&b, c.AccountID, c.ID, tags)
		return b.run(ctx, tx)
	})
}

// ConnectorGet returns the connector, with the Secret fields of its Auth zero.
// KindNotFound when the account has no connector id.
func (db *DB) ConnectorGet(ctx context.Context, account, id string) (*actiongate.Connector, error) {
	row := db.pool.QueryRow(ctx, `SELECT `+connectorColumns+` FROM connector WHERE account_id = $1 AND id = $2`, account, id)
	c, err := scanConnector(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound(account, id)
	}
	if err != nil {
		return nil, wrap(err, "get connector", errMap{})
	}
	return c, nil
}

// ConnectorUpdate replaces every column of the stored connector but its key,
// and all its sealed secrets, if its version is still c.Version; the stored
// version becomes c.Version+1. c itself is not changed. KindNotFound when the
// connector does not exist, KindConflict when its version moved on.
func (db *DB) ConnectorUpdate(ctx context.Context, c *actiongate.Connector, secrets []actiongate.SealedSecret) error {
	values, err := connectorValues(c)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE connector SET (`+connectorValueColumns+`) =
				($4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14), version = version + 1
			WHERE account_id = $1 AND id = $2 AND version = $3`,
			append([]any{c.AccountID, c.ID, c.Version}, values...)...)
		if err := checkConditional(ctx, tx, tag.RowsAffected(), err, c.AccountID, c.ID, "update connector"); err != nil {
			return err
		}
		var b batch
		addDeleteConnectorSecrets(&b, c.AccountID, c.ID)
		addInsertSecrets(&b, secrets)
		return b.run(ctx, tx)
	})
}

// checkConditional turns the outcome of an UPDATE conditional on a connector's
// version into KindNotFound or KindConflict when it changed no row. At READ
// COMMITTED the check reads what is committed now: a connector deleted by the
// writer that the UPDATE waited for is not found.
func checkConditional(ctx context.Context, tx pgx.Tx, rows int64, err error, account, id, op string) error {
	if err != nil {
		return wrap(err, op, errMap{})
	}
	if rows > 0 {
		return nil
	}
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM connector WHERE account_id = $1 AND id = $2)`,
		account, id).Scan(&exists); err != nil {
		return wrap(err, op, errMap{})
	}
	if !exists {
		return notFound(account, id)
	}
	return conflict(account, id)
}

// ConnectorDelete removes the connector with its secrets, permissions and
// tags. KindNotFound when it does not exist.
func (db *DB) ConnectorDelete(ctx context.Context, account, id string) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		// Permissions and tags go by ON DELETE CASCADE; secrets have no
		// foreign key, since their owner may be a connector or an identity.
		tag, err := tx.Exec(ctx, `DELETE FROM connector WHERE account_id = $1 AND id = $2`, account, id)
		if err != nil {
			return wrap(err, "delete connector", errMap{})
		}
		if tag.RowsAffected() == 0 {
			return notFound(account, id)
		}
		var b batch
		addDeleteConnectorSecrets(&b, account, id)
		addDeleteTokenSecrets(&b, account, id)
		return b.run(ctx, tx)
	})
}

// args collects the parameters of a statement built piece by piece.
type args []any

// add appends v and returns its placeholder.
func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// ConnectorList returns at most p.Limit connectors of p.AccountID that match
// p.Filter and whose id sorts after p.After, ordered by id (byte order, by the
// "C" collation of the column). A Limit below 1 returns none. NameLike is an
// ILIKE pattern, which under "C" ignores the case of ASCII letters only. The
// principal filter is an EXISTS, and with Sole a NOT EXISTS, on the
// connector's permissions, which the primary key of permission serves per
// connector and permission_principal from the principals.
func (db *DB) ConnectorList(ctx context.Context, p actiongate.ConnectorListParams) ([]*actiongate.Connector, error) {
	if p.Limit < 1 {
		return []*actiongate.Connector{}, nil
	}
	q, a := listQuery(p)
	rows, err := db.pool.Query(ctx, q, a...)
	if err != nil {
		return nil, wrap(err, "list connectors", errMap{})
	}
	defer rows.Close()
	out := []*actiongate.Connector{}
	for rows.Next() {
		c, err := scanConnector(rows)
		if err != nil {
			return nil, wrap(err, "list connectors", errMap{})
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list connectors", errMap{})
	}
	return out, nil
}

// listQuery returns the statement of ConnectorList and its parameters.
func listQuery(p actiongate.ConnectorListParams) (string, args) {
	var (
		q strings.Builder
		a args
	)
	q.WriteString(`SELECT ` + connectorColumns + ` FROM connector c WHERE c.account_id = ` + a.add(p.AccountID) +
		` AND c.id > ` + a.add(p.After))
	f := p.Filter
	if f.Name != "" {
		q.WriteString(` AND c.name = ` + a.add(f.Name))
	}
	if f.NameLike != "" {
		q.WriteString(` AND c.name ILIKE ` + a.add(column.LikePattern(f.NameLike)) + ` ESCAPE ` + a.add(column.LikeEscape))
	}
	if f.Type != "" {
		q.WriteString(` AND c.type = ` + a.add(string(f.Type)))
	}
	if pf := f.Principal; pf != nil {
		// An empty list matches nothing: x = ANY('{}') holds for no x.
		principals, actions := a.add(nonNilStrings(pf.Principals)), a.add(nonNilStrings(pf.Actions))
		q.WriteString(` AND EXISTS (SELECT 1 FROM permission p
			WHERE p.account_id = c.account_id AND p.connector_id = c.id
			AND p.principal = ANY(` + principals + `::text[]) AND p.action = ANY(` + actions + `::text[]))`)
		if pf.Sole {
			q.WriteString(` AND NOT EXISTS (SELECT 1 FROM permission o
				WHERE o.account_id = c.account_id AND o.connector_id = c.id
				AND o.action = ANY(` + actions + `::text[]) AND o.principal <> ALL(` + principals + `::text[]))`)
		}
	}
	q.WriteString(` ORDER BY c.id LIMIT ` + a.add(p.Limit))
	return q.String(), a
}

// nonNilStrings returns ss, or an empty slice for nil, which pgx would send as
// NULL.
func nonNilStrings(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// PermissionList returns the connector's permissions ordered by principal, each
// with its actions sorted (byte order). KindNotFound when the connector does
// not exist.
func (db *DB) PermissionList(ctx context.Context, account, id string) ([]actiongate.Permission, error) {
	rows, err := db.pool.Query(ctx, `SELECT p.principal, p.action
		FROM connector c LEFT JOIN permission p ON p.account_id = c.account_id AND p.connector_id = c.id
		WHERE c.account_id = $1 AND c.id = $2
		ORDER BY p.principal, p.action`, account, id)
	if err != nil {
		return nil, wrap(err, "list permissions", errMap{})
	}
	defer rows.Close()
	found := false
	out := []actiongate.Permission{}
	for rows.Next() {
		found = true
		var principal, action *string
		if err := rows.Scan(&principal, &action); err != nil {
			return nil, wrap(err, "list permissions", errMap{})
		}
		if principal == nil {
			continue // the connector has no permissions
		}
		if n := len(out); n == 0 || out[n-1].Principal != *principal {
			out = append(out, actiongate.Permission{Principal: *principal})
		}
		last := &out[len(out)-1]
		last.Actions = append(last.Actions, *action)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list permissions", errMap{})
	}
	if !found {
		return nil, notFound(account, id)
	}
	return out, nil
}

// PermissionReplace replaces the connector's permissions if its version is
// still version, and increments the version. Permissions are kept as a set of
// (principal, action) grants: a grant given twice is stored once, and a
// Permission without actions leaves no trace.
// KindNotFound when the connector does not exist, KindConflict when its
// version moved on.
func (db *DB) PermissionReplace(ctx context.Context, account, id string, version int64, perms []actiongate.Permission) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		if err := bumpVersion(ctx, tx, account, id, version, "replace permissions"); err != nil {
			return err
		}
		var b batch
		b.add("replace permissions", errMap{}, `DELETE FROM permission WHERE account_id = $1 AND connector_id = $2`, account, id)
		addInsertPermissions(&b, account, id, perms)
		return b.run(ctx, tx)
	})
}

// TagList returns the connector's tags ordered by key (byte order).
// KindNotFound when the connector does not exist.
func (db *DB) TagList(ctx context.Context, account, id string) ([]actiongate.Tag, error) {
	rows, err := db.pool.Query(ctx, `SELECT t.key, t.value
		FROM connector c LEFT JOIN tag t ON t.account_id = c.account_id AND t.connector_id = c.id
		WHERE c.account_id = $1 AND c.id = $2
		ORDER BY t.key`, account, id)
	if err != nil {
		return nil, wrap(err, "list tags", errMap{})
	}
	defer rows.Close()
	found := false
	out := []actiongate.Tag{}
	for rows.Next() {
		found = true
		var key, value *string
		if err := rows.Scan(&key, &value); err != nil {
			return nil, wrap(err, "list tags", errMap{})
		}
		if key != nil {
			out = append(out, actiongate.Tag{Key: *key, Value: *value})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list tags", errMap{})
	}
	if !found {
		return nil, notFound(account, id)
	}
	return out, nil
}

// TagReplace replaces the connector's tags if its version is still version, and
// increments the version. KindNotFound when the connector does not exist,
// KindConflict when its version moved on.
func (db *DB) TagReplace(ctx context.Context, account, id string, version int64, tags []actiongate.Tag) error {
	return db.write(ctx, func(tx pgx.Tx) error {
		if err := bumpVersion(ctx, tx, account, id, version, "replace tags"); err != nil {
			return err
		}
		var b batch
		b.add("replace tags", errMap{}, `DELETE FROM tag WHERE account_id = $1 AND connector_id = $2`, account, id)
		addInsertTags(&b, account, id, tags)
		return b.run(ctx, tx)
	})
}

// bumpVersion increments the connector's version if it is still version. The
// UPDATE locks the connector's row until the transaction ends, so that the
// writes that follow it in the transaction are the only ones of that version.
func bumpVersion(ctx context.Context, tx pgx.Tx, account, id string, version int64, op string) error {
	tag, err := tx.Exec(ctx, `UPDATE connector SET version = version + 1
		WHERE account_id = $1 AND id = $2 AND version = $3`, account, id, version)
	return checkConditional(ctx, tx, tag.RowsAffected(), err, account, id, op)
}

// addInsertPermissions adds to b the statement that stores perms as a set of
// grants: a grant given twice is stored once.
func addInsertPermissions(b *batch, account, id string, perms []actiongate.Permission) {
	var principals, actions []string
	for _, p := range perms {
		for _, a := range p.Actions {
			principals = append(principals, p.Principal)
			actions = append(actions, a)
		}
	}
	if len(principals) == 0 {
		return
	}
	b.add("insert permissions", errMap{missing: func() *actiongate.Error { return notFound(account, id) }},
		`INSERT INTO permission (account_id, connector_id, principal, action)
		SELECT $1::text, $2::text, u.principal, u.action FROM unnest($3::text[], $4::text[]) AS u (principal, action)
		ON CONFLICT DO NOTHING`, account, id, principals, actions)
}

// addInsertTags adds to b the statement that stores tags. A key given twice
// fails it, as a fault.
func addInsertTags(b *batch, account, id string, tags []actiongate.Tag) {
	if len(tags) == 0 {
		return
	}
	keys, values := make([]string, len(tags)), make([]string, len(tags))
	for i, t := range tags {
		keys[i], values[i] = t.Key, t.Value
	}
	b.add("insert tags", errMap{missing: func() *actiongate.Error { return notFound(account, id) }},
		`INSERT INTO tag (account_id, connector_id, key, value)
		SELECT $1::text, $2::text, u.key, u.value FROM unnest($3::text[], $4::text[]) AS u (key, value)`,
		account, id, keys, values)
}
