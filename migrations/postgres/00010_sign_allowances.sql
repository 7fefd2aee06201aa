-- The hourly allowance of signatures per client network (SIGNON_SIGN_LIMIT),
-- kept in the database so it holds across every instance behind a load
-- balancer (docs/decisions.md, "Sign limit across instances"). One row
-- per network, never one row for all signers. The key is the SHA-256 of
-- "sign:" plus the IPv4 address or the IPv6 /64.

-- +goose Up
CREATE TABLE sign_allowances (
    client_hash    text PRIMARY KEY,
    -- When the network's allowance is whole again, in microseconds since
    -- 1970 UTC (the "theoretical arrival time" of GCRA). An integer, so
    -- one INSERT … ON CONFLICT DO UPDATE does the arithmetic in both
    -- dialects. A row whose time has passed means the same as no row; the
    -- clean-up job deletes it. No index on it: every signature moves it,
    -- and an index would turn those updates from HOT into index writes
    -- for the sake of an hourly scan.
    refilled_at_us bigint NOT NULL
);

-- +goose Down
DROP TABLE sign_allowances;
