-- The first schema of the actiongate store on PostgreSQL: the tables of the
-- SQLite driver (store/sqlite/migrations/0001_init.sql) with PostgreSQL types.
--
-- Every text column that is compared or ordered (ids, principals, actions, tag
-- keys, secret refs, names) is COLLATE "C": the store contract orders by bytes,
-- whatever the database's locale, and "C" also lets ILIKE fold ASCII letters
-- only. Times are timestamptz, which keeps microseconds. JSON documents are
-- jsonb. Secrets live only in the secret table, sealed.

CREATE TABLE connector (
	account_id         text COLLATE "C" NOT NULL,
	id                 text COLLATE "C" NOT NULL,
	type               text COLLATE "C" NOT NULL,
	name               text COLLATE "C" NOT NULL,
	description        text        NOT NULL DEFAULT '',
	vpc_connection_arn text        NOT NULL DEFAULT '',
	-- The non-secret fields of the AuthConfig (store/internal/column).
	auth               jsonb       NOT NULL,
	-- A JSON array of action ids; NULL means every action of the type.
	enabled_actions    jsonb,
	status             text        NOT NULL,
	-- Both NULL when the connector has no error.
	error_type         text,
	error_message      text,
	created_time       timestamptz NOT NULL,
	last_updated_time  timestamptz NOT NULL,
	-- Every write of the connector, its permissions or its tags is an
	-- UPDATE ... WHERE version = $n that increments it.
	version            bigint      NOT NULL,
	PRIMARY KEY (account_id, id)
);

CREATE TABLE permission (
	account_id   text COLLATE "C" NOT NULL,
	connector_id text COLLATE "C" NOT NULL,
	principal    text COLLATE "C" NOT NULL,
	action       text COLLATE "C" NOT NULL,
	PRIMARY KEY (account_id, connector_id, principal, action),
	FOREIGN KEY (account_id, connector_id) REFERENCES connector (account_id, id) ON DELETE CASCADE
);

-- Serves the principal filter of ConnectorList when it starts from the
-- principals: the connectors of an account on which given principals hold
-- given actions. The primary key serves it per connector, and the Sole
-- condition (NOT EXISTS another principal).
CREATE INDEX permission_principal ON permission (account_id, principal, action, connector_id);

CREATE TABLE tag (
	account_id   text COLLATE "C" NOT NULL,
	connector_id text COLLATE "C" NOT NULL,
	key          text COLLATE "C" NOT NULL,
	value        text NOT NULL,
	PRIMARY KEY (account_id, connector_id, key),
	FOREIGN KEY (account_id, connector_id) REFERENCES connector (account_id, id) ON DELETE CASCADE
);

-- Sealed secrets, keyed by their actiongate.SecretRef. The owner is a connector
-- (kind 'connector', owner_id the connector id) or an identity (kind
-- 'identity', owner_id the access key id); the driver deletes them with their
-- owner, in the same transaction.
CREATE TABLE secret (
	account_id text COLLATE "C" NOT NULL,
	kind       text COLLATE "C" NOT NULL,
	owner_id   text COLLATE "C" NOT NULL,
	field      text COLLATE "C" NOT NULL,
	ciphertext bytea NOT NULL,
	PRIMARY KEY (account_id, kind, owner_id, field)
);

CREATE TABLE identity (
	access_key_id text COLLATE "C" NOT NULL PRIMARY KEY,
	account_id    text COLLATE "C" NOT NULL,
	arn           text        NOT NULL,
	admin         boolean     NOT NULL,
	policy        bytea,
	user_arn      text        NOT NULL DEFAULT '',
	created_time  timestamptz NOT NULL
);

CREATE TABLE data_key (
	-- A uint32.
	term         bigint      NOT NULL PRIMARY KEY CHECK (term BETWEEN 0 AND 4294967295),
	wrapped      bytea       NOT NULL,
	created_time timestamptz NOT NULL
);

CREATE TABLE setting (
	name  text COLLATE "C" NOT NULL PRIMARY KEY,
	value bytea NOT NULL
);
