-- +goose Up
-- The open API lists items of any state (not taken down) by when they last
-- changed, newest first, paged by (updated_at, tenant_id, content_id); a
-- harvester asks for those changed since a time. (A kind's feed uses
-- items_kind, migration 00010.)
CREATE INDEX items_updated ON items (updated_at DESC, tenant_id DESC, content_id DESC)
    WHERE taken_down_at IS NULL;
CREATE INDEX items_tenant_updated ON items (tenant_id, updated_at DESC, content_id DESC)
    WHERE taken_down_at IS NULL;

-- +goose Down
DROP INDEX items_tenant_updated, items_updated;
