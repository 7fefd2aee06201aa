-- The same schema as postgres/00016_deliveries.sql.

-- +goose Up
CREATE TABLE addressees (
    id           INTEGER PRIMARY KEY,
    statement_id INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    title        TEXT NOT NULL DEFAULT '' CHECK (length(title) <= 200),
    office       TEXT NOT NULL DEFAULT '' CHECK (length(office) <= 200),
    email        TEXT NOT NULL DEFAULT '' CHECK (length(email) <= 254)
);
CREATE INDEX addressees_statement_id_idx ON addressees (statement_id, position);

CREATE TABLE deliveries (
    id                 INTEGER PRIMARY KEY,
    statement_id       INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    method             TEXT NOT NULL CHECK (method IN ('email', 'in_person', 'fax', 'press_conference', 'other')),
    delivered_at       DATETIME NOT NULL,
    place              TEXT NOT NULL DEFAULT '' CHECK (length(place) <= 200),
    note               TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    statement_version  INTEGER NOT NULL,
    signatories_sha256 TEXT NOT NULL,
    organizations      INTEGER NOT NULL DEFAULT 0,
    individuals        INTEGER NOT NULL DEFAULT 0,
    record_sha256      TEXT NOT NULL DEFAULT '',
    recorded_by        INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at         DATETIME NOT NULL
);
CREATE INDEX deliveries_statement_id_idx ON deliveries (statement_id, delivered_at);

CREATE TABLE delivery_recipients (
    id          INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    title       TEXT NOT NULL DEFAULT '',
    office      TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    email_id    INTEGER REFERENCES emails (id) ON DELETE SET NULL
);
CREATE INDEX delivery_recipients_delivery_id_idx ON delivery_recipients (delivery_id, position);

ALTER TABLE emails ADD COLUMN attachment_name TEXT NOT NULL DEFAULT '';
ALTER TABLE emails ADD COLUMN attachment BLOB;
ALTER TABLE emails ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
ALTER TABLE emails ADD COLUMN server_reply TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE emails DROP COLUMN server_reply;
ALTER TABLE emails DROP COLUMN message_id;
ALTER TABLE emails DROP COLUMN attachment;
ALTER TABLE emails DROP COLUMN attachment_name;
DROP TABLE delivery_recipients;
DROP TABLE deliveries;
DROP TABLE addressees;
