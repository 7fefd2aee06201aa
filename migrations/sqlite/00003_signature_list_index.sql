-- The public list of signatories, fast at 100,000 signatures and
-- searchable by name, ignoring case and accents: the same column and
-- index as postgres/00003_signature_list_index.sql, which says why.
--
-- SQLite cannot add a stored generated column to a table, and a virtual
-- one would run the 58 replace() calls below again for every row any
-- SELECT * reads (over a second for an export of 100,000). So list_name
-- is a plain column that triggers keep, whatever writes the row. lower() in
-- SQLite folds A–Z only; each replace() folds one accented letter or
-- curly apostrophe, exactly as PostgreSQL's translate() there does.

-- +goose Up
ALTER TABLE signatures ADD COLUMN list_name TEXT NOT NULL DEFAULT '';

-- +goose StatementBegin
CREATE TRIGGER signatures_list_name AFTER UPDATE OF organization, signer_name, signer_type ON signatures
BEGIN
    UPDATE signatures SET list_name =
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(replace(replace(replace(replace(replace(replace(replace(
        lower(CASE
            WHEN organization = '' THEN signer_name
            WHEN signer_type = 'individual' THEN signer_name || char(10) || organization
            ELSE organization
        END),
        'à', 'a'), 'á', 'a'), 'â', 'a'), 'ã', 'a'), 'ä', 'a'), 'å', 'a'), 'À', 'a'), 'Á', 'a'), 'Â', 'a'), 'Ã', 'a'), 'Ä', 'a'), 'Å', 'a'),
        'ç', 'c'), 'Ç', 'c'),
        'è', 'e'), 'é', 'e'), 'ê', 'e'), 'ë', 'e'), 'È', 'e'), 'É', 'e'), 'Ê', 'e'), 'Ë', 'e'),
        'ì', 'i'), 'í', 'i'), 'î', 'i'), 'ï', 'i'), 'Ì', 'i'), 'Í', 'i'), 'Î', 'i'), 'Ï', 'i'),
        'ñ', 'n'), 'Ñ', 'n'),
        'ò', 'o'), 'ó', 'o'), 'ô', 'o'), 'õ', 'o'), 'ö', 'o'), 'ø', 'o'), 'Ò', 'o'), 'Ó', 'o'), 'Ô', 'o'), 'Õ', 'o'), 'Ö', 'o'), 'Ø', 'o'),
        'ù', 'u'), 'ú', 'u'), 'û', 'u'), 'ü', 'u'), 'Ù', 'u'), 'Ú', 'u'), 'Û', 'u'), 'Ü', 'u'),
        'ý', 'y'), 'ÿ', 'y'), 'Ý', 'y'), 'Ÿ', 'y'),
        '’', ''''), '‘', '''')
    WHERE id = NEW.id;
END;
-- +goose StatementEnd

-- A new row, and every row already there, gets its list_name from the
-- trigger above by setting a column it watches to itself: the fold is
-- written once.
-- +goose StatementBegin
CREATE TRIGGER signatures_list_name_new AFTER INSERT ON signatures
BEGIN
    UPDATE signatures SET signer_type = signer_type WHERE id = NEW.id;
END;
-- +goose StatementEnd
UPDATE signatures SET signer_type = signer_type;

CREATE INDEX signatures_list_idx ON signatures (statement_id, status, country, region, list_name, id);

-- +goose Down
DROP INDEX signatures_list_idx;
DROP TRIGGER signatures_list_name_new;
DROP TRIGGER signatures_list_name;
ALTER TABLE signatures DROP COLUMN list_name;
