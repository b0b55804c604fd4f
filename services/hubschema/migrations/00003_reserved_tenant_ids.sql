-- +goose Up
-- A tenant id is the first path segment of its site (/vi/<tenant>/...) and
-- of its files (/files/<tenant>/...); these words are the gateway's own.
ALTER TABLE tenants ADD CONSTRAINT tenants_id_not_reserved
    CHECK (id NOT IN ('files', 'static', 'healthz', 'readyz', 'metrics', 'api', 'search', 'feedback', 'ops', 'admin', 'feeds'));

-- +goose Down
ALTER TABLE tenants DROP CONSTRAINT tenants_id_not_reserved;
