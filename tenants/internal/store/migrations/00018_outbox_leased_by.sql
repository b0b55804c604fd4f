-- +goose Up
-- Who holds an outbox row's lease: the PostgreSQL backend (pg_backend_pid())
-- of the relay's connection that claimed it. A lease whose backend is gone
-- (the relay's process was killed, or the database restarted) is void at
-- once rather than at its end, five minutes later: the item's next versions
-- wait for that row (store.Claim), so a dead lease would hold them back.
ALTER TABLE outbox ADD COLUMN leased_by integer;

-- +goose Down
ALTER TABLE outbox DROP COLUMN leased_by;
