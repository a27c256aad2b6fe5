-- What performing actions needs besides the connectors themselves
-- (actiongate.RuntimeStore): the tables of store/sqlite/migrations/0005_runtime.sql
-- with PostgreSQL types. Keys are COLLATE "C", ordered by bytes; times are
-- timestamptz, which keeps microseconds.
--
-- Cached OAuth tokens are sealed secrets in the secret table: kind 'token',
-- owner_id the connector id (actiongate.TokenRef). The driver deletes them
-- with their connector, in the same transaction.

-- A lease lets one holder at a time, of every replica, do a named task
-- (refresh a token, verify a connector) until until; after that, anyone may
-- take it. LeaseAcquire is one INSERT ... ON CONFLICT DO UPDATE ... WHERE,
-- which locks the row it conflicts with, so of racing acquirers one wins.
CREATE TABLE lease (
	name   text COLLATE "C" NOT NULL PRIMARY KEY,
	holder text COLLATE "C" NOT NULL,
	until  timestamptz      NOT NULL
);

-- A 3LO sign-in in progress, keyed by its OAuth state. The verifier is the
-- sealed PKCE code verifier, bound to actiongate.SignInVerifierRef. Not tied
-- to its connector by a foreign key: an orphan fails at the callback, and
-- expires like any other.
CREATE TABLE sign_in (
	state        text COLLATE "C" NOT NULL PRIMARY KEY,
	account_id   text COLLATE "C" NOT NULL,
	connector_id text COLLATE "C" NOT NULL,
	user_arn     text             NOT NULL,
	verifier     bytea            NOT NULL,
	expires      timestamptz      NOT NULL
);

-- Serves SignInPurge.
CREATE INDEX sign_in_expires ON sign_in (expires);

-- A connector's imported OpenAPI document, as it was given: bytes, not parsed
-- (jsonb would reorder its keys, and YAML is not JSON).
CREATE TABLE connector_spec (
	account_id   text COLLATE "C" NOT NULL,
	connector_id text COLLATE "C" NOT NULL,
	doc          bytea NOT NULL,
	PRIMARY KEY (account_id, connector_id),
	FOREIGN KEY (account_id, connector_id) REFERENCES connector (account_id, id) ON DELETE CASCADE
);

-- Serves ConnectorPending: the few connectors, of every account, awaiting
-- verification, in (account_id, id) order.
CREATE INDEX connector_pending ON connector (account_id, id)
	WHERE status IN ('CREATION_IN_PROGRESS', 'UPDATE_IN_PROGRESS');

-- An InvokeAction's action, the status the upstream answered (0 for none) and
-- how long the upstream call took, in microseconds; zero for other operations.
-- A constant default: adding these columns rewrites no row.
ALTER TABLE audit_event
	ADD COLUMN action_id       text    NOT NULL DEFAULT '',
	ADD COLUMN upstream_status integer NOT NULL DEFAULT 0,
	ADD COLUMN duration_us     bigint  NOT NULL DEFAULT 0;
