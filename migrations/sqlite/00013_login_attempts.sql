-- The same schema as postgres/00013_login_attempts.sql. Login attempts
-- counted per key before the password is checked, replacing
-- login_failures; times in microseconds since 1970 UTC, 0 for no lock.

-- +goose Up
DROP TABLE login_failures;
CREATE TABLE login_attempts (
    key_hash        TEXT PRIMARY KEY NOT NULL,
    attempts        INTEGER NOT NULL CHECK (attempts >= 0),
    locked_until_us INTEGER NOT NULL,
    expires_at_us   INTEGER NOT NULL
);

-- +goose Down
DROP TABLE login_attempts;
CREATE TABLE login_failures (
    key_hash        TEXT PRIMARY KEY NOT NULL,
    failures        INTEGER NOT NULL CHECK (failures >= 0),
    last_failure_at DATETIME NOT NULL,
    locked_until    DATETIME,
    expires_at      DATETIME NOT NULL
);
CREATE INDEX login_failures_expires_at_idx ON login_failures (expires_at);
