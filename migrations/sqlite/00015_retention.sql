-- The same schema as postgres/00015_retention.sql.

-- +goose Up
ALTER TABLE statements ADD COLUMN retention_months INTEGER NOT NULL DEFAULT 0
    CHECK (retention_months BETWEEN 0 AND 120);
ALTER TABLE signatures ADD COLUMN erased_at DATETIME;

-- +goose Down
ALTER TABLE signatures DROP COLUMN erased_at;
ALTER TABLE statements DROP COLUMN retention_months;
