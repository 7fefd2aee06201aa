-- A statement's text in another language than its primary one (Signon
-- speaks English and Spanish). The signatories stay the statement's; only
-- the words are per language. Limits repeat the statement's. That the
-- language differs from the statement's primary language is checked by
-- the domain under the statement's lock, since a CHECK cannot read
-- another table.

-- +goose Up
CREATE TABLE statement_translations (
    statement_id bigint NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    language     text NOT NULL CHECK (language IN ('en', 'es')),
    title        text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    summary      text NOT NULL DEFAULT '' CHECK (char_length(summary) <= 1000),
    body         text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 100000),
    addressed_to text NOT NULL DEFAULT '' CHECK (char_length(addressed_to) <= 300),
    occasion     text NOT NULL DEFAULT '' CHECK (char_length(occasion) <= 200),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    -- One text per statement and language, unique as the table's key;
    -- also the index every read uses.
    CONSTRAINT statement_translations_pkey PRIMARY KEY (statement_id, language)
);

-- +goose Down
DROP TABLE statement_translations;
