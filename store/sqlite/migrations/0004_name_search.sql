-- Indexes for the name filters of ConnectorList, so that a name search stays
-- fast in an account of any size.
--
-- Name (exact) is served by connector_account_name, in id order for the
-- pages. NameLike is served by connector_name_trigram, an FTS5 index of the
-- trigrams of every name (the trigram tokenizer, folding case): the driver
-- looks up the connectors whose names hold each literal run of three
-- characters or more of the pattern (a phrase of its trigrams), and checks each
-- with LIKE, which alone decides. A pattern with no such run scans the
-- account's connectors as before.
--
-- connector_name_trigram is an external-content table over connector, keyed by
-- its rowid and kept in step by the triggers below. A VACUUM may renumber the
-- rowids of connector (it has no INTEGER PRIMARY KEY); after one, run
-- INSERT INTO connector_name_trigram (connector_name_trigram) VALUES ('rebuild').
-- The index keeps the trigrams' positions (detail=full), so that a run is
-- looked up as a phrase: without them (detail=none, about 70 MB less for a
-- million connectors) the rows holding each trigram of "bababo" somewhere
-- numbered seven times those holding "bababo".

CREATE INDEX connector_account_name ON connector (account_id, name, id);

CREATE VIRTUAL TABLE connector_name_trigram USING fts5(
	name,
	content = 'connector',
	content_rowid = 'rowid',
	tokenize = 'trigram'
);

CREATE TRIGGER connector_name_trigram_insert AFTER INSERT ON connector BEGIN
	INSERT INTO connector_name_trigram (rowid, name) VALUES (new.rowid, new.name);
END;

CREATE TRIGGER connector_name_trigram_delete AFTER DELETE ON connector BEGIN
	INSERT INTO connector_name_trigram (connector_name_trigram, rowid, name) VALUES ('delete', old.rowid, old.name);
END;

CREATE TRIGGER connector_name_trigram_update AFTER UPDATE OF name ON connector
WHEN old.name IS NOT new.name BEGIN
	INSERT INTO connector_name_trigram (connector_name_trigram, rowid, name) VALUES ('delete', old.rowid, old.name);
	INSERT INTO connector_name_trigram (rowid, name) VALUES (new.rowid, new.name);
END;

-- The connectors stored before this migration.
INSERT INTO connector_name_trigram (connector_name_trigram) VALUES ('rebuild');
