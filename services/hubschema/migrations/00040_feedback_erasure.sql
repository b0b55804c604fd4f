-- +goose Up
-- A visitor deletes the personal data of their submission (issue 9 point 6):
-- the confirmation link's token (SHA-256 of it; the link is e-mailed to the
-- address given), when it expires and when it was last asked for (one
-- e-mail per 10 minutes), when the data was deleted (the data key destroyed,
-- the question emptied, every tenant that received it told), and the tenants
-- it was routed to before its current one (forwarded_from names only the
-- last), so each deletes its copy.
ALTER TABLE feedback
    ADD COLUMN erase_token_hash    bytea UNIQUE,
    ADD COLUMN erase_token_expires timestamptz,
    ADD COLUMN erase_requested_at  timestamptz,
    ADD COLUMN erased_at           timestamptz,
    ADD COLUMN routed_to           text[] NOT NULL DEFAULT '{}';
UPDATE feedback SET routed_to = ARRAY[forwarded_from] WHERE forwarded_from IS NOT NULL;

-- +goose Down
ALTER TABLE feedback
    DROP COLUMN routed_to,
    DROP COLUMN erased_at,
    DROP COLUMN erase_requested_at,
    DROP COLUMN erase_token_expires,
    DROP COLUMN erase_token_hash;
