-- Signon's first schema, the same as postgres/00001_init.sql. Times are
-- DATETIME so modernc.org/sqlite scans them back as time.Time; booleans are
-- 0 or 1. Length limits repeat the domain's as a last guard.

-- +goose Up
CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL CHECK (length(email) <= 254),
    name          TEXT NOT NULL CHECK (length(name) <= 120),
    role          TEXT NOT NULL CHECK (role IN ('admin', 'coordinator')),
    password_hash TEXT NOT NULL,
    disabled_at   DATETIME,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL,
    -- The domain lower-cases emails, so a plain unique index is case-insensitive.
    CONSTRAINT accounts_email_key UNIQUE (email)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expires_at DATETIME NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX sessions_account_id_idx ON sessions (account_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

CREATE TABLE statements (
    id                   INTEGER PRIMARY KEY,
    slug                 TEXT NOT NULL CHECK (length(slug) BETWEEN 1 AND 80),
    kind                 TEXT NOT NULL CHECK (kind IN ('letter', 'response', 'statement')),
    title                TEXT NOT NULL CHECK (length(title) <= 200),
    summary              TEXT NOT NULL DEFAULT '' CHECK (length(summary) <= 1000),
    body                 TEXT NOT NULL CHECK (length(body) <= 100000),
    addressed_to         TEXT NOT NULL DEFAULT '' CHECK (length(addressed_to) <= 300),
    occasion             TEXT NOT NULL DEFAULT '' CHECK (length(occasion) <= 200),
    language             TEXT NOT NULL,
    responds_to_id       INTEGER REFERENCES statements (id) ON DELETE SET NULL,
    allow_individuals    BOOLEAN NOT NULL DEFAULT 0 CHECK (allow_individuals IN (0, 1)),
    require_confirmation BOOLEAN NOT NULL DEFAULT 0 CHECK (require_confirmation IN (0, 1)),
    approval             TEXT NOT NULL DEFAULT 'none' CHECK (approval IN ('none', 'non_members', 'all')),
    visibility           TEXT NOT NULL DEFAULT 'while_open' CHECK (visibility IN ('while_open', 'on_published')),
    status               TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed', 'published')),
    opens_at             DATETIME,
    closes_at            DATETIME,
    opened_at            DATETIME,
    closed_at            DATETIME,
    published_at         DATETIME,
    version              INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_by           INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL,
    CONSTRAINT statements_slug_key UNIQUE (slug)
);
CREATE INDEX statements_responds_to_id_idx ON statements (responds_to_id);

CREATE TABLE signatures (
    id                INTEGER PRIMARY KEY,
    statement_id      INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    signer_type       TEXT NOT NULL CHECK (signer_type IN ('organization', 'individual')),
    organization      TEXT NOT NULL DEFAULT '' CHECK (length(organization) <= 200),
    org_key           TEXT NOT NULL,
    signer_name       TEXT NOT NULL CHECK (length(signer_name) <= 120),
    signer_title      TEXT NOT NULL DEFAULT '' CHECK (length(signer_title) <= 120),
    email             TEXT NOT NULL CHECK (length(email) <= 254),
    city              TEXT NOT NULL DEFAULT '' CHECK (length(city) <= 100),
    country           TEXT NOT NULL CHECK (length(country) = 2),
    region            TEXT NOT NULL DEFAULT '',
    website           TEXT NOT NULL DEFAULT '' CHECK (length(website) <= 300),
    language          TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('unconfirmed', 'pending', 'approved', 'rejected', 'withdrawn')),
    source            TEXT NOT NULL CHECK (source IN ('form', 'api', 'invite', 'import', 'manual')),
    statement_version INTEGER NOT NULL,
    -- No foreign key yet: the member roster has no table.
    member_id         INTEGER,
    confirmed_at      DATETIME,
    approved_at       DATETIME,
    rejected_at       DATETIME,
    withdrawn_at      DATETIME,
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL
);
-- Counts by region are a GROUP BY over this index, never a counter row.
CREATE INDEX signatures_statement_status_region_idx ON signatures (statement_id, status, country, region);
-- One standing signature per organization and statement, enforced by the
-- database so two signers racing each other cannot both get in.
CREATE UNIQUE INDEX signatures_active_org_key ON signatures (statement_id, org_key)
    WHERE status IN ('unconfirmed', 'pending', 'approved');

CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    statement_id INTEGER REFERENCES statements (id) ON DELETE CASCADE,
    -- The trail outlives a signature or account removed for retention.
    signature_id INTEGER REFERENCES signatures (id) ON DELETE SET NULL,
    account_id   INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    action       TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL
);
CREATE INDEX events_statement_id_created_at_idx ON events (statement_id, created_at);
CREATE INDEX events_signature_id_idx ON events (signature_id);

-- +goose Down
DROP TABLE events;
DROP TABLE signatures;
DROP TABLE statements;
DROP TABLE sessions;
DROP TABLE accounts;
