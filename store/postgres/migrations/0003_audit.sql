-- The audit log (actiongate.AuditStore) on PostgreSQL: the table of the SQLite
-- driver (store/sqlite/migrations/0003_audit.sql) with PostgreSQL types. One
-- row per API call, never a request's content. Rows are appended in batches
-- and deleted by time for retention, by any replica.

CREATE TABLE audit_event (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	time          timestamptz      NOT NULL,
	request_id    text             NOT NULL,
	account_id    text COLLATE "C" NOT NULL,
	identity_arn  text COLLATE "C" NOT NULL,
	access_key_id text COLLATE "C" NOT NULL,
	user_arn      text             NOT NULL DEFAULT '',
	operation     text             NOT NULL,
	resource_arn  text COLLATE "C" NOT NULL DEFAULT '',
	outcome       text COLLATE "C" NOT NULL,
	error_code    text             NOT NULL DEFAULT '',
	source_ip     text             NOT NULL DEFAULT ''
);

-- Every list is in (time, id) order: this index serves a time range, keyset
-- pagination and the retention's DELETE by time. Each filter has an index that
-- starts with its column and ends in the same order, so that a filtered list
-- reads only the rows it returns.
CREATE INDEX audit_event_time     ON audit_event (time, id);
CREATE INDEX audit_event_account  ON audit_event (account_id, time, id);
CREATE INDEX audit_event_identity ON audit_event (identity_arn, time, id);
CREATE INDEX audit_event_key      ON audit_event (access_key_id, time, id);
CREATE INDEX audit_event_resource ON audit_event (resource_arn, time, id);
CREATE INDEX audit_event_outcome  ON audit_event (outcome, time, id);
