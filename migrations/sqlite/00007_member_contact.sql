-- The same schema as postgres/00007_member_contact.sql. The person who
-- signs for a member: an invitation's one-click link fills the sign
-- form's signer name with it.

-- +goose Up
ALTER TABLE members ADD COLUMN contact_name TEXT NOT NULL DEFAULT '' CHECK (length(contact_name) <= 120);

-- +goose Down
ALTER TABLE members DROP COLUMN contact_name;
