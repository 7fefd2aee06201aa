-- The same schema as postgres/00008_login_throttle.sql. Failed logins
-- counted per key; the key is the SHA-256 of "email:" plus the email
-- typed, or "ip:" plus the client's address.

-- +goose Up
CREATE TABLE login_failures (
    key_hash        TEXT PRIMARY KEY NOT NULL,
    failures        INTEGER NOT NULL CHECK (failures >= 0),
    last_failure_at DATETIME NOT NULL,
    locked_until    DATETIME,
    -- When the count is forgotten; the clean-up job deletes rows past it.
    expires_at      DATETIME NOT NULL
);
CREATE INDEX login_failures_expires_at_idx ON login_failures (expires_at);

-- +goose Down
DROP TABLE login_failures;
