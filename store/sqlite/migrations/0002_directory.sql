-- QuickSight users, groups and group memberships, in namespaces (only
-- "default" is served today). Their ARNs are not stored: the Service derives
-- them, and passes a principal's ARN when deleting it, so that its connector
-- permissions go in the same transaction.

CREATE TABLE quicksight_user (
	account_id              TEXT    NOT NULL,
	namespace               TEXT    NOT NULL,
	name                    TEXT    NOT NULL,
	principal_id            TEXT    NOT NULL,
	email                   TEXT    NOT NULL,
	role                    TEXT    NOT NULL,
	identity_type           TEXT    NOT NULL,
	iam_arn                 TEXT    NOT NULL DEFAULT '',
	custom_permissions_name TEXT    NOT NULL DEFAULT '',
	external_login_provider TEXT    NOT NULL DEFAULT '',
	external_login_url      TEXT    NOT NULL DEFAULT '',
	external_login_id       TEXT    NOT NULL DEFAULT '',
	created_time            INTEGER NOT NULL,
	PRIMARY KEY (account_id, namespace, name)
) STRICT;

CREATE TABLE quicksight_group (
	account_id   TEXT    NOT NULL,
	namespace    TEXT    NOT NULL,
	name         TEXT    NOT NULL,
	principal_id TEXT    NOT NULL,
	description  TEXT    NOT NULL DEFAULT '',
	created_time INTEGER NOT NULL,
	PRIMARY KEY (account_id, namespace, name)
) STRICT;

CREATE TABLE group_membership (
	account_id TEXT NOT NULL,
	namespace  TEXT NOT NULL,
	group_name TEXT NOT NULL,
	user_name  TEXT NOT NULL,
	PRIMARY KEY (account_id, namespace, group_name, user_name),
	FOREIGN KEY (account_id, namespace, group_name) REFERENCES quicksight_group (account_id, namespace, name) ON DELETE CASCADE,
	FOREIGN KEY (account_id, namespace, user_name) REFERENCES quicksight_user (account_id, namespace, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Serves GroupsOfUser and the cascade from quicksight_user.
CREATE INDEX group_membership_user ON group_membership (account_id, namespace, user_name, group_name);
