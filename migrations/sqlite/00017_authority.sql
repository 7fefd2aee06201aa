-- The same schema as postgres/00017_authority.sql.
--
-- SQLite cannot alter a CHECK constraint, and rebuilding statements
-- would cascade through every table that references it. Widening the
-- approval check changes no stored row, so the table's definition is
-- edited in place, the procedure SQLite documents for such changes
-- ("Making Other Kinds Of Table Schema Changes"), and the schema
-- version bumped so every connection reloads it.

-- +goose Up
ALTER TABLE signatures ADD COLUMN authority_text TEXT NOT NULL DEFAULT ''
    CHECK (length(authority_text) <= 1000);
ALTER TABLE signatures ADD COLUMN authority_language TEXT NOT NULL DEFAULT '';
ALTER TABLE signatures ADD COLUMN authorized_at DATETIME;
ALTER TABLE signatures ADD COLUMN flags TEXT NOT NULL DEFAULT ''
    CHECK (length(flags) <= 200);

PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (approval IN (''none'', ''non_members'', ''all''))',
                          'CHECK (approval IN (''none'', ''non_members'', ''all'', ''flagged''))')
 WHERE type = 'table' AND name = 'statements';
PRAGMA writable_schema = OFF;

CREATE TABLE blocklist_entries (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('email', 'domain', 'organization')),
    value      TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 254),
    match_key  TEXT NOT NULL CHECK (match_key <> ''),
    note       TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 300),
    created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at DATETIME NOT NULL,
    CONSTRAINT blocklist_entries_kind_match_key_key UNIQUE (kind, match_key)
);

-- +goose Down
DROP TABLE blocklist_entries;
UPDATE statements SET approval = 'all' WHERE approval = 'flagged';
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (approval IN (''none'', ''non_members'', ''all'', ''flagged''))',
                          'CHECK (approval IN (''none'', ''non_members'', ''all''))')
 WHERE type = 'table' AND name = 'statements';
PRAGMA writable_schema = OFF;
ALTER TABLE signatures DROP COLUMN flags;
ALTER TABLE signatures DROP COLUMN authorized_at;
ALTER TABLE signatures DROP COLUMN authority_language;
ALTER TABLE signatures DROP COLUMN authority_text;
