-- +goose Up
-- Forwarding a citizen's question to another agency (issue 9 point 3): the
-- tenant it was forwarded from, why (shown on the visitor's status page),
-- and how many times it was forwarded (each forward's routing event has its
-- own message id, feedback/<id>/forward/<n>).
ALTER TABLE feedback
    ADD COLUMN forwarded_from text REFERENCES tenants (id),
    ADD COLUMN forward_reason text CHECK (char_length(forward_reason) <= 1000),
    ADD COLUMN forwards       int NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE feedback DROP COLUMN forwards, DROP COLUMN forward_reason, DROP COLUMN forwarded_from;
