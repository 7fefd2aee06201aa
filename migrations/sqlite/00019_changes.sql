-- The change log, written by triggers: the same table and kinds as
-- postgres/00019_changes.sql, which says why. SQLite serializes its
-- writers, so ids are taken in commit order and a reader follows id
-- alone; AUTOINCREMENT keeps an id from ever being used twice.

-- +goose Up
CREATE TABLE changes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    statement_id INTEGER NOT NULL,
    signature_id INTEGER,
    kind         TEXT NOT NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX changes_statement_idx ON changes (statement_id, id);

-- +goose StatementBegin
CREATE TRIGGER signatures_change_insert AFTER INSERT ON signatures
BEGIN
    INSERT INTO changes (statement_id, signature_id, kind, created_at)
    SELECT NEW.statement_id, NEW.id, k, NEW.updated_at FROM (
        SELECT 1 AS n, 'signature.created' AS k
        UNION ALL SELECT 2, CASE WHEN NEW.confirmed_at IS NOT NULL THEN 'signature.confirmed' END
        UNION ALL SELECT 3, CASE NEW.status
            WHEN 'approved' THEN 'signature.approved'
            WHEN 'rejected' THEN 'signature.rejected'
            WHEN 'withdrawn' THEN 'signature.withdrawn'
        END
    ) WHERE k IS NOT NULL ORDER BY n;
END;
-- +goose StatementEnd

-- The list_name triggers of 00003 set signer_type to itself; the WHEN
-- clause lets only a real change through.
-- +goose StatementBegin
CREATE TRIGGER signatures_change_update AFTER UPDATE OF
    status, confirmed_at, statement_id, signer_type, organization, signer_name, signer_title, email,
    city, country, region, website, language
ON signatures
WHEN OLD.status IS NOT NEW.status
    OR (OLD.confirmed_at IS NULL AND NEW.confirmed_at IS NOT NULL)
    OR (OLD.erased_at IS NEW.erased_at AND (
        OLD.statement_id IS NOT NEW.statement_id OR OLD.signer_type IS NOT NEW.signer_type
        OR OLD.organization IS NOT NEW.organization OR OLD.signer_name IS NOT NEW.signer_name
        OR OLD.signer_title IS NOT NEW.signer_title OR OLD.email IS NOT NEW.email
        OR OLD.city IS NOT NEW.city OR OLD.country IS NOT NEW.country OR OLD.region IS NOT NEW.region
        OR OLD.website IS NOT NEW.website OR OLD.language IS NOT NEW.language))
BEGIN
    INSERT INTO changes (statement_id, signature_id, kind, created_at)
    SELECT NEW.statement_id, NEW.id, k, NEW.updated_at FROM (
        SELECT 2 AS n, CASE WHEN OLD.confirmed_at IS NULL AND NEW.confirmed_at IS NOT NULL
            THEN 'signature.confirmed' END AS k
        UNION ALL SELECT 3, CASE WHEN OLD.status IS NOT NEW.status THEN CASE NEW.status
            WHEN 'approved' THEN 'signature.approved'
            WHEN 'rejected' THEN 'signature.rejected'
            WHEN 'withdrawn' THEN 'signature.withdrawn'
        END END
        -- A correction of the signer's details, or a status change the
        -- kinds above do not name; not the erasure of personal data.
        UNION ALL SELECT 4, CASE WHEN OLD.erased_at IS NEW.erased_at
            AND NOT (OLD.confirmed_at IS NULL AND NEW.confirmed_at IS NOT NULL)
            AND NOT (OLD.status IS NOT NEW.status AND NEW.status IN ('approved', 'rejected', 'withdrawn'))
            THEN 'signature.updated' END
    ) WHERE k IS NOT NULL ORDER BY n;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER statements_change AFTER UPDATE OF status ON statements
WHEN OLD.status IS NOT NEW.status AND NEW.status IN ('closed', 'published')
BEGIN
    INSERT INTO changes (statement_id, kind, created_at)
    VALUES (NEW.id, 'statement.' || NEW.status, NEW.updated_at);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER deliveries_change AFTER INSERT ON deliveries
BEGIN
    INSERT INTO changes (statement_id, kind, created_at)
    VALUES (NEW.statement_id, 'statement.delivered', NEW.created_at);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER deliveries_change;
DROP TRIGGER statements_change;
DROP TRIGGER signatures_change_update;
DROP TRIGGER signatures_change_insert;
DROP TABLE changes;
