-- Lead signers: the organizations a statement names first, apart from
-- the alphabetical list (the coalition's conveners, or its founding
-- signers). A mark belongs to an organization on a statement, by its
-- organization key, so it holds for the organization's signature and,
-- before it signs, for its member on the roster, whose invitation may
-- then go out before the statement opens to the public.

-- +goose Up
CREATE TABLE lead_signers (
    statement_id bigint NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    org_key      text NOT NULL CHECK (org_key <> ''),
    created_by   bigint REFERENCES accounts (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (statement_id, org_key)
);

-- +goose Down
DROP TABLE lead_signers;
