-- Lead signers: the same table as postgres/00014_lead_signers.sql, which
-- says why.

-- +goose Up
CREATE TABLE lead_signers (
    statement_id INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    org_key      TEXT NOT NULL CHECK (org_key <> ''),
    created_by   INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at   DATETIME NOT NULL,
    PRIMARY KEY (statement_id, org_key)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE lead_signers;
