-- The public list of signatories, fast at 100,000 signatures and
-- searchable by name, ignoring case and accents.
--
-- list_name is the name the list shows (the organization, or a person's
-- name followed on a second line by the organization they named), folded
-- the way internal/store/signature_search.go folds a search: A–Z to lower
-- case, the accented letters of Spanish, French and Portuguese to their
-- base letter, curly apostrophes to straight ones. Every other character
-- is kept as it is. sqlite/00003_signature_list_index.sql folds the same
-- letters, so both databases find and order the same names. Being
-- generated, it is right whatever wrote the row.
--
-- The index serves the page as the public reads it: one statement's
-- approved signatures by country, region and name. It holds list_name, so
-- a page deep in the list and a search are read from the index alone
-- instead of from 100,000 rows of the table.
--
-- Adding a stored column rewrites the table under an exclusive lock:
-- about 20 seconds per million signatures on two cores, during which
-- signing waits.

-- +goose Up
ALTER TABLE signatures ADD COLUMN list_name text NOT NULL GENERATED ALWAYS AS (
    translate(
        CASE
            WHEN organization = '' THEN signer_name
            WHEN signer_type = 'individual' THEN signer_name || chr(10) || organization
            ELSE organization
        END,
        'ABCDEFGHIJKLMNOPQRSTUVWXYZàáâãäåÀÁÂÃÄÅçÇèéêëÈÉÊËìíîïÌÍÎÏñÑòóôõöøÒÓÔÕÖØùúûüÙÚÛÜýÿÝŸ’‘',
        'abcdefghijklmnopqrstuvwxyzaaaaaaaaaaaacceeeeeeeeiiiiiiiinnoooooooooooouuuuuuuuyyyy'''''
    )
) STORED;

CREATE INDEX signatures_list_idx ON signatures (statement_id, status, country, region, list_name, id);

-- +goose Down
DROP INDEX signatures_list_idx;
ALTER TABLE signatures DROP COLUMN list_name;
