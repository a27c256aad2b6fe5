package sqlite

import (
	"context"
	"database/sql"

	"github.com/actiongate/actiongate"
)

// ConnectorCreateMany stores the connectors cs without secrets, permissions or
// tags, each at Version 1, in one transaction, and returns how many it stored:
// a connector whose account has one of the same id already is skipped, not
// counted. It is for loading many connectors at once (the scale test of
// actiongate bench); the API's creates go through ConnectorCreate.
func (db *DB) ConnectorCreateMany(ctx context.Context, cs []*actiongate.Connector) (int, error) {
	rows := make([]connectorRow, len(cs))
	for i, c := range cs {
		r, err := encodeConnector(c)
		if err != nil {
			return 0, err
		}
		rows[i] = r
	}
	n := 0
	err := db.write(ctx, func(tx *sql.Tx) error {
		n = 0
		ins, err := tx.PrepareContext(ctx, `INSERT INTO connector (`+connectorColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT DO NOTHING`)
		if err != nil {
			return wrap(err, "insert connectors", nil)
		}
		defer ins.Close()
		for i, c := range cs {
			r := rows[i]
			res, err := ins.ExecContext(ctx, c.AccountID, c.ID, r.typ, r.name, r.description, r.vpc, r.auth,
				r.actions, r.status, r.errType, r.errMessage, r.created, r.updated)
			if err != nil {
				return wrap(err, "insert connectors", nil)
			}
			if k, err := res.RowsAffected(); err != nil {
				return wrap(err, "insert connectors", nil)
			} else if k == 0 {
				continue
			}
			n++
			// As ConnectorCreate: a new connector starts without secrets.
			if err := deleteConnectorSecretsAndTokens(ctx, tx, c.AccountID, c.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
