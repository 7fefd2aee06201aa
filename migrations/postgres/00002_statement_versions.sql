-- Every version of a statement's text, so each signature's
-- statement_version names words that can still be read, and the digest
-- of the published record fixed at publication.
--
-- Statements that existed before keep only the text they have now, as
-- their current version: earlier texts were overwritten and are gone.
-- Statements published before have no digest; their record is still
-- served, but there is nothing stored to compare it with.

-- +goose Up
CREATE TABLE statement_versions (
    statement_id bigint NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    version      integer NOT NULL CHECK (version >= 1),
    title        text NOT NULL CHECK (char_length(title) <= 200),
    summary      text NOT NULL DEFAULT '' CHECK (char_length(summary) <= 1000),
    body         text NOT NULL CHECK (char_length(body) <= 100000),
    addressed_to text NOT NULL DEFAULT '' CHECK (char_length(addressed_to) <= 300),
    occasion     text NOT NULL DEFAULT '' CHECK (char_length(occasion) <= 200),
    created_at   timestamptz NOT NULL,
    created_by   bigint REFERENCES accounts (id) ON DELETE SET NULL,
    CONSTRAINT statement_versions_pkey PRIMARY KEY (statement_id, version)
);

-- Version 1 dates from the statement's creation; for a later one the last
-- change is the nearest moment known.
INSERT INTO statement_versions (statement_id, version, title, summary, body, addressed_to, occasion, created_at, created_by)
SELECT id, version, title, summary, body, addressed_to, occasion,
       CASE WHEN version = 1 THEN created_at ELSE updated_at END, created_by
FROM statements;

ALTER TABLE statements
    ADD COLUMN record_url text NOT NULL DEFAULT '',
    ADD COLUMN record_sha256 text NOT NULL DEFAULT ''
        CHECK (record_sha256 = '' OR record_sha256 ~ '^[0-9a-f]{64}$');

-- +goose Down
ALTER TABLE statements DROP COLUMN record_sha256, DROP COLUMN record_url;
DROP TABLE statement_versions;
