-- The same schema as postgres/00011_email_sending.sql. sending_since is
-- written just before an email is handed to the SMTP server and cleared
-- when the outcome is recorded.

-- +goose Up
ALTER TABLE emails ADD COLUMN sending_since DATETIME;

-- +goose Down
ALTER TABLE emails DROP COLUMN sending_since;
