-- Once-only email delivery (docs/decisions.md, "Email: once, as far as
-- SMTP allows"). sending_since is written, and committed, just before an
-- email is handed to the SMTP server, and cleared when the outcome of that
-- hand-off is recorded. A delivery job that finds it set knows the
-- previous attempt ended without a recorded outcome: the process died, or
-- the database went away, between the hand-off and its record.

-- +goose Up
ALTER TABLE emails ADD COLUMN sending_since timestamptz;

-- +goose Down
ALTER TABLE emails DROP COLUMN sending_since;
