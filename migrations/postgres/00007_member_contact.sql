-- The person who signs for a member: an invitation's one-click link
-- fills the sign form's signer name with it.

-- +goose Up
ALTER TABLE members ADD COLUMN contact_name text NOT NULL DEFAULT '' CHECK (char_length(contact_name) <= 120);

-- +goose Down
ALTER TABLE members DROP COLUMN contact_name;
