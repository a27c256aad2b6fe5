-- The audit log (actiongate.AuditStore): one row per API call, never a
-- request's content. Times are INTEGER microseconds since the Unix epoch, UTC.
-- Rows are appended in batches and deleted by time for retention.

CREATE TABLE audit_event (
	id            INTEGER NOT NULL PRIMARY KEY,
	time          INTEGER NOT NULL,
	request_id    TEXT    NOT NULL,
	account_id    TEXT    NOT NULL,
	identity_arn  TEXT    NOT NULL,
	access_key_id TEXT    NOT NULL,
	user_arn      TEXT    NOT NULL DEFAULT '',
	operation     TEXT    NOT NULL,
	resource_arn  TEXT    NOT NULL DEFAULT '',
	outcome       TEXT    NOT NULL,
	error_code    TEXT    NOT NULL DEFAULT '',
	source_ip     TEXT    NOT NULL DEFAULT ''
) STRICT;

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
