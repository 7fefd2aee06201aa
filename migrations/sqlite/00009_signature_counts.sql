-- Public counts of signatures from a rollup kept by triggers: the same
-- tables and deltas as postgres/00009_signature_counts.sql, which says
-- why. SQLite triggers have no IF, so each delta is an INSERT … SELECT
-- whose WHERE says when it applies.

-- +goose Up
CREATE TABLE signature_count_deltas (
    statement_id INTEGER NOT NULL,
    country      TEXT NOT NULL,
    region       TEXT NOT NULL,
    n            INTEGER NOT NULL CHECK (n BETWEEN -1 AND 1)
);
-- Holding every column a read sums, so a read never visits the table.
CREATE INDEX signature_count_deltas_statement_idx ON signature_count_deltas (statement_id, country, region, n);

CREATE TABLE signature_counts (
    statement_id INTEGER NOT NULL,
    country      TEXT NOT NULL,
    region       TEXT NOT NULL,
    n            INTEGER NOT NULL,
    changes      INTEGER NOT NULL,
    PRIMARY KEY (statement_id, country, region)
) WITHOUT ROWID;

-- +goose StatementBegin
CREATE TRIGGER signatures_count_insert AFTER INSERT ON signatures
WHEN NEW.status = 'approved'
BEGIN
    INSERT INTO signature_count_deltas VALUES (NEW.statement_id, NEW.country, NEW.region, 1);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER signatures_count_delete AFTER DELETE ON signatures
WHEN OLD.status = 'approved'
BEGIN
    INSERT INTO signature_count_deltas VALUES (OLD.statement_id, OLD.country, OLD.region, -1);
END;
-- +goose StatementEnd

-- The list_name triggers of 00003 set signer_type to itself; the WHEN
-- clause lets only a real change of a public field through.
-- +goose StatementBegin
CREATE TRIGGER signatures_count_update AFTER UPDATE OF
    status, statement_id, country, region, signer_type, organization, signer_name, signer_title, city, website, statement_version
ON signatures
WHEN (OLD.status = 'approved' OR NEW.status = 'approved') AND (
    OLD.status IS NOT NEW.status OR OLD.statement_id IS NOT NEW.statement_id OR OLD.country IS NOT NEW.country
    OR OLD.region IS NOT NEW.region OR OLD.signer_type IS NOT NEW.signer_type OR OLD.organization IS NOT NEW.organization
    OR OLD.signer_name IS NOT NEW.signer_name OR OLD.signer_title IS NOT NEW.signer_title OR OLD.city IS NOT NEW.city
    OR OLD.website IS NOT NEW.website OR OLD.statement_version IS NOT NEW.statement_version)
BEGIN
    -- A correction of a counted signature that changes no count.
    INSERT INTO signature_count_deltas SELECT NEW.statement_id, NEW.country, NEW.region, 0
    WHERE OLD.status = 'approved' AND NEW.status = 'approved'
        AND OLD.statement_id = NEW.statement_id AND OLD.country = NEW.country AND OLD.region = NEW.region;
    INSERT INTO signature_count_deltas SELECT OLD.statement_id, OLD.country, OLD.region, -1
    WHERE OLD.status = 'approved' AND NOT (NEW.status = 'approved'
        AND OLD.statement_id = NEW.statement_id AND OLD.country = NEW.country AND OLD.region = NEW.region);
    INSERT INTO signature_count_deltas SELECT NEW.statement_id, NEW.country, NEW.region, 1
    WHERE NEW.status = 'approved' AND NOT (OLD.status = 'approved'
        AND OLD.statement_id = NEW.statement_id AND OLD.country = NEW.country AND OLD.region = NEW.region);
END;
-- +goose StatementEnd

INSERT INTO signature_counts (statement_id, country, region, n, changes)
SELECT statement_id, country, region, count(*), count(*)
FROM signatures WHERE status = 'approved'
GROUP BY statement_id, country, region;

-- +goose Down
DROP TRIGGER signatures_count_update;
DROP TRIGGER signatures_count_delete;
DROP TRIGGER signatures_count_insert;
DROP TABLE signature_counts;
DROP TABLE signature_count_deltas;
