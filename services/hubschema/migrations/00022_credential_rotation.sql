-- +goose Up
-- Credential rotation (issue 10 point 3). A rotation issues a successor and
-- gives the old credential an end (expires_at): both work during the
-- overlap. (last_used_at came with migration 00019.)
ALTER TABLE credentials
    ADD COLUMN expires_at  timestamptz,
    ADD COLUMN replaced_by bigint REFERENCES credentials (id);

-- +goose Down
ALTER TABLE credentials DROP COLUMN replaced_by, DROP COLUMN expires_at;
