-- +goose Up
-- The gateway reads the hub store through a read-only role: it can see what
-- the public may see and nothing else (no credentials, outbox or audit log).
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portalhub_reader') THEN
        CREATE ROLE portalhub_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portalhub_gateway') THEN
        CREATE ROLE portalhub_gateway LOGIN IN ROLE portalhub_reader;
    END IF;
END
$$;
-- +goose StatementEnd
GRANT SELECT ON tenants, categories, items, item_translations, slug_history, blobs TO portalhub_reader;

-- +goose Down
REVOKE SELECT ON tenants, categories, items, item_translations, slug_history, blobs FROM portalhub_reader;
