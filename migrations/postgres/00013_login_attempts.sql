-- Login attempts counted per key before the password is checked, in one
-- statement, so guesses sent at once cannot all pass a check made before
-- any is counted (docs/decisions.md, "Login throttling is counted in the
-- database"). This replaces login_failures: its counts are forgotten
-- within minutes anyway. The key is the SHA-256 of "email:" plus the
-- email typed, "ip:" plus the client's address, or "email-ip:" plus both.

-- UNLOGGED, as sign_allowances: every login writes here, and after a
-- crash of PostgreSQL the counts start again from zero, as they would
-- forget themselves within minutes.

-- +goose Up
DROP TABLE login_failures;
CREATE UNLOGGED TABLE login_attempts (
    key_hash        text PRIMARY KEY,
    attempts        integer NOT NULL CHECK (attempts >= 0),
    -- Times in microseconds since 1970 UTC, integers so the one upsert
    -- compares and sets them alike in both dialects. 0 is no lock.
    locked_until_us bigint NOT NULL,
    -- When the count is forgotten; the clean-up job deletes rows past it.
    expires_at_us   bigint NOT NULL
);

-- +goose Down
DROP TABLE login_attempts;
CREATE TABLE login_failures (
    key_hash        text PRIMARY KEY,
    failures        integer NOT NULL CHECK (failures >= 0),
    last_failure_at timestamptz NOT NULL,
    locked_until    timestamptz,
    expires_at      timestamptz NOT NULL
);
CREATE INDEX login_failures_expires_at_idx ON login_failures (expires_at);
