-- The first schema of the actiongate store.
--
-- Times are INTEGER microseconds since the Unix epoch, UTC. JSON documents are
-- TEXT. Secrets live only in the secret table, sealed.

CREATE TABLE connector (
	account_id         TEXT    NOT NULL,
	id                 TEXT    NOT NULL,
	type               TEXT    NOT NULL,
	name               TEXT    NOT NULL,
	description        TEXT    NOT NULL DEFAULT '',
	vpc_connection_arn TEXT    NOT NULL DEFAULT '',
	-- The non-secret fields of the AuthConfig (store/internal/column).
	auth               TEXT    NOT NULL,
	-- A JSON array of action ids; NULL means every action of the type.
	enabled_actions    TEXT,
	status             TEXT    NOT NULL,
	-- Both NULL when the connector has no error.
	error_type         TEXT,
	error_message      TEXT,
	created_time       INTEGER NOT NULL,
	last_updated_time  INTEGER NOT NULL,
	version            INTEGER NOT NULL,
	PRIMARY KEY (account_id, id)
) STRICT;

CREATE TABLE permission (
	account_id   TEXT NOT NULL,
	connector_id TEXT NOT NULL,
	principal    TEXT NOT NULL,
	action       TEXT NOT NULL,
	PRIMARY KEY (account_id, connector_id, principal, action),
	FOREIGN KEY (account_id, connector_id) REFERENCES connector (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Serves the principal filter of ConnectorList: the connectors of an account on
-- which given principals hold given actions.
CREATE INDEX permission_principal ON permission (account_id, principal, action, connector_id);

CREATE TABLE tag (
	account_id   TEXT NOT NULL,
	connector_id TEXT NOT NULL,
	key          TEXT NOT NULL,
	value        TEXT NOT NULL,
	PRIMARY KEY (account_id, connector_id, key),
	FOREIGN KEY (account_id, connector_id) REFERENCES connector (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Sealed secrets, keyed by their actiongate.SecretRef. The owner is a connector
-- (kind 'connector', owner_id the connector id) or an identity (kind
-- 'identity', owner_id the access key id); the driver deletes them with their
-- owner.
CREATE TABLE secret (
	account_id TEXT NOT NULL,
	kind       TEXT NOT NULL,
	owner_id   TEXT NOT NULL,
	field      TEXT NOT NULL,
	ciphertext BLOB NOT NULL,
	PRIMARY KEY (account_id, kind, owner_id, field)
) STRICT, WITHOUT ROWID;

CREATE TABLE identity (
	access_key_id TEXT    NOT NULL PRIMARY KEY,
	account_id    TEXT    NOT NULL,
	arn           TEXT    NOT NULL,
	admin         INTEGER NOT NULL,
	policy        BLOB,
	user_arn      TEXT    NOT NULL DEFAULT '',
	created_time  INTEGER NOT NULL
) STRICT;

CREATE TABLE data_key (
	term         INTEGER NOT NULL PRIMARY KEY,
	wrapped      BLOB    NOT NULL,
	created_time INTEGER NOT NULL
) STRICT;

CREATE TABLE setting (
	name  TEXT NOT NULL PRIMARY KEY,
	value BLOB NOT NULL
) STRICT;
