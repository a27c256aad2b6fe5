package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/store/internal/column"
)

// ConnectorCreateMany stores the connectors cs without secrets, permissions or
// tags, each at Version 1, in one transaction (one statement over arrays), and
// returns how many it stored: a connector whose account has one of the same id
// already is skipped, not counted. It is for loading many connectors at once
// (the scale test of actiongate bench); the API's creates go through
// ConnectorCreate.
func (db *DB) ConnectorCreateMany(ctx context.Context, cs []*actiongate.Connector) (int, error) {
	if len(cs) == 0 {
		return 0, nil
	}
	var (
		accounts, ids, types, names, descs, vpcs, auths, statuses = make([]string, len(cs)), make([]string, len(cs)),
			make([]string, len(cs)), make([]string, len(cs)), make([]string, len(cs)), make([]string, len(cs)),
			make([]string, len(cs)), make([]string, len(cs))
		actions, errTypes, errMessages = make([]*string, len(cs)), make([]*string, len(cs)), make([]*string, len(cs))
		created, updated               = make([]time.Time, len(cs)), make([]time.Time, len(cs))
	)
	for i, c := range cs {
		auth, err := column.EncodeAuth(c.Auth)
		if err != nil {
			return 0, err
		}
		acts, err := column.EncodeActions(c.EnabledActions)
		if err != nil {
			return 0, err
		}
		if acts != nil {
			s := string(acts)
			actions[i] = &s
		}
		if c.Error != nil {
			errTypes[i], errMessages[i] = &c.Error.Type, &c.Error.Message
		}
		accounts[i], ids[i], types[i], names[i] = c.AccountID, c.ID, string(c.Type), c.Name
		descs[i], vpcs[i], auths[i], statuses[i] = c.Description, c.VPCConnectionARN, string(auth), string(c.Status)
		created[i], updated[i] = c.CreatedTime, c.LastUpdatedTime
	}
	var n int
	err := db.write(ctx, func(tx pgx.Tx) error {
		// A new connector starts without secrets, as with ConnectorCreate.
		return tx.QueryRow(ctx, `WITH ins AS (
				INSERT INTO connector (account_id, id, `+connectorValueColumns+`, version)
				SELECT a, i, t, n, d, v, au::jsonb, ac::jsonb, s, et, em, ct, ut, 1
				FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
					$8::text[], $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[])
					AS x(a, i, t, n, d, v, au, ac, s, et, em, ct, ut)
				ON CONFLICT DO NOTHING
				RETURNING account_id, id
			), gone AS (
				DELETE FROM secret s USING ins
				WHERE s.account_id = ins.account_id AND s.kind = $14 AND s.owner_id = ins.id
			)
			SELECT count(*) FROM ins`,
			accounts, ids, types, names, descs, vpcs, auths, actions, statuses, errTypes, errMessages, created, updated,
			string(actiongate.SecretConnector)).Scan(&n)
	})
	if err != nil {
		return 0, wrap(err, "insert connectors", errMap{})
	}
	return n, nil
}
