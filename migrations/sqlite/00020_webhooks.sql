-- The same schema as postgres/00020_webhooks.sql.

-- +goose Up
CREATE TABLE webhook_endpoints (
    id               INTEGER PRIMARY KEY,
    statement_id     INTEGER REFERENCES statements (id) ON DELETE CASCADE,
    url              TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    secret           TEXT NOT NULL,
    events           TEXT NOT NULL,
    created_by       INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at       DATETIME NOT NULL,
    last_status_code INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    last_attempt_at  DATETIME,
    last_ok          BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX webhook_endpoints_statement_id_idx ON webhook_endpoints (statement_id);

CREATE TABLE webhook_attempts (
    id          INTEGER PRIMARY KEY,
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id    TEXT NOT NULL,
    event_type  TEXT NOT NULL,
    attempt     INTEGER NOT NULL,
    status_code INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    ok          BOOLEAN NOT NULL,
    at          DATETIME NOT NULL
);
CREATE INDEX webhook_attempts_endpoint_id_idx ON webhook_attempts (endpoint_id, id);

CREATE TABLE webhook_dispatch (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    cursor TEXT NOT NULL DEFAULT ''
);
INSERT INTO webhook_dispatch (id, cursor) VALUES (1, '');

-- +goose Down
DROP TABLE webhook_dispatch;
DROP TABLE webhook_attempts;
DROP TABLE webhook_endpoints;
