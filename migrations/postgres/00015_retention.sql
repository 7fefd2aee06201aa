-- Retention of personal data (docs/decisions.md, "Personal data: kept
-- until a period after closing, then erased"). retention_months is how
-- long after a statement closes its signers' personal data is kept; 0
-- means the default, six months. erased_at marks a signature whose
-- personal data has been erased, by the daily job or by an
-- administrator on request, so neither touches it twice.

-- +goose Up
ALTER TABLE statements ADD COLUMN retention_months integer NOT NULL DEFAULT 0
    CHECK (retention_months BETWEEN 0 AND 120);
ALTER TABLE signatures ADD COLUMN erased_at timestamptz;

-- +goose Down
ALTER TABLE signatures DROP COLUMN erased_at;
ALTER TABLE statements DROP COLUMN retention_months;
