-- Every version of a statement's text and the digest of the published
-- record, the same as postgres/00002_statement_versions.sql.
--
-- Statements that existed before keep only the text they have now, as
-- their current version: earlier texts were overwritten and are gone.
-- Statements published before have no digest.

-- +goose Up
CREATE TABLE statement_versions (
    statement_id INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL CHECK (version >= 1),
    title        TEXT NOT NULL CHECK (length(title) <= 200),
    summary      TEXT NOT NULL DEFAULT '' CHECK (length(summary) <= 1000),
    body         TEXT NOT NULL CHECK (length(body) <= 100000),
    addressed_to TEXT NOT NULL DEFAULT '' CHECK (length(addressed_to) <= 300),
    occasion     TEXT NOT NULL DEFAULT '' CHECK (length(occasion) <= 200),
    created_at   DATETIME NOT NULL,
    created_by   INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    CONSTRAINT statement_versions_pkey PRIMARY KEY (statement_id, version)
);

-- Version 1 dates from the statement's creation; for a later one the last
-- change is the nearest moment known.
INSERT INTO statement_versions (statement_id, version, title, summary, body, addressed_to, occasion, created_at, created_by)
SELECT id, version, title, summary, body, addressed_to, occasion,
       CASE WHEN version = 1 THEN created_at ELSE updated_at END, created_by
FROM statements;

ALTER TABLE statements ADD COLUMN record_url TEXT NOT NULL DEFAULT '';
ALTER TABLE statements ADD COLUMN record_sha256 TEXT NOT NULL DEFAULT ''
    CHECK (record_sha256 = '' OR (length(record_sha256) = 64 AND record_sha256 NOT GLOB '*[^0-9a-f]*'));

-- +goose Down
ALTER TABLE statements DROP COLUMN record_sha256;
ALTER TABLE statements DROP COLUMN record_url;
DROP TABLE statement_versions;
