-- Public counts of signatures without a GROUP BY over a statement's
-- signatures per page view and without a counter row every signer locks
-- (docs/decisions.md, "Signature counts from a rollup").
--
-- Triggers on signatures append a delta for every change that the public
-- sees (an approved signature added, removed, moved to another country or
-- region, or its public fields corrected), in the transaction of the
-- change, whatever method made it: a row appended is no row anyone else
-- waits for. The store folds the deltas into signature_counts about once
-- a second (store.FoldSignatureCounts); a read sums signature_counts and
-- the few deltas not yet folded, so it is exact at once.
--
-- n is +1 or -1 for the count of (statement_id, country, region), or 0
-- for a correction of a counted signature that changes no count. changes
-- counts the deltas folded into a row, so that the sum of changes plus
-- the deltas pending grows with every committed change whatever order
-- the changes commit in: it is the statement's counts version, which a
-- page cache can use in its ETag.
--
-- No foreign keys: a delta written while a statement's signatures are
-- deleted with it must not fail, and a row of a deleted statement is
-- harmless.

-- +goose Up
CREATE TABLE signature_count_deltas (
    statement_id bigint NOT NULL,
    country      text NOT NULL,
    region       text NOT NULL,
    n            integer NOT NULL CHECK (n BETWEEN -1 AND 1)
);
-- Holding every column a read sums, so a read can skip the table where
-- its pages are all-visible.
CREATE INDEX signature_count_deltas_statement_idx ON signature_count_deltas (statement_id, country, region, n);

CREATE TABLE signature_counts (
    statement_id bigint NOT NULL,
    country      text NOT NULL,
    region       text NOT NULL,
    n            bigint NOT NULL,
    changes      bigint NOT NULL,
    PRIMARY KEY (statement_id, country, region)
);

-- +goose StatementBegin
CREATE FUNCTION signature_count_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = 'approved' AND NEW.status = 'approved'
        AND OLD.statement_id = NEW.statement_id AND OLD.country = NEW.country AND OLD.region = NEW.region THEN
        INSERT INTO signature_count_deltas VALUES (NEW.statement_id, NEW.country, NEW.region, 0);
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.status = 'approved' THEN
        INSERT INTO signature_count_deltas VALUES (OLD.statement_id, OLD.country, OLD.region, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'approved' THEN
        INSERT INTO signature_count_deltas VALUES (NEW.statement_id, NEW.country, NEW.region, 1);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- The WHEN clauses keep the function from even being called for the
-- rows that change nothing public: a signature awaiting confirmation or
-- review, a status change between two uncounted statuses, a change of a
-- private field.
CREATE TRIGGER signatures_count_insert AFTER INSERT ON signatures
    FOR EACH ROW WHEN (NEW.status = 'approved') EXECUTE FUNCTION signature_count_delta();
CREATE TRIGGER signatures_count_delete AFTER DELETE ON signatures
    FOR EACH ROW WHEN (OLD.status = 'approved') EXECUTE FUNCTION signature_count_delta();
CREATE TRIGGER signatures_count_update AFTER UPDATE ON signatures
    FOR EACH ROW WHEN ((OLD.status = 'approved' OR NEW.status = 'approved') AND (
        OLD.status, OLD.statement_id, OLD.country, OLD.region, OLD.signer_type, OLD.organization,
        OLD.signer_name, OLD.signer_title, OLD.city, OLD.website, OLD.statement_version
    ) IS DISTINCT FROM (
        NEW.status, NEW.statement_id, NEW.country, NEW.region, NEW.signer_type, NEW.organization,
        NEW.signer_name, NEW.signer_title, NEW.city, NEW.website, NEW.statement_version
    )) EXECUTE FUNCTION signature_count_delta();

INSERT INTO signature_counts (statement_id, country, region, n, changes)
SELECT statement_id, country, region, count(*), count(*)
FROM signatures WHERE status = 'approved'
GROUP BY statement_id, country, region;

-- +goose Down
DROP TRIGGER signatures_count_update ON signatures;
DROP TRIGGER signatures_count_delete ON signatures;
DROP TRIGGER signatures_count_insert ON signatures;
DROP FUNCTION signature_count_delta();
DROP TABLE signature_counts;
DROP TABLE signature_count_deltas;
