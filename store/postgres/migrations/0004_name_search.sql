-- Indexes for the name filters of ConnectorList, so that a name search stays
-- fast in an account of any size.
--
-- Name (exact) is served by connector_account_name, in id order for the
-- pages. NameLike (ILIKE) is served
-- by connector_name_trgm, a GIN index of the trigrams of every name (the
-- pg_trgm extension), which PostgreSQL uses for any pattern holding a run of
-- three characters or more and rechecks with ILIKE; shorter patterns scan the
-- account's connectors as before.
--
-- pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the
-- database's owner may create it. It is created once per database, in the
-- public schema when there is one, so that schemas of other applications (or
-- of tests) sharing the database neither own nor drop it. Where the extension
-- is not installed on the server, the trigram index is left out, with a
-- notice: searches stay correct and scan the account.

CREATE INDEX connector_account_name ON connector (account_id, name, id);

DO $$
DECLARE
	ext_schema text;
BEGIN
	SELECT n.nspname INTO ext_schema
		FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
		WHERE e.extname = 'pg_trgm';
	IF ext_schema IS NULL THEN
		IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
			RAISE NOTICE 'actiongate: the pg_trgm extension is not available; name searches will scan each account';
			RETURN;
		END IF;
		ext_schema := CASE WHEN EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public')
			THEN 'public' ELSE current_schema() END;
		EXECUTE format('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA %I', ext_schema);
	END IF;
	EXECUTE format('CREATE INDEX connector_name_trgm ON connector USING gin (name %I.gin_trgm_ops)', ext_schema);
END
$$;
