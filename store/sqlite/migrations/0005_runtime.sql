-- What performing actions needs besides the connectors themselves
-- (actiongate.RuntimeStore): leases, pending 3LO sign-ins, imported OpenAPI
-- documents, an index of the connectors awaiting verification, and the
-- invocation fields of the audit log. Times are INTEGER microseconds since the
-- Unix epoch, UTC.
--
-- Cached OAuth tokens are sealed secrets in the secret table: kind 'token',
-- owner_id the connector id (actiongate.TokenRef). The driver deletes them
-- with their connector.

-- A lease lets one holder at a time do a named task (refresh a token, verify
-- a connector) until until; after that, anyone may take it.
CREATE TABLE lease (
	name   TEXT    NOT NULL PRIMARY KEY,
	holder TEXT    NOT NULL,
	until  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- A 3LO sign-in in progress, keyed by its OAuth state. The verifier is the
-- sealed PKCE code verifier, bound to actiongate.SignInVerifierRef. Not tied
-- to its connector by a foreign key: an orphan fails at the callback, and
-- expires like any other.
CREATE TABLE sign_in (
	state        TEXT    NOT NULL PRIMARY KEY,
	account_id   TEXT    NOT NULL,
	connector_id TEXT    NOT NULL,
	user_arn     TEXT    NOT NULL,
	verifier     BLOB    NOT NULL,
	expires      INTEGER NOT NULL
) STRICT;

-- Serves SignInPurge.
CREATE INDEX sign_in_expires ON sign_in (expires);

-- A connector's imported OpenAPI document, as it was given: bytes, not parsed.
CREATE TABLE connector_spec (
	account_id   TEXT NOT NULL,
	connector_id TEXT NOT NULL,
	doc          BLOB NOT NULL,
	PRIMARY KEY (account_id, connector_id),
	FOREIGN KEY (account_id, connector_id) REFERENCES connector (account_id, id) ON DELETE CASCADE
) STRICT;

-- Serves ConnectorPending: the few connectors, of every account, awaiting
-- verification, in (account_id, id) order. The query repeats this WHERE
-- clause exactly, as SQLite needs to use a partial index.
CREATE INDEX connector_pending ON connector (account_id, id)
	WHERE status IN ('CREATION_IN_PROGRESS', 'UPDATE_IN_PROGRESS');

-- An InvokeAction's action, the status the upstream answered (0 for none) and
-- how long the upstream call took, in microseconds; zero for other operations.
ALTER TABLE audit_event ADD COLUMN action_id       TEXT    NOT NULL DEFAULT '';
ALTER TABLE audit_event ADD COLUMN upstream_status INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_event ADD COLUMN duration_us     INTEGER NOT NULL DEFAULT 0;
