-- Failed logins counted per key, so guessing a password is slowed down
-- across every instance (docs/decisions.md, "Login throttling"). The key
-- is the SHA-256 of "email:" plus the email typed, or "ip:" plus the
-- client's address: no address anyone typed is kept in the clear.

-- +goose Up
CREATE TABLE login_failures (
    key_hash        text PRIMARY KEY,
    failures        integer NOT NULL CHECK (failures >= 0),
    last_failure_at timestamptz NOT NULL,
    locked_until    timestamptz,
    -- When the count is forgotten; the clean-up job deletes rows past it.
    expires_at      timestamptz NOT NULL
);
CREATE INDEX login_failures_expires_at_idx ON login_failures (expires_at);

-- +goose Down
DROP TABLE login_failures;
