-- The same schema as postgres/00006_trust.sql. Trustworthy signatures: the outbox of emails, the signers' private
-- links, the member roster and its invitations, coordinator invitations,
-- and what review needs on signatures. Jobs that deliver the emails live
-- in River's tables (migration 00005), inserted in the same transaction
-- as the row they deliver.

-- +goose Up
CREATE TABLE members (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- signon.OrganizationKey(name): how a signature finds its member.
    org_key    TEXT NOT NULL,
    country    TEXT NOT NULL CHECK (length(country) = 2),
    region     TEXT NOT NULL DEFAULT '',
    city       TEXT NOT NULL DEFAULT '' CHECK (length(city) <= 100),
    website    TEXT NOT NULL DEFAULT '' CHECK (length(website) <= 300),
    email      TEXT NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    language   TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'es')),
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    CONSTRAINT members_org_key_key UNIQUE (org_key)
);

-- SQLite cannot add a foreign key to an existing column; the store
-- clears member_id when it removes a member.
CREATE INDEX signatures_member_id_idx ON signatures (member_id);
-- Why a coordinator rejected a signature; shown to coordinators only.
ALTER TABLE signatures ADD COLUMN rejection_reason TEXT NOT NULL DEFAULT '' CHECK (length(rejection_reason) <= 500);
-- The signature a merged duplicate was folded into. No foreign key, so
-- the column can be dropped again; the store writes only real ids.
ALTER TABLE signatures ADD COLUMN merged_into_id INTEGER;

-- A signer's private links, stored only as SHA-256 hashes of the token
-- the email carries: "confirm" is single use and expires; "manage" lets
-- the signer correct or withdraw while the statement is open.
CREATE TABLE signature_tokens (
    token_hash   TEXT PRIMARY KEY NOT NULL,
    signature_id INTEGER NOT NULL REFERENCES signatures (id) ON DELETE CASCADE,
    purpose      TEXT NOT NULL CHECK (purpose IN ('confirm', 'manage')),
    expires_at   DATETIME NOT NULL,
    used_at      DATETIME,
    created_at   DATETIME NOT NULL
);
CREATE INDEX signature_tokens_signature_id_idx ON signature_tokens (signature_id, purpose);

-- Personal invitations and reminders to members, one row a message: the
-- last one per member tells whether a reminder may go again.
CREATE TABLE invitations (
    id           INTEGER PRIMARY KEY,
    statement_id INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('invite', 'reminder')),
    -- Hash of the one-click link's token.
    token_hash   TEXT NOT NULL,
    created_by   INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at   DATETIME NOT NULL,
    CONSTRAINT invitations_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX invitations_statement_member_idx ON invitations (statement_id, member_id, created_at);

-- An admin's invitation of a coordinator, until it is accepted.
CREATE TABLE account_invitations (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    email       TEXT NOT NULL CHECK (length(email) <= 254),
    role        TEXT NOT NULL CHECK (role IN ('admin', 'coordinator')),
    invited_by  INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    expires_at  DATETIME NOT NULL,
    accepted_at DATETIME,
    created_at  DATETIME NOT NULL
);
CREATE INDEX account_invitations_email_idx ON account_invitations (email);

-- Every email Signon sends, written in the transaction of the change that
-- causes it. Without SMTP configured, delivery writes it to the log and
-- coordinators read it on the outbox page.
CREATE TABLE emails (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    to_address   TEXT NOT NULL CHECK (length(to_address) <= 254),
    language     TEXT NOT NULL CHECK (language IN ('en', 'es')),
    subject      TEXT NOT NULL,
    text_body    TEXT NOT NULL,
    html_body    TEXT NOT NULL,
    statement_id INTEGER REFERENCES statements (id) ON DELETE SET NULL,
    signature_id INTEGER REFERENCES signatures (id) ON DELETE SET NULL,
    member_id    INTEGER REFERENCES members (id) ON DELETE SET NULL,
    status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'logged', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    sent_at      DATETIME
);
CREATE INDEX emails_created_at_idx ON emails (created_at);
CREATE INDEX emails_signature_id_idx ON emails (signature_id, kind, created_at);
CREATE INDEX emails_statement_id_idx ON emails (statement_id);

-- +goose Down
DROP TABLE emails;
DROP TABLE account_invitations;
DROP TABLE invitations;
DROP TABLE signature_tokens;
ALTER TABLE signatures DROP COLUMN merged_into_id;
ALTER TABLE signatures DROP COLUMN rejection_reason;
DROP INDEX signatures_member_id_idx;
DROP TABLE members;
