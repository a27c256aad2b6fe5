-- QuickSight users, groups and group memberships, in namespaces (only
-- "default" is served today): the tables of store/sqlite/migrations/0002_directory.sql
-- with PostgreSQL types. Names are COLLATE "C", ordered by bytes. ARNs are not
-- stored: the Service derives them, and passes a principal's ARN when deleting
-- it, so that its connector permissions go in the same transaction.

CREATE TABLE quicksight_user (
	account_id              text COLLATE "C" NOT NULL,
	namespace               text COLLATE "C" NOT NULL,
	name                    text COLLATE "C" NOT NULL,
	principal_id            text        NOT NULL,
	email                   text        NOT NULL,
	role                    text        NOT NULL,
	identity_type           text        NOT NULL,
	iam_arn                 text        NOT NULL DEFAULT '',
	custom_permissions_name text        NOT NULL DEFAULT '',
	external_login_provider text        NOT NULL DEFAULT '',
	external_login_url      text        NOT NULL DEFAULT '',
	external_login_id       text        NOT NULL DEFAULT '',
	created_time            timestamptz NOT NULL,
	PRIMARY KEY (account_id, namespace, name)
);

CREATE TABLE quicksight_group (
	account_id   text COLLATE "C" NOT NULL,
	namespace    text COLLATE "C" NOT NULL,
	name         text COLLATE "C" NOT NULL,
	principal_id text        NOT NULL,
	description  text        NOT NULL DEFAULT '',
	created_time timestamptz NOT NULL,
	PRIMARY KEY (account_id, namespace, name)
);

CREATE TABLE group_membership (
	account_id text COLLATE "C" NOT NULL,
	namespace  text COLLATE "C" NOT NULL,
	group_name text COLLATE "C" NOT NULL,
	user_name  text COLLATE "C" NOT NULL,
	PRIMARY KEY (account_id, namespace, group_name, user_name),
	FOREIGN KEY (account_id, namespace, group_name) REFERENCES quicksight_group (account_id, namespace, name) ON DELETE CASCADE,
	FOREIGN KEY (account_id, namespace, user_name) REFERENCES quicksight_user (account_id, namespace, name) ON DELETE CASCADE
);

-- Serves GroupsOfUser and the cascade from quicksight_user.
CREATE INDEX group_membership_user ON group_membership (account_id, namespace, user_name, group_name);
