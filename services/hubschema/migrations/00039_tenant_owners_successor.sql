-- +goose Up
-- A retired unit's content is its successor's in public when it has one
-- (the tenant lifecycle of migration 00032: retire names the unit that took
-- over its tasks), else its parent's as before; search resolves owners
-- here only.
CREATE OR REPLACE VIEW tenant_owners AS
WITH RECURSIVE o (tenant_id, owner_id, depth) AS (
    SELECT id, id, 0 FROM tenants
    UNION ALL
    SELECT o.tenant_id, coalesce(t.successor_id, t.parent_id), o.depth + 1
    FROM o JOIN tenants t ON t.id = o.owner_id
    WHERE t.status = 'retired' AND coalesce(t.successor_id, t.parent_id) IS NOT NULL AND o.depth < 10
)
SELECT DISTINCT ON (tenant_id) tenant_id, owner_id FROM o ORDER BY tenant_id, depth DESC;

-- +goose Down
CREATE OR REPLACE VIEW tenant_owners AS
WITH RECURSIVE o (tenant_id, owner_id, depth) AS (
    SELECT id, id, 0 FROM tenants
    UNION ALL
    SELECT o.tenant_id, t.parent_id, o.depth + 1
    FROM o JOIN tenants t ON t.id = o.owner_id
    WHERE t.status = 'retired' AND t.parent_id IS NOT NULL AND o.depth < 10
)
SELECT DISTINCT ON (tenant_id) tenant_id, owner_id FROM o ORDER BY tenant_id, depth DESC;
