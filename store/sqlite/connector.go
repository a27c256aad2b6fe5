package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/store/internal/column"
)

// connectorColumns are the columns scanConnector reads, in its order.
const connectorColumns = `account_id, id, type, name, description, vpc_connection_arn, auth,
	enabled_actions, status, error_type, error_message, created_time, last_updated_time, version`

func notFound(account, id string) *actiongate.Error {
	return actiongate.Errorf(actiongate.KindNotFound, "Action connector %s does not exist in account %s.", id, account)
}

func conflict(account, id string) *actiongate.Error {
	return actiongate.Errorf(actiongate.KindConflict, "Action connector %s in account %s was changed by another write.", id, account)
}

// connectorColumnsOf returns connectorColumns qualified with the table alias
// t, for queries that join connector with a table of the same column names.
func connectorColumnsOf(t string) string {
	cols := strings.Split(connectorColumns, ",")
	for i, c := range cols {
		cols[i] = t + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// connectorColumnsC is connectorColumns qualified with the alias c.
var connectorColumnsC = connectorColumnsOf("c")

// connectorRow holds the values of a connector row but its key and version.
type connectorRow struct {
	typ, name, description, vpc string
	auth                        string
	actions                     sql.NullString
	status                      string
	errType, errMessage         sql.NullString
	created, updated            int64
}

func encodeConnector(c *actiongate.Connector) (connectorRow, error) {
	auth, err := column.EncodeAuth(c.Auth)
	if err != nil {
		return connectorRow{}, err
	}
	actions, err := column.EncodeActions(c.EnabledActions)
	if err != nil {
		return connectorRow{}, err
	}
	r := connectorRow{
		typ:         string(c.Type),
		name:        c.Name,
		description: c.Description,
		vpc:         c.VPCConnectionARN,
		auth:        string(auth),
		actions:     sql.NullString{String: string(actions), Valid: actions != nil},
		status:      string(c.Status),
		created:     micros(c.CreatedTime),
		updated:     micros(c.LastUpdatedTime),
	}
	if c.Error != nil {
		r.errType = sql.NullString{String: c.Error.Type, Valid: true}
		r.errMessage = sql.NullString{String: c.Error.Message, Valid: true}
	}
	return r, nil
}

// scanConnector reads a row of connectorColumns.
func scanConnector(row interface{ Scan(...any) error }) (*actiongate.Connector, error) {
	var (
		c   actiongate.Connector
		r   connectorRow
		typ string
	)
	if err := row.Scan(&c.AccountID, &c.ID, &typ, &c.Name, &c.Description, &c.VPCConnectionARN, &r.auth,
		&r.actions, &r.status, &r.errType, &r.errMessage, &r.created, &r.updated, &c.Version); err != nil {
		return nil, err
	}
	c.Type = actiongate.ConnectorType(typ)
	c.Status = actiongate.Status(r.status)
	var err error
	if c.Auth, err = column.DecodeAuth([]byte(r.auth)); err != nil {
		return nil, err
	}
	if r.actions.Valid {
		if c.EnabledActions, err = column.DecodeActions([]byte(r.actions.String)); err != nil {
			return nil, err
		}
	}
	if r.errType.Valid || r.errMessage.Valid {
		c.Error = &actiongate.ConnectorError{Type: r.errType.String, Message: r.errMessage.String}
	}
	c.CreatedTime = fromMicros(r.created)
	c.LastUpdatedTime = fromMicros(r.updated)
	return &c, nil
}

// ConnectorCreate stores a new connector at Version 1, whatever c.Version
// holds, with its sealed secrets, permissions and tags, all or nothing; c
// itself is not changed. KindExists when the account has a connector with c.ID.
// A secret ref that is taken, or a tag key given twice, fails the create as a
// fault of the caller. Concurrent creates share a transaction and its commit
// (see createGroup); each returns once the commit holding it is durable.
func (db *DB) ConnectorCreate(ctx context.Context, c *actiongate.Connector, secrets []actiongate.SealedSecret, perms []actiongate.Permission, tags []actiongate.Tag) error {
	r, err := encodeConnector(c)
	if err != nil {
		return err
	}
	return db.creates.do(db, &createRequest{ctx: ctx, c: c, row: r, secrets: secrets, perms: perms, tags: tags,
		ready: make(chan bool, 1)})
}

// ConnectorGet returns the connector, with the Secret fields of its Auth zero.
// KindNotFound when the account has no connector id.
func (db *DB) ConnectorGet(ctx context.Context, account, id string) (*actiongate.Connector, error) {
	row := db.readRow(ctx, `SELECT `+connectorColumns+` FROM connector WHERE account_id = ? AND id = ?`, account, id)
	c, err := scanConnector(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(account, id)
	}
	if err != nil {
		return nil, wrap(err, "get connector", nil)
	}
	return c, nil
}

// ConnectorUpdate replaces every column of the stored connector but its key,
// and all its sealed secrets, if its version is still c.Version; the stored
// version becomes c.Version+1. c itself is not changed. KindNotFound when the
// connector does not exist, KindConflict when its version moved on.
func (db *DB) ConnectorUpdate(ctx context.Context, c *actiongate.Connector, secrets []actiongate.SealedSecret) error {
	r, err := encodeConnector(c)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE connector SET type = ?, name = ?, description = ?,
				vpc_connection_arn = ?, auth = ?, enabled_actions = ?, status = ?, error_type = ?,
				error_message = ?, created_time = ?, last_updated_time = ?, version = version + 1
			WHERE account_id = ? AND id = ? AND version = ?`,
			r.typ, r.name, r.description, r.vpc, r.auth, r.actions, r.status, r.errType,
			r.errMessage, r.created, r.updated, c.AccountID, c.ID, c.Version)
		if err := checkConditional(ctx, tx, res, err, c.AccountID, c.ID, "update connector"); err != nil {
			return err
		}
		if err := deleteConnectorSecrets(ctx, tx, c.AccountID, c.ID); err != nil {
			return err
		}
		return insertSecrets(ctx, tx, secrets)
	})
}

// checkConditional turns the outcome of a write conditional on a connector's
// version into KindNotFound or KindConflict when it changed no row.
func checkConditional(ctx context.Context, tx *sql.Tx, res sql.Result, err error, account, id, op string) error {
	if err != nil {
		return wrap(err, op, nil)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(err, op, nil)
	}
	if n > 0 {
		return nil
	}
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM connector WHERE account_id = ? AND id = ?`, account, id).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return notFound(account, id)
	case err != nil:
		return wrap(err, op, nil)
	}
	return conflict(account, id)
}

// ConnectorDelete removes the connector with its secrets, permissions and
// tags. KindNotFound when it does not exist.
func (db *DB) ConnectorDelete(ctx context.Context, account, id string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		// Permissions, tags and the OpenAPI document go by ON DELETE CASCADE.
		res, err := tx.ExecContext(ctx, `DELETE FROM connector WHERE account_id = ? AND id = ?`, account, id)
		if err != nil {
			return wrap(err, "delete connector", nil)
		}
		if n, err := res.RowsAffected(); err != nil {
			return wrap(err, "delete connector", nil)
		} else if n == 0 {
			return notFound(account, id)
		}
		return deleteConnectorSecretsAndTokens(ctx, tx, account, id)
	})
}

// ConnectorList returns at most p.Limit connectors of p.AccountID that match
// p.Filter and whose id sorts after p.After, ordered by id (byte order). A
// Limit below 1 returns none.
func (db *DB) ConnectorList(ctx context.Context, p actiongate.ConnectorListParams) ([]*actiongate.Connector, error) {
	if p.Limit < 1 {
		return []*actiongate.Connector{}, nil
	}
	q, args := listQuery(p)
	rows, err := db.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(err, "list connectors", nil)
	}
	defer rows.Close()
	out := []*actiongate.Connector{}
	for rows.Next() {
		c, err := scanConnector(rows)
		if err != nil {
			return nil, wrap(err, "list connectors", nil)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list connectors", nil)
	}
	return out, nil
}

// listQuery returns the statement of ConnectorList and its parameters.
func listQuery(p actiongate.ConnectorListParams) (string, []any) {
	var q strings.Builder
	var args []any
	f := p.Filter
	if match := trigramQuery(f.NameLike); match != "" {
		// The trigram index finds the candidates, which are then sorted:
		// CROSS JOIN makes it the outer loop, where the planner would
		// otherwise walk the account in id order and test every row.
		q.WriteString(`SELECT ` + connectorColumnsC + ` FROM connector_name_trigram t
			CROSS JOIN connector c ON c.rowid = t.rowid
			WHERE t.connector_name_trigram MATCH ? AND c.account_id = ? AND c.id > ?`)
		args = append(args, match, p.AccountID, p.After)
	} else {
		q.WriteString(`SELECT ` + connectorColumnsC + ` FROM connector c WHERE c.account_id = ? AND c.id > ?`)
		args = append(args, p.AccountID, p.After)
	}
	if f.Name != "" {
		q.WriteString(` AND c.name = ?`)
		args = append(args, f.Name)
	}
	if f.NameLike != "" {
		// LIKE ignores the case of ASCII letters (PRAGMA case_sensitive_like
		// is off). It decides, also of the candidates of the trigram index.
		q.WriteString(` AND c.name LIKE ? ESCAPE '` + column.LikeEscape + `'`)
		args = append(args, column.LikePattern(f.NameLike))
	}
	if f.Type != "" {
		q.WriteString(` AND c.type = ?`)
		args = append(args, string(f.Type))
	}
	if pf := f.Principal; pf != nil {
		// Served by the permission_principal index.
		q.WriteString(` AND c.id IN (SELECT p.connector_id FROM permission p
			WHERE p.account_id = ? AND p.principal IN (` + placeholders(len(pf.Principals)) + `)
			AND p.action IN (` + placeholders(len(pf.Actions)) + `))`)
		args = append(args, p.AccountID)
		args = appendStrings(args, pf.Principals)
		args = appendStrings(args, pf.Actions)
		if pf.Sole {
			// Served by the primary key of permission.
			q.WriteString(` AND NOT EXISTS (SELECT 1 FROM permission o
				WHERE o.account_id = c.account_id AND o.connector_id = c.id
				AND o.action IN (` + placeholders(len(pf.Actions)) + `)
				AND o.principal NOT IN (` + placeholders(len(pf.Principals)) + `))`)
			args = appendStrings(args, pf.Actions)
			args = appendStrings(args, pf.Principals)
		}
	}
	q.WriteString(` ORDER BY c.id LIMIT ?`)
	args = append(args, p.Limit)

	return q.String(), args
}

// placeholders returns n comma-separated parameters, or NULL for n = 0: then
// x IN (NULL) holds for no x, so an empty Principals or Actions list matches no
// connector.
func placeholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.Repeat("?, ", n-1) + "?"
}

func appendStrings(args []any, ss []string) []any {
	for _, s := range ss {
		args = append(args, s)
	}
	return args
}

// PermissionList returns the connector's permissions ordered by principal, each
// with its actions sorted (byte order). KindNotFound when the connector does
// not exist.
func (db *DB) PermissionList(ctx context.Context, account, id string) ([]actiongate.Permission, error) {
	rows, err := db.readRows(ctx, `SELECT p.principal, p.action
		FROM connector c LEFT JOIN permission p ON p.account_id = c.account_id AND p.connector_id = c.id
		WHERE c.account_id = ? AND c.id = ?
		ORDER BY p.principal, p.action`, account, id)
	if err != nil {
		return nil, wrap(err, "list permissions", nil)
	}
	defer rows.Close()
	found := false
	out := []actiongate.Permission{}
	for rows.Next() {
		found = true
		var principal, action sql.NullString
		if err := rows.Scan(&principal, &action); err != nil {
			return nil, wrap(err, "list permissions", nil)
		}
		if !principal.Valid {
			continue // the connector has no permissions
		}
		if n := len(out); n == 0 || out[n-1].Principal != principal.String {
			out = append(out, actiongate.Permission{Principal: principal.String})
		}
		last := &out[len(out)-1]
		last.Actions = append(last.Actions, action.String)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list permissions", nil)
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
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := bumpVersion(ctx, tx, account, id, version, "replace permissions"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM permission WHERE account_id = ? AND connector_id = ?`, account, id); err != nil {
			return wrap(err, "replace permissions", nil)
		}
		return insertPermissions(ctx, tx, account, id, perms)
	})
}

// TagList returns the connector's tags ordered by key (byte order).
// KindNotFound when the connector does not exist.
func (db *DB) TagList(ctx context.Context, account, id string) ([]actiongate.Tag, error) {
	rows, err := db.readRows(ctx, `SELECT t.key, t.value
		FROM connector c LEFT JOIN tag t ON t.account_id = c.account_id AND t.connector_id = c.id
		WHERE c.account_id = ? AND c.id = ?
		ORDER BY t.key`, account, id)
	if err != nil {
		return nil, wrap(err, "list tags", nil)
	}
	defer rows.Close()
	found := false
	out := []actiongate.Tag{}
	for rows.Next() {
		found = true
		var key, value sql.NullString
		if err := rows.Scan(&key, &value); err != nil {
			return nil, wrap(err, "list tags", nil)
		}
		if key.Valid {
			out = append(out, actiongate.Tag{Key: key.String, Value: value.String})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "list tags", nil)
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
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := bumpVersion(ctx, tx, account, id, version, "replace tags"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tag WHERE account_id = ? AND connector_id = ?`, account, id); err != nil {
			return wrap(err, "replace tags", nil)
		}
		return insertTags(ctx, tx, account, id, tags)
	})
}

// bumpVersion increments the connector's version if it is still version.
func bumpVersion(ctx context.Context, tx *sql.Tx, account, id string, version int64, op string) error {
	res, err := tx.ExecContext(ctx, `UPDATE connector SET version = version + 1
		WHERE account_id = ? AND id = ? AND version = ?`, account, id, version)
	return checkConditional(ctx, tx, res, err, account, id, op)
}

func insertPermissions(ctx context.Context, tx *sql.Tx, account, id string, perms []actiongate.Permission) error {
	if len(perms) == 0 {
		return nil
	}
	// Permissions are a set of grants: a grant given twice is stored once.
	st, err := tx.PrepareContext(ctx, `INSERT INTO permission (account_id, connector_id, principal, action)
		VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`)
	if err != nil {
		return wrap(err, "insert permission", nil)
	}
	defer st.Close()
	for _, p := range perms {
		for _, a := range p.Actions {
			if _, err := st.ExecContext(ctx, account, id, p.Principal, a); err != nil {
				return wrap(err, "insert permission", nil)
			}
		}
	}
	return nil
}

func insertTags(ctx context.Context, tx *sql.Tx, account, id string, tags []actiongate.Tag) error {
	if len(tags) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO tag (account_id, connector_id, key, value) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return wrap(err, "insert tag", nil)
	}
	defer st.Close()
	for _, t := range tags {
		if _, err := st.ExecContext(ctx, account, id, t.Key, t.Value); err != nil {
			return wrap(err, "insert tag "+t.Key, nil) // a key given twice
		}
	}
	return nil
}
