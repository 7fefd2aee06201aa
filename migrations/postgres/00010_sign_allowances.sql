-- The hourly allowance of signatures per client network (SIGNON_SIGN_LIMIT),
-- kept in the database so it holds across every instance behind a load
-- balancer (docs/decisions.md, "The sign limit is counted in the
-- database"). One row per network, never one row for all signers. The key
-- is the SHA-256 of "sign:" plus the IPv4 address or the IPv6 /64.

-- UNLOGGED: the table writes no WAL, so taking an allowance, a write on
-- every signature, commits without waiting for a flush to disk. What that
-- gives up is fine for a rate limit: after a crash of PostgreSQL (not a
-- clean restart) or on a promoted replica the table starts empty, and
-- every client has its whole allowance again, as after a restart of the
-- in-memory limit this replaces.

-- +goose Up
CREATE UNLOGGED TABLE sign_allowances (
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
