-- The same schema as postgres/00010_sign_allowances.sql. The hourly
-- allowance of signatures per client network, one row per network; the
-- key is the SHA-256 of "sign:" plus the IPv4 address or the IPv6 /64.

-- +goose Up
CREATE TABLE sign_allowances (
    client_hash    TEXT PRIMARY KEY NOT NULL,
    -- When the network's allowance is whole again, in microseconds since
    -- 1970 UTC; a row whose time has passed means the same as no row.
    refilled_at_us INTEGER NOT NULL
);

-- +goose Down
DROP TABLE sign_allowances;
