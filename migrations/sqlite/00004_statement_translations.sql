-- The same table as postgres/00004_statement_translations.sql. That the
-- language differs from the statement's primary language is checked by
-- the domain inside the write transaction, since a CHECK cannot read
-- another table.

-- +goose Up
CREATE TABLE statement_translations (
    statement_id INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    language     TEXT NOT NULL CHECK (language IN ('en', 'es')),
    title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    summary      TEXT NOT NULL DEFAULT '' CHECK (length(summary) <= 1000),
    body         TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 100000),
    addressed_to TEXT NOT NULL DEFAULT '' CHECK (length(addressed_to) <= 300),
    occasion     TEXT NOT NULL DEFAULT '' CHECK (length(occasion) <= 200),
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL,
    -- One text per statement and language, unique as the table's key;
    -- also the index every read uses.
    CONSTRAINT statement_translations_pkey PRIMARY KEY (statement_id, language)
);

-- +goose Down
DROP TABLE statement_translations;
